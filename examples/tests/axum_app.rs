//! The axum example's handler, served on loopback and asked over HTTP, with its client
//! talking to the simulator.

#[allow(
    dead_code,
    reason = "only `router` is used here; `main` is the example's"
)]
#[path = "../examples/axum_app.rs"]
mod app;

use zoom_core::{Transport, http};
use zoom_live_stream::Client;
use zoom_testkit::simulator::{self, Simulator};
use zoom_transport_reqwest::ReqwestTransport;

#[tokio::test]
async fn the_handler_reads_a_live_stream_through_the_shared_client() {
    let sim = Simulator::start().await.unwrap();
    let zoom = Client::builder()
        .bearer_token(simulator::DEMO_STATIC_TOKEN)
        .api_base(sim.base_url())
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app::router(zoom)).await });
    // Asked through the SDK's own transport, which reaches loopback without a proxy.
    let transport = ReqwestTransport::new().unwrap();
    let ask = |path: String| {
        let transport = transport.clone();
        async move {
            let request = http::Request::get(format!("http://{addr}{path}"))
                .body(Vec::new())
                .unwrap();
            let response = transport.send(request).await.unwrap();
            let status = response.status().as_u16();
            (status, String::from_utf8(response.into_body()).unwrap())
        }
    };
    let (status, body) = ask(format!(
        "/meetings/{}/livestream",
        simulator::DEMO_MEETING_ID
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["stream_url"], simulator::DEMO_STREAM_URL);
    assert_eq!(json["stream_key"], "[redacted]");
    let (status, _) = ask("/meetings/12345678901/livestream".into()).await;
    assert_eq!(status, 404);
    let (status, _) = ask("/meetings/%20/livestream".into()).await;
    assert_eq!(status, 400);
    server.abort();
}
