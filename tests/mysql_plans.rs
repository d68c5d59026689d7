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

/// MySQL column names ignore case: `Email` → `email` is a rename (it was ADD + DROP: every value lost).
#[test]
fn mysql_case_only_column_rename_keeps_its_values() {
    let Some(db) = MyDb::new("mysql_plans::case_rename") else {
        return;
    };
    let m = "[tables.u]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"Email\", type = \"varchar(50)\" }]\n";
    let p = my_upgraded(&db, m);
    db.exec("INSERT INTO u VALUES (1, 'a@x')");
    let rev = there_and_back(&db, p.path(), m, &m.replace("Email", "email"));
    assert!(rev.contains("RENAME COLUMN `Email` TO `email`"), "{rev}");
    assert_eq!(db.rows("SELECT Email FROM u"), ["a@x"]);
    // Two columns one name apart in case are one column to MySQL: refused at load.
    let twice = "[tables.u]\ncolumns = [{ name = \"a\", type = \"int\", primary_key = true }, { name = \"A\", type = \"int\" }]\n";
    write_models(p.path(), &db.url, twice);
    let out = run(p.path(), &["check"], 2);
    assert!(out.contains("duplicate column `A`"), "{out}");
}

/// A MODIFY that rounds or cuts values says so in the revision (it said only "changes type").
#[test]
fn mysql_narrowing_modify_warns_what_it_does_to_values() {
    let Some(db) = MyDb::new("mysql_plans::narrowing_warns") else {
        return;
    };
    let m = "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"d\", type = \"decimal(10,2)\" }, { name = \"at\", type = \"datetime(3)\" }]\n";
    let p = my_upgraded(&db, m);
    write_models(
        p.path(),
        &db.url,
        &m.replace("decimal(10,2)", "decimal(10,1)")
            .replace("datetime(3)", "datetime"),
    );
    let out = run(p.path(), &["revision", "--autogenerate", "-m", "narrow"], 0);
    assert!(out.contains("changes type of t.d from decimal(10,2) to decimal(10,1): rounds values to 1 decimal places"), "{out}");
    assert!(out.contains("cuts fractional seconds to 0 digits"), "{out}");
}

