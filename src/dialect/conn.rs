//! A live database connection, whatever the dialect: what `runner` and `autogenerate` talk to.

use std::time::Duration;

use super::Dialect;
use crate::schema::Schema;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot connect to {url}: {reason}\nhint: is the server running and the URL right? (--url, AUTOGEN_DATABASE_URL or [database] url in models.toml)")]
    Connect { url: String, reason: String },
    #[error("the database `{db}` does not exist on {url}\nhint: autogen never creates a server's database: create it first (CREATE DATABASE `{db}`), or fix the URL")]
    UnknownDatabase { url: String, db: String },
    #[error("{0}")]
    Sql(String),
    /// The statement cannot run inside a transaction block (`CREATE INDEX CONCURRENTLY`, `VACUUM` …).
    #[error("{0}")]
    NotInTransaction(String),
    #[error("unsupported database URL {0}\nhint: use postgres://USER@HOST:PORT/DB, mysql://USER@HOST:PORT/DB (or mariadb://), sqlite:PATH or sqlite::memory:")]
    UnsupportedUrl(String),
    #[error("the SQLite database {path} does not exist\nhint: check the path in the URL; `autogen upgrade head` creates the database (or pass --create to create it for this command)")]
    NoDatabase { path: String },
    #[error("policy {policy}: role {role} does not exist on this server\nhint: create the role first (autogen does not manage roles), or name another in `roles`")]
    UnknownRole { policy: String, role: String },
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
    /// Where a model expression's key differs from the live one, asks the server for its own form of
    /// the models' version and gives the model the live key when they are the same (PostgreSQL rewrites
    /// what it stores). Default: nothing to ask.
    fn align(&mut self, _models: &mut Schema, _live: &Schema) -> Result<(), DbError> {
        Ok(())
    }
    /// Rows that break a constraint the database does not enforce while migrating (SQLite's foreign
    /// keys, off during table rebuilds), one description each. Default: none (the server enforces).
    fn violations(&mut self) -> Result<Vec<String>, DbError> {
        Ok(vec![])
    }
}

/// A URL (or libpq `key=value` string) as it may be shown: every password replaced by `***`, in any
/// form — `user:secret@host` (a password holding `@` is hidden up to the last `@`), `password=` and
/// `sslpassword=` parameters (quoted or not), and malformed URLs (`postgres:/u:pw@h`), which are
/// redacted the same way rather than echoed.
pub fn redact(url: &str) -> String {
    // User information first (a password may itself hold `password=`), then parameters.
    redact_params(&redact_userinfo(url))
}

fn redact_userinfo(s: &str) -> String {
    let s = s.to_string();
    let lower = s.to_ascii_lowercase();
    if lower.trim_start().starts_with("sqlite:") {
        return s; // a path: no user information
    }
    let Some(at) = s.rfind('@') else {
        return s;
    };
    // Where the user information starts: after `scheme://`, `scheme:/`, `scheme:` or at the start.
    let start = match s.find("://") {
        Some(p) if p < at => p + 3,
        // Without `://`, a known scheme is skipped (`postgres:/u:pw@h`); anything else is user
        // information from the start (`u:pw@h`).
        _ => match s.find(':') {
            Some(p)
                if p < at
                    && ["postgres", "postgresql", "mysql", "mariadb"]
                        .contains(&s[..p].trim().to_ascii_lowercase().as_str()) =>
            {
                p + 1 + s[p + 1..at].chars().take_while(|c| *c == '/').count()
            }
            _ => s.len() - s.trim_start().len(),
        },
    };
    let userinfo = &s[start..at];
    match userinfo.find(':') {
        Some(c) => format!("{}{}:***{}", &s[..start], &userinfo[..c], &s[at..]),
        None => s,
    }
}

/// `%41` → `A` (a key spelled with percent escapes is still that key to the driver).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a parameter key names a secret: `password`, `sslpassword`, `PGPASSWORD`, `pwd`, `secret`,
/// `token` … in any case and with percent escapes decoded.
fn secret_key(key: &str) -> bool {
    let k = percent_decode(key).to_ascii_lowercase();
    ["pass", "pwd", "secret", "token"]
        .iter()
        .any(|w| k.contains(w))
}

