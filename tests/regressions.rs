//! Regression tests, each named after the bug it pins (found by trying autogen as a new user).

use crate::support::{diff_after, project, run, PgDb};

fn pg_project(db: &PgDb, body: &str) -> tempfile::TempDir {
    project(&format!("[database]\nurl = \"{}\"\n{body}", db.url))
}

fn upgrade_then_check_is_clean(test: &str, body: &str) {
    let Some(db) = PgDb::new(test) else { return };
    let p = pg_project(&db, body);
    run(p.path(), &["revision", "--autogenerate", "-m", "init"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    let out = run(p.path(), &["check"], 0);
    assert!(out.contains("No differences"), "{out}");
}

#[test]
fn function_key_with_argument_names_was_a_different_function() {
    upgrade_then_check_is_clean(
        "regressions::function_arg_names",
        "[functions.\"slugify(text)\"]\nsql = \"CREATE FUNCTION slugify(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$\"\n",
    );
}

#[test]
fn function_clauses_in_another_order_were_reported_as_changed() {
    upgrade_then_check_is_clean(
        "regressions::function_clause_order",
        "[functions.\"add_one(integer)\"]\nsql = \"CREATE FUNCTION add_one(integer) RETURNS integer IMMUTABLE LANGUAGE sql AS $$ SELECT $1 + 1 $$\"\n",
    );
}

#[test]
fn timestamptz_partition_bounds_were_dropped_and_recreated() {
    upgrade_then_check_is_clean(
        "regressions::partition_bounds",
        r#"
[tables.events]
columns = [{ name = "id", type = "bigint", identity = true }, { name = "at", type = "timestamptz" }]
partition_by = "RANGE (at)"

[tables.events_2026]
partition_of = "events"
partition_bound = "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"
"#,
    );
}

#[test]
fn sqlite_table_rename_rebuilt_the_table_for_a_constraint_name() {
    let db = "[database]\nurl = \"sqlite:app.db\"\n";
    let a = "[tables.people]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"email\", type = \"text\", unique = true }]\n";
    let p = project("");
    let b = a.replace(
        "[tables.people]",
        "[tables.persons]\nrenamed_from = \"people\"",
    );
    let out = diff_after(p.path(), db, a, &b);
    assert_eq!(
        out.trim(),
        "ALTER TABLE \"people\" RENAME TO \"persons\";",
        "{out}"
    );
}

#[test]
fn invalid_rev_id_wrote_a_file_that_broke_every_command() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n");
    let out = run(p.path(), &["revision", "-m", "x", "--rev-id", "Bad Id!"], 2);
    assert!(out.contains("invalid --rev-id"), "{out}");
    assert!(
        !p.path().join("versions").exists()
            || std::fs::read_dir(p.path().join("versions"))
                .unwrap()
                .count()
                == 0
    );
    run(p.path(), &["history"], 0);
}

#[test]
fn diagram_into_a_missing_directory_failed() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n[tables.t]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n");
    run(p.path(), &["diagram", "-o", "docs/er.mmd"], 0);
    let text = std::fs::read_to_string(p.path().join("docs/er.mmd")).unwrap();
    assert!(
        text.starts_with("erDiagram") && text.contains("integer id PK"),
        "{text}"
    );
}

