//! One line per op for `check`: what differs between the database and the models.

use super::Op;
use crate::schema::*;

impl Op {
    /// Short human summary, one line, used by `check`.
    pub fn summary(&self) -> String {
        use Op::*;
        match self {
            CreateNamespace(n) => format!("schema {n} is missing"),
            DropNamespace(n) => format!("schema {n} is not in the models"),
            CreateExtension(e) => format!("extension {} is missing", e.name),
            DropExtension(e) => format!("extension {} is not in the models", e.name),
            CreateCollation(c) => format!("collation {} is missing", c.name),
            CreateTsDictionary(d) => format!("text search dictionary {} is missing", d.name),
            DropTsDictionary(d) => {
                format!("text search dictionary {} is not in the models", d.name)
            }
            AlterTsDictionary { to, .. } => {
                format!("text search dictionary {}: options differ", to.name)
            }
            CreateTsConfiguration(c) => format!("text search configuration {} is missing", c.name),
            DropTsConfiguration(c) => {
                format!("text search configuration {} is not in the models", c.name)
            }
            AlterTsConfiguration { to, .. } => {
                format!("text search configuration {}: mappings differ", to.name)
            }
            DropCollation(c) => format!("collation {} is not in the models", c.name),
            CreateEnum(e) => format!("enum {} is missing", e.name),
            DropEnum(e) => format!("enum {} is not in the models", e.name),
            AlterEnum { name, from, to, .. } => {
                format!(
                    "enum {name}: values [{}] should be [{}]",
                    from.join(", "),
                    to.join(", ")
                )
            }
            CreateFunction(f) => format!("function {} is missing", f.signature()),
            DropFunction(f) => format!("function {} is not in the models", f.signature()),
            ReplaceFunction { to, .. } => format!("function {} differs", to.signature()),
            CreateDomain(d) => format!("domain {} is missing", d.name),
            DropDomain(d) => format!("domain {} is not in the models", d.name),
            AlterDomain { to, .. } => format!("domain {} differs", to.name),
            CreateSequence(s) => format!("sequence {} is missing", s.name),
            DropSequence(s) => format!("sequence {} is not in the models", s.name),
            AlterSequence { to, .. } => format!("sequence {} options differ", to.name),
            SetSequenceOwner { seq, to, .. } => match to {
                Some((t, c)) => format!("sequence {seq} should be owned by {t}.{c}"),
                None => format!("sequence {seq} should not be owned by a column"),
            },
            RenameSequence { from, to } => format!("sequence {from} should be renamed to {to}"),
            CreateTable(t) => format!("table {} is missing", t.name),
            DropTable(t) => format!("table {} is not in the models", t.name),
            Inherit { table, parent } => format!("table {table} should inherit from {parent}"),
            NoInherit { table, parent } => {
                format!("table {table} should not inherit from {parent}")
            }
            AttachPartition {
                table,
                parent,
                bound,
            } => format!(
                "table {table} should be a partition of {parent} {}",
                bound.sql
            ),
            DetachPartition { table, parent, .. } => {
                format!("table {table} should not be a partition of {parent} as it is")
            }
            RenameTable { from, to } => format!("table {from} should be renamed to {to}"),
            SetTableComment { table, .. } => format!("table {table}: comment differs"),
            AddColumn { table, column } => format!("column {table}.{} is missing", column.name),
            DropColumn { table, column } => {
                format!("column {table}.{} is not in the models", column.name)
            }
            RenameColumn { table, from, to } => {
                format!("column {table}.{from} should be renamed to {to}")
            }
            AlterColumn { table, from, to } => {
                let what = column_changes(from, to);
                format!("column {table}.{}: {}", to.name, what.join(", "))
            }
            AddPrimaryKey { table, key } => {
                format!("table {table}: primary key {} is missing", key.name)
            }
            DropPrimaryKey { table, key } => format!(
                "table {table}: primary key {} is not in the models",
                key.name
            ),
            AddUnique { table, unique } => {
                format!("table {table}: unique {} is missing", unique.name)
            }
            DropUnique { table, unique } => {
                format!("table {table}: unique {} is not in the models", unique.name)
            }
            AddCheck { table, check } => format!("table {table}: check {} is missing", check.name),
            DropCheck { table, check } => {
                format!("table {table}: check {} is not in the models", check.name)
            }
            AddOther { table, constraint } => {
                format!("table {table}: constraint {} is missing", constraint.name)
            }
            DropOther { table, constraint } => {
                format!(
                    "table {table}: constraint {} is not in the models",
                    constraint.name
                )
            }
            AddForeignKey { table, fk } => {
                format!("table {table}: foreign key {} is missing", fk.name)
            }
            DropForeignKey { table, fk } => format!(
                "table {table}: foreign key {} is not in the models",
                fk.name
            ),
            RenameConstraint { table, from, to } => {
                format!("table {table}: constraint {from} should be named {to}")
            }
            CreateIndex { table, index } => {
                format!("table {table}: index {} is missing", index.name)
            }
            DropIndex { table, index } => {
                format!("table {table}: index {} is not in the models", index.name)
            }
            RenameIndex { table, from, to } => {
                format!("table {table}: index {from} should be named {to}")
            }
            AlterIndex { table, from, to } if from.only_visibility_differs(to) => format!(
                "table {table}: index {} should be {}",
                to.name,
                if to.invisible { "invisible" } else { "visible" }
            ),
            AlterIndex { table, from, to } => format!(
                "table {table}: index {} is not in the models, index {} is missing",
                from.name, to.name
            ),
            RebuildTable { from, to } => {
                let mut what: Vec<String> = vec![];
                for c in &to.columns {
                    match from.column(&c.name) {
                        None => what.push(format!("column {} is missing", c.name)),
                        Some(f) if !f.same_definition(c) => what.push(format!(
                            "column {}: {}",
                            c.name,
                            column_changes(f, c).join(", ")
                        )),
                        _ => {}
                    }
                }
                for c in &from.columns {
                    if to.column(&c.name).is_none() {
                        what.push(format!("column {} is not in the models", c.name));
                    }
                }
                if from.primary_key != to.primary_key {
                    let k = |p: &Option<PrimaryKey>| {
                        p.as_ref()
                            .map(|p| format!("({})", p.columns.join(", ")))
                            .unwrap_or_else(|| "none".into())
                    };
                    what.push(format!(
                        "primary key {} → {}",
                        k(&from.primary_key),
                        k(&to.primary_key)
                    ));
                }
                what.extend(list_changes("unique", &from.uniques, &to.uniques, |u| {
                    format!("({})", u.columns.join(", "))
                }));
                what.extend(list_changes("check", &from.checks, &to.checks, |c| {
                    format!("`{}`", c.expr.sql)
                }));
                what.extend(list_changes(
                    "foreign key",
                    &from.foreign_keys,
                    &to.foreign_keys,
                    |f| {
                        format!(
                            "({}) → {} ({})",
                            f.columns.join(", "),
                            f.ref_table,
                            f.ref_columns.join(", ")
                        )
                    },
                ));
                what.extend(list_changes("index", &from.indexes, &to.indexes, |i| {
                    i.name.clone()
                }));
                if from.options != to.options {
                    what.push(format!(
                        "options [{}] → [{}]",
                        from.options.join(", "),
                        to.options.join(", ")
                    ));
                }
                if from.partition_by != to.partition_by {
                    what.push(format!(
                        "partitioning {} → {}",
                        from.partition_by
                            .as_ref()
                            .map_or("none", |p| p.sql.as_str()),
                        to.partition_by.as_ref().map_or("none", |p| p.sql.as_str())
                    ));
                }
                format!(
                    "table {}: {} (the table is rebuilt)",
                    to.name,
                    what.join(", ")
                )
            }
            CreateView(v) => format!("{} {} is missing", view_kind(v), v.name),
            DropView(v) => format!("{} {} is not in the models", view_kind(v), v.name),
            AlterView { from, to } => {
                let mut what = vec![];
                if from.sql != to.sql {
                    what.push("query differs");
                }
                if from.check_option != to.check_option
                    || from.security_barrier != to.security_barrier
                    || from.security_invoker != to.security_invoker
                {
                    what.push("options differ");
                }
                if from.with_data != to.with_data {
                    what.push(if to.with_data {
                        "should be filled (WITH DATA)"
                    } else {
                        "should be empty (WITH NO DATA)"
                    });
                }
                if from.indexes != to.indexes {
                    what.push("indexes differ");
                }
                if from.comment != to.comment {
                    what.push("comment differs");
                }
                format!("{} {}: {}", view_kind(to), to.name, what.join(", "))
            }
            CreateTrigger(t) => format!("trigger {} on {} is missing", t.name, t.table),
            DropTrigger(t) => format!("trigger {} on {} is not in the models", t.name, t.table),
            CreatePolicy(p) => format!("policy {} on {} is missing", p.name, p.table),
            DropPolicy(p) => format!("policy {} on {} is not in the models", p.name, p.table),
            CreateRule(r) => format!("rule {} on {} is missing", r.name, r.table),
            DropRule(r) => format!("rule {} on {} is not in the models", r.name, r.table),
            SetRowSecurity { table, to, .. } => format!(
                "table {table}: row level security should be {}",
                to.model_name()
            ),
        }
    }
}

