//! `CREATE TRIGGER` / `CREATE RULE` text from models.toml: exactly one statement of the right kind,
//! and what it names (the object and its table), so the key can be checked against it.

use sqlparser::dialect::Dialect as SqlDialect;
use sqlparser::tokenizer::Token;

use super::sqltext::{fail, lexically_safe, tokens, word, TextError};

/// Exactly one `CREATE [OR REPLACE] [CONSTRAINT] {kind}` statement (a trailing `;` is fine).
pub fn create_statement(sql: &str, d: &dyn SqlDialect, kind: &str) -> Result<(), TextError> {
    let hint = format!("sql = \"CREATE {kind} …\" (one statement)");
    let stmts = crate::revision::file::split("models.toml", sql, 1, d)
        .map_err(|e| fail(0, format!("cannot be read as SQL: {e}"), None))?;
    if stmts.len() > 1 {
        let second = &stmts[1].sql;
        let off = sql.rfind(second.as_str()).unwrap_or(0);
        return Err(fail(
            off,
            format!(
                "a second statement follows the {}: only one statement is allowed here",
                kind.to_lowercase()
            ),
            Some("keep only this one statement; put other SQL in a revision"),
        ));
    }
    let toks = tokens(sql, d)?;
    lexically_safe(&toks, true)?;
    let words: Vec<String> = toks
        .iter()
        .filter(|t| !matches!(t.0, Token::Whitespace(_)))
        .take(5)
        .filter_map(|t| word(&t.0))
        .collect();
    let mut w = words.iter().map(String::as_str).skip(1);
    let ok = words.first().map(String::as_str) == Some("CREATE") && {
        let mut next = w.next();
        if next == Some("OR") && w.next() == Some("REPLACE") {
            next = w.next();
        }
        if next == Some("CONSTRAINT") && kind == "TRIGGER" {
            next = w.next();
        }
        next == Some(kind)
    };
    if ok {
        Ok(())
    } else {
        Err(fail(
            0,
            format!("expected a `CREATE {kind} …` statement"),
            Some(hint.as_str()),
        ))
    }
}

/// A name as a statement writes it: its text and whether it was quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub text: String,
    pub quoted: bool,
}

/// What a `CREATE TRIGGER` / `CREATE RULE` statement names, each with the byte offset where it is
/// written.
pub struct Target {
    /// The object (the last part of its name).
    pub name: Written,
    pub name_at: usize,
    /// The table it is on: `[schema.]table`.
    pub table: Vec<Written>,
    pub table_at: usize,
}

/// The [`Target`] of a statement already checked by [`create_statement`].
pub fn statement_target(sql: &str, d: &dyn SqlDialect, kind: &str) -> Result<Target, TextError> {
    let toks: Vec<(Token, usize)> = tokens(sql, d)?
        .into_iter()
        .filter(|t| !matches!(t.0, Token::Whitespace(_)))
        .collect();
    let written = |t: &Token| match t {
        Token::Word(w) => Some(Written {
            text: w.value.clone(),
            quoted: w.quote_style.is_some(),
        }),
        _ => None,
    };
    // A dotted name starting at token i: its parts and the index after it.
    let dotted = |mut i: usize| {
        let mut parts = vec![];
        while let Some(w) = toks.get(i).and_then(|t| written(&t.0)) {
            parts.push(w);
            i += 1;
            if !matches!(toks.get(i).map(|t| &t.0), Some(Token::Period)) {
                break;
            }
            i += 1;
        }
        (parts, i)
    };
    let missing = |what: &str| fail(0, format!("cannot find the {what} in the statement"), None);
    let at = toks
        .iter()
        .position(|t| word(&t.0).as_deref() == Some(kind))
        .ok_or_else(|| missing("name"))?;
    let mut i = at + 1;
    // SQLite: `IF NOT EXISTS`.
    if word(&toks.get(i).map_or(Token::EOF, |t| t.0.clone())).as_deref() == Some("IF") {
        i += 3;
    }
    let name_at = toks.get(i).map_or(0, |t| t.1);
    let (name, next) = dotted(i);
    let name = name.last().cloned().ok_or_else(|| missing("name"))?;
    // The table follows the first `ON` (a trigger) or the `TO` after `ON event` (a rule).
    let marker = if kind == "RULE" { "TO" } else { "ON" };
    let on = (next..toks.len())
        .find(|&j| word(&toks[j].0).as_deref() == Some(marker))
        .ok_or_else(|| missing("table"))?;
    let table_at = toks.get(on + 1).map_or(0, |t| t.1);
    let (table, _) = dotted(on + 1);
    if table.is_empty() {
        return Err(missing("table"));
    }
    Ok(Target {
        name,
        name_at,
        table,
        table_at,
    })
}
