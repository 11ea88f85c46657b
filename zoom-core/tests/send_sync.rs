//! The clients, their builders' products and their futures cross threads and tasks: a
//! compile-time check (the test fails to build if one stops being `Send + Sync`).

use zoom_core::{AsyncFnTransport, Error, HttpRequest, MeetingId, SecretString};

fn send_sync<T: Send + Sync>() {}
fn send<T: Send>(_: &T) {}

#[test]
fn clients_errors_and_futures_are_send_and_sync() {
    send_sync::<zoom_core::Client>();
    send_sync::<zoom_core::blocking::Client>();
    send_sync::<Error>();
    send_sync::<SecretString>();
    let transport = AsyncFnTransport(|_: HttpRequest| async {
        Ok(http::Response::builder()
            .status(204)
            .body(Vec::new())
            .unwrap())
    });
    let client = zoom_core::Client::builder()
        .transport(transport)
        .bearer_token("t")
        .build()
        .unwrap();
    let future = client.meeting_live_stream(MeetingId::new(1));
    send(&future);
    let endpoint = zoom_core::endpoint::get_meeting_live_stream(MeetingId::new(1));
    send(&client.send(&endpoint));
}
