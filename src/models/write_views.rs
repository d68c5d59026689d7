//! models.toml sections for views, materialized views, triggers, policies and rules, as `inspect`
//! writes them (see `write`).

use super::write::{key, list, qtext, s};
use super::write_indexes::write_indexes;
use crate::dialect::Dialect;
use crate::schema::*;

/// A multi-line SQL text as a TOML literal string where it can be one.
fn text(sql: &str) -> String {
    let sql = sql.trim();
    if sql.contains('\n') && !sql.contains("'''") {
        format!("'''\n{sql}\n'''")
    } else {
        s(sql)
    }
}

/// The key of an object on a table: its name (with `table = …`) where no other object of the kind
/// has it or where the name has a dot (a key `"table.name"` is split at its last dot), else
/// `"table.name"`.
fn owned_key<T>(
    all: &std::collections::BTreeMap<(QName, String), T>,
    t: &QName,
    n: &str,
    d: &dyn Dialect,
) -> (String, bool) {
    let shared = all.keys().filter(|(_, x)| x == n).count() > 1;
    if shared && !n.contains('.') {
        (key(&format!("{}.{n}", qtext(t, d))), false)
    } else {
        (key(n), true)
    }
}

pub(super) fn views_and_the_rest(out: &mut String, schema: &Schema, d: &dyn Dialect) {
    for v in schema.views.values() {
        let section = if v.materialized {
            "materialized_views"
        } else {
            "views"
        };
        out.push_str(&format!(
            "\n[{section}.{}]\nsql = {}\n",
            key(&qtext(&v.name, d)),
            text(&v.sql.sql)
        ));
        if !v.names.is_empty() {
            out.push_str(&format!("columns = {}\n", list(&v.names)));
        }
        if let Some(c) = &v.check_option {
            out.push_str(&format!("check_option = {}\n", s(c)));
        }
        if v.security_barrier {
            out.push_str("security_barrier = true\n");
        }
        if v.security_invoker {
            out.push_str("security_invoker = true\n");
        }
        if v.materialized && !v.with_data {
            out.push_str("with_data = false\n");
        }
        if let Some(c) = &v.comment {
            out.push_str(&format!("comment = {}\n", s(c)));
        }
        let cols: Vec<String> = v.columns.iter().map(|(n, _)| n.clone()).collect();
        write_indexes(out, &v.name.name, &v.indexes, &cols, d);
    }
    for ((t, n), tr) in &schema.triggers {
        let (k, bare) = owned_key(&schema.triggers, t, n, d);
        out.push_str(&format!("\n[triggers.{k}]\n"));
        if bare {
            out.push_str(&format!("table = {}\n", s(&qtext(t, d))));
        }
        out.push_str(&format!("sql = {}\n", text(&tr.sql.sql)));
    }
    for ((t, n), p) in &schema.policies {
        let (k, bare) = owned_key(&schema.policies, t, n, d);
        out.push_str(&format!("\n[policies.{k}]\n"));
        if bare {
            out.push_str(&format!("table = {}\n", s(&qtext(t, d))));
        }
        if p.command != "all" {
            out.push_str(&format!("command = {}\n", s(&p.command)));
        }
        if !p.permissive {
            out.push_str("as = \"restrictive\"\n");
        }
        if p.roles != ["public"] {
            out.push_str(&format!("roles = {}\n", list(&p.roles)));
        }
        if let Some(u) = &p.using {
            out.push_str(&format!("using = {}\n", s(&u.sql)));
        }
        if let Some(w) = &p.with_check {
            out.push_str(&format!("with_check = {}\n", s(&w.sql)));
        }
    }
    for ((t, n), r) in &schema.rules {
        let (k, bare) = owned_key(&schema.rules, t, n, d);
        out.push_str(&format!("\n[rules.{k}]\n"));
        if bare {
            out.push_str(&format!("table = {}\n", s(&qtext(t, d))));
        }
        out.push_str(&format!("sql = {}\n", text(&r.sql.sql)));
    }
}
