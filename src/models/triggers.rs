//! `[triggers]` → the schema's triggers: built from their parts as PostgreSQL prints them, or taken
//! as a whole `CREATE TRIGGER` statement checked to name the trigger and table its key says.

use std::ops::Range;

use toml::Spanned;

use super::ctx::{deferrable, Ctx};
use super::file::*;
use super::objects::{lacks, on_relation, owner_and_name};
use super::validate::qualified_name;
use super::ModelError;
use crate::schema::*;

pub(super) fn word_list(
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

/// What a trigger is on, for the checks PostgreSQL makes when it creates one.
pub(super) enum Relation {
    /// A table; its own columns when they are all it has (not a partition or a child).
    Table(Option<Vec<String>>),
    View,
    MaterializedView,
}

impl Relation {
    pub(super) fn of(s: &Schema, t: &QName) -> Relation {
        let qualified = QName::new(Some("public"), &t.name);
        let view = s.views.get(t).or_else(|| s.views.get(&qualified));
        if let Some(v) = view {
            return if v.materialized {
                Relation::MaterializedView
            } else {
                Relation::View
            };
        }
        let table = s.tables.get(t).or_else(|| s.tables.get(&qualified));
        Relation::Table(table.and_then(|t| {
            (t.partition_of.is_none() && t.inherits.is_empty())
                .then(|| t.columns.iter().map(|c| c.name.clone()).collect())
        }))
    }
}

/// A trigger's parts, read.
struct Shape<'a> {
    timing: &'a str,
    events: &'a [String],
    columns: &'a [String],
    row: bool,
    constraint: bool,
}

/// The combinations PostgreSQL refuses at `CREATE TRIGGER`, refused at load instead.
fn allowed(
    ctx: &Ctx,
    key: &str,
    rel: &Relation,
    t: &Shape,
    d: &TriggerDef,
    span: Range<usize>,
) -> Result<(), ModelError> {
    let no = |msg: String, hint: &str| Err(ctx.err(span.clone(), key, msg, Some(hint.to_string())));
    let transition = d.old_table.is_some() || d.new_table.is_some();
    let view = matches!(rel, Relation::View);
    match rel {
        Relation::MaterializedView => {
            return no(
                "a materialized view cannot have triggers".into(),
                "put the trigger on a table the view reads",
            )
        }
        Relation::Table(_) if t.timing == "instead of" => {
            return no(
                "only a view can have an INSTEAD OF trigger".into(),
                "use timing = \"before\" or \"after\" on a table",
            )
        }
        Relation::View if t.timing != "instead of" && t.row => {
            return no(
                "a view's BEFORE and AFTER triggers are for each statement".into(),
                "for_each = \"statement\", or timing = \"instead of\" for each row",
            )
        }
        Relation::Table(Some(own)) => {
            if let Some(c) = t.columns.iter().find(|c| !own.contains(c)) {
                return no(
                    format!("`columns` names {c}, which the table does not have"),
                    "list columns of the trigger's table",
                );
            }
        }
        _ => {}
    }
    if let Some(c) = t
        .columns
        .iter()
        .enumerate()
        .find(|(i, c)| t.columns[..*i].contains(c))
        .map(|(_, c)| c)
    {
        return no(
            format!("`columns` names {c} twice"),
            "name each column once",
        );
    }
    if d.old_table.is_some() && d.old_table == d.new_table {
        return no(
            "`old_table` and `new_table` have the same name".into(),
            "name them apart, e.g. old_rows and new_rows",
        );
    }
    if t.timing == "instead of" && (!t.row || !t.columns.is_empty() || d.when.is_some()) {
        return no(
            "an INSTEAD OF trigger is for each row, with no `columns` and no `when`".into(),
            "for_each = \"row\"",
        );
    }
    if t.constraint && (t.timing != "after" || !t.row || transition) {
        return no(
            "a constraint trigger is AFTER, for each row, with no transition tables".into(),
            "timing = \"after\" and for_each = \"row\"",
        );
    }
    if t.row && t.events.iter().any(|e| e == "truncate") {
        return no(
            "a TRUNCATE trigger is for each statement".into(),
            "for_each = \"statement\"",
        );
    }
    if transition {
        let why = if t.timing != "after" {
            Some("only an AFTER trigger has transition tables")
        } else if view {
            Some("a trigger on a view has no transition tables")
        } else if t.events.len() > 1 {
            Some("a trigger with transition tables has one event")
        } else if !t.columns.is_empty() {
            Some("a trigger with transition tables has no `columns`")
        } else if d.old_table.is_some() && !t.events.iter().any(|e| e == "update" || e == "delete")
        {
            Some("`old_table` is for an UPDATE or DELETE trigger")
        } else if d.new_table.is_some() && !t.events.iter().any(|e| e == "update" || e == "insert")
        {
            Some("`new_table` is for an INSERT or UPDATE trigger")
        } else {
            None
        };
        if let Some(why) = why {
            return no(
                why.into(),
                "see CREATE TRIGGER … REFERENCING in the PostgreSQL manual",
            );
        }
    }
    if let Some(w) = &d.when {
        let words = crate::sql::words(w.get_ref());
        let says = |x: &str| words.iter().any(|v| v == x);
        // `NEW.col` / `OLD.col`: the column must be the table's.
        let read = crate::sql::row_references(w.get_ref());
        let unknown = match rel {
            Relation::Table(Some(own)) => read.iter().find(|c| !own.contains(c)).cloned(),
            _ => None,
        };
        let why = if says("select") {
            Some("a trigger's `when` cannot have a subquery".to_string())
        } else if let Some(c) = unknown {
            Some(format!("`when` reads {c}, which the table does not have"))
        } else if !t.row && (says("new") || says("old")) {
            Some("a statement trigger's `when` cannot read NEW or OLD".to_string())
        } else if t.events.iter().all(|e| e == "insert") && says("old") {
            Some("an INSERT trigger's `when` cannot read OLD".to_string())
        } else if t.events.iter().all(|e| e == "delete") && says("new") {
            Some("a DELETE trigger's `when` cannot read NEW".to_string())
        } else {
            None
        };
        if let Some(why) = why {
            return Err(ctx.err(w.span(), format!("{key}.when"), why, None));
        }
    }
    Ok(())
}

