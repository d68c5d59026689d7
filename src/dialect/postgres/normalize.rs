//! PostgreSQL canonical forms: type names as `format_type` prints them, expression keys that equate what a
//! user writes with what `pg_get_expr` deparses (casts of literals, parentheses, `IN` vs `= ANY (ARRAY…)`).

use sqlparser::ast::{
    BinaryOperator, CastKind, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Ident,
    InTarget, ObjectName, ObjectNamePart, UnaryOperator, Value,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

pub use crate::sql::fold_text;

/// Canonical PostgreSQL type name; `Err(hint)` is never returned for names that might be user types.
pub fn canonical_type(ty: &str) -> Result<String, String> {
    let t = ty.trim();
    // Arrays: `int[]`, `integer[][]`, `_int4`, `int ARRAY`.
    let (base, dims) = split_array(t);
    let base = base.trim();
    let (name, typmod) = match base.find('(') {
        Some(p) if base.ends_with(')') || base.contains(") ") => {
            let close = base.rfind(')').unwrap_or(base.len() - 1);
            let inner: String = base[p + 1..close]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let rest = base[close + 1..].trim();
            (
                format!("{} {}", base[..p].trim(), rest).trim().to_string(),
                Some(inner),
            )
        }
        _ => (base.to_string(), None),
    };
    let lname = if name.contains('"') {
        name.clone()
    } else {
        collapse(&name.to_lowercase())
    };
    let lname = lname
        .strip_prefix("pg_catalog.")
        .unwrap_or(&lname)
        .to_string();
    let lname = lname.strip_prefix("public.").unwrap_or(&lname).to_string();
    let tm = |d: &str| {
        typmod
            .clone()
            .map(|m| format!("({m})"))
            .unwrap_or_else(|| d.to_string())
    };
    let canon = match lname.as_str() {
        "int" | "int4" | "integer" => "integer".to_string(),
        "int8" | "bigint" => "bigint".into(),
        "int2" | "smallint" => "smallint".into(),
        "bool" | "boolean" => "boolean".into(),
        "float8" | "double precision" | "double" => "double precision".into(),
        "float4" | "real" => "real".into(),
        "float" => match typmod.as_deref().and_then(|m| m.parse::<u32>().ok()) {
            Some(n) if n <= 24 => "real".into(),
            _ => "double precision".into(),
        },
        "varchar" | "character varying" => format!("character varying{}", tm("")),
        "char" | "character" | "bpchar" if typmod.is_none() && lname != "bpchar" => {
            "character(1)".into()
        }
        "char" | "character" | "bpchar" => {
            if typmod.is_none() {
                "bpchar".into()
            } else {
                format!("character{}", tm(""))
            }
        }
        "decimal" | "numeric" => match typmod.as_deref() {
            Some(m) if !m.contains(',') => format!("numeric({m},0)"),
            _ => format!("numeric{}", tm("")),
        },
        "timestamp" | "timestamp without time zone" => {
            format!("timestamp{} without time zone", tm(""))
        }
        "timestamptz" | "timestamp with time zone" => format!("timestamp{} with time zone", tm("")),
        "time" | "time without time zone" => format!("time{} without time zone", tm("")),
        "timetz" | "time with time zone" => format!("time{} with time zone", tm("")),
        "bytes" | "bytea" => "bytea".into(),
        "varbit" | "bit varying" => format!("bit varying{}", tm("")),
        "bit" => format!("bit{}", tm("(1)")),
        "serial" | "serial4" | "bigserial" | "serial8" | "smallserial" | "serial2" => {
            return Err(format!("`{lname}` is only allowed as a column type"));
        }
        "interval" => format!("interval{}", tm("")),
        other => {
            if other.is_empty() {
                return Err("empty type".into());
            }
            // A user type: each name part folded as PostgreSQL folds identifiers, quoted as format_type does.
            let other = type_name(&name);
            format!(
                "{other}{}",
                typmod
                    .as_ref()
                    .map(|m| format!("({m})"))
                    .unwrap_or_default()
            )
        }
    };
    Ok(format!("{canon}{}", "[]".repeat(dims)))
}

/// `serial` / `bigserial` / `smallserial` on `table.column`: the integer type, the sequence
/// `table_column_seq` owned by the column, and its `nextval` default, as PostgreSQL creates them.
pub fn serial(
    d: &dyn crate::dialect::Dialect,
    table: &crate::schema::QName,
    column: &str,
    ty: &str,
) -> Option<(String, crate::schema::Sequence, crate::schema::Expr)> {
    use crate::schema::{Expr, QName, SeqOptions, Sequence};
    let int = match ty.trim().to_ascii_lowercase().as_str() {
        "serial" | "serial4" => "integer",
        "bigserial" | "serial8" => "bigint",
        "smallserial" | "serial2" => "smallint",
        _ => return None,
    };
    let seq = QName {
        schema: table.schema.clone(),
        name: d.default_name(&table.name, &[column.to_string()], "seq"),
    };
    // The sequence as PostgreSQL prints a regclass: each part quoted where it needs it.
    let default = Expr::new(format!(
        "nextval({}::regclass)",
        d.literal(&crate::sql::qname_sql(&seq))
    ));
    let sequence = Sequence {
        name: seq,
        ty: int.into(),
        options: SeqOptions::default(),
        owned_by: Some((table.clone(), column.to_string())),
        comment: None,
    };
    Some((int.to_string(), sequence, default))
}

/// Type modifiers within PostgreSQL's limits: `varchar(0)` or `numeric(2000)` fail at load, not at
/// upgrade. `ty` as written; `Err((what, hint))`.
pub fn check_type(ty: &str) -> Result<(), (String, Option<String>)> {
    let Ok(canon) = canonical_type(ty) else {
        return Ok(()); // canonical_type's own error is reported by the loader
    };
    let raw = ty.trim().to_ascii_lowercase();
    let base = canon.trim_end_matches("[]");
    let (name, mods): (String, Vec<i64>) = match (base.find('('), base.find(')')) {
        (Some(a), Some(b)) if a < b && !base.starts_with('"') => (
            format!("{} {}", base[..a].trim(), base[b + 1..].trim())
                .trim()
                .to_string(),
            base[a + 1..b]
                .split(',')
                .map(|m| m.trim().parse::<i64>())
                .collect::<Result<_, _>>()
                .map_err(|_| {
                    (
                        format!("invalid type modifier in `{ty}`"),
                        Some(
                            "modifiers are whole numbers, e.g. varchar(20) or numeric(10,2)"
                                .to_string(),
                        ),
                    )
                })?,
        ),
        _ => (base.to_string(), vec![]),
    };
    let range = |what: &str, v: i64, lo: i64, hi: i64| -> Result<(), (String, Option<String>)> {
        if v < lo || v > hi {
            Err((
                format!("{what} of `{ty}` must be between {lo} and {hi}, not {v}"),
                None,
            ))
        } else {
            Ok(())
        }
    };
    if let Some(rest) = raw.strip_prefix("float(") {
        let p: i64 = rest.trim_end_matches(')').trim().parse().unwrap_or(0);
        return range("the precision", p, 1, 53);
    }
    match (name.as_str(), mods.as_slice()) {
        ("character varying" | "character", [n]) => range("the length", *n, 1, 10_485_760),
        ("bit" | "bit varying", [n]) => range("the length", *n, 1, 83_886_080),
        ("numeric", [p]) => range("the precision", *p, 1, 1000),
        ("numeric", [p, s]) => {
            range("the precision", *p, 1, 1000)?;
            range("the scale", *s, -1000, 1000)
        }
        (n, [p]) if n.starts_with("timestamp") || n.starts_with("time ") || n == "interval" => {
            range("the precision", *p, 0, 6)
        }
        (n, m) if is_builtin_type(n) && m.len() > usize::from(n == "numeric") + 1 => {
            Err((format!("too many type modifiers in `{ty}`"), None))
        }
        _ => Ok(()),
    }
}

/// `Sales.Channel` → `sales.channel`; `"Sales".channel` → `"Sales".channel`; `public.mood` → `mood`.
pub fn type_name(name: &str) -> String {
    let mut parts: Vec<String> = vec![];
    let mut cur = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    for ch in name.trim().chars() {
        match ch {
            '"' => {
                quoted = !quoted;
                was_quoted = true;
            }
            '.' if !quoted => {
                parts.push(if was_quoted {
                    std::mem::take(&mut cur)
                } else {
                    std::mem::take(&mut cur).to_lowercase()
                });
                was_quoted = false;
            }
            c => cur.push(c),
        }
    }
    parts.push(if was_quoted { cur } else { cur.to_lowercase() });
    if parts.len() > 1 && (parts[0] == "public" || parts[0] == "pg_catalog") {
        parts.remove(0);
    }
    parts
        .iter()
        .map(|p| {
            if p == "char" {
                "\"char\"".to_string()
            } else {
                crate::sql::quote_ident(p)
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Names PostgreSQL itself defines (anything else must be an enum, domain or extension type).
pub fn is_builtin_type(canon: &str) -> bool {
    let base = canon.trim_end_matches("[]");
    let name = base.split('(').next().unwrap_or(base).trim();
    let name = name
        .trim_end_matches(" without time zone")
        .trim_end_matches(" with time zone");
    const B: &[&str] = &[
        "bigint",
        "bit",
        "bit varying",
        "boolean",
        "box",
        "bpchar",
        "bytea",
        "character",
        "character varying",
        "cidr",
        "circle",
        "date",
        "daterange",
        "double precision",
        "inet",
        "int4range",
        "int8range",
        "integer",
        "interval",
        "json",
        "jsonb",
        "jsonpath",
        "line",
        "lseg",
        "macaddr",
        "macaddr8",
        "money",
        "name",
        "numeric",
        "numrange",
        "oid",
        "path",
        "pg_lsn",
        "point",
        "polygon",
        "real",
        "regclass",
        "smallint",
        "text",
        "time",
        "timestamp",
        "tsquery",
        "tsrange",
        "tstzrange",
        "tsvector",
        "uuid",
        "xml",
        "char",
        "regtype",
        "regproc",
        "xid",
        "tid",
        "cid",
        "int2vector",
        "oidvector",
        "datemultirange",
        "int4multirange",
        "int8multirange",
        "nummultirange",
        "tsmultirange",
        "tstzmultirange",
    ];
    B.contains(&name) || name.starts_with("interval")
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn split_array(t: &str) -> (String, usize) {
    let mut base = t.trim().to_string();
    let mut dims = 0;
    loop {
        let b = base.trim_end();
        if b.ends_with(']') {
            if let Some(p) = b.rfind('[') {
                base = b[..p].to_string();
                dims += 1;
                continue;
            }
        }
        let lower = b.to_lowercase();
        if lower.ends_with(" array") {
            base = b[..b.len() - 6].to_string();
            dims += 1;
            continue;
        }
        break;
    }
    if dims == 0 && base.starts_with('_') && !base.contains(' ') {
        return (base[1..].to_string(), 1);
    }
    (base, dims)
}

/// Canonical comparison key of an expression. Falls back to a whitespace/case-folded text when sqlparser
/// cannot parse it; both sides go through the same function.
pub fn expr_key(sql: &str) -> String {
    let dialect = PostgreSqlDialect {};
    let parsed = Parser::new(&dialect).try_with_sql(sql).and_then(|mut p| {
        let e = p.parse_expr()?;
        if p.peek_token().token != sqlparser::tokenizer::Token::EOF {
            return Err(sqlparser::parser::ParserError::ParserError(
                "trailing tokens".into(),
            ));
        }
        Ok(e)
    });
    match parsed {
        Ok(e) => canon(e).to_string(),
        Err(_) => fold_text(sql),
    }
}

fn ident(i: Ident) -> Ident {
    match i.quote_style {
        None => Ident::new(i.value.to_lowercase()),
        Some('"')
            if i.value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') =>
        {
            Ident::new(i.value)
        }
        _ => i,
    }
}

fn is_compound(e: &Expr) -> bool {
    matches!(
        e,
        Expr::BinaryOp { .. }
            | Expr::UnaryOp { .. }
            | Expr::Like { .. }
            | Expr::ILike { .. }
            | Expr::SimilarTo { .. }
            | Expr::In { .. }
            | Expr::IsNull(_)
            | Expr::IsNotNull(_)
            | Expr::IsTrue(_)
            | Expr::IsFalse(_)
            | Expr::IsNotTrue(_)
            | Expr::IsNotFalse(_)
            | Expr::IsDistinctFrom(..)
            | Expr::IsNotDistinctFrom(..)
            | Expr::AnyOp { .. }
            | Expr::AllOp { .. }
            | Expr::Between { .. }
            | Expr::AtTimeZone { .. }
            | Expr::Collate { .. }
    )
}

fn wrap(e: Expr) -> Box<Expr> {
    let e = canon(e);
    if is_compound(&e) {
        Box::new(Expr::Nested(Box::new(e)))
    } else {
        Box::new(e)
    }
}

fn is_texty(ty: &str) -> bool {
    let t = ty.to_lowercase();
    t == "text" || t.starts_with("character varying") || t.starts_with("varchar") || t == "bpchar"
}

fn is_numeric_type(ty: &str) -> bool {
    let t = ty.to_lowercase();
    [
        "integer",
        "int",
        "bigint",
        "smallint",
        "numeric",
        "real",
        "double precision",
        "decimal",
        "int2",
        "int4",
        "int8",
    ]
    .iter()
    .any(|n| t == *n || t.starts_with(&format!("{n}(")))
}

fn literal_number(e: &Expr) -> Option<String> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => Some(n.clone()),
            _ => None,
        },
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => literal_number(expr).map(|n| format!("-{n}")),
        _ => None,
    }
}

fn number(n: String) -> Expr {
    Expr::Value(Value::Number(n, false).into())
}

fn canon_list(v: Vec<Expr>) -> Vec<Expr> {
    v.into_iter().map(canon).collect()
}

fn canon(e: Expr) -> Expr {
    match e {
        Expr::Nested(x) => canon(*x),
        Expr::Cast {
            kind,
            expr,
            data_type,
            format,
        } => {
            let inner = canon(*expr);
            let ty = data_type.to_string();
            match inner {
                Expr::Value(v) => match v.value {
                    Value::SingleQuotedString(s)
                        if is_numeric_type(&ty) && s.trim().parse::<f64>().is_ok() =>
                    {
                        number(s.trim().to_string())
                    }
                    other => Expr::Value(other.into()),
                },
                Expr::Array(a) => Expr::Array(a),
                e if literal_number(&e).is_some() => e,
                e @ (Expr::Identifier(_) | Expr::CompoundIdentifier(_)) if is_texty(&ty) => e,
                Expr::Cast { expr: inner2, .. } if matches!(*inner2, Expr::Value(_)) => *inner2,
                inner => {
                    let canon_ty = canonical_type(&ty).unwrap_or(ty);
                    let data_type = Parser::new(&PostgreSqlDialect {})
                        .try_with_sql(&canon_ty)
                        .and_then(|mut p| p.parse_data_type())
                        .unwrap_or(data_type);
                    let _ = kind;
                    Expr::Cast {
                        kind: CastKind::DoubleColon,
                        expr: wrap(inner),
                        data_type,
                        format,
                    }
                }
            }
        }
        Expr::UnaryOp { op, expr } => {
            if op == UnaryOperator::Minus {
                if let Some(n) = literal_number(&expr) {
                    return number(format!("-{n}"));
                }
            }
            Expr::UnaryOp {
                op,
                expr: wrap(*expr),
            }
        }
        Expr::BinaryOp { left, op, right } => match op {
            BinaryOperator::PGLikeMatch | BinaryOperator::PGILikeMatch => {
                let like = op == BinaryOperator::PGLikeMatch;
                canon_like(like, false, *left, *right)
            }
            BinaryOperator::PGNotLikeMatch | BinaryOperator::PGNotILikeMatch => {
                let like = op == BinaryOperator::PGNotLikeMatch;
                canon_like(like, true, *left, *right)
            }
            op => Expr::BinaryOp {
                left: wrap(*left),
                op,
                right: wrap(*right),
            },
        },
        Expr::Like {
            negated,
            expr,
            pattern,
            escape_char: None,
            any: false,
        } => canon_like(true, negated, *expr, *pattern),
        Expr::ILike {
            negated,
            expr,
            pattern,
            escape_char: None,
            any: false,
        } => canon_like(false, negated, *expr, *pattern),
        Expr::AnyOp {
            left,
            compare_op: BinaryOperator::Eq,
            right,
            ..
        } => match canon(*right) {
            Expr::Array(a) => in_list(wrap(*left), canon_list(a.elem), false),
            r => Expr::AnyOp {
                left: wrap(*left),
                compare_op: BinaryOperator::Eq,
                right: Box::new(r),
                is_some: false,
            },
        },
        Expr::AllOp {
            left,
            compare_op: BinaryOperator::NotEq,
            right,
        } => match canon(*right) {
            Expr::Array(a) => in_list(wrap(*left), canon_list(a.elem), true),
            r => Expr::AllOp {
                left: wrap(*left),
                compare_op: BinaryOperator::NotEq,
                right: Box::new(r),
            },
        },
        Expr::AnyOp {
            left,
            compare_op,
            right,
            is_some: _,
        } => Expr::AnyOp {
            left: wrap(*left),
            compare_op,
            right: wrap(*right),
            // SOME is ANY.
            is_some: false,
        },
        Expr::AllOp {
            left,
            compare_op,
            right,
        } => Expr::AllOp {
            left: wrap(*left),
            compare_op,
            right: wrap(*right),
        },
        Expr::In {
            expr,
            target: InTarget::List(list),
            negated,
            ..
        } => in_list(wrap(*expr), canon_list(list), negated),
        Expr::Between {
            expr,
            negated,
            low,
            high,
        } => {
            let (lo, hi, join) = if negated {
                (BinaryOperator::Lt, BinaryOperator::Gt, BinaryOperator::Or)
            } else {
                (
                    BinaryOperator::GtEq,
                    BinaryOperator::LtEq,
                    BinaryOperator::And,
                )
            };
            let e = *expr;
            canon(Expr::BinaryOp {
                left: Box::new(Expr::BinaryOp {
                    left: Box::new(e.clone()),
                    op: lo,
                    right: low,
                }),
                op: join,
                right: Box::new(Expr::BinaryOp {
                    left: Box::new(e),
                    op: hi,
                    right: high,
                }),
            })
        }
        Expr::IsNull(x) => Expr::IsNull(wrap(*x)),
        Expr::IsNotNull(x) => Expr::IsNotNull(wrap(*x)),
        Expr::IsTrue(x) => Expr::IsTrue(wrap(*x)),
        Expr::IsFalse(x) => Expr::IsFalse(wrap(*x)),
        Expr::IsNotTrue(x) => Expr::IsNotTrue(wrap(*x)),
        Expr::IsNotFalse(x) => Expr::IsNotFalse(wrap(*x)),
        Expr::IsDistinctFrom(a, b) => Expr::IsDistinctFrom(wrap(*a), wrap(*b)),
        Expr::IsNotDistinctFrom(a, b) => Expr::IsNotDistinctFrom(wrap(*a), wrap(*b)),
        Expr::Identifier(i) => Expr::Identifier(ident(i)),
        // `interval '1 day'` is stored as `'1 day'::interval`, whose cast the key drops.
        Expr::Interval(iv) if iv.leading_field.is_none() && iv.last_field.is_none() => {
            canon(*iv.value)
        }
        Expr::Value(v) => match v.value {
            Value::SingleQuotedString(s) => {
                Expr::Value(Value::SingleQuotedString(datetime_literal(&s)).into())
            }
            other => Expr::Value(other.into()),
        },
        Expr::CompoundIdentifier(v) => {
            let mut v: Vec<Ident> = v.into_iter().map(ident).collect();
            if v.len() > 1 && v[0].value == "public" && v[0].quote_style.is_none() {
                v.remove(0);
            }
            if v.len() == 1 {
                Expr::Identifier(v.remove(0))
            } else {
                Expr::CompoundIdentifier(v)
            }
        }
        Expr::Array(mut a) => {
            a.elem = canon_list(a.elem);
            a.named = true;
            Expr::Array(a)
        }
        Expr::Function(mut f) => {
            let mut parts: Vec<ObjectNamePart> = f
                .name
                .0
                .into_iter()
                .map(|p| match p {
                    ObjectNamePart::Identifier(i) => ObjectNamePart::Identifier(ident(i)),
                    other => other,
                })
                .collect();
            if parts.len() > 1 {
                if let ObjectNamePart::Identifier(i) = &parts[0] {
                    if i.value == "pg_catalog" || i.value == "public" {
                        parts.remove(0);
                    }
                }
            }
            let name = ObjectName(parts).to_string();
            if matches!(f.args, FunctionArguments::None)
                && matches!(name.as_str(), "current_timestamp" | "transaction_timestamp")
                || (name == "now" || name == "transaction_timestamp") && is_empty_args(&f.args)
            {
                return Expr::Function(sqlparser::ast::Function {
                    name: ObjectName::from(vec![Ident::new("now")]),
                    args: FunctionArguments::List(sqlparser::ast::FunctionArgumentList {
                        duplicate_treatment: None,
                        args: vec![],
                        clauses: vec![],
                    }),
                    ..f
                });
            }
            f.name = ObjectName::from(vec![Ident::new(name)]);
            if let FunctionArguments::List(l) = &mut f.args {
                for a in &mut l.args {
                    let ex = match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                        FunctionArg::Named {
                            arg: FunctionArgExpr::Expr(e),
                            ..
                        } => Some(e),
                        _ => None,
                    };
                    if let Some(e) = ex {
                        *e = canon(std::mem::replace(e, Expr::Value(Value::Null.into())));
                    }
                }
            }
            Expr::Function(f)
        }
        Expr::Case {
            case_token,
            end_token,
            operand,
            conditions,
            else_result,
        } => Expr::Case {
            case_token,
            end_token,
            operand: operand.map(|o| Box::new(canon(*o))),
            conditions: conditions
                .into_iter()
                .map(|mut w| {
                    w.condition = canon(w.condition);
                    w.result = canon(w.result);
                    w
                })
                .collect(),
            else_result: else_result.map(|o| Box::new(canon(*o))),
        },
        other => other,
    }
}

fn in_list(expr: Box<Expr>, mut list: Vec<Expr>, negated: bool) -> Expr {
    // PostgreSQL stores `x IN ('a')` as `x = 'a'` (and NOT IN as `<>`).
    if list.len() == 1 {
        let op = if negated {
            BinaryOperator::NotEq
        } else {
            BinaryOperator::Eq
        };
        return Expr::BinaryOp {
            left: expr,
            op,
            right: wrap(list.remove(0)),
        };
    }
    Expr::In {
        expr,
        target: InTarget::List(list),
        negated,
        global: false,
    }
}

/// `'2026-01-01 00:00:00+00'` → `'2026-01-01'`, `'2026-01-01 12:00:00'` → `'2026-01-01 12:00'`: date/time
/// literals as PostgreSQL prints them (in UTC, autogen's session time zone) equal to how people write them.
pub fn datetime_literal(v: &str) -> String {
    let b = v.as_bytes();
    let looks =
        v.len() >= 10 && b[4] == b'-' && b[7] == b'-' && v[..4].chars().all(|c| c.is_ascii_digit());
    if !looks {
        return v.to_string();
    }
    let mut s = v.to_string();
    if s.ends_with("+00") {
        s.truncate(s.len() - 3);
    }
    if s.len() == 19 && s.ends_with(":00") {
        s.truncate(16);
    }
    if s.ends_with(" 00:00") {
        s.truncate(10);
    }
    s
}

fn is_empty_args(a: &FunctionArguments) -> bool {
    match a {
        FunctionArguments::None => true,
        FunctionArguments::List(l) => l.args.is_empty(),
        _ => false,
    }
}

fn canon_like(like: bool, negated: bool, expr: Expr, pattern: Expr) -> Expr {
    if like {
        Expr::Like {
            negated,
            any: false,
            expr: wrap(expr),
            pattern: wrap(pattern),
            escape_char: None,
        }
    } else {
        Expr::ILike {
            negated,
            any: false,
            expr: wrap(expr),
            pattern: wrap(pattern),
            escape_char: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_aliases_are_canonical() {
        for (a, b) in [
            ("int4", "integer"),
            ("INT", "integer"),
            ("int8", "bigint"),
            ("varchar(255)", "character varying(255)"),
            ("character varying", "character varying"),
            ("timestamptz", "timestamp with time zone"),
            ("timestamp(3)", "timestamp(3) without time zone"),
            ("numeric(10)", "numeric(10,0)"),
            ("numeric(12, 2)", "numeric(12,2)"),
            ("_int4", "integer[]"),
            ("text[]", "text[]"),
            ("int ARRAY", "integer[]"),
            ("double", "double precision"),
            ("bytes", "bytea"),
            ("char", "character(1)"),
            ("public.mood", "mood"),
            ("billing.mood", "billing.mood"),
            ("bool", "boolean"),
            ("\"Priority\"", "\"Priority\""),
            ("\"Sales\".channel[]", "\"Sales\".channel[]"),
            ("Sales.Channel", "sales.channel"),
        ] {
            assert_eq!(canonical_type(a).unwrap(), b, "{a}");
        }
    }

    #[test]
    fn deparsed_expressions_equal_written_ones() {
        for (written, deparsed) in [
            ("ends_at > starts_at", "(ends_at > starts_at)"),
            ("status <> 'cancelled'", "(status <> 'cancelled'::booking_status)"),
            ("'pending'", "'pending'::booking_status"),
            ("lower(email)", "lower((email)::text)"),
            ("status IN ('a', 'b')", "((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))"),
            ("x BETWEEN 1 AND 5", "((x >= 1) AND (x <= 5))"),
            ("-1", "'-1'::integer"),
            ("CURRENT_TIMESTAMP", "now()"),
            ("name LIKE 'a%'", "((name)::text ~~ 'a%'::text)"),
            ("a > 0 AND b > 0 OR c", "(((a > 0) AND (b > 0)) OR c)"),
            ("\"Weird\" IS NOT NULL", "(\"Weird\" IS NOT NULL)"),
            ("s IN ('a')", "((s)::text = 'a'::text)"),
            ("w NOT IN ('x')", "((w)::text <> 'x'::text)"),
            ("now() + interval '1 day'", "(now() + '1 day'::interval)"),
            ("y > '2020-01-01'", "(y > '2020-01-01 00:00:00+00'::timestamp with time zone)"),
        ] {
            assert_eq!(expr_key(written), expr_key(deparsed), "{written} vs {deparsed}");
        }
    }

    #[test]
    fn different_expressions_have_different_keys() {
        for (a, b) in [
            ("a > 0", "a >= 0"),
            ("(a + b) * c", "a + b * c"),
            ("'x'", "'y'"),
            ("now()", "now() + '1 day'"),
        ] {
            assert_ne!(expr_key(a), expr_key(b), "{a} vs {b}");
        }
    }
}
