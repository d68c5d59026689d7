//! PostgreSQL connection: libpq URLs, TLS through rustls when `sslmode` asks for it, advisory lock.

use std::sync::Arc;
use std::time::{Duration, Instant};

use postgres::{Client, NoTls};

use crate::dialect::conn::{redact, Connection, DbError, Rows};
use crate::dialect::Dialect;
use crate::schema::Schema;

/// Key of the advisory lock autogen holds while migrating ("autogen" in ASCII).
pub const LOCK_KEY: i64 = 0x0061_7574_6f67_656e;

/// Session settings the rendered SQL relies on, set on every connection and at the top of every
/// offline script: literals are read the same way (`standard_conforming_strings`), text is UTF-8,
/// unqualified names mean `public`, and times are UTC.
pub const SESSION_SETTINGS: &[&str] = &[
    "SET standard_conforming_strings = on",
    "SET client_encoding = 'UTF8'",
    "SET search_path = public",
    "SET TimeZone = 'UTC'",
];

pub struct PgConn {
    pub client: Client,
}

/// Renders a PostgreSQL error with its detail and hint.
pub fn pg_error(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = format!("{}: {}", db.severity(), db.message());
            if let Some(d) = db.detail() {
                s.push_str(&format!("\ndetail: {d}"));
            }
            if let Some(h) = db.hint() {
                s.push_str(&format!("\nhint: {h}"));
            }
            s
        }
        None => {
            // "error connecting to server" alone hides why: add the causes (connection refused …).
            let mut s = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(c) = src {
                let t = c.to_string();
                if !s.contains(&t) {
                    s.push_str(&format!(": {t}"));
                }
                src = c.source();
            }
            s
        }
    }
}

fn sql_err(e: postgres::Error) -> DbError {
    if e.code() == Some(&postgres::error::SqlState::ACTIVE_SQL_TRANSACTION) {
        return DbError::NotInTransaction(pg_error(&e));
    }
    DbError::Sql(pg_error(&e))
}

#[derive(Debug)]
struct NoVerify(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &[rustls::pki_types::CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &rustls::pki_types::CertificateDer<'_>,
        d: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.0.signature_verification_algorithms)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &rustls::pki_types::CertificateDer<'_>,
        d: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.0.signature_verification_algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `sslmode` of a URL and the URL rewritten to a form tokio-postgres parses (it knows only
/// disable/prefer/require; verify-ca/verify-full are checked here with the webpki roots).
fn split_sslmode(url: &str) -> (String, String) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_string(), "prefer".into());
    };
    let mut mode = "prefer".to_string();
    let mut kept = vec![];
    for kv in query.split('&') {
        match kv.split_once('=') {
            Some(("sslmode", v)) => {
                mode = v.to_string();
                let v = if v.starts_with("verify") {
                    "require"
                } else {
                    v
                };
                kept.push(format!("sslmode={v}"));
            }
            _ => kept.push(kv.to_string()),
        }
    }
    (format!("{base}?{}", kept.join("&")), mode)
}

impl PgConn {
    pub fn connect(url: &str) -> Result<PgConn, DbError> {
        let (url2, mode) = split_sslmode(url);
        let err = |reason: String| DbError::Connect {
            url: redact(url),
            reason,
        };
        let mut config: postgres::Config = url2
            .parse()
            .map_err(|e: postgres::Error| err(e.to_string()))?;
        config.connect_timeout(Duration::from_secs(10));
        config.application_name("autogen");
        let client = if mode == "disable" {
            config.connect(NoTls)
        } else {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
                .with_safe_default_protocol_versions()
                .map_err(|e| err(e.to_string()))?;
            let tls = if mode.starts_with("verify") {
                let roots = rustls::RootCertStore {
                    roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
                };
                builder.with_root_certificates(roots).with_no_client_auth()
            } else {
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(NoVerify(provider)))
                    .with_no_client_auth()
            };
            config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
        }
        .map_err(|e| err(pg_error(&e)))?;
        let mut c = PgConn { client };
        c.execute(&SESSION_SETTINGS.join("; "))?;
        Ok(c)
    }

    pub fn server_version(&mut self) -> Result<i32, DbError> {
        let row = self
            .client
            .query_one("SELECT current_setting('server_version_num')::int", &[])
            .map_err(sql_err)?;
        Ok(row.get(0))
    }
}

impl Connection for PgConn {
    fn dialect(&self) -> &'static dyn Dialect {
        &super::Postgres
    }
    fn introspect(&mut self, namespaces: &[String]) -> Result<Schema, DbError> {
        super::introspect::introspect(self, namespaces)
    }
    fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        self.client.batch_execute(sql).map_err(sql_err)
    }
    fn align(&mut self, models: &mut Schema, live: &Schema) -> Result<(), DbError> {
        super::ask::align(self, models, live)?;
        super::ask_objects::align(self, models, live)
    }
    fn query(&mut self, sql: &str) -> Result<Rows, DbError> {
        let mut out = vec![];
        for m in self.client.simple_query(sql).map_err(sql_err)? {
            if let postgres::SimpleQueryMessage::Row(r) = m {
                out.push((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect());
            }
        }
        Ok(out)
    }
    fn lock(&mut self, timeout: Duration) -> Result<(), DbError> {
        let start = Instant::now();
        loop {
            let got: bool = self
                .client
                .query_one("SELECT pg_try_advisory_lock($1)", &[&LOCK_KEY])
                .map_err(sql_err)?
                .get(0);
            if got {
                return Ok(());
            }
            if start.elapsed() >= timeout {
                let holder = self
                    .client
                    .query_opt(
                        "SELECT a.pid::text || ' (' || coalesce(a.application_name, '') || ', ' || coalesce(a.client_addr::text, 'local') || ')' \
                         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
                         WHERE l.locktype = 'advisory' AND l.granted AND l.objid = ($1::bigint & 4294967295)::oid LIMIT 1",
                        &[&LOCK_KEY],
                    )
                    .ok()
                    .flatten()
                    .map(|r| format!(" held by backend {}", r.get::<_, String>(0)))
                    .unwrap_or_default();
                return Err(DbError::LockTimeout {
                    secs: timeout.as_secs(),
                    holder,
                });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    fn unlock(&mut self) -> Result<(), DbError> {
        self.client
            .execute("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY])
            .map_err(sql_err)?;
        Ok(())
    }
}
