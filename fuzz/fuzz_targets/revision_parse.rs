//! Fuzz target: revision-file parsing never panics, and what it accepts renders and parses back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        autogen::fuzzing::revision_parse(text);
    }
});
