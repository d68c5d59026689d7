//! Messages that tell the truth: each error or hint sends the user the right way (exact text tested).
//! Typos in `[database]` and a missing models.toml are in `bad_input`.

use crate::support::{project, run};

const SQLITE: &str = "[database]\nurl = \"sqlite:app.db\"\n";

fn write_rev(dir: &std::path::Path, id: &str, down: &str, up: &str, downgrade: &str) {
    crate::support::write_revision(
        dir,
        id,
        id,
        down,
        "-- dialect: sqlite
",
        up,
        downgrade,
    );
}

#[test]
fn failed_downgrade_said_the_database_was_at_the_revision_before() {
    let p = project(SQLITE);
    write_rev(
        p.path(),
        "aaaa00000001",
        "",
        "CREATE TABLE a (n integer);",
        "DROP TABLE nosuch;",
    );
    run(p.path(), &["upgrade", "head"], 0);
    let out = run(p.path(), &["downgrade", "-1"], 2);
    assert!(
        out.contains("downgrade of revision aaaa00000001 failed")
            && out.contains("the database is still at aaaa00000001, as before the downgrade"),
        "{out}"
    );
    let cur = run(p.path(), &["current"], 0);
    assert!(cur.contains("aaaa00000001"), "{cur}");
}

#[test]
fn sqlite_errors_printed_the_failing_statement_twice() {
    let p = project(SQLITE);
    write_rev(p.path(), "aaaa00000001", "", "SELEC 1;", "");
    let out = run(p.path(), &["upgrade", "head"], 2);
    assert_eq!(out.matches("SELEC 1").count(), 1, "{out}");
    assert!(
        out.contains("upgrade of revision aaaa00000001 failed at") && out.contains(":6:"),
        "{out}"
    );
    assert!(
        out.contains("the database is still at base, as before the upgrade"),
        "{out}"
    );
}

#[test]
fn check_hint_said_autogenerate_when_the_database_was_behind_head() {
    let p = project(&format!("{SQLITE}[tables.a]\ncolumns = [{{ name = \"id\", type = \"integer\" }}]\n[tables.b]\ncolumns = [{{ name = \"id\", type = \"integer\" }}]\n"));
    write_rev(
        p.path(),
        "aaaa00000001",
        "",
        "CREATE TABLE a (id integer NOT NULL);",
        "DROP TABLE a;",
    );
    write_rev(
        p.path(),
        "bbbb00000002",
        "aaaa00000001",
        "CREATE TABLE b (id integer NOT NULL);",
        "DROP TABLE b;",
    );
    run(p.path(), &["upgrade", "aaaa00000001"], 0);
    let out = run(p.path(), &["check"], 1);
    assert!(
        out.contains("hint: the database is at aaaa00000001, not at the head bbbb00000002: run `autogen upgrade head` first"),
        "{out}"
    );
    // Two heads: the step that works is a merge.
    write_rev(
        p.path(),
        "cccc00000003",
        "aaaa00000001",
        "CREATE TABLE c (id integer NOT NULL);",
        "DROP TABLE c;",
    );
    let out = run(p.path(), &["check"], 1);
    assert!(
        out.contains("join them with `autogen merge -m MSG heads`"),
        "{out}"
    );
    let out = run(p.path(), &["verify"], 1);
    assert!(
        out.contains("join them with `autogen merge -m MSG heads`"),
        "{out}"
    );
}

#[test]
fn unapplied_failing_revision_made_autogenerate_loop_on_upgrade_head() {
    let p = project(&format!(
        "{SQLITE}[tables.a]\ncolumns = [{{ name = \"id\", type = \"integer\" }}]\n"
    ));
    write_rev(
        p.path(),
        "aaaa00000001",
        "",
        "CREATE TABLE nosuch_parent_ref (x integer REFERENCES);",
        "",
    );
    run(p.path(), &["upgrade", "head"], 2);
    let out = run(p.path(), &["revision", "--autogenerate", "-m", "next"], 2);
    assert!(
        out.contains("not applied yet: aaaa00000001 (")
            && out.contains(
                "fix its file, or delete it and run `autogen revision --autogenerate` again"
            ),
        "{out}"
    );
}

