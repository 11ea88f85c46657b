//! See zoom_core::fuzzing::webhook for what this target checks and its input format.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zoom_core::fuzzing::webhook(data));
