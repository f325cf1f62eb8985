//! The edgecache Worker's entry points: `fetch` serves the cache API under `/api` and, in
//! proxy mode (`ORIGIN_URL` set), every other path through the page cache in front of the
//! origin ([`crate::proxy`]); without an origin, static files (the playground) are served by
//! wrangler's `[assets]` before the Worker runs. `scheduled` is the KV cleanup cron.

use crate::api::{self, ApiRequest};
use worker::{Context, Env, Request, Response, Result, ScheduleContext, ScheduledEvent, event};

async fn api_request(mut request: Request) -> Result<ApiRequest> {
    // The query from the raw URL: `Request::url` would link the `url` crate (and its IDNA
    // tables) for one split.
    let url = request.inner().url();
    let query = url
        .split_once('?')
        .map_or("", |(_, rest)| rest.split('#').next().unwrap_or(""))
        .to_string();
    let body = match request.method() {
        worker::Method::Get | worker::Method::Head | worker::Method::Options => Vec::new(),
        _ => request.bytes().await?,
    };
    Ok(ApiRequest {
        method: request.method().to_string(),
        path: request.path(),
        query,
        authorization: request.headers().get("Authorization")?,
        cookie: request.headers().get("Cookie")?,
        body,
    })
}

#[event(fetch)]
async fn fetch(request: Request, env: Env, _ctx: Context) -> Result<Response> {
    let path = request.path();
    if path != "/api" && !path.starts_with("/api/") {
        let state = api::state(&env);
        let origin = state.config().ok().and_then(|c| c.origin_url.clone());
        if let Some(origin) = origin {
            return crate::proxy::handle(&state, &origin, request).await;
        }
        if let Err(error) = state.config() {
            // A proxy whose settings are wrong says so instead of serving nothing.
            return Response::error(format!("edgecache: {error}"), 500);
        }
        return Response::error(
            "Not found: the playground is served from the assets directory, the cache API under /api",
            404,
        );
    }
    let response = api::handle(&env, api_request(request).await?).await;
    let headers = worker::Headers::new();
    headers.set("Content-Type", "application/json; charset=utf-8")?;
    headers.set("Access-Control-Allow-Origin", &response.cors_origin)?;
    headers.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")?;
    headers.set(
        "Access-Control-Allow-Headers",
        "Authorization, Content-Type",
    )?;
    headers.set("Access-Control-Max-Age", "86400")?;
    headers.set("Cache-Control", "no-store")?;
    if let Some(cookie) = &response.set_cookie {
        headers.append("Set-Cookie", cookie)?;
    }
    let body = if response.status == 204 {
        Vec::new()
    } else {
        response.body.into_bytes()
    };
    Ok(Response::from_bytes(body)?
        .with_status(response.status)
        .with_headers(headers))
}

/// The cron trigger: each cache's cleanup (on Workers KV: delete expired entries, cull once).
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let state = api::state(&env);
    let Ok(caches) = state.caches() else {
        worker::console_error!("edgecache cleanup: the configuration could not be read");
        return;
    };
    for alias in caches.aliases() {
        let Ok(cache) = caches.get(alias) else {
            continue;
        };
        match cache.cleanup().await {
            Ok(report) if report.expired + report.culled > 0 => worker::console_log!(
                "edgecache cleanup {alias}: {} expired, {} culled, {} left",
                report.expired,
                report.culled,
                report.remaining
            ),
            Ok(_) => {}
            Err(error) => worker::console_error!("edgecache cleanup {alias}: {error}"),
        }
    }
}
