//! SQLite canonical forms and what it accepts: declared types compared case- and space-insensitively,
//! type names that mean something to it (a misspelled type would silently get NUMERIC affinity),
//! affinities, and functions it has (`now()` is PostgreSQL's), each with a hint.

/// SQLite keeps the declared type as written; compare it case- and space-insensitively.
pub fn canonical_type(ty: &str) -> Result<String, String> {
    let t = ty
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let t = t
        .replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(", ", ",");
    if t.is_empty() {
        return Err("empty type".into());
    }
    Ok(match t.as_str() {
        "bytes" => "blob".into(),
        "double" => "double precision".into(),
        _ => t,
    })
}

/// Words SQLite's affinity rules recognise inside a declared type (`VARCHAR`, `BIGINT`, `DOUBLE` …).
const AFFINITY_WORDS: &[&str] = &[
    "int", "char", "clob", "text", "blob", "real", "floa", "doub",
];

/// Type names without such a word that are still deliberate (NUMERIC affinity, or portable names).
const NUMERIC_NAMES: &[&str] = &[
    "numeric",
    "decimal",
    "boolean",
    "bool",
    "date",
    "datetime",
    "timestamp",
    "timestamptz",
    "time",
    "json",
    "jsonb",
    "uuid",
    "bytes",
    "money",
    "year",
    "bit",
    "any",
    "binary",
    "varbinary",
    "double precision",
    "unsigned big int",
];

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

pub fn check_type(ty: &str) -> Result<(), (String, Option<String>)> {
    let lower = ty
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    let base = lower.split('(').next().unwrap_or(&lower).trim();
    if matches!(
        base,
        "serial" | "serial4" | "bigserial" | "serial8" | "smallserial" | "serial2"
    ) {
        return Err((
            format!("`{ty}` is PostgreSQL's; SQLite has no serial types"),
            Some("use type = \"integer\" with primary_key = true (an INTEGER PRIMARY KEY numbers rows itself; add autoincrement = true so ids of deleted rows are never reused)".into()),
        ));
    }
    if AFFINITY_WORDS.iter().any(|w| base.contains(w)) || NUMERIC_NAMES.contains(&base) {
        return Ok(());
    }
    // What people write, and the SQLite type they mean.
    let known = [
        ("integer", "integer"),
        ("text", "text"),
        ("real", "real"),
        ("blob", "blob"),
        ("numeric", "numeric"),
        ("boolean", "boolean"),
        ("date", "date"),
        ("datetime", "datetime"),
        ("timestamp", "timestamp"),
        ("varchar", "varchar(n)"),
        ("bigint", "bigint"),
        ("double", "double"),
        ("decimal", "decimal(p,s)"),
        ("json", "json"),
        ("uuid", "uuid"),
        ("string", "text"),
        ("str", "text"),
        ("number", "numeric"),
        ("float", "real"),
        ("bool", "boolean"),
        ("bytes", "blob"),
    ];
    let best = known
        .iter()
        .map(|(k, v)| (distance(base, k), *v))
        .min()
        .filter(|(d, _)| *d <= 3);
    // A name of several words or far from every known one is no typo: SQLite takes any name (it gets
    // NUMERIC affinity), and a database made by hand may use one (`"weird type"`).
    if best.is_none() || base.contains(' ') {
        return Ok(());
    }
    let hint = match best {
        Some((_, k)) => format!("did you mean `{k}`? SQLite types: integer, text, real, blob, numeric (and names containing INT, CHAR, TEXT, REAL …)"),
        None => "SQLite types: integer, text, real, blob, numeric (and names containing INT, CHAR, TEXT, REAL …)".into(),
    };
    Err((
        format!("unknown type `{ty}` (SQLite would store it with NUMERIC affinity, as a number where it can)"),
        Some(hint),
    ))
}

/// The affinity SQLite gives a declared type (https://sqlite.org/datatype3.html#determination_of_column_affinity).
pub fn affinity(ty: &str) -> &'static str {
    let t = ty.to_ascii_uppercase();
    if t.contains("INT") {
        "INTEGER"
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        "TEXT"
    } else if t.contains("BLOB") || t.trim().is_empty() {
        "BLOB"
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        "REAL"
    } else {
        "NUMERIC"
    }
}

/// What copying a column's values into a new declared type does to them, when the affinity changes.
pub fn affinity_note(column: &str, from: &str, to: &str) -> Option<String> {
    let (a, b) = (affinity(from), affinity(to));
    if a == b || b == "BLOB" {
        return None;
    }
    let what = match (a, b) {
        (_, "TEXT") => "numbers are stored as text (7 becomes '7')",
        ("TEXT" | "BLOB", _) => "text that looks like a number is stored as a number ('007' becomes 7, '1e3' becomes 1000)",
        (_, "INTEGER") => "whole real numbers are stored as integers (5.0 becomes 5)",
        _ => "values are stored with the new affinity",
    };
    Some(format!(
        "column {column} goes from {a} to {b} affinity: {what}"
    ))
}

