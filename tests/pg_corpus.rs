//! Every PostgreSQL corpus schema round-trips: load into A, inspect A, autogenerate into empty B,
//! upgrade: catalogs equal (views, materialized views, triggers, rules included), `check` clean on both, `downgrade base` empties B, `upgrade head` restores it.

use crate::support::{corpus_file, run, PgDb};

fn round_trip(file: &str) {
    let test = format!("pg_corpus::{file}");
    let Some(path) = corpus_file("postgresql", file) else {
        return;
    };
    let Some(a) = PgDb::new(&test) else { return };
    let Some(b) = PgDb::new(&test) else { return };
    a.exec(&std::fs::read_to_string(&path).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run(d, &["--url", &a.url, "inspect", "-o", "models.toml"], 0);
    let out = run(d, &["--url", &a.url, "check"], 0);
    assert!(out.contains("No differences"), "{out}");
    run(
        d,
        &[
            "--url",
            &b.url,
            "revision",
            "--autogenerate",
            "-m",
            "from corpus",
        ],
        0,
    );
    run(d, &["--url", &b.url, "upgrade", "head"], 0);
    let (ca, cb) = (a.catalog(), b.catalog());
    if ca != cb {
        let diff = similar::TextDiff::from_lines(&ca, &cb)
            .unified_diff()
            .header("A (corpus)", "B (autogen)")
            .to_string();
        panic!("{file}: catalogs differ after upgrade:\n{diff}");
    }
    run(d, &["--url", &b.url, "check"], 0);
    run(d, &["--url", &b.url, "downgrade", "base"], 0);
    let left = b.catalog();
    assert!(
        !left.lines().any(|l| [
            "table ",
            "sequence ",
            "view ",
            "trigger ",
            "policy ",
            "rule "
        ]
        .iter()
        .any(|k| l.starts_with(k))),
        "{file}: downgrade base left:\n{left}"
    );
    run(d, &["--url", &b.url, "upgrade", "head"], 0);
    assert_eq!(b.catalog(), ca, "{file}: second upgrade differs");
}

macro_rules! corpus {
    ($($name:ident => $file:literal),* $(,)?) => {
        $( #[test] fn $name() { round_trip($file) } )*
    };
}

corpus! {
    chinook => "chinook.sql",
    chinook_identity => "chinook_identity.sql",
    chinook_serial => "chinook_serial.sql",
    danbooru => "danbooru.sql",
    guacamole => "guacamole.sql",
    lago_prepartman => "lago_prepartman.sql",
    northwind => "northwind.sql",
    openstreetmap_prepostgis => "openstreetmap_prepostgis.sql",
    pagila_2022 => "pagila_2022.sql",
    sakila_jooq => "sakila_jooq.sql",
    temporal => "temporal.sql",
}
