//! `diagram`: the models as Mermaid, dot or SVG, to standard output or a file.

use std::io::Write;
use std::path::Path;

use super::{w, Ctx};
use crate::dialect;
use crate::error::Error;
use crate::revision::file as rfile;

/// `diagram [--format F] [-o FILE]`.
pub fn diagram(
    ctx: &Ctx,
    format: &str,
    output: Option<&Path>,
    out: &mut dyn Write,
) -> Result<u8, Error> {
    let d = ctx.dialect().unwrap_or(dialect::fallback());
    let m = ctx.models(d)?;
    let text = crate::diagram::render(&m.schema, format)?;
    match output {
        Some(p) => {
            if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            rfile::write_atomic(p, &text).map_err(|e| Error::io(p, e))?;
            w(out, format!("Wrote {}", p.display()))?;
        }
        None => write!(out, "{text}").map_err(|e| Error::Usage(e.to_string()))?,
    }
    Ok(0)
}
