//! Canonical form of views, triggers, policies and rules (see `canonical`).

use std::collections::{BTreeMap, BTreeSet};

use super::canonical::{canonical_table, key, qn};
use super::Dialect;
use crate::schema::*;

/// Views, triggers, policies and rules: names qualified as elsewhere, texts keyed.
pub(super) fn canonical_objects<D: Dialect + ?Sized>(
    d: &D,
    s: &mut Schema,
    namespaces: &mut Vec<String>,
    used: &BTreeMap<Option<String>, BTreeSet<String>>,
) {
    let views = std::mem::take(&mut s.views);
    for (_, mut v) in views {
        qn(d, &mut v.name);
        if let Some(n) = &v.name.schema {
            namespaces.push(n.clone());
        }
        v.sql.key = d.statement_key(&v.sql.sql);
        v.check_option = v.check_option.map(|c| c.to_lowercase());
        v.comment = v.comment.filter(|c| !c.is_empty());
        if !v.indexes.is_empty() {
            // A materialized view's indexes get names and keys as a table's do.
            let mut t = Table::new(v.name.clone());
            t.columns = v.columns.iter().map(|(n, ty)| Column::new(n, ty)).collect();
            if t.columns.is_empty() {
                // The models do not know the view's columns: index keys that are names are columns.
                for p in v.indexes.iter().flat_map(|i| i.parts.iter()) {
                    let bare = crate::sql::unquote_chain(&p.expr.sql);
                    if !bare.is_empty()
                        && bare.chars().all(|c| c.is_alphanumeric() || c == '_')
                        && t.column(&bare).is_none()
                    {
                        t.columns.push(Column::new(&bare, ""));
                    }
                }
            }
            t.indexes = std::mem::take(&mut v.indexes);
            let none = BTreeSet::new();
            canonical_table(d, &mut t, used.get(&v.name.schema).unwrap_or(&none));
            v.indexes = t.indexes;
        }
        s.views.insert(v.name.clone(), v);
    }
    let triggers = std::mem::take(&mut s.triggers);
    for (_, mut t) in triggers {
        qn(d, &mut t.table);
        t.sql.key = d.statement_key(&t.sql.sql);
        s.triggers.insert((t.table.clone(), t.name.clone()), t);
    }
    let rules = std::mem::take(&mut s.rules);
    for (_, mut r) in rules {
        qn(d, &mut r.table);
        r.sql.key = d.statement_key(&r.sql.sql);
        s.rules.insert((r.table.clone(), r.name.clone()), r);
    }
    let policies = std::mem::take(&mut s.policies);
    for (_, mut p) in policies {
        qn(d, &mut p.table);
        p.command = p.command.to_lowercase();
        p.roles.sort();
        p.roles.dedup();
        if p.roles.is_empty() {
            p.roles.push("public".into());
        }
        for e in [&mut p.using, &mut p.with_check].into_iter().flatten() {
            key(d, e);
        }
        s.policies.insert((p.table.clone(), p.name.clone()), p);
    }
}
