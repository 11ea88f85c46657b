//! Secret strings whose `Debug` and `Display` never show the value.

use std::fmt;

/// A string that must not leak: an access token, a client secret, a stream key.
///
/// `Debug` and `Display` print `[redacted]`; the value is reached only through
/// [`SecretString::expose_secret`], so every place that reads it is easy to find.
///
/// Like `secrecy`'s secrets, it does not implement `Serialize`: writing a secret is opt-in,
/// per field, with `#[serde(serialize_with = "zoom_core::secret::expose")]` (or
/// [`redact`] to write `[redacted]`), or per value with [`Exposed`]. `Deserialize` reads the
/// value as it is.
///
/// ```
/// use zoom_core::SecretString;
///
/// let secret = SecretString::new("hunter2");
/// assert_eq!(format!("{secret:?} {secret}"), "SecretString([redacted]) [redacted]");
/// assert_eq!(secret.expose_secret(), "hunter2");
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value itself. Never log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty or only whitespace.
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([redacted])")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

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

impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}
