//! PostgreSQL introspection of the objects beside tables that autogen manages since they were found
//! missing on databases made by hand: collations, text search dictionaries and configurations, and
//! ordinary aggregates; and the list of what autogen does not manage. Bulk queries, one per kind, as in
//! `introspect`.

use std::collections::BTreeMap;

use super::introspect::{err, not_ext, qname, read_functions};
use crate::dialect::conn::DbError;
use crate::schema::*;

pub(super) fn collations_and_text_search(
    cl: &mut postgres::Client,
    nsf: &str,
    version: i32,
    s: &mut Schema,
) -> Result<(), DbError> {
    let icu = if version >= 170000 {
        "c.colllocale"
    } else if version >= 150000 {
        "c.colliculocale"
    } else {
        "NULL::text"
    };
    let q = format!(
        "SELECT n.nspname::text, c.collname::text, c.collprovider::text, c.collcollate, c.collctype, {icu}, c.collisdeterministic \
         FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace WHERE {nsf} AND {}",
        not_ext("pg_collation", "c.oid")
    );
    for r in cl.query(&q, &[]).map_err(err)? {
        let name = qname(r.get(0), r.get(1));
        let provider = match r.get::<_, String>(2).as_str() {
            "i" => "icu",
            "b" => "builtin",
            _ => "libc",
        };
        s.collations.insert(
            name.clone(),
            Collation {
                name,
                provider: provider.into(),
                locale: r.get(5),
                lc_collate: r.get(3),
                lc_ctype: r.get(4),
                deterministic: r.get(6),
            },
        );
    }

    let obj = |n: &str, name: &str| {
        format!(
            "CASE WHEN {n}.nspname = 'pg_catalog' THEN '' ELSE {n}.nspname || '.' END || {name}"
        )
    };
    let q = format!(
        "SELECT n.nspname::text, td.dictname::text, {}, td.dictinitoption \
         FROM pg_ts_dict td JOIN pg_namespace n ON n.oid = td.dictnamespace \
         JOIN pg_ts_template t ON t.oid = td.dicttemplate JOIN pg_namespace tn ON tn.oid = t.tmplnamespace \
         WHERE {nsf} AND {}",
        obj("tn", "t.tmplname::text"),
        not_ext("pg_ts_dict", "td.oid")
    );
    for r in cl.query(&q, &[]).map_err(err)? {
        let name = qname(r.get(0), r.get(1));
        let options = r
            .get::<_, Option<String>>(3)
            .map(|o| crate::sql::option_list(&o).unwrap_or_else(|_| vec![o]))
            .unwrap_or_default();
        s.ts_dictionaries.insert(
            name.clone(),
            TsDictionary {
                name,
                template: r.get(2),
                options,
            },
        );
    }
    let q = format!(
        "SELECT c.oid, n.nspname::text, c.cfgname::text, {}, \
         coalesce((SELECT array_agg(tt.alias || '=' || (SELECT string_agg({}, ',' ORDER BY m2.mapseqno) \
             FROM pg_ts_config_map m2 JOIN pg_ts_dict md ON md.oid = m2.mapdict JOIN pg_namespace dn ON dn.oid = md.dictnamespace \
             WHERE m2.mapcfg = c.oid AND m2.maptokentype = tt.tokid) ORDER BY tt.alias) \
           FROM ts_token_type(c.cfgparser) tt WHERE EXISTS (SELECT 1 FROM pg_ts_config_map m WHERE m.mapcfg = c.oid AND m.maptokentype = tt.tokid)), '{{}}') \
         FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace \
         JOIN pg_ts_parser p ON p.oid = c.cfgparser JOIN pg_namespace pn ON pn.oid = p.prsnamespace \
         WHERE {nsf} AND {}",
        obj("pn", "p.prsname::text"),
        obj("dn", "md.dictname::text"),
        not_ext("pg_ts_config", "c.oid")
    );
    for r in cl.query(&q, &[]).map_err(err)? {
        let name = qname(r.get(1), r.get(2));
        let mut mappings = BTreeMap::new();
        for m in r.get::<_, Vec<String>>(4) {
            if let Some((t, d)) = m.split_once('=') {
                mappings.insert(t.to_string(), d.split(',').map(str::to_string).collect());
            }
        }
        s.ts_configurations.insert(
            name.clone(),
            TsConfiguration {
                name,
                parser: r.get(3),
                mappings,
            },
        );
    }

    Ok(())
}

