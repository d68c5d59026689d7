//! `diff(current, desired)`: the ops that turn one canonical schema into the other. Deterministic, no I/O.

use std::collections::{BTreeMap, BTreeSet};

use crate::op::{EnumUsage, Op};
use crate::schema::*;

/// Both schemas must have been canonicalized by the same dialect.
pub fn diff(current: &Schema, desired: &Schema) -> Vec<Op> {
    let mut ops = Vec::new();
    let cur_ns: BTreeSet<_> = current.namespaces.iter().collect();
    let des_ns: BTreeSet<_> = desired.namespaces.iter().collect();
    for n in des_ns.difference(&cur_ns) {
        ops.push(Op::CreateNamespace((*n).clone()));
    }
    for n in cur_ns.difference(&des_ns) {
        ops.push(Op::DropNamespace((*n).clone()));
    }
    for e in &desired.extensions {
        if !current.extensions.iter().any(|c| c.name == e.name) {
            ops.push(Op::CreateExtension(e.clone()));
        }
    }
    for e in &current.extensions {
        if !desired.extensions.iter().any(|d| d.name == e.name) {
            ops.push(Op::DropExtension(e.clone()));
        }
    }
    diff_enums(current, desired, &mut ops);
    diff_map(
        &current.domains,
        &desired.domains,
        &mut ops,
        Op::CreateDomain,
        Op::DropDomain,
        |from, to| Op::AlterDomain { from, to },
    );
    let renamed = table_renames(current, desired);
    let seq_renames = diff_sequences(current, desired, &renamed, &mut ops);
    for (sig, f) in &desired.functions {
        match current.functions.get(sig) {
            None => ops.push(Op::CreateFunction(f.clone())),
            Some(c) if c.sql != f.sql => ops.push(Op::ReplaceFunction {
                from: c.clone(),
                to: f.clone(),
            }),
            _ => {}
        }
    }
    for (sig, f) in &current.functions {
        if !desired.functions.contains_key(sig) {
            ops.push(Op::DropFunction(f.clone()));
        }
    }
    diff_tables(current, desired, &renamed, &seq_renames, &mut ops);
    ops
}

fn diff_map<T: Clone + PartialEq>(
    cur: &BTreeMap<QName, T>,
    des: &BTreeMap<QName, T>,
    ops: &mut Vec<Op>,
    create: impl Fn(T) -> Op,
    drop: impl Fn(T) -> Op,
    alter: impl Fn(T, T) -> Op,
) {
    for (name, d) in des {
        match cur.get(name) {
            None => ops.push(create(d.clone())),
            Some(c) if c != d => ops.push(alter(c.clone(), d.clone())),
            _ => {}
        }
    }
    for (name, c) in cur {
        if !des.contains_key(name) {
            ops.push(drop(c.clone()));
        }
    }
}

fn diff_enums(current: &Schema, desired: &Schema, ops: &mut Vec<Op>) {
    for (name, d) in &desired.enums {
        match current.enums.get(name) {
            None => ops.push(Op::CreateEnum(d.clone())),
            Some(c) if c.values != d.values => {
                ops.push(Op::AlterEnum {
                    name: name.clone(),
                    from: c.values.clone(),
                    to: d.values.clone(),
                    usages: enum_usages(current, name),
                });
            }
            _ => {}
        }
    }
    for (name, c) in &current.enums {
        if !desired.enums.contains_key(name) {
            ops.push(Op::DropEnum(c.clone()));
        }
    }
}

/// Columns of `schema` whose type is the enum `name` (or an array of it).
fn enum_usages(schema: &Schema, name: &QName) -> Vec<EnumUsage> {
    let tyname = crate::sql::qname_sql(name);
    let mut out = vec![];
    for t in schema.tables.values() {
        for c in &t.columns {
            let base = c.ty.trim_end_matches("[]");
            if base == tyname {
                let m = |sql: &str| crate::sql::mentions(sql, &c.name);
                out.push(EnumUsage {
                    table: t.name.clone(),
                    column: c.name.clone(),
                    default: c.default.clone(),
                    array: c.ty.ends_with("[]"),
                    indexes: t
                        .indexes
                        .iter()
                        .filter(|i| {
                            i.parts.iter().any(|p| m(&p.expr.sql))
                                || i.predicate.as_ref().is_some_and(|p| m(&p.sql))
                        })
                        .cloned()
                        .collect(),
                    checks: t
                        .checks
                        .iter()
                        .filter(|k| m(&k.expr.sql))
                        .cloned()
                        .collect(),
                });
            }
        }
    }
    out
}

