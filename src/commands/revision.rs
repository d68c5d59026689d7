//! `revision` (empty, or `--autogenerate`d from the database and the models) and `merge`.

use std::io::Write;

use super::{print_unmanaged, revision_file_name, runner, show_heads, w, Ctx};
use crate::dialect;
use crate::dialect::conn::Missing;
use crate::error::Error;
use crate::revision::file::{self as rfile, Revision, Statement};
use crate::revision::{target, RevisionError};

pub fn revision(
    ctx: &Ctx,
    message: &str,
    auto: bool,
    rev_id: Option<String>,
    head: Option<String>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Error> {
    if let Some(id) = &rev_id {
        rfile::valid_id(id).map_err(|m| Error::Usage(format!("invalid --rev-id: {m}")))?;
    }
    // An empty revision needs no database: without a URL the dialect comes from the existing revisions.
    let d = match ctx.dialect() {
        Ok(d) => d,
        Err(e) if auto => return Err(e),
        Err(e) => {
            let map = ctx.map(dialect::fallback())?;
            let found = map
                .heads()
                .first()
                .and_then(|h| map.get(h))
                .and_then(|r| dialect::by_name(&r.dialect));
            found.ok_or(e)?
        }
    };
    let map = ctx.map(d)?;
    let parent: Vec<String> = match &head {
        Some(h) if h == "base" => vec![],
        Some(h) => target::resolve(&map, &[], h)?,
        None => target::single_head(&map)?,
    };
    let id = rev_id.unwrap_or_else(rfile::new_id);
    if map.get(&id).is_some() {
        return Err(RevisionError::DuplicateId {
            id: id.clone(),
            a: map.get(&id).unwrap().path.display().to_string(),
            b: "(new)".into(),
        }
        .into());
    }
    // The plans to write: one revision, or (an enum value added and used at once) two, the first
    // committing the new values.
    let mut plans: Vec<crate::autogenerate::Plan> = vec![];
    if auto {
        let t0 = std::time::Instant::now();
        let trace = |what: &str| {
            if std::env::var_os("AUTOGEN_TRACE").is_some() {
                eprintln!(
                    "revision: {what} at {:?}, {}",
                    t0.elapsed(),
                    crate::trace::memory_use()
                );
            }
        };
        let mut conn = ctx.connect_for_models(
            if map.is_empty() {
                Missing::Empty
            } else {
                Missing::Refuse
            },
            d,
        )?;
        trace("connected");
        let mut r = runner(conn.as_mut());
        // Revisions of another dialect: say so, before "not up to date" sends the user elsewhere.
        r.check_dialect(&map.history())?;
        let cur = r.current()?;
        if cur != parent {
            let pending: Vec<String> = map
                .upgrade_path(&cur, &parent)
                .iter()
                .map(|r| format!("{} ({})", r.id, r.path.display()))
                .collect();
            return Err(Error::NotUpToDate {
                current: show_heads(&cur),
                head: show_heads(&parent),
                pending: if pending.is_empty() {
                    String::new()
                } else {
                    format!("; not applied yet: {}", pending.join(", "))
                },
            });
        }
        let (m, live) = ctx.models_and_live(d, conn.as_mut())?;
        trace("models loaded while introspecting");
        print_unmanaged(out, &live.unmanaged)?;
        plans = crate::autogenerate::plans(&live, &m.schema, d);
        trace("planned");
        needs_using(&ctx.paths.models, &plans, d)?;
        still_used(&ctx.paths.models, &plans, &m.schema)?;
        super::discard((m, live));
        if plans.iter().all(|p| p.is_empty()) {
            w(
                out,
                "No changes detected: the database matches the models; no revision written.",
            )?;
            return Ok(0);
        }
    }
    let stmts = |v: &[String]| {
        v.iter()
            .map(|sql| Statement {
                sql: sql.clone(),
                line: 0,
            })
            .collect()
    };
    std::fs::create_dir_all(&ctx.paths.versions).map_err(|e| Error::io(&ctx.paths.versions, e))?;
    let n = plans.len().max(1);
    let mut down_rev = parent;
    for i in 0..n {
        let last = i + 1 == n;
        let (rid, msg) = if last {
            (id.clone(), message.to_string())
        } else {
            (
                rfile::new_id(),
                format!("{message} (new enum values, committed first)"),
            )
        };
        let path = ctx.paths.versions.join(revision_file_name(&rid, &msg));
        let mut rev = Revision::new(&rid, down_rev.clone(), &msg, d.name(), path.clone());
        rev.created = crate::runner::now_utc();
        if let Some(p) = plans.get(i) {
            rev.warnings = p.warnings.clone();
            rev.downgrade_warnings = p.downgrade_warnings.clone();
            rev.upgrade = stmts(&p.upgrade);
            rev.downgrade = stmts(&p.downgrade);
        }
        rfile::write_atomic(&path, &rfile::render(&rev)).map_err(|e| Error::io(&path, e))?;
        w(out, format!("Generated {}", path.display()))?;
        for wn in &rev.warnings {
            let _ = writeln!(err, "warning: {}", rfile::comment_text(wn));
        }
        for wn in &rev.downgrade_warnings {
            let _ = writeln!(err, "warning (downgrade): {}", rfile::comment_text(wn));
        }
        down_rev = vec![rid];
    }
    if n > 1 {
        let _ = writeln!(err, "note: an enum value is added and used in this change; PostgreSQL cannot use a new value before its ALTER TYPE … ADD VALUE commits, so the new values are a revision of their own");
    }
    for p in &plans {
        for h in &p.hints {
            let _ = writeln!(err, "hint: {}", rfile::comment_text(h));
        }
    }
    Ok(0)
}

pub fn merge(ctx: &Ctx, message: &str, revs: &[String], out: &mut dyn Write) -> Result<u8, Error> {
    let d = ctx.dialect().unwrap_or(dialect::fallback());
    let map = ctx.map(d)?;
    let parents: Vec<String> = if revs.is_empty() || revs == ["heads"] {
        map.heads()
    } else {
        let mut v: Vec<String> = vec![];
        for r in revs {
            let id = map.resolve(r)?;
            if !v.contains(&id) {
                v.push(id);
            }
        }
        v
    };
    if parents.len() < 2 {
        return Err(Error::Usage(format!(
            "merge needs at least two revisions, got: {}",
            parents.join(", ")
        )));
    }
    let id = rfile::new_id();
    let path = ctx.paths.versions.join(revision_file_name(&id, message));
    let mut rev = Revision::new(&id, parents, message, d.name(), path.clone());
    rev.created = crate::runner::now_utc();
    rfile::write_atomic(&path, &rfile::render(&rev)).map_err(|e| Error::io(&path, e))?;
    w(out, format!("Generated {}", path.display()))?;
    Ok(0)
}

/// A type change the database has no conversion for is an error at the column's `type`, asking for
/// the `using` expression, instead of a revision that fails at upgrade.
fn needs_using(
    models: &std::path::Path,
    plans: &[crate::autogenerate::Plan],
    d: &dyn crate::dialect::Dialect,
) -> Result<(), Error> {
    for op in plans.iter().flat_map(|p| &p.ops) {
        if let crate::op::Op::AlterColumn { table, from, to } = op {
            if from.ty != to.ty && to.using.is_none() && d.cast_missing(&from.ty, &to.ty) {
                return Err(crate::models::error_at(
                    models,
                    to.at,
                    format!("tables.{table}.columns.{}.type", to.name),
                    format!(
                        "{} has no conversion from {} to {}, so changing {table}.{} cannot run as written",
                        d.name(),
                        from.ty,
                        to.ty,
                        to.name
                    ),
                    Some(format!(
                        "say how to convert the values: using = \"…\" on the column, an expression of `{}` (e.g. using = \"to_timestamp({})\" for seconds since 1970)",
                        to.name, to.name
                    )),
                )
                .into());
            }
        }
    }
    Ok(())
}

/// The byte offset of `[kind.name]` (or `[kind."name"]`) in the models file, for errors about a
/// section found after loading; 0 when it is not there.
fn section_at(models: &std::path::Path, kind: &str, name: &str) -> usize {
    let text = std::fs::read_to_string(models).unwrap_or_default();
    let heads = [format!("[{kind}.{name}]"), format!("[{kind}.\"{name}\"]")];
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if heads.iter().any(|h| line.trim() == h) {
            return pos;
        }
        pos += line.len();
    }
    0
}

