//! The whole PostgreSQL workflow through the CLI, against a fresh database per test: autogenerate,
//! upgrade, check, change, downgrade; atomic revisions; edited history; concurrent runners; TLS.

use std::path::Path;

use crate::support::{autogen, project, run, PgDb};

const V1: &str = r#"
[enums.booking_status]
values = ["pending", "confirmed", "cancelled"]

[tables.users]
comment = "People who book rooms"
columns = [
  { name = "id",         type = "bigint",       primary_key = true, identity = true },
  { name = "email",      type = "varchar(255)", unique = true },
  { name = "phone",      type = "text",         nullable = true },
  { name = "created_at", type = "timestamptz",  default = "now()" },
]
indexes = [{ columns = ["lower(email)"], unique = true, name = "users_email_ci" }]

[tables.rooms]
columns = [
  { name = "id", type = "serial", primary_key = true },
  { name = "name", type = "text" },
  { name = "capacity", type = "int", default = 1, check = "capacity > 0" },
]

[tables.bookings]
columns = [
  { name = "id",        type = "bigint", primary_key = true, identity = true },
  { name = "user_id",   type = "bigint", references = "users.id", on_delete = "cascade" },
  { name = "room_id",   type = "integer", references = "rooms.id" },
  { name = "starts_at", type = "timestamptz" },
  { name = "ends_at",   type = "timestamptz" },
  { name = "status",    type = "booking_status", default = "'pending'" },
]
checks  = [{ name = "bookings_time_order", expr = "ends_at > starts_at" }, { expr = "status IN ('pending', 'confirmed') OR ends_at IS NOT NULL" }]
unique  = [{ columns = ["room_id", "starts_at"] }]
indexes = [{ columns = ["room_id", "starts_at DESC"], where = "status <> 'cancelled'" }]
"#;

fn v2() -> String {
    V1.replace("[\"pending\", \"confirmed\", \"cancelled\"]", "[\"pending\", \"confirmed\", \"checked_in\", \"cancelled\"]")
        .replace(
            "{ name = \"phone\",      type = \"text\",         nullable = true },",
            "{ name = \"mobile\", type = \"varchar(40)\", nullable = true, renamed_from = \"phone\", comment = \"E.164\" },\n  { name = \"locale\", type = \"text\", default = \"'en'\" },",
        )
        .replace("{ name = \"capacity\", type = \"int\", default = 1, check = \"capacity > 0\" },", "{ name = \"capacity\", type = \"bigint\", default = 2, check = \"capacity > 0\" },")
}

fn models(db: &PgDb, body: &str) -> String {
    format!("[database]\nurl = \"{}\"\n{body}", db.url)
}

fn set_models(dir: &Path, db: &PgDb, body: &str) {
    std::fs::write(dir.join("models.toml"), models(db, body)).unwrap();
}

