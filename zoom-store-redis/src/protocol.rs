//! The wire protocol, sans-IO: key names, the Lua scripts, and how their answers are read.
//! The async and the blocking store run the same [`Op`]s.

use std::sync::LazyLock;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use redis::{Cmd, RedisError, Script, ScriptInvocation, Value, from_redis_value};
use zoom_core::SecretString;
use zoom_core::store::{
    ClaimKey, LeaseOwner, LimiterKey, StoreError, StoreErrorKind, StoreOp, StoreOutcome,
    StoredRecord, StoredToken, TargetKey, TokenKey, TokenLock,
};

/// What a key component keeps unencoded; `{`, `}` and `:` are always encoded, so a name can
/// neither break out of its hash tag nor forge another key.
const KEY_PART: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

fn part(value: &str) -> percent_encoding::PercentEncode<'_> {
    utf8_percent_encode(value, KEY_PART)
}

/// `{prefix}:{account}:limit:{label}`; the braces make the account a Redis Cluster hash tag,
/// so all of an account's keys live on one node.
pub(crate) fn limiter_key(prefix: &str, key: &LimiterKey) -> String {
    format!(
        "{}:{{{}}}:limit:{}",
        part(prefix),
        part(&key.account),
        part(&key.label)
    )
}

/// `{prefix}:{account}:token:{client_id}`: public identifiers only, never a secret.
pub(crate) fn token_key(prefix: &str, key: &TokenKey) -> String {
    format!(
        "{}:{{{}}}:token:{}",
        part(prefix),
        part(&key.account),
        part(&key.client_id)
    )
}

/// The refresh lock beside its token.
pub(crate) fn lock_key(prefix: &str, key: &TokenKey) -> String {
    format!("{}:lock", token_key(prefix, key))
}

/// `{prefix}:{scope}:autopilot:{target}`: the start of a target's keys (its record, lease
/// and claims), the scope as hash tag.
fn target_base(prefix: &str, key: &TargetKey) -> String {
    format!(
        "{}:{{{}}}:autopilot:{}",
        part(prefix),
        part(&key.scope),
        part(&key.target)
    )
}

/// A target's record: a hash of `version` and `data`.
pub(crate) fn record_key(prefix: &str, key: &TargetKey) -> String {
    format!("{}:record", target_base(prefix, key))
}

/// A target's lease: the holder's owner value, expiring with the lease.
pub(crate) fn lease_key(prefix: &str, key: &TargetKey) -> String {
    format!("{}:lease", target_base(prefix, key))
}

/// The claim of one event about a target.
pub(crate) fn claim_key(prefix: &str, key: &ClaimKey) -> String {
    format!(
        "{}:claim:{}",
        target_base(prefix, &key.target),
        part(&key.event)
    )
}

