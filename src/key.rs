//! Keys: the key function that turns a raw key into a full key, and Django's validation.

use crate::error::{CacheError, Warning};
use crate::python;
use crate::text::cat;
use crate::value::Value;
use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

/// The most characters memcached accepts in a key (Django's `MEMCACHE_MAX_KEY_LENGTH`).
pub const MEMCACHE_MAX_KEY_LENGTH: usize = 250;
/// [`MEMCACHE_MAX_KEY_LENGTH`] in decimal, for the warning's text.
const MEMCACHE_MAX_KEY_LENGTH_TEXT: &str = "250";

/// A `KEY_FUNCTION`. A configuration cannot carry code, so Django's default and a few named
/// alternatives are offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum KeyFunction {
    /// Django's `default_key_func`: `"<prefix>:<version>:<key>"` (KEY-1).
    #[default]
    Default,
    /// The raw key unchanged (`oracle:identity`).
    Identity,
    /// `"CUSTOM-<prefix>-<version>-<key>"`, the function of Django's own cache tests
    /// (`oracle:custom`).
    Custom,
    /// `"<key>:<version>"` (`oracle:append_version`).
    AppendVersion,
}

impl KeyFunction {
    /// Every name [`KeyFunction::from_name`] accepts, for error messages.
    pub const NAMES: &'static [&'static str] = &[
        "django.core.cache.backends.base.default_key_func",
        "default",
        "oracle:identity",
        "identity",
        "oracle:custom",
        "oracle:append_version",
    ];

    /// Looks up a `KEY_FUNCTION` setting by dotted path or name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "django.core.cache.backends.base.default_key_func" | "default" => Self::Default,
            "oracle:identity" | "identity" | "edgecache:identity" => Self::Identity,
            "oracle:custom" | "edgecache:custom" => Self::Custom,
            "oracle:append_version" | "edgecache:append_version" => Self::AppendVersion,
            _ => return None,
        })
    }

    /// The name used to configure this function.
    pub fn name(self) -> &'static str {
        match self {
            Self::Default => "django.core.cache.backends.base.default_key_func",
            Self::Identity => "oracle:identity",
            Self::Custom => "oracle:custom",
            Self::AppendVersion => "oracle:append_version",
        }
    }

    /// Applies the function as Python would (KEY-1, KEY-2); the result is usually a str.
    pub fn apply(self, key: &Value, prefix: &Value, version: &Value) -> Result<Value, CacheError> {
        Ok(match self {
            Self::Default => Value::Str(cat(&[
                &python::str(prefix),
                ":",
                &python::str(version),
                ":",
                &python::str(key),
            ])),
            Self::Identity => key.clone(),
            Self::AppendVersion => {
                Value::Str(cat(&[&python::str(key), ":", &python::str(version)]))
            }
            Self::Custom => {
                let parts = [prefix, &Value::Str(python::str(version)), key];
                let mut joined = String::from("CUSTOM-");
                for (index, part) in parts.iter().enumerate() {
                    let Value::Str(text) = part else {
                        return Err(CacheError::Type(cat(&[
                            "sequence item ",
                            ["0", "1", "2"][index],
                            ": expected str instance, ",
                            python::type_name(part),
                            " found",
                        ])));
                    };
                    if index > 0 {
                        joined.push('-');
                    }
                    joined.push_str(text);
                }
                Value::Str(joined)
            }
        })
    }
}

/// How a backend reacts to a key memcached would reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPolicy {
    /// Emit `CacheKeyWarning`s and go ahead (KEY-6).
    Warn,
    /// Raise `InvalidCacheKey` with the first problem (KEY-7).
    Raise,
}

/// KEY-5: ASCII control characters, space and DEL (Django's `[\x00-\x20\x7f]`).
fn is_memcache_error_byte(byte: u8) -> bool {
    byte <= 0x20 || byte == 0x7f
}

