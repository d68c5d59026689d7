//! Objects that depend on what a plan changes — views over a retyped or dropped column, triggers and
//! policies of a rebuilt table, views over a re-created view — are dropped before the change and
//! re-created after it, in the same revision (the downgrade does the same in reverse). Runs after the
//! dialect's lowering (it sees SQLite's rebuilds); no I/O.
//!
//! What an object depends on is read from its text: the tables, views and columns it names (an
//! object naming a word that happens to be a column elsewhere is re-created needlessly, never missed).

use std::collections::BTreeSet;

use crate::op::Op;
use crate::schema::*;

/// Something a plan changes that breaks objects depending on it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Touch {
    /// A relation dropped and made again (rebuilt, re-created): everything on it or naming it.
    Relation(QName),
    /// A column retyped or dropped: what names it.
    Column(QName, String),
}

fn word_set(texts: &[&str]) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = texts.iter().flat_map(|t| crate::sql::words(t)).collect();
    // Type names after `::` too (a cast to an enum that is swapped).
    for t in texts {
        for w in crate::sql::text_key(t).split(' ') {
            if w.starts_with('"') && w.ends_with('"') && w.len() > 1 {
                out.insert(w[1..w.len() - 1].replace("\"\"", "\""));
            } else if w.chars().all(|c| c.is_alphanumeric() || c == '_') {
                out.insert(w.to_string());
            }
        }
    }
    out
}

fn has(words: &BTreeSet<String>, name: &str) -> bool {
    words.contains(name) || words.contains(&name.to_lowercase())
}

fn touches(op: &Op, desired: &Schema) -> Vec<Touch> {
    match op {
        Op::AlterColumn { table, from, to }
            if from.ty != to.ty
                || from.collation != to.collation
                || from.generated != to.generated =>
        {
            vec![Touch::Column(table.clone(), from.name.clone())]
        }
        Op::DropColumn { table, column } => vec![Touch::Column(table.clone(), column.name.clone())],
        Op::RebuildTable { from, to } => vec![
            Touch::Relation(from.name.clone()),
            Touch::Relation(to.name.clone()),
        ],
        Op::DropTable(t)
            if desired.tables.contains_key(&t.name) || desired.views.contains_key(&t.name) =>
        {
            vec![Touch::Relation(t.name.clone())]
        }
        Op::AlterEnum { name, usages, .. } => {
            let mut t: Vec<Touch> = usages
                .iter()
                .map(|u| Touch::Column(u.table.clone(), u.column.clone()))
                .collect();
            // A swap drops the old type: what names it (a cast in a view) goes first, and comes back.
            if op.swapped_enum_usages().is_some() {
                t.push(Touch::Relation(name.clone()));
            }
            t
        }
        Op::DropView(v) if desired.views.contains_key(&v.name) => {
            vec![Touch::Relation(v.name.clone())]
        }
        Op::AlterView { from, to } if from.columns != to.columns => {
            vec![Touch::Relation(to.name.clone())]
        }
        _ => vec![],
    }
}

/// A column retyped or dropped on a parent changes on its partitions and inheritance children too.
fn with_descendants(touched: &mut BTreeSet<Touch>, current: &Schema) {
    let mut children: std::collections::BTreeMap<&QName, Vec<&QName>> = Default::default();
    for t in current.tables.values() {
        for p in t.partition_of.iter().map(|p| &p.parent).chain(&t.inherits) {
            children.entry(p).or_default().push(&t.name);
        }
    }
    if children.is_empty() {
        return;
    }
    loop {
        let mut more = vec![];
        for t in touched.iter() {
            let Touch::Column(parent, col) = t else {
                continue;
            };
            for child in children.get(parent).into_iter().flatten() {
                let t = Touch::Column((*child).clone(), col.clone());
                if !touched.contains(&t) {
                    more.push(t);
                }
            }
        }
        if more.is_empty() {
            return;
        }
        touched.extend(more);
    }
}