/// Sequences; returns those renamed with their owning table or column (old → new name).
fn diff_sequences(
    current: &Schema,
    desired: &Schema,
    renamed: &BTreeMap<QName, QName>,
    ops: &mut Vec<Op>,
) -> Vec<(QName, QName)> {
    let unowned = |s: &Sequence| Sequence {
        owned_by: None,
        ..s.clone()
    };
    // A sequence owned by a column of a renamed table (or a renamed column) that the models own under
    // the new name is the same sequence renamed: recreating it would restart the ids at 1.
    let follows = |c: &Sequence, d: &Sequence| -> bool {
        let (Some((ct, cc)), Some((dt, dc))) = (&c.owned_by, &d.owned_by) else {
            return false;
        };
        let same_table = renamed.get(ct) == Some(dt) || ct == dt;
        let same_column = cc == dc
            || desired
                .tables
                .get(dt)
                .and_then(|t| t.column(dc))
                .is_some_and(|col| col.renamed_from.as_deref() == Some(cc.as_str()));
        same_table && same_column && (ct != dt || cc != dc)
    };
    let mut seq_renames: Vec<(QName, QName)> = vec![];
    for (name, d) in &desired.sequences {
        if current.sequences.contains_key(name) {
            continue;
        }
        let from = current.sequences.values().find(|c| {
            !desired.sequences.contains_key(&c.name)
                && !seq_renames.iter().any(|(o, _)| *o == c.name)
                && follows(c, d)
        });
        if let Some(c) = from {
            ops.push(Op::RenameSequence {
                from: c.name.clone(),
                to: name.clone(),
            });
            let before = Sequence {
                name: name.clone(),
                ..unowned(c)
            };
            if before != unowned(d) {
                ops.push(Op::AlterSequence {
                    from: before,
                    to: unowned(d),
                });
            }
            seq_renames.push((c.name.clone(), name.clone()));
        }
    }
    let renamed_to = |n: &QName| seq_renames.iter().any(|(_, t)| t == n);
    let renamed_from = |n: &QName| seq_renames.iter().any(|(o, _)| o == n);
    for (name, d) in &desired.sequences {
        if renamed_to(name) {
            continue;
        }
        match current.sequences.get(name) {
            None => {
                ops.push(Op::CreateSequence(unowned(d)));
                if d.owned_by.is_some() {
                    ops.push(Op::SetSequenceOwner {
                        seq: name.clone(),
                        from: None,
                        to: d.owned_by.clone(),
                    });
                }
            }
            Some(c) => {
                if unowned(c) != unowned(d) {
                    ops.push(Op::AlterSequence {
                        from: unowned(c),
                        to: unowned(d),
                    });
                }
                if c.owned_by != d.owned_by {
                    ops.push(Op::SetSequenceOwner {
                        seq: name.clone(),
                        from: c.owned_by.clone(),
                        to: d.owned_by.clone(),
                    });
                }
            }
        }
    }
    for (name, c) in &current.sequences {
        if !desired.sequences.contains_key(name) && !renamed_from(name) {
            if c.owned_by.is_some() {
                ops.push(Op::SetSequenceOwner {
                    seq: name.clone(),
                    from: c.owned_by.clone(),
                    to: None,
                });
            }
            ops.push(Op::DropSequence(unowned(c)));
        }
    }
    seq_renames
}

/// Table renames (old → new): a desired table whose `renamed_from` exists and whose own name does not.
fn table_renames(current: &Schema, desired: &Schema) -> BTreeMap<QName, QName> {
    let mut renamed = BTreeMap::new();
    for (name, d) in &desired.tables {
        if let Some(old) = &d.renamed_from {
            if !current.tables.contains_key(name) && current.tables.contains_key(old) {
                renamed.insert(old.clone(), name.clone());
            }
        }
    }
    renamed
}

