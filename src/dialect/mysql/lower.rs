//! MySQL's lowering of the diff's ops to what the server does in place: visibility toggles,
//! option and partitioning changes, constraint renames, foreign keys lifted around a retyped column.

use std::collections::BTreeMap;

use crate::op::Op;
use crate::schema::*;

/// MySQL refuses to change the type of a column a foreign key uses, on either side (MariaDB 1832,
/// MySQL 3780): such keys are dropped before the change and added back after it (rows checked again).
fn lift_foreign_keys(mut ops: Vec<Op>, current: &Schema, desired: &Schema) -> Vec<Op> {
    // (table as now named, column as it was named) of each retyped column.
    let retyped: Vec<(QName, String)> = ops
        .iter()
        .filter_map(|o| match o {
            Op::AlterColumn { table, from, to }
                if from.ty != to.ty || from.collation != to.collation =>
            {
                let was = desired
                    .tables
                    .get(table)
                    .and_then(|t| t.renamed_from.clone())
                    .filter(|o| current.tables.contains_key(o))
                    .unwrap_or_else(|| table.clone());
                Some((was, from.name.clone()))
            }
            _ => None,
        })
        .collect();
    if retyped.is_empty() {
        return ops;
    }
    let uses =
        |t: &QName, cols: &[String]| retyped.iter().any(|(rt, c)| rt == t && cols.contains(c));
    let dropped = |ops: &[Op], t: &QName, name: &str| {
        ops.iter()
            .any(|o| matches!(o, Op::DropForeignKey { table, fk } if table == t && fk.name == name))
    };
    let mut lifted = vec![];
    for (tn, t) in &current.tables {
        for f in &t.foreign_keys {
            if !(uses(tn, &f.columns) || uses(&f.ref_table, &f.ref_columns))
                || dropped(&ops, tn, &f.name)
            {
                continue;
            }
            // The key as the models have it (its table may be renamed); one they drop is dropped already.
            let Some((dn, d)) = desired
                .tables
                .iter()
                .find(|(n, d)| *n == tn || d.renamed_from.as_ref() == Some(tn))
                .and_then(|(n, d)| Some((n, d.foreign_keys.iter().find(|x| x.name == f.name)?)))
            else {
                continue;
            };
            lifted.push(Op::DropForeignKey {
                table: tn.clone(),
                fk: f.clone(),
            });
            lifted.push(Op::AddForeignKey {
                table: dn.clone(),
                fk: d.clone(),
            });
        }
    }
    ops.extend(lifted);
    ops
}

/// InnoDB refuses to drop the index a foreign key uses (1553) unless the same statement adds
/// another that serves it: such a drop and the create that takes over become one `AlterIndex`
/// (`DROP INDEX a, ADD INDEX b`), which works both ways.
fn fk_index_swaps(ops: Vec<Op>, current: &Schema) -> Vec<Op> {
    let leads = |i: &Index, cols: &[String]| {
        let t = Table {
            indexes: vec![i.clone()],
            ..Table::new(QName::new(None, ""))
        };
        super::indexed(&t, cols)
    };
    let mut pairs: Vec<(QName, Index, Index)> = vec![];
    for o in &ops {
        let Op::DropIndex { table, index } = o else {
            continue;
        };
        let Some(t) = current.tables.get(table) else {
            continue;
        };
        let without = Table {
            indexes: t
                .indexes
                .iter()
                .filter(|i| i.name != index.name)
                .cloned()
                .collect(),
            ..t.clone()
        };
        let kept = |f: &&ForeignKey| {
            !ops.iter().any(|o| {
                matches!(o, Op::DropForeignKey { table: x, fk } if x == table && fk.name == f.name)
            })
        };
        let Some(f) = t
            .foreign_keys
            .iter()
            .filter(kept)
            .find(|f| leads(index, &f.columns) && !super::indexed(&without, &f.columns))
        else {
            continue;
        };
        let taken = |i: &Index| pairs.iter().any(|(_, _, x)| x == i);
        let new = ops.iter().find_map(|o| match o {
            Op::CreateIndex { table: x, index: i }
                if x == table && leads(i, &f.columns) && !taken(i) =>
            {
                Some(i.clone())
            }
            _ => None,
        });
        if let Some(new) = new {
            pairs.push((table.clone(), index.clone(), new));
        }
    }
    if pairs.is_empty() {
        return ops;
    }
    alter_pairs(ops, &pairs)
}

