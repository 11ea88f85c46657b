//! Property tests over the surfaces a server or a caller controls: the response mapper, ids
//! (meeting, webinar and Video SDK session) to request paths, the `Retry-After` parsers and
//! the token answer. Bounded (a few hundred
//! cases each) so `cargo test` stays quick; `fuzz/` runs the same surfaces for longer.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use proptest::prelude::*;
use zoom_core::endpoint::{self, Endpoint};
use zoom_core::escape_server_text;
use zoom_core::{
    Error, FnTransport, HttpRequest, HttpResponse, LiveStream, LiveStreamStatus, MeetingId,
    MeetingRef, MeetingUuid, RetryAfter, RetryPolicy, SecretString, SessionId, UpdateLiveStream,
    WebinarId, WebinarRef, WebinarUuid, endpoint::BaseUrl, response, response::FromResponse,
};

/// 9999-12-31T23:59:59Z, the last instant an HTTP-date can express.
const LAST_HTTP_DATE_SECS: u64 = 253_402_300_799;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Text shown by `Display` never carries a control character.
fn assert_printable(shown: &str) {
    assert!(
        !shown.chars().any(char::is_control),
        "control character in {shown:?}"
    );
}

// ---------------------------------------------------------------------------------------
// The response mapper
// ---------------------------------------------------------------------------------------

/// Header values a hostile or broken server might send.
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..40),
        "[0-9]{1,30}".prop_map(String::into_bytes),
        iso8601_like().prop_map(String::into_bytes),
        (0..=LAST_HTTP_DATE_SECS + 10).prop_map(|s| {
            let at = UNIX_EPOCH + Duration::from_secs(s.min(LAST_HTTP_DATE_SECS));
            httpdate::fmt_http_date(at).into_bytes()
        }),
        Just(b"Daily-limit".to_vec()),
        Just(b"18446744073709551615".to_vec()),
        Just(b"9999-12-31T23:59:59-99:99".to_vec()),
        Just("2020-05-31T00:00:00\u{e9}\u{e9}".as_bytes().to_vec()),
        Just(b"text/html".to_vec()),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(&'static str, Vec<u8>)>> {
    let name = prop_oneof![
        Just("retry-after"),
        Just("x-zm-trackingid"),
        Just("content-type"),
        Just("x-ratelimit-type"),
        Just("x-ratelimit-category"),
        Just("x-ratelimit-limit"),
        Just("x-ratelimit-remaining"),
    ];
    proptest::collection::vec((name, header_value()), 0..6)
}

/// Bodies: random bytes, and JSON shaped like Zoom's answers with hostile values.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let text = prop_oneof![
        any::<String>(),
        Just("a\nb\u{1b}[31m\u{7}\r\u{9b}".to_owned())
    ];
    let json_value = prop_oneof![
        any::<i64>().prop_map(serde_json::Value::from),
        text.clone().prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
        any::<f64>().prop_map(serde_json::Value::from),
    ];
    let error_body = (
        json_value.clone(),
        json_value.clone(),
        proptest::collection::vec((text.clone(), text.clone()), 0..3),
    )
        .prop_map(|(code, message, errors)| {
            let errors: Vec<_> = errors
                .into_iter()
                .map(|(field, message)| serde_json::json!({"field": field, "message": message}))
                .collect();
            serde_json::json!({"code": code, "message": message, "errors": errors})
                .to_string()
                .into_bytes()
        });
    let stream_body = (json_value.clone(), json_value.clone(), json_value).prop_map(
        |(stream_url, stream_key, page_url)| {
            serde_json::json!({
                "stream_url": stream_url,
                "stream_key": stream_key,
                "page_url": page_url,
                "resolution": "720p",
            })
            .to_string()
            .into_bytes()
        },
    );
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        text.prop_map(String::into_bytes),
        error_body,
        stream_body,
    ]
}

fn http_response() -> impl Strategy<Value = HttpResponse> {
    (100u16..=999, headers(), body()).prop_map(|(status, headers, body)| {
        let mut builder = http::Response::builder().status(status);
        for (name, value) in headers {
            if let Ok(value) = http::HeaderValue::from_bytes(&value) {
                builder = builder.header(name, value);
            }
        }
        builder.body(body).expect("status and headers are valid")
    })
}

