//! Rules a database enforces when a revision runs, checked at load instead: the columns an expression
//! names exist, a foreign key targets a key of matching columns and types, identity and generated
//! columns are possible, literal defaults fit their type, partitions fit their parent.

use sqlparser::ast::{Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Value};
use sqlparser::parser::Parser;

use crate::dialect::Dialect;
use crate::schema::*;

/// Names that read like identifiers in an expression but are not columns.
const SPECIAL: &[&str] = &[
    "value",
    "current_date",
    "current_time",
    "current_timestamp",
    "localtime",
    "localtimestamp",
    "current_user",
    "session_user",
    "user",
    "current_role",
    "current_schema",
    "current_catalog",
    "true",
    "false",
    "null",
    "default",
    "excluded",
    "new",
    "old",
    // NORMALIZE(text, NFKC): the form is a word, not a column.
    "nfc",
    "nfd",
    "nfkc",
    "nfkd",
];

/// What an expression holds, from the parts of its syntax tree that can hold it (kinds of expressions
/// not walked are skipped, never guessed at): the names it refers to (`(name, quoted)`), the
/// functions it calls (lower case), and whether it has a subquery.
#[derive(Default)]
struct Found {
    names: Vec<(String, bool)>,
    functions: Vec<String>,
    subquery: bool,
}

fn walk(e: &Expr) -> Found {
    let mut f = Found::default();
    collect(e, &mut f);
    f
}

fn collect(e: &Expr, out: &mut Found) {
    if matches!(e, Expr::Subquery(_) | Expr::Exists { .. })
        || matches!(e, Expr::In { target, .. } if !matches!(target, sqlparser::ast::InTarget::List(_)))
    {
        out.subquery = true;
    }
    if let Expr::Function(f) = e {
        out.functions.push(f.name.to_string().to_lowercase());
    }
    let mut go = |x: &Expr| collect(x, out);
    match e {
        Expr::Identifier(i) => out.names.push((i.value.clone(), i.quote_style.is_some())),
        Expr::CompoundIdentifier(v) => {
            if let Some(last) = v.last() {
                out.names
                    .push((last.value.clone(), last.quote_style.is_some()));
            }
        }
        Expr::Nested(x)
        | Expr::IsNull(x)
        | Expr::IsNotNull(x)
        | Expr::IsTrue(x)
        | Expr::IsFalse(x)
        | Expr::IsNotTrue(x)
        | Expr::IsNotFalse(x)
        | Expr::IsUnknown(x)
        | Expr::IsNotUnknown(x)
        | Expr::UnaryOp { expr: x, .. }
        | Expr::Cast { expr: x, .. }
        | Expr::Collate { expr: x, .. } => go(x),
        Expr::IsDistinctFrom(a, b) | Expr::IsNotDistinctFrom(a, b) => {
            go(a);
            go(b);
        }
        Expr::BinaryOp { left, right, .. }
        | Expr::AnyOp { left, right, .. }
        | Expr::AllOp { left, right, .. } => {
            go(left);
            go(right);
        }
        Expr::Like { expr, pattern, .. }
        | Expr::ILike { expr, pattern, .. }
        | Expr::SimilarTo { expr, pattern, .. } => {
            go(expr);
            go(pattern);
        }
        Expr::Between {
            expr, low, high, ..
        } => {
            go(expr);
            go(low);
            go(high);
        }
        Expr::In { expr, target, .. } => {
            go(expr);
            if let sqlparser::ast::InTarget::List(list) = target {
                list.iter().for_each(go);
            }
        }
        Expr::Tuple(v) => v.iter().for_each(go),
        Expr::Array(a) => a.elem.iter().for_each(go),
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            if let Some(o) = operand {
                go(o);
            }
            for w in conditions {
                go(&w.condition);
                go(&w.result);
            }
            if let Some(e) = else_result {
                go(e);
            }
        }
        Expr::Function(f) => {
            if let FunctionArguments::List(l) = &f.args {
                for a in &l.args {
                    match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(x))
                        | FunctionArg::Named {
                            arg: FunctionArgExpr::Expr(x),
                            ..
                        } => go(x),
                        _ => {}
                    }
                }
            }
        }
        _ => {}
    }
}

