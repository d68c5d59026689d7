//! The server's own form of the views, triggers, policies and rules of the models whose key differs
//! from the live object's (see `ask`): each is created in a scratch schema inside a transaction that is
//! rolled back — views over the live tables (materialized ones `WITH NO DATA`), triggers, policies and
//! rules on empty copies of their tables — and read back with `pg_get_viewdef`, `pg_get_triggerdef`,
//! `pg_get_expr` and `pg_get_ruledef`. Nothing is evaluated. A view asked about also learns its
//! columns, which decide whether `CREATE OR REPLACE VIEW` can change it.

use super::conn::PgConn;
use super::render::{q, qn};
use crate::dialect::conn::{Connection, DbError};
use crate::dialect::Dialect;
use crate::schema::*;

/// What differs, by key.
struct Asked {
    views: Vec<QName>,
    triggers: Vec<(QName, String)>,
    policies: Vec<(QName, String)>,
    rules: Vec<(QName, String)>,
}

fn differing(models: &Schema, live: &Schema) -> Asked {
    Asked {
        views: models
            .views
            .iter()
            .filter(|(n, m)| live.views.get(*n).is_some_and(|l| l.sql != m.sql))
            .map(|(n, _)| n.clone())
            .collect(),
        triggers: models
            .triggers
            .iter()
            .filter(|(k, m)| live.triggers.get(*k).is_some_and(|l| l.sql != m.sql))
            .map(|(k, _)| k.clone())
            .collect(),
        policies: models
            .policies
            .iter()
            .filter(|(k, m)| {
                live.policies
                    .get(*k)
                    .is_some_and(|l| l.using != m.using || l.with_check != m.with_check)
            })
            .map(|(k, _)| k.clone())
            .collect(),
        rules: models
            .rules
            .iter()
            .filter(|(k, m)| live.rules.get(*k).is_some_and(|l| l.sql != m.sql))
            .map(|(k, _)| k.clone())
            .collect(),
    }
}

fn attempt(c: &mut PgConn, sql: &str) -> bool {
    if c.execute("SAVEPOINT autogen_ask_object").is_err() {
        return false;
    }
    match c.execute(sql) {
        Ok(()) => c.execute("RELEASE SAVEPOINT autogen_ask_object").is_ok(),
        Err(_) => {
            let _ = c.execute("ROLLBACK TO SAVEPOINT autogen_ask_object");
            false
        }
    }
}

/// Empty stand-ins for the tables the asked objects are on, under the same names (so `items.price`
/// in a policy still names the table) in scratch schemas, one per schema of the originals.
struct StandIns {
    base: String,
    schemas: Vec<Option<String>>,
    made: std::collections::BTreeMap<QName, bool>,
}

impl StandIns {
    fn schema_of(&mut self, table: &QName) -> String {
        let i = match self.schemas.iter().position(|s| *s == table.schema) {
            Some(i) => i,
            None => {
                self.schemas.push(table.schema.clone());
                self.schemas.len() - 1
            }
        };
        format!("{}_{i}", self.base)
    }
    /// The stand-in of `table` (made on first use): a table with its columns, or a view over it.
    fn get(&mut self, c: &mut PgConn, live: &Schema, table: &QName) -> Option<QName> {
        let schema = self.schema_of(table);
        let name = QName::new(Some(&schema), &table.name);
        if let Some(ok) = self.made.get(table) {
            return ok.then_some(name);
        }
        let ok = attempt(c, &format!("CREATE SCHEMA IF NOT EXISTS {}", q(&schema)))
            && if live.views.contains_key(table) {
                attempt(
                    c,
                    &format!("CREATE VIEW {} AS SELECT * FROM {}", qn(&name), qn(table)),
                )
            } else {
                attempt(
                    c,
                    &format!("CREATE TABLE {} (LIKE {})", qn(&name), qn(table)),
                )
            };
        self.made.insert(table.clone(), ok);
        ok.then_some(name)
    }
}

