//! The server's own form of model expressions whose key differs from the live one. PostgreSQL
//! rewrites what it stores (casts added after a type change, `IN` lists as `= ANY (ARRAY[…])`,
//! interval and numeric literals), so before such a difference is reported the models' version is
//! created in a transaction that is rolled back, read back with the same catalog queries as the live
//! schema, and compared again. Only mismatches are asked about, in one batch; empty tables and domains
//! hold the objects, so no expression is ever evaluated.

use super::conn::PgConn;
use super::ddl::{column_def, index_sql};
use super::render::{q, qn};
use crate::dialect::conn::{Connection, DbError};
use crate::dialect::Dialect;
use crate::schema::{Column, Domain, Index, QName, Schema, Table};
use crate::sql::strip_outer_parens;

/// One model object whose key differs from the live object of the same name.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Default(String),
    Generated(String),
    Check(String),
    Other(String),
    Index(String),
}

/// What differs in one table (or domain) present on both sides.
fn table_items(m: &Table, l: &Table) -> Vec<Item> {
    let mut v = vec![];
    for mc in &m.columns {
        let Some(lc) = l.column(&mc.name) else {
            continue;
        };
        if let (Some(a), Some(b)) = (&mc.default, &lc.default) {
            if a != b {
                v.push(Item::Default(mc.name.clone()));
            }
        }
        if let (Some(a), Some(b)) = (&mc.generated, &lc.generated) {
            if a != b {
                v.push(Item::Generated(mc.name.clone()));
            }
        }
    }
    for c in &m.checks {
        if let Some(lc) = l.checks.iter().find(|x| x.name == c.name) {
            if lc.expr != c.expr {
                v.push(Item::Check(c.name.clone()));
            }
        }
    }
    for o in &m.others {
        if let Some(lo) = l.others.iter().find(|x| x.name == o.name) {
            if lo.definition != o.definition {
                v.push(Item::Other(o.name.clone()));
            }
        }
    }
    for i in &m.indexes {
        if let Some(li) = l.indexes.iter().find(|x| x.name == i.name) {
            if li != i {
                v.push(Item::Index(i.name.clone()));
            }
        }
    }
    v
}

fn domain_differs(m: &Domain, l: &Domain) -> bool {
    (m.default.is_some() && l.default.is_some() && m.default != l.default)
        || m.checks.iter().any(|c| {
            l.checks
                .iter()
                .any(|x| x.name == c.name && x.expr != c.expr)
        })
}

/// Runs `sql` inside a savepoint: `false` (and the transaction still usable) when it fails.
fn attempt(c: &mut PgConn, sql: &str) -> bool {
    if c.execute("SAVEPOINT autogen_ask").is_err() {
        return false;
    }
    match c.execute(sql) {
        Ok(()) => c.execute("RELEASE SAVEPOINT autogen_ask").is_ok(),
        Err(_) => {
            let _ = c.execute("ROLLBACK TO SAVEPOINT autogen_ask");
            false
        }
    }
}

/// A column with its type (and collation) only.
fn bare(c: &Column) -> Column {
    let mut b = Column::new(&c.name, &c.ty);
    b.collation = c.collation.clone();
    b
}

