//! Example programs for the Zoom live-stream SDK live in `examples/`; run one with
//! `cargo run -p zoom-live-stream-examples --example NAME`.
//!
//! This package is not published. It also compiles the examples of the workspace's README
//! and guides as doc tests, so that they stay true (they name files outside any published
//! package, which is why they live here).
#![forbid(unsafe_code)]

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;

/// The examples of the authentication guide, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/AUTH.md")]
struct AuthGuideExamples;

/// The examples of the reliability guide, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/RELIABILITY.md")]
struct ReliabilityGuideExamples;

/// The examples of the webhooks guide, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/WEBHOOKS.md")]
struct WebhooksGuideExamples;

/// The examples of the scaling guide (zoom-store-redis), compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/SCALING.md")]
struct ScalingGuideExamples;

/// The examples of the autopilot guide, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/AUTOPILOT.md")]
struct AutopilotGuideExamples;