/// GCRA (virtual scheduling) on Redis's clock: the key holds the theoretical arrival time of
/// the next call in microseconds. One call reserves one slot and answers `{wait, allowed_at}`
/// in microseconds. The key expires once the schedule has caught up with the clock, when
/// it would mean the same as no key.
const RESERVE: &str = r"
if redis.replicate_commands then redis.replicate_commands() end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local allowed_at = tat - interval * (burst - 1)
if allowed_at < now then allowed_at = now end
local next_tat = tat + interval
local ttl_ms = math.floor((next_tat - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', ttl_ms)
return {allowed_at - now, allowed_at}
";

/// The stored token and what is left of its lifetime, on Redis's clock:
/// `{access_token, api_url, refresh_token, remaining_ms, lifetime_ms}` or nil.
const GET: &str = r"
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local v = redis.call('HMGET', KEYS[1], 'access_token', 'api_url', 'refresh_token', 'expires_at', 'lifetime_ms')
if not v[1] then return false end
local remaining = (tonumber(v[4]) or 0) - now
if remaining < 0 then remaining = 0 end
return {v[1], v[2] or '', v[3] or '', remaining, tonumber(v[5]) or 0}
";

/// Writes the token (access and refresh token in one step) unless a newer one is stored
/// while the lock is no longer ours, then releases the lock if it is still ours.
/// KEYS: token, lock. ARGV: owner, access_token, api_url, refresh_token ('' = keep),
/// expires_in_ms (what is left), lifetime_ms (as issued). Answers `{written, released}`.
const PUT_AND_UNLOCK: &str = r"
if redis.replicate_commands then redis.replicate_commands() end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local left = tonumber(ARGV[5])
local lifetime = tonumber(ARGV[6])
local expires_at = now + left
local ours = redis.call('GET', KEYS[2]) == ARGV[1]
local stored = tonumber(redis.call('HGET', KEYS[1], 'expires_at'))
local written = 0
if ours or not stored or stored <= expires_at then
  redis.call('HSET', KEYS[1], 'access_token', ARGV[2], 'api_url', ARGV[3],
    'expires_at', string.format('%.0f', expires_at), 'lifetime_ms', string.format('%.0f', lifetime))
  if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'refresh_token', ARGV[4]) end
  if redis.call('HEXISTS', KEYS[1], 'refresh_token') == 1 then
    redis.call('PERSIST', KEYS[1])
  else
    redis.call('PEXPIRE', KEYS[1], math.max(1, left))
  end
  written = 1
end
local released = 0
if ours then released = redis.call('DEL', KEYS[2]) end
return {written, released}
";

/// Compare and delete: releases the lock only if it still holds our owner value.
const UNLOCK: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

/// Marks the token expired if it is still the rejected one; the refresh token stays.
const INVALIDATE: &str = r"
if redis.call('HGET', KEYS[1], 'access_token') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'expires_at', '0')
  return 1
end
return 0
";

/// Takes the lease if it is free, or renews it if it is already ours. KEYS: lease. ARGV:
/// owner, ttl_ms. Answers 1 when we hold it now, 0 when another does.
const LEASE: &str = r"
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
";

/// Writes the record if its version is still the expected one (0: none), raising it by
/// one. KEYS: record. ARGV: expected, data, ttl_ms. Answers the new version, or -1 when
/// another writer came first.
const PUT_RECORD: &str = r"
local version = tonumber(redis.call('HGET', KEYS[1], 'version')) or 0
if version ~= tonumber(ARGV[1]) then return -1 end
version = version + 1
redis.call('HSET', KEYS[1], 'version', string.format('%.0f', version), 'data', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return version
";

// Compiled (hashed) once; sent as EVALSHA, and loaded by the driver on a NOSCRIPT answer.
static RESERVE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(RESERVE));
static GET_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(GET));
static PUT_AND_UNLOCK_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(PUT_AND_UNLOCK));
static UNLOCK_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(UNLOCK));
static INVALIDATE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(INVALIDATE));
static LEASE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(LEASE));
static PUT_RECORD_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(PUT_RECORD));

