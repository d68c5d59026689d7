//! Text written into SQL line comments (messages, warnings), escaped so no character can end the
//! comment early, and read back as it was.

/// Text made safe for a `-- ` line comment: a line break would end the comment for the SQL lexer (CR
/// does for PostgreSQL's), so CR, LF and every other control or line-separator character is written
/// as an escape (`\r`, `\n`, `\t`, `\u{85}`); backslashes are doubled so `unescape_comment` restores
/// the text exactly.
pub fn comment_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// The inverse of `comment_text`; text that is not a valid escape is kept as written.
pub fn unescape_comment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(ch) = it.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match it.peek().copied() {
            Some('\\') => {
                it.next();
                out.push('\\');
            }
            Some('n') => {
                it.next();
                out.push('\n');
            }
            Some('r') => {
                it.next();
                out.push('\r');
            }
            Some('t') => {
                it.next();
                out.push('\t');
            }
            Some('u') => {
                let rest: String = it.clone().collect();
                let parsed = rest
                    .strip_prefix("u{")
                    .and_then(|r| r.split_once('}'))
                    .and_then(|(hex, _)| u32::from_str_radix(hex, 16).ok().map(|n| (hex.len(), n)))
                    .and_then(|(len, n)| char::from_u32(n).map(|c| (len, c)));
                match parsed {
                    Some((len, c)) => {
                        for _ in 0..len + 3 {
                            it.next();
                        }
                        out.push(c);
                    }
                    None => out.push('\\'),
                }
            }
            _ => out.push('\\'),
        }
    }
    out
}
