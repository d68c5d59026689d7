//! `indexes = [...]` of a table or materialized view in `models.toml` (for `inspect`): names only
//! where they differ from the default, key parts as a person writes them, MySQL's index options.

use super::write::{f, inline, list, s};
use crate::dialect::Dialect;
use crate::schema::*;

/// `indexes = [...]` of a table or materialized view `tn` with columns `colnames`.
pub(super) fn write_indexes(
    out: &mut String,
    tn: &str,
    indexes: &[Index],
    colnames: &[String],
    d: &dyn Dialect,
) {
    let idx: Vec<String> = indexes
        .iter()
        .map(|i| {
            let parts: Vec<String> = i.parts.iter().map(index_part_text).collect();
            let names = crate::sql::index_column_names(
                i.parts.iter().map(|p| p.expr.sql.as_str()),
                colnames,
            );
            let mut fl = vec![];
            if i.name != d.default_name(tn, &names, "idx") {
                fl.push(f("name", s(&i.name)));
            }
            fl.push(f("columns", list(&parts)));
            if i.unique {
                fl.push(f("unique", "true".into()));
            }
            if i.method != "btree" {
                fl.push(f("method", s(&i.method)));
            }
            if !i.include.is_empty() {
                fl.push(f("include", list(&i.include)));
            }
            if let Some(p) = &i.predicate {
                fl.push(f("where", s(&p.sql)));
            }
            if i.nulls_not_distinct {
                fl.push(f("nulls_not_distinct", "true".into()));
            }
            if !i.with.is_empty() {
                let w: Vec<String> = i.with.iter().map(|x| x.replacen('=', " = ", 1)).collect();
                fl.push(f("with", list(&w)));
            }
            if let Some(p) = &i.parser {
                fl.push(f("parser", s(p)));
            }
            if i.invisible {
                fl.push(f("invisible", "true".into()));
            }
            if let Some(c) = &i.comment {
                fl.push(f("comment", s(c)));
            }
            inline(&fl)
        })
        .collect();
    if !idx.is_empty() {
        out.push_str(&format!("indexes = [\n  {},\n]\n", idx.join(",\n  ")));
    }
}

fn index_part_text(p: &IndexPart) -> String {
    let mut s = p.expr.sql.clone();
    // MySQL's backquoted column names are written bare where they are plain words.
    if let Some(inner) = s.strip_prefix('`').and_then(|x| x.strip_suffix('`')) {
        if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            s = inner.to_string();
        }
    }
    if let Some(n) = p.prefix {
        s.push_str(&format!("({n})"));
    }
    if let Some(c) = &p.collation {
        if c.starts_with('"') {
            s.push_str(&format!(" COLLATE {c}"));
        } else {
            s.push_str(&format!(" COLLATE \"{c}\""));
        }
    }
    if let Some(o) = &p.opclass {
        s.push_str(&format!(" {o}"));
    }
    if p.desc {
        s.push_str(" DESC");
    }
    match p.nulls_first {
        Some(true) => s.push_str(" NULLS FIRST"),
        Some(false) => s.push_str(" NULLS LAST"),
        None => {}
    }
    s
}
