//! MySQL/MariaDB canonical forms: SQL tokens, types (`int(11)` = `int`, `bool` = `tinyint(1)`) and
//! defaults as the catalogs print them (expression keys: `expr.rs`).

/// One token of MySQL SQL.
#[derive(Debug, PartialEq)]
pub(super) enum Tok {
    /// A string literal's value (quotes and escapes removed).
    Str(String),
    /// A name: a word or a backquoted identifier, as written (unquoted).
    Word(String, bool),
    Num(String),
    Punct(String),
}

/// Tokens of `sql`: strings in single or double quotes with backslash escapes and doubled quotes,
/// backquoted names, words, numbers, operators.
pub(super) fn tokens(sql: &str) -> Vec<Tok> {
    let c: Vec<char> = sql.chars().collect();
    let mut out = vec![];
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '\'' || ch == '"' || ch == '`' {
            let mut v = String::new();
            i += 1;
            while i < c.len() {
                if c[i] == ch && c.get(i + 1) == Some(&ch) {
                    v.push(ch);
                    i += 2;
                } else if c[i] == ch {
                    i += 1;
                    break;
                } else if c[i] == '\\' && ch != '`' && i + 1 < c.len() {
                    v.push(match c[i + 1] {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '0' => '\0',
                        'Z' => '\u{1a}',
                        'b' => '\u{8}',
                        x => x,
                    });
                    i += 2;
                } else {
                    v.push(c[i]);
                    i += 1;
                }
            }
            out.push(if ch == '`' {
                Tok::Word(v, true)
            } else {
                Tok::Str(v)
            });
        } else if ch.is_ascii_digit()
            || (ch == '.' && c.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let s = i;
            while i < c.len() && (c[i].is_ascii_alphanumeric() || c[i] == '.') {
                // An exponent's sign belongs to the number: 1e-3.
                if (c[i] == 'e' || c[i] == 'E') && matches!(c.get(i + 1), Some('+' | '-')) {
                    i += 1;
                }
                i += 1;
            }
            out.push(Tok::Num(c[s..i].iter().collect()));
        } else if ch.is_alphanumeric() || ch == '_' || ch == '$' || ch == '@' {
            let s = i;
            while i < c.len()
                && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '$' || c[i] == '@')
            {
                i += 1;
            }
            out.push(Tok::Word(c[s..i].iter().collect(), false));
        } else {
            let two: String = c[i..(i + 2).min(c.len())].iter().collect();
            if ["<=", ">=", "<>", "!=", "||", "&&", "<<", ">>", ":="].contains(&two.as_str()) {
                out.push(Tok::Punct(two));
                i += 2;
            } else {
                out.push(Tok::Punct(ch.to_string()));
                i += 1;
            }
        }
    }
    out
}

/// `'it''s'` with `\` doubled: how MySQL prints a string literal, read the same with backslash
/// escapes on (the session autogen opens; NO_BACKSLASH_ESCAPES is cleared).
pub fn literal(s: &str) -> String {
    // A carriage return as `\r`: written raw, a line ending of the revision file could swallow it.
    format!(
        "'{}'",
        s.replace('\\', "\\\\")
            .replace('\'', "''")
            .replace('\r', "\\r")
    )
}

const INTS: &[(&str, &str)] = &[
    ("int", "int"),
    ("integer", "int"),
    ("int4", "int"),
    ("tinyint", "tinyint"),
    ("int1", "tinyint"),
    ("smallint", "smallint"),
    ("int2", "smallint"),
    ("mediumint", "mediumint"),
    ("int3", "mediumint"),
    ("middleint", "mediumint"),
    ("bigint", "bigint"),
    ("int8", "bigint"),
];

const PLAIN: &[&str] = &[
    "tinytext",
    "text",
    "mediumtext",
    "longtext",
    "tinyblob",
    "blob",
    "mediumblob",
    "longblob",
    "date",
    "json",
    "uuid",
    "inet4",
    "inet6",
];

/// The spatial types.
pub const SPATIAL: &[&str] = &[
    "geometry",
    "point",
    "linestring",
    "polygon",
    "multipoint",
    "multilinestring",
    "multipolygon",
    "geometrycollection",
];

/// The text types (with a character set).
pub const TEXTS: &[&str] = &[
    "char",
    "varchar",
    "tinytext",
    "text",
    "mediumtext",
    "longtext",
];

