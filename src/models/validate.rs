//! Checks of models.toml beyond one value: names, enum values, sequence options, function signatures,
//! sections a dialect lacks, and whole-schema rules (one definition per object, renames that name one
//! object each, no partition of itself, no domain cycles, no clash with autogen's own tables). Whatever
//! the database would reject at upgrade is an error here, at its line and column.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use toml::Spanned;

use super::ctx::Ctx;
use super::file::{DomainDef, File};
use super::refs::TableSpans;
use super::ModelError;
use crate::schema::*;

/// `name` or `schema.name`: each part a valid name.
pub fn qualified_name(
    ctx: &Ctx,
    name: &str,
    span: Range<usize>,
    key: &str,
) -> Result<(), ModelError> {
    let q = QName::parse(name);
    if let Some(sch) = &q.schema {
        ctx.name(sch, span.clone(), key)?;
    }
    ctx.name(&q.name, span, key)
}

/// The models' name of an object with the dialect's default schema left out (`public.users` = `users`).
pub fn normalized(ctx: &Ctx, name: &str) -> QName {
    let q = QName::parse(name);
    if q.schema.as_deref() == Some(ctx.dialect.default_namespace()) {
        QName::new(None, &q.name)
    } else {
        q
    }
}

/// Sections the dialect has no such objects for are errors, not silently ignored.
pub fn sections(ctx: &Ctx, f: &File) -> Result<(), ModelError> {
    let d = ctx.dialect.name();
    type Check<'a> = (&'a str, Option<(&'a String, Range<usize>)>, &'a str);
    let checks: [Check; 5] = [
        (
            "text_search_dictionaries",
            f.text_search_dictionaries.iter().next().map(|(k, v)| (k, v.span())),
            "SQLite's full-text search is the FTS5 extension's virtual tables, which autogen does not manage",
        ),
        (
            "text_search_configurations",
            f.text_search_configurations.iter().next().map(|(k, v)| (k, v.span())),
            "SQLite's full-text search is the FTS5 extension's virtual tables, which autogen does not manage",
        ),
        (
            "collations",
            f.collations.iter().next().map(|(k, v)| (k, v.span())),
            "SQLite has BINARY, NOCASE and RTRIM; use collation = \"NOCASE\" on the column",
        ),
        (
            "sequences",
            f.sequences.iter().next().map(|(k, v)| (k, v.span())),
            "an `integer` column with primary_key = true numbers rows itself (autoincrement = true never reuses ids)",
        ),
        (
            "domains",
            f.domains.iter().next().map(|(k, v)| (k, v.span())),
            "use the base type on the column, with a `check`",
        ),
    ];
    for (section, item, hint) in checks {
        if let Some((name, span)) = item {
            if ctx.dialect.lacks(section) {
                ctx.at(&format!("{section}.{name}"));
                return Err(ctx.err(
                    span,
                    format!("{section}.{name}"),
                    format!("{d} has no {section}: [{section}] cannot be used with this database"),
                    Some(hint.to_string()),
                ));
            }
        }
    }
    if let Some(db) = &f.database {
        for sch in db.schemas.iter().flatten() {
            ctx.at("");
            ctx.name(sch.get_ref(), sch.span(), "database.schemas")?;
        }
    }
    Ok(())
}

/// Enum labels: not empty, at most the identifier limit, no NUL, each once.
pub fn enum_values(
    ctx: &Ctx,
    values: &[String],
    span: Range<usize>,
    key: &str,
) -> Result<(), ModelError> {
    let mut seen = BTreeSet::new();
    for v in values {
        if v.is_empty() {
            return Err(ctx.err(span, key, "an enum value cannot be empty", None));
        }
        ctx.name(v, span.clone(), key)?;
        if !seen.insert(v) {
            return Err(ctx.err(
                span,
                key,
                format!("value `{v}` is listed twice"),
                Some("each value of an enum is listed once".into()),
            ));
        }
    }
    Ok(())
}

fn type_range(ty: &str) -> (i64, i64) {
    match ty {
        "smallint" => (i16::MIN as i64, i16::MAX as i64),
        "integer" => (i32::MIN as i64, i32::MAX as i64),
        _ => (i64::MIN, i64::MAX),
    }
}

