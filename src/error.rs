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
    Run(Box<crate::runner::RunError>),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
    #[error("the database is not up to date: it is at {current}, the head is {head}{pending}\nhint: run `autogen upgrade head` first, so the new revision is generated against the latest schema; if a revision that was never applied fails, fix its file, or delete it and run `autogen revision --autogenerate` again")]
    NotUpToDate {
        current: String,
        head: String,
        /// The revisions between the two, with their files.
        pending: String,
    },
    #[error("{0}")]
    Usage(String),
}

impl From<crate::runner::RunError> for Error {
    fn from(e: crate::runner::RunError) -> Error {
        Error::Run(Box::new(e))
    }
}

impl Error {
    pub fn io(path: &std::path::Path, e: std::io::Error) -> Error {
        Error::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        }
    }
}
