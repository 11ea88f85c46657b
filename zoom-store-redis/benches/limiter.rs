//! What a shared limiter reservation costs next to the local one, as a ratio in one run.
//!
//! ```text
//! cargo bench -p zoom-store-redis --bench limiter
//! ```
//! Uses `ZOOM_TEST_REDIS_URL`, or starts a private `redis-server` on loopback. Rounds
//! alternate the contenders so that drift hits all of them; the median round is reported.
//! The "PING" line is one bare round trip to the same Redis: the floor for any shared call.

#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use support::TestRedis;
use zoom_core::{RateLimiter, SystemTimeSource, TimeSource};
use zoom_store_redis::{RedisConfig, RedisStore, blocking};

const ROUNDS: usize = 15;
const CALLS: u32 = 2_000;

fn per_call(mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..CALLS {
        f();
    }
    start.elapsed() / CALLS
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let redis = TestRedis::shared();
    let config = RedisConfig::new(&redis.url)
        .expect("valid URL")
        .key_prefix(redis.prefix.clone());
    // A million per second: the schedule barely moves, so no reservation waits long.
    let local = RateLimiter::per_second(1_000_000);
    let store = blocking::RedisStore::with_config(config.clone());
    let shared = store.limiter("bench-account", "light", 1_000_000);
    let mut ping = redis.raw();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let async_shared = runtime.block_on(async {
        RedisStore::with_config(config)
            .expect("store")
            .limiter("bench-account", "light", 1_000_000)
    });
    shared.reserve().expect("Redis answers");

    let (mut l, mut b, mut a, mut p) = (vec![], vec![], vec![], vec![]);
    for _ in 0..ROUNDS {
        l.push(per_call(|| {
            black_box(local.reserve(SystemTimeSource.now()));
        }));
        b.push(per_call(|| {
            black_box(shared.reserve().expect("reserve"));
        }));
        a.push(runtime.block_on(async {
            let start = Instant::now();
            for _ in 0..CALLS {
                black_box(async_shared.reserve().await.expect("reserve"));
            }
            start.elapsed() / CALLS
        }));
        p.push(per_call(|| {
            let _: String = redis::cmd("PING").query(&mut ping).expect("PING");
        }));
    }
    let (l, b, a, p) = (median(l), median(b), median(a), median(p));
    let ratio = |x: Duration| x.as_secs_f64() / l.as_secs_f64();
    println!("limiter reservation, median of {ROUNDS} rounds of {CALLS} calls (Redis on loopback)");
    println!("  local RateLimiter::reserve      {l:>10.2?}");
    println!(
        "  Redis, blocking                 {b:>10.2?}  ratio {:>8.0}",
        ratio(b)
    );
    println!(
        "  Redis, async (current thread)   {a:>10.2?}  ratio {:>8.0}",
        ratio(a)
    );
    println!(
        "  bare PING round trip            {p:>10.2?}  ratio {:>8.0}",
        ratio(p)
    );
}
