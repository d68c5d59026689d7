//! Fuzz target: the statement splitter never panics and every statement it returns is a slice of the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        autogen::fuzzing::statement_split(text);
    }
});
