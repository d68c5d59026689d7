//! The database side of migrations: version table, lock, checksummed history, one transaction per revision.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::dialect::conn::{Connection, DbError};
use crate::dialect::quote_literal;
use crate::revision::file::Statement;
use crate::revision::{Revision, RevisionError, RevisionMap};

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("revision {id} failed at {path}:{line}: {msg}\nstatement: {stmt}\nthe database is still at the revision before {id} (its transaction was rolled back)")]
    StatementFailed {
        id: String,
        path: String,
        line: usize,
        stmt: String,
        msg: String,
    },
    #[error("revision {id} failed at {path}:{line}: {msg}\nstatement: {stmt}\nrevision {id} is not transactional and is HALF-APPLIED: the statements before line {line} ran and are recorded in autogen_progress\nhint: fix the cause and run the same command again to resume at line {line}, or repair by hand and `autogen stamp` the right revision")]
    HalfApplied {
        id: String,
        path: String,
        line: usize,
        stmt: String,
        msg: String,
    },
    #[error("{path}: revision {id} was edited after it was applied (history has checksum {recorded}, the file now has {found})\nhint: restore the file (history must not drift), or pass --allow-edited if the edit is harmless")]
    EditedRevision {
        id: String,
        path: String,
        recorded: String,
        found: String,
    },
    #[error("the database is at revision {0}, which is not in the versions directory\nhint: restore the missing revision file, or `autogen stamp` a known revision")]
    UnknownCurrent(String),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Revision(#[from] RevisionError),
    #[error("cannot write output: {0}")]
    Output(String),
}

pub const VERSION_DDL: &str =
    "CREATE TABLE IF NOT EXISTS autogen_version (version_num varchar(32) NOT NULL PRIMARY KEY)";
/// Statements already run of a non-transactional revision that failed part-way (resumed from there).
pub const PROGRESS_DDL: &str = "CREATE TABLE IF NOT EXISTS autogen_progress (revision varchar(32) NOT NULL, direction varchar(9) NOT NULL, \
     statements_done integer NOT NULL, PRIMARY KEY (revision, direction))";
pub const HISTORY_DDL: &str = "CREATE TABLE IF NOT EXISTS autogen_history (revision varchar(32) NOT NULL, direction varchar(9) NOT NULL, \
     checksum varchar(64) NOT NULL, applied_at varchar(32) NOT NULL, duration_ms bigint NOT NULL)";

pub fn now_utc() -> String {
    let f = time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&f).ok())
        .unwrap_or_default()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Direction {
    Up,
    Down,
}

pub struct Runner<'a> {
    pub conn: &'a mut dyn Connection,
    pub lock_timeout: Duration,
    pub allow_edited: bool,
}

/// SQL that moves the version table from `before` to `after` heads.
pub fn version_updates(before: &[String], after: &[String]) -> Vec<String> {
    let mut v = vec![];
    for b in before {
        if !after.contains(b) {
            v.push(format!(
                "DELETE FROM autogen_version WHERE version_num = {}",
                quote_literal(b)
            ));
        }
    }
    for a in after {
        if !before.contains(a) {
            v.push(format!(
                "INSERT INTO autogen_version (version_num) VALUES ({})",
                quote_literal(a)
            ));
        }
    }
    v
}

fn dir_name(dir: Direction) -> &'static str {
    if dir == Direction::Up {
        "upgrade"
    } else {
        "downgrade"
    }
}

fn history_insert(rev: &Revision, dir: Direction, ms: u128) -> String {
    format!(
        "INSERT INTO autogen_history (revision, direction, checksum, applied_at, duration_ms) VALUES ({}, {}, {}, {}, {ms})",
        quote_literal(&rev.id),
        quote_literal(dir_name(dir)),
        quote_literal(&rev.checksum),
        quote_literal(&now_utc()),
    )
}

