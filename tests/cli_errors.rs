//! Bad input never panics: each error names where it is, what was expected, and exits 2.

use crate::support::{project, run};

fn sqlite_models(body: &str) -> String {
    format!("[database]\nurl = \"sqlite:app.db\"\n\n{body}")
}

#[test]
fn malformed_toml_reports_line_and_column() {
    let p = project(&sqlite_models(
        "[tables.users]\ncolumns = [\n  { name = \"id\", type = \"integer\" \n]\n",
    ));
    let out = run(p.path(), &["check"], 2);
    assert!(out.contains("models.toml:7:"), "{out}");
    assert!(out.starts_with("autogen: error:"), "{out}");
}

#[test]
fn unknown_key_is_an_error_not_ignored() {
    let p = project(&sqlite_models(
        "[tables.users]\ncolumns = [{ name = \"id\", type = \"integer\", primary_kee = true }]\n",
    ));
    let out = run(p.path(), &["check"], 2);
    assert!(
        out.contains("models.toml:5:") && out.contains("primary_kee"),
        "{out}"
    );
    assert!(out.contains("hint:"), "{out}");
}

#[test]
fn unknown_type_names_the_key_and_position() {
    let models = "[database]\nurl = \"postgres://postgres@127.0.0.1:1/x\"\n\n[tables.users]\ncolumns = [{ name = \"id\", type = \"strng\" }]\n";
    let p = project(models);
    let out = run(p.path(), &["diagram"], 2);
    assert!(
        out.contains("models.toml:5:")
            && out.contains("tables.users.columns[0].type")
            && out.contains("unknown type `strng`"),
        "{out}"
    );
}

#[test]
fn missing_foreign_key_target_is_reported_at_the_reference() {
    let p = project(&sqlite_models(
        "[tables.bookings]\ncolumns = [\n  { name = \"id\", type = \"integer\", primary_key = true },\n  { name = \"room_id\", type = \"integer\", references = \"rooms.id\" },\n]\n",
    ));
    let out = run(p.path(), &["diagram"], 2);
    assert!(
        out.contains("models.toml:7:") && out.contains("unknown table `rooms`"),
        "{out}"
    );
}

#[test]
fn default_that_is_a_column_reference_gets_a_quoting_hint() {
    let p = project(&sqlite_models(
        "[tables.t]\ncolumns = [{ name = \"status\", type = \"text\", default = \"pending\" }]\n",
    ));
    let out = run(p.path(), &["diagram"], 2);
    assert!(
        out.contains("column reference") && out.contains("\"'pending'\""),
        "{out}"
    );
}

#[test]
fn invalid_check_expression_is_reported() {
    let p = project(&sqlite_models("[tables.t]\ncolumns = [{ name = \"a\", type = \"integer\" }]\nchecks = [{ expr = \"a >\" }]\n"));
    let out = run(p.path(), &["diagram"], 2);
    assert!(
        out.contains("models.toml:6:") && out.contains("invalid SQL expression"),
        "{out}"
    );
}

#[test]
fn missing_url_says_where_to_put_one() {
    let p = project("[tables.t]\ncolumns = [{ name = \"a\", type = \"integer\" }]\n");
    let out = run(p.path(), &["check"], 2);
    assert!(
        out.contains("no database URL") && out.contains("AUTOGEN_DATABASE_URL"),
        "{out}"
    );
}

#[test]
fn unreachable_database_is_exit_2_and_hides_the_password() {
    let p = project("[tables.t]\ncolumns = [{ name = \"a\", type = \"integer\" }]\n");
    let out = run(
        p.path(),
        &["--url", "postgres://alice:s3cret@127.0.0.1:1/db", "check"],
        2,
    );
    assert!(out.contains("cannot connect"), "{out}");
    assert!(!out.contains("s3cret"), "password leaked: {out}");
    assert!(out.contains("alice:***@"), "{out}");
}

