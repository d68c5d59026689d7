//! `codegen` regressions, each named after a defect a hostile tester reproduced: generated code that
//! did not compile or was not rustfmt-clean, SQLAlchemy modules whose `create_all()` failed or made
//! another schema, ORM operations that failed on the example.

use crate::codegen_corpus::compiles;
use crate::codegen_python::{py_run, python, sa_url};
use crate::support::{run, MyDb, PgDb};

/// A project on `url` with `body` after its `[database]` section.
fn project(url: &str, body: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("models.toml"),
        format!("[database]\nurl = \"{url}\"\n{body}"),
    )
    .unwrap();
    d
}

/// Writes the Rust module of the project and type-checks (and rustfmt-checks) it; returns its text.
fn rust_compiles(d: &std::path::Path, krate: &str) -> String {
    run(d, &["codegen", "--lang", "rust", "-o", "db.rs"], 0);
    compiles(&d.join("db.rs"), krate);
    std::fs::read_to_string(d.join("db.rs")).unwrap()
}

/// Writes the SQLAlchemy module, runs its `create_all()` on `sa_url` (the project's empty database)
/// and `check`s the result against the models.
fn sqlalchemy_creates(test: &str, d: &std::path::Path, sa_url: &str) {
    let Some(py) = python(test) else { return };
    run(d, &["codegen", "--lang", "sqlalchemy", "-o", "m.py"], 0);
    py_run(
        &py,
        &["create_all.py", &d.join("m.py").to_string_lossy(), sa_url],
    );
    let out = run(d, &["check"], 0);
    assert!(out.contains("No differences"), "{out}");
}

fn sqlite_url(d: &std::path::Path) -> String {
    format!("sqlite:///{}", d.join("a.db").display())
}

#[test]
fn mysql_indexes_were_expression_indexes_and_auto_increment_was_lost() {
    let test = "codegen_regressions::mysql_indexes";
    let Some(db) = MyDb::new(test) else { return };
    let p = project(
        &db.url,
        r#"
[tables.users]
columns = [
  { name = "id",      type = "int unsigned", primary_key = true, autoincrement = true },
  { name = "name",    type = "varchar(200)" },
  { name = "changed", type = "timestamp", default = "CURRENT_TIMESTAMP", on_update = "CURRENT_TIMESTAMP" },
]
indexes = [{ columns = ["name(10)"] }]

[tables.posts]
columns = [
  { name = "id",      type = "bigint", primary_key = true, autoincrement = true },
  { name = "user_id", type = "int unsigned", references = "users.id" },
  { name = "body",    type = "text" },
]
indexes = [{ columns = ["body"], method = "fulltext" }]
"#,
    );
    let url = db.url.replacen("mysql://", "mysql+pymysql://", 1);
    sqlalchemy_creates(test, p.path(), &url);
}

#[test]
fn rust_was_not_rustfmt_clean_for_one_field_tables_and_short_parameter_lists() {
    let p = project(
        "sqlite:a.db",
        r#"
[tables.tag]
columns = [{ name = "id", type = "integer", primary_key = true }]

[tables.w]
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "a", type = "integer" }, { name = "b", type = "integer" }, { name = "c", type = "integer" },
  { name = "d", type = "integer" }, { name = "e", type = "integer" }, { name = "f", type = "integer" },
  { name = "g", type = "integer" }, { name = "h", type = "integer" }, { name = "i", type = "integer" },
]
"#,
    );
    let text = rust_compiles(p.path(), "rusqlite");
    assert!(text.contains("Ok(Tag { id: row.get(0)? })"), "{text}");
}

#[test]
fn a_table_named_sql_did_not_compile() {
    let p = project(
        "sqlite:a.db",
        "[tables.sql]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"conn\", type = \"text\" }]\n",
    );
    let text = rust_compiles(p.path(), "rusqlite");
    assert!(text.contains("pub fn insert_sql_2("), "{text}");
}

#[test]
fn non_ascii_names_cr_and_bidi_characters_gave_code_that_did_not_compile() {
    let p = project(
        "sqlite:a.db",
        "[tables.\"é\"]\ncomment = \"line1\\rline2\"\ncolumns = [\n  { name = \"id\", type = \"integer\", primary_key = true },\n  { name = \"größe\", type = \"text\", comment = \"a \\u202E b\" },\n]\n[tables.\"bidi\\u202Etable\"]\ncolumns = [{ name = \"名前\", type = \"text\" }]\n",
    );
    let text = rust_compiles(p.path(), "rusqlite");
    assert!(
        text.contains("pub struct É {") && text.contains("pub größe: String,"),
        "{text}"
    );
    let d = p.path();
    sqlalchemy_creates("codegen_regressions::non_ascii", d, &sqlite_url(d));
}

