//! Views, materialized views, triggers, policies, rules and row-level security on PostgreSQL: made by
//! hand and rebuilt from `inspect`, written by hand in models.toml, and kept working around changes
//! of what they depend on (each test named after what went wrong before they were managed).

use crate::fidelity::reproduce;
use crate::support::*;

const SHOP: &str = "
CREATE SCHEMA rep;
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, tenant text NOT NULL DEFAULT current_user);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers, total numeric(10,2) NOT NULL,
  status text NOT NULL DEFAULT 'new', updated_at timestamptz);
CREATE TABLE audit (at timestamptz DEFAULT now(), what text);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at = now(); RETURN NEW; END $$;
CREATE FUNCTION log_it() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit (what) VALUES (TG_ARGV[0]); RETURN NULL; END $$;
CREATE VIEW open_orders AS SELECT o.id, o.total, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status IN ('new', 'paid');
CREATE VIEW rep.big_open WITH (security_barrier = true) AS SELECT id, total FROM open_orders WHERE total > 100;
CREATE VIEW paid AS SELECT id, status FROM orders WHERE status = 'paid' WITH CASCADED CHECK OPTION;
CREATE MATERIALIZED VIEW rep.totals AS SELECT customer_id, sum(total) AS total, count(*) AS n FROM orders GROUP BY customer_id;
CREATE UNIQUE INDEX totals_customer ON rep.totals (customer_id);
CREATE MATERIALIZED VIEW empty_stats AS SELECT count(*) AS n FROM audit WITH NO DATA;
COMMENT ON VIEW open_orders IS 'not shipped yet';
CREATE TRIGGER orders_touch BEFORE UPDATE OF total, status ON orders FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION touch();
CREATE TRIGGER orders_log AFTER INSERT ON orders REFERENCING NEW TABLE AS fresh FOR EACH STATEMENT EXECUTE FUNCTION log_it('orders changed');
CREATE CONSTRAINT TRIGGER customers_check AFTER INSERT ON customers DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION log_it('customer');
CREATE FUNCTION paid_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO orders (id, total, status) VALUES (NEW.id, 0, NEW.status); RETURN NEW; END $$;
CREATE TRIGGER paid_insert INSTEAD OF INSERT ON paid FOR EACH ROW EXECUTE FUNCTION paid_insert();
ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders ENABLE ROW LEVEL SECURITY; ALTER TABLE orders FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_only ON customers USING (tenant = current_user) WITH CHECK (tenant = current_user);
CREATE POLICY no_big ON orders AS RESTRICTIVE FOR INSERT TO postgres WITH CHECK (total < 1000000);
CREATE POLICY see_all ON orders FOR SELECT USING (true);
CREATE RULE audit_no_delete AS ON DELETE TO audit DO INSTEAD NOTHING;
";

#[test]
fn views_triggers_policies_and_rules_made_by_hand_were_lost_by_inspect() {
    reproduce("views::shop", SHOP, Some(SHOP_BY_HAND));
}

/// The same objects as people write them: views as formatted queries, triggers by their parts.
const SHOP_BY_HAND: &str = r#"
[functions."touch()"]
sql = "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at = now(); RETURN NEW; END $$"
[functions."log_it()"]
sql = "CREATE FUNCTION log_it() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit (what) VALUES (TG_ARGV[0]); RETURN NULL; END $$"
[functions."paid_insert()"]
sql = "CREATE FUNCTION paid_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO orders (id, total, status) VALUES (NEW.id, 0, NEW.status); RETURN NEW; END $$"

[tables.customers]
row_level_security = "enabled"
columns = [
  { name = "id", type = "int", primary_key = true },
  { name = "name", type = "text" },
  { name = "tenant", type = "text", default = "current_user" },
]
[tables.orders]
row_level_security = "forced"
columns = [
  { name = "id", type = "int", primary_key = true },
  { name = "customer_id", type = "int", nullable = true, references = "customers" },
  { name = "total", type = "numeric(10,2)" },
  { name = "status", type = "text", default = "'new'" },
  { name = "updated_at", type = "timestamptz", nullable = true },
]
[tables.audit]
columns = [
  { name = "at", type = "timestamptz", nullable = true, default = "now()" },
  { name = "what", type = "text", nullable = true },
]

[views.open_orders]
sql = """
SELECT o.id, o.total, c.name
FROM orders o JOIN customers c ON c.id = o.customer_id
WHERE o.status IN ('new', 'paid')
"""
comment = "not shipped yet"
[views."rep.big_open"]
sql = "SELECT id, total FROM open_orders WHERE total > 100"
security_barrier = true
[views.paid]
sql = "select id, status from orders where status = 'paid'"
check_option = "cascaded"

[materialized_views."rep.totals"]
sql = "SELECT customer_id, sum(total) AS total, count(*) AS n FROM orders GROUP BY customer_id"
indexes = [{ name = "totals_customer", columns = ["customer_id"], unique = true }]
[materialized_views.empty_stats]
sql = "SELECT count(*) AS n FROM audit"
with_data = false

