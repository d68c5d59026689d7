//! Rules for one table's definition, against the database's own: columns (identity, generated,
//! collation, defaults, primary keys), the columns its expressions name, partition keys and bounds, and
//! foreign keys against the keys they reference.

use std::ops::Range;

use toml::Spanned;

use super::ctx::Ctx;
use super::ModelError;
use crate::schema::*;

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
        if let Some((text, quoted)) = super::rules::literal_text(&e) {
            if let Err(why) = d.check_default_value(&canon, &text, quoted) {
                return bad(
                    "default",
                    why,
                    "write a value the column can hold, or change the type",
                );
            }
        }
    }
    if col.invisible && d.lacks("invisible columns") {
        return bad(
            "invisible",
            format!("{} has no invisible columns", d.name()),
            "remove `invisible`",
        );
    }
    // `on_update` without `references` is the column's own (set on the column after this check).
    let probe = Column {
        on_update: cd
            .on_update
            .as_ref()
            .filter(|_| cd.references.is_none())
            .map(|u| Expr::new(u.get_ref().clone())),
        ..col.clone()
    };
    if let Err((what, msg, hint)) = d.check_column(&canon, &probe) {
        return bad(what, msg, &hint);
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
    if t.partition_of.is_some() || !t.inherits.is_empty() {
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
                        .map(|p| p.expr.sql.trim_matches(['"', '`']).to_string())
                        .collect::<Vec<_>>(),
                )
        });
    // InnoDB also takes any index whose leading columns are the referenced ones, in order.
    let leads_index = ctx.dialect.fk_references_index_prefix()
        && target.indexes.iter().any(|i| {
            i.parts.len() >= refs.len()
                && i.parts
                    .iter()
                    .zip(&refs)
                    .all(|(p, r)| p.prefix.is_none() && p.expr.sql.trim_matches(['"', '`']) == r)
        });
    if !is_key && !leads_index && target.partition_of.is_none() {
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
        if let Some(why) = d.refuse_foreign_key(table, a, target, b) {
            return Err(ctx.err(
                span,
                key,
                why,
                Some("give both columns the same type (and both tables engine InnoDB)".into()),
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

/// A column of an enum type (of the models) whose default is a literal: one of the enum's values.
pub fn enum_default(
    ctx: &Ctx,
    s: &Schema,
    col: &Column,
    span: std::ops::Range<usize>,
    key: &str,
) -> Result<(), ModelError> {
    let (Some(d), false) = (&col.default, col.ty.ends_with("[]")) else {
        return Ok(());
    };
    // The type as written names the enum by its key when it needs no quotes; else every enum is tried.
    let direct = (!col.ty.contains('"'))
        .then(|| s.enums.get(&QName::parse(&col.ty)))
        .flatten()
        .filter(|e| crate::sql::qname_sql(&e.name) == col.ty);
    let Some(e) = direct.or_else(|| {
        if !col.ty.contains('"') {
            return None;
        }
        s.enums
            .values()
            .find(|e| crate::sql::qname_sql(&e.name) == col.ty)
    }) else {
        return Ok(());
    };
    let text = d.sql.trim();
    let text = text.split("::").next().unwrap_or(text).trim();
    let Some(inner) = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) else {
        return Ok(());
    };
    if inner.contains('\'') && !inner.contains("''") {
        return Ok(());
    }
    let value = inner.replace("''", "'");
    if e.values.contains(&value) {
        return Ok(());
    }
    Err(ctx.err(
        span,
        format!("{key}.default"),
        format!("default '{value}' is not a value of enum {}", e.name),
        Some(format!("one of: {}", e.values.join(", "))),
    ))
}

/// MySQL's AUTO_INCREMENT column leads a key (the primary key, a unique key or an index), or the
/// server refuses the table (error 1075).
pub fn autoincrement_key(
    ctx: &Ctx,
    def: &Spanned<super::file::TableDef>,
    t: &Table,
    key: &str,
) -> Result<(), ModelError> {
    let Some(c) = t.columns.iter().find(|c| c.auto_increment) else {
        return Ok(());
    };
    let leads = |cols: &[String]| cols.first() == Some(&c.name);
    let bare = |e: &Expr| e.sql.trim().trim_matches('`').trim_matches('"') == c.name;
    let keyed = t.primary_key.as_ref().is_some_and(|p| leads(&p.columns))
        || t.uniques.iter().any(|u| leads(&u.columns))
        || t.indexes
            .iter()
            .any(|i| i.parts.first().is_some_and(|p| bare(&p.expr)));
    if keyed {
        return Ok(());
    }
    Err(ctx.err(
        def.span(),
        key,
        format!(
            "the autoincrement column `{}` must lead a key (the primary key, a unique key or an index)",
            c.name
        ),
        Some(format!(
            "make it the primary key, or add indexes = [{{ columns = [\"{}\"] }}]",
            c.name
        )),
    ))
}
