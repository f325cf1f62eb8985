//! Django's `DatabaseCache` over the SQL seam (DB-1..DB-10): Django's table, Django's row
//! format (`base64(pickle(value))`, `expires` as whole-second UTC text), so a Django app and
//! edgecache can share one table.
//!
//! Writes use SQLite's upsert (`INSERT ... ON CONFLICT`), which gives the outcome of Django's
//! select-then-update-or-insert in one statement; D1 and PostgreSQL accept the same SQL.

use super::{Backend, Overrides};
use crate::clock::Clock;
use crate::codec::{self, pickle};
use crate::datetime;
use crate::error::CacheError;
use crate::expiry::{Timeout, generic_expiry};
use crate::inspect::{Detail, EntryOrder, EntryView, Inspection, Stats};
use crate::key::FullKey;
use crate::seam::sql::{SqlStore, SqlValue};
use crate::value::Value;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

/// How `expires` is written for `timeout=None`: Python's `datetime.max` without microseconds.
pub const NEVER: &str = "9999-12-31 23:59:59";

/// DB-1: the SQL `manage.py createcachetable` runs for `table` on SQLite: the table, then its
/// index.
pub fn create_table_sql(table: &str) -> [String; 2] {
    [
        format!(
            "CREATE TABLE \"{table}\" (\n    \"cache_key\" varchar(255) NOT NULL PRIMARY KEY,\n    \"value\" text NOT NULL,\n    \"expires\" datetime NOT NULL\n);"
        ),
        format!("CREATE INDEX \"{table}_expires\" ON \"{table}\" (\"expires\");"),
    ]
}

/// What [`create_table`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateTable {
    /// The table was made.
    Created,
    /// It was there already (Django prints `Cache table '<name>' already exists.`).
    AlreadyExists,
}

/// Checks a table name can be quoted safely.
pub fn check_table_name(table: &str) -> Result<(), CacheError> {
    if table.is_empty() || table.contains(['"', '\0']) {
        return Err(CacheError::Database(format!(
            "{table:?} cannot be a cache table name"
        )));
    }
    Ok(())
}

/// Whether `table` exists.
pub async fn table_exists(store: &dyn SqlStore, table: &str) -> Result<bool, CacheError> {
    let rows = store
        .query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?",
            &[table.into()],
        )
        .await?;
    Ok(!rows.is_empty())
}

/// DB-1: `createcachetable` for one table: skipped when it exists, else created with its
/// index in one transaction.
pub async fn create_table(store: &dyn SqlStore, table: &str) -> Result<CreateTable, CacheError> {
    check_table_name(table)?;
    if table_exists(store, table).await? {
        return Ok(CreateTable::AlreadyExists);
    }
    let statements = create_table_sql(table).map(|sql| crate::seam::sql::Statement {
        sql,
        params: Vec::new(),
    });
    store.batch(&statements).await.map_err(|e| {
        CacheError::Database(format!(
            "Cache table '{table}' could not be created.\nThe error was: {}.",
            e.message()
        ))
    })?;
    Ok(CreateTable::Created)
}

/// A database cache over one table.
pub struct DatabaseCache {
    store: Arc<dyn SqlStore>,
    table: String,
    max_entries: i128,
    cull_frequency: i128,
    default_timeout: Option<f64>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for DatabaseCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseCache")
            .field("table", &self.table)
            .finish_non_exhaustive()
    }
}

/// `now` as Django's db backend sees it: `timezone.now()` in whole seconds and microseconds.
struct Now {
    seconds: i64,
    micros: u32,
}

impl Now {
    /// DB-4: a row is expired when `expires < now` (now keeps its microseconds).
    fn has_passed(&self, expires: i64) -> bool {
        expires < self.seconds || (expires == self.seconds && self.micros > 0)
    }

    /// `now` truncated to seconds, as text (DB-5 step 2, DB-7).
    fn text(&self) -> Result<String, CacheError> {
        datetime::format_sql(self.seconds)
            .ok_or_else(|| CacheError::Value("year is out of range".into()))
    }
}

