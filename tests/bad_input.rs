//! Bad input is a located error at load (models.toml:LINE:COL, what was expected, exit 2), never a
//! failure at upgrade: one case per defect found by trying autogen as a hostile tester would.

use crate::support::{project, run};

const PG_URL: &str = "postgres://postgres@127.0.0.1:1/unused";

/// `diagram` loads and validates the models without a database.
fn rejected(url: &str, body: &str, line: usize, wants: &[&str]) {
    let p = project(&format!("[database]\nurl = \"{url}\"\n{body}"));
    let out = run(p.path(), &["diagram"], 2);
    let at = format!("models.toml:{line}:");
    assert!(
        out.contains(&at),
        "expected {at} in:\n{out}\nmodels:\n{body}"
    );
    for w in wants {
        assert!(
            out.contains(w),
            "expected `{w}` in:\n{out}\nmodels:\n{body}"
        );
    }
    assert!(!out.contains("panicked"), "{out}");
}

#[test]
fn empty_and_nul_names_reached_the_database() {
    rejected(
        PG_URL,
        "[tables.\"\"]\ncolumns = [{ name = \"id\", type = \"int\" }]\n",
        3,
        &["empty name"],
    );
    rejected(
        PG_URL,
        "[tables.t]\ncolumns = [{ name = \"a\\u0000b\", type = \"int\" }]\n",
        4,
        &["NUL"],
    );
    rejected(
        PG_URL,
        "[tables.t]\ncolumns = [{ name = \"\", type = \"int\" }]\n",
        4,
        &["empty name"],
    );
    rejected(
        PG_URL,
        "[tables.t]\ncolumns = [{ name = \"a\", type = \"int\" }]\nindexes = [{ name = \"\", columns = [\"a\"] }]\n",
        5,
        &["empty name"],
    );
}

#[test]
fn table_name_past_63_bytes_was_dropped_and_recreated_on_every_autogenerate() {
    let long = "t".repeat(64);
    rejected(
        PG_URL,
        &format!("[tables.{long}]\ncolumns = [{{ name = \"id\", type = \"int\" }}]\n"),
        3,
        &["64 bytes", "at most 63"],
    );
    // 63 bytes is fine.
    let ok = "t".repeat(63);
    let p = project(&format!(
        "[database]\nurl = \"{PG_URL}\"\n[tables.{ok}]\ncolumns = [{{ name = \"id\", type = \"int\" }}]\n"
    ));
    run(p.path(), &["diagram"], 0);
    // SQLite has no such limit.
    let p = project(&format!(
        "[database]\nurl = \"sqlite:app.db\"\n[tables.{long}]\ncolumns = [{{ name = \"id\", type = \"integer\" }}]\n"
    ));
    run(p.path(), &["diagram"], 0);
}

#[test]
fn duplicate_and_empty_enum_values_failed_at_upgrade() {
    rejected(
        PG_URL,
        "[enums.mood]\nvalues = [\"ok\", \"sad\", \"ok\"]\n",
        3,
        &["`ok` is listed twice"],
    );
    rejected(
        PG_URL,
        "[enums.mood]\nvalues = [\"ok\", \"\"]\n",
        3,
        &["cannot be empty"],
    );
}

#[test]
fn out_of_range_type_lengths_failed_at_upgrade() {
    for (ty, what) in [
        ("varchar(0)", "between 1 and 10485760"),
        ("char(0)", "between 1 and 10485760"),
        ("varchar(20000000)", "between 1 and 10485760"),
        ("numeric(2000)", "between 1 and 1000"),
        ("timestamp(7)", "between 0 and 6"),
        ("bit(0)", "between 1 and 83886080"),
        ("float(60)", "between 1 and 53"),
    ] {
        rejected(
            PG_URL,
            &format!("[tables.t]\ncolumns = [{{ name = \"a\", type = \"{ty}\" }}]\n"),
            4,
            &[what, "columns[0].type"],
        );
    }
}

#[test]
fn partition_of_itself_failed_at_upgrade() {
    rejected(
        PG_URL,
        "[tables.p]\npartition_of = \"p\"\npartition_bound = \"DEFAULT\"\n",
        4,
        &["partition of itself"],
    );
}

