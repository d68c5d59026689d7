//! Checks of the SQL text models.toml passes through (types, clauses, statements) with sqlparser's
//! tokenizer: each must be exactly one thing of the expected kind, so nothing else can ride along into a
//! revision. Errors carry the byte offset inside the text they point at.

use sqlparser::dialect::Dialect as SqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer, Whitespace};

/// What is wrong with a piece of SQL text, and where in it (byte offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    pub offset: usize,
    pub msg: String,
    pub hint: Option<String>,
}

pub(super) fn fail(offset: usize, msg: impl Into<String>, hint: Option<&str>) -> TextError {
    TextError {
        offset,
        msg: msg.into(),
        hint: hint.map(str::to_string),
    }
}

/// Tokens with their byte offsets, white space dropped (comments kept, for `single` to refuse).
pub(super) fn tokens(sql: &str, d: &dyn SqlDialect) -> Result<Vec<(Token, usize)>, TextError> {
    // No database stores a NUL in text, and psql reads a line only up to one: the quotes after it
    // would pair differently in an offline script.
    if let Some(p) = sql.find('\0') {
        return Err(fail(p, "a NUL character cannot be part of SQL text", None));
    }
    let toks = Tokenizer::new(d, sql)
        .tokenize_with_location()
        .map_err(|e| fail(0, format!("cannot be read as SQL: {}", e.message), None))?;
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(sql.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let mut out = vec![];
    // Locations are (line, column in characters); walk forward so long text stays linear.
    let (mut line, mut col, mut byte) = (1u64, 1u64, 0usize);
    for t in toks {
        let (l, c) = (t.span.start.line, t.span.start.column);
        if l != line || c < col {
            line = l;
            col = 1;
            byte = line_starts
                .get(l.saturating_sub(1) as usize)
                .copied()
                .unwrap_or(sql.len());
        }
        while col < c {
            match sql[byte..].chars().next() {
                Some(ch) if ch != '\n' => {
                    byte += ch.len_utf8();
                    col += 1;
                }
                _ => break,
            }
        }
        match &t.token {
            // Kept: `single` reports a comment (or a `;`), whichever comes first.
            Token::Whitespace(Whitespace::SingleLineComment { .. })
            | Token::Whitespace(Whitespace::MultiLineComment(_)) => out.push((t.token, byte)),
            Token::Whitespace(_) | Token::EOF => {}
            _ => out.push((t.token, byte)),
        }
    }
    Ok(out)
}

/// No `;` at all and parentheses/brackets balanced (never closing one that was not opened).
fn single(toks: &[(Token, usize)], what: &str) -> Result<(), TextError> {
    let mut depth: Vec<&Token> = vec![];
    lexically_safe(toks, false)?;
    for (i, (t, off)) in toks.iter().enumerate() {
        match t {
            // A query is written on lines of its own: a comment inside it (a line comment with
            // more of the query after it) hides nothing autogen writes.
            Token::Whitespace(Whitespace::MultiLineComment(_)) if what == "query" => {}
            Token::Whitespace(Whitespace::SingleLineComment { .. })
                if what == "query" && i + 1 < toks.len() => {}
            Token::Whitespace(_) => {
                // A comment would swallow what the renderer writes after the text on the same line.
                return Err(fail(
                    *off,
                    "a comment is not allowed here",
                    Some("remove the comment (it would hide what autogen writes after this text)"),
                ));
            }
            Token::SemiColon => {
                return Err(fail(
                    *off,
                    format!("`;` ends the {what}: only one {what} is allowed here"),
                    Some("remove the `;` and anything after it"),
                ))
            }
            Token::LParen | Token::LBracket => depth.push(t),
            Token::RParen | Token::RBracket => {
                let want = if *t == Token::RParen {
                    Token::LParen
                } else {
                    Token::LBracket
                };
                if depth.pop() != Some(&want) {
                    return Err(fail(*off, format!("unbalanced `{t}` in the {what}"), None));
                }
            }
            _ => {}
        }
    }
    if !depth.is_empty() {
        let off = toks.last().map_or(0, |t| t.1);
        return Err(fail(
            off,
            format!("unclosed parenthesis in the {what}"),
            None,
        ));
    }
    Ok(())
}

/// Tokens where sqlparser's reading could differ from the server's or a client's (psql, sqlite3), so
/// that text could leave a string or an identifier early in a script: a dollar quote whose tag is not
/// an identifier (`$1$` is a parameter to PostgreSQL), a backslash outside a string (a psql
/// meta-command such as `\!`), a `]` inside a bracket-quoted name (SQLite has no escape for it), and
/// parameters (`$1`, `?`), which no stored SQL can have.
pub(super) fn lexically_safe(toks: &[(Token, usize)], params: bool) -> Result<(), TextError> {
    for (i, (t, off)) in toks.iter().enumerate() {
        // psql replaces `:name`, `:'name'` and `:"name"` by the value of a variable of that name, in
        // an offline script: a colon right before a name or a quote is refused (`a[1:n]` → `a[1: n]`).
        if *t == Token::Colon && i + 1 < toks.len() && toks[i + 1].1 == off + 1 {
            let next = &toks[i + 1].0;
            let psql_var = matches!(next, Token::Word(_) | Token::SingleQuotedString(_))
                && !(i > 0 && toks[i - 1].0 == Token::Colon && toks[i - 1].1 + 1 == *off);
            if psql_var {
                return Err(fail(
                    *off,
                    format!("psql reads `:{next}` as one of its variables when it runs an offline script"),
                    Some("put a space after the colon (`a[1: n]`)"),
                ));
            }
        }
        match t {
            Token::DollarQuotedString(d) => {
                if let Some(tag) = &d.tag {
                    let ok = tag
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_alphabetic() || c == '_')
                        && tag.chars().all(|c| c.is_alphanumeric() || c == '_');
                    if !ok {
                        return Err(fail(
                            *off,
                            format!("`${tag}$` is not a dollar quote PostgreSQL reads as one (a tag starts with a letter or _)"),
                            Some("use $$ … $$ or a tag like $body$ … $body$"),
                        ));
                    }
                }
            }
            Token::Backslash => {
                return Err(fail(
                    *off,
                    "a backslash is not allowed outside a string here",
                    None,
                ))
            }
            Token::Word(w) if w.quote_style == Some('[') && w.value.contains(']') => {
                return Err(fail(
                    *off,
                    "a `]` inside a [bracketed] name cannot be written in SQLite",
                    Some("use \"double quotes\" for the name"),
                ))
            }
            Token::Placeholder(p) if !params => {
                return Err(fail(
                    *off,
                    format!("`{p}` is a query parameter, which stored SQL cannot have"),
                    None,
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

pub(super) fn word(t: &Token) -> Option<String> {
    match t {
        Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
        _ => None,
    }
}

/// A type name: words, numbers, `( , )`, `.` and `[]` only (`varchar(20)`, `"Sales".channel[]`,
/// `timestamp(3) with time zone`).
pub fn type_text(ty: &str, d: &dyn SqlDialect) -> Result<(), TextError> {
    if ty.trim().is_empty() {
        return Err(fail(0, "empty type", Some("e.g. type = \"text\"")));
    }
    let toks = tokens(ty, d)?;
    single(&toks, "type")?;
    // MySQL's inline `enum('a','b')` and `set(…)` list their values.
    let values = matches!(
        toks.first().and_then(|t| word(&t.0)).as_deref(),
        Some("ENUM" | "SET")
    );
    for (i, (t, off)) in toks.iter().enumerate() {
        let ok = match t {
            Token::Word(_) => true,
            Token::SingleQuotedString(_) | Token::DoubleQuotedString(_) => values && i > 0,
            Token::Number(..) | Token::Comma | Token::Period => i > 0,
            Token::LParen | Token::RParen | Token::LBracket | Token::RBracket => i > 0,
            Token::Minus => i > 0, // numeric(5,-2)
            _ => false,
        };
        if !ok {
            return Err(fail(
                *off,
                format!("`{t}` cannot be part of a type name"),
                Some("a type is a name with optional (modifiers) and [] for arrays, e.g. \"varchar(20)\""),
            ));
        }
    }
    Ok(())
}

/// An expression (default, check, index key, `where`, generated): no comment, no `;`, balanced.
pub fn expr_text(sql: &str, d: &dyn SqlDialect) -> Result<(), TextError> {
    let toks = tokens(sql, d)?;
    single(&toks, "expression")
}

/// `RANGE (…)`, `LIST (…)` or `HASH (…)`: one partitioning clause.
pub fn partition_by(sql: &str, d: &dyn SqlDialect) -> Result<(), TextError> {
    let toks = tokens(sql, d)?;
    single(&toks, "clause")?;
    let hint = Some("partition_by = \"RANGE (created_at)\", \"LIST (region)\" or \"HASH (id)\"");
    match toks.first().and_then(|t| word(&t.0)).as_deref() {
        // MySQL: the whole clause with its partitions, `RANGE COLUMNS (…)`, KEY (…), LINEAR HASH/KEY (…).
        Some("RANGE" | "LIST" | "HASH" | "KEY" | "LINEAR")
            if d.is::<sqlparser::dialect::MySqlDialect>() =>
        {
            return Ok(())
        }
        Some("RANGE" | "LIST" | "HASH") => {}
        _ => return Err(fail(0, "expected RANGE, LIST or HASH", hint)),
    }
    if toks.get(1).map(|t| &t.0) != Some(&Token::LParen) {
        return Err(fail(
            toks.get(1).map_or(sql.len(), |t| t.1),
            "expected `(` and the partition key",
            hint,
        ));
    }
    ends_with_group(&toks, 1, sql, "clause")
}

/// After the group opened at `open`, nothing may follow: the clause ends with its `)`.
fn ends_with_group(
    toks: &[(Token, usize)],
    open: usize,
    sql: &str,
    what: &str,
) -> Result<(), TextError> {
    let mut depth = 0;
    for (i, (t, off)) in toks.iter().enumerate().skip(open) {
        match t {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    if let Some((t2, off2)) = toks.get(i + 1) {
                        return Err(fail(
                            *off2,
                            format!("unexpected `{t2}` after the {what}"),
                            None,
                        ));
                    }
                    return Ok(());
                }
            }
            _ => {}
        }
        let _ = off;
    }
    Err(fail(
        sql.len(),
        format!("unclosed parenthesis in the {what}"),
        None,
    ))
}

/// `FOR VALUES FROM (…) TO (…)`, `FOR VALUES IN (…)`, `FOR VALUES WITH (…)` or `DEFAULT`.
pub fn partition_bound(sql: &str, d: &dyn SqlDialect) -> Result<(), TextError> {
    let toks = tokens(sql, d)?;
    single(&toks, "clause")?;
    let hint = Some("partition_bound = \"FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')\", \"FOR VALUES IN ('eu')\", \"FOR VALUES WITH (MODULUS 4, REMAINDER 0)\" or \"DEFAULT\"");
    let words: Vec<Option<String>> = toks.iter().map(|t| word(&t.0)).collect();
    if words.len() == 1 && words[0].as_deref() == Some("DEFAULT") {
        return Ok(());
    }
    if words.first().cloned().flatten().as_deref() != Some("FOR")
        || words.get(1).cloned().flatten().as_deref() != Some("VALUES")
    {
        return Err(fail(0, "expected `FOR VALUES …` or `DEFAULT`", hint));
    }
    match words.get(2).cloned().flatten().as_deref() {
        Some("FROM") => {
            // FROM (…) TO (…)
            let to = toks
                .iter()
                .enumerate()
                .skip(3)
                .scan(0i32, |depth, (i, (t, _))| {
                    match t {
                        Token::LParen => *depth += 1,
                        Token::RParen => *depth -= 1,
                        _ => {}
                    }
                    Some((i, *depth, word(t)))
                })
                .find(|(_, depth, w)| *depth == 0 && w.as_deref() == Some("TO"))
                .map(|(i, _, _)| i);
            match to {
                Some(i) if toks.get(i + 1).map(|t| &t.0) == Some(&Token::LParen) => {
                    ends_with_group(&toks, i + 1, sql, "bound")
                }
                _ => Err(fail(0, "expected `FOR VALUES FROM (…) TO (…)`", hint)),
            }
        }
        Some("IN" | "WITH") if toks.get(3).map(|t| &t.0) == Some(&Token::LParen) => {
            ends_with_group(&toks, 3, sql, "bound")
        }
        _ => Err(fail(
            toks.get(2).map_or(sql.len(), |t| t.1),
            "expected FROM, IN or WITH after FOR VALUES",
            hint,
        )),
    }
}

/// A table constraint's definition: one `EXCLUDE …`, `CHECK (…)`, `UNIQUE …`, `PRIMARY KEY …` or
/// `FOREIGN KEY …` clause.
pub fn constraint(sql: &str, d: &dyn SqlDialect) -> Result<(), TextError> {
    let toks = tokens(sql, d)?;
    single(&toks, "constraint")?;
    match toks.first().and_then(|t| word(&t.0)).as_deref() {
        Some("EXCLUDE" | "CHECK" | "UNIQUE" | "PRIMARY" | "FOREIGN") => Ok(()),
        _ => Err(fail(
            0,
            "expected a constraint definition (EXCLUDE, CHECK, UNIQUE, PRIMARY KEY or FOREIGN KEY)",
            Some("definition = \"EXCLUDE USING gist (room_id WITH =, during WITH &&)\""),
        )),
    }
}

/// Exactly one `CREATE [OR REPLACE] FUNCTION|PROCEDURE` statement (a trailing `;` is fine).
pub fn routine(sql: &str, d: &dyn SqlDialect) -> Result<(), TextError> {
    let stmts = crate::revision::file::split("models.toml", sql, 1, d)
        .map_err(|e| fail(0, format!("cannot be read as SQL: {e}"), None))?;
    let hint = Some("sql = \"CREATE FUNCTION name(args) RETURNS type LANGUAGE sql AS $$ … $$\"");
    let Some(first) = stmts.first() else {
        return Err(fail(0, "expected a `CREATE FUNCTION …` statement", hint));
    };
    if let Some(second) = stmts.get(1) {
        let after_first = sql
            .find(first.sql.as_str())
            .map_or(0, |p| p + first.sql.len());
        let off = sql[after_first..]
            .find(second.sql.as_str())
            .map_or(after_first, |p| after_first + p);
        return Err(fail(
            off,
            "a second statement follows the function: only one statement is allowed here",
            Some("keep only the CREATE FUNCTION statement; put other SQL in a revision"),
        ));
    }
    let toks = tokens(sql, d)?;
    // Comments are fine in a function's text, and `$1` is an argument (BEGIN ATOMIC bodies); what
    // could end a string early is not.
    lexically_safe(&toks, true)?;
    let toks: Vec<(Token, usize)> = toks
        .into_iter()
        .filter(|t| !matches!(t.0, Token::Whitespace(_)))
        .collect();
    let words: Vec<String> = toks.iter().take(6).filter_map(|t| word(&t.0)).collect();
    let kind_ok = words.first().map(String::as_str) == Some("CREATE")
        && match words.get(1).map(String::as_str) {
            Some("FUNCTION" | "PROCEDURE" | "AGGREGATE") => true,
            Some("OR") => {
                words.get(2).map(String::as_str) == Some("REPLACE")
                    && matches!(
                        words.get(3).map(String::as_str),
                        Some("FUNCTION" | "PROCEDURE" | "AGGREGATE")
                    )
            }
            _ => false,
        };
    if !kind_ok {
        return Err(fail(
            0,
            "expected a `CREATE FUNCTION …`, `CREATE PROCEDURE …` or `CREATE AGGREGATE …` statement",
            hint,
        ));
    }
    Ok(())
}

/// A view's query: one `SELECT`, `WITH`, `VALUES` or `TABLE` statement (a trailing `;` is fine), no
/// comments (one would hide what autogen writes after the query).
pub fn query(sql: &str, d: &dyn SqlDialect) -> Result<(), TextError> {
    let body = sql.trim().trim_end_matches(';').trim_end();
    let toks = tokens(body, d)?;
    single(&toks, "query")?;
    let first = toks
        .iter()
        .find(|t| !matches!(t.0, Token::Whitespace(_)))
        .and_then(|t| word(&t.0));
    match first.as_deref() {
        Some("SELECT" | "WITH" | "VALUES" | "TABLE") => Ok(()),
        _ => Err(fail(
            0,
            "expected a query (SELECT …)",
            Some("sql = \"SELECT id, name FROM users WHERE active\" (the view's name and options go in the other keys)"),
        )),
    }
}

/// A name: not empty, no NUL, within the dialect's identifier limit (`None`: no limit).
pub fn name(n: &str, limit: Option<usize>) -> Result<(), TextError> {
    if n.is_empty() {
        return Err(fail(0, "empty name", None));
    }
    if let Some(p) = n.find('\0') {
        return Err(fail(p, "a name cannot contain a NUL character", None));
    }
    if let Some(max) = limit {
        if n.len() > max {
            return Err(fail(
                0,
                format!(
                    "`{n}` is {} bytes long; the database keeps at most {max} and would cut it short",
                    n.len()
                ),
                Some("use a shorter name"),
            ));
        }
    }
    Ok(())
}

/// A plain identifier (index methods): letters, digits and `_`.
pub fn word_text(w: &str) -> bool {
    !w.is_empty()
        && w.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;

    const PG: PostgreSqlDialect = PostgreSqlDialect {};

    #[test]
    fn smuggled_statements_are_rejected() {
        assert!(partition_bound("FOR VALUES FROM (1) TO (2); DROP TABLE victim; --", &PG).is_err());
        assert!(partition_bound("FOR VALUES FROM (1) TO (2)", &PG).is_ok());
        assert!(partition_bound("FOR VALUES FROM (1) TO (2) DROP", &PG).is_err());
        assert!(partition_bound("DEFAULT", &PG).is_ok());
        assert!(partition_bound("FOR VALUES IN ('a', 'b')", &PG).is_ok());
        assert!(partition_bound("FOR VALUES WITH (MODULUS 4, REMAINDER 0)", &PG).is_ok());
        assert!(partition_by("RANGE (at)", &PG).is_ok());
        assert!(partition_by("RANGE (at)) ; x", &PG).is_err());
        assert!(partition_by("RANGE (at) /* x */", &PG).is_err());
        assert!(constraint("EXCLUDE USING gist (r WITH =, d WITH &&)", &PG).is_ok());
        assert!(constraint("CHECK (a > 0)); DROP TABLE v; --", &PG).is_err());
        assert!(routine(
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$",
            &PG
        )
        .is_ok());
        assert!(routine(
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;",
            &PG
        )
        .is_ok());
        let e = routine(
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$; DROP TABLE victim;",
            &PG,
        )
        .unwrap_err();
        assert!(e.msg.contains("second statement"), "{e:?}");
        assert!(routine("DROP TABLE victim", &PG).is_err());
        assert!(type_text("text); DROP TABLE victim; --", &PG).is_err());
        assert!(type_text("numeric(10, 2)", &PG).is_ok());
        assert!(type_text("\"Sales\".channel[]", &PG).is_ok());
        assert!(type_text("timestamp(3) with time zone", &PG).is_ok());
        assert!(type_text("text -- x", &PG).is_err());
        assert!(expr_text("1 -- hides NOT NULL", &PG).is_err());
        assert!(expr_text("'a -- b'", &PG).is_ok());
        // sqlparser reads `$1$…$1$` as a string; PostgreSQL and psql read `$1` as a parameter, and
        // the rest as SQL (and `\!` as a psql shell command).
        assert!(expr_text("$1$\n\\! touch x\n$1$", &PG).is_err());
        assert!(expr_text("$a$x$a$", &PG).is_ok());
        assert!(expr_text("a <> $1", &PG).is_err());
        assert!(expr_text("'a\0' || 'b'", &PG).is_err());
        assert!(expr_text("array_length(xs[1:PORT], 1) < 3", &PG).is_err());
        assert!(expr_text("array_length(xs[1: PORT], 1) < 3", &PG).is_ok());
        assert!(expr_text("x::int > 0", &PG).is_ok());
        let lite = sqlparser::dialect::SQLiteDialect {};
        assert!(expr_text("[a]] <> 'x');\ndrop table victim;\nselect ([a]", &lite).is_err());
        assert!(routine(
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $1$\n; DROP TABLE victim; SELECT $1$",
            &PG
        )
        .is_err());
        assert!(routine(
            "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT $1; END",
            &PG
        )
        .is_ok());
    }

    #[test]
    fn names_are_checked() {
        assert!(name("", None).is_err());
        assert!(name("a\0b", None).is_err());
        assert!(name(&"x".repeat(64), Some(63)).is_err());
        assert!(name(&"x".repeat(63), Some(63)).is_ok());
    }
}