#[test]
fn missing_sqlite_directory_is_a_clear_error() {
    let p = project(&sqlite_models(""));
    let out = run(
        p.path(),
        &["--url", "sqlite:no/such/dir/app.db", "current"],
        2,
    );
    assert!(out.contains("does not exist"), "{out}");
}

fn write_rev(dir: &std::path::Path, name: &str, text: &str) {
    std::fs::create_dir_all(dir.join("versions")).unwrap();
    std::fs::write(dir.join("versions").join(name), text).unwrap();
}

fn rev(id: &str, down: &str) -> String {
    format!("-- revision: {id}\n-- down_revision: {down}\n-- message: m\n-- dialect: sqlite\n\n-- upgrade\nSELECT 1;\n\n-- downgrade\nSELECT 1;\n")
}

#[test]
fn broken_revision_header_names_file_and_line() {
    let p = project(&sqlite_models(""));
    write_rev(
        p.path(),
        "a.sql",
        "-- revision: aaaa1111\n-- down_revison: \n\n-- upgrade\n-- downgrade\n",
    );
    let out = run(p.path(), &["history"], 2);
    assert!(
        out.contains("a.sql:2") && out.contains("down_revison"),
        "{out}"
    );
}

#[test]
fn missing_parent_cycle_and_duplicate_ids_are_errors() {
    let p = project(&sqlite_models(""));
    write_rev(p.path(), "a.sql", &rev("aaaa1111", "ffff9999"));
    let out = run(p.path(), &["heads"], 2);
    assert!(
        out.contains("ffff9999") && out.contains("does not exist"),
        "{out}"
    );

    let p = project(&sqlite_models(""));
    write_rev(p.path(), "a.sql", &rev("aaaa1111", "bbbb2222"));
    write_rev(p.path(), "b.sql", &rev("bbbb2222", "aaaa1111"));
    let out = run(p.path(), &["history"], 2);
    assert!(out.contains("cycle"), "{out}");

    let p = project(&sqlite_models(""));
    write_rev(p.path(), "a.sql", &rev("aaaa1111", ""));
    write_rev(p.path(), "b.sql", &rev("aaaa1111", ""));
    let out = run(p.path(), &["heads"], 2);
    assert!(
        out.contains("defined twice") && out.contains("a.sql") && out.contains("b.sql"),
        "{out}"
    );
}

#[test]
fn two_heads_make_head_an_error_naming_both() {
    let p = project(&sqlite_models(""));
    write_rev(p.path(), "a.sql", &rev("aaaa1111", ""));
    write_rev(p.path(), "b.sql", &rev("bbbb2222", "aaaa1111"));
    write_rev(p.path(), "c.sql", &rev("cccc3333", "aaaa1111"));
    let out = run(p.path(), &["upgrade", "head"], 2);
    assert!(
        out.contains("bbbb2222") && out.contains("cccc3333") && out.contains("merge"),
        "{out}"
    );
}

#[test]
fn revision_for_another_dialect_is_refused() {
    let p = project(&sqlite_models(""));
    write_rev(
        p.path(),
        "a.sql",
        &rev("aaaa1111", "").replace("dialect: sqlite", "dialect: postgresql"),
    );
    let out = run(p.path(), &["upgrade", "head"], 2);
    assert!(
        out.contains("targets postgresql") && out.contains("sqlite"),
        "{out}"
    );
}

#[test]
fn unterminated_string_in_revision_sql_names_its_line() {
    let p = project(&sqlite_models(""));
    write_rev(p.path(), "a.sql", "-- revision: aaaa1111\n-- down_revision:\n\n-- upgrade\nSELECT 1;\nSELECT 'oops;\n\n-- downgrade\n");
    // The commands that split the SQL say where it breaks; `history --verbose` counts statements.
    for args in [&["history", "--verbose"][..], &["upgrade", "head"]] {
        let out = run(p.path(), args, 2);
        assert!(out.contains("a.sql:6"), "{args:?}: {out}");
    }
}

