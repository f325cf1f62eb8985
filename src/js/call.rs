//! The in-memory build's one export for the cache operations, `Handle::call(op, a, b, c, d)`,
//! and the operation numbers it reads.
//!
//! The numbers are written once, in js/api.js: an operation's number is its place in that
//! file's `const OPS = [...]` list, which gives the in-memory handles the full build's method
//! names over this export ([`super::api_numbers`] reads the list when this file compiles: an
//! operation missing from the list, or a name in it that is not one of the operations below,
//! fails the build).

use super::api_numbers::op;
use super::*;

const GET: u8 = op("get");
const SET: u8 = op("set");
const ADD: u8 = op("add");
const GET_OR_SET: u8 = op("get_or_set");
const GET_OR_SET_ASYNC: u8 = op("get_or_set_async");
const GET_MANY: u8 = op("get_many");
const SET_MANY: u8 = op("set_many");
const DELETE: u8 = op("delete");
const DELETE_MANY: u8 = op("delete_many");
const HAS_KEY: u8 = op("has_key");
const INCR: u8 = op("incr");
const TOUCH: u8 = op("touch");
const CLEAR: u8 = op("clear");
const CLOSE: u8 = op("close");
const INSPECT: u8 = op("inspect");
const MAKE_KEY: u8 = op("make_key");
const MAKE_AND_VALIDATE_KEY: u8 = op("make_and_validate_key");
const VALIDATE_KEY: u8 = op("validate_key");
const GET_BACKEND_TIMEOUT: u8 = op("get_backend_timeout");

/// How many operations js/api.js numbers: exactly the nineteen above (each found at its own
/// place), so the numbers are `0..OP_COUNT` and every one is an operation here.
const OP_COUNT: usize = super::api_numbers::OP_COUNT;
const _: () = assert!(
    OP_COUNT == 19,
    "js/api.js's OPS lists an operation src/js/call.rs does not know"
);

/// What [`Handle::call`] decodes for each operation: the kind of its first argument (a key,
/// an array of keys, `setMany`'s data, or nothing), then where its value (or delta), timeout
/// and version are among `a` to `d` (`NONE`: not taken).
const CALLS: [[u8; 4]; OP_COUNT] = {
    let mut calls = [[NONE; 4]; OP_COUNT];
    calls[GET as usize] = [KEY, NONE, NONE, 1];
    calls[SET as usize] = [KEY, 1, 2, 3];
    calls[ADD as usize] = [KEY, 1, 2, 3];
    // get_or_set and get_or_set_async are not decoded here; nor are clear, close, inspect.
    calls[GET_MANY as usize] = [KEYS, NONE, NONE, 1];
    calls[SET_MANY as usize] = [PAIRS, NONE, 1, 2];
    calls[DELETE as usize] = [KEY, NONE, NONE, 1];
    calls[DELETE_MANY as usize] = [KEYS, NONE, NONE, 1];
    calls[HAS_KEY as usize] = [KEY, NONE, NONE, 1];
    // a is which, b the key, c the delta.
    calls[INCR as usize] = [KEY, 2, NONE, 3];
    calls[TOUCH as usize] = [KEY, NONE, 1, 2];
    calls[MAKE_KEY as usize] = [KEY, NONE, NONE, 1];
    calls[MAKE_AND_VALIDATE_KEY as usize] = [KEY, NONE, NONE, 1];
    calls[VALIDATE_KEY as usize] = [KEY, NONE, NONE, NONE];
    calls[GET_BACKEND_TIMEOUT as usize] = [NONE, NONE, 0, NONE];
    calls
};
const KEY: u8 = 1;
const KEYS: u8 = 2;
const PAIRS: u8 = 3;
/// Not taken: reads as `undefined`.
const NONE: u8 = 4;

