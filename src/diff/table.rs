//! The diff of one table present on both sides: columns (with renames and the sequences that follow
//! them), keys, constraints and indexes by name and definition, comments.

use std::collections::BTreeSet;

use crate::op::Op;
use crate::schema::*;

/// `old`: the table's name before this revision (drops run before renames, so they use it).
/// `seq_renames`: sequences renamed with their table, whose `nextval` defaults follow them.
pub(super) fn diff_table(
    old: &QName,
    cur: &Table,
    des: &Table,
    seq_renames: &[(QName, QName)],
    ops: &mut Vec<Op>,
) {
    let t = &des.name;
    let table_renamed = old != t;
    let followed = super::renames::follow_renames(cur, des);
    let cur = followed.as_ref().unwrap_or(cur);
    // Columns, with renames.
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    for d in &des.columns {
        // The common case, a column left as it was: nothing to copy or compare further.
        if let Some(c) = cur.column(&d.name) {
            if !table_renamed && c == d {
                matched.insert(c.name.as_str());
                continue;
            }
        }
        let c = match cur.column(&d.name) {
            Some(c) => Some(c.clone()),
            None => match d.renamed_from.as_deref().and_then(|o| cur.column(o)) {
                Some(o) => {
                    ops.push(Op::RenameColumn {
                        table: t.clone(),
                        from: o.name.clone(),
                        to: d.name.clone(),
                    });
                    matched.insert(o.name.as_str());
                    Some(Column {
                        name: d.name.clone(),
                        ..o.clone()
                    })
                }
                None => None,
            },
        };
        let d = Column {
            renamed_from: None,
            ..d.clone()
        };
        match c {
            None => ops.push(Op::AddColumn {
                table: t.clone(),
                column: d,
            }),
            Some(c) => {
                let column_renamed = cur.column(&d.name).is_none();
                matched.insert(cur.column(&c.name).map(|x| x.name.as_str()).unwrap_or(""));
                let mut c = Column {
                    renamed_from: None,
                    ..c
                };
                // A serial's sequence renamed with its table: PostgreSQL's default follows it.
                if let (Some(cd), Some(dd)) = (&c.default, &d.default) {
                    if cd != dd
                        && seq_renames
                            .iter()
                            .any(|(o, n)| cd.key.replace(&o.name, &n.name) == dd.key)
                    {
                        c.default = d.default.clone();
                    }
                }
                // An identity's sequence is renamed with its table (or column) so ids continue and the
                // database matches one built from the models.
                if let (Some(ci), Some(di)) = (&c.identity, &d.identity) {
                    if let (Some(cs), Some(ds)) = (&ci.sequence, &di.sequence) {
                        if cs != ds && (table_renamed || column_renamed) {
                            ops.push(Op::RenameSequence {
                                from: cs.clone(),
                                to: ds.clone(),
                            });
                        }
                    }
                }
                // Generated → plain keeps the values (`DROP EXPRESSION`); plain → generated, or a
                // changed expression, is a drop and an add (PostgreSQL cannot alter one in place).
                if c.generated != d.generated && d.generated.is_some() {
                    ops.push(Op::DropColumn {
                        table: t.clone(),
                        column: c,
                    });
                    ops.push(Op::AddColumn {
                        table: t.clone(),
                        column: d,
                    });
                } else if c != d {
                    ops.push(Op::AlterColumn {
                        table: t.clone(),
                        from: c,
                        to: d,
                    });
                }
            }
        }
    }
    // Dropped last column first, so the downgrade re-adds them in their original order.
    for c in cur.columns.iter().rev() {
        if !matched.contains(c.name.as_str()) && des.column(&c.name).is_none() {
            ops.push(Op::DropColumn {
                table: t.clone(),
                column: c.clone(),
            });
        }
    }
    // Primary key.
    match (&cur.primary_key, &des.primary_key) {
        (Some(c), Some(d)) if c.columns == d.columns && c.name != d.name => {
            ops.push(Op::RenameConstraint {
                table: t.clone(),
                from: c.name.clone(),
                to: d.name.clone(),
            })
        }
        (c, d) if c != d => {
            if let Some(c) = c {
                ops.push(Op::DropPrimaryKey {
                    table: old.clone(),
                    key: c.clone(),
                });
            }
            if let Some(d) = d {
                ops.push(Op::AddPrimaryKey {
                    table: t.clone(),
                    key: d.clone(),
                });
            }
        }
        _ => {}
    }
    let rc = |from: String, to: String| Op::RenameConstraint {
        table: t.clone(),
        from,
        to,
    };
    diff_named(
        &cur.uniques,
        &des.uniques,
        |u| &u.name,
        |u, n| Unique {
            name: n,
            ..u.clone()
        },
        ops,
        rc,
        |u| Op::AddUnique {
            table: t.clone(),
            unique: u,
        },
        |u| Op::DropUnique {
            table: old.clone(),
            unique: u,
        },
    );
    // A check on a column whose type changes is dropped before and added after the change: PostgreSQL
    // would keep the old casts in it (`credits::numeric >= 1::numeric`), unlike a check made fresh.
    let retyped: Vec<&str> = des
        .columns
        .iter()
        .filter(|d| {
            cur.column(&d.name)
                .or_else(|| d.renamed_from.as_deref().and_then(|o| cur.column(o)))
                .is_some_and(|c| c.ty != d.ty && c.generated == d.generated)
        })
        .map(|d| d.name.as_str())
        .collect();
    let recheck = |c: &Check| {
        retyped
            .iter()
            .any(|col| crate::sql::mentions(&c.expr.sql, col))
    };
    let (cur_checks, des_checks) = recreate(
        &cur.checks,
        &des.checks,
        |c| &c.name,
        recheck,
        ops,
        |c| Op::DropCheck {
            table: old.clone(),
            check: c,
        },
        |c| Op::AddCheck {
            table: t.clone(),
            check: c,
        },
    );
    diff_named(
        &cur_checks,
        &des_checks,
        |c| &c.name,
        |c, n| Check {
            name: n,
            ..c.clone()
        },
        ops,
        rc,
        |c| Op::AddCheck {
            table: t.clone(),
            check: c,
        },
        |c| Op::DropCheck {
            table: old.clone(),
            check: c,
        },
    );
    diff_named(
        &cur.others,
        &des.others,
        |c| &c.name,
        |c, n| OtherConstraint {
            name: n,
            ..c.clone()
        },
        ops,
        rc,
        |c| Op::AddOther {
            table: t.clone(),
            constraint: c,
        },
        |c| Op::DropOther {
            table: old.clone(),
            constraint: c,
        },
    );
    diff_named(
        &cur.foreign_keys,
        &des.foreign_keys,
        |f| &f.name,
        |f, n| ForeignKey {
            name: n,
            ..f.clone()
        },
        ops,
        rc,
        |f| Op::AddForeignKey {
            table: t.clone(),
            fk: f,
        },
        |f| Op::DropForeignKey {
            table: old.clone(),
            fk: f,
        },
    );
    let ri = |from: String, to: String| Op::RenameIndex {
        table: t.clone(),
        from,
        to,
    };
    // Likewise an index whose expression or predicate uses such a column: PostgreSQL would rebuild it
    // from its old text, where operators of the old type (an enum's `<>`) no longer apply.
    let reindex = |i: &Index| {
        let uses = |sql: &str| retyped.iter().any(|col| crate::sql::mentions(sql, col));
        let expression = i.parts.iter().any(|p| {
            let bare = p.expr.sql.trim().trim_matches(|c| c == '"' || c == '`');
            !retyped.contains(&bare) && uses(&p.expr.sql)
        });
        expression || i.predicate.as_ref().is_some_and(|p| uses(&p.sql))
    };
    let (cur_indexes, des_indexes) = recreate(
        &cur.indexes,
        &des.indexes,
        |i| &i.name,
        reindex,
        ops,
        |i| Op::DropIndex {
            table: old.clone(),
            index: i,
        },
        |i| Op::CreateIndex {
            table: t.clone(),
            index: i,
        },
    );
    diff_named(
        &cur_indexes,
        &des_indexes,
        |i| &i.name,
        |i, n| Index {
            name: n,
            ..i.clone()
        },
        ops,
        ri,
        |i| Op::CreateIndex {
            table: t.clone(),
            index: i,
        },
        |i| Op::DropIndex {
            table: old.clone(),
            index: i,
        },
    );
    // A partition's own NOT NULL on inherited columns.
    for (name, nullable) in des
        .not_null
        .iter()
        .filter(|c| !cur.not_null.contains(c))
        .map(|c| (c, false))
        .chain(
            cur.not_null
                .iter()
                .filter(|c| !des.not_null.contains(c))
                .map(|c| (c, true)),
        )
    {
        let mut from = Column::new(name, "");
        from.nullable = !nullable;
        let mut to = Column::new(name, "");
        to.nullable = nullable;
        ops.push(Op::AlterColumn {
            table: t.clone(),
            from,
            to,
        });
    }
    if cur.comment != des.comment {
        ops.push(Op::SetTableComment {
            table: t.clone(),
            from: cur.comment.clone(),
            to: des.comment.clone(),
        });
    }
}