#[test]
fn increment_by_zero_failed_at_upgrade() {
    rejected(
        PG_URL,
        "[sequences.s]\nincrement = 0\n",
        3,
        &["increment cannot be 0"],
    );
    rejected(
        PG_URL,
        "[tables.t]\ncolumns = [{ name = \"id\", type = \"bigint\", identity = { increment = 0 } }]\n",
        4,
        &["increment cannot be 0", "identity"],
    );
    rejected(
        PG_URL,
        "[sequences.s]\nmin = 10\nmax = 5\n",
        3,
        &["must be less than max"],
    );
    rejected(
        PG_URL,
        "[sequences.s]\nstart = 0\n",
        3,
        &["start (0) must be between"],
    );
    rejected(
        PG_URL,
        "[sequences.s]\ntype = \"smallint\"\nmax = 100000\n",
        3,
        &["out of range for smallint"],
    );
}

#[test]
fn domains_referring_to_each_other_in_a_cycle_failed_at_upgrade() {
    rejected(
        PG_URL,
        "[domains.a]\ntype = \"b\"\n\n[domains.b]\ntype = \"a\"\n",
        4,
        &["cycle"],
    );
}

#[test]
fn two_columns_renamed_from_one_name_were_accepted() {
    rejected(
        PG_URL,
        "[tables.t]\ncolumns = [{ name = \"a\", type = \"int\", renamed_from = \"x\" }, { name = \"b\", type = \"int\", renamed_from = \"x\" }]\n",
        3,
        &["both renamed from `x`"],
    );
    rejected(
        PG_URL,
        "[tables.a]\nrenamed_from = \"x\"\ncolumns = [{ name = \"id\", type = \"int\" }]\n\n[tables.b]\nrenamed_from = \"x\"\ncolumns = [{ name = \"id\", type = \"int\" }]\n",
        7,
        &["both renamed from `x`"],
    );
}

#[test]
fn same_table_defined_twice_with_and_without_public_was_accepted() {
    rejected(
        PG_URL,
        "[tables.users]\ncolumns = [{ name = \"id\", type = \"int\" }]\n\n[tables.\"public.users\"]\ncolumns = [{ name = \"id\", type = \"bigint\" }]\n",
        6,
        &["defined twice"],
    );
}

#[test]
fn models_table_named_like_autogens_own_tables_was_accepted() {
    rejected(
        "sqlite:app.db",
        "[tables.autogen_version]\ncolumns = [{ name = \"id\", type = \"integer\" }]\n",
        3,
        &["autogen keeps for itself"],
    );
}

#[test]
fn sequences_and_domains_on_sqlite_were_silently_ignored() {
    rejected(
        "sqlite:app.db",
        "[sequences.s]\nstart = 5\n",
        3,
        &["sqlite has no sequences"],
    );
    rejected(
        "sqlite:app.db",
        "[domains.d]\ntype = \"text\"\n",
        3,
        &["sqlite has no domains"],
    );
}

#[test]
fn sqlite_accepted_serial_now_and_misspelled_types() {
    rejected(
        "sqlite:app.db",
        "[tables.t]\ncolumns = [{ name = \"id\", type = \"serial\", primary_key = true }]\n",
        4,
        &["PostgreSQL's", "type = \"integer\" with primary_key = true"],
    );
    rejected(
        "sqlite:app.db",
        "[tables.t]\ncolumns = [{ name = \"at\", type = \"timestamp\", default = \"now()\" }]\n",
        4,
        &["no function `now()`", "CURRENT_TIMESTAMP"],
    );
    rejected(
        "sqlite:app.db",
        "[tables.t]\ncolumns = [{ name = \"name\", type = \"strng\" }]\n",
        4,
        &["unknown type `strng`", "NUMERIC affinity"],
    );
}

#[test]
fn comments_inside_expressions_hid_what_came_after_them() {
    // `DEFAULT 1 -- x NOT NULL` would silently lose the NOT NULL.
    rejected(
        PG_URL,
        "[tables.t]\ncolumns = [{ name = \"a\", type = \"int\", default = \"1 -- x\" }]\n",
        4,
        &["comment is not allowed"],
    );
}

