//! `File` → `Schema`: the types, sequences and functions, then every table, then the rules across them,
//! each error at its line:col.

use std::collections::BTreeSet;

use toml::Spanned;

use super::ctx::Ctx;
use super::file::*;
use super::refs::{check_references, TableSpans};
use super::table::build_table;
use super::{ModelError, Models};
use crate::dialect::Dialect;
use crate::schema::*;

fn seq_type(ctx: &Ctx, ty: &str) -> String {
    ctx.dialect
        .canonical_type(ty)
        .unwrap_or_else(|_| ty.to_string())
}

pub(super) fn build(
    path: &str,
    text: &str,
    mut f: File,
    dialect: &dyn Dialect,
    offsets: &std::collections::HashMap<String, usize>,
    streamed: impl Iterator<Item = Result<File, ModelError>>,
) -> Result<Models, ModelError> {
    let ctx = Ctx {
        path,
        text,
        dialect,
        offset: std::cell::Cell::new(0),
        offsets,
        types_ok: Default::default(),
    };
    let mut s = Schema::default();
    let (url, namespaces, db_ext) = match &f.database {
        Some(d) => (
            d.url.clone().map(|u| u.into_inner()),
            d.schemas
                .iter()
                .flatten()
                .map(|s| s.get_ref().clone())
                .collect(),
            d.extensions.clone(),
        ),
        None => (None, vec![], None),
    };
    let extensions: Option<Vec<Spanned<String>>> = match (&f.extensions, db_ext) {
        (Some(a), Some(b)) => Some(a.iter().cloned().chain(b).collect()),
        (Some(a), None) => Some(a.clone()),
        (None, b) => b,
    };
    s.namespaces = namespaces.clone();
    let has_ext = extensions.as_ref().is_some_and(|e| !e.is_empty());
    if let Some(exts) = &extensions {
        if dialect.lacks("extensions") && !exts.is_empty() {
            return Err(ctx.err(
                exts[0].span(),
                "extensions",
                format!("{} has no extensions", dialect.name()),
                None,
            ));
        }
        for e in exts {
            // `schema.name`: the extension's objects go into that schema (`WITH SCHEMA`).
            let (schema, name) = match e.get_ref().split_once('.') {
                Some((s, n)) => (Some(s.to_string()), n.to_string()),
                None => (None, e.get_ref().clone()),
            };
            ctx.name(&name, e.span(), "extensions")?;
            if let Some(sc) = &schema {
                ctx.name(sc, e.span(), "extensions")?;
            }
            s.extensions.push(Extension { name, schema });
        }
    }
    super::validate::sections(&ctx, &f)?;
    super::validate::unique_names(&ctx, "enums", f.enums.iter().map(|(k, v)| (k, v.span())))?;
    super::validate::unique_names(
        &ctx,
        "domains",
        f.domains.iter().map(|(k, v)| (k, v.span())),
    )?;
    super::validate::unique_names(
        &ctx,
        "sequences",
        f.sequences.iter().map(|(k, v)| (k, v.span())),
    )?;
    // Names of user types, for type checking.
    let mut known: BTreeSet<String> = BTreeSet::new();
    for name in f.enums.keys().chain(f.domains.keys()) {
        let q = QName::parse(name);
        let q = if q.schema.as_deref() == Some(dialect.default_namespace()) {
            QName::new(None, &q.name)
        } else {
            q
        };
        known.insert(crate::sql::qname_sql(&q));
    }
    for (name, c) in &f.collations {
        ctx.at(&format!("collations.{name}"));
        super::validate::qualified_name(&ctx, name, c.span(), &format!("collations.{name}"))?;
        let v = c.get_ref();
        let provider = v.provider.get_ref().to_ascii_lowercase();
        if !matches!(provider.as_str(), "icu" | "libc") {
            return Err(ctx.err(
                v.provider.span(),
                format!("collations.{name}.provider"),
                format!("unknown collation provider `{}`", v.provider.get_ref()),
                Some("provider = \"icu\" or \"libc\"".into()),
            ));
        }
        if v.locale.is_none() && (v.lc_collate.is_none() || v.lc_ctype.is_none()) {
            return Err(ctx.err(
                c.span(),
                format!("collations.{name}"),
                "a collation needs its locale",
                Some("locale = \"und-u-ks-level2\" (ICU) or \"de_DE.utf8\" (libc)".into()),
            ));
        }
        let q = QName::parse(name);
        s.collations.insert(
            q.clone(),
            Collation {
                name: q,
                provider,
                locale: v.locale.clone(),
                lc_collate: v.lc_collate.clone(),
                lc_ctype: v.lc_ctype.clone(),
                deterministic: v.deterministic.unwrap_or(true),
            },
        );
    }
    for (name, d) in &f.text_search_dictionaries {
        ctx.at(&format!("text_search_dictionaries.{name}"));
        let key = format!("text_search_dictionaries.{name}");
        super::validate::qualified_name(&ctx, name, d.span(), &key)?;
        let v = d.get_ref();
        let options = match &v.options {
            None => vec![],
            Some(o) => crate::sql::option_list(o.get_ref()).map_err(|e| {
                ctx.err(
                    o.span(),
                    format!("{key}.options"),
                    format!("invalid options: {e}"),
                    Some(
                        "options = \"stopwords = 'english'\" (name = 'value', separated by commas)"
                            .into(),
                    ),
                )
            })?,
        };
        ctx.name(&v.template, d.span(), &format!("{key}.template"))?;
        let q = QName::parse(name);
        s.ts_dictionaries.insert(
            q.clone(),
            TsDictionary {
                name: q,
                template: v.template.clone(),
                options,
            },
        );
    }
    for (name, c) in &f.text_search_configurations {
        ctx.at(&format!("text_search_configurations.{name}"));
        let key = format!("text_search_configurations.{name}");
        super::validate::qualified_name(&ctx, name, c.span(), &key)?;
        let v = c.get_ref();
        for (token, dicts) in &v.mappings {
            ctx.name(token, c.span(), &format!("{key}.mappings"))?;
            if dicts.is_empty() {
                return Err(ctx.err(
                    c.span(),
                    format!("{key}.mappings.{token}"),
                    "a mapping needs at least one dictionary",
                    Some("e.g. asciiword = [\"english_stem\"], or leave the token type out".into()),
                ));
            }
            for d in dicts {
                ctx.name(d, c.span(), &format!("{key}.mappings.{token}"))?;
            }
        }
        let q = QName::parse(name);
        s.ts_configurations.insert(
            q.clone(),
            TsConfiguration {
                name: q,
                parser: v.parser.clone().unwrap_or_else(|| "default".into()),
                mappings: v.mappings.clone(),
            },
        );
    }
    for (name, e) in &f.enums {
        ctx.at(&format!("enums.{name}"));
        if dialect.lacks("enums") {
            return Err(ctx.err(
                e.span(),
                format!("enums.{name}"),
                format!("{} has no enum types", dialect.name()),
                Some("use a text column with a check constraint".into()),
            ));
        }
        let v = e.get_ref();
        if v.values.is_empty() {
            return Err(ctx.err(
                e.span(),
                format!("enums.{name}.values"),
                "an enum needs at least one value",
                None,
            ));
        }
        super::validate::qualified_name(&ctx, name, e.span(), &format!("enums.{name}"))?;
        // Like a table: an enum outside the managed schemas would be made and never seen again.
        let sch = QName::parse(name)
            .schema
            .unwrap_or_else(|| dialect.default_namespace().to_string());
        if !s.namespaces.is_empty() && !s.namespaces.contains(&sch) {
            return Err(ctx.err(
                e.span(),
                format!("enums.{name}"),
                format!(
                    "enum {name} is in schema {sch}, which [database] schemas does not list ({})",
                    s.namespaces.join(", ")
                ),
                Some(format!("add \"{sch}\" to [database] schemas")),
            ));
        }
        super::validate::enum_values(&ctx, &v.values, e.span(), &format!("enums.{name}.values"))?;
        ctx.comment(&v.comment, e.span(), &format!("enums.{name}"))?;
        let q = QName::parse(name);
        s.enums.insert(
            q.clone(),
            Enum {
                name: q,
                values: v.values.clone(),
                comment: v.comment.clone(),
            },
        );
    }
    for (name, d) in &f.domains {
        ctx.at(&format!("domains.{name}"));
        let key = format!("domains.{name}");
        let v = d.get_ref();
        super::validate::qualified_name(&ctx, name, d.span(), &key)?;
        ctx.comment(&v.comment, d.span(), &key)?;
        let collation = ctx.collation(&v.collation, d.span(), &key)?;
        let ty = ctx.ty(&v.ty, &format!("{key}.type"), &known, has_ext)?;
        let mut checks = vec![];
        for (i, c) in v.checks.iter().enumerate() {
            let span = c.span();
            let c = c.get_ref();
            if let Some(n) = &c.name {
                ctx.name(n, span.clone(), &format!("{key}.checks[{i}].name"))?;
            }
            if let Some(n) = super::rules::domain_check_name(dialect, c.expr.get_ref()) {
                return Err(ctx.err(
                    c.expr.span(),
                    format!("{key}.checks[{i}].expr"),
                    format!("a domain check sees only VALUE, not `{n}`"),
                    Some("write the check in terms of VALUE, e.g. \"VALUE > 0\"".into()),
                ));
            }
            checks.push(Check {
                name: c
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("{}_check", QName::parse(name).name)),
                expr: ctx.expr(&c.expr, &format!("{key}.checks[{i}].expr"), false)?,
                no_inherit: false,
                not_valid: false,
            });
        }
        let q = QName::parse(name);
        s.domains.insert(
            q.clone(),
            Domain {
                name: q,
                ty,
                nullable: v.nullable.unwrap_or(true),
                default: v
                    .default
                    .as_ref()
                    .map(|l| ctx.literal(l, &format!("{key}.default")))
                    .transpose()?,
                collation,
                checks,
                comment: v.comment.clone(),
            },
        );
    }
    super::validate::domain_cycles(&ctx, &s.domains, &f.domains)?;
    for (name, sq) in &f.sequences {
        ctx.at(&format!("sequences.{name}"));
        let v = sq.get_ref();
        let key = format!("sequences.{name}");
        super::validate::qualified_name(&ctx, name, sq.span(), &key)?;
        ctx.comment(&v.comment, sq.span(), &key)?;
        let ty = match &v.ty {
            Some(t) => {
                let ty = ctx.ty(t, &format!("{key}.type"), &known, has_ext)?;
                if !matches!(
                    seq_type(&ctx, &ty).as_str(),
                    "smallint" | "integer" | "bigint"
                ) {
                    return Err(ctx.err(
                        t.span(),
                        format!("{key}.type"),
                        format!("a sequence is smallint, integer or bigint, not `{ty}`"),
                        None,
                    ));
                }
                ty
            }
            None => "bigint".into(),
        };
        let owned_by = match &v.owned_by {
            Some(o) => match o.get_ref().rsplit_once('.') {
                Some((t, c)) => Some((QName::parse(t), c.to_string())),
                None => {
                    return Err(ctx.err(
                        o.span(),
                        format!("sequences.{name}.owned_by"),
                        "expected `table.column`",
                        None,
                    ));
                }
            },
            None => None,
        };
        let q = QName::parse(name);
        s.sequences.insert(
            q.clone(),
            Sequence {
                name: q,
                ty: seq_type(&ctx, &ty),
                options: super::validate::seq_options(
                    &ctx,
                    SeqOptions {
                        start: v.start,
                        increment: v.increment,
                        min: v.min,
                        max: v.max,
                        cache: v.cache,
                        cycle: v.cycle.unwrap_or(false),
                    },
                    &seq_type(&ctx, &ty),
                    sq.span(),
                    &key,
                )?,
                owned_by,
                comment: v.comment.clone(),
            },
        );
    }
    for (sig, fd) in &f.functions {
        ctx.at(&format!("functions.{sig}"));
        let key = format!("functions.{sig}");
        if dialect.lacks("functions") {
            return Err(ctx.err(
                fd.span(),
                key,
                format!("functions are not managed on {}", dialect.name()),
                None,
            ));
        }
        let (Some(open), true) = (sig.find('('), sig.ends_with(')')) else {
            return Err(ctx.err(
                fd.span(),
                key,
                "the key must be a signature like \"name(text, integer)\"",
                None,
            ));
        };
        let sql = fd.get_ref().sql.get_ref();
        ctx.text(
            &fd.get_ref().sql,
            &format!("{key}.sql"),
            super::sqltext::routine,
        )?;
        super::validate::signature(
            &ctx,
            &sig[..open],
            &sig[open + 1..sig.len() - 1],
            fd.span(),
            &key,
        )?;
        dialect
            .check_routine(&sig[..open], &sig[open + 1..sig.len() - 1], sql)
            .map_err(|(msg, hint)| ctx.err(fd.span(), key.clone(), msg, hint))?;
        let func = Function {
            name: QName::parse(&sig[..open]),
            args: sig[open + 1..sig.len() - 1].to_string(),
            sql: Expr::new(sql.clone()),
        };
        s.functions.insert(func.signature(), func);
    }
    // Each parsed table is dropped once built: only the spans the reference checks need are kept.
    let mut spans = Vec::with_capacity(f.tables.len());
    let sequences = std::mem::take(&mut f.sequences);
    let mut one = |name: String, t: Spanned<TableDef>, s: &mut Schema| {
        ctx.at(&format!("tables.{name}"));
        let mut table = build_table(&ctx, &name, &t, &known, has_ext, s)?;
        table.shrink();
        spans.push(TableSpans::of(&name, &t));
        drop(t);
        s.tables.insert(table.name.clone(), table);
        Ok::<(), ModelError>(())
    };
    for (name, t) in std::mem::take(&mut f.tables) {
        one(name, t, &mut s)?;
    }
    // Sections holding tables alone, parsed while these are built: each is built and dropped before
    // the next is read, so the parsed file is never all in memory.
    for part in streamed {
        let part = part?;
        // (Its offset was noted, and the table checked to be defined once, when its header was read.)
        for (name, t) in part.tables {
            one(name, t, &mut s)?;
        }
    }
    super::objects::build_views(&ctx, &f, &mut s)?;
    super::triggers::build_triggers(&ctx, &f, &mut s)?;
    super::objects::build_policies(&ctx, &f, &mut s)?;
    if dialect.names_fold_case() {
        s.resolve_reference_case();
    }
    super::validate::schema(&ctx, &spans, &s)?;
    check_references(&ctx, &spans, &sequences, &s)?;
    Ok(Models {
        schema: s,
        url,
        namespaces,
    })
}
