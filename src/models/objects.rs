//! `[views]`, `[materialized_views]`, `[triggers]`, `[policies]` and `[rules]` → the schema's
//! objects, each error at its line:col; the tables they name must be in the models.

use std::ops::Range;

use toml::Spanned;

use super::ctx::{deferrable, Ctx};
use super::file::*;
use super::validate::{normalized, qualified_name};
use super::ModelError;
use crate::schema::*;

/// The table an object is on and its own name: `table = "t"` with the key as the name, or the key
/// `"t.name"` / `"schema.t.name"`.
fn owner_and_name(
    ctx: &Ctx,
    section: &str,
    k: &str,
    table: &Option<Spanned<String>>,
    span: Range<usize>,
) -> Result<(QName, String), ModelError> {
    let key = format!("{section}.{k}");
    if let Some(t) = table {
        qualified_name(ctx, t.get_ref(), t.span(), &format!("{key}.table"))?;
        ctx.name(k, span, &key)?;
        return Ok((normalized(ctx, t.get_ref()), k.to_string()));
    }
    match k.rsplit_once('.') {
        Some((t, n)) if !t.is_empty() && !n.is_empty() => {
            qualified_name(ctx, t, span.clone(), &key)?;
            ctx.name(n, span, &key)?;
            Ok((normalized(ctx, t), n.to_string()))
        }
        _ => Err(ctx.err(
            span,
            key,
            "which table is this on?",
            Some(format!(
                "write `table = \"orders\"`, or name it after its table: [{section}.\"orders.{k}\"]"
            )),
        )),
    }
}

fn lacks(ctx: &Ctx, section: &str, name: &str, span: Range<usize>) -> Result<(), ModelError> {
    if ctx.dialect.lacks(section) {
        return Err(ctx.err(
            span,
            format!("{section}.{name}"),
            format!(
                "{} has no {}: [{section}] cannot be used with this database",
                ctx.dialect.name(),
                section.replace('_', " ")
            ),
            None,
        ));
    }
    Ok(())
}

fn view_common(
    ctx: &Ctx,
    section: &str,
    name: &str,
    sql: &Spanned<String>,
    span: Range<usize>,
    comment: &Option<String>,
) -> Result<View, ModelError> {
    let key = format!("{section}.{name}");
    ctx.at(&key);
    lacks(ctx, section, name, span.clone())?;
    qualified_name(ctx, name, span.clone(), &key)?;
    ctx.text(sql, &format!("{key}.sql"), super::sqltext::query)?;
    ctx.comment(comment, span, &key)?;
    let mut v = View::new(
        normalized(ctx, name),
        sql.get_ref().trim().trim_end_matches(';').trim_end(),
    );
    v.comment = comment.clone();
    v.at = ctx.file_pos(&key, &sql.span());
    Ok(v)
}

pub(super) fn build_views(ctx: &Ctx, f: &File, s: &mut Schema) -> Result<(), ModelError> {
    for (name, d) in &f.views {
        let def = d.get_ref();
        let mut v = view_common(ctx, "views", name, &def.sql, d.span(), &def.comment)?;
        let key = format!("views.{name}");
        if let Some(c) = &def.check_option {
            let l = c.get_ref().to_ascii_lowercase();
            if !matches!(l.as_str(), "local" | "cascaded") {
                return Err(ctx.err(
                    c.span(),
                    format!("{key}.check_option"),
                    format!("unknown check option `{}`", c.get_ref()),
                    Some("check_option = \"local\" or \"cascaded\"".into()),
                ));
            }
            v.check_option = Some(l);
        }
        if let Some(c) = &def.columns {
            if ctx.dialect.lacks("view column names") {
                return Err(ctx.err(
                    c.span(),
                    format!("{key}.columns"),
                    format!(
                        "{} keeps a view's column names in its query",
                        ctx.dialect.name()
                    ),
                    Some("name them in the query: SELECT count(*) AS n …".into()),
                ));
            }
            for n in c.get_ref() {
                ctx.name(n, c.span(), &format!("{key}.columns"))?;
            }
            v.names = c.get_ref().clone();
        }
        v.security_barrier = def.security_barrier.unwrap_or(false);
        v.security_invoker = def.security_invoker.unwrap_or(false);
        if (v.check_option.is_some() || v.security_barrier || v.security_invoker)
            && ctx.dialect.lacks("view options")
        {
            return Err(ctx.err(
                d.span(),
                key,
                format!("{} views have no options", ctx.dialect.name()),
                Some("leave out check_option, security_barrier and security_invoker".into()),
            ));
        }
        insert_view(ctx, s, v, d.span(), &format!("views.{name}"))?;
    }
    for (name, d) in &f.materialized_views {
        let def = d.get_ref();
        let mut v = view_common(
            ctx,
            "materialized_views",
            name,
            &def.sql,
            d.span(),
            &def.comment,
        )?;
        v.materialized = true;
        v.with_data = def.with_data.unwrap_or(true);
        // The view's columns are known to the server only: index keys are not checked against them.
        let mut holder = Table::new(v.name.clone());
        holder.inherits.push(v.name.clone());
        v.indexes = super::table_parts::build_indexes(
            ctx,
            &holder,
            &def.indexes,
            &format!("materialized_views.{name}"),
        )?;
        // Index keys that are plain names are the view's columns, quoted as SQL needs.
        for p in v.indexes.iter_mut().flat_map(|i| i.parts.iter_mut()) {
            let bare = p.expr.sql.trim_matches('"').to_string();
            if !bare.is_empty() && bare.chars().all(|c| c.is_alphanumeric() || c == '_') {
                p.expr = Expr::new(crate::sql::quote_ident(&bare));
            }
        }
        insert_view(ctx, s, v, d.span(), &format!("materialized_views.{name}"))?;
    }
    Ok(())
}

