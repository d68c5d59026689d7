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
    let checks: [Check; 2] = [
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

/// One column's definition against what the database allows: identity on an integer type, no default
/// or identity beside `generated`, a collation only where the type has one, a literal default that is
/// a value of the type.
pub fn column(
    ctx: &Ctx,
    cd: &super::file::ColumnDef,
    span: Range<usize>,
    col: &Column,
    key: &str,
) -> Result<(), ModelError> {
    let d = ctx.dialect;
    let canon = d.canonical_type(&col.ty).unwrap_or(col.ty.clone());
    let bad = |what: &str, msg: String, hint: &str| {
        Err(ctx.err(
            span.clone(),
            format!("{key}.{what}"),
            msg,
            Some(hint.to_string()),
        ))
    };
    if col.identity.is_some() && !d.identity_type(&canon) {
        return bad(
            "identity",
            format!(
                "an identity column must be smallint, integer or bigint, not {}",
                col.ty
            ),
            "use type = \"bigint\" with identity = true",
        );
    }
    if col.generated.is_some() && (col.default.is_some() || col.identity.is_some()) {
        return bad(
            "generated",
            "a generated column cannot also have a default or be an identity".into(),
            "keep `generated` or the default, not both",
        );
    }
    if col.collation.is_some() && !d.collatable(&canon) {
        return bad(
            "collation",
            format!("type {} has no collation", col.ty),
            "collations apply to text types (text, varchar, char)",
        );
    }
    if let Some(e) = col
        .default
        .as_ref()
        .and_then(|x| super::rules::parse(d, &x.sql))
    {
        if super::rules::default_misfits(&canon, &e) {
            return bad(
                "default",
                format!("default {} is not a value of type {}", e, col.ty),
                "write a number, e.g. default = 0",
            );
        }
    }
    if let Some(g) = &col.generated {
        if let Some(f) = super::rules::volatile_call(d, &g.sql) {
            return bad(
                "generated",
                format!("a generated column must give the same value for the same row, and {f}() does not"),
                "compute it from the row's columns with functions that always give the same result; or use a default",
            );
        }
    }
    if let Some(x) = &col.default {
        if let Some(what) = super::rules::default_refers(d, &x.sql) {
            return bad(
                "default",
                format!("a default cannot use {what}"),
                "a default is a value or an expression of constants and functions; for a value computed from other columns use `generated`",
            );
        }
    }
    if cd.primary_key == Some(true) && cd.nullable == Some(true) && d.primary_key_is_not_null() {
        return bad(
            "nullable",
            format!(
                "column {} is in the primary key, which is never NULL",
                col.name
            ),
            "remove nullable = true",
        );
    }
    Ok(())
}

/// The columns that the table's expressions name exist (checks, generated columns, index keys and
/// `where`); a partition takes its columns from its parent and is skipped.
pub fn expressions(
    ctx: &Ctx,
    def: &super::file::TableDef,
    t: &Table,
    key: &str,
) -> Result<(), ModelError> {
    if t.partition_of.is_some() {
        return Ok(());
    }
    let d = ctx.dialect;
    let check = |sql: &Spanned<String>, k: String| -> Result<(), ModelError> {
        if super::rules::has_subquery(d, sql.get_ref()) {
            return Err(ctx.err(
                sql.span(),
                k,
                "a subquery cannot be used here (checks, generated columns and indexes see only their row)",
                None,
            ));
        }
        match super::rules::unknown_column(d, sql.get_ref(), t) {
            Some(n) => Err(ctx.err(
                sql.span(),
                k,
                format!("no column `{n}` in table {}", t.name),
                Some(format!(
                    "columns of {}: {}{}",
                    t.name,
                    t.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", "),
                    if !d.names_fold_case() && n.chars().any(|c| c.is_uppercase()) {
                        " (unquoted names are folded to lower case: write \"Name\" in double quotes)"
                    } else {
                        ""
                    }
                )),
            )),
            None => Ok(()),
        }
    };
    for (i, c) in def.columns.iter().enumerate() {
        let cd = c.get_ref();
        if let Some(x) = &cd.check {
            check(x, format!("{key}.columns[{i}].check"))?;
        }
        if let Some(x) = &cd.generated {
            check(x, format!("{key}.columns[{i}].generated"))?;
        }
    }
    for (i, c) in def.checks.iter().enumerate() {
        check(&c.get_ref().expr, format!("{key}.checks[{i}].expr"))?;
    }
    for (i, ix) in def.indexes.iter().enumerate() {
        if let Some(w) = &ix.get_ref().predicate {
            check(w, format!("{key}.indexes[{i}].where"))?;
        }
        for (j, p) in ix.get_ref().columns.iter().enumerate() {
            let (expr, ..) = crate::sql::split_index_part(p.get_ref());
            if expr.contains('(') {
                check(
                    &Spanned::new(p.span(), expr),
                    format!("{key}.indexes[{i}].columns[{j}]"),
                )?;
            }
        }
    }
    // Every unique key of a partitioned table holds the partition key.
    if let Some(pb) = &t.partition_by {
        let pcols = super::rules::partition_columns(&pb.sql);
        let keys = t
            .primary_key
            .iter()
            .map(|p| (&p.name, &p.columns, "primary key"))
            .chain(
                t.uniques
                    .iter()
                    .map(|u| (&u.name, &u.columns, "unique key")),
            );
        for (_, cols, what) in keys {
            if let Some(missing) = pcols.iter().find(|p| !cols.contains(p)) {
                let span = def.partition_by.as_ref().map_or(0..0, |p| p.span());
                return Err(ctx.err(
                    span,
                    format!("{key}.partition_by"),
                    format!(
                        "the {what} ({}) of a partitioned table must include the partition column `{missing}`",
                        cols.join(", ")
                    ),
                    Some(format!("add {missing} to the key")),
                ));
            }
        }
        for c in &pcols {
            if t.column(c).is_none() {
                let span = def.partition_by.as_ref().map_or(0..0, |p| p.span());
                return Err(ctx.err(
                    span,
                    format!("{key}.partition_by"),
                    format!("no column `{c}` in table {}", t.name),
                    None,
                ));
            }
        }
    }
    Ok(())
}