/// What a drop or create of a view, trigger, policy or rule is of: its kind and name.
fn object_of(op: &Op) -> Option<(bool, String)> {
    use Op::*;
    let on = |kind: &str, name: &str, table: &QName| format!("{kind} {name} on {table}");
    Some(match op {
        CreateView(v) => (true, format!("{} {}", view_kind(v), v.name)),
        DropView(v) => (false, format!("{} {}", view_kind(v), v.name)),
        CreateTrigger(t) => (true, on("trigger", &t.name, &t.table)),
        DropTrigger(t) => (false, on("trigger", &t.name, &t.table)),
        CreatePolicy(p) => (true, on("policy", &p.name, &p.table)),
        DropPolicy(p) => (false, on("policy", &p.name, &p.table)),
        CreateRule(r) => (true, on("rule", &r.name, &r.table)),
        DropRule(r) => (false, on("rule", &r.name, &r.table)),
        _ => return None,
    })
}

/// `check`'s lines for `ops`: a view, trigger, policy or rule both dropped and created (changed past
/// what an `ALTER` does) is one line saying it differs; an index on a materialized view (`is_view`)
/// is named as the view's.
pub fn lines(ops: &[&Op], is_view: impl Fn(&QName) -> bool) -> Vec<String> {
    let objects: Vec<Option<(bool, String)>> = ops.iter().map(|o| object_of(o)).collect();
    let all: std::collections::BTreeSet<&(bool, String)> = objects.iter().flatten().collect();
    let mut out = vec![];
    let mut paired = std::collections::BTreeSet::new();
    for (i, op) in ops.iter().enumerate() {
        if let Some((created, what)) = &objects[i] {
            if paired.contains(what) {
                continue;
            }
            if all.contains(&(!created, what.clone())) {
                paired.insert(what.clone());
                out.push(format!("{what} differs"));
                continue;
            }
        }
        let line = op.summary();
        out.push(match op {
            Op::CreateIndex { table, .. } | Op::DropIndex { table, .. } if is_view(table) => {
                line.replacen("table ", "materialized view ", 1)
            }
            _ => line,
        });
    }
    out
}

