//! Writing secrets with serde, on purpose: the opt-in helpers for [`SecretString`] fields
//! (see the rule in `docs/DESIGN.md`: what is sent is written in clear, what is received
//! as `[redacted]`).

use std::fmt;

use crate::SecretString;

/// Serializes the secret's value: the opt-in, for a field of a request body.
///
/// ```
/// use zoom_core::SecretString;
///
/// #[derive(serde::Serialize)]
/// struct Body {
///     #[serde(serialize_with = "zoom_core::secret::expose")]
///     stream_key: SecretString,
/// }
/// let body = Body { stream_key: SecretString::new("k3y") };
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"stream_key":"k3y"}"#);
/// ```
pub fn expose<S: serde::Serializer>(
    secret: &SecretString,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose_secret())
}

/// Serializes an optional secret's value (see [`expose`]).
pub fn expose_option<S: serde::Serializer>(
    secret: &Option<SecretString>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => serializer.serialize_some(secret.expose_secret()),
        None => serializer.serialize_none(),
    }
}

/// Serializes `[redacted]` in place of the secret: for output that may be logged.
pub fn redact<S: serde::Serializer>(_: &SecretString, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(REDACTED)
}

/// Serializes `[redacted]` in place of an optional secret, or nothing for `None`.
pub fn redact_option<S: serde::Serializer>(
    secret: &Option<SecretString>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match secret {
        Some(_) => serializer.serialize_some(REDACTED),
        None => serializer.serialize_none(),
    }
}

/// What [`redact`] writes.
pub const REDACTED: &str = "[redacted]";

/// A secret that serializes to its value: the opt-in for one value.
///
/// ```
/// use zoom_core::SecretString;
/// use zoom_core::secret::Exposed;
///
/// let key = SecretString::new("k3y");
/// assert_eq!(serde_json::to_string(&Exposed(&key)).unwrap(), r#""k3y""#);
/// ```
#[derive(Clone, Copy)]
pub struct Exposed<'a>(pub &'a SecretString);

impl serde::Serialize for Exposed<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        expose(self.0, serializer)
    }
}

impl fmt::Debug for Exposed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Exposed([redacted])")
    }
}
