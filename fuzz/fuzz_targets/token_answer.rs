//! See zoom_fuzz_harness::token_answer for what this target checks and its input format.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zoom_fuzz_harness::token_answer(data));
