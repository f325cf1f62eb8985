//! The core's locks: [`Mutex`] (`std::sync::Mutex` with `std`, a spin lock without it) and
//! [`ShortMutex`] for the locmem store's critical sections, which are short and never wait.
//!
//! A poisoned std mutex is still usable here: every critical section leaves the store
//! consistent before it can panic, so the guard is recovered rather than propagated.

#[cfg(edgecache_std)]
mod imp {
    /// A mutual-exclusion lock around `T`.
    #[derive(Debug, Default)]
    pub struct Mutex<T>(std::sync::Mutex<T>);

    impl<T> Mutex<T> {
        /// Wraps `value`.
        pub const fn new(value: T) -> Self {
            Self(std::sync::Mutex::new(value))
        }

        /// Locks, waiting for other holders.
        pub fn lock(&self) -> std::sync::MutexGuard<'_, T> {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }
    }
}

#[cfg(not(edgecache_std))]
mod imp {
    /// A mutual-exclusion lock around `T`.
    #[derive(Debug, Default)]
    pub struct Mutex<T>(spin::Mutex<T>);

    impl<T> Mutex<T> {
        /// Wraps `value`.
        pub const fn new(value: T) -> Self {
            Self(spin::Mutex::new(value))
        }

        /// Locks, spinning while another holder has it.
        pub fn lock(&self) -> spin::MutexGuard<'_, T> {
            self.0.lock()
        }
    }
}

pub use imp::Mutex;

/// How a [`ShortMutex`] waits: it yields the thread to the scheduler with `std` (so a holder
/// that was preempted gets to run), spins without it (one thread on wasm).
#[cfg(edgecache_std)]
type Relax = Yield;
#[cfg(not(edgecache_std))]
type Relax = spin::relax::Spin;

/// Gives the thread's time slice back to the scheduler (spin's own `Yield` needs its `std`
/// feature, which would link std into builds that must not have it, e.g. the component).
#[cfg(edgecache_std)]
struct Yield;

#[cfg(edgecache_std)]
impl spin::relax::RelaxStrategy for Yield {
    #[inline]
    fn relax() {
        std::thread::yield_now();
    }
}

/// A lock for critical sections of a few hundred instructions that never wait (a locmem
/// store's map): taken with one compare-exchange, released with a plain store, no poisoning
/// (a `std::sync::Mutex` costs a second atomic read-modify-write to release, plus the
/// panic-count checks of poisoning). Waiters retry, yielding between tries with `std`.
#[derive(Debug, Default)]
pub struct ShortMutex<T>(spin::mutex::SpinMutex<T, Relax>);

impl<T> ShortMutex<T> {
    /// Wraps `value`.
    pub const fn new(value: T) -> Self {
        Self(spin::mutex::SpinMutex::new(value))
    }

    /// Locks, waiting for other holders.
    #[inline]
    pub fn lock(&self) -> spin::mutex::SpinMutexGuard<'_, T> {
        self.0.lock()
    }
}
