//! See zoom_fuzz_harness::video_sdk_jwt for what this target checks and its input format.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zoom_fuzz_harness::video_sdk_jwt(data));
