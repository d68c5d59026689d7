//! Whole statements kept as text (views, triggers, rules): a token scan that skips string literals,
//! quoted names and comments, to compare texts by their tokens, find a view's query, and put another
//! name in place of a statement's own name or table.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Quoted,
    Str,
    Punct,
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    start: usize,
    end: usize,
    kind: Kind,
    depth: i32,
}

/// Whether a `[` after `before` opens SQLite's `[name]` rather than a subscript or `ARRAY[…]`: not
/// after `)`, `]`, a quoted name or a name, but after a keyword a name follows (`SELECT [a]`).
fn bracket_quotes(before: &str) -> bool {
    let before = before.trim_end();
    let Some(p) = before.chars().next_back() else {
        return true;
    };
    if ")]\"`".contains(p) {
        return false;
    }
    if !(p.is_alphanumeric() || p == '_') {
        return true;
    }
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect::<Vec<char>>()
        .into_iter()
        .rev()
        .collect();
    const BEFORE_A_NAME: &[&str] = &[
        "select",
        "from",
        "join",
        "on",
        "set",
        "where",
        "and",
        "or",
        "not",
        "by",
        "as",
        "into",
        "update",
        "table",
        "view",
        "trigger",
        "of",
        "when",
        "then",
        "else",
        "distinct",
        "all",
        "case",
        "in",
        "is",
        "like",
        "glob",
        "delete",
        "insert",
        "values",
        "returning",
        "having",
        "union",
        "except",
        "intersect",
        "end",
        "begin",
        "exists",
        "using",
        "between",
        "limit",
        "offset",
        "do",
        "after",
        "before",
        "instead",
        "each",
        "row",
        "for",
        "with",
        "index",
        "references",
        "natural",
        "left",
        "inner",
        "cross",
        "outer",
        "replace",
        "collate",
        "escape",
    ];
    BEFORE_A_NAME.contains(&word.to_ascii_lowercase().as_str())
}

fn tokens(sql: &str) -> Vec<Tok> {
    let b = sql.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    let mut depth = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                i += 1;
            }
            i = (i + 2).min(b.len());
        } else if c == b'[' && bracket_quotes(&sql[..i]) {
            let start = i;
            i = sql[i..].find(']').map_or(b.len(), |e| i + e + 1);
            out.push(Tok {
                start,
                end: i,
                kind: Kind::Quoted,
                depth,
            });
        } else if c == b'\'' || c == b'"' || c == b'`' {
            let start = i;
            i += 1;
            loop {
                if i >= b.len() {
                    break;
                }
                if b[i] == c {
                    if b.get(i + 1) == Some(&c) {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
            let kind = if c == b'\'' { Kind::Str } else { Kind::Quoted };
            out.push(Tok {
                start,
                end: i,
                kind,
                depth,
            });
        } else if c == b'$' && {
            // A dollar-quoted string: `$$ … $$` or `$tag$ … $tag$`.
            let rest = &sql[i + 1..];
            rest.find('$').is_some_and(|e| {
                rest[..e]
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
            })
        } {
            let e = sql[i + 1..].find('$').expect("checked") + i + 2;
            let tag = &sql[i..e];
            let start = i;
            i = sql[e..].find(tag).map_or(b.len(), |p| e + p + tag.len());
            out.push(Tok {
                start,
                end: i,
                kind: Kind::Str,
                depth,
            });
        } else if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80) {
                i += 1;
            }
            out.push(Tok {
                start,
                end: i,
                kind: Kind::Word,
                depth,
            });
        } else {
            if c == b')' {
                depth -= 1;
            }
            let start = i;
            i += 1;
            while i < b.len() && !sql.is_char_boundary(i) {
                i += 1;
            }
            out.push(Tok {
                start,
                end: i,
                kind: Kind::Punct,
                depth,
            });
            if c == b'(' {
                depth += 1;
            }
        }
    }
    out
}

/// Comparison key of a statement or query kept as text: its tokens, one space apart, words in lower
/// case, plain quoted names unquoted (`"total"` = `total`), comments and a trailing `;` left out.
pub fn text_key(sql: &str) -> String {
    text_key_folding(sql, false)
}

/// [`text_key`] where quoted names fold case too (SQLite: `"Total"` = `total` = `[TOTAL]`).
pub fn text_key_folding(sql: &str, fold_quoted: bool) -> String {
    let toks = tokens(sql);
    let mut out: Vec<String> = Vec::with_capacity(toks.len());
    for t in &toks {
        let s = &sql[t.start..t.end];
        out.push(match t.kind {
            Kind::Word => s.to_lowercase(),
            Kind::Quoted => {
                let mut name = unquote(s);
                if fold_quoted {
                    name = name.to_lowercase();
                }
                if !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    && !name.starts_with(|c: char| c.is_ascii_digit())
                {
                    name
                } else {
                    format!("\"{}\"", name.replace('"', "\"\""))
                }
            }
            _ => s.to_string(),
        });
    }
    while out.last().is_some_and(|s| s == ";") {
        out.pop();
    }
    out.join(" ")
}

/// `sql` without the comments after its last token (a `-- …` there would swallow what is written
/// after the text).
pub fn without_trailing_comments(sql: &str) -> &str {
    match tokens(sql).last() {
        Some(t) => &sql[..t.end],
        None => "",
    }
}

