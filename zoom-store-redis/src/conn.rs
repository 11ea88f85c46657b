//! Running one [`Op`] with every wait bounded, and skipping Redis for a while after it failed.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use redis::FromRedisValue;
use zoom_core::store::{StoreError, StoreErrorKind};

use crate::config::RedisConfig;
use crate::protocol::Op;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether Redis failed lately: while it is "down", calls fail at once with
/// [`StoreErrorKind::Unavailable`] and the caller uses its local state; after
/// `reconnect_delay` the next call tries again.
#[derive(Debug)]
pub(crate) struct Health {
    down_until: Mutex<Option<Instant>>,
    delay: Duration,
    url: String,
}

impl Health {
    pub(crate) fn new(config: &RedisConfig) -> Self {
        Self {
            down_until: Mutex::new(None),
            delay: config.reconnect_delay,
            url: config.url().to_owned(),
        }
    }

    fn check(&self) -> Result<(), StoreError> {
        match *lock(&self.down_until) {
            Some(until) if Instant::now() < until => Err(StoreError::new(
                StoreErrorKind::Unavailable,
                format!(
                    "{} failed a moment ago; trying again after {:?}",
                    self.url, self.delay
                ),
            )),
            _ => Ok(()),
        }
    }

    fn succeeded(&self) {
        let mut down = lock(&self.down_until);
        if down.take().is_some() {
            tracing::info!(url = %self.url, "shared store reachable again");
        }
    }

    /// Records `error`; a failure to reach Redis (not a refused command) starts a pause.
    fn failed(&self, error: StoreError) -> StoreError {
        if matches!(
            error.kind,
            StoreErrorKind::Unavailable | StoreErrorKind::Timeout
        ) {
            let mut down = lock(&self.down_until);
            if down.is_none() {
                tracing::warn!(url = %self.url, %error, "shared store unreachable; local state is used meanwhile");
            }
            *down = Instant::now().checked_add(self.delay);
        }
        error
    }

    fn timeout(&self, what: &str, after: Duration) -> StoreError {
        StoreError::new(
            StoreErrorKind::Timeout,
            format!("{} did not {what} within {after:?}", self.url),
        )
    }
}

/// The async side: one multiplexed connection kept by redis's `ConnectionManager`, which
/// reconnects on its own; each call is also bounded here.
pub(crate) struct AsyncConn {
    manager: redis::aio::ConnectionManager,
    health: Health,
    op_timeout: Duration,
    config: RedisConfig,
}

impl AsyncConn {
    /// Needs a Tokio runtime (the manager spawns a task); connects on first use.
    pub(crate) fn new(config: &RedisConfig) -> Result<Self, StoreError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(StoreError::new(
                StoreErrorKind::Config,
                "the async Redis store needs a Tokio runtime; use zoom_store_redis::blocking otherwise",
            ));
        }
        let manager_config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(config.connect_timeout))
            .set_response_timeout(Some(config.response_timeout))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(10))
            .set_max_delay(config.reconnect_delay);
        let manager = config
            .client
            .get_connection_manager_lazy(manager_config)
            .map_err(|e| config.error(&e))?;
        Ok(Self {
            manager,
            health: Health::new(config),
            op_timeout: config.op_timeout(),
            config: config.clone(),
        })
    }

    pub(crate) fn config(&self) -> &RedisConfig {
        &self.config
    }

    pub(crate) async fn run<T: FromRedisValue>(&self, op: Op) -> Result<T, StoreError> {
        self.health.check()?;
        let mut connection = self.manager.clone();
        let call = async {
            match &op {
                Op::Script(invocation) => invocation.invoke_async(&mut connection).await,
                Op::Cmd(cmd) => cmd.query_async(&mut connection).await,
            }
        };
        match tokio::time::timeout(self.op_timeout, call).await {
            Ok(Ok(value)) => {
                self.health.succeeded();
                Ok(value)
            }
            Ok(Err(error)) => Err(self.health.failed(self.config.error(&error))),
            Err(_) => Err(self
                .health
                .failed(self.health.timeout("answer", self.op_timeout))),
        }
    }
}

/// The blocking side: one plain connection behind a mutex, opened on first use and dropped
/// after any failure to talk (a late answer must never be read as the next one's).
pub(crate) struct BlockingConn {
    connection: Mutex<Option<redis::Connection>>,
    health: Health,
    config: RedisConfig,
}

impl BlockingConn {
    pub(crate) fn new(config: &RedisConfig) -> Self {
        Self {
            connection: Mutex::new(None),
            health: Health::new(config),
            config: config.clone(),
        }
    }

    pub(crate) fn config(&self) -> &RedisConfig {
        &self.config
    }

    pub(crate) fn run<T: FromRedisValue>(&self, op: Op) -> Result<T, StoreError> {
        self.health.check()?;
        let mut slot = lock(&self.connection);
        // Another caller may have failed while this one waited for the mutex.
        self.health.check()?;
        let fail = |error: redis::RedisError| self.health.failed(self.config.error(&error));
        let connection = match slot.as_mut() {
            Some(connection) => connection,
            None => {
                let config = &self.config;
                let connection = config
                    .client
                    .get_connection_with_timeout(config.connect_timeout)
                    .and_then(|c| {
                        c.set_read_timeout(Some(config.response_timeout))?;
                        c.set_write_timeout(Some(config.response_timeout))?;
                        Ok(c)
                    })
                    .map_err(fail)?;
                slot.insert(connection)
            }
        };
        let result = match &op {
            Op::Script(invocation) => invocation.invoke(connection),
            Op::Cmd(cmd) => cmd.query(connection),
        };
        match result {
            Ok(value) => {
                self.health.succeeded();
                Ok(value)
            }
            Err(error) => {
                if error.is_io_error()
                    || error.is_timeout()
                    || error.is_connection_dropped()
                    || error.is_unrecoverable_error()
                {
                    *slot = None;
                }
                Err(fail(error))
            }
        }
    }
}
