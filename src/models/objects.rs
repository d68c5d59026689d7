//! `[views]`, `[materialized_views]`, `[policies]` and `[rules]` → the schema's objects (triggers:
//! `triggers.rs`), each error at its line:col; the tables they name must be in the models.

use std::ops::Range;

use toml::Spanned;

use super::ctx::Ctx;
use super::file::*;
use super::triggers::word_list;
use super::validate::{normalized, qualified_name};
use super::ModelError;
use crate::schema::*;

/// The table an object is on and its own name: `table = "t"` with the key as the name, or the key
/// `"t.name"` / `"schema.t.name"`.
pub(super) fn owner_and_name(
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

pub(super) fn lacks(
    ctx: &Ctx,
    section: &str,
    name: &str,
    span: Range<usize>,
) -> Result<(), ModelError> {
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
                p.expr = Expr::new(ctx.dialect.ident(&bare));
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
pub(super) fn on_relation(
    ctx: &Ctx,
    s: &Schema,
    t: &QName,
    views_too: bool,
    span: Range<usize>,
    key: &str,
) -> Result<(), ModelError> {
    // Tables keep the default schema when the key names it (`public.a.b`, left out later).
    let qualified = QName::new(Some(ctx.dialect.default_namespace()), &t.name);
    let known = |q: &QName| s.tables.contains_key(q) || (views_too && s.views.contains_key(q));
    if known(t) || (t.schema.is_none() && known(&qualified)) {
        return Ok(());
    }
    Err(ctx.err(
        span,
        key,
        format!("table {t} is not in the models"),
        Some("define it under [tables] (or [views]) in this file".into()),
    ))
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
            // `public` and the role keywords are reserved: no role has those names.
            let lower = r.to_ascii_lowercase();
            roles.push(
                if ["public", "current_user", "current_role", "session_user"]
                    .contains(&lower.as_str())
                {
                    lower
                } else {
                    r.clone()
                },
            );
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
                written_roles: None,
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
            super::create_text::create_statement(t, d, "RULE")
        })?;
        super::triggers::check_target(ctx, &def.sql, &key, "RULE", &name, &table)?;
        let text = crate::sql::text_key(def.sql.get_ref());
        if name == "_RETURN" || text.contains(" as on select to ") {
            return Err(ctx.err(
                d.span(),
                key,
                "an ON SELECT rule (`_RETURN`) is how PostgreSQL makes a view",
                Some("write the view under [views] instead".into()),
            ));
        }
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
