//! Where the core gets the time: a [`Clock`] the runtime passes in.
//!
//! The core never reads `std::time` (it panics on `wasm32-unknown-unknown`); the Worker, the
//! npm package, the component and native code each supply their own clock.

use core::sync::atomic::{AtomicU64, Ordering};

/// A source of Unix time in seconds, as Python's `time.time()` gives it.
pub trait Clock: Send + Sync {
    /// Seconds since the Unix epoch, with fractions.
    fn now(&self) -> f64;
}

/// A clock that moves only when told to: the conformance replay's fake clock and the
/// playground's virtual clock.
#[derive(Debug)]
pub struct ManualClock {
    bits: AtomicU64,
}

impl ManualClock {
    /// The instant the conformance oracle's fake clock starts at
    /// (`Tue, 14 Nov 2023 22:13:20 GMT`).
    pub const ORACLE_START: f64 = 1_700_000_000.0;

    /// A clock standing at `start` (Unix seconds).
    pub const fn new(start: f64) -> Self {
        Self {
            bits: AtomicU64::new(start.to_bits()),
        }
    }

    /// Moves the clock forward (or back, for a negative `seconds`).
    pub fn advance(&self, seconds: f64) {
        let now = self.now();
        self.set(now + seconds);
    }

    /// Puts the clock at `unix_seconds`.
    pub fn set(&self, unix_seconds: f64) {
        self.bits.store(unix_seconds.to_bits(), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> f64 {
        f64::from_bits(self.bits.load(Ordering::SeqCst))
    }
}

/// The operating system's wall clock (native only).
#[cfg(edgecache_std)]
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

#[cfg(edgecache_std)]
impl Clock for SystemClock {
    fn now(&self) -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |elapsed| elapsed.as_secs_f64())
    }
}
