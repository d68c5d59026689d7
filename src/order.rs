//! Dependency order of ops: types before tables, referenced tables before referencing ones, drops of
//! dependents before what they depend on; FK cycles are broken with `ALTER TABLE … ADD CONSTRAINT`.

use std::collections::{BTreeMap, BTreeSet};

use crate::op::Op;
use crate::schema::{QName, Table};

fn phase(op: &Op) -> u32 {
    use Op::*;
    match op {
        CreateNamespace(_) => 10,
        CreateExtension(_) => 11,
        CreateCollation(_) => 12,
        CreateTsDictionary(_) | AlterTsDictionary { .. } => 13,
        CreateTsConfiguration(_) | AlterTsConfiguration { .. } => 14,
        CreateEnum(_) => 20,
        AlterEnum { .. } => 21,
        CreateDomain(_) => 22,
        AlterDomain { .. } => 23,
        CreateSequence(_) => 24,
        CreateFunction(_) | ReplaceFunction { .. } => 24,
        AlterSequence { .. } => 24,
        // Drops of dependents name things as they were; renames follow; everything after uses new names.
        SetSequenceOwner { to: None, .. } => 30,
        DetachPartition { .. } | NoInherit { .. } => 34,
        // Dependents go first: everything after (an enum swap, a retype, a rebuild) may need them gone.
        DropTrigger(_) | DropPolicy(_) | DropRule(_) => 5,
        DropView(_) => 7,
        CreateView(_) | AlterView { .. } => 69,
        CreateTrigger(_) | CreatePolicy(_) | CreateRule(_) => 71,
        SetRowSecurity { .. } => 72,
        DropForeignKey { .. } => 31,
        DropIndex { .. } => 32,
        DropCheck { .. } | DropUnique { .. } | DropOther { .. } => 33,
        DropPrimaryKey { .. } => 34,
        RenameTable { .. } | RenameSequence { .. } => 35,
        RenameColumn { .. } => 36,
        RenameConstraint { .. } | RenameIndex { .. } => 37,
        DropTable(_) => 40,
        AddColumn { .. } => 50,
        AlterColumn { .. } => 51,
        RebuildTable { .. } => 52,
        DropColumn { .. } => 55,
        CreateTable(_) => 60,
        AttachPartition { .. } | Inherit { .. } => 62,
        AddPrimaryKey { .. } => 64,
        AddUnique { .. } | AddCheck { .. } | AddOther { .. } => 65,
        CreateIndex { .. } | AlterIndex { .. } => 66,
        AddForeignKey { .. } => 67,
        SetSequenceOwner { to: Some(_), .. } => 70,
        SetTableComment { .. } => 75,
        DropSequence(_) => 80,
        DropFunction(_) => 81,
        DropDomain(_) => 81,
        DropEnum(_) => 82,
        DropCollation(_) => 82,
        DropTsConfiguration(_) => 82,
        DropTsDictionary(_) => 82,
        DropExtension(_) => 83,
        DropNamespace(_) => 84,
    }
}

/// Whether a function with an SQL-standard body (`BEGIN ATOMIC … END`, `RETURN …`), which PostgreSQL
/// parses when it is created, names one of `tables` (then it comes after them, and goes before them).
pub(crate) fn standard_body_uses(f: &crate::schema::Function, tables: &BTreeSet<String>) -> bool {
    if tables.is_empty() {
        return false;
    }
    let lower = f.sql.sql.to_lowercase();
    let quoted_body = !crate::sql::split_function(&f.sql.sql).1.is_empty();
    let standard = !quoted_body && (lower.contains("begin atomic") || lower.contains("return "));
    standard
        && crate::sql::words(&f.sql.sql)
            .iter()
            .any(|w| tables.contains(w))
}