#[test]
fn default_now_suggested_a_string_before_the_call() {
    let p = project("[database]\nurl = \"postgres://postgres@127.0.0.1:1/x\"\n[tables.t]\ncolumns = [{ name = \"at\", type = \"timestamptz\", default = \"now\" }]\n");
    let out = run(p.path(), &["diagram"], 2);
    let call = out.find("\"now()\"").expect(&out);
    let text = out.find("\"'now'\"").expect(&out);
    assert!(call < text, "the call comes first: {out}");
    let p = project(&format!("{SQLITE}[tables.t]\ncolumns = [{{ name = \"at\", type = \"timestamp\", default = \"now\" }}]\n"));
    let out = run(p.path(), &["diagram"], 2);
    assert!(out.contains("\"CURRENT_TIMESTAMP\""), "{out}");
}

#[test]
fn missing_sqlite_file_was_created_empty_and_check_said_every_table_was_missing() {
    let p = project("[database]\nurl = \"sqlite:uni.bd\"\n[tables.a]\ncolumns = [{ name = \"id\", type = \"integer\" }]\n");
    run(p.path(), &["revision", "--autogenerate", "-m", "a"], 0);
    assert!(
        !p.path().join("uni.bd").exists(),
        "autogenerate created the file"
    );
    for cmd in [
        &["check"][..],
        &["current"],
        &["diff"],
        &["stamp", "head"],
        &["downgrade", "base"],
        &["inspect"],
    ] {
        let out = run(p.path(), cmd, 2);
        assert!(
            out.contains("the SQLite database uni.bd does not exist")
                && out.contains("`autogen upgrade head` creates"),
            "{cmd:?}: {out}"
        );
        assert!(
            !p.path().join("uni.bd").exists(),
            "{cmd:?} created the file"
        );
    }
    run(p.path(), &["--create", "current"], 0);
    std::fs::remove_file(p.path().join("uni.bd")).unwrap();
    run(p.path(), &["upgrade", "head"], 0);
    run(p.path(), &["check"], 0);
}

#[test]
fn relative_step_from_several_heads_had_no_hint() {
    let p = project(SQLITE);
    write_rev(
        p.path(),
        "aaaa00000001",
        "",
        "CREATE TABLE a (n integer);",
        "DROP TABLE a;",
    );
    write_rev(
        p.path(),
        "bbbb00000002",
        "aaaa00000001",
        "CREATE TABLE b (n integer);",
        "DROP TABLE b;",
    );
    write_rev(
        p.path(),
        "cccc00000003",
        "aaaa00000001",
        "CREATE TABLE c (n integer);",
        "DROP TABLE c;",
    );
    run(p.path(), &["upgrade", "heads"], 0);
    let out = run(p.path(), &["downgrade", "-1"], 2);
    assert!(
        out.contains("relative steps need a single current revision")
            && out
                .contains("hint: name the revision to go to instead, e.g. `autogen downgrade REV`"),
        "{out}"
    );
}

#[test]
fn sqlite_versions_against_postgres_said_not_up_to_date_and_created_tables() {
    let Some(db) = crate::support::PgDb::new("messages::wrong_dialect") else {
        return;
    };
    let p = project(&format!("[database]\nurl = \"{}\"\n", db.url));
    write_rev(
        p.path(),
        "aaaa00000001",
        "",
        "CREATE TABLE a (n integer);",
        "DROP TABLE a;",
    );
    let out = run(p.path(), &["revision", "--autogenerate", "-m", "x"], 2);
    assert!(
        out.contains("targets sqlite, but the database is postgresql")
            && !out.contains("not up to date"),
        "{out}"
    );
    let out = run(p.path(), &["upgrade", "head"], 2);
    assert!(out.contains("targets sqlite"), "{out}");
    let n: i64 = db
        .client()
        .query_one(
            "SELECT count(*) FROM pg_class WHERE relname LIKE 'autogen\\_%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        n, 0,
        "autogen's tables were created in a database the revisions do not target"
    );
}
