//! A literal default against its MySQL column type, checked at load as the server would check it at
//! upgrade time (strict mode): a string no longer than the column, a number in range, a value of
//! the enum or set, no literal on a spatial column.

/// The values of a canonical `enum('a','b''c')` / `set(…)` type, unquoted.
fn members(ty: &str) -> Option<Vec<String>> {
    let inner = ty
        .strip_prefix("enum(")
        .or_else(|| ty.strip_prefix("set("))?
        .strip_suffix(')')?;
    let mut out = vec![];
    let mut cur = String::new();
    let mut it = inner.chars().peekable();
    let mut open = false;
    while let Some(c) = it.next() {
        match c {
            '\'' if open && it.peek() == Some(&'\'') => {
                it.next();
                cur.push('\'');
            }
            '\'' => {
                if open {
                    out.push(std::mem::take(&mut cur));
                }
                open = !open;
            }
            '\\' if open => {
                if let Some(n) = it.next() {
                    cur.push(n);
                }
            }
            _ if open => cur.push(c),
            _ => {}
        }
    }
    Some(out)
}

fn int_range(base: &str, unsigned: bool) -> Option<(i128, i128)> {
    let bits = match base {
        "tinyint" => 8,
        "smallint" => 16,
        "mediumint" => 24,
        "int" => 32,
        "bigint" => 64,
        _ => return None,
    };
    Some(if unsigned {
        (0, (1i128 << bits) - 1)
    } else {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    })
}

/// Why `value` (the default's text; `quoted` for a string literal) cannot be the default of a
/// column of canonical type `ty`.
pub fn check(ty: &str, value: &str, quoted: bool) -> Result<(), String> {
    let head = ty.split(' ').next().unwrap_or(ty);
    let (base, args) = match head.split_once('(') {
        Some((b, a)) => (b, a.trim_end_matches(')')),
        None => (head, ""),
    };
    if let Some(values) = members(ty) {
        let given: Vec<&str> = if base == "set" {
            value.split(',').filter(|v| !v.is_empty()).collect()
        } else {
            vec![value]
        };
        if let Some(v) = given.iter().find(|v| !values.iter().any(|m| m == *v)) {
            return Err(format!("default '{v}' is not a value of {ty}"));
        }
        return Ok(());
    }
    // MariaDB keeps column defaults in utf8mb3: a character outside it comes back as `?`.
    if let Some(c) = value.chars().find(|c| u32::from(*c) > 0xFFFF) {
        return Err(format!(
            "default holds {c:?}, which MariaDB cannot keep in a default (it stores `?`)"
        ));
    }
    if super::normalize::SPATIAL.contains(&base) {
        return Err(format!("a {base} column cannot have a literal default"));
    }
    if ["char", "varchar", "binary", "varbinary"].contains(&base) {
        let n: usize = args.parse().unwrap_or(1);
        let len = if base.ends_with("binary") {
            value.len()
        } else {
            value.chars().count()
        };
        if len > n {
            return Err(format!(
                "default '{value}' is longer than {ty} ({len} > {n})"
            ));
        }
    }
    let number = value.trim();
    if let Some((lo, hi)) = int_range(base, ty.contains(" unsigned")) {
        if let Ok(v) = number.parse::<i128>() {
            if v < lo || v > hi {
                return Err(format!(
                    "default {value} is out of range for {ty} ({lo} to {hi})"
                ));
            }
        }
    }
    if base == "decimal" && (!quoted || number.parse::<f64>().is_ok()) {
        let mut a = args
            .split(',')
            .filter_map(|x| x.trim().parse::<usize>().ok());
        let (p, s) = (a.next().unwrap_or(10), a.next().unwrap_or(0));
        let whole = number
            .trim_start_matches(['-', '+'])
            .split('.')
            .next()
            .unwrap_or("");
        let digits = whole.trim_start_matches('0').len();
        if digits > p - s {
            return Err(format!(
                "default {value} is out of range for {ty} (at most {} digits before the point)",
                p - s
            ));
        }
    }
    Ok(())
}

