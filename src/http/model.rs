//! The small HTTP model the runtimes map their own request and response types onto: a
//! request as Django's `HttpRequest` sees it (method, scheme, path, query string, `META`
//! with the headers, cookies, the active language and time zone) and a response as
//! `HttpResponse` holds it (status, case-insensitive ordered headers, content, cookies,
//! streaming flag).

use super::error::HttpError;
use super::settings::HttpSettings;
use crate::python;
use crate::value::Value;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// Python's `str.isspace()` for one character (what `\s` matches in a `str` regex).
pub(crate) fn py_isspace(c: char) -> bool {
    matches!(
        c as u32,
        0x09..=0x0d
            | 0x1c..=0x20
            | 0x85
            | 0xa0
            | 0x1680
            | 0x2000..=0x200a
            | 0x2028
            | 0x2029
            | 0x202f
            | 0x205f
            | 0x3000
    )
}

/// Python's `str.strip()`.
pub(crate) fn py_strip(text: &str) -> &str {
    text.trim_matches(py_isspace)
}

/// Python's `str.lower()` (full Unicode lower-casing).
pub(crate) fn py_lower(text: &str) -> String {
    text.to_lowercase()
}

/// Python's `str.upper()`.
pub(crate) fn py_upper(text: &str) -> String {
    text.to_uppercase()
}

/// HDR-1: `cc_delim_re.split(value)` with `cc_delim_re = \s*,\s*`: split on commas, dropping
/// whitespace around each comma (but not at the ends of the value).
pub fn split_header_list(value: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0; // start of the current piece
    let mut scan = 0; // where the next match may begin
    let bytes: Vec<(usize, char)> = value.char_indices().collect();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].1 == ',' {
            let mut left = i;
            while left > 0 && bytes[left - 1].0 >= scan && py_isspace(bytes[left - 1].1) {
                left -= 1;
            }
            let mut right = i + 1;
            while right < bytes.len() && py_isspace(bytes[right].1) {
                right += 1;
            }
            let left_byte = bytes[left].0;
            let right_byte = bytes.get(right).map_or(value.len(), |b| b.0);
            pieces.push(&value[start..left_byte]);
            start = right_byte;
            scan = right_byte;
            i = right;
        } else {
            i += 1;
        }
    }
    pieces.push(&value[start..]);
    pieces
}

// ---------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------

/// A response's headers as Django's `ResponseHeaders` keeps them: case-insensitive names,
/// insertion order, and setting an existing name keeps its position but takes the new
/// spelling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    items: Vec<(String, String)>,
}

impl Headers {
    /// No headers.
    pub fn new() -> Self {
        Self::default()
    }

    fn position(&self, name: &str) -> Option<usize> {
        let lower = py_lower(name);
        self.items.iter().position(|(n, _)| py_lower(n) == lower)
    }

    /// The value of `name` (any case).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.position(name).map(|i| self.items[i].1.as_str())
    }

    /// Whether `name` is set (Django's `has_header`), even to an empty value.
    pub fn contains(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    /// `response.headers[name] = value`, with Django's checks: the name must be ASCII, the
    /// value may not contain a newline, and a value outside latin-1 is MIME-encoded.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), HttpError> {
        if let Some((position, c)) = name.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
            return Err(HttpError::UnicodeEncode(format!(
                "'ascii' codec can't encode character {} in position {position}: ordinal not \
                 in range(128), HTTP response headers must be in ascii format",
                python::repr_str(&c.to_string())
            )));
        }
        if value.contains(['\n', '\r']) {
            return Err(HttpError::BadHeader(format!(
                "Header values can't contain newlines (got {})",
                python::repr_str(value)
            )));
        }
        let value = if value.chars().all(|c| (c as u32) < 0x100) {
            String::from(value)
        } else {
            mime_encode(value)
        };
        match self.position(name) {
            Some(i) => self.items[i] = (String::from(name), value),
            None => self.items.push((String::from(name), value)),
        }
        Ok(())
    }

    /// `response.headers[name] = value` for any Python value (`str(value)` is stored).
    pub fn set_value(&mut self, name: &str, value: &Value) -> Result<(), HttpError> {
        match value {
            Value::Bytes(bytes) => {
                let text: String = bytes.iter().map(|&b| char::from(b)).collect();
                self.set(name, &text)
            }
            other => self.set(name, &python::str(other)),
        }
    }

    /// Removes `name`; returns its value.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        self.position(name).map(|i| self.items.remove(i).1)
    }

    /// `(name, value)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.items.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The number of headers.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(BASE64[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn qp_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-!*+/".contains(&b)
}

