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
