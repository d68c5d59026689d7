//! The schema model shared by every stage: plain data, no I/O, compared with `==` after canonicalization.

use std::collections::BTreeMap;
use std::fmt;

mod views;
pub use views::*;

/// The tables autogen keeps in the database for itself: never part of the managed schema.
pub const OWN_TABLES: &[&str] = &["autogen_version", "autogen_history", "autogen_progress"];

/// A possibly schema-qualified name. `schema: None` is the dialect's default schema (`public`, `main`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct QName {
    pub schema: Option<String>,
    pub name: String,
}

impl QName {
    pub fn new(schema: Option<&str>, name: &str) -> Self {
        QName {
            schema: schema.map(str::to_string),
            name: name.to_string(),
        }
    }
    /// Parses `name` or `schema.name` (no quoting: names with dots are written with quotes in TOML keys).
    pub fn parse(s: &str) -> Self {
        match s.split_once('.') {
            Some((sch, n)) => QName::new(Some(sch), n),
            None => QName::new(None, s),
        }
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(s) => write!(f, "{s}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A SQL expression: the text as written (rendered into revisions) and its canonical key (compared).
/// Boxed, so the many columns without a default or generation expression carry one pointer each for
/// them (a 10,000-table schema holds two copies of 100,000 columns).
#[derive(Clone, Debug, Default)]
pub struct Expr(Box<ExprText>);

#[derive(Clone, Debug, Default)]
pub struct ExprText {
    pub sql: String,
    pub key: String,
}

impl Expr {
    pub fn new(sql: impl Into<String>) -> Self {
        Expr(Box::new(ExprText {
            sql: sql.into(),
            key: String::new(),
        }))
    }
    /// An expression whose key is known already.
    pub fn with_key(sql: String, key: String) -> Self {
        Expr(Box::new(ExprText { sql, key }))
    }
}

impl std::ops::Deref for Expr {
    type Target = ExprText;
    fn deref(&self) -> &ExprText {
        &self.0
    }
}

impl std::ops::DerefMut for Expr {
    fn deref_mut(&mut self) -> &mut ExprText {
        &mut self.0
    }
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Expr {}

/// The whole managed schema of one database.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    /// Namespaces (besides the default one) that exist or must exist.
    pub namespaces: Vec<String>,
    pub extensions: Vec<Extension>,
    pub collations: BTreeMap<QName, Collation>,
    pub ts_dictionaries: BTreeMap<QName, TsDictionary>,
    pub ts_configurations: BTreeMap<QName, TsConfiguration>,
    pub enums: BTreeMap<QName, Enum>,
    pub domains: BTreeMap<QName, Domain>,
    pub sequences: BTreeMap<QName, Sequence>,
    pub tables: BTreeMap<QName, Table>,
    /// Functions and procedures, keyed by signature `schema.name(args)` (`name(args)` in the default schema).
    pub functions: BTreeMap<String, Function>,
    /// Views and materialized views (one namespace with tables).
    pub views: BTreeMap<QName, View>,
    /// Triggers, keyed by (table, name).
    pub triggers: BTreeMap<(QName, String), Trigger>,
    /// Row-level security policies, keyed by (table, name).
    pub policies: BTreeMap<(QName, String), Policy>,
    /// Rewrite rules, keyed by (table, name).
    pub rules: BTreeMap<(QName, String), Rule>,
    /// Namespaces holding objects autogen does not manage (views, collations …): never dropped.
    pub occupied: Vec<String>,
    /// Objects seen in the database that autogen does not manage (views, functions, triggers …):
    /// listed to the user, never dropped. Not compared.
    pub unmanaged: Vec<String>,
}

impl Schema {
    pub fn table(&self, name: &QName) -> Option<&Table> {
        self.tables.get(name)
    }

    /// For databases whose names ignore case (SQLite): each foreign key's target table and columns
    /// spelled as the target spells them (`REFERENCES Users (ID)` → `users (id)`), where such a table
    /// exists.
    pub fn resolve_reference_case(&mut self) {
        let names: BTreeMap<(Option<String>, String), (QName, Vec<String>)> = self
            .tables
            .values()
            .map(|t| {
                (
                    (
                        t.name.schema.as_ref().map(|s| s.to_lowercase()),
                        t.name.name.to_lowercase(),
                    ),
                    (
                        t.name.clone(),
                        t.columns.iter().map(|c| c.name.clone()).collect(),
                    ),
                )
            })
            .collect();
        for t in self.tables.values_mut() {
            for fk in &mut t.foreign_keys {
                let k = (
                    fk.ref_table.schema.as_ref().map(|s| s.to_lowercase()),
                    fk.ref_table.name.to_lowercase(),
                );
                if let Some((name, cols)) = names.get(&k) {
                    fk.ref_table = name.clone();
                    for rc in &mut fk.ref_columns {
                        if let Some(c) = cols.iter().find(|c| c.eq_ignore_ascii_case(rc)) {
                            *rc = c.clone();
                        }
                    }
                }
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    pub name: String,
    /// Schema the extension lives in, when not the default.
    pub schema: Option<String>,
}

/// A function or procedure, kept as its full `CREATE FUNCTION` text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    pub name: QName,
    /// Identity arguments, e.g. `text[], integer`.
    pub args: String,
    pub sql: Expr,
}

impl Function {
    pub fn signature(&self) -> String {
        format!("{}({})", self.name, self.args)
    }
}

/// A collation made with `CREATE COLLATION`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collation {
    pub name: QName,
    /// `icu` or `libc`.
    pub provider: String,
    /// The ICU locale (`und-u-ks-level2`); for libc, `lc_collate`/`lc_ctype` hold it.
    pub locale: Option<String>,
    pub lc_collate: Option<String>,
    pub lc_ctype: Option<String>,
    pub deterministic: bool,
}

/// `CREATE TEXT SEARCH DICTIONARY name (TEMPLATE = …, options)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TsDictionary {
    pub name: QName,
    /// The template, unqualified when in `pg_catalog` (`simple`, `snowball`).
    pub template: String,
    /// `name = 'value'` items, as PostgreSQL prints them (`stopwords = 'english'`).
    pub options: Vec<String>,
}

/// `CREATE TEXT SEARCH CONFIGURATION name (PARSER = …)` and its mappings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TsConfiguration {
    pub name: QName,
    /// The parser, unqualified when in `pg_catalog` (`default`).
    pub parser: String,
    /// Token type → the dictionaries it goes through, in order.
    pub mappings: BTreeMap<String, Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enum {
    pub name: QName,
    pub values: Vec<String>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Domain {
    pub name: QName,
    pub ty: String,
    pub nullable: bool,
    pub default: Option<Expr>,
    pub collation: Option<String>,
    pub checks: Vec<Check>,
    pub comment: Option<String>,
}

/// Options of a sequence or of an identity column's sequence; `None` = the type's default.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SeqOptions {
    pub start: Option<i64>,
    pub increment: Option<i64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub cache: Option<i64>,
    pub cycle: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sequence {
    pub name: QName,
    /// `smallint`, `integer` or `bigint`.
    pub ty: String,
    pub options: SeqOptions,
    /// `(table, column)` owning the sequence (serial columns, `OWNED BY`).
    pub owned_by: Option<(QName, String)>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, Eq)]
pub struct Identity {
    pub always: bool,
    pub options: SeqOptions,
    /// The identity's own sequence, as the database named it (the models get the default name). Not
    /// compared: used to rename it with its table, so a renamed table's ids continue.
    pub sequence: Option<QName>,
}

impl Identity {
    pub fn new(always: bool, options: SeqOptions) -> Identity {
        Identity {
            always,
            options,
            sequence: None,
        }
    }
}

impl PartialEq for Identity {
    fn eq(&self, o: &Identity) -> bool {
        self.always == o.always && self.options == o.options
    }
}

#[derive(Clone, Debug, Eq)]
pub struct Column {
    pub name: String,
    /// Canonical type name for the dialect (compared).
    pub ty: String,
    /// The type as written, where the dialect keeps that spelling (SQLite's declared types) and it
    /// differs from `ty`. Rendered, not compared.
    pub decl: Option<String>,
    pub nullable: bool,
    /// The nullability as declared where the database ignores it (SQLite's rowid alias is never
    /// NULL, declared NOT NULL or not): rendered and written back, not compared.
    pub decl_nullable: Option<bool>,
    pub default: Option<Expr>,
    pub identity: Option<Box<Identity>>,
    /// `GENERATED ALWAYS AS (expr)`.
    pub generated: Option<Expr>,
    /// A generated column kept on disk (`STORED`) rather than computed when read (`VIRTUAL`, SQLite's
    /// default); always true on PostgreSQL.
    pub stored: bool,
    pub collation: Option<String>,
    /// MySQL's `ON UPDATE CURRENT_TIMESTAMP`: the expression a row's update sets the column to.
    pub on_update: Option<Expr>,
    /// MySQL's `AUTO_INCREMENT` (SQLite's is a table option).
    pub auto_increment: bool,
    /// MySQL/MariaDB `INVISIBLE`: left out of `SELECT *` and of an `INSERT` without a column list.
    pub invisible: bool,
    pub comment: Option<String>,
    /// Models only: the column's previous name (a rename, not drop + add). Ignored by `==`.
    pub renamed_from: Option<String>,
    /// Models only: the `USING` expression converting the values when the type changes. Ignored by `==`.
    pub using: Option<Expr>,
    /// Models only: the `USING` expression of the downgrade (back to the database's type). Ignored by `==`.
    pub downgrade_using: Option<Expr>,
    /// Models only: byte offset of the column's `type` in models.toml, for errors found after loading.
    pub at: usize,
}

impl PartialEq for Column {
    /// Everything but the spelling of the type and the rename hint.
    fn eq(&self, o: &Column) -> bool {
        self.name == o.name && self.same_definition(o) && self.comment == o.comment
    }
}

impl Column {
    /// The type to write in SQL: as declared where the dialect keeps that, else canonical.
    pub fn sql_type(&self) -> &str {
        self.decl.as_deref().unwrap_or(&self.ty)
    }

    /// Whether to write the column as nullable: as declared where that differs from what is compared.
    pub fn sql_nullable(&self) -> bool {
        self.decl_nullable.unwrap_or(self.nullable)
    }

    pub fn new(name: &str, ty: &str) -> Self {
        Column {
            name: name.into(),
            ty: ty.into(),
            decl: None,
            nullable: true,
            decl_nullable: None,
            default: None,
            identity: None,
            generated: None,
            stored: false,
            collation: None,
            on_update: None,
            auto_increment: false,
            invisible: false,
            comment: None,
            renamed_from: None,
            using: None,
            downgrade_using: None,
            at: 0,
        }
    }
    /// Equality of everything but the name, comment and rename hint.
    pub fn same_definition(&self, o: &Column) -> bool {
        self.ty == o.ty
            && self.nullable == o.nullable
            && self.default == o.default
            && self.identity == o.identity
            && self.generated == o.generated
            && self.stored == o.stored
            && self.collation == o.collation
            && self.on_update == o.on_update
            && self.auto_increment == o.auto_increment
            && self.invisible == o.invisible
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Deferrable {
    #[default]
    No,
    Immediate,
    Deferred,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum FkAction {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
    pub fn model_name(self) -> &'static str {
        match self {
            FkAction::NoAction => "no action",
            FkAction::Restrict => "restrict",
            FkAction::Cascade => "cascade",
            FkAction::SetNull => "set null",
            FkAction::SetDefault => "set default",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.to_ascii_lowercase().replace('_', " ").as_str() {
            "no action" => FkAction::NoAction,
            "restrict" => FkAction::Restrict,
            "cascade" => FkAction::Cascade,
            "set null" => FkAction::SetNull,
            "set default" => FkAction::SetDefault,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrimaryKey {
    pub name: String,
    pub columns: Vec<String>,
    pub deferrable: Deferrable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unique {
    pub name: String,
    pub columns: Vec<String>,
    pub nulls_not_distinct: bool,
    pub deferrable: Deferrable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub ref_table: QName,
    pub ref_columns: Vec<String>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
    pub deferrable: Deferrable,
    pub match_full: bool,
    /// Added `NOT VALID`: existing rows were not checked.
    pub not_valid: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub expr: Expr,
    pub no_inherit: bool,
    pub not_valid: bool,
}

/// A constraint autogen keeps as its definition text (e.g. `EXCLUDE USING gist (…)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherConstraint {
    pub name: String,
    pub definition: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexPart {
    /// Column name or expression.
    pub expr: Expr,
    pub collation: Option<String>,
    pub opclass: Option<String>,
    /// MySQL: the number of leading characters (bytes of a binary column) indexed, `name(10)`.
    pub prefix: Option<u32>,
    pub desc: bool,
    /// `Some(true)` = NULLS FIRST, `Some(false)` = NULLS LAST, `None` = the default for the order.
    pub nulls_first: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Index {
    pub name: String,
    pub unique: bool,
    /// Access method: `btree`, `gin`, `gist`, `brin`, `hash` ….
    pub method: String,
    pub parts: Vec<IndexPart>,
    pub include: Vec<String>,
    pub predicate: Option<Expr>,
    pub nulls_not_distinct: bool,
    /// Storage parameters, `name=value` (`fillfactor=70`), sorted.
    pub with: Vec<String>,
    /// MySQL: `COMMENT '…'` on the index.
    pub comment: Option<String>,
    /// MySQL's `INVISIBLE`, MariaDB's `IGNORED`: kept up to date, not used by the optimizer.
    pub invisible: bool,
    /// MySQL: a FULLTEXT index's `WITH PARSER name` (`ngram`).
    pub parser: Option<String>,
}

impl Index {
    /// Whether `other` is this index made visible or invisible, nothing else.
    pub fn only_visibility_differs(&self, other: &Index) -> bool {
        self.invisible != other.invisible
            && Index {
                invisible: other.invisible,
                ..self.clone()
            } == *other
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionOf {
    pub parent: QName,
    /// `FOR VALUES …` or `DEFAULT`.
    pub bound: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub name: QName,
    pub columns: Vec<Column>,
    pub primary_key: Option<PrimaryKey>,
    pub uniques: Vec<Unique>,
    pub foreign_keys: Vec<ForeignKey>,
    pub checks: Vec<Check>,
    pub others: Vec<OtherConstraint>,
    pub indexes: Vec<Index>,
    pub comment: Option<String>,
    /// `PARTITION BY RANGE (…)` of a partitioned table.
    pub partition_by: Option<Expr>,
    pub partition_of: Option<PartitionOf>,
    /// `INHERITS (…)`: the parents whose columns this table has besides its own (not partitions).
    pub inherits: Vec<QName>,
    /// Partitions only: inherited columns this partition makes NOT NULL where its parent allows NULL.
    pub not_null: Vec<String>,
    /// SQLite table options (`STRICT`, `WITHOUT ROWID`), dialect-specific flags kept as words.
    pub options: Vec<String>,
    /// Models only: the previous name of the table. Ignored by the diff's equality.
    pub renamed_from: Option<QName>,
    pub row_security: RowSecurity,
}

impl Table {
    pub fn new(name: QName) -> Self {
        Table {
            name,
            columns: vec![],
            primary_key: None,
            uniques: vec![],
            foreign_keys: vec![],
            checks: vec![],
            others: vec![],
            indexes: vec![],
            comment: None,
            partition_by: None,
            partition_of: None,
            not_null: vec![],
            inherits: vec![],
            options: vec![],
            renamed_from: None,
            row_security: RowSecurity::Off,
        }
    }
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
    /// Gives back the room the lists grew by while the table was built (a schema holds thousands).
    pub fn shrink(&mut self) {
        self.columns.shrink_to_fit();
        self.uniques.shrink_to_fit();
        self.foreign_keys.shrink_to_fit();
        self.checks.shrink_to_fit();
        self.others.shrink_to_fit();
        self.indexes.shrink_to_fit();
        for i in &mut self.indexes {
            i.parts.shrink_to_fit();
        }
    }
}
