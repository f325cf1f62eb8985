//! Proxy mode (`ORIGIN_URL` set): every request outside `/api` goes through Django's site cache
//! middleware as the core runs it ([`edgecache::http::EdgeProxy`]): the fetch phase, the
//! origin, the update phase. This file only converts between the Worker's types and the
//! core's model and talks to the origin; the decisions (keys, what is stored, `Age`,
//! streaming bodies, `X-Edgecache`) are the core's.

use crate::api::State;
use crate::clock::WorkerClock;
use edgecache::http::proxy::{self, BodyPolicy, EdgeProxy, EdgeStatus, Lookup, STATUS_HEADER};
use edgecache::http::{Request as PageRequest, Response as PageResponse};
use worker::{
    Fetch, Headers, Method, Request, RequestInit, RequestRedirect, Response, ResponseBuilder,
    Result,
};

/// The `scheme://host[:port]` and the rest (`/path?query`) of an absolute URL.
fn split_url(url: &str) -> (&str, &str) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => url.split_at(after_scheme + i),
        None => (url, "/"),
    }
}

/// The request as Django's `HttpRequest` would see it behind the proxy.
fn page_request(request: &Request) -> PageRequest {
    let url = request.inner().url();
    let (origin, target) = split_url(&url);
    let secure = origin.starts_with("https://");
    let mut page = PageRequest::from_target(request.method().as_ref(), target, secure);
    let authority = origin.split_once("://").map_or(origin, |(_, a)| a);
    let (name, port) = match authority.rsplit_once(':') {
        // `[::1]` has colons but no port; `[::1]:8787` and `host:8787` have one.
        Some((name, port)) if !name.contains('[') || name.ends_with(']') => {
            (name, String::from(port))
        }
        _ => (authority, String::from(if secure { "443" } else { "80" })),
    };
    page.set_meta("SERVER_NAME", name);
    page.set_meta("SERVER_PORT", &port);
    for (header, value) in request.headers().entries() {
        page.set_header(&header, &value);
    }
    // The URL's authority is the host the client asked for (a Worker's URL is built from it).
    page.set_header("Host", authority);
    page
}

/// Forwards `request` to the origin: same method, headers and body, `X-Forwarded-Host` and
/// `X-Forwarded-Proto` naming the public host and scheme, redirects not followed.
async fn forward(
    origin_url: &str,
    request: &Request,
    page: &PageRequest,
    body: Option<Vec<u8>>,
) -> Result<Response> {
    let url = request.inner().url();
    let (_, target) = split_url(&url);
    let headers = Headers::new();
    for (name, value) in request.headers().entries() {
        if name != "host" {
            headers.append(&name, &value)?;
        }
    }
    if let Some(host) = page.header("Host") {
        headers.set("X-Forwarded-Host", host)?;
    }
    headers.set("X-Forwarded-Proto", page.scheme())?;
    let mut init = RequestInit::new();
    init.with_method(request.method())
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual);
    if let Some(body) = body {
        init.with_body(Some(js_sys::Uint8Array::new_from_slice(&body).into()));
    }
    let outgoing = Request::new_with_init(&format!("{origin_url}{target}"), &init)?;
    Fetch::Request(outgoing).send().await
}

/// The Worker's response for a page, with `X-Edgecache`; no body for a `HEAD`.
fn page_response(page: &PageResponse, status: EdgeStatus, head: bool) -> Result<Response> {
    let headers = Headers::new();
    for (name, value) in proxy::response_lines(page) {
        headers.append(&name, &value)?;
    }
    headers.set(STATUS_HEADER, status.as_str())?;
    let status_code = u16::try_from(page.status).unwrap_or(500);
    let builder = ResponseBuilder::new()
        .with_status(status_code)
        .with_headers(headers);
    Ok(if head || matches!(status_code, 204 | 304) {
        builder.empty()
    } else {
        builder.fixed(page.content.as_bytes().to_vec())
    })
}

/// The origin's response as it came (status, headers, body), with `X-Edgecache: bypass`.
fn pass_through(origin: &Response, body: Option<Vec<u8>>) -> Result<Response> {
    let headers = Headers::new();
    for (name, value) in origin.headers().entries() {
        headers.append(&name, &value)?;
    }
    headers.set(STATUS_HEADER, EdgeStatus::Bypass.as_str())?;
    let builder = ResponseBuilder::new()
        .with_status(origin.status_code())
        .with_headers(headers);
    Ok(match body {
        Some(bytes) => builder.fixed(bytes),
        None => builder.body(origin.body().clone()),
    })
}

/// Serves one request in proxy mode.
pub async fn handle(state: &State, origin_url: &str, mut request: Request) -> Result<Response> {
    let config = state
        .config()
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    let caches = state
        .caches()
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    let edge = EdgeProxy::new(config.http.clone());
    let page = page_request(&request);
    let head = page.method == "HEAD";
    let update_cache = match edge.lookup(caches, &page, &WorkerClock).await {
        Lookup::Hit(response) => return page_response(&response, EdgeStatus::Hit, head),
        Lookup::Forward {
            update_cache,
            error,
        } => {
            if let Some(error) = error {
                worker::console_error!("edgecache lookup {}: {error}", page.path);
            }
            update_cache
        }
    };
    let body = match request.method() {
        Method::Get | Method::Head => None,
        _ => Some(request.bytes().await?),
    };
    let mut origin = match forward(origin_url, &request, &page, body).await {
        Ok(origin) => origin,
        Err(error) => {
            return Response::error(
                format!("edgecache: the origin did not answer: {error}"),
                502,
            )
            .map(|r| r.with_headers(bypass_headers()));
        }
    };
    let lines: Vec<(String, String)> = origin.headers().entries().collect();
    if proxy::body_policy(lines.iter().map(|(n, v)| (n.as_str(), v.as_str()))) == BodyPolicy::Stream
    {
        return pass_through(&origin, None);
    }
    let body = origin.bytes().await?;
    let response = match proxy::origin_response(origin.status_code(), &lines, body) {
        Ok(response) => response,
        Err(body) => return pass_through(&origin, Some(body)),
    };
    let (response, status, error) = edge
        .store(caches, &page, response, update_cache, &WorkerClock)
        .await;
    if let Some(error) = error {
        worker::console_error!("edgecache store {}: {error}", page.path);
    }
    page_response(&response, status, head)
}

fn bypass_headers() -> Headers {
    let headers = Headers::new();
    let _ = headers.set(STATUS_HEADER, EdgeStatus::Bypass.as_str());
    headers
}
