//! Stampede protection for `get_or_set` (see `docs/stampede.md`): not Django behaviour, an
//! edgecache extension that leaves Django's results unchanged for sequential callers.
//!
//! - **Coalescing** (always on): concurrent misses of one full key in one process share one
//!   computation. The first caller (the leader) computes; the others wait on an in-flight
//!   entry (wakers, no executor) and get its result. If the leader fails or is dropped, one
//!   of the waiters computes instead.
//! - **Cross-process lock** (`OPTIONS['STAMPEDE_LOCK_TIMEOUT']`, seconds): the leader takes a
//!   lock entry with the backend's atomic `add`. A caller that finds it held polls the key
//!   every `STAMPEDE_LOCK_POLL` seconds with the sleep its runtime supplies, until the value
//!   appears or the lock timeout has passed, then computes anyway. A runtime with no sleep
//!   computes at once.
//! - **Jitter** (`OPTIONS['TIMEOUT_JITTER']`, a fraction in `[0, 1)`): the timeout of a value
//!   `get_or_set` writes is shortened by a random fraction up to that much, so entries written
//!   together do not expire together. Never longer than asked.
//! - **Stale-while-revalidate** (`OPTIONS['STALE_GRACE']`, seconds): `get_or_set` stores an
//!   envelope `("edgecache.swr", value, fresh_until)` kept `STALE_GRACE` seconds past its
//!   timeout; during that grace the stale value is served while exactly one caller refreshes.

use crate::cache::Cache;
use crate::error::CacheError;
use crate::expiry::Timeout;
use crate::key::Key;
use crate::literal::Node;
use crate::options::Options;
use crate::python;
use crate::settings::{SettingsError, node_value};
use crate::stats::StampedeStats;
use crate::sync::Mutex;
use crate::text::fill;
use crate::value::Value;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicU64, Ordering};
use core::task::{Context, Poll, Waker};

/// The first item of a stale-while-revalidate envelope.
pub const ENVELOPE_TAG: &str = "edgecache.swr";

/// The suffix of a lock entry's raw key (`<raw key>` + this), same version.
pub const LOCK_SUFFIX: &str = ":edgecache-lock";

/// Stampede protection's settings for one alias, from `OPTIONS`.
#[derive(Debug, Clone, PartialEq)]
pub struct StampedeConfig {
    /// `STAMPEDE_LOCK_TIMEOUT`: seconds a cross-process lock entry lives; `None`: no lock.
    pub lock_timeout: Option<f64>,
    /// `STAMPEDE_LOCK_POLL`: seconds between polls while another process holds the lock.
    pub lock_poll: f64,
    /// `TIMEOUT_JITTER`: the largest fraction of a timeout that may be taken off.
    pub jitter: f64,
    /// `STALE_GRACE`: seconds a stale value may be served while one caller refreshes.
    pub stale_grace: Option<f64>,
    /// `JITTER_SEED`: the random generator's seed; `None` seeds it from the clock.
    pub seed: Option<u64>,
}

impl Default for StampedeConfig {
    fn default() -> Self {
        Self {
            lock_timeout: None,
            lock_poll: 0.05,
            jitter: 0.0,
            stale_grace: None,
            seed: None,
        }
    }
}

/// The option names this module reads.
pub const OPTION_NAMES: [&str; 5] = [
    "STAMPEDE_LOCK_TIMEOUT",
    "STAMPEDE_LOCK_POLL",
    "TIMEOUT_JITTER",
    "STALE_GRACE",
    "JITTER_SEED",
];

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// Checks one of [`OPTION_NAMES`] at load time: an error names the alias, the field and the
/// value. Other names are not this module's and pass.
pub fn check_option(alias: &str, name: &str, node: &Node) -> Result<(), SettingsError> {
    let value = node_value(node);
    let problem = match name {
        "STAMPEDE_LOCK_TIMEOUT" | "STAMPEDE_LOCK_POLL" | "STALE_GRACE" => match number(&value) {
            Some(n) if n.is_finite() && n > 0.0 => None,
            _ => Some("must be a number of seconds greater than 0"),
        },
        "TIMEOUT_JITTER" => match number(&value) {
            Some(n) if (0.0..1.0).contains(&n) => None,
            _ => Some(
                "must be a fraction of the timeout, at least 0 and below 1 (0.1 = up to 10% shorter)",
            ),
        },
        "JITTER_SEED" => match value {
            Value::Int(i) if i >= 0 && i <= u64::MAX as i128 => None,
            _ => Some("must be a non-negative int"),
        },
        _ => None,
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(SettingsError {
            alias: Some(alias.to_string()),
            field: Some(fill("OPTIONS.{}", &[name])),
            value: Some(python::repr(&value)),
            line: Some(node.line),
            message: fill("{} {}", &[name, problem]),
        }),
    }
}

