//! SQLite connection: `sqlite:PATH`, `sqlite://PATH`, `sqlite::memory:`; `BEGIN IMMEDIATE` serialises runners.

use std::path::Path;
use std::time::Duration;

use rusqlite::types::ValueRef;

use crate::dialect::conn::{Connection, DbError, Rows};
use crate::dialect::Dialect;
use crate::schema::Schema;

pub struct SqliteConn {
    pub conn: rusqlite::Connection,
    /// Inside `lock()`: the write lock is held by one `BEGIN IMMEDIATE` for the whole run, and each
    /// revision is a savepoint in it.
    locked: bool,
}

fn sql_err(e: rusqlite::Error) -> DbError {
    DbError::Sql(e.to_string())
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
        let conn = match path_of(url) {
            None => rusqlite::Connection::open_in_memory(),
            Some(p) => {
                if p.is_empty() {
                    return Err(DbError::UnsupportedUrl(url.into()));
                }
                let dir = Path::new(&p).parent().filter(|d| !d.as_os_str().is_empty());
                if let Some(d) = dir {
                    if !d.is_dir() {
                        return Err(DbError::Connect {
                            url: url.into(),
                            reason: format!(
                                "directory {} does not exist (create it first: mkdir -p {})",
                                d.display(),
                                d.display()
                            ),
                        });
                    }
                }
                rusqlite::Connection::open(&p)
            }
        }
        .map_err(|e| DbError::Connect {
            url: url.into(),
            reason: e.to_string(),
        })?;
        // Foreign keys stay off while migrating so a table rebuild cannot cascade;
        // `PRAGMA foreign_key_check` in each rebuild verifies them before commit.
        conn.execute_batch("PRAGMA foreign_keys = OFF")
            .map_err(sql_err)?;
        conn.busy_timeout(Duration::from_secs(60))
            .map_err(sql_err)?;
        Ok(SqliteConn {
            conn,
            locked: false,
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
        // `BEGIN IMMEDIATE` takes the write lock (waiting up to `timeout`) and keeps other runners out
        // until `unlock`; revisions run as savepoints inside it.
        self.conn.busy_timeout(timeout).map_err(sql_err)?;
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DatabaseBusy) => DbError::LockTimeout {
                    secs: timeout.as_secs(),
                    holder: String::new(),
                },
                _ => sql_err(e),
            })?;
        self.locked = true;
        Ok(())
    }
    fn unlock(&mut self) -> Result<(), DbError> {
        if self.locked {
            self.locked = false;
            self.conn.execute_batch("COMMIT").map_err(sql_err)?;
        }
        Ok(())
    }
    fn begin(&mut self) -> Result<(), DbError> {
        if self.locked {
            self.execute("SAVEPOINT autogen_revision")
        } else {
            self.execute("BEGIN IMMEDIATE")
        }
    }
    fn commit(&mut self) -> Result<(), DbError> {
        if self.locked {
            self.execute("RELEASE autogen_revision")
        } else {
            self.execute("COMMIT")
        }
    }
    fn rollback(&mut self) -> Result<(), DbError> {
        if self.locked {
            self.execute("ROLLBACK TO autogen_revision")?;
            self.execute("RELEASE autogen_revision")
        } else {
            self.execute("ROLLBACK")
        }
    }
}