/// Whether a function takes or returns the row type of one of `tables` (then it must be created after
/// them and dropped before them). Only its argument types and its `RETURNS` type count.
pub(crate) fn uses_row_type(f: &crate::schema::Function, tables: &BTreeSet<String>) -> bool {
    if tables.is_empty() {
        return false;
    }
    let base = |t: &str| {
        let t = t.trim().trim_end_matches("[]").trim_matches('"');
        t.rsplit('.')
            .next()
            .unwrap_or(t)
            .trim_matches('"')
            .to_lowercase()
    };
    let mut types: Vec<String> = f
        .args
        .split(',')
        .filter(|a| !a.trim().is_empty())
        .map(base)
        .collect();
    let lower = f.sql.sql.to_lowercase();
    let header_end = lower
        .find('$')
        .into_iter()
        .chain(lower.find(" as '"))
        .min()
        .unwrap_or(lower.len());
    let header = &lower[..header_end];
    if let Some(p) = header.find("returns") {
        let mut words = header[p + 7..].split_whitespace();
        let mut w = words.next().unwrap_or("");
        if w == "setof" {
            w = words.next().unwrap_or("");
        }
        types.push(base(w.split('(').next().unwrap_or(w)));
    }
    types.iter().any(|t| tables.contains(t))
}

/// Orders tables so each comes after the tables it depends on (among `tables`); returns the order and the
/// FKs that had to be cut to break cycles (as `(table, fk name)`).
fn topo(tables: &[&Table], break_cycles: bool) -> (Vec<QName>, BTreeSet<(QName, String)>) {
    let names: BTreeSet<QName> = tables.iter().map(|t| t.name.clone()).collect();
    let by_name: BTreeMap<QName, &Table> = tables.iter().map(|t| (t.name.clone(), *t)).collect();
    let mut done: BTreeSet<QName> = BTreeSet::new();
    let mut order = vec![];
    let mut cut = BTreeSet::new();
    // Deterministic DFS by name; a back edge (to a table on the stack) is an FK that must be cut.
    #[allow(clippy::too_many_arguments)]
    fn visit(
        n: &QName,
        by_name: &BTreeMap<QName, &Table>,
        names: &BTreeSet<QName>,
        done: &mut BTreeSet<QName>,
        stack: &mut Vec<QName>,
        order: &mut Vec<QName>,
        cut: &mut BTreeSet<(QName, String)>,
        break_cycles: bool,
    ) {
        if done.contains(n) {
            return;
        }
        stack.push(n.clone());
        let t = by_name[n];
        for p in &t.inherits {
            if names.contains(p) && !stack.contains(p) {
                visit(p, by_name, names, done, stack, order, cut, break_cycles);
            }
        }
        if let Some(p) = &t.partition_of {
            if names.contains(&p.parent) && !stack.contains(&p.parent) {
                visit(
                    &p.parent,
                    by_name,
                    names,
                    done,
                    stack,
                    order,
                    cut,
                    break_cycles,
                );
            }
        }
        for fk in &t.foreign_keys {
            let r = &fk.ref_table;
            if r == n || !names.contains(r) {
                continue;
            }
            if stack.contains(r) {
                if break_cycles {
                    cut.insert((n.clone(), fk.name.clone()));
                }
            } else {
                visit(r, by_name, names, done, stack, order, cut, break_cycles);
            }
        }
        stack.pop();
        done.insert(n.clone());
        order.push(n.clone());
    }
    for n in &names {
        let mut stack = vec![];
        visit(
            n,
            &by_name,
            &names,
            &mut done,
            &mut stack,
            &mut order,
            &mut cut,
            break_cycles,
        );
    }
    (order, cut)
}