fn diff_tables(
    current: &Schema,
    desired: &Schema,
    renamed: &BTreeMap<QName, QName>,
    seq_renames: &[(QName, QName)],
    ops: &mut Vec<Op>,
) {
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
                current.tables.get(o).map(|t| Table {
                    name: name.clone(),
                    ..t.clone()
                })
            }
            None => current.tables.get(name).cloned(),
        };
        match cur {
            None => ops.push(Op::CreateTable(Table {
                renamed_from: None,
                ..d.clone()
            })),
            Some(c) => {
                if c.partition_by != d.partition_by || c.partition_of != d.partition_of {
                    // PostgreSQL cannot change partitioning in place.
                    ops.push(Op::DropTable(c.clone()));
                    ops.push(Op::CreateTable(Table {
                        renamed_from: None,
                        ..d.clone()
                    }));
                } else {
                    diff_table(old.as_ref().unwrap_or(name), &c, d, seq_renames, ops);
                }
            }
        }
    }
    for (name, c) in &current.tables {
        if !desired.tables.contains_key(name) && !renamed.contains_key(name) {
            ops.push(Op::DropTable(c.clone()));
        }
    }
}

/// `old`: the table's name before this revision (drops run before renames, so they use it).
/// `seq_renames`: sequences renamed with their table, whose `nextval` defaults follow them.
fn diff_table(
    old: &QName,
    cur: &Table,
    des: &Table,
    seq_renames: &[(QName, QName)],
    ops: &mut Vec<Op>,
) {
    let t = &des.name;
    let table_renamed = old != t;
    // Columns, with renames.
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    for d in &des.columns {
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
                if c.generated != d.generated {
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
    diff_named(
        &cur.checks,
        &des.checks,
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
    diff_named(
        &cur.indexes,
        &des.indexes,
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
    if cur.comment != des.comment {
        ops.push(Op::SetTableComment {
            table: t.clone(),
            from: cur.comment.clone(),
            to: des.comment.clone(),
        });
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, cols: &[(&str, &str)]) -> Table {
        let mut t = Table::new(QName::parse(name));
        t.columns = cols.iter().map(|(n, ty)| Column::new(n, ty)).collect();
        t
    }

    fn schema(tables: Vec<Table>) -> Schema {
        Schema {
            tables: tables.into_iter().map(|t| (t.name.clone(), t)).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn identical_schemas_have_no_ops() {
        let s = schema(vec![table("a", &[("id", "integer")])]);
        assert!(diff(&s, &s).is_empty());
    }

    #[test]
    fn column_rename_is_not_drop_and_add() {
        let cur = schema(vec![table("a", &[("id", "integer"), ("nm", "text")])]);
        let mut t = table("a", &[("id", "integer"), ("name", "text")]);
        t.columns[1].renamed_from = Some("nm".into());
        let ops = diff(&cur, &schema(vec![t]));
        assert_eq!(
            ops,
            vec![Op::RenameColumn {
                table: QName::parse("a"),
                from: "nm".into(),
                to: "name".into()
            }]
        );
    }

    #[test]
    fn index_with_same_definition_and_new_name_is_renamed() {
        let idx = |n: &str| Index {
            name: n.into(),
            unique: false,
            method: "btree".into(),
            parts: vec![],
            include: vec![],
            predicate: None,
            nulls_not_distinct: false,
        };
        let mut a = table("a", &[("id", "integer")]);
        a.indexes.push(idx("old"));
        let mut b = a.clone();
        b.indexes[0] = idx("new");
        let ops = diff(&schema(vec![a]), &schema(vec![b]));
        assert_eq!(
            ops,
            vec![Op::RenameIndex {
                table: QName::parse("a"),
                from: "old".into(),
                to: "new".into()
            }]
        );
    }

    #[test]
    fn table_rename_then_diff_contents() {
        let cur = schema(vec![table("old", &[("id", "integer")])]);
        let mut t = table("new", &[("id", "bigint")]);
        t.renamed_from = Some(QName::parse("old"));
        let ops = diff(&cur, &schema(vec![t]));
        assert!(matches!(&ops[0], Op::RenameTable { .. }));
        assert!(matches!(&ops[1], Op::AlterColumn { .. }));
        assert_eq!(ops.len(), 2);
    }
}