impl StampedeConfig {
    /// Reads the options (already checked by [`check_option`] when the settings were parsed).
    pub fn from_options(options: &[(String, Value)]) -> Self {
        let mut config = Self::default();
        for (name, value) in options {
            match (name.as_str(), number(value)) {
                ("STAMPEDE_LOCK_TIMEOUT", Some(n)) if n > 0.0 => config.lock_timeout = Some(n),
                ("STAMPEDE_LOCK_POLL", Some(n)) if n > 0.0 => config.lock_poll = n,
                ("TIMEOUT_JITTER", Some(n)) if (0.0..1.0).contains(&n) => config.jitter = n,
                ("STALE_GRACE", Some(n)) if n > 0.0 => config.stale_grace = Some(n),
                ("JITTER_SEED", _) => {
                    if let Value::Int(i) = value {
                        config.seed = u64::try_from(*i).ok();
                    }
                }
                _ => {}
            }
        }
        config
    }
}

/// A sleep the runtime supplies to lock waiters.
pub trait Sleep {
    /// Waits about `seconds`; resolves to `false` when this runtime cannot sleep (the waiter
    /// then computes at once).
    fn sleep(&self, seconds: f64) -> impl Future<Output = bool>;
}

/// No sleep: lock waiters compute at once (or serve a stale value).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSleep;

impl Sleep for NoSleep {
    fn sleep(&self, _seconds: f64) -> impl Future<Output = bool> {
        core::future::ready(false)
    }
}

#[derive(Debug, Default)]
struct FlightState {
    /// `Some(Some(value))`: the leader's value; `Some(None)`: the leader failed.
    result: Option<Option<Value>>,
    wakers: Vec<Waker>,
}

#[derive(Debug, Default)]
struct Flight(Mutex<FlightState>);

impl Flight {
    fn finish(&self, result: Option<Value>) {
        let wakers = {
            let mut state = self.0.lock();
            state.result = Some(result);
            core::mem::take(&mut state.wakers)
        };
        for waker in wakers {
            waker.wake();
        }
    }
}

/// Waits for a leader's result.
struct Wait(Arc<Flight>);

