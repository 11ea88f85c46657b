//! The call's store steps, driven by hand on a manual clock: two clients over one
//! `MemoryStore` stand for two processes, a failing store for Redis down. What is checked
//! is what the fake Zoom saw (token requests, refresh tokens sent) and the steps asked for.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use zoom_core::blocking::Client;
use zoom_core::call::Step;
use zoom_core::store::{
    BlockingSharedStore, LimiterKey, MemoryStore, StoreError, StoreErrorKind, StoreOp,
    StoreOutcome, StoredToken, TokenKey,
};
use zoom_core::{
    Error, FnTransport, HttpRequest, HttpResponse, MeetingId, RateLimiter, TimeSource, Timestamp,
    UserOAuth, endpoint,
};

/// A clock that moves only when a `Wait` step is carried out.
#[derive(Debug, Clone, Default)]
struct Clock(Arc<AtomicU64>);

impl Clock {
    fn advance(&self, by: Duration) {
        let micros = u64::try_from(by.as_micros()).unwrap_or(u64::MAX);
        self.0.fetch_add(micros, Ordering::SeqCst);
    }
}

impl TimeSource for Clock {
    fn now(&self) -> Timestamp {
        Timestamp::from_origin(Duration::from_micros(self.0.load(Ordering::SeqCst)))
    }
    fn system_time(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + self.now().since_origin()
    }
}

/// Zoom's token endpoint and one API route: tokens `tok-N`, refresh tokens `ref-N` rotated
/// on every refresh (only the newest works), and a bearer check.
#[derive(Default)]
struct Zoom {
    issued: u64,
    valid: Vec<String>,
    refresh: String,
    token_requests: u64,
    refresh_tokens_sent: Vec<String>,
    api_calls: u64,
}

type SharedZoom = Arc<Mutex<Zoom>>;

fn zoom(refresh: &str) -> SharedZoom {
    Arc::new(Mutex::new(Zoom {
        refresh: refresh.to_owned(),
        ..Zoom::default()
    }))
}

