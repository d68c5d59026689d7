//! `init`: a starter models.toml (its example table works as written on its dialect) and versions/.

use std::io::Write;

use super::{w, Ctx};
use crate::error::Error;
use crate::revision::file as rfile;

pub fn init(ctx: &Ctx, dialect: &str, out: &mut dyn Write) -> Result<u8, Error> {
    let p = &ctx.paths.models;
    if p.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; init will not overwrite it",
            p.display()
        )));
    }
    let url = match dialect {
        "sqlite" => "sqlite:app.db",
        "postgresql" | "postgres" | "mysql" | "mariadb" => "env:DATABASE_URL",
        other => {
            return Err(Error::Usage(format!(
                "unknown dialect `{other}`: use sqlite, postgresql or mysql"
            )))
        }
    };
    // The example table works as written on its dialect: SQLite's row ids come from an `integer`
    // primary key (a `bigint` one is not a rowid alias, and inserts without an id would fail).
    let id = if url.starts_with("sqlite:") {
        "{ name = \"id\", type = \"integer\", primary_key = true, autoincrement = true }"
    } else if matches!(dialect, "mysql" | "mariadb") {
        "{ name = \"id\", type = \"bigint unsigned\", primary_key = true, autoincrement = true }"
    } else {
        "{ name = \"id\", type = \"bigint\", primary_key = true, identity = true }"
    };
    let text = format!(
        "# The desired schema. `autogen revision --autogenerate -m MSG` writes the SQL that gets the database here.\n\
         [database]\nurl = \"{url}\"\n\n\
         # [tables.users]\n# columns = [\n#   {id},\n\
         #   {{ name = \"email\", type = \"varchar(255)\", unique = true }},\n# ]\n"
    );
    if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    rfile::write_atomic(p, &text).map_err(|e| Error::io(p, e))?;
    std::fs::create_dir_all(&ctx.paths.versions).map_err(|e| Error::io(&ctx.paths.versions, e))?;
    w(
        out,
        format!(
            "Wrote {} and {}/",
            p.display(),
            ctx.paths.versions.display()
        ),
    )?;
    Ok(0)
}
