//! What every step of loading models.toml shares: the file and its sections' offsets, the dialect,
//! and the checks of single values (SQL expressions, types, names, comments, collations) that report
//! errors at their line and column.

use std::collections::BTreeSet;
use std::ops::Range;

use sqlparser::parser::Parser;
use toml::Spanned;

use super::file::*;
use super::{line_col, ModelError};
use crate::dialect::Dialect;
use crate::schema::*;

pub(super) struct Ctx<'a> {
    pub(super) path: &'a str,
    pub(super) text: &'a str,
    pub(super) dialect: &'a dyn Dialect,
    /// Byte offset of the section being built: its spans are relative to it (see `super::sections`).
    pub(super) offset: std::cell::Cell<usize>,
    pub(super) offsets: &'a std::collections::HashMap<String, usize>,
    /// Types already checked (a schema repeats a few dozen over thousands of columns; within one load
    /// the declared enums, domains and extensions do not change, so a type that passed once passes).
    pub(super) types_ok: std::cell::RefCell<std::collections::HashSet<String>>,
}

impl Ctx<'_> {
    /// Enters the section `key` (e.g. `tables.users`): its spans get that section's offset.
    /// Where in the file a span of section `key` starts (to report the later of two definitions).
    pub(super) fn file_pos(&self, key: &str, span: &Range<usize>) -> usize {
        self.offsets.get(key).copied().unwrap_or(0) + span.start
    }

    pub(super) fn at(&self, key: &str) {
        self.offset.set(self.offsets.get(key).copied().unwrap_or(0));
    }

    pub(super) fn err(
        &self,
        span: Range<usize>,
        key: impl Into<String>,
        msg: impl Into<String>,
        hint: Option<String>,
    ) -> ModelError {
        let (line, col) = line_col(self.text, span.start + self.offset.get());
        ModelError::Invalid {
            path: self.path.into(),
            line,
            col,
            key: key.into(),
            msg: msg.into(),
            hint,
        }
    }

    /// An error at `offset` bytes into the string value whose literal spans `span`: exact where the
    /// value is written verbatim in the file (no escapes before that point), else at the value.
    pub(super) fn err_in(
        &self,
        span: Range<usize>,
        value: &str,
        e: super::sqltext::TextError,
        key: &str,
    ) -> ModelError {
        let start = span.start + self.offset.get();
        let raw = self.text.get(start..).unwrap_or("");
        let quote = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
            3 + usize::from(raw[3..].starts_with('\n'))
        } else {
            usize::from(raw.starts_with('"') || raw.starts_with('\''))
        };
        let prefix = value.get(..e.offset).unwrap_or(value);
        let at = if raw.get(quote..).is_some_and(|r| r.starts_with(prefix)) {
            span.start + quote + prefix.len()
        } else {
            span.start
        };
        self.err(at..at, key, e.msg, e.hint)
    }

    /// Checks `text` (the value of `v`) with one of the `sqltext` checks.
    pub(super) fn text(
        &self,
        v: &Spanned<String>,
        key: &str,
        check: fn(&str, &dyn sqlparser::dialect::Dialect) -> Result<(), super::sqltext::TextError>,
    ) -> Result<(), ModelError> {
        let d = self.dialect.parser();
        check(v.get_ref(), d.as_ref()).map_err(|e| self.err_in(v.span(), v.get_ref(), e, key))
    }

    /// A name (of a table, column, constraint …): not empty, no NUL, within the identifier limit.
    pub(super) fn name(&self, n: &str, span: Range<usize>, key: &str) -> Result<(), ModelError> {
        super::sqltext::name(n, self.dialect.max_identifier_len())
            .map_err(|e| self.err(span.clone(), key, e.msg, e.hint))?;
        self.dialect
            .check_name(n)
            .map_err(|(msg, hint)| self.err(span, key, msg, Some(hint)))
    }

    /// A comment: any text but NUL (which no database stores).
    pub(super) fn comment(
        &self,
        c: &Option<String>,
        span: Range<usize>,
        key: &str,
    ) -> Result<(), ModelError> {
        match c {
            Some(c) if c.contains('\0') => Err(self.err(
                span,
                format!("{key}.comment"),
                "a comment cannot contain a NUL character",
                None,
            )),
            _ => Ok(()),
        }
    }

    /// A collation name, unquoted: `C`, `en-US-x-icu`, `"de_DE"` (quotes are dropped).
    pub(super) fn collation(
        &self,
        c: &Option<String>,
        span: Range<usize>,
        key: &str,
    ) -> Result<Option<String>, ModelError> {
        let Some(c) = c else { return Ok(None) };
        let bare = c
            .strip_prefix('"')
            .and_then(|x| x.strip_suffix('"'))
            .unwrap_or(c);
        if bare.contains('"') {
            return Err(self.err(
                span,
                format!("{key}.collation"),
                format!("invalid collation name `{c}`"),
                Some(
                    "write the collation's name, e.g. collation = \"C\" or \"en-US-x-icu\"".into(),
                ),
            ));
        }
        self.name(bare, span.clone(), &format!("{key}.collation"))?;
        if let Err(why) = self.dialect.check_collation(bare) {
            return Err(self.err(
                span,
                format!("{key}.collation"),
                why,
                Some("write the collation's name, e.g. collation = \"utf8mb4_bin\"".into()),
            ));
        }
        Ok(Some(bare.to_string()))
    }

    /// Parses `sql` as an expression; a bare identifier where a value is expected (`default`) is an error.
    pub(super) fn expr(
        &self,
        sql: &Spanned<String>,
        key: &str,
        value: bool,
    ) -> Result<Expr, ModelError> {
        self.text(sql, key, super::sqltext::expr_text)?;
        let d = self.dialect.parser();
        // sqlparser does not know `f(VARIADIC arr)`, which PostgreSQL prints for variadic calls.
        let checked = crate::sql::without_variadic(sql.get_ref());
        let parsed = Parser::new(d.as_ref())
            .try_with_sql(&checked)
            .and_then(|mut p| {
                let e = p.parse_expr()?;
                if p.peek_token().token != sqlparser::tokenizer::Token::EOF {
                    return Err(sqlparser::parser::ParserError::ParserError(format!(
                        "unexpected `{}` after the expression",
                        p.peek_token().token
                    )));
                }
                Ok(e)
            });
        match parsed {
            Ok(sqlparser::ast::Expr::Identifier(i)) if value && i.quote_style.is_none() => {
                // A function name without its parentheses is most likely meant as the call.
                const FUNCTIONS: &[&str] = &[
                    "now",
                    "gen_random_uuid",
                    "uuid_generate_v4",
                    "random",
                    "clock_timestamp",
                    "statement_timestamp",
                    "transaction_timestamp",
                    "timeofday",
                    "pi",
                ];
                let lower = i.value.to_ascii_lowercase();
                let hint = if FUNCTIONS.contains(&lower.as_str()) {
                    let call = if lower == "now" {
                        self.dialect.now_call().to_string()
                    } else {
                        format!("{}()", i.value)
                    };
                    if call.ends_with("()") {
                        format!(
                            "`{0}` is a function: write the call, \"{call}\"; for the text write \"'{0}'\"",
                            i.value
                        )
                    } else {
                        format!(
                            "for the current time write \"{call}\"; for the text write \"'{}'\"",
                            i.value
                        )
                    }
                } else {
                    format!(
                        "SQL strings need single quotes inside the TOML string: \"'{}'\"",
                        i.value
                    )
                };
                Err(self.err(
                    sql.span(),
                    key,
                    format!("`{}` is a column reference, not a value", i.value),
                    Some(hint),
                ))
            }
            Ok(_) => {
                self.dialect
                    .check_expr(sql.get_ref())
                    .map_err(|(msg, hint)| self.err(sql.span(), key, msg, hint))?;
                Ok(Expr::new(sql.get_ref().trim()))
            }
            Err(e) => Err(self.err(
                sql.span(),
                key,
                format!("invalid SQL expression `{}`: {e}", sql.get_ref()),
                Some("write the expression as SQL text, e.g. \"now()\" or \"'pending'\"".into()),
            )),
        }
    }

    pub(super) fn literal(&self, l: &Spanned<Literal>, key: &str) -> Result<Expr, ModelError> {
        match l.get_ref() {
            Literal::Text(s) => self.expr(&Spanned::new(l.span(), s.clone()), key, true),
            Literal::Float(f) if !f.is_finite() => Err(self.err(
                l.span(),
                key,
                format!("`{f}` is not a number SQL can store as a literal"),
                Some("write it as SQL text, e.g. default = \"'NaN'::double precision\"".into()),
            )),
            other => Ok(Expr::new(other.sql())),
        }
    }

    pub(super) fn ty(
        &self,
        ty: &Spanned<String>,
        key: &str,
        known: &BTreeSet<String>,
        has_ext: bool,
    ) -> Result<String, ModelError> {
        if ty.get_ref().is_empty() && self.dialect.allows_untyped_columns() {
            return Ok(String::new());
        }
        if self.types_ok.borrow().contains(ty.get_ref()) {
            return Ok(ty.get_ref().trim().to_string());
        }
        self.text(ty, key, super::sqltext::type_text)?;
        self.dialect
            .check_type(ty.get_ref())
            .map_err(|(msg, hint)| self.err(ty.span(), key, msg, hint))?;
        let canon = self.dialect.canonical_type(ty.get_ref()).map_err(|h| {
            self.err(
                ty.span(),
                key,
                format!("invalid type `{}`", ty.get_ref()),
                Some(h),
            )
        })?;
        let base = canon.trim_end_matches("[]").to_string();
        if !self.dialect.known_type(&canon) && !known.contains(&base) && !has_ext {
            return Err(self.err(
                ty.span(),
                key,
                format!("unknown type `{}`", ty.get_ref()),
                Some("use a type of the database (bigint, text, varchar(n), timestamptz, numeric(p,s) …) or declare it under [enums] or [domains]".into()),
            ));
        }
        self.types_ok.borrow_mut().insert(ty.get_ref().clone());
        Ok(ty.get_ref().trim().to_string())
    }
}

pub(super) fn action(
    ctx: &Ctx,
    s: &Option<Spanned<String>>,
    key: &str,
) -> Result<FkAction, ModelError> {
    match s {
        None => Ok(ctx.dialect.default_fk_action()),
        Some(s) => FkAction::parse(s.get_ref()).ok_or_else(|| {
            ctx.err(
                s.span(),
                key,
                format!("unknown action `{}`", s.get_ref()),
                Some("expected one of: cascade, restrict, set null, set default, no action".into()),
            )
        }),
    }
}

pub(super) fn deferrable(
    ctx: &Ctx,
    s: &Option<Spanned<String>>,
    key: &str,
) -> Result<Deferrable, ModelError> {
    match s.as_ref().map(|s| (s, s.get_ref().to_ascii_lowercase())) {
        None => Ok(Deferrable::No),
        Some((_, v)) if v == "immediate" || v == "initially immediate" => Ok(Deferrable::Immediate),
        Some((_, v)) if v == "deferred" || v == "initially deferred" => Ok(Deferrable::Deferred),
        Some((s, _)) => Err(ctx.err(
            s.span(),
            key,
            format!("unknown deferrable `{}`", s.get_ref()),
            Some("expected \"immediate\" or \"deferred\"".into()),
        )),
    }
}