/// Every accessor and `Display` of an error, with `Display` free of control characters.
fn exercise_error(error: &Error) {
    let _ = (error.kind(), error.status(), error.tracking_id());
    let _ = (error.is_retryable(), error.retry_after(), error.transport());
    let _ = error
        .auth()
        .map(|a| (a.kind(), a.code(), a.reason(), a.status()));
    assert_printable(&error.to_string());
    let _ = format!("{error:?}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        assert_printable(&cause.to_string());
        source = cause.source();
    }
    if let Some(api) = error.api() {
        let _ = (api.kind(), api.status(), api.code(), api.message());
        let _ = (api.field_errors(), api.tracking_id(), api.rate_limit());
        let _ = (api.retry_after_header(), api.retry_after(), api.retry_at());
        let _ = (api.is_retryable(), api.is_not_found());
        let _ = api.rate_limit().is_daily();
        assert_printable(&api.to_string());
    }
    if let Error::Decode(decode) = error {
        let _ = (
            decode.status(),
            decode.problem(),
            decode.body(),
            decode.body_len(),
        );
        let _ = decode.tracking_id();
        assert!(decode.body().len() <= zoom_core::DECODE_BODY_CAP);
        assert_printable(&decode.to_string());
    }
}

fn exercise<T: FromResponse + std::fmt::Debug>(response: &HttpResponse) {
    match response::interpret::<T>(response) {
        Ok(answer) => {
            assert!(response.status().is_success());
            let _ = format!("{:?} {:?}", answer.value, answer.meta);
        }
        Err(error) => {
            let expected = if response.status().is_success() {
                zoom_core::ErrorKind::Decode
            } else {
                zoom_core::ErrorKind::Api
            };
            assert_eq!(error.kind(), expected);
            exercise_error(&error);
        }
    }
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn any_answer_maps_to_a_value_or_an_error_that_prints(response in http_response()) {
        exercise::<LiveStream>(&response);
        exercise::<()>(&response);
        let api = response::api_error(&response);
        assert_printable(&api.to_string());
        let _ = (api.retry_at(), api.retry_after());
    }
}

// ---------------------------------------------------------------------------------------
// Ids to request paths
// ---------------------------------------------------------------------------------------

fn id_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{1,21}",
        "[A-Za-z0-9+/=]{1,70}",
        "[0-9A-Za-z+/=.%?#; \\\\-]{0,12}",
        "\\.{1,3}",
        "(%2[eE]){1,2}",
        "/{0,2}[A-Za-z0-9]{0,4}/{0,2}[A-Za-z0-9=]{0,4}",
    ]
}

fn is_base64(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')
}

fn decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .expect("ASCII")
        .into_owned()
}

/// The request as a `url`-crate URL, normalised the way reqwest (and a WHATWG parser) would.
fn sent_url<T: FromResponse>(endpoint: &Endpoint<T>, base: &BaseUrl) -> url::Url {
    let request = endpoint
        .to_request(base, &SecretString::new("token"))
        .expect("a valid id makes a valid request");
    url::Url::parse(&request.uri().to_string()).expect("a valid URL")
}

fn check_one_segment(url: &url::Url, host: &str, kind: &str, id: &str, tail: &[&str]) {
    check_segment_after(url, host, &[kind], id, tail);
}