/// `enum('a', "b")` values → `('a','b')`, each value quoted as MySQL prints it.
fn value_list(args: &str) -> Result<String, String> {
    let toks = tokens(args);
    let mut vals = vec![];
    let mut expect_value = true;
    for t in toks {
        match (t, expect_value) {
            (Tok::Str(v), true) => {
                vals.push(literal(&v));
                expect_value = false;
            }
            (Tok::Punct(p), false) if p == "," => expect_value = true,
            (t, _) => return Err(format!("unexpected {t:?} in the value list ({args})")),
        }
    }
    if vals.is_empty() || expect_value {
        return Err("an enum or set needs a list of quoted values, e.g. enum('new','done')".into());
    }
    Ok(format!("({})", vals.join(",")))
}

/// Canonical spelling of a MySQL type: lower case, display widths dropped (MySQL 8 drops them too,
/// but for `tinyint(1)` and zerofill), aliases resolved, default lengths and precisions written.
pub fn canonical_type(ty: &str) -> Result<String, String> {
    let t = ty.trim();
    let lower = t.to_ascii_lowercase();
    for kw in ["enum", "set"] {
        if let Some(rest) = lower.strip_prefix(kw) {
            if rest.trim_start().starts_with('(') {
                // The values keep their case: take them from the original text.
                let open = t.find('(').unwrap_or(0);
                let close = t.rfind(')').unwrap_or(t.len());
                let tail = t[close + 1..].trim().to_ascii_lowercase();
                let vals = value_list(&t[open + 1..close])?;
                let mut s = format!("{kw}{vals}");
                // A trailing CHARACTER SET/COLLATE belongs to the column, not to the type.
                if !tail.is_empty() {
                    return Err(format!("unexpected `{tail}` after the {kw} values"));
                }
                s.shrink_to_fit();
                return Ok(s);
            }
        }
    }
    let (base, args, mods) = match lower.find('(') {
        Some(p) => {
            let close = lower
                .rfind(')')
                .ok_or_else(|| format!("unbalanced parentheses in `{t}`"))?;
            (
                lower[..p].trim().to_string(),
                Some(lower[p + 1..close].replace(' ', "")),
                lower[close + 1..].to_string(),
            )
        }
        None => {
            let words: Vec<&str> = lower.split_whitespace().collect();
            let n = words
                .iter()
                .position(|w| matches!(*w, "unsigned" | "signed" | "zerofill"))
                .unwrap_or(words.len());
            (words[..n].join(" "), None, words[n..].join(" "))
        }
    };
    let mods: Vec<&str> = mods.split_whitespace().collect();
    let zerofill = mods.contains(&"zerofill");
    let unsigned = zerofill || mods.contains(&"unsigned");
    if let Some(m) = mods
        .iter()
        .find(|m| !matches!(**m, "unsigned" | "signed" | "zerofill"))
    {
        return Err(format!("unexpected `{m}` in the type `{t}`"));
    }
    let sign = if unsigned { " unsigned" } else { "" };
    let fill = if zerofill { " zerofill" } else { "" };
    let need_len = |name: &str| -> Result<String, String> {
        match &args {
            Some(a) if a.parse::<u32>().is_ok() => Ok(format!("{name}({a})")),
            _ => Err(format!("{name} needs a length, e.g. {name}(255)")),
        }
    };
    let opt_len = |name: &str, default: u32| -> Result<String, String> {
        match &args {
            None => Ok(format!("{name}({default})")),
            Some(a) if a.parse::<u32>().is_ok() => Ok(format!("{name}({a})")),
            Some(a) => Err(format!("bad length `{a}` for {name}")),
        }
    };
    let fsp = |name: &str| -> Result<String, String> {
        match args.as_deref() {
            None | Some("0") => Ok(name.to_string()),
            Some(a) if a.parse::<u32>().is_ok() => Ok(format!("{name}({a})")),
            Some(a) => Err(format!("bad fractional seconds `{a}` for {name}")),
        }
    };
    if base == "bool" || base == "boolean" {
        return Ok("tinyint(1)".into());
    }
    if let Some((_, canon)) = INTS.iter().find(|(a, _)| *a == base) {
        let keep = match args.as_deref() {
            Some("1") if *canon == "tinyint" => true,
            Some(_) => zerofill,
            None => false,
        };
        // A zerofill column without a width has the type's (unsigned) full width, as the server shows it.
        let full = match *canon {
            "tinyint" => "3",
            "smallint" => "5",
            "mediumint" => "8",
            "int" => "10",
            _ => "20",
        };
        return Ok(match (&args, keep) {
            (Some(w), true) => format!("{canon}({w}){sign}{fill}"),
            (None, _) if zerofill => format!("{canon}({full}){sign}{fill}"),
            _ => format!("{canon}{sign}{fill}"),
        });
    }
    Ok(match base.as_str() {
        "decimal" | "numeric" | "dec" | "fixed" => {
            let (p, s) = match args.as_deref() {
                None => ("10".to_string(), "0".to_string()),
                Some(a) => match a.split_once(',') {
                    Some((p, s)) => (p.to_string(), s.to_string()),
                    None => (a.to_string(), "0".to_string()),
                },
            };
            format!("decimal({p},{s}){sign}{fill}")
        }
        "float" | "float4" => match args.as_deref() {
            Some(a) if !a.contains(',') => match a.parse::<u32>() {
                Ok(p) if p > 24 => format!("double{sign}{fill}"),
                Ok(_) => format!("float{sign}{fill}"),
                Err(_) => return Err(format!("bad precision `{a}` for float")),
            },
            Some(a) => format!("float({a}){sign}{fill}"),
            None => format!("float{sign}{fill}"),
        },
        "double" | "double precision" | "real" | "float8" => match args.as_deref() {
            Some(a) => format!("double({a}){sign}{fill}"),
            None => format!("double{sign}{fill}"),
        },
        "bit" => opt_len("bit", 1)?,
        "char" | "character" | "nchar" | "national char" => opt_len("char", 1)?,
        "binary" => opt_len("binary", 1)?,
        "varchar" | "character varying" | "nvarchar" | "national varchar" => need_len("varchar")?,
        "varbinary" => need_len("varbinary")?,
        "time" | "datetime" | "timestamp" => fsp(&base)?,
        "year" => "year".into(),
        "bytea" | "bytes" => "blob".into(),
        "geomcollection" => "geometrycollection".into(),
        "timestamptz" | "timestamp with time zone" => {
            return Err("MySQL has no time-zone-aware timestamp: use `timestamp` (stored as UTC, converted with the session's time_zone; 1970–2038) or `datetime` (kept as written)".into())
        }
        "serial" | "bigserial" | "smallserial" => {
            return Err(format!("{base} is PostgreSQL's: write `bigint unsigned` (or `int`) with autoincrement = true"))
        }
        b if (PLAIN.contains(&b) || SPATIAL.contains(&b)) && args.is_none() => b.to_string(),
        b if PLAIN.contains(&b) && b.ends_with("text") => b.to_string(),
        b if PLAIN.contains(&b) && b.ends_with("blob") => b.to_string(),
        _ => {
            return Err(format!(
                "unknown MySQL type `{t}`; MySQL has int/bigint/… [unsigned], decimal(p,s), float, double, varchar(n), char(n), text, blob, json, date, datetime, timestamp, time, year, bit(n), enum('a','b'), set(…), binary(n), varbinary(n) and the spatial types"
            ))
        }
    })
}

