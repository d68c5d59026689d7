//! Property tests over random schema pairs A → B, on real databases: the upgrade turns A into B, the
//! downgrade turns it back into A, and autogenerate then finds nothing (zero false positives).

use autogen::autogenerate::plan;
use autogen::dialect::conn::{connect, Connection};
use autogen::models::load_str;
use proptest::prelude::*;

use crate::support::{catalog, PgDb};

#[derive(Debug, Clone)]
pub struct Col {
    pub name: usize,
    pub ty: usize,
    pub nullable: bool,
    pub default: bool,
}

#[derive(Debug, Clone)]
pub struct Tab {
    pub present: bool,
    pub cols: Vec<Col>,
    pub unique: Option<usize>,
    pub index: Option<usize>,
    pub check: bool,
    pub fk: Option<usize>,
    pub comment: bool,
}

pub const PG_TYPES: &[&str] = &[
    "smallint",
    "integer",
    "bigint",
    "numeric(8,2)",
    "text",
    "varchar(20)",
];

fn col() -> impl Strategy<Value = Col> {
    (0..5usize, 0..PG_TYPES.len(), any::<bool>(), any::<bool>()).prop_map(
        |(name, ty, nullable, default)| Col {
            name,
            ty,
            nullable,
            default,
        },
    )
}

fn tab() -> impl Strategy<Value = Tab> {
    (
        any::<bool>(),
        prop::collection::vec(col(), 0..4),
        prop::option::of(0..4usize),
        prop::option::of(0..4usize),
        any::<bool>(),
        prop::option::of(0..3usize),
        any::<bool>(),
    )
        .prop_map(|(present, cols, unique, index, check, fk, comment)| Tab {
            present,
            cols,
            unique,
            index,
            check,
            fk,
            comment,
        })
}

pub fn schema() -> impl Strategy<Value = Vec<Tab>> {
    prop::collection::vec(tab(), 3)
}

/// The models file for a generated schema (`comments`: PostgreSQL keeps them, SQLite has none).
fn to_toml(tabs: &[Tab], comments: bool, types: &[&str]) -> String {
    to_toml_with(
        tabs,
        comments,
        types,
        "{ name = \"id\", type = \"bigint\", primary_key = true }",
    )
}

/// The columns of table `t` as `to_toml` writes them (names deduplicated): (name, type).
pub fn columns(t: &Tab, types: &[&str]) -> Vec<(String, String)> {
    let mut seen = std::collections::BTreeSet::new();
    t.cols
        .iter()
        .filter(|c| seen.insert(c.name))
        .map(|c| {
            (
                format!("c{}", c.name),
                types[c.ty % types.len()].to_string(),
            )
        })
        .collect()
}

/// The table `t{i}` references `t{j}` (an earlier table present in the same schema).
pub fn fk_target(tabs: &[Tab], i: usize) -> Option<usize> {
    tabs[i].fk.filter(|&j| j < i && tabs[j].present)
}

/// `to_toml` with the id column written as `id` (e.g. an identity column, for inserts without ids).
pub fn to_toml_with(tabs: &[Tab], comments: bool, types: &[&str], id: &str) -> String {
    let mut out = String::new();
    for (i, t) in tabs.iter().enumerate() {
        if !t.present {
            continue;
        }
        let mut seen = std::collections::BTreeSet::new();
        let cols: Vec<&Col> = t.cols.iter().filter(|c| seen.insert(c.name)).collect();
        out.push_str(&format!("[tables.t{i}]\n"));
        if t.comment && comments {
            out.push_str(&format!("comment = \"table {i}\"\n"));
        }
        out.push_str(&format!("columns = [\n  {id},\n"));
        for c in &cols {
            let ty = types[c.ty % types.len()];
            let default = if c.default {
                if ty.contains("char") || ty == "text" {
                    ", default = \"'a'\""
                } else {
                    ", default = 7"
                }
            } else {
                ""
            };
            out.push_str(&format!(
                "  {{ name = \"c{}\", type = \"{ty}\", nullable = {}{default} }},\n",
                c.name, c.nullable
            ));
        }
        if let Some(j) = fk_target(tabs, i) {
            out.push_str(&format!("  {{ name = \"ref_t{j}\", type = \"bigint\", nullable = true, references = \"t{j}.id\", on_delete = \"cascade\" }},\n"));
        }
        out.push_str("]\n");
        let pick = |k: Option<usize>| {
            k.and_then(|k| {
                cols.get(k % cols.len().max(1))
                    .map(|c| format!("c{}", c.name))
            })
        };
        if let Some(u) = pick(t.unique) {
            out.push_str(&format!("unique = [{{ columns = [\"{u}\"] }}]\n"));
        }
        if let Some(x) = pick(t.index) {
            out.push_str(&format!(
                "indexes = [{{ columns = [\"{x}\", \"id DESC\"] }}]\n"
            ));
        }
        if t.check {
            // MySQL refuses a check on an autoincrement column (and MariaDB's DROP COLUMN drops a
            // check that names no column): those tables get none.
            if !(types == MY_TYPES && id.contains("autoincrement")) {
                out.push_str("checks = [{ expr = \"id > 0\" }]\n");
            }
        }
        out.push('\n');
    }
    out
}