#[test]
fn autogenerate_upgrade_change_downgrade_round_trip() {
    let Some(db) = PgDb::new("pg_workflow::round_trip") else {
        return;
    };
    let p = project(&models(&db, V1));
    let d = p.path();
    run(d, &["revision", "--autogenerate", "-m", "initial"], 0);
    run(d, &["upgrade", "head"], 0);
    assert!(run(d, &["check"], 0).contains("No differences"));
    let after_v1 = db.catalog();
    db.exec("INSERT INTO users (email) VALUES ('a@b.c'); INSERT INTO rooms (name) VALUES ('r'); INSERT INTO bookings (user_id, room_id, starts_at, ends_at) VALUES (1, 1, now(), now() + interval '1 hour')");

    set_models(d, &db, &v2());
    let out = run(d, &["check"], 1);
    assert!(
        out.contains("column users.phone should be renamed to mobile"),
        "{out}"
    );
    let out = run(
        d,
        &[
            "revision",
            "--autogenerate",
            "-m",
            "mobile, locale, checked in",
        ],
        0,
    );
    assert!(
        out.contains("warning: changes type of users.mobile"),
        "{out}"
    );
    let text = std::fs::read_dir(d.join("versions"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .find(|t| t.contains("mobile"))
        .unwrap();
    assert!(
        text.contains("-- warning: changes type of users.mobile"),
        "{text}"
    );
    assert!(
        text.contains("RENAME COLUMN \"phone\" TO \"mobile\""),
        "{text}"
    );
    run(d, &["upgrade", "head"], 0);
    assert!(run(d, &["check"], 0).contains("No differences"));
    let after_v2 = db.catalog();

    // Exact downgrade: catalogs as after v1; data kept.
    run(d, &["downgrade", "-1"], 0);
    assert_eq!(db.catalog(), after_v1);
    let n: i64 = db
        .client()
        .query_one("SELECT count(*) FROM bookings", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    run(d, &["upgrade", "+1"], 0);
    assert_eq!(db.catalog(), after_v2);
    // Deterministic: the same inputs give the same revision body.
    run(d, &["downgrade", "base"], 0);
    let left = db.catalog();
    assert!(
        !left.contains("table ") && !left.contains("enum "),
        "{left}"
    );
    let out = run(d, &["current"], 0);
    assert!(out.contains("base"), "{out}");
}

#[test]
fn autogenerate_is_deterministic() {
    let Some(db) = PgDb::new("pg_workflow::deterministic") else {
        return;
    };
    let p = project(&models(&db, V1));
    let d = p.path();
    let a = run(d, &["diff"], 0);
    let b = run(d, &["diff"], 0);
    assert_eq!(a, b);
    assert!(a.contains("CREATE TABLE \"bookings\""), "{a}");
}

#[test]
fn revision_refuses_when_database_is_behind() {
    let Some(db) = PgDb::new("pg_workflow::behind") else {
        return;
    };
    let p = project(&models(&db, V1));
    let d = p.path();
    run(d, &["revision", "--autogenerate", "-m", "one"], 0);
    let out = run(d, &["revision", "--autogenerate", "-m", "two"], 2);
    assert!(
        out.contains("not up to date") && out.contains("upgrade head"),
        "{out}"
    );
}

fn write_rev(dir: &Path, name: &str, id: &str, down: &str, up: &str, downsql: &str) {
    let extra = format!(
        "-- message: {name}
-- dialect: postgresql
"
    );
    crate::support::write_revision(dir, &format!("{id}_{name}"), id, down, &extra, up, downsql);
}

#[test]
fn failing_revision_leaves_database_at_previous_revision() {
    let Some(db) = PgDb::new("pg_workflow::atomic") else {
        return;
    };
    let p = project(&models(&db, ""));
    let d = p.path();
    write_rev(
        d,
        "one",
        "aaaa00000001",
        "",
        "CREATE TABLE one (id int);",
        "DROP TABLE one;",
    );
    write_rev(
        d,
        "two",
        "aaaa00000002",
        "aaaa00000001",
        "CREATE TABLE two (id int);\nALTER TABLE two ADD COLUMN x nosuchtype;",
        "DROP TABLE two;",
    );
    let out = run(d, &["upgrade", "head"], 2);
    assert!(
        out.contains("aaaa00000002_two.sql:8")
            && out.contains("nosuchtype")
            && out.contains("rolled back"),
        "{out}"
    );
    let out = run(d, &["current"], 0);
    assert!(out.contains("aaaa00000001"), "{out}");
    let cat = db.catalog();
    assert!(
        cat.contains("table public.one") && !cat.contains("table public.two"),
        "{cat}"
    );
}

#[test]
fn edited_applied_revision_is_refused_unless_allowed() {
    let Some(db) = PgDb::new("pg_workflow::edited") else {
        return;
    };
    let p = project(&models(&db, ""));
    let d = p.path();
    write_rev(
        d,
        "one",
        "bbbb00000001",
        "",
        "CREATE TABLE one (id int);",
        "DROP TABLE one;",
    );
    run(d, &["upgrade", "head"], 0);
    // Line endings alone are not an edit.
    let path = d.join("versions/bbbb00000001_one.sql");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace('\n', "\r\n")).unwrap();
    run(d, &["upgrade", "head"], 0);
    std::fs::write(&path, text.replace("(id int)", "(id bigint)")).unwrap();
    let out = run(d, &["upgrade", "head"], 2);
    assert!(
        out.contains("bbbb00000001_one.sql")
            && out.contains("edited")
            && out.contains("--allow-edited"),
        "{out}"
    );
    run(d, &["upgrade", "head", "--allow-edited"], 0);
}

#[test]
fn two_runners_racing_apply_each_revision_once() {
    let Some(db) = PgDb::new("pg_workflow::race") else {
        return;
    };
    let p = project(&models(&db, ""));
    let d = p.path().to_path_buf();
    let mut prev = String::new();
    for i in 1..=20 {
        let id = format!("cccc{i:08}");
        write_rev(
            &d,
            &format!("r{i}"),
            &id,
            &prev,
            &format!("CREATE TABLE r{i} (id int);\nSELECT pg_sleep(0.01);"),
            &format!("DROP TABLE r{i};"),
        );
        prev = id;
    }
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let d = d.clone();
            std::thread::spawn(move || autogen(&d, &["upgrade", "head"]))
        })
        .collect();
    for h in handles {
        let o = h.join().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let n: i64 = db
        .client()
        .query_one(
            "SELECT count(*) FROM autogen_history WHERE direction = 'upgrade'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 20);
    let v: String = db
        .client()
        .query_one("SELECT version_num FROM autogen_version", &[])
        .unwrap()
        .get(0);
    assert_eq!(v, "cccc00000020");
}

#[test]
fn unmanaged_objects_are_listed_and_never_dropped() {
    let Some(db) = PgDb::new("pg_workflow::unmanaged") else {
        return;
    };
    db.exec("CREATE TABLE t (id int PRIMARY KEY, a int); CREATE TYPE pair AS (x int, y int); CREATE STATISTICS t_st ON id, a FROM t;");
    let p = project(&models(&db, ""));
    let d = p.path();
    let out = run(d, &["inspect", "-o", "models.toml", "--force"], 0);
    assert!(
        out.contains("not managed (left alone): composite type public.pair")
            && out.contains("statistics object public.t_st"),
        "{out}"
    );
    let m = std::fs::read_to_string(d.join("models.toml")).unwrap();
    assert!(!m.contains("t_pkey"), "default names are omitted:\n{m}");
    let out = run(d, &["check"], 0);
    assert!(
        out.contains("not managed (left alone): composite type public.pair"),
        "{out}"
    );
    let out = run(d, &["diff"], 0);
    assert!(
        !out.contains("DROP TYPE") && !out.contains("STATISTICS"),
        "{out}"
    );
}

#[test]
fn views_and_triggers_made_by_hand_were_listed_but_lost_by_inspect() {
    let Some(db) = PgDb::new("pg_workflow::views_managed") else {
        return;
    };
    db.exec("CREATE TABLE t (id int PRIMARY KEY); CREATE VIEW v AS SELECT id FROM t; CREATE FUNCTION tg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$; CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tg();");
    let p = project(&models(&db, ""));
    let d = p.path();
    let out = run(d, &["inspect", "-o", "models.toml", "--force"], 0);
    assert!(!out.contains("not managed"), "{out}");
    let m = std::fs::read_to_string(d.join("models.toml")).unwrap();
    assert!(
        m.contains("[views.v]") && m.contains("[triggers.trg]"),
        "{m}"
    );
    assert!(run(d, &["check"], 0).contains("No differences"));
    // Out of the models, they are dropped like a table would be: the view and trigger first.
    let without: String = m
        .split("\n[")
        .filter(|s| !s.starts_with("views.") && !s.starts_with("triggers."))
        .collect::<Vec<_>>()
        .join("\n[");
    std::fs::write(d.join("models.toml"), without).unwrap();
    let out = run(d, &["diff"], 0);
    assert!(
        out.contains("DROP VIEW \"v\"") && out.contains("DROP TRIGGER \"trg\" ON \"t\""),
        "{out}"
    );
}

#[test]
fn tls_with_sslmode_require_connects_through_rustls() {
    let Some(db) = PgDb::new("pg_workflow::tls") else {
        return;
    };
    let ssl: String = db.client().query_one("SHOW ssl", &[]).unwrap().get(0);
    let p = project("");
    let url = format!("{}?sslmode=require", db.url);
    let o = autogen(p.path(), &["--url", &url, "current"]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    if ssl == "on" {
        assert_eq!(o.status.code(), Some(0), "{text}");
        let used: bool = db
            .client()
            .query_one("SELECT bool_or(s.ssl) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'autogen'", &[])
            .unwrap()
            .get::<_, Option<bool>>(0)
            .unwrap_or(true);
        let _ = used; // the connection is gone by now; success with sslmode=require is the check
    } else {
        assert_eq!(o.status.code(), Some(2), "{text}");
        assert!(text.contains("cannot connect"), "{text}");
    }
    let o = autogen(
        p.path(),
        &["--url", &format!("{}?sslmode=disable", db.url), "current"],
    );
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn offline_sql_needs_no_database() {
    let p = project("[database]\nurl = \"postgres://nobody@127.0.0.1:1/none\"\n");
    let d = p.path();
    write_rev(
        d,
        "one",
        "dddd00000001",
        "",
        "CREATE TABLE one (id int);",
        "DROP TABLE one;",
    );
    write_rev(
        d,
        "two",
        "dddd00000002",
        "dddd00000001",
        "CREATE TABLE two (id int);",
        "DROP TABLE two;",
    );
    let out = run(d, &["upgrade", "head", "--sql"], 0);
    assert!(
        out.contains("BEGIN;\nCREATE TABLE one (id int);\nINSERT INTO autogen_version"),
        "{out}"
    );
    assert!(
        out.contains("DELETE FROM autogen_version WHERE version_num = 'dddd00000001'"),
        "{out}"
    );
    let out = run(d, &["downgrade", "dddd00000002:base", "--sql"], 0);
    assert!(
        out.contains("DROP TABLE two;") && out.contains("DROP TABLE one;"),
        "{out}"
    );
}

#[test]
fn interval_with_fields_was_inspected_as_a_quoted_type_that_failed_at_upgrade() {
    let Some(a) = PgDb::new("pg_workflow::interval_fields") else {
        return;
    };
    let Some(b) = PgDb::new("pg_workflow::interval_fields") else {
        return;
    };
    a.exec("CREATE TABLE t (id int PRIMARY KEY, hm interval hour to minute, ds interval day to second(2))");
    let d = tempfile::tempdir().unwrap();
    run(
        d.path(),
        &["--url", &a.url, "inspect", "-o", "models.toml"],
        0,
    );
    let m = std::fs::read_to_string(d.path().join("models.toml")).unwrap();
    assert!(m.contains("type = \"interval hour to minute\""), "{m}");
    run(d.path(), &["--url", &a.url, "check"], 0);
    run(
        d.path(),
        &["--url", &b.url, "revision", "--autogenerate", "-m", "all"],
        0,
    );
    run(d.path(), &["--url", &b.url, "upgrade", "head"], 0);
    assert_eq!(a.catalog(), b.catalog());
}
