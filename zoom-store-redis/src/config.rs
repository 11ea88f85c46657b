//! Where the store is and how long it may take; the URL's password never shows.

use std::fmt;
use std::time::Duration;

use zoom_core::SecretString;
use zoom_core::store::{StoreError, StoreErrorKind};

/// How to reach Redis and how long each step may take.
///
/// ```
/// use std::time::Duration;
/// use zoom_store_redis::RedisConfig;
///
/// let config = RedisConfig::new("redis://app:hunter2@127.0.0.1:6379/0")?
///     .response_timeout(Duration::from_millis(300));
/// assert_eq!(config.url(), "redis://app:[redacted]@127.0.0.1:6379/0");
/// assert!(!format!("{config:?}").contains("hunter2"));
/// # Ok::<(), zoom_core::store::StoreError>(())
/// ```
#[derive(Clone)]
pub struct RedisConfig {
    pub(crate) client: redis::Client,
    /// The whole URL, password included, for rebuilding the client with TLS settings.
    #[cfg_attr(not(feature = "tls"), allow(dead_code))] // Only read by TLS settings.
    full_url: SecretString,
    pub(crate) password: Option<SecretString>,
    shown_url: String,
    pub(crate) connect_timeout: Duration,
    pub(crate) response_timeout: Duration,
    pub(crate) reconnect_delay: Duration,
    pub(crate) prefix: String,
}

impl RedisConfig {
    /// A `redis://` or `rediss://` URL (`rediss` needs the crate's `tls` feature), with
    /// `user:password@` for Redis AUTH and `/db` for the database. Nothing is connected yet.
    ///
    /// For `rediss://`, the redis crate builds its TLS on rustls's process-wide crypto
    /// provider, so if your program installed none, this installs ring (which this crate
    /// compiles) as that provider: rustls could not choose one itself in a build that also
    /// has aws-lc-rs, as one with the SDK's async client does.
    pub fn new(url: &str) -> Result<Self, StoreError> {
        let parsed = url::Url::parse(url.trim()).map_err(|e| {
            StoreError::new(StoreErrorKind::Config, format!("not a Redis URL: {e}"))
        })?;
        let password = parsed
            .password()
            .map(|p| {
                percent_encoding::percent_decode_str(p)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .map(SecretString::new);
        let mut shown = parsed.clone();
        if parsed.password().is_some() {
            // Only fails for URLs that cannot carry a password, which this one does.
            let _ = shown.set_password(Some("[redacted]"));
        }
        let shown_url = shown.to_string().replace("%5Bredacted%5D", "[redacted]");
        match parsed.scheme() {
            "redis" => {}
            "rediss" if cfg!(feature = "tls") => {
                // redis builds its rustls config on the process-wide crypto provider. With
                // both ring and aws-lc-rs in the build (the async client's reqwest, or a
                // program's own, brings aws-lc-rs), rustls cannot pick one itself and
                // panics, so pick ring, which this crate compiles, unless the program chose
                // one already.
                #[cfg(feature = "tls")]
                let _ = rustls::crypto::ring::default_provider().install_default();
            }
            "rediss" => {
                return Err(StoreError::new(
                    StoreErrorKind::Config,
                    "rediss:// needs zoom-store-redis's `tls` feature",
                ));
            }
            other => {
                return Err(StoreError::new(
                    StoreErrorKind::Config,
                    format!("unsupported scheme {other:?}: use redis:// or rediss://"),
                ));
            }
        }
        let client = redis::Client::open(parsed.as_str())
            .map_err(|e| crate::protocol::store_error(&e, &shown_url, password.as_ref()))?;
        Ok(Self {
            client,
            full_url: SecretString::new(parsed.as_str()),
            password,
            shown_url,
            connect_timeout: Duration::from_millis(500),
            response_timeout: Duration::from_millis(500),
            reconnect_delay: Duration::from_secs(1),
            prefix: "zoom".to_owned(),
        })
    }

    /// The URL with its password replaced by `[redacted]`.
    pub fn url(&self) -> &str {
        &self.shown_url
    }

    /// Trusts the certificate authority in `pem` (PEM text) for `rediss://`, instead of the
    /// platform's root certificates: for a Redis whose certificate your own CA signed.
    #[cfg(feature = "tls")]
    pub fn tls_root_certificate(mut self, pem: impl Into<Vec<u8>>) -> Result<Self, StoreError> {
        let certificates = redis::TlsCertificates {
            client_tls: None,
            root_cert: Some(pem.into()),
        };
        self.client = redis::Client::build_with_tls(self.full_url.expose_secret(), certificates)
            .map_err(|e| self.error(&e))?;
        Ok(self)
    }

    /// How long connecting (TCP, TLS, AUTH) may take. Default 500 ms.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// How long one answer may take. Default 500 ms.
    pub fn response_timeout(mut self, timeout: Duration) -> Self {
        self.response_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// After a failure to reach Redis, how long calls fail at once (so that the caller falls
    /// back to local state without paying a timeout each time) before a reconnect is tried.
    /// Default 1 s.
    pub fn reconnect_delay(mut self, delay: Duration) -> Self {
        self.reconnect_delay = delay;
        self
    }

    /// The first part of every key name. Default `zoom`.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// `error` as a [`StoreError`] naming the URL, without its password.
    pub(crate) fn error(&self, error: &redis::RedisError) -> StoreError {
        crate::protocol::store_error(error, &self.shown_url, self.password.as_ref())
    }

    /// The longest one operation may take: connecting plus an answer (and a script upload).
    pub(crate) fn op_timeout(&self) -> Duration {
        self.connect_timeout
            .saturating_add(self.response_timeout.saturating_mul(2))
    }
}

impl fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisConfig")
            .field("url", &self.shown_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("response_timeout", &self.response_timeout)
            .field("reconnect_delay", &self.reconnect_delay)
            .field("prefix", &self.prefix)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_shows_and_odd_urls_are_config_errors() {
        let config = RedisConfig::new("redis://:p%40ss@localhost:7000").unwrap();
        assert_eq!(config.url(), "redis://:[redacted]@localhost:7000");
        assert_eq!(config.password.as_ref().unwrap().expose_secret(), "p@ss");
        for bad in ["http://localhost", "not a url", "", "unix:///tmp/r.sock"] {
            let error = RedisConfig::new(bad).unwrap_err();
            assert_eq!(error.kind, StoreErrorKind::Config, "{bad}");
        }
        let plain = RedisConfig::new("redis://127.0.0.1/").unwrap();
        assert_eq!(plain.url(), "redis://127.0.0.1/");
    }
}
