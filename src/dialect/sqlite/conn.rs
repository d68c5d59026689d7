//! SQLite connection: `sqlite:PATH`, `sqlite://PATH`, `sqlite::memory:`. Runners are serialised by a
//! lock on a file beside the database (`DB-autogen.lock`) held for the whole run, while each revision
//! commits on its own (`BEGIN IMMEDIATE` … `COMMIT`), so what was reported applied stays applied.

use std::path::Path;
use std::time::Duration;

use rusqlite::types::ValueRef;

use crate::dialect::conn::{Connection, DbError, Missing, Rows};
use crate::dialect::Dialect;
use crate::schema::Schema;

pub struct SqliteConn {
    pub conn: rusqlite::Connection,
    /// The database file (`None` in memory): the run lock is a file beside it.
    path: Option<std::path::PathBuf>,
    /// The run lock, held from `lock()` to `unlock()`.
    lock: Option<std::fs::File>,
}

/// The error's message; a syntax error's own copy of the statement is left out (the runner prints the
/// statement once, with its file and line).
fn sql_err(e: rusqlite::Error) -> DbError {
    match e {
        rusqlite::Error::SqlInputError { msg, .. } => DbError::Sql(msg),
        e => DbError::Sql(e.to_string()),
    }
}

/// The file a SQLite URL names (`None` for an in-memory database).
pub fn path_of(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite:")?;
    if rest == ":memory:" || rest == "//:memory:" {
        return None;
    }
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    Some(rest.split('?').next().unwrap_or(rest).to_string())
}

impl SqliteConn {
    pub fn connect(url: &str) -> Result<SqliteConn, DbError> {
        Self::connect_with(url, Missing::Create)
    }

    pub fn connect_with(url: &str, missing: Missing) -> Result<SqliteConn, DbError> {
        let mut path = path_of(url);
        if let Some(p) = &path {
            if p.is_empty() {
                return Err(DbError::UnsupportedUrl(crate::dialect::conn::unsupported(
                    url,
                )));
            }
            if !Path::new(p).exists() {
                match missing {
                    Missing::Create => {}
                    Missing::Empty => path = None,
                    Missing::Refuse => return Err(DbError::NoDatabase { path: p.clone() }),
                }
            }
        }
        let conn = match &path {
            None => rusqlite::Connection::open_in_memory(),
            Some(p) => {
                let dir = Path::new(p).parent().filter(|d| !d.as_os_str().is_empty());
                if let Some(d) = dir {
                    if !d.is_dir() {
                        return Err(DbError::Connect {
                            url: crate::dialect::conn::redact(url),
                            reason: format!(
                                "directory {} does not exist (create it first: mkdir -p {})",
                                d.display(),
                                d.display()
                            ),
                        });
                    }
                }
                rusqlite::Connection::open(p)
            }
        }
        .map_err(|e| DbError::Connect {
            url: crate::dialect::conn::redact(url),
            reason: e.to_string(),
        })?;
        // Foreign keys stay off while migrating so a table rebuild cannot cascade;
        // `PRAGMA foreign_key_check` in each rebuild verifies them before commit.
        conn.execute_batch("PRAGMA foreign_keys = OFF")
            .map_err(sql_err)?;
        conn.busy_timeout(Duration::from_secs(60))
            .map_err(sql_err)?;
        let path = path.map(std::path::PathBuf::from);
        Ok(SqliteConn {
            conn,
            path,
            lock: None,
        })
    }
}

impl Connection for SqliteConn {
    fn dialect(&self) -> &'static dyn Dialect {
        &super::Sqlite
    }
    fn introspect(&mut self, _namespaces: &[String]) -> Result<Schema, DbError> {
        super::introspect::introspect(&self.conn).map_err(sql_err)
    }
    fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        // `PRAGMA foreign_key_check` is an assertion: any row it returns is an error.
        if sql
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("pragma foreign_key_check")
        {
            let rows = self.query(sql)?;
            if let Some(r) = rows.first() {
                let cell = |i: usize| r.get(i).cloned().flatten().unwrap_or_default();
                return Err(DbError::Sql(format!(
                    "foreign key violation: a row of {} (rowid {}) references a missing row of {}",
                    cell(0),
                    cell(1),
                    cell(2)
                )));
            }
            return Ok(());
        }
        self.conn.execute_batch(sql).map_err(sql_err)
    }
    fn query(&mut self, sql: &str) -> Result<Rows, DbError> {
        let mut st = self.conn.prepare(sql).map_err(sql_err)?;
        let n = st.column_count();
        let mut rows = st.query([]).map_err(sql_err)?;
        let mut out = vec![];
        while let Some(r) = rows.next().map_err(sql_err)? {
            let mut v = Vec::with_capacity(n);
            for i in 0..n {
                v.push(match r.get_ref(i).map_err(sql_err)? {
                    ValueRef::Null => None,
                    ValueRef::Integer(x) => Some(x.to_string()),
                    ValueRef::Real(x) => Some(x.to_string()),
                    ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
                });
            }
            out.push(v);
        }
        Ok(out)
    }
    fn lock(&mut self, timeout: Duration) -> Result<(), DbError> {
        self.conn.busy_timeout(timeout).map_err(sql_err)?;
        let Some(db) = &self.path else {
            return Ok(()); // an in-memory database has one connection: nobody to keep out
        };
        // The lock file of the database's real path, so `app.db` and `./app.db` share one lock.
        let real = std::fs::canonicalize(db).unwrap_or_else(|_| db.clone());
        let mut name = real.as_os_str().to_owned();
        name.push("-autogen.lock");
        let lock_path = std::path::PathBuf::from(name);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| {
                DbError::Sql(format!(
                    "cannot create the migration lock file {}: {e}",
                    lock_path.display()
                ))
            })?;
        let start = std::time::Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < timeout => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(DbError::LockTimeout {
                        secs: timeout.as_secs(),
                        holder: format!(" (held on {})", lock_path.display()),
                    })
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(DbError::Sql(format!(
                        "cannot lock {}: {e}",
                        lock_path.display()
                    )))
                }
            }
        }
        self.lock = Some(file);
        Ok(())
    }
    fn unlock(&mut self) -> Result<(), DbError> {
        if let Some(f) = self.lock.take() {
            let _ = f.unlock();
        }
        Ok(())
    }
    fn begin(&mut self) -> Result<(), DbError> {
        self.execute("BEGIN IMMEDIATE")
    }
    fn violations(&mut self) -> Result<Vec<String>, DbError> {
        let rows = self
            .query("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check ORDER BY 1, 2")?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let cell = |i: usize| r.get(i).cloned().flatten().unwrap_or_default();
                format!(
                    "a row of {} (rowid {}) references a missing row of {}",
                    cell(0),
                    cell(1),
                    cell(2)
                )
            })
            .collect())
    }
}