#[test]
fn database_section_typo_said_no_database_url() {
    let p = project("[databse]\nurl = \"sqlite:app.db\"\n");
    let out = run(p.path(), &["current"], 2);
    assert!(
        out.contains("models.toml:1:")
            && out.contains("databse")
            && !out.contains("no database URL"),
        "{out}"
    );
    let p = project("[database]\nuri = \"sqlite:app.db\"\n");
    let out = run(p.path(), &["current"], 2);
    assert!(
        out.contains("models.toml:2:") && out.contains("uri") && !out.contains("no database URL"),
        "{out}"
    );
}

#[test]
fn missing_models_file_said_no_database_url() {
    let d = tempfile::tempdir().unwrap();
    let out = run(d.path(), &["current"], 2);
    assert!(
        out.contains("no models.toml in")
            && out.contains("--models PATH")
            && out.contains("autogen init"),
        "{out}"
    );
}

#[test]
fn revision_ids_base_head_and_heads_were_accepted() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n");
    for id in ["head", "base", "heads", "HEAD"] {
        let out = run(p.path(), &["revision", "-m", "x", "--rev-id", id], 2);
        assert!(out.contains("cannot be a revision id"), "{out}");
    }
    std::fs::create_dir_all(p.path().join("versions")).unwrap();
    std::fs::write(
        p.path().join("versions/head.sql"),
        "-- revision: head\n-- down_revision: \n\n-- upgrade\n\n-- downgrade\n",
    )
    .unwrap();
    let out = run(p.path(), &["history"], 2);
    assert!(
        out.contains("head.sql:1") && out.contains("cannot be a revision id"),
        "{out}"
    );
}

#[test]
fn header_key_in_another_case_became_a_comment_and_a_second_root() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n");
    let v = p.path().join("versions");
    std::fs::create_dir_all(&v).unwrap();
    std::fs::write(
        v.join("a.sql"),
        "-- revision: aaaa00000001\n-- down_revision: \n\n-- upgrade\n\n-- downgrade\n",
    )
    .unwrap();
    for key in ["Down_revision", "down-revision", "DOWN_REVISION"] {
        std::fs::write(
            v.join("b.sql"),
            format!(
                "-- revision: bbbb00000002\n-- {key}: aaaa00000001\n\n-- upgrade\n\n-- downgrade\n"
            ),
        )
        .unwrap();
        let out = run(p.path(), &["heads"], 2);
        assert!(
            out.contains("b.sql:2") && out.contains("must be written `down_revision`"),
            "{key}: {out}"
        );
    }
}