/// A foreign key references a primary key or unique key of its target, with as many columns, of
/// types that can be compared.
pub fn foreign_key(
    ctx: &Ctx,
    key: &str,
    table: &Table,
    fk: &ForeignKey,
    target: &Table,
    span: Range<usize>,
) -> Result<(), ModelError> {
    let refs: Vec<String> = if fk.ref_columns.is_empty() {
        target
            .primary_key
            .as_ref()
            .map(|p| p.columns.clone())
            .unwrap_or_default()
    } else {
        fk.ref_columns.clone()
    };
    if refs.len() != fk.columns.len() {
        return Err(ctx.err(
            span,
            key,
            format!(
                "{} column(s) ({}) reference {} column(s) of {} ({})",
                fk.columns.len(),
                fk.columns.join(", "),
                refs.len(),
                target.name,
                refs.join(", ")
            ),
            Some("reference as many columns as the key has: referenced_columns = [...]".into()),
        ));
    }
    let same_set = |cols: &[String]| {
        let mut a = cols.to_vec();
        let mut b = refs.clone();
        a.sort();
        b.sort();
        a == b
    };
    let is_key = target
        .primary_key
        .as_ref()
        .is_some_and(|p| same_set(&p.columns))
        || target.uniques.iter().any(|u| same_set(&u.columns))
        || target.indexes.iter().any(|i| {
            i.unique
                && i.predicate.is_none()
                && same_set(
                    &i.parts
                        .iter()
                        .map(|p| p.expr.sql.trim_matches('"').to_string())
                        .collect::<Vec<_>>(),
                )
        });
    if !is_key && target.partition_of.is_none() {
        return Err(ctx.err(
            span,
            key,
            format!(
                "foreign key references {} ({}), which is not a primary key or unique key of {}",
                target.name,
                refs.join(", "),
                target.name
            ),
            Some(format!(
                "reference the primary key, or add unique = [{{ columns = [{}] }}] to {}",
                refs.iter()
                    .map(|c| format!("\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
                target.name
            )),
        ));
    }
    let d = ctx.dialect;
    for (c, r) in fk.columns.iter().zip(&refs) {
        let (Some(a), Some(b)) = (table.column(c), target.column(r)) else {
            continue;
        };
        let (ta, tb) = (
            d.canonical_type(&a.ty).unwrap_or(a.ty.clone()),
            d.canonical_type(&b.ty).unwrap_or(b.ty.clone()),
        );
        if super::rules::fk_types_differ(&ta, &tb) {
            return Err(ctx.err(
                span,
                key,
                format!(
                    "foreign key column {c} ({}) cannot reference {}.{r} ({})",
                    a.ty, target.name, b.ty
                ),
                Some("give both columns the same type".into()),
            ));
        }
    }
    Ok(())
}

/// A partition's bound fits its parent's partitioning (RANGE: FROM … TO, LIST: IN, HASH: WITH).
pub fn partition(
    ctx: &Ctx,
    key: &str,
    p: &PartitionOf,
    parent: &Table,
    span: Range<usize>,
) -> Result<(), ModelError> {
    let Some(pb) = &parent.partition_by else {
        return Err(ctx.err(
            span,
            format!("{key}.partition_of"),
            format!(
                "{} is not partitioned (it has no partition_by)",
                parent.name
            ),
            Some(format!(
                "add partition_by = \"RANGE (…)\" to {}",
                parent.name
            )),
        ));
    };
    super::rules::bound_fits(&super::rules::strategy(&pb.sql), &p.bound.sql)
        .map_err(|m| ctx.err(span, format!("{key}.partition_bound"), m, None))
}
