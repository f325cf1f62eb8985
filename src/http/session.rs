//! Cache-backed sessions: Django's `django.contrib.sessions.backends.cache.SessionStore`.
//!
//! A session is stored under `django.contrib.sessions.cache<session_key>` (plus the cache's
//! own prefix and version, e.g. `site:2:django.contrib.sessions.cache<key>`) as the session
//! dict itself, the way the cache stores any value, with the session's expiry age as the
//! timeout (`SESSION_COOKIE_AGE` unless `_session_expiry` says otherwise). So a Django app and
//! edgecache sharing a cache read and write each other's sessions.
//!
//! Session keys are 32 characters of `[a-z0-9]`; the randomness comes from a [`KeySource`]
//! the runtime supplies ([`RandomKeys`] turns any `FnMut() -> u32` into Django's
//! `get_random_string(32, VALID_KEY_CHARS)`).

use super::date::{parse_iso_datetime, unix_micros};
use super::settings::HttpSettings;
use crate::cache::Cache;
use crate::error::CacheError;
use crate::expiry::Timeout;
use crate::options::Options;
use crate::python;
use crate::value::Value;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// The prefix of every session's cache key (`KEY_PREFIX` in Django's module).
pub const KEY_PREFIX: &str = "django.contrib.sessions.cache";

/// The characters of a session key (`VALID_KEY_CHARS`).
pub const VALID_KEY_CHARS: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// Where new session keys come from.
pub trait KeySource {
    /// A new candidate session key (Django: 32 random chars of [`VALID_KEY_CHARS`]).
    fn new_key(&mut self) -> String;
}

/// Django's `get_random_string(32, VALID_KEY_CHARS)` over a source of random `u32`s (e.g.
/// `crypto.getRandomValues` in a Worker). Each character is drawn without modulo bias.
#[derive(Debug, Clone)]
pub struct RandomKeys<F>(pub F);

impl<F: FnMut() -> u32> KeySource for RandomKeys<F> {
    fn new_key(&mut self) -> String {
        const LIMIT: u32 = u32::MAX - (u32::MAX % 36); // multiples of 36 below this
        let mut key = String::with_capacity(32);
        while key.len() < 32 {
            let r = (self.0)();
            if r < LIMIT {
                key.push(char::from(VALID_KEY_CHARS[(r % 36) as usize]));
            }
        }
        key
    }
}

/// A failed session operation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SessionError {
    /// The cache failed.
    Cache(CacheError),
    /// `UpdateError`: saving a session whose entry is gone (Django's middleware turns it into
    /// `SessionInterrupted`).
    Update,
    /// `RuntimeError`: no new key could be stored in 10000 attempts.
    Unavailable,
    /// `TypeError` / `ValueError` reading `_session_expiry`.
    Expiry(String),
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cache(error) => write!(f, "{error}"),
            Self::Update => f.write_str("UpdateError"),
            Self::Unavailable => f.write_str(
                "RuntimeError: Unable to create a new session key. It is likely that the cache \
                 is unavailable.",
            ),
            Self::Expiry(message) => f.write_str(message),
        }
    }
}

impl From<CacheError> for SessionError {
    fn from(error: CacheError) -> Self {
        Self::Cache(error)
    }
}

/// Django's cache `SessionStore` over one [`Cache`] (`caches[SESSION_CACHE_ALIAS]`).
#[derive(Debug)]
pub struct SessionStore<'c, K> {
    cache: &'c Cache,
    keys: K,
    session_key: Option<String>,
    /// `_session_cache`: `None` until loaded.
    data: Option<Vec<(Value, Value)>>,
    cookie_age: Value,
    use_tz: bool,
    /// The session was read.
    pub accessed: bool,
    /// The session was changed (the middleware saves it).
    pub modified: bool,
}

/// `_validate_session_key`: at least 8 characters, else no key.
fn valid_key(key: Option<&str>) -> Option<String> {
    key.filter(|k| k.chars().count() >= 8).map(String::from)
}

