//! SQLite: corpus round trips, every row surviving table rebuilds both ways, the root example, and
//! `BEGIN IMMEDIATE` keeping two runners apart.

use std::path::Path;

use crate::support::{autogen, catalog::sqlite_catalog, corpus_file, project, run};

fn sqlite_round_trip(file: &str) {
    let Some(path) = corpus_file("sqlite", file) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a = rusqlite::Connection::open(d.join("a.db")).unwrap();
    a.execute_batch(&std::fs::read_to_string(&path).unwrap())
        .unwrap();
    drop(a);
    run(
        d,
        &["--url", "sqlite:a.db", "inspect", "-o", "models.toml"],
        0,
    );
    run(d, &["--url", "sqlite:a.db", "check"], 0);
    run(
        d,
        &[
            "--url",
            "sqlite:b.db",
            "revision",
            "--autogenerate",
            "-m",
            "from corpus",
        ],
        0,
    );
    run(d, &["--url", "sqlite:b.db", "upgrade", "head"], 0);
    let (ca, cb) = (
        sqlite_catalog(&d.join("a.db")),
        sqlite_catalog(&d.join("b.db")),
    );
    if ca != cb {
        let diff = similar::TextDiff::from_lines(&ca, &cb)
            .unified_diff()
            .header("A (corpus)", "B (autogen)")
            .to_string();
        panic!("{file}: catalogs differ:\n{diff}");
    }
    run(d, &["--url", "sqlite:b.db", "check"], 0);
    run(d, &["--url", "sqlite:b.db", "downgrade", "base"], 0);
    let left = sqlite_catalog(&d.join("b.db"));
    assert!(
        !left.lines().any(|l| l.starts_with("table ")
            || l.starts_with("view ")
            || l.starts_with("trigger ")),
        "{file}: downgrade base left:\n{left}"
    );
}

#[test]
fn corpus_chinook() {
    sqlite_round_trip("chinook.sql");
}
#[test]
fn corpus_chinook_autoincrement() {
    sqlite_round_trip("chinook_autoincrement.sql");
}
#[test]
fn corpus_northwind() {
    sqlite_round_trip("northwind.sql");
}
#[test]
fn corpus_sakila_jooq() {
    sqlite_round_trip("sakila_jooq.sql");
}

fn rows(db: &Path) -> Vec<(i64, String, i64, Option<i64>)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT id, name, qty, parent_id FROM items ORDER BY id")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn five_hundred_rows_survive_rebuilds_both_ways() {
    let v1 = r#"[database]
url = "sqlite:app.db"
[tables.parents]
columns = [{ name = "id", type = "integer", primary_key = true }]
[tables.items]
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "name", type = "text", nullable = true },
  { name = "qty", type = "integer" },
  { name = "parent_id", type = "integer", nullable = true },
]
"#;
    let v2 = r#"[database]
