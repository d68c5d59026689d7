//! Regressions found by trying views, triggers, policies and rules as a hostile tester would: each
//! test is named after what went wrong.

use crate::support::*;

#[test]
fn views_named_with_quotes_or_capitals_were_created_before_the_views_they_use() {
    let Some(db) = PgDb::new("views_regressions::quoted_names") else {
        return;
    };
    // `top` sorts first, but reads `zz"Base`, which reads `zz Mid`.
    let models = r#"
[tables.t]
columns = [{ name = "id", type = "int", primary_key = true }]
[views.top]
sql = 'SELECT id FROM "zz""Base"'
[views.'zz"Base']
sql = 'SELECT id FROM "zz Mid"'
[views."zz Mid"]
sql = "SELECT id FROM t"
"#;
    let p = upgraded(&db, models);
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
    run(p.path(), &["downgrade", "base"], 0);
}

#[test]
fn column_retyped_on_a_parent_broke_the_views_on_its_partitions_and_children() {
    let Some(db) = PgDb::new("views_regressions::parent_retype") else {
        return;
    };
    let models = r#"
[tables.m]
partition_by = "RANGE (id)"
columns = [{ name = "id", type = "int" }, { name = "v", type = "int" }]
[tables.m1]
partition_of = "m"
partition_bound = "FOR VALUES FROM (0) TO (100)"
[tables.base]
columns = [{ name = "id", type = "int" }, { name = "w", type = "int" }]
[tables.kid]
inherits = ["base"]
columns = [{ name = "extra", type = "int", nullable = true }]
[views.m1_v]
sql = "SELECT v FROM m1"
[views.kid_w]
sql = "SELECT w FROM kid"
"#;
    let p = upgraded(&db, models);
    db.exec("INSERT INTO m VALUES (1, 2); INSERT INTO kid VALUES (1, 3, 4)");
    let before = db.catalog();
    write_models(
        p.path(),
        &db.url,
        &models
            .replace(
                "{ name = \"v\", type = \"int\" }",
                "{ name = \"v\", type = \"bigint\" }",
            )
            .replace(
                "{ name = \"w\", type = \"int\" }",
                "{ name = \"w\", type = \"bigint\" }",
            ),
    );
    run(p.path(), &["revision", "--autogenerate", "-m", "wider"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
    run(p.path(), &["downgrade", "-1"], 0);
    assert_eq!(db.catalog(), before);
    let n: i64 = db
        .client()
        .query_one(
            "SELECT ((SELECT v FROM m1_v) + (SELECT w FROM kid_w))::bigint",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 5);
}

#[test]
fn trigger_or_rule_statement_naming_another_object_was_accepted() {
    let cases = [
        (
            "postgres://nowhere.invalid/x",
            "[triggers.\"t.x\"]\nsql = \"CREATE TRIGGER y AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()\"\n",
            "creates the trigger `y`, but its key names it `x`",
        ),
        (
            "postgres://nowhere.invalid/x",
            "[triggers.x]\ntable = \"t\"\nsql = \"CREATE TRIGGER x AFTER INSERT ON u FOR EACH ROW EXECUTE FUNCTION f()\"\n",
            "puts the trigger on `u`, but the models put it on `t`",
        ),
        (
            "postgres://nowhere.invalid/x",
            "[triggers.x]\ntable = \"t\"\nsql = 'CREATE TRIGGER \"X\" AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()'\n",
            "creates the trigger `X`",
        ),
        (
            "postgres://nowhere.invalid/x",
            "[rules.r]\ntable = \"t\"\nsql = \"CREATE RULE r AS ON DELETE TO other DO INSTEAD NOTHING\"\n",
            "puts the rule on `other`",
        ),
        (
            "sqlite:x.db",
            "[triggers.x]\ntable = \"t\"\nsql = \"CREATE TRIGGER IF NOT EXISTS z AFTER INSERT ON t BEGIN SELECT 1; END\"\n",
            "creates the trigger `z`",
        ),
    ];
    for (url, section, want) in cases {
        let p = project(&format!(
            "[database]\nurl = \"{url}\"\n[tables.t]\ncolumns = [{{ name = \"id\", type = \"int\" }}]\n{section}"
        ));
        let out = run(p.path(), &["check"], 2);
        assert!(
            out.contains("models.toml:6:") || out.contains("models.toml:7:"),
            "{section}: not located:\n{out}"
        );
        assert!(out.contains(want), "{section}: want `{want}`:\n{out}");
    }
    // The same statements naming what their keys say are fine (public. and case folding included).
    let p = project(
        "[database]\nurl = \"sqlite:x.db\"\n[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\n[triggers.x]\ntable = \"t\"\nsql = \"CREATE TRIGGER X AFTER INSERT ON T BEGIN SELECT 1; END\"\n",
    );
    let out = run(p.path(), &["check", "--create"], 1);
    assert!(out.contains("table t is missing"), "{out}");
}

#[test]
fn function_over_a_view_blocked_its_recreation() {
    let Some(db) = PgDb::new("views_regressions::function_over_view") else {
        return;
    };
    let models = r#"
[tables.t]
columns = [{ name = "id", type = "int", primary_key = true }, { name = "n", type = "int" }]
[views.v]
sql = "SELECT id, n FROM t"
[functions."all_v()"]
sql = "CREATE FUNCTION all_v() RETURNS SETOF v LANGUAGE sql AS 'SELECT * FROM v'"
[functions."count_v()"]
sql = "CREATE FUNCTION count_v() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM v; END"
"#;
    let p = upgraded(&db, models);
    db.exec("INSERT INTO t VALUES (1, 2)");
    let before = db.catalog();
    changed(
        &db,
        &p,
        models,
        "{ name = \"n\", type = \"int\" }",
        "{ name = \"n\", type = \"bigint\" }",
    );
    let n: i64 = db
        .client()
        .query_one("SELECT count_v() + (SELECT n FROM all_v())", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 3);
    run(p.path(), &["downgrade", "-1"], 0);
    assert_eq!(db.catalog(), before);
}

#[test]
fn recreated_view_lost_its_owner_grants_column_grants_and_column_comments() {
    let Some(db) = PgDb::new("views_regressions::kept") else {
        return;
    };
    // Roles belong to the whole server: named after this test's database, dropped at the end.
    let role = format!("{}_owner", db.name);
    let reader = format!("{}_reader", db.name);
    db.exec(&format!(
        "DROP ROLE IF EXISTS \"{role}\"; DROP ROLE IF EXISTS \"{reader}\"; CREATE ROLE \"{role}\"; CREATE ROLE \"{reader}\""
    ));
    let models = r#"
[tables.t]
columns = [{ name = "id", type = "int", primary_key = true }, { name = "n", type = "int" }]
[views.v]
sql = "SELECT id, n FROM t"
[materialized_views.m]
sql = "SELECT sum(n) AS s FROM t"
"#;
    let p = upgraded(&db, models);
    db.exec(&format!(
        "GRANT SELECT ON t TO \"{role}\"; ALTER VIEW v OWNER TO \"{role}\"; GRANT SELECT ON v TO \"{reader}\" WITH GRANT OPTION; \
         GRANT SELECT ON m TO PUBLIC; COMMENT ON COLUMN v.n IS 'the n'; COMMENT ON COLUMN m.s IS 'it''s the sum'; \
         GRANT UPDATE (n) ON v TO \"{reader}\""
    ));
    let state = |db: &PgDb| -> Vec<String> {
        db.client()
            .query(
                "SELECT c.relname::text || ' ' || pg_get_userbyid(c.relowner)::text || ' ' || coalesce(c.relacl::text, '-') || ' ' || \
                 coalesce(col_description(c.oid, 2), '-') || ' ' || coalesce(col_description(c.oid, 1), '-') || ' ' || \
                 coalesce((SELECT string_agg(a.attname || '=' || a.attacl::text, ',') FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL), '-') \
                 FROM pg_class c WHERE c.relname IN ('v', 'm') ORDER BY 1",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    let before = state(&db);
    assert!(
        before[1].contains(&role) && before[1].contains("the n"),
        "{before:?}"
    );
    write_models(
        p.path(),
        &db.url,
        &models.replace(
            "{ name = \"n\", type = \"int\" }",
            "{ name = \"n\", type = \"bigint\" }",
        ),
    );
    run(p.path(), &["revision", "--autogenerate", "-m", "wider"], 0);
    run(p.path(), &["upgrade", "head"], 0);
    let mid = state(&db);
    // The matview's `s` became numeric: its comment is on column 1 either way.
    assert_eq!(mid, before);
    run(p.path(), &["downgrade", "-1"], 0);
    assert_eq!(state(&db), before);
    db.exec(&format!(
        "DROP VIEW v; DROP MATERIALIZED VIEW m; DROP OWNED BY \"{role}\", \"{reader}\"; DROP ROLE \"{role}\"; DROP ROLE \"{reader}\""
    ));
}

#[test]
fn inspect_wrote_dotted_names_it_could_not_read_back() {
    crate::fidelity::reproduce(
        "views_regressions::dotted_names",
        r#"CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
           CREATE TABLE "a.b" (id int PRIMARY KEY);
           CREATE TABLE t (id int PRIMARY KEY, ab int REFERENCES "a.b");
           CREATE VIEW "Mixed Case.View" AS SELECT id FROM "a.b";
           CREATE VIEW "v""'; --" AS SELECT 1 AS one;
           CREATE FUNCTION "f.n"() RETURNS int LANGUAGE sql AS 'SELECT 1';
           CREATE TRIGGER "t.x" AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();
           CREATE TRIGGER "y.z" AFTER INSERT ON "a.b" FOR EACH ROW EXECUTE FUNCTION f();
           CREATE TRIGGER same AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();
           CREATE TRIGGER same AFTER INSERT ON "a.b" FOR EACH ROW EXECUTE FUNCTION f();"#,
        None,
    );
}

#[test]
fn sqlite_views_quoted_another_way_or_with_comments_showed_as_differences() {
    crate::fidelity_sqlite::reproduce(
        "CREATE TABLE \"t t\" (id integer PRIMARY KEY, [my col] text);
         CREATE VIEW v1 AS SELECT [my col] FROM [t t];
         CREATE VIEW v2 AS SELECT `my col` FROM `t t`;
         CREATE VIEW v3 AS SELECT \"My Col\" FROM main.\"t t\";
         CREATE VIEW v4 AS SELECT id -- the id
           FROM \"t t\" /* all of them */;
         CREATE VIEW [v 5] AS SELECT id FROM main.[t t] -- trailing
         ;
         CREATE TRIGGER tr AFTER INSERT ON [t t] BEGIN UPDATE [t t] SET [my col] = 'x' WHERE id = new.id; END;",
        Some(
            r#"[tables."t t"]
columns = [{ name = "id", type = "integer", primary_key = true, nullable = true }, { name = "my col", type = "text", nullable = true }]
[views.v1]
sql = 'SELECT "my col" FROM "t t"'
[views.v2]
sql = 'SELECT [my col] FROM "t t"'
[views.v3]
sql = 'SELECT [my col] FROM [t t]'
[views.v4]
sql = 'SELECT id FROM "t t"'
[views."v 5"]
sql = 'SELECT id FROM "t t"'
[triggers.tr]
table = "t t"
sql = '''CREATE TRIGGER tr AFTER INSERT ON "t t" BEGIN UPDATE "t t" SET "My Col" = 'x' WHERE id = new.id; END'''
"#,
        ),
    );
}

#[test]
fn changed_view_or_trigger_was_reported_as_missing_and_not_in_the_models() {
    let Some(db) = PgDb::new("views_regressions::differs") else {
        return;
    };
    let models = r#"
[functions."f()"]
sql = "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"
[tables.t]
columns = [{ name = "id", type = "int", primary_key = true }, { name = "n", type = "int" }]
[views.v]
sql = "SELECT id, n FROM t"
[materialized_views.m]
sql = "SELECT id FROM t"
[triggers.tr]
table = "t"
timing = "after"
events = ["insert"]
function = "f"
"#;
    let p = upgraded(&db, models);
    write_models(
        p.path(),
        &db.url,
        &models
            .replace("SELECT id, n FROM t", "SELECT n AS id FROM t")
            .replace("[\"insert\"]", "[\"update\"]")
            .replace(
                "sql = \"SELECT id FROM t\"",
                "sql = \"SELECT id FROM t\"\nindexes = [{ columns = [\"id\"] }]",
            ),
    );
    let out = run(p.path(), &["check"], 1);
    assert!(out.contains("3 difference(s)"), "{out}");
    assert!(out.contains("  - view v: query differs"), "{out}");
    assert!(out.contains("  - trigger tr on t differs"), "{out}");
    assert!(
        out.contains("  - materialized view m: index m_id_idx is missing"),
        "{out}"
    );
    assert!(!out.contains("is not in the models"), "{out}");
}

#[test]
fn policy_for_current_user_was_quoted_and_unknown_roles_failed_at_upgrade() {
    let Some(db) = PgDb::new("views_regressions::policy_roles") else {
        return;
    };
    let models = r#"
[tables.t]
row_level_security = "enabled"
columns = [{ name = "id", type = "int", primary_key = true }]
[policies.mine]
table = "t"
roles = ["CURRENT_USER", "session_user"]
using = "id > 0"
"#;
    let p = upgraded(&db, models);
    let rev = latest_revision(p.path());
    assert!(rev.contains("TO CURRENT_USER, SESSION_USER"), "{rev}");
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
    // Re-created around a retype, it stays written with the keywords, both ways.
    write_models(
        p.path(),
        &db.url,
        &models.replace("type = \"int\"", "type = \"bigint\""),
    );
    run(p.path(), &["revision", "--autogenerate", "-m", "wider"], 0);
    let rev = latest_revision(p.path());
    assert_eq!(
        rev.matches("TO CURRENT_USER, SESSION_USER").count(),
        2,
        "{rev}"
    );
    assert!(!rev.contains("\"postgres\""), "{rev}");
    write_models(
        p.path(),
        &db.url,
        &models.replace("\"session_user\"", "\"no_such_role_anywhere\""),
    );
    let out = run(p.path(), &["check"], 2);
    assert!(
        out.contains("policy mine on t: role no_such_role_anywhere does not exist on this server"),
        "{out}"
    );
}

#[test]
fn triggers_and_rules_postgresql_refuses_failed_only_at_upgrade() {
    let trig = |table: &str, rest: &str| {
        format!("[triggers.x]\ntable = \"{table}\"\nfunction = \"f\"\n{rest}")
    };
    let cases = [
        (trig("t", "timing = \"before\"\nevents = [\"insert\"]\nfor_each = \"row\"\nconstraint = true\n"), "a constraint trigger is AFTER"),
        (trig("t", "timing = \"before\"\nevents = [\"insert\"]\nnew_table = \"n\"\n"), "only an AFTER trigger has transition tables"),
        (trig("t", "timing = \"after\"\nevents = [\"insert\", \"update\"]\nnew_table = \"n\"\n"), "has one event"),
        (trig("t", "timing = \"after\"\nevents = [\"insert\"]\nold_table = \"o\"\n"), "`old_table` is for an UPDATE or DELETE trigger"),
        (trig("t", "timing = \"instead of\"\nevents = [\"insert\"]\nfor_each = \"row\"\n"), "only a view can have an INSTEAD OF trigger"),
        (trig("v", "timing = \"before\"\nevents = [\"insert\"]\nfor_each = \"row\"\n"), "a view's BEFORE and AFTER triggers are for each statement"),
        (trig("v", "timing = \"instead of\"\nevents = [\"insert\"]\n"), "an INSTEAD OF trigger is for each row"),
        (trig("m", "timing = \"after\"\nevents = [\"insert\"]\n"), "a materialized view cannot have triggers"),
        (trig("t", "timing = \"after\"\nevents = [\"update\"]\ncolumns = [\"nope\"]\n"), "`columns` names nope"),
        (trig("t", "timing = \"after\"\nevents = [\"truncate\"]\nfor_each = \"row\"\n"), "a TRUNCATE trigger is for each statement"),
        (trig("t", "timing = \"after\"\nevents = [\"insert\"]\nwhen = \"NEW.id > 0\"\n"), "a statement trigger's `when` cannot read NEW"),
        (trig("t", "timing = \"after\"\nevents = [\"insert\"]\nfor_each = \"row\"\nwhen = \"OLD.id > 0\"\n"), "an INSERT trigger's `when` cannot read OLD"),
        (trig("t", "timing = \"after\"\nevents = [\"insert\"]\nfor_each = \"row\"\nwhen = \"NEW.id IN (SELECT 1)\"\n"), "cannot have a subquery"),
        (trig("t", "timing = \"after\"\nevents = [\"insert\"]\nfor_each = \"row\"\nwhen = \"NEW.nope > 0\"\n"), "`when` reads nope"),
        (trig("t", "timing = \"after\"\nevents = [\"update\"]\ncolumns = [\"id\", \"id\"]\n"), "names id twice"),
        (trig("t", "timing = \"after\"\nevents = [\"update\"]\nold_table = \"o\"\nnew_table = \"o\"\n"), "have the same name"),
        ("[tables.kid]\ninherits = [\"t\"]\ncolumns = [{ name = \"id\", type = \"int\" }]\n".to_string(), "column id comes from the parent t"),
        ("[rules.\"t._RETURN\"]\nsql = \"CREATE RULE \\\"_RETURN\\\" AS ON SELECT TO t DO INSTEAD SELECT 1\"\n".to_string(), "an ON SELECT rule"),
        ("[rules.r]\ntable = \"t\"\nsql = \"CREATE RULE r AS ON SELECT TO t DO INSTEAD SELECT 1\"\n".to_string(), "an ON SELECT rule"),
    ];
    for (section, want) in cases {
        let p = project(&format!(
            "[database]\nurl = \"postgres://nowhere.invalid/x\"\n[tables.t]\ncolumns = [{{ name = \"id\", type = \"int\" }}]\n\
             [views.v]\nsql = \"SELECT id FROM t\"\n[materialized_views.m]\nsql = \"SELECT id FROM t\"\n{section}"
        ));
        let out = run(p.path(), &["check"], 2);
        assert!(
            out.contains("models.toml:"),
            "{section}: not located:\n{out}"
        );
        assert!(out.contains(want), "{section}: want `{want}`:\n{out}");
    }
}

#[test]
fn view_calling_a_function_over_a_view_was_created_before_the_function() {
    let Some(db) = PgDb::new("views_regressions::view_function_view") else {
        return;
    };
    let models = r#"
[tables.t]
columns = [{ name = "id", type = "int", primary_key = true }, { name = "x", type = "int" }]
[views.v]
sql = "SELECT id, x FROM t"
[functions."getv()"]
sql = "CREATE FUNCTION getv() RETURNS SETOF v LANGUAGE sql STABLE AS $$SELECT * FROM v$$"
[functions."cnt()"]
sql = "CREATE FUNCTION cnt() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM v; END"
[views.usesf]
sql = "SELECT id, cnt() AS c FROM getv()"
"#;
    let p = upgraded(&db, models);
    db.exec("INSERT INTO t VALUES (1, 2)");
    let before = db.catalog();
    write_models(
        p.path(),
        &db.url,
        &models.replace(
            "{ name = \"x\", type = \"int\" }",
            "{ name = \"x\", type = \"bigint\" }",
        ),
    );
    // The functions go and come back with the views: no difference of their own.
    let out = run(p.path(), &["check"], 1);
    assert!(out.contains("1 difference(s)"), "{out}");
    assert!(!out.contains("  - function"), "{out}");
    assert!(out.contains("(4 view(s), function(s)"), "{out}");
    let out = run(p.path(), &["revision", "--autogenerate", "-m", "wider"], 0);
    assert!(!out.contains("function(s)"), "{out}");
    run(p.path(), &["upgrade", "head"], 0);
    assert!(run(p.path(), &["check"], 0).contains("No differences"));
    run(p.path(), &["downgrade", "-1"], 0);
    assert_eq!(db.catalog(), before);
    run(p.path(), &["downgrade", "base"], 0);
}
