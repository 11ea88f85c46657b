//! Server-to-Server OAuth end to end: the shipped transports against the simulator's
//! token endpoint, with tokens revoked under a hundred concurrent callers.

use std::sync::Arc;

use zoom_core::{AuthErrorKind, Client, MeetingId};
use zoom_testkit::simulator::{self, BlockingSimulator, Simulator};
use zoom_transport_reqwest::ReqwestTransport;
use zoom_transport_ureq::UreqTransport;

const DEMO: MeetingId = MeetingId::new(simulator::DEMO_MEETING_ID);

fn async_client(sim: &Simulator, secret: &str) -> Client {
    Client::builder()
        .transport(ReqwestTransport::default())
        .server_to_server_oauth(
            simulator::DEMO_ACCOUNT_ID,
            simulator::DEMO_CLIENT_ID,
            secret,
        )
        .api_base(sim.base_url())
        .oauth_base(sim.oauth_base())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_tasks_on_a_revoked_token_refresh_it_once() {
    let sim = Simulator::start().await.unwrap();
    let client = async_client(&sim, simulator::DEMO_CLIENT_SECRET);
    client.meeting_live_stream(&DEMO).await.unwrap();
    assert_eq!(sim.token_requests(), 1);

    // Zoom revokes the token early: every caller meets a 401/124 with the cached token.
    sim.expire_all_tokens();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.meeting_live_stream(&DEMO).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(sim.token_requests(), 2);
}

#[test]
fn a_hundred_threads_on_a_revoked_token_refresh_it_once() {
    let sim = BlockingSimulator::start().unwrap();
    let client = zoom_core::blocking::Client::builder()
        .transport(UreqTransport::default())
        .server_to_server_oauth(
            simulator::DEMO_ACCOUNT_ID,
            simulator::DEMO_CLIENT_ID,
            simulator::DEMO_CLIENT_SECRET,
        )
        .api_base(sim.base_url())
        .oauth_base(sim.oauth_base())
        .build()
        .unwrap();
    client.meeting_live_stream(DEMO).unwrap();
    sim.expire_all_tokens();
    let barrier = Arc::new(std::sync::Barrier::new(100));
    let threads: Vec<_> = (0..100)
        .map(|_| {
            let (client, barrier) = (client.clone(), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                client.meeting_live_stream(DEMO)
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap().unwrap();
    }
    assert_eq!(sim.token_requests(), 2);
}

#[tokio::test]
async fn the_token_api_url_can_route_calls_to_the_accounts_host() {
    let sim = Simulator::start().await.unwrap();
    // The configured API base is wrong on purpose; the token's api_url names the simulator.
    let client = Client::builder()
        .transport(ReqwestTransport::default())
        .server_to_server_oauth(
            simulator::DEMO_ACCOUNT_ID,
            simulator::DEMO_CLIENT_ID,
            simulator::DEMO_CLIENT_SECRET,
        )
        .api_base("http://127.0.0.1:1/v2")
        .oauth_base(sim.oauth_base())
        .use_token_api_url(true)
        .build()
        .unwrap();
    client.meeting_live_stream(&DEMO).await.unwrap();
}

#[tokio::test]
async fn wrong_credentials_are_an_auth_error_without_the_secret() {
    let sim = Simulator::start().await.unwrap();
    let error = async_client(&sim, "not-the-secret")
        .meeting_live_stream(&DEMO)
        .await
        .unwrap_err();
    assert_eq!(error.auth().unwrap().kind(), AuthErrorKind::InvalidClient);
    let shown = format!("{error} {error:?}");
    assert!(
        shown.contains("Invalid client_id or client_secret"),
        "{shown}"
    );
    assert!(!shown.contains("not-the-secret"), "{shown}");
    // No API call was made without a token.
    assert!(sim.requests().iter().all(|r| r.path == "/oauth/token"));
}