/// Objects a plan drops while the models still use them, and collations it would have to drop and
/// make again under columns that use them: errors now, instead of a revision PostgreSQL refuses.
fn still_used(
    models: &std::path::Path,
    plans: &[crate::autogenerate::Plan],
    want: &crate::schema::Schema,
) -> Result<(), Error> {
    use crate::op::Op;
    use crate::schema::QName;
    let sql_name = |q: &QName| match &q.schema {
        Some(s) => format!("\"{s}\".\"{}\"", q.name),
        None => format!("\"{}\"", q.name),
    };
    let ops: Vec<&Op> = plans.iter().flat_map(|p| &p.ops).collect();
    let users = |c: &str| -> Vec<String> {
        let mut v = vec![];
        for t in want.tables.values() {
            for col in &t.columns {
                if col.collation.as_deref() == Some(c) {
                    v.push(format!("{}.{}", t.name, col.name));
                }
            }
            for i in &t.indexes {
                if i.parts.iter().any(|p| p.collation.as_deref() == Some(c)) {
                    v.push(format!("index {}", i.name));
                }
            }
        }
        v
    };
    for op in &ops {
        match op {
            Op::DropCollation(c) => {
                let used = users(&sql_name(&c.name));
                if used.is_empty() {
                    continue;
                }
                let remade = ops
                    .iter()
                    .any(|o| matches!(o, Op::CreateCollation(n) if n.name == c.name));
                let (msg, hint) = if remade {
                    (
                        format!(
                            "collation {} changes, and PostgreSQL cannot change a collation that {} use(s) in place",
                            c.name,
                            used.join(", ")
                        ),
                        format!("give the changed collation another name ([collations.{}_v2]), point the columns at it, and remove [collations.{}] in a later revision", c.name.name, c.name.name),
                    )
                } else {
                    (
                        format!(
                            "collation {} is not in the models but {} use(s) it",
                            c.name,
                            used.join(", ")
                        ),
                        format!(
                            "add [collations.{}] (inspect shows it), or stop using it",
                            c.name
                        ),
                    )
                };
                return Err(crate::models::error_at(
                    models,
                    section_at(models, "collations", &c.name.to_string()),
                    format!("collations.{}", c.name),
                    msg,
                    Some(hint),
                )
                .into());
            }
            Op::DropTsDictionary(dct) => {
                let bare = dct.name.to_string();
                let used: Vec<String> = want
                    .ts_configurations
                    .values()
                    .filter(|c| c.mappings.values().flatten().any(|x| *x == bare))
                    .map(|c| c.name.to_string())
                    .collect();
                if !used.is_empty() {
                    return Err(crate::models::error_at(
                        models,
                        section_at(models, "text_search_configurations", &used[0]),
                        format!("text_search_configurations.{}", used[0]),
                        format!("text search dictionary {bare} is not in the models but configuration(s) {} map to it", used.join(", ")),
                        Some(format!("add [text_search_dictionaries.{bare}], or take it out of the mappings")),
                    )
                    .into());
                }
            }
            Op::DropTsConfiguration(cfg) => {
                let bare = cfg.name.to_string();
                let quoted = format!("'{bare}'");
                for t in want.tables.values() {
                    for i in &t.indexes {
                        if i.parts.iter().any(|p| p.expr.sql.contains(&quoted)) {
                            return Err(crate::models::error_at(
                                models,
                                section_at(models, "tables", &t.name.to_string()),
                                format!("tables.{}.indexes", t.name),
                                format!("text search configuration {bare} is not in the models but index {} uses it", i.name),
                                Some(format!("add [text_search_configurations.{bare}], or change the index")),
                            )
                            .into());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}
