//! Where things are: `current`, `heads`, `branches`, `show`, `history`.

use std::io::Write;

use super::{runner, w, Ctx};
use crate::dialect::conn::{redact, Missing};
use crate::error::Error;
use crate::revision::file::{self as rfile, Revision};
use crate::revision::target;

pub fn current(ctx: &Ctx, verbose: bool, out: &mut dyn Write) -> Result<u8, Error> {
    ctx.dialect()?;
    let map = ctx.header_map()?;
    let mut conn = ctx.connect(Missing::Refuse)?;
    let mut r = runner(conn.as_mut());
    let cur = r.current()?;
    if verbose {
        w(
            out,
            format!("Current revision(s) for {}:", redact(&ctx.url()?)),
        )?;
    }
    let unfinished = r.unfinished()?;
    if cur.is_empty() {
        w(out, "base (no revision applied)")?;
    }
    let heads = map.heads();
    for c in cur {
        let mark = if heads.contains(&c) { " (head)" } else { "" };
        let msg = map
            .get(&c)
            .map(|r| rfile::comment_text(&r.message))
            .unwrap_or_else(|| "(not in versions directory)".into());
        w(out, format!("{c}{mark}  {msg}"))?;
    }
    for (id, direction, done) in unfinished {
        w(
            out,
            format!("{id} is HALF-APPLIED: its {direction} stopped after {done} statement(s); run `autogen {direction}` again to finish it"),
        )?;
    }
    Ok(0)
}

/// `heads`: the head revisions.
pub fn heads(ctx: &Ctx, out: &mut dyn Write) -> Result<u8, Error> {
    let map = ctx.header_map()?;
    for h in map.heads() {
        if let Some(r) = map.get(&h) {
            w(
                out,
                format!("{h} (head)  {}", rfile::comment_text(&r.message)),
            )?;
        }
    }
    Ok(0)
}

/// `branches`: the revisions where the history branches.
pub fn branches(ctx: &Ctx, out: &mut dyn Write) -> Result<u8, Error> {
    let map = ctx.header_map()?;
    for r in map.history() {
        let c = map.children_of(&r.id);
        if c.len() > 1 {
            w(
                out,
                format!(
                    "{} (branchpoint) -> {}  {}",
                    r.id,
                    c.join(", "),
                    rfile::comment_text(&r.message)
                ),
            )?;
        }
    }
    Ok(0)
}

/// `show REV`: one revision file.
pub fn show(ctx: &Ctx, rev: &str, out: &mut dyn Write) -> Result<u8, Error> {
    let map = ctx.header_map()?;
    let id = map.resolve(rev)?;
    let Some(r) = map.get(&id) else {
        return Ok(2);
    };
    let text = std::fs::read_to_string(&r.path).map_err(|e| Error::io(&r.path, e))?;
    w(out, format!("# {}", r.path.display()))?;
    write!(out, "{text}").map_err(|e| Error::Usage(e.to_string()))?;
    Ok(0)
}

pub fn history(
    ctx: &Ctx,
    range: Option<&str>,
    verbose: bool,
    out: &mut dyn Write,
) -> Result<u8, Error> {
    // Statement counts (`--verbose`) need the SQL split; the rest needs the headers alone.
    let map = if verbose {
        ctx.offline_map()?
    } else {
        ctx.header_map()?
    };
    let heads = map.heads();
    let revs: Vec<&Revision> = match range {
        Some(r) => {
            let (a, b) = r
                .split_once(':')
                .ok_or_else(|| Error::Usage(format!("range `{r}`: expected A:B")))?;
            let from = if a.is_empty() {
                vec![]
            } else {
                target::resolve(&map, &[], a)?
            };
            let to = if b.is_empty() || b == "head" || b == "heads" {
                heads.clone()
            } else {
                target::resolve(&map, &[], b)?
            };
            let mut v = map.upgrade_path(&from, &to);
            // A:B includes A itself, as in Alembic.
            for f in &from {
                if let Some(x) = map.get(f) {
                    v.insert(0, x);
                }
            }
            v.reverse();
            v
        }
        None => map.history(),
    };
    for r in revs {
        let parent = if r.down.is_empty() {
            "<base>".to_string()
        } else {
            r.down.join(", ")
        };
        let mark = if heads.contains(&r.id) { " (head)" } else { "" };
        w(
            out,
            format!(
                "{parent} -> {}{mark}, {}",
                r.id,
                rfile::comment_text(&r.message)
            ),
        )?;
        if verbose {
            w(
                out,
                format!(
                    "    path: {}\n    created: {}\n    statements: {} up, {} down",
                    r.path.display(),
                    r.created,
                    r.upgrade.len(),
                    r.downgrade.len()
                ),
            )?;
            for wn in &r.warnings {
                w(out, format!("    warning: {}", rfile::comment_text(wn)))?;
            }
            for wn in &r.downgrade_warnings {
                w(
                    out,
                    format!("    warning (downgrade): {}", rfile::comment_text(wn)),
                )?;
            }
        }
    }
    Ok(0)
}