/// Gives models objects the live key where the server stores the models' version as the live one.
/// Policies' roles against the server: every role named must exist (autogen does not make roles);
/// `current_user`, `current_role` and `session_user`, which PostgreSQL stores as the role they
/// stand for, compare as that role (and stay keywords in the SQL written when the policy differs).
fn policy_roles(c: &mut PgConn, models: &mut Schema) -> Result<(), DbError> {
    let keyword = |r: &str| {
        matches!(
            r,
            "public" | "current_user" | "current_role" | "session_user"
        )
    };
    let named: std::collections::BTreeSet<&String> = models
        .policies
        .values()
        .flat_map(|p| p.roles.iter())
        .filter(|r| !keyword(r))
        .collect();
    let uses_keywords = models
        .policies
        .values()
        .any(|p| p.roles.iter().any(|r| keyword(r) && r != "public"));
    if named.is_empty() && !uses_keywords {
        return Ok(());
    }
    let list: Vec<String> = named.iter().map(|r| super::render::lit(r)).collect();
    let rows = c.query(&format!(
        "SELECT current_user::text, session_user::text, ARRAY(SELECT rolname::text FROM pg_roles WHERE rolname = ANY (ARRAY[{}]::text[]))::text",
        if list.is_empty() { "NULL".to_string() } else { list.join(", ") }
    ))?;
    let row = rows.first().cloned().unwrap_or_default();
    let cell = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
    let (user, session, known) = (cell(0), cell(1), cell(2));
    for ((table, name), p) in &models.policies {
        for r in &p.roles {
            if !keyword(r) && !pg_array_has(&known, r) {
                return Err(DbError::UnknownRole {
                    policy: format!("{name} on {table}"),
                    role: r.clone(),
                });
            }
        }
    }
    for p in models.policies.values_mut() {
        let mut resolved: Vec<String> = p
            .roles
            .iter()
            .map(|r| match r.as_str() {
                "current_user" | "current_role" => user.clone(),
                "session_user" => session.clone(),
                r => r.to_string(),
            })
            .collect();
        resolved.sort();
        resolved.dedup();
        if resolved != p.roles {
            p.written_roles = Some(std::mem::replace(&mut p.roles, resolved));
        }
    }
    Ok(())
}

/// Whether PostgreSQL's text form of a `text[]` (`{a,"b c"}`) holds `name`.
fn pg_array_has(array: &str, name: &str) -> bool {
    let inner = array.trim_start_matches('{').trim_end_matches('}');
    let mut items = vec![];
    let mut cur = String::new();
    let (mut quoted, mut chars) = (false, inner.chars());
    while let Some(ch) = chars.next() {
        match ch {
            '"' => quoted = !quoted,
            '\\' if quoted => cur.extend(chars.next()),
            ',' if !quoted => items.push(std::mem::take(&mut cur)),
            ch => cur.push(ch),
        }
    }
    if !inner.is_empty() {
        items.push(cur);
    }
    items.iter().any(|i| i == name)
}

pub fn align(c: &mut PgConn, models: &mut Schema, live: &Schema) -> Result<(), DbError> {
    policy_roles(c, models)?;
    let a = differing(models, live);
    if a.views.is_empty() && a.triggers.is_empty() && a.policies.is_empty() && a.rules.is_empty() {
        return Ok(());
    }
    c.execute("BEGIN")?;
    let result = ask(c, models, live, &a);
    c.execute("ROLLBACK")?;
    let Ok((scratch, stand_ins, s)) = result else {
        // Not allowed to create a schema: the keys stay.
        return Ok(());
    };
    for (k, name) in a.views.iter().enumerate() {
        let Some(server) = s.views.get(&QName::new(Some(&scratch), &format!("v{k}"))) else {
            continue;
        };
        let l = &live.views[name];
        let m = models
            .views
            .get_mut(name)
            .expect("asked about a models view");
        m.columns = server.columns.clone();
        if server.sql == l.sql {
            m.sql.key = l.sql.key.clone();
        }
    }
    let table_back = |text: &str, own: &str, on: &str, name: &str, table: &QName| {
        crate::sql::with_names(text, own, &q(name), on, &qn(table))
            .map(|t| super::Postgres.statement_key(&t))
    };
    for key in &a.triggers {
        let Some(server) = stand_ins
            .get(&key.0)
            .and_then(|t| s.triggers.get(&(t.clone(), key.1.clone())))
        else {
            continue;
        };
        let l = &live.triggers[key];
        if table_back(&server.sql.sql, "trigger", "on", &key.1, &key.0) == Some(l.sql.key.clone()) {
            if let Some(m) = models.triggers.get_mut(key) {
                m.sql.key = l.sql.key.clone();
            }
        }
    }
    for key in &a.rules {
        let Some(server) = stand_ins
            .get(&key.0)
            .and_then(|t| s.rules.get(&(t.clone(), key.1.clone())))
        else {
            continue;
        };
        let l = &live.rules[key];
        if table_back(&server.sql.sql, "rule", "to", &key.1, &key.0) == Some(l.sql.key.clone()) {
            if let Some(m) = models.rules.get_mut(key) {
                m.sql.key = l.sql.key.clone();
            }
        }
    }
    for key in &a.policies {
        let Some(server) = stand_ins
            .get(&key.0)
            .and_then(|t| s.policies.get(&(t.clone(), key.1.clone())))
        else {
            continue;
        };
        let l = &live.policies[key];
        let Some(m) = models.policies.get_mut(key) else {
            continue;
        };
        if let (Some(me), Some(se), Some(le)) = (&mut m.using, &server.using, &l.using) {
            if se == le {
                me.key = le.key.clone();
            }
        }
        if let (Some(me), Some(se), Some(le)) =
            (&mut m.with_check, &server.with_check, &l.with_check)
        {
            if se == le {
                me.key = le.key.clone();
            }
        }
    }
    Ok(())
}

