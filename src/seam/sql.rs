//! The SQL seam the database backend runs on: SQLite through rusqlite on native, D1 in the
//! Worker. Statements use `?` placeholders with bound parameters, never string splicing.

use super::{LocalBoxFuture, MaybeSendSync};
use crate::error::CacheError;
use alloc::string::String;
use alloc::vec::Vec;

/// A bound parameter or a column value.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    /// `NULL`.
    Null,
    /// An integer.
    Integer(i64),
    /// A float.
    Real(f64),
    /// Text.
    Text(String),
    /// A blob.
    Blob(Vec<u8>),
}

impl SqlValue {
    /// The text, for a text column.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The integer, for an integer column.
    pub fn as_integer(&self) -> Option<i64> {
        match self {
            Self::Integer(i) => Some(*i),
            _ => None,
        }
    }
}

impl From<&str> for SqlValue {
    fn from(text: &str) -> Self {
        Self::Text(String::from(text))
    }
}

impl From<String> for SqlValue {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

/// One statement with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// SQL with `?` placeholders.
    pub sql: String,
    /// The parameters, in order.
    pub params: Vec<SqlValue>,
}

/// A database the cache can run statements on.
pub trait SqlStore: MaybeSendSync {
    /// Runs a statement that returns no rows; returns the number of rows it changed.
    fn execute<'a>(
        &'a self,
        sql: &'a str,
        params: &'a [SqlValue],
    ) -> LocalBoxFuture<'a, Result<u64, CacheError>>;

    /// Runs a query; returns its rows.
    fn query<'a>(
        &'a self,
        sql: &'a str,
        params: &'a [SqlValue],
    ) -> LocalBoxFuture<'a, Result<Vec<Vec<SqlValue>>, CacheError>>;

    /// Runs statements in one transaction (all or none); returns each one's changed-row count.
    fn batch<'a>(
        &'a self,
        statements: &'a [Statement],
    ) -> LocalBoxFuture<'a, Result<Vec<u64>, CacheError>>;
}
