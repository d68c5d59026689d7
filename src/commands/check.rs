//! `check` (exit 1 and the differences, with the step that works next) and `diff` (the SQL
//! autogenerate would write).

use std::io::Write;

use super::{print_unmanaged, runner, w, Ctx};
use crate::autogenerate::plan;
use crate::dialect::conn::Missing;
use crate::error::Error;
use crate::revision::file as rfile;
use crate::revision::RevisionMap;

pub fn check(ctx: &Ctx, out: &mut dyn Write) -> Result<u8, Error> {
    let d = ctx.dialect()?;
    let mut conn = ctx.connect_for_models(Missing::Refuse, d)?;
    let (m, live) = ctx.models_and_live(d, conn.as_mut())?;
    print_unmanaged(out, &live.unmanaged)?;
    let p = plan(&live, &m.schema, d);
    if p.is_empty() {
        w(out, "No differences: the database matches the models.")?;
        return Ok(0);
    }
    // Views, functions, triggers, policies and rules dropped and created unchanged around a change
    // are no difference of their own.
    let again = |op: &crate::op::Op| {
        use crate::op::Op::*;
        matches!(
            op,
            DropView(_)
                | CreateView(_)
                | DropFunction(_)
                | CreateFunction(_)
                | DropTrigger(_)
                | CreateTrigger(_)
                | DropPolicy(_)
                | CreatePolicy(_)
                | DropRule(_)
                | CreateRule(_)
        ) && p.ops.contains(&op.inverse())
    };
    let shown: Vec<&crate::op::Op> = p.ops.iter().filter(|o| !again(o)).collect();
    let is_view =
        |t: &crate::schema::QName| live.views.contains_key(t) || m.schema.views.contains_key(t);
    let lines = crate::op::summary::lines(&shown, is_view);
    w(
        out,
        format!(
            "{} difference(s) between the database and the models:",
            lines.len()
        ),
    )?;
    for line in &lines {
        w(out, format!("  - {line}"))?;
    }
    let redone = (p.ops.len() - shown.len()) / 2;
    if redone > 0 {
        w(
            out,
            format!("  ({redone} view(s), function(s), trigger(s), policy(ies) or rule(s) depending on them are dropped and re-created around them)"),
        )?;
    }
    // The hint names the step that works from where the database and the history are.
    let current = runner(conn.as_mut()).current().ok();
    let hint = match ctx.map(d) {
        Ok(map) => crate::revision::next_step(&map, current.as_deref()),
        Err(_) => crate::revision::next_step(&RevisionMap::new(vec![])?, None),
    };
    w(out, hint)?;
    Ok(1)
}

/// `diff`: the SQL autogenerate would write; nothing written.
pub fn diff(ctx: &Ctx, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, Error> {
    let d = ctx.dialect()?;
    // Like autogenerate: a project with no revisions yet reads a missing SQLite file as empty.
    let missing = if ctx.map(d)?.is_empty() {
        Missing::Empty
    } else {
        Missing::Refuse
    };
    let mut conn = ctx.connect_for_models(missing, d)?;
    let (m, live) = ctx.models_and_live(d, conn.as_mut())?;
    let ps = crate::autogenerate::plans(&live, &m.schema, d);
    super::discard((m, live));
    if ps.iter().all(|p| p.is_empty()) {
        w(out, "-- No differences: the database matches the models.")?;
    }
    for (i, p) in ps.iter().enumerate() {
        if ps.len() > 1 {
            w(
                out,
                format!(
                    "-- revision {} of {} (each commits before the next)",
                    i + 1,
                    ps.len()
                ),
            )?;
        }
        for s in &p.upgrade {
            w(out, crate::runner::terminated(s))?;
        }
        for h in &p.hints {
            let _ = writeln!(err, "hint: {}", rfile::comment_text(h));
        }
    }
    Ok(0)
}
