//! `verify`: in a scratch database, apply each revision, undo it, compare the schema with the one before,
//! apply it again; finally compare with the models. The built-in equivalent of pytest-alembic's suite,
//! comparing schemas rather than only watching for errors.

use std::io::Write;
use std::time::Duration;

use crate::autogenerate::plan;
use crate::dialect::conn::Connection;
use crate::error::Error;
use crate::models::Models;
use crate::revision::RevisionMap;
use crate::runner::{Direction, Runner};

/// The schema as text people can read in a diff: `inspect`'s models.toml of the live database.
fn snapshot(conn: &mut dyn Connection, namespaces: &[String]) -> Result<String, Error> {
    let d = conn.dialect();
    let mut s = conn.introspect(namespaces)?;
    d.canonicalize(&mut s);
    s.unmanaged.clear();
    Ok(crate::models::write::write(&s, d, None))
}

fn unified(a: &str, b: &str, ha: &str, hb: &str) -> String {
    similar::TextDiff::from_lines(a, b)
        .unified_diff()
        .context_radius(3)
        .header(ha, hb)
        .to_string()
}

fn w(out: &mut dyn Write, s: impl AsRef<str>) -> Result<(), Error> {
    writeln!(out, "{}", s.as_ref()).map_err(|e| Error::Usage(format!("cannot write output: {e}")))
}

/// Runs the replay in `scratch` (an empty database). Returns 0 when every revision's downgrade undoes
/// its upgrade and the result matches the models, 1 otherwise (with the difference printed).
pub fn verify(
    scratch: &mut dyn Connection,
    map: &RevisionMap,
    models: &Models,
    hint: &str,
    out: &mut dyn Write,
) -> Result<u8, Error> {
    let d = scratch.dialect();
    let ns = models.namespaces.clone();
    let mut before = snapshot(scratch, &ns)?;
    if !before.lines().all(|l| !l.starts_with("[tables.")) {
        return Err(Error::Usage(
            "the scratch database is not empty: verify needs an empty one".into(),
        ));
    }
    let path = map.upgrade_path(&[], &map.heads());
    if let Some(r) = path
        .iter()
        .find(|r| !r.dialect.is_empty() && r.dialect != d.name())
    {
        return Err(crate::revision::RevisionError::WrongDialect {
            path: r.path.display().to_string(),
            found: r.dialect.clone(),
            expected: d.name().into(),
        }
        .into());
    }
    let mut heads: Vec<String> = vec![];
    for rev in &path {
        let mut r = Runner {
            conn: &mut *scratch,
            lock_timeout: Duration::from_secs(60),
            allow_edited: true,
        };
        r.ensure_tables()?;
        let up = match r.apply(map, rev, Direction::Up, &heads) {
            Ok(h) => h,
            Err(e) => {
                w(out, format!("FAIL {}: upgrade failed: {e}", rev.id))?;
                return Ok(1);
            }
        };
        let after = snapshot(scratch, &ns)?;
        let mut r = Runner {
            conn: &mut *scratch,
            lock_timeout: Duration::from_secs(60),
            allow_edited: true,
        };
        let down = match r.apply(map, rev, Direction::Down, &up) {
            Ok(h) => h,
            Err(e) => {
                w(out, format!("FAIL {}: downgrade failed: {e}", rev.id))?;
                return Ok(1);
            }
        };
        let back = snapshot(scratch, &ns)?;
        if back != before {
            w(
                out,
                format!(
                    "FAIL {} ({}): its downgrade does not undo its upgrade ({}):",
                    rev.id,
                    rev.message,
                    rev.path.display()
                ),
            )?;
            w(
                out,
                unified(
                    &before,
                    &back,
                    "before upgrade",
                    "after upgrade + downgrade",
                ),
            )?;
            return Ok(1);
        }
        let mut r = Runner {
            conn: &mut *scratch,
            lock_timeout: Duration::from_secs(60),
            allow_edited: true,
        };
        heads = match r.apply(map, rev, Direction::Up, &down) {
            Ok(h) => h,
            Err(e) => {
                w(
                    out,
                    format!("FAIL {}: upgrade after downgrade failed: {e}", rev.id),
                )?;
                return Ok(1);
            }
        };
        let again = snapshot(scratch, &ns)?;
        if again != after {
            w(
                out,
                format!(
                    "FAIL {} ({}): upgrading again gives another schema:",
                    rev.id, rev.message
                ),
            )?;
            w(
                out,
                unified(&after, &again, "first upgrade", "upgrade after downgrade"),
            )?;
            return Ok(1);
        }
        w(out, format!("ok   {}  {}", rev.id, rev.message))?;
        before = after;
    }
    let mut live = scratch.introspect(&ns)?;
    d.canonicalize(&mut live);
    let mut wanted = models.schema.clone();
    scratch.align(&mut wanted, &live)?;
    let p = plan(&live, &wanted, d);
    if !p.is_empty() {
        w(
            out,
            format!(
                "FAIL head differs from the models in {} way(s):",
                p.ops.len()
            ),
        )?;
        for op in &p.ops {
            w(out, format!("  - {}", op.summary()))?;
        }
        w(out, hint)?;
        return Ok(1);
    }
    w(out, format!("Verified {} revision(s): each downgrade undoes its upgrade, and head matches the models.", path.len()))?;
    Ok(0)
}

/// `postgres://u@h:5432/db?x=y` with the database replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map(|p| p + 3).unwrap_or(0);
    match base[scheme_end..].find('/') {
        Some(p) => format!("{}/{name}{query}", &base[..scheme_end + p]),
        None => format!("{base}/{name}{query}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_is_replaced_in_urls() {
        assert_eq!(
            super::with_database("postgres://u@h:5432/app?sslmode=require", "x"),
            "postgres://u@h:5432/x?sslmode=require"
        );
        assert_eq!(
            super::with_database("postgres://u@h", "x"),
            "postgres://u@h/x"
        );
    }
}
