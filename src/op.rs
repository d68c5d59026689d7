//! Migration operations. Every destructive op keeps what it destroys, so `inverse()` cannot fail.

use crate::schema::*;

#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // a handful per revision; boxing would only add noise
pub enum Op {
    CreateNamespace(String),
    DropNamespace(String),
    CreateExtension(Extension),
    DropExtension(Extension),
    CreateEnum(Enum),
    DropEnum(Enum),
    /// Values changed. `usages` are the columns of type `name` (needed when a type swap is rendered).
    AlterEnum {
        name: QName,
        from: Vec<String>,
        to: Vec<String>,
        usages: Vec<EnumUsage>,
    },
    CreateFunction(Function),
    DropFunction(Function),
    ReplaceFunction {
        from: Function,
        to: Function,
    },
    CreateDomain(Domain),
    DropDomain(Domain),
    AlterDomain {
        from: Domain,
        to: Domain,
    },
    CreateSequence(Sequence),
    DropSequence(Sequence),
    AlterSequence {
        from: Sequence,
        to: Sequence,
    },
    SetSequenceOwner {
        seq: QName,
        from: Option<(QName, String)>,
        to: Option<(QName, String)>,
    },
    /// A sequence renamed with the table or column that owns it (its values are kept).
    RenameSequence {
        from: QName,
        to: QName,
    },
    CreateTable(Table),
    DropTable(Table),
    RenameTable {
        from: QName,
        to: QName,
    },
    SetTableComment {
        table: QName,
        from: Option<String>,
        to: Option<String>,
    },
    AddColumn {
        table: QName,
        column: Column,
    },
    DropColumn {
        table: QName,
        column: Column,
    },
    RenameColumn {
        table: QName,
        from: String,
        to: String,
    },
    AlterColumn {
        table: QName,
        from: Column,
        to: Column,
    },
    AddPrimaryKey {
        table: QName,
        key: PrimaryKey,
    },
    DropPrimaryKey {
        table: QName,
        key: PrimaryKey,
    },
    AddUnique {
        table: QName,
        unique: Unique,
    },
    DropUnique {
        table: QName,
        unique: Unique,
    },
    AddCheck {
        table: QName,
        check: Check,
    },
    DropCheck {
        table: QName,
        check: Check,
    },
    AddOther {
        table: QName,
        constraint: OtherConstraint,
    },
    DropOther {
        table: QName,
        constraint: OtherConstraint,
    },
    AddForeignKey {
        table: QName,
        fk: ForeignKey,
    },
    DropForeignKey {
        table: QName,
        fk: ForeignKey,
    },
    RenameConstraint {
        table: QName,
        from: String,
        to: String,
    },
    CreateIndex {
        table: QName,
        index: Index,
    },
    DropIndex {
        table: QName,
        index: Index,
    },
    RenameIndex {
        table: QName,
        from: String,
        to: String,
    },
    /// SQLite: a change ALTER TABLE cannot make, done by rebuilding the table (rows copied).
    RebuildTable {
        from: Table,
        to: Table,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumUsage {
    pub table: QName,
    pub column: String,
    pub default: Option<Expr>,
    pub array: bool,
    /// Indexes and checks that mention the column: dropped and recreated around a type swap.
    pub indexes: Vec<Index>,
    pub checks: Vec<Check>,
}

impl Op {
    /// The op that undoes this one.
    pub fn inverse(&self) -> Op {
        use Op::*;
        match self.clone() {
            CreateNamespace(n) => DropNamespace(n),
            DropNamespace(n) => CreateNamespace(n),
            CreateExtension(e) => DropExtension(e),
            DropExtension(e) => CreateExtension(e),
            CreateEnum(e) => DropEnum(e),
            DropEnum(e) => CreateEnum(e),
            AlterEnum {
                name,
                from,
                to,
                usages,
            } => AlterEnum {
                name,
                from: to,
                to: from,
                usages,
            },
            CreateFunction(f) => DropFunction(f),
            DropFunction(f) => CreateFunction(f),
            ReplaceFunction { from, to } => ReplaceFunction { from: to, to: from },
            CreateDomain(d) => DropDomain(d),
            DropDomain(d) => CreateDomain(d),
            AlterDomain { from, to } => AlterDomain { from: to, to: from },
            CreateSequence(s) => DropSequence(s),
            DropSequence(s) => CreateSequence(s),
            AlterSequence { from, to } => AlterSequence { from: to, to: from },
            SetSequenceOwner { seq, from, to } => SetSequenceOwner {
                seq,
                from: to,
                to: from,
            },
            RenameSequence { from, to } => RenameSequence { from: to, to: from },
            CreateTable(t) => DropTable(t),
            DropTable(t) => CreateTable(t),
            RenameTable { from, to } => RenameTable { from: to, to: from },
            SetTableComment { table, from, to } => SetTableComment {
                table,
                from: to,
                to: from,
            },
            AddColumn { table, column } => DropColumn { table, column },
            DropColumn { table, column } => AddColumn { table, column },
            RenameColumn { table, from, to } => RenameColumn {
                table,
                from: to,
                to: from,
            },
            AlterColumn { table, from, to } => AlterColumn {
                table,
                from: to,
                to: from,
            },
            AddPrimaryKey { table, key } => DropPrimaryKey { table, key },
            DropPrimaryKey { table, key } => AddPrimaryKey { table, key },
            AddUnique { table, unique } => DropUnique { table, unique },
            DropUnique { table, unique } => AddUnique { table, unique },
            AddCheck { table, check } => DropCheck { table, check },
            DropCheck { table, check } => AddCheck { table, check },
            AddOther { table, constraint } => DropOther { table, constraint },
            DropOther { table, constraint } => AddOther { table, constraint },
            AddForeignKey { table, fk } => DropForeignKey { table, fk },
            DropForeignKey { table, fk } => AddForeignKey { table, fk },
            RenameConstraint { table, from, to } => RenameConstraint {
                table,
                from: to,
                to: from,
            },
            CreateIndex { table, index } => DropIndex { table, index },
            DropIndex { table, index } => CreateIndex { table, index },
            RenameIndex { table, from, to } => RenameIndex {
                table,
                from: to,
                to: from,
            },
            RebuildTable { from, to } => RebuildTable { from: to, to: from },
        }
    }

    /// The table an op changes in place (not for creating or dropping one).
    pub fn table(&self) -> Option<&QName> {
        use Op::*;
        match self {
            AddColumn { table, .. }
            | DropColumn { table, .. }
            | AlterColumn { table, .. }
            | AddPrimaryKey { table, .. }
            | DropPrimaryKey { table, .. }
            | AddUnique { table, .. }
            | DropUnique { table, .. }
            | AddCheck { table, .. }
            | DropCheck { table, .. }
            | AddOther { table, .. }
            | DropOther { table, .. }
            | AddForeignKey { table, .. }
            | DropForeignKey { table, .. }
            | RenameConstraint { table, .. }
            | CreateIndex { table, .. }
            | DropIndex { table, .. }
            | RenameIndex { table, .. }
            | SetTableComment { table, .. } => Some(table),
            _ => None,
        }
    }

    /// A step that fails when existing rows break what it adds, as Atlas's data-dependent checks name
    /// them: a unique key or index (duplicates), NOT NULL (a NULL), a check, a foreign key or a primary
    /// key added to a table that may have rows. `None` for anything else.
    pub fn data_warning(&self) -> Option<String> {
        use Op::*;
        let fails = |what: String, table: &QName, breaks: &str| {
            Some(format!(
                "{what}: the upgrade fails if a row of {table} {breaks}"
            ))
        };
        match self {
            AddUnique { table, unique } => fails(
                format!(
                    "adds unique constraint {} ({})",
                    unique.name,
                    unique.columns.join(", ")
                ),
                table,
                "has a duplicate",
            ),
            CreateIndex { table, index } if index.unique => fails(
                format!("adds unique index {}", index.name),
                table,
                "has a duplicate",
            ),
            AddPrimaryKey { table, key } => fails(
                format!("adds primary key {} ({})", key.name, key.columns.join(", ")),
                table,
                "has a duplicate or a NULL",
            ),
            AddCheck { table, check } if !check.not_valid => {
                fails(format!("adds check {}", check.name), table, "breaks it")
            }
            AddForeignKey { table, fk } if !fk.not_valid => fails(
                format!("adds foreign key {}", fk.name),
                table,
                &format!("references a missing row of {}", fk.ref_table),
            ),
            AddOther { table, constraint } => fails(
                format!("adds constraint {}", constraint.name),
                table,
                "breaks it",
            ),
            AlterColumn { table, from, to } if from.nullable && !to.nullable => fails(
                format!("makes {table}.{} NOT NULL", to.name),
                table,
                "has a NULL in it",
            ),
            RebuildTable { from, to } => {
                let mut added = vec![];
                for u in &to.uniques {
                    if !from.uniques.iter().any(|x| x.columns == u.columns) {
                        added.push(format!("unique ({})", u.columns.join(", ")));
                    }
                }
                for i in to.indexes.iter().filter(|i| i.unique) {
                    if !from.indexes.iter().any(|x| x.unique && x.parts == i.parts) {
                        added.push(format!("unique index {}", i.name));
                    }
                }
                if to.primary_key.as_ref().map(|p| &p.columns)
                    != from.primary_key.as_ref().map(|p| &p.columns)
                    && to.primary_key.is_some()
                {
                    added.push("primary key".into());
                }
                for c in &to.checks {
                    if !from.checks.iter().any(|x| x.expr == c.expr) {
                        added.push(format!("check ({})", c.expr.sql));
                    }
                }
                for f in &to.foreign_keys {
                    if !from.foreign_keys.iter().any(|x| {
                        x.columns == f.columns
                            && x.ref_table == f.ref_table
                            && x.ref_columns == f.ref_columns
                    }) {
                        added.push(format!(
                            "foreign key ({}) to {}",
                            f.columns.join(", "),
                            f.ref_table
                        ));
                    }
                }
                for c in &to.columns {
                    if from
                        .column(&c.name)
                        .is_some_and(|x| x.nullable && !c.nullable)
                    {
                        added.push(format!("NOT NULL on {}", c.name));
                    }
                }
                (!added.is_empty()).then(|| {
                    format!(
                        "rebuilds {} with {}: the upgrade fails if its rows break them",
                        to.name,
                        added.join(", ")
                    )
                })
            }
            _ => None,
        }
    }

    /// The `-- warning:` header line for this op: the data it destroys, or a step that fails on existing
    /// rows; `None` if it keeps every row as it is. Dialects add what they know of type changes.
    pub fn warning(&self) -> Option<String> {
        use Op::*;
        match self {
            DropTable(t) => Some(format!("drops table {}", t.name)),
            DropColumn { table, column } => Some(format!("drops column {table}.{}", column.name)),
            AddColumn { table, column }
                if !column.nullable
                    && column.default.is_none()
                    && column.identity.is_none()
                    && column.generated.is_none() =>
            {
                Some(format!(
                    "adds NOT NULL column {table}.{} without a default: the upgrade fails if {table} has rows \
                     (give it a default, make it nullable = true, or backfill it in this revision before SET NOT NULL)",
                    column.name
                ))
            }
            AlterColumn { table, from, to } if from.ty != to.ty => Some(format!(
                "changes type of {table}.{} from {} to {}",
                to.name, from.ty, to.ty
            ))
            .map(|w| match self.data_warning() {
                Some(d) => format!("{w}; {d}"),
                None => w,
            }),
            AlterEnum { name, from, to, .. } if from.iter().any(|v| !to.contains(v)) => {
                Some(format!("removes values from enum {name}"))
            }
            DropSequence(s) => Some(format!("drops sequence {}", s.name)),
            RebuildTable { from, to } => {
                let gone: Vec<&str> = from
                    .columns
                    .iter()
                    .filter(|c| to.column(&c.name).is_none())
                    .map(|c| c.name.as_str())
                    .collect();
                let unfilled: Vec<&str> = to
                    .columns
                    .iter()
                    .filter(|c| {
                        from.column(&c.name).is_none()
                            && !c.nullable
                            && c.default.is_none()
                            && c.generated.is_none()
                            && to
                                .primary_key
                                .as_ref()
                                .is_none_or(|p| p.columns != [c.name.clone()])
                    })
                    .map(|c| c.name.as_str())
                    .collect();
                let mut parts = vec![];
                if !gone.is_empty() {
                    parts.push(format!(
                        "rebuilds table {} without column(s) {}",
                        to.name,
                        gone.join(", ")
                    ));
                }
                if !unfilled.is_empty() {
                    parts.push(format!(
                        "adds NOT NULL column(s) {} to {} without a default: the upgrade fails if it has rows \
                         (give them a default, make them nullable = true, or backfill them in this revision)",
                        unfilled.join(", "),
                        to.name
                    ));
                }
                if let Some(d) = self.data_warning() {
                    parts.push(d);
                }
                (!parts.is_empty()).then(|| parts.join("; "))
            }
            _ => self.data_warning(),
        }
    }

    /// Short human summary, one line, used by `check`.
    pub fn summary(&self) -> String {
        use Op::*;
        match self {
            CreateNamespace(n) => format!("schema {n} is missing"),
            DropNamespace(n) => format!("schema {n} is not in the models"),
            CreateExtension(e) => format!("extension {} is missing", e.name),
            DropExtension(e) => format!("extension {} is not in the models", e.name),
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
                if from.generated != to.generated {
                    what.push("generated expression differs".into());
                }
                if from.collation != to.collation {
                    what.push("collation differs".into());
                }
                if from.comment != to.comment {
                    what.push("comment differs".into());
                }
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
            RebuildTable { from, to } => {
                let mut what: Vec<String> = vec![];
                for c in &to.columns {
                    match from.column(&c.name) {
                        None => what.push(format!("column {} is missing", c.name)),
                        Some(f) if !f.same_definition(c) => {
                            what.push(format!("column {} differs", c.name))
                        }
                        _ => {}
                    }
                }
                for c in &from.columns {
                    if to.column(&c.name).is_none() {
                        what.push(format!("column {} is not in the models", c.name));
                    }
                }
                for (differs, part) in [
                    (from.primary_key != to.primary_key, "primary key"),
                    (from.uniques != to.uniques, "unique constraints"),
                    (from.checks != to.checks, "checks"),
                    (from.foreign_keys != to.foreign_keys, "foreign keys"),
                    (from.indexes != to.indexes, "indexes"),
                ] {
                    if differs {
                        what.push(format!("{part} differ"));
                    }
                }
                format!(
                    "table {}: {} (SQLite rebuilds the table)",
                    to.name,
                    what.join(", ")
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_is_an_involution() {
        let t = QName::parse("t");
        let ops = vec![
            Op::CreateNamespace("b".into()),
            Op::RenameTable {
                from: t.clone(),
                to: QName::parse("u"),
            },
            Op::AddColumn {
                table: t.clone(),
                column: Column::new("a", "integer"),
            },
            Op::AlterEnum {
                name: t.clone(),
                from: vec!["a".into()],
                to: vec!["a".into(), "b".into()],
                usages: vec![],
            },
            Op::SetSequenceOwner {
                seq: t.clone(),
                from: None,
                to: Some((t.clone(), "a".into())),
            },
        ];
        for op in ops {
            assert_ne!(op.inverse(), op);
            assert_eq!(op.inverse().inverse(), op);
        }
    }
}