#[test]
fn python_relationship_and_class_names_were_not_escaped() {
    let p = project(
        "sqlite:a.db",
        r#"
[tables.a]
columns = [{ name = "id", type = "integer", primary_key = true }]
[tables.b]
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "a_id", type = "integer", references = "a.id" }]
[tables.classes]
columns = [{ name = "id", type = "integer", primary_key = true }]
[tables.pupils]
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "class_id", type = "integer", references = "classes.id" }]
[tables.metadata]
columns = [{ name = "id", type = "integer", primary_key = true }]
[tables.notes]
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "metadata_id", type = "integer", references = "metadata.id" }]
[tables."None"]
columns = [{ name = "id", type = "integer", primary_key = true }]
"#,
    );
    let d = p.path();
    sqlalchemy_creates("codegen_regressions::escaping", d, &sqlite_url(d));
    rust_compiles(d, "rusqlite");
}

#[test]
fn a_many_to_many_from_a_table_to_itself_broke_the_mappers() {
    let p = project(
        "sqlite:a.db",
        r#"
[tables.node]
columns = [{ name = "id", type = "integer", primary_key = true }]
[tables.node_links]
columns = [
  { name = "from_id", type = "integer", references = "node.id" },
  { name = "to_id",   type = "integer", references = "node.id" },
]
primary_key = ["from_id", "to_id"]
"#,
    );
    let d = p.path();
    sqlalchemy_creates("codegen_regressions::self_m2m", d, &sqlite_url(d));
    rust_compiles(d, "rusqlite");
}

#[test]
fn varchar_arrays_were_read_without_a_cast_and_collations_in_another_schema_broke_create_all() {
    let test = "codegen_regressions::pg_arrays";
    let Some(db) = PgDb::new(test) else { return };
    let p = project(
        &db.url,
        r#"schemas = ["public", "app"]

[collations."app.ci"]
provider = "icu"
locale = "und-u-ks-level2"
deterministic = false

[tables.t]
columns = [
  { name = "id",    type = "integer", primary_key = true },
  { name = "codes", type = "varchar(5)[]", nullable = true },
  { name = "name",  type = "text", collation = "app.ci" },
]
"#,
    );
    let text = rust_compiles(p.path(), "postgres");
    assert!(
        text.contains("pub codes: Option<Vec<Option<String>>>,"),
        "{text}"
    );
    sqlalchemy_creates(test, p.path(), &sa_url(&db.url));
}

#[test]
fn mysql_insert_with_a_defaulted_key_committed_then_failed() {
    let p = project(
        "mysql://root@127.0.0.1:3306/x",
        r#"
[tables.docs]
columns = [
  { name = "id",   type = "char(36)", primary_key = true, default = "uuid()" },
  { name = "body", type = "text" },
]
"#,
    );
    let text = rust_compiles(p.path(), "mysql");
    let new = &text[text.find("pub struct NewDoc {").unwrap()..];
    assert!(
        new.starts_with("pub struct NewDoc {\n    pub id: String,"),
        "{new}"
    );
}

#[test]
fn create_all_was_not_idempotent() {
    let test = "codegen_regressions::create_all_twice";
    let Some(py) = python(test) else { return };
    let Some(db) = PgDb::new(test) else { return };
    let module = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/codegen/features_postgres.py"
    );
    py_run(&py, &["create_all.py", module, &sa_url(&db.url)]);
    py_run(&py, &["create_all.py", module, &sa_url(&db.url)]);
}

#[test]
fn sqlite_text_columns_with_numeric_affinity_failed_to_read() {
    let p = project(
        "sqlite:a.db",
        "[tables.t]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"doc\", type = \"json\" }]\n",
    );
    let text = rust_compiles(p.path(), "rusqlite");
    assert!(text.contains(r#"CAST("doc" AS TEXT)"#), "{text}");
}

#[test]
fn the_stale_hint_dropped_models_and_dialect_and_a_missing_url_did_not_mention_dialect() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("app.toml"),
        "[database]\nurl = \"env:AUTOGEN_CODEGEN_UNSET\"\n[tables.t]\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n",
    )
    .unwrap();
    let out = run(
        d.path(),
        &["--models", "app.toml", "codegen", "--lang", "rust"],
        2,
    );
    assert!(out.contains("--dialect"), "{out}");
    let args = [
        "--models",
        "app.toml",
        "codegen",
        "--lang",
        "rust",
        "--dialect",
        "postgresql",
    ];
    let mut check = args.to_vec();
    check.extend(["-o", "db.rs", "--check"]);
    let out = run(d.path(), &check, 1);
    assert!(
        out.contains(
            "run `autogen --models app.toml codegen --lang rust --dialect postgresql -o db.rs`"
        ),
        "{out}"
    );
}
