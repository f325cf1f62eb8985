//! A small native HTTP/1.1 client for the HTTP-transport seam: plain `http://` over
//! `std::net`, one connection per request (`Connection: close`), blocking inside the future.
//!
//! Enough for the edgecache bridge on loopback or a private network, with no dependency;
//! TLS endpoints (Upstash itself) need a runtime's transport (`fetch`) or a TLS-capable one.

use crate::error::CacheError;
use crate::seam::LocalBoxFuture;
use crate::seam::http::{HttpRequest, HttpResponse, HttpTransport};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Largest response body accepted (64 MiB).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// The native transport.
#[derive(Debug, Clone)]
pub struct NativeHttp {
    timeout: Duration,
}

impl Default for NativeHttp {
    fn default() -> Self {
        Self::new(Duration::from_secs(10))
    }
}

impl NativeHttp {
    /// A client whose connects, reads and writes each give up after `timeout`.
    pub fn new(timeout: Duration) -> Self {
        Self { timeout }
    }

    fn exchange(&self, request: &HttpRequest) -> Result<HttpResponse, CacheError> {
        let connection = |e: std::io::Error| {
            CacheError::Connection(format!("Error connecting to {}: {e}", request.url))
        };
        let rest = request.url.strip_prefix("http://").ok_or_else(|| {
            CacheError::Connection(format!(
                "{}: only http:// URLs are supported by the native transport",
                request.url
            ))
        })?;
        let (authority, path) = match rest.find('/') {
            Some(slash) => (&rest[..slash], &rest[slash..]),
            None => (rest, "/"),
        };
        let with_port = if authority.contains(':') {
            String::from(authority)
        } else {
            format!("{authority}:80")
        };
        let address = with_port
            .to_socket_addrs()
            .map_err(connection)?
            .next()
            .ok_or_else(|| CacheError::Connection(format!("{authority}: no address")))?;
        let mut stream = TcpStream::connect_timeout(&address, self.timeout).map_err(connection)?;
        stream
            .set_read_timeout(Some(self.timeout))
            .map_err(connection)?;
        stream
            .set_write_timeout(Some(self.timeout))
            .map_err(connection)?;
        let _ = stream.set_nodelay(true);
        let mut head = format!(
            "{} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Length: {}\r\n",
            request.method,
            request.body.len()
        );
        for (name, value) in &request.headers {
            if name.contains(['\r', '\n']) || value.contains(['\r', '\n']) {
                return Err(CacheError::Value(format!("invalid header {name:?}")));
            }
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut message = head.into_bytes();
        message.extend_from_slice(&request.body);
        stream.write_all(&message).map_err(connection)?;
        let mut raw = Vec::new();
        stream
            .take(MAX_BODY as u64 + 64 * 1024)
            .read_to_end(&mut raw)
            .map_err(connection)?;
        parse_response(&raw).ok_or_else(|| {
            CacheError::Connection(format!("{}: malformed HTTP response", request.url))
        })
    }
}

/// Status and body of a complete HTTP/1.1 response (`Content-Length`, chunked, or to EOF).
fn parse_response(raw: &[u8]) -> Option<HttpResponse> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = core::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let (mut length, mut chunked) = (None, false);
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse::<usize>().ok()?);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.eq_ignore_ascii_case("chunked");
        }
    }
    let rest = &raw[end + 4..];
    let body = if chunked {
        dechunk(rest)?
    } else if let Some(length) = length {
        rest.get(..length)?.to_vec()
    } else {
        rest.to_vec()
    };
    Some(HttpResponse { status, body })
}

fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_text = core::str::from_utf8(&rest[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

impl HttpTransport for NativeHttp {
    fn send<'a>(
        &'a self,
        request: HttpRequest,
    ) -> LocalBoxFuture<'a, Result<HttpResponse, CacheError>> {
        Box::pin(async move { self.exchange(&request) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_parse() {
        let r = parse_response(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi").unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"hi"[..]));
        let r = parse_response(
            b"HTTP/1.1 400 Bad\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!((r.status, r.body.as_slice()), (400, &b"abc"[..]));
    }

    #[test]
    fn a_closed_port_is_a_connection_error() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let request = HttpRequest {
            method: "POST",
            url: format!("http://127.0.0.1:{port}/"),
            headers: Vec::new(),
            body: Vec::new(),
        };
        let error = crate::now_or_never(NativeHttp::default().send(request))
            .unwrap()
            .unwrap_err();
        assert_eq!(error.python_type(), "ConnectionError");
    }
}
