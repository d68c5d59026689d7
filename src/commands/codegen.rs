//! `codegen`: the models as application code (Rust or SQLAlchemy), to standard output or a file;
//! `--check` compares instead of writing.

use std::io::Write;
use std::path::Path;

use super::{emit, w, Ctx};
use crate::codegen::{generate, Lang};
use crate::dialect;
use crate::error::Error;

/// `codegen --lang L [-o FILE] [--check]`: 0 written (or up to date), 1 when `--check` finds FILE
/// stale or missing.
pub fn codegen(
    ctx: &Ctx,
    lang: Lang,
    dialect_name: Option<&str>,
    output: Option<&Path>,
    check: bool,
    out: &mut dyn Write,
) -> Result<u8, Error> {
    let d = match dialect_name {
        Some(n) => dialect::by_name(n).ok_or_else(|| {
            Error::Usage(format!(
                "unknown dialect `{n}`\nhint: use sqlite, postgresql or mysql"
            ))
        })?,
        None => ctx.dialect().map_err(|e| {
            Error::Usage(format!(
                "{e:#}\nhint: codegen only needs the kind of database: pass --dialect sqlite, postgresql or mysql"
            ))
        })?,
    };
    let m = ctx.models(d)?;
    let text = generate(&m.schema, d, lang);
    match (output, check) {
        (Some(p), true) => {
            let on_disk = std::fs::read_to_string(p).ok();
            if on_disk.as_deref() == Some(text.as_str()) {
                w(out, format!("{} is up to date", p.display()))?;
                Ok(0)
            } else {
                let why = if on_disk.is_some() {
                    "is stale"
                } else {
                    "is missing"
                };
                // The command to run again, with the flags this one was given.
                let mut again = String::from("autogen");
                if ctx.paths.models != std::path::Path::new("models.toml") {
                    again.push_str(&format!(" --models {}", ctx.paths.models.display()));
                }
                again.push_str(&format!(" codegen --lang {}", lang_name(lang)));
                if let Some(n) = dialect_name {
                    again.push_str(&format!(" --dialect {n}"));
                }
                w(
                    out,
                    format!("{} {why}: run `{again} -o {}`", p.display(), p.display()),
                )?;
                Ok(1)
            }
        }
        (None, true) => Err(Error::Usage(
            "--check needs the file to compare: -o FILE".into(),
        )),
        (output, false) => {
            emit(&text, output, out)?;
            Ok(0)
        }
    }
}

fn lang_name(l: Lang) -> &'static str {
    match l {
        Lang::Rust => "rust",
        Lang::Sqlalchemy => "sqlalchemy",
    }
}