/// Ranges MySQL enforces on a (canonical) type: `Err((what is wrong, hint))`.
pub fn check_type(ty: &str) -> Result<(), (String, Option<String>)> {
    let canon = canonical_type(ty).map_err(|e| (e, None))?;
    let args = |s: &str| -> Vec<u32> {
        s.split_once('(')
            .and_then(|(_, r)| r.split_once(')'))
            .map(|(a, _)| a.split(',').filter_map(|x| x.parse().ok()).collect())
            .unwrap_or_default()
    };
    let a = args(&canon);
    let bad = |m: String, h: &str| Err((m, Some(h.to_string())));
    if canon.starts_with("varchar(") && a[0] > 65535 {
        return bad(
            format!("varchar({}) is longer than MySQL allows", a[0]),
            "at most varchar(65535) (less with a multi-byte charset); use text or mediumtext",
        );
    }
    if (canon.starts_with("char(") || canon.starts_with("binary(")) && a[0] > 255 {
        return bad(
            format!("{canon} is longer than MySQL allows"),
            "at most 255; use varchar(n) or varbinary(n)",
        );
    }
    if canon.starts_with("decimal(") && (a[0] == 0 || a[0] > 65 || a[1] > 30 || a[1] > a[0]) {
        return bad(
            format!("{canon}: MySQL needs 1 ≤ precision ≤ 65 and scale ≤ 30 and ≤ precision"),
            "e.g. decimal(10,2)",
        );
    }
    if canon.starts_with("bit(") && (a[0] == 0 || a[0] > 64) {
        return bad(
            format!("{canon}: a bit field holds 1 to 64 bits"),
            "e.g. bit(8)",
        );
    }
    if ["datetime(", "timestamp(", "time("]
        .iter()
        .any(|p| canon.starts_with(p))
        && a[0] > 6
    {
        return bad(
            format!("{canon}: fractional seconds go up to 6 digits"),
            "e.g. datetime(6)",
        );
    }
    Ok(())
}