/// The id is exactly one segment after `/v2/{prefix…}/`, and the prefix and tail are as
/// written (never encoded: only the id's segment is encoded, twice by Zoom's rule).
fn check_segment_after(url: &url::Url, host: &str, prefix: &[&str], id: &str, tail: &[&str]) {
    assert_eq!(url.host_str(), Some(host));
    assert_eq!(url.query(), None, "{url}");
    assert_eq!(url.fragment(), None, "{url}");
    let segments: Vec<&str> = url.path_segments().expect("a base URL").collect();
    let at = 1 + prefix.len();
    let mut expected = vec!["v2"];
    expected.extend_from_slice(prefix);
    expected.push(segments.get(at).copied().unwrap_or(""));
    expected.extend_from_slice(tail);
    assert_eq!(segments, expected, "{id:?} -> {url}");
    let segment = segments[at];
    assert!(!segment.is_empty());
    // Never a dot segment, also after one or two rounds of percent-decoding.
    for shown in [
        segment.to_owned(),
        decode(segment),
        decode(&decode(segment)),
    ] {
        assert!(shown != "." && shown != "..", "{id:?} -> {segment}");
    }
    assert!(
        segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'%'),
        "{id:?} -> {segment}"
    );
    // And it round-trips to the id: once encoded, or twice by Zoom's rule for `/` and `//`.
    let twice = id.starts_with('/') || id.contains("//");
    let back = if twice {
        decode(&decode(segment))
    } else {
        decode(segment)
    };
    assert_eq!(back, id);
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn ids_are_one_segment_or_an_input_error(text in id_text()) {
        let trimmed = text.trim();
        let digits = !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit());
        let valid = if digits {
            trimmed.parse::<u64>().is_ok_and(|n| n <= i64::MAX as u64)
        } else {
            !trimmed.is_empty() && trimmed.len() <= 64 && trimmed.chars().all(is_base64)
        };
        let meeting = MeetingRef::parse(&text);
        let webinar = WebinarRef::parse(&text);
        prop_assert_eq!(meeting.is_ok(), valid, "{:?}", text);
        prop_assert_eq!(webinar.is_ok(), valid, "{:?}", text);
        // A number is every kind of id; a UUID only a reference.
        prop_assert_eq!(MeetingId::parse(&text).is_ok(), valid && digits, "{:?}", text);
        prop_assert_eq!(WebinarId::parse(&text).is_ok(), valid && digits, "{:?}", text);
        prop_assert_eq!(MeetingUuid::parse(&text).is_ok(), valid && !digits, "{:?}", text);
        prop_assert_eq!(WebinarUuid::parse(&text).is_ok(), valid && !digits, "{:?}", text);
        let (Ok(meeting), Ok(webinar)) = (meeting, webinar) else {
            return Ok(());
        };
        let id = meeting.to_string();
        let expected = if digits {
            trimmed.parse::<u64>().unwrap().to_string()
        } else {
            trimmed.to_owned()
        };
        prop_assert_eq!(&id, &expected);
        prop_assert_eq!(&webinar.to_string(), &expected);
        let update = UpdateLiveStream::new("rtmp://a/b", "key", "https://e.com/w");
        for base in ["https://api.zoom.us/v2", "http://127.0.0.1:9/v2"] {
            let base = BaseUrl::parse(base).unwrap();
            let host = if base.as_str().starts_with("https") { "api.zoom.us" } else { "127.0.0.1" };
            let get = endpoint::get_meeting_live_stream(&meeting);
            check_one_segment(&sent_url(&get, &base), host, "meetings", &id, &["livestream"]);
            let get = endpoint::get_webinar_live_stream(&webinar);
            check_one_segment(&sent_url(&get, &base), host, "webinars", &id, &["livestream"]);
            let (Some(meeting), Some(webinar)) = (meeting.as_id(), webinar.as_id()) else {
                continue;
            };
            let patch = endpoint::update_meeting_live_stream(meeting, &update).unwrap();
            check_one_segment(&sent_url(&patch, &base), host, "meetings", &id, &["livestream"]);
            let stop = endpoint::update_meeting_live_stream_status(meeting, &LiveStreamStatus::stop()).unwrap();
            check_one_segment(&sent_url(&stop, &base), host, "meetings", &id, &["livestream", "status"]);
            let start = endpoint::update_webinar_live_stream_status(webinar, &LiveStreamStatus::start()).unwrap();
            check_one_segment(&sent_url(&start, &base), host, "webinars", &id, &["livestream", "status"]);
            let token = endpoint::get_meeting_live_stream_join_token(meeting);
            check_one_segment(&sent_url(&token, &base), host, "meetings", &id, &["jointoken", "live_streaming"]);
            let token = endpoint::get_webinar_live_stream_join_token(webinar);
            check_one_segment(&sent_url(&token, &base), host, "webinars", &id, &["jointoken", "live_streaming"]);
        }
    }

    /// A Video SDK session id is read like a meeting UUID (base64 characters, at most 64;
    /// digits alone too), and becomes exactly one segment after `/videosdk/sessions/`,
    /// encoded twice only by Zoom's rule and only there.
    #[test]
    fn session_ids_are_one_segment_or_an_input_error(text in id_text()) {
        let trimmed = text.trim();
        let valid = !trimmed.is_empty() && trimmed.len() <= 64 && trimmed.chars().all(is_base64);
        let parsed = SessionId::parse(&text);
        prop_assert_eq!(parsed.is_ok(), valid, "{:?}", text);
        let Ok(session) = parsed else {
            prop_assert_eq!(parsed.unwrap_err().field(), "session_id");
            return Ok(());
        };
        prop_assert_eq!(session.as_str(), trimmed);
        let prefix = ["videosdk", "sessions"];
        let update = UpdateLiveStream::new("rtmp://a/b", "key", "https://e.com/w");
        for base in ["https://api.zoom.us/v2", "http://127.0.0.1:9/v2"] {
            let base = BaseUrl::parse(base).unwrap();
            let host = if base.as_str().starts_with("https") { "api.zoom.us" } else { "127.0.0.1" };
            let get = endpoint::get_session_live_stream(&session);
            check_segment_after(&sent_url(&get, &base), host, &prefix, trimmed, &["livestream"]);
            let patch = endpoint::update_session_live_stream(&session, &update).unwrap();
            check_segment_after(&sent_url(&patch, &base), host, &prefix, trimmed, &["livestream"]);
            for status in [LiveStreamStatus::start(), LiveStreamStatus::stop()] {
                let status = endpoint::update_session_live_stream_status(&session, &status).unwrap();
                check_segment_after(&sent_url(&status, &base), host, &prefix, trimmed, &["livestream", "status"]);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Retry-After: delta-seconds, HTTP-date, ISO-8601
// ---------------------------------------------------------------------------------------

/// `YYYY-MM-DDTHH:MM:SS[.f](Z|±HH:MM)` with every field ranging a little past its limits.
fn iso8601_parts() -> impl Strategy<Value = (i64, i64, i64, i64, i64, i64, Option<u32>, Option<i64>)>
{
    (
        prop_oneof![0i64..=9999, 1965i64..=1975, 9990i64..=9999],
        0i64..=13,
        0i64..=32,
        0i64..=25,
        0i64..=61,
        0i64..=61,
        proptest::option::of(0u32..1000),
        proptest::option::of(-1200i64..=1200),
    )
}

fn format_iso8601(
    (year, month, day, hour, minute, second, fraction, offset): (
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        Option<u32>,
        Option<i64>,
    ),
) -> String {
    let mut text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}");
    if let Some(fraction) = fraction {
        text.push_str(&format!(".{fraction}"));
    }
    match offset {
        None => text.push('Z'),
        Some(minutes) => {
            let sign = if minutes < 0 { '-' } else { '+' };
            let minutes = minutes.abs();
            // Minutes up to 99 on purpose: "+01:75" must be refused.
            text.push_str(&format!("{sign}{:02}:{:02}", minutes / 100, minutes % 100));
        }
    }
    text
}

fn iso8601_like() -> impl Strategy<Value = String> {
    iso8601_parts().prop_map(format_iso8601)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Everything a parsed value offers works, and an error carrying it prints.
fn exercise_retry_after(value: &RetryAfter, header: &str, now: SystemTime) {
    if let RetryAfter::Delay(delay) = value {
        assert!(*delay <= RetryAfter::MAX_DELAY);
    }
    if let RetryAfter::At(at) = value {
        let secs = at.duration_since(UNIX_EPOCH).expect("after 1970").as_secs();
        assert!(secs <= LAST_HTTP_DATE_SECS, "{header:?}");
    }
    let _ = (
        value.delay_from(now),
        value.at_from(now),
        value.delay_from_now(),
    );
    let _ = value.at_from_now();
    let response = http::Response::builder()
        .status(429)
        .header("retry-after", header)
        .body(Vec::new())
        .unwrap();
    let error = response::api_error(&response);
    assert_eq!(error.retry_after_header(), Some(value));
    assert!(error.to_string().contains("retry after"));
    let _ = (error.retry_at(), error.retry_after());
    let decision = RetryPolicy::default().decide(
        &zoom_core::RetryContext {
            attempts: 1,
            idempotency: zoom_core::endpoint::Idempotency::Idempotent,
            elapsed: Duration::from_secs(1),
            now,
            random: 0.5,
        },
        &Error::Api(Box::new(error)),
    );
    if let zoom_core::RetryDecision::RetryAfter(wait) = decision {
        assert!(wait <= Duration::from_secs(60));
    }
}

fn any_now() -> impl Strategy<Value = SystemTime> {
    (0..=LAST_HTTP_DATE_SECS * 2).prop_map(|s| UNIX_EPOCH + Duration::from_secs(s))
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn any_text_parses_or_not_without_panicking(text in any::<String>(), now in any_now()) {
        if let Some(value) = RetryAfter::parse(&text)
            && http::HeaderValue::from_str(&text).is_ok()
        {
            exercise_retry_after(&value, &text, now);
        }
    }

    #[test]
    fn digits_of_any_length_are_a_clamped_delay(digits in "[0-9]{1,40}", now in any_now()) {
        let value = RetryAfter::parse(&digits).expect("digits are a delay");
        let exact = digits.parse::<u64>().map(Duration::from_secs);
        let expected = exact.map_or(RetryAfter::MAX_DELAY, |d| d.min(RetryAfter::MAX_DELAY));
        prop_assert_eq!(value, RetryAfter::Delay(expected));
        exercise_retry_after(&value, &digits, now);
    }

    #[test]
    fn http_dates_round_trip(secs in 0..=LAST_HTTP_DATE_SECS, now in any_now()) {
        let at = UNIX_EPOCH + Duration::from_secs(secs);
        let text = httpdate::fmt_http_date(at);
        prop_assert_eq!(RetryAfter::parse(&text), Some(RetryAfter::At(at)));
        exercise_retry_after(&RetryAfter::At(at), &text, now);
    }

    #[test]
    fn iso8601_accepts_exactly_the_valid_dates(parts in iso8601_parts(), now in any_now()) {
        let text = format_iso8601(parts);
        let (year, month, day, hour, minute, second, _, offset) = parts;
        let offset_minutes = offset.map_or(0, |o| (o.abs() / 100) * 60 + o.abs() % 100);
        let fields_valid = (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour <= 23
            && minute <= 59
            && second <= 60
            && offset.is_none_or(|o| o.abs() % 100 <= 59)
            && offset_minutes <= 18 * 60;
        let parsed = RetryAfter::parse(&text);
        if !fields_valid {
            prop_assert_eq!(parsed, None, "{}", text);
            return Ok(());
        }
        if (1971..=9998).contains(&year) {
            prop_assert!(parsed.is_some(), "{} refused", text);
        }
        let Some(value) = parsed else {
            return Ok(());
        };
        exercise_retry_after(&value, &text, now);
        // The instant, shifted back to the written offset, shows the written fields
        // (checked by httpdate's own calendar, an independent oracle).
        let RetryAfter::At(at) = value else {
            panic!("{text} is not a date")
        };
        let signed = offset.map_or(0, |o| o.signum() * offset_minutes * 60);
        let local = i64::try_from(at.duration_since(UNIX_EPOCH).unwrap().as_secs()).unwrap() + signed;
        if second < 60 && (0..=LAST_HTTP_DATE_SECS as i64).contains(&local) {
            let shown = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(local as u64));
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            let expected = format!(
                "{day:02} {} {year:04} {hour:02}:{minute:02}:{second:02} GMT",
                MONTHS[(month - 1) as usize]
            );
            prop_assert!(shown.ends_with(&expected), "{} -> {}", text, shown);
        }
    }
}

// ---------------------------------------------------------------------------------------
// The token answer, through the public blocking client
// ---------------------------------------------------------------------------------------

const CLIENT_SECRET: &str = "csecret-never-shown";

fn token_answer() -> impl Strategy<Value = (u16, Vec<u8>)> {
    let token = prop_oneof![
        Just(serde_json::json!("tok")),
        Just(serde_json::json!("")),
        Just(serde_json::json!("bad\ntoken")),
        Just(serde_json::Value::Null),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::from),
    ];
    // Lifetimes up to u32::MAX s; far larger ones need the token cache's clamp, tested
    // with the auth module.
    let expires_in = prop_oneof![
        Just(serde_json::Value::Null),
        (0u64..=u64::from(u32::MAX)).prop_map(serde_json::Value::from),
        any::<i64>()
            .prop_filter("negative", |n| *n < 0)
            .prop_map(serde_json::Value::from),
        Just(serde_json::json!("3600")),
    ];
    let api_url = prop_oneof![
        Just(serde_json::Value::Null),
        Just(serde_json::json!("https://api-eu.zoom.us")),
        Just(serde_json::json!("http://attacker.example")),
        Just(serde_json::json!("not a url")),
        any::<String>().prop_map(serde_json::Value::from),
    ];
    let text = prop_oneof![
        any::<String>(),
        Just("Invalid\nclient\u{1b}[31m".to_owned())
    ];
    let success = (token, expires_in, api_url).prop_map(|(token, expires_in, api_url)| {
        let body = serde_json::json!({
            "access_token": token,
            "token_type": "bearer",
            "expires_in": expires_in,
            "api_url": api_url,
        });
        (200, body.to_string().into_bytes())
    });
    let refusal = (
        400u16..=599,
        text.clone(),
        text.clone(),
        proptest::option::of(any::<i64>()),
    )
        .prop_map(|(status, reason, error, code)| {
            let body = serde_json::json!({"reason": reason, "error": error, "code": code});
            (status, body.to_string().into_bytes())
        });
    let raw = (100u16..=999, proptest::collection::vec(any::<u8>(), 0..200));
    prop_oneof![success, refusal, raw]
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn any_token_answer_gives_a_token_or_an_error_that_prints(
        (status, body) in token_answer(),
        use_api_url in any::<bool>(),
    ) {
        let token_requests = AtomicUsize::new(0);
        let token_requests = std::sync::Arc::new(token_requests);
        let counter = token_requests.clone();
        let transport = FnTransport(move |request: HttpRequest| {
            let answer = if request.uri().path().ends_with("/oauth/token") {
                counter.fetch_add(1, Ordering::Relaxed);
                http::Response::builder().status(status).body(body.clone())
            } else {
                http::Response::builder()
                    .status(200)
                    .body(br#"{"stream_url":"rtmp://a/b"}"#.to_vec())
            };
            Ok(answer.expect("valid status"))
        });
        let client = zoom_core::blocking::Client::builder().transport(transport)
            .server_to_server_oauth("acct", "cid", CLIENT_SECRET)
            .oauth_base("http://127.0.0.1:9")
            .api_base("http://127.0.0.1:9/v2")
            .use_token_api_url(use_api_url)
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("a valid configuration");
        match client.meeting_live_stream(MeetingId::new(1)) {
            Ok(stream) => prop_assert_eq!(stream.stream_url.as_deref(), Some("rtmp://a/b")),
            Err(error) => {
                exercise_error(&error);
                for shown in [error.to_string(), format!("{error:?}")] {
                    prop_assert!(!shown.contains(CLIENT_SECRET), "{}", shown);
                }
            }
        }
        prop_assert!(token_requests.load(Ordering::Relaxed) <= 1);
        let _ = format!("{client:?}");
    }
}

#[test]
fn server_text_escaping_is_what_display_uses() {
    // One helper, and what it promises: no control character survives.
    let hostile = "a\nb\u{1b}[31m\u{7}\u{85}";
    let escaped = escape_server_text(hostile);
    assert_printable(&escaped);
    assert_eq!(escaped, "a\\nb\\u{1b}[31m\\u{7}\\u{85}");
}