/// `email.header.Header(value, "utf-8", maxlinelen=sys.maxsize).encode()`: one encoded word,
/// base64 or quoted-printable, whichever is shorter (QP on a tie).
fn mime_encode(value: &str) -> String {
    let bytes = value.as_bytes();
    let len64 = bytes.len().div_ceil(3) * 4;
    let lenqp: usize = bytes
        .iter()
        .map(|&b| if qp_safe(b) || b == b' ' { 1 } else { 3 })
        .sum();
    if len64 < lenqp {
        format!("=?utf-8?b?{}?=", base64(bytes))
    } else {
        let mut out = String::from("=?utf-8?q?");
        for &b in bytes {
            if b == b' ' {
                out.push('_');
            } else if qp_safe(b) {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("={b:02X}"));
            }
        }
        out.push_str("?=");
        out
    }
}

// ---------------------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------------------

/// A request as Django's `HttpRequest` sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method, upper-case (`GET`, `HEAD`, ...).
    pub method: String,
    /// `request.is_secure()`: the scheme is `https`.
    pub secure: bool,
    /// `request.path`: the decoded path (e.g. `/café/`), always starting with `/`.
    pub path: String,
    /// `QUERY_STRING`, verbatim (no `?`).
    pub query: String,
    /// `request.META`: `HTTP_*` header entries, `SERVER_NAME`, `SERVER_PORT`, ...
    pub meta: Vec<(String, String)>,
    /// `request.LANGUAGE_CODE`, when a middleware (LocaleMiddleware) set it.
    pub language_code: Option<String>,
    /// The language activated for this request (`translation.override`), if any.
    pub language: Option<String>,
    /// The time zone activated for this request (`timezone.override`), if any.
    pub time_zone: Option<String>,
}

/// `HttpHeaders.to_wsgi_name`: `Accept-Encoding` → `HTTP_ACCEPT_ENCODING`; `Content-Type`
/// and `Content-Length` get no prefix.
pub fn to_wsgi_name(header: &str) -> String {
    let name = py_upper(&header.replace('-', "_"));
    if name == "CONTENT_TYPE" || name == "CONTENT_LENGTH" {
        name
    } else {
        format!("HTTP_{name}")
    }
}

impl Request {
    /// A request for `path` (already decoded, as `request.path`) with no query and no
    /// headers, served as `SERVER_NAME` `testserver` on port 80 (Django's test defaults;
    /// a runtime sets `Host` or the server fields).
    pub fn new(method: &str, path: &str) -> Self {
        Self {
            method: py_upper(method),
            secure: false,
            path: String::from(path),
            query: String::new(),
            meta: alloc::vec![
                (String::from("SERVER_NAME"), String::from("testserver")),
                (String::from("SERVER_PORT"), String::from("80")),
            ],
            language_code: None,
            language: None,
            time_zone: None,
        }
    }

    /// Builds a request from a raw request target the way a WSGI server and Django's
    /// `RequestFactory` do: the path is percent-decoded to bytes and read as UTF-8 (broken
    /// sequences re-percent-encoded); the query string's UTF-8 bytes are read as latin-1.
    /// A fragment is dropped, and `//host/path` targets lose their authority part.
    pub fn from_target(method: &str, target: &str, secure: bool) -> Self {
        let target = target.split('#').next().unwrap_or("");
        let (mut path, query) = match target.split_once('?') {
            Some((p, q)) => (p, q),
            None => (target, ""),
        };
        if let Some(rest) = path.strip_prefix("//") {
            path = rest.find('/').map_or("", |i| &rest[i..]);
        }
        let decoded = percent_decode(path);
        let path_info = repercent_broken_unicode(&decoded);
        // WSGIRequest: path = SCRIPT_NAME ("") + "/" + path_info with its first "/" removed.
        let path_info = if path_info.is_empty() {
            String::from("/")
        } else {
            path_info
        };
        let full_path = format!("/{}", path_info.replacen('/', "", 1));
        let mut request = Self::new(method, &full_path);
        request.secure = secure;
        if secure {
            request.set_meta("SERVER_PORT", "443");
        }
        request.query = query.bytes().map(char::from).collect();
        request
    }

