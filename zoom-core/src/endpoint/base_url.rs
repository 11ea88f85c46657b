//! [`BaseUrl`]: where the API (or the token endpoint) is, validated once.

use crate::error::InvalidInput;

use super::DEFAULT_API_BASE;

/// A validated base URL (`http` or `https`, with a host, no query), without trailing `/`.
///
/// ```
/// use zoom_core::endpoint::BaseUrl;
///
/// assert_eq!(BaseUrl::parse("https://api.zoomgov.com/v2/").unwrap().as_str(), "https://api.zoomgov.com/v2");
/// assert!(BaseUrl::parse("api.zoom.us").is_err());
/// ```
#[derive(Clone)]
pub struct BaseUrl {
    /// The whole URL, as shown.
    text: String,
    // Parsed once here, so that building a request parses only its path.
    pub(super) scheme: http::uri::Scheme,
    pub(super) authority: http::uri::Authority,
    /// The path below the authority (`/v2`), or empty.
    pub(super) path: String,
}

impl BaseUrl {
    /// Validates `url` as a base URL.
    pub fn parse(url: &str) -> Result<Self, InvalidInput> {
        Self::parse_field("base_url", url)
    }

    pub(crate) fn parse_field(field: &'static str, url: &str) -> Result<Self, InvalidInput> {
        let trimmed = url.trim().trim_end_matches('/');
        // Messages quote the URL without any `user:password@` it carries.
        let shown = redact_userinfo(url);
        if trimmed.contains(char::is_whitespace) {
            return Err(InvalidInput::new(
                field,
                format!("{shown:?} is not a valid URL: it contains a space"),
            ));
        }
        if trimmed.contains('#') {
            return Err(InvalidInput::new(
                field,
                format!("{shown:?} must not have a fragment (#…)"),
            ));
        }
        let uri: http::Uri = trimmed
            .parse()
            .map_err(|_| InvalidInput::new(field, format!("{shown:?} is not a valid URL")))?;
        let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
        if !scheme_ok || uri.host().is_none_or(str::is_empty) {
            return Err(InvalidInput::new(
                field,
                format!("{shown:?} must be an absolute http:// or https:// URL"),
            ));
        }
        // `http::Uri` accepts any digits as a port (and then reports none): check them.
        let host_port = uri.authority().map_or("", |a| a.as_str());
        let host_port = host_port.rsplit('@').next().unwrap_or(host_port);
        let port = match host_port.rsplit_once(':') {
            Some((_, port)) if !host_port.ends_with(']') => Some(port),
            _ => None,
        };
        if port.is_some_and(|port| !port.parse::<u16>().is_ok_and(|port| port != 0)) {
            return Err(InvalidInput::new(
                field,
                format!("{shown:?} has a port outside 1 to 65535"),
            ));
        }
        if uri.query().is_some() {
            return Err(InvalidInput::new(
                field,
                format!("{shown:?} must not have a query (?…)"),
            ));
        }
        let http::uri::Parts {
            scheme: Some(scheme),
            authority: Some(authority),
            path_and_query,
            ..
        } = uri.into_parts()
        else {
            return Err(InvalidInput::new(
                field,
                format!("{url:?} must be an absolute http:// or https:// URL"),
            ));
        };
        // `http` reads `https://host` as path `/`; the base is joined with paths that begin
        // with `/`, so keep none.
        let path = path_and_query
            .map(|p| p.path().trim_end_matches('/').to_owned())
            .unwrap_or_default();
        Ok(Self {
            text: trimmed.to_owned(),
            scheme,
            authority,
            path,
        })
    }

    /// The URL text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("BaseUrl").field(&self.text).finish()
    }
}

impl PartialEq for BaseUrl {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for BaseUrl {}

impl std::hash::Hash for BaseUrl {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

/// `url` with any `user:password@` in its authority replaced by `[redacted]@`.
pub(crate) fn redact_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://[redacted]@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

impl Default for BaseUrl {
    fn default() -> Self {
        Self {
            text: DEFAULT_API_BASE.to_owned(),
            scheme: http::uri::Scheme::HTTPS,
            authority: http::uri::Authority::from_static("api.zoom.us"),
            path: "/v2".to_owned(),
        }
    }
}
