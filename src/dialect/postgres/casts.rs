//! PostgreSQL column type changes: whether `ALTER COLUMN … TYPE` needs a `USING` cast (only where no
//! assignment cast exists, so narrowing fails on data that does not fit instead of truncating it), and
//! what the change can do to the values (the revision's `-- warning:` line).

/// A canonical type split into its name, type modifiers and array dimensions:
/// `timestamp(3) with time zone[]` → (`timestamp with time zone`, [3], 1).
struct Ty {
    name: String,
    mods: Vec<i64>,
    dims: usize,
}

fn parse(ty: &str) -> Ty {
    let mut t = ty.trim();
    let mut dims = 0;
    while let Some(x) = t.strip_suffix("[]") {
        t = x.trim_end();
        dims += 1;
    }
    let (name, mods) = match (t.find('('), t.find(')')) {
        (Some(a), Some(b)) if a < b && !t.starts_with('"') => {
            let mods = t[a + 1..b]
                .split(',')
                .filter_map(|m| m.trim().parse().ok())
                .collect();
            let name = format!("{} {}", t[..a].trim(), t[b + 1..].trim());
            (name.trim().to_string(), mods)
        }
        _ => (t.to_string(), vec![]),
    };
    Ty { name, mods, dims }
}

const INTS: &[&str] = &["smallint", "integer", "bigint"];
const NUMS: &[&str] = &[
    "smallint",
    "integer",
    "bigint",
    "numeric",
    "real",
    "double precision",
];
const STRS: &[&str] = &["text", "character varying", "character", "bpchar"];
const TIMES: &[&str] = &[
    "date",
    "timestamp without time zone",
    "timestamp with time zone",
];

fn is(set: &[&str], t: &Ty) -> bool {
    set.contains(&t.name.as_str())
}

/// Names PostgreSQL defines itself (anything else is an enum, a domain or an extension's type).
fn builtin(t: &Ty) -> bool {
    super::normalize::is_builtin_type(&t.name)
}

/// Whether PostgreSQL has an assignment (or implicit) cast from `from` to `to`, as `pg_cast` lists them
/// for the built-in types, plus the I/O conversion to string types and length coercion of one type.
fn assignment(from: &Ty, to: &Ty) -> bool {
    if from.dims != to.dims {
        return false;
    }
    if from.name == to.name {
        return true;
    }
    if !builtin(from) || !builtin(to) {
        // To a string type every type converts by its output function; nothing else is known.
        return is(STRS, to);
    }
    let pair = |a: &[&str], b: &[&str]| is(a, from) && is(b, to);
    is(STRS, to)
        || pair(NUMS, NUMS)
        || pair(&["money"], &["numeric"])
        || pair(&["integer", "bigint", "numeric"], &["money"])
        || pair(TIMES, TIMES)
        || pair(
            &["timestamp without time zone", "timestamp with time zone"],
            &["time without time zone"],
        )
        || pair(&["timestamp with time zone"], &["time with time zone"])
        || pair(
            &["time without time zone", "time with time zone"],
            &["time without time zone", "time with time zone"],
        )
        || pair(&["time without time zone"], &["interval"])
        || pair(&["interval"], &["time without time zone"])
        || pair(&["bit", "bit varying"], &["bit", "bit varying"])
        || pair(&["json", "jsonb"], &["json", "jsonb"])
        || pair(&["cidr"], &["inet"])
        || pair(&["macaddr", "macaddr8"], &["macaddr", "macaddr8"])
}

/// Whether PostgreSQL has no cast at all from `from` to `to` (`bigint` → `timestamp`, `date` →
/// `integer`): the change needs a `USING` expression from the models. Only built-in types are judged.
pub fn no_cast(from: &str, to: &str) -> bool {
    let (f, t) = (parse(from), parse(to));
    if f.dims != t.dims || assignment(&f, &t) || !builtin(&f) || !builtin(&t) {
        return false;
    }
    // Every type converts to and from the string types by its I/O functions.
    if is(STRS, &f) || is(STRS, &t) {
        return false;
    }
    let pair = |a: &[&str], b: &[&str]| is(a, &f) && is(b, &t);
    let explicit = pair(&["integer"], &["boolean"])
        || pair(&["boolean"], &["integer"])
        || pair(&["integer", "bigint"], &["bit", "bit varying"])
        || pair(&["bit", "bit varying"], &["integer", "bigint"])
        || pair(&["inet"], &["cidr"])
        || pair(
            &["jsonb"],
            &[
                "boolean",
                "numeric",
                "smallint",
                "integer",
                "bigint",
                "real",
                "double precision",
            ],
        )
        || pair(&["numeric", "real", "double precision"], &["money"])
        || pair(
            &["date"],
            &["timestamp without time zone", "timestamp with time zone"],
        )
        || pair(&["xml"], &["xml"]);
    !explicit
}