/// `CREATE TRIGGER` text from a trigger's parts, as PostgreSQL prints it (`pg_get_triggerdef`).
fn trigger_text(
    ctx: &Ctx,
    key: &str,
    name: &str,
    table: &QName,
    rel: &Relation,
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
    let shape = Shape {
        timing: &timing,
        events: &evs,
        columns: &cols,
        row,
        constraint,
    };
    allowed(ctx, key, rel, &shape, d, span.clone())?;
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

/// A `CREATE TRIGGER` / `CREATE RULE` statement names the object and table its key says it does
/// (otherwise the database would make another object than the one the models track).
pub(super) fn check_target(
    ctx: &Ctx,
    sql: &Spanned<String>,
    key: &str,
    kind: &str,
    name: &str,
    table: &QName,
) -> Result<(), ModelError> {
    use super::create_text::{statement_target, Target, Written};
    let text = sql.get_ref();
    let d = ctx.dialect.parser();
    let Target {
        name: wname,
        name_at,
        table: wtable,
        table_at,
    } = statement_target(text, d.as_ref(), kind)
        .map_err(|e| ctx.err_in(sql.span(), text, e, &format!("{key}.sql")))?;
    let same = |w: &Written, n: &str| {
        if ctx.dialect.names_fold_case() {
            w.text.eq_ignore_ascii_case(n)
        } else if w.quoted {
            w.text == n
        } else {
            w.text.to_lowercase() == n
        }
    };
    let fail = |offset: usize, msg: String, hint: String| {
        let e = super::sqltext::TextError {
            offset,
            msg,
            hint: Some(hint),
        };
        ctx.err_in(sql.span(), text, e, &format!("{key}.sql"))
    };
    let lower = kind.to_lowercase();
    if !same(&wname, name) {
        return Err(fail(
            name_at,
            format!(
                "this statement creates the {lower} `{}`, but its key names it `{name}`",
                wname.text
            ),
            "write the same name in both (a quoted name keeps its case)".to_string(),
        ));
    }
    let (wschema, wtab) = match wtable.as_slice() {
        [t] => (None, t),
        [sch, t] => (Some(sch), t),
        _ => {
            return Err(fail(
                table_at,
                format!(
                    "`{}` is not a table name",
                    wtable
                        .iter()
                        .map(|w| w.text.as_str())
                        .collect::<Vec<_>>()
                        .join(".")
                ),
                "write `table` or `schema.table`".into(),
            ))
        }
    };
    let schema_ok = match (wschema, &table.schema) {
        (None, None) => true,
        (Some(w), None) => same(w, ctx.dialect.default_namespace()),
        (Some(w), Some(s)) => same(w, s),
        (None, Some(_)) => false,
    };
    if !schema_ok || !same(wtab, &table.name) {
        return Err(fail(
            table_at,
            format!(
                "this statement puts the {lower} on `{}`, but the models put it on `{table}`",
                wtable
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(".")
            ),
            "write the same table in the statement and in `table` (or the key)".to_string(),
        ));
    }
    Ok(())
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
                    super::create_text::create_statement(t, d, "TRIGGER")
                })?;
                check_target(ctx, sql, &key, "TRIGGER", &name, &table)?;
                if matches!(Relation::of(s, &table), Relation::MaterializedView) {
                    return Err(ctx.err(
                        d.span(),
                        key,
                        "a materialized view cannot have triggers",
                        Some("put the trigger on a table the view reads".into()),
                    ));
                }
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
            None => {
                let rel = Relation::of(s, &table);
                trigger_text(ctx, &key, &name, &table, &rel, def, d.span())?
            }
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
