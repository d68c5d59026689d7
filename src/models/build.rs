//! `File` → `Schema`, checking every name, type, expression and reference, each error at its line:col.

use std::collections::BTreeSet;
use std::ops::Range;

use sqlparser::parser::Parser;
use toml::Spanned;

use super::file::*;
use super::{line_col, ModelError, Models};
use crate::dialect::Dialect;
use crate::schema::*;

pub(super) struct Ctx<'a> {
    pub(super) path: &'a str,
    pub(super) text: &'a str,
    pub(super) dialect: &'a dyn Dialect,
    /// Byte offset of the section being built: its spans are relative to it (see `super::sections`).
    offset: std::cell::Cell<usize>,
    offsets: &'a std::collections::HashMap<String, usize>,
}

impl Ctx<'_> {
    /// Enters the section `key` (e.g. `tables.users`): its spans get that section's offset.
    /// Where in the file a span of section `key` starts (to report the later of two definitions).
    pub(super) fn file_pos(&self, key: &str, span: &Range<usize>) -> usize {
        self.offsets.get(key).copied().unwrap_or(0) + span.start
    }

    pub(super) fn at(&self, key: &str) {
        self.offset.set(self.offsets.get(key).copied().unwrap_or(0));
    }

    pub(super) fn err(
        &self,
        span: Range<usize>,
        key: impl Into<String>,
        msg: impl Into<String>,
        hint: Option<String>,
    ) -> ModelError {
        let (line, col) = line_col(self.text, span.start + self.offset.get());
        ModelError::Invalid {
            path: self.path.into(),
            line,
            col,
            key: key.into(),
            msg: msg.into(),
            hint,
        }
    }

    /// An error at `offset` bytes into the string value whose literal spans `span`: exact where the
    /// value is written verbatim in the file (no escapes before that point), else at the value.
    fn err_in(
        &self,
        span: Range<usize>,
        value: &str,
        e: super::sqltext::TextError,
        key: &str,
    ) -> ModelError {
        let start = span.start + self.offset.get();
        let raw = self.text.get(start..).unwrap_or("");
        let quote = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
            3 + usize::from(raw[3..].starts_with('\n'))
        } else {
            usize::from(raw.starts_with('"') || raw.starts_with('\''))
        };
        let prefix = value.get(..e.offset).unwrap_or(value);
        let at = if raw.get(quote..).is_some_and(|r| r.starts_with(prefix)) {
            span.start + quote + prefix.len()
        } else {
            span.start
        };
        self.err(at..at, key, e.msg, e.hint)
    }

    /// Checks `text` (the value of `v`) with one of the `sqltext` checks.
    pub(super) fn text(
        &self,
        v: &Spanned<String>,
        key: &str,
        check: fn(&str, &dyn sqlparser::dialect::Dialect) -> Result<(), super::sqltext::TextError>,
    ) -> Result<(), ModelError> {
        let d = self.dialect.parser();
        check(v.get_ref(), d.as_ref()).map_err(|e| self.err_in(v.span(), v.get_ref(), e, key))
    }

    /// A name (of a table, column, constraint …): not empty, no NUL, within the identifier limit.
    pub(super) fn name(&self, n: &str, span: Range<usize>, key: &str) -> Result<(), ModelError> {
        super::sqltext::name(n, self.dialect.max_identifier_len())
            .map_err(|e| self.err(span, key, e.msg, e.hint))
    }

    /// A comment: any text but NUL (which no database stores).
    fn comment(&self, c: &Option<String>, span: Range<usize>, key: &str) -> Result<(), ModelError> {
        match c {
            Some(c) if c.contains('\0') => Err(self.err(
                span,
                format!("{key}.comment"),
                "a comment cannot contain a NUL character",
                None,
            )),
            _ => Ok(()),
        }
    }

    /// A collation name, unquoted: `C`, `en-US-x-icu`, `"de_DE"` (quotes are dropped).
    fn collation(
        &self,
        c: &Option<String>,
        span: Range<usize>,
        key: &str,
    ) -> Result<Option<String>, ModelError> {
        let Some(c) = c else { return Ok(None) };
        let bare = c
            .strip_prefix('"')
            .and_then(|x| x.strip_suffix('"'))
            .unwrap_or(c);
        if bare.contains('"') {
            return Err(self.err(
                span,
                format!("{key}.collation"),
                format!("invalid collation name `{c}`"),
                Some(
                    "write the collation's name, e.g. collation = \"C\" or \"en-US-x-icu\"".into(),
                ),
            ));
        }
        self.name(bare, span, &format!("{key}.collation"))?;
        Ok(Some(bare.to_string()))
    }

    /// Parses `sql` as an expression; a bare identifier where a value is expected (`default`) is an error.
    fn expr(&self, sql: &Spanned<String>, key: &str, value: bool) -> Result<Expr, ModelError> {
        self.text(sql, key, super::sqltext::expr_text)?;
        let d = self.dialect.parser();
        let parsed = Parser::new(d.as_ref())
            .try_with_sql(sql.get_ref())
            .and_then(|mut p| {
                let e = p.parse_expr()?;
                if p.peek_token().token != sqlparser::tokenizer::Token::EOF {
                    return Err(sqlparser::parser::ParserError::ParserError(format!(
                        "unexpected `{}` after the expression",
                        p.peek_token().token
                    )));
                }
                Ok(e)
            });
        match parsed {
            Ok(sqlparser::ast::Expr::Identifier(i)) if value && i.quote_style.is_none() => {
                // A function name without its parentheses is most likely meant as the call.
                const FUNCTIONS: &[&str] = &[
                    "now",
                    "gen_random_uuid",
                    "uuid_generate_v4",
                    "random",
                    "clock_timestamp",
                    "statement_timestamp",
                    "transaction_timestamp",
                    "timeofday",
                    "pi",
                ];
                let lower = i.value.to_ascii_lowercase();
                let hint = if FUNCTIONS.contains(&lower.as_str()) {
                    let call = if lower == "now" {
                        self.dialect.now_call().to_string()
                    } else {
                        format!("{}()", i.value)
                    };
                    if call.ends_with("()") {
                        format!(
                            "`{0}` is a function: write the call, \"{call}\"; for the text write \"'{0}'\"",
                            i.value
                        )
                    } else {
                        format!(
                            "for the current time write \"{call}\"; for the text write \"'{}'\"",
                            i.value
                        )
                    }
                } else {
                    format!(
                        "SQL strings need single quotes inside the TOML string: \"'{}'\"",
                        i.value
                    )
                };
                Err(self.err(
                    sql.span(),
                    key,
                    format!("`{}` is a column reference, not a value", i.value),
                    Some(hint),
                ))
            }
            Ok(_) => {
                self.dialect
                    .check_expr(sql.get_ref())
                    .map_err(|(msg, hint)| self.err(sql.span(), key, msg, hint))?;
                Ok(Expr::new(sql.get_ref().trim()))
            }
            Err(e) => Err(self.err(
                sql.span(),
                key,
                format!("invalid SQL expression `{}`: {e}", sql.get_ref()),
                Some("write the expression as SQL text, e.g. \"now()\" or \"'pending'\"".into()),
            )),
        }
    }

    fn literal(&self, l: &Spanned<Literal>, key: &str) -> Result<Expr, ModelError> {
        match l.get_ref() {
            Literal::Text(s) => self.expr(&Spanned::new(l.span(), s.clone()), key, true),
            Literal::Float(f) if !f.is_finite() => Err(self.err(
                l.span(),
                key,
                format!("`{f}` is not a number SQL can store as a literal"),
                Some("write it as SQL text, e.g. default = \"'NaN'::double precision\"".into()),
            )),
            other => Ok(Expr::new(other.sql())),
        }
    }

    fn ty(
        &self,
        ty: &Spanned<String>,
        key: &str,
        known: &BTreeSet<String>,
        has_ext: bool,
    ) -> Result<String, ModelError> {
        self.text(ty, key, super::sqltext::type_text)?;
        self.dialect
            .check_type(ty.get_ref())
            .map_err(|(msg, hint)| self.err(ty.span(), key, msg, hint))?;
        let canon = self.dialect.canonical_type(ty.get_ref()).map_err(|h| {
            self.err(
                ty.span(),
                key,
                format!("invalid type `{}`", ty.get_ref()),
                Some(h),
            )
        })?;
        let base = canon.trim_end_matches("[]").to_string();
        if !self.dialect.known_type(&canon) && !known.contains(&base) && !has_ext {
            return Err(self.err(
                ty.span(),
                key,
                format!("unknown type `{}`", ty.get_ref()),
                Some("use a type of the database (bigint, text, varchar(n), timestamptz, numeric(p,s) …) or declare it under [enums] or [domains]".into()),
            ));
        }
        Ok(ty.get_ref().trim().to_string())
    }
}