/// Sequence (and identity) options PostgreSQL would refuse: `INCREMENT BY 0`, MINVALUE ≥ MAXVALUE,
/// a START outside them, a CACHE below 1, bounds outside the type.
pub fn seq_options(
    ctx: &Ctx,
    o: SeqOptions,
    ty: &str,
    span: Range<usize>,
    key: &str,
) -> Result<SeqOptions, ModelError> {
    let bad = |msg: String| Err(ctx.err(span.clone(), key, msg, None));
    let inc = o.increment.unwrap_or(1);
    if inc == 0 {
        return bad("increment cannot be 0 (INCREMENT BY 0): the sequence would never move".into());
    }
    let (tmin, tmax) = type_range(ty);
    for (what, v) in [("min", o.min), ("max", o.max)] {
        if let Some(v) = v {
            if v < tmin || v > tmax {
                return bad(format!("{what} = {v} is out of range for {ty}"));
            }
        }
    }
    let min = o.min.unwrap_or(if inc > 0 { 1 } else { tmin });
    let max = o.max.unwrap_or(if inc > 0 { tmax } else { -1 });
    if min >= max {
        return bad(format!("min ({min}) must be less than max ({max})"));
    }
    if let Some(s) = o.start {
        if s < min || s > max {
            return bad(format!(
                "start ({s}) must be between min ({min}) and max ({max})"
            ));
        }
    }
    if o.cache.is_some_and(|c| c < 1) {
        return bad("cache must be at least 1".into());
    }
    Ok(o)
}

/// A function key `name(args)`: a valid name and argument types.
pub fn signature(
    ctx: &Ctx,
    name: &str,
    args: &str,
    span: Range<usize>,
    key: &str,
) -> Result<(), ModelError> {
    qualified_name(ctx, name.trim(), span.clone(), key)?;
    if args.trim().is_empty() {
        return Ok(());
    }
    let d = ctx.dialect.parser();
    let mut depth = 0i32;
    let mut cur = String::new();
    let mut parts = vec![];
    for ch in args.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    parts.push(cur);
    for p in parts {
        super::sqltext::type_text(p.trim(), d.as_ref()).map_err(|e| {
            ctx.err(
                span.clone(),
                key,
                format!("argument `{}` of the signature: {}", p.trim(), e.msg),
                Some("the key is the function's name and argument types, e.g. [functions.\"slugify(text)\"]".into()),
            )
        })?;
    }
    Ok(())
}

/// Domains whose types name each other in a cycle.
pub fn domain_cycles(
    ctx: &Ctx,
    domains: &BTreeMap<QName, Domain>,
    defs: &BTreeMap<String, Spanned<DomainDef>>,
) -> Result<(), ModelError> {
    let key = |q: &QName| crate::sql::qname_sql(q);
    let by_type: BTreeMap<String, &Domain> = domains
        .values()
        .map(|d| {
            let n = if d.name.schema.as_deref() == Some(ctx.dialect.default_namespace()) {
                QName::new(None, &d.name.name)
            } else {
                d.name.clone()
            };
            (key(&n), d)
        })
        .collect();
    for (name, start) in &by_type {
        let mut seen = vec![name.clone()];
        let mut cur = *start;
        loop {
            let base = ctx
                .dialect
                .canonical_type(&cur.ty)
                .unwrap_or(cur.ty.clone())
                .trim_end_matches("[]")
                .to_string();
            let Some(next) = by_type.get(&base) else {
                break;
            };
            if seen.contains(&base) {
                let (dk, span) = defs
                    .iter()
                    .find(|(k, _)| key(&normalized(ctx, k)) == *name)
                    .map(|(k, v)| (k.clone(), v.get_ref().ty.span()))
                    .unwrap_or_default();
                ctx.at(&format!("domains.{dk}"));
                seen.push(base);
                return Err(ctx.err(
                    span,
                    format!("domains.{dk}.type"),
                    format!(
                        "domains refer to each other in a cycle: {}",
                        seen.join(" → ")
                    ),
                    Some("a domain's type must come down to a built-in type".into()),
                ));
            }
            seen.push(base);
            cur = next;
        }
    }
    Ok(())
}

