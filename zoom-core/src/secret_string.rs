//! `SecretString`: a string whose `Debug` and `Display` never show the value.

use std::fmt;

/// A string that must not leak: an access token, a client secret, a stream key.
///
/// `Debug` and `Display` print `[redacted]`; the value is reached only through
/// [`SecretString::expose_secret`], so every place that reads it is easy to find.
///
/// Like `secrecy`'s secrets, it does not implement `Serialize`: writing a secret is opt-in,
/// per field, with `#[serde(serialize_with = "zoom_core::secret::expose")]` (or
/// [`redact`](crate::secret::redact) to write `[redacted]`), or per value with [`Exposed`](crate::secret::Exposed). `Deserialize` reads the
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

impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}
