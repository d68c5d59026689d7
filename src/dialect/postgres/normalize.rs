//! PostgreSQL canonical type names, as `format_type` prints them; the checks of type modifiers and the
//! `serial` expansion. Expression keys are in `expr.rs`.

pub use super::expr::{datetime_literal, expr_key};
pub use crate::sql::fold_text;

/// Canonical PostgreSQL type name; `Err(hint)` is never returned for names that might be user types.
pub fn canonical_type(ty: &str) -> Result<String, String> {
    let t = ty.trim();
    // Arrays: `int[]`, `integer[][]`, `_int4`, `int ARRAY`.
    let (base, dims) = split_array(t);
    let base = base.trim();
    let (name, typmod) = match base.find('(') {
        Some(p) if base.ends_with(')') || base.contains(") ") => {
            let close = base.rfind(')').unwrap_or(base.len() - 1);
            let inner: String = base[p + 1..close]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let rest = base[close + 1..].trim();
            (
                format!("{} {}", base[..p].trim(), rest).trim().to_string(),
                Some(inner),
            )
        }
        _ => (base.to_string(), None),
    };
    let lname = if name.contains('"') {
        name.clone()
    } else {
        collapse(&name.to_lowercase())
    };
    let lname = lname
        .strip_prefix("pg_catalog.")
        .unwrap_or(&lname)
        .to_string();
    let lname = lname.strip_prefix("public.").unwrap_or(&lname).to_string();
    let tm = |d: &str| {
        typmod
            .clone()
            .map(|m| format!("({m})"))
            .unwrap_or_else(|| d.to_string())
    };
    let canon = match lname.as_str() {
        "int" | "int4" | "integer" => "integer".to_string(),
        "int8" | "bigint" => "bigint".into(),
        "int2" | "smallint" => "smallint".into(),
        "bool" | "boolean" => "boolean".into(),
        "float8" | "double precision" | "double" => "double precision".into(),
        "float4" | "real" => "real".into(),
        "float" => match typmod.as_deref().and_then(|m| m.parse::<u32>().ok()) {
            Some(n) if n <= 24 => "real".into(),
            _ => "double precision".into(),
        },
        "varchar" | "character varying" => format!("character varying{}", tm("")),
        "char" | "character" | "bpchar" if typmod.is_none() && lname != "bpchar" => {
            "character(1)".into()
        }
        "char" | "character" | "bpchar" => {
            if typmod.is_none() {
                "bpchar".into()
            } else {
                format!("character{}", tm(""))
            }
        }
        "decimal" | "numeric" => match typmod.as_deref() {
            Some(m) if !m.contains(',') => format!("numeric({m},0)"),
            _ => format!("numeric{}", tm("")),
        },
        "timestamp" | "timestamp without time zone" => {
            format!("timestamp{} without time zone", tm(""))
        }
        "timestamptz" | "timestamp with time zone" => format!("timestamp{} with time zone", tm("")),
        "time" | "time without time zone" => format!("time{} without time zone", tm("")),
        "timetz" | "time with time zone" => format!("time{} with time zone", tm("")),
        "bytes" | "bytea" => "bytea".into(),
        "varbit" | "bit varying" => format!("bit varying{}", tm("")),
        "bit" => format!("bit{}", tm("(1)")),
        "serial" | "serial4" | "bigserial" | "serial8" | "smallserial" | "serial2" => {
            return Err(format!("`{lname}` is only allowed as a column type"));
        }
        "interval" => format!("interval{}", tm("")),
        // `interval hour to minute`, `interval day to second(2)`: fields, then the precision.
        l if l.starts_with("interval ") => {
            const FIELDS: &[&str] = &[
                "year",
                "month",
                "day",
                "hour",
                "minute",
                "second",
                "year to month",
                "day to hour",
                "day to minute",
                "day to second",
                "hour to minute",
                "hour to second",
                "minute to second",
            ];
            let fields = &l["interval ".len()..];
            if !FIELDS.contains(&fields) {
                return Err(format!(
                    "`interval {fields}`: the fields of an interval are one of {}",
                    FIELDS.join(", ")
                ));
            }
            format!("interval {fields}{}", tm(""))
        }
        other => {
            if other.is_empty() {
                return Err("empty type".into());
            }
            // A user type: each name part folded as PostgreSQL folds identifiers, quoted as format_type does.
            let other = type_name(&name);
            format!(
                "{other}{}",
                typmod
                    .as_ref()
                    .map(|m| format!("({m})"))
                    .unwrap_or_default()
            )
        }
    };
    Ok(format!("{canon}{}", "[]".repeat(dims)))
}

