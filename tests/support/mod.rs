//! Shared test helpers: a fresh PostgreSQL or MySQL/MariaDB database per test, catalog snapshots, running the binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

pub mod catalog;

/// The server tests connect to.
pub fn pg_base_url() -> String {
    std::env::var("AUTOGEN_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn require_db() -> bool {
    std::env::var("AUTOGEN_TEST_REQUIRE_DB").is_ok_and(|v| v == "1")
}

/// Says loudly that a test was skipped (or fails, in CI).
pub fn skip(test: &str, why: &str) {
    if require_db() {
        panic!("{test}: {why} (AUTOGEN_TEST_REQUIRE_DB=1)");
    }
    eprintln!("SKIPPED {test}: {why}");
}

/// A database created for one test and dropped when it goes out of scope.
pub struct PgDb {
    pub name: String,
    pub url: String,
}

fn random_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos(),
    );
    h.write_u32(std::process::id());
    format!("{:012x}", h.finish() & 0xffff_ffff_ffff)
}

impl PgDb {
    /// `None` (after saying so) when no server is reachable.
    pub fn new(test: &str) -> Option<PgDb> {
        let base = pg_base_url();
        let mut c = match postgres::Client::connect(&base, postgres::NoTls) {
            Ok(c) => c,
            Err(e) => {
                skip(test, &format!("no PostgreSQL at {base}: {e}"));
                return None;
            }
        };
        let name = format!("autogen_t_{}", random_suffix());
        c.batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        let url = match base.rfind('/') {
            Some(p) if base[..p].contains("://") && p > base.find("://").unwrap() + 2 => {
                format!("{}/{name}", &base[..p])
            }
            _ => format!("{base}/{name}"),
        };
        Some(PgDb { name, url })
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("connect to test database")
    }

    pub fn exec(&self, sql: &str) {
        self.client()
            .batch_execute(sql)
            .unwrap_or_else(|e| panic!("{e:?}\n{sql}"));
    }

