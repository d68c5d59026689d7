//! One `[tables.NAME]` → `Table`: columns (serial, identity, generated, inline keys and checks),
//! keys, constraints, foreign keys, indexes and partitioning.

use std::collections::BTreeSet;

use toml::Spanned;

use super::ctx::{action, deferrable, Ctx};
use super::file::*;
use super::table_parts::{check_columns, split_reference};
use super::ModelError;
use crate::schema::*;

pub(super) fn build_table(
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
    // Set early too: a child's inherited columns are its parents', so column checks allow them.
    if let Some(inh) = &def.inherits {
        if ctx.dialect.lacks("inheritance") || def.partition_of.is_some() {
            return Err(ctx.err(
                inh.span(),
                format!("{key}.inherits"),
                "`inherits` is for PostgreSQL tables that are not partitions",
                None,
            ));
        }
        for p in inh.get_ref() {
            super::validate::qualified_name(ctx, p, inh.span(), &format!("{key}.inherits"))?;
            table.inherits.push(QName::parse(p));
        }
    }
    if def.columns.is_empty() && def.partition_of.is_none() && !ctx.dialect.allows_empty_tables() {
        return Err(ctx.err(
            t.span(),
            &key,
            "a table needs at least one column",
            Some("columns = [{ name = \"id\", type = \"bigint\", primary_key = true }]".into()),
        ));
    }
    let mut seen = BTreeSet::new();
    let mut pk_cols = vec![];
    table.columns.reserve_exact(def.columns.len());
    for (i, c) in def.columns.iter().enumerate() {
        let ckey = format!("{key}.columns[{i}]");
        let cd = c.get_ref();
        let cname = cd.name.get_ref().clone();
        ctx.name(&cname, cd.name.span(), &format!("{ckey}.name"))?;
        ctx.comment(&cd.comment, c.span(), &ckey)?;
        if let Some(r) = &cd.renamed_from {
            ctx.name(r, c.span(), &format!("{ckey}.renamed_from"))?;
        }
        let folded = if ctx.dialect.column_names_fold_case() {
            cname.to_lowercase()
        } else {
            cname.clone()
        };
        if !seen.insert(folded) {
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
            Some((int, mut seq, mut default)) => {
                // A sequence of that name exists already: PostgreSQL numbers the new one
                // (`x_id_seq1`), and so does its default.
                let mut n = 0;
                let first = seq.name.name.clone();
                while s.sequences.contains_key(&seq.name) {
                    n += 1;
                    seq.name.name = ctx.dialect.default_name(
                        &qname.name,
                        std::slice::from_ref(&cname),
                        &format!("seq{n}"),
                    );
                }
                if n > 0 {
                    default.sql = default.sql.replace(&first, &seq.name.name);
                }
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
        if cd.stored.is_some() && cd.generated.is_none() {
            return Err(ctx.err(
                c.span(),
                format!("{ckey}.stored"),
                "`stored` is for generated columns",
                Some("add generated = \"…\", or remove stored".into()),
            ));
        }
        if let Some(g) = &cd.generated {
            col.generated = Some(ctx.expr(g, &format!("{ckey}.generated"), false)?);
            col.stored = cd.stored.unwrap_or(false);
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
                    Some(Box::new(i))
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
            if ctx.dialect.autoincrement_is_column() {
                col.auto_increment = true;
            } else if !table.options.contains(&"autoincrement".to_string()) {
                table.options.push("autoincrement".into());
            }
        }
        col.collation = ctx.collation(&cd.collation, c.span(), &ckey)?;
        col.comment = cd.comment.clone();
        col.renamed_from = cd.renamed_from.clone();
        col.at = ctx.offset.get() + cd.ty.span().start;
        if let Some(u) = &cd.using {
            col.using = Some(ctx.expr(u, &format!("{ckey}.using"), false)?);
        }
        if let Some(u) = &cd.downgrade_using {
            col.downgrade_using = Some(ctx.expr(u, &format!("{ckey}.downgrade_using"), false)?);
        }
        col.invisible = cd.invisible.unwrap_or(false);
        super::validate_table::column(ctx, cd, c.span(), &col, &ckey)?;
        super::validate_table::enum_default(ctx, s, &col, c.span(), &ckey)?;
        if cd.primary_key == Some(true) {
            pk_cols.push(cname.clone());
        }
        if cd.unique == Some(true) {
            let ty = ctx
                .dialect
                .canonical_type(&col.ty)
                .unwrap_or(col.ty.clone());
            if ctx.dialect.key_needs_prefix(&ty) {
                return Err(ctx.err(
                    c.span(),
                    format!("{ckey}.unique"),
                    format!("{} cannot make the whole {ty} column `{cname}` unique", ctx.dialect.name()),
                    Some(format!("use varchar(n), or a unique index on a prefix: indexes = [{{ columns = [\"{cname}(100)\"], unique = true }}]")),
                ));
            }
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
        } else if let (Some(u), true) = (&cd.on_update, ctx.dialect.has_on_update()) {
            if let Some(a) = &cd.on_delete {
                return Err(ctx.err(a.span(), ckey.clone(), "on_delete needs `references`", None));
            }
            let e = ctx.expr(u, &format!("{ckey}.on_update"), false)?;
            let timestamp = e.sql.to_ascii_lowercase().starts_with("current_timestamp")
                || e.sql.to_ascii_lowercase().starts_with("now(");
            if !timestamp {
                return Err(ctx.err(
                    u.span(),
                    format!("{ckey}.on_update"),
                    format!("`on_update` of a column without `references` sets it on every update of its row, and only to the current time, not `{}`", e.sql),
                    Some("write on_update = \"CURRENT_TIMESTAMP\" (a datetime or timestamp column), or add `references` for a foreign key's action".into()),
                ));
            }
            col.on_update = Some(e);
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
        let (n, cols, defer) = match pk.get_ref() {
            KeyDef::Columns(c) => (String::new(), c.clone(), Deferrable::No),
            KeyDef::Named {
                name,
                columns,
                deferrable: d,
            } => (
                name.clone().unwrap_or_default(),
                columns.clone(),
                deferrable(
                    ctx,
                    &d.as_ref().map(|x| Spanned::new(pk.span(), x.clone())),
                    &format!("{key}.primary_key.deferrable"),
                )?,
            ),
        };
        check_columns(ctx, &table, &cols, pk.span(), &format!("{key}.primary_key"))?;
        if defer != Deferrable::No && ctx.dialect.lacks("deferrable primary keys") {
            return Err(ctx.err(
                pk.span(),
                format!("{key}.primary_key.deferrable"),
                format!("{} primary keys cannot be deferrable", ctx.dialect.name()),
                Some("remove `deferrable`".into()),
            ));
        }
        if !n.is_empty() {
            ctx.name(&n, pk.span(), &format!("{key}.primary_key.name"))?;
        }
        table.primary_key = Some(PrimaryKey {
            name: n,
            columns: cols,
            deferrable: defer,
        });
    } else if !pk_cols.is_empty() {
        table.primary_key = Some(PrimaryKey {
            name: String::new(),
            columns: pk_cols,
            deferrable: Deferrable::No,
        });
    }
    for (i, u) in def.unique.iter().enumerate() {
        let v = u.get_ref();
        let k = format!("{key}.unique[{i}]");
        check_columns(ctx, &table, &v.columns, u.span(), &k)?;
        for c in &v.columns {
            if let Some(e) = super::table_parts::needs_prefix(ctx, &table, c, None, u.span(), &k) {
                return Err(e);
            }
        }
        if let Some(n) = &v.name {
            ctx.name(n, u.span(), &format!("{k}.name"))?;
        }
        let unique = Unique {
            name: v.name.clone().unwrap_or_default(),
            columns: v.columns.clone(),
            nulls_not_distinct: v.nulls_not_distinct.unwrap_or(false),
            deferrable: deferrable(ctx, &v.deferrable, &format!("{k}.deferrable"))?,
        };
        // PostgreSQL keeps one of two identical unnamed keys (and none beside the same primary key):
        // the models would never match.
        let same = |x: &Unique| {
            x.columns == unique.columns
                && x.nulls_not_distinct == unique.nulls_not_distinct
                && x.deferrable == unique.deferrable
                && (x.name.is_empty() || unique.name.is_empty())
        };
        let is_pk = unique.name.is_empty()
            && unique.deferrable == Deferrable::No
            && !unique.nulls_not_distinct
            && table
                .primary_key
                .as_ref()
                .is_some_and(|p| p.columns == unique.columns);
        if table.uniques.iter().any(same) || is_pk {
            return Err(ctx.err(
                u.span(),
                k,
                format!(
                    "this unique key on ({}) repeats {}",
                    unique.columns.join(", "),
                    if is_pk {
                        "the primary key"
                    } else {
                        "another one"
                    }
                ),
                Some("PostgreSQL keeps only one of them: remove this one".into()),
            ));
        }
        table.uniques.push(unique);
    }
    for (i, c) in def.checks.iter().enumerate() {
        let v = c.get_ref();
        if let Some(n) = &v.name {
            ctx.name(n, c.span(), &format!("{key}.checks[{i}].name"))?;
        }
        let expr = ctx.expr(&v.expr, &format!("{key}.checks[{i}].expr"), false)?;
        // MySQL refuses a check on its AUTO_INCREMENT column (error 1901): said at load.
        if let Some(col) = table
            .columns
            .iter()
            .find(|col| col.auto_increment && crate::sql::mentions(&expr.sql, &col.name))
        {
            return Err(ctx.err(
                v.expr.span(),
                format!("{key}.checks[{i}].expr"),
                format!(
                    "{} refuses a check on the autoincrement column `{}`",
                    ctx.dialect.name(),
                    col.name
                ),
                Some(
                    "drop the check (autoincrement numbers from 1 upward), or check another column"
                        .into(),
                ),
            ));
        }
        table.checks.push(Check {
            name: v.name.clone().unwrap_or_default(),
            expr,
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
        let is_exclude = v
            .definition
            .get_ref()
            .trim_start()
            .get(..7)
            .is_some_and(|w| w.eq_ignore_ascii_case("exclude"));
        let name = match &v.name {
            Some(n) => {
                ctx.name(n, c.span(), &format!("{key}.constraints[{i}].name"))?;
                n.clone()
            }
            // EXCLUDE gets PostgreSQL's default name (`t_room_id_during_excl`) when canonicalized.
            None if is_exclude => String::new(),
            None => {
                return Err(ctx.err(
                    c.span(),
                    format!("{key}.constraints[{i}].name"),
                    "this constraint needs a name",
                    Some("name = \"…\" (only EXCLUDE constraints get a default name here; write checks, keys and foreign keys under checks, unique, foreign_keys)".into()),
                ))
            }
        };
        ctx.text(
            &v.definition,
            &format!("{key}.constraints[{i}].definition"),
            super::sqltext::constraint,
        )?;
        table.others.push(OtherConstraint {
            name,
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
    table.indexes = super::table_parts::build_indexes(ctx, &table, &def.indexes, &key)?;
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
    if let Some(nn) = &def.not_null {
        if def.partition_of.is_none() {
            return Err(ctx.err(
                nn.span(),
                format!("{key}.not_null"),
                "`not_null` is for partitions (inherited columns made NOT NULL)",
                Some("on a table, write nullable = false on the column".into()),
            ));
        }
        for c in nn.get_ref() {
            ctx.name(c, nn.span(), &format!("{key}.not_null"))?;
        }
        table.not_null = nn.get_ref().clone();
    }
    let options = super::table_parts::table_options(ctx, &def.options, &key)?;
    table.options.extend(options);
    if let Some(r) = &def.row_level_security {
        table.row_security = match r.get_ref().to_ascii_lowercase().as_str() {
            "off" => RowSecurity::Off,
            "enabled" => RowSecurity::Enabled,
            "forced" => RowSecurity::Forced,
            _ => {
                return Err(ctx.err(
                    r.span(),
                    format!("{key}.row_level_security"),
                    format!("unknown row level security `{}`", r.get_ref()),
                    Some("row_level_security = \"enabled\" (policies apply to all but the owner) or \"forced\" (to the owner too)".into()),
                ))
            }
        };
        if table.row_security != RowSecurity::Off && ctx.dialect.lacks("row level security") {
            return Err(ctx.err(
                r.span(),
                format!("{key}.row_level_security"),
                format!("{} has no row level security", ctx.dialect.name()),
                None,
            ));
        }
    }
    super::validate_table::expressions(ctx, def, &table, &key)?;
    super::validate_table::autoincrement_key(ctx, t, &table, &key)?;
    Ok(table)
}
