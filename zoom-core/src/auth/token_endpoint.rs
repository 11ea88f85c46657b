//! The token endpoint's wire format: the form POST with Basic credentials, and its answers
//! (a token, or `{reason, error}` / `{code, message}` when refused).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use base64::Engine as _;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::credentials::Credentials;
use crate::SecretString;
use crate::endpoint::{BaseUrl, USER_AGENT_VALUE};
use crate::error::{AuthError, AuthErrorKind, Error, InvalidInput, TransportError};
use crate::response::{describe_json_error, tracking_id};
use crate::transport::{HttpRequest, HttpResponse};

/// What a form value may keep unencoded: RFC 3986's unreserved characters.
const FORM_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A token's lifetime when the answer names none (Zoom's is an hour).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// The longest lifetime believed: a server's `expires_in` is clamped to a day, so no
/// deadline computed from it can overflow, and a wrong answer cannot pin a token for years.
pub(crate) const MAX_LIFETIME: Duration = Duration::from_secs(86_400);

/// What a successful token answer grants.
#[derive(Debug)]
pub(crate) struct Grant {
    pub(crate) access_token: SecretString,
    /// The API base from `api_url`, when asked for and safe to send a token to.
    pub(crate) api_base: Option<BaseUrl>,
    /// `expires_in`, clamped to at most [`MAX_LIFETIME`]; zero means "use it once".
    pub(crate) lifetime: Duration,
    /// The rotated refresh token (user-level OAuth).
    pub(crate) refresh_token: Option<SecretString>,
}

/// The token request: `account_credentials` (Server-to-Server) or `refresh_token` (user).
pub(crate) fn token_request(
    credentials: &Credentials,
    oauth_base: &BaseUrl,
) -> Result<HttpRequest, Error> {
    let (client_id, client_secret, body) = match credentials {
        Credentials::ServerToServer(s2s) => (
            &s2s.client_id,
            &s2s.client_secret,
            format!(
                "grant_type=account_credentials&account_id={}",
                utf8_percent_encode(&s2s.account_id, FORM_VALUE)
            ),
        ),
        Credentials::User(user) => {
            let body = format!(
                "grant_type=refresh_token&refresh_token={}",
                utf8_percent_encode(user.current_refresh_token().expose_secret(), FORM_VALUE)
            );
            (&user.oauth.client_id, &user.oauth.client_secret, body)
        }
        Credentials::Static(_) | Credentials::Custom(_) => {
            let error = AuthError::new(AuthErrorKind::Rejected, "no token can be fetched");
            return Err(error.into());
        }
        #[cfg(feature = "video-sdk")]
        Credentials::VideoSdk(_) => {
            let error = AuthError::new(AuthErrorKind::Rejected, "no token can be fetched");
            return Err(error.into());
        }
    };
    let pair = format!("{client_id}:{}", client_secret.expose_secret());
    let basic = base64::engine::general_purpose::STANDARD.encode(pair);
    let mut authorization = HeaderValue::try_from(format!("Basic {basic}"))
        .map_err(|_| InvalidInput::new("client_secret", "cannot be sent in a header"))?;
    authorization.set_sensitive(true);
    http::Request::post(format!("{}/oauth/token", oauth_base.as_str()))
        .header(AUTHORIZATION, authorization)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(ACCEPT, "application/json")
        .header(USER_AGENT, USER_AGENT_VALUE)
        .body(body.into_bytes())
        .map_err(|e| Error::invalid("oauth_base", format!("does not make a valid URL: {e}")))
}

/// Reads the token endpoint's answer (or the failure to get one).
pub(crate) fn read_answer(
    outcome: Result<HttpResponse, TransportError>,
    use_api_url: bool,
) -> Result<Grant, AuthError> {
    let response = outcome.map_err(|error| AuthError {
        kind: AuthErrorKind::Transport,
        status: None,
        code: None,
        reason: "the token endpoint could not be reached".to_owned(),
        tracking_id: None,
        source: Some(Box::new(error)),
    })?;
    let answer = parse_token_answer(&response)?;
    let api_base = match answer.api_url.as_deref() {
        Some(url) if use_api_url && !url.trim().is_empty() => {
            let base = format!("{}/v2", url.trim().trim_end_matches('/'));
            let base = BaseUrl::parse_field("api_url", &base).map_err(|e| {
                let mut error = AuthError::new(AuthErrorKind::InvalidResponse, e.to_string());
                error.status = Some(response.status());
                error
            })?;
            safe_for_tokens(&base).then_some(base)
        }
        _ => None,
    };
    Ok(Grant {
        access_token: answer.access_token,
        api_base,
        lifetime: answer
            .expires_in
            .map_or(DEFAULT_LIFETIME, Duration::from_secs)
            .min(MAX_LIFETIME),
        refresh_token: answer.refresh_token,
    })
}

