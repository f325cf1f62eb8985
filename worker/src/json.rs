//! JSON in and out of the API, in the conformance oracle's value encoding (so a bytes, tuple
//! or non-finite float survives): `{"$bytes": latin-1 text}`, `{"$tuple": [...]}`,
//! `{"$float": "inf"}`. Parsing and writing are the core's ([`edgecache::literal`],
//! [`edgecache::replay::Json`]).

use edgecache::inspect::{CullReason, Inspection};
use edgecache::replay::{Json, jsonify};
use edgecache::settings::node_value;
use edgecache::{CacheError, Value};

/// Parses a request body (JSON; a Python literal is accepted too) into a value, arguments
/// still in the wire encoding. An empty body is an empty object.
pub fn parse_body(body: &[u8]) -> Result<Value, String> {
    let text = core::str::from_utf8(body).map_err(|_| "the body is not UTF-8".to_string())?;
    if text.trim().is_empty() {
        return Ok(Value::Dict(Vec::new()));
    }
    edgecache::literal::parse(text)
        .map(|node| node_value(&node))
        .map_err(|e| e.to_string())
}

/// `{"type": ..., "message": ...}` of an error.
pub fn error_object(python_type: &str, message: &str) -> Json {
    Json::object([
        ("type", Json::Str(python_type.into())),
        ("message", Json::Str(message.into())),
    ])
}

/// `{"error": {"type", "message"}}` for `error`.
pub fn error_body(error: &CacheError) -> Json {
    Json::object([("error", error_object(error.python_type(), error.message()))])
}

fn float(x: f64) -> Json {
    jsonify(&Value::Float(x))
}

/// An [`Inspection`] as JSON: entries with full key, value and seconds to live, counters,
/// and the last cull with its reason.
pub fn inspection(alias: &str, inspection: &Inspection) -> Json {
    let entries = inspection
        .entries
        .iter()
        .map(|entry| {
            Json::object([
                ("key", Json::Str(entry.key.clone())),
                ("value", jsonify(&entry.value)),
                ("expires_at", entry.expires_at.map_or(Json::Null, float)),
                (
                    "ttl",
                    entry
                        .expires_at
                        .map_or(Json::Null, |at| float(at - inspection.now)),
                ),
            ])
        })
        .collect();
    let stats = &inspection.stats;
    let last_cull = inspection.last_cull.as_ref().map_or(Json::Null, |cull| {
        let reason = match cull.reason {
            CullReason::ClearAll { count, max_entries } => Json::object([
                ("kind", Json::Str("clear_all".into())),
                ("count", Json::Int(count as i128)),
                ("max_entries", Json::Int(max_entries)),
            ]),
            CullReason::LeastRecentlyUsed {
                count,
                max_entries,
                cull_frequency,
            } => Json::object([
                ("kind", Json::Str("least_recently_used".into())),
                ("count", Json::Int(count as i128)),
                ("max_entries", Json::Int(max_entries)),
                ("cull_frequency", Json::Int(cull_frequency)),
            ]),
        };
        Json::object([
            ("at", float(cull.at)),
            ("reason", reason),
            (
                "removed",
                Json::Array(cull.removed.iter().map(|k| Json::Str(k.clone())).collect()),
            ),
        ])
    });
    Json::object([
        ("alias", Json::Str(alias.into())),
        ("backend", Json::Str(inspection.backend.into())),
        ("now", float(inspection.now)),
        ("count", Json::Int(inspection.count as i128)),
        (
            "order",
            inspection
                .order
                .and_then(|o| o.describe())
                .map_or(Json::Null, |o| Json::Str(o.into())),
        ),
        ("entries", Json::Array(entries)),
        (
            "stats",
            Json::object([
                ("hits", Json::Int(stats.hits.into())),
                ("misses", Json::Int(stats.misses.into())),
                ("sets", Json::Int(stats.sets.into())),
                ("deletes", Json::Int(stats.deletes.into())),
                ("culled", Json::Int(stats.culled.into())),
            ]),
        ),
        ("last_cull", last_cull),
    ])
}
