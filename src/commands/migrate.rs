//! `upgrade`, `downgrade` (online, or `--sql` scripts) and `stamp`.

use std::io::Write;
use std::time::Duration;

use super::{runner, show_heads, w, Ctx, MigrateArgs};
use crate::dialect::conn::Missing;
use crate::error::Error;
use crate::revision::target;
use crate::runner::{offline_script, Direction, Runner};

pub fn migrate(
    ctx: &Ctx,
    a: &MigrateArgs,
    dir: Direction,
    out: &mut dyn Write,
) -> Result<u8, Error> {
    let (tgt, sql, allow_edited, lock) = (a.target.as_str(), a.sql, a.allow_edited, a.lock_timeout);
    if sql {
        let map = ctx.offline_map()?;
        let (from, to) = match tgt.split_once(':') {
            Some((a, b)) => {
                let from = if a == "base" {
                    vec![]
                } else {
                    target::resolve(&map, &[], a)?
                };
                (from.clone(), target::resolve(&map, &from, b)?)
            }
            None if dir == Direction::Up => (vec![], target::resolve(&map, &[], tgt)?),
            None => {
                return Err(Error::Usage(
                    "offline downgrade needs a range: `downgrade FROM:TO --sql`".into(),
                ));
            }
        };
        let path = match dir {
            Direction::Up => map.upgrade_path(&from, &to),
            Direction::Down => map.downgrade_path(&from, &to),
        };
        let d = ctx.offline_dialect(&map);
        write!(out, "{}", offline_script(d, &map, &from, &path, dir))
            .map_err(|e| Error::Usage(e.to_string()))?;
        return Ok(0);
    }
    let d = ctx.dialect()?;
    let map = ctx.map(d)?;
    let mut conn = ctx.connect(if dir == Direction::Up {
        Missing::Create
    } else {
        Missing::Refuse
    })?;
    let mut r = Runner {
        conn: conn.as_mut(),
        lock_timeout: Duration::from_secs(lock),
        allow_edited,
    };
    let t = tgt.to_string();
    r.migrate(&map, |cur| target::resolve(&map, cur, &t), dir, out)?;
    Ok(0)
}

/// `stamp TARGET [--purge]`: the version table set to TARGET, no SQL run.
pub fn stamp(ctx: &Ctx, target_: &str, purge: bool, out: &mut dyn Write) -> Result<u8, Error> {
    let d = ctx.dialect()?;
    let map = ctx.map(d)?;
    let mut conn = ctx.connect(Missing::Refuse)?;
    let mut r = runner(conn.as_mut());
    let cur = r.current()?;
    let heads = target::resolve(&map, &cur, target_)?;
    r.stamp(&map, &heads, purge)?;
    w(out, format!("Stamped {}.", show_heads(&heads)))?;
    Ok(0)
}
