//! MySQL and MariaDB: the dialect (one database per URL, names in backticks, DDL that commits
//! itself), its canonical forms, rendering and connection.

mod casts;
pub mod conn;
mod defaults;
pub mod expr;
pub mod introspect;
mod lower;
pub mod normalize;
mod refuse;
pub mod render;

use super::Dialect;
use crate::op::Op;
use crate::schema::*;

pub struct MySql;

/// A name in backticks (a backtick inside doubled): valid whatever the name and the sql_mode.
pub fn ident(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

impl Dialect for MySql {
    fn name(&self) -> &'static str {
        "mysql"
    }
    fn default_namespace(&self) -> &'static str {
        // The database the URL names; never written (no real database is called this in the models).
        "def"
    }
    fn canonical_type(&self, ty: &str) -> Result<String, String> {
        super::canonical::remembered(self.name(), ty, normalize::canonical_type)
    }
    fn check_type(&self, ty: &str) -> Result<(), (String, Option<String>)> {
        normalize::check_type(ty)
    }
    fn has_autoincrement(&self) -> bool {
        true
    }
    fn autoincrement_is_column(&self) -> bool {
        true
    }
    fn table_options(&self) -> &'static [&'static str] {
        &["engine=", "charset=", "collate=", "row_format="]
    }
    fn check_table_option(&self, option: &str) -> Result<(), String> {
        const ROW_FORMATS: &[&str] = &[
            "default",
            "dynamic",
            "fixed",
            "compressed",
            "redundant",
            "compact",
            "page",
        ];
        match option.split_once('=') {
            Some(("row_format", v)) if !ROW_FORMATS.contains(&v) => Err(format!(
                "unknown row format `{v}`; MySQL has {}",
                ROW_FORMATS.join(", ")
            )),
            _ => Ok(()),
        }
    }
    fn check_default_value(&self, canon_ty: &str, value: &str, quoted: bool) -> Result<(), String> {
        defaults::check(canon_ty, value, quoted)
    }
    fn refuse_foreign_key(&self, ta: &Table, a: &Column, tb: &Table, b: &Column) -> Option<String> {
        let ty = |c: &Column| normalize::canonical_type(&c.ty).unwrap_or(c.ty.clone());
        refuse::foreign_key(ta, a, &ty(a), tb, b, &ty(b))
    }
    fn check_index_part(
        &self,
        canon_ty: &str,
        prefix: Option<u32>,
        method: &str,
    ) -> Result<(), (String, String)> {
        refuse::index_part(canon_ty, prefix, method)
    }
    fn check_column(
        &self,
        canon_ty: &str,
        col: &Column,
    ) -> Result<(), (&'static str, String, String)> {
        refuse::column(canon_ty, col)
    }
    fn fk_references_index_prefix(&self) -> bool {
        true
    }
    fn check_collation(&self, name: &str) -> Result<(), String> {
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            Ok(())
        } else {
            Err(format!(
                "invalid collation name `{name}`: MySQL collations are one word"
            ))
        }
    }
    fn transactional_ddl(&self) -> bool {
        false
    }
    fn progress_sql(&self, revision: &str, direction: &str, done: usize) -> String {
        format!(
            "INSERT INTO autogen_progress (revision, direction, statements_done) VALUES ({}, {}, {done}) \
             ON DUPLICATE KEY UPDATE statements_done = {done}",
            self.literal(revision),
            self.literal(direction)
        )
    }
    fn index_prefixes(&self) -> bool {
        true
    }
    fn key_needs_prefix(&self, canon_ty: &str) -> bool {
        canon_ty.ends_with("text") || canon_ty.ends_with("blob") || canon_ty == "json"
    }
    fn has_on_update(&self) -> bool {
        true
    }
    fn implied_index(&self, t: &Table, i: &Index) -> bool {
        let Some(f) = t.foreign_keys.iter().find(|f| f.name == i.name) else {
            return false;
        };
        let cols: Vec<Option<String>> = i
            .parts
            .iter()
            .map(|p| {
                (p.prefix.is_none() && !p.desc)
                    .then(|| plain_column(&p.expr.sql))
                    .flatten()
            })
            .collect();
        let others = Table {
            indexes: t
                .indexes
                .iter()
                .filter(|x| x.name != i.name)
                .cloned()
                .collect(),
            ..t.clone()
        };
        !i.unique
            && i.method == "btree"
            && cols.iter().flatten().eq(f.columns.iter())
            && cols.iter().all(Option::is_some)
            && !indexed(&others, &f.columns)
    }
    fn default_fk_action(&self) -> FkAction {
        FkAction::Restrict
    }
    fn now_call(&self) -> &'static str {
        "CURRENT_TIMESTAMP"
    }
    fn primary_key_is_not_null(&self) -> bool {
        true
    }
    fn collatable(&self, canon_ty: &str) -> bool {
        normalize::is_text(canon_ty)
    }
    fn generated_always_stored(&self) -> bool {
        false
    }
    fn lacks(&self, section: &str) -> bool {
        matches!(
            section,
            "sequences"
                | "domains"
                | "enums"
                | "functions"
                | "extensions"
                | "collations"
                | "text_search"
                | "index storage parameters"
                | "partial indexes"
                | "deferrable primary keys"
                | "inheritance"
                | "views"
                | "materialized_views"
                | "triggers"
                | "policies"
                | "rules"
                | "view options"
                | "trigger parts"
                | "row level security"
        )
    }
    fn expr_key(&self, sql: &str) -> String {
        expr::expr_key(sql)
    }
    fn default_name(&self, table: &str, columns: &[String], kind: &str) -> String {
        match kind {
            "pkey" => "PRIMARY".into(),
            _ if columns.is_empty() => format!("{table}_{kind}"),
            _ => format!("{table}_{}_{kind}", columns.join("_")),
        }
    }
    fn parser(&self) -> Box<dyn sqlparser::dialect::Dialect> {
        Box::new(sqlparser::dialect::MySqlDialect {})
    }
    fn render(&self, op: &Op) -> Vec<String> {
        render::render(op)
    }
    fn ident(&self, s: &str) -> String {
        ident(s)
    }
    fn literal(&self, s: &str) -> String {
        normalize::literal(s)
    }
    fn check_name(&self, n: &str) -> Result<(), (String, String)> {
        let chars = n.chars().count();
        if chars > 64 {
            return Err((
                format!("`{n}` is {chars} characters long; MySQL keeps at most 64"),
                "use a shorter name".into(),
            ));
        }
        if n.ends_with(' ') {
            return Err((
                format!("`{n}` ends with a space, which MySQL refuses in a name"),
                "drop the trailing space".into(),
            ));
        }
        Ok(())
    }
    fn script_preamble(&self) -> Vec<String> {
        conn::SESSION_SETTINGS
            .iter()
            .map(|s| s.to_string())
            .collect()
    }
    fn script_notes(&self) -> Vec<String> {
        vec![
            "run it with `mariadb --binary-mode DB < FILE` (or `mysql`): it stops at the first error; MySQL commits every DDL statement itself, so a failed script is half-applied".into(),
        ]
    }
    fn warning(&self, op: &Op) -> Option<String> {
        match op {
            // MySQL fills existing rows with the type's implicit default (0, '') instead of failing.
            Op::AddColumn { table, column }
                if !column.nullable && column.default.is_none() && column.generated.is_none() && !column.auto_increment =>
            {
                Some(format!(
                    "adds NOT NULL column {table}.{} without a default: existing rows get the type's implicit default (0, '', the zero date)",
                    column.name
                ))
            }
            // An enum or set losing values: MODIFY fails (strict mode) on a row that holds one.
            Op::AlterColumn { table, from, to } if from.ty != to.ty => {
                let values = |ty: &str| -> Option<Vec<String>> {
                    let inner = ty.strip_prefix("enum(").or_else(|| ty.strip_prefix("set("))?;
                    Some(inner.trim_end_matches(')').split(',').map(str::to_string).collect())
                };
                match (values(&from.ty), values(&to.ty)) {
                    (Some(a), Some(b)) if a.iter().any(|v| !b.contains(v)) => {
                        let gone: Vec<&String> = a.iter().filter(|v| !b.contains(v)).collect();
                        Some(format!(
                            "removes value(s) {} from {table}.{}: the upgrade fails on a row that holds one (update those rows first)",
                            gone.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                            to.name
                        ))
                    }
                    (Some(a), Some(b)) if b.starts_with(a.as_slice()) => None,
                    _ if widens(&from.ty, &to.ty) && from.nullable == to.nullable => {
                        op.warning().filter(|w| !w.starts_with("changes type"))
                    }
                    _ => {
                        let notes: Vec<String> = casts::change_note(&from.ty, &to.ty)
                            .into_iter()
                            .chain(casts::charset_note(from.collation.as_deref(), to.collation.as_deref()))
                            .collect();
                        let w = op.warning();
                        match (notes.is_empty(), w) {
                            (false, Some(w)) => Some(match w.split_once("; ") {
                                Some((head, rest)) => format!("{head}: {}; {rest}", notes.join("; ")),
                                None => format!("{w}: {}", notes.join("; ")),
                            }),
                            (_, w) => w,
                        }
                    }
                }
            }
            Op::AlterColumn { table, from, to } => {
                let cs = casts::charset_note(from.collation.as_deref(), to.collation.as_deref());
                match (cs, op.warning()) {
                    (Some(c), Some(w)) => Some(format!("{w}; {table}.{}: {c}", to.name)),
                    (Some(c), None) => Some(format!("changes the character set of {table}.{}: {c}", to.name)),
                    (None, w) => w,
                }
            }
            _ => op.warning(),
        }
    }
    fn combine(&self, stmts: Vec<String>) -> Vec<String> {
        render::combine(stmts)
    }
    fn column_names_fold_case(&self) -> bool {
        true
    }
    fn match_names(&self, current: &Schema, desired: &Schema) -> Option<(Schema, Schema)> {
        let mut des = desired.clone();
        super::case_names::column_renames(desired, current, &mut des)
            .then(|| (current.clone(), des))
    }
    fn lower(&self, ops: Vec<Op>, current: &Schema, desired: &Schema) -> Vec<Op> {
        lower::lower(ops, current, desired)
    }
    fn canonicalize(&self, schema: &mut Schema) {
        for t in schema.tables.values_mut() {
            for c in &mut t.columns {
                // A nullable column without a default has DEFAULT NULL; a generated column is
                // nullable as far as the catalog tells.
                if c.default
                    .as_ref()
                    .is_some_and(|d| d.sql.trim().eq_ignore_ascii_case("null"))
                {
                    c.default = None;
                }
                if c.generated.is_some() {
                    c.nullable = true;
                    c.default = None;
                }
                // `DEFAULT '0'` on a number is the number.
                let ty = normalize::canonical_type(&c.ty).unwrap_or_default();
                if let Some(d) = &mut c.default {
                    let s = d.sql.trim();
                    if normalize::is_numeric(&ty)
                        && s.len() >= 2
                        && s.starts_with('\'')
                        && s.ends_with('\'')
                    {
                        let inner = &s[1..s.len() - 1];
                        if inner.parse::<f64>().is_ok() {
                            *d = Expr::new(inner.to_string());
                        }
                    }
                    if let Some(full) = defaults::full_temporal(&ty, d.sql.trim()) {
                        *d = Expr::new(full);
                    }
                }
            }
            for i in &mut t.indexes {
                if i.method.is_empty() {
                    i.method = "btree".into();
                }
                i.method = i.method.to_ascii_lowercase();
            }
            // InnoDB is the default engine: naming it changes nothing.
            t.options = t
                .options
                .iter()
                .map(|o| crate::sql::table_option(o))
                .filter(|o| o != "engine=innodb")
                .collect();
        }
        super::canonical::canonicalize(self, schema);
        for t in schema.tables.values_mut() {
            if let Some(p) = &mut t.primary_key {
                p.name = "PRIMARY".into();
            }
            // InnoDB has no hash indexes: `USING HASH` makes a B-tree, and MariaDB's `HASH` in the
            // catalog is its long unique key (a unique key too wide for a B-tree).
            if !t.options.iter().any(|o| o.starts_with("engine=")) {
                for i in &mut t.indexes {
                    if i.method == "hash" {
                        i.method = "btree".into();
                    }
                }
            }
            // A unique index on plain columns is a unique key (MySQL has no other kind).
            let (keys, rest): (Vec<Index>, Vec<Index>) =
                std::mem::take(&mut t.indexes).into_iter().partition(|i| {
                    i.unique
                        && i.method == "btree"
                        && i.comment.is_none()
                        && !i.invisible
                        && i.parts.iter().all(|p| {
                            p.prefix.is_none() && !p.desc && plain_column(&p.expr.sql).is_some()
                        })
                });
            t.indexes = rest;
            for k in keys {
                t.uniques.push(Unique {
                    name: k.name,
                    columns: k
                        .parts
                        .iter()
                        .filter_map(|p| plain_column(&p.expr.sql))
                        .collect(),
                    nulls_not_distinct: false,
                    deferrable: Deferrable::No,
                });
            }
            // InnoDB indexes every foreign key: one named after it where no index leads with its columns.
            let missing: Vec<Index> = t
                .foreign_keys
                .iter()
                .filter(|f| !indexed(t, &f.columns))
                .map(|f| Index {
                    name: f.name.clone(),
                    unique: false,
                    method: "btree".into(),
                    parts: f
                        .columns
                        .iter()
                        .map(|c| IndexPart {
                            expr: Expr::with_key(ident(c), expr::expr_key(&ident(c))),
                            collation: None,
                            opclass: None,
                            prefix: None,
                            desc: false,
                            nulls_first: None,
                        })
                        .collect(),
                    include: vec![],
                    predicate: None,
                    nulls_not_distinct: false,
                    with: vec![],
                    ..Default::default()
                })
                .collect();
            t.indexes.extend(missing);
            t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
            t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
}

/// Whether every value of type `from` fits `to` unchanged: a longer varchar/varbinary, a wider integer
/// of the same signedness.
fn widens(from: &str, to: &str) -> bool {
    let len = |t: &str, base: &str| -> Option<u32> {
        t.strip_prefix(base)?
            .strip_prefix('(')?
            .strip_suffix(')')?
            .parse()
            .ok()
    };
    for base in ["varchar", "varbinary"] {
        if let (Some(a), Some(b)) = (len(from, base), len(to, base)) {
            return b >= a;
        }
    }
    const INTS: [&str; 5] = ["tinyint", "smallint", "mediumint", "int", "bigint"];
    let int = |t: &str| -> Option<(usize, bool)> {
        let (b, sign) = t.split_once(' ').unwrap_or((t, ""));
        Some((INTS.iter().position(|x| *x == b)?, sign == "unsigned"))
    };
    matches!((int(from), int(to)), (Some((a, ua)), Some((b, ub))) if b >= a && ua == ub)
}

/// `` `a` `` or `a` → `a`; `None` for an expression.
fn plain_column(sql: &str) -> Option<String> {
    let s = sql.trim();
    if let Some(inner) = s.strip_prefix('`').and_then(|x| x.strip_suffix('`')) {
        return Some(inner.replace("``", "`"));
    }
    (!s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_')).then(|| s.to_string())
}

/// Whether an index, unique key or the primary key of `t` starts with `columns` (what InnoDB
/// accepts as the index of a foreign key).
fn indexed(t: &Table, columns: &[String]) -> bool {
    let leads = |cols: &[String]| cols.len() >= columns.len() && cols[..columns.len()] == *columns;
    t.primary_key.as_ref().is_some_and(|p| leads(&p.columns))
        || t.uniques.iter().any(|u| leads(&u.columns))
        || t.indexes.iter().any(|i| {
            i.method == "btree"
                && leads(
                    &i.parts
                        .iter()
                        .map_while(|p| {
                            p.prefix
                                .is_none()
                                .then(|| plain_column(&p.expr.sql))
                                .flatten()
                        })
                        .collect::<Vec<_>>(),
                )
        })
}
