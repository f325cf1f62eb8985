//! The `SERIALIZER` and `COMPRESSOR` options: checked when settings load, so an unknown dotted
//! path, or one on a backend that cannot honour it, names its alias, field and value.

use super::compressor::Compressor;
use super::serializer::Serializer;
use crate::literal::{Node, NodeKind};
#[cfg(edgecache_storage_backends)]
use crate::settings::CacheConfig;
use crate::settings::{BackendKind, SettingsError};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Checks `OPTIONS[name]` of `alias` when it is `SERIALIZER` or `COMPRESSOR`.
pub fn check(
    alias: &str,
    backend: BackendKind,
    name: &str,
    value: &Node,
) -> Result<(), SettingsError> {
    let known: Vec<&str> = match name {
        "SERIALIZER" => Serializer::PATHS.iter().map(|(path, _)| *path).collect(),
        "COMPRESSOR" => Compressor::PATHS.iter().map(|(path, _)| *path).collect(),
        _ => return Ok(()),
    };
    let error = |message: String| SettingsError {
        alias: Some(String::from(alias)),
        field: Some(format!("OPTIONS.{name}")),
        value: Some(crate::python::repr(&crate::settings::node_value(value))),
        line: Some(value.line),
        message,
    };
    let NodeKind::Str(path) = &value.kind else {
        return Err(error(format!("{name} must be a dotted path string")));
    };
    if !known.contains(&path.as_str()) {
        return Err(error(format!(
            "unknown {}: edgecache knows {}",
            name.to_ascii_lowercase(),
            known.join(", ")
        )));
    }
    if !matches!(backend, BackendKind::Redis(_)) {
        return Err(error(format!(
            "{name} is honoured only by the redis backends; {} stores values in Django's own format",
            backend.short_name()
        )));
    }
    Ok(())
}

/// The serializer and compressor `config` chose (already checked by [`check`]).
#[cfg(edgecache_storage_backends)]
pub fn value_format(config: &CacheConfig) -> super::format::ValueFormat {
    let path = |name: &str| config.option(name).and_then(crate::value::Value::as_str);
    super::format::ValueFormat {
        serializer: path("SERIALIZER")
            .and_then(Serializer::from_path)
            .unwrap_or_default(),
        compressor: path("COMPRESSOR")
            .and_then(Compressor::from_path)
            .unwrap_or_default(),
    }
}