/// Ordinary aggregates (not ordered-set, no moving-aggregate or sort operator), into `s.functions`.
pub(super) fn aggregates(
    cl: &mut postgres::Client,
    nsf: &str,
    s: &mut Schema,
) -> Result<(), DbError> {
    // Ordinary aggregates, as the `CREATE AGGREGATE` that makes them (there is no pg_get_… for them).
    let q = format!(
        "SELECT n.nspname::text, p.proname::text, pg_catalog.oidvectortypes(p.proargtypes), \
         'CREATE AGGREGATE ' || quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ') (SFUNC = ' || a.aggtransfn::regproc::text \
         || ', STYPE = ' || format_type(a.aggtranstype, NULL) \
         || CASE WHEN a.aggfinalfn <> 0 THEN ', FINALFUNC = ' || a.aggfinalfn::regproc::text ELSE '' END \
         || CASE WHEN a.aggcombinefn <> 0 THEN ', COMBINEFUNC = ' || a.aggcombinefn::regproc::text ELSE '' END \
         || CASE WHEN a.agginitval IS NOT NULL THEN ', INITCOND = ' || quote_literal(a.agginitval) ELSE '' END || ')' \
         FROM pg_proc p JOIN pg_aggregate a ON a.aggfnoid = p.oid JOIN pg_namespace n ON n.oid = p.pronamespace \
         WHERE p.prokind = 'a' AND a.aggkind = 'n' AND a.aggmtransfn = 0 AND a.aggsortop = 0 AND {nsf} AND {}",
        not_ext("pg_proc", "p.oid")
    );
    read_functions(cl, &q, s)?;

    Ok(())
}

/// What autogen does not manage, one line each: listed to the user, never dropped.
pub(super) fn unmanaged(
    cl: &mut postgres::Client,
    nsf: &str,
    s: &mut Schema,
) -> Result<(), DbError> {
    // What autogen does not manage: listed, never dropped.
    let q = format!(
        "SELECT x.what || n.nspname || '.' || c.relname \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN LATERAL (VALUES \
           (CASE c.relkind WHEN 'f' THEN 'foreign table ' END), \
           (CASE WHEN c.relkind IN ('r', 'p') AND c.relpersistence = 'u' THEN 'UNLOGGED of table ' END), \
           (CASE WHEN c.relkind IN ('r', 'p') AND c.reloptions IS NOT NULL THEN 'storage parameters of table ' END)) x(what) \
         WHERE x.what IS NOT NULL AND c.relkind IN ('f', 'r', 'p') AND {nsf} AND {} \
         AND c.relname NOT IN ('autogen_version', 'autogen_history', 'autogen_progress') \
         UNION ALL SELECT CASE p.prokind WHEN 'a' THEN 'aggregate ' ELSE 'window function ' END || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' \
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('a', 'w') AND {nsf} AND {} \
         AND NOT EXISTS (SELECT 1 FROM pg_aggregate a WHERE a.aggfnoid = p.oid AND a.aggkind = 'n' AND a.aggmtransfn = 0 AND a.aggsortop = 0) \
         UNION ALL SELECT 'operator ' || n.nspname || '.' || o.oprname || '(' || format_type(o.oprleft, NULL) || ', ' || format_type(o.oprright, NULL) || ')' \
         FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace WHERE {nsf} AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_operator'::regclass AND d.objid = o.oid AND d.deptype = 'e') \
         UNION ALL SELECT 'event trigger ' || et.evtname FROM pg_event_trigger et \
         WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_event_trigger'::regclass AND d.objid = et.oid AND d.deptype = 'e') \
         UNION ALL SELECT 'publication ' || pb.pubname FROM pg_publication pb \
         UNION ALL SELECT CASE t.typtype WHEN 'c' THEN 'composite type ' WHEN 'r' THEN 'range type ' WHEN 'm' THEN 'multirange type ' ELSE 'base type ' END || n.nspname || '.' || t.typname \
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE {nsf} AND t.typelem = 0 \
         AND (t.typtype IN ('b', 'r') OR (t.typtype = 'c' AND t.typrelid IN (SELECT tc.oid FROM pg_class tc WHERE tc.relkind = 'c'))) \
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e') \
         UNION ALL SELECT 'statistics object ' || n.nspname || '.' || st.stxname \
         FROM pg_statistic_ext st JOIN pg_namespace n ON n.oid = st.stxnamespace WHERE {nsf}",
        not_ext("pg_class", "c.oid"),
        not_ext("pg_proc", "p.oid")
    );
    for r in cl.query(&q, &[]).map_err(err)? {
        s.unmanaged.push(r.get(0));
    }
    Ok(())
}
