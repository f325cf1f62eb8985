//! `/api/session`: the Django session (the `cache` engine, on `SESSION_CACHE_ALIAS`) of the
//! request's session cookie (`SESSION_COOKIE_NAME`), read and written with the core's
//! [`SessionStore`], so the Django app sharing the cache sees the same data.
//!
//! - `GET /api/session`: `{"session_key", "cache_key", "alias", "data"}` (`session_key` is
//!   `null` when the cookie names no stored session).
//! - `POST /api/session` with `{"set": {name: value, ...}, "delete": [name, ...]}`: changes
//!   the session and saves it; a new session (no cookie, or a stale one) gets a new key, sent
//!   back in `Set-Cookie` as Django's `SessionMiddleware` would.
//!
//! Values use the API's encoding (`{"$tuple": ...}`, `{"$bytes": ...}`).

use crate::api::ApiRequest;
use crate::clock::WorkerClock;
use crate::json::{error_body, error_object, parse_body};
use edgecache::http::session::SessionError;
use edgecache::http::{HttpSettings, RandomKeys, Request, SessionStore};
use edgecache::replay::{Json, decode, jsonify};
use edgecache::{Caches, Clock, Value};
use wasm_bindgen::JsCast;

/// A random `u32` from `crypto.getRandomValues` (`Math.random` if that is missing).
fn random_u32() -> u32 {
    let array = js_sys::Uint32Array::new_with_length(1);
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).ok();
    let filled = crypto.and_then(|crypto| {
        let fill = js_sys::Reflect::get(&crypto, &"getRandomValues".into()).ok()?;
        let fill = fill.dyn_into::<js_sys::Function>().ok()?;
        fill.call1(&crypto, &array).ok()
    });
    match filled {
        Some(_) => array.get_index(0),
        None => (js_sys::Math::random() * f64::from(u32::MAX)) as u32,
    }
}

/// The response: status, body, and the `Set-Cookie` line of a new session.
pub type SessionReply = (u16, Json, Option<String>);

fn failure(status: u16, python_type: &str, message: &str) -> SessionReply {
    (
        status,
        Json::object([("error", error_object(python_type, message))]),
        None,
    )
}

fn session_failure(error: SessionError) -> SessionReply {
    match error {
        SessionError::Cache(error) => (crate::api::status_of(&error), error_body(&error), None),
        other => failure(500, "SessionError", &other.to_string()),
    }
}

/// The cookie named `SESSION_COOKIE_NAME` in `request`'s `Cookie` header, parsed as Django does.
fn session_cookie(request: &ApiRequest, settings: &HttpSettings) -> Option<String> {
    let mut parsed = Request::new("GET", "/");
    parsed.set_header("Cookie", request.cookie.as_deref()?);
    parsed
        .cookies()
        .into_iter()
        .find(|(name, _)| *name == settings.session_cookie_name)
        .map(|(_, value)| value)
}

/// Handles `GET` / `POST /api/session` (authorization already checked).
pub async fn handle(
    caches: &Caches,
    settings: &HttpSettings,
    request: &ApiRequest,
) -> SessionReply {
    let alias = &settings.session_cache_alias;
    let cache = match caches.get(alias) {
        Ok(cache) => cache,
        Err(error) => return (crate::api::status_of(&error), error_body(&error), None),
    };
    let cookie = session_cookie(request, settings);
    let mut store = SessionStore::new(cache, cookie.as_deref(), settings, RandomKeys(random_u32));
    let mut set_cookie = None;
    if request.method == "POST" {
        let body = match parse_body(&request.body) {
            Ok(Value::Dict(pairs)) => pairs,
            Ok(_) => return failure(400, "TypeError", "the body must be a JSON object"),
            Err(message) => return failure(400, "ValueError", &message),
        };
        for (name, value) in &body {
            match (name.as_str(), value) {
                (Some("set"), Value::Dict(items)) => {
                    for (key, item) in items {
                        let Some(key) = key.as_str() else { continue };
                        if let Err(error) = store.set(key, decode(item)).await {
                            return session_failure(error);
                        }
                    }
                }
                (Some("delete"), Value::List(keys)) => {
                    for key in keys.iter().filter_map(Value::as_str) {
                        if let Err(error) = store.remove(key).await {
                            return session_failure(error);
                        }
                    }
                }
                (Some(field), _) => {
                    return failure(
                        400,
                        "ValueError",
                        &format!(
                            "unknown or malformed field {field:?}: expected {{\"set\": {{...}}, \"delete\": [...]}}"
                        ),
                    );
                }
                (None, _) => return failure(400, "TypeError", "field names must be strings"),
            }
        }
        let before = store.session_key().map(String::from);
        if let Err(error) = store.save(WorkerClock.now()).await {
            return session_failure(error);
        }
        if store.session_key().map(String::from) != before || cookie.as_deref() != before.as_deref()
        {
            let age = match store.get_expiry_age(WorkerClock.now()).await {
                Ok(age) => edgecache::python::str(&age),
                Err(error) => return session_failure(error),
            };
            set_cookie = store.session_key().map(|key| {
                format!(
                    "{}={key}; HttpOnly; Max-Age={age}; Path=/; SameSite=Lax",
                    settings.session_cookie_name
                )
            });
        }
    }
    let data = match store.items().await {
        Ok(items) => items,
        Err(error) => return session_failure(error),
    };
    let key = store.session_key().map(String::from);
    let cache_key = match &key {
        Some(key) => match cache.make_key(
            SessionStore::<RandomKeys<fn() -> u32>>::cache_key_of(key).as_str(),
            None,
        ) {
            Ok(full) => jsonify(&full),
            Err(error) => return (crate::api::status_of(&error), error_body(&error), None),
        },
        None => Json::Null,
    };
    (
        200,
        Json::object([
            ("session_key", key.map_or(Json::Null, Json::Str)),
            ("cache_key", cache_key),
            ("alias", Json::Str(alias.clone())),
            ("data", jsonify(&Value::Dict(data))),
        ]),
        set_cookie,
    )
}
