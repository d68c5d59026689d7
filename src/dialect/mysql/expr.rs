//! MySQL/MariaDB expression keys: backticks, case, `current_timestamp()` spellings, `lcase` …, numbers,
//! charset introducers and the parentheses MySQL 8 puts around comparisons, folded as the servers rewrite them.

use super::normalize::{literal, tokens, Tok};

/// `1.50` → `1.5`, `0.00` → `0`, `007` → `7`: a decimal number as compared.
fn number_key(n: &str) -> String {
    if n.contains(['e', 'E', 'x', 'X', 'b']) {
        return n.to_ascii_lowercase();
    }
    let (int, frac) = n.split_once('.').unwrap_or((n, ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

/// Canonical comparison key of an expression: names unquoted and lower case (MySQL's column names
/// fold case), keywords lower case, one spelling per function the server renames, numbers without
/// trailing zeros, string literals in one quoting, charset introducers and outer parentheses dropped.
pub fn expr_key(sql: &str) -> String {
    let toks = tokens(sql);
    let mut out: Vec<String> = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let next_is_paren = matches!(toks.get(i + 1), Some(Tok::Punct(p)) if p == "(");
        match &toks[i] {
            Tok::Str(v) => out.push(literal(v)),
            Tok::Num(n) => out.push(number_key(n)),
            Tok::Punct(p) => out.push(if p == "!=" { "<>".into() } else { p.clone() }),
            Tok::Word(w, quoted) => {
                let lw = w.to_lowercase();
                // `_utf8mb4'x'`: the introducer changes nothing compared.
                if !quoted && lw.starts_with('_') && matches!(toks.get(i + 1), Some(Tok::Str(_))) {
                    i += 1;
                    continue;
                }
                let f = match lw.as_str() {
                    _ if *quoted => lw.clone(),
                    "ucase" => "upper".into(),
                    "lcase" => "lower".into(),
                    "substr" => "substring".into(),
                    "true" => "1".into(),
                    "false" => "0".into(),
                    "now" | "localtime" | "localtimestamp" | "current_timestamp" => {
                        "current_timestamp".into()
                    }
                    "current_date" => "curdate".into(),
                    "current_time" => "curtime".into(),
                    _ => lw.clone(),
                };
                let bare_call = !quoted
                    && !next_is_paren
                    && matches!(
                        lw.as_str(),
                        "current_timestamp"
                            | "localtime"
                            | "localtimestamp"
                            | "current_date"
                            | "current_time"
                    );
                out.push(f);
                if bare_call {
                    out.push("(".into());
                    out.push(")".into());
                }
            }
        }
        i += 1;
    }
    // `LESS THAN (MAXVALUE)` (RANGE COLUMNS, as MariaDB prints it) is `LESS THAN MAXVALUE`.
    let mut k = 0;
    while k + 2 < out.len() {
        if out[k] == "(" && out[k + 1] == "maxvalue" && out[k + 2] == ")" {
            out.splice(k..k + 3, ["maxvalue".to_string()]);
        }
        k += 1;
    }
    strip_outer(drop_comparison_parens(out)).join(" ")
}

/// `(a >= 0) and (b <> 'x')` → `a >= 0 and b <> 'x'`: MySQL 8 puts every comparison of a check in
/// parentheses. A comparison binds tighter than AND/OR/NOT, so parentheses around one that stands
/// between them (or at either end) change nothing.
fn drop_comparison_parens(mut t: Vec<String>) -> Vec<String> {
    let logical = |x: Option<&String>| {
        x.is_none_or(|x| {
            matches!(
                x.as_str(),
                "and" | "or" | "xor" | "not" | "&&" | "||" | "(" | ")"
            )
        })
    };
    const CMP: &[&str] = &[
        "=", "<>", "<", ">", "<=", ">=", "like", "in", "is", "between", "regexp", "<=>",
    ];
    loop {
        let mut changed = false;
        let mut i = 0;
        while i < t.len() {
            if t[i] == "(" && logical(i.checked_sub(1).and_then(|p| t.get(p))) {
                // The matching `)` and what stands at the top level inside.
                let (mut depth, mut j, mut cmp, mut logic) = (0, i, false, false);
                while j < t.len() {
                    match t[j].as_str() {
                        "(" => depth += 1,
                        ")" => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        x if depth == 1 => {
                            cmp |= CMP.contains(&x);
                            logic |= matches!(x, "and" | "or" | "xor" | "&&" | "||");
                        }
                        _ => {}
                    }
                    j += 1;
                }
                let after = t.get(j + 1);
                let before_ok = i == 0 || t[i - 1] != "(" || after.is_some_and(|a| a != ")");
                if j < t.len()
                    && cmp
                    && !logic
                    && before_ok
                    && logical(after)
                    && after.is_none_or(|a| a != "(")
                {
                    t.remove(j);
                    t.remove(i);
                    changed = true;
                    continue;
                }
            }
            i += 1;
        }
        if !changed {
            return t;
        }
    }
}

/// Outer parentheses around the whole key, removed as often as they enclose everything.
fn strip_outer(mut t: Vec<String>) -> Vec<String> {
    loop {
        if t.len() < 2 || t[0] != "(" || t[t.len() - 1] != ")" {
            return t;
        }
        let mut depth = 0;
        for (i, x) in t.iter().enumerate() {
            match x.as_str() {
                "(" => depth += 1,
                ")" => {
                    depth -= 1;
                    if depth == 0 && i != t.len() - 1 {
                        return t;
                    }
                }
                _ => {}
            }
        }
        t = t[1..t.len() - 1].to_vec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_compare_as_the_server_rewrites_them() {
        let eq = |a: &str, b: &str| assert_eq!(expr_key(a), expr_key(b), "{a} vs {b}");
        eq("CURRENT_TIMESTAMP", "current_timestamp()");
        eq("now()", "current_timestamp()");
        eq("(`qty` >= 0)", "qty >= 0");
        eq("UCASE(`Name`)", "upper(name)");
        eq("0.00", "0");
        eq("TRUE", "1");
        eq("_utf8mb4'x'", "'x'");
        eq("\"it's\"", "'it''s'");
        eq("'a\\\\b'", "'a\\\\b'");
        eq("a != b", "a <> b");
        eq(
            "curdate() + interval 1 day",
            "CURRENT_DATE + INTERVAL 1 DAY",
        );
        assert_ne!(expr_key("'A'"), expr_key("'a'"));
        assert_ne!(expr_key("1.5"), expr_key("15"));
    }
}
