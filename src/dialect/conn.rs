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
    #[error("the SQLite database {path} does not exist\nhint: check the path in the URL; `autogen upgrade head` creates the database (or pass --create to create it for this command)")]
    NoDatabase { path: String },
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

/// Values of password parameters replaced by `***`: `password=x`, `sslpassword = 'a b'`, `?password=x&…`.
fn redact_params(s: &str) -> String {
    const KEYS: &[&str] = &["password", "sslpassword", "passwd", "pwd", "pass"];
    let b = s.as_bytes();
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let boundary = i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'?' | b'&' | b';');
        let key = if boundary {
            KEYS.iter().find(|k| lower[i..].starts_with(*k)).copied()
        } else {
            None
        };
        if let Some(k) = key {
            let mut j = i + k.len();
            while j < s.len() && (b[j] == b' ' || b[j] == b'\t') {
                j += 1;
            }
            if j < s.len() && b[j] == b'=' {
                j += 1;
                while j < s.len() && (b[j] == b' ' || b[j] == b'\t') {
                    j += 1;
                }
                out.push_str(&s[i..j]);
                // The value: single-quoted (with \\ escapes) or up to a separator.
                if j < s.len() && b[j] == b'\'' {
                    let mut k2 = j + 1;
                    while k2 < s.len() && b[k2] != b'\'' {
                        if b[k2] == b'\\' {
                            k2 += 1;
                        }
                        k2 += 1;
                    }
                    j = (k2 + 1).min(s.len());
                } else {
                    while j < s.len() && !matches!(b[j], b' ' | b'\t' | b'\n' | b'&' | b';' | b'#')
                    {
                        j += 1;
                    }
                }
                out.push_str("***");
                i = j;
                continue;
            }
        }
        let ch = s[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
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
    } else {
        Err(DbError::UnsupportedUrl(redact(url)))
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
    }
}
