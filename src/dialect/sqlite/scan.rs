//! CHECK constraints and generated expressions read from a `CREATE TABLE` text by scanning it, for
//! tables whose SQL sqlparser cannot parse (types it does not know, like `BLOB SUB_TYPE TEXT`):
//! nothing of the table is lost because one type is unusual.

/// Where a quoted name or string, a bracketed name or a comment starting at `i` ends (the index of
/// its last byte), or `None` when nothing of the kind starts there.
fn skip(b: &[u8], mut i: usize) -> Option<usize> {
    match b[i] {
        b'\'' | b'"' | b'`' => {
            let q = b[i];
            i += 1;
            while i < b.len() && b[i] != q {
                i += 1;
            }
            Some(i)
        }
        b'[' => {
            while i < b.len() && b[i] != b']' {
                i += 1;
            }
            Some(i)
        }
        b'-' if b.get(i + 1) == Some(&b'-') => {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            Some(i)
        }
        b'/' if b.get(i + 1) == Some(&b'*') => {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                i += 1;
            }
            Some(i + 1)
        }
        _ => None,
    }
}

/// The text of the parenthesized group opening at byte `open` (`(`), without the parentheses, and
/// the byte after its `)`. Quotes and comments inside are skipped.
fn group(sql: &str, open: usize) -> Option<(String, usize)> {
    let b = sql.as_bytes();
    let mut depth = 0;
    let mut i = open;
    while i < b.len() {
        if let Some(end) = skip(b, i) {
            i = end + 1;
            continue;
        }
        match b[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some((sql[open + 1..i].trim().to_string(), i + 1));
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Byte offsets of each keyword `word` (case-insensitive, whole word) outside quotes and comments.
fn keyword_at(sql: &str, word: &str) -> Vec<usize> {
    let b = sql.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < b.len() {
        if let Some(end) = skip(b, i) {
            i = end + 1;
            continue;
        }
        let end = i + word.len();
        let before = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        let after = end >= b.len() || !(b[end].is_ascii_alphanumeric() || b[end] == b'_');
        if before
            && after
            && sql
                .get(i..end)
                .is_some_and(|w| w.eq_ignore_ascii_case(word))
        {
            out.push(i);
            i = end;
            continue;
        }
        i += 1;
    }
    out
}

fn next_paren(sql: &str, from: usize) -> Option<usize> {
    let rest = &sql[from..];
    let skip = rest.len() - rest.trim_start().len();
    rest[skip..].starts_with('(').then_some(from + skip)
}

/// The expression of every `CHECK (…)` in the statement.
pub fn checks(sql: &str) -> Vec<String> {
    keyword_at(sql, "check")
        .into_iter()
        .filter_map(|p| group(sql, next_paren(sql, p + 5)?).map(|(e, _)| e))
        .collect()
}

/// The definitions inside the table's parentheses, split at top-level commas.
fn definitions(sql: &str) -> Vec<&str> {
    let Some(open) = sql.find('(') else {
        return vec![];
    };
    let Some((_, close)) = group(sql, open) else {
        return vec![];
    };
    let body = &sql[open + 1..close - 1];
    let b = body.as_bytes();
    let (mut out, mut depth, mut from, mut i) = (vec![], 0, 0, 0);
    while i < b.len() {
        if let Some(end) = skip(b, i) {
            i = end + 1;
            continue;
        }
        match b[i] {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' if depth == 0 => {
                out.push(&body[from..i]);
                from = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&body[from..]);
    out
}

/// `(column, expression)` of every column defined `name … [GENERATED ALWAYS] AS (…)`.
pub fn generated(sql: &str) -> Vec<(String, String)> {
    let mut out = vec![];
    for def in definitions(sql) {
        let Some(p) = keyword_at(def, "as").into_iter().next() else {
            continue;
        };
        let Some(open) = next_paren(def, p + 2) else {
            continue;
        };
        let name = def
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']')
            .to_string();
        if let Some((e, _)) = group(def, open) {
            if !name.is_empty() {
                out.push((name, e));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn checks_and_generated_columns_are_read_without_a_parser() {
        let sql = "CREATE TABLE fb (id integer PRIMARY KEY, body BLOB SUB_TYPE TEXT, n integer CHECK (n > 0), \
                   s text CHECK (s <> ')'), g numeric(10,2) GENERATED ALWAYS AS (n * 2) STORED, CHECK (length(body) < 100))";
        assert_eq!(
            super::checks(sql),
            ["n > 0", "s <> ')'", "length(body) < 100"]
        );
        assert_eq!(
            super::generated(sql),
            [("g".to_string(), "n * 2".to_string())]
        );
    }
}
