//! Revisions: files on disk (`file`), the graph they form (`map`), and targets like `head` or `-1` (`target`).

pub mod escape;
pub mod file;
mod headers;
pub mod map;
pub mod split;
pub mod target;

use std::path::Path;

pub use file::Revision;
pub use map::RevisionMap;

#[derive(Debug, thiserror::Error)]
pub enum RevisionError {
    #[error("{path}:{line}: {msg}\nhint: a revision file starts with `-- revision: ID` and `-- down_revision: PARENT` lines, then `-- upgrade` and `-- downgrade` sections")]
    Header {
        path: String,
        line: usize,
        msg: String,
    },
    #[error("{path}:{line}: {msg}")]
    Sql {
        path: String,
        line: usize,
        msg: String,
    },
    #[error("cannot read {path}: {reason}")]
    Io { path: String, reason: String },
    #[error("revision {id} is defined twice: {a} and {b}\nhint: give one of them a new `-- revision:` id")]
    DuplicateId { id: String, a: String, b: String },
    #[error("revision {id} ({path}) names {key} {parent}, which does not exist\nhint: fix the `-- {key}:` line or restore the missing file")]
    MissingParent {
        id: String,
        path: String,
        parent: String,
        /// The header line that names it: `down_revision` or `depends_on`.
        key: &'static str,
    },
    #[error("revisions form a cycle: {0}\nhint: a revision cannot be its own ancestor; fix the `-- down_revision:` lines")]
    Cycle(String),
    #[error("several heads: {}\nhint: upgrade to one of them by id, use `heads`, or join them with `autogen merge -m MSG heads`", .0.join(", "))]
    MultipleHeads(Vec<String>),
    #[error("no revision matches `{0}`\nhint: see `autogen history`")]
    UnknownRevision(String),
    #[error("`{prefix}` is ambiguous: {}\nhint: use more characters", .candidates.join(", "))]
    Ambiguous {
        prefix: String,
        candidates: Vec<String>,
    },
    #[error("revision prefix `{0}` is too short: use at least 4 characters")]
    ShortPrefix(String),
    #[error("invalid target `{target}`: {msg}")]
    BadTarget { target: String, msg: String },
    #[error("{path} targets {found}, but the database is {expected}\nhint: a versions directory targets one dialect; use a separate directory per database kind")]
    WrongDialect {
        path: String,
        found: String,
        expected: String,
    },
}

/// The step that makes `revision --autogenerate` possible, for hints after `check` or `verify` found
/// differences: a merge when the history has several heads, an upgrade when the database (its
/// `current` heads, when known) is behind, else autogenerate itself.
pub fn next_step(map: &RevisionMap, current: Option<&[String]>) -> String {
    let heads = map.heads();
    let show = |v: &[String]| {
        if v.is_empty() {
            "base".to_string()
        } else {
            v.join(", ")
        }
    };
    if heads.len() > 1 {
        return format!(
            "hint: the history has several heads ({}): join them with `autogen merge -m MSG heads`, run `autogen upgrade head`, then `autogen revision --autogenerate -m MSG` writes what is missing",
            heads.join(", ")
        );
    }
    match current {
        Some(cur) if cur != heads.as_slice() => format!(
            "hint: the database is at {}, not at the head {}: run `autogen upgrade head` first, then `autogen revision --autogenerate -m MSG` writes what is still missing",
            show(cur),
            show(&heads)
        ),
        _ => "hint: `autogen revision --autogenerate -m MSG` writes a revision for them".into(),
    }
}

/// Loads every `*.sql` revision in `dir` (a missing directory is an empty history), parsing files on
/// all cores; the first error in file order is reported.
pub fn load_dir(
    dir: &Path,
    dialect: &dyn crate::dialect::Dialect,
) -> Result<Vec<Revision>, RevisionError> {
    each_file(dir, &|| {
        let parser = dialect.parser();
        Box::new(move |p: &Path| {
            let text = std::fs::read_to_string(p).map_err(|e| RevisionError::Io {
                path: p.display().to_string(),
                reason: e.to_string(),
            })?;
            file::parse(p, &text, parser.as_ref())
        })
    })
}

/// The headers alone of every revision in `dir`, for the commands that only walk the graph (`heads`,
/// `history`, `current`, `branches`, `show`): each file is read up to its `-- upgrade` line, its SQL
/// neither read nor split. Statements and checksums are left empty.
pub fn load_headers(dir: &Path) -> Result<Vec<Revision>, RevisionError> {
    each_file(dir, &|| Box::new(|p: &Path| headers::read(p)))
}

type Reader<'a> = Box<dyn Fn(&Path) -> Result<Revision, RevisionError> + 'a>;

/// `read` (made once per thread) over the revision files of `dir`, in file-name order, on all cores.
fn each_file<'d>(
    dir: &Path,
    make: &(dyn Fn() -> Reader<'d> + Sync),
) -> Result<Vec<Revision>, RevisionError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => {
            return Err(RevisionError::Io {
                path: dir.display().to_string(),
                reason: e.to_string(),
            })
        }
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "sql")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    paths.sort();
    let load = |ps: &[std::path::PathBuf]| -> Vec<Result<Revision, RevisionError>> {
        let read = make();
        ps.iter().map(|p| read(p)).collect()
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = paths.len().div_ceil(threads).max(64);
    let results: Vec<Result<Revision, RevisionError>> = std::thread::scope(|s| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|c| s.spawn(move || load(c)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    results.into_iter().collect()
}