/// Scalar, aggregate and window functions built into SQLite (core, date/time, math, JSON).
const FUNCTIONS: &[&str] = &[
    "abs",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "avg",
    "ceil",
    "ceiling",
    "changes",
    "char",
    "coalesce",
    "concat",
    "concat_ws",
    "cos",
    "cosh",
    "count",
    "cume_dist",
    "date",
    "datetime",
    "degrees",
    "dense_rank",
    "exp",
    "first_value",
    "floor",
    "format",
    "glob",
    "group_concat",
    "hex",
    "ifnull",
    "iif",
    "instr",
    "json",
    "json_array",
    "json_array_length",
    "json_error_position",
    "json_extract",
    "json_group_array",
    "json_group_object",
    "json_insert",
    "json_object",
    "json_patch",
    "json_pretty",
    "json_quote",
    "json_remove",
    "json_replace",
    "json_set",
    "json_type",
    "json_valid",
    "jsonb",
    "jsonb_array",
    "jsonb_extract",
    "jsonb_insert",
    "jsonb_object",
    "jsonb_patch",
    "jsonb_remove",
    "jsonb_replace",
    "jsonb_set",
    "julianday",
    "lag",
    "last_insert_rowid",
    "last_value",
    "lead",
    "length",
    "like",
    "likelihood",
    "likely",
    "ln",
    "log",
    "log10",
    "log2",
    "lower",
    "ltrim",
    "max",
    "min",
    "mod",
    "nth_value",
    "ntile",
    "nullif",
    "octet_length",
    "percent_rank",
    "pi",
    "pow",
    "power",
    "printf",
    "quote",
    "radians",
    "random",
    "randomblob",
    "rank",
    "replace",
    "round",
    "row_number",
    "rtrim",
    "sign",
    "sin",
    "sinh",
    "soundex",
    "sqlite_version",
    "sqrt",
    "strftime",
    "string_agg",
    "substr",
    "substring",
    "sum",
    "tan",
    "tanh",
    "time",
    "timediff",
    "total",
    "total_changes",
    "trim",
    "trunc",
    "typeof",
    "unhex",
    "unicode",
    "unixepoch",
    "unlikely",
    "upper",
    "zeroblob",
];

/// Words followed by `(` that are syntax, not function calls.
const SYNTAX: &[&str] = &[
    "in",
    "exists",
    "cast",
    "not",
    "and",
    "or",
    "is",
    "between",
    "like",
    "glob",
    "regexp",
    "match",
    "case",
    "when",
    "then",
    "else",
    "end",
    "escape",
    "collate",
    "distinct",
    "any",
    "all",
    "select",
    "from",
    "where",
    "values",
    "over",
    "filter",
    "on",
    "using",
    "as",
    "raise",
    "key",
    "references",
    "check",
    "unique",
];

fn hint_for(f: &str) -> Option<&'static str> {
    Some(match f {
        "now"
        | "current_timestamp"
        | "localtimestamp"
        | "transaction_timestamp"
        | "statement_timestamp"
        | "clock_timestamp" => "write CURRENT_TIMESTAMP (or datetime('now'))",
        "current_date" => "write CURRENT_DATE",
        "gen_random_uuid" | "uuid_generate_v4" | "uuid" => {
            "write (lower(hex(randomblob(16)))) for a random id"
        }
        "nextval" => "use an integer primary_key = true column, which numbers rows itself",
        "to_char" => "use strftime(format, value)",
        "char_length" | "character_length" => "use length(…)",
        "greatest" => "use max(a, b, …)",
        "least" => "use min(a, b, …)",
        _ => return None,
    })
}

/// Function calls of `sql` that SQLite does not have.
pub fn check_expr(sql: &str) -> Result<(), (String, Option<String>)> {
    use sqlparser::tokenizer::{Token, Tokenizer};
    let d = sqlparser::dialect::SQLiteDialect {};
    let Ok(toks) = Tokenizer::new(&d, sql).tokenize() else {
        return Ok(()); // the parser reports unreadable SQL
    };
    let toks: Vec<Token> = toks
        .into_iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    for (i, t) in toks.iter().enumerate() {
        let Token::Word(w) = t else { continue };
        if w.quote_style.is_some() || toks.get(i + 1) != Some(&Token::LParen) {
            continue;
        }
        if i > 0 && toks[i - 1] == Token::Period {
            continue; // schema.function: left to SQLite
        }
        let f = w.value.to_ascii_lowercase();
        if FUNCTIONS.contains(&f.as_str()) || SYNTAX.contains(&f.as_str()) {
            continue;
        }
        return Err((
            format!("SQLite has no function `{}()`", w.value),
            Some(hint_for(&f).map(str::to_string).unwrap_or_else(|| {
                "use one of SQLite's built-in functions (https://sqlite.org/lang_corefunc.html)"
                    .into()
            })),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_sqlite_would_misread_are_errors() {
        for ok in [
            "integer",
            "VARCHAR(20)",
            "nvarchar(40)",
            "datetime",
            "numeric(10,2)",
            "boolean",
            "unsigned big int",
            "timestamp",
            "weird type",
            "geometry_xyzzy",
        ] {
            assert!(check_type(ok).is_ok(), "{ok}");
        }
        let (msg, hint) = check_type("strng").unwrap_err();
        assert!(msg.contains("strng"), "{msg}");
        assert!(hint.unwrap().contains("did you mean"));
        assert!(check_type("serial")
            .unwrap_err()
            .1
            .unwrap()
            .contains("integer"));
    }

    #[test]
    fn functions_sqlite_lacks_are_errors() {
        assert!(check_expr("CURRENT_TIMESTAMP").is_ok());
        assert!(check_expr("datetime('now')").is_ok());
        assert!(check_expr("lower(hex(randomblob(16)))").is_ok());
        assert!(check_expr("x IN ('a', 'b')").is_ok());
        let (m, h) = check_expr("now()").unwrap_err();
        assert!(m.contains("now()"), "{m}");
        assert!(h.unwrap().contains("CURRENT_TIMESTAMP"));
    }
}
