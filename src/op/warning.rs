//! The `-- warning:` lines of ops: data they destroy or may change, steps that fail on existing rows.

use super::Op;
use crate::schema::*;

impl Op {
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
            AttachPartition {
                table,
                parent,
                bound,
            } => fails(
                format!("attaches {table} to {parent} {}", bound.sql),
                table,
                "is outside that bound (or a row of the parent's DEFAULT partition is inside it)",
            ),
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
                let computed: Vec<&str> = to
                    .columns
                    .iter()
                    .filter(|c| {
                        c.generated.is_some()
                            && from.column(&c.name).is_some_and(|f| f.generated.is_none())
                    })
                    .map(|c| c.name.as_str())
                    .collect();
                if !computed.is_empty() {
                    parts.push(format!(
                        "column(s) {} of {} become generated: their stored values are replaced by the expression",
                        computed.join(", "),
                        to.name
                    ));
                }
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
}