    /// Sets a request header (stored in `META` under its WSGI name; the last value wins).
    pub fn set_header(&mut self, name: &str, value: &str) {
        let key = to_wsgi_name(name);
        self.set_meta(&key, value);
    }

    /// Sets a `META` entry.
    pub fn set_meta(&mut self, key: &str, value: &str) {
        match self.meta.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = String::from(value),
            None => self.meta.push((String::from(key), String::from(value))),
        }
    }

    /// `request.META.get(key)`.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `request.headers.get(name)`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.meta(&to_wsgi_name(name))
    }

    /// `request.COOKIES`: the `Cookie` header parsed as Django's `parse_cookie` does.
    pub fn cookies(&self) -> Vec<(String, String)> {
        let mut cookies: Vec<(String, String)> = Vec::new();
        for chunk in self.meta("HTTP_COOKIE").unwrap_or("").split(';') {
            let (key, value) = chunk.split_once('=').unwrap_or(("", chunk));
            let (key, value) = (py_strip(key), py_strip(value));
            if key.is_empty() && value.is_empty() {
                continue;
            }
            let value = unquote_cookie(value);
            match cookies.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value,
                None => cookies.push((String::from(key), value)),
            }
        }
        cookies
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &'static str {
        if self.secure { "https" } else { "http" }
    }

    /// `request.get_host()`: `X-Forwarded-Host` (when `USE_X_FORWARDED_HOST`), else `Host`,
    /// else `SERVER_NAME[:SERVER_PORT]`; validated against `ALLOWED_HOSTS` (MW-3).
    pub fn get_host(&self, settings: &HttpSettings) -> Result<String, HttpError> {
        let host = match (
            settings.use_x_forwarded_host,
            self.meta("HTTP_X_FORWARDED_HOST"),
            self.meta("HTTP_HOST"),
        ) {
            (true, Some(forwarded), _) => String::from(forwarded),
            (_, _, Some(host)) => String::from(host),
            _ => {
                let name = self.meta("SERVER_NAME").unwrap_or("");
                let port = match (
                    settings.use_x_forwarded_port,
                    self.meta("HTTP_X_FORWARDED_PORT"),
                ) {
                    (true, Some(port)) => port,
                    _ => self.meta("SERVER_PORT").unwrap_or(""),
                };
                if port == (if self.secure { "443" } else { "80" }) {
                    String::from(name)
                } else {
                    format!("{name}:{port}")
                }
            }
        };
        let mut allowed: Vec<&str> = settings.allowed_hosts.iter().map(String::as_str).collect();
        if settings.debug && allowed.is_empty() {
            allowed = alloc::vec![".localhost", "127.0.0.1", "[::1]"];
        }
        let domain = split_domain(&host);
        if !domain.is_empty()
            && allowed
                .iter()
                .any(|p| *p == "*" || is_same_domain(&domain, p))
        {
            return Ok(host);
        }
        let mut message = format!("Invalid HTTP_HOST header: {}.", python::repr_str(&host));
        if domain.is_empty() {
            message.push_str(" The domain name provided is not valid according to RFC 1034/1035.");
        } else {
            message.push_str(&format!(
                " You may need to add {} to ALLOWED_HOSTS.",
                python::repr_str(&domain)
            ));
        }
        Err(HttpError::DisallowedHost(message))
    }

    /// `request.build_absolute_uri()`: `<scheme>://<host><escaped path>[?<query>]` (MW-3).
    pub fn build_absolute_uri(&self, settings: &HttpSettings) -> Result<String, HttpError> {
        let host = self.get_host(settings)?;
        let escaped = escape_uri_path(&self.path);
        let query = if self.query.is_empty() {
            String::new()
        } else {
            format!("?{}", iri_to_uri(&self.query))
        };
        let path = if escaped.contains("/./") || escaped.contains("/../") {
            // Django joins the location onto the request URL (`urljoin`), which drops empty
            // segments and resolves dot segments.
            resolve_dots(&escaped)
        } else {
            escaped
        };
        Ok(iri_to_uri(&format!(
            "{}://{host}{path}{query}",
            self.scheme()
        )))
    }
}