pub fn apply(conn: &mut dyn Connection, stmts: &[String]) -> Result<(), String> {
    conn.begin().map_err(|e| e.to_string())?;
    for s in stmts {
        if let Err(e) = conn.execute(s) {
            let _ = conn.rollback();
            return Err(format!("{e}\nstatement: {s}"));
        }
    }
    conn.commit().map_err(|e| e.to_string())
}

/// Catalog without column positions: ADD COLUMN appends, so A → B may order columns differently
/// from B built from scratch (the diff, like Alembic's and Atlas', ignores column order).
fn unordered(cat: String) -> String {
    let cat: String = cat
        .lines()
        .map(|l| match l.strip_prefix("column ") {
            // SQLite lines: `column TABLE CID NAME …`
            Some(rest) if !rest.contains(" #") => {
                let mut w: Vec<&str> = rest.splitn(3, ' ').collect();
                if w.len() == 3 {
                    w.remove(1);
                }
                format!("column {}", w.join(" "))
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut v: Vec<String> = cat
        .lines()
        .map(|l| match (l.starts_with("column "), l.find(" #")) {
            (true, Some(p)) => {
                let rest = &l[p + 2..];
                let sp = rest.find(' ').unwrap_or(rest.len());
                format!("{}{}", &l[..p], &rest[sp..])
            }
            _ => l.to_string(),
        })
        .collect();
    v.sort();
    v.join("\n")
}

/// `exact_order`: the downgrade restores column positions too (SQLite rebuilds; PostgreSQL cannot
/// reorder columns, so a dropped middle column comes back at the end).
pub fn check_pair(
    conn: &mut dyn Connection,
    snapshot: &mut dyn FnMut() -> String,
    reset: &mut dyn FnMut(),
    a: &str,
    b: &str,
    exact_order: bool,
) -> Result<(), TestCaseError> {
    let d = conn.dialect();
    let ma = load_str("a.toml", a, d).map_err(|e| TestCaseError::fail(format!("{e}\n{a}")))?;
    let mb = load_str("b.toml", b, d).map_err(|e| TestCaseError::fail(format!("{e}\n{b}")))?;
    reset();
    // B from scratch, for reference.
    let empty = autogen::schema::Schema::default();
    apply(conn, &plan(&empty, &mb.schema, d).upgrade).map_err(TestCaseError::fail)?;
    let cat_b = snapshot();
    reset();
    apply(conn, &plan(&empty, &ma.schema, d).upgrade).map_err(TestCaseError::fail)?;
    let cat_a = snapshot();
    let live = |conn: &mut dyn Connection| {
        let mut s = conn.introspect(&[]).unwrap();
        d.canonicalize(&mut s);
        s
    };
    // The models as the server stores them, where it rewrites what it is given (as autogenerate does).
    let aligned =
        |conn: &mut dyn Connection, m: &autogen::schema::Schema, l: &autogen::schema::Schema| {
            let mut m = m.clone();
            conn.align(&mut m, l).unwrap();
            m
        };
    let l = live(conn);
    let p0 = plan(&l, &aligned(conn, &ma.schema, &l), d);
    prop_assert!(
        p0.is_empty(),
        "false positive after creating A:\n{:?}\n{a}",
        p0.upgrade
    );
    let p = plan(&l, &aligned(conn, &mb.schema, &l), d);
    apply(conn, &p.upgrade)
        .map_err(|e| TestCaseError::fail(format!("upgrade A→B failed: {e}\nA:\n{a}\nB:\n{b}")))?;
    prop_assert_eq!(
        unordered(snapshot()),
        unordered(cat_b.clone()),
        "upgrade did not give B\nA:\n{}\nB:\n{}\nSQL:\n{}",
        a,
        b,
        p.upgrade.join(";\n")
    );
    let l = live(conn);
    let again = plan(&l, &aligned(conn, &mb.schema, &l), d);
    prop_assert!(
        again.is_empty(),
        "second autogenerate found {:?}",
        again.upgrade
    );
    apply(conn, &p.downgrade)
        .map_err(|e| TestCaseError::fail(format!("downgrade B→A failed: {e}\nA:\n{a}\nB:\n{b}")))?;
    let (got, want) = if exact_order {
        (snapshot(), cat_a)
    } else {
        (unordered(snapshot()), unordered(cat_a))
    };
    prop_assert_eq!(
        got,
        want,
        "downgrade did not give A back exactly\nA:\n{}\nB:\n{}\nSQL:\n{}",
        a,
        b,
        p.downgrade.join(";\n")
    );
    let l = live(conn);
    let back = plan(&l, &aligned(conn, &ma.schema, &l), d);
    prop_assert!(
        back.is_empty(),
        "after downgrade autogenerate found {:?}",
        back.upgrade
    );
    Ok(())
}

#[test]
fn postgres_random_schema_pairs() {
    let Some(db) = PgDb::new("props::postgres_random_schema_pairs") else {
        return;
    };
    let conn = std::cell::RefCell::new(connect(&db.url).unwrap());
    let client = std::cell::RefCell::new(db.client());
    let cfg = ProptestConfig {
        cases: 40,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(cfg, |(a in schema(), b in schema())| {
        let (ta, tb) = (to_toml(&a, true, PG_TYPES), to_toml(&b, true, PG_TYPES));
        let url = db.url.clone();
        let mut snapshot = || catalog::pg_catalog(&mut client.borrow_mut());
        let mut reset = || {
            let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            c.batch_execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public").unwrap();
        };
        check_pair(conn.borrow_mut().as_mut(), &mut snapshot, &mut reset, &ta, &tb, false)?;
    });
}

#[test]
fn sqlite_random_schema_pairs() {
    const SQLITE_TYPES: &[&str] = &["integer", "bigint", "numeric(8,2)", "text", "varchar(20)"];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.db");
    let url = format!("sqlite:{}", path.display());
    let conn = std::cell::RefCell::new(connect(&url).unwrap());
    let cfg = ProptestConfig {
        cases: 40,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(cfg, |(a in schema(), b in schema())| {
        let (ta, tb) = (to_toml(&a, false, SQLITE_TYPES), to_toml(&b, false, SQLITE_TYPES));
        let p = path.clone();
        let mut snapshot = || catalog::sqlite_catalog(&p);
        let c2 = rusqlite::Connection::open(&path).unwrap();
        let mut reset = || {
            let names: Vec<String> = c2.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").unwrap()
                .query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
            for n in names {
                c2.execute_batch(&format!("DROP TABLE \"{n}\"")).unwrap();
            }
        };
        check_pair(conn.borrow_mut().as_mut(), &mut snapshot, &mut reset, &ta, &tb, true)?;
    });
}

/// `cases` cases, or `AUTOGEN_PROPS_CASES` of them (e.g. 300 for a longer search).
pub fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("AUTOGEN_PROPS_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// MySQL/MariaDB column types the random schemas draw from.
pub const MY_TYPES: &[&str] = &[
    "smallint",
    "int",
    "bigint",
    "decimal(8,2)",
    "varchar(20)",
    "char(5)",
];

#[test]
fn mysql_random_schema_pairs() {
    let Some(db) = crate::support::MyDb::new("props::mysql_random_schema_pairs") else {
        return;
    };
    let conn = std::cell::RefCell::new(connect(&db.url).unwrap());
    let cfg = config(24);
    proptest!(cfg, |(a in schema(), b in schema())| {
        let (ta, tb) = (to_toml(&a, true, MY_TYPES), to_toml(&b, true, MY_TYPES));
        let mut snapshot = || db.catalog();
        let mut reset = || db.reset();
        check_pair(conn.borrow_mut().as_mut(), &mut snapshot, &mut reset, &ta, &tb, false)?;
    });
}