url = "sqlite:app.db"
[tables.parents]
columns = [{ name = "id", type = "integer", primary_key = true }]
[tables.items]
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "name", type = "varchar(40)" },
  { name = "qty", type = "bigint", check = "qty >= 0" },
  { name = "parent_id", type = "integer", nullable = true, references = "parents.id", on_delete = "set null" },
]
"#;
    let p = project(v1);
    let d = p.path();
    run(d, &["revision", "--autogenerate", "-m", "v1"], 0);
    run(d, &["upgrade", "head"], 0);
    {
        let c = rusqlite::Connection::open(d.join("app.db")).unwrap();
        c.execute_batch("INSERT INTO parents (id) SELECT value FROM generate_series(1, 10)")
            .unwrap_or_else(|_| {
                for i in 1..=10 {
                    c.execute("INSERT INTO parents (id) VALUES (?1)", [i])
                        .unwrap();
                }
            });
        for i in 1..=500i64 {
            c.execute(
                "INSERT INTO items (id, name, qty, parent_id) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![
                    i,
                    format!("item {i}"),
                    i * 3,
                    if i % 2 == 0 { Some(i % 10 + 1) } else { None }
                ],
            )
            .unwrap();
        }
    }
    let before = rows(&d.join("app.db"));
    assert_eq!(before.len(), 500);
    std::fs::write(d.join("models.toml"), v2).unwrap();
    let out = run(d, &["revision", "--autogenerate", "-m", "tighten items"], 0);
    assert!(out.contains("Generated"), "{out}");
    run(d, &["upgrade", "head"], 0);
    run(d, &["check"], 0);
    assert_eq!(
        rows(&d.join("app.db")),
        before,
        "rows changed by the upgrade rebuild"
    );
    // The new constraints are enforced.
    let c = rusqlite::Connection::open(d.join("app.db")).unwrap();
    assert!(
        c.execute(
            "INSERT INTO items (id, name, qty) VALUES (1000, 'x', -1)",
            []
        )
        .is_err(),
        "CHECK not enforced"
    );
    assert!(
        c.execute(
            "INSERT INTO items (id, name, qty) VALUES (1001, NULL, 1)",
            []
        )
        .is_err(),
        "NOT NULL not enforced"
    );
    c.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    assert!(
        c.execute(
            "INSERT INTO items (id, name, qty, parent_id) VALUES (1002, 'x', 1, 99)",
            []
        )
        .is_err(),
        "FK not enforced"
    );
    drop(c);
    run(d, &["downgrade", "-1"], 0);
    assert_eq!(
        rows(&d.join("app.db")),
        before,
        "rows changed by the downgrade rebuild"
    );
    std::fs::write(d.join("models.toml"), v1).unwrap();
    run(d, &["check"], 0);
}

#[test]
fn rebuild_that_breaks_a_foreign_key_is_rolled_back() {
    let v1 = "[database]\nurl = \"sqlite:app.db\"\n[tables.p]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n[tables.c]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"p_id\", type = \"integer\" }]\n";
    let v2 = v1.replace(
        "{ name = \"p_id\", type = \"integer\" }",
        "{ name = \"p_id\", type = \"integer\", references = \"p.id\" }",
    );
    let p = project(v1);
    let d = p.path();
    run(d, &["revision", "--autogenerate", "-m", "v1"], 0);
    run(d, &["upgrade", "head"], 0);
    rusqlite::Connection::open(d.join("app.db"))
        .unwrap()
        .execute_batch("INSERT INTO c VALUES (1, 42)")
        .unwrap();
    std::fs::write(d.join("models.toml"), &v2).unwrap();
    run(d, &["revision", "--autogenerate", "-m", "fk"], 0);
    let out = run(d, &["upgrade", "head"], 2);
    assert!(
        out.contains("foreign key violation") && out.contains("rolled back"),
        "{out}"
    );
    std::fs::write(d.join("models.toml"), v1).unwrap();
    run(d, &["check"], 0);
}

/// The root example: upgrade head on a new file, check clean, downgrade base empties it.
#[test]
fn root_example_migrates_checks_and_downgrades() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(root.join("models.toml"), d.join("models.toml")).unwrap();
    let mut opts = fs_extra_copy(&root.join("versions"), &d.join("versions"));
    opts.sort();
    assert!(
        opts.len() >= 3,
        "the example keeps at least three revisions: {opts:?}"
    );
    run(d, &["upgrade", "head"], 0);
    assert!(d.join("booking.db").exists());
    let out = run(d, &["check"], 0);
    assert!(out.contains("No differences"), "{out}");
    run(d, &["downgrade", "base"], 0);
    let cat = sqlite_catalog(&d.join("booking.db"));
    assert!(!cat.lines().any(|l| l.starts_with("table ")), "{cat}");
}

fn fs_extra_copy(from: &Path, to: &Path) -> Vec<String> {
    std::fs::create_dir_all(to).unwrap();
    let mut names = vec![];
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        names.push(e.file_name().to_string_lossy().into_owned());
    }
    names
}

