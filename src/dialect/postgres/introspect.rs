//! PostgreSQL introspection: one bulk catalog query per kind of object, for the whole database.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use postgres::Row;

use super::conn::{pg_error, PgConn};
use crate::dialect::conn::DbError;
use crate::schema::*;

/// Tables autogen keeps for itself; never part of the managed schema.
pub use crate::schema::OWN_TABLES;

pub(super) fn err(e: postgres::Error) -> DbError {
    DbError::Sql(format!("introspection failed: {}", pg_error(&e)))
}

/// SQL condition selecting managed namespaces, on column `{n}.nspname`.
fn ns_filter(n: &str, namespaces: &[String]) -> String {
    if namespaces.is_empty() {
        format!(
            "{n}.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND {n}.nspname NOT LIKE 'pg\\_temp\\_%' \
             AND {n}.nspname NOT LIKE 'pg\\_toast\\_temp\\_%' \
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = {n}.oid AND d.deptype = 'e')"
        )
    } else {
        let list: Vec<String> = namespaces.iter().map(|s| super::render::lit(s)).collect();
        format!("{n}.nspname IN ({})", list.join(", "))
    }
}

/// A collation `co` as SQL: `"C"`, or `"app"."ci"` outside `public` and `pg_catalog`.
const COLL: &str = "CASE WHEN co.collnamespace IN ('pg_catalog'::regnamespace, 'public'::regnamespace) \
     THEN '' ELSE '\"' || replace((SELECT cn.nspname FROM pg_namespace cn WHERE cn.oid = co.collnamespace), '\"', '\"\"') || '\".' END \
     || '\"' || replace(co.collname, '\"', '\"\"') || '\"'";

/// Not created by an extension.
pub(super) fn not_ext(classid: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '{classid}'::regclass AND d.objid = {oid} AND d.deptype = 'e')"
    )
}

/// Rows of `q` one at a time (the catalog of a large schema is not held in memory all at once).
pub(super) fn rows<'a>(
    cl: &'a mut postgres::Client,
    q: &str,
) -> Result<impl Iterator<Item = Result<Row, DbError>> + 'a, DbError> {
    use postgres::fallible_iterator::FallibleIterator;
    let it = cl
        .query_raw(
            q,
            std::iter::empty::<&(dyn postgres::types::ToSql + Sync)>(),
        )
        .map_err(err)?;
    Ok(it.iterator().map(|r| r.map_err(err)))
}

pub(super) fn qname(ns: String, name: String) -> QName {
    QName {
        schema: if ns == "public" { None } else { Some(ns) },
        name,
    }
}

fn opt_i64(r: &Row, i: usize) -> Option<i64> {
    r.get::<_, Option<i64>>(i)
}

/// Rows of (schema, name, argument types, CREATE text) into `s.functions`.
pub(super) fn read_functions(
    cl: &mut postgres::Client,
    q: &str,
    s: &mut Schema,
) -> Result<(), DbError> {
    for r in cl.query(q, &[]).map_err(err)? {
        let f = Function {
            name: qname(r.get(0), r.get(1)),
            args: r.get(2),
            sql: Expr::new(r.get::<_, String>(3)),
        };
        s.functions.insert(f.signature(), f);
    }
    Ok(())
}

pub fn introspect(c: &mut PgConn, namespaces: &[String]) -> Result<Schema, DbError> {
    // JIT compiles plans of a high estimated cost, as the views query's is on a large catalog (50 ms of
    // compiling for a few ms of work at 10,000 tables): never worth it for one pass over the catalog.
    let jit: Option<String> = c
        .client
        .query_one("SELECT current_setting('jit', true)", &[])
        .map_err(err)?
        .get(0);
    if jit.is_some() {
        c.client.batch_execute("SET jit = off").map_err(err)?;
    }
    let read = read_catalog(c, namespaces);
    if let Some(v) = jit {
        c.client
            .execute("SELECT set_config('jit', $1, false)", &[&v])
            .map_err(err)?;
    }
    read
}

