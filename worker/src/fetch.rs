//! `fetch` → the core's HTTP transport: how the Redis backend reaches Upstash's REST API or
//! the edgecache bridge (which stands in front of Redis and Memcached).

use edgecache::CacheError;
use edgecache::seam::LocalBoxFuture;
use edgecache::seam::http::{HttpRequest, HttpResponse, HttpTransport};
use worker::{Fetch, Headers, Method, Request, RequestInit};

/// Sends the core's requests with the Worker's `fetch`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FetchHttp;

fn connection(what: &str, error: worker::Error) -> CacheError {
    CacheError::Connection(format!("{what}: {error}"))
}

impl HttpTransport for FetchHttp {
    fn send<'a>(
        &'a self,
        request: HttpRequest,
    ) -> LocalBoxFuture<'a, Result<HttpResponse, CacheError>> {
        Box::pin(async move {
            let headers = Headers::new();
            for (name, value) in &request.headers {
                headers
                    .set(name, value)
                    .map_err(|e| connection("bad request header", e))?;
            }
            let mut init = RequestInit::new();
            init.with_method(Method::from(request.method.to_string()))
                .with_headers(headers);
            if !request.body.is_empty() {
                let body = js_sys::Uint8Array::from(request.body.as_slice());
                init.with_body(Some(body.into()));
            }
            let outgoing = Request::new_with_init(&request.url, &init)
                .map_err(|e| connection(&request.url, e))?;
            let mut response = Fetch::Request(outgoing)
                .send()
                .await
                .map_err(|e| connection(&request.url, e))?;
            let body = response
                .bytes()
                .await
                .map_err(|e| connection(&request.url, e))?;
            Ok(HttpResponse {
                status: response.status_code(),
                body,
            })
        })
    }
}
