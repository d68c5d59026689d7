//! `inspect`: models.toml written from the live database (never over an existing file without --force).

use std::io::Write;
use std::path::Path;

use super::{w, Ctx};
use crate::dialect;
use crate::dialect::conn::{redact, Missing};
use crate::error::Error;
use crate::models;
use crate::revision::file as rfile;

pub fn inspect(
    ctx: &Ctx,
    output: Option<&Path>,
    force: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Error> {
    if let Some(p) = output.filter(|p| p.exists() && !force) {
        return Err(Error::Usage(format!(
            "{} already exists; inspect will not overwrite it\nhint: pass --force to replace it, or -o another file",
            p.display()
        )));
    }
    let url = ctx.url()?;
    let d = dialect::for_url(&url).ok_or_else(|| {
        crate::dialect::conn::DbError::UnsupportedUrl(crate::dialect::conn::unsupported(&url))
    })?;
    let mut conn = ctx.connect(Missing::Refuse)?;
    let mut live = conn.introspect(&[])?;
    d.canonicalize(&mut live);
    // A URL with a password is not written into a file people commit.
    let url_line = if redact(&url) == url {
        Some(url.as_str())
    } else {
        Some("env:DATABASE_URL")
    };
    let mut text = String::new();
    for u in &live.unmanaged {
        text.push_str(&format!("# not managed by autogen (left alone): {u}\n"));
    }
    text.push_str(&models::write::write(&live, d, url_line));
    for u in &live.unmanaged {
        let _ = writeln!(err, "not managed (left alone): {u}");
    }
    match output {
        Some(p) => {
            rfile::write_atomic(p, &text).map_err(|e| Error::io(p, e))?;
            w(
                out,
                format!("Wrote {} ({} tables)", p.display(), live.tables.len()),
            )?;
        }
        None => write!(out, "{text}").map_err(|e| Error::Usage(e.to_string()))?,
    }
    Ok(0)
}