/// Functions whose signature or SQL-standard body uses a view dropped and made again here (which
/// PostgreSQL records as a dependency, so the view could not be dropped under them) are dropped and
/// made again around it; a function replaced in place there is dropped and created instead.
fn functions_over_views(ops: &mut Vec<Op>, current: &Schema, desired: &Schema) -> Vec<QName> {
    let redone: BTreeSet<String> = ops
        .iter()
        .filter_map(|o| match o {
            Op::DropView(v) if desired.views.contains_key(&v.name) => {
                Some(v.name.name.to_lowercase())
            }
            _ => None,
        })
        .collect();
    if redone.is_empty() {
        return vec![];
    }
    let mut redone_functions = vec![];
    for (k, c) in &current.functions {
        let Some(d) = desired.functions.get(k) else {
            continue;
        };
        let uses = |f: &Function| {
            crate::order::uses_row_type(f, &redone) || crate::order::standard_body_uses(f, &redone)
        };
        if !uses(c) && !uses(d) {
            continue;
        }
        let sig = c.signature();
        let mut handled = false;
        ops.retain(|o| match o {
            Op::ReplaceFunction { to, .. } if to.signature() == sig => false,
            Op::DropFunction(f) | Op::CreateFunction(f) if f.signature() == sig => {
                handled = true;
                true
            }
            _ => true,
        });
        if !handled {
            ops.push(Op::DropFunction(c.clone()));
            ops.push(Op::CreateFunction(d.clone()));
            redone_functions.push(c.name.clone());
        }
    }
    redone_functions
}

/// Whether an object on `owner` (None for a view) whose text has `words` breaks under `t`.
fn affected(t: &Touch, owner: Option<&QName>, words: &BTreeSet<String>) -> bool {
    match t {
        Touch::Relation(r) => owner == Some(r) || has(words, &r.name),
        Touch::Column(table, col) => {
            (owner == Some(table) || has(words, &table.name)) && has(words, col)
        }
    }
}

/// The plan with the dependents of its changes dropped and re-created around them, every view made
/// again keeping its owner, grants and column comments.
pub fn around(ops: Vec<Op>, current: &Schema, desired: &Schema) -> Vec<Op> {
    let mut ops = recreate_dependents(ops, current, desired);
    keep_what_views_had(&mut ops, current);
    ops
}

/// A view created under the name of a live one (re-created, or changed past `CREATE OR REPLACE`)
/// gets back what the live one had beyond the models: owner, grants, comments of columns it still has.
fn keep_what_views_had(ops: &mut [Op], current: &Schema) {
    for o in ops.iter_mut() {
        let (Op::CreateView(v) | Op::AlterView { to: v, .. }) = o else {
            continue;
        };
        let Some(c) = current.views.get(&v.name) else {
            continue;
        };
        if v.kept != Kept::default() {
            continue;
        }
        let mut kept = c.kept.clone();
        let same = c.same_query(v);
        let still = |col: &String| {
            if v.columns.is_empty() {
                same
            } else {
                v.columns.iter().any(|(n, _)| n == col)
            }
        };
        kept.column_comments.retain(|(col, _)| still(col));
        kept.column_grants.retain(|(col, ..)| still(col));
        v.kept = kept;
    }
}

