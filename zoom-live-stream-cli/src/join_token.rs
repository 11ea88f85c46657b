//! `join-token <ID> [--webinar] [--show-token]`: a join token for live streaming, printed as
//! JSON with the token `[redacted]` unless asked for.

use clap::Args;
use zoom_live_stream::{InvalidInput, JoinToken};

use crate::target::{Action, TargetArgs};

/// The flags of `join-token`.
#[derive(Debug, Args)]
pub(crate) struct JoinTokenArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Print the join token instead of [redacted].
    #[arg(long)]
    show_token: bool,
}

impl JoinTokenArgs {
    /// The action: the numeric id only (Zoom's spec types it int64).
    pub(crate) fn action(&self) -> Result<Action, InvalidInput> {
        Ok(Action::JoinToken {
            target: self.target.numeric()?,
            show_token: self.show_token,
        })
    }
}

/// The join token as printed: Zoom's fields, the token `[redacted]` unless asked for.
#[derive(serde::Serialize)]
struct Printed<'a> {
    token: &'a str,
    expire_in: u64,
}

/// The join token as pretty JSON (`{"token": …, "expire_in": 120}`).
pub(crate) fn json(token: &JoinToken, show_token: bool) -> String {
    let printed = Printed {
        token: if show_token {
            token.token.expose_secret()
        } else {
            zoom_live_stream::secret::REDACTED
        },
        expire_in: token.expire_in.as_secs(),
    };
    // A string and a number: serialising cannot fail.
    serde_json::to_string_pretty(&printed).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_token_is_shown_only_when_asked() {
        let token = JoinToken::new("2njt50mj", Duration::from_secs(120));
        let hidden: serde_json::Value = serde_json::from_str(&json(&token, false)).unwrap();
        assert_eq!(
            hidden,
            serde_json::json!({"token": "[redacted]", "expire_in": 120})
        );
        let shown: serde_json::Value = serde_json::from_str(&json(&token, true)).unwrap();
        assert_eq!(shown["token"], "2njt50mj");
    }
}
