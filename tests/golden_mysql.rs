//! Golden SQL for MySQL/MariaDB per kind of operation, upgrade and downgrade (rendered from the
//! inverse ops): backquoted names, whole-column MODIFY, inline keys, table options, partitioning.

use autogen::dialect::mysql::MySql;

use crate::golden::sql;

fn my(before: &str, after: &str) -> String {
    sql(&MySql, before, after)
}

#[test]
fn mysql_create_table_with_every_feature() {
    insta::assert_snapshot!(my("", crate::mysql::FEATURES));
}

#[test]
fn mysql_column_key_and_option_changes() {
    let after = crate::mysql::FEATURES
        .replace(
            "\"note\", type = \"varchar(40)\"",
            "\"memo\", type = \"varchar(60)\", renamed_from = \"note\"",
        )
        .replace("enum('admin','member')", "enum('admin','member','guest')")
        .replace("default = 0 }", "default = 1 }")
        .replace("comment = \"people\"", "comment = \"all the people\"")
        .replace(
            "options = [\"charset=latin1\"]",
            "options = [\"collate=latin1_bin\", \"row_format=compact\"]",
        )
        .replace(
            "checks = [{ name = \"users_score_check\", expr = \"score >= 0\" }]",
            "checks = [{ name = \"users_score_check\", expr = \"score >= 1\" }]",
        )
        .replace(
            "  { name = \"users_bio_ft\", columns = [\"bio\"], method = \"fulltext\" },\n",
            "",
        )
        .replace(
            "references = \"users.id\", on_delete = \"cascade\"",
            "references = \"users.id\", on_delete = \"set null\", nullable = true",
        );
    insta::assert_snapshot!(my(crate::mysql::FEATURES, &after));
}

#[test]
fn mysql_partitioning_changes_in_place() {
    let t = |p: &str| {
        format!("[tables.m]\n{p}columns = [\n  {{ name = \"id\", type = \"int\", primary_key = true }},\n  {{ name = \"y\", type = \"int\", primary_key = true }},\n]\n")
    };
    insta::assert_snapshot!(my(
        &t(""),
        &t("partition_by = \"RANGE (`y`) (PARTITION `p0` VALUES LESS THAN (2000), PARTITION `p1` VALUES LESS THAN MAXVALUE)\"\n")
    ));
}

/// One schema as the two servers' catalogs describe it: the rows MySQL 8 gives (its manual: literal
/// defaults bare, `DEFAULT_GENERATED` expressions, no display widths, a real `json`, checks in
/// parentheses through TABLE_CONSTRAINTS) and the rows MariaDB 10.11 gives (quoted literals,
/// `int(11)`, `current_timestamp()`, json as longtext with a json_valid check). Both must canonicalize
/// to the models: autogenerate finds nothing on either.
mod catalogs {
    use autogen::autogenerate::plan;
    use autogen::dialect::conn::{DbError, Rows};
    use autogen::dialect::mysql::{introspect::from_catalog, MySql};
    use autogen::dialect::Dialect;
    use autogen::models::load_str;

    const MODELS: &str = r#"
[tables.users]
columns = [
  { name = "id", type = "bigint unsigned", primary_key = true, autoincrement = true },
  { name = "email", type = "varchar(120)", unique = true },
  { name = "name", type = "varchar(80)", default = "'it''s'" },
  { name = "active", type = "boolean", default = true },
  { name = "doc", type = "json", nullable = true },
  { name = "score", type = "decimal(6,2)", default = 0 },
  { name = "qty", type = "int", default = "'0'" },
  { name = "created_at", type = "datetime(3)", default = "CURRENT_TIMESTAMP(3)" },
  { name = "updated_at", type = "timestamp", default = "now()", on_update = "CURRENT_TIMESTAMP" },
  { name = "score2", type = "decimal(8,2)", generated = "score * 2" },
  { name = "due", type = "date", nullable = true, default = "CURRENT_DATE + INTERVAL 1 DAY" },
]
checks = [{ name = "users_score_check", expr = "score >= 0 AND name <> 'x'" }]
indexes = [{ columns = ["name(10)", "created_at DESC"] }]
"#;

    fn row(cells: &[&str]) -> Vec<Option<String>> {
        cells
            .iter()
            .map(|c| (*c != "<NULL>").then(|| c.to_string()))
            .collect()
    }

