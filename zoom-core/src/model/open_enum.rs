//! String-backed enums that keep the values they do not know: resolution, layout, captions.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares a string-backed enum that keeps values it does not know (Zoom adds values): it
/// decodes any string, and writes back exactly what it read.
macro_rules! open_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A value this SDK does not know yet, kept as Zoom sent it.
            Other(String),
        }

        impl $name {
            /// The value as Zoom spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(other) => other,
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $($text => $name::$variant,)+
                    _ => $name::Other(value),
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::from(value.to_owned())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    };
}

open_enum!(
    /// A live stream's resolution. Zoom documents `720p` and `1080p`; any other value is
    /// kept as [`Resolution::Other`] (and sent as is: Zoom decides whether it takes it).
    Resolution {
        /// 720p.
        P720 = "720p",
        /// 1080p.
        P1080 = "1080p",
    }
);

open_enum!(
    /// The layout of a live stream: meetings (any of these; Zoom has not fixed the values)
    /// and Video SDK sessions (`gallery_view` or `speaker_view`); webinars take none. Any
    /// other value is kept as [`Layout::Other`].
    /// [`LiveStreamStatus::validate_for`](crate::LiveStreamStatus::validate_for) says which
    /// kind takes which.
    Layout {
        /// Follow the host's view.
        FollowHost = "follow_host",
        /// Gallery view.
        GalleryView = "gallery_view",
        /// Speaker view.
        SpeakerView = "speaker_view",
    }
);

open_enum!(
    /// How closed captions appear in the live stream (meetings, webinars since Zoom's
    /// changelog of 2026-04-20, and Video SDK sessions). The Video SDK API documents
    /// `burnt-in`, `embedded` and `off`; for meetings only `burnt-in` has been seen. Any
    /// other value is kept as [`CloseCaption::Other`].
    CloseCaption {
        /// Captions burnt into the video.
        BurntIn = "burnt-in",
        /// Captions embedded in the stream (Video SDK sessions).
        Embedded = "embedded",
        /// No captions (Video SDK sessions).
        Off = "off",
    }
);
