//! `Vary` utilities: Django's `patch_vary_headers` (HDR-6) and `has_vary_header` (HDR-7).

use super::error::HttpError;
use super::model::{Headers, py_lower, py_strip, split_header_list};
use alloc::string::String;
use alloc::vec::Vec;

/// Django's `patch_vary_headers(response, newheaders)`.
pub fn patch_vary_headers<S: AsRef<str>>(
    headers: &mut Headers,
    new_headers: &[S],
) -> Result<(), HttpError> {
    // HDR-6: keep the existing names (spelling and order), append new ones case-insensitively.
    let mut vary: Vec<String> = match headers.get("Vary") {
        Some(existing) => split_header_list(existing)
            .into_iter()
            .map(String::from)
            .collect(),
        None => Vec::new(),
    };
    let existing: Vec<String> = vary.iter().map(|h| py_lower(h)).collect();
    for new in new_headers {
        let new = new.as_ref();
        if !existing.contains(&py_lower(new)) {
            vary.push(String::from(new));
        }
    }
    if vary.iter().any(|h| h == "*") {
        headers.set("Vary", "*")
    } else {
        headers.set("Vary", &vary.join(", "))
    }
}

/// Django's `has_vary_header(response, header_query)`: case-insensitive, whitespace-stripped
/// (HDR-7).
pub fn has_vary_header(headers: &Headers, header_query: &str) -> bool {
    let Some(vary) = headers.get("Vary") else {
        return false;
    };
    let query = py_lower(header_query);
    let query = py_strip(&query);
    split_header_list(vary)
        .into_iter()
        .any(|h| py_strip(&py_lower(h)) == query)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patched(initial: Option<&str>, new: &[&str]) -> String {
        let mut headers = Headers::new();
        if let Some(initial) = initial {
            headers.set("Vary", initial).unwrap();
        }
        patch_vary_headers(&mut headers, new).unwrap();
        String::from(headers.get("Vary").unwrap())
    }

    #[test]
    fn spec_examples() {
        assert_eq!(patched(None, &["Accept-Encoding"]), "Accept-Encoding");
        assert_eq!(
            patched(Some("Accept-Encoding"), &["accept-encoding", "Cookie"]),
            "Accept-Encoding, Cookie"
        );
        assert_eq!(
            patched(Some("Cookie,  Accept-Language"), &["Origin"]),
            "Cookie, Accept-Language, Origin"
        );
        assert_eq!(patched(Some("Cookie"), &["*"]), "*");
        let mut headers = Headers::new();
        headers.set("Vary", "Cookie , * ").unwrap();
        assert!(has_vary_header(&headers, "*"));
        assert!(has_vary_header(&headers, "cookie"));
        assert!(!has_vary_header(&Headers::new(), "Cookie"));
    }
}
