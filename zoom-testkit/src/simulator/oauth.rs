//! `POST /oauth/token` with `grant_type=account_credentials` (Server-to-Server) or
//! `grant_type=refresh_token` (user-level OAuth, rotating the refresh token).

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::{Method, StatusCode};
use serde_json::json;

use crate::fixtures::messages;

use super::clock;
use super::config::TOKEN_SCOPE;
use super::request::{ApiRequest, parse_form};
use super::response::SimResponse;
use super::world::World;

/// Zoom's token-endpoint error shape: `{"reason":…,"error":…}`.
fn oauth_error(reason: &str, error: &str) -> SimResponse {
    SimResponse::json(
        StatusCode::BAD_REQUEST,
        &json!({"reason": reason, "error": error}),
    )
}

fn invalid_client() -> SimResponse {
    oauth_error("Invalid client_id or client_secret", "invalid_client")
}

/// `client_id` and `client_secret` of a `Basic` authorization header.
fn basic_credentials(request: &ApiRequest) -> Option<(String, String)> {
    let value = request.header("authorization")?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// The request's parameters: form body first, then the query string.
fn parameter(request: &ApiRequest, name: &str) -> Option<String> {
    let form_body = request
        .media_type()
        .is_none_or(|m| m == "application/x-www-form-urlencoded");
    let body = if form_body {
        parse_form(&String::from_utf8_lossy(&request.body))
    } else {
        Vec::new()
    };
    let query = parse_form(request.query.as_deref().unwrap_or(""));
    body.into_iter()
        .chain(query)
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// Answers a request to `/oauth/token`.
pub(crate) fn token(world: &mut World, request: &ApiRequest) -> SimResponse {
    if request.method != Method::POST {
        return SimResponse::method_not_allowed("POST");
    }
    let account = &world.account;
    match basic_credentials(request) {
        Some((id, secret)) if id == account.client_id && secret == account.client_secret => {}
        _ => return invalid_client(),
    }
    let mut rotated = None;
    match parameter(request, "grant_type").as_deref() {
        None => return oauth_error("Missing grant type", "invalid_request"),
        Some("account_credentials") => match parameter(request, "account_id") {
            None => return oauth_error("Missing account id", "invalid_request"),
            Some(id) if id == account.account_id => {}
            Some(_) => return oauth_error("Invalid account id", "invalid_grant"),
        },
        // Zoom's refresh tokens work once: the answer carries the next one.
        Some("refresh_token") => match parameter(request, "refresh_token") {
            None => return oauth_error("Missing refresh token", "invalid_request"),
            Some(sent) if sent == world.refresh_token => {
                let next = format!("simr_{}", clock::random_hex(4));
                world.refresh_token.clone_from(&next);
                rotated = Some(next);
            }
            Some(_) => return oauth_error("Invalid Token!", "invalid_grant"),
        },
        Some(_) => return oauth_error("unsupported grant type", "unsupported_grant_type"),
    }
    let token = format!("sim_{}", clock::random_hex(4));
    // A configured lifetime too long for an `Instant` never expires (instead of panicking).
    let now = Instant::now();
    let expiry = now
        .checked_add(world.token_ttl)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 86_400)))
        .unwrap_or(now);
    world.issued.insert(token.clone(), expiry);
    let mut answer = json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": world.token_ttl.as_secs(),
        "scope": TOKEN_SCOPE,
        "api_url": world.origin,
    });
    if let Some(next) = rotated {
        answer["refresh_token"] = json!(next);
    }
    SimResponse::json(StatusCode::OK, &answer).header("cache-control", "no-store")
}

/// The bearer token of `request`, if it has one.
fn bearer(request: &ApiRequest) -> Option<&str> {
    let value = request.header("authorization")?.trim();
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => Some(token.trim()),
        _ => None,
    }
}

/// Whether `request` carries a JWT app's token rather than an OAuth one.
pub(crate) fn is_jwt(world: &World, request: &ApiRequest) -> bool {
    bearer(request).is_some_and(|token| world.jwt_tokens.contains(token))
}

/// Why a `/v2` request is not authorized, if it is not.
pub(crate) fn check_bearer(world: &World, request: &ApiRequest) -> Result<(), SimResponse> {
    let unauthorized = |message: &str| SimResponse::error(StatusCode::UNAUTHORIZED, 124, message);
    if request.header("authorization").is_none() {
        return Err(unauthorized("Access token is absent."));
    }
    let Some(token) = bearer(request) else {
        return Err(unauthorized(messages::INVALID_ACCESS_TOKEN));
    };
    if world.static_tokens.contains(token) || world.jwt_tokens.contains(token) {
        return Ok(());
    }
    match world.issued.get(token) {
        Some(expiry) if Instant::now() < *expiry => Ok(()),
        Some(_) => Err(unauthorized("Access token is expired.")),
        None => Err(unauthorized(messages::INVALID_ACCESS_TOKEN)),
    }
}