#[test]
fn upgrade_did_not_print_destructive_warnings() {
    let a = "[database]\nurl = \"sqlite:app.db\"\n[tables.t]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n[tables.gone]\ncolumns = [{ name = \"id\", type = \"integer\" }]\n";
    let p = project(a);
    run(p.path(), &["revision", "--autogenerate", "-m", "one"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    std::fs::write(
        p.path().join("models.toml"),
        a.replace(
            "[tables.gone]\ncolumns = [{ name = \"id\", type = \"integer\" }]\n",
            "",
        ),
    )
    .unwrap();
    let out = run(
        p.path(),
        &["revision", "--autogenerate", "-m", "drop gone"],
        0,
    );
    assert!(out.contains("warning: drops table gone"), "{out}");
    let out = run(p.path(), &["upgrade", "head"], 0);
    assert!(out.contains("warning: drops table gone"), "{out}");
}

#[test]
fn sqlite_path_in_models_was_relative_to_the_working_directory() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n[tables.t]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n");
    let elsewhere = tempfile::tempdir().unwrap();
    let models = p.path().join("models.toml");
    let m = models.to_str().unwrap();
    run(
        elsewhere.path(),
        &["--models", m, "revision", "--autogenerate", "-m", "one"],
        0,
    );
    run(elsewhere.path(), &["--models", m, "upgrade", "head"], 0);
    assert!(
        p.path().join("app.db").exists(),
        "the database belongs beside models.toml"
    );
    assert!(!elsewhere.path().join("app.db").exists());
}

#[test]
fn connection_refused_was_reported_without_its_cause() {
    let p = project("");
    let out = run(
        p.path(),
        &["--url", "postgres://u@127.0.0.1:1/db", "current"],
        2,
    );
    assert!(out.to_lowercase().contains("refused"), "{out}");
}

#[test]
fn empty_revision_needed_a_database_url() {
    let p = project("");
    std::fs::create_dir_all(p.path().join("versions")).unwrap();
    std::fs::write(
        p.path().join("versions/aaaa1111_first.sql"),
        "-- revision: aaaa1111\n-- down_revision:\n-- dialect: postgresql\n\n-- upgrade\nSELECT 1;\n\n-- downgrade\nSELECT 1;\n",
    )
    .unwrap();
    let out = run(p.path(), &["revision", "-m", "by hand"], 0);
    assert!(out.contains("Generated"), "{out}");
    let out = run(p.path(), &["heads"], 0);
    assert!(out.contains("by hand"), "{out}");
}

#[test]
fn downgrade_to_a_revision_above_current_passed_silently() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n");
    std::fs::create_dir_all(p.path().join("versions")).unwrap();
    for (id, down) in [("aaaa1111", ""), ("bbbb2222", "aaaa1111")] {
        std::fs::write(
            p.path().join(format!("versions/{id}.sql")),
            format!("-- revision: {id}\n-- down_revision: {down}\n-- dialect: sqlite\n\n-- upgrade\nSELECT 1;\n\n-- downgrade\nSELECT 1;\n"),
        )
        .unwrap();
    }
    run(p.path(), &["upgrade", "aaaa1111"], 0);
    let out = run(p.path(), &["downgrade", "bbbb2222"], 2);
    assert!(out.contains("not below the current revision"), "{out}");
}

#[test]
fn diff_printed_nothing_when_there_was_nothing() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n");
    let out = run(p.path(), &["diff"], 0);
    assert!(out.contains("No differences"), "{out}");
}

#[test]
fn downgrade_to_a_revision_undid_unrelated_branches() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n");
    std::fs::create_dir_all(p.path().join("versions")).unwrap();
    for (id, down, t) in [
        ("main0001", "", "users"),
        ("feat0001", "", "f1"),
        ("feat0002", "feat0001", "f2"),
    ] {
        std::fs::write(
            p.path().join(format!("versions/{id}.sql")),
            format!("-- revision: {id}\n-- down_revision: {down}\n-- dialect: sqlite\n\n-- upgrade\nCREATE TABLE {t} (id int);\n\n-- downgrade\nDROP TABLE {t};\n"),
        )
        .unwrap();
    }
    run(p.path(), &["upgrade", "heads"], 0);
    let out = run(p.path(), &["downgrade", "feat0001"], 0);
    assert!(
        out.contains("feat0002") && !out.contains("main0001"),
        "{out}"
    );
    let out = run(p.path(), &["current"], 0);
    assert!(
        out.contains("main0001") && out.contains("feat0001"),
        "{out}"
    );
    run(p.path(), &["stamp", "feat0002"], 0);
    let out = run(p.path(), &["current"], 0);
    assert!(
        out.contains("main0001") && out.contains("feat0002"),
        "stamp dropped another branch's head: {out}"
    );
}

