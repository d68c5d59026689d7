//! `diff(current, desired)`: the ops that turn one canonical schema into the other. Deterministic, no I/O.

use std::collections::{BTreeMap, BTreeSet};

use crate::op::{EnumUsage, Op};
use crate::schema::*;

mod objects;
mod renames;
mod table;
mod tables;
pub use objects::replaceable;
use tables::diff_tables;

/// Both schemas must have been canonicalized by the same dialect.
pub fn diff(current: &Schema, desired: &Schema) -> Vec<Op> {
    let mut ops = Vec::new();
    let cur_ns: BTreeSet<_> = current.namespaces.iter().collect();
    let des_ns: BTreeSet<_> = desired.namespaces.iter().collect();
    for n in des_ns.difference(&cur_ns) {
        ops.push(Op::CreateNamespace((*n).clone()));
    }
    for n in cur_ns.difference(&des_ns) {
        if !current.occupied.contains(n) {
            ops.push(Op::DropNamespace((*n).clone()));
        }
    }
    for (n, c) in &desired.collations {
        match current.collations.get(n) {
            None => ops.push(Op::CreateCollation(c.clone())),
            Some(x) if x != c => {
                ops.push(Op::DropCollation(x.clone()));
                ops.push(Op::CreateCollation(c.clone()));
            }
            _ => {}
        }
    }
    for (n, c) in &current.collations {
        if !desired.collations.contains_key(n) {
            ops.push(Op::DropCollation(c.clone()));
        }
    }
    for (n, x) in &desired.ts_dictionaries {
        match current.ts_dictionaries.get(n) {
            None => ops.push(Op::CreateTsDictionary(x.clone())),
            Some(c) if c.template != x.template => {
                ops.push(Op::DropTsDictionary(c.clone()));
                ops.push(Op::CreateTsDictionary(x.clone()));
            }
            Some(c) if c != x => ops.push(Op::AlterTsDictionary {
                from: c.clone(),
                to: x.clone(),
            }),
            _ => {}
        }
    }
    for (n, x) in &desired.ts_configurations {
        match current.ts_configurations.get(n) {
            None => ops.push(Op::CreateTsConfiguration(x.clone())),
            Some(c) if c.parser != x.parser => {
                ops.push(Op::DropTsConfiguration(c.clone()));
                ops.push(Op::CreateTsConfiguration(x.clone()));
            }
            Some(c) if c != x => ops.push(Op::AlterTsConfiguration {
                from: c.clone(),
                to: x.clone(),
            }),
            _ => {}
        }
    }
    for (n, c) in &current.ts_configurations {
        if !desired.ts_configurations.contains_key(n) {
            ops.push(Op::DropTsConfiguration(c.clone()));
        }
    }
    for (n, c) in &current.ts_dictionaries {
        if !desired.ts_dictionaries.contains_key(n) {
            ops.push(Op::DropTsDictionary(c.clone()));
        }
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
    defaults_in_enum_swaps(&mut ops, desired);
    objects::diff_row_security(current, desired, &renamed, &mut ops);
    objects::diff_objects(current, desired, &mut ops);
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
                    usages: enum_usages(current, desired, name),
                    swap: !crate::sql::enum_values_appended(&c.values, &d.values),
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

/// A column an enum swap converts gets its new default from the swap (after the conversion, in both
/// directions): the column's own change leaves its default alone.
fn defaults_in_enum_swaps(ops: &mut Vec<Op>, desired: &Schema) {
    // The column is there after the swap, of the same type: the swap sets its default.
    let desired_has = |u: &EnumUsage| {
        desired
            .tables
            .get(&u.table)
            .and_then(|t| t.column(&u.column))
            .is_some()
    };
    let converted: BTreeSet<(QName, String)> = ops
        .iter()
        .filter_map(Op::swapped_enum_usages)
        .flatten()
        .filter(|u| desired_has(u))
        .map(|u| (u.table.clone(), u.column.clone()))
        .collect();
    if converted.is_empty() {
        return;
    }
    for o in ops.iter_mut() {
        if let Op::AlterColumn { table, from, to } = o {
            if converted.contains(&(table.clone(), from.name.clone())) {
                to.default = from.default.clone();
            }
        }
    }
    ops.retain(|o| !matches!(o, Op::AlterColumn { from, to, .. } if from == to));
}

/// Columns of `current` of the enum `name`'s type (or an array of it), as a type swap finds them.
fn enum_usages(current: &Schema, desired: &Schema, name: &QName) -> Vec<EnumUsage> {
    let tyname = crate::sql::qname_sql(name);
    // Foreign keys by each column at either end of them.
    let mut fks: BTreeMap<(&QName, &str), Vec<(&Table, &ForeignKey)>> = BTreeMap::new();
    for ft in current.tables.values() {
        for fk in &ft.foreign_keys {
            let ends = fk.columns.iter().map(|c| (&ft.name, c.as_str()));
            let refs = fk.ref_columns.iter().map(|c| (&fk.ref_table, c.as_str()));
            for key in ends.chain(refs) {
                let list = fks.entry(key).or_default();
                if !list
                    .iter()
                    .any(|(t, f)| t.name == ft.name && f.name == fk.name)
                {
                    list.push((ft, fk));
                }
            }
        }
    }
    let mut out = vec![];
    for t in current.tables.values() {
        let there = desired.tables.get(&t.name);
        for c in &t.columns {
            if c.ty.trim_end_matches("[]") != tyname {
                continue;
            }
            let same_type = there
                .and_then(|o| o.column(&c.name))
                .filter(|oc| oc.ty == c.ty);
            let m = |sql: &str| crate::sql::mentions(sql, &c.name);
            out.push(EnumUsage {
                table: t.name.clone(),
                column: c.name.clone(),
                array: c.ty.ends_with("[]"),
                default_before: c.default.clone(),
                default_after: same_type.and_then(|oc| oc.default.clone()),
                indexes: t
                    .indexes
                    .iter()
                    .filter(|i| {
                        i.parts.iter().any(|p| m(&p.expr.sql))
                            || i.predicate.as_ref().is_some_and(|p| m(&p.sql))
                    })
                    .filter(|i| there.is_some_and(|o| o.indexes.contains(i)))
                    .cloned()
                    .collect(),
                checks: t
                    .checks
                    .iter()
                    .filter(|k| m(&k.expr.sql))
                    .filter(|k| there.is_some_and(|o| o.checks.contains(k)))
                    .cloned()
                    .collect(),
                foreign_keys: fks
                    .get(&(&t.name, c.name.as_str()))
                    .into_iter()
                    .flatten()
                    .filter(|(ft, fk)| {
                        desired
                            .tables
                            .get(&ft.name)
                            .is_some_and(|o| o.foreign_keys.contains(*fk))
                    })
                    .map(|(ft, fk)| (ft.name.clone(), (*fk).clone()))
                    .collect(),
            });
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
            with: vec![],
            ..Default::default()
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
