//! Golden snapshots of `codegen` for schemas with every feature (PostgreSQL, SQLite, MySQL), both
//! languages; the SQLite and MySQL modules are also type-checked against their driver crates.

use autogen::codegen::{generate, Lang};
use autogen::dialect::{mysql::MySql, postgres::Postgres, sqlite::Sqlite, Dialect};
use autogen::models::load_str;

use crate::codegen_corpus::compiles;

fn gen(d: &dyn Dialect, models: &str, lang: Lang) -> String {
    let m = load_str("models.toml", models, d).unwrap_or_else(|e| panic!("{e}"));
    generate(&m.schema, d, lang)
}

fn features_pg() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/codegen_features.toml"
    ))
    .unwrap()
}

const SQLITE: &str = r#"
[tables.tags]
options = ["strict"]
columns = [
  { name = "id",    type = "integer", primary_key = true },
  { name = "label", type = "text",    unique = true },
  { name = "parent_id", type = "integer", nullable = true, references = "tags.id" },
]

[tables.notes]
columns = [
  { name = "id",      type = "integer",       primary_key = true, autoincrement = true },
  { name = "title",   type = "varchar(80)" },
  { name = "body",    type = "text",          nullable = true },
  { name = "price",   type = "numeric(10,2)", nullable = true },
  { name = "done",    type = "boolean",       default = "0" },
  { name = "raw",     type = "blob",          nullable = true },
  { name = "extra",   type = "",              nullable = true },
  { name = "type",    type = "text",          default = "'plain'" },
  { name = "slug",    type = "text",          generated = "lower(title)" },
]
indexes = [{ columns = ["title"], where = "done = 0" }]

[tables.note_tags]
options = ["without rowid"]
columns = [
  { name = "note_id", type = "integer", references = "notes.id", on_delete = "cascade" },
  { name = "tag_id",  type = "integer", references = "tags.id" },
]
primary_key = ["note_id", "tag_id"]
"#;

const MYSQL: &str = r#"
[tables.films]
columns = [
  { name = "id",     type = "int unsigned", primary_key = true, autoincrement = true },
  { name = "title",  type = "varchar(128)" },
  { name = "rating", type = "enum('G','PG','PG-13','R')", default = "'G'" },
  { name = "extras", type = "set('Trailers','Commentaries')", nullable = true },
  { name = "length", type = "smallint unsigned", nullable = true },
  { name = "price",  type = "decimal(4,2)" },
  { name = "released", type = "year", nullable = true },
  { name = "updated", type = "timestamp", default = "CURRENT_TIMESTAMP" },
]

[tables.film_texts]
columns = [
  { name = "film_id", type = "int unsigned", primary_key = true, references = "films.id" },
  { name = "body",    type = "text" },
  { name = "mood",    type = "enum('calm','tense')", nullable = true },
]

[tables.logs]
columns = [
  { name = "at",   type = "datetime" },
  { name = "line", type = "text" },
]
"#;

#[test]
fn rust_every_feature_postgres() {
    insta::assert_snapshot!(gen(&Postgres, &features_pg(), Lang::Rust));
}

#[test]
fn sqlalchemy_every_feature_postgres() {
    insta::assert_snapshot!(gen(&Postgres, &features_pg(), Lang::Sqlalchemy));
}

#[test]
fn rust_every_feature_sqlite() {
    let text = gen(&Sqlite, SQLITE, Lang::Rust);
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("db.rs"), &text).unwrap();
    compiles(&d.path().join("db.rs"), "rusqlite");
    insta::assert_snapshot!(text);
}

#[test]
fn sqlalchemy_every_feature_sqlite() {
    insta::assert_snapshot!(gen(&Sqlite, SQLITE, Lang::Sqlalchemy));
}

#[test]
fn rust_every_feature_mysql() {
    let text = gen(&MySql, MYSQL, Lang::Rust);
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("db.rs"), &text).unwrap();
    compiles(&d.path().join("db.rs"), "mysql");
    insta::assert_snapshot!(text);
}

#[test]
fn sqlalchemy_every_feature_mysql() {
    insta::assert_snapshot!(gen(&MySql, MYSQL, Lang::Sqlalchemy));
}

/// The SQLite every-feature module makes, through SQLAlchemy, the schema `check` finds equal.
#[test]
fn sqlalchemy_every_feature_sqlite_creates_the_schema() {
    let Some(py) = crate::codegen_python::python("golden_codegen::sqlite_create_all") else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("models.toml"),
        format!("[database]\nurl = \"sqlite:a.db\"\n{SQLITE}"),
    )
    .unwrap();
    std::fs::write(
        d.path().join("m.py"),
        gen(&Sqlite, SQLITE, Lang::Sqlalchemy),
    )
    .unwrap();
    let url = format!("sqlite:///{}", d.path().join("a.db").display());
    crate::codegen_python::py_run(
        &py,
        &[
            "create_all.py",
            &d.path().join("m.py").to_string_lossy(),
            &url,
        ],
    );
    crate::support::run(d.path(), &["check"], 0);
    std::fs::write(d.path().join("my.py"), gen(&MySql, MYSQL, Lang::Sqlalchemy)).unwrap();
    crate::codegen_python::py_run(
        &py,
        &["create_all.py", &d.path().join("my.py").to_string_lossy()],
    );
}
