//! The attributes' values: a span's name, the URL as recorded, the server's address and
//! port, and the low-cardinality `error.type` of each kind of failure.

use std::borrow::Cow;
use std::fmt;

use http::{Method, Uri};

use crate::error::{AuthErrorKind, Error, TransportError, TransportErrorKind};
use crate::store::StoreErrorKind;

/// `{method} {url.template}`: the name of an attempt's span.
pub(super) struct SpanName<'a>(pub(super) &'a Method, pub(super) &'a str);

impl fmt::Display for SpanName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.0, self.1)
    }
}

/// The URL as sent, with any `user:password@` replaced by `REDACTED:REDACTED@` as the
/// convention asks. The SDK's paths and queries hold ids and options, never a secret.
pub(super) struct FullUrl<'a>(pub(super) &'a Uri);

impl fmt::Display for FullUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let uri = self.0;
        if let Some(scheme) = uri.scheme_str() {
            write!(f, "{scheme}://")?;
        }
        if let Some(authority) = uri.authority() {
            if authority.as_str().contains('@') {
                f.write_str("REDACTED:REDACTED@")?;
            }
            f.write_str(authority.host())?;
            if let Some(port) = authority.port() {
                write!(f, ":{port}")?;
            }
        }
        match uri.path_and_query() {
            Some(path) => f.write_str(path.as_str()),
            None => Ok(()),
        }
    }
}

/// The host, without an IPv6 literal's brackets.
pub(super) fn server_address(uri: &Uri) -> &str {
    let host = uri.host().unwrap_or_default();
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// The port, or the scheme's.
pub(super) fn server_port(uri: &Uri) -> u16 {
    uri.port_u16()
        .unwrap_or(if uri.scheme_str() == Some("http") {
            80
        } else {
            443
        })
}

/// `error.type` of a failure to talk: a low-cardinality name of its kind.
pub(super) fn transport_error_type(error: &TransportError) -> &'static str {
    match error.kind() {
        TransportErrorKind::Connect => "connect",
        TransportErrorKind::Timeout => "timeout",
        TransportErrorKind::Io => "io",
        TransportErrorKind::BodyTooLarge => "body_too_large",
        TransportErrorKind::Protocol => "protocol",
        TransportErrorKind::Other => "_OTHER",
    }
}

pub(super) fn auth_error_type(kind: AuthErrorKind) -> &'static str {
    match kind {
        AuthErrorKind::InvalidClient => "invalid_client",
        AuthErrorKind::UnsupportedGrantType => "unsupported_grant_type",
        AuthErrorKind::InvalidRequest => "invalid_request",
        AuthErrorKind::InvalidGrant => "invalid_grant",
        AuthErrorKind::InvalidResponse => "invalid_response",
        AuthErrorKind::Transport => "transport",
        AuthErrorKind::Rejected => "rejected",
    }
}

pub(super) fn store_error_type(kind: StoreErrorKind) -> &'static str {
    match kind {
        StoreErrorKind::Unavailable => "unavailable",
        StoreErrorKind::Timeout => "timeout",
        StoreErrorKind::Rejected => "rejected",
        StoreErrorKind::Protocol => "protocol",
        StoreErrorKind::Config => "config",
        StoreErrorKind::Unsupported => "unsupported",
    }
}

/// `error.type` of a call's error: the status code of an API error (`"429"`), the kind of
/// a transport or token failure (`timeout`, `invalid_client`), else the error's class.
pub(super) fn error_type(error: &Error) -> Cow<'static, str> {
    match error {
        Error::Api(api) => api.status().as_u16().to_string().into(),
        Error::Transport { error, .. } => transport_error_type(error).into(),
        Error::Auth(auth) => auth_error_type(auth.kind()).into(),
        other => other.kind().as_str().into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telemetry::TOKEN_TEMPLATE;

    #[test]
    fn a_url_keeps_no_credentials_and_an_ipv6_host_loses_its_brackets() {
        let uri: Uri = "https://user:pass@example.com:8443/v2/x?y=1"
            .parse()
            .unwrap();
        assert_eq!(
            FullUrl(&uri).to_string(),
            "https://REDACTED:REDACTED@example.com:8443/v2/x?y=1"
        );
        assert_eq!(
            (server_address(&uri), server_port(&uri)),
            ("example.com", 8443)
        );
        let uri: Uri = "http://[::1]/v2".parse().unwrap();
        assert_eq!(FullUrl(&uri).to_string(), "http://[::1]/v2");
        assert_eq!((server_address(&uri), server_port(&uri)), ("::1", 80));
        let uri: Uri = "https://zoom.us/oauth/token".parse().unwrap();
        assert_eq!(server_port(&uri), 443);
        assert_eq!(
            SpanName(&Method::POST, TOKEN_TEMPLATE).to_string(),
            "POST /oauth/token"
        );
    }
}
