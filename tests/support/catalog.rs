//! Catalog snapshots: everything the correctness contract compares, as sorted lines of text.

/// Tables, columns, constraints, indexes (as `pg_get_indexdef` prints them), views (`pg_get_viewdef`),
/// materialized views and their indexes, triggers (`pg_get_triggerdef`), policies, rules, RLS flags, enums, domains,
/// sequences, functions, comments and extensions of the non-system schemas, autogen's own tables excluded.
pub fn pg_catalog(c: &mut postgres::Client) -> String {
    const NS: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_temp%' AND n.nspname NOT LIKE 'pg\\_toast%'";
    const OWN: &str = "c.relname NOT IN ('autogen_version', 'autogen_history', 'autogen_progress')";
    let queries = [
        format!("SELECT 'table ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' ' || coalesce(pg_get_partkeydef(c.oid), '') || ' ' || coalesce(pg_get_expr(c.relpartbound, c.oid), '') || ' comment=' || coalesce(obj_description(c.oid, 'pg_class'), '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND {NS} AND {OWN}"),
        format!("SELECT 'column ' || n.nspname || '.' || c.relname || ' #' || row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum) || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') || ' identity=' || a.attidentity::text || ' generated=' || a.attgenerated::text || ' collation=' || coalesce((SELECT cn.nspname || '.' || co.collname FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation), '') || ' comment=' || coalesce(col_description(c.oid, a.attnum), '') FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND {NS} AND {OWN}"),
        format!("SELECT 'constraint ' || n.nspname || '.' || c.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid) FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {NS} AND {OWN}"),
        format!("SELECT 'index ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND {NS} AND {OWN}"),
        format!("SELECT 'enum ' || n.nspname || '.' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE {NS} GROUP BY n.nspname, t.typname"),
        format!("SELECT 'domain ' || n.nspname || '.' || t.typname || ' ' || format_type(t.typbasetype, t.typtypmod) || ' notnull=' || t.typnotnull || ' default=' || coalesce(t.typdefault, '') || ' ' || coalesce((SELECT string_agg(con.conname || ' ' || pg_get_constraintdef(con.oid), '; ' ORDER BY con.conname) FROM pg_constraint con WHERE con.contypid = t.oid), '') FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'd' AND {NS}"),
        format!("SELECT 'sequence ' || n.nspname || '.' || c.relname || ' ' || format_type(s.seqtypid, NULL) || ' ' || s.seqstart || ' ' || s.seqincrement || ' ' || s.seqmin || ' ' || s.seqmax || ' ' || s.seqcache || ' ' || s.seqcycle || ' owner=' || coalesce((SELECT d.deptype::text || ':' || tc.relname || '.' || ta.attname FROM pg_depend d JOIN pg_class tc ON tc.oid = d.refobjid JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')), '') FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {NS}"),
        format!("SELECT 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' || md5(pg_get_functiondef(p.oid)) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('f', 'p') AND {NS} AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"),
        "SELECT 'extension ' || extname FROM pg_extension WHERE extname <> 'plpgsql'".to_string(),
        format!("SELECT 'collation ' || n.nspname || '.' || c.collname || ' ' || (to_jsonb(c) - 'oid' - 'collnamespace' - 'collowner' - 'collversion' - 'collname')::text FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace WHERE {NS}"),
        format!("SELECT 'schema ' || n.nspname FROM pg_namespace n WHERE {NS} AND n.nspname <> 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = n.oid AND d.deptype = 'e')"),
        format!("SELECT 'view ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' ' || pg_get_viewdef(c.oid) || ' options=' || coalesce(c.reloptions::text, '') || ' populated=' || c.relispopulated || ' comment=' || coalesce(obj_description(c.oid, 'pg_class'), '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND {NS}"),
        format!("SELECT 'viewcolumn ' || n.nspname || '.' || c.relname || ' ' || a.attnum || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.attnum > 0 AND c.relkind IN ('v', 'm') AND {NS}"),
        format!("SELECT 'mvindex ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'm' AND {NS}"),
        format!("SELECT 'trigger ' || pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND {NS}"),
        format!("SELECT 'policy ' || n.nspname || '.' || c.relname || ' ' || p.polname || ' ' || p.polcmd::text || ' ' || p.polpermissive || ' ' || p.polroles::regrole[]::text || ' ' || coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ' ' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '') FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {NS}"),
        format!("SELECT 'rule ' || pg_get_ruledef(r.oid) FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace WHERE r.rulename <> '_RETURN' AND {NS}"),
        format!("SELECT 'rls ' || n.nspname || '.' || c.relname || ' ' || c.relrowsecurity || ' ' || c.relforcerowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND (c.relrowsecurity OR c.relforcerowsecurity) AND {NS}"),
    ];
    let mut lines: Vec<String> = vec![];
    for q in queries {
        for r in c
            .query(q.as_str(), &[])
            .unwrap_or_else(|e| panic!("{e:?}\n{q}"))
        {
            lines.push(r.get::<_, Option<String>>(0).unwrap_or_default());
        }
    }
    lines.sort();
    lines.join("\n")
}

