//! The per-dialect seam: canonical types/expressions/names, rendering ops to SQL, and live connections.

pub mod canonical;
mod canonical_objects;
mod case_names;
pub mod conn;
pub mod mysql;
pub mod postgres;
pub mod sqlite;

use crate::op::Op;
use crate::schema::Schema;

/// What a dialect knows without a connection. Defaults fit the common (PostgreSQL-like) case.
pub trait Dialect: Sync {
    /// Name written in revision headers: `postgresql`, `sqlite`.
    fn name(&self) -> &'static str;

    /// The schema used when a name is not qualified.
    fn default_namespace(&self) -> &'static str;

    /// Canonical spelling of a type; `Err(hint)` for a type this dialect does not have.
    fn canonical_type(&self, ty: &str) -> Result<String, String>;

    /// Checks a type the models name beyond its spelling (length and precision ranges, names the
    /// dialect has): `Err((what is wrong, hint))`, reported at the type's location.
    fn check_type(&self, _ty: &str) -> Result<(), (String, Option<String>)> {
        Ok(())
    }

    /// Checks an expression the models give (default, check …) for what the dialect lacks (SQLite:
    /// functions it does not have, like `now()`): `Err((what is wrong, hint))`.
    fn check_expr(&self, _sql: &str) -> Result<(), (String, Option<String>)> {
        Ok(())
    }

    /// Whether a (canonical) type name is one the database defines itself; others must be declared in
    /// the models (enums, domains) or come from an extension. Default: every name is.
    fn known_type(&self, _canon_ty: &str) -> bool {
        true
    }

    /// A `serial`-like column type the dialect expands: (the integer type, the sequence it owns, the
    /// column's default). Default: none.
    fn serial(
        &self,
        _table: &crate::schema::QName,
        _column: &str,
        _ty: &str,
    ) -> Option<(String, crate::schema::Sequence, crate::schema::Expr)> {
        None
    }

    /// Whether columns can be `identity` columns (PostgreSQL).
    fn has_identity(&self) -> bool {
        false
    }

    /// Whether integer primary keys can be `autoincrement` (SQLite, MySQL).
    fn has_autoincrement(&self) -> bool {
        false
    }

    /// Whether `autoincrement` belongs to the column (MySQL's `AUTO_INCREMENT`) rather than to the
    /// table (SQLite's `AUTOINCREMENT`, which never reuses ids).
    fn autoincrement_is_column(&self) -> bool {
        false
    }

