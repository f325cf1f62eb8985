//! A [`KvStore`] over a directory: one file per key, written to a temporary file in the same
//! directory and renamed over the target, so a reader never sees half an entry (FB-1).

use crate::error::CacheError;
use crate::seam::LocalBoxFuture;
use crate::seam::kv::{KvPage, KvStore, PutOptions};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};
use std::fs;
use std::io::{self, ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Temporary files start with this, so listings (and Django's `*.djcache` glob) skip them.
const TEMP_PREFIX: &str = ".edgecache-tmp-";

/// Files of a directory as a key-value store.
#[derive(Debug)]
pub struct DirectoryKv {
    dir: PathBuf,
    temp_counter: AtomicU64,
}

impl DirectoryKv {
    /// A store in `dir` (made absolute; created with mode 0o700 when first written, FB-1).
    pub fn new(dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref();
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        Self {
            dir,
            temp_counter: AtomicU64::new(0),
        }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path_of(&self, key: &str) -> Result<PathBuf, CacheError> {
        let plain = !key.is_empty() && !key.starts_with('.') && !key.contains(['/', '\\', '\0']);
        if plain {
            Ok(self.dir.join(key))
        } else {
            Err(CacheError::Storage(format!(
                "{key:?} cannot be a file name in {}",
                self.dir.display()
            )))
        }
    }

    fn error(&self, action: &str, error: &io::Error) -> CacheError {
        CacheError::Storage(format!(
            "cannot {action} in {}: {error}",
            self.dir.display()
        ))
    }

    fn create_dir(&self) -> io::Result<()> {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&self.dir)
    }

    fn write_atomically(&self, target: &Path, value: &[u8]) -> io::Result<()> {
        self.create_dir()?;
        let temp = self.dir.join(format!(
            "{TEMP_PREFIX}{}-{}",
            std::process::id(),
            self.temp_counter.fetch_add(1, Ordering::Relaxed)
        ));
        let result = fs::File::create(&temp)
            // No fsync, as in Django: readers need atomicity (the rename), not durability.
            .and_then(|mut file| file.write_all(value))
            .and_then(|()| fs::rename(&temp, target));
        if result.is_err() {
            let _ = fs::remove_file(&temp);
        }
        result
    }
}

impl KvStore for DirectoryKv {
    fn get<'a>(&'a self, key: &'a str) -> LocalBoxFuture<'a, Result<Option<Vec<u8>>, CacheError>> {
        Box::pin(async move {
            match fs::read(self.path_of(key)?) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
                Err(e) => Err(self.error("read an entry", &e)),
            }
        })
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        _options: PutOptions,
    ) -> LocalBoxFuture<'a, Result<(), CacheError>> {
        Box::pin(async move {
            let target = self.path_of(key)?;
            self.write_atomically(&target, &value)
                .map_err(|e| self.error("write an entry", &e))
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> LocalBoxFuture<'a, Result<bool, CacheError>> {
        Box::pin(async move {
            match fs::remove_file(self.path_of(key)?) {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
                Err(e) => Err(self.error("delete an entry", &e)),
            }
        })
    }

    fn list<'a>(
        &'a self,
        prefix: &'a str,
        _cursor: Option<String>,
    ) -> LocalBoxFuture<'a, Result<KvPage, CacheError>> {
        Box::pin(async move {
            let entries = match fs::read_dir(&self.dir) {
                Ok(entries) => entries,
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(KvPage::default()),
                Err(e) => return Err(self.error("list entries", &e)),
            };
            let mut keys = Vec::new();
            for entry in entries {
                let entry = entry.map_err(|e| self.error("list entries", &e))?;
                if let Some(name) = entry.file_name().to_str() {
                    if name.starts_with(prefix) && !name.starts_with(TEMP_PREFIX) {
                        keys.push(name.to_string());
                    }
                }
            }
            Ok(KvPage { keys, cursor: None })
        })
    }
}
