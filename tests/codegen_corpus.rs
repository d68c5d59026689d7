//! `codegen` on every corpus schema, through `inspect`: the Rust module type-checks against the
//! driver crate this binary links (and is laid out as rustfmt would), and the SQLAlchemy module's
//! `create_all()` on an empty database (SQLite, PostgreSQL, MariaDB) gives the catalog the corpus made
//! (`check` clean too).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::codegen_python::{py_run, python, sa_url};
use crate::support::catalog::sqlite_catalog;
use crate::support::{corpus_file, run, MyDb, PgDb};

/// `lib{krate}-….rlib` beside this test binary (the newest, if several builds left more than one).
fn rlib(krate: &str) -> (PathBuf, PathBuf) {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap().to_path_buf();
    let prefix = format!("lib{krate}-");
    let best = std::fs::read_dir(&deps)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            n.starts_with(&prefix) && n.ends_with(".rlib")
        })
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
        .unwrap_or_else(|| panic!("no {prefix}*.rlib in {}", deps.display()));
    (deps, best)
}

/// Type-checks a generated module as a library over `krate`: errors and warnings fail.
pub fn compiles(src: &Path, krate: &str) {
    let (deps, lib) = rlib(krate);
    let out = tempfile::tempdir().unwrap();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let o = Command::new(rustc)
        .args([
            "--edition",
            "2021",
            "--crate-type",
            "lib",
            "--emit=metadata",
            "--crate-name",
            "generated",
        ])
        .arg("--out-dir")
        .arg(out.path())
        .arg("-L")
        .arg(format!("dependency={}", deps.display()))
        .arg("--extern")
        .arg(format!("{krate}={}", lib.display()))
        .arg(src)
        .output()
        .expect("run rustc");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() && !err.contains("warning"),
        "{}:\n{err}",
        src.display()
    );
    match Command::new("rustfmt")
        .args(["--edition", "2021", "--check"])
        .arg(src)
        .output()
    {
        Ok(f) => assert!(
            f.status.success(),
            "{} is not laid out as rustfmt would:\n{}",
            src.display(),
            String::from_utf8_lossy(&f.stdout)
                .chars()
                .take(3000)
                .collect::<String>()
        ),
        Err(_) => eprintln!("SKIPPED rustfmt check of {}: no rustfmt", src.display()),
    }
}

fn generate(dir: &Path, url: &str, lang: &str, file: &str) -> PathBuf {
    run(
        dir,
        &["--url", url, "codegen", "--lang", lang, "-o", file],
        0,
    );
    dir.join(file)
}

fn pg(file: &str) {
    let test = format!("codegen_corpus::pg_{file}");
    let Some(path) = corpus_file("postgresql", file) else {
        return;
    };
    let (Some(a), Some(b)) = (PgDb::new(&test), PgDb::new(&test)) else {
        return;
    };
    a.exec(&std::fs::read_to_string(&path).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run(d, &["--url", &a.url, "inspect", "-o", "models.toml"], 0);
    compiles(&generate(d, &a.url, "rust", "db.rs"), "postgres");
    let module = generate(d, &a.url, "sqlalchemy", "models.py");
    let Some(py) = python(&test) else { return };
    py_run(
        &py,
        &["create_all.py", &module.to_string_lossy(), &sa_url(&b.url)],
    );
    run(d, &["--url", &b.url, "check"], 0);
    assert_eq!(
        b.catalog(),
        a.catalog(),
        "{file}: create_all() differs from the corpus"
    );
}

fn sqlite(file: &str) {
    let test = format!("codegen_corpus::sqlite_{file}");
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
    compiles(&generate(d, "sqlite:a.db", "rust", "db.rs"), "rusqlite");
    let module = generate(d, "sqlite:a.db", "sqlalchemy", "models.py");
    let Some(py) = python(&test) else { return };
    let b = d.join("b.db");
    py_run(
        &py,
        &[
            "create_all.py",
            &module.to_string_lossy(),
            &format!("sqlite:///{}", b.display()),
        ],
    );
    run(d, &["--url", "sqlite:b.db", "check"], 0);
    // SQLite keeps declared types as written; SQLAlchemy writes its type names in capitals.
    assert_eq!(
        sqlite_catalog(&b).to_lowercase(),
        sqlite_catalog(&d.join("a.db")).to_lowercase(),
        "{file}: create_all() differs from the corpus"
    );
}

fn mysql(file: &str) {
    let test = format!("codegen_corpus::mysql_{file}");
    let Some(path) = corpus_file("mysql", file) else {
        return;
    };
    let (Some(a), Some(b)) = (MyDb::new(&test), MyDb::new(&test)) else {
        return;
    };
    a.script(&crate::mysql::statements(&crate::mysql::loadable(
        &std::fs::read_to_string(path).unwrap(),
    )));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run(d, &["--url", &a.url, "inspect", "-o", "models.toml"], 0);
    compiles(&generate(d, &a.url, "rust", "db.rs"), "mysql");
    let module = generate(d, &a.url, "sqlalchemy", "models.py");
    let Some(py) = python(&test) else { return };
    let url = b.url.replacen("mysql://", "mysql+pymysql://", 1);
    py_run(&py, &["create_all.py", &module.to_string_lossy(), &url]);
    run(d, &["--url", &b.url, "check"], 0);
    assert_eq!(
        b.catalog(),
        a.catalog(),
        "{file}: create_all() differs from the corpus"
    );
}

macro_rules! corpus {
    ($($kind:ident $name:ident $file:literal),* $(,)?) => {
        $(#[test] fn $name() { $kind($file) })*
    };
}

corpus! {
    pg pg_chinook "chinook.sql",
    pg pg_chinook_identity "chinook_identity.sql",
    pg pg_chinook_serial "chinook_serial.sql",
    pg pg_danbooru "danbooru.sql",
    pg pg_guacamole "guacamole.sql",
    pg pg_lago_prepartman "lago_prepartman.sql",
    pg pg_northwind "northwind.sql",
    pg pg_openstreetmap_prepostgis "openstreetmap_prepostgis.sql",
    pg pg_pagila_2022 "pagila_2022.sql",
    pg pg_sakila_jooq "sakila_jooq.sql",
    pg pg_temporal "temporal.sql",
    sqlite sqlite_chinook "chinook.sql",
    sqlite sqlite_chinook_autoincrement "chinook_autoincrement.sql",
    sqlite sqlite_northwind "northwind.sql",
    sqlite sqlite_sakila_jooq "sakila_jooq.sql",
    mysql mysql_chinook "chinook.sql",
    mysql mysql_chinook_autoincrement "chinook_autoincrement.sql",
    mysql mysql_employees "employees.sql",
    mysql mysql_employees_partitioned "employees_partitioned.sql",
    mysql mysql_northwind "northwind.sql",
    mysql mysql_sakila "sakila.sql",
    mysql mysql_sakila_jooq "sakila_jooq.sql",
}