    /// Answers each catalog query with `rows[kind]`, by the table it reads.
    fn catalog(kinds: Vec<(&'static str, Rows)>) -> impl FnMut(&str) -> Result<Rows, DbError> {
        move |sql: &str| {
            Ok(kinds
                .iter()
                .find(|(k, _)| sql.contains(&format!("information_schema.{k}")))
                .map(|(_, r)| r.clone())
                .unwrap_or_default())
        }
    }

    fn clean(mut q: impl FnMut(&str) -> Result<Rows, DbError>, mariadb: bool) {
        let mut live = from_catalog(&mut q, mariadb, "app").unwrap();
        MySql.canonicalize(&mut live);
        let m = load_str("models.toml", MODELS, &MySql).unwrap_or_else(|e| panic!("{e}"));
        let p = plan(&live, &m.schema, &MySql);
        assert!(p.ops.is_empty(), "mariadb={mariadb}: {:#?}", p.upgrade);
    }

    fn shared(mariadb: bool) -> Vec<(&'static str, Rows)> {
        let coll = if mariadb {
            "utf8mb4_general_ci"
        } else {
            "utf8mb4_0900_ai_ci"
        };
        vec![
            ("SCHEMATA", vec![row(&[coll])]),
            (
                "CHARACTER_SETS",
                vec![
                    row(&["utf8mb4", coll]),
                    row(&["latin1", "latin1_swedish_ci"]),
                ],
            ),
            (
                "TABLES",
                vec![row(&["users", "BASE TABLE", "InnoDB", coll, "", ""])],
            ),
            (
                "STATISTICS",
                vec![
                    row(&["users", "PRIMARY", "0", "id", "<NULL>", "A", "BTREE"]),
                    row(&[
                        "users",
                        "users_email_key",
                        "0",
                        "email",
                        "<NULL>",
                        "A",
                        "BTREE",
                    ]),
                    row(&[
                        "users",
                        "users_name_created_at_idx",
                        "1",
                        "name",
                        "10",
                        "A",
                        "BTREE",
                    ]),
                    row(&[
                        "users",
                        "users_name_created_at_idx",
                        "1",
                        "created_at",
                        "<NULL>",
                        "D",
                        "BTREE",
                    ]),
                ],
            ),
        ]
    }

    #[test]
    fn mysql8_catalog_rows_canonicalize_to_the_models() {
        let c = "utf8mb4_0900_ai_ci";
        let mut kinds = vec![
            (
                "CHECK_CONSTRAINTS",
                vec![row(&[
                    "users",
                    "users_score_check",
                    "((`score` >= 0) and (`name` <> _utf8mb4'x'))",
                    "Table",
                ])],
            ),
            (
                "COLUMNS",
                vec![
                    row(&[
                        "users",
                        "id",
                        "bigint unsigned",
                        "NO",
                        "<NULL>",
                        "auto_increment",
                        "",
                        "<NULL>",
                        "",
                    ]),
                    row(&[
                        "users",
                        "email",
                        "varchar(120)",
                        "NO",
                        "<NULL>",
                        "",
                        "",
                        c,
                        "",
                    ]),
                    row(&["users", "name", "varchar(80)", "NO", "it's", "", "", c, ""]),
                    row(&[
                        "users",
                        "active",
                        "tinyint(1)",
                        "NO",
                        "1",
                        "",
                        "",
                        "<NULL>",
                        "",
                    ]),
                    row(&[
                        "users", "doc", "json", "YES", "<NULL>", "", "", "<NULL>", "",
                    ]),
                    row(&[
                        "users",
                        "score",
                        "decimal(6,2)",
                        "NO",
                        "0.00",
                        "",
                        "",
                        "<NULL>",
                        "",
                    ]),
                    row(&["users", "qty", "int", "NO", "0", "", "", "<NULL>", ""]),
                    row(&[
                        "users",
                        "created_at",
                        "datetime(3)",
                        "NO",
                        "CURRENT_TIMESTAMP(3)",
                        "DEFAULT_GENERATED",
                        "",
                        "<NULL>",
                        "",
                    ]),
                    row(&[
                        "users",
                        "updated_at",
                        "timestamp",
                        "NO",
                        "CURRENT_TIMESTAMP",
                        "DEFAULT_GENERATED on update CURRENT_TIMESTAMP",
                        "",
                        "<NULL>",
                        "",
                    ]),
                    row(&[
                        "users",
                        "score2",
                        "decimal(8,2)",
                        "YES",
                        "<NULL>",
                        "VIRTUAL GENERATED",
                        "(`score` * 2)",
                        "<NULL>",
                        "",
                    ]),
                    row(&[
                        "users",
                        "due",
                        "date",
                        "YES",
                        "(curdate() + interval 1 day)",
                        "DEFAULT_GENERATED",
                        "",
                        "<NULL>",
                        "",
                    ]),
                ],
            ),
        ];
        kinds.extend(shared(false));
        clean(catalog(kinds), false);
    }

    #[test]
    fn mariadb_catalog_rows_canonicalize_to_the_models() {
        let c = "utf8mb4_general_ci";
        let mut kinds = vec![
            (
                "CHECK_CONSTRAINTS",
                vec![
                    row(&["users", "doc", "json_valid(`doc`)", "Column"]),
                    row(&[
                        "users",
                        "users_score_check",
                        "`score` >= 0 and `name` <> 'x'",
                        "Table",
                    ]),
                ],
            ),
            (
                "COLUMNS",
                vec![
                    row(&[
                        "users",
                        "id",
                        "bigint(20) unsigned",
                        "NO",
                        "<NULL>",
                        "auto_increment",
                        "",
                        "<NULL>",
                        "",
                    ]),
                    row(&[
                        "users",
                        "email",
                        "varchar(120)",
                        "NO",
                        "<NULL>",
                        "",
                        "",
                        c,
                        "",
                    ]),
                    row(&[
                        "users",
                        "name",
                        "varchar(80)",
                        "NO",
                        "'it''s'",
                        "",
                        "",
                        c,
                        "",
                    ]),
                    row(&[
                        "users",
                        "active",
                        "tinyint(1)",
                        "NO",
                        "1",
                        "",
                        "",
                        "<NULL>",
                        "",
                    ]),
                    row(&[
                        "users",
                        "doc",
                        "longtext",
                        "YES",
                        "NULL",
                        "",
                        "",
                        "utf8mb4_bin",
                        "",
                    ]),
                    row(&[
                        "users",
                        "score",
                        "decimal(6,2)",
                        "NO",
                        "0.00",
                        "",
                        "",
                        "<NULL>",
                        "",
                    ]),
                    row(&["users", "qty", "int(11)", "NO", "0", "", "", "<NULL>", ""]),
                    row(&[
                        "users",
                        "created_at",
                        "datetime(3)",
                        "NO",
                        "current_timestamp(3)",
                        "",
                        "",
                        "<NULL>",
                        "",
                    ]),
                    row(&[
                        "users",
                        "updated_at",
                        "timestamp",
                        "NO",
                        "current_timestamp()",
                        "on update current_timestamp()",
                        "",
                        "<NULL>",
                        "",
                    ]),
                    row(&[
                        "users",
                        "score2",
                        "decimal(8,2)",
                        "YES",
                        "NULL",
                        "VIRTUAL GENERATED",
                        "`score` * 2",
                        "<NULL>",
                        "",
                    ]),
                    row(&[
                        "users",
                        "due",
                        "date",
                        "YES",
                        "curdate() + interval 1 day",
                        "",
                        "",
                        "<NULL>",
                        "",
                    ]),
                ],
            ),
        ];
        kinds.extend(shared(true));
        clean(catalog(kinds), true);
    }
}

/// A FULLTEXT index's parser is read from `SHOW CREATE TABLE` (MySQL 8 wraps it in a versioned
/// comment; names in backticks may hold anything, a comment may mention a parser).
#[test]
fn mysql_fulltext_parser_is_read_from_show_create_table() {
    let create = "CREATE TABLE `t` (\n  `id` int NOT NULL,\n  `b` text,\n  `c)` text,\n  PRIMARY KEY (`id`),\n  FULLTEXT KEY `b_ft` (`b`) /*!50100 WITH PARSER `ngram` */ ,\n  FULLTEXT KEY `c``ft` (`c)`) COMMENT 'WITH PARSER `evil`',\n  FULLTEXT KEY `m` (`b`) WITH PARSER `mecab`\n) ENGINE=InnoDB";
    assert_eq!(
        autogen::dialect::mysql::introspect::fulltext_parsers(create),
        [
            ("b_ft".to_string(), "ngram".to_string()),
            ("m".to_string(), "mecab".to_string())
        ]
    );
}

#[test]
fn mysql_fulltext_parser_and_index_options_are_rendered() {
    let m = "[tables.t]\ncolumns = [{ name = \"id\", type = \"int\", primary_key = true }, { name = \"b\", type = \"text\" }]\nindexes = [{ columns = [\"b\"], method = \"fulltext\", parser = \"ngram\", comment = \"cjk\" }]\n";
    let out = my("", m);
    assert!(
        out.contains("FULLTEXT KEY `t_b_idx` (`b`) WITH PARSER `ngram` COMMENT 'cjk'"),
        "{out}"
    );
}
