//! The span of a verification, and what it records of the outcome.

use crate::error::VerifyError;

/// The span of one verification: the body's length only, never its bytes (a stream key may
/// be in it), nor the signature or the secret.
pub(crate) fn verify_span(body: &[u8]) -> tracing::Span {
    tracing::info_span!(
        "zoom.webhook.verify",
        zoom.webhook.body_len = body.len(),
        zoom.webhook.outcome = tracing::field::Empty,
        zoom.webhook.event = tracing::field::Empty,
        error.type = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
    )
}

/// `verified`, or the refusal as `error.type`; a refused delivery marks the span an error.
pub(crate) fn record_outcome(span: &tracing::Span, error_type: Option<&'static str>) {
    match error_type {
        None => {
            span.record("zoom.webhook.outcome", "verified");
        }
        Some(error_type) => {
            span.record("zoom.webhook.outcome", "refused");
            span.record("error.type", error_type);
            span.record("otel.status_code", "ERROR");
        }
    }
}

/// A refusal's low-cardinality name.
pub(crate) fn verify_error_type(error: &VerifyError) -> &'static str {
    match error {
        VerifyError::NoSecret => "no_secret",
        VerifyError::BodyTooLarge { .. } => "body_too_large",
        VerifyError::MissingSignature => "missing_signature",
        VerifyError::MissingTimestamp => "missing_timestamp",
        VerifyError::MalformedSignature => "malformed_signature",
        VerifyError::MalformedTimestamp => "malformed_timestamp",
        VerifyError::SignatureMismatch => "signature_mismatch",
        VerifyError::StaleTimestamp { .. } => "stale_timestamp",
    }
}
