//! What MySQL refuses, checked at load instead of at upgrade time: of a foreign key, both tables
//! InnoDB (other engines drop the key without a word), integer and decimal ends of one size and
//! sign, text ends of one character set; of an index, a known method, prefixes only on text and
//! binary columns and no longer than them, FULLTEXT on text, SPATIAL on geometry.

use crate::schema::{Column, Table};

fn engine(t: &Table) -> Option<&str> {
    t.options
        .iter()
        .find_map(|o| o.strip_prefix("engine="))
        .filter(|e| !e.eq_ignore_ascii_case("innodb"))
}

/// `decimal(10,2) unsigned zerofill` → `decimal(10,2) unsigned`, `int(11)` → `int`.
fn core(ty: &str) -> String {
    let t = ty.replace(" zerofill", "");
    let head = t.split(' ').next().unwrap_or(&t);
    let base = head.split('(').next().unwrap_or(head);
    let kept = if base == "decimal" { head } else { base };
    format!(
        "{kept}{}",
        if t.contains(" unsigned") {
            " unsigned"
        } else {
            ""
        }
    )
}

fn charset(c: &Column, t: &Table) -> Option<String> {
    let coll = c.collation.clone().or_else(|| {
        t.options.iter().find_map(|o| {
            o.strip_prefix("collate=")
                .or_else(|| o.strip_prefix("charset="))
                .map(str::to_string)
        })
    })?;
    Some(super::introspect::charset_of(&coll).to_string())
}

/// Why InnoDB refuses a foreign key from `a` (of `ta`) to `b` (of `tb`); types canonical.
pub fn foreign_key(
    ta: &Table,
    a: &Column,
    a_ty: &str,
    tb: &Table,
    b: &Column,
    b_ty: &str,
) -> Option<String> {
    for t in [ta, tb] {
        if let Some(e) = engine(t) {
            return Some(format!(
                "table {} uses engine {e}, which keeps no foreign keys (it would drop this one without a word)",
                t.name
            ));
        }
    }
    let exact = |ty: &str| {
        let base = ty.split(['(', ' ']).next().unwrap_or(ty);
        [
            "tinyint",
            "smallint",
            "mediumint",
            "int",
            "bigint",
            "decimal",
        ]
        .contains(&base)
    };
    if (exact(a_ty) || exact(b_ty)) && core(a_ty) != core(b_ty) {
        return Some(format!(
            "InnoDB needs the ends of a foreign key to be of one size and sign: {} is {a_ty}, {}.{} is {b_ty}",
            a.name, tb.name, b.name
        ));
    }
    if let (Some(x), Some(y)) = (charset(a, ta), charset(b, tb)) {
        if x != y {
            return Some(format!(
                "InnoDB needs the ends of a foreign key in one character set: {} is {x}, {}.{} is {y}",
                a.name, tb.name, b.name
            ));
        }
    }
    None
}

/// Why MySQL refuses a column: `ON UPDATE` on a type that is not a time, `AUTO_INCREMENT` on one
/// that is not a number, a comment over 1024 characters.
pub fn column(ty: &str, c: &Column) -> Result<(), (&'static str, String, String)> {
    let base = ty.split(['(', ' ']).next().unwrap_or(ty);
    if c.on_update.is_some() && !["datetime", "timestamp"].contains(&base) {
        return Err((
            "on_update",
            format!("ON UPDATE CURRENT_TIMESTAMP needs a datetime or timestamp column, not {ty}"),
            "change the type to datetime or timestamp, or drop on_update".into(),
        ));
    }
    let number = [
        "tinyint",
        "smallint",
        "mediumint",
        "int",
        "bigint",
        "float",
        "double",
    ];
    if c.auto_increment && !number.contains(&base) {
        return Err((
            "autoincrement",
            format!("AUTO_INCREMENT needs an integer column, not {ty}"),
            "use type = \"int\" or \"bigint\"".into(),
        ));
    }
    if let Some(n) = c
        .comment
        .as_ref()
        .map(|x| x.chars().count())
        .filter(|n| *n > 1024)
    {
        return Err((
            "comment",
            format!("a column comment holds at most 1024 characters, this one has {n}"),
            "shorten the comment".into(),
        ));
    }
    Ok(())
}

use super::normalize::{SPATIAL, TEXTS};

/// Why MySQL refuses a column of type `ty` as a key part (with `prefix`) of a `method` index.
pub fn index_part(ty: &str, prefix: Option<u32>, method: &str) -> Result<(), (String, String)> {
    let base = ty.split(['(', ' ']).next().unwrap_or(ty);
    let len: Option<u32> = ty
        .split_once('(')
        .and_then(|(_, a)| a.split(')').next()?.parse().ok());
    let text = TEXTS.contains(&base);
    let bytes = ["binary", "varbinary"].contains(&base) || base.ends_with("blob");
    match method {
        "btree" | "hash" => {}
        "fulltext" if !text => {
            return Err((
                format!("a FULLTEXT index takes char, varchar or text columns, not {ty}"),
                "index it with a plain index, or drop method = \"fulltext\"".into(),
            ))
        }
        "spatial" if !SPATIAL.contains(&base) => {
            return Err((
                format!("a SPATIAL index takes geometry columns, not {ty}"),
                "use a plain index, or a geometry type (point, polygon …)".into(),
            ))
        }
        "fulltext" | "spatial" => {}
        m => {
            return Err((
                format!("MySQL has no index method `{m}`"),
                "method = \"btree\" (the default), \"hash\", \"fulltext\" or \"spatial\"".into(),
            ))
        }
    }
    if let Some(p) = prefix {
        if !(text || bytes) {
            return Err((
                format!("a prefix length applies to text and binary columns, not {ty}"),
                "index the whole column (drop the `(n)`)".into(),
            ));
        }
        if let (Some(n), true) = (
            len,
            ["char", "varchar", "binary", "varbinary"].contains(&base),
        ) {
            if p > n {
                return Err((
                    format!("the prefix ({p}) is longer than the column ({ty})"),
                    format!("index at most {n} characters, or the whole column"),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::core;

    #[test]
    fn sizes_and_signs_compare_without_display_widths() {
        assert_eq!(core("int(11)"), core("int"));
        assert_ne!(core("int"), core("int unsigned"));
        assert_ne!(core("int"), core("bigint"));
        assert_eq!(core("int(10) unsigned zerofill"), core("int unsigned"));
        assert_ne!(core("decimal(10,2)"), core("decimal(12,2)"));
    }
}
