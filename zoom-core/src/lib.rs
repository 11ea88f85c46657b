//! Sans-IO core of the Zoom live-stream SDK.
#![forbid(unsafe_code)]

pub mod error;
pub mod rate_limit;
pub mod secret;
pub mod transport;

pub use error::{
    ApiError, ApiErrorKind, AuthError, AuthErrorKind, BoxError, DecodeError, Error, ErrorKind,
    FieldError, InvalidInput, Result, TransportError, TransportErrorKind,
};
pub use http;
pub use rate_limit::{RateLimit, RetryAfter};
pub use secret::SecretString;
pub use transport::{BlockingTransport, FnTransport, HttpRequest, HttpResponse, Transport};
