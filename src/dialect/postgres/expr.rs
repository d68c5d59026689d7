//! PostgreSQL expression keys: a canonical form that equates what a user writes with what `pg_get_expr`
//! deparses (casts of literals, parentheses, `IN` vs `= ANY (ARRAY…)`, `BETWEEN`, `now()` spellings).

use sqlparser::ast::{
    BinaryOperator, CastKind, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Ident,
    InTarget, ObjectName, ObjectNamePart, UnaryOperator, Value,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::normalize::canonical_type;
use crate::sql::fold_text;

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
