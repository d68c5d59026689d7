//! Where things are: models file, versions directory, database URL (flag, environment, models.toml).

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no database URL\nhint: pass --url, set AUTOGEN_DATABASE_URL, or add `[database] url = \"sqlite:app.db\"` to {0}")]
    NoUrl(String),
    #[error("no {file} in {dir}, and no database URL\nhint: run `autogen init` to create one, pass --models PATH to use another file, or --url URL")]
    NoModels { file: String, dir: String },
    #[error("{models}: `url = \"env:{var}\"` but {var} is not set\nhint: export {var}=postgres://USER@HOST/DB")]
    MissingEnv { models: String, var: String },
}

pub struct Paths {
    pub models: PathBuf,
    pub versions: PathBuf,
}

impl Paths {
    pub fn new(models: Option<&Path>, versions: Option<&Path>) -> Paths {
        let models = models
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("models.toml"));
        let versions = versions.map(Path::to_path_buf).unwrap_or_else(|| {
            models
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .join("versions")
        });
        Paths { models, versions }
    }
}

/// A relative SQLite path in models.toml is relative to the models file (as in Prisma), so
/// `--models other/models.toml` finds `other/booking.db`, wherever autogen runs from.
fn relative_to_models(url: &str, models: &Path) -> String {
    let Some(rest) = url.strip_prefix("sqlite:") else {
        return url.to_string();
    };
    let (prefix, path) = match rest.strip_prefix("//") {
        Some(p) => ("sqlite://", p),
        None => ("sqlite:", rest),
    };
    let dir = models.parent().filter(|d| !d.as_os_str().is_empty());
    match dir {
        Some(d) if !path.starts_with(':') && !Path::new(path).is_absolute() && !path.is_empty() => {
            format!("{prefix}{}", d.join(path).display())
        }
        _ => url.to_string(),
    }
}

/// `--url`, then `AUTOGEN_DATABASE_URL`, then `[database] url` (which may say `env:VAR`).
pub fn resolve_url(
    flag: Option<&str>,
    from_models: Option<&str>,
    models: &Path,
) -> Result<String, ConfigError> {
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
            None => Ok(relative_to_models(u, models)),
        },
        None if !models.exists() => Err(ConfigError::NoModels {
            file: models
                .file_name()
                .map_or("models.toml".into(), |f| f.to_string_lossy().into_owned()),
            dir: match models.parent().filter(|d| !d.as_os_str().is_empty()) {
                Some(d) => d.display().to_string(),
                None => std::env::current_dir()
                    .map(|d| d.display().to_string())
                    .unwrap_or_else(|_| ".".into()),
            },
        }),
        None => Err(ConfigError::NoUrl(models.display().to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_in_models_are_relative_to_the_models_file() {
        let m = Path::new("proj/models.toml");
        assert_eq!(relative_to_models("sqlite:app.db", m), "sqlite:proj/app.db");
        assert_eq!(
            relative_to_models("sqlite:/abs/app.db", m),
            "sqlite:/abs/app.db"
        );
        assert_eq!(relative_to_models("sqlite::memory:", m), "sqlite::memory:");
        assert_eq!(
            relative_to_models("sqlite:app.db", Path::new("models.toml")),
            "sqlite:app.db"
        );
        assert_eq!(relative_to_models("postgres://h/db", m), "postgres://h/db");
    }
}
