//! Fuzz target: URL handling and redaction never panic, and a password never survives redaction.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        autogen::fuzzing::url_redact(text);
    }
});
