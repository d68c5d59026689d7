//! Golden SQL per kind of operation: the upgrade and the downgrade (rendered from the inverse ops)
//! between two models files, through the real loader, canonicalizer, diff, order and renderer.

use autogen::autogenerate::plan;
use autogen::dialect::{postgres::Postgres, sqlite::Sqlite, Dialect};
use autogen::models::load_str;

pub fn sql(d: &dyn Dialect, before: &str, after: &str) -> String {
    let a = load_str("before.toml", before, d).unwrap_or_else(|e| panic!("{e}"));
    let b = load_str("after.toml", after, d).unwrap_or_else(|e| panic!("{e}"));
    let p = plan(&a.schema, &b.schema, d);
    // Applying the plan must give `after`, and the plan back must be exactly the reverse.
    let back = plan(&b.schema, &a.schema, d);
    assert_eq!(p.ops.is_empty(), back.ops.is_empty());
    let mut out = String::from("-- upgrade\n");
    for s in &p.upgrade {
        out.push_str(s);
        out.push_str(";\n");
    }
    out.push_str("-- downgrade\n");
    for s in &p.downgrade {
        out.push_str(s);
        out.push_str(";\n");
    }
    for w in &p.warnings {
        out.push_str(&format!("-- warning: {w}\n"));
    }
    out
}

fn pg(before: &str, after: &str) -> String {
    sql(&Postgres, before, after)
}

const USERS: &str = r#"
[tables.users]
columns = [
  { name = "id", type = "bigint", primary_key = true, identity = true },
  { name = "email", type = "varchar(255)", unique = true },
  { name = "name", type = "text", nullable = true },
]
"#;

#[test]
fn create_table_with_every_column_feature() {
    insta::assert_snapshot!(pg(
        "",
        r#"
[enums.mood]
values = ["ok", "sad"]

[tables.t]
comment = "All the things"
columns = [
  { name = "id", type = "bigint", primary_key = true, identity = { always = true, start = 100, increment = 5 } },
  { name = "code", type = "char(3)", collation = "C", comment = "ISO code" },
  { name = "price", type = "numeric(12,2)", default = 0 },
  { name = "price_tax", type = "numeric(12,2)", generated = "price * 1.2" },
  { name = "mood", type = "mood", default = "'ok'" },
  { name = "tags", type = "text[]", nullable = true },
  { name = "at", type = "timestamptz", default = "now()" },
  { name = "n", type = "serial" },
]
checks = [{ expr = "price >= 0" }]
"#
    ));
}

#[test]
fn drop_table() {
    insta::assert_snapshot!(pg(USERS, ""));
}

#[test]
fn add_drop_and_alter_columns() {
    let after = USERS.replace(
        "{ name = \"name\", type = \"text\", nullable = true },",
        "{ name = \"name\", type = \"varchar(80)\", default = \"'anon'\" },\n  { name = \"age\", type = \"smallint\", nullable = true },",
    );
    insta::assert_snapshot!(pg(USERS, &after));
}

#[test]
fn rename_table_and_column() {
    let after = USERS
        .replace(
            "[tables.users]",
            "[tables.people]\nrenamed_from = \"users\"",
        )
        .replace(
            "{ name = \"name\", type = \"text\", nullable = true }",
            "{ name = \"full_name\", type = \"text\", nullable = true, renamed_from = \"name\" }",
        );
    insta::assert_snapshot!(pg(USERS, &after));
}

#[test]
fn constraints_added_and_dropped() {
    let before = format!("{USERS}\n[tables.posts]\ncolumns = [\n  {{ name = \"id\", type = \"bigint\", primary_key = true }},\n  {{ name = \"user_id\", type = \"bigint\" }},\n  {{ name = \"slug\", type = \"text\" }},\n]\n");
    let after = before.replace(
        "  { name = \"slug\", type = \"text\" },\n]\n",
        "  { name = \"slug\", type = \"text\" },\n]\nunique = [{ columns = [\"user_id\", \"slug\"], nulls_not_distinct = true }]\nchecks = [{ name = \"slug_lower\", expr = \"slug = lower(slug)\" }]\nforeign_keys = [{ columns = [\"user_id\"], references = \"users\", referenced_columns = [\"id\"], on_delete = \"cascade\", on_update = \"restrict\", deferrable = \"deferred\" }]\n",
    );
    insta::assert_snapshot!(pg(&before, &after));
}

#[test]
fn primary_key_change() {
    let before = "[tables.pair]\ncolumns = [{ name = \"a\", type = \"int\" }, { name = \"b\", type = \"int\" }]\nprimary_key = [\"a\"]\n";
    let after = "[tables.pair]\ncolumns = [{ name = \"a\", type = \"int\" }, { name = \"b\", type = \"int\" }]\nprimary_key = [\"a\", \"b\"]\n";
    insta::assert_snapshot!(pg(before, after));
}

