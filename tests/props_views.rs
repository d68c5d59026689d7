//! Random pairs of schemas where views (over views), a materialized view with an index, a trigger,
//! a policy and a rule use the columns of a table whose types change between the pair, and the
//! views' columns change too. Each pair goes A → B → A on PostgreSQL exactly (catalogs equal, no
//! false positive), and again with rows in the table: they survive both ways, and inserts still work
//! (the trigger fires).

use proptest::prelude::*;

use crate::props::{apply, check_pair};
use crate::support::{catalog, PgDb};

const TYPES: [&str; 3] = ["integer", "bigint", "numeric(10,2)"];
const VIEW_COLS: [&str; 3] = ["id, a", "id, a, b", "id AS ident, b"];

#[derive(Debug, Clone)]
pub struct Views {
    ty_a: usize,
    ty_b: usize,
    cols: usize,
    nested: bool,
    mat: bool,
    trigger: bool,
    policy: bool,
    rule: bool,
}

fn views() -> impl Strategy<Value = Views> {
    (
        0..3usize,
        0..3usize,
        0..3usize,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(ty_a, ty_b, cols, nested, mat, trigger, policy, rule)| Views {
                ty_a,
                ty_b,
                cols,
                nested,
                mat,
                trigger,
                policy,
                rule,
            },
        )
}

fn to_toml(v: &Views) -> String {
    let mut s = String::from(
        "[functions.\"stamp()\"]\nsql = \"CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note = 'stamped'; RETURN NEW; END $$\"\n\n",
    );
    s.push_str(&format!(
        "[tables.t]\n{}columns = [\n  {{ name = \"id\", type = \"integer\", primary_key = true }},\n  {{ name = \"a\", type = \"{}\" }},\n  {{ name = \"b\", type = \"{}\", nullable = true }},\n  {{ name = \"note\", type = \"text\", nullable = true }},\n]\n\n",
        if v.policy { "row_level_security = \"enabled\"\n" } else { "" },
        TYPES[v.ty_a],
        TYPES[v.ty_b]
    ));
    s.push_str(&format!(
        "[views.v]\nsql = \"SELECT {} FROM t WHERE a > 0\"\n\n",
        VIEW_COLS[v.cols]
    ));
    if v.nested {
        let id = if v.cols == 2 { "ident" } else { "id" };
        s.push_str(&format!(
            "[views.vv]\nsql = \"SELECT count({id}) AS n FROM v\"\n\n"
        ));
    }
    if v.mat {
        s.push_str("[materialized_views.m]\nsql = \"SELECT a, count(*) AS n FROM t GROUP BY a\"\nindexes = [{ columns = [\"a\"], unique = true }]\n\n");
    }
    if v.trigger {
        s.push_str("[triggers.t_stamp]\ntable = \"t\"\ntiming = \"before\"\nevents = [\"insert\", \"update\"]\ncolumns = [\"a\"]\nfor_each = \"row\"\nwhen = \"NEW.a IS NOT NULL\"\nfunction = \"stamp\"\n\n");
    }
    if v.policy {
        s.push_str(
            "[policies.positive]\ntable = \"t\"\nusing = \"a > -1 AND b IS DISTINCT FROM -1\"\n\n",
        );
    }
    if v.rule {
        s.push_str("[rules.no_neg]\ntable = \"t\"\nsql = \"CREATE RULE no_neg AS ON INSERT TO t WHERE NEW.a < 0 DO INSTEAD NOTHING\"\n\n");
    }
    s
}

/// The table's rows, as text, in id order.
fn rows(c: &mut postgres::Client) -> Vec<String> {
    c.query(
        "SELECT id::text || ' ' || trim_scale(a::numeric)::text || ' ' || coalesce(trim_scale(b::numeric)::text, '-') FROM t ORDER BY id",
        &[],
    )
    .unwrap()
    .iter()
    .map(|r| r.get(0))
    .collect()
}

#[test]
fn postgres_views_over_changing_columns() {
    let Some(db) = PgDb::new("props_views::postgres_views_over_changing_columns") else {
        return;
    };
    let conn = std::cell::RefCell::new(autogen::dialect::conn::connect(&db.url).unwrap());
    let client = std::cell::RefCell::new(db.client());
    let cfg = ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(cfg, |(a in views(), b in views())| {
        let (ta, tb) = (to_toml(&a), to_toml(&b));
        let url = db.url.clone();
        let mut snapshot = || catalog::pg_catalog(&mut client.borrow_mut());
        let reset = || {
            let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            c.batch_execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public").unwrap();
        };
        check_pair(conn.borrow_mut().as_mut(), &mut snapshot, &mut reset.clone(), &ta, &tb, false)?;

        // Again with rows: they survive A → B → A and inserts work after each step.
        let mut conn = conn.borrow_mut();
        let d = conn.dialect();
        let ma = autogen::models::load_str("a.toml", &ta, d).unwrap();
        let mb = autogen::models::load_str("b.toml", &tb, d).unwrap();
        reset();
        let empty = autogen::schema::Schema::default();
        apply(conn.as_mut(), &autogen::autogenerate::plan(&empty, &ma.schema, d).upgrade).map_err(TestCaseError::fail)?;
        let mut c = client.borrow_mut();
        c.batch_execute("INSERT INTO t VALUES (1, 5, 7, NULL), (2, 12, NULL, NULL)").unwrap();
        let before = rows(&mut c);
        let mut live = conn.introspect(&[]).unwrap();
        d.canonicalize(&mut live);
        let mut want = mb.schema.clone();
        conn.align(&mut want, &live).unwrap();
        let p = autogen::autogenerate::plan(&live, &want, d);
        apply(conn.as_mut(), &p.upgrade).map_err(|e| TestCaseError::fail(format!("{e}\n{ta}\n{tb}")))?;
        prop_assert_eq!(rows(&mut c), before.clone(), "rows changed A → B:\n{}\n{}", ta, tb);
        c.batch_execute("INSERT INTO t VALUES (3, 4, 1, NULL)").unwrap();
        if b.trigger {
            let note: Option<String> = c.query_one("SELECT note FROM t WHERE id = 3", &[]).unwrap().get(0);
            prop_assert_eq!(note.as_deref(), Some("stamped"), "the trigger did not fire after A → B");
        }
        c.batch_execute("DELETE FROM t WHERE id = 3").unwrap();
        apply(conn.as_mut(), &p.downgrade).map_err(|e| TestCaseError::fail(format!("{e}\n{ta}\n{tb}")))?;
        prop_assert_eq!(rows(&mut c), before, "rows changed B → A:\n{}\n{}", ta, tb);
        let n: i64 = c.query_one("SELECT count(*) FROM v", &[]).unwrap().get(0);
        prop_assert_eq!(n, 2);
    });
}
