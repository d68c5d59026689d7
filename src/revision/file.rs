//! Revision files: header, `-- upgrade` / `-- downgrade` sections, statements with their line numbers;
//! written atomically (temp file + rename).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use super::escape::{comment_text, unescape_comment};
pub use super::split::split;
use super::RevisionError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub sql: String,
    /// 1-based line of the statement's first token in the file.
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    pub id: String,
    pub down: Vec<String>,
    pub message: String,
    pub created: String,
    pub dialect: String,
    pub transactional: bool,
    pub depends_on: Vec<String>,
    pub branch_labels: Vec<String>,
    pub warnings: Vec<String>,
    /// `-- warning: downgrade: …` lines: what the downgrade destroys or may change.
    pub downgrade_warnings: Vec<String>,
    pub upgrade: Vec<Statement>,
    pub downgrade: Vec<Statement>,
    /// SHA-256 (hex) of the upgrade section, LF line endings, no BOM.
    pub checksum: String,
    pub path: PathBuf,
}

impl Revision {
    /// A revision with empty sections, written as `path`.
    pub fn new(
        id: &str,
        down: Vec<String>,
        message: &str,
        dialect: &str,
        path: PathBuf,
    ) -> Revision {
        Revision {
            id: id.to_string(),
            down,
            message: message.to_string(),
            created: String::new(),
            dialect: dialect.to_string(),
            transactional: true,
            depends_on: vec![],
            branch_labels: vec![],
            warnings: vec![],
            downgrade_warnings: vec![],
            upgrade: vec![],
            downgrade: vec![],
            checksum: String::new(),
            path,
        }
    }
}

const KEYS: &[&str] = &[
    "revision",
    "down_revision",
    "message",
    "created",
    "dialect",
    "transactional",
    "depends_on",
    "branch_labels",
    "warning",
];

/// Ids the revision graph gives a meaning of its own: a revision cannot be called that.
pub const RESERVED_IDS: &[&str] = &["base", "head", "heads"];

/// Whether `id` can name a revision: letters, digits and `_`, 1 to 32 of them, not a reserved word.
pub fn valid_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.len() > 32 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(format!(
            "invalid revision id `{id}`: use 1 to 32 letters, digits or _"
        ));
    }
    if RESERVED_IDS.iter().any(|r| r.eq_ignore_ascii_case(id)) {
        return Err(format!(
            "`{id}` cannot be a revision id: base, head and heads are targets (`upgrade head`)"
        ));
    }
    Ok(())
}

