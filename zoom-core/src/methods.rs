//! What both clients do, written once: the send loop and the live-stream methods. The
//! macros only add `.await` (and pick the refresh lock's async or blocking acquisition);
//! every decision is made by the shared `Call`.

/// Expands to the body of `send`: pace, get a token (one fetch at a time), send, and let the
/// call decide what is next.
macro_rules! send_loop {
    ($client:ident, $endpoint:ident, $lock:ident; $($await:tt)*) => {{
        let mut call = Call::new(&$client.shared, &$client.retry, $endpoint);
        loop {
            if let Some(wait) = call.pace() {
                $client.sleeper.sleep(wait) $($await)*;
            }
            let token = match $client.shared.current_token()? {
                Some(token) => token,
                None => {
                    let fetched = {
                        let _only_one_fetch = $client.shared.auth.refresh_lock().$lock() $($await)*;
                        match $client.shared.token_request_if_needed()? {
                            Ok(token) => Ok(token),
                            Err(request) => {
                                let outcome = $client.transport.send(request) $($await)*;
                                $client.shared.accept_token(outcome)
                            }
                        }
                    };
                    match fetched {
                        Ok(token) => token,
                        Err(error) => match call.on_token_failure(error) {
                            Next::Done(result) => return result,
                            Next::Wait(wait) => {
                                $client.sleeper.sleep(wait) $($await)*;
                                continue;
                            }
                            Next::Again => continue,
                        },
                    }
                }
            };
            let outcome = $client.transport.send(call.request(&token)?) $($await)*;
            match call.on_outcome(outcome, &token) {
                Next::Done(result) => return result,
                Next::Wait(wait) => $client.sleeper.sleep(wait) $($await)*,
                Next::Again => {}
            }
        }
    }};
}

/// Expands to the convenience methods over `send`; `$($await)*` is `.await` or nothing.
macro_rules! live_stream_methods {
    ($($async:ident)? ; $($await:tt)*) => {
        /// The live-stream settings of a meeting (`GET /meetings/{meetingId}/livestream`).
        pub $($async)? fn meeting_live_stream(&self, id: impl Into<MeetingId>) -> Result<LiveStream> {
            let endpoint = endpoint::get_meeting_live_stream(&id.into());
            self.send(&endpoint) $($await)* .map(Answer::into_inner)
        }

        /// Changes a meeting's live-stream settings (`PATCH /meetings/{meetingId}/livestream`).
        /// The body is checked against Zoom's limits first; nothing is sent if it fails.
        pub $($async)? fn update_meeting_live_stream(&self, id: impl Into<MeetingId>, update: &UpdateLiveStream) -> Result<()> {
            let endpoint = endpoint::update_meeting_live_stream(&id.into(), update)?;
            self.send(&endpoint) $($await)* .map(Answer::into_inner)
        }

        /// Starts or stops a meeting's live stream (`PATCH /meetings/{meetingId}/livestream/status`).
        /// Never repeated automatically unless the request provably never left.
        pub $($async)? fn update_meeting_live_stream_status(&self, id: impl Into<MeetingId>, status: &LiveStreamStatus) -> Result<()> {
            let endpoint = endpoint::update_meeting_live_stream_status(&id.into(), status)?;
            self.send(&endpoint) $($await)* .map(Answer::into_inner)
        }

        /// The live-stream settings of a webinar (`GET /webinars/{webinarId}/livestream`).
        pub $($async)? fn webinar_live_stream(&self, id: impl Into<WebinarId>) -> Result<LiveStream> {
            let endpoint = endpoint::get_webinar_live_stream(&id.into());
            self.send(&endpoint) $($await)* .map(Answer::into_inner)
        }

        /// Changes a webinar's live-stream settings (`PATCH /webinars/{webinarId}/livestream`).
        pub $($async)? fn update_webinar_live_stream(&self, id: impl Into<WebinarId>, update: &UpdateLiveStream) -> Result<()> {
            let endpoint = endpoint::update_webinar_live_stream(&id.into(), update)?;
            self.send(&endpoint) $($await)* .map(Answer::into_inner)
        }

        /// Starts or stops a webinar's live stream (`PATCH /webinars/{webinarId}/livestream/status`).
        pub $($async)? fn update_webinar_live_stream_status(&self, id: impl Into<WebinarId>, status: &LiveStreamStatus) -> Result<()> {
            let endpoint = endpoint::update_webinar_live_stream_status(&id.into(), status)?;
            self.send(&endpoint) $($await)* .map(Answer::into_inner)
        }

        /// A copy of this client (sharing its token cache and limiter) with another retry
        /// policy, for one call or a group of calls.
        pub fn with_retry_policy(&self, policy: RetryPolicy) -> Self {
            let mut client = self.clone();
            client.retry = Arc::new(policy);
            client
        }
    };
}

pub(crate) use {live_stream_methods, send_loop};