/// Whether every later call's bearer token may go to `base`: https, or plain http to this
/// machine (a simulator). Anything else is ignored with a warning and the configured API
/// base is kept, so a token answer cannot send tokens in clear text across a network.
fn safe_for_tokens(base: &BaseUrl) -> bool {
    let safe = !is_cleartext_to_another_host(base);
    if !safe {
        tracing::warn!(
            api_url = base.as_str(),
            "ignoring the token answer's api_url: tokens are only sent over https (or http to loopback)"
        );
    }
    safe
}

/// Whether `base` is `http://` to a host other than `127.0.0.0/8`, `::1` or `localhost`.
pub(crate) fn is_cleartext_to_another_host(base: &BaseUrl) -> bool {
    // BaseUrl has already parsed as an absolute URI with a host.
    let Ok(uri) = base.as_str().parse::<http::Uri>() else {
        return true;
    };
    if !uri
        .scheme_str()
        .is_some_and(|s| s.eq_ignore_ascii_case("http"))
    {
        return false;
    }
    let host = uri.host().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
        || host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .and_then(|h| h.parse::<Ipv6Addr>().ok())
            .is_some_and(|ip| ip.is_loopback());
    !loopback
}

#[derive(serde::Deserialize)]
struct TokenAnswer {
    access_token: SecretString,
    refresh_token: Option<SecretString>,
    expires_in: Option<u64>,
    api_url: Option<String>,
}

/// The token endpoint's error body: `{"reason","error"}` or `{"code","message"}`.
#[derive(serde::Deserialize, Default)]
struct TokenErrorBody {
    reason: Option<String>,
    error: Option<String>,
    code: Option<i64>,
    message: Option<String>,
}

fn parse_token_answer(response: &HttpResponse) -> Result<TokenAnswer, AuthError> {
    let status = response.status();
    let fail = |kind, code, reason: String| AuthError {
        kind,
        status: Some(status),
        code,
        reason,
        tracking_id: tracking_id(response.headers()),
        source: None,
    };
    if status.is_success() {
        return match serde_json::from_slice::<TokenAnswer>(response.body()) {
            Ok(answer) if !answer.access_token.is_blank() => Ok(answer),
            Ok(_) => Err(fail(
                AuthErrorKind::InvalidResponse,
                None,
                "the token answer has an empty access_token".into(),
            )),
            Err(e) => Err(fail(
                AuthErrorKind::InvalidResponse,
                None,
                format!(
                    "the token answer is not a token: {}",
                    describe_json_error(&e)
                ),
            )),
        };
    }
    let Ok(body) = serde_json::from_slice::<TokenErrorBody>(response.body()) else {
        let reason = format!("the token endpoint answered HTTP {status} without a JSON reason");
        return Err(fail(AuthErrorKind::InvalidResponse, None, reason));
    };
    let kind = match (body.error.as_deref(), body.code) {
        (Some("invalid_client"), _) | (_, Some(4702 | 4704)) => AuthErrorKind::InvalidClient,
        (Some("unsupported_grant_type"), _) | (_, Some(4705)) => {
            AuthErrorKind::UnsupportedGrantType
        }
        (Some("invalid_request"), _) | (_, Some(4706)) => AuthErrorKind::InvalidRequest,
        (Some("invalid_grant"), _) | (_, Some(4711)) => AuthErrorKind::InvalidGrant,
        _ => AuthErrorKind::Rejected,
    };
    let reason = body
        .reason
        .or(body.message)
        .or(body.error)
        .unwrap_or_else(|| format!("the token endpoint answered HTTP {status}"));
    Err(fail(kind, body.code, reason))
}