impl<'c, K: KeySource> SessionStore<'c, K> {
    /// `SessionStore(session_key)`: a key shorter than 8 characters counts as none.
    pub fn new(
        cache: &'c Cache,
        session_key: Option<&str>,
        settings: &HttpSettings,
        keys: K,
    ) -> Self {
        Self {
            cache,
            keys,
            session_key: valid_key(session_key),
            data: None,
            cookie_age: settings.session_cookie_age.clone(),
            use_tz: settings.use_tz,
            accessed: false,
            modified: false,
        }
    }

    /// The session key, if any.
    pub fn session_key(&self) -> Option<&str> {
        self.session_key.as_deref()
    }

    /// The cache key of `session_key` (before the cache's own prefix and version).
    pub fn cache_key_of(session_key: &str) -> String {
        format!("{KEY_PREFIX}{session_key}")
    }

    /// `cache_key`: creates a session key first when there is none.
    pub async fn cache_key(&mut self) -> Result<String, SessionError> {
        if self.session_key.is_none() {
            self.session_key = valid_key(Some(&self.new_session_key().await?));
        }
        Ok(Self::cache_key_of(
            self.session_key.as_deref().unwrap_or(""),
        ))
    }

    /// `_get_new_session_key`: a key not in use.
    async fn new_session_key(&mut self) -> Result<String, SessionError> {
        loop {
            let key = self.keys.new_key();
            if !self.exists(&key).await? {
                return Ok(key);
            }
        }
    }

    /// `exists(session_key)`.
    pub async fn exists(&self, session_key: &str) -> Result<bool, SessionError> {
        if session_key.is_empty() {
            return Ok(false);
        }
        Ok(self
            .cache
            .has_key(Self::cache_key_of(session_key).as_str(), Options::DEFAULT)
            .await?)
    }

    /// `load()`: the stored dict; a miss (or an unreadable entry) forgets the key and gives
    /// an empty session.
    pub async fn load(&mut self) -> Result<Vec<(Value, Value)>, SessionError> {
        let key = self.cache_key().await?;
        match self.cache.get(key.as_str(), Options::DEFAULT).await {
            Ok(Some(Value::Dict(pairs))) => return Ok(pairs),
            Ok(Some(Value::None) | None) | Err(_) => {}
            Ok(Some(_)) => return Ok(Vec::new()),
        }
        self.session_key = None;
        Ok(Vec::new())
    }

    /// `_get_session(no_load)`: the session dict, loaded on first use.
    async fn session(&mut self, no_load: bool) -> Result<&mut Vec<(Value, Value)>, SessionError> {
        self.accessed = true;
        if self.data.is_none() {
            let data = if self.session_key.is_none() || no_load {
                Vec::new()
            } else {
                self.load().await?
            };
            self.data = Some(data);
        }
        Ok(self.data.get_or_insert_with(Vec::new))
    }