/// `tables` in dependency order (reversed for drops), with the FKs cut to break cycles taken out of
/// them and returned as separate ops.
fn in_topo_order(
    tables: Vec<Table>,
    break_cycles: bool,
    reverse: bool,
    fk_op: impl Fn(QName, crate::schema::ForeignKey) -> Op,
) -> (Vec<Table>, Vec<Op>) {
    let refs: Vec<&Table> = tables.iter().collect();
    let (mut seq, cut) = topo(&refs, break_cycles);
    if reverse {
        seq.reverse();
    }
    let mut by_name: BTreeMap<QName, Table> =
        tables.into_iter().map(|t| (t.name.clone(), t)).collect();
    let mut ordered = vec![];
    let mut fk_ops = vec![];
    for n in seq {
        let mut t = by_name.remove(&n).expect("topo returns each table once");
        let (keep, moved): (Vec<_>, Vec<_>) = t
            .foreign_keys
            .into_iter()
            .partition(|f| !cut.contains(&(n.clone(), f.name.clone())));
        t.foreign_keys = keep;
        fk_ops.extend(moved.into_iter().map(|fk| fk_op(n.clone(), fk)));
        ordered.push(t);
    }
    (ordered, fk_ops)
}

/// Puts ops in an order the database accepts. Deterministic: ties keep the diff's order.
/// `break_cycles`: move FKs on cycles into `ALTER TABLE … ADD CONSTRAINT` (not needed where the
/// database does not check FK targets at creation, as in SQLite).
pub fn order(ops: Vec<Op>, break_cycles: bool) -> Vec<Op> {
    let mut out: Vec<Op> = Vec::with_capacity(ops.len());
    let mut creates: Vec<Table> = vec![];
    let mut drops: Vec<Table> = vec![];
    for op in ops {
        match op {
            Op::CreateTable(t) => creates.push(t),
            Op::DropTable(t) => drops.push(t),
            other => out.push(other),
        }
    }
    // Creates: topological; cut FKs become AddForeignKey after every table exists.
    let (created, add_fks) = in_topo_order(creates, break_cycles, false, |table, fk| {
        Op::AddForeignKey { table, fk }
    });
    let (dropped, drop_fks) = in_topo_order(drops, break_cycles, true, |table, fk| {
        Op::DropForeignKey { table, fk }
    });
    let created: Vec<Op> = created.into_iter().map(Op::CreateTable).collect();
    let dropped: Vec<Op> = dropped.into_iter().map(Op::DropTable).collect();
    out.extend(add_fks);
    out.extend(drop_fks);
    // Functions whose signature names the row type of a table created (dropped) here come after (before) it.
    let new_tables: BTreeSet<String> = created
        .iter()
        .filter_map(|o| {
            if let Op::CreateTable(t) = o {
                Some(t.name.name.to_lowercase())
            } else {
                None
            }
        })
        .collect();
    let old_tables: BTreeSet<String> = dropped
        .iter()
        .filter_map(|o| {
            if let Op::DropTable(t) = o {
                Some(t.name.name.to_lowercase())
            } else {
                None
            }
        })
        .collect();
    out.extend(created);
    out.extend(dropped);
    // A column dropped and added again under its name (switched between generated and plain) is
    // dropped first: the add would find it still there.
    let readded: BTreeSet<(QName, String)> = out
        .iter()
        .filter_map(|o| match o {
            Op::AddColumn { table, column } => Some((table.clone(), column.name.clone())),
            _ => None,
        })
        .collect();
    // Functions that take, return or (in an SQL-standard body) read a view come after (before) it.
    let view_names = |create: bool| -> BTreeSet<String> {
        out.iter()
            .filter_map(|o| match o {
                Op::CreateView(v) | Op::AlterView { to: v, .. } if create => {
                    Some(v.name.name.to_lowercase())
                }
                Op::DropView(v) if !create => Some(v.name.name.to_lowercase()),
                _ => None,
            })
            .collect()
    };
    let (new_views, old_views) = (view_names(true), view_names(false));
    // Tables whose columns an enum swap converts: the plan's drops of their changed checks and
    // indexes (which may name a value the new type lacks) go before it.
    let swapped: BTreeSet<QName> = out
        .iter()
        .filter_map(Op::swapped_enum_usages)
        .flatten()
        .map(|u| u.table.clone())
        .collect();
    let recreated: BTreeSet<QName> = out
        .iter()
        .filter_map(|o| match o {
            Op::CreateCollation(c) => Some(c.name.clone()),
            _ => None,
        })
        .collect();
    let key = |op: &Op| match op {
        // A collation made again under its name is dropped first.
        Op::DropCollation(c) if recreated.contains(&c.name) => 11,
        Op::DropColumn { table, column }
            if readded.contains(&(table.clone(), column.name.clone())) =>
        {
            49
        }
        Op::CreateFunction(f) | Op::ReplaceFunction { to: f, .. }
            if uses_row_type(f, &new_tables) || standard_body_uses(f, &new_tables) =>
        {
            68
        }
        Op::CreateFunction(f) | Op::ReplaceFunction { to: f, .. }
            if uses_row_type(f, &new_views) || standard_body_uses(f, &new_views) =>
        {
            69
        }
        Op::DropCheck { table, .. } | Op::DropIndex { table, .. } if swapped.contains(table) => 20,
        Op::DropForeignKey { table, fk }
            if swapped.contains(table) || swapped.contains(&fk.ref_table) =>
        {
            20
        }
        Op::DropFunction(f)
            if uses_row_type(f, &old_views) || standard_body_uses(f, &old_views) =>
        {
            7
        }
        Op::DropFunction(f)
            if uses_row_type(f, &old_tables) || standard_body_uses(f, &old_tables) =>
        {
            39
        }
        _ => phase(op),
    };
    // Those drops go last column first, so the downgrade (the ops reversed) adds them back in their
    // order.
    let slots: Vec<usize> = (0..out.len()).filter(|&i| key(&out[i]) == 49).collect();
    let moved: Vec<Op> = slots.iter().rev().map(|&i| out[i].clone()).collect();
    for (slot, op) in slots.into_iter().zip(moved) {
        out[slot] = op;
    }
    // Stable sort by phase keeps the topological order inside a phase.
    out.sort_by_key(&key);
    let keys: Vec<u32> = out.iter().map(&key).collect();
    routines_in_dependency_order(&mut out, &keys, |k| (22..=24).contains(&k), false);
    routines_in_dependency_order(&mut out, &keys, |k| k == 81, true);
    // Views over views and the functions that use views (and views that call those): created in the
    // order they use each other, dropped the other way round.
    routines_in_dependency_order(&mut out, &keys, |k| k == 69, false);
    routines_in_dependency_order(&mut out, &keys, |k| k == 7, true);
    out
}

