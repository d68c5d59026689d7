//! SQL text helpers every stage and dialect shares, dialect-neutral: quoting names and literals,
//! reserved words, outer parentheses, folding text for comparison, splitting index keys, and finding
//! the columns an expression mentions (default names follow them).

mod deparse;
mod statement;
pub use deparse::*;
pub use statement::*;

/// Double-quotes `s` unless it is a plain lowercase identifier that is not a reserved word.
pub fn quote_ident(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !is_reserved(s);
    if plain {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('"', "\"\""))
    }
}

/// PostgreSQL's reserved key words (and a few that are reserved in SQLite too): quoted when used as names.
pub fn is_reserved(s: &str) -> bool {
    const R: &[&str] = &[
        "all",
        "analyse",
        "analyze",
        "and",
        "any",
        "array",
        "as",
        "asc",
        "asymmetric",
        "authorization",
        "between",
        "binary",
        "both",
        "case",
        "cast",
        "check",
        "collate",
        "collation",
        "column",
        "concurrently",
        "constraint",
        "create",
        "cross",
        "current_catalog",
        "current_date",
        "current_role",
        "current_schema",
        "current_time",
        "current_timestamp",
        "current_user",
        "default",
        "deferrable",
        "desc",
        "distinct",
        "do",
        "else",
        "end",
        "except",
        "false",
        "fetch",
        "for",
        "foreign",
        "freeze",
        "from",
        "full",
        "grant",
        "group",
        "having",
        "ilike",
        "in",
        "initially",
        "inner",
        "intersect",
        "into",
        "is",
        "isnull",
        "join",
        "lateral",
        "leading",
        "left",
        "like",
        "limit",
        "localtime",
        "localtimestamp",
        "natural",
        "not",
        "notnull",
        "null",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "outer",
        "overlaps",
        "placing",
        "primary",
        "references",
        "returning",
        "right",
        "select",
        "session_user",
        "similar",
        "some",
        "symmetric",
        "system_user",
        "table",
        "tablesample",
        "then",
        "to",
        "trailing",
        "true",
        "union",
        "unique",
        "user",
        "using",
        "variadic",
        "verbose",
        "when",
        "where",
        "window",
        "with",
    ];
    R.binary_search(&s).is_ok()
}

/// A name as SQL writes it: each part quoted when it needs quoting (`"Sales".channel`).
pub fn qname_sql(q: &crate::schema::QName) -> String {
    match &q.schema {
        Some(s) => format!("{}.{}", quote_ident(s), quote_ident(&q.name)),
        None => quote_ident(&q.name),
    }
}

/// A table option as compared: lower case, spaces around `=` dropped (`ENGINE = InnoDB` →
/// `engine=innodb`; names and values of MySQL's options are case-insensitive).
pub fn table_option(s: &str) -> String {
    match s.split_once('=') {
        Some((k, v)) => format!("{}={}", k.trim(), v.trim()).to_ascii_lowercase(),
        None => s.trim().to_ascii_lowercase(),
    }
}

/// Quotes a string literal.
pub fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Always-quoted identifier.
pub fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `(a > b)` → `a > b` when the outer parentheses enclose everything.
pub fn strip_outer_parens(s: &str) -> &str {
    let t = s.trim();
    if !(t.starts_with('(') && t.ends_with(')')) {
        return t;
    }
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for (i, ch) in t.char_indices() {
        if let Some(qc) = quote {
            if ch == qc {
                quote = None;
            }
            continue;
        }
        match ch {
            '\'' | '"' => quote = Some(ch),
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 && i != t.len() - 1 {
                    return t;
                }
            }
            _ => {}
        }
    }
    strip_outer_parens(&t[1..t.len() - 1])
}

/// Lowercases outside quotes and collapses white space.
pub fn fold_text(sql: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut space = false;
    for ch in sql.trim().chars() {
        if let Some(q) = quote {
            out.push(ch);
            if ch == q {
                quote = None;
            }
            continue;
        }
        if ch.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        if ch == '\'' || ch == '"' {
            quote = Some(ch);
        }
        out.push(ch.to_ascii_lowercase());
    }
    out
}