/// A header key written as `Down_revision`, `down-revision` or `down revision`: the known key it means.
fn near_key(k: &str) -> Option<&'static str> {
    let n: String = k
        .trim()
        .chars()
        .map(|c| {
            if c == '-' || c == ' ' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    KEYS.iter().find(|known| **known == n).copied()
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Line endings made LF: every run of CR right before an LF goes, so the result has no CRLF left and
/// normalizing twice changes nothing (a file written back reads the same).
fn lf(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut crs = 0;
    for ch in s.chars() {
        match ch {
            '\r' => crs += 1,
            '\n' => {
                crs = 0;
                out.push('\n');
            }
            c => {
                out.extend(std::iter::repeat_n('\r', crs));
                crs = 0;
                out.push(c);
            }
        }
    }
    out.extend(std::iter::repeat_n('\r', crs));
    out
}

pub fn checksum(section: &str) -> String {
    let text = lf(section.strip_prefix('\u{feff}').unwrap_or(section));
    let text = text.trim_matches('\n');
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses a revision file's text.
pub fn parse(
    path: &Path,
    text: &str,
    parser: &dyn sqlparser::dialect::Dialect,
) -> Result<Revision, RevisionError> {
    let p = path.display().to_string();
    let err = |line: usize, msg: String| RevisionError::Header {
        path: p.clone(),
        line,
        msg,
    };
    let text = lf(text.strip_prefix('\u{feff}').unwrap_or(text));
    if let Some(p) = text.find('\0') {
        return Err(err(
            text[..p].matches('\n').count() + 1,
            "a NUL character: no database takes it in SQL, and psql would cut the line short"
                .into(),
        ));
    }
    let lines: Vec<&str> = text.split('\n').collect();
    let (mut rev, up) = header(path, &lines)?;
    let mut down_start = None;
    for (i, line) in lines.iter().enumerate().skip(up) {
        if line.trim() == "-- downgrade" {
            down_start = Some(i + 1);
            break;
        }
    }
    let Some(down) = down_start else {
        return Err(err(lines.len(), "missing `-- downgrade` section".into()));
    };
    let up_text = lines[up..down - 1].join("\n");
    let down_text = lines[down..].join("\n");
    rev.checksum = checksum(&up_text);
    rev.upgrade = split(&p, &up_text, up + 1, parser)?;
    rev.downgrade = split(&p, &down_text, down + 1, parser)?;
    Ok(rev)
}

/// The header alone of a revision file's text (which may stop anywhere after its `-- upgrade` line),
/// checked as `parse` checks it; the statements and checksum are left empty.
pub fn parse_header(path: &Path, text: &str) -> Result<Revision, RevisionError> {
    let text = lf(text.strip_prefix('\u{feff}').unwrap_or(text));
    let lines: Vec<&str> = text.split('\n').collect();
    let up = lines
        .iter()
        .position(|l| l.trim() == "-- upgrade")
        .map_or(lines.len(), |i| i + 1);
    if let Some(i) = lines[..up].iter().position(|l| l.contains('\0')) {
        return Err(RevisionError::Header {
            path: path.display().to_string(),
            line: i + 1,
            msg: "a NUL character: no database takes it in SQL, and psql would cut the line short"
                .into(),
        });
    }
    Ok(header(path, &lines)?.0)
}

/// The header of a revision (its lines, LF-split): every `-- key: value` line checked, up to
/// `-- upgrade`. Returns the revision without statements or checksum, and the index of the line after
/// `-- upgrade`.
pub fn header(path: &Path, lines: &[&str]) -> Result<(Revision, usize), RevisionError> {
    let p = path.display().to_string();
    let err = |line: usize, msg: String| RevisionError::Header {
        path: p.clone(),
        line,
        msg,
    };
    let mut rev = Revision::new("", vec![], "", "", path.to_path_buf());
    let mut seen_rev = false;
    let mut up_start = None;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t == "-- upgrade" {
            up_start = Some(i + 1);
            break;
        }
        if t.is_empty() {
            continue;
        }
        let Some(h) = t.strip_prefix("--") else {
            return Err(err(
                i + 1,
                "expected a `-- key: value` header line or `-- upgrade` before any SQL".into(),
            ));
        };
        let Some((k, v)) = h.split_once(':') else {
            continue; // a plain comment in the header
        };
        let (k, v) = (k.trim(), v.trim());
        if !KEYS.contains(&k) {
            if let Some(known) = near_key(k) {
                return Err(err(
                    i + 1,
                    format!("header key `{k}` must be written `{known}` (lowercase, with _)"),
                ));
            }
            if k.chars().all(|c| c.is_ascii_lowercase() || c == '_') && !k.is_empty() {
                return Err(err(
                    i + 1,
                    format!("unknown header key `{k}` (known: {})", KEYS.join(", ")),
                ));
            }
            continue;
        }
        match k {
            "revision" => {
                valid_id(v).map_err(|m| err(i + 1, m))?;
                rev.id = v.to_string();
                seen_rev = true;
            }
            "down_revision" => {
                if v.split(',').count() > 1 && v.split(',').any(|x| x.trim().is_empty()) {
                    return Err(err(
                        i + 1,
                        format!("down_revision `{v}` has an empty entry"),
                    ));
                }
                rev.down = list(v);
                for d in &rev.down {
                    valid_id(d).map_err(|m| err(i + 1, format!("down_revision: {m}")))?;
                }
            }
            "message" => rev.message = unescape_comment(v),
            "created" => rev.created = v.to_string(),
            "dialect" => rev.dialect = v.to_string(),
            "transactional" => {
                rev.transactional = match v {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(err(
                            i + 1,
                            format!("transactional must be true or false, not `{v}`"),
                        ))
                    }
                }
            }
            "depends_on" => rev.depends_on = list(v),
            "branch_labels" => rev.branch_labels = list(v),
            "warning" => match v.strip_prefix("downgrade:") {
                Some(d) => rev.downgrade_warnings.push(unescape_comment(d.trim())),
                None => rev.warnings.push(unescape_comment(v)),
            },
            _ => unreachable!(),
        }
    }
    if !seen_rev {
        return Err(err(1, "missing `-- revision: ID` header".into()));
    }
    let Some(up) = up_start else {
        return Err(err(lines.len(), "missing `-- upgrade` section".into()));
    };
    Ok((rev, up))
}

/// Lowercase ASCII words joined by `_`, at most 40 characters.
pub fn slug(message: &str) -> String {
    let mut s = String::new();
    for w in message
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let w = w.to_ascii_lowercase();
        let add = if s.is_empty() { w.len() } else { w.len() + 1 };
        if s.len() + add > 40 {
            if s.is_empty() {
                s = w[..40].to_string();
            }
            break;
        }
        if !s.is_empty() {
            s.push('_');
        }
        s.push_str(&w);
    }
    s
}

