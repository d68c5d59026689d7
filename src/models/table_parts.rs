//! The pieces of one table's models that several keys share: references (`table.column`), column
//! lists checked against the table, index keys, index storage parameters, the indexes of a table or materialized view.

use std::ops::Range;

use toml::Spanned;

use super::ctx::Ctx;
use super::file::IndexDef;
use super::ModelError;
use crate::schema::*;

/// `users.id` → (users, id); `billing.invoices.id` → (billing.invoices, id); `users` → (users, PK);
/// `public.a.b.id` → (public.a.b, id) (a schema-qualified name splits at its first dot).
pub(super) fn split_reference(r: &str) -> (QName, Option<String>) {
    let parts: Vec<&str> = r.split('.').collect();
    match parts.as_slice() {
        [t] => (QName::new(None, t), None),
        [t, c] => (QName::new(None, t), Some(c.to_string())),
        [s, t @ .., c] => (QName::new(Some(s), &t.join(".")), Some(c.to_string())),
        [] => (QName::default(), None),
    }
}

pub(super) fn check_columns(
    ctx: &Ctx,
    t: &Table,
    cols: &[String],
    span: Range<usize>,
    key: &str,
) -> Result<(), ModelError> {
    for c in cols {
        if t.column(c).is_none() && t.partition_of.is_none() && t.inherits.is_empty() {
            return Err(ctx.err(
                span,
                key,
                format!("no column `{c}` in table {}", t.name),
                Some(format!(
                    "columns of {}: {}",
                    t.name,
                    t.columns
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ));
        }
    }
    Ok(())
}

/// `"starts_at DESC NULLS LAST"`, `"lower(email)"`, `"name gin_trgm_ops"`.
pub(super) fn index_part(
    ctx: &Ctx,
    t: &Table,
    p: &Spanned<String>,
    key: &str,
) -> Result<IndexPart, ModelError> {
    let (expr, collation, opclass, desc, nulls_first) = crate::sql::split_index_part(p.get_ref());
    // MySQL: `name(10)` indexes the first 10 characters of column `name`.
    let (expr, prefix) = match prefix_part(&expr) {
        Some((col, n)) if ctx.dialect.index_prefixes() && t.column(&col).is_some() => {
            (col, Some(n))
        }
        _ => (expr, None),
    };
    if prefix.is_some() {
        // A column of the table (checked above), whatever its name.
        return Ok(IndexPart {
            prefix,
            expr: Expr::new(ctx.dialect.ident(&expr)),
            collation,
            opclass,
            desc,
            nulls_first,
        });
    }
    let e = Spanned::new(p.span(), expr.clone());
    let parsed = ctx.expr(&e, key, false)?;
    let bare = expr.trim_matches('"').trim_matches('`');
    let is_ident = bare.chars().all(|c| c.is_alphanumeric() || c == '_') && !bare.is_empty();
    if is_ident && t.column(bare).is_none() && t.partition_of.is_none() && t.inherits.is_empty() {
        return Err(ctx.err(
            p.span(),
            key,
            format!("no column `{bare}` in table {}", t.name),
            None,
        ));
    }
    // Index keys name columns the way `columns = [...]` does (exact names): quote them as SQL needs.
    let parsed = if is_ident && t.column(bare).is_some() {
        Expr::new(ctx.dialect.ident(bare))
    } else {
        parsed
    };
    Ok(IndexPart {
        prefix,
        expr: parsed,
        collation,
        opclass,
        desc,
        nulls_first,
    })
}

/// A key on a whole `text`/`blob` column where the database indexes only prefixes (MySQL): the error.
pub(super) fn needs_prefix(
    ctx: &Ctx,
    t: &Table,
    column: &str,
    prefix: Option<u32>,
    span: Range<usize>,
    key: &str,
) -> Option<ModelError> {
    let bare = column.trim().trim_matches('"').trim_matches('`');
    let c = t.column(bare)?;
    let ty = ctx.dialect.canonical_type(&c.ty).unwrap_or(c.ty.clone());
    (prefix.is_none() && ctx.dialect.key_needs_prefix(&ty)).then(|| {
        ctx.err(
            span,
            key,
            format!(
                "{} cannot index the whole {ty} column `{bare}`",
                ctx.dialect.name()
            ),
            Some(format!(
                "index its first characters, e.g. \"{bare}(100)\" in an index, or use varchar(n)"
            )),
        )
    })
}

/// `name(10)` → (`name`, 10): a column's prefix, as MySQL writes it (`` `o'k`(5) `` for a name that
/// needs quoting).
fn prefix_part(s: &str) -> Option<(String, u32)> {
    let s = s.trim();
    let open = s.rfind('(')?;
    let n = s[open + 1..].strip_suffix(')')?.trim().parse().ok()?;
    let name = s[..open].trim();
    if let Some(q) = name.strip_prefix('`').and_then(|x| x.strip_suffix('`')) {
        return (!q.is_empty()).then(|| (q.replace("``", "`"), n));
    }
    let name = name.trim_matches('"');
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then(|| (name.to_string(), n))
}

/// Index storage parameters, each `name = value` with a plain word or number as the value
/// (`fillfactor = 70`, `fastupdate = off`): canonical `name=value`, sorted.
pub(super) fn storage_params(
    ctx: &Ctx,
    with: &[Spanned<String>],
    key: &str,
) -> Result<Vec<String>, ModelError> {
    if !with.is_empty() && ctx.dialect.lacks("index storage parameters") {
        return Err(ctx.err(
            with[0].span(),
            key,
            format!("{} indexes have no storage parameters", ctx.dialect.name()),
            Some("remove `with`".into()),
        ));
    }
    let mut out = vec![];
    for (i, w) in with.iter().enumerate() {
        let plain = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        };
        match w.get_ref().split_once('=') {
            Some((n, v)) if plain(n.trim()) && plain(v.trim()) => {
                out.push(format!("{}={}", n.trim().to_ascii_lowercase(), v.trim()))
            }
            _ => {
                return Err(ctx.err(
                    w.span(),
                    format!("{key}[{i}]"),
                    format!("invalid storage parameter `{}`", w.get_ref()),
                    Some("write name = value, e.g. with = [\"fillfactor = 70\"]".into()),
                ))
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The `indexes = [...]` of a table (or of a materialized view, through a table holding its name).
pub(super) fn build_indexes(
    ctx: &Ctx,
    table: &Table,
    defs: &[Spanned<IndexDef>],
    key: &str,
) -> Result<Vec<Index>, ModelError> {
    let mut out = vec![];
    for (i, ix) in defs.iter().enumerate() {
        let v = ix.get_ref();
        let k = format!("{key}.indexes[{i}]");
        if v.columns.is_empty() {
            return Err(ctx.err(
                ix.span(),
                &k,
                "an index needs at least one column or expression",
                None,
            ));
        }
        let mut parts = vec![];
        // FULLTEXT and SPATIAL indexes take whole columns; others index a prefix of text (MySQL).
        let whole = v.method.as_deref().is_some_and(|m| {
            m.eq_ignore_ascii_case("fulltext") || m.eq_ignore_ascii_case("spatial")
        });
        for (j, p) in v.columns.iter().enumerate() {
            let key = format!("{k}.columns[{j}]");
            let part = index_part(ctx, table, p, &key)?;
            let method = v.method.as_deref().unwrap_or("btree").to_ascii_lowercase();
            let bare = part.expr.sql.trim().trim_matches('"').trim_matches('`');
            if let Some(c) = table.column(bare) {
                let ty = ctx.dialect.canonical_type(&c.ty).unwrap_or(c.ty.clone());
                if let Err((msg, hint)) = ctx.dialect.check_index_part(&ty, part.prefix, &method) {
                    return Err(ctx.err(p.span(), &key, format!("`{bare}`: {msg}"), Some(hint)));
                }
            }
            if !whole {
                if let Some(e) =
                    needs_prefix(ctx, table, &part.expr.sql, part.prefix, p.span(), &key)
                {
                    return Err(e);
                }
            }
            parts.push(part);
        }
        if let (Some(w), true) = (&v.predicate, ctx.dialect.lacks("partial indexes")) {
            return Err(ctx.err(
                w.span(),
                format!("{k}.where"),
                format!("{} has no partial indexes", ctx.dialect.name()),
                Some("remove `where` (the index then covers every row)".into()),
            ));
        }
        if v.include.is_some() && ctx.dialect.lacks("partial indexes") {
            return Err(ctx.err(
                ix.span(),
                format!("{k}.include"),
                format!("{} indexes have no INCLUDE columns", ctx.dialect.name()),
                Some("add the columns to `columns` instead".into()),
            ));
        }
        let include = v.include.clone().unwrap_or_default();
        check_columns(ctx, table, &include, ix.span(), &format!("{k}.include"))?;
        if let Some(n) = &v.name {
            ctx.name(n, ix.span(), &format!("{k}.name"))?;
        }
        if let Some(m) = v.method.as_ref().filter(|m| !super::sqltext::word_text(m)) {
            return Err(ctx.err(
                ix.span(),
                format!("{k}.method"),
                format!("invalid index method `{m}`"),
                Some("an access method name: btree, hash, gin, gist, brin, spgist …".into()),
            ));
        }
        index_options(ctx, v, ix.span(), &k)?;
        out.push(Index {
            name: v.name.clone().unwrap_or_default(),
            unique: v.unique.unwrap_or(false),
            method: v.method.clone().unwrap_or_else(|| "btree".into()),
            parts,
            include,
            predicate: v
                .predicate
                .as_ref()
                .map(|p| ctx.expr(p, &format!("{k}.where"), false))
                .transpose()?,
            nulls_not_distinct: v.nulls_not_distinct.unwrap_or(false),
            with: storage_params(
                ctx,
                v.with.as_deref().unwrap_or_default(),
                &format!("{k}.with"),
            )?,
            comment: v.comment.clone(),
            invisible: v.invisible.unwrap_or(false),
            parser: v.parser.as_ref().map(|p| p.to_ascii_lowercase()),
        });
    }
    Ok(out)
}

/// An index's MySQL options, checked where the server would refuse them: a comment (at most 1024
/// characters), visibility, a FULLTEXT parser (a plugin name).
fn index_options(ctx: &Ctx, v: &IndexDef, span: Range<usize>, k: &str) -> Result<(), ModelError> {
    if let Some(c) = &v.comment {
        if ctx.dialect.lacks("index comments") {
            return Err(ctx.err(
                span,
                format!("{k}.comment"),
                format!("{} indexes have no comments here", ctx.dialect.name()),
                Some("remove `comment`".into()),
            ));
        }
        if c.chars().count() > 1024 {
            return Err(ctx.err(
                span,
                format!("{k}.comment"),
                format!(
                    "an index comment holds at most 1024 characters, this one has {}",
                    c.chars().count()
                ),
                Some("shorten the comment".into()),
            ));
        }
    }
    if v.invisible.is_some() && ctx.dialect.lacks("invisible indexes") {
        return Err(ctx.err(
            span,
            format!("{k}.invisible"),
            format!("{} has no invisible indexes", ctx.dialect.name()),
            Some("remove `invisible` (drop the index instead)".into()),
        ));
    }
    if let Some(p) = &v.parser {
        let fulltext = v
            .method
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("fulltext"));
        if !fulltext || ctx.dialect.lacks("fulltext parsers") {
            return Err(ctx.err(
                span,
                format!("{k}.parser"),
                "only a FULLTEXT index (MySQL) has a parser",
                Some("set method = \"fulltext\" or remove `parser`".into()),
            ));
        }
        if p.is_empty() || !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(ctx.err(
                span,
                format!("{k}.parser"),
                format!("invalid parser name `{p}`"),
                Some("the name of a full-text parser plugin, e.g. ngram".into()),
            ));
        }
    }
    Ok(())
}

/// A table's `options`, each one the dialect has (an entry ending in `=` takes a word as its value)
/// and whose value the server takes; canonical (`engine=innodb`).
pub(super) fn table_options(
    ctx: &Ctx,
    options: &[Spanned<String>],
    key: &str,
) -> Result<Vec<String>, ModelError> {
    let mut out = vec![];
    for o in options {
        let v = crate::sql::table_option(o.get_ref());
        let known = ctx.dialect.table_options();
        let takes_value = |k: &&str| {
            k.ends_with('=')
                && v.strip_prefix(*k).is_some_and(|rest| {
                    !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
        };
        let bare = known.contains(&v.as_str()) && !v.ends_with('=');
        if !bare && !known.iter().any(takes_value) {
            return Err(ctx.err(
                o.span(),
                format!("{key}.options"),
                format!("unknown table option `{}`", o.get_ref()),
                Some(if known.is_empty() {
                    format!("{} tables take no options", ctx.dialect.name())
                } else {
                    format!("this database's tables take: {}", known.join(", "))
                }),
            ));
        }
        if let Err(why) = ctx.dialect.check_table_option(&v) {
            return Err(ctx.err(o.span(), format!("{key}.options"), why, None));
        }
        out.push(v);
    }
    Ok(out)
}