/// `serial` / `bigserial` / `smallserial` on `table.column`: the integer type, the sequence
/// `table_column_seq` owned by the column, and its `nextval` default, as PostgreSQL creates them.
pub fn serial(
    d: &dyn crate::dialect::Dialect,
    table: &crate::schema::QName,
    column: &str,
    ty: &str,
) -> Option<(String, crate::schema::Sequence, crate::schema::Expr)> {
    use crate::schema::{Expr, QName, SeqOptions, Sequence};
    let int = match ty.trim().to_ascii_lowercase().as_str() {
        "serial" | "serial4" => "integer",
        "bigserial" | "serial8" => "bigint",
        "smallserial" | "serial2" => "smallint",
        _ => return None,
    };
    let seq = QName {
        schema: table.schema.clone(),
        name: d.default_name(&table.name, &[column.to_string()], "seq"),
    };
    // The sequence as PostgreSQL prints a regclass: each part quoted where it needs it.
    let default = Expr::new(format!(
        "nextval({}::regclass)",
        d.literal(&crate::sql::qname_sql(&seq))
    ));
    let sequence = Sequence {
        name: seq,
        ty: int.into(),
        options: SeqOptions::default(),
        owned_by: Some((table.clone(), column.to_string())),
        comment: None,
    };
    Some((int.to_string(), sequence, default))
}

/// Type modifiers within PostgreSQL's limits: `varchar(0)` or `numeric(2000)` fail at load, not at
/// upgrade. `ty` as written; `Err((what, hint))`.
pub fn check_type(ty: &str) -> Result<(), (String, Option<String>)> {
    let Ok(canon) = canonical_type(ty) else {
        return Ok(()); // canonical_type's own error is reported by the loader
    };
    let raw = ty.trim().to_ascii_lowercase();
    let base = canon.trim_end_matches("[]");
    let (name, mods): (String, Vec<i64>) = match (base.find('('), base.find(')')) {
        (Some(a), Some(b)) if a < b && !base.starts_with('"') => (
            format!("{} {}", base[..a].trim(), base[b + 1..].trim())
                .trim()
                .to_string(),
            base[a + 1..b]
                .split(',')
                .map(|m| m.trim().parse::<i64>())
                .collect::<Result<_, _>>()
                .map_err(|_| {
                    (
                        format!("invalid type modifier in `{ty}`"),
                        Some(
                            "modifiers are whole numbers, e.g. varchar(20) or numeric(10,2)"
                                .to_string(),
                        ),
                    )
                })?,
        ),
        _ => (base.to_string(), vec![]),
    };
    let range = |what: &str, v: i64, lo: i64, hi: i64| -> Result<(), (String, Option<String>)> {
        if v < lo || v > hi {
            Err((
                format!("{what} of `{ty}` must be between {lo} and {hi}, not {v}"),
                None,
            ))
        } else {
            Ok(())
        }
    };
    if let Some(rest) = raw.strip_prefix("float(") {
        let p: i64 = rest.trim_end_matches(')').trim().parse().unwrap_or(0);
        return range("the precision", p, 1, 53);
    }
    match (name.as_str(), mods.as_slice()) {
        ("character varying" | "character", [n]) => range("the length", *n, 1, 10_485_760),
        ("bit" | "bit varying", [n]) => range("the length", *n, 1, 83_886_080),
        ("numeric", [p]) => range("the precision", *p, 1, 1000),
        ("numeric", [p, s]) => {
            range("the precision", *p, 1, 1000)?;
            range("the scale", *s, -1000, 1000)
        }
        (n, [p]) if n.starts_with("timestamp") || n.starts_with("time ") || n == "interval" => {
            range("the precision", *p, 0, 6)
        }
        (n, m) if is_builtin_type(n) && m.len() > usize::from(n == "numeric") + 1 => {
            Err((format!("too many type modifiers in `{ty}`"), None))
        }
        _ => Ok(()),
    }
}