/// `urljoin`'s treatment of an absolute path: empty inner segments dropped, `.` and `..`
/// resolved.
fn resolve_dots(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len() - 1;
    let mut filtered: Vec<&str> = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        if i == 0 || i == last || !segment.is_empty() {
            filtered.push(segment);
        }
    }
    let mut resolved: Vec<&str> = Vec::new();
    for segment in &filtered {
        match *segment {
            ".." => {
                resolved.pop();
            }
            "." => {}
            other => resolved.push(other),
        }
    }
    if matches!(filtered.last(), Some(&".") | Some(&"..")) {
        resolved.push("");
    }
    let joined = resolved.join("/");
    if joined.is_empty() {
        String::from("/")
    } else {
        joined
    }
}

fn split_domain(host: &str) -> String {
    // host_validation_re = ^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]+))?$
    let lower = py_lower(host);
    let (domain, port) = if lower.starts_with('[') {
        match lower.find(']') {
            Some(end) => (&lower[..=end], &lower[end + 1..]),
            None => return String::new(),
        }
    } else {
        match lower.find(':') {
            Some(i) => (&lower[..i], &lower[i..]),
            None => (lower.as_str(), ""),
        }
    };
    if let Some(digits) = port.strip_prefix(':') {
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return String::new();
        }
    } else if !port.is_empty() {
        return String::new();
    }
    let valid = if let Some(inner) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        match inner.split_once(':') {
            Some((head, tail)) => {
                head.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
                    && !tail.is_empty()
                    && tail.bytes().all(|b| {
                        (b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) || b == b'.' || b == b':'
                    })
            }
            None => false,
        }
    } else {
        !domain.is_empty()
            && domain
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    };
    if valid {
        String::from(domain.strip_suffix('.').unwrap_or(domain))
    } else {
        String::new()
    }
}

fn is_same_domain(host: &str, pattern: &str) -> bool {
    if pattern.is_empty() {
        return false;
    }
    let pattern = py_lower(pattern);
    (pattern.starts_with('.') && (host.ends_with(pattern.as_str()) || host == &pattern[1..]))
        || pattern == host
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Django's `repercent_broken_unicode`: UTF-8 decoding where each invalid byte becomes
/// `%XX`.
fn repercent_broken_unicode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut rest = bytes;
    loop {
        match core::str::from_utf8(rest) {
            Ok(text) => {
                out.push_str(text);
                return out;
            }
            Err(error) => {
                let valid = error.valid_up_to();
                out.push_str(core::str::from_utf8(&rest[..valid]).unwrap_or(""));
                let bad = error.error_len().unwrap_or(rest.len() - valid);
                for b in &rest[valid..valid + bad] {
                    out.push_str(&format!("%{b:02X}"));
                }
                rest = &rest[valid + bad..];
            }
        }
    }
}

fn quote(text: &str, safe: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) || safe.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Django's `escape_uri_path`.
pub fn escape_uri_path(path: &str) -> String {
    quote(path, b"/:@&+$,-_.!~*'()")
}

/// Django's `iri_to_uri`.
pub fn iri_to_uri(iri: &str) -> String {
    quote(iri, b"/#%[]=:;$&()+,!?*@'~")
}

