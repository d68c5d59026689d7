//! A renamed column's name in the table's expressions: every database rewrites its generated
//! columns, checks and index expressions on `RENAME COLUMN`, so the current expressions are compared
//! as they read after the rename (it was a drop and re-add of a generated column, whose downgrade
//! re-added it under the old name before the rename back and failed).

use crate::schema::{Expr, Table};

/// `cur` with the keys of its expressions reading each column `des` renames by its new name;
/// `None` when `des` renames no column of `cur`.
pub(super) fn follow_renames(cur: &Table, des: &Table) -> Option<Table> {
    let renames: Vec<(&str, &str)> = des
        .columns
        .iter()
        .filter_map(|d| {
            let o = d.renamed_from.as_deref()?;
            (cur.column(&d.name).is_none() && cur.column(o).is_some())
                .then_some((o, d.name.as_str()))
        })
        .collect();
    if renames.is_empty() {
        return None;
    }
    let mut t = cur.clone();
    let fix = |e: &mut Expr| {
        for (from, to) in &renames {
            e.key = renamed_word(&e.key, from, to);
        }
    };
    for c in &mut t.columns {
        if let Some(g) = &mut c.generated {
            fix(g);
        }
    }
    for c in &mut t.checks {
        fix(&mut c.expr);
    }
    for i in &mut t.indexes {
        for p in &mut i.parts {
            // A bare column part is renamed by the rename itself (the diff matches it by name).
            fix(&mut p.expr);
        }
        if let Some(p) = &mut i.predicate {
            fix(p);
        }
    }
    Some(t)
}

/// `sql` with each identifier `from` (bare: any case; quoted `"…"` or `` `…` ``: exactly) written
/// `to` in the same quoting; string literals untouched.
pub fn renamed_word(sql: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            out.push_str(if word.eq_ignore_ascii_case(from) {
                to
            } else {
                word
            });
            word.clear();
        }
    };
    while let Some(ch) = chars.next() {
        if ch.is_alphanumeric() || ch == '_' || ch == '$' {
            word.push(ch);
            continue;
        }
        flush(&mut word, &mut out);
        match ch {
            '\'' | '"' | '`' => {
                let mut inner = String::new();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    if c == ch {
                        if chars.peek() == Some(&ch) {
                            chars.next();
                            inner.push(c);
                            inner.push(c);
                            continue;
                        }
                        closed = true;
                        break;
                    }
                    inner.push(c);
                }
                let doubled = format!("{ch}{ch}");
                let name = inner.replace(&doubled, &ch.to_string());
                out.push(ch);
                if ch != '\'' && closed && name == from {
                    out.push_str(&to.replace(ch, &doubled));
                } else {
                    out.push_str(&inner);
                }
                if closed {
                    out.push(ch);
                }
            }
            _ => out.push(ch),
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::renamed_word;

    #[test]
    fn only_the_identifier_is_renamed() {
        assert_eq!(
            renamed_word("upper(email) || 'email' || emails", "email", "mail"),
            "upper(mail) || 'email' || emails"
        );
        assert_eq!(
            renamed_word("\"Email\" > `email` and Email", "Email", "Mail"),
            "\"Mail\" > `email` and Mail"
        );
        assert_eq!(renamed_word("a.email", "email", "m"), "a.m");
    }
}
