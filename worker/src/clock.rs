//! The Worker's clock: `Date.now()`, which Workers advance at I/O (the core asks for time only
//! through [`edgecache::Clock`]).

use edgecache::Clock;

/// Unix seconds from `Date.now()`.
#[derive(Debug, Clone, Copy, Default)]
pub struct WorkerClock;

impl Clock for WorkerClock {
    fn now(&self) -> f64 {
        js_sys::Date::now() / 1000.0
    }
}
