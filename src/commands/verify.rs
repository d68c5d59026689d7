//! `verify`: every revision up, down and up again in a scratch database (created and dropped here).

use std::io::Write;

use super::{runner, Ctx};
use crate::dialect::conn::{connect, Missing};
use crate::error::Error;
use crate::revision::file as rfile;

pub fn verify(ctx: &Ctx, scratch_url: Option<&str>, out: &mut dyn Write) -> Result<u8, Error> {
    let d = ctx.dialect()?;
    let map = ctx.map(d)?;
    let m = ctx.models(d)?;
    // Where the real database is, for the hint when head does not match the models (best effort).
    let current = ctx
        .connect(Missing::Refuse)
        .ok()
        .and_then(|mut c| runner(c.as_mut()).current().ok());
    let hint = crate::revision::next_step(&map, current.as_deref())
        .replace("writes a revision for them", "writes the missing revision");
    let hint = hint.as_str();
    if let Some(u) = scratch_url {
        let mut c = connect(u)?;
        return crate::verify::verify(c.as_mut(), &map, &m, hint, out);
    }
    let url = ctx.url()?;
    let name = format!("autogen_verify_{}", rfile::new_id());
    if d.name() == "postgresql" || d.name() == "mysql" {
        let mut admin = connect(&url)?;
        admin.execute(&format!("CREATE DATABASE {name}")).map_err(|e| {
            Error::Usage(format!("cannot create the scratch database {name}: {e}\nhint: give an empty database with --scratch-url"))
        })?;
        let result = connect(&crate::verify::with_database(&url, &name))
            .map_err(Error::from)
            .and_then(|mut c| crate::verify::verify(c.as_mut(), &map, &m, hint, out));
        let force = if d.name() == "postgresql" {
            " WITH (FORCE)"
        } else {
            ""
        };
        let _ = admin.execute(&format!("DROP DATABASE IF EXISTS {name}{force}"));
        result
    } else {
        let path = std::env::temp_dir().join(format!("{name}.db"));
        let result = connect(&format!("sqlite:{}", path.display()))
            .map_err(Error::from)
            .and_then(|mut c| crate::verify::verify(c.as_mut(), &map, &m, hint, out));
        let _ = std::fs::remove_file(&path);
        result
    }
}