fn view_kind(v: &View) -> &'static str {
    if v.materialized {
        "materialized view"
    } else {
        "view"
    }
}

/// What differs between two versions of a column, one phrase each.
fn column_changes(from: &Column, to: &Column) -> Vec<String> {
    let mut what = vec![];
    if from.ty != to.ty {
        what.push(format!("type {} → {}", from.ty, to.ty));
    }
    if from.nullable != to.nullable {
        what.push(if to.nullable {
            "should be nullable".into()
        } else {
            "should be NOT NULL".into()
        });
    }
    if from.default != to.default {
        let d = |e: &Option<Expr>| {
            e.as_ref()
                .map(|e| e.sql.clone())
                .unwrap_or_else(|| "none".into())
        };
        what.push(format!("default {} → {}", d(&from.default), d(&to.default)));
    }
    if from.identity != to.identity {
        what.push("identity differs".into());
    }
    if from.stored != to.stored {
        what.push(if to.stored {
            "should be STORED".into()
        } else {
            "should be VIRTUAL".into()
        });
    }
    if from.generated != to.generated {
        what.push("generated expression differs".into());
    }
    if from.collation != to.collation {
        let c = |x: &Option<String>| x.clone().unwrap_or_else(|| "the type's".into());
        what.push(format!(
            "collation {} → {}",
            c(&from.collation),
            c(&to.collation)
        ));
    }
    if from.invisible != to.invisible {
        what.push(if to.invisible {
            "should be INVISIBLE".into()
        } else {
            "should be visible".into()
        });
    }
    if from.comment != to.comment {
        what.push("comment differs".into());
    }
    what
}

/// What differs between two lists of constraints (compared by their text), one phrase each.
fn list_changes<T: PartialEq>(
    kind: &str,
    from: &[T],
    to: &[T],
    show: impl Fn(&T) -> String,
) -> Vec<String> {
    let mut what = vec![];
    for x in to {
        if !from.contains(x) {
            what.push(format!("{kind} {} is missing", show(x)));
        }
    }
    for x in from {
        if !to.contains(x) {
            what.push(format!("{kind} {} is not in the models", show(x)));
        }
    }
    what
}
