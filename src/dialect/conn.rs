//! A live database connection, whatever the dialect: what `runner` and `autogenerate` talk to.

use std::time::Duration;

use super::Dialect;
use crate::schema::Schema;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot connect to {url}: {reason}\nhint: is the server running and the URL right? (--url, AUTOGEN_DATABASE_URL or [database] url in models.toml)")]
    Connect { url: String, reason: String },
    #[error("{0}")]
    Sql(String),
    /// The statement cannot run inside a transaction block (`CREATE INDEX CONCURRENTLY`, `VACUUM` …).
    #[error("{0}")]
    NotInTransaction(String),
    #[error("unsupported database URL `{0}`\nhint: use postgres://USER@HOST:PORT/DB, sqlite:PATH or sqlite::memory:")]
    UnsupportedUrl(String),
    #[error("timed out after {secs}s waiting for the migration lock{holder}\nhint: another autogen is migrating this database; wait for it or raise --lock-timeout")]
    LockTimeout { secs: u64, holder: String },
}

/// Rows of a query, every value as text (`None` for NULL).
pub type Rows = Vec<Vec<Option<String>>>;

pub trait Connection {
    fn dialect(&self) -> &'static dyn Dialect;
    /// The managed schema in bulk catalog queries (a constant number, however many tables).
    /// `namespaces`: the managed namespaces, empty = all non-system ones.
    fn introspect(&mut self, namespaces: &[String]) -> Result<Schema, DbError>;
    /// Runs one or more statements.
    fn execute(&mut self, sql: &str) -> Result<(), DbError>;
    /// Runs a query; values come back as text.
    fn query(&mut self, sql: &str) -> Result<Rows, DbError>;
    /// Serialises runners: waits up to `timeout` for the migration lock.
    fn lock(&mut self, timeout: Duration) -> Result<(), DbError>;
    fn unlock(&mut self) -> Result<(), DbError>;
    /// Starts the transaction a revision runs in.
    fn begin(&mut self) -> Result<(), DbError> {
        self.execute("BEGIN")
    }
    /// Ends it.
    fn commit(&mut self) -> Result<(), DbError> {
        self.execute("COMMIT")
    }
    /// Undoes it.
    fn rollback(&mut self) -> Result<(), DbError> {
        self.execute("ROLLBACK")
    }
    /// Rows that break a constraint the database does not enforce while migrating (SQLite's foreign
    /// keys, off during table rebuilds), one description each. Default: none (the server enforces).
    fn violations(&mut self) -> Result<Vec<String>, DbError> {
        Ok(vec![])
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`: no password in any output.
pub fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let (auth, tail) = match rest.find('@') {
            Some(at) => (&rest[..at], &rest[at..]),
            None => return redact_query(url),
        };
        if let Some((user, _)) = auth.split_once(':') {
            return redact_query(&format!("{scheme}://{user}:***{tail}"));
        }
    }
    redact_query(url)
}

fn redact_query(url: &str) -> String {
    match url.split_once('?') {
        Some((base, q)) => {
            let parts: Vec<String> = q
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => kv.to_string(),
                })
                .collect();
            format!("{base}?{}", parts.join("&"))
        }
        None => url.to_string(),
    }
}

/// Opens a connection for `url`.
pub fn connect(url: &str) -> Result<Box<dyn Connection>, DbError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Box::new(super::postgres::conn::PgConn::connect(url)?))
    } else if url.starts_with("sqlite:") {
        Ok(Box::new(super::sqlite::conn::SqliteConn::connect(url)?))
    } else {
        Err(DbError::UnsupportedUrl(redact(url)))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://u:pw@h:5432/d"),
            "postgres://u:***@h:5432/d"
        );
        assert_eq!(
            super::redact("postgres://u@h/d?password=x&sslmode=require"),
            "postgres://u@h/d?password=***&sslmode=require"
        );
        assert_eq!(super::redact("sqlite:app.db"), "sqlite:app.db");
    }
}
