//! Without the `metrics` feature: the same calls, doing nothing (not even the facade is
//! compiled).

use std::time::Duration;

pub(super) fn token_fetch(_grant_type: &'static str, _outcome: &'static str) {}

pub(super) fn rate_limit_wait(_reason: &'static str, _wait: Duration) {}

pub(super) fn retry(_operation: &str, _error: &crate::error::Error) {}
