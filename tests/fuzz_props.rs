//! The fuzz targets' checks (`fuzz/`, `src/fuzzing.rs`) over random input in every `cargo test`: a
//! short run of what `cargo fuzz` runs for minutes.

use proptest::prelude::*;

fn cfg() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text built from the pieces the parsers care about, so random input reaches deep.
fn sqlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("[tables.t]\n".to_string()),
        Just("columns = [{ name = \"id\", type = \"int\" }]\n".to_string()),
        Just("-- revision: abc\n".to_string()),
        Just("-- down_revision: \n".to_string()),
        Just("-- upgrade\n".to_string()),
        Just("-- downgrade\n".to_string()),
        Just("$$".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just(";".to_string()),
        Just("\n".to_string()),
        Just("\r".to_string()),
        Just("CREATE TRIGGER x BEGIN ".to_string()),
        Just("END".to_string()),
        Just("/*".to_string()),
        Just("--".to_string()),
        Just("@".to_string()),
        Just("password=".to_string()),
        Just("postgres://u:p@h/d".to_string()),
        "[a-z =(),.]{0,8}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn models_loader_never_panics(s in sqlish()) {
        autogen::fuzzing::models_load(&s);
    }

    #[test]
    fn revision_parser_round_trips(s in sqlish()) {
        autogen::fuzzing::revision_parse(&s);
    }

    #[test]
    fn statement_splitter_never_panics(s in sqlish()) {
        autogen::fuzzing::statement_split(&s);
    }

    #[test]
    fn urls_are_redacted(s in sqlish()) {
        autogen::fuzzing::url_redact(&s);
    }
}
