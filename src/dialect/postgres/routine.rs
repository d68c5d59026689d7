//! Functions and procedures as PostgreSQL changes them: `CREATE OR REPLACE` cannot change a
//! function's return type, its argument names or defaults, or turn a function into a procedure, so
//! those changes are `DROP` + `CREATE`; a procedure is dropped with `DROP PROCEDURE`.

use super::normalize::canonical_type;
use crate::schema::Function;

/// `PROCEDURE` or `FUNCTION`, from the `CREATE` text.
pub fn kind(sql: &str) -> &'static str {
    let words: Vec<String> = sql
        .split_whitespace()
        .take(4)
        .map(|w| w.to_ascii_lowercase())
        .collect();
    if words.iter().any(|w| w == "procedure") {
        "PROCEDURE"
    } else if words.iter().any(|w| w == "aggregate") {
        "AGGREGATE"
    } else {
        "FUNCTION"
    }
}

/// The text between the parentheses after the routine's name.
fn arg_list(sql: &str) -> Option<&str> {
    let open = sql.find('(')?;
    let mut depth = 0;
    for (i, c) in sql[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&sql[open + 1..open + i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits at top-level commas.
fn split_top(s: &str) -> Vec<&str> {
    let mut out = vec![];
    let mut depth = 0;
    let mut from = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[from..]);
    out
}

/// What `CREATE OR REPLACE` must keep: each argument's mode, name and whether it has a default.
fn arg_shape(sql: &str) -> Vec<(String, String, bool)> {
    let Some(list) = arg_list(sql) else {
        return vec![];
    };
    split_top(list)
        .into_iter()
        .filter(|a| !a.trim().is_empty())
        .map(|a| {
            let lower = a.to_ascii_lowercase();
            let has_default = lower.contains(" default ") || a.contains('=');
            let decl = match lower.find(" default ").or_else(|| a.find('=')) {
                Some(p) => &a[..p],
                None => a,
            };
            let mut words: Vec<&str> = decl.split_whitespace().collect();
            let mut mode = "in".to_string();
            if let Some(w) = words.first() {
                let w = w.to_ascii_lowercase();
                if matches!(w.as_str(), "in" | "out" | "inout" | "variadic") {
                    mode = w;
                    words.remove(0);
                }
            }
            // `name type` when the whole is not a type but the rest is.
            let whole = words.join(" ");
            let name = if words.len() > 1
                && canonical_type(&whole).is_err_or_unknown()
                && canonical_type(&words[1..].join(" ")).is_ok()
            {
                words[0].trim_matches('"').to_string()
            } else {
                String::new()
            };
            (mode, name, has_default)
        })
        .collect()
}

trait Unknown {
    fn is_err_or_unknown(&self) -> bool;
}

impl Unknown for Result<String, String> {
    fn is_err_or_unknown(&self) -> bool {
        match self {
            Err(_) => true,
            Ok(t) => !super::normalize::is_builtin_type(t),
        }
    }
}

/// The `RETURNS` clause, canonical (`int` = `integer`), or "" for none.
fn returns(sql: &str) -> String {
    let (header, _) = crate::dialect::canonical::split_function(sql);
    let lower = header.to_ascii_lowercase();
    let after_args = arg_list(&header).map_or(0, |a| {
        let start = a.as_ptr() as usize - header.as_ptr() as usize;
        start + a.len() + 1
    });
    let Some(p) = lower[after_args.min(lower.len())..].find("returns") else {
        return String::new();
    };
    let rest = &header[after_args + p + 7..];
    const ENDS: &[&str] = &[
        "language",
        "immutable",
        "stable",
        "volatile",
        "as",
        "strict",
        "security",
        "parallel",
        "cost",
        "rows",
        "set",
        "window",
        "leakproof",
        "called",
        "return",
        "begin",
        "support",
        "transform",
        "not",
        "external",
        "reset",
    ];
    let mut words = vec![];
    for w in rest.split_whitespace() {
        if ENDS.contains(&w.to_ascii_lowercase().as_str()) {
            break;
        }
        words.push(w);
    }
    let r = words.join(" ");
    canonical_type(&r).unwrap_or_else(|_| crate::sql::fold_text(&r))
}

/// Whether `CREATE OR REPLACE` cannot turn `from` into `to`.
pub fn needs_drop(from: &Function, to: &Function) -> bool {
    // `CREATE OR REPLACE AGGREGATE` cannot change the state type or the functions of most
    // aggregates either: a changed aggregate is made again.
    kind(&from.sql.sql) == "AGGREGATE"
        || kind(&from.sql.sql) != kind(&to.sql.sql)
        || returns(&from.sql.sql) != returns(&to.sql.sql)
        || arg_shape(&from.sql.sql) != arg_shape(&to.sql.sql)
}

/// The routine's name in its `CREATE` text (unquoted, without schema) and its argument list.
fn name_and_args(sql: &str) -> Option<(String, &str)> {
    let lower = sql.to_ascii_lowercase();
    let kw = ["function", "procedure", "aggregate"]
        .iter()
        .filter_map(|k| lower.find(&format!("{k} ")).map(|p| p + k.len()))
        .min()?;
    let open = kw + sql[kw..].find('(')?;
    let name = crate::sql::unquote_chain(sql[kw..open].trim());
    let bare = name.rsplit('.').next().unwrap_or(&name).to_string();
    Some((bare, arg_list(sql)?))
}

/// Argument types of an argument list, canonical, as PostgreSQL identifies the routine: OUT
/// arguments and defaults left out.
fn identity_types(d: &super::Postgres, args: &str) -> String {
    let kept: Vec<String> = split_top(args)
        .into_iter()
        .filter(|a| !a.trim().is_empty())
        .filter(|a| !a.trim_start().to_ascii_lowercase().starts_with("out "))
        .map(|a| {
            let lower = a.to_ascii_lowercase();
            let cut = lower
                .find(" default ")
                .or_else(|| a.find('='))
                .unwrap_or(a.len());
            a[..cut].to_string()
        })
        .collect();
    crate::dialect::canonical::canonical_args(d, &kept.join(","))
}

/// The key `name(args)` of `[functions]` and the `CREATE` text define the same routine.
pub fn check_key(
    d: &super::Postgres,
    name: &str,
    args: &str,
    sql: &str,
) -> Result<(), (String, Option<String>)> {
    let Some((sql_name, sql_args)) = name_and_args(sql) else {
        return Ok(());
    };
    let key_name = crate::sql::unquote_chain(name);
    let key_bare = key_name.rsplit('.').next().unwrap_or(&key_name);
    let (a, b) = (identity_types(d, args), identity_types(d, sql_args));
    if !key_bare.eq_ignore_ascii_case(&sql_name) || a != b {
        return Err((
            format!("the key names {key_bare}({a}) but the SQL creates {sql_name}({b})"),
            Some(format!(
                "write the key as \"{sql_name}({b})\", or fix the statement"
            )),
        ));
    }
    Ok(())
}

/// `DROP FUNCTION f(args)` or `DROP PROCEDURE p(args)`.
pub fn drop_sql(f: &Function) -> String {
    format!(
        "DROP {} {}({})",
        kind(&f.sql.sql),
        super::render::qn(&f.name),
        f.args
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Expr, Function, QName};

    fn f(sql: &str) -> Function {
        Function {
            name: QName::new(None, "f"),
            args: "integer".into(),
            sql: Expr::new(sql),
        }
    }

    #[test]
    fn replace_cannot_change_return_type_names_or_kind() {
        let a =
            f("CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT a + 1 $$");
        let live = f("CREATE OR REPLACE FUNCTION public.f(a integer)\n RETURNS integer\n LANGUAGE sql\n IMMUTABLE\nAS $function$ SELECT a + 2 $function$");
        assert!(!needs_drop(&live, &a));
        let b = f("CREATE FUNCTION f(a int) RETURNS bigint LANGUAGE sql AS $$ SELECT a + 1 $$");
        assert!(needs_drop(&live, &b));
        let c = f("CREATE FUNCTION f(b int) RETURNS int LANGUAGE sql AS $$ SELECT b + 1 $$");
        assert!(needs_drop(&live, &c));
        let d = f("CREATE FUNCTION f(int) RETURNS int LANGUAGE sql AS $$ SELECT $1 $$");
        assert!(needs_drop(&live, &d));
        let p = f("CREATE PROCEDURE f(a int) LANGUAGE sql AS $$ SELECT a $$");
        assert_eq!(kind(&p.sql.sql), "PROCEDURE");
        assert!(needs_drop(&live, &p));
        assert_eq!(drop_sql(&p), "DROP PROCEDURE \"f\"(integer)");
        let e = f("CREATE FUNCTION f(a int DEFAULT 1) RETURNS int LANGUAGE sql AS $$ SELECT a $$");
        assert!(needs_drop(&live, &e));
        let g = f("CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql RETURN a + 3");
        assert!(!needs_drop(&live, &g));
    }
}
