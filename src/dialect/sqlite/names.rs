//! SQLite names are case-insensitive: a table or column whose name changes only in case is the same
//! object renamed (never dropped and re-created), and a foreign key naming `Users` references `users`.

use crate::schema::{QName, Schema};

fn same(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// `(current, desired)` with case-only renames made explicit (`renamed_from`) and foreign keys of
/// `current` spelled as the models spell the tables they reference; `None` when nothing differs in case.
pub fn match_names(current: &Schema, desired: &Schema) -> Option<(Schema, Schema)> {
    // Both schemas are copied only when some name could differ in case alone.
    if !could_differ(current, desired) {
        return None;
    }
    let mut cur = current.clone();
    let mut des = desired.clone();
    let mut changed = false;
    // Tables.
    let des_names: Vec<QName> = des.tables.keys().cloned().collect();
    for name in &des_names {
        if cur.tables.contains_key(name) {
            continue;
        }
        let old = cur
            .tables
            .keys()
            .find(|c| {
                c.schema == name.schema && same(&c.name, &name.name) && !des.tables.contains_key(*c)
            })
            .cloned();
        if let (Some(old), Some(t)) = (old, des.tables.get_mut(name)) {
            if t.renamed_from.is_none() {
                t.renamed_from = Some(old);
                changed = true;
            }
        }
    }
    changed |= super::super::case_names::column_renames(desired, &cur, &mut des);
    // Foreign keys of the database, spelled as the models spell their target tables.
    for t in cur.tables.values_mut() {
        for fk in t.foreign_keys.iter_mut() {
            if des.tables.contains_key(&fk.ref_table) {
                continue;
            }
            if let Some(n) = des
                .tables
                .keys()
                .find(|n| n.schema == fk.ref_table.schema && same(&n.name, &fk.ref_table.name))
            {
                fk.ref_table = n.clone();
                changed = true;
            }
        }
    }
    changed.then_some((cur, des))
}

/// Whether `match_names` could find anything: a table or column of the models missing from the
/// database under its exact name, or a foreign key of the database naming a table the models lack.
fn could_differ(current: &Schema, desired: &Schema) -> bool {
    desired.tables.iter().any(|(name, t)| {
        let old = t.renamed_from.as_ref().unwrap_or(name);
        match current.tables.get(old) {
            None => true,
            Some(c) => t
                .columns
                .iter()
                .any(|col| col.renamed_from.is_none() && c.column(&col.name).is_none()),
        }
    }) || current.tables.values().any(|t| {
        t.foreign_keys
            .iter()
            .any(|fk| !desired.tables.contains_key(&fk.ref_table))
    })
}