/// The in-memory build's cache operations.
#[wasm_bindgen]
impl Handle {
    /// The in-memory build's one export for the cache operations: `op` picks the operation, `a`
    /// to `d` are its arguments in the order the full build's method of that name takes them
    /// (js/api.js gives the handle those names over this export). One export instead of twenty
    /// keeps the in-memory wasm small: each export brings its own glue (BENCHMARKS.md, "The
    /// in-memory build").
    ///
    /// `op` is the operation's place in js/api.js's `OPS`; anything else (another number, a
    /// string, ...) is a `TypeError`. The arguments are decoded as the full build's methods
    /// decode them: the same value is stored, and the same bad one is the same error.
    pub fn call(&self, op: JsValue, a: JsValue, b: JsValue, c: JsValue, d: JsValue) -> JsResult {
        let h = self;
        let Some(op) = small_int(&op, OP_COUNT) else {
            return Err(bad_arg(
                "call's op must be an integer from 0 to 18 (js/api.js's OPS)",
                &op,
            ));
        };
        match op {
            GET_OR_SET => return get_or_set_now(h, &a, &b, &c, &d, false),
            GET_OR_SET_ASYNC => {
                // Run in a microtask, as an `async` method would, after the caller's code.
                let h = h.clone();
                let run = Closure::once_into_js(move |_: JsValue| {
                    get_or_set_now(&h, &a, &b, &c, &d, true)
                });
                let ready: JsValue = Promise::resolve(&JsValue::UNDEFINED).into();
                return Ok(ready.unchecked_ref::<Thenable>().then(&run));
            }
            _ => {}
        }
        let [key_kind, value_at, timeout_at, version_at] = CALLS[usize::from(op)];
        // The flags and incr's `which` first, as the full build's operations read them.
        let which = if op == INCR {
            to_which(&a)?
        } else {
            IncrKind::Incr
        };
        // Django's async twin (getMany, deleteMany, hasKey), or inspect's count only.
        let flag = match op {
            GET_MANY | DELETE_MANY | HAS_KEY => to_flag(&c, "twin")?,
            INSPECT => to_flag(&a, "count_only")?,
            _ => false,
        };
        // Each operation's arguments, decoded in the order its full-build method decodes
        // them (key or keys, value or delta, version, timeout), so the same argument is
        // blamed first; `NONE` reads as `undefined`.
        let args = [&a, &b, &c, &d, &JsValue::UNDEFINED];
        let arg = |at: u8| args[usize::from(at.min(NONE))];
        let (mut key, mut keys, mut pairs) = (Value::None, Vec::new(), Vec::new());
        match key_kind {
            // `incr`'s key is its second argument (the first picks the operation).
            KEY => key = to_value(if op == INCR { &b } else { &a }, "key")?,
            KEYS => keys = to_keys(&a)?,
            PAIRS => pairs = to_pairs(&a)?,
            _ => {}
        }
        let value = match value_at {
            NONE => Value::None,
            // `incr`'s delta, 1 when not given.
            2 if c.is_undefined() => Value::Int(1),
            2 => to_value(&c, "delta")?,
            _ => to_value(&b, "value")?,
        };
        let o = opts(h, arg(timeout_at), arg(version_at))?;
        let cache = h.cache();
        let at_once = cache.at_once();
        // `None`: `undefined` (a miss, or an operation that returns nothing).
        let done: Result<Option<Value>, CacheError> = match op {
            GET => at_once.get(Key::from(&key), o),
            SET => at_once.set(Key::from(&key), value, o).map(|()| None),
            ADD => at_once
                .add(Key::from(&key), value, o)
                .map(|b| Some(Value::Bool(b))),
            GET_MANY if flag => at_once.aget_many(keys, o).map(|d| Some(Value::Dict(d))),
            GET_MANY => at_once.get_many(keys, o).map(|d| Some(Value::Dict(d))),
            SET_MANY => at_once.set_many(pairs, o).map(|l| Some(Value::List(l))),
            DELETE => at_once
                .delete(Key::from(&key), o)
                .map(|b| Some(Value::Bool(b))),
            DELETE_MANY if flag => at_once.adelete_many(keys, o).map(|()| None),
            DELETE_MANY => at_once.delete_many(keys, o).map(|()| None),
            HAS_KEY if flag => at_once
                .ahas_key(Key::from(&key), o)
                .map(|b| Some(Value::Bool(b))),
            HAS_KEY => at_once
                .has_key(Key::from(&key), o)
                .map(|b| Some(Value::Bool(b))),
            INCR => {
                let key = Key::from(&key);
                match which {
                    IncrKind::Incr => at_once.incr(key, value, o),
                    IncrKind::Decr => at_once.decr(key, value, o),
                    IncrKind::Aincr => at_once.aincr(key, value, o),
                    IncrKind::Adecr => at_once.adecr(key, value, o),
                    IncrKind::IncrVersion => at_once.incr_version(key, value, o),
                    IncrKind::DecrVersion => at_once.decr_version(key, value, o),
                }
                .map(Some)
            }
            TOUCH => at_once
                .touch(Key::from(&key), o)
                .map(|b| Some(Value::Bool(b))),
            CLEAR => at_once.clear().map(|()| None),
            CLOSE => at_once.close().map(|()| None),
            INSPECT => {
                let detail = if flag { Detail::Count } else { Detail::Full };
                let inspection = at_once.inspect(detail);
                return h.finish(inspection.map(|i| inspection_js(&i)));
            }
            MAKE_KEY => cache
                .make_key(Key::from(&key), o.version.as_ref())
                .map(Some),
            MAKE_AND_VALIDATE_KEY => cache
                .make_and_validate_key(Key::from(&key), o.version.as_ref())
                .map(|s| Some(Value::Str(s))),
            VALIDATE_KEY => cache.validate_key(&key).map(|()| None),
            // GET_BACKEND_TIMEOUT, the one left.
            _ => Ok(Some(cache.get_backend_timeout(o.timeout))),
        };
        h.finish(done.map(|v| v.as_ref().map_or(JsValue::UNDEFINED, to_js)))
    }
}
