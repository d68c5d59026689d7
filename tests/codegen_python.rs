//! `codegen --lang sqlalchemy` through a real Python with SQLAlchemy 2, psycopg2 and PyMySQL (`.ci/run` makes
//! a virtual environment; elsewhere `AUTOGEN_TEST_PYTHON` or `python3`): `create_all()` on empty SQLite
//! and PostgreSQL databases gives the catalog `autogen upgrade head` gives, and the example's
//! bookings are created, listed, cancelled and deleted through the ORM.

use std::path::Path;
use std::process::Command;

use crate::support::catalog::sqlite_catalog;
use crate::support::{run, skip, PgDb};

/// The Python to run, when it has SQLAlchemy 2 and psycopg2 (else skipped, or failed in CI).
pub fn python(test: &str) -> Option<String> {
    let py = std::env::var("AUTOGEN_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&py)
        .args([
            "-c",
            "import sqlalchemy, psycopg2, pymysql; assert sqlalchemy.__version__ >= '2'",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Some(py)
    } else {
        skip(
            test,
            &format!("`{py}` lacks SQLAlchemy 2, psycopg2 or PyMySQL (set AUTOGEN_TEST_PYTHON; .ci/run makes one)"),
        );
        None
    }
}

/// Runs a script of tests/codegen/ and asserts it succeeded.
pub fn py_run(py: &str, args: &[&str]) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/codegen");
    let o = Command::new(py)
        .arg(dir.join(args[0]))
        .args(&args[1..])
        .output()
        .expect("run python");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "python {args:?}:\n{text}");
    text
}

/// The SQLAlchemy URL of a `postgres://` one.
pub fn sa_url(url: &str) -> String {
    url.replacen("postgres://", "postgresql+psycopg2://", 1)
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A project directory whose models are `models` with the `url = …` line pointing at `url`.
fn models_on(models: &str, url: &str) -> tempfile::TempDir {
    let text = std::fs::read_to_string(root().join(models)).unwrap();
    let text: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("url = ") {
                format!("url = \"{url}\"")
            } else {
                l.to_string()
            }
        })
        .collect();
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("models.toml"), text.join("\n")).unwrap();
    d
}

fn module(name: &str) -> String {
    root()
        .join("tests/codegen")
        .join(name)
        .to_string_lossy()
        .to_string()
}

#[test]
fn sqlalchemy_create_all_matches_upgrade_head_on_sqlite() {
    let Some(py) = python("codegen_python::sqlite") else {
        return;
    };
    let p = models_on("models.toml", "sqlite:a.db");
    let d = p.path();
    py_run(
        &py,
        &[
            "create_all.py",
            &module("../../examples/booking/models.py"),
            &format!("sqlite:///{}", d.join("a.db").display()),
        ],
    );
    run(d, &["check"], 0);
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
    // SQLite keeps declared types as written; SQLAlchemy writes its type names in capitals.
    assert_eq!(
        sqlite_catalog(&d.join("a.db")).to_lowercase(),
        sqlite_catalog(&d.join("b.db")).to_lowercase()
    );
}

fn pg_equal(models: &str, file: &str, test: &str) {
    let Some(py) = python(test) else { return };
    let (Some(a), Some(b)) = (PgDb::new(test), PgDb::new(test)) else {
        return;
    };
    let p = models_on(models, &a.url);
    let d = p.path();
    py_run(&py, &["create_all.py", &module(file), &sa_url(&a.url)]);
    run(d, &["check"], 0);
    run(
        d,
        &["--url", &b.url, "revision", "--autogenerate", "-m", "all"],
        0,
    );
    run(d, &["--url", &b.url, "upgrade", "head"], 0);
    assert_eq!(
        a.catalog(),
        b.catalog(),
        "{file}: create_all() differs from upgrade head"
    );
}

#[test]
fn sqlalchemy_create_all_matches_upgrade_head_on_postgres() {
    pg_equal(
        "docs/booking-postgres.toml",
        "booking_postgres.py",
        "codegen_python::postgres",
    );
}

#[test]
fn sqlalchemy_create_all_matches_upgrade_head_for_every_feature() {
    pg_equal(
        "tests/fixtures/codegen_features.toml",
        "features_postgres.py",
        "codegen_python::features",
    );
}

#[test]
fn sqlalchemy_books_rooms_on_sqlite() {
    let Some(py) = python("codegen_python::crud_sqlite") else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let url = format!("sqlite:///{}", d.path().join("c.db").display());
    assert!(py_run(
        &py,
        &[
            "booking_crud.py",
            &module("../../examples/booking/models.py"),
            &url
        ]
    )
    .contains("ok"));
}

#[test]
fn sqlalchemy_books_rooms_on_postgres() {
    let test = "codegen_python::crud_postgres";
    let Some(py) = python(test) else { return };
    let Some(db) = PgDb::new(test) else { return };
    assert!(py_run(
        &py,
        &[
            "booking_crud.py",
            &module("booking_postgres.py"),
            &sa_url(&db.url)
        ]
    )
    .contains("ok"));
}
