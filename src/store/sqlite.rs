//! A [`SqlStore`] over a SQLite file through rusqlite (native only).
//!
//! Several processes may share the file: writes wait up to [`BUSY_TIMEOUT`] for a lock
//! instead of failing, and [`SqlStore::batch`] runs in one transaction.

use crate::error::CacheError;
use crate::seam::LocalBoxFuture;
use crate::seam::sql::{SqlStore, SqlValue, Statement};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::ToString;
use alloc::vec::Vec;
use core::time::Duration;
use rusqlite::types::{Value as Column, ValueRef};
use rusqlite::{Connection, params_from_iter};
use std::path::Path;
use std::sync::Mutex;

/// How long a statement waits for another connection's lock.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A SQLite database.
#[derive(Debug)]
pub struct SqliteStore {
    connection: Mutex<Connection>,
}

fn database_error(error: &rusqlite::Error) -> CacheError {
    CacheError::Database(error.to_string())
}

fn to_column(value: &SqlValue) -> Column {
    match value {
        SqlValue::Null => Column::Null,
        SqlValue::Integer(i) => Column::Integer(*i),
        SqlValue::Real(x) => Column::Real(*x),
        SqlValue::Text(text) => Column::Text(text.clone()),
        SqlValue::Blob(bytes) => Column::Blob(bytes.clone()),
    }
}

fn from_column(value: ValueRef<'_>) -> SqlValue {
    match value {
        ValueRef::Null => SqlValue::Null,
        ValueRef::Integer(i) => SqlValue::Integer(i),
        ValueRef::Real(x) => SqlValue::Real(x),
        ValueRef::Text(bytes) => {
            SqlValue::Text(alloc::string::String::from_utf8_lossy(bytes).into_owned())
        }
        ValueRef::Blob(bytes) => SqlValue::Blob(bytes.to_vec()),
    }
}

impl SqliteStore {
    /// Opens (or creates) the database file at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, CacheError> {
        let path = path.as_ref();
        let connection = Connection::open(path)
            .map_err(|e| CacheError::Database(format!("cannot open {}: {e}", path.display())))?;
        connection
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| database_error(&e))?;
        Ok(Self {
            connection: Mutex::new(connection),
        })
    }

    /// Opens a throwaway database file (the replay's): no waiting for the disk on commit, as
    /// nothing in it has to survive a crash.
    pub fn open_scratch(path: impl AsRef<Path>) -> Result<Self, CacheError> {
        let store = Self::open(path)?;
        store
            .with(|c| c.execute_batch("PRAGMA synchronous = OFF; PRAGMA journal_mode = MEMORY;"))?;
        Ok(store)
    }

    /// Opens an existing database file read-only (writes fail with a `DatabaseError`).
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Self, CacheError> {
        let path = path.as_ref();
        let connection =
            Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(
                |e| CacheError::Database(format!("cannot open {}: {e}", path.display())),
            )?;
        connection
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| database_error(&e))?;
        Ok(Self {
            connection: Mutex::new(connection),
        })
    }

    /// An in-memory database (unit tests).
    pub fn in_memory() -> Result<Self, CacheError> {
        let connection = Connection::open_in_memory().map_err(|e| database_error(&e))?;
        Ok(Self {
            connection: Mutex::new(connection),
        })
    }

    fn with<T>(
        &self,
        work: impl FnOnce(&mut Connection) -> rusqlite::Result<T>,
    ) -> Result<T, CacheError> {
        let mut connection = self
            .connection
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        work(&mut connection).map_err(|e| database_error(&e))
    }
}

impl SqlStore for SqliteStore {
    fn execute<'a>(
        &'a self,
        sql: &'a str,
        params: &'a [SqlValue],
    ) -> LocalBoxFuture<'a, Result<u64, CacheError>> {
        Box::pin(async move {
            self.with(|c| c.execute(sql, params_from_iter(params.iter().map(to_column))))
                .map(|changed| changed as u64)
        })
    }

    fn query<'a>(
        &'a self,
        sql: &'a str,
        params: &'a [SqlValue],
    ) -> LocalBoxFuture<'a, Result<Vec<Vec<SqlValue>>, CacheError>> {
        Box::pin(async move {
            self.with(|c| {
                let mut statement = c.prepare(sql)?;
                let width = statement.column_count();
                let mut rows = statement.query(params_from_iter(params.iter().map(to_column)))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    let mut values = Vec::with_capacity(width);
                    for column in 0..width {
                        values.push(from_column(row.get_ref(column)?));
                    }
                    out.push(values);
                }
                Ok(out)
            })
        })
    }

    fn batch<'a>(
        &'a self,
        statements: &'a [Statement],
    ) -> LocalBoxFuture<'a, Result<Vec<u64>, CacheError>> {
        Box::pin(async move {
            self.with(|c| {
                let transaction =
                    c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let mut counts = Vec::with_capacity(statements.len());
                for statement in statements {
                    let changed = transaction.execute(
                        &statement.sql,
                        params_from_iter(statement.params.iter().map(to_column)),
                    )?;
                    counts.push(changed as u64);
                }
                transaction.commit()?;
                Ok(counts)
            })
        })
    }
}
