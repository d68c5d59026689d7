//! What a MySQL `MODIFY COLUMN` does to the values when the type or the character set changes: the
//! revision's warning says it (rounding, cut fractional seconds, failures in strict mode).

/// `(base, args, unsigned)` of a canonical MySQL type: `decimal(10,2) unsigned` → `("decimal", [10, 2], true)`.
fn parse(ty: &str) -> (String, Vec<i64>, bool) {
    let unsigned = ty.contains(" unsigned");
    let head = ty.split(' ').next().unwrap_or(ty);
    let (base, args) = match head.split_once('(') {
        Some((b, rest)) => (
            b.to_string(),
            rest.trim_end_matches(')')
                .split(',')
                .filter_map(|a| a.trim().parse().ok())
                .collect(),
        ),
        None => (head.to_string(), vec![]),
    };
    (base, args, unsigned)
}

const INTS: &[&str] = &["tinyint", "smallint", "mediumint", "int", "bigint"];
const FLOATS: &[&str] = &["float", "double", "real"];
use super::normalize::TEXTS;

/// The most characters a value of a text type holds (`None`: not a text type).
fn text_len(base: &str, args: &[i64]) -> Option<i64> {
    Some(match base {
        "char" => args.first().copied().unwrap_or(1),
        "varchar" => *args.first()?,
        "tinytext" => 255,
        "text" => 65_535,
        "mediumtext" => 16_777_215,
        "longtext" => 4_294_967_295,
        _ => return None,
    })
}

/// Digits before the point an exact numeric type holds (an integer type's widest value).
fn int_digits(base: &str, args: &[i64], unsigned: bool) -> Option<i64> {
    let i = INTS.iter().position(|b| *b == base)?;
    // 127/255, 32767/65535, 8388607/16777215, 2147483647/4294967295, 19/20 digits.
    let signed = [3, 5, 7, 10, 19];
    let _ = args;
    Some(signed[i] + i64::from(unsigned && i == 4))
}

/// What changing `from` to `to` can do to the values; `None` where every value fits unchanged.
pub fn change_note(from: &str, to: &str) -> Option<String> {
    let (fb, fa, fu) = parse(from);
    let (tb, ta, tu) = parse(to);
    let num = |b: &str| INTS.contains(&b) || FLOATS.contains(&b) || b == "decimal";
    let mut notes: Vec<String> = vec![];
    if num(&fb) && num(&tb) {
        let scale = |b: &str, a: &[i64]| match b {
            "decimal" => a.get(1).copied().unwrap_or(0),
            _ if INTS.contains(&b) => 0,
            _ => i64::MAX,
        };
        let (fs, ts) = (scale(&fb, &fa), scale(&tb, &ta));
        if FLOATS.contains(&tb.as_str()) {
            if !(fb == tb || fb == "float" && tb == "double") {
                notes.push("can round values (floating point keeps about 7 or 15 digits)".into());
            }
        } else {
            if ts < fs {
                notes.push(if ts == 0 {
                    "rounds values to whole numbers (3.7 becomes 4)".to_string()
                } else {
                    format!("rounds values to {ts} decimal places")
                });
            }
            let digits = |b: &str, a: &[i64], u: bool| match b {
                "decimal" => {
                    Some(a.first().copied().unwrap_or(10) - a.get(1).copied().unwrap_or(0))
                }
                _ => int_digits(b, a, u),
            };
            let (fd, td) = (digits(&fb, &fa, fu), digits(&tb, &ta, tu));
            let narrower = match (fd, td) {
                (Some(a), Some(b)) => b < a,
                (None, Some(_)) => true,
                _ => false,
            };
            if narrower || (tu && !fu) {
                notes.push(format!(
                    "the upgrade fails (strict mode) if a value is out of range for {to}"
                ));
            }
        }
    } else if let Some(n) = text_len(&tb, &ta) {
        if text_len(&fb, &fa).is_none_or(|m| m > n) {
            notes.push(format!(
                "the upgrade fails (strict mode) if a value is longer than {n} characters"
            ));
        }
    } else if ["datetime", "timestamp", "time"].contains(&fb.as_str()) {
        if tb == "date" {
            notes.push("drops the time of day".into());
        } else if tb == fb || ["datetime", "timestamp"].contains(&tb.as_str()) {
            let (fp, tp) = (
                fa.first().copied().unwrap_or(0),
                ta.first().copied().unwrap_or(0),
            );
            if tp < fp {
                notes.push(format!(
                    "cuts fractional seconds to {tp} digits (MySQL rounds, MariaDB truncates)"
                ));
            }
            if fb == "datetime" && tb == "timestamp" {
                notes.push("the upgrade fails on a value outside 1970–2038".into());
            }
        }
    }
    let same_kind = |a: &str, b: &str| {
        num(a) && num(b)
            || TEXTS.contains(&a) && TEXTS.contains(&b)
            || a.ends_with("blob") && b.ends_with("blob")
            || ["datetime", "timestamp", "date", "time"].contains(&a)
                && ["datetime", "timestamp", "date", "time"].contains(&b)
            || (a.starts_with("enum") || a.starts_with("set")) && TEXTS.contains(&b)
    };
    if notes.is_empty() && !same_kind(&fb, &tb) {
        notes.push(
            "converts each value: the upgrade fails (strict mode) where one does not convert"
                .into(),
        );
    }
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// What a change of character set does (`utf8mb4_bin` → `latin1_swedish_ci`: the text is converted).
pub fn charset_note(from: Option<&str>, to: Option<&str>) -> Option<String> {
    let cs = |c: Option<&str>| c.map(|c| super::introspect::charset_of(c).to_string());
    let (a, b) = (cs(from), cs(to));
    (a.is_some() && b.is_some() && a != b).then(|| {
        format!(
            "converts the text from {} to {}: a character {} lacks fails the upgrade (strict mode)",
            a.unwrap_or_default(),
            b.clone().unwrap_or_default(),
            b.unwrap_or_default()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrowing_is_said_widening_is_not() {
        for (from, to, want) in [
            (
                "decimal(10,2)",
                "decimal(10,1)",
                Some("rounds values to 1 decimal places"),
            ),
            ("double", "int", Some("rounds values to whole numbers")),
            ("int", "smallint", Some("out of range")),
            ("int", "int unsigned", Some("out of range")),
            (
                "datetime(3)",
                "datetime",
                Some("cuts fractional seconds to 0 digits"),
            ),
            (
                "varchar(20)",
                "varchar(5)",
                Some("longer than 5 characters"),
            ),
            ("text", "varchar(100)", Some("longer than 100 characters")),
            ("varchar(20)", "int", Some("converts each value")),
            ("int", "bigint", None),
            ("decimal(8,2)", "decimal(10,2)", None),
            ("varchar(5)", "text", None),
            ("datetime", "datetime(3)", None),
            ("float", "double", None),
        ] {
            let got = change_note(from, to);
            match want {
                Some(w) => assert!(
                    got.as_deref().is_some_and(|g| g.contains(w)),
                    "{from} → {to}: {got:?}"
                ),
                None => assert_eq!(got, None, "{from} → {to}"),
            }
        }
        assert!(charset_note(Some("utf8mb4_bin"), Some("latin1_bin")).is_some());
        assert_eq!(
            charset_note(Some("utf8mb4_bin"), Some("utf8mb4_general_ci")),
            None
        );
    }
}