/// Whether no byte of `bytes` is one memcached rejects (KEY-5), eight bytes at a time.
// Forced natively (the locmem hot path); in wasm, size comes first.
#[cfg_attr(not(target_family = "wasm"), inline(always))]
#[cfg_attr(target_family = "wasm", inline)]
fn is_clean(bytes: &[u8]) -> bool {
    // Natively, the usual key (up to eight bytes) as one word without the loop; in wasm,
    // size comes first.
    #[cfg(not(target_family = "wasm"))]
    if bytes.len() <= 8 {
        return bytes.is_empty() || !has_memcache_error_byte(crate::lru_map::cover_word(bytes));
    }
    // Eight bytes at a time, each as one word made of them.
    bytes
        .chunks(8)
        .all(|chunk| !has_memcache_error_byte(crate::lru_map::cover_word(chunk)))
}

/// `a == b` for slices of equal length: short ones (the usual key parts) as one or two
/// words, without a call to `memcmp`.
// Forced natively (the locmem hot path); in wasm, size comes first.
#[cfg_attr(not(target_family = "wasm"), inline(always))]
#[cfg_attr(target_family = "wasm", inline)]
fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    let len = a.len();
    if len <= 8 {
        crate::lru_map::cover_word(a) == crate::lru_map::cover_word(b)
    } else if len <= 16 {
        let word = |bytes: &[u8], at: usize| {
            let mut word = [0; 8];
            word.copy_from_slice(&bytes[at..at + 8]);
            u64::from_le_bytes(word)
        };
        word(a, 0) == word(b, 0) && word(a, len - 8) == word(b, len - 8)
    } else {
        a == b
    }
}

/// Whether a byte of `word` is `< 0x21` or `0x7f` (bytes from `0x80` up are never flagged:
/// they belong to multi-byte UTF-8 characters, which memcached accepts).
#[inline]
fn has_memcache_error_byte(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let below = word.wrapping_sub(ONES * 0x21) & !word;
    let del = word ^ (ONES * 0x7f);
    let is_del = del.wrapping_sub(ONES) & !del;
    (below | is_del) & HIGHS != 0
}

/// Python's `len(key)`: its code points, counted as the bytes that start one (not
/// `chars().count()`, which links core's counting routine, 0.9 KB of wasm).
fn code_points(key: &str) -> usize {
    key.bytes().filter(|&byte| byte & 0xC0 != 0x80).count()
}

/// The problems memcached would have with `key`, in Django's order and words (KEY-5).
pub fn memcache_key_warnings(key: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if key.len() > MEMCACHE_MAX_KEY_LENGTH && code_points(key) > MEMCACHE_MAX_KEY_LENGTH {
        problems.push(cat(&[
            "Cache key will cause errors if used with memcached: ",
            &python::repr_str(key),
            " (longer than ",
            MEMCACHE_MAX_KEY_LENGTH_TEXT,
            ")",
        ]));
    }
    if key.bytes().any(is_memcache_error_byte) {
        problems.push(cat(&[
            "Cache key contains characters that will cause errors if used with memcached: ",
            &python::repr_str(key),
        ]));
    }
    problems
}

/// Checks a full key under `policy`: warnings are returned, or the first problem is raised.
pub fn validate_key(key: &str, policy: KeyPolicy) -> Result<Vec<Warning>, CacheError> {
    if key.len() <= MEMCACHE_MAX_KEY_LENGTH && !key.bytes().any(is_memcache_error_byte) {
        return Ok(Vec::new());
    }
    let problems = memcache_key_warnings(key);
    match policy {
        KeyPolicy::Raise => match problems.into_iter().next() {
            Some(message) => Err(CacheError::InvalidKey(message)),
            None => Ok(Vec::new()),
        },
        KeyPolicy::Warn => Ok(problems
            .into_iter()
            .map(|message| Warning {
                category: "CacheKeyWarning",
                message,
            })
            .collect()),
    }
}

/// A full key that is not a str cannot be validated: Python's `len()` fails on it first.
pub fn require_str_key(key: Value) -> Result<String, CacheError> {
    match key {
        Value::Str(s) => Ok(s),
        other => Err(CacheError::Type(cat(&[
            "object of type '",
            python::type_name(&other),
            "' has no len()",
        ]))),
    }
}

