//! Three workers (each with its own client and Redis connection, as separate processes
//! would have) share one account's limit of 4 calls per second and one token through
//! Redis: the clients are built with `.rate_limiter(..)` and `.shared_store(..)`, nothing
//! else. Offline, against the SDK's Zoom simulator on loopback; only Redis is needed.
//!
//! ```text
//! redis-server --port 6390 --save '' &
//! cargo run -p zoom-store-redis --example shared_limiter -- redis://127.0.0.1:6390
//! ```
//!
//! Against Zoom, drop the simulator and its `api_base` / `oauth_base`, and give your
//! account's credentials.

use std::time::Instant;

use zoom_core::{RateLimiter, blocking::Client};
use zoom_store_redis::blocking::RedisStore;
use zoom_testkit::simulator::{
    BlockingSimulator, DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_MEETING_ID,
};
use zoom_transport_ureq::UreqTransport;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "redis://127.0.0.1:6379".to_owned());
    let zoom = BlockingSimulator::start()?;
    let start = Instant::now();
    let workers = (0..3)
        .map(|worker| {
            let client = Client::builder()
                .transport(UreqTransport::new()?)
                .server_to_server_oauth(DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
                .api_base(zoom.base_url())
                .oauth_base(zoom.oauth_base())
                // 4/s for the three workers together, not for each.
                .rate_limiter(RateLimiter::per_second(4))
                .shared_store(RedisStore::connect(&url)?)
                .build()?;
            Ok(std::thread::spawn(move || -> zoom_core::Result<()> {
                for call in 0..4 {
                    let stream = client.meeting_live_stream(DEMO_MEETING_ID)?;
                    println!(
                        "{:>5} ms  worker {worker} call {call}: {}",
                        start.elapsed().as_millis(),
                        stream.stream_url.as_deref().unwrap_or("(no stream URL)")
                    );
                }
                Ok(())
            }))
        })
        .collect::<Result<Vec<_>, Box<dyn std::error::Error>>>()?;
    for worker in workers {
        worker.join().expect("a worker panicked")?;
    }
    // Without Redis reachable the calls still succeed, each worker on its own: three token
    // requests, and 4/s each.
    println!(
        "12 calls, {} token request(s) in all",
        zoom.token_requests()
    );
    Ok(())
}
