//! load → introspect → diff → order → render up and inverse: the plan a revision is written from.

use crate::dialect::Dialect;
use crate::diff::diff;
use crate::op::Op;
use crate::order::order;
use crate::schema::{QName, Schema};

pub struct Plan {
    pub ops: Vec<Op>,
    pub upgrade: Vec<String>,
    pub downgrade: Vec<String>,
    /// What the upgrade destroys or may change (drops, narrowing type changes), or where it fails on
    /// existing rows (a NOT NULL column without a default).
    pub warnings: Vec<String>,
    /// The same for the downgrade (it drops what the upgrade added, narrows what it widened …).
    pub downgrade_warnings: Vec<String>,
    /// Suggestions printed when the revision is generated (a drop and an add that look like a rename).
    pub hints: Vec<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// The ops from `current` to `desired` (both canonical), and their SQL both ways.
/// Downgrade = render(inverse(op)) in reverse order: one renderer, no hand-written down path.
pub fn plan(current: &Schema, desired: &Schema, d: &dyn Dialect) -> Plan {
    let matched = d.match_names(current, desired);
    let (current, desired) = match &matched {
        Some((c, m)) => (c, m),
        None => (current, desired),
    };
    let raw = diff(current, desired);
    let hints = rename_hints(&raw);
    let lowered = d.lower(raw, current, desired);
    let ops = order(
        crate::dependents::around(lowered, current, desired),
        d.fk_cycles_need_alter(),
    );
    render(ops, hints, d)
}

fn render(ops: Vec<Op>, hints: Vec<String>, d: &dyn Dialect) -> Plan {
    let upgrade = d.combine(ops.iter().flat_map(|o| d.render(o)).collect());
    let downgrade = d.combine(
        ops.iter()
            .rev()
            .flat_map(|o| d.render(&o.inverse()))
            .collect(),
    );
    // A table created by this plan has no rows: steps on it neither lose data nor fail on it. The same
    // holds for the downgrade, whose new tables are the ones the upgrade drops.
    let made = |create: bool| -> std::collections::BTreeSet<&QName> {
        ops.iter()
            .filter_map(|o| match (o, create) {
                (Op::CreateTable(t), true) | (Op::DropTable(t), false) => Some(&t.name),
                _ => None,
            })
            .collect()
    };
    let (created, recreated) = (made(true), made(false));
    // A check dropped and added back unchanged (around a type change) holds for every row it held for.
    let readded = |o: &Op| match o {
        Op::AddCheck { table, check } => ops.iter().any(|x| {
            matches!(x, Op::DropCheck { table: t, check: c } | Op::AddCheck { table: t, check: c }
                if t == table && c == check && !std::ptr::eq(x, o))
        }),
        _ => false,
    };
    let warnings = ops
        .iter()
        .filter(|o| o.table().is_none_or(|t| !created.contains(t)))
        .filter(|o| !readded(o))
        .filter_map(|o| d.warning(o))
        .collect();
    // What this revision creates, its downgrade drops: one line names it all (a first revision of a
    // thousand tables gets one line, not a thousand).
    let mut downgrade_warnings: Vec<String> = vec![];
    let list = |names: Vec<String>| {
        let more = names.len().saturating_sub(10);
        let shown = names.into_iter().take(10).collect::<Vec<_>>().join(", ");
        if more > 0 {
            format!("{shown} and {more} more")
        } else {
            shown
        }
    };
    let new_tables: Vec<String> = created.iter().map(|t| t.to_string()).collect();
    let new_sequences: Vec<String> = ops
        .iter()
        .filter_map(|o| match o {
            Op::CreateSequence(q) => Some(q.name.to_string()),
            _ => None,
        })
        .collect();
    let named = |f: fn(&Op) -> Option<String>| ops.iter().filter_map(f).collect::<Vec<_>>();
    let kinds: [(&str, Vec<String>); 11] = [
        (
            "schema(s)",
            named(|o| match o {
                Op::CreateNamespace(n) => Some(n.clone()),
                _ => None,
            }),
        ),
        (
            "extension(s)",
            named(|o| match o {
                Op::CreateExtension(e) => Some(e.name.clone()),
                _ => None,
            }),
        ),
        (
            "enum(s)",
            named(|o| match o {
                Op::CreateEnum(e) => Some(e.name.to_string()),
                _ => None,
            }),
        ),
        (
            "domain(s)",
            named(|o| match o {
                Op::CreateDomain(d) => Some(d.name.to_string()),
                _ => None,
            }),
        ),
        (
            "function(s)",
            named(|o| match o {
                Op::CreateFunction(f) => Some(f.signature()),
                _ => None,
            }),
        ),
        ("table(s)", new_tables),
        ("sequence(s)", new_sequences),
        (
            "view(s)",
            named(|o| match o {
                Op::CreateView(v) => Some(v.name.to_string()),
                _ => None,
            }),
        ),
        (
            "trigger(s)",
            named(|o| match o {
                Op::CreateTrigger(t) => Some(format!("{} on {}", t.name, t.table)),
                _ => None,
            }),
        ),
        (
            "policy(ies)",
            named(|o| match o {
                Op::CreatePolicy(p) => Some(format!("{} on {}", p.name, p.table)),
                _ => None,
            }),
        ),
        (
            "rule(s)",
            named(|o| match o {
                Op::CreateRule(r) => Some(format!("{} on {}", r.name, r.table)),
                _ => None,
            }),
        ),
    ];
    // Views, functions, triggers, policies and rules dropped and created again around a change are not new.
    let again: std::collections::BTreeSet<String> = ops
        .iter()
        .filter_map(|o| match o {
            Op::DropView(v) => Some(v.name.to_string()),
            Op::DropFunction(f) => Some(f.signature()),
            Op::DropTrigger(t) => Some(format!("{} on {}", t.name, t.table)),
            Op::DropPolicy(p) => Some(format!("{} on {}", p.name, p.table)),
            Op::DropRule(r) => Some(format!("{} on {}", r.name, r.table)),
            _ => None,
        })
        .collect();
    let made: Vec<String> = kinds
        .into_iter()
        .map(|(k, v)| {
            (
                k,
                v.into_iter()
                    .filter(|n| !again.contains(n))
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k} {}", list(v)))
        .collect();
    if !made.is_empty() {
        downgrade_warnings.push(format!(
            "drops what this revision creates: {}",
            made.join("; ")
        ));
    }
    downgrade_warnings.extend(
        ops.iter()
            .rev()
            .filter(|o| {
                !matches!(
                    o,
                    Op::CreateTable(_)
                        | Op::CreateSequence(_)
                        | Op::CreateNamespace(_)
                        | Op::CreateExtension(_)
                        | Op::CreateEnum(_)
                        | Op::CreateDomain(_)
                        | Op::CreateFunction(_)
                )
            })
            .map(Op::inverse)
            .filter(|o| o.table().is_none_or(|t| !recreated.contains(t)))
            .filter(|o| !readded(o))
            .filter_map(|o| d.warning(&o))
            .map(|w| w.replace("the upgrade fails", "the downgrade fails")),
    );
    Plan {
        ops,
        upgrade,
        downgrade,
        warnings,
        downgrade_warnings,
        hints,
    }
}

/// The plan as the revisions that must be committed one after the other: an enum value added and used
/// in the same change (as a default, in a check …) cannot be used before the `ADD VALUE` is committed,
/// so those `ADD VALUE`s become a revision of their own, ahead of the rest. Mostly one plan.
/// Each revision is planned between the schemas it goes between: the first from the database to the
/// database with the values added, the second from there to the models, so each downgrade is written
/// against the schema it finds (the first's swap back converts the columns there are then, around the
/// views and checks there are then).
pub fn plans(current: &Schema, desired: &Schema, d: &dyn Dialect) -> Vec<Plan> {
    let p = plan(current, desired, d);
    // Only a plan that alters an enum can need two revisions: the schema is copied for that case alone.
    if !p.ops.iter().any(|o| matches!(o, Op::AlterEnum { .. })) {
        return vec![p];
    }
    let mut mid = current.clone();
    let mut split = false;
    for op in &p.ops {
        let Op::AlterEnum { name, from, to, .. } = op else {
            continue;
        };
        let added: Vec<&String> = to.iter().filter(|v| !from.contains(v)).collect();
        let used = added.iter().any(|v| {
            let needle = d.literal(v);
            p.ops
                .iter()
                .filter(|o| !matches!(o, Op::AlterEnum { .. }))
                .flat_map(|o| d.render(o))
                .any(|sql| sql.contains(&needle))
        });
        if crate::sql::enum_values_appended(from, to) && used {
            if let Some(e) = mid.enums.get_mut(name) {
                e.values = to.clone();
                split = true;
            }
        }
    }
    if !split {
        return vec![p];
    }
    let (first, rest) = (plan(current, &mid, d), plan(&mid, desired, d));
    if first.is_empty() || rest.is_empty() {
        return vec![p];
    }
    vec![
        first,
        Plan {
            hints: p.hints,
            ..rest
        },
    ]
}

/// A column dropped and another of the same type added in one table (or a table dropped and one with
/// the same columns created) is often a rename that lost its `renamed_from`: say so, since the drop
/// loses the data.
fn rename_hints(ops: &[Op]) -> Vec<String> {
    let mut hints = vec![];
    // A column dropped and added under the same name (generated ↔ plain) is no rename.
    let readded = |table: &QName, name: &str, adds: bool| {
        ops.iter().any(|o| match o {
            Op::AddColumn {
                table: t,
                column: c,
            } if adds => t == table && c.name == name,
            Op::DropColumn {
                table: t,
                column: c,
            } if !adds => t == table && c.name == name,
            _ => false,
        })
    };
    for op in ops {
        if let Op::DropColumn { table, column } = op {
            if readded(table, &column.name, true) {
                continue;
            }
            for other in ops {
                if let Op::AddColumn {
                    table: t2,
                    column: c2,
                } = other
                {
                    if t2 == table
                        && c2.ty == column.ty
                        && c2.name != column.name
                        && !readded(t2, &c2.name, false)
                    {
                        hints.push(format!(
                            "table {table}: column {} is dropped and {} (also {}) is added; if it is a rename, write `renamed_from = \"{}\"` on {} to keep the data",
                            column.name, c2.name, c2.ty, column.name, c2.name
                        ));
                    }
                }
            }
        }
        if let Op::DropTable(t) = op {
            let cols = |x: &crate::schema::Table| {
                x.columns
                    .iter()
                    .map(|c| (c.name.clone(), c.ty.clone()))
                    .collect::<Vec<_>>()
            };
            for other in ops {
                if let Op::CreateTable(n) = other {
                    if !n.columns.is_empty() && cols(n) == cols(t) && n.name != t.name {
                        hints.push(format!(
                            "table {} is dropped and {} (with the same columns) is created; if it is a rename, write `renamed_from = \"{}\"` under [tables.{}] to keep the rows",
                            t.name, n.name, qname_key(&t.name), qname_key(&n.name)
                        ));
                    }
                }
            }
        }
    }
    hints
}

fn qname_key(q: &QName) -> String {
    q.to_string()
}
