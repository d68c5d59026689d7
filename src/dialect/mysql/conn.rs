//! MySQL/MariaDB connection: `mysql://USER[:PASSWORD]@HOST[:PORT]/DB` or `mariadb://…`, TLS through
//! rustls when `ssl-mode` asks for it, a session that reads backslash escapes and plain quotes the
//! same everywhere, the migration lock with `GET_LOCK`.

use std::time::Duration;

use mysql::prelude::Queryable;
use mysql::{Conn, Opts, OptsBuilder, SslOpts, Value};

use crate::dialect::conn::{redact, Connection, DbError, Rows};
use crate::dialect::Dialect;
use crate::schema::Schema;

/// Run on every (re)connection: utf8mb4 both ways; backslash escapes on and `"` a string quote, as the
/// rendered SQL (and `literal()`) expect whatever the server's sql_mode is.
pub const SESSION_SETTINGS: &[&str] = &[
    "SET NAMES utf8mb4",
    "SET SESSION sql_mode = REPLACE(REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', ''), 'ANSI_QUOTES', '')",
];

pub struct MyConn {
    conn: Conn,
    pub mariadb: bool,
    /// The database the URL names (the namespace autogen manages).
    pub database: String,
    locked: bool,
}

/// What `ssl-mode` (or `sslmode`, `ssl_mode`) asks for.
#[derive(Debug, PartialEq)]
enum Tls {
    Disabled,
    Preferred,
    Required(SslOpts),
}

fn sql_err(e: mysql::Error) -> DbError {
    match e {
        mysql::Error::MySqlError(m) => {
            DbError::Sql(format!("ERROR {} ({}): {}", m.code, m.state, m.message))
        }
        e => DbError::Sql(e.to_string()),
    }
}

/// The URL the `mysql` crate reads (scheme `mysql://`, no TLS keys) and what TLS it asks for.
fn split_url(url: &str) -> Result<(String, Tls), String> {
    let rest = url
        .strip_prefix("mariadb://")
        .or_else(|| url.strip_prefix("mysql://"))
        .ok_or("the URL must start with mysql:// or mariadb://")?;
    let (base, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut kept = vec![];
    let mut mode = None;
    let mut ca = None;
    for kv in query.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        match k.to_ascii_lowercase().replace('_', "-").as_str() {
            "ssl-mode" | "sslmode" => mode = Some(v.to_ascii_uppercase().replace('-', "_")),
            "ssl-ca" | "sslca" | "sslrootcert" => ca = Some(v.to_string()),
            _ => kept.push(kv),
        }
    }
    let with_ca = |o: SslOpts| match &ca {
        Some(p) => o.with_root_cert_path(Some(std::path::PathBuf::from(p))),
        None => o,
    };
    let tls = match mode.as_deref() {
        None | Some("PREFERRED") | Some("PREFER") => Tls::Preferred,
        Some("DISABLED") | Some("DISABLE") => Tls::Disabled,
        Some("REQUIRED") | Some("REQUIRE") => Tls::Required(with_ca(
            SslOpts::default().with_danger_accept_invalid_certs(true),
        )),
        Some("VERIFY_CA") => Tls::Required(with_ca(
            SslOpts::default().with_danger_skip_domain_validation(true),
        )),
        Some("VERIFY_IDENTITY") | Some("VERIFY_FULL") => Tls::Required(with_ca(SslOpts::default())),
        Some(m) => {
            return Err(format!(
                "unknown ssl-mode `{m}` (use DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY)"
            ))
        }
    };
    let db = base.split_once('/').map(|(_, d)| d).unwrap_or("");
    if db.is_empty() {
        return Err("the URL names no database: write mysql://USER@HOST:PORT/DB".into());
    }
    let q = if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    };
    Ok((format!("mysql://{base}{q}"), tls))
}

impl MyConn {
    pub fn connect(url: &str) -> Result<MyConn, DbError> {
        let fail = |reason: String| DbError::Connect {
            url: redact(url),
            reason,
        };
        let (plain, tls) = split_url(url).map_err(fail)?;
        let opts = Opts::from_url(&plain).map_err(|e| fail(e.to_string()))?;
        let database = opts.get_db_name().unwrap_or_default().to_string();
        let builder = |ssl: Option<SslOpts>| {
            OptsBuilder::from_opts(opts.clone())
                .prefer_socket(false)
                .tcp_connect_timeout(Some(Duration::from_secs(10)))
                .init(SESSION_SETTINGS.to_vec())
                .ssl_opts(ssl)
        };
        let _ = rustls::crypto::ring::default_provider().install_default();
        let connected = match tls {
            Tls::Disabled => Conn::new(builder(None)),
            Tls::Required(o) => Conn::new(builder(Some(o))),
            Tls::Preferred => {
                let o = SslOpts::default().with_danger_accept_invalid_certs(true);
                match Conn::new(builder(Some(o))) {
                    Err(mysql::Error::DriverError(mysql::DriverError::TlsNotSupported)) => {
                        Conn::new(builder(None))
                    }
                    r => r,
                }
            }
        };
        let conn = connected.map_err(|e| match &e {
            mysql::Error::MySqlError(m) if m.code == 1049 => DbError::UnknownDatabase {
                url: redact(url),
                db: database.clone(),
            },
            _ => fail(e.to_string()),
        })?;
        let mut c = MyConn {
            conn,
            mariadb: false,
            database,
            locked: false,
        };
        let v = c.query("SELECT VERSION()")?;
        c.mariadb = v
            .first()
            .and_then(|r| r.first().cloned().flatten())
            .is_some_and(|v| v.contains("MariaDB"));
        Ok(c)
    }