    /// The table `options` the dialect has (SQLite: `strict`, `without rowid`); an entry ending in
    /// `=` takes a value (MySQL: `engine=`, `engine=InnoDB` in the models).
    fn table_options(&self) -> &'static [&'static str] {
        &[]
    }

    /// Why a table option's value (canonical, `row_format=x`) is refused, where the server would.
    fn check_table_option(&self, _option: &str) -> Result<(), String> {
        Ok(())
    }

    /// Why a literal default (its text; `quoted` for a string) cannot be a value of a column of
    /// canonical type `canon_ty` where the server would refuse it at upgrade time.
    fn check_default_value(
        &self,
        _canon_ty: &str,
        _value: &str,
        _quoted: bool,
    ) -> Result<(), String> {
        Ok(())
    }

    /// Why the server refuses a foreign key from column `a` of `ta` to column `b` of `tb` (beyond
    /// types of different kinds, which every dialect refuses).
    fn refuse_foreign_key(
        &self,
        _ta: &crate::schema::Table,
        _a: &crate::schema::Column,
        _tb: &crate::schema::Table,
        _b: &crate::schema::Column,
    ) -> Option<String> {
        None
    }

    /// Why the server refuses a column of canonical type `canon_ty` (with a prefix length) as a key
    /// part of an index of `method`, with a hint.
    fn check_index_part(
        &self,
        _canon_ty: &str,
        _prefix: Option<u32>,
        _method: &str,
    ) -> Result<(), (String, String)> {
        Ok(())
    }

    /// Why the server refuses a column (of canonical type `canon_ty`): the models key it is about
    /// (`on_update`, `comment` …), the message and a hint.
    fn check_column(
        &self,
        _canon_ty: &str,
        _col: &crate::schema::Column,
    ) -> Result<(), (&'static str, String, String)> {
        Ok(())
    }

    /// Whether a foreign key may reference the leading columns of any index, not only a key (InnoDB).
    fn fk_references_index_prefix(&self) -> bool {
        false
    }

    /// Why a column's collation name is refused (MySQL writes it bare: it must be one word).
    fn check_collation(&self, _name: &str) -> Result<(), String> {
        Ok(())
    }

    /// Whether DDL runs inside a transaction (PostgreSQL, SQLite). MySQL commits before and after
    /// every DDL statement, so its revisions run statement by statement with their progress recorded.
    fn transactional_ddl(&self) -> bool {
        true
    }

    /// The one statement recording that `done` statements of `revision` ran in `direction` (an
    /// upsert on `autogen_progress`, so no moment exists without the row).
    fn progress_sql(&self, revision: &str, direction: &str, done: usize) -> String {
        let (id, d) = (self.literal(revision), self.literal(direction));
        format!(
            "INSERT INTO autogen_progress (revision, direction, statements_done) VALUES ({id}, {d}, {done}) \
             ON CONFLICT (revision, direction) DO UPDATE SET statements_done = excluded.statements_done"
        )
    }

    /// Whether an index key may index a column's leading characters (MySQL's `name(10)`).
    fn index_prefixes(&self) -> bool {
        false
    }

    /// Whether a key on a column of this (canonical) type must index a prefix (MySQL's `text` and
    /// `blob`: `name(100)`).
    fn key_needs_prefix(&self, _canon_ty: &str) -> bool {
        false
    }

    /// Whether a column can be set on every update of its row (MySQL's `ON UPDATE CURRENT_TIMESTAMP`;
    /// a column's `on_update` without `references`).
    fn has_on_update(&self) -> bool {
        false
    }

    /// Whether the database makes index `i` of `t` by itself (InnoDB indexes a foreign key that has
    /// none, under the key's name): `inspect` leaves it out of the models, canonicalization adds it.
    fn implied_index(&self, _t: &crate::schema::Table, _i: &crate::schema::Index) -> bool {
        false
    }

    /// A foreign key's action where the models name none (MySQL: RESTRICT, which its catalog reports
    /// apart from an explicit NO ACTION).
    fn default_fk_action(&self) -> crate::schema::FkAction {
        crate::schema::FkAction::NoAction
    }

    /// The expression for the current time, suggested when a default says `now`.
    fn now_call(&self) -> &'static str {
        "now()"
    }

    /// Whether a double-quoted word in a default is a string (SQLite's legacy reading), not a name.
    fn quoted_default_is_text(&self) -> bool {
        false
    }

    /// Whether names that differ only in case are the same name (SQLite).
    fn names_fold_case(&self) -> bool {
        false
    }

    /// Whether column names that differ only in case are the same name (SQLite, MySQL).
    fn column_names_fold_case(&self) -> bool {
        self.names_fold_case()
    }

    /// Whether the database keeps a column's declared type as written (SQLite): then the spelling is
    /// kept for rendering and only the canonical form is compared.
    fn keeps_declared_types(&self) -> bool {
        false
    }

    /// Whether a primary key makes its columns NOT NULL whatever they say (PostgreSQL: yes; SQLite lets
    /// a non-integer primary key hold NULL).
    fn primary_key_is_not_null(&self) -> bool {
        true
    }

    /// Whether a column of this (canonical) type can have a collation.
    fn collatable(&self, _canon_ty: &str) -> bool {
        true
    }

    /// Whether identity columns can have this (canonical) type.
    fn identity_type(&self, canon_ty: &str) -> bool {
        matches!(canon_ty, "smallint" | "integer" | "bigint")
    }

    /// Checks that a routine's `CREATE …` text defines the routine its key names (`name(args)`):
    /// `Err((what is wrong, hint))`. Default: not checked.
    fn check_routine(
        &self,
        _name: &str,
        _args: &str,
        _sql: &str,
    ) -> Result<(), (String, Option<String>)> {
        Ok(())
    }

    /// Whether the database has no conversion at all from type `from` to `to`, so changing a column
    /// between them needs a `using` expression in the models. Default: every change converts.
    fn cast_missing(&self, _from: &str, _to: &str) -> bool {
        false
    }

    /// Whether every generated column is stored (PostgreSQL before 18): `stored` is then implied.
    fn generated_always_stored(&self) -> bool {
        true
    }

    /// Whether a column may have no declared type (SQLite: `type = ""`, BLOB affinity).
    fn allows_untyped_columns(&self) -> bool {
        false
    }

    /// Whether a table may have no columns (PostgreSQL's `CREATE TABLE t ()`).
    fn allows_empty_tables(&self) -> bool {
        false
    }

    /// Sections of models.toml this dialect has no such object for (SQLite: sequences, domains …).
    fn lacks(&self, _section: &str) -> bool {
        false
    }

    /// Canonical comparison key of an SQL expression (default, check, index expression, predicate).
    fn expr_key(&self, sql: &str) -> String;

    /// Comparison key of a statement or query kept as text (a view's query, `CREATE TRIGGER`,
    /// `CREATE RULE`): its tokens, case and spacing folded.
    fn statement_key(&self, sql: &str) -> String {
        crate::sql::text_key(sql)
    }

    /// The name the database gives an unnamed constraint/index. `kind`: pkey, key, fkey, check, idx, seq,
    /// excl, possibly numbered (`check1`: the name taken when `check` is already used).
    fn default_name(&self, table: &str, columns: &[String], kind: &str) -> String;

    /// The sqlparser dialect used to split and check revision SQL.
    fn parser(&self) -> Box<dyn sqlparser::dialect::Dialect>;

    /// SQL statements (without the trailing `;`) performing `op`.
    fn render(&self, op: &Op) -> Vec<String>;

    /// A column default as it is written after `DEFAULT` (SQLite puts expressions in parentheses).
    fn default_clause(&self, sql: &str) -> String {
        sql.trim().to_string()
    }

    /// Quotes an identifier when it needs quoting.
    fn ident(&self, s: &str) -> String {
        crate::sql::quote_ident(s)
    }

    /// The rendered statements of a plan, where the dialect joins some (MySQL: consecutive changes to
    /// one table in one `ALTER TABLE`, which InnoDB applies at once). Default: as they are.
    fn combine(&self, stmts: Vec<String>) -> Vec<String> {
        stmts
    }

    /// Rewrites ops the dialect cannot run as they are (SQLite: table rebuilds). Default: unchanged.
    fn lower(&self, ops: Vec<Op>, _current: &Schema, _desired: &Schema) -> Vec<Op> {
        ops
    }

    /// `(current, desired)` with the names the database treats as equal made to match (SQLite: names
    /// differing only in case are one object, renamed); `None` when there is nothing to match.
    fn match_names(&self, _current: &Schema, _desired: &Schema) -> Option<(Schema, Schema)> {
        None
    }

    /// Whether the database keeps constraint names (then constraints compare as sets sorted by name;
    /// otherwise their declaration order is kept, as SQLite's pragmas report it).
    fn keeps_constraint_names(&self) -> bool {
        true
    }

    /// Whether FK cycles must be broken with `ALTER TABLE … ADD CONSTRAINT` after the tables exist.
    fn fk_cycles_need_alter(&self) -> bool {
        true
    }

    /// A string literal that means the same under every session setting of the server.
    fn literal(&self, s: &str) -> String {
        crate::sql::quote_literal(s)
    }

    /// The longest identifier the database keeps, in bytes (`None`: no limit).
    fn max_identifier_len(&self) -> Option<usize> {
        None
    }

    /// Why the server refuses `n` as a name (MySQL: over 64 characters, a trailing space), with a hint.
    fn check_name(&self, _n: &str) -> Result<(), (String, String)> {
        Ok(())
    }

    /// Statements an offline (`--sql`) script starts with: the session settings the rendered SQL
    /// relies on, so the script means the same whatever the server's defaults are.
    fn script_preamble(&self) -> Vec<String> {
        vec![]
    }

    /// Comment lines at the top of an offline script (how to run it).
    fn script_notes(&self) -> Vec<String> {
        vec![]
    }

    /// Statements an offline script runs before and after each revision (outside its transaction).
    fn script_around_revision(&self) -> (Vec<String>, Vec<String>) {
        (vec![], vec![])
    }

    /// A revision statement as an offline script runs it (where the runner does more than send it).
    fn script_statement(&self, sql: &str) -> Vec<String> {
        vec![sql.to_string()]
    }

    /// The `-- warning:` line for an op: data it destroys or may change, or a step that fails on
    /// existing rows. Default: what the op itself knows (`Op::warning`).
    fn warning(&self, op: &Op) -> Option<String> {
        op.warning()
    }

    /// Brings a schema (from models or from introspection) to canonical form, in place.
    fn canonicalize(&self, schema: &mut Schema) {
        canonical::canonicalize(self, schema)
    }
}

/// The dialect a URL selects.
pub fn for_url(url: &str) -> Option<&'static dyn Dialect> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Some(&postgres::Postgres)
    } else if url.starts_with("sqlite:") {
        Some(&sqlite::Sqlite)
    } else if url.starts_with("mysql://") || url.starts_with("mariadb://") {
        Some(&mysql::MySql)
    } else {
        None
    }
}

/// The dialect used where none is known yet (no URL, no revision headers): the first registered.
pub fn fallback() -> &'static dyn Dialect {
    &postgres::Postgres
}

/// The dialect a revision header names.
pub fn by_name(name: &str) -> Option<&'static dyn Dialect> {
    match name {
        "postgresql" => Some(&postgres::Postgres),
        "sqlite" => Some(&sqlite::Sqlite),
        "mysql" => Some(&mysql::MySql),
        _ => None,
    }
}
