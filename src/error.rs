//! The error of a whole command: one variant per area, each message saying what, where and how to fix.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Model(#[from] crate::models::ModelError),
    #[error(transparent)]
    Revision(#[from] crate::revision::RevisionError),
    #[error(transparent)]
    Db(#[from] crate::dialect::conn::DbError),
    #[error(transparent)]
    Run(#[from] crate::runner::RunError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
    #[error("the database is not up to date: it is at {current}, the head is {head}\nhint: run `autogen upgrade head` first, so the new revision is generated against the latest schema")]
    NotUpToDate { current: String, head: String },
    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub fn io(path: &std::path::Path, e: std::io::Error) -> Error {
        Error::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        }
    }
}