    /// `SELECT … FROM information_schema.PROCESSLIST` of the connection holding the lock, for the
    /// timeout message; the bare connection id where the list is not visible.
    fn holder(&mut self) -> String {
        let sql = format!(
            "SELECT IS_USED_LOCK({n}), (SELECT CONCAT(p.USER, '@', p.HOST) FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK({n}))",
            n = LOCK_NAME
        );
        match self.query(&sql).ok().and_then(|r| r.into_iter().next()) {
            Some(r) => match (r.first().cloned().flatten(), r.get(1).cloned().flatten()) {
                (Some(id), Some(who)) => format!(" (held by connection {id}, {who})"),
                (Some(id), None) => format!(" (held by connection {id})"),
                _ => String::new(),
            },
            None => String::new(),
        }
    }
}

/// One lock per database, whoever connects to it.
const LOCK_NAME: &str = "CONCAT('autogen:', LEFT(SHA2(DATABASE(), 256), 40))";

fn text(v: Value) -> Option<String> {
    match v {
        Value::NULL => None,
        Value::Bytes(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        Value::Int(i) => Some(i.to_string()),
        Value::UInt(u) => Some(u.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Double(f) => Some(f.to_string()),
        v => Some(v.as_sql(true).trim_matches('\'').to_string()),
    }
}

impl Connection for MyConn {
    fn dialect(&self) -> &'static dyn Dialect {
        &super::MySql
    }
    fn introspect(&mut self, _namespaces: &[String]) -> Result<Schema, DbError> {
        super::introspect::introspect(self)
    }
    fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        self.conn.query_drop(sql).map_err(sql_err)
    }
    fn query(&mut self, sql: &str) -> Result<Rows, DbError> {
        let result = self.conn.query_iter(sql).map_err(sql_err)?;
        let mut out = vec![];
        for row in result {
            let row = row.map_err(sql_err)?;
            out.push(row.unwrap().into_iter().map(text).collect());
        }
        Ok(out)
    }
    fn lock(&mut self, timeout: Duration) -> Result<(), DbError> {
        if self.locked {
            return Ok(()); // GET_LOCK nests: take it once per run
        }
        let r = self.query(&format!(
            "SELECT GET_LOCK({LOCK_NAME}, {})",
            timeout.as_secs()
        ))?;
        match r
            .first()
            .and_then(|r| r.first().cloned().flatten())
            .as_deref()
        {
            Some("1") => {
                self.locked = true;
                Ok(())
            }
            Some("0") => Err(DbError::LockTimeout {
                secs: timeout.as_secs(),
                holder: self.holder(),
            }),
            _ => Err(DbError::Sql(
                "GET_LOCK failed for the migration lock".into(),
            )),
        }
    }
    fn unlock(&mut self) -> Result<(), DbError> {
        if self.locked {
            self.locked = false;
            self.query(&format!("SELECT RELEASE_LOCK({LOCK_NAME})"))?;
        }
        Ok(())
    }
    fn align(&mut self, models: &mut Schema, live: &Schema) -> Result<(), DbError> {
        super::introspect::align(self, models, live)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_map_to_the_crate_and_tls() {
        let (u, t) = split_url("mariadb://root@127.0.0.1:3306/app").unwrap();
        assert_eq!(u, "mysql://root@127.0.0.1:3306/app");
        assert_eq!(t, Tls::Preferred);
        let (u, t) = split_url("mysql://u:p@h/app?ssl-mode=DISABLED&tcp_nodelay=true").unwrap();
        assert_eq!(u, "mysql://u:p@h/app?tcp_nodelay=true");
        assert_eq!(t, Tls::Disabled);
        let (_, t) = split_url("mysql://u@h/app?sslmode=verify_identity").unwrap();
        assert_eq!(t, Tls::Required(SslOpts::default()));
        assert!(split_url("mysql://u@h/app?ssl-mode=sometimes")
            .unwrap_err()
            .contains("ssl-mode"));
        assert!(split_url("mysql://u@h:3306")
            .unwrap_err()
            .contains("no database"));
        assert!(split_url("mysql://u@h:3306/")
            .unwrap_err()
            .contains("no database"));
    }

    #[test]
    fn passwords_are_redacted_in_mysql_urls() {
        assert_eq!(redact("mysql://u:secret@h/db"), "mysql://u:***@h/db");
        assert_eq!(
            redact("mariadb://u:p@ss@h/db?ssl-mode=REQUIRED"),
            "mariadb://u:***@h/db?ssl-mode=REQUIRED"
        );
    }
}