/// The first name in `sql` (an expression) that is not a column of `table`, if any.
pub fn unknown_column(d: &dyn Dialect, sql: &str, table: &Table) -> Option<String> {
    let dialect = d.parser();
    let e = Parser::new(dialect.as_ref())
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_expr())
        .ok()?;
    let fold = d.names_fold_case();
    walk(&e).names.into_iter().find_map(|(n, quoted)| {
        if !quoted && SPECIAL.contains(&n.to_ascii_lowercase().as_str()) {
            return None;
        }
        // PostgreSQL folds an unquoted name to lower case; SQLite compares names without case.
        let found = table.columns.iter().any(|c| {
            if fold {
                c.name.eq_ignore_ascii_case(&n)
            } else if quoted {
                c.name == n
            } else {
                c.name == n.to_lowercase()
            }
        });
        (!found).then(|| if quoted { format!("\"{n}\"") } else { n })
    })
}

/// Functions whose result changes from call to call (or with the time): a generated column cannot use
/// them, and no default of a stored expression can depend on them being evaluated once.
const VOLATILE: &[&str] = &[
    "random",
    "now",
    "clock_timestamp",
    "statement_timestamp",
    "transaction_timestamp",
    "timeofday",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtime",
    "localtimestamp",
    "gen_random_uuid",
    "uuid_generate_v4",
    "nextval",
    "currval",
    "setval",
    "lastval",
    "randomblob",
];

/// For a generated column's expression: a function it calls whose result is not fixed by its
/// arguments (`random()`, `now()`), if any.
pub fn volatile_call(d: &dyn Dialect, sql: &str) -> Option<String> {
    let e = parse(d, sql)?;
    walk(&e)
        .functions
        .into_iter()
        .find(|f| VOLATILE.contains(&f.rsplit('.').next().unwrap_or(f)))
}

/// For a default: the first column it names (a default cannot refer to columns), or `SELECT` when
/// it holds a subquery (which no default can).
pub fn default_refers(d: &dyn Dialect, sql: &str) -> Option<String> {
    let e = parse(d, sql)?;
    let f = walk(&e);
    if f.subquery {
        return Some("a subquery".into());
    }
    f.names
        .into_iter()
        .find(|(n, quoted)| {
            if *quoted {
                !d.quoted_default_is_text()
            } else {
                !SPECIAL.contains(&n.to_ascii_lowercase().as_str())
            }
        })
        .map(|(n, _)| format!("column `{n}`"))
}

/// Whether a check or index expression holds a subquery (which neither can).
pub fn has_subquery(d: &dyn Dialect, sql: &str) -> bool {
    parse(d, sql).is_some_and(|e| walk(&e).subquery)
}

/// The names a domain check uses besides `VALUE` (a domain check sees no columns).
pub fn domain_check_name(d: &dyn Dialect, sql: &str) -> Option<String> {
    unknown_column(d, sql, &Table::new(QName::new(None, "")))
}

/// The partition key's plain columns: `RANGE (a, lower(b))` → `[a]`.
pub fn partition_columns(partition_by: &str) -> Vec<String> {
    let Some(open) = partition_by.find('(') else {
        return vec![];
    };
    let inner = partition_by[open + 1..].trim_end().trim_end_matches(')');
    inner
        .split(',')
        .map(|p| p.trim())
        .filter(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '"')
        })
        .map(|p| p.trim_matches('"').to_string())
        .collect()
}

/// The strategy of a `partition_by` (`RANGE`, `LIST`, `HASH`).
pub fn strategy(partition_by: &str) -> String {
    partition_by
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches('(')
        .to_ascii_uppercase()
}

/// Whether a bound fits a parent's strategy: RANGE takes FROM … TO, LIST takes IN, HASH takes WITH;
/// DEFAULT goes with RANGE and LIST.
pub fn bound_fits(strategy: &str, bound: &str) -> Result<(), String> {
    let b = bound.trim().to_ascii_uppercase();
    let kind = if b == "DEFAULT" {
        "DEFAULT"
    } else if b.contains(" FROM") {
        "FROM"
    } else if b.contains(" IN") {
        "IN"
    } else {
        "WITH"
    };
    let ok = matches!(
        (strategy, kind),
        ("RANGE", "FROM") | ("LIST", "IN") | ("HASH", "WITH") | ("RANGE" | "LIST", "DEFAULT")
    );
    if ok {
        return Ok(());
    }
    let want = match strategy {
        "RANGE" => "FOR VALUES FROM (…) TO (…) or DEFAULT",
        "LIST" => "FOR VALUES IN (…) or DEFAULT",
        _ => "FOR VALUES WITH (MODULUS m, REMAINDER r)",
    };
    Err(format!(
        "the parent is partitioned by {strategy}, so the bound must be {want}"
    ))
}

