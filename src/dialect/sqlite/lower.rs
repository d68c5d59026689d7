//! Turns table changes SQLite's ALTER TABLE cannot make into one `RebuildTable` per table.

use std::collections::{BTreeMap, BTreeSet};

use crate::op::Op;
use crate::schema::*;

/// The table an op changes in place, if any.
fn table_of(op: &Op) -> Option<&QName> {
    use Op::*;
    match op {
        AddColumn { table, .. }
        | DropColumn { table, .. }
        | AlterColumn { table, .. }
        | AddPrimaryKey { table, .. }
        | DropPrimaryKey { table, .. }
        | AddUnique { table, .. }
        | DropUnique { table, .. }
        | AddCheck { table, .. }
        | DropCheck { table, .. }
        | AddOther { table, .. }
        | DropOther { table, .. }
        | AddForeignKey { table, .. }
        | DropForeignKey { table, .. }
        | RenameConstraint { table, .. }
        | CreateIndex { table, .. }
        | DropIndex { table, .. }
        | RenameIndex { table, .. }
        | SetTableComment { table, .. } => Some(table),
        _ => None,
    }
}

/// Whether `ADD COLUMN` can add this column to a table that has rows.
fn addable(column: &Column) -> bool {
    column.generated.is_none()
        && (column.nullable
            || column.default.as_ref().is_some_and(|d| {
                let t = d.sql.trim();
                t.starts_with('\'') || t.parse::<f64>().is_ok()
            }))
}

/// Whether SQLite's ALTER TABLE can do this op, and its inverse, as they are. `dropped`: the columns of
/// this table that the revision drops.
fn alterable(op: &Op, cur: Option<&Table>, dropped: &BTreeSet<String>) -> bool {
    use Op::*;
    match op {
        // SQLite keeps no constraint names or comments: nothing to do for these.
        CreateIndex { .. }
        | DropIndex { .. }
        | RenameIndex { .. }
        | SetTableComment { .. }
        | RenameConstraint { .. } => true,
        AddColumn { column, .. } => addable(column),
        // The downgrade re-adds the column at the end: exact only if no kept column follows it.
        DropColumn { column, .. } if !addable(column) => false,
        DropColumn { column, .. } => cur.is_some_and(|t| {
            let later = t
                .columns
                .iter()
                .skip_while(|c| c.name != column.name)
                .skip(1);
            let last = later.into_iter().all(|c| dropped.contains(&c.name));
            let used = t
                .primary_key
                .as_ref()
                .is_some_and(|p| p.columns.contains(&column.name))
                || t.uniques.iter().any(|u| u.columns.contains(&column.name))
                || t.foreign_keys
                    .iter()
                    .any(|f| f.columns.contains(&column.name))
                || t.indexes
                    .iter()
                    .any(|i| i.parts.iter().any(|p| p.expr.sql.contains(&column.name)))
                || t.checks.iter().any(|c| c.expr.sql.contains(&column.name));
            !used && last
        }),
        _ => false,
    }
}

pub fn lower(ops: Vec<Op>, current: &Schema, desired: &Schema) -> Vec<Op> {
    // The current table under its new name (renames run before the rebuild).
    let mut renamed: BTreeMap<QName, QName> = BTreeMap::new();
    let mut col_renames: BTreeMap<QName, Vec<(String, String)>> = BTreeMap::new();
    for op in &ops {
        match op {
            Op::RenameTable { from, to } => {
                renamed.insert(to.clone(), from.clone());
            }
            Op::RenameColumn { table, from, to } => col_renames
                .entry(table.clone())
                .or_default()
                .push((from.clone(), to.clone())),
            _ => {}
        }
    }
    let cur_table = |n: &QName| -> Option<Table> {
        let old = renamed.get(n).unwrap_or(n);
        current.tables.get(old).map(|t| {
            let mut t = Table {
                name: n.clone(),
                ..t.clone()
            };
            for (f, to) in col_renames.get(n).into_iter().flatten() {
                if let Some(c) = t.columns.iter_mut().find(|c| &c.name == f) {
                    c.name = to.clone();
                }
            }
            t
        })
    };
    let mut dropped: BTreeMap<QName, BTreeSet<String>> = BTreeMap::new();
    for op in &ops {
        if let Op::DropColumn { table, column } = op {
            dropped
                .entry(table.clone())
                .or_default()
                .insert(column.name.clone());
        }
    }
    let none = BTreeSet::new();
    let mut rebuild: BTreeSet<QName> = BTreeSet::new();
    for op in &ops {
        if let Some(t) = table_of(op) {
            if !alterable(op, cur_table(t).as_ref(), dropped.get(t).unwrap_or(&none)) {
                rebuild.insert(t.clone());
            }
        }
    }
    let mut out = vec![];
    for op in ops {
        let table = table_of(&op).cloned();
        match table.as_ref() {
            Some(t) if rebuild.contains(t) => {}
            Some(_) if matches!(op, Op::SetTableComment { .. } | Op::RenameConstraint { .. }) => {}
            Some(t) => match op {
                Op::RenameIndex { from, to, .. } => {
                    let (Some(c), Some(d)) = (cur_table(t), desired.tables.get(t)) else {
                        continue;
                    };
                    if let (Some(old), Some(new)) = (
                        c.indexes.iter().find(|i| i.name == from),
                        d.indexes.iter().find(|i| i.name == to),
                    ) {
                        out.push(Op::DropIndex {
                            table: t.clone(),
                            index: old.clone(),
                        });
                        out.push(Op::CreateIndex {
                            table: t.clone(),
                            index: new.clone(),
                        });
                    }
                }
                op => out.push(op),
            },
            None => out.push(op),
        }
    }
    for t in rebuild {
        if let (Some(from), Some(to)) = (cur_table(&t), desired.tables.get(&t)) {
            // The rebuild drops the old table's triggers: `dependents` re-creates them after it.
            out.push(Op::RebuildTable {
                from,
                to: Table {
                    renamed_from: None,
                    ..to.clone()
                },
            });
        }
    }
    out
}
