//! PostgreSQL: the dialect (names, types, expressions, rendering) and its live connection.

pub mod ask;
mod ask_objects;
pub mod casts;
pub mod conn;
pub mod ddl;
pub mod expr;
pub mod introspect;
mod introspect_keys;
mod introspect_objects;
mod introspect_views;
pub mod normalize;
pub mod render;
mod render_objects;
pub mod routine;
pub mod textsearch;

use super::Dialect;
use crate::op::Op;

pub struct Postgres;

/// PostgreSQL's `makeObjectName`: `name1_name2_label`, truncating the longer of name1/name2 first so the
/// result fits in 63 bytes (NAMEDATALEN - 1), on character boundaries.
pub fn make_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let overhead = label.len() + 1 + usize::from(name2.is_some());
    let avail = 63usize.saturating_sub(overhead);
    let mut n1 = name1.len();
    let mut n2 = name2.map_or(0, str::len);
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let clip = |s: &str, mut n: usize| {
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_string()
    };
    let mut out = clip(name1, n1);
    if let Some(n) = name2 {
        out.push('_');
        out.push_str(&clip(n, n2));
    }
    out.push('_');
    out.push_str(label);
    out
}

impl Dialect for Postgres {
    fn name(&self) -> &'static str {
        "postgresql"
    }
    fn default_namespace(&self) -> &'static str {
        "public"
    }
    fn canonical_type(&self, ty: &str) -> Result<String, String> {
        super::canonical::remembered(self.name(), ty, normalize::canonical_type)
    }
    fn check_type(&self, ty: &str) -> Result<(), (String, Option<String>)> {
        normalize::check_type(ty)
    }
    fn known_type(&self, canon_ty: &str) -> bool {
        normalize::is_builtin_type(canon_ty)
    }
    fn serial(
        &self,
        table: &crate::schema::QName,
        column: &str,
        ty: &str,
    ) -> Option<(String, crate::schema::Sequence, crate::schema::Expr)> {
        normalize::serial(self, table, column, ty)
    }
    fn has_identity(&self) -> bool {
        true
    }
    fn allows_empty_tables(&self) -> bool {
        true
    }
    fn canonicalize(&self, schema: &mut crate::schema::Schema) {
        crate::dialect::canonical::canonicalize(self, schema);
        // Collations as SQL names: `app.ci` qualified when `app` is a schema.
        let mut ns = schema.namespaces.clone();
        ns.extend(schema.tables.keys().filter_map(|k| k.schema.clone()));
        let fix = |c: &mut Option<String>| {
            if let Some(x) = c {
                *x = crate::sql::sql_collation(x, &ns);
            }
        };
        for t in schema.tables.values_mut() {
            for c in &mut t.columns {
                fix(&mut c.collation);
            }
            for i in &mut t.indexes {
                for p in &mut i.parts {
                    fix(&mut p.collation);
                }
            }
        }
        for d in schema.domains.values_mut() {
            fix(&mut d.collation);
        }
    }
    fn check_routine(
        &self,
        name: &str,
        args: &str,
        sql: &str,
    ) -> Result<(), (String, Option<String>)> {
        routine::check_key(self, name, args, sql)
    }
    fn cast_missing(&self, from: &str, to: &str) -> bool {
        casts::no_cast(from, to)
    }
    fn collatable(&self, canon_ty: &str) -> bool {
        let base = canon_ty.trim_end_matches("[]");
        let name = base.split('(').next().unwrap_or(base).trim();
        // Built-in types other than the string types have no collation; user types may (domains).
        !normalize::is_builtin_type(base)
            || matches!(
                name,
                "text" | "character varying" | "character" | "bpchar" | "name"
            )
    }
    fn expr_key(&self, sql: &str) -> String {
        normalize::expr_key(sql)
    }
    fn lacks(&self, section: &str) -> bool {
        matches!(
            section,
            "view column names"
                | "index comments"
                | "invisible indexes"
                | "fulltext parsers"
                | "invisible columns"
        )
    }
    fn statement_key(&self, sql: &str) -> String {
        // `CREATE OR REPLACE`, `EXECUTE PROCEDURE` (the old spelling) and `public.` say nothing more.
        crate::sql::text_key(sql)
            .replacen("create or replace ", "create ", 1)
            .replace("execute procedure ", "execute function ")
            .replace("public . ", "")
    }
    fn default_name(&self, table: &str, columns: &[String], kind: &str) -> String {
        if columns.is_empty() || kind == "pkey" {
            make_object_name(table, None, kind)
        } else {
            make_object_name(table, Some(&columns.join("_")), kind)
        }
    }
    fn parser(&self) -> Box<dyn sqlparser::dialect::Dialect> {
        Box::new(sqlparser::dialect::PostgreSqlDialect {})
    }
    fn render(&self, op: &Op) -> Vec<String> {
        render::render(op)
    }
    fn ident(&self, s: &str) -> String {
        render::q(s)
    }
    fn literal(&self, s: &str) -> String {
        render::lit(s)
    }
    fn max_identifier_len(&self) -> Option<usize> {
        Some(63)
    }
    fn script_preamble(&self) -> Vec<String> {
        conn::SESSION_SETTINGS
            .iter()
            .map(|s| s.to_string())
            .collect()
    }
    fn warning(&self, op: &Op) -> Option<String> {
        match op {
            Op::AlterColumn { table, from, to } if from.ty != to.ty => {
                let ty = casts::change_note(&from.ty, &to.ty).map(|note| {
                    format!(
                        "changes type of {table}.{} from {} to {}: {note}",
                        to.name, from.ty, to.ty
                    )
                });
                match (ty, op.data_warning()) {
                    (Some(a), Some(b)) => Some(format!("{a}; {b}")),
                    (a, b) => a.or(b),
                }
            }
            Op::ReplaceFunction { from, to } if routine::needs_drop(from, to) => Some(format!(
                "drops and creates {} {} (CREATE OR REPLACE cannot make this change): PostgreSQL refuses the drop while defaults, checks, indexes, views or other functions use it, and names them",
                routine::kind(&to.sql.sql).to_lowercase(),
                to.signature()
            )),
            _ => op.warning(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_truncated_like_postgres() {
        let t = "a".repeat(40);
        let c = "b".repeat(40);
        let n = make_object_name(&t, Some(&c), "fkey");
        assert_eq!(n.len(), 63);
        assert_eq!(n, format!("{}_{}_fkey", "a".repeat(29), "b".repeat(28)));
        assert_eq!(make_object_name("users", None, "pkey"), "users_pkey");
    }
}
