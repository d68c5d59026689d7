//! Migration operations. Every destructive op keeps what it destroys, so `inverse()` cannot fail.
//! What an op says to people lives beside: `warning.rs` (the revision's `-- warning:` lines) and
//! `summary.rs` (one line for `check`).

pub mod summary;
mod warning;

use crate::schema::*;

#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // a handful per revision; boxing would only add noise
pub enum Op {
    CreateNamespace(String),
    DropNamespace(String),
    CreateExtension(Extension),
    DropExtension(Extension),
    CreateCollation(Collation),
    DropCollation(Collation),
    CreateTsDictionary(TsDictionary),
    DropTsDictionary(TsDictionary),
    AlterTsDictionary {
        from: TsDictionary,
        to: TsDictionary,
    },
    CreateTsConfiguration(TsConfiguration),
    DropTsConfiguration(TsConfiguration),
    AlterTsConfiguration {
        from: TsConfiguration,
        to: TsConfiguration,
    },
    CreateEnum(Enum),
    DropEnum(Enum),
    /// Values changed. `usages` are the columns of type `name` (needed when a type swap is rendered).
    AlterEnum {
        name: QName,
        from: Vec<String>,
        to: Vec<String>,
        usages: Vec<EnumUsage>,
        /// Swap the type in even where values are only added (the way back of a swap).
        swap: bool,
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
    /// `ALTER TABLE t INHERIT parent` / `NO INHERIT parent`.
    Inherit {
        table: QName,
        parent: QName,
    },
    NoInherit {
        table: QName,
        parent: QName,
    },
    /// A partition attached to its parent with its bound (`FOR VALUES …` or `DEFAULT`): its rows stay.
    AttachPartition {
        table: QName,
        parent: QName,
        bound: Expr,
    },
    DetachPartition {
        table: QName,
        parent: QName,
        bound: Expr,
    },
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
    /// An index changed in one statement: MySQL's visibility (`ALTER INDEX … INVISIBLE`), or one
    /// index replaced by another where a foreign key needs one of them at every moment.
    AlterIndex {
        table: QName,
        from: Index,
        to: Index,
    },
    /// SQLite: a change ALTER TABLE cannot make, done by rebuilding the table (rows copied).
    RebuildTable {
        from: Table,
        to: Table,
    },
    CreateView(View),
    DropView(View),
    /// A view changed where it can stay (`CREATE OR REPLACE`, options, comment, a refresh).
    AlterView {
        from: View,
        to: View,
    },
    CreateTrigger(Trigger),
    DropTrigger(Trigger),
    CreatePolicy(Policy),
    DropPolicy(Policy),
    CreateRule(Rule),
    DropRule(Rule),
    SetRowSecurity {
        table: QName,
        from: RowSecurity,
        to: RowSecurity,
    },
}

/// A column of an enum's type as an op converting the type finds it: the columns of the schema before
/// the op (in either direction, what the plan does to others comes after the swap, and is undone
/// before the swap back).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumUsage {
    pub table: QName,
    pub column: String,
    pub array: bool,
    /// The default before the op: dropped before the conversion.
    pub default_before: Option<Expr>,
    /// The default after it, set after the conversion (`None` for a column the plan then drops or
    /// retypes), so a default naming a value only one of the types has is never set on the other.
    pub default_after: Option<Expr>,
    /// Indexes and checks that mention the column and that the plan leaves as they are: dropped and
    /// made again around the swap (the plan's own drops of changed ones come before it, its adds after).
    pub indexes: Vec<Index>,
    pub checks: Vec<Check>,
    /// Foreign keys from or to the column, on their tables, that the plan leaves as they are.
    pub foreign_keys: Vec<(QName, ForeignKey)>,
}

impl EnumUsage {
    /// The same usage, seen from the other direction.
    pub fn reversed(&self) -> EnumUsage {
        EnumUsage {
            default_before: self.default_after.clone(),
            default_after: self.default_before.clone(),
            ..self.clone()
        }
    }
}

impl Op {
    /// The columns an enum change converts when it swaps the type in (values removed or reordered,
    /// or the way back of a swap); `None` for any other op.
    pub fn swapped_enum_usages(&self) -> Option<&Vec<EnumUsage>> {
        match self {
            Op::AlterEnum {
                from,
                to,
                usages,
                swap,
                ..
            } if *swap || !crate::sql::enum_values_appended(from, to) => Some(usages),
            _ => None,
        }
    }

    /// The op that undoes this one.
    pub fn inverse(&self) -> Op {
        use Op::*;
        match self.clone() {
            CreateNamespace(n) => DropNamespace(n),
            DropNamespace(n) => CreateNamespace(n),
            CreateExtension(e) => DropExtension(e),
            DropExtension(e) => CreateExtension(e),
            CreateCollation(c) => DropCollation(c),
            DropCollation(c) => CreateCollation(c),
            CreateTsDictionary(d) => DropTsDictionary(d),
            DropTsDictionary(d) => CreateTsDictionary(d),
            AlterTsDictionary { from, to } => AlterTsDictionary { from: to, to: from },
            CreateTsConfiguration(c) => DropTsConfiguration(c),
            DropTsConfiguration(c) => CreateTsConfiguration(c),
            AlterTsConfiguration { from, to } => AlterTsConfiguration { from: to, to: from },
            CreateEnum(e) => DropEnum(e),
            DropEnum(e) => CreateEnum(e),
            AlterEnum {
                name,
                from,
                to,
                usages,
                swap,
            } => AlterEnum {
                name,
                from: to,
                to: from,
                usages: usages.iter().map(EnumUsage::reversed).collect(),
                // The way back of a swap is a swap too: a value added back by `ADD VALUE` could not
                // be used in the same transaction (by a default, a check, a re-created view).
                swap,
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
            Inherit { table, parent } => NoInherit { table, parent },
            NoInherit { table, parent } => Inherit { table, parent },
            AttachPartition {
                table,
                parent,
                bound,
            } => DetachPartition {
                table,
                parent,
                bound,
            },
            DetachPartition {
                table,
                parent,
                bound,
            } => AttachPartition {
                table,
                parent,
                bound,
            },
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
            AlterIndex { table, from, to } => AlterIndex {
                table,
                from: to,
                to: from,
            },
            RenameIndex { table, from, to } => RenameIndex {
                table,
                from: to,
                to: from,
            },
            RebuildTable { from, to } => RebuildTable { from: to, to: from },
            CreateView(v) => DropView(v),
            DropView(v) => CreateView(v),
            AlterView { from, to } => AlterView { from: to, to: from },
            CreateTrigger(t) => DropTrigger(t),
            DropTrigger(t) => CreateTrigger(t),
            CreatePolicy(p) => DropPolicy(p),
            DropPolicy(p) => CreatePolicy(p),
            CreateRule(r) => DropRule(r),
            DropRule(r) => CreateRule(r),
            SetRowSecurity { table, from, to } => SetRowSecurity {
                table,
                from: to,
                to: from,
            },
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
            | AlterIndex { table, .. }
            | AttachPartition { table, .. }
            | Inherit { table, .. }
            | NoInherit { table, .. }
            | DetachPartition { table, .. }
            | SetTableComment { table, .. }
            | SetRowSecurity { table, .. } => Some(table),
            _ => None,
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
                swap: false,
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