/// Values of secret parameters replaced by `***`: `password=x`, `sslpassword = 'a b'`, `?passw%6Frd=x&…`.
fn redact_params(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let sep = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'?' | b'&' | b';');
    while i < s.len() {
        let boundary = i == 0 || sep(b[i - 1]);
        if boundary && !sep(b[i]) {
            // A key: up to `=` (white space allowed before it), within this parameter.
            let mut j = i;
            while j < s.len() && !sep(b[j]) && b[j] != b'=' {
                j += 1;
            }
            let key = &s[i..j];
            let mut k = j;
            while k < s.len() && (b[k] == b' ' || b[k] == b'\t') {
                k += 1;
            }
            if k < s.len() && b[k] == b'=' && secret_key(key.trim()) {
                k += 1;
                while k < s.len() && (b[k] == b' ' || b[k] == b'\t') {
                    k += 1;
                }
                out.push_str(&s[i..k]);
                // The value: single-quoted (with \\ escapes) or up to a separator.
                if k < s.len() && b[k] == b'\'' {
                    let mut e = k + 1;
                    while e < s.len() && b[e] != b'\'' {
                        if b[e] == b'\\' {
                            e += 1;
                        }
                        e += 1;
                    }
                    k = (e + 1).min(s.len());
                } else {
                    while k < s.len()
                        && !matches!(b[k], b' ' | b'\t' | b'\n' | b'\r' | b'&' | b';' | b'#')
                    {
                        k += 1;
                    }
                }
                out.push_str("***");
                i = k;
                continue;
            }
        }
        let ch = s[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// How an unsupported URL is named in an error: its scheme only, never the rest (it was not parsed,
/// so where a password sits in it is unknown).
pub fn unsupported(url: &str) -> String {
    let t = url.trim();
    match t.split_once(':') {
        Some((scheme, _))
            if !scheme.is_empty()
                && scheme.len() <= 20
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            format!("with the scheme `{scheme}:`")
        }
        _ => "(it starts with no scheme such as postgres:// or sqlite:)".into(),
    }
}

/// What to do when the database a URL names does not exist (SQLite files; a server's database is
/// never created).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// Create it (`upgrade`, `--create`).
    Create,
    /// Read it as an empty database without creating anything (the first `revision --autogenerate`).
    Empty,
    /// Refuse, naming the path: a typo in the URL must not become a new, empty database.
    Refuse,
}

/// Opens a connection for `url`, creating a missing SQLite file.
pub fn connect(url: &str) -> Result<Box<dyn Connection>, DbError> {
    connect_with(url, Missing::Create)
}

/// Opens a connection for `url`; `missing` says what a missing SQLite file means.
pub fn connect_with(url: &str, missing: Missing) -> Result<Box<dyn Connection>, DbError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Box::new(super::postgres::conn::PgConn::connect(url)?))
    } else if url.starts_with("sqlite:") {
        Ok(Box::new(super::sqlite::conn::SqliteConn::connect_with(
            url, missing,
        )?))
    } else if url.starts_with("mysql://") || url.starts_with("mariadb://") {
        Ok(Box::new(super::mysql::conn::MyConn::connect(url)?))
    } else {
        Err(DbError::UnsupportedUrl(unsupported(url)))
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_redacted_in_every_form() {
        for (url, want) in [
            ("postgres://u:pw@h:5432/d", "postgres://u:***@h:5432/d"),
            (
                "postgres://u@h/d?password=x&sslmode=require",
                "postgres://u@h/d?password=***&sslmode=require",
            ),
            ("sqlite:app.db", "sqlite:app.db"),
            ("postgres://u:p@ss@h/d", "postgres://u:***@h/d"),
            ("postgres:/u:pw@h/d", "postgres:/u:***@h/d"),
            ("postgres:u:pw@h/d", "postgres:u:***@h/d"),
            (
                "host=h user=u password=pw dbname=d",
                "host=h user=u password=*** dbname=d",
            ),
            (
                "host=h password='p w\\' x' user=u",
                "host=h password=*** user=u",
            ),
            ("host=h password = pw", "host=h password = ***"),
            (
                "postgres://u@h/d?PASSWORD=pw",
                "postgres://u@h/d?PASSWORD=***",
            ),
        ] {
            assert_eq!(redact(url), want, "{url}");
        }
        assert_eq!(
            super::unsupported("u pw"),
            "(it starts with no scheme such as postgres:// or sqlite:)"
        );
        assert_eq!(
            super::unsupported("oracle://u:pw@h"),
            "with the scheme `oracle:`"
        );
    }
}
