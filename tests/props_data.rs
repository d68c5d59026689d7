//! Property tests that carry rows through random schema pairs A → B → A on real databases: after the
//! upgrade every row is still there with the values of the columns B keeps, an insert without an id
//! works in every table (ids continue), and after the downgrade the rows are back. A step may fail only
//! where a `-- warning:` of that direction said it could, and then it fails whole (nothing changed).

use autogen::autogenerate::plan;
use autogen::dialect::conn::{connect, Connection};
use autogen::dialect::Dialect;
use autogen::models::load_str;
use autogen::schema::Schema;
use proptest::prelude::*;

use crate::props::{apply, columns, fk_target, schema, to_toml_with, Tab, PG_TYPES};
use crate::support::PgDb;

/// Rows put in each table of A.
const ROWS: usize = 4;

fn is_text(ty: &str) -> bool {
    ty.contains("char") || ty == "text"
}

/// A value that every generated type accepts and converts to every other one: an integer, written
/// as text for text columns; unique per (row, column) so any unique constraint holds.
fn value(ty: &str, row: usize, col: usize) -> String {
    let n = row * 10 + col;
    if is_text(ty) {
        format!("'{n}'")
    } else {
        n.to_string()
    }
}

/// Inserts `rows` rows (without ids) into every table of `tabs`, in order, so references point at
/// rows of earlier tables (ids 1..=ROWS).
fn insert(
    conn: &mut dyn Connection,
    tabs: &[Tab],
    types: &[&str],
    rows: std::ops::RangeInclusive<usize>,
) -> Result<(), String> {
    for (i, t) in tabs.iter().enumerate() {
        if !t.present {
            continue;
        }
        for r in rows.clone() {
            let mut names = vec![];
            let mut vals = vec![];
            for (k, (c, ty)) in columns(t, types).iter().enumerate() {
                names.push(c.clone());
                vals.push(value(ty, r, k));
            }
            if let Some(j) = fk_target(tabs, i) {
                names.push(format!("ref_t{j}"));
                vals.push(if r <= ROWS {
                    r.to_string()
                } else {
                    "NULL".into()
                });
            }
            let sql = if names.is_empty() {
                if conn.dialect().name() == "mysql" {
                    format!("INSERT INTO t{i} () VALUES ()")
                } else {
                    format!("INSERT INTO t{i} DEFAULT VALUES")
                }
            } else {
                format!(
                    "INSERT INTO t{i} ({}) VALUES ({})",
                    names.join(", "),
                    vals.join(", ")
                )
            };
            conn.execute(&sql).map_err(|e| format!("{e}\n{sql}"))?;
        }
    }
    Ok(())
}

