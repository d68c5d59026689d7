//! SQLite: the dialect (declared types kept as written, names SQLite does not store are canonical),
//! rendering with the documented table rebuild for ALTERs SQLite lacks, and its connection.

pub mod conn;
pub mod introspect;
pub mod lower;
pub mod names;
pub mod normalize;
pub mod render;
pub mod scan;

use super::Dialect;
use crate::op::Op;
use crate::schema::Schema;

pub struct Sqlite;

fn dedupe<'a>(names: impl Iterator<Item = &'a mut String>) {
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for n in names {
        let c = seen.entry(n.clone()).or_insert(0);
        *c += 1;
        if *c > 1 {
            n.push_str(&c.to_string());
        }
    }
}

impl Dialect for Sqlite {
    fn name(&self) -> &'static str {
        "sqlite"
    }
    fn default_namespace(&self) -> &'static str {
        "main"
    }
    fn canonical_type(&self, ty: &str) -> Result<String, String> {
        super::canonical::remembered(self.name(), ty, normalize::canonical_type)
    }
    fn check_type(&self, ty: &str) -> Result<(), (String, Option<String>)> {
        normalize::check_type(ty)
    }
    fn primary_key_is_not_null(&self) -> bool {
        false
    }
    fn has_autoincrement(&self) -> bool {
        true
    }
    fn allows_untyped_columns(&self) -> bool {
        true
    }
    fn generated_always_stored(&self) -> bool {
        false
    }
    fn table_options(&self) -> &'static [&'static str] {
        &["strict", "without rowid"]
    }
    fn now_call(&self) -> &'static str {
        "CURRENT_TIMESTAMP"
    }
    fn names_fold_case(&self) -> bool {
        true
    }
    fn statement_key(&self, sql: &str) -> String {
        // Names fold case however they are quoted; `main.` is the database itself.
        crate::sql::text_key_folding(sql, true).replace("main . ", "")
    }
    fn quoted_default_is_text(&self) -> bool {
        true
    }
    fn keeps_declared_types(&self) -> bool {
        true
    }
    fn check_expr(&self, sql: &str) -> Result<(), (String, Option<String>)> {
        normalize::check_expr(sql)
    }
    fn lacks(&self, section: &str) -> bool {
        matches!(
            section,
            "sequences"
                | "domains"
                | "enums"
                | "functions"
                | "extensions"
                | "index storage parameters"
                | "deferrable primary keys"
                | "inheritance"
                | "materialized_views"
                | "policies"
                | "rules"
                | "view options"
                | "trigger parts"
                | "row level security"
                | "index comments"
                | "invisible indexes"
                | "fulltext parsers"
                | "invisible columns"
        )
    }
    fn expr_key(&self, sql: &str) -> String {
        let s = crate::sql::strip_outer_parens(sql);
        crate::sql::fold_text(s)
    }
    fn default_name(&self, table: &str, columns: &[String], kind: &str) -> String {
        if columns.is_empty() || kind == "pkey" {
            format!("{table}_{kind}")
        } else {
            format!("{table}_{}_{kind}", columns.join("_"))
        }
    }
    fn parser(&self) -> Box<dyn sqlparser::dialect::Dialect> {
        Box::new(sqlparser::dialect::SQLiteDialect {})
    }
    fn render(&self, op: &Op) -> Vec<String> {
        render::render(op)
    }
    fn default_clause(&self, sql: &str) -> String {
        render::default_sql(sql)
    }
    fn canonicalize(&self, schema: &mut Schema) {
        schema.resolve_reference_case();
        // SQLite does not keep constraint names where its pragmas can read them: compare by definition.
        for t in schema.tables.values_mut() {
            if let Some(p) = &mut t.primary_key {
                p.name.clear();
            }
            t.uniques.iter_mut().for_each(|u| u.name.clear());
            t.foreign_keys.iter_mut().for_each(|f| f.name.clear());
            t.checks.iter_mut().for_each(|c| c.name.clear());
            t.comment = None;
            for c in &mut t.columns {
                c.comment = None;
            }
        }
        // Declared types are kept as written (and rendered so); only their canonical form is compared.
        for t in schema.tables.values_mut() {
            for c in &mut t.columns {
                let written = c
                    .sql_type()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                let canon = normalize::canonical_type(&written).unwrap_or_else(|_| written.clone());
                c.decl = (written != canon).then_some(written);
                // Collation names are case-insensitive (BINARY, NOCASE, RTRIM).
                c.collation = c.collation.take().map(|x| x.to_ascii_uppercase());
            }
            for i in &mut t.indexes {
                for p in &mut i.parts {
                    p.collation = p.collation.take().map(|x| x.to_ascii_uppercase());
                }
            }
            // The rowid alias (an `INTEGER` primary key of a rowid table) can never be NULL, whether
            // or not it was declared NOT NULL.
            let rowid = !t
                .options
                .iter()
                .any(|o| o.eq_ignore_ascii_case("without rowid"));
            if let Some([pk]) = t.primary_key.as_ref().map(|p| p.columns.as_slice()) {
                if let Some(c) = t.columns.iter_mut().find(|c| &c.name == pk) {
                    if rowid && c.sql_type().eq_ignore_ascii_case("integer") {
                        c.decl_nullable.get_or_insert(c.nullable);
                        c.nullable = false;
                    }
                }
            }
        }
        super::canonical::canonicalize(self, schema);
        // Unnamed checks (and FKs, uniques) with the same default name get distinct names, in order.
        for t in schema.tables.values_mut() {
            dedupe(t.foreign_keys.iter_mut().map(|f| &mut f.name));
            dedupe(t.uniques.iter_mut().map(|u| &mut u.name));
            let mut seen = std::collections::BTreeMap::<String, usize>::new();
            for c in &mut t.checks {
                let n = seen.entry(c.name.clone()).or_insert(0);
                *n += 1;
                if *n > 1 {
                    c.name = format!("{}{}", c.name, n);
                }
            }
        }
    }
    fn keeps_constraint_names(&self) -> bool {
        false
    }
    fn script_notes(&self) -> Vec<String> {
        vec![
            "run it with `sqlite3 -bail DB < FILE`: -bail stops at the first error, so a failed revision is never committed".into(),
        ]
    }
    fn script_around_revision(&self) -> (Vec<String>, Vec<String>) {
        // PRAGMA foreign_keys has no effect inside a transaction: set it around each revision, so a
        // table rebuild's DROP TABLE cannot cascade into the rows that reference it.
        (
            vec!["PRAGMA foreign_keys = OFF".into()],
            vec!["PRAGMA foreign_keys = ON".into()],
        )
    }
    fn script_statement(&self, sql: &str) -> Vec<String> {
        render::script_statement(sql)
    }
    fn warning(&self, op: &Op) -> Option<String> {
        let own = op.warning();
        let Op::RebuildTable { from, to } = op else {
            return own;
        };
        let notes: Vec<String> = to
            .columns
            .iter()
            .filter_map(|c| {
                let f = from.column(&c.name)?;
                normalize::affinity_note(&c.name, f.sql_type(), c.sql_type())
            })
            .collect();
        if notes.is_empty() {
            return own;
        }
        let note = format!("rebuilds {}: {}", to.name, notes.join("; "));
        Some(match own {
            Some(o) => format!("{o}; {note}"),
            None => note,
        })
    }
    fn match_names(&self, current: &Schema, desired: &Schema) -> Option<(Schema, Schema)> {
        names::match_names(current, desired)
    }
    fn lower(&self, ops: Vec<Op>, current: &Schema, desired: &Schema) -> Vec<Op> {
        lower::lower(ops, current, desired)
    }
    fn fk_cycles_need_alter(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn declared_types_compare_loosely() {
        assert_eq!(
            super::normalize::canonical_type("NVARCHAR( 40 )").unwrap(),
            "nvarchar(40)"
        );
        assert_eq!(
            super::normalize::canonical_type("INTEGER").unwrap(),
            "integer"
        );
        assert_eq!(
            super::normalize::canonical_type("numeric(10, 2)").unwrap(),
            "numeric(10,2)"
        );
    }
}