fn action(ctx: &Ctx, s: &Option<Spanned<String>>, key: &str) -> Result<FkAction, ModelError> {
    match s {
        None => Ok(FkAction::NoAction),
        Some(s) => FkAction::parse(s.get_ref()).ok_or_else(|| {
            ctx.err(
                s.span(),
                key,
                format!("unknown action `{}`", s.get_ref()),
                Some("expected one of: cascade, restrict, set null, set default, no action".into()),
            )
        }),
    }
}

fn deferrable(ctx: &Ctx, s: &Option<Spanned<String>>, key: &str) -> Result<Deferrable, ModelError> {
    match s.as_ref().map(|s| (s, s.get_ref().to_ascii_lowercase())) {
        None => Ok(Deferrable::No),
        Some((_, v)) if v == "immediate" || v == "initially immediate" => Ok(Deferrable::Immediate),
        Some((_, v)) if v == "deferred" || v == "initially deferred" => Ok(Deferrable::Deferred),
        Some((s, _)) => Err(ctx.err(
            s.span(),
            key,
            format!("unknown deferrable `{}`", s.get_ref()),
            Some("expected \"immediate\" or \"deferred\"".into()),
        )),
    }
}

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
) -> Result<Models, ModelError> {
    let ctx = Ctx {
        path,
        text,
        dialect,
        offset: std::cell::Cell::new(0),
        offsets,
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
            ctx.name(e.get_ref(), e.span(), "extensions")?;
            s.extensions.push(Extension {
                name: e.get_ref().clone(),
                schema: None,
            });
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
    for (name, t) in std::mem::take(&mut f.tables) {
        ctx.at(&format!("tables.{name}"));
        let table = build_table(&ctx, &name, &t, &known, has_ext, &mut s)?;
        spans.push(TableSpans::of(&name, &t));
        drop(t);
        s.tables.insert(table.name.clone(), table);
    }
    super::validate::schema(&ctx, &spans, &s)?;
    check_references(&ctx, &spans, &sequences, &s)?;
    Ok(Models {
        schema: s,
        url,
        namespaces,
    })
}

fn build_table(
    ctx: &Ctx,
    name: &str,
    t: &Spanned<TableDef>,
    known: &BTreeSet<String>,
    has_ext: bool,
    s: &mut Schema,
) -> Result<Table, ModelError> {
    let key = format!("tables.{name}");
    let def = t.get_ref();
    let qname = QName::parse(name);
    super::validate::qualified_name(ctx, name, t.span(), &key)?;
    ctx.comment(&def.comment, t.span(), &key)?;
    if let Some(r) = &def.renamed_from {
        super::validate::qualified_name(
            ctx,
            r.get_ref(),
            r.span(),
            &format!("{key}.renamed_from"),
        )?;
    }
    let mut table = Table::new(qname.clone());
    table.comment = def.comment.clone();
    table.renamed_from = def.renamed_from.as_ref().map(|r| {
        let q = QName::parse(r.get_ref());
        if q.schema.is_none() {
            QName {
                schema: qname.schema.clone(),
                name: q.name,
            }
        } else {
            q
        }
    });
    if let Some(p) = &def.partition_of {
        // Set early: a partition's columns come from its parent, so column checks are skipped.
        table.partition_of = Some(PartitionOf {
            parent: QName::parse(p.get_ref()),
            bound: Expr::new(String::new()),
        });
    }
    if def.columns.is_empty() && def.partition_of.is_none() {
        return Err(ctx.err(
            t.span(),
            &key,
            "a table needs at least one column",
            Some("columns = [{ name = \"id\", type = \"bigint\", primary_key = true }]".into()),
        ));
    }
    let mut seen = BTreeSet::new();
    let mut pk_cols = vec![];
    for (i, c) in def.columns.iter().enumerate() {
        let ckey = format!("{key}.columns[{i}]");
        let cd = c.get_ref();
        let cname = cd.name.get_ref().clone();
        ctx.name(&cname, cd.name.span(), &format!("{ckey}.name"))?;
        ctx.comment(&cd.comment, c.span(), &ckey)?;
        if let Some(r) = &cd.renamed_from {
            ctx.name(r, c.span(), &format!("{ckey}.renamed_from"))?;
        }
        if !seen.insert(cname.clone()) {
            return Err(ctx.err(
                cd.name.span(),
                format!("{ckey}.name"),
                format!("duplicate column `{cname}`"),
                None,
            ));
        }
        // `serial` and its kind: the dialect says what it expands to (an owned sequence and a default).
        let serial = ctx.dialect.serial(&qname, &cname, cd.ty.get_ref());
        let mut col = match serial.clone() {
            Some((int, seq, default)) => {
                let mut col = Column::new(&cname, &int);
                col.default = Some(default);
                s.sequences.insert(seq.name.clone(), seq);
                col
            }
            _ => Column::new(
                &cname,
                &ctx.ty(&cd.ty, &format!("{ckey}.type"), known, has_ext)?,
            ),
        };
        col.nullable = cd.nullable.unwrap_or(false);
        if let Some(d) = &cd.default {
            if serial.is_some() {
                return Err(ctx.err(
                    d.span(),
                    format!("{ckey}.default"),
                    "a serial column has its own default",
                    None,
                ));
            }
            col.default = Some(ctx.literal(d, &format!("{ckey}.default"))?);
        }
        if let Some(g) = &cd.generated {
            col.generated = Some(ctx.expr(g, &format!("{ckey}.generated"), false)?);
        }
        if let Some(idt) = &cd.identity {
            let bad = |msg: &str| {
                ctx.err(idt.span(), format!("{ckey}.identity"), msg.to_string(), Some("identity = true, \"always\", \"by default\" or { always = true, start = 1, increment = 1 }".into()))
            };
            let ident = match idt.get_ref() {
                IdentityDef::Flag(false) => None,
                IdentityDef::Flag(true) => Some(Identity::new(false, SeqOptions::default())),
                IdentityDef::Kind(k) => match k.to_ascii_lowercase().as_str() {
                    "always" => Some(Identity::new(true, SeqOptions::default())),
                    "by default" | "by_default" => {
                        Some(Identity::new(false, SeqOptions::default()))
                    }
                    _ => return Err(bad(&format!("unknown identity kind `{k}`"))),
                },
                IdentityDef::Options {
                    always,
                    start,
                    increment,
                    min,
                    max,
                    cache,
                    cycle,
                } => Some(Identity::new(
                    always.unwrap_or(false),
                    SeqOptions {
                        start: *start,
                        increment: *increment,
                        min: *min,
                        max: *max,
                        cache: *cache,
                        cycle: cycle.unwrap_or(false),
                    },
                )),
            };
            if ident.is_some() && !ctx.dialect.has_identity() {
                return Err(bad(&format!(
                    "{} has no identity columns: use `integer` with primary_key = true (and autoincrement = true)",
                    ctx.dialect.name()
                )));
            }
            col.identity = match ident {
                Some(mut i) => {
                    let ty = ctx
                        .dialect
                        .canonical_type(&col.ty)
                        .unwrap_or(col.ty.clone());
                    i.options = super::validate::seq_options(
                        ctx,
                        i.options,
                        &ty,
                        idt.span(),
                        &format!("{ckey}.identity"),
                    )?;
                    Some(i)
                }
                None => None,
            };
        }
        if cd.autoincrement == Some(true) {
            if !ctx.dialect.has_autoincrement() {
                return Err(ctx.err(
                    c.span(),
                    format!("{ckey}.autoincrement"),
                    format!("{} has no autoincrement", ctx.dialect.name()),
                    Some("use identity = true".into()),
                ));
            }
            if !table.options.contains(&"autoincrement".to_string()) {
                table.options.push("autoincrement".into());
            }
        }
        col.collation = ctx.collation(&cd.collation, c.span(), &ckey)?;
        col.comment = cd.comment.clone();
        col.renamed_from = cd.renamed_from.clone();
        super::validate::column(ctx, cd, c.span(), &col, &ckey)?;
        if cd.primary_key == Some(true) {
            pk_cols.push(cname.clone());
        }
        if cd.unique == Some(true) {
            table.uniques.push(Unique {
                name: String::new(),
                columns: vec![cname.clone()],
                nulls_not_distinct: false,
                deferrable: Deferrable::No,
            });
        }
        if let Some(chk) = &cd.check {
            table.checks.push(Check {
                name: String::new(),
                expr: ctx.expr(chk, &format!("{ckey}.check"), false)?,
                no_inherit: false,
                not_valid: false,
            });
        }
        if let Some(r) = &cd.references {
            let (rt, rc) = split_reference(r.get_ref());
            table.foreign_keys.push(ForeignKey {
                name: String::new(),
                columns: vec![cname.clone()],
                ref_table: rt,
                ref_columns: rc.into_iter().collect(),
                on_delete: action(ctx, &cd.on_delete, &format!("{ckey}.on_delete"))?,
                on_update: action(ctx, &cd.on_update, &format!("{ckey}.on_update"))?,
                deferrable: Deferrable::No,
                match_full: false,
                not_valid: false,
            });
        } else if let Some(a) = cd.on_delete.as_ref().or(cd.on_update.as_ref()) {
            return Err(ctx.err(
                a.span(),
                ckey.clone(),
                "on_delete/on_update need `references`",
                None,
            ));
        }
        table.columns.push(col);
    }
    if let Some(pk) = &def.primary_key {
        if !pk_cols.is_empty() {
            return Err(ctx.err(
                pk.span(),
                format!("{key}.primary_key"),
                "primary key given both on columns and on the table",
                Some("keep one of them".into()),
            ));
        }
        let (n, cols) = match pk.get_ref() {
            KeyDef::Columns(c) => (String::new(), c.clone()),
            KeyDef::Named { name, columns } => (name.clone().unwrap_or_default(), columns.clone()),
        };
        check_columns(ctx, &table, &cols, pk.span(), &format!("{key}.primary_key"))?;
        if !n.is_empty() {
            ctx.name(&n, pk.span(), &format!("{key}.primary_key.name"))?;
        }
        table.primary_key = Some(PrimaryKey {
            name: n,
            columns: cols,
        });
    } else if !pk_cols.is_empty() {
        table.primary_key = Some(PrimaryKey {
            name: String::new(),
            columns: pk_cols,
        });
    }
    for (i, u) in def.unique.iter().enumerate() {
        let v = u.get_ref();
        let k = format!("{key}.unique[{i}]");
        check_columns(ctx, &table, &v.columns, u.span(), &k)?;
        if let Some(n) = &v.name {
            ctx.name(n, u.span(), &format!("{k}.name"))?;
        }
        table.uniques.push(Unique {
            name: v.name.clone().unwrap_or_default(),
            columns: v.columns.clone(),
            nulls_not_distinct: v.nulls_not_distinct.unwrap_or(false),
            deferrable: deferrable(ctx, &v.deferrable, &format!("{k}.deferrable"))?,
        });
    }
    for (i, c) in def.checks.iter().enumerate() {
        let v = c.get_ref();
        if let Some(n) = &v.name {
            ctx.name(n, c.span(), &format!("{key}.checks[{i}].name"))?;
        }
        table.checks.push(Check {
            name: v.name.clone().unwrap_or_default(),
            expr: ctx.expr(&v.expr, &format!("{key}.checks[{i}].expr"), false)?,
            no_inherit: v.no_inherit.unwrap_or(false),
            not_valid: v.not_valid.unwrap_or(false),
        });
    }
    for (i, c) in def.constraints.iter().enumerate() {
        let v = c.get_ref();
        if v.definition.get_ref().trim().is_empty() {
            return Err(ctx.err(
                v.definition.span(),
                format!("{key}.constraints[{i}].definition"),
                "empty constraint definition",
                None,
            ));
        }
        ctx.name(&v.name, c.span(), &format!("{key}.constraints[{i}].name"))?;
        ctx.text(
            &v.definition,
            &format!("{key}.constraints[{i}].definition"),
            super::sqltext::constraint,
        )?;
        table.others.push(OtherConstraint {
            name: v.name.clone(),
            definition: Expr::new(v.definition.get_ref().trim()),
        });
    }
    for (i, fk) in def.foreign_keys.iter().enumerate() {
        let v = fk.get_ref();
        let k = format!("{key}.foreign_keys[{i}]");
        check_columns(ctx, &table, &v.columns, fk.span(), &k)?;
        let (rt, rc) = split_reference(v.references.get_ref());
        let ref_columns = match (&v.referenced_columns, rc) {
            (Some(c), _) => c.clone(),
            (None, Some(c)) => vec![c],
            (None, None) => vec![],
        };
        let (rt, ref_columns) = if v.referenced_columns.is_some() {
            (QName::parse(v.references.get_ref()), ref_columns)
        } else {
            (rt, ref_columns)
        };
        if !ref_columns.is_empty() && ref_columns.len() != v.columns.len() {
            return Err(ctx.err(
                fk.span(),
                &k,
                format!(
                    "{} columns reference {} columns",
                    v.columns.len(),
                    ref_columns.len()
                ),
                None,
            ));
        }
        if let Some(n) = &v.name {
            ctx.name(n, fk.span(), &format!("{k}.name"))?;
        }
        if let Some(m) = v
            .match_kind
            .as_ref()
            .filter(|m| !matches!(m.get_ref().to_ascii_lowercase().as_str(), "full" | "simple"))
        {
            return Err(ctx.err(
                m.span(),
                format!("{k}.match"),
                format!("unknown match `{}`", m.get_ref()),
                Some("expected \"full\" or \"simple\"".into()),
            ));
        }
        table.foreign_keys.push(ForeignKey {
            name: v.name.clone().unwrap_or_default(),
            columns: v.columns.clone(),
            ref_table: rt,
            ref_columns,
            on_delete: action(ctx, &v.on_delete, &format!("{k}.on_delete"))?,
            on_update: action(ctx, &v.on_update, &format!("{k}.on_update"))?,
            deferrable: deferrable(ctx, &v.deferrable, &format!("{k}.deferrable"))?,
            match_full: v
                .match_kind
                .as_ref()
                .is_some_and(|m| m.get_ref().eq_ignore_ascii_case("full")),
            not_valid: v.not_valid.unwrap_or(false),
        });
    }
    for (i, ix) in def.indexes.iter().enumerate() {
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
        for (j, p) in v.columns.iter().enumerate() {
            parts.push(index_part(ctx, &table, p, &format!("{k}.columns[{j}]"))?);
        }
        let include = v.include.clone().unwrap_or_default();
        check_columns(ctx, &table, &include, ix.span(), &format!("{k}.include"))?;
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
        table.indexes.push(Index {
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
        });
    }
    if let Some(p) = &def.partition_by {
        ctx.text(
            p,
            &format!("{key}.partition_by"),
            super::sqltext::partition_by,
        )?;
        table.partition_by = Some(Expr::new(p.get_ref().trim()));
    }
    match (&def.partition_of, &def.partition_bound) {
        (Some(p), Some(b)) => {
            ctx.text(
                b,
                &format!("{key}.partition_bound"),
                super::sqltext::partition_bound,
            )?;
            super::validate::qualified_name(
                ctx,
                p.get_ref(),
                p.span(),
                &format!("{key}.partition_of"),
            )?;
            table.partition_of = Some(PartitionOf {
                parent: QName::parse(p.get_ref()),
                bound: Expr::new(b.get_ref().trim()),
            })
        }
        (Some(p), None) => {
            return Err(ctx.err(p.span(), format!("{key}.partition_of"), "a partition needs `partition_bound`", Some("partition_bound = \"FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\" or \"DEFAULT\"".into())));
        }
        (None, Some(b)) => {
            return Err(ctx.err(
                b.span(),
                format!("{key}.partition_bound"),
                "`partition_bound` needs `partition_of`",
                None,
            ));
        }
        _ => {}
    }
    for o in &def.options {
        let v = o.get_ref().to_ascii_lowercase();
        let known = ctx.dialect.table_options();
        if !known.contains(&v.as_str()) {
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
        table.options.push(v);
    }
    super::validate::expressions(ctx, def, &table, &key)?;
    Ok(table)
}

/// `users.id` → (users, id); `billing.invoices.id` → (billing.invoices, id); `users` → (users, PK).
fn split_reference(r: &str) -> (QName, Option<String>) {
    let parts: Vec<&str> = r.split('.').collect();
    match parts.as_slice() {
        [t] => (QName::new(None, t), None),
        [t, c] => (QName::new(None, t), Some(c.to_string())),
        [s, t, c, ..] => (QName::new(Some(s), t), Some(c.to_string())),
        [] => (QName::default(), None),
    }
}

fn check_columns(
    ctx: &Ctx,
    t: &Table,
    cols: &[String],
    span: Range<usize>,
    key: &str,
) -> Result<(), ModelError> {
    for c in cols {
        if t.column(c).is_none() && t.partition_of.is_none() {
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
fn index_part(
    ctx: &Ctx,
    t: &Table,
    p: &Spanned<String>,
    key: &str,
) -> Result<IndexPart, ModelError> {
    let (expr, collation, opclass, desc, nulls_first) = crate::sql::split_index_part(p.get_ref());
    let e = Spanned::new(p.span(), expr.clone());
    let parsed = ctx.expr(&e, key, false)?;
    let bare = expr.trim_matches('"');
    let is_ident = bare.chars().all(|c| c.is_alphanumeric() || c == '_') && !bare.is_empty();
    if is_ident && t.column(bare).is_none() && t.partition_of.is_none() {
        return Err(ctx.err(
            p.span(),
            key,
            format!("no column `{bare}` in table {}", t.name),
            None,
        ));
    }
    // Index keys name columns the way `columns = [...]` does (exact names): quote them as SQL needs.
    let parsed = if is_ident && t.column(bare).is_some() {
        Expr::new(crate::sql::quote_ident(bare))
    } else {
        parsed
    };
    Ok(IndexPart {
        expr: parsed,
        collation,
        opclass,
        desc,
        nulls_first,
    })
}

fn check_references(
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
            super::validate::foreign_key(ctx, &key, table, fk, target, at)?;
        }
        if let Some(p) = &table.partition_of {
            if let Some(parent) = tables.get(&norm(&p.parent)) {
                let span = t.partition_of.clone().unwrap_or(t.span.clone());
                super::validate::partition(ctx, &format!("tables.{name}"), p, parent, span)?;
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
    fn of(name: &str, t: &Spanned<TableDef>) -> TableSpans {
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
