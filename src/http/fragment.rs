//! Template-fragment caching: `make_template_fragment_key` (FRAG-1) and the `{% cache %}`
//! tag's alias choice and miss rule (FRAG-2), for runtimes that render fragments.

use super::error::HttpError;
use crate::cache::Cache;
use crate::caches::Caches;
use crate::codec::md5::Md5;
use crate::expiry::Timeout;
use crate::options::Options;
use crate::python;
use crate::value::Value;
use alloc::format;
use alloc::string::String;

/// FRAG-1: `template.cache.<fragment_name>.<md5 of str(item) + ":" for each item>`.
pub fn make_template_fragment_key(fragment_name: &str, vary_on: &[Value]) -> String {
    let mut digest = Md5::new();
    for item in vary_on {
        digest.update(python::str(item).as_bytes());
        digest.update(b":");
    }
    format!("template.cache.{fragment_name}.{}", digest.hexdigest())
}

/// FRAG-2: the alias the tag uses: `using`, else `template_fragments` when configured, else
/// `default`.
pub fn fragment_cache_alias<'a>(using: Option<&'a str>, caches: &Caches) -> &'a str {
    match using {
        Some(alias) => alias,
        None if caches.aliases().any(|a| a == "template_fragments") => "template_fragments",
        None => "default",
    }
}

/// The `{% cache timeout name vary... %}` tag: the cached fragment, or `render()`'s output,
/// stored for `timeout` (FRAG-2). Only a `None` from `get` is a miss. `timeout` must be
/// `None` or something `int()` accepts (else Django's `TemplateSyntaxError`, reported here
/// as a `ValueError` with Django's message).
pub async fn cached_fragment<F>(
    cache: &Cache,
    timeout: &Value,
    fragment_name: &str,
    vary_on: &[Value],
    render: F,
) -> Result<Value, HttpError>
where
    F: FnOnce() -> String,
{
    let timeout = match timeout {
        Value::None => Timeout::Never,
        other => match python::int(other) {
            Ok(seconds) => Timeout::Seconds(seconds as f64),
            Err(_) => {
                return Err(HttpError::Value(format!(
                    "\"cache\" tag got a non-integer timeout value: {}",
                    python::repr(other)
                )));
            }
        },
    };
    let key = make_template_fragment_key(fragment_name, vary_on);
    match cache.get(key.as_str(), Options::DEFAULT).await? {
        Some(value) if value != Value::None => Ok(value),
        _ => {
            let value = Value::Str(render());
            cache
                .set(key.as_str(), value.clone(), Options::new().timeout(timeout))
                .await?;
            Ok(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_vectors() {
        let key = |name, items: &[Value]| make_template_fragment_key(name, items);
        assert_eq!(
            key("a.fragment", &[]),
            "template.cache.a.fragment.d41d8cd98f00b204e9800998ecf8427e"
        );
        assert_eq!(
            key("foo", &[Value::from("abc")]),
            "template.cache.foo.493e283d571a73056196f1a68efd0f66"
        );
        assert_eq!(
            key("bar", &[Value::from("abc"), Value::from("def")]),
            "template.cache.bar.17c1a507a0cb58384f4c639067a93520"
        );
        let ints: alloc::vec::Vec<Value> = (1..=5).map(Value::Int).collect();
        assert_eq!(
            key("foo", &ints),
            "template.cache.foo.7ae8fd2e0d25d651c683bdeebdb29461"
        );
        assert_eq!(
            key("foo", &[Value::from("42º"), Value::from("😀")]),
            "template.cache.foo.7ced1c94e543668590ba39b3c08b0237"
        );
    }
}
