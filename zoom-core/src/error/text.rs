//! Text from a server shown safely: control characters escaped.

use std::fmt;

/// Text from a server (a message, a reason, a header value), made safe to show in a terminal
/// or a log line: control characters (`\n`, `\r`, ESC, BEL, DEL, C1 controls, …), Unicode
/// line separators and bidirectional overrides are written as escapes (`\n`, `\u{1b}`), so
/// a server can neither forge log lines nor send escape sequences. Every `Display` of an
/// error in this crate shows server text only through this; the accessors keep it raw.
///
/// ```
/// use zoom_core::escape_server_text;
///
/// assert_eq!(escape_server_text("bad\n\u{1b}[31mred\u{7}"), "bad\\n\\u{1b}[31mred\\u{7}");
/// assert_eq!(escape_server_text("Réunion 会議"), "Réunion 会議");
/// ```
pub fn escape_server_text(text: &str) -> String {
    ServerText(text).to_string()
}

/// Shows a server's text escaped (see [`escape_server_text`]) without allocating.
pub(crate) struct ServerText<'a>(pub(crate) &'a str);

impl fmt::Display for ServerText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(needs_escape) {
            f.write_str(&rest[..at])?;
            let mut chars = rest[at..].chars();
            let c = chars.next().unwrap_or_default();
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                _ => write!(f, "\\u{{{:x}}}", u32::from(c))?,
            }
            rest = chars.as_str();
        }
        f.write_str(rest)
    }
}

/// Characters a terminal or a log reader could act on rather than show.
pub(super) fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}
