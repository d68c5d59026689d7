//! The schema's views, materialized views, triggers, policies, rules and row-level security.

use super::{Expr, Index, QName};

/// A view or materialized view: its query as the database deparses it, and its options.
#[derive(Clone, Debug, Eq)]
pub struct View {
    pub name: QName,
    pub materialized: bool,
    /// The `SELECT …` (no trailing `;`).
    pub sql: Expr,
    /// Names given to the view's columns before its query (`CREATE VIEW v (a, b) AS …`, SQLite);
    /// empty when the query names them.
    pub names: Vec<String>,
    /// `local` or `cascaded` (`WITH … CHECK OPTION`).
    pub check_option: Option<String>,
    pub security_barrier: bool,
    pub security_invoker: bool,
    /// Materialized views: filled when created (`WITH DATA`, the default) or not.
    pub with_data: bool,
    /// Materialized views' indexes.
    pub indexes: Vec<Index>,
    pub comment: Option<String>,
    /// The output columns `(name, type)` as the database reports them; empty when not known (a view
    /// of the models the server was not asked about). Decides `CREATE OR REPLACE`; not compared.
    pub columns: Vec<(String, String)>,
    /// Models only: byte offset of the view's `sql` in models.toml. Not compared.
    pub at: usize,
    /// What the live database holds about the view that the models do not manage. Not compared.
    pub kept: Kept,
}

/// What a re-created view would lose that the models do not say: its owner (when it is not the
/// user autogen connects as), the privileges granted on it and on its columns, and its columns'
/// comments. Read from the
/// live database and restored after the view is made again, so re-creating a view around a change
/// never hands it to another owner or takes its grants away.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Kept {
    pub owner: Option<String>,
    /// `(privilege, grantee, with grant option)`; grantee `PUBLIC` for everyone.
    pub grants: Vec<(String, String, bool)>,
    /// `(column, comment)`.
    pub column_comments: Vec<(String, String)>,
    /// `(column, privilege, grantee, with grant option)`.
    pub column_grants: Vec<(String, String, String, bool)>,
}

impl PartialEq for View {
    fn eq(&self, o: &View) -> bool {
        self.same_query(o) && self.indexes == o.indexes && self.comment == o.comment
    }
}

impl View {
    pub fn new(name: QName, sql: &str) -> View {
        View {
            name,
            materialized: false,
            sql: Expr::new(sql),
            names: vec![],
            check_option: None,
            security_barrier: false,
            security_invoker: false,
            with_data: true,
            indexes: vec![],
            comment: None,
            columns: vec![],
            at: 0,
            kept: Kept::default(),
        }
    }
    /// Whether this view's columns are the first columns of `o` (names and types), both known: then
    /// `CREATE OR REPLACE VIEW` turns this one into `o`.
    pub fn columns_lead(&self, o: &View) -> bool {
        !self.columns.is_empty() && o.columns.starts_with(&self.columns)
    }
    /// Everything `CREATE VIEW` says: the query, its kind and options (not indexes or comment).
    pub fn same_query(&self, o: &View) -> bool {
        self.name == o.name
            && self.materialized == o.materialized
            && self.sql == o.sql
            && self.names == o.names
            && self.check_option == o.check_option
            && self.security_barrier == o.security_barrier
            && self.security_invoker == o.security_invoker
            && self.with_data == o.with_data
    }
}

/// A trigger, kept as its whole `CREATE TRIGGER` text (as the database prints it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    pub name: String,
    pub table: QName,
    pub sql: Expr,
}

/// A row-level security policy.
#[derive(Clone, Debug, Eq)]
pub struct Policy {
    pub name: String,
    pub table: QName,
    /// `all`, `select`, `insert`, `update` or `delete`.
    pub command: String,
    pub permissive: bool,
    /// Role names, sorted; `public` = every role.
    pub roles: Vec<String>,
    pub using: Option<Expr>,
    pub with_check: Option<Expr>,
    /// Models only: the roles as written where they differ from `roles` (`current_user`, which
    /// compares as the role it stands for but is written as the keyword). Not compared.
    pub written_roles: Option<Vec<String>>,
}

impl PartialEq for Policy {
    fn eq(&self, o: &Policy) -> bool {
        self.name == o.name
            && self.table == o.table
            && self.command == o.command
            && self.permissive == o.permissive
            && self.roles == o.roles
            && self.using == o.using
            && self.with_check == o.with_check
    }
}

/// A rewrite rule, kept as its whole `CREATE RULE` text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub name: String,
    pub table: QName,
    pub sql: Expr,
}

/// Row-level security of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum RowSecurity {
    #[default]
    Off,
    /// `ENABLE ROW LEVEL SECURITY`: policies apply to everyone but the table's owner.
    Enabled,
    /// Enabled and `FORCE`d: policies apply to the owner too.
    Forced,
}

impl RowSecurity {
    pub fn model_name(self) -> &'static str {
        match self {
            RowSecurity::Off => "off",
            RowSecurity::Enabled => "enabled",
            RowSecurity::Forced => "forced",
        }
    }
}
