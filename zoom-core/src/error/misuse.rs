//! A call driven out of order: a bug in its driver, not bad input and not Zoom's doing.

use std::fmt;

/// A [`Call`](crate::call::Call) driven out of order: its driver called one of the call's
/// methods where the last [`Step`](crate::call::Step) asked for another (resumed instead of
/// sending, say, or went on after [`Step::Done`](crate::call::Step::Done)).
///
/// This is a bug in the driver, never caused by the input or by Zoom, so it is not an
/// [`InvalidInput`](super::InvalidInput): repeating the call cannot help, fixing the
/// driver's loop does. The call ends with it rather than panicking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallMisuse {
    called: &'static str,
    expected: Option<&'static str>,
}

impl CallMisuse {
    /// The driver called `called` where the step asked for `expected` (`None`: the call
    /// was over).
    pub(crate) fn new(called: &'static str, expected: Option<&'static str>) -> Self {
        Self { called, expected }
    }

    /// The method the driver called, e.g. `resume`.
    pub fn called(&self) -> &'static str {
        self.called
    }

    /// The method the last step asked for, e.g. `received`; `None` once the call is over.
    pub fn expected(&self) -> Option<&'static str> {
        self.expected
    }
}

impl fmt::Display for CallMisuse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "call driven out of order: `{}` was called ", self.called)?;
        match self.expected {
            Some(expected) => write!(f, "where the step asked for `{expected}`"),
            None => f.write_str("after the call was over"),
        }
    }
}

impl std::error::Error for CallMisuse {}