#[test]
fn two_sqlite_runners_apply_each_revision_once() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n");
    let d = p.path().to_path_buf();
    std::fs::create_dir_all(d.join("versions")).unwrap();
    let mut prev = String::new();
    for i in 1..=30 {
        let id = format!("eeee{i:08}");
        let text = format!("-- revision: {id}\n-- down_revision: {prev}\n-- dialect: sqlite\n\n-- upgrade\nCREATE TABLE r{i} (id int);\n\n-- downgrade\nDROP TABLE r{i};\n");
        std::fs::write(d.join("versions").join(format!("{id}.sql")), text).unwrap();
        prev = id;
    }
    let hs: Vec<_> = (0..3)
        .map(|_| {
            let d = d.clone();
            std::thread::spawn(move || autogen(&d, &["upgrade", "head"]))
        })
        .collect();
    for h in hs {
        let o = h.join().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let c = rusqlite::Connection::open(d.join("app.db")).unwrap();
    let n: i64 = c
        .query_row(
            "SELECT count(*) FROM autogen_history WHERE direction = 'upgrade'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 30);
}

#[test]
fn rebuild_keeps_views_working_and_recreates_triggers() {
    let v1 = "[database]\nurl = \"sqlite:app.db\"\n[tables.t]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"n\", type = \"integer\", nullable = true }]\n[tables.log]\ncolumns = [{ name = \"msg\", type = \"text\" }]\n[views.v]\nsql = \"SELECT id, n FROM t\"\n[triggers.t_ins]\ntable = \"t\"\nsql = \"CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN INSERT INTO log VALUES ('ins ' || NEW.id); END\"\n";
    let p = project(v1);
    let d = p.path();
    run(d, &["revision", "--autogenerate", "-m", "v1"], 0);
    run(d, &["upgrade", "head"], 0);
    let c = rusqlite::Connection::open(d.join("app.db")).unwrap();
    c.execute_batch("INSERT INTO t VALUES (1, 5);").unwrap();
    drop(c);
    std::fs::write(
        d.join("models.toml"),
        v1.replace(
            "{ name = \"n\", type = \"integer\", nullable = true }",
            "{ name = \"n\", type = \"integer\", default = 0, check = \"n >= 0\" }",
        ),
    )
    .unwrap();
    run(d, &["revision", "--autogenerate", "-m", "n not null"], 0);
    run(d, &["upgrade", "head"], 0);
    let c = rusqlite::Connection::open(d.join("app.db")).unwrap();
    let n: i64 = c
        .query_row("SELECT n FROM v WHERE id = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 5);
    c.execute_batch("INSERT INTO t VALUES (2, 1)").unwrap();
    let logged: i64 = c
        .query_row("SELECT count(*) FROM log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(logged, 2, "the trigger did not survive the rebuild");
    drop(c);
    run(d, &["downgrade", "-1"], 0);
    let c = rusqlite::Connection::open(d.join("app.db")).unwrap();
    c.execute_batch("INSERT INTO t VALUES (3, NULL)").unwrap();
    let logged: i64 = c
        .query_row("SELECT count(*) FROM log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        logged, 3,
        "the trigger did not survive the downgrade rebuild"
    );
}

#[test]
fn double_quoted_default_was_rendered_as_a_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    rusqlite::Connection::open(d.join("a.db"))
        .unwrap()
        .execute_batch("CREATE TABLE t (id integer PRIMARY KEY, s text DEFAULT \"dq\")")
        .unwrap();
    run(
        d,
        &["--url", "sqlite:a.db", "inspect", "-o", "models.toml"],
        0,
    );
    run(d, &["--url", "sqlite:a.db", "check"], 0);
    run(
        d,
        &[
            "--url",
            "sqlite:b.db",
            "revision",
            "--autogenerate",
            "-m",
            "all",
        ],
        0,
    );
    run(d, &["--url", "sqlite:b.db", "upgrade", "head"], 0);
    let c = rusqlite::Connection::open(d.join("b.db")).unwrap();
    c.execute("INSERT INTO t (id) VALUES (1)", []).unwrap();
    let s: String = c.query_row("SELECT s FROM t", [], |r| r.get(0)).unwrap();
    assert_eq!(s, "dq");
}
