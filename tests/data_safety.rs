//! Plans that keep data: narrowing fails instead of truncating, renamed tables keep their sequences,
//! steps that fail on existing rows say so, enum values are committed before use, SQLite rebuilds keep
//! AUTOINCREMENT counters and foreign keys, and SQLite names are case-insensitive.

use crate::support::{autogen, project, run, PgDb};

fn pg_project(db: &PgDb, body: &str) -> tempfile::TempDir {
    project(&format!("[database]\nurl = \"{}\"\n{body}", db.url))
}

fn set_models(p: &tempfile::TempDir, text: &str) {
    std::fs::write(p.path().join("models.toml"), text).unwrap();
}

fn read_revisions(p: &tempfile::TempDir) -> String {
    let mut v: Vec<_> = std::fs::read_dir(p.path().join("versions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v.iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn text_to_varchar_narrowing_truncated_values_silently() {
    let Some(db) = PgDb::new("data_safety::narrowing") else {
        return;
    };
    let a = "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"code\", type = \"text\" }]\n";
    let p = pg_project(&db, a);
    run(p.path(), &["revision", "--autogenerate", "-m", "t"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    db.exec("INSERT INTO t VALUES (1, 'abcdefgh')");
    set_models(
        &p,
        &format!(
            "[database]\nurl = \"{}\"\n{}",
            db.url,
            a.replace("\"text\"", "\"varchar(5)\"")
        ),
    );
    let out = run(p.path(), &["revision", "--autogenerate", "-m", "narrow"], 0);
    assert!(out.contains("fails if a value is longer than 5"), "{out}");
    let rev = read_revisions(&p);
    assert!(!rev.contains("USING"), "an explicit cast truncates:\n{rev}");
    let out = run(p.path(), &["upgrade", "head"], 2);
    assert!(out.contains("value too long"), "{out}");
    let v: String = db
        .client()
        .query_one("SELECT code FROM t", &[])
        .unwrap()
        .get(0);
    assert_eq!(v, "abcdefgh");
    db.exec("UPDATE t SET code = 'abc'");
    run(p.path(), &["upgrade", "head"], 0);
    run(p.path(), &["downgrade", "-1"], 0);
}

#[test]
fn float_to_integer_rounding_had_no_warning_and_widening_had_one() {
    let Some(db) = PgDb::new("data_safety::rounding") else {
        return;
    };
    let a = "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"x\", type = \"double precision\" }, { name = \"n\", type = \"varchar(7)\" }, { name = \"i\", type = \"integer\" }]\n";
    let p = pg_project(&db, a);
    run(p.path(), &["revision", "--autogenerate", "-m", "t"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    let b = a
        .replace("\"double precision\"", "\"integer\"")
        .replace("\"varchar(7)\"", "\"varchar(10)\"")
        .replace("\"i\", type = \"integer\"", "\"i\", type = \"bigint\"");
    set_models(&p, &format!("[database]\nurl = \"{}\"\n{b}", db.url));
    let out = run(p.path(), &["revision", "--autogenerate", "-m", "b"], 0);
    assert!(
        out.contains("t.x from double precision to integer: rounds values to whole numbers"),
        "{out}"
    );
    assert!(
        !out.contains("warning: changes type of t.n"),
        "widening is not a warning: {out}"
    );
    assert!(
        !out.contains("warning: changes type of t.i"),
        "widening is not a warning: {out}"
    );
    // The downgrade narrows them back, and says so.
    assert!(
        out.contains(
            "warning (downgrade): changes type of t.i from bigint to integer: the downgrade fails"
        ),
        "{out}"
    );
}

#[test]
fn renamed_table_restarted_its_serial_sequence_and_the_next_insert_failed() {
    let Some(db) = PgDb::new("data_safety::rename_sequences") else {
        return;
    };
    let a = "[tables.people]\ncolumns = [{ name = \"id\", type = \"serial\", primary_key = true }, { name = \"n\", type = \"text\" }, { name = \"k\", type = \"bigint\", identity = true }]\n";
    let p = pg_project(&db, a);
    run(p.path(), &["revision", "--autogenerate", "-m", "one"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    db.exec("INSERT INTO people (n) VALUES ('a'), ('b')");
    let b = a.replace(
        "[tables.people]",
        "[tables.persons]\nrenamed_from = \"people\"",
    );
    set_models(&p, &format!("[database]\nurl = \"{}\"\n{b}", db.url));
    run(p.path(), &["revision", "--autogenerate", "-m", "rename"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    db.exec("INSERT INTO persons (n) VALUES ('c')");
    let (id, k): (i32, i64) = {
        let r = db
            .client()
            .query_one("SELECT id, k FROM persons WHERE n = 'c'", &[])
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!((id, k), (3, 3), "ids continue after the rename");
    let out = run(p.path(), &["check"], 0);
    assert!(out.contains("No differences"), "{out}");
    // The catalog equals a database built from the models (sequence names included).
    let Some(fresh) = PgDb::new("data_safety::rename_sequences") else {
        return;
    };
    let f = pg_project(&fresh, &b);
    run(f.path(), &["revision", "--autogenerate", "-m", "all"], 0);
    run(f.path(), &["upgrade", "head"], 0);
    assert_eq!(db.catalog(), fresh.catalog());
    run(p.path(), &["downgrade", "-1"], 0);
    db.exec("INSERT INTO people (n) VALUES ('d')");
    let id: i32 = db
        .client()
        .query_one("SELECT id FROM people WHERE n = 'd'", &[])
        .unwrap()
        .get(0);
    assert_eq!(id, 4);
}

#[test]
fn not_null_column_without_default_had_no_warning() {
    for sqlite in [false, true] {
        let db = if sqlite {
            None
        } else {
            match PgDb::new("data_safety::not_null_warning") {
                Some(d) => Some(d),
                None => continue,
            }
        };
        let url = db
            .as_ref()
            .map_or("sqlite:app.db".to_string(), |d| d.url.clone());
        let ty = if sqlite { "integer" } else { "int" };
        let a = format!("[database]\nurl = \"{url}\"\n[tables.t]\ncolumns = [{{ name = \"id\", type = \"{ty}\", primary_key = true }}]\n");
        let p = project(&a);
        run(p.path(), &["revision", "--autogenerate", "-m", "t"], 0);
        run(p.path(), &["upgrade", "head"], 0);
        set_models(
            &p,
            &a.replace(
                "primary_key = true }",
                "primary_key = true }, { name = \"code\", type = \"text\" }",
            ),
        );
        let out = run(p.path(), &["revision", "--autogenerate", "-m", "code"], 0);
        assert!(
            out.contains("warning: adds NOT NULL column")
                && out.contains("without a default")
                && out.contains("nullable = true"),
            "{out}"
        );
        assert!(read_revisions(&p).contains("-- warning: adds NOT NULL column"));
    }
}

#[test]
fn drop_and_add_of_a_column_with_the_same_type_gave_no_rename_hint() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n[tables.t]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"nm\", type = \"text\", nullable = true }]\n");
    run(p.path(), &["revision", "--autogenerate", "-m", "t"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    set_models(&p, "[database]\nurl = \"sqlite:app.db\"\n[tables.t]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"name\", type = \"text\", nullable = true }]\n");
    let out = run(p.path(), &["revision", "--autogenerate", "-m", "x"], 0);
    assert!(
        out.contains("hint:") && out.contains("renamed_from = \"nm\""),
        "{out}"
    );
}

#[test]
fn enum_value_added_and_used_as_default_failed_at_upgrade() {
    let Some(db) = PgDb::new("data_safety::enum_add_and_use") else {
        return;
    };
    let a = "[enums.status]\nvalues = [\"new\", \"done\"]\n[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"s\", type = \"status\", default = \"'new'\" }]\n";
    let p = pg_project(&db, a);
    run(p.path(), &["revision", "--autogenerate", "-m", "t"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    db.exec("INSERT INTO t (id) VALUES (1)");
    let b = a
        .replace("[\"new\", \"done\"]", "[\"new\", \"open\", \"done\"]")
        .replace(
            "default = \"'new'\" }]",
            "default = \"'open'\" }]\nchecks = [{ expr = \"s <> 'open' OR id > 0\" }]",
        );
    set_models(&p, &format!("[database]\nurl = \"{}\"\n{b}", db.url));
    let out = run(p.path(), &["revision", "--autogenerate", "-m", "open"], 0);
    assert_eq!(out.matches("Generated").count(), 2, "{out}");
    run(p.path(), &["upgrade", "head"], 0);
    db.exec("INSERT INTO t (id) VALUES (2)");
    let s: String = db
        .client()
        .query_one("SELECT s::text FROM t WHERE id = 2", &[])
        .unwrap()
        .get(0);
    assert_eq!(s, "open");
    let out = run(p.path(), &["check"], 0);
    assert!(out.contains("No differences"), "{out}");
    db.exec("DELETE FROM t WHERE id = 2");
    run(p.path(), &["downgrade", "-2"], 0);
    let out = run(p.path(), &["history"], 0);
    assert_eq!(out.lines().count(), 3, "{out}");
}

#[test]
fn sqlite_rebuild_reset_the_autoincrement_high_water_mark() {
    let a = "[database]\nurl = \"sqlite:app.db\"\n[tables.t]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true, autoincrement = true }, { name = \"n\", type = \"integer\" }]\n";
    let p = project(a);
    run(p.path(), &["revision", "--autogenerate", "-m", "t"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    let c = rusqlite::Connection::open(p.path().join("app.db")).unwrap();
    c.execute_batch("INSERT INTO t (n) VALUES (1), (2), (3); DELETE FROM t WHERE id = 3;")
        .unwrap();
    // A type change SQLite can only make by rebuilding the table.
    set_models(
        &p,
        &a.replace("\"n\", type = \"integer\"", "\"n\", type = \"bigint\""),
    );
    run(
        p.path(),
        &["revision", "--autogenerate", "-m", "rebuild"],
        0,
    );
    assert!(read_revisions(&p).contains("_autogen_new_t"));
    run(p.path(), &["upgrade", "head"], 0);
    c.execute("INSERT INTO t (n) VALUES (4)", []).unwrap();
    let id: i64 = c
        .query_row("SELECT max(id) FROM t", [], |r| r.get(0))
        .unwrap();
    assert_eq!(id, 4, "the id of a deleted row was handed out again");
    run(p.path(), &["downgrade", "-1"], 0);
    c.execute("INSERT INTO t (n) VALUES (5)", []).unwrap();
    let id: i64 = c
        .query_row("SELECT max(id) FROM t", [], |r| r.get(0))
        .unwrap();
    assert_eq!(id, 5);
}

const PARENT_CHILD: &str = "[database]\nurl = \"sqlite:app.db\"\n[tables.parent]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"n\", type = \"integer\" }]\n[tables.child]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"parent_id\", type = \"integer\", references = \"parent.id\", on_delete = \"cascade\" }]\n";

#[test]
fn sqlite_sql_script_run_with_foreign_keys_on_cascaded_deletes_through_a_rebuild() {
    let p = project(PARENT_CHILD);
    run(
        p.path(),
        &[
            "revision",
            "--autogenerate",
            "-m",
            "t",
            "--rev-id",
            "aaaa00000001",
        ],
        0,
    );
    run(p.path(), &["upgrade", "head"], 0);
    set_models(
        &p,
        &PARENT_CHILD.replace("\"n\", type = \"integer\"", "\"n\", type = \"bigint\""),
    );
    run(
        p.path(),
        &["revision", "--autogenerate", "-m", "rebuild parent"],
        0,
    );
    std::fs::remove_file(p.path().join("app.db")).unwrap();
    let first = run(p.path(), &["upgrade", "base:aaaa00000001", "--sql"], 0);
    let second = run(p.path(), &["upgrade", "aaaa00000001:head", "--sql"], 0);
    assert!(second.contains("PRAGMA foreign_keys = OFF"), "{second}");
    // Run the scripts as a client with foreign keys on would, with rows in between.
    let c = rusqlite::Connection::open(p.path().join("app.db")).unwrap();
    c.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    c.execute_batch(&first).unwrap();
    c.execute_batch("PRAGMA foreign_keys = ON; INSERT INTO parent VALUES (1, 1); INSERT INTO child VALUES (1, 1), (2, 1);")
        .unwrap();
    c.execute_batch(&second).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM child", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        n, 2,
        "the rebuild's DROP TABLE cascaded into the child rows:\n{second}"
    );
}

#[test]
fn sqlite_sql_script_committed_a_foreign_key_violation() {
    // A rebuild whose rows break a foreign key fails the script before COMMIT.
    let p = project(PARENT_CHILD);
    run(
        p.path(),
        &[
            "revision",
            "--autogenerate",
            "-m",
            "t",
            "--rev-id",
            "aaaa00000001",
        ],
        0,
    );
    run(p.path(), &["upgrade", "head"], 0);
    set_models(
        &p,
        &PARENT_CHILD.replace(
            "\"parent_id\", type = \"integer\"",
            "\"parent_id\", type = \"bigint\"",
        ),
    );
    run(
        p.path(),
        &["revision", "--autogenerate", "-m", "rebuild child"],
        0,
    );
    let c = rusqlite::Connection::open(p.path().join("app.db")).unwrap();
    c.execute_batch("PRAGMA foreign_keys = OFF; INSERT INTO child VALUES (1, 99)")
        .unwrap(); // an orphan
    let script = run(p.path(), &["upgrade", "aaaa00000001:head", "--sql"], 0);
    let r = c.execute_batch(&script);
    assert!(
        r.as_ref()
            .is_err_and(|e| e.to_string().contains("foreign key")),
        "{r:?}\n{script}"
    );
}

#[test]
fn sqlite_online_run_committed_a_foreign_key_violation() {
    let p = project(PARENT_CHILD);
    run(p.path(), &["revision", "--autogenerate", "-m", "t"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    let c = rusqlite::Connection::open(p.path().join("app.db")).unwrap();
    c.execute_batch("INSERT INTO parent VALUES (1, 1); INSERT INTO child VALUES (7, 1);")
        .unwrap();
    // A hand-written revision that deletes a referenced row (foreign keys are off while migrating).
    run(p.path(), &["revision", "-m", "oops"], 0);
    let f = std::fs::read_dir(p.path().join("versions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|f| f.to_string_lossy().contains("oops"))
        .unwrap();
    let text = std::fs::read_to_string(&f).unwrap().replace(
        "-- upgrade\n",
        "-- upgrade\nDELETE FROM parent WHERE id = 1;\n",
    );
    std::fs::write(&f, text).unwrap();
    let out = run(p.path(), &["upgrade", "head"], 2);
    assert!(
        out.contains("break a foreign key")
            && out.contains("a row of child (rowid 7) references a missing row of parent"),
        "{out}"
    );
    let n: i64 = c
        .query_row("SELECT count(*) FROM parent", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1, "rolled back");
}

#[test]
fn sqlite_case_only_rename_dropped_and_recreated_the_table() {
    let a = "[database]\nurl = \"sqlite:app.db\"\n[tables.users]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"email\", type = \"text\" }]\n[tables.posts]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"user_id\", type = \"integer\", references = \"users.id\" }]\n";
    let p = project(a);
    run(p.path(), &["revision", "--autogenerate", "-m", "t"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    let c = rusqlite::Connection::open(p.path().join("app.db")).unwrap();
    c.execute_batch(
        "INSERT INTO users VALUES (1, 'a@example.com'); INSERT INTO posts VALUES (1, 1);",
    )
    .unwrap();
    let b = a
        .replace("[tables.users]", "[tables.Users]")
        .replace("\"email\"", "\"Email\"")
        .replace("\"users.id\"", "\"Users.id\"");
    set_models(&p, &b);
    let out = run(p.path(), &["diff"], 0);
    assert!(!out.contains("DROP TABLE \"users\""), "{out}");
    assert!(
        out.contains("RENAME COLUMN \"email\" TO \"Email\""),
        "{out}"
    );
    run(p.path(), &["revision", "--autogenerate", "-m", "case"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    let e: String = c
        .query_row("SELECT Email FROM Users WHERE id = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(e, "a@example.com");
    let out = run(p.path(), &["check"], 0);
    assert!(out.contains("No differences"), "{out}");
    run(p.path(), &["downgrade", "-1"], 0);
    let out = autogen(p.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn sqlite_text_to_integer_rebuild_changed_values_without_a_warning() {
    let a = "[database]\nurl = \"sqlite:app.db\"\n[tables.t]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"code\", type = \"text\" }]\n";
    let p = project(a);
    run(p.path(), &["revision", "--autogenerate", "-m", "t"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    set_models(
        &p,
        &a.replace("\"code\", type = \"text\"", "\"code\", type = \"integer\""),
    );
    let out = run(p.path(), &["revision", "--autogenerate", "-m", "int"], 0);
    assert!(
        out.contains("column code goes from TEXT to INTEGER affinity")
            && out.contains("'007' becomes 7"),
        "{out}"
    );
    // And the downgrade, back to text, says what it does too.
    assert!(
        out.contains("warning (downgrade): rebuilds t: column code goes from INTEGER to TEXT"),
        "{out}"
    );
}

#[test]
fn conversions_that_change_values_were_described_as_failing_instead() {
    let Some(db) = PgDb::new("data_safety::conversions") else {
        return;
    };
    let a = "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"b\", type = \"integer\" }, { name = \"i\", type = \"interval\" }, { name = \"c\", type = \"char(10)\" }]\n";
    let p = pg_project(&db, a);
    run(p.path(), &["revision", "--autogenerate", "-m", "t"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    let b = a
        .replace("\"b\", type = \"integer\"", "\"b\", type = \"boolean\"")
        .replace("\"interval\"", "\"time\"")
        .replace("\"char(10)\"", "\"text\"");
    set_models(&p, &format!("[database]\nurl = \"{}\"\n{b}", db.url));
    let out = run(p.path(), &["revision", "--autogenerate", "-m", "b"], 0);
    assert!(
        out.contains("t.b from integer to boolean: converts each value")
            && out.contains("5 becomes true"),
        "{out}"
    );
    assert!(
        out.contains("t.i from interval to time without time zone: keeps only the time of day"),
        "{out}"
    );
    assert!(
        out.contains("t.c from character(10) to text: drops the spaces that pad each value"),
        "{out}"
    );
}

#[test]
fn downgrade_warnings_were_missing() {
    let Some(db) = PgDb::new("data_safety::downgrade_warnings") else {
        return;
    };
    let a = "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }]\n";
    let p = pg_project(&db, a);
    run(p.path(), &["revision", "--autogenerate", "-m", "t"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    let b = a.replace(
        "primary_key = true }",
        "primary_key = true }, { name = \"note\", type = \"text\", nullable = true }",
    );
    set_models(&p, &format!("[database]\nurl = \"{}\"\n{b}", db.url));
    run(p.path(), &["revision", "--autogenerate", "-m", "note"], 0);
    assert!(read_revisions(&p).contains("-- warning: downgrade: drops column t.note"));
    let up = run(p.path(), &["upgrade", "head"], 0);
    assert!(!up.contains("drops column"), "{up}");
    let down = run(p.path(), &["downgrade", "-1"], 0);
    assert!(down.contains("warning: drops column t.note"), "{down}");
}

#[test]
fn serial_to_identity_restarted_the_ids() {
    let Some(db) = PgDb::new("data_safety::serial_to_identity") else {
        return;
    };
    let a = "[tables.t]\ncolumns = [{ name = \"id\", type = \"serial\", primary_key = true }, { name = \"n\", type = \"text\" }]\n";
    let p = pg_project(&db, a);
    run(p.path(), &["revision", "--autogenerate", "-m", "t"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    db.exec("INSERT INTO t (n) VALUES ('a'), ('b'), ('c'); DELETE FROM t WHERE n = 'c'");
    let b = a.replace(
        "type = \"serial\", primary_key = true",
        "type = \"integer\", primary_key = true, identity = true",
    );
    set_models(&p, &format!("[database]\nurl = \"{}\"\n{b}", db.url));
    run(
        p.path(),
        &["revision", "--autogenerate", "-m", "identity"],
        0,
    );
    run(p.path(), &["upgrade", "head"], 0);
    db.exec("INSERT INTO t (n) VALUES ('d')");
    let id: i32 = db
        .client()
        .query_one("SELECT id FROM t WHERE n = 'd'", &[])
        .unwrap()
        .get(0);
    assert_eq!(
        id, 4,
        "the identity continues after the serial sequence (3 was handed out before)"
    );
    run(p.path(), &["downgrade", "-1"], 0);
    db.exec("INSERT INTO t (n) VALUES ('e')");
    let id: i32 = db
        .client()
        .query_one("SELECT id FROM t WHERE n = 'e'", &[])
        .unwrap()
        .get(0);
    assert_eq!(id, 5, "back on the sequence, ids continue after the rows");
}

#[test]
fn column_made_generated_failed_on_postgres_and_lost_values_silently_on_sqlite() {
    let Some(db) = PgDb::new("data_safety::becomes_generated") else {
        return;
    };
    let a = "[tables.t]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"g\", type = \"integer\", nullable = true }]\n";
    let b = a.replace(
        "\"g\", type = \"integer\", nullable = true",
        "\"g\", type = \"integer\", nullable = true, generated = \"id * 2\"",
    );
    let p = pg_project(&db, a);
    run(p.path(), &["revision", "--autogenerate", "-m", "t"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    set_models(&p, &format!("[database]\nurl = \"{}\"\n{b}", db.url));
    let out = run(p.path(), &["revision", "--autogenerate", "-m", "g"], 0);
    assert!(
        !out.contains("renamed_from"),
        "no rename hint for one column: {out}"
    );
    run(p.path(), &["upgrade", "head"], 0);
    run(p.path(), &["downgrade", "-1"], 0);
    // SQLite: the rebuild says the stored values are replaced.
    let s = project(&format!("[database]\nurl = \"sqlite:app.db\"\n{a}"));
    run(s.path(), &["revision", "--autogenerate", "-m", "t"], 0);
    run(s.path(), &["upgrade", "head"], 0);
    set_models(&s, &format!("[database]\nurl = \"sqlite:app.db\"\n{b}"));
    let out = run(s.path(), &["revision", "--autogenerate", "-m", "g"], 0);
    assert!(
        out.contains("become generated: their stored values are replaced"),
        "{out}"
    );
}

#[test]
fn interval_precision_and_bytea_to_text_changed_values_without_a_warning() {
    let Some(db) = PgDb::new("data_safety::interval_bytea") else {
        return;
    };
    let a = "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"i\", type = \"interval\" }, { name = \"b\", type = \"text\" }, { name = \"v\", type = \"bit varying(8)\" }]\n";
    let p = pg_project(&db, a);
    run(p.path(), &["revision", "--autogenerate", "-m", "t"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    let b = a
        .replace("\"interval\"", "\"interval(0)\"")
        .replace("\"b\", type = \"text\"", "\"b\", type = \"bytea\"")
        .replace("\"bit varying(8)\"", "\"bit varying(3)\"");
    set_models(&p, &format!("[database]\nurl = \"{}\"\n{b}", db.url));
    let out = run(p.path(), &["revision", "--autogenerate", "-m", "b"], 0);
    assert!(
        out.contains("t.i from interval to interval(0): rounds fractional seconds to 0 digits"),
        "{out}"
    );
    assert!(out.contains("warning (downgrade): changes type of t.b from bytea to text: writes each value in its text form"), "{out}");
    assert!(
        out.contains("longer than 3 bits") && !out.contains("3 bits (spaces"),
        "{out}"
    );
}
