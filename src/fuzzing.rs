//! Entry points for the fuzz targets in `fuzz/` and the property tests that run the same checks in
//! `cargo test`: each takes arbitrary text, must not panic, and asserts what must hold of its result.

use std::path::Path;

use crate::dialect::{postgres::Postgres, sqlite::Sqlite, Dialect};

const DIALECTS: [&dyn Dialect; 2] = [&Postgres, &Sqlite];

/// models.toml text: loading never panics; an error is located; what loads is written back (as
/// `inspect` writes models) into text that loads again to the same schema.
pub fn models_load(text: &str) {
    for d in DIALECTS {
        match crate::models::load_str("models.toml", text, d) {
            Ok(m) => {
                let written = crate::models::write::write(&m.schema, d, None);
                match crate::models::load_str("written.toml", &written, d) {
                    Ok(again) => assert!(
                        again.schema.tables.len() == m.schema.tables.len(),
                        "{} tables written, {} read back:\n{written}",
                        m.schema.tables.len(),
                        again.schema.tables.len()
                    ),
                    Err(e) => {
                        panic!("models written from loaded models do not load: {e}\n{written}")
                    }
                }
            }
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.contains("models.toml"), "unlocated error: {msg}");
            }
        }
    }
}

/// A revision file: parsing never panics; what parses renders to a file that parses to the same
/// revision (header, messages, statements).
pub fn revision_parse(text: &str) {
    for d in DIALECTS {
        let parser = d.parser();
        let Ok(rev) = crate::revision::file::parse(Path::new("v.sql"), text, parser.as_ref())
        else {
            continue;
        };
        let again_text = crate::revision::file::render(&rev);
        let again = crate::revision::file::parse(Path::new("v.sql"), &again_text, parser.as_ref())
            .unwrap_or_else(|e| panic!("a rendered revision does not parse: {e}\n{again_text}"));
        assert_eq!(again.id, rev.id);
        assert_eq!(again.down, rev.down);
        assert_eq!(again.message, rev.message.trim(), "{again_text}");
        assert_eq!(again.transactional, rev.transactional);
        let sql = |v: &[crate::revision::file::Statement]| {
            v.iter().map(|s| s.sql.clone()).collect::<Vec<_>>()
        };
        assert_eq!(sql(&again.upgrade), sql(&rev.upgrade), "{again_text}");
        assert_eq!(sql(&again.downgrade), sql(&rev.downgrade), "{again_text}");
    }
}

/// SQL text: the splitter never panics; each statement is a piece of the input, on a line it has.
pub fn statement_split(text: &str) {
    let lines = text.split('\n').count();
    for d in DIALECTS {
        let parser = d.parser();
        let Ok(stmts) = crate::revision::file::split("f.sql", text, 1, parser.as_ref()) else {
            continue;
        };
        for s in stmts {
            assert!(text.contains(&s.sql), "{:?} is not in the input", s.sql);
            assert!(!s.sql.is_empty());
            assert!(s.line >= 1 && s.line <= lines, "line {} of {lines}", s.line);
        }
    }
}

/// A URL: dialect lookup and redaction never panic, and a password put into the usual URL and
/// key=value forms never survives redaction.
pub fn url_redact(text: &str) {
    use crate::dialect::conn::redact;
    let _ = crate::dialect::for_url(text);
    let _ = crate::dialect::sqlite::conn::path_of(text);
    let r = redact(text);
    assert!(
        r.len() <= text.len() + 3 * (text.matches('=').count() + text.matches('@').count() + 1)
    );
    let pw: String = text.chars().filter(|c| *c != '@').collect();
    if !pw.is_empty() {
        let url = format!("postgres://user:{pw}@host/db");
        assert_eq!(redact(&url), "postgres://user:***@host/db", "{url}");
    }
    let kv: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !"&;#'@".contains(*c))
        .collect();
    let template = "host=h password=*** user=u";
    if kv.len() >= 4 && !template.contains(&kv) {
        let conninfo = format!("host=h password={kv} user=u");
        let out = redact(&conninfo);
        assert!(!out.contains(&kv), "{conninfo} -> {out}");
    }
}
