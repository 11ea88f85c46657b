//! The facade's builders hand every setting straight to zoom-core's builder, and refuse what
//! would silently do nothing.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

/// The method names the committed API listing (`api/<crate>.txt`, kept current by
/// `ci/public-api.sh` in CI) gives the type whose path starts with `prefix`.
fn methods(listing: &str, prefix: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../api")
        .join(listing);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    text.lines()
        .filter_map(|line| line.strip_prefix("pub fn "))
        .filter_map(|rest| rest.strip_prefix(prefix))
        .filter_map(|rest| rest.split('(').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn both_facade_builders_offer_every_setting_of_zoom_cores_builder() {
    // Each facade builder against zoom-core's builder of its kind: the common settings and
    // those of its parts (the async one has a spawner, which a blocking client has no use for).
    for (facade, parts) in [
        (
            "zoom_live_stream::ClientBuilder::",
            "zoom_core::ClientBuilder<zoom_core::AsyncParts>::",
        ),
        (
            "zoom_live_stream::blocking::ClientBuilder::",
            "zoom_core::ClientBuilder<zoom_core::blocking::BlockingParts>::",
        ),
    ] {
        let mut core = methods("zoom-core.txt", "zoom_core::ClientBuilder<P>::");
        core.extend(methods("zoom-core.txt", parts));
        core.remove("fmt");
        assert!(core.len() >= 15, "{core:?}");
        let offered = methods("zoom-live-stream.txt", facade);
        let missing: Vec<_> = core.difference(&offered).collect();
        assert!(missing.is_empty(), "{facade} lacks {missing:?}");
    }
}

#[test]
#[cfg(feature = "blocking")]
fn timeouts_beside_your_own_transport_are_an_input_error() {
    let transport = zoom_live_stream::FnTransport(|_: zoom_live_stream::HttpRequest| {
        unreachable!("nothing is sent")
    });
    let error = zoom_live_stream::blocking::Client::builder()
        .transport(transport)
        .bearer_token("token")
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap_err();
    let zoom_live_stream::Error::InvalidInput(input) = error else {
        panic!("{error:?}");
    };
    assert_eq!(input.field(), "timeout");
}

#[test]
fn zoom_cores_builder_without_a_transport_is_an_input_error() {
    let error = zoom_core::blocking::Client::builder()
        .bearer_token("token")
        .build()
        .unwrap_err();
    let zoom_core::Error::InvalidInput(input) = error else {
        panic!("{error:?}");
    };
    assert_eq!(input.field(), "transport");
}