/// One round trip: a script (EVALSHA, loaded on first use) or a plain command.
pub(crate) enum Op {
    Script(ScriptInvocation<'static>),
    Cmd(Cmd),
}

/// How to read the answer to the round trip of a [`StoreOp`].
pub(crate) enum Reply {
    Reserved,
    Token,
    /// The lock asked for, with the owner value written.
    Locked(TokenLock),
    PutAndUnlocked,
    Unlocked,
    Invalidated,
    Claimed,
    Leased,
    Record,
    RecordPut,
}

/// A [`StoreOp`] as one round trip, and how to read its answer: what both stores' `run`
/// does, sans-IO. An operation this crate does not know is [`StoreError::unsupported`].
pub(crate) fn prepare(prefix: &str, op: StoreOp) -> Result<(Op, Reply), StoreError> {
    Ok(match op {
        StoreOp::Reserve(key) => (reserve(prefix, &key), Reply::Reserved),
        StoreOp::Get(key) => (get(prefix, &key), Reply::Token),
        StoreOp::TryLock { key, ttl } => {
            let proof = TokenLock::random();
            (try_lock(prefix, &key, &proof, ttl), Reply::Locked(proof))
        }
        StoreOp::PutAndUnlock { key, token, lock } => (
            put_and_unlock(prefix, &key, &token, &lock),
            Reply::PutAndUnlocked,
        ),
        StoreOp::Unlock { key, lock } => (unlock(prefix, &key, &lock), Reply::Unlocked),
        StoreOp::Invalidate { key, access_token } => {
            (invalidate(prefix, &key, &access_token), Reply::Invalidated)
        }
        StoreOp::Claim { key, ttl } => (claim(prefix, &key, ttl), Reply::Claimed),
        StoreOp::Lease { key, owner, ttl } => (lease(prefix, &key, &owner, ttl), Reply::Leased),
        StoreOp::Release { key, owner } => (release(prefix, &key, &owner), Reply::Unlocked),
        StoreOp::GetRecord(key) => (get_record(prefix, &key), Reply::Record),
        StoreOp::PutRecord {
            key,
            expected,
            data,
            ttl,
        } => (
            put_record(prefix, &key, expected, &data, ttl),
            Reply::RecordPut,
        ),
        other => return Err(StoreError::unsupported(&other)),
    })
}

impl Reply {
    /// The outcome the answer `value` says.
    pub(crate) fn read(self, value: Value) -> Result<StoreOutcome, RedisError> {
        Ok(match self {
            Reply::Reserved => {
                StoreOutcome::Reserved(read_reservation(from_redis_value(value)?).wait)
            }
            Reply::Token => StoreOutcome::Token(read_entry(from_redis_value(value)?)),
            Reply::Locked(proof) => {
                StoreOutcome::Locked(read_lock(from_redis_value(value)?, proof))
            }
            Reply::PutAndUnlocked => StoreOutcome::Unlocked(read_put(from_redis_value(value)?)),
            Reply::Unlocked => StoreOutcome::Unlocked(read_released(from_redis_value(value)?)),
            Reply::Invalidated => {
                from_redis_value::<i64>(value)?;
                StoreOutcome::Invalidated
            }
            Reply::Claimed => {
                StoreOutcome::Claimed(from_redis_value::<Option<String>>(value)?.is_some())
            }
            Reply::Leased => StoreOutcome::Leased(from_redis_value::<i64>(value)? == 1),
            Reply::Record => StoreOutcome::Record(read_record(from_redis_value(value)?)),
            Reply::RecordPut => {
                let version = from_redis_value::<i64>(value)?;
                StoreOutcome::RecordPut(u64::try_from(version).ok().filter(|v| *v > 0))
            }
        })
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

pub(crate) fn reserve(prefix: &str, key: &LimiterKey) -> Op {
    let mut call = RESERVE_SCRIPT.prepare_invoke();
    call.key(limiter_key(prefix, key))
        .arg(micros(key.interval).max(1))
        .arg(key.burst.max(1));
    Op::Script(call)
}

/// A reservation on the shared schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    /// How long to wait before making the call.
    pub wait: Duration,
    /// When the call may go, in microseconds since the Unix epoch on Redis's clock (the
    /// clock every process shares; useful to check a schedule without trusting local time).
    pub allowed_at_us: u64,
}

pub(crate) fn read_reservation((wait, at): (i64, i64)) -> Reservation {
    Reservation {
        wait: Duration::from_micros(u64::try_from(wait).unwrap_or(0)),
        allowed_at_us: u64::try_from(at).unwrap_or(0),
    }
}

pub(crate) fn get(prefix: &str, key: &TokenKey) -> Op {
    let mut call = GET_SCRIPT.prepare_invoke();
    call.key(token_key(prefix, key));
    Op::Script(call)
}

pub(crate) type RawEntry = Option<(String, String, String, i64, i64)>;

pub(crate) fn read_entry(raw: RawEntry) -> Option<StoredToken> {
    let (access, api_url, refresh, remaining, lifetime) = raw?;
    let non_empty = |s: String| (!s.is_empty()).then_some(s);
    let ms = |v: i64| Duration::from_millis(u64::try_from(v).unwrap_or(0));
    Some(StoredToken {
        access_token: SecretString::new(access),
        api_url: non_empty(api_url),
        refresh_token: non_empty(refresh).map(SecretString::new),
        expires_in: ms(remaining),
        lifetime: ms(lifetime),
    })
}

pub(crate) fn try_lock(prefix: &str, key: &TokenKey, proof: &TokenLock, ttl: Duration) -> Op {
    let mut cmd = redis::cmd("SET");
    cmd.arg(lock_key(prefix, key))
        .arg(proof.owner())
        .arg("NX")
        .arg("PX")
        .arg(millis(ttl).max(1));
    Op::Cmd(cmd)
}

/// `SET NX` answers `OK` when it took the lock, nil when it was held.
pub(crate) fn read_lock(taken: Option<String>, proof: TokenLock) -> Option<TokenLock> {
    taken.map(|_| proof)
}

pub(crate) fn put_and_unlock(
    prefix: &str,
    key: &TokenKey,
    token: &StoredToken,
    proof: &TokenLock,
) -> Op {
    let mut call = PUT_AND_UNLOCK_SCRIPT.prepare_invoke();
    call.key(token_key(prefix, key))
        .key(lock_key(prefix, key))
        .arg(proof.owner())
        .arg(token.access_token.expose_secret())
        .arg(token.api_url.as_deref().unwrap_or(""))
        .arg(
            token
                .refresh_token
                .as_ref()
                .map_or("", |t| t.expose_secret()),
        )
        .arg(millis(token.expires_in))
        .arg(millis(token.lifetime));
    Op::Script(call)
}

/// The put script answers `{written, released}`.
pub(crate) fn read_put((_written, released): (i64, i64)) -> bool {
    released == 1
}

pub(crate) fn unlock(prefix: &str, key: &TokenKey, proof: &TokenLock) -> Op {
    let mut call = UNLOCK_SCRIPT.prepare_invoke();
    call.key(lock_key(prefix, key)).arg(proof.owner());
    Op::Script(call)
}

/// Compare and delete answers how many keys it deleted.
pub(crate) fn read_released(deleted: i64) -> bool {
    deleted == 1
}

pub(crate) fn invalidate(prefix: &str, key: &TokenKey, access_token: &SecretString) -> Op {
    let mut call = INVALIDATE_SCRIPT.prepare_invoke();
    call.key(token_key(prefix, key))
        .arg(access_token.expose_secret());
    Op::Script(call)
}

/// `SET claim 1 NX PX ttl`: answers `OK` to the one caller that got it, nil to the others.
pub(crate) fn claim(prefix: &str, key: &ClaimKey, ttl: Duration) -> Op {
    let mut cmd = redis::cmd("SET");
    cmd.arg(claim_key(prefix, key))
        .arg(1)
        .arg("NX")
        .arg("PX")
        .arg(millis(ttl).max(1));
    Op::Cmd(cmd)
}

pub(crate) fn lease(prefix: &str, key: &TargetKey, owner: &LeaseOwner, ttl: Duration) -> Op {
    let mut call = LEASE_SCRIPT.prepare_invoke();
    call.key(lease_key(prefix, key))
        .arg(owner.as_str())
        .arg(millis(ttl).max(1));
    Op::Script(call)
}

/// Compare and delete, as for the token lock.
pub(crate) fn release(prefix: &str, key: &TargetKey, owner: &LeaseOwner) -> Op {
    let mut call = UNLOCK_SCRIPT.prepare_invoke();
    call.key(lease_key(prefix, key)).arg(owner.as_str());
    Op::Script(call)
}

/// `HMGET record version data`: one round trip, nothing to keep atomic.
pub(crate) fn get_record(prefix: &str, key: &TargetKey) -> Op {
    let mut cmd = redis::cmd("HMGET");
    cmd.arg(record_key(prefix, key)).arg("version").arg("data");
    Op::Cmd(cmd)
}

/// Both fields, or neither (no record, or it expired).
pub(crate) fn read_record((version, data): (Option<u64>, Option<String>)) -> Option<StoredRecord> {
    Some(StoredRecord {
        version: version.filter(|v| *v > 0)?,
        data: data?,
    })
}

pub(crate) fn put_record(
    prefix: &str,
    key: &TargetKey,
    expected: u64,
    data: &str,
    ttl: Duration,
) -> Op {
    let mut call = PUT_RECORD_SCRIPT.prepare_invoke();
    call.key(record_key(prefix, key))
        .arg(expected)
        .arg(data)
        .arg(millis(ttl).max(1));
    Op::Script(call)
}

/// Maps a driver error to a [`StoreError`] naming `url` (shown without password) and
/// whose text never holds `password`.
pub(crate) fn store_error(
    error: &redis::RedisError,
    url: &str,
    password: Option<&SecretString>,
) -> StoreError {
    use redis::ErrorKind as K;
    let kind = if error.is_timeout() {
        StoreErrorKind::Timeout
    } else if error.is_io_error() || error.is_connection_refusal() || error.is_connection_dropped()
    {
        StoreErrorKind::Unavailable
    } else {
        match error.kind() {
            K::AuthenticationFailed | K::Server(redis::ServerErrorKind::NoPerm) => {
                StoreErrorKind::Rejected
            }
            K::InvalidClientConfig => StoreErrorKind::Config,
            K::Server(
                redis::ServerErrorKind::BusyLoading
                | redis::ServerErrorKind::TryAgain
                | redis::ServerErrorKind::MasterDown
                | redis::ServerErrorKind::ClusterDown,
            ) => StoreErrorKind::Unavailable,
            K::Server(redis::ServerErrorKind::ReadOnly) => StoreErrorKind::Rejected,
            _ => StoreErrorKind::Protocol,
        }
    };
    StoreError::new(kind, redact(&format!("{url}: {error}"), password))
}

/// Replaces every occurrence of the password, belt and braces.
pub(crate) fn redact(text: &str, password: Option<&SecretString>) -> String {
    match password.map(SecretString::expose_secret) {
        Some(secret) if !secret.is_empty() => text.replace(secret, "[redacted]"),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_keep_each_part_inside_its_place() {
        let key = LimiterKey::per_second("acc}t:x", "light", 10);
        assert_eq!(limiter_key("zoom", &key), "zoom:{acc%7Dt%3Ax}:limit:light");
        let token = TokenKey::new("A-b_c.1", "client id");
        assert_eq!(
            token_key("zoom", &token),
            "zoom:{A-b_c.1}:token:client%20id"
        );
        assert_eq!(
            lock_key("zoom", &token),
            "zoom:{A-b_c.1}:token:client%20id:lock"
        );
    }

    #[test]
    fn odd_answers_read_as_no_wait_and_no_time() {
        let r = read_reservation((-5, -1));
        assert_eq!((r.wait, r.allowed_at_us), (Duration::ZERO, 0));
        let token = read_entry(Some(("a".into(), String::new(), String::new(), -3, -1))).unwrap();
        assert_eq!(
            (token.expires_in, token.lifetime),
            (Duration::ZERO, Duration::ZERO)
        );
        assert_eq!((token.api_url, token.refresh_token), (None, None));
    }

    #[test]
    fn every_operation_is_one_round_trip_read_into_its_outcome() {
        let key = TokenKey::new("acct", "client");
        let lock = TokenLock::random();
        let ops = [
            StoreOp::Reserve(LimiterKey::per_second("acct", "light", 1)),
            StoreOp::Get(key.clone()),
            StoreOp::TryLock {
                key: key.clone(),
                ttl: Duration::from_secs(1),
            },
            StoreOp::PutAndUnlock {
                key: key.clone(),
                token: read_entry(Some(("a".into(), String::new(), String::new(), 1, 1))).unwrap(),
                lock: lock.clone(),
            },
            StoreOp::Unlock {
                key: key.clone(),
                lock,
            },
            StoreOp::Invalidate {
                key,
                access_token: "a".into(),
            },
        ];
        let answers = [
            Value::Array(vec![Value::Int(5), Value::Int(7)]),
            Value::Nil,
            Value::Okay,
            Value::Array(vec![Value::Int(1), Value::Int(1)]),
            Value::Int(0),
            Value::Int(1),
        ];
        let mut outcomes = Vec::new();
        for (op, answer) in ops.into_iter().zip(answers) {
            let (_, reply) = prepare("zoom", op).unwrap();
            outcomes.push(format!("{:?}", reply.read(answer).unwrap()));
        }
        assert_eq!(outcomes[0], "Reserved(5µs)");
        assert_eq!(outcomes[1], "Token(None)");
        assert!(outcomes[2].starts_with("Locked(Some("), "{}", outcomes[2]);
        assert_eq!(
            outcomes[3..],
            ["Unlocked(true)", "Unlocked(false)", "Invalidated"]
        );
    }

    #[test]
    fn an_answer_of_the_wrong_shape_is_an_error_not_a_panic() {
        for reply in [
            Reply::Reserved,
            Reply::Token,
            Reply::PutAndUnlocked,
            Reply::Unlocked,
        ] {
            let garbled = Value::SimpleString("garbled".into());
            assert!(reply.read(garbled).is_err());
        }
    }

    #[test]
    fn the_autopilots_operations_are_one_round_trip_each() {
        let target = TargetKey::new("acct", "meeting:1");
        assert_eq!(
            record_key("zoom", &target),
            "zoom:{acct}:autopilot:meeting%3A1:record"
        );
        assert_eq!(
            claim_key("zoom", &target.claim("meeting.started:5")),
            "zoom:{acct}:autopilot:meeting%3A1:claim:meeting.started%3A5"
        );
        let owner = LeaseOwner::random();
        let hour = Duration::from_secs(3600);
        let cases = [
            (
                StoreOp::Claim {
                    key: target.claim("e"),
                    ttl: hour,
                },
                Value::Okay,
                "Claimed(true)",
            ),
            (
                StoreOp::Claim {
                    key: target.claim("e"),
                    ttl: hour,
                },
                Value::Nil,
                "Claimed(false)",
            ),
            (
                StoreOp::Lease {
                    key: target.clone(),
                    owner: owner.clone(),
                    ttl: hour,
                },
                Value::Int(0),
                "Leased(false)",
            ),
            (
                StoreOp::Release {
                    key: target.clone(),
                    owner,
                },
                Value::Int(1),
                "Unlocked(true)",
            ),
            (
                StoreOp::GetRecord(target.clone()),
                Value::Array(vec![Value::Nil, Value::Nil]),
                "Record(None)",
            ),
            (
                StoreOp::GetRecord(target.clone()),
                Value::Array(vec![
                    Value::BulkString(b"3".to_vec()),
                    Value::BulkString(b"{}".to_vec()),
                ]),
                "Record(Some(StoredRecord { version: 3, data: \"{}\" }))",
            ),
            (
                StoreOp::PutRecord {
                    key: target.clone(),
                    expected: 3,
                    data: "{}".into(),
                    ttl: hour,
                },
                Value::Int(4),
                "RecordPut(Some(4))",
            ),
            (
                StoreOp::PutRecord {
                    key: target,
                    expected: 3,
                    data: "{}".into(),
                    ttl: hour,
                },
                Value::Int(-1),
                "RecordPut(None)",
            ),
        ];
        for (op, answer, expected) in cases {
            let (_, reply) = prepare("zoom", op).unwrap();
            assert_eq!(format!("{:?}", reply.read(answer).unwrap()), expected);
        }
        for reply in [Reply::Leased, Reply::Record, Reply::RecordPut] {
            assert!(reply.read(Value::SimpleString("garbled".into())).is_err());
        }
    }

    #[test]
    fn errors_never_show_the_password() {
        let secret = SecretString::new("s3cret");
        assert_eq!(
            redact("auth s3cret failed at redis://u:s3cret@h", Some(&secret)),
            "auth [redacted] failed at redis://u:[redacted]@h"
        );
    }
}