fn answer(zoom: &SharedZoom, request: &HttpRequest) -> HttpResponse {
    let mut z = zoom.lock().unwrap();
    let json = |status: u16, body: String| {
        http::Response::builder()
            .status(status)
            .body(body.into_bytes())
            .unwrap()
    };
    if request.uri().path() == "/oauth/token" {
        z.token_requests += 1;
        let body = String::from_utf8_lossy(request.body()).into_owned();
        if let Some(sent) = body.strip_prefix("grant_type=refresh_token&refresh_token=") {
            z.refresh_tokens_sent.push(sent.to_owned());
            if sent != z.refresh {
                return json(
                    400,
                    r#"{"reason":"Invalid Token!","error":"invalid_grant"}"#.into(),
                );
            }
        }
        z.issued += 1;
        let n = z.issued;
        z.valid.push(format!("tok-{n}"));
        z.refresh = format!("ref-{n}");
        return json(
            200,
            format!(r#"{{"access_token":"tok-{n}","expires_in":3599,"refresh_token":"ref-{n}"}}"#),
        );
    }
    z.api_calls += 1;
    let bearer = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned();
    if z.valid.contains(&bearer) {
        json(200, r#"{"stream_url":"rtmp://a"}"#.into())
    } else {
        json(
            401,
            r#"{"code":124,"message":"Invalid access token."}"#.into(),
        )
    }
}

type Builder = zoom_core::ClientBuilder<zoom_core::blocking::BlockingParts>;

/// One "process": a blocking client over the fake Zoom and `store`, on `clock`.
struct Process {
    client: Client,
    clock: Clock,
    store: Arc<dyn BlockingSharedStore>,
    zoom: SharedZoom,
}

#[derive(Debug, Default)]
struct Trace {
    stores: Vec<String>,
    waited: Duration,
    sends: u32,
}

impl Process {
    fn s2s(zoom: &SharedZoom, store: Arc<dyn BlockingSharedStore>) -> Self {
        Self::with(zoom, store, |b| {
            b.server_to_server_oauth("acct", "cid", "secret")
        })
    }

    fn with(
        zoom: &SharedZoom,
        store: Arc<dyn BlockingSharedStore>,
        configure: impl FnOnce(Builder) -> Builder,
    ) -> Self {
        Self::on_clock(zoom, store, Clock::default(), configure)
    }

    /// A process on `clock` (which the store may read too).
    fn on_clock(
        zoom: &SharedZoom,
        store: Arc<dyn BlockingSharedStore>,
        clock: Clock,
        configure: impl FnOnce(Builder) -> Builder,
    ) -> Self {
        let seen = Arc::clone(zoom);
        let transport = FnTransport(move |request: HttpRequest| Ok(answer(&seen, &request)));
        let builder = Client::builder()
            .transport(transport)
            .api_base("http://127.0.0.1:9/v2")
            .oauth_base("http://127.0.0.1:9")
            .time_source(clock.clone())
            .shared_store(Arc::clone(&store));
        let client = configure(builder).build().unwrap();
        Self {
            client,
            clock,
            store,
            zoom: Arc::clone(zoom),
        }
    }

    /// Drives one call by hand, carrying out each step, and says what it asked for.
    fn get(&self) -> (Result<(), Error>, Trace) {
        let endpoint = endpoint::get_meeting_live_stream(MeetingId::new(1));
        let mut call = self.client.call(&endpoint);
        let mut trace = Trace::default();
        let mut step = call.start();
        let result = loop {
            step = match step {
                Step::Wait(wait) => {
                    trace.waited += wait;
                    assert!(trace.waited < Duration::from_secs(120), "{trace:?}");
                    self.clock.advance(wait);
                    call.resume()
                }
                Step::Lock(single_flight) => call.locked(single_flight.lock_blocking()),
                Step::Send(request) => {
                    trace.sends += 1;
                    call.received(Ok(answer(&self.zoom, &request)))
                }
                Step::Store(op) => {
                    let name = format!("{op:?}");
                    trace
                        .stores
                        .push(name.split([' ', '(']).next().unwrap().to_owned());
                    call.stored(self.store.run(op))
                }
                Step::Done(result) => break result.map(drop),
            };
        };
        (result, trace)
    }
}

fn token_requests(zoom: &SharedZoom) -> u64 {
    zoom.lock().unwrap().token_requests
}

fn down() -> StoreError {
    StoreError::new(StoreErrorKind::Unavailable, "connection refused")
}

/// What a test replaces in [`Hooked`]: `reserve` answers instead of the memory store,
/// `before_get` runs before each read, `invalidate` answers instead.
type Reserve = Box<dyn Fn(&LimiterKey) -> Duration + Send + Sync>;
type BeforeGet = Box<dyn Fn(&MemoryStore, &TokenKey) + Send + Sync>;
type Invalidate = Box<dyn Fn() -> StoreError + Send + Sync>;

/// A `MemoryStore` a test can break: while `down` is set every operation fails, and the
/// hooks that are set change what it answers.
#[derive(Default)]
struct Hooked {
    memory: MemoryStore,
    down: AtomicBool,
    reserve: Option<Reserve>,
    before_get: Option<BeforeGet>,
    invalidate: Option<Invalidate>,
}

impl Hooked {
    /// A store that is down until told otherwise.
    fn down() -> Self {
        Self {
            down: AtomicBool::new(true),
            ..Self::default()
        }
    }

    fn check(&self) -> Result<(), StoreError> {
        if self.down.load(Ordering::SeqCst) {
            Err(down())
        } else {
            Ok(())
        }
    }
}

impl BlockingSharedStore for Hooked {
    fn run(&self, op: StoreOp) -> Result<StoreOutcome, StoreError> {
        self.check()?;
        match (op, &self.reserve, &self.invalidate) {
            (StoreOp::Reserve(key), Some(reserve), _) => Ok(StoreOutcome::Reserved(reserve(&key))),
            (StoreOp::Invalidate { .. }, _, Some(invalidate)) => Err(invalidate()),
            (StoreOp::Get(key), ..) => {
                if let Some(before_get) = &self.before_get {
                    before_get(&self.memory, &key);
                }
                self.memory.run(StoreOp::Get(key))
            }
            (op, ..) => self.memory.run(op),
        }
    }
}

#[test]
fn a_second_process_takes_the_first_ones_token_from_the_store() {
    let zoom = zoom("ref-0");
    let store: Arc<dyn BlockingSharedStore> = Arc::new(MemoryStore::new());
    let (first, second) = (
        Process::s2s(&zoom, Arc::clone(&store)),
        Process::s2s(&zoom, Arc::clone(&store)),
    );
    let (result, trace) = first.get();
    result.unwrap();
    assert_eq!(trace.stores, ["Get", "TryLock", "Get", "PutAndUnlock"]);
    let (result, trace) = second.get();
    result.unwrap();
    assert_eq!(trace.stores, ["Get"], "found in the store");
    assert_eq!(trace.sends, 1, "the API call only");
    // Each process keeps the token: later calls ask the store nothing.
    for process in [&first, &second] {
        let (result, trace) = process.get();
        result.unwrap();
        assert!(trace.stores.is_empty(), "{trace:?}");
    }
    assert_eq!(token_requests(&zoom), 1);
}

#[test]
fn without_a_store_no_store_step_comes() {
    let zoom = zoom("ref-0");
    let seen = Arc::clone(&zoom);
    let transport = FnTransport(move |request: HttpRequest| Ok(answer(&seen, &request)));
    let client = Client::builder()
        .transport(transport)
        .api_base("http://127.0.0.1:9/v2")
        .oauth_base("http://127.0.0.1:9")
        .server_to_server_oauth("acct", "cid", "secret")
        .rate_limiter(RateLimiter::per_second(10))
        .build()
        .unwrap();
    let endpoint = endpoint::get_meeting_live_stream(MeetingId::new(1));
    for _ in 0..3 {
        let mut call = client.call(&endpoint);
        let mut step = call.start();
        loop {
            step = match step {
                Step::Wait(_) => call.resume(),
                Step::Lock(single_flight) => call.locked(single_flight.lock_blocking()),
                Step::Send(request) => call.received(Ok(answer(&zoom, &request))),
                Step::Store(op) => panic!("no store configured, yet asked for {op:?}"),
                Step::Done(result) => break result.map(drop).unwrap(),
            };
        }
    }
    assert_eq!(token_requests(&zoom), 1);
}

#[test]
fn a_failing_store_leaves_the_process_on_its_own_cache_and_limiter() {
    let zoom = zoom("ref-0");
    let process = Process::with(&zoom, Arc::new(Hooked::down()), |b| {
        b.server_to_server_oauth("acct", "cid", "secret")
            .rate_limiter(RateLimiter::per_second(2).burst(1))
    });
    let mut waits = Vec::new();
    for _ in 0..3 {
        let (result, trace) = process.get();
        result.unwrap();
        waits.push(trace.waited);
    }
    assert_eq!(token_requests(&zoom), 1, "the process's own cache");
    // The local limiter paces: 2/s with no burst, on a clock that moved only by its waits.
    assert_eq!(waits[0], Duration::ZERO);
    assert!(
        waits[1..].iter().all(|w| *w == Duration::from_millis(500)),
        "{waits:?}"
    );
}

#[test]
fn calls_are_paced_on_the_shared_schedule_with_the_local_limiters_rate() {
    let zoom = zoom("ref-0");
    zoom.lock().unwrap().valid.push("tok-static".into());
    // A schedule that always answers "wait 7 s", and records what it was asked.
    let asked = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&asked);
    let schedule = Arc::new(Hooked {
        reserve: Some(Box::new(move |key: &LimiterKey| {
            record.lock().unwrap().push(key.clone());
            Duration::from_secs(7)
        })),
        ..Hooked::default()
    });
    let process = Process::with(&zoom, Arc::clone(&schedule) as _, |b| {
        b.bearer_token("tok-static")
            .rate_limiter(RateLimiter::per_second(4).burst(3))
    });
    let (result, trace) = process.get();
    result.unwrap();
    assert_eq!(trace.stores, ["Reserve"]);
    assert_eq!(trace.waited, Duration::from_secs(7), "the shared wait");
    let expected = LimiterKey::per_second("default", "light", 4).burst(3);
    assert_eq!(*asked.lock().unwrap(), [expected]);
    // Named after the Server-to-Server account unless told otherwise.
    let named = Process::with(&zoom, Arc::clone(&schedule) as _, |b| {
        b.server_to_server_oauth("acct-9", "cid", "secret")
            .rate_limiter(RateLimiter::per_second(4))
    });
    let renamed = Process::with(&zoom, Arc::clone(&schedule) as _, |b| {
        b.server_to_server_oauth("acct-9", "cid", "secret")
            .rate_limiter(RateLimiter::per_second(4))
            .shared_store_account("team-a")
    });
    named.get().0.unwrap();
    renamed.get().0.unwrap();
    let accounts: Vec<String> = asked.lock().unwrap()[1..]
        .iter()
        .map(|key| key.account.clone())
        .collect();
    assert_eq!(accounts, ["acct-9", "team-a"]);
}

#[test]
fn a_caller_polls_while_another_process_holds_the_lock_then_fetches_itself() {
    let zoom = zoom("ref-0");
    let memory = Arc::new(MemoryStore::new());
    let key = TokenKey::new("acct", "cid");
    // Another process took the lock and died: the lock outlives the wait here.
    let _held = memory.try_lock(&key, Duration::from_secs(3600)).unwrap();
    let process = Process::s2s(&zoom, memory);
    let (result, trace) = process.get();
    result.unwrap();
    assert_eq!(token_requests(&zoom), 1);
    assert!(
        trace.waited >= Duration::from_secs(15) && trace.waited < Duration::from_secs(16),
        "bounded by the wait: {trace:?}"
    );
    // Pauses of 5 ms doubling to 100 ms, each jittered to between half and all of it.
    let polls = trace.stores.iter().filter(|s| *s == "TryLock").count();
    assert!((150..=310).contains(&polls), "{polls} polls");
}

#[test]
fn a_dead_holders_lock_expires_on_the_stores_clock_and_a_poller_takes_it_over() {
    let zoom = zoom("ref-0");
    let clock = Clock::default();
    let memory = Arc::new(MemoryStore::with_time_source(clock.clone()));
    let key = TokenKey::new("acct", "cid");
    // Another process took the lock for 2 s and died; only the clock can free it.
    let _dead = memory.try_lock(&key, Duration::from_secs(2)).unwrap();
    let process = Process::on_clock(&zoom, Arc::clone(&memory) as _, clock, |b| {
        b.server_to_server_oauth("acct", "cid", "secret")
    });
    let (result, trace) = process.get();
    result.unwrap();
    assert_eq!(token_requests(&zoom), 1);
    // Polled until the lock expired on the clock both read, well before the 15 s wait.
    assert!(
        trace.waited >= Duration::from_secs(2)
            && trace.waited < Duration::from_secs(2) + Duration::from_millis(100),
        "{trace:?}"
    );
    assert_eq!(
        trace.stores[trace.stores.len() - 3..],
        ["TryLock", "Get", "PutAndUnlock"],
        "took the lock, read under it, stored its token"
    );
    let stored = memory.get(&key).expect("stored");
    assert_eq!(stored.access_token.expose_secret(), "tok-1");
    assert_eq!(stored.expires_in, Duration::from_secs(3599));
}

#[test]
fn a_poller_takes_the_token_the_lock_holder_stores() {
    let zoom = zoom("ref-0");
    let memory = MemoryStore::new();
    let key = TokenKey::new("acct", "cid");
    let held = memory.try_lock(&key, Duration::from_secs(3600)).unwrap();
    // The holder stores its token while the caller polls: on the third read.
    let (held, reads) = (Mutex::new(Some(held)), AtomicU64::new(0));
    let before_get = move |memory: &MemoryStore, key: &TokenKey| {
        if reads.fetch_add(1, Ordering::SeqCst) == 2 {
            let lock = held.lock().unwrap().take().unwrap();
            let token = StoredToken {
                access_token: "tok-other".into(),
                api_url: None,
                refresh_token: None,
                expires_in: Duration::from_secs(3599),
                lifetime: Duration::from_secs(3599),
            };
            assert!(memory.put_and_unlock(key, &token, &lock));
        }
    };
    zoom.lock().unwrap().valid.push("tok-other".into());
    let store = Hooked {
        memory,
        before_get: Some(Box::new(before_get)),
        ..Hooked::default()
    };
    let process = Process::s2s(&zoom, Arc::new(store));
    let (result, trace) = process.get();
    result.unwrap();
    assert_eq!(token_requests(&zoom), 0, "{trace:?}");
    assert_eq!(trace.stores, ["Get", "TryLock", "Get", "TryLock", "Get"]);
    assert!(trace.waited < Duration::from_millis(100), "{trace:?}");
}

#[test]
fn a_rejected_token_is_dropped_from_the_store_once_and_refreshed_once() {
    let zoom = zoom("ref-0");
    let store: Arc<dyn BlockingSharedStore> = Arc::new(MemoryStore::new());
    let (a, b) = (
        Process::s2s(&zoom, Arc::clone(&store)),
        Process::s2s(&zoom, Arc::clone(&store)),
    );
    a.get().0.unwrap();
    b.get().0.unwrap();
    assert_eq!(token_requests(&zoom), 1);
    // Zoom revokes every token: both processes hold the same dead one.
    zoom.lock().unwrap().valid.clear();
    let (result, trace) = a.get();
    result.unwrap();
    assert_eq!(
        trace.stores,
        ["Invalidate", "Get", "TryLock", "Get", "PutAndUnlock"]
    );
    let (result, trace) = b.get();
    result.unwrap();
    // The store holds a's new token: b's invalidation of the old one changes nothing.
    assert_eq!(trace.stores, ["Invalidate", "Get"]);
    assert_eq!(token_requests(&zoom), 2);
}

#[test]
fn user_oauth_refreshes_with_the_stored_newest_refresh_token_and_stores_the_next() {
    let zoom = zoom("ref-0");
    let memory = Arc::new(MemoryStore::new());
    let user = |store: Arc<MemoryStore>| {
        Process::with(&zoom, store, |b| {
            b.user_oauth(UserOAuth::new("cid", "secret", "ref-0"))
        })
    };
    let (a, b) = (user(Arc::clone(&memory)), user(Arc::clone(&memory)));
    a.get().0.unwrap();
    let key = TokenKey::new("user", "cid");
    let stored = memory.get(&key).unwrap();
    assert_eq!(stored.refresh_token.unwrap().expose_secret(), "ref-1");
    // a's token is rejected: a refreshes with ref-1, the one it got.
    zoom.lock().unwrap().valid.clear();
    a.get().0.unwrap();
    // b was configured with ref-0, long dead; its token expires from the store.
    memory.invalidate(&key, &"tok-2".into());
    b.get().0.unwrap();
    let sent = zoom.lock().unwrap().refresh_tokens_sent.clone();
    assert_eq!(sent, ["ref-0", "ref-1", "ref-2"], "never a stale one");
    let stored = memory.get(&key).unwrap();
    assert_eq!(stored.refresh_token.unwrap().expose_secret(), "ref-3");
}

#[test]
fn a_call_driven_with_a_store_outcome_where_none_was_asked_for_ends_with_a_misuse() {
    let zoom = zoom("ref-0");
    let process = Process::s2s(&zoom, Arc::new(MemoryStore::new()));
    let endpoint = endpoint::get_meeting_live_stream(MeetingId::new(1));
    let mut call = process.client.call(&endpoint);
    assert!(matches!(call.start(), Step::Lock(_)));
    let Step::Done(Err(error)) = call.stored(Err(down())) else {
        panic!("a store outcome where a lock was asked for ends the call")
    };
    assert!(error.to_string().contains("`stored`"), "{error}");
    assert_eq!(error.kind(), zoom_core::ErrorKind::Misuse);
    let misuse = error.misuse().unwrap();
    assert_eq!(
        (misuse.called(), misuse.expected()),
        ("stored", Some("locked"))
    );
}

#[test]
fn a_rejected_token_still_in_the_store_is_not_taken_again() {
    let zoom = zoom("ref-0");
    // A store that loses every invalidation (a timeout, say) and does the rest.
    let store = Hooked {
        invalidate: Some(Box::new(|| {
            StoreError::new(StoreErrorKind::Timeout, "no answer in time")
        })),
        ..Hooked::default()
    };
    let process = Process::s2s(&zoom, Arc::new(store));
    process.get().0.unwrap();
    zoom.lock().unwrap().valid.clear();
    let (result, trace) = process.get();
    result.expect("refreshed once, with a new token");
    assert_eq!(
        trace.stores,
        ["Invalidate", "Get", "TryLock", "Get", "PutAndUnlock"]
    );
    assert_eq!(token_requests(&zoom), 2);
}

/// The messages of the events logged, with their level.
#[derive(Clone, Default)]
struct Logged(Arc<Mutex<Vec<(tracing::Level, String)>>>);

impl tracing::Subscriber for Logged {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Message(String);
        impl tracing::field::Visit for Message {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" {
                    self.0 = format!("{value:?}");
                }
            }
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        let level = *event.metadata().level();
        self.0.lock().unwrap().push((level, message.0));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn an_outage_is_logged_once_and_its_end_once() {
    let zoom = zoom("ref-0");
    let store = Arc::new(Hooked::down());
    let process = Process::with(&zoom, Arc::clone(&store) as _, |b| {
        b.server_to_server_oauth("acct", "cid", "secret")
            .rate_limiter(RateLimiter::per_second(1000))
    });
    let logged = Logged::default();
    tracing::subscriber::with_default(logged.clone(), || {
        for _ in 0..5 {
            process.get().0.unwrap();
        }
        store.down.store(false, Ordering::SeqCst);
        for _ in 0..3 {
            process.get().0.unwrap();
        }
    });
    let events = logged.0.lock().unwrap().clone();
    let count = |level: tracing::Level, text: &str| {
        events
            .iter()
            .filter(|(l, m)| *l == level && m.contains(text))
            .count()
    };
    assert_eq!(
        count(tracing::Level::WARN, "shared store unavailable"),
        1,
        "{events:?}"
    );
    assert_eq!(
        count(tracing::Level::INFO, "shared store reachable again"),
        1,
        "{events:?}"
    );
    assert_eq!(
        token_requests(&zoom),
        1,
        "the process's own token throughout"
    );
}