/// Creates the asked objects (inside the caller's transaction) and introspects them: the scratch
/// schema of the views, the stand-in of each table (by original name), and what was read.
#[allow(clippy::type_complexity)]
fn ask(
    c: &mut PgConn,
    models: &Schema,
    live: &Schema,
    a: &Asked,
) -> Result<(String, std::collections::BTreeMap<QName, QName>, Schema), DbError> {
    let pid = c.query("SELECT pg_backend_pid()")?;
    let scratch = format!(
        "autogen_ask_objects_{}",
        pid.first().and_then(|r| r[0].clone()).unwrap_or_default()
    );
    c.execute(&format!("CREATE SCHEMA {}", q(&scratch)))?;
    let view_name = |k: usize| qn(&QName::new(Some(&scratch), &format!("v{k}")));
    for (k, name) in a.views.iter().enumerate() {
        let v = &models.views[name];
        let body = v.sql.sql.trim().trim_end_matches(';');
        let sql = if v.materialized {
            format!(
                "CREATE MATERIALIZED VIEW {} AS\n{body}\nWITH NO DATA",
                view_name(k)
            )
        } else {
            format!("CREATE VIEW {} AS {body}", view_name(k))
        };
        attempt(c, &sql);
    }
    let mut stand = StandIns {
        base: scratch.clone(),
        schemas: vec![],
        made: Default::default(),
    };
    for key in &a.triggers {
        let Some(t) = stand.get(c, live, &key.0) else {
            continue;
        };
        if let Some(sql) = crate::sql::with_names(
            &models.triggers[key].sql.sql,
            "trigger",
            &q(&key.1),
            "on",
            &qn(&t),
        ) {
            attempt(c, &sql);
        }
    }
    for key in &a.rules {
        let Some(t) = stand.get(c, live, &key.0) else {
            continue;
        };
        if let Some(sql) = crate::sql::with_names(
            &models.rules[key].sql.sql,
            "rule",
            &q(&key.1),
            "to",
            &qn(&t),
        ) {
            attempt(c, &sql);
        }
    }
    for key in &a.policies {
        let Some(t) = stand.get(c, live, &key.0) else {
            continue;
        };
        let policy = Policy {
            table: t,
            ..models.policies[key].clone()
        };
        for sql in super::render::render(&crate::op::Op::CreatePolicy(policy)) {
            attempt(c, &sql);
        }
    }
    let mut schemas = vec![scratch.clone()];
    let mut stand_ins = std::collections::BTreeMap::new();
    for (table, ok) in stand.made.clone() {
        if ok {
            let schema = stand.schema_of(&table);
            stand_ins.insert(table.clone(), QName::new(Some(&schema), &table.name));
            if !schemas.contains(&schema) {
                schemas.push(schema);
            }
        }
    }
    let mut s = super::introspect::introspect(c, &schemas)?;
    super::Postgres.canonicalize(&mut s);
    Ok((scratch, stand_ins, s))
}
