//! Test tools for the Zoom live-stream SDK.
//!
//! - [`fixtures`]: Zoom's documented answers, byte for byte, and the JSON-bodied variants.
//! - [`MockTransport`]: an in-memory transport (async and blocking) answering from a script,
//!   recording requests, failing loudly on surprises.
//! - [`InstantSleep`]: a sleeper that takes no time, so retry tests run instantly.
//! - [`ManualClock`]: a time source that moves only when told, so expiry, budget and pacing
//!   tests never sleep.
//! - [`ManualSpawn`]: a spawner whose tasks run only when the test says, to see what calls
//!   do before an async client's background work (a token refreshed ahead) happens.
//! - [`webhooks`]: signed sample webhook deliveries (signatures computed outside Rust) and
//!   builders for your own.
//!
//! With the `simulator` feature (off by default):
//!
#![cfg_attr(feature = "simulator", doc = "- [`simulator`]:")]
#![cfg_attr(not(feature = "simulator"), doc = "- `simulator`:")]
//!   a real loopback Zoom (hyper on 127.0.0.1) with state, OAuth, rate limits and
//!   scriptable faults, plus the `zoom-simulator` binary.
#![cfg_attr(feature = "simulator", doc = "- [`conformance`]:")]
#![cfg_attr(not(feature = "simulator"), doc = "- `conformance`:")]
//!   a suite any `Transport` or `BlockingTransport` runs through against the simulator to
//!   prove it keeps the transport contract.
//!
//! ```
//! use zoom_core::MeetingId;
//! use zoom_testkit::{MockTransport, fixtures};
//!
//! let mock = MockTransport::new().push(fixtures::documented_live_stream());
//! let client = zoom_core::blocking::Client::builder().transport(mock.clone()).bearer_token("t").build()?;
//! let stream = client.meeting_live_stream(MeetingId::new(85746065432))?;
//! assert_eq!(stream.page_url.as_deref(), Some("https://somecompany.com/livestream/123"));
//! mock.assert_all_used();
//! # Ok::<(), zoom_core::Error>(())
//! ```
//!
//! # Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `simulator` | no | the `simulator` and `conformance` modules and the `zoom-simulator` binary; compiles hyper and tokio |
//!
//! Without it, this crate compiles no HTTP server and no async runtime: enough for
//! [`MockTransport`] and the fixtures.
//!
//! ```toml
//! [dev-dependencies]
//! zoom-testkit = { version = "0.1", features = ["simulator"] }
//! ```
//!
//! The binary: `cargo run -p zoom-testkit --features simulator --bin zoom-simulator`
//! (or `cargo install zoom-testkit --features simulator`).
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod clock;
#[cfg(feature = "simulator")]
#[cfg_attr(docsrs, doc(cfg(feature = "simulator")))]
pub mod conformance;
pub mod fixtures;
mod mock;
#[cfg(feature = "simulator")]
#[cfg_attr(docsrs, doc(cfg(feature = "simulator")))]
pub mod simulator;
mod sleep;
mod spawn;
pub mod webhooks;

pub use clock::ManualClock;
pub use mock::{MockTransport, SentRequest};
pub use sleep::InstantSleep;
pub use spawn::ManualSpawn;