/// Splits an index key into expression, COLLATE, opclass, DESC and NULLS FIRST/LAST.
pub fn split_index_part(s: &str) -> (String, Option<String>, Option<String>, bool, Option<bool>) {
    let mut rest = s.trim().to_string();
    let mut nulls = None;
    let mut desc = false;
    let upper = |r: &str| r.to_ascii_uppercase();
    for (suffix, v) in [(" NULLS FIRST", Some(true)), (" NULLS LAST", Some(false))] {
        if upper(&rest).ends_with(suffix) {
            rest.truncate(rest.len() - suffix.len());
            nulls = v;
        }
    }
    if upper(&rest).ends_with(" DESC") {
        rest.truncate(rest.len() - 5);
        desc = true;
    } else if upper(&rest).ends_with(" ASC") {
        rest.truncate(rest.len() - 4);
    }
    let mut rest = rest.trim().to_string();
    // A trailing bare word after a complete expression is an operator class.
    let mut opclass = None;
    if let Some(sp) = rest.rfind(' ') {
        let last = &rest[sp + 1..];
        let before = rest[..sp].trim_end();
        let is_word = !last.is_empty()
            && last
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
        let before_done = before.ends_with(')')
            || before.ends_with('"')
            || before
                .chars()
                .last()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let before_upper = before.to_ascii_uppercase();
        let collate_arg = before_upper.ends_with(" COLLATE") || before_upper == "COLLATE";
        if is_word
            && before_done
            && !collate_arg
            && !is_keyword_operator(last)
            && !before_upper.ends_with(" IS")
        {
            opclass = Some(last.to_string());
            rest = before.to_string();
        }
    }
    let mut collation = None;
    if let Some(p) = rest.to_ascii_uppercase().rfind(" COLLATE ") {
        collation = Some(unquote_chain(rest[p + 9..].trim()));
        rest = rest[..p].trim().to_string();
    }
    (rest, collation, opclass, desc, nulls)
}

fn is_keyword_operator(w: &str) -> bool {
    matches!(
        w.to_ascii_uppercase().as_str(),
        "NULL" | "TRUE" | "FALSE" | "AND" | "OR" | "NOT"
    )
}

/// Words of an expression, outside string literals: identifiers in order of appearance.
pub fn words(sql: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut in_str = false;
    let mut in_q = false;
    let mut prev_colon = false;
    let mut chars = sql.chars().peekable();
    while let Some(ch) = chars.next() {
        if in_str {
            if ch == '\'' {
                in_str = false;
            }
            continue;
        }
        if in_q {
            if ch == '"' && chars.peek() == Some(&'"') {
                chars.next();
                cur.push('"');
            } else if ch == '"' {
                in_q = false;
                out.push(std::mem::take(&mut cur));
            } else {
                cur.push(ch);
            }
            continue;
        }
        if ch.is_alphanumeric() || ch == '_' {
            cur.push(ch);
            continue;
        }
        if !cur.is_empty() {
            let w = std::mem::take(&mut cur);
            if !prev_colon {
                out.push(w.to_lowercase());
            }
        }
        prev_colon = ch == ':';
        match ch {
            '\'' => in_str = true,
            '"' => in_q = true,
            _ => {}
        }
    }
    if !cur.is_empty() && !prev_colon {
        out.push(cur.to_lowercase());
    }
    out
}

