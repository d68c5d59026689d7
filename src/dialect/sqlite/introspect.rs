//! SQLite introspection: `sqlite_schema` joined with the table-valued pragmas, one query per kind;
//! CHECK constraints and generated expressions from each table's SQL through sqlparser.

use std::collections::BTreeMap;

use rusqlite::Connection;
use sqlparser::ast::{ColumnOption, Statement, TableConstraint};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;

use crate::schema::OWN_TABLES;
use crate::schema::*;

fn action(s: &str) -> FkAction {
    FkAction::parse(s).unwrap_or_default()
}

/// `CREATE [UNIQUE] INDEX name ON t (parts) [WHERE pred]` → (parts, predicate).
pub fn parse_index_sql(sql: &str) -> Option<(Vec<String>, Option<String>)> {
    let open = sql.find('(')?;
    let mut depth = 0;
    let mut quote: Option<char> = None;
    let mut close = None;
    let mut parts = vec![];
    let mut start = open + 1;
    for (i, ch) in sql.char_indices().skip_while(|(i, _)| *i < open) {
        if let Some(q) = quote {
            if ch == q {
                quote = None;
            }
            continue;
        }
        match ch {
            '\'' | '"' | '`' => quote = Some(ch),
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    parts.push(sql[start..i].trim().to_string());
                    close = Some(i);
                    break;
                }
            }
            ',' if depth == 1 => {
                parts.push(sql[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    let rest = sql[close? + 1..].trim();
    let pred = rest
        .get(..5)
        .filter(|w| w.eq_ignore_ascii_case("where"))
        .map(|_| rest[5..].trim().to_string());
    Some((parts, pred))
}

/// `[x]`, `` `x` `` and `"x"` name the column x; anything else is an expression.
fn unquote(s: &str) -> String {
    let t = s.trim();
    for (a, b) in [('[', ']'), ('`', '`'), ('"', '"')] {
        if t.len() >= 2 && t.starts_with(a) && t.ends_with(b) && !t[1..t.len() - 1].contains(b) {
            return t[1..t.len() - 1].to_string();
        }
    }
    t.to_string()
}

pub fn introspect(c: &Connection) -> rusqlite::Result<Schema> {
    let mut s = Schema::default();
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let mut st = c.prepare(
        "SELECT m.name, m.sql, l.strict, l.wr FROM sqlite_schema m JOIN pragma_table_list l ON l.name = m.name AND l.schema = 'main' \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )?;
    let mut sqls: BTreeMap<String, String> = BTreeMap::new();
    for r in st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })? {
        let (name, sql, strict, wr) = r?;
        if OWN_TABLES.contains(&name.as_str()) || name.starts_with("_autogen_new_") {
            continue;
        }
        let mut t = Table::new(QName::new(None, &name));
        if strict != 0 {
            t.options.push("strict".into());
        }
        if wr != 0 {
            t.options.push("without rowid".into());
        }
        let sql = sql.unwrap_or_default();
        if sql.to_ascii_uppercase().contains("AUTOINCREMENT") {
            t.options.push("autoincrement".into());
        }
        sqls.insert(name.clone(), sql);
        tables.insert(name, t);
    }
    // Columns and primary keys.
    let mut st = c.prepare(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden FROM sqlite_schema m \
         JOIN pragma_table_xinfo(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid",
    )?;
    let mut pks: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    for r in st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, i64>(6)?,
        ))
    })? {
        let (t, name, ty, notnull, dflt, pk, hidden) = r?;
        let Some(table) = tables.get_mut(&t) else {
            continue;
        };
        let mut col = Column::new(&name, &ty);
        col.nullable = notnull == 0;
        col.default = dflt.map(Expr::new);
        if hidden == 2 || hidden == 3 {
            col.generated = Some(Expr::new(String::new()));
            col.stored = hidden == 3;
        }
        if pk > 0 {
            pks.entry(t.clone()).or_default().push((pk, name.clone()));
        }
        table.columns.push(col);
    }
    for (t, mut cols) in pks {
        cols.sort();
        if let Some(table) = tables.get_mut(&t) {
            table.primary_key = Some(PrimaryKey {
                name: String::new(),
                columns: cols.into_iter().map(|c| c.1).collect(),
                deferrable: Deferrable::No,
            });
        }
    }
    // Foreign keys (grouped by id; columns in seq order).
    let mut st = c.prepare(
        "SELECT m.name, f.id, f.seq, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete FROM sqlite_schema m \
         JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq",
    )?;
    let mut fks: BTreeMap<(String, i64), ForeignKey> = BTreeMap::new();
    for r in st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
        ))
    })? {
        let (t, id, reft, from, to, upd, del) = r?;
        let fk = fks.entry((t, id)).or_insert_with(|| ForeignKey {
            name: String::new(),
            columns: vec![],
            ref_table: QName::new(None, &reft),
            ref_columns: vec![],
            on_delete: action(&del),
            on_update: action(&upd),
            deferrable: Deferrable::No,
            match_full: false,
            not_valid: false,
        });
        fk.columns.push(from);
        if let Some(to) = to {
            fk.ref_columns.push(to);
        }
    }
    // pragma ids count from the last declared FK: reverse them into declaration order.
    for ((t, _), fk) in fks.into_iter().rev() {
        if let Some(table) = tables.get_mut(&t) {
            table.foreign_keys.push(fk);
        }
    }
    // Indexes: CREATE INDEX ones from their SQL, UNIQUE constraints from their autoindex columns.
    let mut st = c.prepare(
        "SELECT m.name, il.name, il.\"unique\", il.origin, (SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = il.name), \
         (SELECT group_concat(ii.name, char(31)) FROM (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno) ii) \
         FROM sqlite_schema m JOIN pragma_index_list(m.name) il WHERE m.type = 'table' ORDER BY m.name, il.seq DESC",
    )?;
    for r in st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
        ))
    })? {
        let (t, name, unique, origin, sql, cols) = r?;
        let Some(table) = tables.get_mut(&t) else {
            continue;
        };
        match origin.as_str() {
            "u" => table.uniques.push(Unique {
                name: String::new(),
                columns: cols
                    .unwrap_or_default()
                    .split('\u{1f}')
                    .map(str::to_string)
                    .collect(),
                nulls_not_distinct: false,
                deferrable: Deferrable::No,
            }),
            "c" => {
                let Some((parts, pred)) = sql.as_deref().and_then(parse_index_sql) else {
                    continue;
                };
                let cols: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
                let parts = parts
                    .iter()
                    .map(|p| {
                        let (expr, collation, _opclass, desc, _) = crate::sql::split_index_part(p);
                        // A column key (any quoting, any case) is written as the column's own name, quoted
                        // when SQL needs it, as the models loader writes it.
                        let bare = unquote(&expr);
                        let text = match cols.iter().find(|c| c.eq_ignore_ascii_case(&bare)) {
                            Some(c) => crate::sql::quote_ident(c),
                            None => bare,
                        };
                        IndexPart {
                            prefix: None,
                            expr: Expr::new(text),
                            collation,
                            opclass: None,
                            desc,
                            nulls_first: None,
                        }
                    })
                    .collect();
                table.indexes.push(Index {
                    name,
                    unique: unique != 0,
                    method: "btree".into(),
                    parts,
                    include: vec![],
                    predicate: pred.map(Expr::new),
                    nulls_not_distinct: false,
                    with: vec![],
                    ..Default::default()
                });
            }
            _ => {}
        }
    }
    // CHECK constraints and generated expressions live only in the table's SQL.
    for (name, sql) in &sqls {
        let Some(table) = tables.get_mut(name) else {
            continue;
        };
        let Ok(stmts) = Parser::parse_sql(&SQLiteDialect {}, sql) else {
            // A type sqlparser does not know (`BLOB SUB_TYPE TEXT`): the checks and generated
            // expressions are still read, by scanning the text.
            for expr in super::scan::checks(sql) {
                table.checks.push(Check {
                    name: String::new(),
                    expr: Expr::new(expr),
                    no_inherit: false,
                    not_valid: false,
                });
            }
            for (col, expr) in super::scan::generated(sql) {
                if let Some(c) = table
                    .columns
                    .iter_mut()
                    .find(|c| c.name.eq_ignore_ascii_case(&col))
                {
                    c.generated = Some(Expr::new(expr));
                }
            }
            continue;
        };
        if let Some(Statement::CreateTable(ct)) = stmts.into_iter().next() {
            for col in &ct.columns {
                for o in &col.options {
                    match &o.option {
                        ColumnOption::Check(chk) => table.checks.push(Check {
                            name: String::new(),
                            expr: Expr::new(chk.expr.to_string()),
                            no_inherit: false,
                            not_valid: false,
                        }),
                        ColumnOption::Generated {
                            generation_expr: Some(e),
                            ..
                        } => {
                            if let Some(c) =
                                table.columns.iter_mut().find(|c| c.name == col.name.value)
                            {
                                c.generated = Some(Expr::new(e.to_string()));
                            }
                        }
                        ColumnOption::Collation(n) => {
                            if let Some(c) =
                                table.columns.iter_mut().find(|c| c.name == col.name.value)
                            {
                                c.collation = Some(unquote(&n.to_string()));
                            }
                        }
                        _ => {}
                    }
                }
            }
            for tc in &ct.constraints {
                if let TableConstraint::Check(chk) = tc {
                    table.checks.push(Check {
                        name: String::new(),
                        expr: Expr::new(chk.expr.to_string()),
                        no_inherit: false,
                        not_valid: false,
                    });
                }
            }
        }
    }
    let mut st = c.prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE type IN ('view', 'trigger') AND sql IS NOT NULL ORDER BY name",
    )?;
    for r in st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })? {
        let (kind, name, table, sql) = r?;
        if kind == "view" {
            let body =
                crate::sql::without_trailing_comments(crate::sql::view_body(&sql).unwrap_or(&sql));
            let mut v = View::new(QName::new(None, &name), body.trim());
            v.names = crate::sql::view_columns(&sql);
            s.views.insert(v.name.clone(), v);
        } else {
            let table = tables
                .get(&table)
                .map(|t| t.name.clone())
                .unwrap_or_else(|| QName::new(None, &table));
            s.triggers.insert(
                (table.clone(), name.clone()),
                Trigger {
                    name,
                    table,
                    sql: Expr::new(sql.trim().trim_end_matches(';').trim_end()),
                },
            );
        }
    }
    for (_, t) in tables {
        s.tables.insert(t.name.clone(), t);
    }
    Ok(s)
}