/// A date or time literal default written in full, as the server stores it: `'2020-01-01'` on a
/// `datetime` is `'2020-01-01 00:00:00'`, `'12:00'` on a `time(2)` is `'12:00:00.00'`.
pub fn full_temporal(ty: &str, sql: &str) -> Option<String> {
    let v = sql.strip_prefix('\'')?.strip_suffix('\'')?;
    let (base, fsp) = match ty.split_once('(') {
        Some((b, a)) => (b, a.trim_end_matches(')').parse::<usize>().ok()?),
        None => (ty, 0),
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    // `HH:MM[:SS[.f…]]` → `HH:MM:SS` and `fsp` digits of fraction.
    let clock = |t: &str| -> Option<String> {
        let (hms, frac) = t.split_once('.').unwrap_or((t, ""));
        let mut parts = hms.split(':');
        let (h, m, s) = (parts.next()?, parts.next()?, parts.next().unwrap_or("00"));
        if parts.next().is_some()
            || !(digits(h, 2) || digits(h, 1) || digits(h, 3))
            || !digits(m, 2)
            || !digits(s, 2)
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let mut out = format!("{h:0>2}:{m}:{s}");
        if fsp > 0 {
            let f: String = frac
                .chars()
                .chain(std::iter::repeat('0'))
                .take(fsp)
                .collect();
            out.push('.');
            out.push_str(&f);
        } else if !frac.is_empty() {
            return None;
        }
        Some(out)
    };
    let full = match base {
        "datetime" | "timestamp" => {
            let (date, time) = v.split_once(' ').unwrap_or((v, "00:00"));
            let mut d = date.split('-');
            let (y, m, dd) = (d.next()?, d.next()?, d.next()?);
            if d.next().is_some() || !digits(y, 4) || !digits(m, 2) || !digits(dd, 2) {
                return None;
            }
            format!("{date} {}", clock(time)?)
        }
        "time" => clock(v)?,
        _ => return None,
    };
    (full != v).then(|| format!("'{full}'"))
}

#[cfg(test)]
mod tests {
    use super::{check, full_temporal};

    #[test]
    fn temporal_defaults_are_written_in_full() {
        assert_eq!(
            full_temporal("datetime", "'2020-01-01'").as_deref(),
            Some("'2020-01-01 00:00:00'")
        );
        assert_eq!(
            full_temporal("time", "'12:00'").as_deref(),
            Some("'12:00:00'")
        );
        assert_eq!(
            full_temporal("time(2)", "'12:00'").as_deref(),
            Some("'12:00:00.00'")
        );
        assert_eq!(
            full_temporal("datetime(3)", "'2020-01-01 10:00:00.5'").as_deref(),
            Some("'2020-01-01 10:00:00.500'")
        );
        assert_eq!(full_temporal("datetime", "'2020-01-01 00:00:00'"), None);
        assert_eq!(full_temporal("datetime", "'now'"), None);
        assert_eq!(full_temporal("date", "'2020-01-01'"), None);
    }

    #[test]
    fn defaults_mysql_refuses_are_found() {
        assert!(check("varchar(5)", "toolongvalue", true).is_err());
        assert!(check("varchar(5)", "héllo", true).is_ok());
        assert!(check("tinyint", "300", false).is_err());
        assert!(check("tinyint unsigned", "255", false).is_ok());
        assert!(check("int unsigned", "-1", false).is_err());
        assert!(check("enum('a','b''c')", "z", true).is_err());
        assert!(check("enum('a','b''c')", "b'c", true).is_ok());
        assert!(check("set('a','b')", "a,b", true).is_ok());
        assert!(check("set('a','b')", "a,x", true).is_err());
        assert!(check("point", "x", true).is_err());
        assert!(check("decimal(4,2)", "123.4", false).is_err());
        assert!(check("decimal(4,2)", "12.34", false).is_ok());
        assert!(check("bigint", "9223372036854775807", false).is_ok());
    }
}
