//! Three "processes" (each with its own connection) share one account's limit of 4 calls per
//! second through Redis, and one token fetched once.
//!
//! ```text
//! redis-server --port 6390 --save '' &
//! cargo run -p zoom-store-redis --example shared_limiter -- redis://127.0.0.1:6390
//! ```

use std::time::{Duration, Instant};

use zoom_store_redis::{StoredToken, TokenKey, blocking::RedisStore};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "redis://127.0.0.1:6379".to_owned());
    let start = Instant::now();
    let workers: Vec<_> = (0..3)
        .map(|worker| {
            let store = RedisStore::connect(&url)?;
            Ok(std::thread::spawn(move || -> Result<(), String> {
                let token = store
                    .token_cache(TokenKey::new("example-account", "example-client"))
                    .get_or_fetch(|_| {
                        println!("worker {worker}: fetching the token (once for all)");
                        Ok::<_, String>(StoredToken {
                            access_token: "example-token".into(),
                            api_url: None,
                            refresh_token: None,
                            expires_in: Duration::from_secs(3599),
                        })
                    })
                    .map_err(|e| e.to_string())?;
                let limiter = store.limiter("example-account", "light", 4);
                for call in 0..4 {
                    std::thread::sleep(limiter.reserve().map_err(|e| e.to_string())?);
                    println!(
                        "{:>6.0?}  worker {worker} call {call} with {:?}",
                        start.elapsed(),
                        token.access_token
                    );
                }
                Ok(())
            }))
        })
        .collect::<Result<_, zoom_store_redis::StoreError>>()?;
    for worker in workers {
        worker.join().expect("worker")?;
    }
    Ok(())
}