/// The query of a `CREATE VIEW name AS query` statement (after the first `AS` outside parentheses).
pub fn view_body(sql: &str) -> Option<&str> {
    let toks = tokens(sql);
    let t = toks.iter().position(|t| {
        t.kind == Kind::Word && t.depth == 0 && sql[t.start..t.end].eq_ignore_ascii_case("as")
    })?;
    let next = toks.get(t + 1)?;
    Some(sql[next.start..].trim().trim_end_matches(';').trim_end())
}

/// The column names a `CREATE VIEW name (a, b) AS …` statement gives its view (empty without a list).
pub fn view_columns(sql: &str) -> Vec<String> {
    let toks = tokens(sql);
    let Some(as_at) = toks.iter().position(|t| {
        t.kind == Kind::Word && t.depth == 0 && sql[t.start..t.end].eq_ignore_ascii_case("as")
    }) else {
        return vec![];
    };
    let Some(open) = toks[..as_at]
        .iter()
        .position(|t| t.kind == Kind::Punct && t.depth == 0 && &sql[t.start..t.end] == "(")
    else {
        return vec![];
    };
    toks[open + 1..as_at]
        .iter()
        .filter(|t| t.depth == 1 && matches!(t.kind, Kind::Word | Kind::Quoted))
        .map(|t| {
            let w = &sql[t.start..t.end];
            match t.kind {
                Kind::Quoted => unquote(w),
                _ => w.to_string(),
            }
        })
        .collect()
}

/// The name a quoted identifier token (`"a""b"`, `` `x` ``, `[x]`) stands for.
fn unquote(w: &str) -> String {
    let open = &w[..1];
    let close = if open == "[" { "]" } else { open };
    let inner = w
        .strip_prefix(open)
        .and_then(|x| x.strip_suffix(close))
        .unwrap_or(&w[1..]);
    if open == "[" {
        inner.to_string()
    } else {
        inner.replace(&format!("{close}{close}"), close)
    }
}

/// The byte range of the (possibly qualified) name starting at token `i`, and the token after it.
fn name_at(sql: &str, toks: &[Tok], i: usize) -> Option<(usize, usize, usize)> {
    let first = toks.get(i)?;
    if !matches!(first.kind, Kind::Word | Kind::Quoted) {
        return None;
    }
    let mut end = first.end;
    let mut j = i + 1;
    while let (Some(dot), Some(part)) = (toks.get(j), toks.get(j + 1)) {
        if dot.kind == Kind::Punct
            && &sql[dot.start..dot.end] == "."
            && matches!(part.kind, Kind::Word | Kind::Quoted)
        {
            end = part.end;
            j += 2;
        } else {
            break;
        }
    }
    Some((first.start, end, j))
}

/// `sql` with the name after keyword `own` (`TRIGGER`, `RULE`) replaced by `name`, and the table
/// after the next keyword `on` (`ON`, `TO`) replaced by `table`; `None` when either is not found.
pub fn with_names(sql: &str, own: &str, name: &str, on: &str, table: &str) -> Option<String> {
    let toks = tokens(sql);
    let kw = |i: usize, w: &str| {
        toks[i].kind == Kind::Word
            && toks[i].depth == 0
            && sql[toks[i].start..toks[i].end].eq_ignore_ascii_case(w)
    };
    let k = (0..toks.len()).find(|&i| kw(i, own))?;
    let (ns, ne, after) = name_at(sql, &toks, k + 1)?;
    let o = (after..toks.len()).find(|&i| kw(i, on))?;
    let (ts, te, _) = name_at(sql, &toks, o + 1)?;
    Some(format!(
        "{}{}{}{}{}",
        &sql[..ns],
        name,
        &sql[ne..ts],
        table,
        &sql[te..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_spacing_case_quotes_and_comments() {
        assert_eq!(
            text_key("SELECT \"total\",a FROM  t -- all\n WHERE x = 'A  b';"),
            text_key("select total , a from t where x = 'A  b'")
        );
        assert_ne!(
            text_key("SELECT \"Total\" FROM t"),
            text_key("SELECT total FROM t")
        );
        assert_ne!(text_key("SELECT 'a' FROM t"), text_key("SELECT 'A' FROM t"));
    }

    #[test]
    fn view_columns_are_the_list_before_as() {
        assert_eq!(
            view_columns("CREATE VIEW \"v x\"(n, \"Big \"\"N\"\"\") AS SELECT 1, 2"),
            ["n", "Big \"N\""]
        );
        assert!(view_columns("CREATE VIEW v AS SELECT f(1)").is_empty());
    }

    #[test]
    fn view_body_is_after_the_first_as() {
        assert_eq!(
            view_body("CREATE VIEW \"as\"(a) AS SELECT 1 AS x;"),
            Some("SELECT 1 AS x")
        );
    }

    #[test]
    fn trigger_names_are_replaced() {
        assert_eq!(
            with_names(
                "CREATE TRIGGER t1 BEFORE UPDATE OF \"on\", b ON public.t FOR EACH ROW EXECUTE FUNCTION f()",
                "trigger",
                "x",
                "on",
                "s.y"
            )
            .unwrap(),
            "CREATE TRIGGER x BEFORE UPDATE OF \"on\", b ON s.y FOR EACH ROW EXECUTE FUNCTION f()"
        );
        assert_eq!(
            with_names(
                "CREATE RULE r AS ON INSERT TO t DO INSTEAD NOTHING",
                "rule",
                "q",
                "to",
                "z"
            )
            .unwrap(),
            "CREATE RULE q AS ON INSERT TO z DO INSTEAD NOTHING"
        );
    }
}