fn unquote_cookie(value: &str) -> String {
    // http.cookies._unquote: only a value in double quotes is unescaped.
    let Some(inner) = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .filter(|_| value.len() >= 2)
    else {
        return String::from(value);
    };
    let chars: Vec<char> = inner.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() {
            let octal: String = chars[i + 1..].iter().take(3).collect();
            if octal.len() == 3
                && octal
                    .chars()
                    .all(|c| ('0'..='3').contains(&c) || c.is_digit(8))
            {
                if let Ok(code) = u32::from_str_radix(&octal, 8) {
                    if let Some(c) = char::from_u32(code) {
                        out.push(c);
                        i += 4;
                        continue;
                    }
                }
            }
            out.push(chars[i + 1]);
            i += 2;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Response
// ---------------------------------------------------------------------------------------

/// A response as Django's `HttpResponse` / `StreamingHttpResponse` holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The status code.
    pub status: i128,
    /// The headers (without `Set-Cookie`; cookies are kept apart, as Django does).
    pub headers: Headers,
    /// The body, as text.
    pub content: String,
    /// Cookies the response sets, `name → value`, in the order they were set.
    pub cookies: Vec<(String, String)>,
    /// A streaming response (never stored by the cache middleware).
    pub streaming: bool,
}

impl Response {
    /// `HttpResponse(content, status=status)`: `Content-Type: text/html; charset=utf-8`.
    pub fn new(status: i128, content: &str) -> Self {
        let mut headers = Headers::new();
        headers.items.push((
            String::from("Content-Type"),
            String::from("text/html; charset=utf-8"),
        ));
        Self {
            status,
            headers,
            content: String::from(content),
            cookies: Vec::new(),
            streaming: false,
        }
    }

    /// `response.set_cookie(name, value)`.
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        match self.cookies.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = String::from(value),
            None => self.cookies.push((String::from(name), String::from(value))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_cc_delim_re() {
        assert_eq!(split_header_list("a , b,c"), ["a", "b", "c"]);
        assert_eq!(split_header_list(" a ,, b "), [" a", "", "b "]);
        assert_eq!(split_header_list(""), [""]);
        assert_eq!(split_header_list("Cookie , * "), ["Cookie", "* "]);
    }

    #[test]
    fn absolute_uris_match_django() {
        let settings = HttpSettings::oracle();
        let uri = |target: &str, secure: bool| {
            Request::from_target("GET", target, secure)
                .build_absolute_uri(&settings)
                .unwrap()
        };
        // Printed by Django 5.2.19's RequestFactory + build_absolute_uri().
        assert_eq!(uri("/café/", false), "http://testserver/caf%C3%A9/");
        assert_eq!(uri("/a%20b/", false), "http://testserver/a%20b/");
        assert_eq!(uri("/a%FF/", false), "http://testserver/a%25FF/");
        assert_eq!(uri("page", false), "http://testserver/page");
        assert_eq!(uri("//x/y", false), "http://testserver/y");
        assert_eq!(uri("/a/./b/", false), "http://testserver/a/b/");
        assert_eq!(uri("/a/../b/", false), "http://testserver/b/");
        assert_eq!(uri("/a#frag", false), "http://testserver/a");
        assert_eq!(uri("/a;p=1/b", false), "http://testserver/a%3Bp%3D1/b");
        assert_eq!(uri("/a?b?c", false), "http://testserver/a?b?c");
        assert_eq!(
            uri("/q/?é=ü&x=%20", false),
            "http://testserver/q/?%C3%83%C2%A9=%C3%83%C2%BC&x=%20"
        );
        assert_eq!(uri("/q/?a b", false), "http://testserver/q/?a%20b");
        assert_eq!(uri("/", true), "https://testserver/");
        assert_eq!(uri("/a/..?z", false), "http://testserver/a/..?z");
        assert_eq!(uri("?a", false), "http://testserver/?a");
        assert_eq!(uri("/%2F/", false), "http://testserver///");
        assert_eq!(
            uri("/~user/[x]|{y}^`\\\"<>", false),
            "http://testserver/~user/%5Bx%5D%7C%7By%7D%5E%60%5C%22%3C%3E"
        );
        assert_eq!(
            uri("/x?a=[1]&b=\"<>\"", false),
            "http://testserver/x?a=[1]&b=%22%3C%3E%22"
        );
    }

    #[test]
    fn hosts_are_validated() {
        let mut settings = HttpSettings::oracle();
        let mut request = Request::new("GET", "/");
        request.set_header("Host", "Example.COM:80");
        assert_eq!(request.get_host(&settings).unwrap(), "Example.COM:80");
        request.set_header("Host", "bad_host");
        assert_eq!(
            request.get_host(&settings).unwrap_err().message(),
            "Invalid HTTP_HOST header: 'bad_host'. The domain name provided is not valid \
             according to RFC 1034/1035."
        );
        settings.allowed_hosts = alloc::vec![String::from(".example.com")];
        request.set_header("Host", "www.example.com");
        assert!(request.get_host(&settings).is_ok());
        request.set_header("Host", "other.org");
        assert_eq!(
            request.get_host(&settings).unwrap_err().message(),
            "Invalid HTTP_HOST header: 'other.org'. You may need to add 'other.org' to \
             ALLOWED_HOSTS."
        );
    }

    #[test]
    fn headers_keep_position_and_take_new_spelling() {
        let mut headers = Headers::new();
        headers.set("Vary", "a").unwrap();
        headers.set("X", "1").unwrap();
        headers.set("vary", "b").unwrap();
        assert_eq!(
            headers.iter().collect::<Vec<_>>(),
            [("vary", "b"), ("X", "1")]
        );
        assert!(headers.set("X", "a\nb").is_err());
        headers.set("X", "😀").unwrap();
        assert_eq!(headers.get("x"), Some("=?utf-8?b?8J+YgA==?="));
    }
}
