//! A database binding with the Cloudflare D1 shape as the db backend's [`SqlStore`]:
//! `prepare(sql)` gives a statement, `statement.bind(...params)` a bound one, whose `all()`
//! resolves to `{ results: [row objects] }` and `run()` to `{ meta: { changes } }`;
//! `batch([statements])` runs several in one transaction. D1 itself fits, and so does the
//! playground's wrapper around sql.js (`www/sqljs-d1.js`). Answers may be Promises or plain
//! values. Conversion only: the SQL is the db backend's.

use super::{set_field, storage_error};
use crate::error::CacheError;
use crate::seam::LocalBoxFuture;
use crate::seam::sql::{SqlStore, SqlValue, Statement};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// A D1-shaped database binding.
pub(super) struct JsSql(pub(super) JsValue);

fn database_error(what: &str, thrown: &JsValue) -> CacheError {
    match storage_error(what, thrown) {
        CacheError::Storage(message) => CacheError::Database(message),
        other => other,
    }
}

/// Calls `target.method(...args)` and waits for it when it answers with a Promise.
async fn call(target: &JsValue, method: &str, args: &Array) -> Result<JsValue, CacheError> {
    let function: Function = Reflect::get(target, &method.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| CacheError::Database(format!("the database has no {method}() method")))?;
    let returned = function
        .apply(target, args)
        .map_err(|e| database_error(method, &e))?;
    if returned.has_type::<Promise>() {
        JsFuture::from(Promise::unchecked_from_js(returned))
            .await
            .map_err(|e| database_error(method, &e))
    } else {
        Ok(returned)
    }
}

fn param_js(value: &SqlValue) -> JsValue {
    match value {
        SqlValue::Null => JsValue::NULL,
        SqlValue::Integer(i) => JsValue::from_f64(*i as f64),
        SqlValue::Real(x) => JsValue::from_f64(*x),
        SqlValue::Text(text) => JsValue::from_str(text),
        SqlValue::Blob(bytes) => Uint8Array::from(bytes.as_slice()).into(),
    }
}

fn column_value(js: &JsValue) -> SqlValue {
    if let Some(text) = js.as_string() {
        SqlValue::Text(text)
    } else if let Some(x) = js.as_f64() {
        if x.is_finite() && x.abs() < 9.2e18 && (x as i64) as f64 == x {
            SqlValue::Integer(x as i64)
        } else {
            SqlValue::Real(x)
        }
    } else if js.is_bigint() {
        let text: String = js_sys::BigInt::unchecked_from_js_ref(js)
            .to_string(10)
            .map(String::from)
            .unwrap_or_default();
        text.parse().map_or(SqlValue::Null, SqlValue::Integer)
    } else if let Some(bytes) = js.dyn_ref::<Uint8Array>() {
        SqlValue::Blob(bytes.to_vec())
    } else if let Some(buffer) = js.dyn_ref::<js_sys::ArrayBuffer>() {
        SqlValue::Blob(Uint8Array::new(buffer).to_vec())
    } else if let Some(b) = js.as_bool() {
        SqlValue::Integer(i64::from(b))
    } else {
        SqlValue::Null
    }
}

/// `meta.changes` of a `run()` answer (0 when the binding does not say).
fn changes(result: &JsValue) -> u64 {
    Reflect::get(result, &"meta".into())
        .ok()
        .filter(|meta| meta.is_object())
        .and_then(|meta| Reflect::get(&meta, &"changes".into()).ok())
        .and_then(|n| n.as_f64())
        .map_or(0, |n| n as u64)
}

impl JsSql {
    /// `db.prepare(sql).bind(...params)`.
    async fn statement(&self, sql: &str, params: &[SqlValue]) -> Result<JsValue, CacheError> {
        let prepared = call(&self.0, "prepare", &Array::of1(&sql.into())).await?;
        if params.is_empty() {
            return Ok(prepared);
        }
        let params: Array = params.iter().map(param_js).collect();
        call(&prepared, "bind", &params).await
    }
}

impl SqlStore for JsSql {
    fn execute<'a>(
        &'a self,
        sql: &'a str,
        params: &'a [SqlValue],
    ) -> LocalBoxFuture<'a, Result<u64, CacheError>> {
        Box::pin(async move {
            let statement = self.statement(sql, params).await?;
            let result = call(&statement, "run", &Array::new()).await?;
            Ok(changes(&result))
        })
    }

    fn query<'a>(
        &'a self,
        sql: &'a str,
        params: &'a [SqlValue],
    ) -> LocalBoxFuture<'a, Result<Vec<Vec<SqlValue>>, CacheError>> {
        Box::pin(async move {
            let statement = self.statement(sql, params).await?;
            let result = call(&statement, "all", &Array::new()).await?;
            let rows = Reflect::get(&result, &"results".into()).unwrap_or_default();
            if !Array::is_array(&rows) {
                return Err(CacheError::Database(
                    "the statement's all() must give { results: [rows] }".into(),
                ));
            }
            // A row is an object whose properties come in the SELECT's column order.
            Ok(Array::unchecked_from_js(rows)
                .iter()
                .map(|row| {
                    Object::values(Object::unchecked_from_js_ref(&row))
                        .iter()
                        .map(|column| column_value(&column))
                        .collect()
                })
                .collect())
        })
    }

    fn batch<'a>(
        &'a self,
        statements: &'a [Statement],
    ) -> LocalBoxFuture<'a, Result<Vec<u64>, CacheError>> {
        Box::pin(async move {
            let bound = Array::new();
            for statement in statements {
                bound.push(&self.statement(&statement.sql, &statement.params).await?);
            }
            let results = call(&self.0, "batch", &Array::of1(&bound)).await?;
            if !Array::is_array(&results) {
                return Err(CacheError::Database(
                    "the database's batch() must give one result per statement".into(),
                ));
            }
            Ok(Array::unchecked_from_js(results)
                .iter()
                .map(|r| changes(&r))
                .collect())
        })
    }
}

/// `{ table, created }` for what `createcachetable` did with one table.
pub(super) fn created_js(table: &str, created: bool) -> JsValue {
    let out = Object::new();
    set_field(&out, "table", table.into());
    set_field(&out, "created", created.into());
    out.into()
}