/// The name a routine or domain op defines and the SQL text it uses.
fn routine_parts(op: &Op) -> Option<(String, String)> {
    let bare = |q: &QName| q.name.clone();
    match op {
        Op::CreateFunction(f) | Op::ReplaceFunction { to: f, .. } | Op::DropFunction(f) => {
            Some((bare(&f.name), f.sql.sql.clone()))
        }
        Op::CreateView(v) | Op::AlterView { to: v, .. } | Op::DropView(v) => {
            Some((bare(&v.name), v.sql.sql.clone()))
        }
        Op::CreateDomain(d) | Op::AlterDomain { to: d, .. } | Op::DropDomain(d) => {
            let mut text: Vec<&str> = d.checks.iter().map(|c| c.expr.sql.as_str()).collect();
            if let Some(e) = &d.default {
                text.push(&e.sql);
            }
            Some((bare(&d.name), text.join(" ")))
        }
        _ => None,
    }
}

/// Functions and domains of one phase range in the order their texts use each other: a domain
/// whose check calls a function after it, a function whose body calls another after that one,
/// including SQL-standard bodies (`RETURN …`, `BEGIN ATOMIC … END`). `reverse` for drops.
/// Ties and cycles keep the order they had.
fn routines_in_dependency_order(
    ops: &mut [Op],
    keys: &[u32],
    in_range: impl Fn(u32) -> bool,
    reverse: bool,
) {
    let idx: Vec<usize> = (0..ops.len())
        .filter(|&i| in_range(keys[i]) && routine_parts(&ops[i]).is_some())
        .collect();
    if idx.len() < 2 {
        return;
    }
    let parts: Vec<(String, Vec<String>)> = idx
        .iter()
        .map(|&i| {
            let (n, text) = routine_parts(&ops[i]).expect("filtered");
            (n, crate::sql::words(&text))
        })
        .collect();
    // uses[a] = the items a's text names (other than itself).
    let uses: Vec<Vec<usize>> = parts
        .iter()
        .enumerate()
        .map(|(a, (name, words))| {
            (0..parts.len())
                .filter(|&b| {
                    let other = &parts[b].0;
                    b != a
                        && !other.eq_ignore_ascii_case(name)
                        && (words.contains(other) || words.contains(&other.to_lowercase()))
                })
                .collect()
        })
        .collect();
    fn visit(a: usize, uses: &[Vec<usize>], state: &mut [u8], out: &mut Vec<usize>) {
        if state[a] != 0 {
            return;
        }
        state[a] = 1;
        for &b in &uses[a] {
            visit(b, uses, state, out);
        }
        state[a] = 2;
        out.push(a);
    }
    let mut state = vec![0u8; parts.len()];
    let mut seq = vec![];
    for a in 0..parts.len() {
        visit(a, &uses, &mut state, &mut seq);
    }
    if reverse {
        seq.reverse();
    }
    let taken: Vec<Op> = idx.iter().map(|&i| ops[i].clone()).collect();
    // Keep the slots; fill them in dependency order (creates of sequences in between stay put).
    for (slot, k) in idx.iter().zip(seq) {
        ops[*slot] = taken[k].clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Column, ForeignKey};

    fn t(name: &str, refs: &[&str]) -> Table {
        let mut t = Table::new(QName::parse(name));
        t.columns.push(Column::new("id", "integer"));
        for r in refs {
            t.foreign_keys.push(ForeignKey {
                name: format!("{name}_{r}_fkey"),
                columns: vec![format!("{r}_id")],
                ref_table: QName::parse(r),
                ref_columns: vec!["id".into()],
                on_delete: Default::default(),
                on_update: Default::default(),
                deferrable: Default::default(),
                match_full: false,
                not_valid: false,
            });
        }
        t
    }

    fn names(ops: &[Op]) -> Vec<String> {
        ops.iter()
            .map(|o| match o {
                Op::CreateTable(t) => format!("create {}", t.name),
                Op::DropTable(t) => format!("drop {}", t.name),
                Op::AddForeignKey { table, fk } => format!("fk {table}->{}", fk.ref_table),
                Op::DropForeignKey { table, fk } => format!("dropfk {table}->{}", fk.ref_table),
                o => format!("{o:?}"),
            })
            .collect()
    }

    #[test]
    fn referenced_tables_are_created_first() {
        let ops = order(
            vec![
                Op::CreateTable(t("a", &["b"])),
                Op::CreateTable(t("b", &[])),
            ],
            true,
        );
        assert_eq!(names(&ops), ["create b", "create a"]);
    }

    #[test]
    fn cycle_is_broken_with_add_constraint() {
        let ops = order(
            vec![
                Op::CreateTable(t("a", &["b"])),
                Op::CreateTable(t("b", &["a"])),
            ],
            true,
        );
        assert_eq!(names(&ops), ["create b", "create a", "fk b->a"]);
        let ops = order(
            vec![Op::DropTable(t("a", &["b"])), Op::DropTable(t("b", &["a"]))],
            true,
        );
        assert_eq!(names(&ops), ["dropfk b->a", "drop a", "drop b"]);
    }
}
