//! How a page is stored in the cache (see `docs/page-entries.md`): a dict
//! `{"$response": {"status", "headers", "content", "cookies"?}}` that every value codec can
//! carry and that the replay prints exactly as the oracle prints Django's pickled
//! `HttpResponse`.

use super::model::{Headers, Response};
use crate::value::Value;
use alloc::string::String;
use alloc::vec::Vec;

fn field(name: &str, value: Value) -> (Value, Value) {
    (Value::from(name), value)
}

/// The page entry for `response` (headers in order, cookies sorted by name).
pub fn to_page_entry(response: &Response) -> Value {
    let headers = response
        .headers
        .iter()
        .map(|(n, v)| (Value::from(n), Value::from(v)))
        .collect();
    let mut fields = alloc::vec![
        field("status", Value::Int(response.status)),
        field("headers", Value::Dict(headers)),
        field("content", Value::from(response.content.as_str())),
    ];
    if !response.cookies.is_empty() {
        let mut cookies = response.cookies.clone();
        cookies.sort();
        fields.push(field(
            "cookies",
            Value::Dict(
                cookies
                    .into_iter()
                    .map(|(n, v)| (Value::Str(n), Value::Str(v)))
                    .collect(),
            ),
        ));
    }
    Value::Dict(alloc::vec![field("$response", Value::Dict(fields))])
}

fn get<'a>(dict: &'a [(Value, Value)], name: &str) -> Option<&'a Value> {
    dict.iter()
        .rev()
        .find(|(k, _)| k.as_str() == Some(name))
        .map(|(_, v)| v)
}

fn str_pairs(value: Option<&Value>) -> Option<Vec<(String, String)>> {
    match value {
        None => Some(Vec::new()),
        Some(Value::Dict(pairs)) => pairs
            .iter()
            .map(|(k, v)| Some((String::from(k.as_str()?), String::from(v.as_str()?))))
            .collect(),
        Some(_) => None,
    }
}

/// Reads a page entry back; `None` when `value` is not one (the middleware then treats it
/// as a miss).
pub fn from_page_entry(value: &Value) -> Option<Response> {
    let Value::Dict(outer) = value else {
        return None;
    };
    if outer.len() != 1 {
        return None;
    }
    let Value::Dict(fields) = get(outer, "$response")? else {
        return None;
    };
    let status = match get(fields, "status")? {
        Value::Int(status) => *status,
        _ => return None,
    };
    let content = String::from(get(fields, "content")?.as_str()?);
    let mut headers = Headers::new();
    for (name, value) in str_pairs(Some(get(fields, "headers")?))? {
        headers.set(&name, &value).ok()?;
    }
    Some(Response {
        status,
        headers,
        content,
        cookies: str_pairs(get(fields, "cookies"))?,
        streaming: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let mut response = Response::new(200, "body");
        response.headers.set("Vary", "Cookie").unwrap();
        response.set_cookie("z", "1");
        response.set_cookie("a", "2");
        let entry = to_page_entry(&response);
        let back = from_page_entry(&entry).unwrap();
        assert_eq!(back.headers, response.headers);
        assert_eq!(
            back.cookies,
            [("a".into(), "2".into()), ("z".into(), "1".into())]
        );
        assert!(from_page_entry(&Value::from("x")).is_none());
    }
}