/// A type's family for comparing the two ends of a foreign key (`None`: not known to differ).
fn family(canon: &str) -> Option<&'static str> {
    let base = canon.split('(').next().unwrap_or(canon).trim();
    Some(match base {
        "smallint" | "integer" | "bigint" | "numeric" | "real" | "double precision" | "int"
        | "int2" | "int4" | "int8" | "decimal" | "float" => "number",
        "text" | "character varying" | "character" | "bpchar" | "varchar" | "char" | "clob"
        | "nvarchar" | "nchar" => "text",
        "uuid" => "uuid",
        "boolean" | "bool" => "boolean",
        b if b.starts_with("timestamp") || b == "date" || b.starts_with("time") => "time",
        _ => return None,
    })
}

/// Two column types that cannot be the ends of one foreign key.
pub fn fk_types_differ(a: &str, b: &str) -> bool {
    matches!((family(a), family(b)), (Some(x), Some(y)) if x != y)
}

/// A literal default that cannot be a value of a numeric type (`'abc'` on an integer).
pub fn default_misfits(ty: &str, default: &Expr) -> bool {
    let number = matches!(family(ty), Some("number"));
    match default {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => number && s.trim().parse::<f64>().is_err(),
            _ => false,
        },
        _ => false,
    }
}

/// The text of a literal (`'abc'` → `abc`, quoted; `-5` → `-5`), `None` for anything else.
pub fn literal_text(e: &Expr) -> Option<(String, bool)> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => Some((s.clone(), true)),
            Value::Number(n, _) => Some((n.to_string(), false)),
            _ => None,
        },
        Expr::UnaryOp {
            op: sqlparser::ast::UnaryOperator::Minus,
            expr,
        } => match literal_text(expr)? {
            (n, false) => Some((format!("-{n}"), false)),
            _ => None,
        },
        Expr::Nested(inner) => literal_text(inner),
        _ => None,
    }
}

/// Parses `sql` as an expression (already checked by the loader).
pub fn parse(d: &dyn Dialect, sql: &str) -> Option<Expr> {
    let dialect = d.parser();
    Parser::new(dialect.as_ref())
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_expr())
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    fn pg() -> &'static dyn Dialect {
        crate::dialect::by_name("postgresql").unwrap()
    }

    #[test]
    fn unknown_columns_are_found_in_expressions() {
        let mut t = Table::new(QName::parse("t"));
        t.columns.push(Column::new("a", "integer"));
        t.columns.push(Column::new("FullName", "text"));
        let d = pg();
        assert_eq!(
            unknown_column(d, "a > 0 AND lower(\"FullName\") <> ''", &t),
            None
        );
        assert_eq!(unknown_column(d, "b > 0", &t).as_deref(), Some("b"));
        assert_eq!(
            unknown_column(d, "FullName <> ''", &t).as_deref(),
            Some("FullName")
        );
        assert_eq!(
            unknown_column(d, "a > 0 OR CURRENT_DATE > '2020-01-01'", &t),
            None
        );
        assert_eq!(unknown_column(d, "a IN (1, 2) AND t.a > 0", &t), None);
        assert_eq!(domain_check_name(d, "VALUE > 0"), None);
        assert_eq!(domain_check_name(d, "x > 0").as_deref(), Some("x"));
    }

    #[test]
    fn partition_bounds_fit_their_strategy() {
        assert!(bound_fits("RANGE", "FOR VALUES FROM (1) TO (2)").is_ok());
        assert!(bound_fits("LIST", "FOR VALUES FROM (1) TO (2)").is_err());
        assert!(bound_fits("LIST", "FOR VALUES IN ('a')").is_ok());
        assert!(bound_fits("HASH", "DEFAULT").is_err());
        assert_eq!(
            partition_columns("RANGE (at, lower(x))"),
            vec!["at".to_string()]
        );
    }
}