/// `sql;` — with the `;` on a line of its own where the statement ends in a line comment, which
/// would swallow it.
pub fn terminated(sql: &str) -> String {
    if sql.lines().last().is_some_and(|l| l.contains("--")) {
        format!("{sql}\n;")
    } else {
        format!("{sql};")
    }
}

/// The text of a revision file.
pub fn render(rev: &Revision) -> String {
    let mut out = format!(
        "-- revision: {}\n-- down_revision: {}\n",
        rev.id,
        rev.down.join(", ")
    );
    out.push_str(&format!("-- message: {}\n", comment_text(&rev.message)));
    out.push_str(&format!(
        "-- created: {}\n-- dialect: {}\n",
        rev.created, rev.dialect
    ));
    if !rev.transactional {
        out.push_str("-- transactional: false\n");
    }
    if !rev.depends_on.is_empty() {
        out.push_str(&format!("-- depends_on: {}\n", rev.depends_on.join(", ")));
    }
    if !rev.branch_labels.is_empty() {
        out.push_str(&format!(
            "-- branch_labels: {}\n",
            rev.branch_labels.join(", ")
        ));
    }
    for w in &rev.warnings {
        out.push_str(&format!("-- warning: {}\n", comment_text(w)));
    }
    for w in &rev.downgrade_warnings {
        out.push_str(&format!("-- warning: downgrade: {}\n", comment_text(w)));
    }
    out.push_str("\n-- upgrade\n");
    for s in &rev.upgrade {
        out.push_str(&terminated(&s.sql));
        out.push('\n');
    }
    out.push_str("\n-- downgrade\n");
    for s in &rev.downgrade {
        out.push_str(&terminated(&s.sql));
        out.push('\n');
    }
    out
}

/// Writes `text` to `path` atomically: a temp file in the same directory, flushed, then renamed over
/// `path`. On any failure the temp file is removed, so a failed write leaves nothing behind.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp{}",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("revision"),
        std::process::id()
    ));
    let result = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A new 12-hex-digit revision id.
