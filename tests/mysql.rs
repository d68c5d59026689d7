//! MySQL/MariaDB against a live server: every corpus schema round-trips (load A, inspect, autogenerate
//! into an empty B, upgrade: equal information_schema pictures, check clean on both, downgrade base
//! empties B, upgrade head restores it), and a schema using every MySQL feature evolves with its rows.

use crate::support::{autogen, corpus_file, my_upgraded, run, write_models, MyDb};

/// The statements of a script the way the `mariadb` client splits them (`DELIMITER ;;` honoured).
pub fn statements(text: &str) -> Vec<String> {
    let mut out = vec![];
    let mut delim = ";".to_string();
    let mut cur = String::new();
    for line in text.lines() {
        if let Some(d) = line
            .trim()
            .strip_prefix("DELIMITER ")
            .or_else(|| line.trim().strip_prefix("delimiter "))
        {
            delim = d.trim().to_string();
            continue;
        }
        cur.push_str(line);
        cur.push('\n');
        if line.trim_end().ends_with(delim.as_str()) {
            let s = cur
                .trim_end()
                .strip_suffix(delim.as_str())
                .unwrap_or(&cur)
                .trim()
                .to_string();
            if !s.is_empty() {
                out.push(s);
            }
            cur.clear();
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// The corpus file as MariaDB loads it into the test's database: the file's own `USE`/`CREATE
/// SCHEMA` lines dropped and names qualified with the file's database name unqualified.
pub fn loadable(text: &str) -> String {
    text.lines()
        .filter(|l| {
            let u = l.trim_start().to_ascii_uppercase();
            !(u.starts_with("USE ")
                || u.starts_with("DROP SCHEMA")
                || u.starts_with("CREATE SCHEMA")
                || u.starts_with("DROP DATABASE")
                || u.starts_with("CREATE DATABASE"))
        })
        .collect::<Vec<_>>()
        .join("\n")
        .replace("`northwind`.", "")
        .replace("sakila.", "")
}

fn round_trip(file: &str) {
    let test = format!("mysql::corpus_{file}");
    let Some(path) = corpus_file("mysql", file) else {
        return;
    };
    let (Some(a), Some(b)) = (MyDb::new(&test), MyDb::new(&test)) else {
        return;
    };
    a.script(&statements(&loadable(
        &std::fs::read_to_string(path).unwrap(),
    )));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let o = autogen(p, &["inspect", "--url", &a.url]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let models = String::from_utf8(o.stdout).unwrap();
    std::fs::write(p.join("models.toml"), models.replace(&a.url, &b.url)).unwrap();
    run(p, &["revision", "--autogenerate", "-m", "all"], 0);
    run(p, &["upgrade", "head"], 0);
    assert_eq!(a.catalog(), b.catalog(), "{file}: B differs from A");
    assert!(
        run(p, &["check"], 0).contains("No differences"),
        "{file}: check on B"
    );
    assert!(
        run(p, &["check", "--url", &a.url], 0).contains("No differences"),
        "{file}: check on A"
    );
    run(p, &["downgrade", "base"], 0);
    assert_eq!(b.catalog(), "", "{file}: downgrade base left tables");
    run(p, &["upgrade", "head"], 0);
    assert_eq!(
        a.catalog(),
        b.catalog(),
        "{file}: upgrade head after downgrade"
    );
}

#[test]
fn corpus_sakila() {
    round_trip("sakila.sql");
}

#[test]
fn corpus_sakila_jooq() {
    round_trip("sakila_jooq.sql");
}

#[test]
fn corpus_chinook() {
    round_trip("chinook.sql");
}

#[test]
fn corpus_chinook_autoincrement() {
    round_trip("chinook_autoincrement.sql");
}

#[test]
fn corpus_employees() {
    round_trip("employees.sql");
}

#[test]
fn corpus_employees_partitioned() {
    round_trip("employees_partitioned.sql");
}

#[test]
fn corpus_northwind() {
    round_trip("northwind.sql");
}

/// Every MySQL column, key and table feature autogen manages.
pub const FEATURES: &str = r#"
[tables.users]
comment = "people"
options = ["engine=InnoDB", "row_format=dynamic"]
columns = [
  { name = "id", type = "bigint unsigned", primary_key = true, autoincrement = true },
  { name = "email", type = "varchar(120)", unique = true, collation = "utf8mb4_bin" },
  { name = "name", type = "varchar(80)", default = "'it''s \\\\ me'", comment = "shown name" },
  { name = "active", type = "boolean", default = true },
  { name = "kind", type = "enum('admin','member')", default = "'member'" },
  { name = "tags", type = "set('a','b','c')", nullable = true },
  { name = "doc", type = "json", nullable = true },
  { name = "bio", type = "text", nullable = true },
  { name = "score", type = "decimal(6,2)", default = 0 },
  { name = "born", type = "year", nullable = true },
  { name = "flags", type = "bit(4)", nullable = true },
  { name = "created_at", type = "datetime(3)", default = "CURRENT_TIMESTAMP(3)" },
  { name = "updated_at", type = "timestamp", default = "CURRENT_TIMESTAMP", on_update = "CURRENT_TIMESTAMP" },
  { name = "score2", type = "decimal(8,2)", generated = "score * 2" },
  { name = "name_upper", type = "varchar(80)", generated = "upper(name)", stored = true },
]
checks = [{ name = "users_score_check", expr = "score >= 0" }]
indexes = [
  { columns = ["name(10)", "created_at DESC"] },
  { name = "users_bio_ft", columns = ["bio"], method = "fulltext" },
  { columns = ["name_upper"], unique = true },
  { name = "users_score_idx", columns = ["score"], invisible = true, comment = "for reports; it's \\ here */" },
  { columns = ["born"], unique = true, comment = "one per year" },
]

[tables.bookings]
options = ["charset=latin1"]
columns = [
  { name = "id", type = "int", primary_key = true, autoincrement = true },
  { name = "user_id", type = "bigint unsigned", references = "users.id", on_delete = "cascade" },
  { name = "note", type = "varchar(40)", nullable = true },
  { name = "starts_at", type = "datetime" },
]
"#;

#[test]
fn every_feature_round_trips_and_evolves_with_its_rows() {
    let Some(db) = MyDb::new("mysql::every_feature") else {
        return;
    };
    let p = my_upgraded(&db, FEATURES);
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
    db.exec("INSERT INTO users (email, name, doc, bio, tags) VALUES ('a@x', 'ann', '{\"k\": 1}', 'hello world', 'a,c')");
    db.exec(
        "INSERT INTO bookings (user_id, note, starts_at) VALUES (1, 'n1', '2026-01-02 10:00:00')",
    );
    // Inspect writes models that load and compare clean.
    let inspected = String::from_utf8(autogen(p.path(), &["inspect"]).stdout).unwrap();
    let q = tempfile::tempdir().unwrap();
    std::fs::write(q.path().join("models.toml"), &inspected).unwrap();
    assert!(
        run(q.path(), &["check"], 0).contains("No differences"),
        "{inspected}"
    );
    // Evolve: rename a column, append an enum value, widen a type, add a column, drop an index,
    // change table options and a comment.
    let next = FEATURES
        .replace("\"note\", type = \"varchar(40)\"", "\"memo\", type = \"varchar(60)\", renamed_from = \"note\"")
        .replace("enum('admin','member')", "enum('admin','member','guest')")
        .replace("comment = \"people\"", "comment = \"all the people\"")
        .replace("options = [\"charset=latin1\"]", "options = [\"charset=latin1\", \"row_format=compact\"]")
        .replace(
            "  { name = \"starts_at\", type = \"datetime\" },",
            "  { name = \"starts_at\", type = \"datetime\" },\n  { name = \"seats\", type = \"smallint\", default = 1 },",
        )
        .replace("  { name = \"users_bio_ft\", columns = [\"bio\"], method = \"fulltext\" },\n", "")
        .replace("invisible = true, ", "");
    write_models(p.path(), &db.url, &next);
    let out = run(p.path(), &["check"], 1);
    assert!(
        out.contains("index users_score_idx should be visible"),
        "{out}"
    );
    run(p.path(), &["revision", "--autogenerate", "-m", "evolve"], 0);
    let rev = crate::support::latest_revision(p.path());
    assert!(
        rev.contains("ALTER INDEX `users_score_idx` /*!80000 VISIBLE */ /*M!100600 NOT IGNORED */")
            && !rev.contains("DROP INDEX `users_score_idx`"),
        "visibility changes in place: {rev}"
    );
    run(p.path(), &["upgrade", "head"], 0);
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
    assert_eq!(
        db.rows("SELECT CONCAT_WS('|', id, user_id, memo, seats) FROM bookings"),
        ["1|1|n1|1"]
    );
    assert_eq!(
        db.rows("SELECT CONCAT_WS('|', name, kind, tags, score2, name_upper) FROM users"),
        ["ann|member|a,c|0.00|ANN"]
    );
    db.exec("INSERT INTO users (email, kind) VALUES ('b@x', 'guest')");
    assert_eq!(
        db.rows("SELECT id FROM users WHERE email = 'b@x'"),
        ["2"],
        "ids continue"
    );
    // And back.
    db.exec("DELETE FROM users WHERE kind = 'guest'");
    run(p.path(), &["downgrade", "-1"], 0);
    write_models(p.path(), &db.url, FEATURES);
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
    assert_eq!(
        db.rows("SELECT CONCAT_WS('|', id, user_id, note) FROM bookings"),
        ["1|1|n1"]
    );
    run(p.path(), &["downgrade", "base"], 0);
    assert_eq!(db.catalog(), "");
}

#[test]
fn mariadb_room_booking_example_upgrades_and_checks_clean() {
    let Some(db) = MyDb::new("mysql::room_booking_example") else {
        return;
    };
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/mariadb/models.toml"
    ))
    .unwrap();
    let body = text
        .split_once("[tables.")
        .map(|(_, b)| format!("[tables.{b}"))
        .unwrap();
    let p = my_upgraded(&db, &body);
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
    db.exec("INSERT INTO users (email, full_name) VALUES ('ann@example.com', 'Ann'); INSERT INTO rooms (name, capacity) VALUES ('Blue', 6); INSERT INTO bookings (user_id, room_id, starts_at, ends_at) VALUES (1, 1, '2026-12-03 10:00', '2026-12-03 11:00')");
    assert_eq!(db.rows("SELECT status FROM bookings"), ["pending"]);
    run(p.path(), &["downgrade", "base"], 0);
    assert_eq!(db.catalog(), "");
}

/// What MySQL refuses is said when the models load (file:line:col, exit 2), not at upgrade time.
#[test]
fn mysql_refusals_are_load_errors() {
    let Some(db) = MyDb::new("mysql::refusals") else {
        return;
    };
    for (body, want) in [
        ("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"n\", type = \"text\", unique = true }]\n", "cannot make the whole text column `n` unique"),
        ("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"n\", type = \"text\" }]\nindexes = [{ columns = [\"n\"] }]\n", "cannot index the whole text column `n`"),
        ("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"n\", type = \"int\" }]\nindexes = [{ columns = [\"n\"], where = \"n > 0\" }]\n", "mysql has no partial indexes"),
        ("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true, autoincrement = true }]\nchecks = [{ expr = \"id > 0\" }]\n", "refuses a check on the autoincrement column `id`"),
        ("[tables.t]\ncolumns = [{ name = \"id\", type = \"timestamptz\", primary_key = true }]\n", "no time-zone-aware timestamp"),
        ("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"u\", type = \"datetime\", on_update = \"42\" }]\n", "only to the current time"),
        // regression: mysql_collation_is_one_word (it was written into the ALTER unquoted)
        ("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"c\", type = \"varchar(5)\", collation = \"utf8mb4_bin, DROP COLUMN id\" }]\n", "MySQL collations are one word"),
        ("[tables.t]\noptions = [\"engine=\"]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }]\n", "unknown table option `engine=`"),
        // regression: mysql_keys_and_columns_the_server_refuses_failed_at_upgrade
        ("[tables.p]\ncolumns = [{ name = \"id\", type = \"int unsigned\", primary_key = true }]\n[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"p\", type = \"int\", references = \"p.id\" }]\n", "one size and sign"),
        ("[tables.p]\noptions = [\"engine=MyISAM\"]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }]\n[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"p\", type = \"int\", references = \"p.id\" }]\n", "engine myisam, which keeps no foreign keys"),
        ("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"v\", type = \"varchar(5)\" }]\nindexes = [{ columns = [\"v(10)\"] }]\n", "longer than the column"),
        ("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"n\", type = \"int\" }]\nindexes = [{ columns = [\"n(3)\"] }]\n", "a prefix length applies to text and binary columns"),
        ("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"n\", type = \"int\" }]\nindexes = [{ columns = [\"n\"], method = \"fulltext\" }]\n", "FULLTEXT index takes char, varchar or text"),
        ("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"n\", type = \"int\" }]\nindexes = [{ columns = [\"n\"], method = \"rtree\" }]\n", "no index method `rtree`"),
        ("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"n\", type = \"int\", on_update = \"CURRENT_TIMESTAMP\" }]\n", "needs a datetime or timestamp column"),
        ("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"n\", type = \"int\", autoincrement = true }]\n", "must lead a key"),
        ("[tables.\"t \"]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }]\n", "ends with a space"),
        // regression: mysql_defaults_the_server_refuses_failed_at_upgrade
        ("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"v\", type = \"varchar(5)\", default = \"'toolongvalue'\" }]\n", "longer than varchar(5)"),
        ("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"v\", type = \"tinyint\", default = 300 }]\n", "out of range for tinyint"),
        ("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"v\", type = \"enum('a','b')\", default = \"'z'\" }]\n", "default 'z' is not a value of enum('a','b')"),
        ("[tables.t]\noptions = [\"row_format=x\"]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }]\n", "unknown row format `x`"),
    ] {
        let p = crate::support::project(&format!("[database]\nurl = \"{}\"\n{body}", db.url));
        let out = run(p.path(), &["check"], 2);
        assert!(out.contains("models.toml:"), "{out}");
        assert!(out.contains(want), "{want}: {out}");
    }
}

#[test]
fn mysql_verify_runs_in_a_scratch_database_on_the_server() {
    let Some(db) = MyDb::new("mysql::verify") else {
        return;
    };
    let p = my_upgraded(&db, FEATURES);
    let out = run(p.path(), &["verify"], 0);
    assert!(out.contains("Verified 1 revision(s)"), "{out}");
    let left = db.rows("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'autogen_verify_%'");
    assert!(left.is_empty(), "scratch database left behind: {left:?}");
}

#[test]
fn mysql_enum_value_removed_is_warned_and_fails_without_touching_rows() {
    let Some(db) = MyDb::new("mysql::enum_value_removed") else {
        return;
    };
    let m = "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"s\", type = \"enum('a','b')\" }]\n";
    let p = my_upgraded(&db, m);
    db.exec("INSERT INTO t VALUES (1, 'b')");
    write_models(p.path(), &db.url, &m.replace("enum('a','b')", "enum('a')"));
    let out = run(p.path(), &["revision", "--autogenerate", "-m", "drop b"], 0);
    assert!(
        out.contains("removes value(s) 'b' from t.s: the upgrade fails on a row that holds one"),
        "{out}"
    );
    let out = run(p.path(), &["upgrade", "head"], 2);
    assert!(out.contains("Data truncated"), "{out}");
    assert_eq!(db.rows("SELECT CONCAT(id, s) FROM t"), ["1b"]);
    db.exec("UPDATE t SET s = 'a'");
    run(p.path(), &["upgrade", "head"], 0);
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
}

/// Names with quotes and backticks, comments that would end a statement or a comment early, and
/// backslashes in defaults and enum values: written so the server reads exactly them.
#[test]
fn mysql_hostile_names_comments_and_backslashes_round_trip() {
    let Some(db) = MyDb::new("mysql::hostile_names") else {
        return;
    };
    let m = r#"
[tables."we`ird"]
comment = "it's a \\ back'slash; DROP TABLE x; -- */"
columns = [
  { name = "id", type = "int", primary_key = true, autoincrement = true },
  { name = "o'k", type = "varchar(20)", default = "'a\\\\b''c'", comment = "c'o\\mment" },
  { name = "order", type = "enum('it''s','b\\\\c')", nullable = true },
  { name = "key", type = "int", nullable = true, check = "`key` > 0" },
]
indexes = [{ columns = ["`o'k`(5)"] }]
"#;
    let p = my_upgraded(&db, m);
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
    db.exec(r#"INSERT INTO `we``ird` (`order`) VALUES ('b\\c')"#);
    assert_eq!(
        db.rows("SELECT CONCAT_WS('|', `o'k`, `order`) FROM `we``ird`"),
        [r"a\b'c|b\c"]
    );
    assert_eq!(
        db.rows("SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'we`ird'"),
        [r"it's a \ back'slash; DROP TABLE x; -- */"]
    );
    let inspected = String::from_utf8(autogen(p.path(), &["inspect"]).stdout).unwrap();
    let q = tempfile::tempdir().unwrap();
    std::fs::write(
        q.path().join("models.toml"),
        inspected.replace("env:DATABASE_URL", &db.url),
    )
    .unwrap();
    assert!(
        run(q.path(), &["check"], 0).contains("No differences"),
        "{inspected}"
    );
    run(p.path(), &["downgrade", "base"], 0);
    assert_eq!(db.catalog(), "");
}
