//! The `edgecache` command's library half: what its subcommands share with its tests.
//!
//! [`component`] hosts the WebAssembly component (`wit/edgecache.wit`) in wasmtime, so a
//! conformance trace can be replayed through the component's exported interface.

#[cfg(feature = "component-host")]
pub mod component;
