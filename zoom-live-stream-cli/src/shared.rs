//! `--redis-url`: the Redis store every process of the tool shares, wrapped so that the tool
//! says once on stderr when Redis cannot be used (the SDK then goes on with this process's
//! own token and rate limit, which is all a one-shot process has anyway).

use std::sync::atomic::{AtomicBool, Ordering};

use zoom_live_stream::redis::{self, RedisConfig};
use zoom_live_stream::store::{
    BlockingSharedStore, SharedStore, StoreError, StoreOp, StoreOutcome,
};

use crate::report;

/// The blocking store for `config`.
pub(crate) fn blocking(config: &RedisConfig) -> Noted<redis::blocking::RedisStore> {
    Noted::new(
        redis::blocking::RedisStore::with_config(config.clone()),
        config,
    )
}

/// The async store for `config`; call it within the tokio runtime.
pub(crate) fn with_tokio(
    config: &RedisConfig,
) -> Result<Noted<redis::RedisStore>, zoom_live_stream::Error> {
    let store = redis::RedisStore::with_config(config.clone())
        .map_err(|e| zoom_live_stream::InvalidInput::new("redis_url", e.message))?;
    Ok(Noted::new(store, config))
}

/// A store that reports its first failure on stderr.
pub(crate) struct Noted<S> {
    store: S,
    url: String,
    said: AtomicBool,
    /// What the process does without the store, as the warning says.
    without: &'static str,
}

impl<S> Noted<S> {
    fn new(store: S, config: &RedisConfig) -> Self {
        Self {
            store,
            url: config.url().to_owned(),
            said: AtomicBool::new(false),
            without: "with this process's own token and rate limit",
        }
    }

    /// The store of `autopilot`, whose decisions it shares too: the warning says that the
    /// process then decides alone.
    pub(crate) fn decisions_too(mut self) -> Self {
        self.without = "with this process's own token, rate limit and autopilot decisions (other replicas may act on the same events)";
        self
    }

    fn note<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        if let Err(error) = &result
            && !self.said.swap(true, Ordering::Relaxed)
        {
            report::say(&format!(
                "zoom-live-stream: warning: Redis at {} cannot be used ({}); going on without it, {}",
                self.url, error.message, self.without
            ));
        }
        result
    }
}

#[zoom_live_stream::async_trait]
impl<S: SharedStore> SharedStore for Noted<S> {
    async fn run(&self, op: StoreOp) -> Result<StoreOutcome, StoreError> {
        self.note(self.store.run(op).await)
    }
}

impl<S: BlockingSharedStore> BlockingSharedStore for Noted<S> {
    fn run(&self, op: StoreOp) -> Result<StoreOutcome, StoreError> {
        self.note(self.store.run(op))
    }
}