/// Gives model expressions the live key where the server stores the models' version exactly as the
/// live one. Leaves everything as it is when nothing differs or the server cannot be asked.
pub fn align(c: &mut PgConn, models: &mut Schema, live: &Schema) -> Result<(), DbError> {
    let tables: Vec<(QName, Vec<Item>)> = models
        .tables
        .iter()
        .filter_map(|(n, m)| {
            let l = live.tables.get(n)?;
            let items = table_items(m, l);
            (!items.is_empty()).then(|| (n.clone(), items))
        })
        .collect();
    let domains: Vec<QName> = models
        .domains
        .iter()
        .filter(|(n, m)| live.domains.get(*n).is_some_and(|l| domain_differs(m, l)))
        .map(|(n, _)| n.clone())
        .collect();
    let functions: Vec<String> = models
        .functions
        .iter()
        .filter(|(sig, m)| live.functions.get(*sig).is_some_and(|l| l.sql != m.sql))
        .map(|(sig, _)| sig.clone())
        .collect();
    if tables.is_empty() && domains.is_empty() && functions.is_empty() {
        return Ok(());
    }
    let t0 = std::time::Instant::now();
    c.execute("BEGIN")?;
    let result = ask(c, models, &tables, &domains, &functions);
    c.execute("ROLLBACK")?;
    if std::env::var_os("AUTOGEN_TRACE").is_some() {
        eprintln!(
            "ask: {} table(s), {} domain(s), {} function(s) asked in {:?}",
            tables.len(),
            domains.len(),
            functions.len(),
            t0.elapsed()
        );
    }
    let asked = match result {
        Ok(s) => s,
        // Not allowed to create a schema (or another failure of the scratch objects): the keys stay.
        Err(_) => return Ok(()),
    };
    for (k, (name, items)) in tables.iter().enumerate() {
        let Some(s) = asked.tables.get(&scratch_name(&asked, &format!("t{k}"))) else {
            continue;
        };
        let l = &live.tables[name];
        let m = models
            .tables
            .get_mut(name)
            .expect("asked about a models table");
        for it in items {
            match it {
                Item::Default(col) | Item::Generated(col) => {
                    let gen = matches!(it, Item::Generated(_));
                    let pick = |c: &Column| {
                        if gen {
                            c.generated.clone()
                        } else {
                            c.default.clone()
                        }
                    };
                    let (Some(server), Some(lv)) =
                        (s.column(col).and_then(pick), l.column(col).and_then(pick))
                    else {
                        continue;
                    };
                    if server == lv {
                        if let Some(mc) = m.columns.iter_mut().find(|x| &x.name == col) {
                            let e = if gen {
                                &mut mc.generated
                            } else {
                                &mut mc.default
                            };
                            if let Some(e) = e {
                                e.key = lv.key.clone();
                            }
                        }
                    }
                }
                Item::Check(n) => {
                    let server = s.checks.iter().find(|x| &x.name == n);
                    let lv = l.checks.iter().find(|x| &x.name == n);
                    if let (Some(server), Some(lv)) = (server, lv) {
                        if server.expr == lv.expr {
                            if let Some(mc) = m.checks.iter_mut().find(|x| &x.name == n) {
                                mc.expr.key = lv.expr.key.clone();
                            }
                        }
                    }
                }
                Item::Other(n) => {
                    let server = s.others.iter().find(|x| &x.name == n);
                    let lv = l.others.iter().find(|x| &x.name == n);
                    if let (Some(server), Some(lv)) = (server, lv) {
                        if server.definition == lv.definition {
                            if let Some(mo) = m.others.iter_mut().find(|x| &x.name == n) {
                                mo.definition.key = lv.definition.key.clone();
                            }
                        }
                    }
                }
                Item::Index(n) => {
                    let server = s.indexes.iter().find(|x| x.name == index_name(k, n, items));
                    let lv = l.indexes.iter().find(|x| &x.name == n);
                    if let (Some(server), Some(lv)) = (server, lv) {
                        let mut server = server.clone();
                        server.name = lv.name.clone();
                        if &server == lv {
                            if let Some(mi) = m.indexes.iter_mut().find(|x| &x.name == n) {
                                *mi = lv.clone();
                            }
                        }
                    }
                }
            }
        }
    }
    let scratch = asked.namespaces.first().cloned().unwrap_or_default();
    for sig in &functions {
        let m = models
            .functions
            .get_mut(sig)
            .expect("asked about a models function");
        let l = &live.functions[sig];
        let Some(s) = asked.functions.values().find(|f| {
            f.name.name == m.name.name
                && f.args == l.args
                && f.name.schema.as_deref() == Some(scratch.as_str())
        }) else {
            continue;
        };
        let schema = m.name.schema.clone().unwrap_or_else(|| "public".into());
        let text = s
            .sql
            .sql
            .replacen(&format!("{}.", q(&scratch)), &format!("{}.", q(&schema)), 1)
            .replacen(
                &format!("{scratch}."),
                &format!("{}.", crate::sql::quote_ident(&schema)),
                1,
            );
        if crate::dialect::canonical::function_key(&text) == l.sql.key {
            m.sql.key = l.sql.key.clone();
        }
    }
    for (k, name) in domains.iter().enumerate() {
        let Some(s) = asked.domains.get(&scratch_name(&asked, &format!("d{k}"))) else {
            continue;
        };
        let l = &live.domains[name];
        let m = models
            .domains
            .get_mut(name)
            .expect("asked about a models domain");
        if let (Some(md), Some(sd), Some(ld)) = (&mut m.default, &s.default, &l.default) {
            if sd == ld {
                md.key = ld.key.clone();
            }
        }
        for mc in &mut m.checks {
            let server = s.checks.iter().find(|x| x.name == mc.name);
            let lv = l.checks.iter().find(|x| x.name == mc.name);
            if let (Some(server), Some(lv)) = (server, lv) {
                if server.expr == lv.expr {
                    mc.expr.key = lv.expr.key.clone();
                }
            }
        }
    }
    Ok(())
}

