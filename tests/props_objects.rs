//! Random pairs of schemas made of the object kinds beyond tables: a collation, an enum swapped for
//! another under a partial index, functions used by a domain, a check and a default, a partitioned
//! table with an index and a changing bound, a text search configuration used by an index. Each pair
//! goes A → B → A on PostgreSQL with the same checks as the table pairs.

use proptest::prelude::*;

use crate::props::check_pair;
use crate::support::{catalog, PgDb};

#[derive(Debug, Clone)]
pub struct Objs {
    collation: bool,
    enum2: bool,
    enum_index: bool,
    func_check: bool,
    func_default: bool,
    bound: usize,
    part_index: bool,
    ts: Option<usize>,
}

fn objs() -> impl Strategy<Value = Objs> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        0..2usize,
        any::<bool>(),
        prop::option::of(0..2usize),
    )
        .prop_map(
            |(collation, enum2, enum_index, func_check, func_default, bound, part_index, ts)| {
                Objs {
                    collation,
                    enum2,
                    enum_index,
                    func_check,
                    func_default,
                    bound,
                    part_index,
                    ts,
                }
            },
        )
}

fn to_toml(o: &Objs) -> String {
    let mut s = String::new();
    if o.collation {
        s.push_str("[collations.ci]\nprovider = \"icu\"\nlocale = \"und-u-ks-level2\"\ndeterministic = false\n\n");
    }
    s.push_str(
        "[enums.e1]\nvalues = [\"a\", \"b\"]\n\n[enums.e2]\nvalues = [\"a\", \"b\", \"c\"]\n\n",
    );
    if o.func_check {
        s.push_str("[functions.\"is_pos(integer)\"]\nsql = \"CREATE FUNCTION is_pos(x int) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN x > 0\"\n\n");
        s.push_str("[domains.posint]\ntype = \"integer\"\nchecks = [{ name = \"posint_check\", expr = \"is_pos(VALUE)\" }]\n\n");
    }
    if o.func_default {
        s.push_str("[functions.\"seven()\"]\nsql = \"CREATE FUNCTION seven() RETURNS int LANGUAGE sql IMMUTABLE BEGIN ATOMIC SELECT 7; END\"\n\n");
    }
    if let Some(m) = o.ts {
        let map = [
            "{ asciiword = [\"d1\"] }",
            "{ asciiword = [\"d1\", \"simple\"], word = [\"simple\"] }",
        ][m];
        s.push_str(&format!("[text_search_dictionaries.d1]\ntemplate = \"simple\"\noptions = \"stopwords = english\"\n\n[text_search_configurations.c1]\nmappings = {map}\n\n"));
    }
    s.push_str(
        "[tables.o]\ncolumns = [\n  { name = \"id\", type = \"bigint\", primary_key = true },\n",
    );
    s.push_str(&format!(
        "  {{ name = \"s\", type = \"{}\", default = \"'a'\" }},\n",
        if o.enum2 { "e2" } else { "e1" }
    ));
    let coll = if o.collation {
        ", collation = \"ci\""
    } else {
        ""
    };
    s.push_str(&format!(
        "  {{ name = \"body\", type = \"text\", nullable = true{coll} }},\n"
    ));
    if o.func_check {
        s.push_str("  { name = \"p\", type = \"posint\", nullable = true },\n");
    }
    if o.func_default {
        s.push_str("  { name = \"d\", type = \"integer\", default = \"seven()\" },\n");
    }
    s.push_str("]\n");
    if o.func_check {
        s.push_str("checks = [{ expr = \"is_pos(id::int)\" }]\n");
    }
    let mut idx = vec![];
    if o.enum_index {
        idx.push("{ columns = [\"s\"], where = \"s <> 'b'\" }".to_string());
    }
    if o.ts.is_some() {
        idx.push("{ name = \"o_fts\", columns = [\"to_tsvector('c1'::regconfig, body)\"], method = \"gin\" }".to_string());
    }
    if !idx.is_empty() {
        s.push_str(&format!("indexes = [{}]\n", idx.join(", ")));
    }
    s.push_str("\n[tables.m]\ncolumns = [{ name = \"id\", type = \"integer\" }, { name = \"day\", type = \"date\" }]\nprimary_key = [\"id\", \"day\"]\npartition_by = \"RANGE (day)\"\n");
    if o.part_index {
        s.push_str("indexes = [{ columns = [\"day\", \"id\"] }]\n");
    }
    let to = ["2026-01-01", "2027-01-01"][o.bound];
    s.push_str(&format!(
        "\n[tables.m_a]\npartition_of = \"m\"\npartition_bound = \"FOR VALUES FROM ('2025-01-01') TO ('{to}')\"\n"
    ));
    s
}

#[test]
fn postgres_random_object_pairs() {
    let Some(db) = PgDb::new("props_objects::postgres_random_object_pairs") else {
        return;
    };
    let conn = std::cell::RefCell::new(autogen::dialect::conn::connect(&db.url).unwrap());
    let client = std::cell::RefCell::new(db.client());
    let cfg = ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(cfg, |(a in objs(), b in objs())| {
        let (ta, tb) = (to_toml(&a), to_toml(&b));
        let url = db.url.clone();
        let mut snapshot = || catalog::pg_catalog(&mut client.borrow_mut());
        let mut reset = || {
            let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            c.batch_execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public").unwrap();
        };
        check_pair(conn.borrow_mut().as_mut(), &mut snapshot, &mut reset, &ta, &tb, false)?;
    });
}