/// Whether a (canonical) type holds text (and so has a character set and collation).
pub fn is_text(ty: &str) -> bool {
    ty.starts_with("varchar")
        || ty.starts_with("char")
        || ty.ends_with("text")
        || ty.starts_with("enum(")
        || ty.starts_with("set(")
}

/// Whether a (canonical) type is a number (its literal defaults are unquoted).
pub fn is_numeric(ty: &str) -> bool {
    let b = ty.split(['(', ' ']).next().unwrap_or("");
    INTS.iter().any(|(_, c)| *c == b) || matches!(b, "decimal" | "float" | "double" | "year")
}

/// A column default as `COLUMN_DEFAULT` gives it: `None` when the column has none. MariaDB (10.2.7+)
/// writes `NULL` for DEFAULT NULL, quotes string literals (backslash escapes) and leaves numbers and
/// expressions bare; MySQL gives literal values bare and marks expressions `DEFAULT_GENERATED`.
pub fn decode_default(raw: Option<&str>, mariadb: bool, extra: &str, ty: &str) -> Option<String> {
    let raw = raw?;
    if mariadb {
        if raw == "NULL" {
            return None;
        }
        if raw.starts_with('\'') {
            if let [Tok::Str(v)] = tokens(raw).as_slice() {
                return Some(literal(v));
            }
        }
        return Some(raw.to_string());
    }
    if extra.to_ascii_uppercase().contains("DEFAULT_GENERATED") {
        return Some(raw.to_string());
    }
    if is_numeric(ty) || raw.starts_with("b'") {
        Some(raw.to_string())
    } else {
        Some(literal(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mariadb_and_mysql_types_are_one_spelling() {
        for (a, b) in [
            ("int(11)", "int"),
            ("INTEGER", "int"),
            ("bigint(20) unsigned", "bigint unsigned"),
            ("BIGINT UNSIGNED", "bigint unsigned"),
            ("tinyint(1)", "tinyint(1)"),
            ("boolean", "tinyint(1)"),
            ("tinyint(4)", "tinyint"),
            ("int(5) unsigned zerofill", "int(5) unsigned zerofill"),
            (
                "mediumint unsigned zerofill",
                "mediumint(8) unsigned zerofill",
            ),
            ("int zerofill", "int(10) unsigned zerofill"),
            ("decimal", "decimal(10,0)"),
            ("NUMERIC(5)", "decimal(5,0)"),
            ("decimal(10, 2)", "decimal(10,2)"),
            ("double precision", "double"),
            ("float(30)", "double"),
            ("varchar(40)", "varchar(40)"),
            ("char", "char(1)"),
            ("datetime(0)", "datetime"),
            ("timestamp(3)", "timestamp(3)"),
            ("year(4)", "year"),
            ("enum('a','b''c')", "enum('a','b''c')"),
            ("ENUM( 'G','PG' , \"R\")", "enum('G','PG','R')"),
            ("SET('x','Y')", "set('x','Y')"),
            ("bytes", "blob"),
            ("geomcollection", "geometrycollection"),
        ] {
            assert_eq!(canonical_type(a).unwrap(), b, "{a}");
        }
        assert!(canonical_type("timestamptz")
            .unwrap_err()
            .contains("datetime"));
        assert!(canonical_type("varchar").unwrap_err().contains("length"));
        assert!(canonical_type("serial").is_err());
    }

    #[test]
    fn defaults_decode_per_flavor() {
        assert_eq!(
            decode_default(Some("'it''s \\\\ x'"), true, "", "varchar(9)").unwrap(),
            "'it''s \\\\ x'"
        );
        assert_eq!(decode_default(Some("NULL"), true, "", "int"), None);
        assert_eq!(decode_default(None, true, "", "int"), None);
        assert_eq!(
            decode_default(Some("0.00"), true, "", "decimal(10,2)").unwrap(),
            "0.00"
        );
        assert_eq!(
            decode_default(Some("it's"), false, "", "varchar(9)").unwrap(),
            "'it''s'"
        );
        assert_eq!(decode_default(Some("5"), false, "", "int").unwrap(), "5");
        assert_eq!(
            decode_default(
                Some("CURRENT_TIMESTAMP"),
                false,
                "DEFAULT_GENERATED",
                "timestamp"
            )
            .unwrap(),
            "CURRENT_TIMESTAMP"
        );
    }
}
