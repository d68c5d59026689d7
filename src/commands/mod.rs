//! The work of each command, one module per command family, each a short function over the pipeline;
//! `Ctx` is what they share: where the models, versions and database are, and how to reach them.

pub mod check;
pub mod codegen;
pub mod diagram;
pub mod init;
pub mod inspect;
pub mod migrate;
pub mod revision;
pub mod status;
pub mod verify;

use std::io::Write;

pub use crate::cli::MigrateArgs;
use crate::config::{resolve_url, Paths};
use crate::dialect::conn::{connect_with, Connection, Missing};
use crate::dialect::{self, Dialect};
use crate::error::Error;
use crate::models::{self, Models};
use crate::revision::file as rfile;
use crate::revision::{load_dir, RevisionMap};

pub struct Ctx {
    pub paths: Paths,
    pub url_flag: Option<String>,
    pub create: bool,
    /// `[database]` of the models file, read once.
    pub database: std::cell::OnceCell<models::DatabaseSection>,
}

pub fn w(out: &mut dyn Write, s: impl AsRef<str>) -> Result<(), Error> {
    writeln!(out, "{}", s.as_ref()).map_err(|e| Error::Usage(format!("cannot write output: {e}")))
}

/// A generated text (diagram, code) to `output` (atomically, its directories created, then
/// `Wrote FILE`) or, without one, to standard output.
pub fn emit(
    text: &str,
    output: Option<&std::path::Path>,
    out: &mut dyn Write,
) -> Result<(), Error> {
    match output {
        Some(p) => {
            if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            rfile::write_atomic(p, text).map_err(|e| Error::io(p, e))?;
            w(out, format!("Wrote {}", p.display()))
        }
        None => write!(out, "{text}").map_err(|e| Error::Usage(e.to_string())),
    }
}

impl Ctx {
    pub fn database(&self) -> Result<&models::DatabaseSection, Error> {
        if let Some(d) = self.database.get() {
            return Ok(d);
        }
        let d = if self.paths.models.exists() {
            models::read_database(&self.paths.models)?
        } else {
            Default::default()
        };
        Ok(self.database.get_or_init(|| d))
    }

    pub fn url(&self) -> Result<String, Error> {
        let from_models = self.database()?.url.clone();
        Ok(resolve_url(
            self.url_flag.as_deref(),
            from_models.as_deref(),
            &self.paths.models,
        )?)
    }

    pub fn dialect(&self) -> Result<&'static dyn Dialect, Error> {
        let url = self.url()?;
        dialect::for_url(&url).ok_or_else(|| {
            crate::dialect::conn::DbError::UnsupportedUrl(crate::dialect::conn::unsupported(&url))
                .into()
        })
    }

    /// Connects; a missing SQLite file is refused (a typo must not become a new database) unless
    /// `missing` or `--create` says otherwise.
    pub fn connect(&self, missing: Missing) -> Result<Box<dyn Connection>, Error> {
        let missing = if self.create {
            Missing::Create
        } else {
            missing
        };
        Ok(connect_with(&self.url()?, missing)?)
    }

    pub fn models(&self, d: &dyn Dialect) -> Result<Models, Error> {
        Ok(models::load(&self.paths.models, d)?)
    }

    pub fn map(&self, d: &dyn Dialect) -> Result<RevisionMap, Error> {
        let revs = load_dir(&self.paths.versions, d)?;
        Ok(RevisionMap::new(revs)?)
    }

    /// The map from the revisions' headers alone (no SQL read or split): for the commands that walk the
    /// graph and print ids and messages.
    pub fn header_map(&self) -> Result<RevisionMap, Error> {
        let revs = crate::revision::load_headers(&self.paths.versions)?;
        Ok(RevisionMap::new(revs)?)
    }

    /// The map, with the dialect taken from the URL or, offline, from the revision headers.
    pub fn offline_map(&self) -> Result<RevisionMap, Error> {
        let d: &dyn Dialect = match self.dialect() {
            Ok(d) => d,
            Err(_) => dialect::fallback(),
        };
        self.map(d)
    }

    /// The dialect of an offline script: the URL's, else the one the revisions' headers name.
    pub fn offline_dialect(&self, map: &RevisionMap) -> &'static dyn Dialect {
        if let Ok(d) = self.dialect() {
            return d;
        }
        map.history()
            .iter()
            .find_map(|r| dialect::by_name(&r.dialect))
            .unwrap_or(dialect::fallback())
    }

    /// `connect`, for a command that also loads the models: when the connection fails, an error in the
    /// models is reported first (it is the one to fix first, and needs no database).
    pub fn connect_for_models(
        &self,
        missing: Missing,
        d: &dyn Dialect,
    ) -> Result<Box<dyn Connection>, Error> {
        self.connect(missing).map_err(|e| match self.models(d) {
            Err(me) => me,
            Ok(_) => e,
        })
    }

    /// Loads the models on a second thread while this one introspects the database: the model file's
    /// parsing and the server's catalog queries overlap.
    pub fn models_and_live(
        &self,
        d: &'static dyn Dialect,
        conn: &mut dyn Connection,
    ) -> Result<(Models, crate::schema::Schema), Error> {
        let namespaces = self.database()?.namespaces.clone();
        let path = self.paths.models.clone();
        std::thread::scope(|s| {
            let loading = s.spawn(move || models::load(&path, d));
            let live = conn.introspect(&namespaces).map(|mut live| {
                d.canonicalize(&mut live);
                live
            });
            let mut m = loading
                .join()
                .map_err(|_| Error::Usage("loading the models failed".into()))??;
            let live = live?;
            conn.align(&mut m.schema, &live)?;
            Ok((m, live))
        })
    }
}

/// Frees `v` on a thread of its own: the two schemas of a 10,000-table database take a tenth of a second
/// to free, which the command need not wait for (the process exits without waiting for that thread).
pub fn discard<T: Send + 'static>(v: T) {
    std::thread::spawn(move || drop(v));
}

/// Lists what the database has that autogen does not manage.
pub fn print_unmanaged(out: &mut dyn Write, items: &[String]) -> Result<(), Error> {
    for u in items {
        w(out, format!("not managed (left alone): {u}"))?;
    }
    Ok(())
}

/// `<rev>_<slug>.sql`, or `<rev>.sql` for a message with no ASCII words.
pub fn revision_file_name(id: &str, message: &str) -> String {
    match rfile::slug(message) {
        s if s.is_empty() => format!("{id}.sql"),
        s => format!("{id}_{s}.sql"),
    }
}

/// A runner on `conn` for commands that read or stamp the version table.
pub fn runner(conn: &mut dyn Connection) -> crate::runner::Runner<'_> {
    crate::runner::Runner {
        conn,
        lock_timeout: std::time::Duration::from_secs(60),
        allow_edited: true,
    }
}

/// `base` for no heads, else the heads joined.
pub fn show_heads(v: &[String]) -> String {
    if v.is_empty() {
        "base".to_string()
    } else {
        v.join(", ")
    }
}
