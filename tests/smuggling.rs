//! Nothing is smuggled: values from models.toml and the command line reach SQL quoted, or as exactly
//! one clause or statement checked at load; literals read the same under any server setting; comments
//! cannot be ended by the text they carry.

use crate::support::{project, run, PgDb};

/// Models that keep the `victim` table the tests try to have dropped.
fn pg_project(db: &PgDb, body: &str) -> tempfile::TempDir {
    project(&format!(
        "[database]\nurl = \"{}\"\n{body}\n[tables.victim]\ncolumns = [{{ name = \"id\", type = \"int\", nullable = true }}]\n",
        db.url
    ))
}

fn victim_exists(db: &PgDb) -> bool {
    db.client()
        .query_one("SELECT to_regclass('public.victim') IS NOT NULL", &[])
        .unwrap()
        .get(0)
}

#[test]
fn comment_with_backslash_quote_ran_a_second_statement_when_standard_conforming_strings_was_off() {
    let Some(db) = PgDb::new("smuggling::scs_off") else {
        return;
    };
    db.exec(&format!(
        "ALTER DATABASE {} SET standard_conforming_strings = off; CREATE TABLE victim (id int)",
        db.name
    ));
    let comment = r"x\'; DROP TABLE victim; --";
    let toml = comment.replace('\\', "\\\\"); // a TOML basic string
    let p = pg_project(
        &db,
        &format!(
            "[tables.t]\ncomment = \"{toml}\"\ncolumns = [{{ name = \"id\", type = \"int\", comment = \"{toml}\" }}]\n"
        ),
    );
    run(p.path(), &["revision", "--autogenerate", "-m", "t"], 0);
    // The offline script, run by a client that keeps the server's setting (off).
    let script = run(p.path(), &["upgrade", "head", "--sql"], 0);
    let mut c = db.client();
    c.batch_execute("BEGIN").unwrap();
    let r = c.batch_execute(&script);
    c.batch_execute("ROLLBACK").ok();
    assert!(r.is_ok(), "{r:?}\n{script}");
    assert!(
        victim_exists(&db),
        "the offline script dropped the table:\n{script}"
    );
    // Online.
    run(p.path(), &["upgrade", "head"], 0);
    assert!(victim_exists(&db));
    let got: String = db
        .client()
        .query_one("SELECT obj_description('t'::regclass, 'pg_class')", &[])
        .unwrap()
        .get(0);
    assert_eq!(got, comment);
    let out = run(p.path(), &["check"], 0);
    assert!(out.contains("No differences"), "{out}");
}

#[test]
fn raw_sql_keys_with_a_second_statement_were_executed() {
    // Each is refused at load, at its line and column; none reaches a revision.
    let cases: &[(&str, &str)] = &[
        (
            "[tables.p]\ncolumns = [{ name = \"id\", type = \"int\" }]\npartition_by = \"RANGE (id)\"\n\n[tables.p1]\npartition_of = \"p\"\npartition_bound = \"FOR VALUES FROM (1) TO (2); DROP TABLE victim; --\"\n",
            "models.toml:9:",
        ),
        (
            "[tables.p]\ncolumns = [{ name = \"id\", type = \"int\" }]\npartition_by = \"RANGE (id)); DROP TABLE victim; --\"\n",
            "models.toml:5:",
        ),
        (
            "[functions.\"f()\"]\nsql = \"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$; DROP TABLE victim;\"\n",
            "models.toml:4:",
        ),
        (
            "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\nconstraints = [{ name = \"c\", definition = \"CHECK (id > 0)); DROP TABLE victim; --\" }]\n",
            "models.toml:5:",
        ),
        (
            "extensions = [\"pg_trgm\"]\n[tables.t]\ncolumns = [{ name = \"id\", type = \"int); DROP TABLE victim; --\" }]\n",
            "models.toml:5:",
        ),
        (
            "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\nindexes = [{ columns = [\"id\"], method = \"btree (id); DROP TABLE victim; --\" }]\n",
            "models.toml:5:",
        ),
        (
            "[tables.t]\ncolumns = [{ name = \"id\", type = \"text\", collation = '\"C\"; DROP TABLE victim; --' }]\n",
            "models.toml:4:",
        ),
        (
            "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", default = \"1; DROP TABLE victim\" }]\n",
            "models.toml:4:",
        ),
        (
            "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\nchecks = [{ expr = \"id > 0 /* x */\" }]\n",
            "models.toml:5:",
        ),
        (
            "[domains.d]\ntype = \"int\"\nchecks = [{ expr = \"VALUE > 0); DROP TABLE victim; --\" }]\n",
            "models.toml:5:",
        ),
    ];
    for (body, at) in cases {
        let p = project(&format!(
            "[database]\nurl = \"postgres://postgres@127.0.0.1:1/x\"\n{body}"
        ));
        let out = run(p.path(), &["diagram"], 2);
        assert!(out.contains(at), "expected {at}:\n{out}\n{body}");
        assert!(!out.contains("panicked"), "{out}");
    }
}

#[test]
fn partition_bound_error_points_at_the_semicolon() {
    let p = project("[database]\nurl = \"postgres://postgres@127.0.0.1:1/x\"\n[tables.p]\ncolumns = [{ name = \"id\", type = \"int\" }]\npartition_by = \"RANGE (id)\"\n[tables.p1]\npartition_of = \"p\"\npartition_bound = \"FOR VALUES FROM (1) TO (2); DROP TABLE victim; --\"\n");
    let out = run(p.path(), &["diagram"], 2);
    // Column of the `;` inside the string: 19 (`partition_bound = "`) + 26.
    assert!(out.contains("models.toml:8:46:"), "{out}");
    assert!(out.contains("only one clause"), "{out}");
}

#[test]
fn message_with_carriage_return_ended_the_comment_and_dropped_a_table() {
    let Some(db) = PgDb::new("smuggling::message_cr") else {
        return;
    };
    db.exec("CREATE TABLE victim (id int)");
    let p = pg_project(
        &db,
        "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\n",
    );
    let msg = "x\rDROP TABLE victim;\nDROP TABLE victim;\u{2028}x";
    run(p.path(), &["revision", "--autogenerate", "-m", msg], 0);
    let script = run(p.path(), &["upgrade", "head", "--sql"], 0);
    assert!(!script.contains('\r'), "{script:?}");
    db.client().batch_execute(&script).unwrap();
    assert!(
        victim_exists(&db),
        "the offline script dropped the table:\n{script}"
    );
    // The message survives in the file, escaped, and reads back as written; the terminal sees escapes.
    let hist = run(p.path(), &["history"], 0);
    assert!(hist.contains("x\\rDROP TABLE victim;\\nDROP"), "{hist:?}");
    let file = std::fs::read_dir(p.path().join("versions"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(file).unwrap();
    assert!(
        text.contains("-- message: x\\rDROP TABLE victim;\\nDROP TABLE victim;\\u{2028}x\n"),
        "{text}"
    );
}

#[test]
fn sqlite_collation_and_names_are_quoted() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n[tables.'we\"ird']\ncolumns = [{ name = \"a b\", type = \"text\", collation = \"NOCASE\" }]\n");
    run(p.path(), &["revision", "--autogenerate", "-m", "t"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    let out = run(p.path(), &["check"], 0);
    assert!(out.contains("No differences"), "{out}");
}
