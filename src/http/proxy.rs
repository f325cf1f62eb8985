//! Edge proxy mode: Django's per-site cache middleware (MW-8..MW-14) run by a reverse proxy in
//! front of the Django site it caches for, on a cache the site shares. The proxy asks
//! [`EdgeProxy::lookup`] before forwarding a request, turns the origin's answer into the
//! [`Response`] model with [`origin_response`] (or passes it through when [`body_policy`] says
//! it cannot be stored), and runs the update phase with [`EdgeProxy::store`]. Keys, Vary,
//! cookies, `private`/`no-store`, `max-age` and `Age` are the middleware's; what a proxy adds
//! is tagged `PX-n`:
//!
//! - PX-1: a response without `Content-Length` is streaming (Django's
//!   `StreamingHttpResponse` has none; `CommonMiddleware` gives every other response one), so
//!   it is passed through and never stored (MW-10 1). So is an encoded body
//!   (`Content-Encoding` other than `identity`) and one that is not UTF-8 text (page entries
//!   hold text, see `docs/page-entries.md`).
//! - PX-2: hop-by-hop headers and `Content-Length` are not part of the page; `Set-Cookie`
//!   lines become the response's cookies (name → the rest of the line, attributes included),
//!   as Django keeps cookies apart from the headers.
//! - PX-3: the cache never breaks the site: a failed lookup (a store that is down, or an
//!   entry edgecache cannot read, such as Django's own pickled `HttpResponse`) is a miss, and
//!   a failed store still returns the origin's response. The error is reported for logging.
//! - PX-4: `X-Edgecache` says `hit` (served from the cache), `miss` (forwarded and stored) or
//!   `bypass` (forwarded and not stored).

use super::error::HttpError;
use super::middleware::{CacheMiddleware, Fetched};
use super::model::{Headers, Request, Response, py_lower};
use super::settings::HttpSettings;
use crate::caches::Caches;
use crate::clock::Clock;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// PX-4: what the proxy did with a request (`X-Edgecache`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeStatus {
    /// Served from the cache.
    Hit,
    /// Forwarded to the origin, and the response stored.
    Miss,
    /// Forwarded to the origin, and the response not stored.
    Bypass,
}

impl EdgeStatus {
    /// The `X-Edgecache` header's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hit => "hit",
            Self::Miss => "miss",
            Self::Bypass => "bypass",
        }
    }
}

/// The name of the header carrying [`EdgeStatus`].
pub const STATUS_HEADER: &str = "X-Edgecache";

/// The outcome of [`EdgeProxy::lookup`].
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// A cached page: serve it.
    Hit(Response),
    /// Forward the request; `update_cache` is Django's `request._cache_update_cache`.
    Forward {
        /// Whether the update phase may store the origin's response.
        update_cache: bool,
        /// PX-3: why the lookup failed, when it did.
        error: Option<HttpError>,
    },
}

/// PX-1: whether an origin response's body can be read and stored, from its headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyPolicy {
    /// Read the whole body; the response may be stored.
    Buffer,
    /// Pass the body through as it comes; the response is not stored.
    Stream,
}

/// PX-1: how to treat the body of an origin response with `headers`.
pub fn body_policy<'h>(headers: impl IntoIterator<Item = (&'h str, &'h str)>) -> BodyPolicy {
    let mut length = false;
    for (name, value) in headers {
        let name = py_lower(name);
        if name == "content-length" {
            length = true;
        } else if name == "content-encoding" && !value.trim().eq_ignore_ascii_case("identity") {
            return BodyPolicy::Stream;
        }
    }
    if length {
        BodyPolicy::Buffer
    } else {
        BodyPolicy::Stream
    }
}

/// PX-2: headers that describe one connection, not the page.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
];

/// PX-1, PX-2: an origin response (status, headers in order with every `Set-Cookie` line
/// separate, the whole body) as the middleware's [`Response`]; `Err(body)` when the body is
/// not UTF-8 text and so cannot be stored.
pub fn origin_response(
    status: u16,
    headers: &[(String, String)],
    body: Vec<u8>,
) -> Result<Response, Vec<u8>> {
    let content = String::from_utf8(body).map_err(|e| e.into_bytes())?;
    let mut response = Response::new(i128::from(status), &content);
    response.headers = Headers::new();
    for (name, value) in headers {
        let lower = py_lower(name);
        if lower == "set-cookie" {
            let (cookie, rest) = value.split_once('=').unwrap_or((value, ""));
            response.set_cookie(cookie.trim(), rest);
        } else if !HOP_BY_HOP.contains(&lower.as_str()) {
            // A header the model refuses (a newline, a non-ASCII name) cannot come from a
            // real HTTP response; it is dropped rather than failing the request.
            let _ = response.headers.set(name, value);
        }
    }
    Ok(response)
}

