//! The revision graph through the CLI: branches, merges, labels, relative targets, stamp, history, and
//! the safety features: resumable non-transactional revisions and `verify`.

use std::path::Path;

use crate::support::{project, run, PgDb};

fn write_rev(dir: &Path, id: &str, down: &str, extra: &str, up: &str, downsql: &str) {
    let extra = format!(
        "-- message: m {id}
-- dialect: sqlite
{extra}"
    );
    crate::support::write_revision(dir, id, id, down, &extra, up, downsql);
}

fn sqlite_project() -> tempfile::TempDir {
    project("[database]\nurl = \"sqlite:app.db\"\n")
}

#[test]
fn branches_merge_and_heads() {
    let p = sqlite_project();
    let d = p.path();
    write_rev(
        d,
        "base0000",
        "",
        "",
        "CREATE TABLE a (id int);",
        "DROP TABLE a;",
    );
    write_rev(
        d,
        "left1111",
        "base0000",
        "-- branch_labels: left\n",
        "CREATE TABLE l (id int);",
        "DROP TABLE l;",
    );
    write_rev(
        d,
        "rite2222",
        "base0000",
        "",
        "CREATE TABLE r (id int);",
        "DROP TABLE r;",
    );
    let out = run(d, &["heads"], 0);
    assert!(
        out.contains("left1111") && out.contains("rite2222"),
        "{out}"
    );
    let out = run(d, &["branches"], 0);
    assert!(
        out.contains("base0000 (branchpoint) -> left1111, rite2222"),
        "{out}"
    );
    run(d, &["upgrade", "left@head"], 0);
    let out = run(d, &["current"], 0);
    assert!(
        out.contains("left1111") && !out.contains("rite2222"),
        "{out}"
    );
    run(d, &["upgrade", "heads"], 0);
    let out = run(d, &["current"], 0);
    assert!(
        out.contains("left1111") && out.contains("rite2222"),
        "{out}"
    );
    let out = run(d, &["merge", "-m", "join", "heads"], 0);
    assert!(out.contains("Generated"), "{out}");
    let out = run(d, &["heads"], 0);
    assert_eq!(out.lines().count(), 1, "{out}");
    run(d, &["upgrade", "head"], 0);
    let out = run(d, &["current"], 0);
    assert!(out.contains("(head)") && out.lines().count() == 1, "{out}");
    // Down through the merge point: both parents become current again.
    run(d, &["downgrade", "-1"], 0);
    let out = run(d, &["current"], 0);
    assert!(
        out.contains("left1111") && out.contains("rite2222"),
        "{out}"
    );
    run(d, &["downgrade", "base"], 0);
    assert!(run(d, &["current"], 0).contains("base"));
}

#[test]
fn revision_head_starts_a_branch() {
    let p = sqlite_project();
    let d = p.path();
    write_rev(d, "aaaa0001", "", "", "SELECT 1;", "SELECT 1;");
    write_rev(d, "aaaa0002", "aaaa0001", "", "SELECT 1;", "SELECT 1;");
    run(
        d,
        &[
            "revision", "-m", "side", "--head", "aaaa0001", "--rev-id", "side0001",
        ],
        0,
    );
    let out = run(d, &["heads"], 0);
    assert!(
        out.contains("aaaa0002") && out.contains("side0001"),
        "{out}"
    );
    let out = run(d, &["upgrade", "head"], 2);
    assert!(out.contains("several heads"), "{out}");
}

#[test]
fn ambiguous_prefix_lists_candidates() {
    let p = sqlite_project();
    let d = p.path();
    write_rev(d, "abcd0001", "", "", "SELECT 1;", "SELECT 1;");
    write_rev(d, "abcd0002", "abcd0001", "", "SELECT 1;", "SELECT 1;");
    let out = run(d, &["show", "abcd"], 2);
    assert!(
        out.contains("abcd0001") && out.contains("abcd0002") && out.contains("ambiguous"),
        "{out}"
    );
    let out = run(d, &["show", "abcd0002"], 0);
    assert!(out.contains("-- revision: abcd0002"), "{out}");
}

#[test]
fn relative_targets_stamp_and_history_ranges() {
    let p = sqlite_project();
    let d = p.path();
    let mut prev = String::new();
    for i in 1..=5 {
        let id = format!("rrrr000{i}");
        write_rev(
            d,
            &id,
            &prev,
            "",
            &format!("CREATE TABLE t{i} (id int);"),
            &format!("DROP TABLE t{i};"),
        );
        prev = id;
    }
    run(d, &["upgrade", "+2"], 0);
    assert!(run(d, &["current"], 0).contains("rrrr0002"));
    run(d, &["upgrade", "rrrr0002+2"], 0);
    assert!(run(d, &["current"], 0).contains("rrrr0004"));
    run(d, &["downgrade", "-3"], 0);
    assert!(run(d, &["current"], 0).contains("rrrr0001"));
    let out = run(d, &["history", "-r", "rrrr0002:rrrr0004"], 0);
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(out.lines().next().unwrap().contains("rrrr0004"), "{out}");
    run(d, &["stamp", "rrrr0005"], 0);
    assert!(run(d, &["current", "-v"], 0).contains("rrrr0005 (head)"));
    run(d, &["stamp", "base", "--purge"], 0);
    assert!(run(d, &["current"], 0).contains("base"));
}