/// The `USING` expression for changing `column` from `from` to `to`, or `None` where PostgreSQL's
/// assignment cast applies (an explicit cast would truncate `varchar` and round silently).
pub fn using(column: &str, from: &str, to: &str) -> Option<String> {
    let (f, t) = (parse(from), parse(to));
    if assignment(&f, &t) {
        return None;
    }
    // Enums and other user types convert through their text form.
    if !builtin(&f) {
        let arr = "[]".repeat(f.dims);
        return Some(format!("{column}::text{arr}::{to}"));
    }
    Some(format!("{column}::{to}"))
}

/// Significant digits a type holds before the decimal point (`None`: unlimited or not a number).
fn int_digits(t: &Ty) -> Option<i64> {
    match t.name.as_str() {
        "smallint" => Some(5),
        "integer" => Some(10),
        "bigint" => Some(19),
        "numeric" => match t.mods.as_slice() {
            [p] => Some(*p),
            [p, s] => Some(p - s),
            _ => None,
        },
        _ => None,
    }
}

fn scale(t: &Ty) -> Option<i64> {
    match (t.name.as_str(), t.mods.as_slice()) {
        ("numeric", [_, s]) => Some(*s),
        ("numeric", [_]) => Some(0),
        ("numeric", []) => None,
        (n, _) if INTS.contains(&n) => Some(0),
        _ => None,
    }
}

fn length(t: &Ty) -> Option<i64> {
    if is(&["character varying", "character", "bit", "bit varying"], t) {
        t.mods.first().copied()
    } else {
        None
    }
}

