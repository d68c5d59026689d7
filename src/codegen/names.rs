//! Names in generated code: tables → singular CamelCase types and snake_case functions, columns →
//! fields, each made a valid identifier (keywords escaped) and unique where it is used.

use std::collections::BTreeSet;

/// The words of a SQL name: split at `_`, spaces, punctuation and lower→upper case changes
/// (`FirstName`, `first_name` and `first name` all give `first`, `name`).
pub fn words(s: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    let mut cur = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let boundary = c.is_uppercase()
            && !cur.is_empty()
            && (prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(char::is_uppercase)
                    && next.is_some_and(|n| n.is_lowercase())));
        if boundary {
            out.push(std::mem::take(&mut cur));
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `bookings` → `booking`, `categories` → `category`, `addresses` → `address`; words ending in `ss`,
/// `us`, `is` stay (`status`, `analysis`).
pub fn singular(w: &str) -> String {
    let keep = ["ss", "us", "is", "news", "series", "data"];
    if w.len() <= 3 || keep.iter().any(|k| w.ends_with(k)) {
        return w.to_string();
    }
    if let Some(s) = w.strip_suffix("uses") {
        return format!("{s}us");
    }
    if let Some(s) = w.strip_suffix("ies") {
        return format!("{s}y");
    }
    for es in ["sses", "xes", "ches", "shes", "zes"] {
        if w.ends_with(es) {
            return w[..w.len() - 2].to_string();
        }
    }
    if let Some(s) = w.strip_suffix("people") {
        return format!("{s}person");
    }
    match w.strip_suffix('s') {
        Some(s) => s.to_string(),
        None => w.to_string(),
    }
}

/// `booking` → `bookings`, `category` → `categories`, `address` → `addresses`.
pub fn plural(w: &str) -> String {
    let vowel = |c: char| "aeiou".contains(c);
    if let Some(s) = w.strip_suffix('y') {
        if !s.ends_with(vowel) {
            return format!("{s}ies");
        }
    }
    if let Some(s) = w.strip_suffix("person") {
        return format!("{s}people");
    }
    if ["s", "x", "ch", "sh", "z"].iter().any(|e| w.ends_with(e)) {
        return format!("{w}es");
    }
    format!("{w}s")
}

/// The words of a table's name (schema words first, outside the default schema) with the last one
/// made singular: `public.room_features` → `room`, `feature`.
pub fn table_words(schema: Option<&str>, name: &str) -> Vec<String> {
    let mut ws: Vec<String> = schema.map(words).unwrap_or_default();
    let mut own = words(name);
    if let Some(last) = own.last_mut() {
        *last = singular(last);
    }
    ws.extend(own);
    if ws.is_empty() {
        ws.push("t".into());
    }
    ws
}

pub fn camel(ws: &[String]) -> String {
    let s: String = ws
        .iter()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect();
    ascii_ident(&s, 'T')
}

pub fn snake(ws: &[String]) -> String {
    ascii_ident(&ws.join("_"), 't')
}

/// Letters (any script: Rust and Python both take Unicode identifiers), digits and `_` only (others
/// become `_`), starting with a letter.
fn ascii_ident(s: &str, lead: char) -> String {
    let out: String = s
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    match out.chars().next() {
        Some(c) if c.is_alphabetic() => out,
        _ => format!("{lead}{out}"),
    }
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// A Rust identifier: keywords as raw identifiers (`r#type`); the few that cannot be raw get `_`.
pub fn rust_ident(s: &str) -> String {
    if ["self", "Self", "super", "crate", "_"].contains(&s) {
        return format!("{s}_");
    }
    if RUST_KEYWORDS.contains(&s) {
        return format!("r#{s}");
    }
    s.to_string()
}

const PY_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "match", "case",
];

/// A Python attribute of a declarative class: keywords, and the names SQLAlchemy's declarative base
/// takes for itself (`metadata`, `registry`), get a trailing `_`.
pub fn py_attr(s: &str) -> String {
    if PY_KEYWORDS.contains(&s) || ["metadata", "registry", "_sa_registry"].contains(&s) {
        return format!("{s}_");
    }
    s.to_string()
}

/// Hands out names unique within one scope: the second `x` is `x_2`, the third `x_3`.
#[derive(Default)]
pub struct Unique {
    taken: BTreeSet<String>,
    sep: &'static str,
}

impl Unique {
    pub fn new(reserved: &[&str]) -> Unique {
        Unique::with_separator(reserved, "_")
    }
    /// Numbers appended after `sep` (`""` for type names: `Booking2`).
    pub fn with_separator(reserved: &[&str], sep: &'static str) -> Unique {
        Unique {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
            sep,
        }
    }
    /// Marks a name handed out elsewhere as taken.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }
    pub fn take(&mut self, want: String) -> String {
        if self.taken.insert(want.clone()) {
            return want;
        }
        let sep = self.sep;
        (2..)
            .map(|n| format!("{want}{sep}{n}"))
            .find(|c| self.taken.insert(c.clone()))
            .expect("a free name")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_case_and_separators() {
        assert_eq!(words("FirstName"), ["first", "name"]);
        assert_eq!(words("room_features"), ["room", "features"]);
        assert_eq!(words("HTTPStatus code"), ["http", "status", "code"]);
        assert_eq!(words("order2Item"), ["order2", "item"]);
    }

    #[test]
    fn singular_and_plural_round_trip_common_table_names() {
        for (p, s) in [
            ("bookings", "booking"),
            ("categories", "category"),
            ("addresses", "address"),
            ("boxes", "box"),
            ("status", "status"),
            ("people", "person"),
            ("film", "film"),
            ("statuses", "status"),
        ] {
            assert_eq!(singular(p), s, "{p}");
        }
        assert_eq!(plural("category"), "categories");
        assert_eq!(plural("address"), "addresses");
        assert_eq!(plural("day"), "days");
        assert_eq!(plural("person"), "people");
    }

    #[test]
    fn identifiers_are_valid() {
        assert_eq!(rust_ident("type"), "r#type");
        assert_eq!(rust_ident("self"), "self_");
        assert_eq!(py_attr("class"), "class_");
        assert_eq!(py_attr("metadata"), "metadata_");
        assert_eq!(camel(&table_words(None, "2fa codes")), "T2faCode");
        assert_eq!(camel(&table_words(None, "é")), "É");
        assert_eq!(snake(&words("größe")), "größe");
        assert_eq!(snake(&words("_")), "t");
        assert_eq!(
            camel(&table_words(Some("sales"), "order_items")),
            "SalesOrderItem"
        );
        let mut u = Unique::new(&["new"]);
        assert_eq!(u.take("new".into()), "new_2");
        assert_eq!(u.take("id".into()), "id");
        assert_eq!(u.take("id".into()), "id_2");
    }
}
