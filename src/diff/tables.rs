//! The diff of the tables: renames, tables created and dropped, partitioning and inheritance changes;
//! each table on both sides goes to `table::diff_table`.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::table::diff_table;
use crate::op::Op;
use crate::schema::*;

pub(super) fn diff_tables(
    current: &Schema,
    desired: &Schema,
    renamed: &BTreeMap<QName, QName>,
    seq_renames: &[(QName, QName)],
    ops: &mut Vec<Op>,
) {
    // Partitioned tables whose key changes are dropped and made again: their partitions are detached
    // first and attached again after (with the bounds of the models), so no row is lost.
    let rekeyed: BTreeSet<&QName> = desired
        .tables
        .iter()
        .filter(|(n, d)| {
            current.tables.get(*n).is_some_and(|c| {
                c.partition_by.is_some()
                    && d.partition_by.is_some()
                    && c.partition_by != d.partition_by
            })
        })
        .map(|(n, _)| n)
        .collect();
    // Foreign keys that reference a re-keyed parent: dropped before it is, added again after.
    for (tn, t) in &current.tables {
        if rekeyed.contains(tn) {
            continue;
        }
        for fk in t
            .foreign_keys
            .iter()
            .filter(|f| rekeyed.contains(&f.ref_table))
        {
            if let Some(dt) = desired.tables.get(tn) {
                if let Some(dfk) = dt.foreign_keys.iter().find(|x| *x == fk) {
                    ops.push(Op::DropForeignKey {
                        table: tn.clone(),
                        fk: fk.clone(),
                    });
                    ops.push(Op::AddForeignKey {
                        table: tn.clone(),
                        fk: dfk.clone(),
                    });
                }
            }
        }
    }
    let moved = |c: &Table| {
        c.partition_of
            .as_ref()
            .is_some_and(|p| rekeyed.contains(&p.parent))
    };
    for (name, d) in &desired.tables {
        let old = renamed
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(o, _)| o.clone());
        let cur = match &old {
            Some(o) => {
                ops.push(Op::RenameTable {
                    from: o.clone(),
                    to: name.clone(),
                });
                current.tables.get(o).map(|t| {
                    Cow::Owned(Table {
                        name: name.clone(),
                        ..t.clone()
                    })
                })
            }
            // Borrowed: only a partition or inheritance change below needs a copy to adjust.
            None => current.tables.get(name).map(Cow::Borrowed),
        };
        match cur {
            None => ops.push(Op::CreateTable(Table {
                renamed_from: None,
                ..d.clone()
            })),
            Some(c) => {
                if c.partition_by != d.partition_by {
                    // PostgreSQL cannot change partitioning in place: a re-keyed parent is made again
                    // (its partitions detached first, above), and so is a plain table made
                    // partitioned or back.
                    ops.push(Op::DropTable(c.into_owned()));
                    ops.push(Op::CreateTable(Table {
                        renamed_from: None,
                        ..d.clone()
                    }));
                } else {
                    // A partition's bound or parent changes: detached and attached again, rows kept.
                    if c.partition_of != d.partition_of || moved(&c) {
                        if let Some(p) = &c.partition_of {
                            ops.push(Op::DetachPartition {
                                table: name.clone(),
                                parent: p.parent.clone(),
                                bound: p.bound.clone(),
                            });
                        }
                        if let Some(p) = &d.partition_of {
                            ops.push(Op::AttachPartition {
                                table: name.clone(),
                                parent: p.parent.clone(),
                                bound: p.bound.clone(),
                            });
                        }
                    }
                    // A partition's columns are its parent's: one leaving its parent has them all
                    // already, one joining a parent keeps only what the parent does not define.
                    let mut c = c;
                    match (&c.partition_of, &d.partition_of) {
                        (Some(p), None) => {
                            if let Some(parent) = current.tables.get(&p.parent) {
                                let c = c.to_mut();
                                let own = std::mem::take(&mut c.columns);
                                c.columns = parent.columns.clone();
                                c.columns.extend(
                                    own.into_iter().filter(|o| parent.column(&o.name).is_none()),
                                );
                            }
                        }
                        (None, Some(p)) => {
                            if let Some(parent) = desired.tables.get(&p.parent) {
                                c.to_mut()
                                    .columns
                                    .retain(|x| parent.column(&x.name).is_none());
                            }
                        }
                        _ => {}
                    }
                    // Inheritance: a parent left keeps its columns in the child as the child's own;
                    // a parent joined brings the columns it has.
                    let left: Vec<QName> = c
                        .inherits
                        .iter()
                        .filter(|p| !d.inherits.contains(p))
                        .cloned()
                        .collect();
                    for p in left {
                        if let Some(parent) = current.tables.get(&p) {
                            for pc in &parent.columns {
                                if c.column(&pc.name).is_none() {
                                    c.to_mut().columns.push(pc.clone());
                                }
                            }
                        }
                        ops.push(Op::NoInherit {
                            table: name.clone(),
                            parent: p,
                        });
                    }
                    let joined: Vec<QName> = d
                        .inherits
                        .iter()
                        .filter(|p| !c.inherits.contains(p))
                        .cloned()
                        .collect();
                    for p in joined {
                        if let Some(parent) = desired.tables.get(&p) {
                            c.to_mut()
                                .columns
                                .retain(|x| parent.column(&x.name).is_none());
                        }
                        ops.push(Op::Inherit {
                            table: name.clone(),
                            parent: p,
                        });
                    }
                    diff_table(old.as_ref().unwrap_or(name), &c, d, seq_renames, ops);
                }
            }
        }
    }
    for (name, c) in &current.tables {
        if !desired.tables.contains_key(name) && !renamed.contains_key(name) {
            // A partition of a re-keyed parent that the models no longer have: detached before its
            // parent is dropped, then dropped itself (so the drop names it).
            if moved(c) {
                if let Some(p) = &c.partition_of {
                    ops.push(Op::DetachPartition {
                        table: name.clone(),
                        parent: p.parent.clone(),
                        bound: p.bound.clone(),
                    });
                }
            }
            ops.push(Op::DropTable(c.clone()));
        }
    }
}