impl Runner<'_> {
    pub fn ensure_tables(&mut self) -> Result<(), RunError> {
        self.conn.execute(VERSION_DDL)?;
        self.conn.execute(HISTORY_DDL)?;
        self.conn.execute(PROGRESS_DDL)?;
        Ok(())
    }

    /// Current heads from the version table (empty when the table does not exist yet).
    /// Creates nothing: tables are created under the lock, by `migrate` and `stamp`.
    pub fn current(&mut self) -> Result<Vec<String>, RunError> {
        let rows = match self.conn.query("SELECT version_num FROM autogen_version") {
            Ok(r) => r,
            Err(e) if e.to_string().contains("autogen_version") => vec![],
            Err(e) => return Err(e.into()),
        };
        let mut v: Vec<String> = rows
            .into_iter()
            .filter_map(|r| r.into_iter().next().flatten())
            .collect();
        v.sort();
        Ok(v)
    }

    /// Refuses when a revision below the current heads changed on disk since it was applied.
    fn check_edited(&mut self, map: &RevisionMap, current: &[String]) -> Result<(), RunError> {
        if self.allow_edited || current.is_empty() {
            return Ok(());
        }
        let rows = self.conn.query(
            "SELECT revision, checksum, direction FROM autogen_history ORDER BY applied_at, revision",
        )?;
        let mut recorded: std::collections::HashMap<String, String> = Default::default();
        for r in rows {
            if let [Some(rev), Some(sum), Some(dir)] = r.as_slice() {
                if dir == "upgrade" {
                    recorded.insert(rev.clone(), sum.clone());
                }
            }
        }
        for rev in map.upgrade_path(&[], current) {
            if let Some(sum) = recorded.get(&rev.id) {
                if *sum != rev.checksum {
                    return Err(RunError::EditedRevision {
                        id: rev.id.clone(),
                        path: rev.path.display().to_string(),
                        recorded: sum[..12.min(sum.len())].to_string(),
                        found: rev.checksum[..12.min(rev.checksum.len())].to_string(),
                    });
                }
            }
        }
        Ok(())
    }

    fn check_dialect(&self, revs: &[&Revision]) -> Result<(), RunError> {
        let expected = self.conn.dialect().name();
        for r in revs {
            if !r.dialect.is_empty() && r.dialect != expected {
                return Err(RevisionError::WrongDialect {
                    path: r.path.display().to_string(),
                    found: r.dialect.clone(),
                    expected: expected.into(),
                }
                .into());
            }
        }
        Ok(())
    }

    /// Runs one revision in one direction, with its version update, in one transaction.
    /// How many statements of `rev` (in `dir`) ran before a failure, for a non-transactional revision.
    fn progress(&mut self, rev: &Revision, dir: Direction) -> Result<usize, RunError> {
        let rows = self.conn.query(&format!(
            "SELECT statements_done FROM autogen_progress WHERE revision = {} AND direction = {}",
            quote_literal(&rev.id),
            quote_literal(dir_name(dir))
        ))?;
        Ok(rows
            .first()
            .and_then(|r| r.first().cloned().flatten())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    fn record_progress(
        &mut self,
        rev: &Revision,
        dir: Direction,
        done: usize,
    ) -> Result<(), RunError> {
        let (id, d) = (quote_literal(&rev.id), quote_literal(dir_name(dir)));
        self.conn.execute(&format!(
            "DELETE FROM autogen_progress WHERE revision = {id} AND direction = {d}"
        ))?;
        if done > 0 {
            self.conn.execute(&format!(
                "INSERT INTO autogen_progress (revision, direction, statements_done) VALUES ({id}, {d}, {done})"
            ))?;
        }
        Ok(())
    }

    /// Applies one revision in one direction and moves the version table, returning the new heads.
    pub fn apply(
        &mut self,
        map: &RevisionMap,
        rev: &Revision,
        dir: Direction,
        heads: &[String],
    ) -> Result<Vec<String>, RunError> {
        let after = match dir {
            Direction::Up => map.after_upgrade(heads, rev),
            Direction::Down => map.after_downgrade(heads, rev),
        };
        let stmts: &[Statement] = if dir == Direction::Up {
            &rev.upgrade
        } else {
            &rev.downgrade
        };
        let start = Instant::now();
        // A non-transactional revision that failed part-way resumes after its last completed statement.
        let skip = if rev.transactional {
            0
        } else {
            self.progress(rev, dir)?
        };
        if rev.transactional {
            self.conn.begin()?;
        }
        for (i, s) in stmts.iter().enumerate().skip(skip) {
            let result = self.conn.execute(&s.sql);
            if result.is_ok() && !rev.transactional {
                self.record_progress(rev, dir, i + 1)?;
            }
            if let Err(e) = result {
                let (id, path, line, stmt, msg) = (
                    rev.id.clone(),
                    rev.path.display().to_string(),
                    s.line,
                    s.sql.clone(),
                    e.to_string(),
                );
                if rev.transactional {
                    let _ = self.conn.rollback();
                    return Err(RunError::StatementFailed {
                        id,
                        path,
                        line,
                        stmt,
                        msg,
                    });
                }
                return Err(RunError::HalfApplied {
                    id,
                    path,
                    line,
                    stmt,
                    msg,
                });
            }
        }
        if !rev.transactional {
            self.record_progress(rev, dir, 0)?;
        }
        let mut book = version_updates(heads, &after);
        book.push(history_insert(rev, dir, start.elapsed().as_millis()));
        for sql in &book {
            if let Err(e) = self.conn.execute(sql) {
                if rev.transactional {
                    let _ = self.conn.rollback();
                }
                return Err(e.into());
            }
        }
        if rev.transactional {
            self.conn.commit()?;
        }
        Ok(after)
    }

    /// Moves the database to `target` heads, printing one line per revision.
    pub fn migrate(
        &mut self,
        map: &RevisionMap,
        target: impl Fn(&[String]) -> Result<Vec<String>, RevisionError>,
        dir: Direction,
        out: &mut dyn Write,
    ) -> Result<usize, RunError> {
        // Lock first: two runners must not race even on creating the version tables.
        self.conn.lock(self.lock_timeout)?;
        let result = self
            .ensure_tables()
            .and_then(|_| self.migrate_locked(map, target, dir, out));
        let unlock = self.conn.unlock();
        let n = result?;
        unlock?;
        Ok(n)
    }

    fn migrate_locked(
        &mut self,
        map: &RevisionMap,
        target: impl Fn(&[String]) -> Result<Vec<String>, RevisionError>,
        dir: Direction,
        out: &mut dyn Write,
    ) -> Result<usize, RunError> {
        let mut heads = self.current()?;
        for h in &heads {
            if map.get(h).is_none() {
                return Err(RunError::UnknownCurrent(h.clone()));
            }
        }
        self.check_edited(map, &heads)?;
        let goal = target(&heads)?;
        if dir == Direction::Down {
            if let Some(g) = goal
                .iter()
                .find(|g| !heads.iter().any(|h| map.is_ancestor(g, h)))
            {
                return Err(RevisionError::BadTarget {
                    target: g.clone(),
                    msg: format!(
                        "it is not below the current revision ({}); downgrade goes down only",
                        if heads.is_empty() {
                            "base".into()
                        } else {
                            heads.join(", ")
                        }
                    ),
                }
                .into());
            }
        }
        let path: Vec<&Revision> = match dir {
            Direction::Up => map.upgrade_path(&heads, &goal),
            Direction::Down => map.downgrade_path(&heads, &goal),
        };
        self.check_dialect(&path)?;
        for rev in &path {
            let start = Instant::now();
            heads = self.apply(map, rev, dir, &heads)?;
            let verb = if dir == Direction::Up {
                "upgrade"
            } else {
                "downgrade"
            };
            let arrow = match dir {
                Direction::Up => format!(
                    "{} -> {}",
                    if rev.down.is_empty() {
                        "base".into()
                    } else {
                        rev.down.join(", ")
                    },
                    rev.id
                ),
                Direction::Down => format!(
                    "{} -> {}",
                    rev.id,
                    if rev.down.is_empty() {
                        "base".into()
                    } else {
                        rev.down.join(", ")
                    }
                ),
            };
            writeln!(
                out,
                "{verb} {arrow}  {}  ({} ms)",
                rev.message,
                start.elapsed().as_millis()
            )
            .map_err(|e| RunError::Output(e.to_string()))?;
            if dir == Direction::Up {
                for w in &rev.warnings {
                    writeln!(out, "  warning: {w}").map_err(|e| RunError::Output(e.to_string()))?;
                }
            }
        }
        if path.is_empty() {
            writeln!(
                out,
                "Already at {}.",
                if heads.is_empty() {
                    "base".to_string()
                } else {
                    heads.join(", ")
                }
            )
            .map_err(|e| RunError::Output(e.to_string()))?;
        }
        Ok(path.len())
    }

    /// Sets the version table to `heads` without running any SQL (`purge`: drop every other row first).
    pub fn stamp(
        &mut self,
        map: &RevisionMap,
        target: &[String],
        purge: bool,
    ) -> Result<(), RunError> {
        self.conn.lock(self.lock_timeout)?;
        let r = (|| {
            self.ensure_tables()?;
            let cur = if purge { vec![] } else { self.current()? };
            let heads = if purge {
                target.to_vec()
            } else {
                map.after_stamp(&cur, target)
            };
            let heads = &heads;
            self.conn.begin()?;
            if purge {
                self.conn.execute("DELETE FROM autogen_version")?;
            }
            self.conn.execute("DELETE FROM autogen_progress")?;
            for sql in version_updates(&cur, heads) {
                self.conn.execute(&sql)?;
            }
            self.conn.commit()?;
            Ok(())
        })();
        let _ = self.conn.unlock();
        r
    }
}

/// The script `upgrade --sql` / `downgrade --sql` prints: what the runner would run, without connecting.
pub fn offline_script(
    map: &RevisionMap,
    from: &[String],
    path: &[&Revision],
    dir: Direction,
) -> String {
    let mut out = format!(
        "-- autogen offline script ({})\n{VERSION_DDL};\n{HISTORY_DDL};\n\n",
        if dir == Direction::Up {
            "upgrade"
        } else {
            "downgrade"
        }
    );
    let mut heads = from.to_vec();
    for rev in path {
        let after = match dir {
            Direction::Up => map.after_upgrade(&heads, rev),
            Direction::Down => map.after_downgrade(&heads, rev),
        };
        out.push_str(&format!(
            "-- {} {} ({})\n",
            if dir == Direction::Up {
                "upgrade"
            } else {
                "downgrade"
            },
            rev.id,
            rev.message
        ));
        if rev.transactional {
            out.push_str("BEGIN;\n");
        }
        for s in if dir == Direction::Up {
            &rev.upgrade
        } else {
            &rev.downgrade
        } {
            out.push_str(&s.sql);
            out.push_str(";\n");
        }
        for v in version_updates(&heads, &after) {
            out.push_str(&v);
            out.push_str(";\n");
        }
        out.push_str(&history_insert(rev, dir, 0));
        out.push_str(";\n");
        if rev.transactional {
            out.push_str("COMMIT;\n");
        }
        out.push('\n');
        heads = after;
    }
    out
}