/// A cache's key recipe: its function, `KEY_PREFIX` and `VERSION` (KEY-1..KEY-4).
#[derive(Debug, Clone)]
pub struct KeyMaker {
    function: KeyFunction,
    prefix: Value,
    version: Value,
    /// `"<prefix>:<version>:"` for the default function and version: the hot path.
    default_head: Option<String>,
    /// `default_head`'s [`FullKey`] word, made once (native only, as the key's).
    #[cfg(not(target_family = "wasm"))]
    head_word: u64,
    /// One more than the longest raw key that, after a clean `default_head`, makes a full key
    /// memcached accepts in length (KEY-5); 0 when there is no clean default head. The hot
    /// path's checks of the head and the length in one compare.
    clean_tail_limit: usize,
}

impl KeyMaker {
    /// A recipe from the cache's settings.
    pub fn new(function: KeyFunction, prefix: Value, version: Value) -> Self {
        let default_head = (function == KeyFunction::Default)
            .then(|| cat(&[&python::str(&prefix), ":", &python::str(&version), ":"]));
        let clean_tail_limit = match default_head.as_deref() {
            Some(head) if !head.bytes().any(is_memcache_error_byte) => {
                (MEMCACHE_MAX_KEY_LENGTH + 1).saturating_sub(head.len())
            }
            _ => 0,
        };
        Self {
            function,
            prefix,
            version,
            #[cfg(not(target_family = "wasm"))]
            head_word: default_head.as_deref().map_or(0, FullKey::word_of),
            default_head,
            clean_tail_limit,
        }
    }

    /// The cache's `VERSION`.
    pub fn version(&self) -> &Value {
        &self.version
    }

    /// The cache's `KEY_PREFIX`.
    pub fn prefix(&self) -> &Value {
        &self.prefix
    }

    /// The key function in use.
    pub fn function(&self) -> KeyFunction {
        self.function
    }

    /// Django's `make_key`: the full key, unvalidated; `version=None` means `VERSION` (KEY-3).
    pub fn make_key(&self, key: &Key<'_>, version: Option<&Value>) -> Result<Value, CacheError> {
        match (&self.default_head, version, key.as_str()) {
            (Some(head), None, Some(raw)) => Ok(Value::Str(cat(&[head, raw]))),
            _ => self.apply(key, version),
        }
    }

    /// The full key of a str `key` with the cache's own version when it cannot draw a
    /// warning (KEY-5: the default key function, a clean head, a clean raw key and a length
    /// memcached accepts), as its two parts, in a few instructions and without a `Result`;
    /// `None` sends the caller to [`KeyMaker::make_valid_key`].
    // Forced natively (the locmem hot path); in wasm, size comes first.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    #[cfg_attr(target_family = "wasm", inline)]
    pub fn clean_default_key<'b>(
        &'b self,
        key: &'b Key<'_>,
        version: Option<&Value>,
    ) -> Option<FullKey<'b>> {
        let (Some(head), None, Some(raw)) = (&self.default_head, version, key.as_str()) else {
            return None;
        };
        (raw.len() < self.clean_tail_limit && is_clean(raw.as_bytes())).then(|| FullKey {
            head,
            tail: raw,
            #[cfg(not(target_family = "wasm"))]
            head_word: self.head_word,
        })
    }

    /// Django's `make_and_validate_key` for a data operation: the full key and its
    /// validation (KEY-4..KEY-7). A non-str full key cannot be validated.
    ///
    /// The hot path (default key function, default version, str key) copies nothing: the
    /// full key is the cached `"<prefix>:<version>:"` and the raw key side by side, and only
    /// the raw part is scanned (the head was checked once). Other keys are built in `buffer`.
    #[inline]
    pub fn make_valid_key<'b>(
        &'b self,
        key: &'b Key<'_>,
        version: Option<&Value>,
        policy: KeyPolicy,
        buffer: &'b mut KeyBuffer,
    ) -> Result<(FullKey<'b>, Vec<Warning>), CacheError> {
        if let (Some(head), None, Some(raw)) = (&self.default_head, version, key.as_str()) {
            if raw.len() < self.clean_tail_limit && is_clean(raw.as_bytes()) {
                return Ok((FullKey::new(head, raw), Vec::new()));
            }
            let full = buffer.concat(head, raw);
            let warnings = validate_key(full, policy)?;
            return Ok((FullKey::whole(full), warnings));
        }
        let full = buffer.hold(require_str_key(self.apply(key, version)?)?);
        let warnings = validate_key(full, policy)?;
        Ok((FullKey::whole(full), warnings))
    }

    fn apply(&self, key: &Key<'_>, version: Option<&Value>) -> Result<Value, CacheError> {
        let version = version.unwrap_or(&self.version);
        match key {
            Key::Str(text) => {
                self.function
                    .apply(&Value::Str(String::from(*text)), &self.prefix, version)
            }
            Key::Value(value) => self.function.apply(value, &self.prefix, version),
        }
    }
}