#[test]
fn mixed_case_enum_types_written_by_inspect_were_rejected() {
    let Some(db) = PgDb::new("regressions::mixed_case_types") else {
        return;
    };
    db.exec("CREATE SCHEMA \"Sales\"; CREATE TYPE \"Priority\" AS ENUM ('Low', 'High'); CREATE TYPE \"Sales\".channel AS ENUM ('web', 'shop'); \
             CREATE TABLE \"Order Items\" (id int PRIMARY KEY, prio \"Priority\" NOT NULL, channels \"Sales\".channel[], \"FullName\" text); \
             CREATE INDEX ON \"Order Items\" (\"FullName\");");
    let p = project("");
    let d = p.path();
    run(
        d,
        &["--url", &db.url, "inspect", "-o", "models.toml", "--force"],
        0,
    );
    run(d, &["--url", &db.url, "check"], 0);
    let Some(b) = PgDb::new("regressions::mixed_case_types") else {
        return;
    };
    run(
        d,
        &["--url", &b.url, "revision", "--autogenerate", "-m", "copy"],
        0,
    );
    run(d, &["--url", &b.url, "upgrade", "head"], 0);
    run(d, &["--url", &b.url, "check"], 0);
    assert_eq!(db.catalog(), b.catalog());
}

#[test]
fn function_was_created_after_tables_whose_names_appear_in_its_header() {
    upgrade_then_check_is_clean(
        "regressions::function_header_words",
        "[functions.\"slugify(text)\"]\nsql = \"CREATE FUNCTION slugify(s text) RETURNS text IMMUTABLE LANGUAGE sql AS $$ select lower(s) $$\"\n\
         [tables.products]\ncolumns = [{ name = \"name\", type = \"text\" }, { name = \"slug\", type = \"text\", generated = \"slugify(name)\" }]\n\
         [tables.returns]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n",
    );
}

#[test]
fn two_unnamed_checks_on_one_column_got_the_same_name() {
    upgrade_then_check_is_clean(
        "regressions::check_names",
        "[tables.t]\ncolumns = [{ name = \"a\", type = \"integer\", check = \"a > 0\" }]\nchecks = [{ expr = \"a < 10\" }]\n",
    );
}

#[test]
fn one_element_in_interval_literals_and_dates_were_false_positives() {
    upgrade_then_check_is_clean(
        "regressions::deparse_forms",
        r#"
[tables.t]
columns = [
  { name = "s", type = "varchar(10)", check = "s IN ('a')" },
  { name = "w", type = "text", check = "w NOT IN ('x')" },
  { name = "due", type = "timestamptz", default = "now() + interval '1 day'", check = "due > '2020-01-01'" },
  { name = "FullName", type = "text" },
]
indexes = [{ columns = ["FullName"] }, { columns = ["w"], where = "w NOT IN ('y')" }]
"#,
    );
}

#[test]
fn columns_read_out_of_catalog_order_keep_their_order() {
    // Introspection no longer asks the server to sort every column (costly at 100,000 columns): a
    // table whose catalog rows come back out of attnum order (an updated pg_attribute row sits at the
    // heap's end; index scans off, so it is read by a sequential scan) is put in order here.
    let Some(db) = PgDb::new("regressions::columns_out_of_catalog_order") else {
        return;
    };
    db.exec(&format!(
        "CREATE TABLE t (a int, b text, c int PRIMARY KEY, d int); CREATE INDEX t_da ON t (d, a);
         ALTER TABLE t ALTER COLUMN a SET NOT NULL; ALTER TABLE t ALTER COLUMN b SET DEFAULT 'x';
         CREATE TABLE u (id int PRIMARY KEY, t_c int REFERENCES t (c), v int);
         ALTER TABLE u ALTER COLUMN id SET DEFAULT 1;
         ALTER DATABASE {} SET enable_indexscan = off; ALTER DATABASE {} SET enable_bitmapscan = off;",
        db.name, db.name
    ));
    let order: Vec<String> = db
        .client()
        .query(
            "SELECT attname::text FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_ne!(
        order,
        ["a", "b", "c", "d"],
        "premise: the catalog rows come out of order"
    );
    let p = tempfile::tempdir().unwrap();
    run(
        p.path(),
        &["--url", &db.url, "inspect", "-o", "models.toml"],
        0,
    );
    let models = std::fs::read_to_string(p.path().join("models.toml")).unwrap();
    let at = |s: &str| {
        models
            .find(s)
            .unwrap_or_else(|| panic!("{s} missing:\n{models}"))
    };
    assert!(
        at("name = \"a\"") < at("name = \"b\"")
            && at("name = \"b\"") < at("name = \"c\"")
            && at("name = \"c\"") < at("name = \"d\""),
        "{models}"
    );
    assert!(models.contains("[\"d\", \"a\"]"), "{models}");
    assert!(models.contains("references = \"t.c\""), "{models}");
    run(p.path(), &["--url", &db.url, "check"], 0);
}
