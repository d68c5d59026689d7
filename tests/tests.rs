//! The one integration test binary: CLI behaviour, golden SQL, round trips against real databases.

mod support;

mod cli_errors;
mod golden;
mod graph;
mod pg_corpus;
mod pg_workflow;
mod props;
mod regressions;
mod sqlite;
