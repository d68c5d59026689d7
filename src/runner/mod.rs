//! The database side of migrations: version table, lock, checksummed history, one transaction per revision.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::dialect::conn::{Connection, DbError};
use crate::revision::file::Statement;
use crate::revision::{Revision, RevisionError, RevisionMap};
use crate::sql::quote_literal;

/// Where and how a statement of a revision failed.
#[derive(Debug)]
pub struct Failure {
    pub id: String,
    pub path: String,
    pub line: usize,
    pub stmt: String,
    pub msg: String,
    pub direction: &'static str,
    /// Where the database stays (a transactional revision): its heads before the step.
    pub at: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{} of revision {} failed at {}:{}: {}\nstatement: {}\nits transaction was rolled back: the database is still at {}, as before the {}", .0.direction, .0.id, .0.path, .0.line, .0.msg, .0.stmt, .0.at, .0.direction)]
    StatementFailed(Box<Failure>),
    #[error("{} of revision {} failed at {}:{}: {}\nstatement: {}\nrevision {} is not transactional and is HALF-APPLIED: the statements before line {} ran and are recorded in autogen_progress\nhint: fix the cause and run the same command again to resume at line {}, or repair by hand and `autogen stamp` the right revision", .0.direction, .0.id, .0.path, .0.line, .0.msg, .0.stmt, .0.id, .0.line, .0.line)]
    HalfApplied(Box<Failure>),
    #[error("revision {id} is HALF-APPLIED: its {direction} stopped after {done} statement(s) (recorded in autogen_progress)\nhint: finish it first: run `autogen {direction}` to a target that runs {id} again (it resumes after statement {done}), or repair by hand and `autogen stamp` the right revision (which clears the progress)")]
    Unfinished {
        id: String,
        direction: String,
        done: usize,
    },
    #[error("revision {id} ({path}) leaves rows that break a foreign key:\n{rows}\nits transaction was rolled back\nhint: fix or delete those rows (PRAGMA foreign_key_check lists them), or change the revision, then run it again")]
    Violations {
        id: String,
        path: String,
        rows: String,
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

pub use crate::schema::OWN_TABLES;

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

    pub fn check_dialect(&self, revs: &[&Revision]) -> Result<(), RunError> {
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

    /// Non-transactional revisions stopped half-way: (revision, direction, statements done).
    pub fn unfinished(&mut self) -> Result<Vec<(String, String, usize)>, RunError> {
        let rows = match self.conn.query(
            "SELECT revision, direction, statements_done FROM autogen_progress ORDER BY 1, 2",
        ) {
            Ok(r) => r,
            Err(e) if e.to_string().contains("autogen_progress") => vec![],
            Err(e) => return Err(e.into()),
        };
        Ok(rows
            .into_iter()
            .filter_map(|r| match r.as_slice() {
                [Some(id), Some(d), Some(n)] => {
                    Some((id.clone(), d.clone(), n.parse().unwrap_or(0)))
                }
                _ => None,
            })
            .collect())
    }

    /// Records that `done` statements ran.
    fn record_progress(
        &mut self,
        rev: &Revision,
        dir: Direction,
        done: usize,
    ) -> Result<(), DbError> {
        let sql = self
            .conn
            .dialect()
            .progress_sql(&rev.id, dir_name(dir), done);
        self.conn.execute(&sql)
    }

    /// Runs `sql` inside the open transaction; on failure rolls it back.
    fn in_tx(&mut self, sql: &str) -> Result<(), DbError> {
        self.conn.execute(sql).inspect_err(|_| {
            let _ = self.conn.rollback();
        })
    }

    /// Fails (rolling back) when the revision left rows breaking a constraint the database does not
    /// enforce while migrating (SQLite's foreign keys): only rows that were fine before it count.
    fn check_violations(&mut self, rev: &Revision, before: &[String]) -> Result<(), RunError> {
        let after = self.conn.violations().inspect_err(|_| {
            let _ = self.conn.rollback();
        })?;
        let new: Vec<&String> = after.iter().filter(|v| !before.contains(v)).collect();
        if new.is_empty() {
            return Ok(());
        }
        let _ = self.conn.rollback();
        let shown: Vec<String> = new.iter().take(5).map(|v| format!("  {v}")).collect();
        Err(RunError::Violations {
            id: rev.id.clone(),
            path: rev.path.display().to_string(),
            rows: format!(
                "{}{}",
                shown.join("\n"),
                if new.len() > 5 {
                    format!("\n  … and {} more", new.len() - 5)
                } else {
                    String::new()
                }
            ),
        })
    }

    /// Applies one revision in one direction and moves the version table, returning the new heads.
    /// A transactional revision runs with its bookkeeping in one transaction. A non-transactional one
    /// runs each statement in a transaction of its own together with its progress row (a statement
    /// that cannot run in a transaction runs alone, then its progress is recorded), and closes with one
    /// transaction for the progress, version and history rows: killed at any point, a rerun resumes
    /// after the last statement recorded.
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
        let at = if heads.is_empty() {
            "base".to_string()
        } else {
            heads.join(", ")
        };
        let failed = |s: &Statement, e: DbError, half: bool| {
            let f = Box::new(Failure {
                id: rev.id.clone(),
                path: rev.path.display().to_string(),
                line: s.line,
                stmt: s.sql.clone(),
                msg: e.to_string(),
                direction: dir_name(dir),
                at: at.clone(),
            });
            if half {
                RunError::HalfApplied(f)
            } else {
                RunError::StatementFailed(f)
            }
        };
        if rev.transactional && self.conn.dialect().transactional_ddl() {
            self.conn.begin()?;
            for s in stmts {
                self.in_tx(&s.sql).map_err(|e| failed(s, e, false))?;
            }
            // Rows breaking a constraint the database did not enforce (SQLite's foreign keys): only
            // the ones this revision made count. The common case costs one check; when rows are
            // found, the revision is rolled back, the state before it checked, and the revision run
            // again if they were all there already.
            let after = self.conn.violations().inspect_err(|_| {
                let _ = self.conn.rollback();
            })?;
            if !after.is_empty() {
                self.conn.rollback()?;
                let before = self.conn.violations()?;
                self.conn.begin()?;
                for s in stmts {
                    self.in_tx(&s.sql).map_err(|e| failed(s, e, false))?;
                }
                self.check_violations(rev, &before)?;
            }
        } else {
            let skip = self.progress(rev, dir)?;
            for (i, s) in stmts.iter().enumerate().skip(skip) {
                self.conn.begin()?;
                match self.conn.execute(&s.sql) {
                    Ok(()) => {
                        let sql = self
                            .conn
                            .dialect()
                            .progress_sql(&rev.id, dir_name(dir), i + 1);
                        self.in_tx(&sql)?;
                        self.conn.commit()?;
                    }
                    Err(DbError::NotInTransaction(_)) => {
                        self.conn.rollback()?;
                        self.conn.execute(&s.sql).map_err(|e| failed(s, e, i > 0))?;
                        self.record_progress(rev, dir, i + 1)?;
                    }
                    Err(e) => {
                        let _ = self.conn.rollback();
                        return Err(failed(s, e, i > 0));
                    }
                }
            }
            self.conn.begin()?;
            self.in_tx(&format!(
                "DELETE FROM autogen_progress WHERE revision = {} AND direction = {}",
                quote_literal(&rev.id),
                quote_literal(dir_name(dir))
            ))?;
        }
        let mut book = version_updates(heads, &after);
        book.push(history_insert(rev, dir, start.elapsed().as_millis()));
        for sql in &book {
            self.in_tx(sql)?;
        }
        self.conn.commit()?;
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
        // A versions directory of another dialect is refused before anything is created here.
        self.check_dialect(&map.history())?;
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
        if dir == Direction::Up {
            if let Some(g) = goal
                .iter()
                .find(|g| !heads.contains(g) && heads.iter().any(|h| map.is_ancestor(g, h)))
            {
                return Err(RevisionError::BadTarget {
                    target: g.clone(),
                    msg: format!(
                        "it is below the current revision ({}); upgrade goes up only\nhint: use `autogen downgrade {g}` to go down",
                        heads.join(", ")
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
        // A non-transactional revision stopped half-way must be finished first, in its direction.
        for (id, direction, done) in self.unfinished()? {
            let resumes = path.first().is_some_and(|r| r.id == id) && direction == dir_name(dir);
            if !resumes {
                return Err(RunError::Unfinished {
                    id,
                    direction,
                    done,
                });
            }
        }
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
                crate::revision::file::comment_text(&rev.message),
                start.elapsed().as_millis()
            )
            .map_err(|e| RunError::Output(e.to_string()))?;
            let warnings = if dir == Direction::Up {
                &rev.warnings
            } else {
                &rev.downgrade_warnings
            };
            for w in warnings {
                writeln!(out, "  warning: {}", crate::revision::file::comment_text(w))
                    .map_err(|e| RunError::Output(e.to_string()))?;
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
        self.check_dialect(&map.history())?;
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

pub use crate::revision::file::terminated;
pub use script::offline_script;

mod script;