/// A raw key as a caller passes it: usually a str (borrowed, so no copy is made), but any
/// Python value works as in Django (`42` and `"42"` name the same entry, KEY-1).
#[derive(Debug, Clone, PartialEq)]
pub enum Key<'a> {
    /// A str key.
    Str(&'a str),
    /// Any other key (or an owned str).
    Value(Cow<'a, Value>),
}

impl Key<'_> {
    /// The key as a Python value (what `get_many` returns as its dict keys).
    pub fn to_value(&self) -> Value {
        match self {
            Self::Str(text) => Value::Str(String::from(*text)),
            Self::Value(value) => value.as_ref().clone(),
        }
    }

    /// The key's text when it is a str.
    #[inline]
    fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(text) => Some(text),
            Self::Value(value) => value.as_str(),
        }
    }

    /// Python's `str(key)`, as Django's messages show it.
    pub fn display(&self) -> String {
        match self {
            Self::Str(text) => String::from(*text),
            Self::Value(value) => python::str(value),
        }
    }
}

impl<'a> From<&'a str> for Key<'a> {
    fn from(text: &'a str) -> Self {
        Self::Str(text)
    }
}

impl<'a> From<&'a String> for Key<'a> {
    fn from(text: &'a String) -> Self {
        Self::Str(text)
    }
}

impl<'a> From<&'a Value> for Key<'a> {
    fn from(value: &'a Value) -> Self {
        Self::Value(Cow::Borrowed(value))
    }
}

impl From<Value> for Key<'_> {
    fn from(value: Value) -> Self {
        Self::Value(Cow::Owned(value))
    }
}

impl From<String> for Key<'_> {
    fn from(text: String) -> Self {
        Self::Value(Cow::Owned(Value::Str(text)))
    }
}

macro_rules! int_key_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Key<'_> {
            fn from(i: $t) -> Self {
                Self::Value(Cow::Owned(Value::Int(i128::from(i))))
            }
        }
    )*};
}
int_key_from!(i32, i64, u32, u64, i128);

/// A full key as the backends receive it: `head + tail`. The hot path passes the cache's
/// `"<prefix>:<version>:"` and the raw key without joining them; other keys come whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FullKey<'a> {
    head: &'a str,
    tail: &'a str,
    /// [`FullKey::word_of`] the head: the map compares a short head by this word alone.
    /// Native only: in wasm, size comes first and the word is made when it is asked for.
    #[cfg(not(target_family = "wasm"))]
    head_word: u64,
}

impl<'a> FullKey<'a> {
    /// The key `head + tail`.
    pub fn new(head: &'a str, tail: &'a str) -> Self {
        Self {
            head,
            tail,
            #[cfg(not(target_family = "wasm"))]
            head_word: Self::word_of(head),
        }
    }

    /// A key that is already one string.
    pub fn whole(key: &'a str) -> Self {
        Self::new(key, "")
    }

    /// A head's word: its cover word ([`crate::lru_map::cover_word`]) when it is at most
    /// eight bytes long (two heads of the same length up to eight are equal exactly when
    /// their words are), else 0.
    pub(crate) fn word_of(head: &str) -> u64 {
        if head.len() <= 8 {
            crate::lru_map::cover_word(head.as_bytes())
        } else {
            0
        }
    }

    /// [`FullKey::word_of`] the head (natively made when the key was).
    #[inline]
    pub(crate) fn head_word(&self) -> u64 {
        #[cfg(not(target_family = "wasm"))]
        return self.head_word;
        #[cfg(target_family = "wasm")]
        Self::word_of(self.head)
    }