/// A `CREATE FUNCTION`/`PROCEDURE` text with the routine's name moved into `schema`.
fn in_schema(sql: &str, schema: &str) -> Option<String> {
    let lower = sql.to_ascii_lowercase();
    let kw = ["function", "procedure", "aggregate"]
        .iter()
        .filter_map(|k| {
            lower
                .match_indices(k)
                .find(|(p, _)| {
                    let before = lower[..*p].chars().next_back();
                    let after = lower[p + k.len()..].chars().next();
                    before.is_some_and(char::is_whitespace)
                        && after.is_some_and(char::is_whitespace)
                })
                .map(|(p, _)| p + k.len())
        })
        .min()?;
    let open = kw + sql[kw..].find('(')?;
    let name = sql[kw..open].trim();
    // The last dot outside quotes separates the schema.
    let mut in_q = false;
    let mut dot = None;
    for (i, ch) in name.char_indices() {
        match ch {
            '"' => in_q = !in_q,
            '.' if !in_q => dot = Some(i),
            _ => {}
        }
    }
    let bare = dot.map_or(name, |d| &name[d + 1..]).trim();
    Some(format!(
        "{} {}.{}{}",
        &sql[..kw],
        q(schema),
        bare,
        &sql[open..]
    ))
}

/// The scratch name of the `name` index of the `k`th table asked about.
fn index_name(k: usize, name: &str, items: &[Item]) -> String {
    let pos = items
        .iter()
        .position(|x| matches!(x, Item::Index(i) if i == name))
        .unwrap_or(0);
    format!("t{k}_i{pos}")
}

/// The scratch schema's name for an object, as the asked schema keys it.
fn scratch_name(asked: &Schema, name: &str) -> QName {
    QName {
        schema: asked.namespaces.first().cloned(),
        name: name.to_string(),
    }
}