fn read_catalog(c: &mut PgConn, namespaces: &[String]) -> Result<Schema, DbError> {
    let trace = std::env::var_os("AUTOGEN_TRACE").is_some();
    let t0 = std::time::Instant::now();
    let lap = |what: &str| {
        if trace {
            eprintln!(
                "introspect: {what} at {:?}, {}",
                t0.elapsed(),
                crate::trace::memory_use()
            );
        }
    };
    let version = c.server_version()?;
    let cl = &mut c.client;
    let nsf = ns_filter("n", namespaces);
    let mut s = Schema::default();

    // Every managed namespace, empty ones too; those holding objects autogen does not manage
    // (views, aggregates, composite types, collations …) are never dropped.
    let occupied = "EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind IN ('f', 'c')) \
         OR EXISTS (SELECT 1 FROM pg_proc p WHERE p.pronamespace = n.oid AND p.prokind = 'w') \
         OR EXISTS (SELECT 1 FROM pg_type t WHERE t.typnamespace = n.oid AND t.typtype IN ('b', 'r', 'm') AND t.typelem = 0) \
         OR EXISTS (SELECT 1 FROM pg_ts_template tt WHERE tt.tmplnamespace = n.oid) \
         OR EXISTS (SELECT 1 FROM pg_ts_parser tp WHERE tp.prsnamespace = n.oid) \
         OR EXISTS (SELECT 1 FROM pg_operator o WHERE o.oprnamespace = n.oid) \
         OR EXISTS (SELECT 1 FROM pg_extension e WHERE e.extnamespace = n.oid)";
    for r in cl
        .query(
            &format!("SELECT n.nspname::text, {occupied} FROM pg_namespace n WHERE {nsf}"),
            &[],
        )
        .map_err(err)?
    {
        let name: String = r.get(0);
        if r.get::<_, bool>(1) {
            s.occupied.push(name.clone());
        }
        s.namespaces.push(name);
    }

    for r in cl
        .query("SELECT e.extname::text, n.nspname::text FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY 1", &[])
        .map_err(err)?
    {
        let schema: String = r.get(1);
        s.extensions.push(Extension { name: r.get(0), schema: Some(schema) });
    }

    lap("before collations");
    super::introspect_objects::collations_and_text_search(cl, &nsf, version, &mut s)?;
    lap("before enums");
    // Enums.
    let q = format!(
        "SELECT n.nspname::text, t.typname::text, array_agg(e.enumlabel::text ORDER BY e.enumsortorder), obj_description(t.oid, 'pg_type') \
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid \
         WHERE {nsf} AND {} GROUP BY 1, 2, 4",
        not_ext("pg_type", "t.oid")
    );
    for r in cl.query(&q, &[]).map_err(err)? {
        let name = qname(r.get(0), r.get(1));
        s.enums.insert(
            name.clone(),
            Enum {
                name,
                values: r.get(2),
                comment: r.get(3),
            },
        );
    }

    lap("before domains");
    // Domains, with their checks.
    let q = format!(
        "SELECT t.oid, n.nspname::text, t.typname::text, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault, \
         CASE WHEN t.typcollation <> bt.typcollation THEN {COLL} END, obj_description(t.oid, 'pg_type'), \
         ARRAY(SELECT con.conname::text FROM pg_constraint con WHERE con.contypid = t.oid AND con.contype = 'c' ORDER BY con.conname), \
         ARRAY(SELECT pg_get_constraintdef(con.oid, true) FROM pg_constraint con WHERE con.contypid = t.oid AND con.contype = 'c' ORDER BY con.conname) \
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_type bt ON bt.oid = t.typbasetype \
         LEFT JOIN pg_collation co ON co.oid = t.typcollation \
         WHERE t.typtype = 'd' AND {nsf} AND {}",
        not_ext("pg_type", "t.oid")
    );
    for r in cl.query(&q, &[]).map_err(err)? {
        let name = qname(r.get(1), r.get(2));
        let names: Vec<String> = r.get(8);
        let defs: Vec<String> = r.get(9);
        let checks = names
            .into_iter()
            .zip(defs)
            .map(|(n, d)| {
                let body = d
                    .trim()
                    .strip_prefix("CHECK ")
                    .unwrap_or(&d)
                    .trim_end_matches(" NOT VALID");
                let body = crate::sql::paren_array_casts(body);
                Check {
                    name: n,
                    expr: Expr::new(body),
                    no_inherit: false,
                    not_valid: false,
                }
            })
            .collect();
        let d = Domain {
            name: name.clone(),
            ty: r.get(3),
            nullable: !r.get::<_, bool>(4),
            default: r.get::<_, Option<String>>(5).map(Expr::new),
            collation: r.get(6),
            checks,
            comment: r.get(7),
        };
        s.domains.insert(name, d);
    }

    lap("before tables");
    // Tables (ordinary and partitioned).
    let q = format!(
        "SELECT c.oid, n.nspname::text, c.relname::text, \
         (SELECT ds.description FROM pg_description ds WHERE ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0), \
         CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, c.relispartition, \
         pn.nspname::text, pc.relname::text, pg_get_expr(c.relpartbound, c.oid), \
         ARRAY(SELECT ipn.nspname::text || '.' || ipc.relname::text FROM pg_inherits ih JOIN pg_class ipc ON ipc.oid = ih.inhparent \
           JOIN pg_namespace ipn ON ipn.oid = ipc.relnamespace WHERE ih.inhrelid = c.oid AND NOT c.relispartition ORDER BY ih.inhseqno), \
         c.relrowsecurity, c.relforcerowsecurity \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_inherits h ON h.inhrelid = c.oid AND c.relispartition \
         LEFT JOIN pg_class pc ON pc.oid = h.inhparent LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace \
         WHERE c.relkind IN ('r', 'p') AND {nsf} AND {}",
        not_ext("pg_class", "c.oid")
    );
    // Boxed: the map's own allocation stays small, and each table is let go as it moves to the schema.
    let mut by_oid: crate::fasthash::FxHashMap<u32, Box<Table>> = Default::default();
    for r in cl.query(&q, &[]).map_err(err)? {
        let oid: u32 = r.get(0);
        let name = qname(r.get(1), r.get(2));
        if name.schema.is_none() && OWN_TABLES.contains(&name.name.as_str()) {
            continue;
        }
        let mut t = Table::new(name.clone());
        t.comment = r.get(3);
        t.partition_by = r.get::<_, Option<String>>(4).map(Expr::new);
        if r.get::<_, bool>(5) {
            if let (Some(pn), Some(pc)) =
                (r.get::<_, Option<String>>(6), r.get::<_, Option<String>>(7))
            {
                let bound: String = r.get::<_, Option<String>>(8).unwrap_or_default();
                t.partition_of = Some(PartitionOf {
                    parent: qname(pn, pc),
                    bound: Expr::new(bound),
                });
            }
        }
        for p in r.get::<_, Vec<String>>(9) {
            if let Some((sch, n)) = p.split_once('.') {
                t.inherits.push(qname(sch.to_string(), n.to_string()));
            }
        }
        t.row_security = match (r.get::<_, bool>(10), r.get::<_, bool>(11)) {
            (true, true) => RowSecurity::Forced,
            (true, false) => RowSecurity::Enabled,
            _ => RowSecurity::Off,
        };
        by_oid.insert(oid, Box::new(t));
    }
    // Views ride along with the tables while their columns and (materialized) indexes are read.
    let mut views: HashMap<u32, View> = HashMap::new();
    for (oid, v) in super::introspect_views::views(cl, &nsf)? {
        by_oid.insert(oid, Box::new(Table::new(v.name.clone())));
        views.insert(oid, v);
    }

    lap("before columns");
    // Columns.
    let q = format!(
        "SELECT a.attrelid, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull, \
         pg_get_expr(ad.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE ad.adrelid END), a.attidentity::text, a.attgenerated::text, \
         CASE WHEN a.attcollation <> t.typcollation THEN {COLL} END, ds.description, a.attnum, a.attinhcount > 0 \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum \
         LEFT JOIN pg_collation co ON co.oid = a.attcollation \
         LEFT JOIN pg_description ds ON ds.objoid = a.attrelid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum \
         WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm') AND {nsf}"
    );
    // Unordered (sorting 100,000 wide rows costs the server more than sorting each table's few here).
    // Each table's attnums beside its columns, to put them in order where rows came out of it.
    let mut numbers: crate::fasthash::FxHashMap<u32, Vec<i16>> = Default::default();
    // (table oid, attnum) → column name: constraint and index keys are resolved from it.
    let mut attnames = super::introspect_keys::AttNames::default();
    for r in rows(cl, &q)? {
        let r = r?;
        let relid: u32 = r.get(0);
        let attnum: i16 = r.get(9);
        let Some(t) = by_oid.get_mut(&relid) else {
            attnames.store(relid, attnum, r.get(1));
            continue;
        };
        // A child's inherited columns are its parents' (a partition's are handled below).
        if !t.inherits.is_empty() && r.get::<_, bool>(10) {
            attnames.store(relid, attnum, r.get(1));
            continue;
        }
        attnames.kept(relid, attnum, t.columns.len());
        let identity: String = r.get(5);
        let generated: String = r.get(6);
        let expr: Option<String> = r.get(4);
        let mut col = Column::new(&r.get::<_, String>(1), &r.get::<_, String>(2));
        col.nullable = !r.get::<_, bool>(3);
        if generated == "s" {
            col.generated = expr.map(Expr::new);
        } else {
            col.default = expr.map(Expr::new);
        }
        if !identity.is_empty() {
            col.identity = Some(Box::new(Identity::new(
                identity == "a",
                SeqOptions::default(),
            )));
        }
        col.collation = r.get(7);
        col.comment = r.get(8);
        t.columns.push(col);
        numbers.entry(relid).or_default().push(attnum);
    }
    for (relid, nums) in numbers {
        if nums.is_sorted() {
            continue;
        }
        if let Some(t) = by_oid.get_mut(&relid) {
            let mut cols: Vec<(i16, Column)> = nums
                .into_iter()
                .zip(std::mem::take(&mut t.columns))
                .collect();
            cols.sort_by_key(|(n, _)| *n);
            for (pos, (n, _)) in cols.iter().enumerate() {
                attnames.kept(relid, *n, pos);
            }
            t.columns = cols.into_iter().map(|(_, c)| c).collect();
        }
    }

    lap("before sequences");
    // Sequences: standalone, owned (serial) and identity.
    let q = format!(
        "SELECT n.nspname::text, c.relname::text, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmax, s.seqmin, \
         s.seqcache, s.seqcycle, d.deptype::text, d.refobjid, ta.attname::text, ds.description \
         FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0 \
         LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') \
         LEFT JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid \
         WHERE {nsf} AND {}",
        not_ext("pg_class", "c.oid")
    );
    for r in rows(cl, &q)? {
        let r = r?;
        let options = SeqOptions {
            start: opt_i64(&r, 3),
            increment: opt_i64(&r, 4),
            max: opt_i64(&r, 5),
            min: opt_i64(&r, 6),
            cache: opt_i64(&r, 7),
            cycle: r.get(8),
        };
        let dep: Option<String> = r.get(9);
        let owner_oid: Option<u32> = r.get(10);
        let owner_col: Option<String> = r.get(11);
        if dep.as_deref() == Some("i") {
            if let (Some(t), Some(col)) = (owner_oid.and_then(|o| by_oid.get_mut(&o)), owner_col) {
                if let Some(c) = t.columns.iter_mut().find(|c| c.name == col) {
                    if let Some(i) = &mut c.identity {
                        i.options = options;
                        i.sequence = Some(qname(r.get(0), r.get(1)));
                    }
                }
            }
            continue;
        }
        let name = qname(r.get(0), r.get(1));
        let owned_by = match (
            dep.as_deref(),
            owner_oid.and_then(|o| by_oid.get(&o)),
            owner_col,
        ) {
            (Some("a"), Some(t), Some(col)) => Some((t.name.clone(), col)),
            _ => None,
        };
        s.sequences.insert(
            name.clone(),
            Sequence {
                name,
                ty: r.get(2),
                options,
                owned_by,
                comment: r.get(12),
            },
        );
    }

    lap("before constraints");
    super::introspect_keys::constraints(cl, &nsf, version, &mut by_oid, &mut attnames)?;

    lap("before indexes");
    super::introspect_keys::indexes(cl, &nsf, version, &mut by_oid, &attnames)?;

    drop(attnames);
    for t in by_oid.values_mut() {
        t.shrink();
    }
    for (oid, mut v) in views {
        if let Some(t) = by_oid.remove(&oid) {
            v.columns = t.columns.into_iter().map(|c| (c.name, c.ty)).collect();
            v.indexes = t.indexes;
        }
        s.views.insert(v.name.clone(), v);
    }

    lap("before partitions");
    // Partitions do not repeat their parent's columns in models: the parent defines them.
    let wanted: BTreeSet<&QName> = by_oid
        .values()
        .filter_map(|t| t.partition_of.as_ref().map(|p| &p.parent))
        .collect();
    let parents: BTreeMap<QName, Vec<Column>> = by_oid
        .values()
        .filter(|t| wanted.contains(&t.name))
        .map(|t| (t.name.clone(), t.columns.clone()))
        .collect();
    for t in by_oid.values_mut() {
        if let Some(p) = &t.partition_of {
            if let Some(pcols) = parents.get(&p.parent) {
                // A partition's columns all come from its parent (identity stays on the parent);
                // it can only make them NOT NULL.
                t.not_null = t
                    .columns
                    .iter()
                    .filter(|c| {
                        !c.nullable && pcols.iter().any(|pc| pc.name == c.name && pc.nullable)
                    })
                    .map(|c| c.name.clone())
                    .collect();
                let own: Vec<Column> = t
                    .columns
                    .iter()
                    .filter(|c| !pcols.iter().any(|pc| pc.name == c.name))
                    .cloned()
                    .collect();
                t.columns = own;
            }
        }
    }
    for (_, t) in by_oid {
        s.tables.insert(t.name.clone(), *t);
    }

    lap("before functions");
    // Functions and procedures, as their full definition.
    let q = format!(
        "SELECT n.nspname::text, p.proname::text, pg_catalog.oidvectortypes(p.proargtypes), pg_get_functiondef(p.oid) \
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('f', 'p') AND {nsf} AND {}",
        not_ext("pg_proc", "p.oid")
    );
    read_functions(cl, &q, &mut s)?;
    super::introspect_objects::aggregates(cl, &nsf, &mut s)?;
    super::introspect_views::triggers_policies_rules(cl, &nsf, &mut s)?;
    lap("before what");
    super::introspect_objects::unmanaged(cl, &nsf, &mut s)?;
    lap("done");
    Ok(s)
}