impl DatabaseCache {
    /// A cache over `table` in `store`.
    pub fn new(
        store: Arc<dyn SqlStore>,
        table: impl Into<String>,
        max_entries: i128,
        cull_frequency: i128,
        default_timeout: Option<f64>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, CacheError> {
        let table = table.into();
        check_table_name(&table)?;
        Ok(Self {
            store,
            table,
            max_entries,
            cull_frequency,
            default_timeout,
            clock,
        })
    }

    fn now(&self) -> Result<Now, CacheError> {
        let (seconds, micros) =
            datetime::timestamp_parts(self.clock.now()).ok_or_else(out_of_range)?;
        Ok(Now { seconds, micros })
    }

    /// DB-2: the stored `expires` text for an expiry instant, truncated to whole seconds.
    fn expires_text(expires_at: Option<f64>) -> Result<String, CacheError> {
        let Some(at) = expires_at else {
            return Ok(NEVER.to_string());
        };
        // DB-2: `datetime.fromtimestamp(expiry, tz=utc)`, with Python's errors for a huge
        // timeout (1e300, inf: OverflowError; a year past 9999: ValueError naming it).
        let (seconds, _) = datetime::from_timestamp_utc(at).map_err(|error| match error {
            datetime::TimestampError::Value(message) => CacheError::Value(message),
            datetime::TimestampError::Overflow => CacheError::Overflow(error.message()),
            datetime::TimestampError::Os => CacheError::Storage(error.message()),
        })?;
        datetime::format_sql(seconds).ok_or_else(out_of_range)
    }

    fn placeholders(count: usize) -> String {
        let mut text = String::new();
        for n in 0..count {
            text.push_str(if n == 0 { "?" } else { ", ?" });
        }
        text
    }

    fn decode(&self, key: &str, value: &SqlValue) -> Result<Value, CacheError> {
        let text = value
            .as_text()
            .ok_or_else(|| CacheError::Database(format!("row {key:?} has no text value")))?;
        pickle::loads(&codec::base64_decode(text)?)
            .map_err(|e| CacheError::Database(format!("row {key:?} does not hold a pickle: {e}")))
    }

    /// DB-6: expired rows first, then the `remaining // CULL_FREQUENCY` smallest keys.
    async fn cull(&self, now: &str, count: i128) -> Result<(), CacheError> {
        let table = &self.table;
        if self.cull_frequency == 0 {
            return self.clear().await;
        }
        let deleted = self
            .store
            .execute(
                &format!("DELETE FROM \"{table}\" WHERE \"expires\" < ?"),
                &[now.into()],
            )
            .await?;
        let remaining = count - i128::from(deleted);
        if remaining > self.max_entries {
            let cull_num = remaining.div_euclid(self.cull_frequency);
            let offset = SqlValue::Integer(i64::try_from(cull_num).unwrap_or(i64::MAX));
            let rows = self
                .store
                .query(&format!("SELECT \"cache_key\" FROM \"{table}\" ORDER BY \"cache_key\" LIMIT 1 OFFSET ?"), &[offset])
                .await?;
            if let Some(last) = rows.first().and_then(|row| row.first()) {
                self.store
                    .execute(
                        &format!("DELETE FROM \"{table}\" WHERE \"cache_key\" < ?"),
                        core::slice::from_ref(last),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    /// DB-5: Django's `_base_set`: count, cull, then write; a failed write is `false`, as
    /// Django swallows `DatabaseError` there.
    async fn base_set(
        &self,
        mode: Mode,
        key: &str,
        value: Option<&Value>,
        timeout: Timeout,
    ) -> Result<bool, CacheError> {
        let table = &self.table;
        let expires = Self::expires_text(generic_expiry(
            timeout,
            self.default_timeout,
            self.clock.now(),
        ))?;
        let rows = self
            .store
            .query(&format!("SELECT COUNT(*) FROM \"{table}\""), &[])
            .await?;
        let count = rows
            .first()
            .and_then(|row| row.first())
            .and_then(SqlValue::as_integer)
            .unwrap_or(0);
        let now = self.now()?.text()?;
        if i128::from(count) > self.max_entries {
            self.cull(&now, i128::from(count)).await?;
        }
        let encoded = codec::base64_encode(&pickle::dumps(value.unwrap_or(&Value::None)));
        let result = match mode {
            // A row that exists, expired or not, gets the new expiry (DB-5: touch revives).
            Mode::Touch => {
                self.store
                    .execute(&format!("UPDATE \"{table}\" SET \"expires\" = ? WHERE \"cache_key\" = ?"), &[expires.into(), key.into()])
                    .await
            }
            Mode::Set => {
                self.store
                    .execute(
                        &format!(
                            "INSERT INTO \"{table}\" (\"cache_key\", \"value\", \"expires\") VALUES (?, ?, ?) \
                             ON CONFLICT (\"cache_key\") DO UPDATE SET \"value\" = excluded.\"value\", \"expires\" = excluded.\"expires\""
                        ),
                        &[key.into(), encoded.into(), expires.into()],
                    )
                    .await
            }
            // Only an expired row may be replaced; a live one makes the insert fail (DB-5).
            Mode::Add => {
                self.store
                    .execute(
                        &format!(
                            "INSERT INTO \"{table}\" (\"cache_key\", \"value\", \"expires\") VALUES (?, ?, ?) \
                             ON CONFLICT (\"cache_key\") DO UPDATE SET \"value\" = excluded.\"value\", \"expires\" = excluded.\"expires\" \
                             WHERE \"{table}\".\"expires\" < ?"
                        ),
                        &[key.into(), encoded.into(), expires.into(), now.into()],
                    )
                    .await
            }
        };
        Ok(matches!(result, Ok(changed) if changed > 0))
    }
}

/// Python's error for a `datetime` beyond year 9999 (a huge timeout on the db backend).
fn out_of_range() -> CacheError {
    CacheError::Value("year is out of range".into())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Set,
    Add,
    Touch,
}

impl Backend for DatabaseCache {
    fn name(&self) -> &'static str {
        "db"
    }

    fn is_in_memory(&self) -> bool {
        false
    }

    fn overrides(&self) -> Overrides {
        Overrides {
            get_many: true,
            delete_many: true,
            get_is_get_many: true,
            ..Overrides::default()
        }
    }

    fn backend_timeout(&self, timeout: Timeout) -> Value {
        generic_expiry(timeout, self.default_timeout, self.clock.now())
            .map_or(Value::None, Value::Float)
    }

    /// DB-4: `get(k)` is `get_many([k])`.
    async fn get(&self, key: FullKey<'_>) -> Result<Option<Value>, CacheError> {
        let key = &*key.joined();
        let found = self.get_many(&[key.to_string()]).await?;
        Ok(found.into_iter().next().map(|(_, value)| value))
    }

    /// DB-4: one SELECT; expired rows are left out and deleted.
    async fn get_many(&self, keys: &[String]) -> Result<Vec<(String, Value)>, CacheError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let table = &self.table;
        let params: Vec<SqlValue> = keys.iter().map(|k| k.as_str().into()).collect();
        let rows = self
            .store
            .query(
                &format!("SELECT \"cache_key\", \"value\", \"expires\" FROM \"{table}\" WHERE \"cache_key\" IN ({})", Self::placeholders(keys.len())),
                &params,
            )
            .await?;
        let now = self.now()?;
        let mut found = Vec::new();
        let mut expired = Vec::new();
        for row in rows {
            let [key, value, expires] = row.as_slice() else {
                return Err(CacheError::Database(
                    "the cache table has unexpected columns".into(),
                ));
            };
            let key = key.as_text().unwrap_or_default().to_string();
            let expires = expires
                .as_text()
                .and_then(datetime::parse_sql)
                .ok_or_else(|| {
                    CacheError::Database(format!("row {key:?} has an unreadable expires value"))
                })?;
            if now.has_passed(expires) {
                expired.push(key);
            } else {
                let value = self.decode(&key, value)?;
                found.push((key, value));
            }
        }
        self.delete_many(&expired).await?;
        Ok(found)
    }

    async fn set(
        &self,
        key: FullKey<'_>,
        value: Value,
        timeout: Timeout,
    ) -> Result<(), CacheError> {
        let key = &*key.joined();
        self.base_set(Mode::Set, key, Some(&value), timeout)
            .await
            .map(|_| ())
    }

    async fn add(
        &self,
        key: FullKey<'_>,
        value: Value,
        timeout: Timeout,
    ) -> Result<bool, CacheError> {
        let key = &*key.joined();
        self.base_set(Mode::Add, key, Some(&value), timeout).await
    }

    async fn touch(&self, key: FullKey<'_>, timeout: Timeout) -> Result<bool, CacheError> {
        let key = &*key.joined();
        self.base_set(Mode::Touch, key, None, timeout).await
    }

    /// DB-8: true when a row went, expired or not.
    async fn delete(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        let key = &*key.joined();
        let table = &self.table;
        let changed = self
            .store
            .execute(
                &format!("DELETE FROM \"{table}\" WHERE \"cache_key\" IN (?)"),
                &[key.into()],
            )
            .await?;
        Ok(changed > 0)
    }

    /// DB-8: one DELETE; nothing at all for an empty list.
    async fn delete_many(&self, keys: &[String]) -> Result<(), CacheError> {
        if keys.is_empty() {
            return Ok(());
        }
        let table = &self.table;
        let params: Vec<SqlValue> = keys.iter().map(|k| k.as_str().into()).collect();
        self.store
            .execute(
                &format!(
                    "DELETE FROM \"{table}\" WHERE \"cache_key\" IN ({})",
                    Self::placeholders(keys.len())
                ),
                &params,
            )
            .await?;
        Ok(())
    }

    /// DB-7: live only when `expires > now` truncated to seconds; never deletes.
    async fn has_key(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        let key = &*key.joined();
        let table = &self.table;
        let now = self.now()?.text()?;
        let rows = self
            .store
            .query(&format!("SELECT \"cache_key\" FROM \"{table}\" WHERE \"cache_key\" = ? and \"expires\" > ?"), &[key.into(), now.into()])
            .await?;
        Ok(!rows.is_empty())
    }

    async fn clear(&self) -> Result<(), CacheError> {
        self.store
            .execute(&format!("DELETE FROM \"{}\"", self.table), &[])
            .await
            .map(|_| ())
    }

    async fn inspect(&self, detail: Detail) -> Result<Inspection, CacheError> {
        let table = &self.table;
        let rows = self
            .store
            .query(&format!("SELECT \"cache_key\", \"value\", \"expires\" FROM \"{table}\" ORDER BY \"cache_key\""), &[])
            .await?;
        let count = rows.len();
        let mut entries = Vec::new();
        if detail == Detail::Full {
            for row in rows {
                let [key, value, expires] = row.as_slice() else {
                    continue;
                };
                let key = key.as_text().unwrap_or_default().to_string();
                let expires_at = match expires.as_text() {
                    Some(NEVER) => None,
                    text => text.and_then(datetime::parse_sql).map(|s| s as f64),
                };
                let value = self.decode(&key, value)?;
                entries.push(EntryView {
                    key,
                    value,
                    expires_at,
                });
            }
        }
        Ok(Inspection {
            backend: "db",
            now: self.clock.now(),
            count,
            order: Some(EntryOrder::KeyAscending),
            entries,
            stats: Stats::default(),
            last_cull: None,
        })
    }
}

/// django-redis's extras, emulated over the table: a row is live while `expires > now`
/// (DB-7), a persistent row's `expires` is [`NEVER`].
impl super::extras::BackendExtras for DatabaseCache {
    async fn ttl(&self, key: FullKey<'_>, millis: bool) -> Result<super::extras::Ttl, CacheError> {
        use super::extras::{Ttl, remaining};
        let key = &*key.joined();
        let table = &self.table;
        let now = self.now()?.text()?;
        let rows = self
            .store
            .query(&format!("SELECT \"expires\" FROM \"{table}\" WHERE \"cache_key\" = ? and \"expires\" > ?"), &[key.into(), now.into()])
            .await?;
        let Some(expires) = rows.first().and_then(|row| row.first()) else {
            return Ok(Ttl::Missing);
        };
        Ok(match expires.as_text() {
            Some(NEVER) => Ttl::Persistent,
            text => {
                let at = text.and_then(datetime::parse_sql).ok_or_else(|| {
                    CacheError::Database(format!("row {key:?} has an unreadable expires"))
                })?;
                remaining(Some(at as f64), self.clock.now(), millis)
            }
        })
    }

    async fn expire(
        &self,
        key: FullKey<'_>,
        expiry: super::extras::Expiry,
    ) -> Result<bool, CacheError> {
        let key = &*key.joined();
        let table = &self.table;
        let now_at = self.clock.now();
        let now = self.now()?.text()?;
        let at = expiry.at(now_at);
        let changed = if at <= now_at {
            // A time already past deletes the live row, as EXPIRE does.
            self.store
                .execute(
                    &format!("DELETE FROM \"{table}\" WHERE \"cache_key\" = ? and \"expires\" > ?"),
                    &[key.into(), now.into()],
                )
                .await?
        } else {
            let expires = Self::expires_text(Some(at))?;
            self.store
                .execute(&format!("UPDATE \"{table}\" SET \"expires\" = ? WHERE \"cache_key\" = ? and \"expires\" > ?"), &[expires.into(), key.into(), now.into()])
                .await?
        };
        Ok(changed > 0)
    }

    async fn persist(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        let key = &*key.joined();
        let table = &self.table;
        let now = self.now()?.text()?;
        let changed = self
            .store
            .execute(&format!("UPDATE \"{table}\" SET \"expires\" = ? WHERE \"cache_key\" = ? and \"expires\" > ? and \"expires\" != ?"), &[NEVER.into(), key.into(), now.into(), NEVER.into()])
            .await?;
        Ok(changed > 0)
    }

    async fn scan(&self, pattern: &str) -> Result<Vec<String>, CacheError> {
        let table = &self.table;
        let now = self.now()?.text()?;
        let rows = self
            .store
            .query(&format!("SELECT \"cache_key\" FROM \"{table}\" WHERE \"expires\" > ? ORDER BY \"cache_key\""), &[now.into()])
            .await?;
        Ok(rows
            .iter()
            .filter_map(|row| row.first().and_then(SqlValue::as_text))
            .filter(|key| crate::glob::matches(pattern, key))
            .map(String::from)
            .collect())
    }
}
