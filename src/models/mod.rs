//! `models.toml` ↔ `Schema`: loading with validation and exact locations (`build`), writing (`write`).

mod build;
pub use build::split_index_part;
pub mod file;
pub mod write;

use std::path::Path;

use crate::dialect::Dialect;
use crate::schema::Schema;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("cannot read {path}: {reason}\nhint: run `autogen init` to create one, or pass --models PATH")]
    Read { path: String, reason: String },
    #[error("{path}:{line}:{col}: {key}: {msg}{}", hint.as_ref().map(|h| format!("\nhint: {h}")).unwrap_or_default())]
    Invalid {
        path: String,
        line: usize,
        col: usize,
        key: String,
        msg: String,
        hint: Option<String>,
    },
}

/// The loaded models: the desired schema and the `[database]` settings.
#[derive(Debug, Clone)]
pub struct Models {
    pub schema: Schema,
    pub url: Option<String>,
    /// `[database] schemas`: the managed namespaces (empty = all non-system ones).
    pub namespaces: Vec<String>,
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The `[database]` settings alone: what a command needs before the dialect is known.
#[derive(Debug, Clone, Default)]
pub struct DatabaseSection {
    pub url: Option<String>,
    pub namespaces: Vec<String>,
}

/// Reads `[database] url` and `schemas` without building the models (the rest is skipped by serde).
pub fn read_database(path: &Path) -> Result<DatabaseSection, ModelError> {
    #[derive(serde::Deserialize)]
    struct Top {
        database: Option<Db>,
    }
    #[derive(serde::Deserialize)]
    struct Db {
        url: Option<String>,
        schemas: Option<Vec<String>>,
    }
    let text = read(path)?;
    match toml::from_str::<Top>(&text) {
        Ok(Top { database: Some(d) }) => Ok(DatabaseSection {
            url: d.url,
            namespaces: d.schemas.unwrap_or_default(),
        }),
        Ok(_) => Ok(DatabaseSection::default()),
        Err(e) => Err(toml_error(path, &text, &e)),
    }
}

fn read(path: &Path) -> Result<String, ModelError> {
    std::fs::read_to_string(path).map_err(|e| ModelError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> ModelError {
    let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
    let msg = e.message().trim().to_string();
    let hint = if msg.contains("unknown field") {
        Some("check the spelling; unknown keys are errors so a typo cannot silently drop a constraint".to_string())
    } else {
        None
    };
    ModelError::Invalid {
        path: path.display().to_string(),
        line,
        col,
        key: "toml".into(),
        msg,
        hint,
    }
}

/// Loads and validates `models.toml` for `dialect`; the schema comes back canonicalized.
pub fn load(path: &Path, dialect: &dyn Dialect) -> Result<Models, ModelError> {
    let text = read(path)?;
    load_str(&path.display().to_string(), &text, dialect)
}

pub fn load_str(path: &str, text: &str, dialect: &dyn Dialect) -> Result<Models, ModelError> {
    let f: file::File = toml::from_str(text).map_err(|e| toml_error(Path::new(path), text, &e))?;
    let mut m = build::build(path, text, f, dialect)?;
    dialect.canonicalize(&mut m.schema);
    Ok(m)
}