    pub fn catalog(&self) -> String {
        catalog::pg_catalog(&mut self.client())
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&pg_base_url(), postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// The MySQL/MariaDB server tests connect to (no database in the URL).
pub fn my_base_url() -> String {
    std::env::var("AUTOGEN_TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into())
}

/// A MySQL/MariaDB database created for one test and dropped when it goes out of scope.
pub struct MyDb {
    pub name: String,
    pub url: String,
}

impl MyDb {
    /// `None` (after saying so) when no server is reachable.
    pub fn new(test: &str) -> Option<MyDb> {
        use mysql::prelude::Queryable;
        let base = my_base_url();
        let mut c =
            match mysql::Conn::new(mysql::Opts::from_url(&base).expect("AUTOGEN_TEST_MYSQL_URL")) {
                Ok(c) => c,
                Err(e) => {
                    skip(test, &format!("no MySQL/MariaDB at {base}: {e}"));
                    return None;
                }
            };
        let name = format!("autogen_t_{}", random_suffix());
        c.query_drop(format!("CREATE DATABASE `{name}`"))
            .expect("create test database");
        let url = format!("{}/{name}", base.trim_end_matches('/'));
        Some(MyDb { name, url })
    }

    pub fn conn(&self) -> mysql::Conn {
        mysql::Conn::new(mysql::Opts::from_url(&self.url).unwrap())
            .expect("connect to test database")
    }

    pub fn exec(&self, sql: &str) {
        use mysql::prelude::Queryable;
        self.conn()
            .query_drop(sql)
            .unwrap_or_else(|e| panic!("{e:?}\n{sql}"));
    }

    /// Runs statements one after another on one connection (session settings carry over).
    pub fn script(&self, stmts: &[String]) {
        use mysql::prelude::Queryable;
        let mut c = self.conn();
        for sql in stmts {
            c.query_drop(sql).unwrap_or_else(|e| panic!("{e:?}\n{sql}"));
        }
    }

    /// The first column of each row, as text (NULL as `NULL`).
    pub fn rows(&self, sql: &str) -> Vec<String> {
        use mysql::prelude::Queryable;
        let rows: Vec<mysql::Row> = self
            .conn()
            .query(sql)
            .unwrap_or_else(|e| panic!("{e:?}\n{sql}"));
        rows.into_iter()
            .map(|r| {
                r.unwrap()
                    .into_iter()
                    .map(|v| match v {
                        mysql::Value::NULL => "NULL".to_string(),
                        mysql::Value::Bytes(b) => String::from_utf8_lossy(&b).into_owned(),
                        v => v.as_sql(true),
                    })
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect()
    }

    pub fn catalog(&self) -> String {
        catalog::my_catalog(&mut self.conn())
    }

    /// Drops every table (foreign key checks off), for property tests that reuse one database.
    pub fn reset(&self) {
        let tables = self.rows(
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
        );
        if tables.is_empty() {
            return;
        }
        let list: Vec<String> = tables.iter().map(|t| format!("`{t}`")).collect();
        self.exec(&format!(
            "SET FOREIGN_KEY_CHECKS = 0; DROP TABLE {}; SET FOREIGN_KEY_CHECKS = 1",
            list.join(", ")
        ));
    }
}

impl Drop for MyDb {
    fn drop(&mut self) {
        use mysql::prelude::Queryable;
        if let Ok(mut c) = mysql::Conn::new(mysql::Opts::from_url(&my_base_url()).unwrap()) {
            let _ = c.query_drop(format!("DROP DATABASE IF EXISTS `{}`", self.name));
        }
    }
}

/// A project on the MySQL database `db` with `models`, upgraded to head.
pub fn my_upgraded(db: &MyDb, models: &str) -> tempfile::TempDir {
    let p = project(&format!("[database]\nurl = \"{}\"\n{models}", db.url));
    run(p.path(), &["revision", "--autogenerate", "-m", "one"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    p
}

/// `../shared/corpus/<dialect>/<file>` when the shared folder is there (a user's clone has none).
pub fn corpus_file(dialect: &str, file: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(dialect)
        .join(file);
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "SKIPPED corpus {dialect}/{file}: ../shared/corpus is not present beside this checkout"
        );
        None
    }
}

/// Runs the autogen binary in `dir`.
pub fn autogen(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = assert_cmd::Command::cargo_bin("autogen").unwrap();
    cmd.current_dir(dir)
        .env_remove("AUTOGEN_DATABASE_URL")
        .args(args);
    cmd.output().unwrap()
}

/// Runs autogen and asserts the exit code; returns stdout + stderr.
pub fn run(dir: &Path, args: &[&str], code: i32) -> String {
    let o = autogen(dir, args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        o.status.code(),
        Some(code),
        "autogen {args:?} exited {:?}:\n{text}",
        o.status.code()
    );
    text
}

/// Writes the revision file `versions/<stem>.sql`: `-- revision: ID`, `-- down_revision: DOWN`, the
/// header lines in `extra` (each ending in a newline), then the upgrade and downgrade sections.
pub fn write_revision(
    dir: &Path,
    stem: &str,
    id: &str,
    down: &str,
    extra: &str,
    up: &str,
    downgrade: &str,
) {
    let v = dir.join("versions");
    std::fs::create_dir_all(&v).unwrap();
    std::fs::write(
        v.join(format!("{stem}.sql")),
        format!("-- revision: {id}\n-- down_revision: {down}\n{extra}\n-- upgrade\n{up}\n\n-- downgrade\n{downgrade}\n"),
    )
    .unwrap();
}

/// Generates a revision from the models, applies it, replaces the models with `next` (a body after
/// the `[database]` section the project started with) and returns what `diff` prints: the shape of
/// most regression tests of the diff.
pub fn diff_after(dir: &Path, database: &str, first: &str, next: &str) -> String {
    std::fs::write(dir.join("models.toml"), format!("{database}{first}")).unwrap();
    run(dir, &["revision", "--autogenerate", "-m", "first"], 0);
    run(dir, &["upgrade", "head"], 0);
    std::fs::write(dir.join("models.toml"), format!("{database}{next}")).unwrap();
    run(dir, &["diff"], 0)
}

/// A temp project directory with `models.toml` containing `models`.
pub fn project(models: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("models.toml"), models).unwrap();
    d
}

/// Writes `models.toml` in `dir`: `[database] url` and `body`.
pub fn write_models(dir: &Path, url: &str, body: &str) {
    std::fs::write(
        dir.join("models.toml"),
        format!("[database]\nurl = \"{url}\"\n{body}"),
    )
    .unwrap();
}

/// The text of the head revision in `dir/versions` (the one no other revision follows).
pub fn latest_revision(dir: &Path) -> String {
    let texts: Vec<String> = std::fs::read_dir(dir.join("versions"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let field = |t: &str, k: &str| {
        t.lines()
            .find_map(|l| l.strip_prefix(k))
            .unwrap_or("")
            .trim()
            .to_string()
    };
    texts
        .iter()
        .find(|t| {
            let rev = field(t, "-- revision:");
            !texts.iter().any(|o| field(o, "-- down_revision:") == rev)
        })
        .cloned()
        .expect("a head revision")
}

/// A project on `db` with `models`, upgraded to head.
pub fn upgraded(db: &PgDb, models: &str) -> tempfile::TempDir {
    let p = project(&format!("[database]\nurl = \"{}\"\n{models}", db.url));
    run(p.path(), &["revision", "--autogenerate", "-m", "one"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    p
}

/// `models` with `from` put as `to`: autogenerated, upgraded, checked clean.
pub fn changed(db: &PgDb, p: &tempfile::TempDir, models: &str, from: &str, to: &str) {
    write_models(p.path(), &db.url, &models.replace(from, to));
    run(
        p.path(),
        &["revision", "--autogenerate", "-m", "changed"],
        0,
    );
    run(p.path(), &["upgrade", "head"], 0);
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
}
