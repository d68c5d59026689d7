//! Reading and writing SQL the way PostgreSQL deparses it: array casts that parse back to themselves,
//! `VARIADIC` markers, option lists, routine texts, EXCLUDE elements, qualified names and collations.

use super::split_index_part;

/// A deparsed `ARRAY[e1::T, e2::T]::U[]` (PostgreSQL's form of `x IN ('a', 'b')` on varchar) written
/// so it parses back to what the server printed: `ARRAY[e1::T, e2::T]::T[]::U[]`. Without the middle
/// cast the parser pushes `U` into the elements (`ARRAY['a'::varchar::text, …]`), with or without
/// parentheses, and the check or index would change what the server stores.
pub fn paren_array_casts(sql: &str) -> String {
    let b = sql.as_bytes();
    let mut inserts: Vec<(usize, String)> = vec![]; // (position after `]`, `::T[]`)
    let skip_quoted = |mut j: usize| {
        let q = b[j];
        j += 1;
        while j < b.len() && b[j] != q {
            j += 1;
        }
        j
    };
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' || c == b'"' {
            i = skip_quoted(i) + 1;
            continue;
        }
        let boundary = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if boundary && sql.len() >= i + 6 && sql[i..i + 6].eq_ignore_ascii_case("ARRAY[") {
            let start = i + 6;
            let mut depth = 1;
            let mut j = start;
            let mut elems = vec![];
            let mut from = start;
            while j < b.len() {
                match b[j] {
                    b'\'' | b'"' => j = skip_quoted(j),
                    b'[' | b'(' => depth += 1,
                    b')' => depth -= 1,
                    b']' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    b',' if depth == 1 => {
                        elems.push(&sql[from..j]);
                        from = j + 1;
                    }
                    _ => {}
                }
                j += 1;
            }
            if j >= b.len() {
                break;
            }
            elems.push(&sql[from..j]);
            let ty = |e: &str| -> Option<String> {
                let e = e.trim();
                let p = last_top_level_cast(e)?;
                let t = e[p + 2..].trim();
                (!t.is_empty() && !t.contains('[')).then(|| t.to_string())
            };
            let types: Vec<Option<String>> = elems.iter().map(|e| ty(e)).collect();
            if let Some(Some(t)) = types.first() {
                let same = types.iter().all(|x| x.as_deref() == Some(t.as_str()));
                let cast = format!("::{t}[]");
                let rest = &sql[j + 1..];
                if same && rest.starts_with("::") && !rest.starts_with(&cast) {
                    inserts.push((j + 1, cast));
                }
            }
        }
        i += 1;
    }
    let mut out = sql.to_string();
    for (p, c) in inserts.into_iter().rev() {
        out.insert_str(p, &c);
    }
    out
}

/// Byte offset of the last `::` of `e` outside parentheses, brackets and quotes.
fn last_top_level_cast(e: &str) -> Option<usize> {
    let b = e.as_bytes();
    let mut depth = 0;
    let mut quote: Option<u8> = None;
    let mut last = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
        } else {
            match c {
                b'\'' | b'"' => quote = Some(c),
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth -= 1,
                b':' if depth == 0 && b.get(i + 1) == Some(&b':') => {
                    last = Some(i);
                    i += 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    last
}

/// `sql` with the `VARIADIC` marker of call arguments (`f(VARIADIC ARRAY[a, b])`) taken out, for
/// parsers that do not know it. Text inside quotes is left alone.
pub fn without_variadic(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut last_sig: Option<char> = None;
    let chars: Vec<(usize, char)> = sql.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (i, ch) = chars[k];
        if let Some(q) = quote {
            out.push(ch);
            if ch == q {
                quote = None;
            }
            k += 1;
            continue;
        }
        if ch == '\'' || ch == '"' {
            quote = Some(ch);
        }
        let rest = &sql[i..];
        if matches!(last_sig, Some('(') | Some(','))
            && rest.len() > 8
            && rest[..8].eq_ignore_ascii_case("variadic")
            && rest[8..].starts_with(char::is_whitespace)
        {
            k += 8;
            last_sig = None;
            continue;
        }
        if !ch.is_whitespace() {
            last_sig = Some(ch);
        }
        out.push(ch);
        k += 1;
    }
    out
}

/// Options as PostgreSQL prints them: `name = 'value'` (a bare value gets its quotes), in order.
/// `Err` for an item that is not `name = value`.
pub fn option_list(text: &str) -> Result<Vec<String>, String> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut quote = false;
    let mut items = vec![];
    for ch in text.chars() {
        match ch {
            '\'' => {
                quote = !quote;
                cur.push(ch)
            }
            ',' if !quote => items.push(std::mem::take(&mut cur)),
            _ => cur.push(ch),
        }
    }
    if quote {
        return Err("a quote is not closed".into());
    }
    items.push(cur);
    for it in items.iter().filter(|i| !i.trim().is_empty()) {
        let Some((n, v)) = it.split_once('=') else {
            return Err(format!("`{}` is not `name = value`", it.trim()));
        };
        let (n, v) = (n.trim(), v.trim());
        if n.is_empty() || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("`{n}` is not an option name"));
        }
        let value = if v.starts_with('\'') && v.ends_with('\'') && v.len() >= 2 {
            v.to_string()
        } else if !v.is_empty()
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
        {
            format!("'{v}'")
        } else {
            return Err(format!("`{v}` is not a value (quote it: '{v}')"));
        };
        out.push(format!("{} = {value}", n.to_ascii_lowercase()));
    }
    Ok(out)
}

