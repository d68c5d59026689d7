//! `cargo bench`: each stage on synthetic schemas — load models (validate, canonicalize), introspect
//! (SQLite file; PostgreSQL when `AUTOGEN_BENCH_PG` names a server), diff + order + render, and the
//! revision index over 10,000 files (whole, and headers only as the graph commands read them).
//! Prints medians.

use std::time::{Duration, Instant};

use autogen::autogenerate::plan;
use autogen::dialect::conn::Connection;
use autogen::dialect::postgres::Postgres;
use autogen::dialect::sqlite::Sqlite;
use autogen::dialect::Dialect;
use autogen::models::load_str;
use autogen::revision::{load_dir, load_headers, RevisionMap};

fn models(n: usize, drift: bool) -> String {
    let mut s = String::from("[enums.status]\nvalues = [\"new\", \"active\", \"archived\"]\n");
    for t in 0..n {
        s.push_str(&format!("\n[tables.t{t:05}]\ncolumns = [\n  {{ name = \"id\", type = \"bigint\", primary_key = true, identity = true }},\n"));
        for c in 0..8 {
            let ty = [
                "integer",
                "text",
                "varchar(64)",
                "timestamptz",
                "boolean",
                "numeric(12,2)",
                "jsonb",
                "uuid",
            ][c];
            let ty = if drift && t % 50 == 0 && c == 2 {
                "varchar(128)"
            } else {
                ty
            };
            s.push_str(&format!(
                "  {{ name = \"c{c}\", type = \"{ty}\", nullable = true }},\n"
            ));
        }
        s.push_str("  { name = \"status\", type = \"status\", default = \"'new'\" },\n");
        if t > 0 {
            s.push_str(&format!("  {{ name = \"parent_id\", type = \"bigint\", nullable = true, references = \"t{:05}.id\", on_delete = \"cascade\" }},\n", t - 1));
        }
        s.push_str("]\n");
        if !(drift && t % 40 == 0) {
            s.push_str("indexes = [{ columns = [\"c1\", \"c3 DESC\"], where = \"c0 > 0\" }]\n");
        }
        s.push_str("checks = [{ expr = \"c0 >= 0 AND c5 BETWEEN 0 AND 1000\" }]\n");
    }
    s
}

/// Tables of the shape `models` makes, in types SQLite has.
fn sqlite_models(n: usize) -> String {
    let mut s = String::new();
    for t in 0..n {
        s.push_str(&format!("\n[tables.t{t:05}]\ncolumns = [\n  {{ name = \"id\", type = \"integer\", primary_key = true }},\n"));
        for (c, ty) in [
            "integer",
            "text",
            "varchar(64)",
            "real",
            "boolean",
            "numeric(12,2)",
            "blob",
            "date",
        ]
        .iter()
        .enumerate()
        {
            s.push_str(&format!(
                "  {{ name = \"c{c}\", type = \"{ty}\", nullable = true }},\n"
            ));
        }
        if t > 0 {
            s.push_str(&format!("  {{ name = \"parent_id\", type = \"integer\", nullable = true, references = \"t{:05}.id\", on_delete = \"cascade\" }},\n", t - 1));
        }
        s.push_str(
            "]\nindexes = [{ columns = [\"c1\", \"c3\"] }]\nchecks = [{ expr = \"c0 >= 0\" }]\n",
        );
    }
    s
}

/// A database made by `d`'s creation plan of `models`, then introspected and canonicalized `runs` times.
fn introspect_time(
    conn: &mut dyn Connection,
    d: &dyn Dialect,
    models: &str,
    runs: usize,
) -> Duration {
    let m = load_str("m.toml", models, d).unwrap();
    for sql in plan(&Default::default(), &m.schema, d).upgrade {
        conn.execute(&sql).unwrap();
    }
    time(runs, || {
        let mut s = conn.introspect(&[]).unwrap();
        d.canonicalize(&mut s);
        s
    })
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    for n in [1_000usize, 10_000] {
        let (a, b) = (models(n, false), models(n, true));
        let load = time(5, || load_str("a.toml", &a, &Postgres).unwrap());
        let sa = load_str("a.toml", &a, &Postgres).unwrap().schema;
        let sb = load_str("b.toml", &b, &Postgres).unwrap().schema;
        let p = plan(&sa, &sb, &Postgres);
        let diff = time(5, || plan(&sa, &sb, &Postgres));
        let create = time(3, || plan(&Default::default(), &sa, &Postgres));
        println!(
            "tables={n}: load+validate+canonicalize models {:?}, diff+order+render (drifted, {} ops) {:?}, full create plan {:?}",
            load, p.ops.len(), diff, create
        );
    }
    // Introspection of a 1,000-table database: an SQLite file, and PostgreSQL where a server is named.
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:///{}", dir.path().join("b.db").display());
    let mut c = autogen::dialect::sqlite::conn::SqliteConn::connect(&url).unwrap();
    let t = introspect_time(&mut c, &Sqlite, &sqlite_models(1_000), 5);
    println!("tables=1000: introspect + canonicalize, SQLite file {t:?}");
    match std::env::var("AUTOGEN_BENCH_PG") {
        Ok(server) => {
            let mut admin = postgres::Client::connect(&format!("{server}/postgres"), postgres::NoTls).unwrap();
            admin.batch_execute("DROP DATABASE IF EXISTS autogen_bench_stage").unwrap();
            admin.batch_execute("CREATE DATABASE autogen_bench_stage").unwrap();
            let mut c = autogen::dialect::postgres::conn::PgConn::connect(&format!("{server}/autogen_bench_stage")).unwrap();
            let t = introspect_time(&mut c, &Postgres, &models(1_000, false), 5);
            println!("tables=1000: introspect + canonicalize, PostgreSQL {t:?}");
            drop(c);
            admin.batch_execute("DROP DATABASE autogen_bench_stage").unwrap();
        }
        Err(_) => println!("tables=1000: introspect, PostgreSQL: skipped (set AUTOGEN_BENCH_PG=postgres://user@host:port)"),
    }
    // 10,000 revision files: load, parse, index, heads.
    let dir = tempfile::tempdir().unwrap();
    let mut prev = String::new();
    for i in 0..10_000 {
        let id = format!("{i:012x}");
        let text = format!("-- revision: {id}\n-- down_revision: {prev}\n-- message: r{i}\n-- dialect: postgresql\n\n-- upgrade\nCREATE TABLE chain_{i:05} (id bigint PRIMARY KEY, v text NOT NULL DEFAULT '');\n\n-- downgrade\nDROP TABLE chain_{i:05};\n");
        std::fs::write(dir.path().join(format!("{id}_r{i}.sql")), text).unwrap();
        prev = id;
    }
    let t = time(5, || {
        let revs = load_dir(dir.path(), &Postgres).unwrap();
        let m = RevisionMap::new(revs).unwrap();
        m.heads()
    });
    println!("revisions=10000: load files + parse + index + heads {t:?}");
    let t = time(5, || {
        let m = RevisionMap::new(load_headers(dir.path()).unwrap()).unwrap();
        m.heads()
    });
    println!("revisions=10000: headers only + index + heads (heads, history, current) {t:?}");
}