/// Objects that stay the same but use a column whose type changes (`around`): dropped and added
/// again around the change. Returns the lists left for `diff_named`.
#[allow(clippy::too_many_arguments)]
fn recreate<T: Clone + PartialEq>(
    cur: &[T],
    des: &[T],
    name: impl Fn(&T) -> &String,
    around: impl Fn(&T) -> bool,
    ops: &mut Vec<Op>,
    drop: impl Fn(T) -> Op,
    add: impl Fn(T) -> Op,
) -> (Vec<T>, Vec<T>) {
    let (rest, again): (Vec<T>, Vec<T>) = cur
        .iter()
        .cloned()
        .partition(|c| !(around(c) && des.contains(c)));
    for c in again {
        let d = des
            .iter()
            .find(|d| **d == c)
            .cloned()
            .unwrap_or_else(|| c.clone());
        ops.push(drop(c));
        ops.push(add(d));
    }
    let des_rest: Vec<T> = des
        .iter()
        .filter(|d| {
            rest.iter().any(|c| name(c) == name(d)) || !cur.iter().any(|c| name(c) == name(d))
        })
        .cloned()
        .collect();
    (rest, des_rest)
}

/// Named objects of one kind: equal by name → nothing; same definition under another name → rename;
/// otherwise drop + add.
#[allow(clippy::too_many_arguments)]
fn diff_named<T: Clone + PartialEq>(
    cur: &[T],
    des: &[T],
    name: impl Fn(&T) -> &String,
    with_name: impl Fn(&T, String) -> T,
    ops: &mut Vec<Op>,
    rename: impl Fn(String, String) -> Op,
    add: impl Fn(T) -> Op,
    drop: impl Fn(T) -> Op,
) {
    let mut gone: Vec<&T> = vec![];
    let mut new: Vec<&T> = vec![];
    for c in cur {
        match des.iter().find(|d| name(d) == name(c)) {
            Some(d) if d == c => {}
            Some(_) => {
                gone.push(c);
                new.push(des.iter().find(|d| name(d) == name(c)).unwrap());
            }
            None => gone.push(c),
        }
    }
    for d in des {
        if !cur.iter().any(|c| name(c) == name(d)) {
            new.push(d);
        }
    }
    let mut drops = vec![];
    let mut renamed_to: BTreeSet<String> = BTreeSet::new();
    for c in gone {
        let same_def = new.iter().find(|d| {
            !renamed_to.contains(name(d))
                && !cur.iter().any(|x| name(x) == name(d))
                && with_name(c, name(d).clone()) == ***d
        });
        match same_def {
            Some(d) => {
                renamed_to.insert(name(d).clone());
                ops.push(rename(name(c).clone(), name(d).clone()));
            }
            None => drops.push(drop(c.clone())),
        }
    }
    ops.extend(drops);
    for d in new {
        if !renamed_to.contains(name(d)) {
            ops.push(add(d.clone()));
        }
    }
}
