//! `codegen`: application code from the models — a Rust module over the database's driver crate, or a
//! SQLAlchemy 2.0 module — so the migrations and the code that uses the tables come from one file.

pub mod model;
pub mod names;
pub mod rust;
pub mod sqlalchemy;

use crate::dialect::Dialect;
use crate::schema::Schema;

/// The languages `codegen --lang` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// One Rust module (postgres, rusqlite or mysql crate, after the models' database).
    Rust,
    /// One Python module of SQLAlchemy 2.0 declarative classes.
    Sqlalchemy,
}

/// The generated source for `s`, a schema of dialect `d`: deterministic, ending in one newline.
pub fn generate(s: &Schema, d: &dyn Dialect, lang: Lang) -> String {
    let mut text = match lang {
        Lang::Rust => {
            let m = model::Model::new(s, rust::RESERVED_TYPES);
            rust::generate(s, d.name(), &m)
        }
        Lang::Sqlalchemy => {
            let m = model::Model::new(s, sqlalchemy::RESERVED_CLASSES);
            sqlalchemy::generate(s, d, &m)
        }
    };
    while text.ends_with('\n') {
        text.pop();
    }
    text.push('\n');
    text
}
