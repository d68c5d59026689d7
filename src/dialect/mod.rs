//! The per-dialect seam: canonical types/expressions/names, rendering ops to SQL, and live connections.

pub mod canonical;
pub mod conn;
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

    /// Sections of models.toml this dialect has no such object for (SQLite: sequences, domains …).
    fn lacks(&self, _section: &str) -> bool {
        false
    }

    /// Canonical comparison key of an SQL expression (default, check, index expression, predicate).
    fn expr_key(&self, sql: &str) -> String;

    /// The name the database gives an unnamed constraint/index. `kind`: pkey, key, fkey, check, idx, seq.
    fn default_name(&self, table: &str, columns: &[String], kind: &str) -> String;

    /// The sqlparser dialect used to split and check revision SQL.
    fn parser(&self) -> Box<dyn sqlparser::dialect::Dialect>;

    /// SQL statements (without the trailing `;`) performing `op`.
    fn render(&self, op: &Op) -> Vec<String>;

    /// Quotes an identifier when it needs quoting.
    fn ident(&self, s: &str) -> String {
        quote_ident(s)
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
        quote_literal(s)
    }

    /// The longest identifier the database keeps, in bytes (`None`: no limit).
    fn max_identifier_len(&self) -> Option<usize> {
        None
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

/// Double-quotes `s` unless it is a plain lowercase identifier that is not a reserved word.
pub fn quote_ident(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !is_reserved(s);
    if plain {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('"', "\"\""))
    }
}

/// PostgreSQL's reserved key words (and a few that are reserved in SQLite too): quoted when used as names.
pub fn is_reserved(s: &str) -> bool {
    const R: &[&str] = &[
        "all",
        "analyse",
        "analyze",
        "and",
        "any",
        "array",
        "as",
        "asc",
        "asymmetric",
        "authorization",
        "between",
        "binary",
        "both",
        "case",
        "cast",
        "check",
        "collate",
        "collation",
        "column",
        "concurrently",
        "constraint",
        "create",
        "cross",
        "current_catalog",
        "current_date",
        "current_role",
        "current_schema",
        "current_time",
        "current_timestamp",
        "current_user",
        "default",
        "deferrable",
        "desc",
        "distinct",
        "do",
        "else",
        "end",
        "except",
        "false",
        "fetch",
        "for",
        "foreign",
        "freeze",
        "from",
        "full",
        "grant",
        "group",
        "having",
        "ilike",
        "in",
        "initially",
        "inner",
        "intersect",
        "into",
        "is",
        "isnull",
        "join",
        "lateral",
        "leading",
        "left",
        "like",
        "limit",
        "localtime",
        "localtimestamp",
        "natural",
        "not",
        "notnull",
        "null",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "outer",
        "overlaps",
        "placing",
        "primary",
        "references",
        "returning",
        "right",
        "select",
        "session_user",
        "similar",
        "some",
        "symmetric",
        "system_user",
        "table",
        "tablesample",
        "then",
        "to",
        "trailing",
        "true",
        "union",
        "unique",
        "user",
        "using",
        "variadic",
        "verbose",
        "when",
        "where",
        "window",
        "with",
    ];
    R.binary_search(&s).is_ok()
}

/// A name as SQL writes it: each part quoted when it needs quoting (`"Sales".channel`).
pub fn qname_sql(q: &crate::schema::QName) -> String {
    match &q.schema {
        Some(s) => format!("{}.{}", quote_ident(s), quote_ident(&q.name)),
        None => quote_ident(&q.name),
    }
}

/// Quotes a string literal.
pub fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The dialect a URL selects.
pub fn for_url(url: &str) -> Option<&'static dyn Dialect> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Some(&postgres::Postgres)
    } else if url.starts_with("sqlite:") {
        Some(&sqlite::Sqlite)
    } else {
        None
    }
}

/// The dialect a revision header names.
pub fn by_name(name: &str) -> Option<&'static dyn Dialect> {
    match name {
        "postgresql" => Some(&postgres::Postgres),
        "sqlite" => Some(&sqlite::Sqlite),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reserved_list_is_sorted_for_binary_search() {
        let mut v: Vec<&str> = vec![];
        for w in ["all", "user", "order", "table"] {
            assert!(super::is_reserved(w), "{w}");
            v.push(w);
        }
        assert!(!super::is_reserved("users"));
        assert_eq!(super::quote_ident("order"), "\"order\"");
        assert_eq!(super::quote_ident("Name"), "\"Name\"");
        assert_eq!(super::quote_ident("name_1"), "name_1");
    }
}