fn insert_view(
    ctx: &Ctx,
    s: &mut Schema,
    v: View,
    span: Range<usize>,
    key: &str,
) -> Result<(), ModelError> {
    if s.tables.contains_key(&v.name) || s.views.contains_key(&v.name) {
        return Err(ctx.err(
            span,
            key,
            format!(
                "{} is defined twice (a table and a view, or two views)",
                v.name
            ),
            Some("tables, views and materialized views share one set of names".into()),
        ));
    }
    s.views.insert(v.name.clone(), v);
    Ok(())
}

/// The table or view `t` names, for a trigger or rule on it.
fn on_relation(
    ctx: &Ctx,
    s: &Schema,
    t: &QName,
    views_too: bool,
    span: Range<usize>,
    key: &str,
) -> Result<(), ModelError> {
    if s.tables.contains_key(t) || (views_too && s.views.contains_key(t)) {
        return Ok(());
    }
    Err(ctx.err(
        span,
        key,
        format!("table {t} is not in the models"),
        Some("define it under [tables] (or [views]) in this file".into()),
    ))
}

fn word_list(
    ctx: &Ctx,
    key: &str,
    span: Range<usize>,
    v: &str,
    allowed: &[&str],
) -> Result<String, ModelError> {
    let l = v.trim().to_ascii_lowercase();
    if allowed.contains(&l.as_str()) {
        return Ok(l);
    }
    Err(ctx.err(
        span,
        key,
        format!("unknown value `{v}`"),
        Some(format!("expected one of: {}", allowed.join(", "))),
    ))
}