[triggers.orders_touch]
table = "orders"
timing = "before"
events = ["update"]
columns = ["total", "status"]
for_each = "row"
when = "OLD.* IS DISTINCT FROM NEW.*"
function = "touch"
[triggers."orders.orders_log"]
timing = "after"
events = ["insert"]
new_table = "fresh"
function = "log_it"
arguments = ["orders changed"]
[triggers.customers_check]
table = "customers"
constraint = true
deferrable = "deferred"
timing = "after"
events = ["insert"]
for_each = "row"
function = "log_it()"
arguments = ["customer"]
[triggers.paid_insert]
table = "paid"
timing = "instead of"
events = ["insert"]
for_each = "row"
function = "paid_insert"

[policies.tenant_only]
table = "customers"
using = "tenant = current_user"
with_check = "tenant = current_user"
[policies."orders.no_big"]
as = "restrictive"
command = "insert"
roles = ["postgres"]
with_check = "total < 1000000"
[policies.see_all]
table = "orders"
command = "select"
using = "true"

[rules.audit_no_delete]
table = "audit"
sql = "CREATE RULE audit_no_delete AS ON DELETE TO audit DO INSTEAD NOTHING"
"#;

/// Rows, a view over the column and a policy and trigger naming it; returns the project.
fn retype_setup(db: &PgDb) -> (tempfile::TempDir, String) {
    let models = r#"
[functions."touch()"]
sql = "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note = 'touched'; RETURN NEW; END $$"
[tables.items]
row_level_security = "enabled"
columns = [
  { name = "id", type = "int", primary_key = true },
  { name = "price", type = "int" },
  { name = "note", type = "text", nullable = true },
]
[views.cheap]
sql = "SELECT id, price FROM items WHERE price < 10"
[views.cheapest]
sql = "SELECT min(price) AS low FROM cheap"
[materialized_views.price_sum]
sql = "SELECT sum(price) AS s FROM items"
indexes = [{ columns = ["s"] }]
[views.notes]
sql = "SELECT id, note FROM items"
[triggers.items_touch]
table = "items"
timing = "before"
events = ["update"]
columns = ["price"]
for_each = "row"
function = "touch"
[policies.positive]
table = "items"
using = "price > 0"
"#;
    let p = project(&format!("[database]\nurl = \"{}\"\n{models}", db.url));
    run(p.path(), &["revision", "--autogenerate", "-m", "one"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    db.exec("INSERT INTO items VALUES (1, 5, 'a'), (2, 50, 'b')");
    (p, models.to_string())
}

#[test]
fn column_retyped_under_a_view_failed_at_upgrade() {
    let Some(db) = PgDb::new("views::retype") else {
        return;
    };
    let (p, models) = retype_setup(&db);
    let before = db.catalog();
    write_models(
        p.path(),
        &db.url,
        &models.replace(
            "{ name = \"price\", type = \"int\" }",
            "{ name = \"price\", type = \"numeric(8,2)\" }",
        ),
    );
    run(p.path(), &["revision", "--autogenerate", "-m", "two"], 0);
    let rev = latest_revision(p.path());
    // Everything naming price goes before the ALTER and comes back after it; `notes` stays.
    let up = rev.split("-- downgrade").next().unwrap();
    let alter = up.find("ALTER COLUMN \"price\" TYPE").expect(up);
    for drop in [
        "DROP VIEW \"cheapest\"",
        "DROP VIEW \"cheap\"",
        "DROP MATERIALIZED VIEW \"price_sum\"",
        "DROP TRIGGER \"items_touch\"",
        "DROP POLICY \"positive\"",
    ] {
        assert!(up.find(drop).expect(drop) < alter, "{drop}:\n{up}");
    }
    assert!(
        up.find("DROP VIEW \"cheapest\"") < up.find("DROP VIEW \"cheap\""),
        "{up}"
    );
    assert!(!up.contains("\"notes\""), "{up}");
    assert!(up.rfind("CREATE VIEW \"cheap\"") > Some(alter));
    assert!(up.rfind("CREATE VIEW \"cheap\"") < up.rfind("CREATE VIEW \"cheapest\""));
    run(p.path(), &["upgrade", "head"], 0);
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
    let low: String = db
        .client()
        .query_one("SELECT low::text FROM cheapest", &[])
        .unwrap()
        .get(0);
    assert_eq!(low, "5.00");
    db.exec("UPDATE items SET price = 7 WHERE id = 1");
    let note: String = db
        .client()
        .query_one("SELECT note FROM items WHERE id = 1", &[])
        .unwrap()
        .get(0);
    assert_eq!(note, "touched", "the trigger was not re-created");
    run(p.path(), &["downgrade", "-1"], 0);
    assert_eq!(db.catalog(), before);
    let n: i64 = db
        .client()
        .query_one("SELECT count(*) FROM cheap", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
}

#[test]
fn view_gaining_a_column_was_dropped_instead_of_replaced() {
    let Some(db) = PgDb::new("views::replace") else {
        return;
    };
    let (p, models) = retype_setup(&db);
    let before = db.catalog();
    // A column added at the end: CREATE OR REPLACE (the views over it stay); back: drop and create.
    write_models(
        p.path(),
        &db.url,
        &models.replace(
            "SELECT id, price FROM items WHERE price < 10",
            "SELECT id, price, note FROM items WHERE price < 10",
        ),
    );
    run(p.path(), &["revision", "--autogenerate", "-m", "wider"], 0);
    let rev = latest_revision(p.path());
    let (up, down) = rev.split_once("-- downgrade").unwrap();
    assert!(up.contains("CREATE OR REPLACE VIEW \"cheap\""), "{up}");
    assert!(!up.contains("DROP VIEW \"cheap\""), "{up}");
    assert!(down.contains("DROP VIEW \"cheap\""), "{down}");
    assert!(
        down.find("DROP VIEW \"cheapest\"") < down.find("DROP VIEW \"cheap\""),
        "{down}"
    );
    run(p.path(), &["upgrade", "head"], 0);
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
    run(p.path(), &["downgrade", "-1"], 0);
    assert_eq!(db.catalog(), before);
    // A column renamed: no CREATE OR REPLACE can do that.
    write_models(
        p.path(),
        &db.url,
        &models.replace(
            "SELECT id, price FROM items WHERE price < 10",
            "SELECT id AS item_id, price FROM items WHERE price < 10",
        ),
    );
    let out = run(p.path(), &["diff"], 0);
    assert!(
        out.contains("DROP VIEW \"cheap\"") && !out.contains("OR REPLACE"),
        "{out}"
    );
}

#[test]
fn view_formatting_showed_as_a_difference() {
    let Some(db) = PgDb::new("views::formatting") else {
        return;
    };
    let (p, models) = retype_setup(&db);
    write_models(
        p.path(),
        &db.url,
        &models
            .replace(
                "SELECT id, price FROM items WHERE price < 10",
                "select items.id,\\n  items.price\\nfrom items\\nwhere (price < 10)",
            )
            .replace("using = \"price > 0\"", "using = \"(items.price > 0)\""),
    );
    let out = run(p.path(), &["check"], 0);
    assert!(out.contains("No differences"), "{out}");
}

#[test]
fn bad_view_and_trigger_keys_are_located() {
    let p = project(
        "[database]\nurl = \"sqlite:x.db\"\n[tables.t]\ncolumns = [{ name = \"id\", type = \"integer\" }]\n[materialized_views.m]\nsql = \"SELECT 1\"\n",
    );
    let out = run(p.path(), &["check"], 2);
    assert!(
        out.contains("models.toml:5:1") && out.contains("sqlite has no materialized views"),
        "{out}"
    );
    let bad = [
        ("[views.v]\nsql = \"SELECT 1; DROP TABLE t\"\n", "only one query"),
        ("[views.v]\nsql = \"DELETE FROM t\"\n", "expected a query"),
        ("[views.t]\nsql = \"SELECT 1\"\n", "defined twice"),
        ("[triggers.x]\ntiming = \"after\"\nevents = [\"insert\"]\nfunction = \"f\"\n", "which table is this on?"),
        ("[triggers.x]\ntable = \"nope\"\ntiming = \"after\"\nevents = [\"insert\"]\nfunction = \"f\"\n", "table nope is not in the models"),
        ("[triggers.x]\ntable = \"t\"\ntiming = \"later\"\nevents = [\"insert\"]\nfunction = \"f\"\n", "unknown value `later`"),
        ("[triggers.x]\ntable = \"t\"\ntiming = \"after\"\nevents = [\"insert\"]\nfunction = \"f\"\ndeferrable = \"deferred\"\n", "only a constraint trigger"),
        ("[triggers.x]\ntable = \"t\"\nsql = \"CREATE TRIGGER x AFTER INSERT ON t EXECUTE FUNCTION f(); DROP TABLE t\"\n", "a second statement"),
        ("[policies.p]\ntable = \"t\"\ncommand = \"insert\"\nusing = \"true\"\n", "only `with_check`"),
        ("[rules.r]\ntable = \"t\"\nsql = \"CREATE VIEW x AS SELECT 1\"\n", "expected a `CREATE RULE"),
        ("[tables.u]\nrow_level_security = \"on\"\ncolumns = [{ name = \"id\", type = \"int\" }]\n", "unknown row level security"),
    ];
    for (section, want) in bad {
        let p = project(&format!(
            "[database]\nurl = \"postgres://nowhere.invalid/x\"\n[tables.t]\ncolumns = [{{ name = \"id\", type = \"int\" }}]\n{section}"
        ));
        let out = run(p.path(), &["check"], 2);
        assert!(
            out.contains("models.toml:5:")
                || out.contains("models.toml:6:")
                || out.contains("models.toml:7:"),
            "{section}: not located:\n{out}"
        );
        assert!(out.contains(want), "{section}: want `{want}`:\n{out}");
    }
}
