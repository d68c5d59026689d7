//! The `models.toml` file as serde reads it: every key known (unknown keys are errors), spans kept.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct File {
    pub database: Option<Database>,
    pub extensions: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub collations: BTreeMap<String, Spanned<CollationDef>>,
    #[serde(default)]
    pub text_search_dictionaries: BTreeMap<String, Spanned<TsDictionaryDef>>,
    #[serde(default)]
    pub text_search_configurations: BTreeMap<String, Spanned<TsConfigurationDef>>,
    #[serde(default)]
    pub enums: BTreeMap<String, Spanned<EnumDef>>,
    #[serde(default)]
    pub domains: BTreeMap<String, Spanned<DomainDef>>,
    #[serde(default)]
    pub sequences: BTreeMap<String, Spanned<SequenceDef>>,
    #[serde(default)]
    pub functions: BTreeMap<String, Spanned<FunctionDef>>,
    #[serde(default)]
    pub tables: BTreeMap<String, Spanned<TableDef>>,
    #[serde(default)]
    pub views: BTreeMap<String, Spanned<ViewDef>>,
    #[serde(default)]
    pub materialized_views: BTreeMap<String, Spanned<MaterializedViewDef>>,
    #[serde(default)]
    pub triggers: BTreeMap<String, Spanned<TriggerDef>>,
    #[serde(default)]
    pub policies: BTreeMap<String, Spanned<PolicyDef>>,
    #[serde(default)]
    pub rules: BTreeMap<String, Spanned<RuleDef>>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct ViewDef {
    /// The query: `SELECT …` (or `WITH …`, `VALUES …`).
    pub sql: Spanned<String>,
    /// Names of the view's columns, where the query does not give them (SQLite).
    pub columns: Option<Spanned<Vec<String>>>,
    pub check_option: Option<Spanned<String>>,
    pub security_barrier: Option<bool>,
    pub security_invoker: Option<bool>,
    pub comment: Option<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct MaterializedViewDef {
    pub sql: Spanned<String>,
    pub with_data: Option<bool>,
    #[serde(default)]
    pub indexes: Vec<Spanned<IndexDef>>,
    pub comment: Option<String>,
}

/// A trigger: its parts (PostgreSQL), or its whole `CREATE TRIGGER` text (`sql`, any dialect).
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct TriggerDef {
    /// The table (or view) the trigger is on; may instead lead the key (`"orders.audit"`).
    pub table: Option<Spanned<String>>,
    pub sql: Option<Spanned<String>>,
    pub timing: Option<Spanned<String>>,
    pub events: Option<Spanned<Vec<String>>>,
    /// `UPDATE OF` these columns.
    pub columns: Option<Vec<String>>,
    pub for_each: Option<Spanned<String>>,
    pub when: Option<Spanned<String>>,
    pub function: Option<Spanned<String>>,
    pub arguments: Option<Vec<String>>,
    pub constraint: Option<bool>,
    pub deferrable: Option<Spanned<String>>,
    pub old_table: Option<String>,
    pub new_table: Option<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct PolicyDef {
    pub table: Option<Spanned<String>>,
    pub command: Option<Spanned<String>>,
    /// `permissive` (the default) or `restrictive`.
    #[serde(rename = "as")]
    pub kind: Option<Spanned<String>>,
    pub roles: Option<Vec<String>>,
    pub using: Option<Spanned<String>>,
    pub with_check: Option<Spanned<String>>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub table: Option<Spanned<String>>,
    /// The whole `CREATE RULE …` statement.
    pub sql: Spanned<String>,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct Database {
    pub url: Option<Spanned<String>>,
    pub schemas: Option<Vec<Spanned<String>>>,
    /// PostgreSQL extensions (also accepted at the top level).
    pub extensions: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct CollationDef {
    pub provider: Spanned<String>,
    pub locale: Option<String>,
    pub lc_collate: Option<String>,
    pub lc_ctype: Option<String>,
    pub deterministic: Option<bool>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct TsDictionaryDef {
    pub template: String,
    pub options: Option<Spanned<String>>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct TsConfigurationDef {
    pub parser: Option<String>,
    #[serde(default)]
    pub mappings: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct EnumDef {
    pub values: Vec<String>,
    pub comment: Option<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct FunctionDef {
    /// The whole `CREATE FUNCTION …` statement.
    pub sql: Spanned<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct DomainDef {
    #[serde(rename = "type")]
    pub ty: Spanned<String>,
    pub nullable: Option<bool>,
    pub default: Option<Spanned<Literal>>,
    pub collation: Option<String>,
    #[serde(default)]
    pub checks: Vec<Spanned<CheckDef>>,
    pub comment: Option<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct SequenceDef {
    #[serde(rename = "type")]
    pub ty: Option<Spanned<String>>,
    pub start: Option<i64>,
    pub increment: Option<i64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub cache: Option<i64>,
    pub cycle: Option<bool>,
    pub owned_by: Option<Spanned<String>>,
    pub comment: Option<String>,
}

/// A TOML value used as SQL: strings are SQL text, numbers and booleans are literals.
#[derive(Deserialize, Debug, Clone)]
#[serde(untagged)]
pub enum Literal {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

impl Literal {
    pub fn sql(&self) -> String {
        match self {
            Literal::Bool(b) => b.to_string(),
            Literal::Int(i) => i.to_string(),
            Literal::Float(f) => f.to_string(),
            Literal::Text(s) => s.clone(),
        }
    }
}

#[derive(Deserialize, Debug)]
#[serde(untagged)]
pub enum IdentityDef {
    Flag(bool),
    Kind(String),
    Options {
        always: Option<bool>,
        start: Option<i64>,
        increment: Option<i64>,
        min: Option<i64>,
        max: Option<i64>,
        cache: Option<i64>,
        cycle: Option<bool>,
    },
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct TableDef {
    #[serde(default)]
    pub columns: Vec<Spanned<ColumnDef>>,
    pub primary_key: Option<Spanned<KeyDef>>,
    #[serde(default)]
    pub foreign_keys: Vec<Spanned<ForeignKeyDef>>,
    #[serde(default)]
    pub unique: Vec<Spanned<UniqueDef>>,
    #[serde(default)]
    pub checks: Vec<Spanned<CheckDef>>,
    #[serde(default)]
    pub constraints: Vec<Spanned<OtherDef>>,
    #[serde(default)]
    pub indexes: Vec<Spanned<IndexDef>>,
    pub comment: Option<String>,
    pub renamed_from: Option<Spanned<String>>,
    pub partition_by: Option<Spanned<String>>,
    pub partition_of: Option<Spanned<String>>,
    pub partition_bound: Option<Spanned<String>>,
    pub not_null: Option<Spanned<Vec<String>>>,
    pub inherits: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub options: Vec<Spanned<String>>,
    /// `enabled` or `forced` (also for the table's owner); `off` by default.
    pub row_level_security: Option<Spanned<String>>,
}

#[derive(Deserialize, Debug)]
#[serde(untagged)]
pub enum KeyDef {
    Columns(Vec<String>),
    Named {
        name: Option<String>,
        columns: Vec<String>,
        deferrable: Option<String>,
    },
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    pub name: Spanned<String>,
    #[serde(rename = "type")]
    pub ty: Spanned<String>,
    pub nullable: Option<bool>,
    pub default: Option<Spanned<Literal>>,
    pub primary_key: Option<bool>,
    pub identity: Option<Spanned<IdentityDef>>,
    pub autoincrement: Option<bool>,
    pub unique: Option<bool>,
    pub references: Option<Spanned<String>>,
    pub on_delete: Option<Spanned<String>>,
    pub on_update: Option<Spanned<String>>,
    pub generated: Option<Spanned<String>>,
    pub collation: Option<String>,
    pub comment: Option<String>,
    pub renamed_from: Option<String>,
    pub check: Option<Spanned<String>>,
    pub using: Option<Spanned<String>>,
    pub downgrade_using: Option<Spanned<String>>,
    pub stored: Option<bool>,
    /// MySQL/MariaDB `INVISIBLE`.
    pub invisible: Option<bool>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct ForeignKeyDef {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub references: Spanned<String>,
    pub referenced_columns: Option<Vec<String>>,
    pub on_delete: Option<Spanned<String>>,
    pub on_update: Option<Spanned<String>>,
    pub deferrable: Option<Spanned<String>>,
    #[serde(rename = "match")]
    pub match_kind: Option<Spanned<String>>,
    pub not_valid: Option<bool>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct UniqueDef {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub nulls_not_distinct: Option<bool>,
    pub deferrable: Option<Spanned<String>>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct CheckDef {
    pub name: Option<String>,
    pub expr: Spanned<String>,
    pub no_inherit: Option<bool>,
    pub not_valid: Option<bool>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct OtherDef {
    pub name: Option<String>,
    pub definition: Spanned<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct IndexDef {
    pub name: Option<String>,
    pub columns: Vec<Spanned<String>>,
    pub unique: Option<bool>,
    pub method: Option<String>,
    pub include: Option<Vec<String>>,
    #[serde(rename = "where")]
    pub predicate: Option<Spanned<String>>,
    pub nulls_not_distinct: Option<bool>,
    pub with: Option<Vec<Spanned<String>>>,
    /// MySQL: `COMMENT '…'` on the index.
    pub comment: Option<String>,
    /// MySQL `INVISIBLE` / MariaDB `IGNORED`.
    pub invisible: Option<bool>,
    /// MySQL: a FULLTEXT index's parser plugin (`ngram`).
    pub parser: Option<String>,
}