/// The rows of `t{i}` as text, ordered by id: `id` and the given columns.
fn rows(conn: &mut dyn Connection, i: usize, cols: &[String]) -> Vec<Vec<Option<String>>> {
    let list: Vec<String> = std::iter::once("id".to_string())
        .chain(cols.iter().cloned())
        .collect();
    conn.query(&format!("SELECT {} FROM t{i} ORDER BY id", list.join(", ")))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Columns of table `i` with the same name and type in both schemas.
fn same_columns(a: &[Tab], b: &[Tab], i: usize, types: &[&str]) -> Vec<String> {
    let cb = columns(&b[i], types);
    columns(&a[i], types)
        .into_iter()
        .filter(|c| cb.contains(c))
        .map(|c| c.0)
        .collect()
}

fn live(conn: &mut dyn Connection, d: &dyn Dialect) -> Schema {
    let mut s = conn.introspect(&[]).unwrap();
    d.canonicalize(&mut s);
    s
}

/// Warnings of a step predict that it can fail on data.
fn predicted(warnings: &[String]) -> bool {
    warnings.iter().any(|w| w.contains("fails"))
}

fn check_with_rows(
    conn: &mut dyn Connection,
    reset: &mut dyn FnMut(),
    a: &[Tab],
    b: &[Tab],
    types: &[&str],
    id: &str,
) -> Result<(), TestCaseError> {
    let d = conn.dialect();
    let (ta, tb) = (
        to_toml_with(a, false, types, id),
        to_toml_with(b, false, types, id),
    );
    let ma = load_str("a.toml", &ta, d).map_err(|e| TestCaseError::fail(format!("{e}\n{ta}")))?;
    let mb = load_str("b.toml", &tb, d).map_err(|e| TestCaseError::fail(format!("{e}\n{tb}")))?;
    reset();
    apply(conn, &plan(&Schema::default(), &ma.schema, d).upgrade).map_err(TestCaseError::fail)?;
    insert(conn, a, types, 1..=ROWS).map_err(TestCaseError::fail)?;
    let both: Vec<usize> = (0..a.len())
        .filter(|&i| a[i].present && b[i].present)
        .collect();
    let a_cols = |i: usize| {
        columns(&a[i], types)
            .into_iter()
            .map(|c| c.0)
            .collect::<Vec<_>>()
    };
    let before: Vec<_> = (0..a.len())
        .map(|i| a[i].present.then(|| rows(conn, i, &a_cols(i))))
        .collect();
    let ctx = || format!("A:\n{ta}\nB:\n{tb}");

    // Upgrade.
    let p = plan(&live(conn, d), &mb.schema, d);
    if let Err(e) = apply(conn, &p.upgrade) {
        prop_assert!(
            predicted(&p.warnings),
            "the upgrade failed on rows without a warning saying it could: {e}\nwarnings: {:?}\n{}",
            p.warnings,
            ctx()
        );
        // MySQL commits each DDL statement: a failed upgrade stays half-applied (the runner
        // records how far it got); nothing to compare.
        if !d.transactional_ddl() {
            return Ok(());
        }
        for (i, r) in before.iter().enumerate() {
            if let Some(r) = r {
                prop_assert_eq!(
                    &rows(conn, i, &a_cols(i)),
                    r,
                    "a failed upgrade changed rows\n{}",
                    ctx()
                );
            }
        }
        return Ok(());
    }
    for &i in &both {
        let keep = same_columns(a, b, i, types);
        let got = rows(conn, i, &keep);
        let want: Vec<Vec<Option<String>>> =
            rows_subset(before[i].as_ref().unwrap(), &a_cols(i), &keep);
        prop_assert_eq!(
            got,
            want,
            "t{}: rows lost or changed by the upgrade\nSQL:\n{}\n{}",
            i,
            p.upgrade.join(";\n"),
            ctx()
        );
    }
    // Inserts without ids work in every table, and ids continue after the existing rows.
    insert(conn, b, types, ROWS + 1..=ROWS + 1).map_err(|e| {
        TestCaseError::fail(format!("insert after the upgrade failed: {e}\n{}", ctx()))
    })?;
    for &i in &both {
        let ids = rows(conn, i, &[]);
        prop_assert_eq!(ids.len(), ROWS + 1);
        let next = (ROWS + 1).to_string();
        prop_assert_eq!(
            ids[ROWS][0].as_deref(),
            Some(next.as_str()),
            "t{}: ids did not continue\n{}",
            i,
            ctx()
        );
    }

    // Downgrade.
    let down_warnings: Vec<String> = p
        .ops
        .iter()
        .rev()
        .filter_map(|o| d.warning(&o.inverse()))
        .collect();
    let b_cols = |i: usize| {
        columns(&b[i], types)
            .into_iter()
            .map(|c| c.0)
            .collect::<Vec<_>>()
    };
    let after: Vec<_> = (0..b.len())
        .map(|i| b[i].present.then(|| rows(conn, i, &b_cols(i))))
        .collect();
    if let Err(e) = apply(conn, &p.downgrade) {
        prop_assert!(
            predicted(&down_warnings),
            "the downgrade failed on rows without a warning saying it could: {e}\nwarnings: {:?}\nSQL:\n{}\n{}",
            down_warnings,
            p.downgrade.join(";\n"),
            ctx()
        );
        if !d.transactional_ddl() {
            return Ok(());
        }
        for (i, r) in after.iter().enumerate() {
            if let Some(r) = r {
                prop_assert_eq!(
                    &rows(conn, i, &b_cols(i)),
                    r,
                    "a failed downgrade changed rows\n{}",
                    ctx()
                );
            }
        }
        return Ok(());
    }
    for &i in &both {
        let keep = same_columns(a, b, i, types);
        let got: Vec<_> = rows(conn, i, &keep).into_iter().take(ROWS).collect();
        let want = rows_subset(before[i].as_ref().unwrap(), &a_cols(i), &keep);
        prop_assert_eq!(
            got,
            want,
            "t{}: rows not back after the downgrade\nSQL:\n{}\n{}",
            i,
            p.downgrade.join(";\n"),
            ctx()
        );
    }
    let again = plan(&live(conn, d), &ma.schema, d);
    prop_assert!(
        again.is_empty(),
        "after the downgrade autogenerate found {:?}\n{}",
        again.upgrade,
        ctx()
    );
    Ok(())
}

/// `rows` (id + `all` columns) narrowed to id + `keep`.
fn rows_subset(
    rows: &[Vec<Option<String>>],
    all: &[String],
    keep: &[String],
) -> Vec<Vec<Option<String>>> {
    let idx: Vec<usize> = keep
        .iter()
        .map(|k| 1 + all.iter().position(|c| c == k).unwrap())
        .collect();
    rows.iter()
        .map(|r| {
            std::iter::once(r[0].clone())
                .chain(idx.iter().map(|&j| r[j].clone()))
                .collect()
        })
        .collect()
}

#[test]
fn postgres_rows_survive_random_schema_pairs() {
    let Some(db) = PgDb::new("props_data::postgres_rows_survive") else {
        return;
    };
    let conn = std::cell::RefCell::new(connect(&db.url).unwrap());
    let cfg = crate::props::config(32);
    proptest!(cfg, |(a in schema(), b in schema())| {
        let url = db.url.clone();
        let mut reset = || {
            let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            c.batch_execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public").unwrap();
        };
        check_with_rows(
            conn.borrow_mut().as_mut(),
            &mut reset,
            &a,
            &b,
            PG_TYPES,
            "{ name = \"id\", type = \"bigint\", primary_key = true, identity = true }",
        )?;
    });
}

#[test]
fn sqlite_rows_survive_random_schema_pairs() {
    const SQLITE_TYPES: &[&str] = &["integer", "bigint", "numeric(8,2)", "text", "varchar(20)"];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.db");
    let conn = std::cell::RefCell::new(connect(&format!("sqlite:{}", path.display())).unwrap());
    let cfg = crate::props::config(32);
    proptest!(cfg, |(a in schema(), b in schema())| {
        let c2 = rusqlite::Connection::open(&path).unwrap();
        let mut reset = || {
            let names: Vec<String> = c2.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").unwrap()
                .query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
            for n in names {
                c2.execute_batch(&format!("DROP TABLE \"{n}\"")).unwrap();
            }
        };
        check_with_rows(
            conn.borrow_mut().as_mut(),
            &mut reset,
            &a,
            &b,
            SQLITE_TYPES,
            "{ name = \"id\", type = \"integer\", primary_key = true, autoincrement = true }",
        )?;
    });
}

#[test]
fn mysql_rows_survive_random_schema_pairs() {
    let Some(db) = crate::support::MyDb::new("props_data::mysql_rows_survive") else {
        return;
    };
    let conn = std::cell::RefCell::new(connect(&db.url).unwrap());
    let cfg = crate::props::config(24);
    proptest!(cfg, |(a in schema(), b in schema())| {
        let mut reset = || db.reset();
        check_with_rows(
            conn.borrow_mut().as_mut(),
            &mut reset,
            &a,
            &b,
            crate::props::MY_TYPES,
            "{ name = \"id\", type = \"bigint\", primary_key = true, autoincrement = true }",
        )?;
    });
}