/// An index dropped and created again only to change its visibility is altered in place
/// (`ALTER INDEX … INVISIBLE`: no rebuild).
fn visibility(ops: Vec<Op>) -> Vec<Op> {
    let same = |a: &Index, b: &Index| a.only_visibility_differs(b);
    let created: Vec<(QName, Index)> = ops
        .iter()
        .filter_map(|o| match o {
            Op::CreateIndex { table, index } => Some((table.clone(), index.clone())),
            _ => None,
        })
        .collect();
    let altered: Vec<(QName, Index, Index)> = ops
        .iter()
        .filter_map(|o| match o {
            Op::DropIndex { table, index } => created
                .iter()
                .find(|(t, i)| t == table && same(index, i))
                .map(|(_, i)| (table.clone(), index.clone(), i.clone())),
            _ => None,
        })
        .collect();
    alter_pairs(ops, &altered)
}

/// Each `(table, from, to)` pair's DropIndex of `from` becomes an `AlterIndex` to `to` (in its
/// place), and the CreateIndex of `to` goes.
fn alter_pairs(ops: Vec<Op>, pairs: &[(QName, Index, Index)]) -> Vec<Op> {
    let mut out = vec![];
    for op in ops {
        match &op {
            Op::DropIndex { table, index } => {
                if let Some((_, _, to)) = pairs.iter().find(|(t, f, _)| t == table && f == index) {
                    out.push(Op::AlterIndex {
                        table: table.clone(),
                        from: index.clone(),
                        to: to.clone(),
                    });
                    continue;
                }
            }
            Op::CreateIndex { table, index }
                if pairs.iter().any(|(t, _, to)| t == table && to == index) =>
            {
                continue
            }
            _ => {}
        }
        out.push(op);
    }
    out
}

/// Table options and partitioning change in place (`ALTER TABLE … ENGINE=…`, `PARTITION BY …`), rows
/// kept: the diff's drop-and-create of a re-partitioned table becomes one `RebuildTable` (rendered as
/// those ALTERs) followed by the rest of the table's changes. Constraint renames, which MySQL has
/// only for indexes, become a drop and an add.
pub(super) fn lower(ops: Vec<Op>, current: &Schema, desired: &Schema) -> Vec<Op> {
    let dropped: BTreeMap<QName, Table> = ops
        .iter()
        .filter_map(|o| match o {
            Op::DropTable(t) => Some((t.name.clone(), t.clone())),
            _ => None,
        })
        .collect();
    let recreated = |n: &QName| {
        dropped.contains_key(n) && desired.tables.contains_key(n) && current.tables.contains_key(n)
    };
    let ops = lift_foreign_keys(fk_index_swaps(visibility(ops), current), current, desired);
    let mut out = vec![];
    for op in ops {
        match op {
            Op::DropTable(t) if recreated(&t.name) => {}
            Op::CreateTable(d) if recreated(&d.name) => {
                let c = &dropped[&d.name];
                let mid = Table {
                    partition_by: d.partition_by.clone(),
                    options: d.options.clone(),
                    ..c.clone()
                };
                out.push(Op::RebuildTable {
                    from: c.clone(),
                    to: mid.clone(),
                });
                let one = |t: &Table| Schema {
                    tables: [(t.name.clone(), t.clone())].into(),
                    ..Default::default()
                };
                out.extend(crate::diff::diff(&one(&mid), &one(&d)));
            }
            Op::RenameConstraint { table, from, to } => {
                let (Some(c), Some(d)) = (current.tables.get(&table), desired.tables.get(&table))
                else {
                    continue;
                };
                if c.uniques.iter().any(|u| u.name == from) {
                    out.push(Op::RenameIndex { table, from, to });
                } else if let (Some(a), Some(b)) = (
                    c.foreign_keys.iter().find(|f| f.name == from),
                    d.foreign_keys.iter().find(|f| f.name == to),
                ) {
                    out.push(Op::DropForeignKey {
                        table: table.clone(),
                        fk: a.clone(),
                    });
                    out.push(Op::AddForeignKey {
                        table,
                        fk: b.clone(),
                    });
                } else if let (Some(a), Some(b)) = (
                    c.checks.iter().find(|x| x.name == from),
                    d.checks.iter().find(|x| x.name == to),
                ) {
                    out.push(Op::DropCheck {
                        table: table.clone(),
                        check: a.clone(),
                    });
                    out.push(Op::AddCheck {
                        table,
                        check: b.clone(),
                    });
                }
            }
            op => out.push(op),
        }
    }
    // Options changed on a table that stays.
    for (n, d) in &desired.tables {
        let Some(c) = current
            .tables
            .get(n)
            .or_else(|| d.renamed_from.as_ref().and_then(|o| current.tables.get(o)))
        else {
            continue;
        };
        if c.options != d.options && !recreated(n) {
            out.push(Op::RebuildTable {
                from: Table {
                    name: n.clone(),
                    ..c.clone()
                },
                to: Table {
                    name: n.clone(),
                    options: d.options.clone(),
                    ..c.clone()
                },
            });
        }
    }
    out
}
