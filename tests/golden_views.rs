//! Golden SQL for views, materialized views, triggers, policies, rules and row-level security, and for
//! the dependents dropped and re-created around a change of what they use (see `golden`).

use autogen::autogenerate::plan;
use autogen::dialect::{postgres::Postgres, sqlite::Sqlite, Dialect};
use autogen::models::load_str;
use autogen::schema::Schema;

fn render(d: &dyn Dialect, a: &Schema, b: &Schema) -> String {
    let p = plan(a, b, d);
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
    out
}

fn load(d: &dyn Dialect, text: &str) -> Schema {
    load_str("models.toml", text, d)
        .unwrap_or_else(|e| panic!("{e}"))
        .schema
}

fn sql(d: &dyn Dialect, before: &str, after: &str) -> String {
    render(d, &load(d, before), &load(d, after))
}

const ITEMS: &str = r#"
[functions."stamp()"]
sql = "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"
[tables.items]
columns = [
  { name = "id", type = "int", primary_key = true },
  { name = "price", type = "int" },
  { name = "note", type = "text", nullable = true },
]
"#;

const OBJECTS: &str = r#"
[views.cheap]
sql = "SELECT id, price FROM items WHERE price < 10"
check_option = "local"
security_barrier = true
comment = "under ten"
[views.cheapest]
sql = "SELECT min(price) AS low FROM cheap"
[materialized_views."rep.sums"]
sql = "SELECT sum(price) AS s FROM items"
with_data = false
indexes = [{ columns = ["s"] }]
[triggers.items_stamp]
table = "items"
timing = "before"
events = ["insert", "update"]
columns = ["price"]
for_each = "row"
when = "NEW.price > 0"
function = "stamp"
arguments = ["it's"]
[triggers.items_check]
table = "items"
constraint = true
deferrable = "deferred"
timing = "after"
events = ["delete"]
for_each = "row"
function = "stamp()"
[policies.positive]
table = "items"
as = "restrictive"
command = "update"
roles = ["app", "public"]
using = "price > 0"
with_check = "price > 1"
[rules.keep]
table = "items"
sql = "CREATE RULE keep AS ON DELETE TO items DO INSTEAD NOTHING"
"#;

#[test]
fn views_triggers_policies_rules_created_and_dropped() {
    let before = format!("[database]\nschemas = [\"public\", \"rep\"]\n{ITEMS}");
    let after = format!("{before}{OBJECTS}",).replace(
        "[tables.items]\n",
        "[tables.items]\nrow_level_security = \"forced\"\n",
    );
    insta::assert_snapshot!(sql(&Postgres, &before, &after));
}

#[test]
fn dependents_dropped_and_recreated_around_a_column_type_change() {
    let before = format!("[database]\nschemas = [\"public\", \"rep\"]\n{ITEMS}{OBJECTS}");
    let after = before.replace(
        "{ name = \"price\", type = \"int\" }",
        "{ name = \"price\", type = \"bigint\" }",
    );
    insta::assert_snapshot!(sql(&Postgres, &before, &after));
}

#[test]
fn view_replaced_where_its_columns_lead_and_row_security_changed() {
    let before = format!("{ITEMS}[views.cheap]\nsql = \"SELECT id FROM items\"\n[views.over]\nsql = \"SELECT id FROM cheap\"\n");
    let after = before
        .replace("SELECT id FROM items", "SELECT id, price FROM items")
        .replace(
            "[tables.items]\n",
            "[tables.items]\nrow_level_security = \"enabled\"\n",
        );
    let (mut a, mut b) = (load(&Postgres, &before), load(&Postgres, &after));
    // The columns the server reports (autogenerate asks it; this test has none to ask).
    let cheap = autogen::schema::QName::parse("cheap");
    a.views.get_mut(&cheap).unwrap().columns = vec![("id".into(), "integer".into())];
    b.views.get_mut(&cheap).unwrap().columns = vec![
        ("id".into(), "integer".into()),
        ("price".into(), "integer".into()),
    ];
    insta::assert_snapshot!(render(&Postgres, &a, &b));
}

#[test]
fn sqlite_views_and_triggers_and_a_rebuild_under_them() {
    let before = r#"
[tables.t]
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "n", type = "integer", nullable = true }]
[tables.log]
columns = [{ name = "msg", type = "text" }]
"#;
    let objects = r#"
[views.v]
sql = "SELECT id, n FROM t"
columns = ["ident", "number"]
[triggers."t.t_log"]
sql = "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES (NEW.n); END"
"#;
    let with = format!("{before}{objects}");
    insta::assert_snapshot!(sql(&Sqlite, before, &with));
    let rebuilt = with.replace(
        "{ name = \"n\", type = \"integer\", nullable = true }",
        "{ name = \"n\", type = \"integer\", default = 0 }",
    );
    insta::assert_snapshot!(sql(&Sqlite, &with, &rebuilt));
}
