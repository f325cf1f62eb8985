//! D1 → the core's SQL seam: the store of the database backend (the analogue of Django's
//! `DatabaseCache` table). The table is Django's own DDL (`createcachetable`), created by the
//! wrangler migration in `worker/migrations/` or, failing that, on first use.

use crate::js_message;
use edgecache::CacheError;
use edgecache::seam::LocalBoxFuture;
use edgecache::seam::sql::{SqlStore, SqlValue, Statement};
use wasm_bindgen::{JsCast, JsValue};
use worker::{D1Database, D1PreparedStatement};

/// A D1 database as the core's `SqlStore`.
pub struct D1Sql {
    db: D1Database,
    binding: String,
}

impl core::fmt::Debug for D1Sql {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("D1Sql")
            .field("binding", &self.binding)
            .finish()
    }
}

fn to_js(value: &SqlValue) -> JsValue {
    match value {
        SqlValue::Null => JsValue::NULL,
        SqlValue::Integer(i) => JsValue::from_f64(*i as f64),
        SqlValue::Real(x) => JsValue::from_f64(*x),
        SqlValue::Text(text) => JsValue::from_str(text),
        SqlValue::Blob(bytes) => js_sys::Uint8Array::from(bytes.as_slice()).into(),
    }
}

fn from_js(value: &JsValue) -> SqlValue {
    if value.is_null() || value.is_undefined() {
        SqlValue::Null
    } else if let Some(text) = value.as_string() {
        SqlValue::Text(text)
    } else if let Some(x) = value.as_f64() {
        if x.fract() == 0.0 && x.abs() < 9.0e15 {
            SqlValue::Integer(x as i64)
        } else {
            SqlValue::Real(x)
        }
    } else if let Some(buffer) = value.dyn_ref::<js_sys::ArrayBuffer>() {
        SqlValue::Blob(js_sys::Uint8Array::new(buffer).to_vec())
    } else if js_sys::Array::is_array(value) {
        let bytes = js_sys::Array::from(value)
            .iter()
            .map(|b| b.as_f64().unwrap_or(0.0) as u8)
            .collect();
        SqlValue::Blob(bytes)
    } else {
        SqlValue::Text(format!("{value:?}"))
    }
}

impl D1Sql {
    /// The database `db`, bound as `binding`.
    pub fn new(db: D1Database, binding: &str) -> Self {
        Self {
            db,
            binding: binding.into(),
        }
    }

    /// Opens the D1 binding named `binding`.
    pub fn open(env: &worker::Env, binding: &str) -> Result<Self, CacheError> {
        let db = env.d1(binding).map_err(|_| {
            CacheError::InvalidBackend(format!(
                "no D1 database is bound as `{binding}` ([[d1_databases]] in wrangler.toml)"
            ))
        })?;
        Ok(Self::new(db, binding))
    }

    fn error(&self, sql: &str, error: worker::Error) -> CacheError {
        let message = match &error {
            worker::Error::D1(d1) => d1.cause(),
            worker::Error::Internal(value) => js_message(value),
            other => other.to_string(),
        };
        let first_line = sql.lines().next().unwrap_or(sql);
        CacheError::Database(format!("D1 `{}`: {message} ({first_line})", self.binding))
    }

    fn prepare(&self, sql: &str, params: &[SqlValue]) -> Result<D1PreparedStatement, CacheError> {
        let values: Vec<JsValue> = params.iter().map(to_js).collect();
        self.db
            .prepare(sql)
            .bind(&values)
            .map_err(|e| self.error(sql, e))
    }
}

fn changes(result: &worker::D1Result) -> u64 {
    result
        .meta()
        .ok()
        .flatten()
        .and_then(|meta| meta.changes)
        .unwrap_or(0) as u64
}

impl SqlStore for D1Sql {
    fn execute<'a>(
        &'a self,
        sql: &'a str,
        params: &'a [SqlValue],
    ) -> LocalBoxFuture<'a, Result<u64, CacheError>> {
        Box::pin(async move {
            let result = self
                .prepare(sql, params)?
                .run()
                .await
                .map_err(|e| self.error(sql, e))?;
            Ok(changes(&result))
        })
    }

    fn query<'a>(
        &'a self,
        sql: &'a str,
        params: &'a [SqlValue],
    ) -> LocalBoxFuture<'a, Result<Vec<Vec<SqlValue>>, CacheError>> {
        Box::pin(async move {
            let rows = self
                .prepare(sql, params)?
                .raw_js_value()
                .await
                .map_err(|e| self.error(sql, e))?;
            Ok(rows
                .iter()
                .map(|row| {
                    js_sys::Array::from(row)
                        .iter()
                        .map(|v| from_js(&v))
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
            if statements.is_empty() {
                return Ok(Vec::new());
            }
            let prepared = statements
                .iter()
                .map(|s| self.prepare(&s.sql, &s.params))
                .collect::<Result<Vec<_>, _>>()?;
            let results = self
                .db
                .batch(prepared)
                .await
                .map_err(|e| self.error(&statements[0].sql, e))?;
            Ok(results.iter().map(changes).collect())
        })
    }
}
