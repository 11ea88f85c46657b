//! A name resolver that does not start a thread per call.
//!
//! ureq resolves the host of every request before it looks for a pooled connection, and
//! with any timeout set its default resolver does so on a new thread (so that a stuck
//! lookup can be abandoned when the timeout runs out). That is one thread per call, even
//! for an IP literal on a connection that is already open.
//!
//! This resolver keeps ureq's behaviour where it matters and drops the rest:
//! - an IP literal (`127.0.0.1`, `[::1]`) needs no lookup: it is answered at once;
//! - a host name is looked up by ureq's own resolver (on a thread, under the timeout, as
//!   before), and the answer is kept for [`TTL`], so the calls that follow (which mostly
//!   reuse a pooled connection and never use the addresses) cost no thread.

use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a looked-up answer is reused. Short, like a resolver cache: a host that moves
/// is found again within this time.
pub(crate) const TTL: Duration = Duration::from_secs(30);
/// How many host names are remembered (an SDK talks to two: the API and OAuth hosts).
const ENTRIES: usize = 8;

struct Entry {
    /// `host:port`.
    key: String,
    at: Instant,
    addrs: ResolvedSocketAddrs,
}

/// See the module documentation.
#[derive(Default)]
pub(crate) struct CachingResolver {
    lookup: DefaultResolver,
    cache: Mutex<Vec<Entry>>,
}

impl std::fmt::Debug for CachingResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachingResolver").finish_non_exhaustive()
    }
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let port = uri.port_u16().or_else(|| match uri.scheme_str() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        });
        let (Some(host), Some(port)) = (uri.host(), port) else {
            // Let ureq report what is wrong with the URI.
            return self.lookup.resolve(uri, config, timeout);
        };
        let literal = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'));
        if let Ok(ip) = literal.unwrap_or(host).parse::<IpAddr>() {
            let mut addrs = self.empty();
            addrs.push(SocketAddr::new(ip, port));
            return Ok(addrs);
        }

        let key = format!("{host}:{port}");
        let now = Instant::now();
        if let Some(addrs) = self.cached(&key, now) {
            return Ok(addrs);
        }
        let addrs = self.lookup.resolve(uri, config, timeout)?;
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|entry| entry.key != key && fresh(entry, now));
        if cache.len() >= ENTRIES {
            cache.remove(0);
        }
        cache.push(Entry {
            key,
            at: now,
            addrs: addrs.clone(),
        });
        Ok(addrs)
    }
}

impl CachingResolver {
    fn cached(&self, key: &str, now: Instant) -> Option<ResolvedSocketAddrs> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .iter()
            .find(|entry| entry.key == key && fresh(entry, now))
            .map(|entry| entry.addrs.clone())
    }
}

fn fresh(entry: &Entry, now: Instant) -> bool {
    now.saturating_duration_since(entry.at) < TTL
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::unversioned::transport::time::Duration as UreqDuration;

    fn resolve(uri: &str) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let timeout = NextTimeout {
            after: UreqDuration::Exact(Duration::from_secs(1)),
            reason: ureq::Timeout::Resolve,
            ..NextTimeout::default()
        };
        CachingResolver::default().resolve(&uri.parse().unwrap(), &Config::default(), timeout)
    }

    #[test]
    fn ip_literals_are_answered_without_a_lookup() {
        let v4 = resolve("http://127.0.0.1:8080/v2").unwrap();
        assert_eq!(&v4[..], &["127.0.0.1:8080".parse::<SocketAddr>().unwrap()]);
        let v6 = resolve("https://[::1]/v2").unwrap();
        assert_eq!(&v6[..], &["[::1]:443".parse::<SocketAddr>().unwrap()]);
    }

    #[test]
    fn a_host_name_is_looked_up_once_within_the_ttl() {
        let resolver = CachingResolver::default();
        let uri: Uri = "http://localhost:8080/".parse().unwrap();
        let timeout = || NextTimeout {
            after: UreqDuration::Exact(Duration::from_secs(5)),
            reason: ureq::Timeout::Resolve,
            ..NextTimeout::default()
        };
        let first = resolver
            .resolve(&uri, &Config::default(), timeout())
            .unwrap();
        assert!(
            first
                .iter()
                .all(|a| a.ip().is_loopback() && a.port() == 8080)
        );
        assert_eq!(resolver.cache.lock().unwrap().len(), 1);
        let again = resolver
            .resolve(&uri, &Config::default(), timeout())
            .unwrap();
        assert_eq!(&first[..], &again[..]);
        assert_eq!(resolver.cache.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_bad_uri_is_left_to_ureq() {
        assert!(resolve("foo://some:42/x").is_err());
    }
}