/// The columns an expression reads as `NEW.col` / `OLD.col` (outside string literals), as named
/// (`NEW.*` names none).
pub fn row_references(sql: &str) -> Vec<String> {
    // The text split at dots outside quotes and strings.
    let mut parts = vec![];
    let (mut in_str, mut in_q, mut start) = (false, false, 0);
    for (i, ch) in sql.char_indices() {
        match ch {
            '\'' if !in_q => in_str = !in_str,
            '"' if !in_str => in_q = !in_q,
            '.' if !in_str && !in_q => {
                parts.push(&sql[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&sql[start..]);
    let mut out = vec![];
    for pair in parts.windows(2) {
        let before = pair[0].trim_end();
        let row = before
            .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        let names_column = pair[1]
            .trim_start()
            .starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '"');
        if (row.eq_ignore_ascii_case("new") || row.eq_ignore_ascii_case("old")) && names_column {
            if let Some(w) = words(pair[1]).into_iter().next() {
                out.push(w);
            }
        }
    }
    out
}

/// Whether `to` is `from` with values added (each old value kept, in its order): what `ALTER TYPE …
/// ADD VALUE` can do.
pub fn enum_values_appended(from: &[String], to: &[String]) -> bool {
    from.iter().all(|v| to.contains(v))
        && to
            .iter()
            .filter(|v| from.contains(v))
            .map(|s| s.as_str())
            .eq(from.iter().map(|s| s.as_str()))
}

/// Whether an expression mentions `column` (as a word outside string literals).
pub fn mentions(sql: &str, column: &str) -> bool {
    let c = column.to_lowercase();
    words(sql).iter().any(|w| *w == c || w == column)
}

/// The column an unnamed CHECK is named after: PostgreSQL uses the column when the expression
/// mentions exactly one (distinct) column, and none (`<table>_check`) when it mentions zero or several.
pub fn sole_column(sql: &str, cols: &[String]) -> Option<String> {
    let mut found: Option<String> = None;
    for w in words(sql) {
        if !cols.contains(&w) {
            continue;
        }
        match &found {
            Some(f) if *f != w => return None,
            _ => found = Some(w),
        }
    }
    found
}

/// The column names PostgreSQL puts into a default index name: each key's name
/// ([`index_column_name`]), a repeated one numbered (`expr`, `expr1`, …) as `ChooseIndexColumnNames` does.
pub fn index_column_names<'a>(
    exprs: impl IntoIterator<Item = &'a str>,
    cols: &[String],
) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for e in exprs {
        let orig = index_column_name(e, cols);
        let mut name = orig.clone();
        let mut i = 1;
        while out.contains(&name) {
            name = format!("{orig}{i}");
            i += 1;
        }
        out.push(name);
    }
    out
}

/// The name PostgreSQL uses for an index key in a default index name: the column, the function name
/// of a function call, or `expr`.
pub fn index_column_name(sql: &str, cols: &[String]) -> String {
    let s = sql.trim();
    let unticked = s
        .strip_prefix('`')
        .and_then(|x| x.strip_suffix('`'))
        .map(|b| b.replace("``", "`")); // MySQL's quoting
    let bare = unticked.as_deref().unwrap_or_else(|| s.trim_matches('"'));
    if cols.iter().any(|c| c == bare) {
        return bare.to_string();
    }
    let s = s.trim_start_matches('(');
    if let Some(p) = s.find('(') {
        let f = s[..p].trim();
        if !f.is_empty()
            && f.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        {
            return f.rsplit('.').next().unwrap_or(f).to_lowercase();
        }
    }
    "expr".into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reserved_list_is_sorted_for_binary_search() {
        let mut v: Vec<&str> = vec![];
        for w in ["all", "user", "order", "table"] {
            assert!(super::is_reserved(w), "{w}");
            v.push(w);
        }
        assert!(!super::is_reserved("users"));
        assert_eq!(super::quote_ident("order"), "\"order\"");
        assert_eq!(super::quote_ident("Name"), "\"Name\"");
        assert_eq!(super::quote_ident("name_1"), "name_1");
    }
}

#[cfg(test)]
mod index_part_tests {
    use super::split_index_part;

    #[test]
    fn index_parts_split_into_their_options() {
        assert_eq!(
            split_index_part("starts_at DESC"),
            ("starts_at".into(), None, None, true, None)
        );
        assert_eq!(
            split_index_part("lower(email)"),
            ("lower(email)".into(), None, None, false, None)
        );
        assert_eq!(
            split_index_part("name gin_trgm_ops"),
            (
                "name".into(),
                None,
                Some("gin_trgm_ops".into()),
                false,
                None
            )
        );
        assert_eq!(
            split_index_part("a NULLS FIRST"),
            ("a".into(), None, None, false, Some(true))
        );
        assert_eq!(
            split_index_part("a COLLATE \"C\" DESC"),
            ("a".into(), Some("C".into()), None, true, None)
        );
    }
}
