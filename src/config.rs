//! Where things are: models file, versions directory, database URL (flag, environment, models.toml).

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no database URL\nhint: pass --url, set AUTOGEN_DATABASE_URL, or add `[database] url = \"sqlite:app.db\"` to {0}")]
    NoUrl(String),
    #[error("{models}: `url = \"env:{var}\"` but {var} is not set\nhint: export {var}=postgres://USER@HOST/DB")]
    MissingEnv { models: String, var: String },
}

pub struct Paths {
    pub models: PathBuf,
    pub versions: PathBuf,
}

impl Paths {
    pub fn new(models: Option<&Path>, versions: Option<&Path>) -> Paths {
        let models = models.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("models.toml"));
        let versions = versions.map(Path::to_path_buf).unwrap_or_else(|| {
            models.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).join("versions")
        });
        Paths { models, versions }
    }
}

/// `--url`, then `AUTOGEN_DATABASE_URL`, then `[database] url` (which may say `env:VAR`).
pub fn resolve_url(flag: Option<&str>, from_models: Option<&str>, models: &Path) -> Result<String, ConfigError> {
    if let Some(u) = flag.filter(|u| !u.is_empty()) {
        return Ok(u.to_string());
    }
    if let Ok(u) = std::env::var("AUTOGEN_DATABASE_URL") {
        if !u.is_empty() {
            return Ok(u);
        }
    }
    match from_models {
        Some(u) => match u.strip_prefix("env:") {
            Some(var) => std::env::var(var).map_err(|_| ConfigError::MissingEnv {
                models: models.display().to_string(),
                var: var.to_string(),
            }),
            None => Ok(u.to_string()),
        },
        None => Err(ConfigError::NoUrl(models.display().to_string())),
    }
}
