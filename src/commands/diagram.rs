//! `diagram`: the models as Mermaid, dot or SVG, to standard output or a file.

use std::io::Write;
use std::path::Path;

use super::{emit, Ctx};
use crate::dialect;
use crate::error::Error;

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
    emit(&text, output, out)?;
    Ok(0)
}