    /// The two parts.
    pub fn parts(&self) -> (&'a str, &'a str) {
        (self.head, self.tail)
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.head.len() + self.tail.len()
    }

    /// Whether the key is `""`.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `key` is this key.
    #[inline]
    pub fn matches(&self, key: &str) -> bool {
        let key = key.as_bytes();
        key.len() == self.len()
            && bytes_eq(&key[..self.head.len()], self.head.as_bytes())
            && bytes_eq(&key[self.head.len()..], self.tail.as_bytes())
    }

    /// The key as one string, borrowed when it already is one.
    pub fn joined(&self) -> Cow<'a, str> {
        if self.tail.is_empty() {
            Cow::Borrowed(self.head)
        } else {
            Cow::Owned(self.to_owned_key())
        }
    }

    /// The key as a new `String`.
    pub fn to_owned_key(&self) -> String {
        let mut key = String::with_capacity(self.len());
        self.write_into(&mut key);
        key
    }

    /// Replaces `buffer`'s text with the key, reusing its allocation.
    pub fn write_into(&self, buffer: &mut String) {
        buffer.clear();
        buffer.push_str(self.head);
        buffer.push_str(self.tail);
    }
}

impl<'a> From<&'a str> for FullKey<'a> {
    fn from(key: &'a str) -> Self {
        Self::whole(key)
    }
}

impl core::fmt::Display for FullKey<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.head)?;
        f.write_str(self.tail)
    }
}

/// Full keys up to this many bytes are built on the stack (no allocation per operation).
const INLINE_KEY: usize = 64;

/// Scratch space a full key is built in, owned by the caller for one operation.
#[derive(Debug)]
pub struct KeyBuffer {
    inline: [core::mem::MaybeUninit<u8>; INLINE_KEY],
    heap: String,
}

impl KeyBuffer {
    /// An empty buffer.
    pub fn new() -> Self {
        Self {
            inline: [core::mem::MaybeUninit::uninit(); INLINE_KEY],
            heap: String::new(),
        }
    }

    /// `head + tail` as one str, in the inline bytes when it fits.
    #[inline]
    fn concat(&mut self, head: &str, tail: &str) -> &str {
        let len = head.len() + tail.len();
        if len > INLINE_KEY {
            return self.hold(cat(&[head, tail]));
        }
        let bytes = &mut self.inline[..len];
        let (front, back) = bytes.split_at_mut(head.len());
        for (slot, &byte) in front.iter_mut().zip(head.as_bytes()) {
            slot.write(byte);
        }
        for (slot, &byte) in back.iter_mut().zip(tail.as_bytes()) {
            slot.write(byte);
        }
        // SAFETY: all `len` bytes were just written, and they are two whole `str`s one after
        // the other, so they are initialised and valid UTF-8.
        unsafe { core::str::from_utf8_unchecked(&*(bytes as *const [_] as *const [u8])) }
    }

    fn hold(&mut self, text: String) -> &str {
        self.heap = text;
        &self.heap
    }
}

impl Default for KeyBuffer {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// KEY-5's length is Python's `len`: code points, not bytes.
    #[test]
    fn the_length_warning_counts_code_points() {
        for (key, warned) in [
            ("é".repeat(250), false),
            ("é".repeat(251), true),
            ("a€😀".repeat(83) + "a", false),
            ("a€😀".repeat(84), true),
        ] {
            assert_eq!(code_points(&key), key.chars().count());
            let warnings = memcache_key_warnings(&key);
            assert_eq!(
                warnings.len(),
                usize::from(warned),
                "{} code points",
                code_points(&key)
            );
        }
    }

    #[test]
    fn the_word_scan_agrees_with_the_byte_scan() {
        let mut bytes = [b'a'; 19];
        for at in 0..bytes.len() {
            for byte in 0..=255u8 {
                bytes[at] = byte;
                for len in 0..=bytes.len() {
                    let slice = &bytes[..len];
                    let expected = !slice.iter().any(|&b| is_memcache_error_byte(b));
                    assert_eq!(is_clean(slice), expected, "{slice:?}");
                }
            }
            bytes[at] = b'a';
        }
    }
}
