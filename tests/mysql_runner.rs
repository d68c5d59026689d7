//! The runner on MySQL/MariaDB, where DDL commits itself: progress is recorded per statement, a
//! failed revision is reported HALF-APPLIED and resumes at the statement that failed, the lock names
//! its holder, the offline script sets the session up, and connection errors say how to fix them.

use crate::support::{autogen, run, write_revision, MyDb};

fn project(db: &MyDb) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("models.toml"),
        format!("[database]\nurl = \"{}\"\n", db.url),
    )
    .unwrap();
    d
}

#[test]
fn mysql_failed_third_statement_leaves_progress_at_two_and_resumes_there() {
    let Some(db) = MyDb::new("mysql_runner::resume") else {
        return;
    };
    let p = project(&db);
    let up = "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, x no_such_type);\nCREATE TABLE d (id int PRIMARY KEY);";
    let down = "DROP TABLE d;\nDROP TABLE c;\nDROP TABLE b;\nDROP TABLE a;";
    write_revision(
        p.path(),
        "r1",
        "aaaa00000001",
        "",
        "-- dialect: mysql\n",
        up,
        down,
    );
    let out = run(p.path(), &["upgrade", "head"], 2);
    assert!(out.contains("HALF-APPLIED"), "{out}");
    assert!(
        out.contains("no_such_type"),
        "the failed statement is shown: {out}"
    );
    assert_eq!(
        db.rows(
            "SELECT CONCAT(revision, ' ', direction, ' ', statements_done) FROM autogen_progress"
        ),
        ["aaaa00000001 upgrade 2"]
    );
    assert!(run(p.path(), &["current"], 0).contains("HALF-APPLIED"));
    // Fixed, it runs from statement 3: a and b are not created again (that would fail).
    write_revision(
        p.path(),
        "r1",
        "aaaa00000001",
        "",
        "-- dialect: mysql\n",
        &up.replace("no_such_type", "int"),
        down,
    );
    run(p.path(), &["upgrade", "head"], 0);
    assert_eq!(
        db.rows("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'autogen%' ORDER BY 1"),
        ["a", "b", "c", "d"]
    );
    assert!(db.rows("SELECT * FROM autogen_progress").is_empty());
    assert_eq!(
        db.rows("SELECT version_num FROM autogen_version"),
        ["aaaa00000001"]
    );
    assert_eq!(
        db.rows("SELECT CONCAT(revision, ' ', direction) FROM autogen_history"),
        ["aaaa00000001 upgrade"]
    );
    run(p.path(), &["downgrade", "base"], 0);
    assert!(db
        .rows("SELECT version_num FROM autogen_version")
        .is_empty());
}

#[test]
fn mysql_lock_timeout_names_the_holder() {
    let Some(db) = MyDb::new("mysql_runner::lock") else {
        return;
    };
    use mysql::prelude::Queryable;
    let mut holder = db.conn();
    let got: Option<i64> = holder
        .query_first("SELECT GET_LOCK(CONCAT('autogen:', LEFT(SHA2(DATABASE(), 256), 40)), 5)")
        .unwrap();
    assert_eq!(got, Some(1));
    let id: Option<u64> = holder.query_first("SELECT CONNECTION_ID()").unwrap();
    let p = project(&db);
    write_revision(
        p.path(),
        "r1",
        "bbbb00000001",
        "",
        "-- dialect: mysql\n",
        "CREATE TABLE a (id int);",
        "DROP TABLE a;",
    );
    let o = autogen(p.path(), &["upgrade", "head", "--lock-timeout", "1"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("timed out after 1s waiting for the migration lock"),
        "{err}"
    );
    assert!(
        err.contains(&format!("held by connection {}", id.unwrap())),
        "{err}"
    );
    drop(holder);
    run(p.path(), &["upgrade", "head"], 0);
}

#[test]
fn mysql_offline_script_sets_the_session_and_has_no_transactions() {
    let Some(db) = MyDb::new("mysql_runner::offline") else {
        return;
    };
    let p = project(&db);
    write_revision(
        p.path(),
        "r1",
        "cccc00000001",
        "",
        "-- dialect: mysql\n",
        "CREATE TABLE a (id int);",
        "DROP TABLE a;",
    );
    let sql = run(p.path(), &["upgrade", "head", "--sql"], 0);
    assert!(sql.contains("SET NAMES utf8mb4;"), "{sql}");
    assert!(sql.contains("NO_BACKSLASH_ESCAPES"), "{sql}");
    assert!(
        !sql.contains("BEGIN;"),
        "MySQL DDL cannot be rolled back: {sql}"
    );
    assert!(
        sql.contains("INSERT INTO autogen_version (version_num) VALUES ('cccc00000001');"),
        "{sql}"
    );
    // The script runs as it is on the server.
    db.script(&crate::mysql::statements(&sql));
    assert_eq!(
        db.rows("SELECT version_num FROM autogen_version"),
        ["cccc00000001"]
    );
    assert!(run(p.path(), &["current"], 0).contains("cccc00000001"));
}

#[test]
fn mysql_connection_errors_say_how_to_fix_them() {
    let Some(db) = MyDb::new("mysql_runner::errors") else {
        return;
    };
    let p = project(&db);
    let missing = db.url.replace(&db.name, "autogen_no_such_db");
    let out = run(p.path(), &["check", "--url", &missing], 2);
    assert!(
        out.contains("CREATE DATABASE `autogen_no_such_db`"),
        "{out}"
    );
    let base = db.url.rsplit_once('/').unwrap().0.to_string();
    let out = run(p.path(), &["check", "--url", &base], 2);
    assert!(out.contains("names no database"), "{out}");
    let with_pw = db.url.replace("root@", "root:s3cret@");
    let out = run(
        p.path(),
        &[
            "check",
            "--url",
            &with_pw.replace(&db.name, "autogen_no_such_db"),
        ],
        2,
    );
    assert!(!out.contains("s3cret"), "password printed: {out}");
}
