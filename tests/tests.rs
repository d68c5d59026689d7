//! The one integration test binary: CLI behaviour, golden SQL, round trips against real databases.

mod support;

mod bad_input;
mod bookkeeping;
mod cli_errors;
mod codegen_corpus;
mod codegen_python;
mod codegen_regressions;
mod codegen_rust;
mod data_safety;
mod enum_swaps;
mod fidelity;
mod fidelity_sqlite;
mod fuzz_props;
mod golden;
mod golden_codegen;
mod golden_mysql;
mod golden_views;
mod graph;
mod messages;
mod mysql;
mod mysql_plans;
mod mysql_runner;
mod pg_corpus;
mod pg_workflow;
mod props;
mod props_data;
mod props_objects;
mod props_views;
mod redaction;
mod regressions;
mod smuggling;
mod sqlite;
mod views;
mod views_regressions;
