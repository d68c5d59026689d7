//! Fuzz target: models.toml loading never panics, for either dialect, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        autogen::fuzzing::models_load(text);
    }
});