/// `Sales.Channel` → `sales.channel`; `"Sales".channel` → `"Sales".channel`; `public.mood` → `mood`.
pub fn type_name(name: &str) -> String {
    let mut parts: Vec<String> = vec![];
    let mut cur = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    for ch in name.trim().chars() {
        match ch {
            '"' => {
                quoted = !quoted;
                was_quoted = true;
            }
            '.' if !quoted => {
                parts.push(if was_quoted {
                    std::mem::take(&mut cur)
                } else {
                    std::mem::take(&mut cur).to_lowercase()
                });
                was_quoted = false;
            }
            c => cur.push(c),
        }
    }
    parts.push(if was_quoted { cur } else { cur.to_lowercase() });
    if parts.len() > 1 && (parts[0] == "public" || parts[0] == "pg_catalog") {
        parts.remove(0);
    }
    parts
        .iter()
        .map(|p| {
            if p == "char" {
                "\"char\"".to_string()
            } else {
                crate::sql::quote_ident(p)
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Names PostgreSQL itself defines (anything else must be an enum, domain or extension type).
pub fn is_builtin_type(canon: &str) -> bool {
    let base = canon.trim_end_matches("[]");
    let name = base.split('(').next().unwrap_or(base).trim();
    let name = name
        .trim_end_matches(" without time zone")
        .trim_end_matches(" with time zone");
    const B: &[&str] = &[
        "bigint",
        "bit",
        "bit varying",
        "boolean",
        "box",
        "bpchar",
        "bytea",
        "character",
        "character varying",
        "cidr",
        "circle",
        "date",
        "daterange",
        "double precision",
        "inet",
        "int4range",
        "int8range",
        "integer",
        "interval",
        "json",
        "jsonb",
        "jsonpath",
        "line",
        "lseg",
        "macaddr",
        "macaddr8",
        "money",
        "name",
        "numeric",
        "numrange",
        "oid",
        "path",
        "pg_lsn",
        "point",
        "polygon",
        "real",
        "regclass",
        "smallint",
        "text",
        "time",
        "timestamp",
        "tsquery",
        "tsrange",
        "tstzrange",
        "tsvector",
        "uuid",
        "xml",
        "char",
        "regtype",
        "regproc",
        "xid",
        "tid",
        "cid",
        "int2vector",
        "oidvector",
        "datemultirange",
        "int4multirange",
        "int8multirange",
        "nummultirange",
        "tsmultirange",
        "tstzmultirange",
    ];
    B.contains(&name) || name.starts_with("interval")
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn split_array(t: &str) -> (String, usize) {
    let mut base = t.trim().to_string();
    let mut dims = 0;
    loop {
        let b = base.trim_end();
        if b.ends_with(']') {
            if let Some(p) = b.rfind('[') {
                base = b[..p].to_string();
                dims += 1;
                continue;
            }
        }
        let lower = b.to_lowercase();
        if lower.ends_with(" array") {
            base = b[..b.len() - 6].to_string();
            dims += 1;
            continue;
        }
        break;
    }
    if dims == 0 && base.starts_with('_') && !base.contains(' ') {
        return (base[1..].to_string(), 1);
    }
    (base, dims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_aliases_are_canonical() {
        for (a, b) in [
            ("int4", "integer"),
            ("INT", "integer"),
            ("int8", "bigint"),
            ("varchar(255)", "character varying(255)"),
            ("character varying", "character varying"),
            ("timestamptz", "timestamp with time zone"),
            ("timestamp(3)", "timestamp(3) without time zone"),
            ("numeric(10)", "numeric(10,0)"),
            ("numeric(12, 2)", "numeric(12,2)"),
            ("_int4", "integer[]"),
            ("text[]", "text[]"),
            ("int ARRAY", "integer[]"),
            ("double", "double precision"),
            ("bytes", "bytea"),
            ("char", "character(1)"),
            ("public.mood", "mood"),
            ("billing.mood", "billing.mood"),
            ("bool", "boolean"),
            ("\"Priority\"", "\"Priority\""),
            ("\"Sales\".channel[]", "\"Sales\".channel[]"),
            ("interval hour to minute", "interval hour to minute"),
            ("INTERVAL DAY TO SECOND(2)", "interval day to second(2)"),
            ("Sales.Channel", "sales.channel"),
        ] {
            assert_eq!(canonical_type(a).unwrap(), b, "{a}");
        }
    }
}

/// The `COLLATE` of each key of an index, from its full `pg_get_indexdef` text (`None` where the key
/// uses its column's or expression's own collation, which the text then leaves out). Names come back
/// unquoted (`C`, `app.ci`).
pub fn index_collations(def: &str) -> Vec<Option<String>> {
    // The key list: the parenthesized list after `USING method`.
    let Some(u) = def.find(" USING ") else {
        return vec![];
    };
    let Some(open) = def[u..].find('(').map(|p| p + u) else {
        return vec![];
    };
    let b = def.as_bytes();
    let (mut depth, mut quote, mut from) = (0i32, false, open + 1);
    let mut elems = vec![];
    for (i, &c) in b.iter().enumerate().skip(open) {
        match c {
            b'"' => quote = !quote,
            b'\'' if !quote => {}
            b'(' if !quote => depth += 1,
            b')' if !quote => {
                depth -= 1;
                if depth == 0 {
                    elems.push(&def[from..i]);
                    break;
                }
            }
            b',' if !quote && depth == 1 => {
                elems.push(&def[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    elems
        .into_iter()
        .map(|e| {
            // A top-level ` COLLATE name` (outside parentheses and quotes).
            let eb = e.as_bytes();
            let (mut depth, mut quote) = (0i32, false);
            for i in 0..eb.len() {
                match eb[i] {
                    b'"' => quote = !quote,
                    b'(' if !quote => depth += 1,
                    b')' if !quote => depth -= 1,
                    b' ' if !quote && depth == 0 && e[i..].starts_with(" COLLATE ") => {
                        let rest = &e[i + 9..];
                        let mut end = rest.len();
                        let mut q = false;
                        for (k, ch) in rest.char_indices() {
                            match ch {
                                '"' => q = !q,
                                ' ' if !q => {
                                    end = k;
                                    break;
                                }
                                _ => {}
                            }
                        }
                        // As SQL, every part quoted: `app.de` → `"app"."de"`, `"C"` stays.
                        let parts: Vec<String> = crate::sql::unquote_chain(&rest[..end])
                            .split('.')
                            .map(|p| format!("\"{}\"", p.replace('"', "\"\"")))
                            .collect();
                        let name = if rest[..end].starts_with('"') && !rest[..end].contains("\".") {
                            format!(
                                "\"{}\"",
                                crate::sql::unquote_chain(&rest[..end]).replace('"', "\"\"")
                            )
                        } else {
                            parts.join(".")
                        };
                        return Some(name);
                    }
                    _ => {}
                }
            }
            None
        })
        .collect()
}

#[cfg(test)]
mod index_collation_tests {
    #[test]
    fn collations_are_read_from_the_index_definition() {
        let c = super::index_collations(
            "CREATE INDEX i ON app.users USING btree (name COLLATE app.de, n2 COLLATE \"C\" text_pattern_ops, lower((x)::text), \"a, b\" DESC)",
        );
        assert_eq!(
            c,
            vec![
                Some("\"app\".\"de\"".to_string()),
                Some("\"C\"".into()),
                None,
                None
            ]
        );
    }
}