fn recreate_dependents(mut ops: Vec<Op>, current: &Schema, desired: &Schema) -> Vec<Op> {
    let mut touched: BTreeSet<Touch> = ops.iter().flat_map(|o| touches(o, desired)).collect();
    if touched.is_empty() {
        return ops;
    }
    with_descendants(&mut touched, current);
    // Views, to a fixed point: a re-created view breaks the views over it; a function over a
    // re-created view is re-created too, and breaks the views that call it.
    let mut redo_views: BTreeSet<QName> = BTreeSet::new();
    loop {
        loop {
            let mut more = false;
            for (n, c) in &current.views {
                let Some(d) = desired.views.get(n) else {
                    continue;
                };
                if redo_views.contains(n) {
                    continue;
                }
                let handled = ops.iter().any(|o| match o {
                    Op::DropView(v) | Op::CreateView(v) => v.name == *n,
                    _ => false,
                });
                if handled {
                    continue;
                }
                let words = word_set(&[&c.sql.sql, &d.sql.sql]);
                if touched.iter().any(|t| affected(t, None, &words)) {
                    redo_views.insert(n.clone());
                    // A view altered in place is dropped and created instead.
                    ops.retain(|o| !matches!(o, Op::AlterView { to, .. } if to.name == *n));
                    ops.push(Op::DropView(c.clone()));
                    ops.push(Op::CreateView(d.clone()));
                    touched.insert(Touch::Relation(n.clone()));
                    more = true;
                }
            }
            if !more {
                break;
            }
        }
        let functions = functions_over_views(&mut ops, current, desired);
        if functions.is_empty() {
            break;
        }
        touched.extend(functions.into_iter().map(Touch::Relation));
    }
    let mut extra = vec![];
    for (k, c) in &current.triggers {
        let Some(d) = desired.triggers.get(k) else {
            continue;
        };
        if c != d {
            continue;
        }
        let words = word_set(&[&c.sql.sql]);
        if touched.iter().any(|t| affected(t, Some(&c.table), &words)) {
            extra.push(Op::DropTrigger(c.clone()));
            extra.push(Op::CreateTrigger(d.clone()));
        }
    }
    for (k, c) in &current.policies {
        let Some(d) = desired.policies.get(k) else {
            continue;
        };
        if c != d {
            continue;
        }
        let texts: Vec<&str> = c
            .using
            .iter()
            .chain(c.with_check.iter())
            .map(|e| e.sql.as_str())
            .collect();
        let words = word_set(&texts);
        let hit = touched.iter().any(|t| match t {
            // A policy is dropped with its table; a column change breaks it only where it names it.
            Touch::Relation(_) => affected(t, Some(&c.table), &words),
            Touch::Column(table, col) => {
                (c.table == *table || has(&words, &table.name)) && has(&words, col)
            }
        });
        if hit {
            // The same policy; the models' copy keeps its roles as written (`current_user`).
            extra.push(Op::DropPolicy(d.clone()));
            extra.push(Op::CreatePolicy(d.clone()));
        }
    }
    for (k, c) in &current.rules {
        let Some(d) = desired.rules.get(k) else {
            continue;
        };
        if c != d {
            continue;
        }
        let words = word_set(&[&c.sql.sql]);
        if touched.iter().any(|t| affected(t, Some(&c.table), &words)) {
            extra.push(Op::DropRule(c.clone()));
            extra.push(Op::CreateRule(d.clone()));
        }
    }
    // Matview indexes go with their view: index ops on a re-created one are dropped.
    ops.retain(|o| match o {
        Op::CreateIndex { table, .. } | Op::DropIndex { table, .. } => !redo_views.contains(table),
        _ => true,
    });
    ops.extend(extra);
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema_with_view() -> Schema {
        let mut t = Table::new(QName::parse("orders"));
        t.columns.push(Column::new("total", "integer"));
        let v = View::new(
            QName::parse("big"),
            "SELECT total FROM orders WHERE total > 9",
        );
        let mut s = Schema::default();
        s.tables.insert(t.name.clone(), t);
        s.views.insert(v.name.clone(), v);
        s
    }

    #[test]
    fn a_view_over_a_retyped_column_is_dropped_and_recreated() {
        let cur = schema_with_view();
        let mut des = cur.clone();
        let t = des.tables.get_mut(&QName::parse("orders")).unwrap();
        t.columns[0].ty = "bigint".into();
        let ops = around(crate::diff::diff(&cur, &des), &cur, &des);
        let kinds: Vec<&str> = ops
            .iter()
            .map(|o| match o {
                Op::AlterColumn { .. } => "alter",
                Op::DropView(_) => "drop view",
                Op::CreateView(_) => "create view",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["alter", "drop view", "create view"]);
        let ordered = crate::order::order(ops, true);
        assert!(matches!(ordered[0], Op::DropView(_)));
        assert!(matches!(ordered[2], Op::CreateView(_)));
    }
}
