//! Views, materialized views, triggers, policies, rules and row-level security: what differs.
//! Objects that depend on a changed one are dropped and re-created around it later (`dependents`).

use std::collections::BTreeMap;

use crate::op::Op;
use crate::schema::*;

/// Whether a changed view can be changed in place both ways: `CREATE OR REPLACE VIEW` keeps the
/// leading columns and may add some at the end (the other way is a drop and create, rendered so).
pub fn replaceable(c: &View, d: &View) -> bool {
    !c.materialized && !d.materialized && (c.columns_lead(d) || d.columns_lead(c))
}

pub(super) fn diff_views(current: &Schema, desired: &Schema, ops: &mut Vec<Op>) {
    for (n, d) in &desired.views {
        match current.views.get(n) {
            None => ops.push(Op::CreateView(d.clone())),
            Some(c) if c == d => {}
            Some(c) => {
                let query_same = c.sql == d.sql
                    && c.materialized == d.materialized
                    && (!c.materialized
                        || (c.check_option == d.check_option
                            && c.security_barrier == d.security_barrier
                            && c.security_invoker == d.security_invoker));
                if query_same {
                    // Options, comment, a refresh: in place. Indexes of a materialized view as index ops.
                    let core = |v: &View| View {
                        indexes: vec![],
                        ..v.clone()
                    };
                    if core(c) != core(d) {
                        ops.push(Op::AlterView {
                            from: core(c),
                            to: core(d),
                        });
                    }
                    for i in &c.indexes {
                        if !d.indexes.contains(i) {
                            ops.push(Op::DropIndex {
                                table: n.clone(),
                                index: i.clone(),
                            });
                        }
                    }
                    for i in &d.indexes {
                        if !c.indexes.contains(i) {
                            ops.push(Op::CreateIndex {
                                table: n.clone(),
                                index: i.clone(),
                            });
                        }
                    }
                } else if replaceable(c, d) {
                    ops.push(Op::AlterView {
                        from: c.clone(),
                        to: d.clone(),
                    });
                } else {
                    ops.push(Op::DropView(c.clone()));
                    ops.push(Op::CreateView(d.clone()));
                }
            }
        }
    }
    for (n, c) in &current.views {
        if !desired.views.contains_key(n) {
            ops.push(Op::DropView(c.clone()));
        }
    }
}

/// Objects kept whole (triggers, rules): created, dropped, or dropped and created when changed.
fn diff_whole<K: Ord, T: Clone + PartialEq>(
    cur: &BTreeMap<K, T>,
    des: &BTreeMap<K, T>,
    ops: &mut Vec<Op>,
    create: impl Fn(T) -> Op,
    drop: impl Fn(T) -> Op,
) {
    for (k, d) in des {
        match cur.get(k) {
            None => ops.push(create(d.clone())),
            Some(c) if c != d => {
                ops.push(drop(c.clone()));
                ops.push(create(d.clone()));
            }
            _ => {}
        }
    }
    for (k, c) in cur {
        if !des.contains_key(k) {
            ops.push(drop(c.clone()));
        }
    }
}

pub(super) fn diff_objects(current: &Schema, desired: &Schema, ops: &mut Vec<Op>) {
    diff_views(current, desired, ops);
    diff_whole(
        &current.triggers,
        &desired.triggers,
        ops,
        Op::CreateTrigger,
        Op::DropTrigger,
    );
    diff_whole(
        &current.policies,
        &desired.policies,
        ops,
        Op::CreatePolicy,
        Op::DropPolicy,
    );
    diff_whole(
        &current.rules,
        &desired.rules,
        ops,
        Op::CreateRule,
        Op::DropRule,
    );
}

/// Row-level security of tables on both sides (a new table's is set by its create).
pub(super) fn diff_row_security(
    current: &Schema,
    desired: &Schema,
    renamed: &BTreeMap<QName, QName>,
    ops: &mut Vec<Op>,
) {
    for (n, d) in &desired.tables {
        let old = renamed
            .iter()
            .find(|(_, to)| *to == n)
            .map(|(from, _)| from)
            .unwrap_or(n);
        let Some(c) = current.tables.get(old) else {
            continue;
        };
        if c.row_security != d.row_security {
            // A table made again here (re-created) gets its setting with its creation.
            let made = ops
                .iter()
                .any(|o| matches!(o, Op::CreateTable(t) if t.name == *n));
            if !made {
                ops.push(Op::SetRowSecurity {
                    table: n.clone(),
                    from: c.row_security,
                    to: d.row_security,
                });
            }
        }
    }
}