#[test]
fn graph_commands_read_headers_only_and_the_sql_is_checked_when_run() {
    // heads, history, branches, show (and current) need ids, parents and messages: the SQL after
    // `-- upgrade` is neither read nor split for them (10,000 revisions cost their headers alone).
    let p = project(&sqlite_models(""));
    write_rev(p.path(), "a.sql", "-- revision: aaaa1111\n-- down_revision:\n-- message: first\n\n-- upgrade\nSELECT 'oops;\n\n-- downgrade\n");
    for args in [
        &["heads"][..],
        &["history"],
        &["branches"],
        &["show", "aaaa1111"],
    ] {
        run(p.path(), args, 0);
    }
    assert!(run(p.path(), &["heads"], 0).contains("aaaa1111 (head)  first"));
    // A broken header is still an error for them.
    write_rev(p.path(), "b.sql", "-- revision: bbbb2222\n-- down_revision: aaaa1111\n-- Down_revision: x\n\n-- upgrade\n\n-- downgrade\n");
    let out = run(p.path(), &["heads"], 2);
    assert!(
        out.contains("b.sql:3") && out.contains("down_revision"),
        "{out}"
    );
    std::fs::remove_file(p.path().join("versions/b.sql")).unwrap();
    let out = run(p.path(), &["upgrade", "head"], 2);
    assert!(out.contains("a.sql:6"), "{out}");
}

#[test]
fn failing_statement_names_revision_file_and_line_and_rolls_back() {
    let p = project(&sqlite_models(
        "[tables.t]\ncolumns = [{ name = \"a\", type = \"integer\" }]\n",
    ));
    write_rev(
        p.path(),
        "a.sql",
        "-- revision: aaaa1111\n-- down_revision:\n-- dialect: sqlite\n\n-- upgrade\nCREATE TABLE t (a integer NOT NULL);\nINSERT INTO nope VALUES (1);\n\n-- downgrade\nDROP TABLE t;\n",
    );
    let out = run(p.path(), &["upgrade", "head"], 2);
    assert!(
        out.contains("a.sql:7") && out.contains("nope") && out.contains("rolled back"),
        "{out}"
    );
    let out = run(p.path(), &["current"], 0);
    assert!(out.contains("base"), "{out}");
    let c = rusqlite::Connection::open(p.path().join("app.db")).unwrap();
    let n: i64 = c
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 't'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 0, "the failed revision's CREATE TABLE survived");
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let p = project("");
    run(p.path(), &["frobnicate"], 2);
    let out = run(p.path(), &["--help"], 0);
    assert!(
        out.contains("autogenerate") || out.contains("revision"),
        "{out}"
    );
}

#[test]
fn errors_in_later_tables_keep_their_exact_line() {
    let mut body = String::new();
    for i in 0..30 {
        body.push_str(&format!(
            "[tables.t{i}]\ncolumns = [{{ name = \"id\", type = \"integer\" }}]\n\n"
        ));
    }
    body.push_str("[tables.bad]\ncolumns = [\n  { name = \"id\", type = \"integer\" },\n  { name = \"x\", type = \"integer\", defualt = 1 },\n]\n");
    body.push_str("[enums.late]\nvalues = []\n");
    let p = project(&sqlite_models(&body));
    let out = run(p.path(), &["diagram"], 2);
    // 3 lines of [database] header + 30 tables of 3 lines, then the bad column on the 4th line of its table.
    assert!(out.contains("models.toml:97:"), "{out}");
    assert!(out.contains("defualt"), "{out}");
    let body = body.replace("defualt", "default");
    let p = project(&sqlite_models(&body.replace("[tables.t3]", "[tables.t2]")));
    let out = run(p.path(), &["diagram"], 2);
    assert!(
        out.contains("tables.t2") && out.contains("defined twice") || out.contains("duplicate"),
        "{out}"
    );
}