impl Future for Wait {
    type Output = Option<Value>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.0.0.lock();
        if let Some(result) = &state.result {
            return Poll::Ready(result.clone());
        }
        if !state.wakers.iter().any(|w| w.will_wake(cx.waker())) {
            state.wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

#[derive(Debug, Default)]
struct Counters {
    computed: AtomicU64,
    coalesced: AtomicU64,
    stale_served: AtomicU64,
    lock_waits: AtomicU64,
    lock_timeouts: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// One alias's stampede state: its settings, the in-flight registry, the jitter generator
/// and the counters.
#[derive(Debug)]
pub(crate) struct Stampede {
    config: StampedeConfig,
    /// The alias's default `TIMEOUT` in seconds (`None`: never expires).
    default_timeout: Option<f64>,
    /// Full key → its flight. Only misses being computed right now are here, so a list is
    /// short (and smaller in wasm than a map).
    flights: Mutex<Vec<(String, Arc<Flight>)>>,
    rng: AtomicU64,
    counters: Counters,
    /// Whether waiters poll the in-flight entry instead of being woken (`wait_by_polling`).
    polling: core::sync::atomic::AtomicBool,
}

impl Stampede {
    /// State for an alias; `seed` seeds the jitter unless `JITTER_SEED` is set.
    pub(crate) fn new(config: StampedeConfig, default_timeout: Option<f64>, seed: u64) -> Self {
        let seed = config.seed.unwrap_or(seed);
        Self {
            config,
            default_timeout,
            flights: Mutex::new(Vec::new()),
            rng: AtomicU64::new(seed),
            counters: Counters::default(),
            polling: core::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The settings in force.
    pub(crate) fn config(&self) -> &StampedeConfig {
        &self.config
    }

    /// Makes waiters poll (every `STAMPEDE_LOCK_POLL` seconds, with the runtime's sleep)
    /// instead of being woken by the leader: for runtimes where one request must not resume
    /// another's task (workerd). Without a sleep, they then compute as Django would.
    pub(crate) fn set_polling(&self, polling: bool) {
        self.polling.store(polling, Ordering::Relaxed);
    }

    fn polls(&self) -> bool {
        self.polling.load(Ordering::Relaxed)
    }

    /// Reseeds the jitter generator (a runtime with a better random source calls this).
    pub(crate) fn reseed(&self, seed: u64) {
        self.rng.store(seed, Ordering::Relaxed);
    }

    pub(crate) fn stats(&self) -> StampedeStats {
        let c = &self.counters;
        StampedeStats {
            computed: c.computed.load(Ordering::Relaxed),
            coalesced: c.coalesced.load(Ordering::Relaxed),
            stale_served: c.stale_served.load(Ordering::Relaxed),
            lock_waits: c.lock_waits.load(Ordering::Relaxed),
            lock_timeouts: c.lock_timeouts.load(Ordering::Relaxed),
        }
    }

    /// A uniform number in `[0, 1)` (splitmix64 over an atomic state).
    fn random(&self) -> f64 {
        let state = self
            .rng
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The timeout in seconds `get_or_set` writes for `timeout` (jitter applied), or `None`
    /// for never.
    fn seconds(&self, timeout: &Timeout) -> Option<f64> {
        let seconds = match timeout {
            Timeout::Default => self.default_timeout?,
            Timeout::Never => return None,
            Timeout::Seconds(s) => *s,
        };
        if self.config.jitter > 0.0 && seconds > 0.0 {
            Some(seconds * (1.0 - self.config.jitter * self.random()))
        } else {
            Some(seconds)
        }
    }

    /// Joins the flight for `key`: the leader gets a guard, the others the flight to wait on.
    fn join(&self, key: &str) -> Role<'_> {
        let mut flights = self.flights.lock();
        if let Some((_, flight)) = flights.iter().find(|(k, _)| k == key) {
            return Role::Follower(flight.clone());
        }
        let flight = Arc::new(Flight::default());
        flights.push((key.to_string(), flight.clone()));
        Role::Leader(Leader {
            stampede: self,
            key: key.to_string(),
            flight,
            done: false,
        })
    }
}

enum Role<'a> {
    Leader(Leader<'a>),
    Follower(Arc<Flight>),
}

/// The leader's claim on a key: finishing (or dropping) it wakes the waiters.
struct Leader<'a> {
    stampede: &'a Stampede,
    key: String,
    flight: Arc<Flight>,
    done: bool,
}

impl Leader<'_> {
    fn finish(mut self, result: Option<Value>) {
        self.release(result);
    }

    fn release(&mut self, result: Option<Value>) {
        if self.done {
            return;
        }
        self.done = true;
        {
            let mut flights = self.stampede.flights.lock();
            flights.retain(|(k, f)| !(*k == self.key && Arc::ptr_eq(f, &self.flight)));
        }
        self.flight.finish(result);
    }
}

impl Drop for Leader<'_> {
    fn drop(&mut self) {
        self.release(None);
    }
}

/// What a read found: a plain value, or an envelope's value and freshness.
enum Found {
    Fresh(Value),
    Stale(Value),
}

fn open_envelope(value: Value, now: f64) -> Found {
    if let Value::Tuple(items) = &value {
        if let [Value::Str(tag), inner, fresh_until] = items.as_slice() {
            if tag == ENVELOPE_TAG {
                let fresh = match fresh_until {
                    Value::None => true,
                    other => number(other).is_none_or(|until| now < until),
                };
                return if fresh {
                    Found::Fresh(inner.clone())
                } else {
                    Found::Stale(inner.clone())
                };
            }
        }
    }
    Found::Fresh(value)
}

fn envelope(value: Value, fresh_until: Option<f64>) -> Value {
    Value::Tuple(alloc::vec![
        Value::Str(ENVELOPE_TAG.into()),
        value,
        fresh_until.map_or(Value::None, Value::Float),
    ])
}

fn with_version(version: Option<&Value>) -> Options {
    Options {
        timeout: Timeout::Default,
        version: version.cloned(),
    }
}

/// API-4 `get_or_set` with stampede protection (module docs). Sequentially it returns what
/// Django's does: the stored value, or `compute()`'s value added and read back.
pub(crate) async fn get_or_set<F, Fut, E, S>(
    cache: &Cache,
    key: Key<'_>,
    compute: F,
    options: Options,
    sleep: &S,
) -> Result<Value, E>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Value, E>>,
    E: From<CacheError>,
    S: Sleep,
{
    let stampede = cache.stampede();
    let version = options.version.as_ref();
    let read = |now: f64, found: Option<Value>| found.map(|value| open_envelope(value, now));
    let stale = match read(
        cache.now(),
        cache.get(key.clone(), with_version(version)).await?,
    ) {
        Some(Found::Fresh(value)) => return Ok(value),
        Some(Found::Stale(value)) if stampede.config.stale_grace.is_some() => Some(value),
        Some(Found::Stale(value)) => return Ok(value),
        None => None,
    };
    let flight_key = python::repr(&cache.make_key(key.clone(), version)?);
    let leader = loop {
        match stampede.join(&flight_key) {
            Role::Leader(leader) => break Some(leader),
            Role::Follower(flight) => {
                if let Some(stale) = stale {
                    bump(&stampede.counters.stale_served);
                    return Ok(stale);
                }
                let outcome = if stampede.polls() {
                    poll_flight(&flight, stampede.config.lock_poll, sleep).await
                } else {
                    Some(Wait(flight).await)
                };
                match outcome {
                    Some(Some(value)) => {
                        bump(&stampede.counters.coalesced);
                        return Ok(value);
                    }
                    // The leader failed: take its place (or follow whoever did).
                    Some(None) => {}
                    // Cannot wait here: compute alongside the leader, as Django would.
                    None => break None,
                }
            }
        }
    };

    // The cross-process lock.
    let mut locked = None;
    if let Some(lock_timeout) = stampede.config.lock_timeout {
        let lock_key = Value::Str(format!("{}{LOCK_SUFFIX}", python::str(&key.to_value())));
        let lock_options = Options {
            timeout: Timeout::Seconds(lock_timeout),
            version: version.cloned(),
        };
        let deadline = cache.now() + lock_timeout;
        loop {
            if cache
                .add(&lock_key, Value::Bool(true), lock_options.clone())
                .await?
            {
                locked = Some(lock_key);
                break;
            }
            bump(&stampede.counters.lock_waits);
            if let Some(stale) = stale {
                // Another process is refreshing: serve the stale value meanwhile.
                bump(&stampede.counters.stale_served);
                finish(leader, Some(stale.clone()));
                return Ok(stale);
            }
            if cache.now() >= deadline || !sleep.sleep(stampede.config.lock_poll).await {
                bump(&stampede.counters.lock_timeouts);
                break;
            }
            if let Some(found) = read(
                cache.now(),
                cache.get(key.clone(), with_version(version)).await?,
            ) {
                let (Found::Fresh(value) | Found::Stale(value)) = found;
                finish(leader, Some(value.clone()));
                return Ok(value);
            }
        }
    }

    bump(&stampede.counters.computed);
    let computed = compute().await;
    let stored = match computed {
        Ok(value) => store(cache, stampede, key, value, &options).await,
        Err(error) => Err(error),
    };
    if let Some(lock_key) = locked {
        // Released whatever happened; the lock's own timeout covers a crash.
        let _ = cache.delete(&lock_key, with_version(version)).await;
    }
    match stored {
        Ok(value) => {
            finish(leader, Some(value.clone()));
            Ok(value)
        }
        Err(error) => {
            drop(leader);
            Err(error)
        }
    }
}

fn finish(leader: Option<Leader<'_>>, result: Option<Value>) {
    if let Some(leader) = leader {
        leader.finish(result);
    }
}

/// Waits for a leader by polling its flight every `interval` seconds with the runtime's sleep
/// (no waker crosses from the leader's task to this one); `None` if this runtime cannot
/// sleep.
async fn poll_flight<S: Sleep>(flight: &Flight, interval: f64, sleep: &S) -> Option<Option<Value>> {
    loop {
        if let Some(result) = flight.0.lock().result.clone() {
            return Some(result);
        }
        if !sleep.sleep(interval).await {
            return None;
        }
    }
}

/// Writes a computed value: Django's `add` + read back (API-4), or with `STALE_GRACE` the
/// envelope, `set` over the stale entry.
async fn store<E: From<CacheError>>(
    cache: &Cache,
    stampede: &Stampede,
    key: Key<'_>,
    value: Value,
    options: &Options,
) -> Result<Value, E> {
    let version = options.version.as_ref();
    let jittered = |seconds: Option<f64>| seconds.map_or(Timeout::Never, Timeout::Seconds);
    let seconds = match (&options.timeout, stampede.config.jitter > 0.0) {
        (Timeout::Default, false) => None,
        _ => Some(stampede.seconds(&options.timeout)),
    };
    if let Some(grace) = stampede.config.stale_grace {
        let fresh_for = seconds.unwrap_or_else(|| stampede.seconds(&options.timeout));
        let now = cache.now();
        let (fresh_until, timeout) = match fresh_for {
            Some(fresh) if fresh > 0.0 => (Some(now + fresh), Timeout::Seconds(fresh + grace)),
            Some(fresh) => (Some(now + fresh), Timeout::Seconds(fresh)),
            None => (None, Timeout::Never),
        };
        cache
            .set(
                key,
                envelope(value.clone(), fresh_until),
                Options {
                    timeout,
                    version: version.cloned(),
                },
            )
            .await?;
        return Ok(value);
    }
    let timeout = match seconds {
        Some(seconds) => jittered(seconds),
        None => options.timeout,
    };
    cache
        .add(
            key.clone(),
            value.clone(),
            Options {
                timeout,
                version: version.cloned(),
            },
        )
        .await?;
    let read_back = cache.get(key, with_version(version)).await?;
    Ok(match read_back.map(|v| open_envelope(v, cache.now())) {
        Some(Found::Fresh(v) | Found::Stale(v)) => v,
        None => value,
    })
}