/// Creates the models' version of every differing object in a scratch schema (inside the caller's
/// transaction) and introspects it.
fn ask(
    c: &mut PgConn,
    models: &Schema,
    tables: &[(QName, Vec<Item>)],
    domains: &[QName],
    functions: &[String],
) -> Result<Schema, DbError> {
    let pid = c.query("SELECT pg_backend_pid()")?;
    let scratch = format!(
        "autogen_ask_{}",
        pid.first().and_then(|r| r[0].clone()).unwrap_or_default()
    );
    c.execute(&format!("CREATE SCHEMA {}", q(&scratch)))?;
    for (k, (name, items)) in tables.iter().enumerate() {
        let m = &models.tables[name];
        let t = QName::new(Some(&scratch), &format!("t{k}"));
        let generated: Vec<&String> = items
            .iter()
            .filter_map(|i| match i {
                Item::Generated(c) => Some(c),
                _ => None,
            })
            .collect();
        let cols: Vec<String> = m
            .columns
            .iter()
            .filter(|c| !generated.contains(&&c.name))
            .map(|c| column_def(&bare(c)))
            .collect();
        if !attempt(c, &format!("CREATE TABLE {} ({})", qn(&t), cols.join(", "))) {
            continue;
        }
        for it in items {
            let sql = match it {
                Item::Default(col) => {
                    let e = m
                        .column(col)
                        .and_then(|c| c.default.as_ref())
                        .expect("default");
                    format!(
                        "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}",
                        qn(&t),
                        q(col),
                        e.sql
                    )
                }
                Item::Generated(col) => {
                    let mc = m.column(col).expect("column");
                    let mut g = bare(mc);
                    g.generated = mc.generated.clone();
                    format!("ALTER TABLE {} ADD COLUMN {}", qn(&t), column_def(&g))
                }
                Item::Check(n) => {
                    let ch = m.checks.iter().find(|x| &x.name == n).expect("check");
                    format!(
                        "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({})",
                        qn(&t),
                        q(n),
                        strip_outer_parens(&ch.expr.sql)
                    )
                }
                Item::Other(n) => {
                    let o = m.others.iter().find(|x| &x.name == n).expect("constraint");
                    format!(
                        "ALTER TABLE {} ADD CONSTRAINT {} {}",
                        qn(&t),
                        q(n),
                        o.definition.sql
                    )
                }
                Item::Index(n) => {
                    let i = m.indexes.iter().find(|x| &x.name == n).expect("index");
                    let i = Index {
                        name: index_name(k, n, items),
                        ..i.clone()
                    };
                    index_sql(&t, &i)
                }
            };
            attempt(c, &sql);
        }
    }
    for (k, name) in domains.iter().enumerate() {
        let d = &models.domains[name];
        let dn = QName::new(Some(&scratch), &format!("d{k}"));
        if !attempt(c, &format!("CREATE DOMAIN {} AS {}", qn(&dn), d.ty)) {
            continue;
        }
        if let Some(e) = &d.default {
            attempt(
                c,
                &format!("ALTER DOMAIN {} SET DEFAULT {}", qn(&dn), e.sql),
            );
        }
        for ch in &d.checks {
            attempt(
                c,
                &format!(
                    "ALTER DOMAIN {} ADD CONSTRAINT {} CHECK ({})",
                    qn(&dn),
                    q(&ch.name),
                    strip_outer_parens(&ch.expr.sql)
                ),
            );
        }
    }
    if !functions.is_empty() {
        c.execute("SET LOCAL check_function_bodies = false")?;
    }
    for sig in functions {
        if let Some(sql) = in_schema(&models.functions[sig].sql.sql, &scratch) {
            attempt(c, &sql);
        }
    }
    let mut s = super::introspect::introspect(c, std::slice::from_ref(&scratch))?;
    super::Postgres.canonicalize(&mut s);
    s.namespaces = vec![scratch];
    Ok(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn routines_move_into_the_scratch_schema() {
        assert_eq!(
            super::in_schema(
                "CREATE FUNCTION app.f(a int) RETURNS int AS $$ SELECT 1 $$",
                "x"
            )
            .unwrap(),
            "CREATE FUNCTION \"x\".f(a int) RETURNS int AS $$ SELECT 1 $$"
        );
        assert_eq!(
            super::in_schema(
                "create or replace procedure \"A.b\"(a int) language sql as $$ select 1 $$",
                "x"
            )
            .unwrap(),
            "create or replace procedure \"x\".\"A.b\"(a int) language sql as $$ select 1 $$"
        );
    }
}
