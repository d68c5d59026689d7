//! MySQL/MariaDB plans that the server could refuse or that could lose rows, each named after the
//! bug a hostile tester found: foreign keys around a retyped column, the index a foreign key needs,
//! case-only renames. Each upgrades, checks clean, keeps its rows and downgrades.

use crate::support::{latest_revision, my_upgraded, run, write_models, MyDb};

/// Upgrade `p` to `next`, check clean, then downgrade one step and check clean against `first`.
fn there_and_back(db: &MyDb, p: &std::path::Path, first: &str, next: &str) -> String {
    write_models(p, &db.url, next);
    run(p, &["revision", "--autogenerate", "-m", "next"], 0);
    let rev = latest_revision(p);
    run(p, &["upgrade", "head"], 0);
    assert!(run(p, &["check"], 0).contains("No differences"), "{rev}");
    run(p, &["downgrade", "-1"], 0);
    write_models(p, &db.url, first);
    assert!(run(p, &["check"], 0).contains("No differences"), "{rev}");
    rev
}

#[test]
fn mysql_retyping_a_foreign_key_column_drops_and_readds_the_key() {
    let Some(db) = MyDb::new("mysql_plans::retype_fk") else {
        return;
    };
    let m = r#"
[tables.p]
columns = [
  { name = "id", type = "int", primary_key = true, autoincrement = true },
  { name = "code", type = "varchar(10)", unique = true },
]
[tables.c]
columns = [
  { name = "id", type = "int", primary_key = true, autoincrement = true },
  { name = "p_id", type = "int", references = "p.id" },
  { name = "p_code", type = "varchar(10)", nullable = true, references = "p.code" },
]
"#;
    let p = my_upgraded(&db, m);
    db.exec(
        "INSERT INTO p (code) VALUES ('a'), ('b'); INSERT INTO c (p_id, p_code) VALUES (2, 'a')",
    );
    let next = m
        .replace("\"int\"", "\"bigint\"")
        .replace("varchar(10)", "varchar(20)");
    let rev = there_and_back(&db, p.path(), m, &next);
    assert!(
        rev.contains("DROP FOREIGN KEY `c_p_id_fkey`") && !rev.contains("DROP INDEX"),
        "the key is lifted, its index kept: {rev}"
    );
    assert_eq!(db.rows("SELECT CONCAT(p_id, p_code) FROM c"), ["2a"]);
    db.exec("INSERT INTO p (code) VALUES ('c')");
    assert_eq!(db.rows("SELECT MAX(id) FROM p"), ["3"], "ids continue");
}

#[test]
fn mysql_index_over_a_foreign_key_column_takes_over_from_its_implied_index() {
    let Some(db) = MyDb::new("mysql_plans::fk_index_swap") else {
        return;
    };
    let m = r#"
[tables.p]
columns = [{ name = "id", type = "int", primary_key = true }]
[tables.c]
columns = [
  { name = "id", type = "int", primary_key = true },
  { name = "p", type = "int", references = "p.id" },
  { name = "x", type = "int", default = 0 },
]
"#;
    let p = my_upgraded(&db, m);
    db.exec("INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1, 5)");
    let next = format!("{m}indexes = [{{ columns = [\"p\", \"x\"] }}]\n");
    let rev = there_and_back(&db, p.path(), m, &next);
    assert!(
        rev.contains("DROP INDEX `c_p_fkey`, ADD KEY `c_p_x_idx`"),
        "one statement: {rev}"
    );
    assert_eq!(db.rows("SELECT CONCAT(id, p, x) FROM c"), ["115"]);
}