/// A `CREATE FUNCTION` text split into its header and its body (the dollar- or single-quoted `AS` string).
pub fn split_function(sql: &str) -> (String, String) {
    let b: Vec<char> = sql.chars().collect();
    let mut i = 0;
    while i < b.len() {
        if b[i] == '$' {
            let mut j = i + 1;
            while j < b.len() && (b[j].is_alphanumeric() || b[j] == '_') {
                j += 1;
            }
            if j < b.len() && b[j] == '$' && !b[i + 1..j].iter().any(|c| c.is_ascii_digit()) {
                let tag: String = b[i..=j].iter().collect();
                let rest: String = b[j + 1..].iter().collect();
                if let Some(end) = rest.find(&tag) {
                    let header: String =
                        b[..i].iter().collect::<String>() + " " + &rest[end + tag.len()..];
                    return (header, rest[..end].to_string());
                }
            }
        }
        if b[i] == '\'' {
            // AS '…' with '' escapes.
            let mut j = i + 1;
            let mut body = String::new();
            while j < b.len() {
                if b[j] == '\'' {
                    if j + 1 < b.len() && b[j + 1] == '\'' {
                        body.push('\'');
                        j += 2;
                        continue;
                    }
                    break;
                }
                body.push(b[j]);
                j += 1;
            }
            let header: String = b[..i].iter().collect::<String>()
                + " "
                + &b[(j + 1).min(b.len())..].iter().collect::<String>();
            return (header, body);
        }
        i += 1;
    }
    (sql.to_string(), String::new())
}

/// The key expressions of an `EXCLUDE [USING m] (e1 WITH op, …)` definition: `["room_id", "during"]`.
pub fn exclude_elements(def: &str) -> Vec<String> {
    let Some(open) = def.find('(') else {
        return vec![];
    };
    let b = def.as_bytes();
    let (mut depth, mut from, mut out) = (0, open + 1, vec![]);
    let mut quote: Option<u8> = None;
    for (i, &c) in b.iter().enumerate().skip(open) {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            b'\'' | b'"' => quote = Some(c),
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    out.push(&def[from..i]);
                    break;
                }
            }
            b',' if depth == 1 => {
                out.push(&def[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    out.into_iter()
        .map(|e| {
            let upper = e.to_ascii_uppercase();
            let cut = upper.rfind(" WITH ").unwrap_or(e.len());
            let (expr, ..) = split_index_part(e[..cut].trim());
            expr
        })
        .collect()
}

/// A possibly quoted, possibly qualified SQL name as the models write it: quotes taken off, parts
/// joined with `.` (`"app"."ci"` → `app.ci`, `"C"` → `C`).
pub fn unquote_chain(s: &str) -> String {
    let mut parts = vec![];
    let mut cur = String::new();
    let mut q = false;
    let mut chars = s.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if q && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => q = !q,
            '.' if !q => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    parts.join(".")
}

/// A collation name in SQL for PostgreSQL: `app.ci` is qualified when `app` is one of `namespaces`
/// (or `public`/`pg_catalog`, which are left out), otherwise the whole is one name (`"en_US.utf8"`).
pub fn sql_collation(c: &str, namespaces: &[String]) -> String {
    if c.starts_with('"') {
        return c.to_string();
    }
    if let Some((s, n)) = c.split_once('.') {
        if s == "public" || s == "pg_catalog" {
            return quote_always(n);
        }
        if namespaces.iter().any(|x| x == s) {
            return format!("{}.{}", quote_always(s), quote_always(n));
        }
    }
    quote_always(c)
}

fn quote_always(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

#[cfg(test)]
mod variadic_tests {
    #[test]
    fn variadic_markers_go_for_the_parser() {
        let t = super::without_variadic;
        assert_eq!(t("cat(VARIADIC ARRAY[a, b])"), "cat( ARRAY[a, b])");
        assert_eq!(t("f(x, variadic y)"), "f(x,  y)");
        assert_eq!(t("'(variadic x'"), "'(variadic x'");
        assert_eq!(t("variadic_col + 1"), "variadic_col + 1");
    }
}

#[cfg(test)]
mod array_cast_tests {
    #[test]
    fn casts_of_whole_arrays_parse_back_to_themselves() {
        let t = super::paren_array_casts;
        assert_eq!(
            t("s::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::text[])"),
            "s::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::character varying[]::text[])"
        );
        assert_eq!(t("x = ANY (ARRAY[1, 2])"), "x = ANY (ARRAY[1, 2])");
        assert_eq!(
            t("ARRAY[1, 'a'::text]::text[]"),
            "ARRAY[1, 'a'::text]::text[]"
        );
        assert_eq!(t("'ARRAY[1::int]'::text"), "'ARRAY[1::int]'::text");
        assert_eq!(
            t("ARRAY['a'::varchar]::varchar[]::text[]"),
            "ARRAY['a'::varchar]::varchar[]::text[]"
        );
        assert_eq!(t("myarray[1]::text"), "myarray[1]::text");
        assert_eq!(
            t("ARRAY[(a)::text, f(b::int)::text]::name[]"),
            "ARRAY[(a)::text, f(b::int)::text]::text[]::name[]"
        );
    }
}

#[cfg(test)]
mod option_list_tests {
    #[test]
    fn options_come_out_as_postgres_prints_them() {
        assert_eq!(
            super::option_list("StopWords = english, accept=false").unwrap(),
            ["stopwords = 'english'", "accept = 'false'"]
        );
        assert_eq!(
            super::option_list("dictfile = 'a, b'").unwrap(),
            ["dictfile = 'a, b'"]
        );
        assert!(super::option_list("x = 1); DROP TABLE t; --").is_err());
    }
}