/// One definition per object when the default schema is spelled out (`[tables.users]` and
/// `[tables."public.users"]` are one table).
pub fn unique_names<'a>(
    ctx: &Ctx,
    section: &str,
    items: impl Iterator<Item = (&'a String, Range<usize>)>,
) -> Result<(), ModelError> {
    let mut seen: BTreeMap<QName, String> = BTreeMap::new();
    // In file order, so the second definition is the one reported.
    let mut items: Vec<(&String, Range<usize>)> = items.collect();
    items.sort_by_key(|(n, sp)| ctx.file_pos(&format!("{section}.{n}"), sp));
    for (name, span) in items {
        let n = normalized(ctx, name);
        if let Some(first) = seen.insert(n.clone(), name.clone()) {
            ctx.at(&format!("{section}.{name}"));
            return Err(ctx.err(
                span,
                format!("{section}.{name}"),
                format!("{section}.{name} is {section}.{first} again: defined twice"),
                Some(format!(
                    "`{}` is in the default schema either way; keep one definition",
                    n
                )),
            ));
        }
    }
    Ok(())
}

/// Rules over the whole set of tables.
pub fn schema(ctx: &Ctx, spans: &[TableSpans], s: &Schema) -> Result<(), ModelError> {
    unique_names(
        ctx,
        "tables",
        spans.iter().map(|t| (&t.name, t.span.clone())),
    )?;
    let mut renamed: BTreeMap<QName, String> = BTreeMap::new();
    for ts in spans {
        ctx.at(&format!("tables.{}", ts.name));
        let key = format!("tables.{}", ts.name);
        let Some(t) = s.tables.get(&QName::parse(&ts.name)) else {
            continue;
        };
        let name = normalized(ctx, &ts.name);
        // With `[database] schemas`, only those schemas are managed: a table elsewhere would be
        // created and then never seen again (and created again by every autogenerate).
        if !s.namespaces.is_empty() {
            let sch = name
                .schema
                .clone()
                .unwrap_or_else(|| ctx.dialect.default_namespace().to_string());
            if !s.namespaces.contains(&sch) {
                return Err(ctx.err(
                    ts.span.clone(),
                    &key,
                    format!(
                        "table {} is in schema {sch}, which [database] schemas does not list ({})",
                        ts.name,
                        s.namespaces.join(", ")
                    ),
                    Some(format!("add \"{sch}\" to [database] schemas")),
                ));
            }
        }
        if name.schema.is_none() && crate::schema::OWN_TABLES.contains(&name.name.as_str()) {
            return Err(ctx.err(
                ts.span.clone(),
                &key,
                format!(
                    "`{}` is the name of a table autogen keeps for itself",
                    name.name
                ),
                Some(format!(
                    "autogen's own tables are {}; give this table another name",
                    crate::schema::OWN_TABLES.join(", ")
                )),
            ));
        }
        if let Some(p) = &t.partition_of {
            let parent = normalized(ctx, &p.parent.to_string());
            if parent == name {
                return Err(ctx.err(
                    ts.partition_of.clone().unwrap_or(ts.span.clone()),
                    format!("{key}.partition_of"),
                    "a table cannot be a partition of itself",
                    Some("partition_of names the partitioned parent table".into()),
                ));
            }
        }
        if let Some(r) = &t.renamed_from {
            let r = normalized(ctx, &r.to_string());
            if let Some(other) = renamed.insert(r.clone(), ts.name.clone()) {
                return Err(ctx.err(
                    ts.span.clone(),
                    format!("{key}.renamed_from"),
                    format!("tables {other} and {} are both renamed from `{r}`", ts.name),
                    Some("a table can be renamed into one table only".into()),
                ));
            }
        }
        let mut cols: BTreeMap<&str, &str> = BTreeMap::new();
        for c in &t.columns {
            if let Some(r) = &c.renamed_from {
                if let Some(other) = cols.insert(r.as_str(), c.name.as_str()) {
                    return Err(ctx.err(
                        ts.span.clone(),
                        format!("{key}.columns"),
                        format!("columns {other} and {} are both renamed from `{r}`", c.name),
                        Some("a column can be renamed into one column only".into()),
                    ));
                }
            }
        }
    }
    Ok(())
}
