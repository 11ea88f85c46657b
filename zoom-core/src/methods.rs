//! The convenience methods of both clients (and of the facade's, which wrap them), written
//! once over their `send`. The macro only
//! adds `.await`; the send loops themselves are written out in `client.rs` and `blocking.rs`,
//! and every decision is made by the shared [`Call`](crate::call::Call).
//!
//! Ids are typed as Zoom's spec types them: the two GETs of the settings take a number or an
//! instance UUID (`impl Into<MeetingRef>`), every other method the number (`impl
//! Into<MeetingId>`); a `u64` is accepted by all, a UUID by the GETs only. The session
//! methods take a [`SessionId`](crate::SessionId) (or a reference to one).

/// Expands to the convenience methods over `send`; `$($await)*` is `.await` or nothing.
#[doc(hidden)]
#[macro_export]
macro_rules! __client_methods {
    ($($async:ident)? ; $($await:tt)*) => {
        /// The live-stream settings of a meeting (`GET /meetings/{meetingId}/livestream`), by
        /// meeting id or by an instance's UUID ([`MeetingRef`](crate::MeetingRef)).
        pub $($async)? fn meeting_live_stream(&self, id: impl Into<$crate::MeetingRef>) -> $crate::Result<$crate::LiveStream> {
            let endpoint = $crate::endpoint::get_meeting_live_stream(id);
            self.send(&endpoint) $($await)* .map($crate::response::Answer::into_inner)
        }

        /// Changes a meeting's live-stream settings (`PATCH /meetings/{meetingId}/livestream`).
        /// The body is checked against Zoom's limits first; nothing is sent if it fails.
        pub $($async)? fn update_meeting_live_stream(&self, id: impl Into<$crate::MeetingId>, update: &$crate::UpdateLiveStream) -> $crate::Result<()> {
            let endpoint = $crate::endpoint::update_meeting_live_stream(id.into(), update)?;
            self.send(&endpoint) $($await)* .map($crate::response::Answer::into_inner)
        }

        /// Starts or stops a meeting's live stream (`PATCH /meetings/{meetingId}/livestream/status`).
        /// Never repeated automatically unless the request provably never left; after a 429
        /// on a start, the error's `retry_after` is Zoom's own or its documented 30 s.
        pub $($async)? fn update_meeting_live_stream_status(&self, id: impl Into<$crate::MeetingId>, status: &$crate::LiveStreamStatus) -> $crate::Result<()> {
            let endpoint = $crate::endpoint::update_meeting_live_stream_status(id.into(), status)?;
            self.send(&endpoint) $($await)* .map($crate::response::Answer::into_inner)
        }

        /// A join token for live streaming of a meeting
        /// (`GET /meetings/{meetingId}/jointoken/live_streaming`): a bot built on Zoom's
        /// Meeting SDK joins with it and starts streaming. Needs an OAuth access token.
        pub $($async)? fn meeting_live_stream_join_token(&self, id: impl Into<$crate::MeetingId>) -> $crate::Result<$crate::JoinToken> {
            let endpoint = $crate::endpoint::get_meeting_live_stream_join_token(id.into());
            self.send(&endpoint) $($await)* .map($crate::response::Answer::into_inner)
        }

        /// The live-stream settings of a webinar (`GET /webinars/{webinarId}/livestream`), by
        /// webinar id or by an instance's UUID ([`WebinarRef`](crate::WebinarRef)).
        pub $($async)? fn webinar_live_stream(&self, id: impl Into<$crate::WebinarRef>) -> $crate::Result<$crate::LiveStream> {
            let endpoint = $crate::endpoint::get_webinar_live_stream(id);
            self.send(&endpoint) $($await)* .map($crate::response::Answer::into_inner)
        }

        /// Changes a webinar's live-stream settings (`PATCH /webinars/{webinarId}/livestream`).
        pub $($async)? fn update_webinar_live_stream(&self, id: impl Into<$crate::WebinarId>, update: &$crate::UpdateLiveStream) -> $crate::Result<()> {
            let endpoint = $crate::endpoint::update_webinar_live_stream(id.into(), update)?;
            self.send(&endpoint) $($await)* .map($crate::response::Answer::into_inner)
        }

        /// Starts or stops a webinar's live stream (`PATCH /webinars/{webinarId}/livestream/status`),
        /// like [`Self::update_meeting_live_stream_status`].
        pub $($async)? fn update_webinar_live_stream_status(&self, id: impl Into<$crate::WebinarId>, status: &$crate::LiveStreamStatus) -> $crate::Result<()> {
            let endpoint = $crate::endpoint::update_webinar_live_stream_status(id.into(), status)?;
            self.send(&endpoint) $($await)* .map($crate::response::Answer::into_inner)
        }

        /// A join token for live streaming of a webinar
        /// (`GET /webinars/{webinarId}/jointoken/live_streaming`), like
        /// [`Self::meeting_live_stream_join_token`].
        pub $($async)? fn webinar_live_stream_join_token(&self, id: impl Into<$crate::WebinarId>) -> $crate::Result<$crate::JoinToken> {
            let endpoint = $crate::endpoint::get_webinar_live_stream_join_token(id.into());
            self.send(&endpoint) $($await)* .map($crate::response::Answer::into_inner)
        }

        /// The live-stream settings of a Video SDK session
        /// (`GET /videosdk/sessions/{sessionId}/livestream`).
        pub $($async)? fn session_live_stream(&self, id: impl Into<$crate::SessionId>) -> $crate::Result<$crate::LiveStream> {
            let endpoint = $crate::endpoint::get_session_live_stream(id);
            self.send(&endpoint) $($await)* .map($crate::response::Answer::into_inner)
        }

        /// Changes a Video SDK session's live-stream settings
        /// (`PATCH /videosdk/sessions/{sessionId}/livestream`). The body is checked against
        /// Zoom's limits first; nothing is sent if it fails.
        pub $($async)? fn update_session_live_stream(&self, id: impl Into<$crate::SessionId>, update: &$crate::UpdateLiveStream) -> $crate::Result<()> {
            let endpoint = $crate::endpoint::update_session_live_stream(id, update)?;
            self.send(&endpoint) $($await)* .map($crate::response::Answer::into_inner)
        }

        /// Starts or stops a Video SDK session's live stream
        /// (`PATCH /videosdk/sessions/{sessionId}/livestream/status`), like
        /// [`Self::update_meeting_live_stream_status`]; the settings are checked with a
        /// session's rules (a `layout` is `gallery_view` or `speaker_view`).
        pub $($async)? fn update_session_live_stream_status(&self, id: impl Into<$crate::SessionId>, status: &$crate::LiveStreamStatus) -> $crate::Result<()> {
            let endpoint = $crate::endpoint::update_session_live_stream_status(id, status)?;
            self.send(&endpoint) $($await)* .map($crate::response::Answer::into_inner)
        }
    };
}

pub(crate) use __client_methods as client_methods;
