//! Cache warming (see `docs/stats.md`): entries given as JSON objects
//! `{"key": ..., "value": ..., "timeout": ..., "version": ...}` (one a line in a JSONL file
//! for `edgecache warm`, or a batch in the Worker's `POST /api/caches/<alias>/warm`), stored
//! with `set_many` in runs of equal timeout and version. A bad item is reported with its
//! position and never stops the good ones.

use crate::cache::Cache;
use crate::error::CacheError;
use crate::expiry::Timeout;
use crate::options::Options;
use crate::python;
use crate::settings::node_value;
use crate::value::Value;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Items stored by one `set_many` call at most.
pub const CHUNK: usize = 100;

/// One entry to store.
#[derive(Debug, Clone, PartialEq)]
pub struct WarmItem {
    /// The raw key (a str or an int, as Django takes keys).
    pub key: Value,
    /// The value (any JSON value: None, bool, int, float, str, list, dict).
    pub value: Value,
    /// `timeout`: absent is the cache's default, `null` never expires.
    pub timeout: Timeout,
    /// `version`: absent is the cache's `VERSION`.
    pub version: Option<Value>,
}

impl WarmItem {
    /// Reads an item from a parsed JSON object; the error says what is wrong.
    pub fn from_value(item: &Value) -> Result<Self, String> {
        let Value::Dict(fields) = item else {
            return Err(format!(
                "expected an object with \"key\" and \"value\", got {}",
                python::repr(item)
            ));
        };
        let field = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| *k == Value::Str(name.into()))
                .map(|(_, v)| v)
        };
        for (name, _) in fields {
            if !matches!(name, Value::Str(n) if ["key", "value", "timeout", "version"].contains(&n.as_str()))
            {
                return Err(format!(
                    "unknown field {}; known: key, value, timeout, version",
                    python::repr(name)
                ));
            }
        }
        let key = match field("key") {
            Some(key @ (Value::Str(_) | Value::Int(_))) => key.clone(),
            Some(other) => {
                return Err(format!(
                    "\"key\" must be a string or an int, got {}",
                    python::repr(other)
                ));
            }
            None => return Err("missing \"key\"".into()),
        };
        let value = field("value")
            .cloned()
            .ok_or_else(|| String::from("missing \"value\""))?;
        let timeout = match field("timeout") {
            None => Timeout::Default,
            Some(timeout) => {
                Timeout::from_value(timeout).map_err(|e| format!("\"timeout\": {}", e.message()))?
            }
        };
        let version = match field("version") {
            None | Some(Value::None) => None,
            Some(version @ Value::Int(_)) => Some(version.clone()),
            Some(other) => {
                return Err(format!(
                    "\"version\" must be an int, got {}",
                    python::repr(other)
                ));
            }
        };
        Ok(Self {
            key,
            value,
            timeout,
            version,
        })
    }

    /// Reads one JSONL line.
    pub fn parse_line(line: &str) -> Result<Self, String> {
        let node = crate::literal::parse(line).map_err(|e| format!("not JSON: {e}"))?;
        Self::from_value(&node_value(&node))
    }
}

/// A bad or unstored item: its position (a line number, or an index in a batch) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct WarmFailure {
    /// Where the item was (the caller's numbering).
    pub at: usize,
    /// What went wrong.
    pub error: String,
}

/// What a warm run did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WarmReport {
    /// Items stored.
    pub stored: usize,
    /// Items not stored, in order.
    pub failed: Vec<WarmFailure>,
}

impl WarmReport {
    /// Adds another report's figures.
    pub fn merge(&mut self, other: WarmReport) {
        self.stored += other.stored;
        self.failed.extend(other.failed);
    }
}

/// Stores `items` (each with its position) on `cache`: consecutive items with the same
/// timeout and version go in one `set_many` of up to [`CHUNK`]. Keys the backend could not
/// store (memcached's `set_many` result) and failed calls are reported per item.
pub async fn warm(cache: &Cache, items: Vec<(usize, WarmItem)>) -> WarmReport {
    let mut report = WarmReport::default();
    let mut run: Vec<(usize, WarmItem)> = Vec::new();
    for (at, item) in items {
        let same = run
            .last()
            .is_none_or(|(_, last)| last.timeout == item.timeout && last.version == item.version);
        if !same || run.len() >= CHUNK {
            report.merge(store_run(cache, core::mem::take(&mut run)).await);
        }
        run.push((at, item));
    }
    if !run.is_empty() {
        report.merge(store_run(cache, run).await);
    }
    report
}

async fn store_run(cache: &Cache, run: Vec<(usize, WarmItem)>) -> WarmReport {
    let Some((_, first)) = run.first() else {
        return WarmReport::default();
    };
    let options = Options {
        timeout: first.timeout,
        version: first.version.clone(),
    };
    let pairs: Vec<(&Value, Value)> = run
        .iter()
        .map(|(_, item)| (&item.key, item.value.clone()))
        .collect();
    match cache.set_many(pairs, options).await {
        Ok(failed_keys) => {
            let mut report = WarmReport::default();
            for (at, item) in &run {
                if failed_keys.contains(&item.key) {
                    report.failed.push(WarmFailure {
                        at: *at,
                        error: String::from("the backend did not store it"),
                    });
                } else {
                    report.stored += 1;
                }
            }
            report
        }
        // One bad key fails the whole call: retry one by one to keep the good ones.
        Err(_) if run.len() > 1 => {
            let mut report = WarmReport::default();
            for (at, item) in run {
                report.merge(store_one(cache, at, item).await);
            }
            report
        }
        Err(error) => failure(run[0].0, &error),
    }
}

async fn store_one(cache: &Cache, at: usize, item: WarmItem) -> WarmReport {
    let options = Options {
        timeout: item.timeout,
        version: item.version,
    };
    match cache.set(&item.key, item.value, options).await {
        Ok(()) => WarmReport {
            stored: 1,
            failed: Vec::new(),
        },
        Err(error) => failure(at, &error),
    }
}

fn failure(at: usize, error: &CacheError) -> WarmReport {
    WarmReport {
        stored: 0,
        failed: alloc::vec![WarmFailure {
            at,
            error: format!("{}: {}", error.python_type(), error.message()),
        }],
    }
}
