//! django-redis's extras on the Worker's API (`POST /api/caches/<alias>/<op>` with
//! `{"args": [...], "kwargs": {...}}`): `ttl`, `pttl`, `expire`, `pexpire`, `expire_at`,
//! `persist`, `iter_keys`, `delete_pattern`, `lock_acquire`, `lock_release`, and `incr` with
//! `ignore_key_check`. Thin: each op binds its arguments and calls the core.

use edgecache::{Cache, CacheError, Options, Value};

/// The ops this module answers; `incr` only with `ignore_key_check` true.
pub const OPS: &[&str] = &[
    "ttl",
    "pttl",
    "expire",
    "pexpire",
    "expire_at",
    "persist",
    "iter_keys",
    "delete_pattern",
    "lock_acquire",
    "lock_release",
];

/// The op's arguments by parameter name: positional `args` first, then `kwargs`.
struct Args<'a> {
    op: &'a str,
    values: Vec<Option<&'a Value>>,
    names: &'a [&'a str],
}

fn field<'a>(document: &'a Value, name: &str) -> Option<&'a Value> {
    let Value::Dict(pairs) = document else {
        return None;
    };
    pairs
        .iter()
        .find(|(k, _)| k.as_str() == Some(name))
        .map(|(_, v)| v)
}

impl<'a> Args<'a> {
    fn bind(op: &'a str, document: &'a Value, names: &'a [&'a str]) -> Result<Self, CacheError> {
        let mut values: Vec<Option<&Value>> = vec![None; names.len()];
        match field(document, "args") {
            Some(Value::List(args)) => {
                if args.len() > names.len() {
                    return Err(CacheError::Type(format!(
                        "{op}() takes at most {} arguments ({} given)",
                        names.len(),
                        args.len()
                    )));
                }
                for (slot, arg) in values.iter_mut().zip(args) {
                    *slot = Some(arg);
                }
            }
            None => {}
            Some(_) => return Err(CacheError::Type("args must be a list".into())),
        }
        match field(document, "kwargs") {
            Some(Value::Dict(pairs)) => {
                for (name, value) in pairs {
                    let name = name.as_str().unwrap_or_default();
                    if name == "ignore_key_check" {
                        continue;
                    }
                    let Some(at) = names.iter().position(|n| *n == name) else {
                        return Err(CacheError::Type(format!(
                            "{op}() got an unexpected keyword argument '{name}'"
                        )));
                    };
                    values[at] = Some(value);
                }
            }
            None => {}
            Some(_) => return Err(CacheError::Type("kwargs must be an object".into())),
        }
        Ok(Self { op, values, names })
    }

    fn get(&self, name: &str) -> Option<&'a Value> {
        let at = self.names.iter().position(|n| *n == name)?;
        self.values[at].filter(|v| **v != Value::None)
    }

    fn required(&self, name: &str) -> Result<&'a Value, CacheError> {
        self.get(name).ok_or_else(|| {
            CacheError::Type(format!("{}() missing required argument: '{name}'", self.op))
        })
    }

    fn int(&self, name: &str) -> Result<i128, CacheError> {
        match self.required(name)? {
            Value::Int(i) => Ok(*i),
            other => Err(CacheError::Type(format!(
                "{}(): {name} must be an int, not {}",
                self.op,
                edgecache::python::type_name(other)
            ))),
        }
    }

    fn text(&self, name: &str) -> Result<&'a str, CacheError> {
        self.required(name)?
            .as_str()
            .ok_or_else(|| CacheError::Type(format!("{}(): {name} must be a str", self.op)))
    }

    fn options(&self) -> Options {
        match self.get("version") {
            Some(version) => Options::new().version(version.clone()),
            None => Options::DEFAULT,
        }
    }
}

/// Whether `document` asks for django-redis's `incr(..., ignore_key_check=True)`.
fn ignores_key_check(document: &Value) -> bool {
    field(document, "kwargs")
        .and_then(|kwargs| field(kwargs, "ignore_key_check"))
        .is_some_and(|flag| *flag == Value::Bool(true))
}

/// Runs `op` if it is one of the extras; `None` leaves it to the core's op runner.
pub async fn run(op: &str, document: &Value, cache: &Cache) -> Option<Result<Value, CacheError>> {
    let incr_unchecked = op == "incr" && ignores_key_check(document);
    if !OPS.contains(&op) && !incr_unchecked {
        return None;
    }
    Some(run_extra(op, document, cache, incr_unchecked).await)
}

async fn run_extra(
    op: &str,
    document: &Value,
    cache: &Cache,
    incr_unchecked: bool,
) -> Result<Value, CacheError> {
    if incr_unchecked {
        let a = Args::bind(op, document, &["key", "delta", "version"])?;
        let delta = a.get("delta").cloned().unwrap_or(Value::Int(1));
        let key = a.required("key")?.clone();
        return cache.incr_ignoring_key_check(key, delta, a.options()).await;
    }
    Ok(match op {
        "ttl" | "pttl" | "persist" => {
            let a = Args::bind(op, document, &["key", "version"])?;
            let key = a.required("key")?.clone();
            match op {
                "ttl" => cache.ttl(key, a.options()).await?,
                "pttl" => cache.pttl(key, a.options()).await?,
                _ => Value::Bool(cache.persist(key, a.options()).await?),
            }
        }
        "expire" | "pexpire" => {
            let a = Args::bind(op, document, &["key", "timeout", "version"])?;
            let key = a.required("key")?.clone();
            let amount = a.int("timeout")?;
            Value::Bool(if op == "expire" {
                cache.expire(key, amount, a.options()).await?
            } else {
                cache.pexpire(key, amount, a.options()).await?
            })
        }
        "expire_at" => {
            let a = Args::bind(op, document, &["key", "when", "version"])?;
            let key = a.required("key")?.clone();
            Value::Bool(cache.expire_at(key, a.int("when")?, a.options()).await?)
        }
        "iter_keys" => {
            let a = Args::bind(op, document, &["search", "version"])?;
            Value::List(cache.iter_keys(a.text("search")?, a.options()).await?)
        }
        "delete_pattern" => {
            let a = Args::bind(op, document, &["pattern", "version"])?;
            let count = cache
                .delete_pattern(a.text("pattern")?, a.options())
                .await?;
            Value::Int(count as i128)
        }
        "lock_acquire" => {
            // `timeout` in seconds, as redis-py's Lock takes it.
            let a = Args::bind(op, document, &["key", "token", "timeout", "version"])?;
            let key = a.required("key")?.clone();
            let timeout_ms = match a.get("timeout") {
                None => None,
                Some(Value::Int(s)) => Some(s * 1000),
                Some(Value::Float(s)) if s.is_finite() => Some((s * 1000.0) as i128),
                Some(other) => {
                    return Err(CacheError::Type(format!(
                        "lock_acquire(): timeout must be a number, not {}",
                        edgecache::python::type_name(other)
                    )));
                }
            };
            let token = a.text("token")?;
            Value::Bool(
                cache
                    .lock_acquire(key, token, timeout_ms, a.options())
                    .await?,
            )
        }
        _ => {
            let a = Args::bind(op, document, &["key", "token", "version"])?;
            let key = a.required("key")?.clone();
            if !cache
                .lock_release(key, a.text("token")?, a.options())
                .await?
            {
                return Err(CacheError::lock_not_owned());
            }
            Value::None
        }
    })
}
