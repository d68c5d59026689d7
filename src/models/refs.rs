//! References between tables, checked once every table is built: foreign key targets and their keys,
//! partition parents, sequence owners.

use std::ops::Range;

use toml::Spanned;

use super::ctx::Ctx;
use super::file::*;
use super::ModelError;
use crate::schema::*;

pub(super) fn check_references(
    ctx: &Ctx,
    spans: &[TableSpans],
    sequences: &std::collections::BTreeMap<String, Spanned<SequenceDef>>,
    s: &Schema,
) -> Result<(), ModelError> {
    let norm = |q: &QName| {
        if q.schema.as_deref() == Some(ctx.dialect.default_namespace()) {
            QName::new(None, &q.name)
        } else {
            q.clone()
        }
    };
    let tables: std::collections::BTreeMap<QName, &Table> =
        s.tables.values().map(|t| (norm(&t.name), t)).collect();
    for t in spans {
        let name = &t.name;
        ctx.at(&format!("tables.{name}"));
        let table = &s.tables[&QName::parse(name)];
        for fk in &table.foreign_keys {
            let target = tables.get(&norm(&fk.ref_table));
            let span = t.span.clone();
            let key = format!("tables.{name}");
            let Some(target) = target else {
                // Find the exact location of the reference for a precise error.
                let span = t.reference(&fk.ref_table).unwrap_or(span.clone());
                return Err(ctx.err(
                    span,
                    key,
                    format!("foreign key references unknown table `{}`", fk.ref_table),
                    Some(format!(
                        "known tables: {}",
                        tables
                            .keys()
                            .map(|k| k.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                ));
            };
            // A partition has its parent's columns and keys (`REFERENCES m_2026 (id, day)`).
            let mut target = *target;
            let mut hops = 0;
            while let Some(p) = target
                .partition_of
                .as_ref()
                .filter(|_| target.columns.is_empty())
            {
                match tables.get(&norm(&p.parent)) {
                    Some(parent) if hops < 32 => {
                        target = parent;
                        hops += 1;
                    }
                    _ => break,
                }
            }
            if fk.ref_columns.is_empty() && target.primary_key.is_none() {
                return Err(ctx.err(
                    span,
                    key,
                    format!("`{}` has no primary key to reference", fk.ref_table),
                    Some("name the column: references = \"table.column\"".into()),
                ));
            }
            for c in &fk.ref_columns {
                if target.column(c).is_none() {
                    let span = t.reference(&fk.ref_table).unwrap_or(span.clone());
                    return Err(ctx.err(
                        span,
                        key,
                        format!(
                            "foreign key references unknown column `{}.{c}`",
                            fk.ref_table
                        ),
                        None,
                    ));
                }
            }
            let at = t.reference(&fk.ref_table).unwrap_or(span.clone());
            super::validate_table::foreign_key(ctx, &key, table, fk, target, at)?;
        }
        for p in &table.inherits {
            let Some(parent) = tables.get(&norm(p)) else {
                return Err(ctx.err(
                    t.span.clone(),
                    format!("tables.{name}.inherits"),
                    format!("unknown parent table `{p}`"),
                    None,
                ));
            };
            // PostgreSQL merges a column the child declares again into the parent's: the child
            // would never list it as its own, so the models would always differ.
            if let Some(c) = table
                .columns
                .iter()
                .find(|c| parent.column(&c.name).is_some())
            {
                return Err(ctx.err(
                    t.span.clone(),
                    format!("tables.{name}.columns"),
                    format!(
                        "column {} comes from the parent {p}; a child lists only its own columns",
                        c.name
                    ),
                    Some(format!("remove {} from this table's columns", c.name)),
                ));
            }
        }
        if let Some(p) = &table.partition_of {
            if let Some(parent) = tables.get(&norm(&p.parent)) {
                let span = t.partition_of.clone().unwrap_or(t.span.clone());
                super::validate_table::partition(
                    ctx,
                    &format!("tables.{name}"),
                    p,
                    parent,
                    span.clone(),
                )?;
                // `not_null` names columns of the parent (or of its own parent, for sub-partitions).
                let mut root = *parent;
                for _ in 0..32 {
                    match root
                        .partition_of
                        .as_ref()
                        .filter(|_| root.columns.is_empty())
                    {
                        Some(pp) => match tables.get(&norm(&pp.parent)) {
                            Some(x) => root = x,
                            None => break,
                        },
                        None => break,
                    }
                }
                if let Some(c) = table.not_null.iter().find(|c| root.column(c).is_none()) {
                    return Err(ctx.err(
                        span,
                        format!("tables.{name}.not_null"),
                        format!("`{c}` is not a column of {}", root.name),
                        None,
                    ));
                }
            }
            if !tables.contains_key(&norm(&p.parent)) {
                let span = t.partition_of.clone().unwrap_or(t.span.clone());
                return Err(ctx.err(
                    span,
                    format!("tables.{name}.partition_of"),
                    format!("unknown parent table `{}`", p.parent),
                    None,
                ));
            }
        }
    }
    for (name, sq) in sequences {
        ctx.at(&format!("sequences.{name}"));
        if let Some((t, c)) = &s.sequences[&QName::parse(name)].owned_by {
            if tables.get(&norm(t)).is_none_or(|t| t.column(c).is_none()) {
                return Err(ctx.err(
                    sq.span(),
                    format!("sequences.{name}.owned_by"),
                    format!("unknown column `{t}.{c}`"),
                    None,
                ));
            }
        }
    }
    Ok(())
}

/// What the reference checks need of a parsed table once it is built (the parsed form is dropped then).
pub(super) struct TableSpans {
    pub(super) name: String,
    pub(super) span: Range<usize>,
    references: Vec<(String, Range<usize>)>,
    pub(super) partition_of: Option<Range<usize>>,
}

impl TableSpans {
    pub(super) fn of(name: &str, t: &Spanned<TableDef>) -> TableSpans {
        let d = t.get_ref();
        let mut references: Vec<(String, Range<usize>)> = d
            .columns
            .iter()
            .filter_map(|c| {
                c.get_ref()
                    .references
                    .as_ref()
                    .map(|r| (r.get_ref().clone(), r.span()))
            })
            .collect();
        references.extend(d.foreign_keys.iter().map(|f| {
            (
                f.get_ref().references.get_ref().clone(),
                f.get_ref().references.span(),
            )
        }));
        TableSpans {
            name: name.to_string(),
            span: t.span(),
            references,
            partition_of: d.partition_of.as_ref().map(|p| p.span()),
        }
    }

    fn reference(&self, target: &QName) -> Option<Range<usize>> {
        let tn = target.to_string();
        self.references
            .iter()
            .find(|(r, _)| *r == tn || r.starts_with(&format!("{tn}.")))
            .map(|(_, s)| s.clone())
    }
}