/// A comment with a carriage return reaches the server whole, online and through `--sql` (the CR
/// was written raw and lost with the file's line ending).
#[test]
fn mysql_comment_with_carriage_return_round_trips() {
    let Some(db) = MyDb::new("mysql_plans::comment_cr") else {
        return;
    };
    let m = "[tables.t]\ncomment = \"line one\\r\\nline two\"\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true, comment = \"a\\rb\" }]\n";
    let p = my_upgraded(&db, m);
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
    assert_eq!(
        db.rows("SELECT HEX(TABLE_COMMENT) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't'"),
        [hex(b"line one\r\nline two")]
    );
    let sql = run(p.path(), &["upgrade", "base:head", "--sql"], 0);
    assert!(sql.contains(r"COMMENT 'a\rb'"), "{sql}");
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// A column renamed under a generated column and a check: the server rewrites them, so the plan is
/// the rename alone (the generated column was dropped and re-added, and the downgrade failed).
#[test]
fn mysql_rename_under_a_generated_column_downgraded_with_the_old_name() {
    let Some(db) = MyDb::new("mysql_plans::rename_under_generated") else {
        return;
    };
    let m = r#"
[tables.t]
columns = [
  { name = "id", type = "int", primary_key = true },
  { name = "email", type = "varchar(20)", check = "email <> ''" },
  { name = "upper_email", type = "varchar(20)", generated = "upper(email)", stored = true },
]
"#;
    let p = my_upgraded(&db, m);
    db.exec("INSERT INTO t (id, email) VALUES (1, 'a@x')");
    let next = m
        .replace(
            "\"email\", type",
            "\"mail\", renamed_from = \"email\", type",
        )
        .replace("email <> ''", "mail <> ''")
        .replace("upper(email)", "upper(mail)");
    let rev = there_and_back(&db, p.path(), m, &next);
    assert!(!rev.contains("DROP COLUMN"), "{rev}");
    assert_eq!(
        db.rows("SELECT CONCAT(email, upper_email) FROM t"),
        ["a@xA@X"]
    );
}

/// Differences that never went away: each of these, made from the models or by hand, compared
/// different on every later `check` (a hostile tester's list).
#[test]
fn mysql_phantom_differences_of_long_uniques_zerofill_temporal_defaults_and_maxvalue() {
    let Some(db) = MyDb::new("mysql_plans::phantoms") else {
        return;
    };
    let m = r#"
[tables.t]
columns = [
  { name = "id", type = "int", primary_key = true },
  { name = "long_u", type = "varchar(1000)", nullable = true, unique = true },
  { name = "z", type = "mediumint unsigned zerofill", nullable = true },
  { name = "at", type = "time", default = "'12:00'" },
  { name = "on", type = "datetime(2)", default = "'2020-01-01'" },
  { name = "h", type = "int", default = 0 },
]
indexes = [{ columns = ["h"], method = "hash" }]
partition_by = "RANGE COLUMNS (`id`) (PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN (MAXVALUE))"
"#;
    let p = my_upgraded(&db, m);
    let out = run(p.path(), &["check"], 0);
    assert!(out.contains("No differences"), "{out}");
    // By hand, then inspected.
    db.exec("DROP TABLE t");
    db.exec("CREATE TABLE t (id int PRIMARY KEY, long_u varchar(1000), z mediumint unsigned zerofill, `at` time NOT NULL DEFAULT '12:00', `on` datetime(2) NOT NULL DEFAULT '2020-01-01', h int NOT NULL DEFAULT 0, KEY t_h_idx (h) USING HASH, UNIQUE KEY t_long_u_key (long_u)) PARTITION BY RANGE COLUMNS (id) (PARTITION p0 VALUES LESS THAN (10), PARTITION p1 VALUES LESS THAN (MAXVALUE))");
    let out = run(p.path(), &["check"], 0);
    assert!(out.contains("No differences"), "{out}");
    let q = crate::support::project(&format!("[database]\nurl = \"{}\"\n", db.url));
    let inspected = run(q.path(), &["inspect"], 0);
    write_models(
        q.path(),
        &db.url,
        inspected
            .split_once("[tables.")
            .map(|(_, b)| format!("[tables.{b}"))
            .as_deref()
            .unwrap_or(""),
    );
    let out = run(q.path(), &["check"], 0);
    assert!(out.contains("No differences"), "{inspected}\n{out}");
}

/// `inspect` of keys InnoDB allows wrote models its own loader refused: a foreign key onto a plain
/// index, onto a unique key with a DESC part, a 64-character name of multibyte letters.
#[test]
fn mysql_inspect_of_keys_innodb_allows_loads_again() {
    let Some(db) = MyDb::new("mysql_plans::inspect_loads") else {
        return;
    };
    let long = "é".repeat(64);
    db.exec(&format!("CREATE TABLE p (id int PRIMARY KEY, a int NOT NULL, b int NOT NULL, KEY p_a (a), UNIQUE KEY p_b (b DESC)); CREATE TABLE c (id int PRIMARY KEY, a int, b int, `{long}` int, CONSTRAINT c_a FOREIGN KEY (a) REFERENCES p (a), CONSTRAINT c_b FOREIGN KEY (b) REFERENCES p (b))"));
    let q = crate::support::project(&format!("[database]\nurl = \"{}\"\n", db.url));
    let inspected = run(q.path(), &["inspect"], 0);
    let body = inspected
        .split_once("[tables.")
        .map(|(_, b)| format!("[tables.{b}"))
        .unwrap();
    write_models(q.path(), &db.url, &body);
    let out = run(q.path(), &["check"], 0);
    assert!(out.contains("No differences"), "{inspected}\n{out}");
}

/// An INVISIBLE column stays invisible through a MODIFY (it became visible, and `INSERT … VALUES`
/// without a column list broke).
#[test]
fn mysql_invisible_column_stays_invisible_through_a_type_change() {
    let Some(db) = MyDb::new("mysql_plans::invisible_column") else {
        return;
    };
    let m = "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"v\", type = \"varchar(5)\" }, { name = \"h\", type = \"varchar(10)\", nullable = true, invisible = true }]\n";
    let p = my_upgraded(&db, m);
    db.exec("INSERT INTO t VALUES (1, 'a')");
    there_and_back(&db, p.path(), m, &m.replace("varchar(10)", "varchar(20)"));
    db.exec("INSERT INTO t VALUES (2, 'b')");
    assert_eq!(
        db.rows("SELECT EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME = 'h'"),
        ["INVISIBLE"]
    );
    let inspected = run(p.path(), &["inspect"], 0);
    assert!(inspected.contains("invisible = true"), "{inspected}");
}
