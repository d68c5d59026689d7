//! PostgreSQL SQL for views, materialized views, triggers, policies, rules and row-level security.

use super::ddl::{alter, comment, index_sql};
use super::render::{q, qn};
use crate::op::Op;
use crate::schema::*;

fn kind(v: &View) -> &'static str {
    if v.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    }
}

fn query(v: &View) -> &str {
    v.sql.sql.trim().trim_end_matches(';').trim_end()
}

/// `CREATE [OR REPLACE] [MATERIALIZED] VIEW name [WITH (…)] AS query [WITH NO DATA]`.
fn create_sql(v: &View, replace: bool) -> String {
    let mut opts = vec![];
    if let Some(c) = &v.check_option {
        opts.push(format!("check_option={c}"));
    }
    if v.security_barrier {
        opts.push("security_barrier=true".to_string());
    }
    if v.security_invoker {
        opts.push("security_invoker=true".to_string());
    }
    let mut s = format!(
        "CREATE {}{} {}",
        if replace { "OR REPLACE " } else { "" },
        kind(v),
        qn(&v.name)
    );
    if !opts.is_empty() {
        s.push_str(&format!(" WITH ({})", opts.join(", ")));
    }
    s.push_str(&format!(" AS\n{}", query(v)));
    if v.materialized && !v.with_data {
        s.push_str("\nWITH NO DATA");
    }
    s
}

fn create_view(v: &View) -> Vec<String> {
    let mut out = vec![create_sql(v, false)];
    out.extend(v.indexes.iter().map(|i| index_sql(&v.name, i)));
    if v.comment.is_some() {
        out.push(comment(kind(v), &qn(&v.name), &v.comment));
    }
    out.extend(restore_kept(v));
    out
}

/// The owner, grants and column comments a view had before it was made again.
fn restore_kept(v: &View) -> Vec<String> {
    let mut out = vec![];
    if let Some(o) = &v.kept.owner {
        out.push(format!(
            "ALTER {} {} OWNER TO {}",
            kind(v),
            qn(&v.name),
            q(o)
        ));
    }
    let table = v.kept.grants.iter().map(|(p, to, o)| (None, p, to, o));
    let columns = v
        .kept
        .column_grants
        .iter()
        .map(|(c, p, to, o)| (Some(c), p, to, o));
    for (col, privilege, grantee, option) in table.chain(columns) {
        // A privilege is a keyword PostgreSQL printed; anything else is not written.
        if !privilege.chars().all(|c| c.is_ascii_uppercase()) {
            continue;
        }
        let to = if grantee == "PUBLIC" {
            "PUBLIC".to_string()
        } else {
            q(grantee)
        };
        out.push(format!(
            "GRANT {privilege}{} ON {} TO {to}{}",
            col.map(|c| format!(" ({})", q(c))).unwrap_or_default(),
            qn(&v.name),
            if *option { " WITH GRANT OPTION" } else { "" }
        ));
    }
    for (col, text) in &v.kept.column_comments {
        out.push(comment(
            "COLUMN",
            &format!("{}.{}", qn(&v.name), q(col)),
            &Some(text.clone()),
        ));
    }
    out
}

fn drop_view(v: &View) -> String {
    format!("DROP {} {}", kind(v), qn(&v.name))
}

fn alter_view(from: &View, to: &View) -> Vec<String> {
    let mut out = vec![];
    let query_same = from.sql == to.sql
        && from.check_option == to.check_option
        && from.security_barrier == to.security_barrier
        && from.security_invoker == to.security_invoker;
    if !query_same {
        if !to.materialized && from.columns_lead(to) {
            out.push(create_sql(to, true));
        } else {
            // Columns go away or change: only a drop and create does that (the plan re-creates the
            // views over this one around it).
            out.push(drop_view(from));
            out.extend(create_view(to));
            return out;
        }
    }
    if to.materialized && from.with_data != to.with_data {
        out.push(format!(
            "REFRESH MATERIALIZED VIEW {}{}",
            qn(&to.name),
            if to.with_data { "" } else { " WITH NO DATA" }
        ));
    }
    if from.comment != to.comment {
        out.push(comment(kind(to), &qn(&to.name), &to.comment));
    }
    out
}

fn policy_sql(p: &Policy) -> String {
    let mut s = format!("CREATE POLICY {} ON {}", q(&p.name), qn(&p.table));
    if !p.permissive {
        s.push_str(" AS RESTRICTIVE");
    }
    if p.command != "all" {
        s.push_str(&format!(" FOR {}", p.command.to_uppercase()));
    }
    let written = p.written_roles.as_ref().unwrap_or(&p.roles);
    if *written != ["public"] {
        let roles: Vec<String> = written
            .iter()
            .map(|r| match r.as_str() {
                "public" => "PUBLIC".to_string(),
                "current_user" | "current_role" | "session_user" => r.to_uppercase(),
                r => q(r),
            })
            .collect();
        s.push_str(&format!(" TO {}", roles.join(", ")));
    }
    if let Some(u) = &p.using {
        s.push_str(&format!(
            " USING ({})",
            crate::sql::strip_outer_parens(&u.sql)
        ));
    }
    if let Some(w) = &p.with_check {
        s.push_str(&format!(
            " WITH CHECK ({})",
            crate::sql::strip_outer_parens(&w.sql)
        ));
    }
    s
}

/// The statements turning row-level security `from` into `to` on `table`.
pub(super) fn row_security(table: &QName, from: RowSecurity, to: RowSecurity) -> Vec<String> {
    let on = |r: RowSecurity| r != RowSecurity::Off;
    let forced = |r: RowSecurity| r == RowSecurity::Forced;
    let mut out = vec![];
    if on(from) != on(to) {
        out.push(alter(
            table,
            format!(
                "{} ROW LEVEL SECURITY",
                if on(to) { "ENABLE" } else { "DISABLE" }
            ),
        ));
    }
    if forced(from) != forced(to) {
        out.push(alter(
            table,
            format!(
                "{} ROW LEVEL SECURITY",
                if forced(to) { "FORCE" } else { "NO FORCE" }
            ),
        ));
    }
    out
}

fn statement(sql: &Expr) -> String {
    sql.sql.trim().trim_end_matches(';').trim_end().to_string()
}

/// SQL for the ops of this file; `None` for the others.
pub(super) fn render(op: &Op) -> Option<Vec<String>> {
    use Op::*;
    Some(match op {
        CreateView(v) => create_view(v),
        DropView(v) => vec![drop_view(v)],
        AlterView { from, to } => alter_view(from, to),
        CreateTrigger(t) => vec![statement(&t.sql)],
        DropTrigger(t) => vec![format!("DROP TRIGGER {} ON {}", q(&t.name), qn(&t.table))],
        CreatePolicy(p) => vec![policy_sql(p)],
        DropPolicy(p) => vec![format!("DROP POLICY {} ON {}", q(&p.name), qn(&p.table))],
        CreateRule(r) => vec![statement(&r.sql)],
        DropRule(r) => vec![format!("DROP RULE {} ON {}", q(&r.name), qn(&r.table))],
        SetRowSecurity { table, from, to } => row_security(table, *from, *to),
        _ => return None,
    })
}