/// `CREATE TRIGGER` text from a trigger's parts, as PostgreSQL prints it (`pg_get_triggerdef`).
fn trigger_text(
    ctx: &Ctx,
    key: &str,
    name: &str,
    table: &QName,
    d: &TriggerDef,
    span: Range<usize>,
) -> Result<String, ModelError> {
    let q = crate::sql::quote_ident;
    let timing = match &d.timing {
        Some(t) => word_list(
            ctx,
            &format!("{key}.timing"),
            t.span(),
            t.get_ref(),
            &["before", "after", "instead of"],
        )?,
        None => {
            return Err(ctx.err(
                span,
                key,
                "a trigger needs its `timing`",
                Some("timing = \"before\", \"after\" or \"instead of\"".into()),
            ))
        }
    };
    let Some(events) = &d.events else {
        return Err(ctx.err(
            span,
            key,
            "a trigger needs its `events`",
            Some("events = [\"insert\", \"update\", \"delete\"] (or \"truncate\")".into()),
        ));
    };
    let mut evs = vec![];
    for e in events.get_ref() {
        evs.push(word_list(
            ctx,
            &format!("{key}.events"),
            events.span(),
            e,
            &["insert", "update", "delete", "truncate"],
        )?);
    }
    if evs.is_empty() {
        return Err(ctx.err(events.span(), format!("{key}.events"), "no events", None));
    }
    let cols = d.columns.clone().unwrap_or_default();
    if !cols.is_empty() && !evs.iter().any(|e| e == "update") {
        return Err(ctx.err(
            span,
            format!("{key}.columns"),
            "`columns` are for UPDATE OF: the events have no \"update\"",
            None,
        ));
    }
    // PostgreSQL prints the events in this order.
    let mut parts = vec![];
    for e in ["insert", "delete", "update", "truncate"] {
        if evs.iter().any(|x| x == e) {
            let mut p = e.to_uppercase();
            if e == "update" && !cols.is_empty() {
                let c: Vec<String> = cols.iter().map(|c| q(c)).collect();
                p.push_str(&format!(" OF {}", c.join(", ")));
            }
            parts.push(p);
        }
    }
    let row = match &d.for_each {
        Some(f) => {
            word_list(
                ctx,
                &format!("{key}.for_each"),
                f.span(),
                f.get_ref(),
                &["row", "statement"],
            )? == "row"
        }
        None => false,
    };
    let Some(func) = &d.function else {
        return Err(ctx.err(
            span,
            key,
            "a trigger needs the `function` it runs",
            Some(
                "function = \"set_updated_at\" (a function returning trigger, in [functions])"
                    .into(),
            ),
        ));
    };
    let fname = func
        .get_ref()
        .trim()
        .trim_end_matches("()")
        .trim()
        .to_string();
    qualified_name(ctx, &fname, func.span(), &format!("{key}.function"))?;
    let constraint = d.constraint.unwrap_or(false);
    let defer = deferrable(ctx, &d.deferrable, &format!("{key}.deferrable"))?;
    if defer != Deferrable::No && !constraint {
        return Err(ctx.err(
            span,
            format!("{key}.deferrable"),
            "only a constraint trigger can be deferred",
            Some("add constraint = true".into()),
        ));
    }
    let schema = table.schema.as_deref().unwrap_or("public");
    let mut s = format!(
        "CREATE {}TRIGGER {} {} {} ON {}.{}",
        if constraint { "CONSTRAINT " } else { "" },
        q(name),
        timing.to_uppercase(),
        parts.join(" OR "),
        q(schema),
        q(&table.name)
    );
    if constraint {
        s.push_str(match defer {
            Deferrable::No => " NOT DEFERRABLE INITIALLY IMMEDIATE",
            Deferrable::Immediate => " DEFERRABLE INITIALLY IMMEDIATE",
            Deferrable::Deferred => " DEFERRABLE INITIALLY DEFERRED",
        });
    }
    if d.old_table.is_some() || d.new_table.is_some() {
        s.push_str(" REFERENCING");
        if let Some(o) = &d.old_table {
            ctx.name(o, span.clone(), &format!("{key}.old_table"))?;
            s.push_str(&format!(" OLD TABLE AS {}", q(o)));
        }
        if let Some(n) = &d.new_table {
            ctx.name(n, span.clone(), &format!("{key}.new_table"))?;
            s.push_str(&format!(" NEW TABLE AS {}", q(n)));
        }
    }
    s.push_str(if row {
        " FOR EACH ROW"
    } else {
        " FOR EACH STATEMENT"
    });
    if let Some(w) = &d.when {
        let e = ctx.expr(w, &format!("{key}.when"), false)?;
        s.push_str(&format!(
            " WHEN ({})",
            crate::sql::strip_outer_parens(&e.sql)
        ));
    }
    let fq = QName::parse(&fname);
    let fsql = match &fq.schema {
        Some(sc) => format!("{}.{}", q(sc), q(&fq.name)),
        None => q(&fq.name),
    };
    let args: Vec<String> = d
        .arguments
        .iter()
        .flatten()
        .map(|a| crate::sql::quote_literal(a))
        .collect();
    s.push_str(&format!(" EXECUTE FUNCTION {fsql}({})", args.join(", ")));
    Ok(s)
}

