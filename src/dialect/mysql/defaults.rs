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
    if [
        "geometry",
        "point",
        "linestring",
        "polygon",
        "multipoint",
        "multilinestring",
        "multipolygon",
        "geometrycollection",
    ]
    .contains(&base)
    {
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

#[cfg(test)]
mod tests {
    use super::check;

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