#[test]
fn indexes_of_every_shape() {
    let after = format!(
        "extensions = [\"pg_trgm\"]\n{}indexes = [\n  {{ columns = [\"lower(email)\"], unique = true, name = \"users_email_ci\" }},\n  {{ columns = [\"name gin_trgm_ops\"], method = \"gin\" }},\n  {{ columns = [\"name DESC NULLS LAST\"], include = [\"email\"], where = \"name IS NOT NULL\" }},\n]\n",
        USERS
    );
    insta::assert_snapshot!(pg(USERS, &after));
}

#[test]
fn enum_values_added_in_place_and_removed_by_type_swap() {
    let t = "\n[tables.b]\ncolumns = [{ name = \"s\", type = \"status\", default = \"'new'\" }]\nindexes = [{ columns = [\"s\"], where = \"s <> 'new'\" }]\n";
    let a = format!("[enums.status]\nvalues = [\"new\", \"done\"]\n{t}");
    let b = format!("[enums.status]\nvalues = [\"new\", \"active\", \"done\", \"archived\"]\n{t}");
    insta::assert_snapshot!("enum_add_value", pg(&a, &b));
    let c = format!("[enums.status]\nvalues = [\"done\", \"new\"]\n{t}");
    insta::assert_snapshot!("enum_reorder_swap", pg(&a, &c));
}

#[test]
fn domains_and_sequences() {
    let a = "[domains.posint]\ntype = \"integer\"\nchecks = [{ name = \"posint_check\", expr = \"VALUE > 0\" }]\n\n[sequences.counter]\ntype = \"bigint\"\nstart = 10\n";
    let b = "[domains.posint]\ntype = \"integer\"\nnullable = false\ndefault = 1\nchecks = [{ name = \"posint_check\", expr = \"VALUE >= 1\" }]\n\n[sequences.counter]\ntype = \"bigint\"\nstart = 10\nincrement = 2\ncache = 5\n";
    insta::assert_snapshot!("domain_sequence_create", pg("", a));
    insta::assert_snapshot!("domain_sequence_alter", pg(a, b));
}

#[test]
fn identity_added_changed_and_dropped() {
    let a = "[tables.t]\ncolumns = [{ name = \"id\", type = \"bigint\" }]\n";
    let b = "[tables.t]\ncolumns = [{ name = \"id\", type = \"bigint\", identity = true }]\n";
    let c = "[tables.t]\ncolumns = [{ name = \"id\", type = \"bigint\", identity = { always = true, start = 1000 } }]\n";
    insta::assert_snapshot!("identity_add", pg(a, b));
    insta::assert_snapshot!("identity_alter", pg(b, c));
}

#[test]
fn comments() {
    let after = USERS
        .replace(
            "[tables.users]",
            "[tables.users]\ncomment = \"It's people\"",
        )
        .replace(
            "{ name = \"name\", type = \"text\", nullable = true }",
            "{ name = \"name\", type = \"text\", nullable = true, comment = \"display name\" }",
        );
    insta::assert_snapshot!(pg(USERS, &after));
}

#[test]
fn partitions_schemas_extensions_functions() {
    let after = r#"
[database]
extensions = ["pg_trgm"]

[functions."billing.double_it(integer)"]
sql = "CREATE FUNCTION billing.double_it(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT $1 * 2 $$"

[tables."billing.events"]
columns = [{ name = "at", type = "date" }, { name = "n", type = "int", default = "billing.double_it(1)" }]
partition_by = "RANGE (at)"

[tables."billing.events_2026"]
partition_of = "billing.events"
partition_bound = "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"
"#;
    insta::assert_snapshot!(pg("", after));
}

#[test]
fn foreign_key_cycle_is_broken_with_alter_table() {
    let m = r#"
[tables.a]
columns = [{ name = "id", type = "int", primary_key = true }, { name = "b_id", type = "int", nullable = true, references = "b.id" }]
[tables.b]
columns = [{ name = "id", type = "int", primary_key = true }, { name = "a_id", type = "int", nullable = true, references = "a.id" }]
"#;
    insta::assert_snapshot!(pg("", m));
}

#[test]
fn sqlite_rebuild_for_changes_alter_table_cannot_make() {
    let a = "[tables.t]\ncolumns = [\n  { name = \"id\", type = \"integer\", primary_key = true },\n  { name = \"n\", type = \"integer\", nullable = true },\n]\nindexes = [{ columns = [\"n\"] }]\n";
    let b = "[tables.t]\ncolumns = [\n  { name = \"id\", type = \"integer\", primary_key = true },\n  { name = \"n\", type = \"bigint\", default = 0 },\n  { name = \"note\", type = \"text\", nullable = true },\n]\nchecks = [{ expr = \"n >= 0\" }]\nindexes = [{ columns = [\"n\"] }]\n";
    insta::assert_snapshot!(sql(&Sqlite, a, b));
}

#[test]
fn identical_models_give_no_sql() {
    assert_eq!(pg(USERS, USERS), "-- upgrade\n-- downgrade\n");
}