pub(super) fn build_triggers(ctx: &Ctx, f: &File, s: &mut Schema) -> Result<(), ModelError> {
    for (k, d) in &f.triggers {
        let key = format!("triggers.{k}");
        ctx.at(&key);
        let def = d.get_ref();
        lacks(ctx, "triggers", k, d.span())?;
        let (table, name) = owner_and_name(ctx, "triggers", k, &def.table, d.span())?;
        on_relation(ctx, s, &table, true, d.span(), &key)?;
        let parts = def.timing.is_some()
            || def.events.is_some()
            || def.function.is_some()
            || def.when.is_some()
            || def.for_each.is_some();
        let sql = match &def.sql {
            Some(sql) if parts => return Err(ctx.err(
                sql.span(),
                key,
                "a trigger is either its parts (timing, events, function …) or its `sql`, not both",
                None,
            )),
            Some(sql) => {
                ctx.text(sql, &format!("{key}.sql"), |t, d| {
                    super::sqltext::create_statement(t, d, "TRIGGER")
                })?;
                sql.get_ref()
                    .trim()
                    .trim_end_matches(';')
                    .trim_end()
                    .to_string()
            }
            None if ctx.dialect.lacks("trigger parts") => {
                return Err(ctx.err(
                    d.span(),
                    key,
                    format!(
                        "{} triggers are written as their whole statement",
                        ctx.dialect.name()
                    ),
                    Some("sql = \"CREATE TRIGGER name AFTER INSERT ON t BEGIN … END\"".into()),
                ))
            }
            None => trigger_text(ctx, &key, &name, &table, def, d.span())?,
        };
        s.triggers.insert(
            (table.clone(), name.clone()),
            Trigger {
                name,
                table,
                sql: Expr::new(sql),
            },
        );
    }
    Ok(())
}

pub(super) fn build_policies(ctx: &Ctx, f: &File, s: &mut Schema) -> Result<(), ModelError> {
    for (k, d) in &f.policies {
        let key = format!("policies.{k}");
        ctx.at(&key);
        let def = d.get_ref();
        lacks(ctx, "policies", k, d.span())?;
        let (table, name) = owner_and_name(ctx, "policies", k, &def.table, d.span())?;
        on_relation(ctx, s, &table, false, d.span(), &key)?;
        let command = match &def.command {
            Some(c) => word_list(
                ctx,
                &format!("{key}.command"),
                c.span(),
                c.get_ref(),
                &["all", "select", "insert", "update", "delete"],
            )?,
            None => "all".into(),
        };
        let permissive = match &def.kind {
            Some(a) => {
                word_list(
                    ctx,
                    &format!("{key}.as"),
                    a.span(),
                    a.get_ref(),
                    &["permissive", "restrictive"],
                )? == "permissive"
            }
            None => true,
        };
        let mut roles = vec![];
        for r in def.roles.iter().flatten() {
            ctx.name(r, d.span(), &format!("{key}.roles"))?;
            roles.push(if r.eq_ignore_ascii_case("public") {
                "public".to_string()
            } else {
                r.clone()
            });
        }
        let using = def
            .using
            .as_ref()
            .map(|e| ctx.expr(e, &format!("{key}.using"), false))
            .transpose()?;
        let with_check = def
            .with_check
            .as_ref()
            .map(|e| ctx.expr(e, &format!("{key}.with_check"), false))
            .transpose()?;
        if command == "insert" && using.is_some() {
            return Err(ctx.err(
                d.span(),
                format!("{key}.using"),
                "an INSERT policy has only `with_check` (there are no existing rows to filter)",
                None,
            ));
        }
        if matches!(command.as_str(), "select" | "delete") && with_check.is_some() {
            return Err(ctx.err(
                d.span(),
                format!("{key}.with_check"),
                format!(
                    "a {} policy has only `using` (no new rows are checked)",
                    command.to_uppercase()
                ),
                None,
            ));
        }
        s.policies.insert(
            (table.clone(), name.clone()),
            Policy {
                name,
                table,
                command,
                permissive,
                roles,
                using,
                with_check,
            },
        );
    }
    for (k, d) in &f.rules {
        let key = format!("rules.{k}");
        ctx.at(&key);
        let def = d.get_ref();
        lacks(ctx, "rules", k, d.span())?;
        let (table, name) = owner_and_name(ctx, "rules", k, &def.table, d.span())?;
        on_relation(ctx, s, &table, true, d.span(), &key)?;
        ctx.text(&def.sql, &format!("{key}.sql"), |t, d| {
            super::sqltext::create_statement(t, d, "RULE")
        })?;
        s.rules.insert(
            (table.clone(), name.clone()),
            Rule {
                name,
                table,
                sql: Expr::new(def.sql.get_ref().trim().trim_end_matches(';').trim_end()),
            },
        );
    }
    Ok(())
}
