//! Enum changes done by swapping the type in (values removed or reordered), and values added and
//! used: regressions found by a hostile tester, each test named after what went wrong.

use crate::support::*;

#[test]
fn enum_value_added_under_a_view_could_not_be_downgraded() {
    let Some(db) = PgDb::new("views_regressions::enum_swap") else {
        return;
    };
    let models = r#"
[enums.mood]
values = ["sad", "ok"]
[tables.t]
columns = [{ name = "id", type = "int", primary_key = true }, { name = "m", type = "mood" }]
[views.moods]
sql = "SELECT id, m FROM t"
"#;
    let p = upgraded(&db, models);
    db.exec("INSERT INTO t VALUES (1, 'ok')");
    let before = db.catalog();
    write_models(
        p.path(),
        &db.url,
        &models.replace("[\"sad\", \"ok\"]", "[\"sad\", \"ok\", \"happy\"]"),
    );
    run(p.path(), &["revision", "--autogenerate", "-m", "happy"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    db.exec("INSERT INTO t VALUES (2, 'sad')");
    // The downgrade swaps the type, which the view over its column would block.
    run(p.path(), &["downgrade", "-1"], 0);
    assert_eq!(db.catalog(), before);
    let n: i64 = db
        .client()
        .query_one("SELECT count(*) FROM moods", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 2);
}

#[test]
fn enum_value_removed_with_the_default_check_and_index_naming_it_failed_both_ways() {
    let Some(db) = PgDb::new("views_regressions::enum_removal_parts") else {
        return;
    };
    let models = r#"
[enums.st]
values = ["a", "b", "c"]
[tables.t]
columns = [{ name = "id", type = "int", primary_key = true }, { name = "s", type = "st", default = "'c'" }]
checks = [{ name = "not_b", expr = "s <> 'b'" }]
indexes = [{ name = "ix", columns = ["id"], where = "s <> 'c'" }]
[views.v]
sql = "SELECT id FROM t WHERE s <> 'c'"
"#;
    let p = upgraded(&db, models);
    db.exec("INSERT INTO t VALUES (1, 'a'), (2, 'c')");
    db.exec("DELETE FROM t WHERE id = 2");
    let before = db.catalog();
    let after = models
        .replace("[\"a\", \"b\", \"c\"]", "[\"a\", \"b\"]")
        .replace("'c'", "'b'")
        .replace("s <> 'b'\" }]\nindexes", "s <> 'a' OR id > 0\" }]\nindexes");
    write_models(p.path(), &db.url, &after);
    run(p.path(), &["revision", "--autogenerate", "-m", "no c"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
    db.exec("INSERT INTO t (id) VALUES (3)");
    db.exec("DELETE FROM t WHERE id = 3");
    // The way back swaps the type in again, so 'c' can be used in the same transaction.
    run(p.path(), &["downgrade", "-1"], 0);
    assert_eq!(db.catalog(), before);
    let n: i64 = db
        .client()
        .query_one("SELECT count(*) FROM v", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
}

#[test]
fn enum_swap_downgrade_converted_the_columns_of_the_models_not_of_the_database() {
    let Some(db) = PgDb::new("views_regressions::enum_swap_columns") else {
        return;
    };
    let models = r#"
[enums.st]
values = ["a", "b", "c"]
[tables.t]
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "s", type = "st", nullable = true },
           { name = "x", type = "text", nullable = true }, { name = "y", type = "st", nullable = true, default = "'a'" },
           { name = "r", type = "st", nullable = true }]
[tables.u]
columns = [{ name = "s", type = "st", nullable = true }]
"#;
    let p = upgraded(&db, models);
    db.exec("INSERT INTO t VALUES (1, 'a', 'b', 'b', 'a'); INSERT INTO u VALUES ('b')");
    let before = db.catalog();
    let after = r#"
[enums.st]
values = ["b", "a"]
[tables.t]
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "s", type = "st", nullable = true },
           { name = "x", type = "st", nullable = true }, { name = "z", type = "st", nullable = true, default = "'b'" },
           { name = "r2", type = "st", nullable = true, renamed_from = "r" }]
[tables.w]
columns = [{ name = "s", type = "st", nullable = true, default = "'b'" }]
"#;
    write_models(p.path(), &db.url, after);
    run(p.path(), &["revision", "--autogenerate", "-m", "swap"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
    run(p.path(), &["downgrade", "-1"], 0);
    // A dropped column comes back at the end of its table: compare without positions.
    let unplaced = |c: String| -> Vec<String> {
        let mut l: Vec<String> = c
            .lines()
            .map(|l| {
                l.split(' ')
                    .filter(|w| !w.starts_with('#'))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        l.sort();
        l
    };
    assert_eq!(unplaced(db.catalog()), unplaced(before));
    let n: i64 = db
        .client()
        .query_one("SELECT count(*) FROM t WHERE s = 'a' AND x = 'b'", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    run(p.path(), &["upgrade", "head"], 0);
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
}

#[test]
fn enum_value_added_and_used_was_split_with_a_first_downgrade_planned_from_the_models() {
    let Some(db) = PgDb::new("views_regressions::enum_split") else {
        return;
    };
    let models = r#"
[enums.st]
values = ["a", "b"]
[tables.t]
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "s", type = "st", nullable = true }]
checks = [{ name = "no_b", expr = "s <> 'b'" }]
[views.v]
sql = "SELECT id, s FROM t"
"#;
    let p = upgraded(&db, models);
    db.exec("INSERT INTO t VALUES (1, 'a')");
    let before = db.catalog();
    write_models(
        p.path(),
        &db.url,
        &models
            .replace("[\"a\", \"b\"]", "[\"a\", \"b\", \"c\"]")
            .replace("nullable = true }]", "nullable = true, default = \"'c'\" }, { name = \"s2\", type = \"st\", default = \"'c'\" }]")
            .replace("s <> 'b'", "s <> 'c'"),
    );
    let out = run(p.path(), &["revision", "--autogenerate", "-m", "c"], 0);
    assert_eq!(
        std::fs::read_dir(p.path().join("versions"))
            .unwrap()
            .count(),
        3,
        "{out}"
    );
    db.exec("DELETE FROM t");
    run(p.path(), &["upgrade", "head"], 0);
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
    run(p.path(), &["downgrade", "-2"], 0);
    db.exec("INSERT INTO t VALUES (1, 'a')");
    assert_eq!(db.catalog(), before);
}

#[test]
fn enum_default_that_is_not_a_value_failed_only_at_upgrade() {
    let p = project(
        "[database]\nurl = \"postgres://nowhere.invalid/x\"\n[enums.st]\nvalues = [\"a\", \"it's\"]\n[tables.t]\ncolumns = [{ name = \"s\", type = \"st\", default = \"'zz'\" }]\n",
    );
    let out = run(p.path(), &["check"], 2);
    assert!(
        out.contains("models.toml:6:") && out.contains("default 'zz' is not a value of enum st"),
        "{out}"
    );
    let ok = project(
        "[database]\nurl = \"postgres://nowhere.invalid/x\"\n[enums.st]\nvalues = [\"a\", \"it's\"]\n[tables.t]\ncolumns = [{ name = \"s\", type = \"st\", default = \"'it''s'::st\" }]\n",
    );
    let out = run(ok.path(), &["check"], 2);
    assert!(out.contains("cannot connect"), "{out}");
}

#[test]
fn enum_outside_the_listed_schemas_was_created_again_by_every_revision() {
    let p = project(
        "[database]\nurl = \"postgres://nowhere.invalid/x\"\nschemas = [\"billing\"]\n[enums.st]\nvalues = [\"a\"]\n[tables.\"billing.inv\"]\ncolumns = [{ name = \"s\", type = \"st\" }]\n",
    );
    let out = run(p.path(), &["check"], 2);
    assert!(
        out.contains("models.toml:4:")
            && out.contains("enum st is in schema public, which [database] schemas does not list"),
        "{out}"
    );
}

#[test]
fn foreign_key_between_enum_columns_blocked_every_swap() {
    let Some(db) = PgDb::new("views_regressions::enum_fk") else {
        return;
    };
    let models = r#"
[enums.st]
values = ["a", "b", "c"]
[tables.p]
columns = [{ name = "s", type = "st", primary_key = true }]
[tables.c]
columns = [{ name = "id", type = "int", primary_key = true }, { name = "s", type = "st", references = "p.s" }]
"#;
    let p = upgraded(&db, models);
    db.exec("INSERT INTO p VALUES ('a'), ('b'); INSERT INTO c VALUES (1, 'b')");
    let before = db.catalog();
    changed(&db, &p, models, "[\"a\", \"b\", \"c\"]", "[\"b\", \"a\"]");
    run(p.path(), &["downgrade", "-1"], 0);
    assert_eq!(db.catalog(), before);
    let n: i64 = db
        .client()
        .query_one("SELECT count(*) FROM c JOIN p USING (s)", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
}

#[test]
fn view_casting_another_column_to_the_enum_blocked_its_swap() {
    let Some(db) = PgDb::new("enum_swaps::cast_in_view") else {
        return;
    };
    let models = r#"
[enums.st]
values = ["a", "b", "c"]
[tables.t]
columns = [{ name = "id", type = "int", primary_key = true }, { name = "x", type = "text" }]
[views.v]
sql = "SELECT id, x::st AS xs FROM t"
"#;
    let p = upgraded(&db, models);
    db.exec("INSERT INTO t VALUES (1, 'b')");
    let before = db.catalog();
    changed(&db, &p, models, "[\"a\", \"b\", \"c\"]", "[\"b\", \"a\"]");
    run(p.path(), &["downgrade", "-1"], 0);
    assert_eq!(db.catalog(), before);
}