pub fn new_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let seed = format!(
        "{t}:{}:{}:{:p}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        &N
    );
    let d = Sha256::digest(seed.as_bytes());
    d.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;

    #[test]
    fn slug_is_lowercase_words_at_most_40() {
        assert_eq!(slug("Add bookings!"), "add_bookings");
        assert!(slug(&"word ".repeat(30)).len() <= 40);
    }

    #[test]
    fn split_keeps_line_numbers_and_dollar_quotes() {
        let sql = "CREATE TABLE a (x int);\n\nDO $$ BEGIN PERFORM 1; END $$;\nINSERT INTO a VALUES (';');";
        let st = split("f", sql, 10, &PostgreSqlDialect {}).unwrap();
        assert_eq!(st.len(), 3);
        assert_eq!(st[0].line, 10);
        assert_eq!(st[1].line, 12);
        assert!(st[1].sql.starts_with("DO $$"));
        assert_eq!(st[2].sql, "INSERT INTO a VALUES (';')");
    }

    #[test]
    fn splitting_160000_statements_on_one_line_was_quadratic() {
        // The offset of each statement was found by walking its line from the start: ~110 s for this
        // file. Linear now: well under a second in release; the bound only catches the old behaviour.
        let mut text = String::from("-- revision: abc\n-- down_revision: \n\n-- upgrade\n");
        text.push_str(&"INSERT INTO t VALUES ('é');".repeat(160_000));
        text.push_str("\n-- downgrade\n");
        let t = std::time::Instant::now();
        let rev = parse(Path::new("big.sql"), &text, &PostgreSqlDialect {}).unwrap();
        assert_eq!(rev.upgrade.len(), 160_000);
        assert_eq!(rev.upgrade[159_999].sql, "INSERT INTO t VALUES ('é')");
        assert!(
            t.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            t.elapsed()
        );
    }

    #[test]
    fn carriage_returns_before_a_line_feed_did_not_read_back_the_same() {
        // Found by the revision_parse fuzz target: `\r\r\n` normalized once still held a CRLF.
        let text =
            "-- revision: abc\n-- down_revision: \n\n-- upgrade\nSELECT 1\r\r\r\n;\n-- downgrade\n";
        let rev = parse(Path::new("f.sql"), text, &PostgreSqlDialect {}).unwrap();
        let again = parse(Path::new("f.sql"), &render(&rev), &PostgreSqlDialect {}).unwrap();
        assert_eq!(rev.upgrade[0].sql, again.upgrade[0].sql);
        assert_eq!(checksum("a\r\nb"), checksum("a\nb"));
    }

    #[test]
    fn unclosed_parenthesis_merged_the_rest_of_the_section_into_one_statement() {
        // Found by the revision_parse fuzz target: `int(ger` swallowed every `;` after it, and the
        // file no longer rendered and parsed back to itself.
        let e = split(
            "f.sql",
            "CREATE TABLE a (x int(ger);\nSELECT 1;\n",
            5,
            &PostgreSqlDialect {},
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("f.sql:5") && e.contains("never closed"), "{e}");
        let e = split("f.sql", "SELECT 1);\n", 1, &PostgreSqlDialect {})
            .unwrap_err()
            .to_string();
        assert!(e.contains("closes no parenthesis"), "{e}");
    }

    #[test]
    fn split_keeps_trigger_bodies_whole() {
        let sql = "CREATE TRIGGER t AFTER INSERT ON x BEGIN INSERT INTO log VALUES (CASE WHEN NEW.a THEN 1 END); UPDATE y SET n = 1; END;\nSELECT 1;";
        let st = split("f", sql, 1, &sqlparser::dialect::SQLiteDialect {}).unwrap();
        assert_eq!(st.len(), 2, "{st:?}");
        assert!(st[0].sql.ends_with("END"), "{st:?}");
    }

    #[test]
    fn unknown_header_key_is_an_error_with_its_line() {
        let text = "-- revision: abc\n-- down_revison: x\n\n-- upgrade\n-- downgrade\n";
        let e = parse(Path::new("v.sql"), text, &PostgreSqlDialect {})
            .unwrap_err()
            .to_string();
        assert!(e.contains("v.sql:2"), "{e}");
        assert!(e.contains("down_revison"), "{e}");
    }

    #[test]
    fn render_parse_round_trip() {
        let rev = Revision {
            id: "abc123abc123".into(),
            down: vec!["000000000001".into()],
            message: "m".into(),
            created: "2026-01-01T00:00:00Z".into(),
            dialect: "postgresql".into(),
            transactional: true,
            depends_on: vec![],
            branch_labels: vec![],
            warnings: vec!["drops table x".into()],
            downgrade_warnings: vec!["drops column y.z".into()],
            upgrade: vec![Statement {
                sql: "DROP TABLE \"x\"".into(),
                line: 10,
            }],
            downgrade: vec![Statement {
                sql: "CREATE TABLE \"x\" (\n    \"id\" integer\n)".into(),
                line: 13,
            }],
            checksum: String::new(),
            path: "p".into(),
        };
        let text = render(&rev);
        let back = parse(Path::new("p"), &text, &PostgreSqlDialect {}).unwrap();
        assert_eq!(back.upgrade, rev.upgrade);
        assert_eq!(back.downgrade, rev.downgrade);
        assert_eq!(back.warnings, rev.warnings);
        assert_eq!(back.downgrade_warnings, rev.downgrade_warnings);
    }
}