/// Tables, columns, indexes, foreign keys and table SQL of a SQLite file, through its pragmas; views
/// (by query) and triggers.
pub fn sqlite_catalog(path: &std::path::Path) -> String {
    let c = rusqlite::Connection::open(path).unwrap();
    let mut lines = vec![];
    let qs = [
        "SELECT 'column ' || m.name || ' ' || p.cid || ' ' || p.name || ' ' || p.type || ' ' || p.\"notnull\" || ' ' || coalesce(p.dflt_value, '') || ' ' || p.pk || ' ' || p.hidden FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'autogen_%' AND m.name NOT LIKE 'sqlite_%'",
        "SELECT 'fk ' || m.name || ' ' || f.id || ' ' || f.seq || ' ' || f.\"table\" || ' ' || f.\"from\" || ' ' || coalesce(f.\"to\", '') || ' ' || f.on_update || ' ' || f.on_delete FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
        "SELECT 'index ' || m.name || ' ' || il.name || ' ' || il.\"unique\" || ' ' || il.origin || ' ' || il.partial FROM sqlite_schema m JOIN pragma_index_list(m.name) il WHERE m.type = 'table' AND m.name NOT LIKE 'autogen_%'",
        "SELECT 'indexcol ' || m.name || ' ' || il.name || ' ' || x.seqno || ' ' || x.cid || ' ' || coalesce(x.name, '') || ' ' || x.\"desc\" || ' ' || coalesce(x.coll, '') || ' ' || x.key FROM sqlite_schema m JOIN pragma_index_list(m.name) il JOIN pragma_index_xinfo(il.name) x WHERE m.type = 'table' AND m.name NOT LIKE 'autogen_%'",
        "SELECT 'table ' || name || ' ' || strict || ' ' || wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'autogen_%' AND name NOT LIKE 'sqlite_%'",
        "SELECT type || ' ' || name || ' ' || tbl_name || ' ' || sql FROM sqlite_schema WHERE type = 'trigger'",
    ];
    // Views by name and query: SQLite keeps the statement as written, and the head of it
    // (`CREATE VIEW [x]` or `"x"`) says nothing more.
    let mut st = c
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'view'")
        .unwrap();
    let views = st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap();
    for v in views {
        let (name, sql) = v.unwrap();
        // A comment after the query is not kept by `inspect` (it would swallow what follows).
        let body =
            autogen::sql::without_trailing_comments(autogen::sql::view_body(&sql).unwrap_or(&sql))
                .to_string();
        let mut st = c
            .prepare("SELECT group_concat(name, ',') FROM pragma_table_info(?1)")
            .unwrap();
        let cols: String = st.query_row([&name], |r| r.get(0)).unwrap();
        lines.push(format!("view {name} ({cols}) {body}"));
    }
    for q in qs {
        let mut st = c.prepare(q).unwrap();
        let rows = st.query_map([], |r| r.get::<_, String>(0)).unwrap();
        for r in rows {
            lines.push(r.unwrap());
        }
    }
    lines.sort();
    lines.join("\n")
}

/// The information_schema picture of one MySQL/MariaDB database: tables with their options, columns
/// (COLUMN_TYPE, default, extra, collation), indexes from STATISTICS, constraints, foreign keys with
/// their rules, checks and partitions; autogen's own tables excluded.
pub fn my_catalog(c: &mut mysql::Conn) -> String {
    use mysql::prelude::Queryable;
    const OWN: &str = "NOT IN ('autogen_version', 'autogen_history', 'autogen_progress')";
    let queries = [
        format!("SELECT CONCAT_WS(' ', 'table', TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION, REPLACE(REPLACE(CREATE_OPTIONS, 'pack_keys=0', ''), 'stats_persistent=1', ''), 'comment=', TABLE_COMMENT) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME {OWN}"),
        format!("SELECT CONCAT_WS(' ', 'column', c.TABLE_NAME, CONCAT('#', c.ORDINAL_POSITION), c.COLUMN_NAME, c.COLUMN_TYPE, c.IS_NULLABLE, CONCAT('default=', COALESCE(c.COLUMN_DEFAULT, '<none>')), CONCAT('extra=', c.EXTRA), CONCAT('gen=', c.GENERATION_EXPRESSION), COALESCE(c.CHARACTER_SET_NAME, '-'), COALESCE(c.COLLATION_NAME, '-'), CONCAT('comment=', c.COLUMN_COMMENT)) FROM information_schema.COLUMNS c JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE' WHERE c.TABLE_SCHEMA = DATABASE() AND c.TABLE_NAME {OWN}"),
        format!("SELECT CONCAT_WS(' ', 'index', TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, COALESCE(SUB_PART, '-'), COALESCE(COLLATION, '-'), INDEX_TYPE, CONCAT('comment=', INDEX_COMMENT), CONCAT('ignored=', IGNORED)) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME {OWN}"),
        format!("SELECT CONCAT_WS(' ', 'constraint', TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE) FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME {OWN}"),
        "SELECT CONCAT_WS(' ', 'fk', k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE) FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME WHERE k.TABLE_SCHEMA = DATABASE()".to_string(),
        "SELECT CONCAT_WS(' ', 'check', TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE) FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()".to_string(),
        "SELECT CONCAT_WS(' ', 'partition', TABLE_NAME, PARTITION_NAME, PARTITION_METHOD, PARTITION_EXPRESSION, COALESCE(PARTITION_DESCRIPTION, '-'), COALESCE(SUBPARTITION_NAME, '-')) FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = DATABASE() AND PARTITION_NAME IS NOT NULL".to_string(),
    ];
    let mut lines: Vec<String> = vec![];
    for q in queries {
        let rows: Vec<Option<String>> = c.query(&q).unwrap_or_else(|e| panic!("{e:?}\n{q}"));
        lines.extend(rows.into_iter().map(Option::unwrap_or_default));
    }
    lines.sort();
    lines.join("\n")
}
