//! Case-only renames shared by the dialects whose column names ignore case (SQLite, MySQL): a
//! column whose name changes only in case is the same column renamed, never dropped and re-added.

use crate::schema::Schema;

/// Marks `renamed_from` on each column of `des` that `cur` has only in another case (and that
/// `desired`, the models as written, does not keep); whether any was marked.
pub fn column_renames(desired: &Schema, cur: &Schema, des: &mut Schema) -> bool {
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    let mut changed = false;
    for (name, t) in des.tables.iter_mut() {
        let old = t.renamed_from.clone().unwrap_or_else(|| name.clone());
        let Some(c) = cur.tables.get(&old) else {
            continue;
        };
        for col in t.columns.iter_mut() {
            if col.renamed_from.is_some() || c.column(&col.name).is_some() {
                continue;
            }
            let was = c.columns.iter().find(|x| {
                let kept = desired
                    .tables
                    .get(name)
                    .is_some_and(|d| d.column(&x.name).is_some());
                same(&x.name, &col.name) && !kept
            });
            if let Some(was) = was {
                col.renamed_from = Some(was.name.clone());
                changed = true;
            }
        }
    }
    changed
}