#[test]
fn init_template_primary_key_was_not_a_rowid_alias_on_sqlite() {
    let d = tempfile::tempdir().unwrap();
    run(d.path(), &["init"], 0);
    let m = std::fs::read_to_string(d.path().join("models.toml")).unwrap();
    // Uncomment the example table, as a new user would.
    let m: String = m
        .lines()
        .map(|l| {
            l.strip_prefix("# ")
                .filter(|_| !l.contains("The desired"))
                .unwrap_or(l)
        })
        .map(|l| if l == "#" { "" } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(d.path().join("models.toml"), &m).unwrap();
    run(d.path(), &["revision", "--autogenerate", "-m", "users"], 0);
    run(d.path(), &["upgrade", "head"], 0);
    let c = rusqlite::Connection::open(d.path().join("app.db")).unwrap();
    c.execute("INSERT INTO users (email) VALUES ('a@example.com')", [])
        .expect("an insert without an id works on the init template");
    let id: i64 = c
        .query_row("SELECT id FROM users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(id, 1);
}

#[test]
fn models_the_database_would_reject_at_upgrade_were_accepted() {
    // Found by a hostile review: each loaded, and the revision generated from it failed.
    let t = |cols: &str| format!("[tables.t]\ncolumns = [{cols}]\n");
    let cases: Vec<(String, usize, &str)> = vec![
        (t("{ name = \"id\", type = \"integer\", primary_key = true, nullable = true }"), 4, "never NULL"),
        (
            "[tables.a]\ncolumns = [{ name = \"id\", type = \"text\", primary_key = true }]\n[tables.b]\ncolumns = [{ name = \"a_id\", type = \"integer\", references = \"a.id\" }]\n".into(),
            6,
            "cannot reference a.id (text)",
        ),
        (
            "[tables.a]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"n\", type = \"int\" }]\n[tables.b]\ncolumns = [{ name = \"a_n\", type = \"int\", references = \"a.n\" }]\n".into(),
            6,
            "not a primary key or unique key",
        ),
        (
            "[tables.a]\ncolumns = [{ name = \"x\", type = \"int\" }, { name = \"y\", type = \"int\" }]\nprimary_key = [\"x\", \"y\"]\n[tables.b]\ncolumns = [{ name = \"a_x\", type = \"int\", references = \"a\" }]\n".into(),
            7,
            "reference 2 column(s)",
        ),
        (t("{ name = \"id\", type = \"text\", identity = true }"), 4, "smallint, integer or bigint"),
        (t("{ name = \"a\", type = \"int\", default = 1, generated = \"2\" }"), 4, "cannot also have a default"),
        (t("{ name = \"a\", type = \"int\", check = \"b > 0\" }"), 4, "no column `b`"),
        (
            "[tables.t]\ncolumns = [{ name = \"a\", type = \"int\" }]\nchecks = [{ expr = \"FullName <> ''\" }]\n".into(),
            5,
            "no column `FullName`",
        ),
        ("[domains.d]\ntype = \"int\"\nchecks = [{ expr = \"x > 0\" }]\n".into(), 5, "sees only VALUE"),
        (t("{ name = \"a\", type = \"int\", default = \"'abc'\" }"), 4, "not a value of type int"),
        (t("{ name = \"a\", type = \"int\", collation = \"C\" }"), 4, "has no collation"),
        (
            "[tables.p]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"at\", type = \"date\" }]\npartition_by = \"RANGE (at)\"\n".into(),
            5,
            "must include the partition column `at`",
        ),
        (
            "[tables.p]\ncolumns = [{ name = \"r\", type = \"text\" }]\npartition_by = \"LIST (r)\"\n[tables.p1]\npartition_of = \"p\"\npartition_bound = \"FOR VALUES FROM ('a') TO ('b')\"\n".into(),
            7,
            "partitioned by LIST",
        ),
        (t("{ name = \"a\", type = \"int\", check = \"a <> $1\" }"), 4, "query parameter"),
        (
            // `schemas` goes into the [database] section the test writes first.
            "schemas = [\"public\"]\n[tables.\"other.a\"]\ncolumns = [{ name = \"id\", type = \"int\" }]\n".into(),
            4,
            "which [database] schemas does not list",
        ),
    ];
    for (body, line, want) in cases {
        let p = project(&format!("[database]\nurl = \"{PG_URL}\"\n{body}"));
        let out = run(p.path(), &["diagram"], 2);
        assert!(
            out.contains(&format!("models.toml:{line}:")) && out.contains(want),
            "expected {line} and `{want}`:\n{out}\n{body}"
        );
    }
}

#[test]
fn dollar_quote_tag_starting_with_a_digit_smuggled_sql_into_the_offline_script() {
    // sqlparser reads `$1$ … $1$` as a string; PostgreSQL and psql read `$1` as a parameter and the
    // rest as SQL, `\!` as a shell command.
    rejected(
        PG_URL,
        "[tables.t]\ncolumns = [{ name = \"a\", type = \"text\", default = '''$1$\n\\! touch pwned\n$1$''' }]\n",
        4,
        &["not a dollar quote"],
    );
    rejected(
        PG_URL,
        "[functions.\"f()\"]\nsql = '''CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $1$\n; ROLLBACK; DROP TABLE victim; SELECT $1$'''\n",
        4,
        &["not a dollar quote"],
    );
    // SQLite has no escape for `]` in a [bracketed] name.
    rejected(
        "sqlite:app.db",
        "[tables.t]\ncolumns = [{ name = \"a\", type = \"text\", check = \"[a]] <> 'x');\\ndrop table victim;\\nselect ([a]\" }]\n",
        4,
        &["bracketed"],
    );
}

#[test]
fn second_review_models_accepted_then_rejected_at_upgrade() {
    // Found by a second hostile review.
    let t = |cols: &str| format!("[tables.t]\ncolumns = [{cols}]\n");
    let cases: Vec<(String, usize, &str)> = vec![
        // A NUL inside a literal: psql reads a line only up to it, so the quotes after pair differently.
        (t("{ name = \"a\", type = \"text\", default = \"'a\\u0000'\" }"), 4, "NUL"),
        (t("{ name = \"a\", type = \"int\" }, { name = \"b\", type = \"int\", default = \"a + 1\" }"), 4, "a default cannot use column `a`"),
        (t("{ name = \"a\", type = \"int\", default = \"(SELECT 1)\" }"), 4, "a default cannot use a subquery"),
        (t("{ name = \"a\", type = \"int\", check = \"a IN (SELECT 1)\" }"), 4, "a subquery cannot be used here"),
        (t("{ name = \"a\", type = \"int\", generated = \"(random() * 10)::int\" }"), 4, "random() does not"),
        (t("{ name = \"a\", type = \"timestamptz\", generated = \"now()\" }"), 4, "now() does not"),
        (
            "[tables.t]\ncolumns = [{ name = \"xs\", type = \"integer[]\", check = \"array_length(xs[1:PORT], 1) < 3\" }]\n".into(),
            4,
            "psql reads `:PORT` as one of its variables",
        ),
    ];
    for (body, line, want) in cases {
        let p = project(&format!("[database]\nurl = \"{PG_URL}\"\n{body}"));
        let out = run(p.path(), &["diagram"], 2);
        assert!(
            out.contains(&format!("models.toml:{line}:")) && out.contains(want),
            "expected {line} and `{want}`:\n{out}\n{body}"
        );
    }
}

#[test]
fn revision_with_empty_down_revision_entries_or_a_nul_was_accepted() {
    let p = project("[database]\nurl = \"sqlite:app.db\"\n");
    let v = p.path().join("versions");
    std::fs::create_dir_all(&v).unwrap();
    std::fs::write(
        v.join("a.sql"),
        "-- revision: aaaa00000001\n-- down_revision: , ,\n\n-- upgrade\n\n-- downgrade\n",
    )
    .unwrap();
    let out = run(p.path(), &["heads"], 2);
    assert!(
        out.contains("a.sql:2") && out.contains("empty entry"),
        "{out}"
    );
    std::fs::write(v.join("a.sql"), "-- revision: aaaa00000001\n-- down_revision: \n\n-- upgrade\nSELECT 'a\0';\n-- downgrade\n").unwrap();
    // (In the SQL: `heads` reads headers alone; what splits the SQL refuses it.)
    let out = run(p.path(), &["history", "--verbose"], 2);
    assert!(out.contains("a.sql:5") && out.contains("NUL"), "{out}");
    std::fs::write(v.join("a.sql"), "-- revision: aaaa00000001\n-- down_revision: \n-- depends_on: bbbb00000002\n\n-- upgrade\n\n-- downgrade\n").unwrap();
    let out = run(p.path(), &["heads"], 2);
    assert!(out.contains("names depends_on bbbb00000002"), "{out}");
}

#[test]
fn tables_built_while_streamed_see_types_declared_after_them() {
    // Sections holding tables alone are parsed on a second thread and built one by one; every other
    // section (an enum after the tables, a table sharing its section with a domain) is read first.
    let body = "[tables.a]\ncolumns = [{ name = \"m\", type = \"mood\" }, { name = \"d\", type = \"posint\" }]\n\n\
                [tables.b]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }]\n\n[domains.posint]\ntype = \"integer\"\n\n\
                [tables.c]\ncolumns = [{ name = \"id\", type = \"int\", references = \"b.id\" }]\n\n\
                [enums.mood]\nvalues = [\"ok\"]\n";
    let p = project(&format!("[database]\nurl = \"{PG_URL}\"\n{body}"));
    let out = run(p.path(), &["diagram"], 0);
    assert!(out.contains("mood") && out.contains("posint"), "{out}");
    // An unknown type in a streamed table is still located on its line.
    rejected(
        PG_URL,
        &body.replace("\"posint\"", "\"posintt\""),
        4,
        &["unknown type `posintt`"],
    );
    // A table defined twice, once in a streamed section and once beside an enum, is refused.
    rejected(
        PG_URL,
        &format!("{body}\n[tables.a]\ncolumns = [{{ name = \"id\", type = \"int\" }}]\n[enums.other]\nvalues = [\"x\"]\n"),
        18,
        &["defined twice"],
    );
}