/// PX-2: the header lines a proxy sends for `response`: its headers, then one `Set-Cookie`
/// per cookie.
pub fn response_lines(response: &Response) -> Vec<(String, String)> {
    let mut lines: Vec<(String, String)> = response
        .headers
        .iter()
        .map(|(n, v)| (String::from(n), String::from(v)))
        .collect();
    for (name, rest) in &response.cookies {
        lines.push((String::from("Set-Cookie"), format!("{name}={rest}")));
    }
    lines
}

/// The site cache middleware as a proxy runs it: [`CacheMiddleware::site`] under `settings`
/// (`CACHE_MIDDLEWARE_SECONDS`, `_KEY_PREFIX`, `_ALIAS`, and the settings page keys read).
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeProxy {
    /// The Django settings.
    pub settings: HttpSettings,
    /// The middleware built from them.
    pub middleware: CacheMiddleware,
}

impl EdgeProxy {
    /// MW-14: the site middleware of `settings`.
    pub fn new(settings: HttpSettings) -> Self {
        let middleware = CacheMiddleware::site(&settings);
        Self {
            settings,
            middleware,
        }
    }

    /// The fetch phase (MW-8, MW-9), with PX-3's failed lookup as a miss.
    pub async fn lookup(&self, caches: &Caches, request: &Request, clock: &dyn Clock) -> Lookup {
        match self
            .middleware
            .process_request(caches, request, &self.settings, clock)
            .await
        {
            Ok(Fetched::Hit(response)) => Lookup::Hit(response),
            Ok(Fetched::Miss { update_cache }) => Lookup::Forward {
                update_cache,
                error: None,
            },
            Err(error) => Lookup::Forward {
                update_cache: request.method == "GET" || request.method == "HEAD",
                error: Some(error),
            },
        }
    }

    /// The update phase (MW-10..MW-12): the response to send, whether it was stored, and
    /// PX-3's store failure, if any (the origin's response is then sent as it came).
    pub async fn store(
        &self,
        caches: &Caches,
        request: &Request,
        response: Response,
        update_cache: bool,
        clock: &dyn Clock,
    ) -> (Response, EdgeStatus, Option<HttpError>) {
        let original = response.clone();
        match self
            .middleware
            .update(
                caches,
                request,
                response,
                update_cache,
                &self.settings,
                clock,
            )
            .await
        {
            Ok((response, true)) => (response, EdgeStatus::Miss, None),
            Ok((response, false)) => (response, EdgeStatus::Bypass, None),
            Err(error) => (original, EdgeStatus::Bypass, Some(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaming_and_encoded_bodies_pass_through() {
        assert_eq!(body_policy([("Content-Length", "3")]), BodyPolicy::Buffer);
        assert_eq!(
            body_policy([("Content-Type", "text/html")]),
            BodyPolicy::Stream
        );
        assert_eq!(
            body_policy([("content-length", "3"), ("Content-Encoding", "gzip")]),
            BodyPolicy::Stream
        );
    }

    #[test]
    fn origin_headers_become_the_model() {
        let headers = [
            ("Content-Type".into(), "text/plain".into()),
            ("Content-Length".into(), "2".into()),
            ("Connection".into(), "close".into()),
            ("Set-Cookie".into(), "a=1; Path=/; HttpOnly".into()),
        ];
        let response = origin_response(200, &headers, b"ok".to_vec()).unwrap();
        assert_eq!(response.headers.len(), 1);
        assert_eq!(
            response.cookies,
            [("a".into(), "1; Path=/; HttpOnly".into())]
        );
        assert_eq!(
            response_lines(&response)[1],
            ("Set-Cookie".into(), "a=1; Path=/; HttpOnly".into())
        );
        assert!(origin_response(200, &headers, alloc::vec![0xff]).is_err());
    }
}