#[test]
fn non_transactional_revision_resumes_where_it_failed() {
    let p = sqlite_project();
    let d = p.path();
    write_rev(
        d,
        "nnnn0001",
        "",
        "-- transactional: false\n",
        "CREATE TABLE one (id int);\nCREATE TABLE two (id int REFERENCES missing_later(id));\nINSERT INTO needed VALUES (1);\nCREATE TABLE three (id int);",
        "DROP TABLE three;\nDROP TABLE two;\nDROP TABLE one;",
    );
    let out = run(d, &["upgrade", "head"], 2);
    assert!(
        out.contains("HALF-APPLIED") && out.contains("nnnn0001.sql:10") && out.contains("resume"),
        "{out}"
    );
    assert!(run(d, &["current"], 0).contains("base"));
    // Fix the cause; the rerun must not repeat CREATE TABLE one/two.
    rusqlite::Connection::open(d.join("app.db"))
        .unwrap()
        .execute_batch("CREATE TABLE needed (id int)")
        .unwrap();
    run(d, &["upgrade", "head"], 0);
    assert!(run(d, &["current"], 0).contains("nnnn0001"));
    let c = rusqlite::Connection::open(d.join("app.db")).unwrap();
    let n: i64 = c
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name IN ('one', 'two', 'three')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 3);
    let left: i64 = c
        .query_row("SELECT count(*) FROM autogen_progress", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn verify_passes_for_generated_revisions() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n[tables.t]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"n\", type = \"integer\", nullable = true }]\nindexes = [{ columns = [\"n\"] }]\n");
    let d = p.path();
    run(d, &["revision", "--autogenerate", "-m", "one"], 0);
    let out = run(d, &["verify"], 0);
    assert!(out.contains("Verified 1 revision"), "{out}");
}

#[test]
fn verify_catches_a_downgrade_that_leaves_an_index_behind() {
    let Some(db) = PgDb::new("graph::verify_index_left_behind") else {
        return;
    };
    let p = project(&format!(
        "[database]\nurl = \"{}\"\n[tables.t]\ncolumns = [{{ name = \"id\", type = \"integer\", primary_key = true }}, {{ name = \"n\", type = \"integer\" }}]\nindexes = [{{ columns = [\"n\"] }}]\n",
        db.url
    ));
    let d = p.path();
    std::fs::create_dir_all(d.join("versions")).unwrap();
    std::fs::write(
        d.join("versions/vvvv0001_table.sql"),
        "-- revision: vvvv0001\n-- down_revision:\n-- dialect: postgresql\n\n-- upgrade\nCREATE TABLE t (id integer PRIMARY KEY, n integer NOT NULL);\n\n-- downgrade\nDROP TABLE t;\n",
    )
    .unwrap();
    std::fs::write(
        d.join("versions/vvvv0002_index.sql"),
        "-- revision: vvvv0002\n-- down_revision: vvvv0001\n-- dialect: postgresql\n\n-- upgrade\nCREATE INDEX t_n_idx ON t (n);\n\n-- downgrade\nSELECT 1;\n",
    )
    .unwrap();
    let out = run(d, &["verify"], 1);
    assert!(
        out.contains("FAIL vvvv0002") && out.contains("does not undo"),
        "{out}"
    );
    assert!(
        out.contains("+indexes = [") || out.contains("t_n_idx") || out.contains("indexes"),
        "{out}"
    );
    assert!(out.contains("ok   vvvv0001"), "{out}");
    // Fixed: verify passes, and the scratch database was dropped.
    std::fs::write(
        d.join("versions/vvvv0002_index.sql"),
        "-- revision: vvvv0002\n-- down_revision: vvvv0001\n-- dialect: postgresql\n\n-- upgrade\nCREATE INDEX t_n_idx ON t (n);\n\n-- downgrade\nDROP INDEX t_n_idx;\n",
    )
    .unwrap();
    let out = run(d, &["verify"], 0);
    assert!(out.contains("Verified 2 revision"), "{out}");
    let n: i64 = db
        .client()
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'autogen_verify_%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 0, "scratch databases left behind");
}

#[test]
fn depends_on_orders_revisions_across_branches() {
    let p = sqlite_project();
    let d = p.path();
    write_rev(
        d,
        "dddd0001",
        "",
        "",
        "CREATE TABLE a (id int PRIMARY KEY);",
        "DROP TABLE a;",
    );
    // A second root whose table references one created on the other branch: it depends on it.
    write_rev(
        d,
        "dddd0002",
        "",
        "-- depends_on: dddd0003\n",
        "CREATE TABLE c (b_id int REFERENCES b(id));\nINSERT INTO b VALUES (1);",
        "DROP TABLE c;",
    );
    write_rev(
        d,
        "dddd0003",
        "dddd0001",
        "",
        "CREATE TABLE b (id int PRIMARY KEY);",
        "DROP TABLE b;",
    );
    run(d, &["upgrade", "heads"], 0);
    let c = rusqlite::Connection::open(d.join("app.db")).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM b", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1, "dddd0002 ran before the revision it depends on");
    // depends_on does not join the branches: both stay heads in the version table.
    let out = run(d, &["current"], 0);
    assert!(
        out.contains("dddd0002") && out.contains("dddd0003"),
        "{out}"
    );
}

#[test]
fn sqlite_url_forms() {
    let p = project("");
    let d = p.path();
    run(d, &["--url", "sqlite://app2.db", "upgrade", "head"], 0);
    assert!(d.join("app2.db").exists());
    let out = run(d, &["--url", "sqlite::memory:", "current"], 0);
    assert!(out.contains("base"), "{out}");
}
