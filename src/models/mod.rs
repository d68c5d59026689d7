//! `models.toml` ↔ `Schema`: loading with validation and exact locations (`build`), writing (`write`).

mod build;
mod create_text;
mod ctx;
mod refs;
mod table;
mod table_parts;
pub use crate::sql::split_index_part;
pub mod file;
mod objects;
mod rules;
pub mod sqltext;
mod triggers;
mod validate;
mod validate_table;
pub mod write;
mod write_indexes;
mod write_objects;
mod write_views;

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
/// An error at byte `offset` of the models file, for a problem found after loading (by the plan).
pub fn error_at(
    path: &Path,
    offset: usize,
    key: String,
    msg: String,
    hint: Option<String>,
) -> ModelError {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let (line, col) = line_col(&text, offset.min(text.len()));
    ModelError::Invalid {
        path: path.display().to_string(),
        line,
        col,
        key,
        msg,
        hint,
    }
}

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
    // Unknown keys are errors here too: `[databse]` or `uri =` must not read as "no URL".
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Top {
        database: Option<Db>,
        extensions: Option<serde::de::IgnoredAny>,
        collations: Option<serde::de::IgnoredAny>,
        text_search_dictionaries: Option<serde::de::IgnoredAny>,
        text_search_configurations: Option<serde::de::IgnoredAny>,
        enums: Option<serde::de::IgnoredAny>,
        domains: Option<serde::de::IgnoredAny>,
        sequences: Option<serde::de::IgnoredAny>,
        functions: Option<serde::de::IgnoredAny>,
        tables: Option<serde::de::IgnoredAny>,
        views: Option<serde::de::IgnoredAny>,
        materialized_views: Option<serde::de::IgnoredAny>,
        triggers: Option<serde::de::IgnoredAny>,
        policies: Option<serde::de::IgnoredAny>,
        rules: Option<serde::de::IgnoredAny>,
    }
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Db {
        url: Option<String>,
        schemas: Option<Vec<String>>,
        extensions: Option<serde::de::IgnoredAny>,
    }
    let full = read(path)?;
    // `[database]` is read from the sections before the first table (and, if it comes later, from the
    // section that holds it) so the large rest of the file is not parsed twice.
    let secs = sections(&full);
    let text = secs
        .iter()
        .find(|(_, s)| s.contains("[database]"))
        .map(|(_, s)| *s)
        .unwrap_or(secs[0].1);
    let text = text.to_string();
    match toml::from_str::<Top>(&text) {
        Ok(Top {
            database: Some(d), ..
        }) => Ok(DatabaseSection {
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
    let mut m = build_str(&path.display().to_string(), &text, dialect)?;
    // The text is let go before canonicalizing, whose own scratch maps make the peak of a large load.
    drop(text);
    dialect.canonicalize(&mut m.schema);
    Ok(m)
}

/// Splits models.toml at `[tables.…]` headers (outside multi-line strings): each section is parsed
/// on its own, so memory stays proportional to one table, not to the whole file (the TOML parser keeps
/// every token of what it parses). Returns (byte offset, text) pairs; the first is everything before the
/// first table.
fn sections(text: &str) -> Vec<(usize, &str)> {
    sections_marked(text)
        .into_iter()
        .map(|(o, s, _)| (o, s))
        .collect()
}

/// `sections`, each marked whether it surely holds one table alone: no line in it (outside multi-line
/// strings) but its `[tables.…]` header starts with `[`. Unsure ones (a nested array on a line of its
/// own, another kind of section) are read before any table is built, as every section once was.
fn sections_marked(text: &str) -> Vec<(usize, &str, bool)> {
    let mut cuts = vec![0];
    let mut mixed = vec![];
    let mut in_ml: Option<&str> = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if in_ml.is_none() && t.starts_with("[tables.") && pos > 0 {
            cuts.push(pos);
        } else if in_ml.is_none()
            && t.starts_with('[')
            && pos > 0
            && mixed.last() != Some(&(cuts.len() - 1))
        {
            mixed.push(cuts.len() - 1);
        }
        for q in ["\"\"\"", "'''"] {
            if in_ml.is_none_or(|m| m == q) && line.matches(q).count() % 2 == 1 {
                in_ml = if in_ml.is_some() { None } else { Some(q) };
            }
        }
        pos += line.len();
    }
    cuts.push(text.len());
    cuts.windows(2)
        .enumerate()
        .map(|(i, w)| (w[0], &text[w[0]..w[1]], i > 0 && !mixed.contains(&i)))
        .filter(|(_, s, _)| !s.is_empty() || cuts.len() == 2)
        .collect()
}

fn toml_error_at(path: &Path, text: &str, e: &toml::de::Error, offset: usize) -> ModelError {
    match toml_error(path, &text[offset..], e) {
        ModelError::Invalid {
            path,
            line,
            col,
            key,
            msg,
            hint,
        } => {
            let before = text[..offset].matches('\n').count();
            ModelError::Invalid {
                path,
                line: line + before,
                col,
                key,
                msg,
                hint,
            }
        }
        other => other,
    }
}

/// A second definition of `key`, at the section starting at byte `off`.
fn defined_twice(path: &str, text: &str, off: usize, key: &str) -> ModelError {
    let (line, col) = line_col(text, off);
    ModelError::Invalid {
        path: path.into(),
        line,
        col,
        key: key.into(),
        msg: "defined twice".into(),
        hint: Some("each table, enum, domain, sequence and function is defined once".into()),
    }
}

/// Loads and validates models.toml's `text` (reported as `path`); the schema comes back canonicalized.
pub fn load_str(path: &str, text: &str, dialect: &dyn Dialect) -> Result<Models, ModelError> {
    let mut m = build_str(path, text, dialect)?;
    dialect.canonicalize(&mut m.schema);
    Ok(m)
}

/// `load_str` but for canonicalizing.
fn build_str(path: &str, text: &str, dialect: &dyn Dialect) -> Result<Models, ModelError> {
    let p = Path::new(path);
    let mut f = file::File::default();
    let mut offsets: std::collections::HashMap<String, usize> = Default::default();
    let mut tables_alone = vec![];
    for (off, chunk, alone) in sections_marked(text) {
        if alone {
            // Its header line alone names the table: a second definition is refused before any
            // table is built, as when every section was parsed first.
            let header = chunk.split_inclusive('\n').next().unwrap_or(chunk);
            let head: toml::Table =
                toml::from_str(header).map_err(|e| toml_error_at(p, text, &e, off))?;
            let names = head.get("tables").and_then(|t| t.as_table());
            for k in names.into_iter().flat_map(|t| t.keys()) {
                if offsets.insert(format!("tables.{k}"), off).is_some() {
                    return Err(defined_twice(path, text, off, &format!("tables.{k}")));
                }
            }
            tables_alone.push((off, chunk));
            continue;
        }
        let part: file::File =
            toml::from_str(chunk).map_err(|e| toml_error_at(p, text, &e, off))?;
        macro_rules! merge {
            ($field:ident, $kind:literal) => {
                for (k, v) in part.$field {
                    // Every definition read so far has its offset (a table streamed later too).
                    let key = format!(concat!($kind, ".{}"), k);
                    if offsets.insert(key.clone(), off).is_some() {
                        return Err(defined_twice(path, text, off, &key));
                    }
                    f.$field.insert(k, v);
                }
            };
        }
        merge!(collations, "collations");
        merge!(text_search_dictionaries, "text_search_dictionaries");
        merge!(text_search_configurations, "text_search_configurations");
        merge!(enums, "enums");
        merge!(domains, "domains");
        merge!(sequences, "sequences");
        merge!(functions, "functions");
        merge!(tables, "tables");
        merge!(views, "views");
        merge!(materialized_views, "materialized_views");
        merge!(triggers, "triggers");
        merge!(policies, "policies");
        merge!(rules, "rules");
        if part.database.is_some() {
            f.database = part.database;
        }
        if part.extensions.is_some() {
            f.extensions = part.extensions;
        }
    }
    // The sections of tables alone are parsed on a second thread, a few ahead of the build.
    std::thread::scope(|sc| {
        let (tx, rx) = std::sync::mpsc::sync_channel(16);
        sc.spawn(move || {
            for (off, chunk) in tables_alone {
                let part = toml::from_str::<file::File>(chunk)
                    .map_err(|e| toml_error_at(p, text, &e, off));
                let failed = part.is_err();
                if tx.send(part).is_err() || failed {
                    break;
                }
            }
        });
        build::build(path, text, f, dialect, &offsets, rx.into_iter())
    })
}
