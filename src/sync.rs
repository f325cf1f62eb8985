//! The one lock the core uses: `std::sync::Mutex` with `std`, a spin lock without it.
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