/// What changing a column's type from `from` to `to` can do to its values; `None` when it keeps every
/// value (widening: `varchar(7)` → `varchar(10)`, `integer` → `bigint`).
pub fn change_note(from: &str, to: &str) -> Option<String> {
    let (f, t) = (parse(from), parse(to));
    if f.dims != t.dims {
        return Some("converts between an array and a single value".into());
    }
    if no_cast(from, to) {
        return Some(format!(
            "PostgreSQL has no cast from {from} to {to}: write the conversion (using = \"…\" on the column, downgrade_using = \"…\" for the way back, or edit the USING of this statement)"
        ));
    }
    if !assignment(&f, &t) {
        let example = match (f.name.as_str(), t.name.as_str()) {
            ("inet", "cidr") => " (10.1.2.3/8 becomes 10.0.0.0/8)",
            (a, "boolean") if INTS.contains(&a) => " (5 becomes true)",
            _ => "",
        };
        return Some(format!(
            "converts each value with an explicit cast to {to} (USING): values may change in the conversion{example}, and the upgrade fails where one does not convert"
        ));
    }
    let mut notes: Vec<String> = vec![];
    // Text-like targets with a length limit.
    if let Some(n) = length(&t) {
        let fits = length(&f).is_some_and(|m| m <= n) && f.name == t.name
            || (f.name == "character"
                && t.name == "character varying"
                && length(&f).is_some_and(|m| m <= n));
        if !fits {
            notes.push(if t.name.starts_with("bit") {
                format!("the upgrade fails if a value is longer than {n} bits")
            } else {
                format!(
                    "the upgrade fails if a value is longer than {n} characters (spaces at the end beyond {n} are cut without an error)"
                )
            });
        }
    }
    if is(NUMS, &f) && is(NUMS, &t) {
        let float = |x: &Ty| is(&["real", "double precision"], x);
        if float(&t) {
            let exact = match (f.name.as_str(), t.name.as_str()) {
                (_, _) if f.name == t.name => true,
                ("real", "double precision") => true,
                ("smallint" | "integer", "double precision") => true,
                ("smallint", "real") => true,
                _ => false,
            };
            if !exact {
                notes.push("can round values (floating point keeps about 6 or 15 digits)".into());
            }
        } else {
            if float(&f) || scale(&f).unwrap_or(i64::MAX) > scale(&t).unwrap_or(i64::MAX) {
                let places = scale(&t).unwrap_or(0);
                notes.push(if places == 0 {
                    "rounds values to whole numbers".to_string()
                } else {
                    format!("rounds values to {places} decimal places")
                });
            }
            let (fd, td) = (int_digits(&f), int_digits(&t));
            let narrower = match (fd, td) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(a), Some(b)) => b < a,
            };
            if narrower || (float(&f) && td.is_some()) {
                notes.push(format!(
                    "the upgrade fails if a value is out of range for {to}"
                ));
            }
        }
    }
    if is(TIMES, &f) || f.name.starts_with("time") {
        let tz = |x: &Ty| x.name.ends_with("with time zone");
        if t.name == "date" && f.name != "date" {
            notes.push("drops the time of day".into());
        } else if f.name.starts_with("timestamp") && t.name.starts_with("time ") {
            notes.push("drops the date".into());
        } else if f.name != "date" && tz(&f) != tz(&t) {
            notes.push(format!(
                "reads the values {} UTC (the session time zone)",
                if tz(&t) { "as" } else { "converted to" }
            ));
        }
        let prec = |x: &Ty| x.mods.first().copied().unwrap_or(6);
        if f.name != "date" && t.name != "date" && prec(&t) < prec(&f) {
            notes.push(format!("rounds fractional seconds to {} digits", prec(&t)));
        }
    }
    if f.name == "json" && t.name == "jsonb" {
        notes.push("normalizes JSON (key order, white space, duplicate keys)".into());
    }
    if f.name == "interval" && t.name == "interval" {
        let prec = |x: &Ty| x.mods.first().copied().unwrap_or(6);
        if prec(&t) < prec(&f) {
            notes.push(format!("rounds fractional seconds to {} digits", prec(&t)));
        }
    }
    if f.name == "bytea" && is(STRS, &t) {
        notes.push("writes each value in its text form (hello becomes \\x68656c6c6f)".into());
    }
    if f.name == "interval" && t.name != "interval" {
        notes.push(
            "keeps only the time of day of each interval ('25 hours' becomes 01:00:00)".into(),
        );
    }
    if is(&["character"], &f) && !is(&["character"], &t) && is(STRS, &t) {
        notes.push("drops the spaces that pad each value".into());
    }
    if notes.is_empty() {
        None
    } else {
        Some(notes.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrowing_needs_no_using_so_it_fails_instead_of_truncating() {
        assert_eq!(using("\"c\"", "text", "character varying(5)"), None);
        assert_eq!(using("\"c\"", "numeric(10,2)", "integer"), None);
        assert_eq!(
            using("\"c\"", "text", "integer").as_deref(),
            Some("\"c\"::integer")
        );
        assert_eq!(
            using("\"c\"", "mood", "other_mood").as_deref(),
            Some("\"c\"::text::other_mood")
        );
        assert_eq!(using("\"c\"", "mood", "text"), None);
        assert_eq!(
            using("\"c\"", "boolean", "integer").as_deref(),
            Some("\"c\"::integer")
        );
    }

    #[test]
    fn widening_is_not_a_warning_and_narrowing_is() {
        for (a, b) in [
            ("character varying(7)", "character varying(10)"),
            ("integer", "bigint"),
            ("smallint", "numeric(8,2)"),
            ("numeric(8,2)", "numeric(10,3)"),
            ("character varying(20)", "text"),
            ("date", "timestamp without time zone"),
            ("real", "double precision"),
        ] {
            assert_eq!(change_note(a, b), None, "{a} -> {b}");
        }
        for (a, b, what) in [
            ("text", "character varying(5)", "longer than 5"),
            ("bigint", "integer", "out of range"),
            ("numeric(8,2)", "numeric(8,1)", "rounds values to 1 decimal"),
            ("double precision", "integer", "whole numbers"),
            ("numeric(10,2)", "numeric(5,2)", "out of range"),
            ("text", "integer", "USING"),
            ("timestamp with time zone", "date", "time of day"),
        ] {
            let n = change_note(a, b).unwrap_or_default();
            assert!(n.contains(what), "{a} -> {b}: {n}");
        }
    }
}