    /// `session[key]` / `session.get(key)`.
    pub async fn get(&mut self, key: &str) -> Result<Option<Value>, SessionError> {
        let data = self.session(false).await?;
        Ok(data
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v.clone()))
    }

    /// `session[key] = value`.
    pub async fn set(&mut self, key: &str, value: Value) -> Result<(), SessionError> {
        let data = self.session(false).await?;
        python::dict_insert(data, Value::from(key), value);
        self.modified = true;
        Ok(())
    }

    /// `del session[key]`; returns whether it was there.
    pub async fn remove(&mut self, key: &str) -> Result<bool, SessionError> {
        let data = self.session(false).await?;
        let before = data.len();
        data.retain(|(k, _)| k.as_str() != Some(key));
        let removed = data.len() != before;
        self.modified |= removed;
        Ok(removed)
    }

    /// `session.items()`.
    pub async fn items(&mut self) -> Result<Vec<(Value, Value)>, SessionError> {
        Ok(self.session(false).await?.clone())
    }

    /// `clear()`: an empty session, not loaded from storage.
    pub fn clear(&mut self) {
        self.data = Some(Vec::new());
        self.accessed = true;
        self.modified = true;
    }

    /// `set_expiry(value)`: seconds of inactivity (an int), an ISO datetime string, or
    /// `None` to use `SESSION_COOKIE_AGE`.
    pub async fn set_expiry(&mut self, value: Value) -> Result<(), SessionError> {
        if value == Value::None {
            self.remove("_session_expiry").await?;
            return Ok(());
        }
        self.set("_session_expiry", value).await
    }

    /// `get_expiry_age()` at Unix time `now`: `SESSION_COOKIE_AGE`, or the session's
    /// `_session_expiry` (seconds, or an ISO datetime's whole seconds from now).
    pub async fn get_expiry_age(&mut self, now: f64) -> Result<Value, SessionError> {
        let expiry = self.get("_session_expiry").await?.unwrap_or(Value::None);
        if !python::truthy(&expiry) {
            return Ok(self.cookie_age.clone());
        }
        let Value::Str(text) = &expiry else {
            return Ok(expiry);
        };
        let Some((at, aware)) = parse_iso_datetime(text) else {
            return Err(SessionError::Expiry(format!(
                "ValueError: Invalid isoformat string: {}",
                python::repr_str(text)
            )));
        };
        if aware != self.use_tz {
            return Err(SessionError::Expiry(String::from(
                "TypeError: can't subtract offset-naive and offset-aware datetimes",
            )));
        }
        // timedelta: days * 86400 + seconds, i.e. the floor of the whole seconds.
        let micros = at - unix_micros(now);
        Ok(Value::Int(micros.div_euclid(1_000_000)))
    }

    /// `save(must_create=False)`: creates the session when it has no key; otherwise updates
    /// the stored entry, which must still exist ([`SessionError::Update`]).
    pub async fn save(&mut self, now: f64) -> Result<(), SessionError> {
        if self.session_key.is_none() {
            return self.create(now).await;
        }
        self.save_inner(false, now).await.map(|_| ())
    }

    /// `save(must_create)`; `Ok(false)` is Django's `CreateError`.
    async fn save_inner(&mut self, must_create: bool, now: f64) -> Result<bool, SessionError> {
        let key = self.cache_key().await?;
        if !must_create
            && matches!(
                self.cache.get(key.as_str(), Options::DEFAULT).await?,
                None | Some(Value::None)
            )
        {
            return Err(SessionError::Update);
        }
        let data = Value::Dict(self.session(must_create).await?.clone());
        let timeout = Timeout::from_value(&self.get_expiry_age(now).await?)?;
        let options = Options::new().timeout(timeout);
        if must_create {
            Ok(self.cache.add(key.as_str(), data, options).await?)
        } else {
            self.cache.set(key.as_str(), data, options).await?;
            Ok(true)
        }
    }

    /// `create()`: a new key whose entry (the current data) is stored with `add`.
    pub async fn create(&mut self, now: f64) -> Result<(), SessionError> {
        for _ in 0..10_000 {
            let key = self.new_session_key().await?;
            self.session_key = valid_key(Some(&key));
            if self.save_inner(true, now).await? {
                self.modified = true;
                return Ok(());
            }
        }
        Err(SessionError::Unavailable)
    }

    /// `delete(session_key=None)`: removes the given session, or this one.
    pub async fn delete(&mut self, session_key: Option<&str>) -> Result<(), SessionError> {
        let Some(key) = session_key
            .map(String::from)
            .or_else(|| self.session_key.clone())
        else {
            return Ok(());
        };
        self.cache
            .delete(Self::cache_key_of(&key).as_str(), Options::DEFAULT)
            .await?;
        Ok(())
    }

    /// `cycle_key()`: the same data under a new key; the old entry is deleted.
    pub async fn cycle_key(&mut self, now: f64) -> Result<(), SessionError> {
        let data = self.session(false).await?.clone();
        let old = self.session_key.clone();
        self.create(now).await?;
        self.data = Some(data);
        if let Some(old) = old {
            self.delete(Some(&old)).await?;
        }
        Ok(())
    }

    /// `flush()`: empties the session, deletes its entry and forgets the key.
    pub async fn flush(&mut self) -> Result<(), SessionError> {
        self.clear();
        self.delete(None).await?;
        self.session_key = None;
        Ok(())
    }
}
