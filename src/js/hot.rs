//! The synchronous get's ticket check as a plain export of numbers: `hit_at(slot, index,
//! stamp, now)`.
//!
//! A method of [`Handle`](super::Handle) costs each call wasm-bindgen's borrow of the handle
//! (its reference count and borrow flag, in and out, and their calls); this function reaches
//! the alias through a slot number instead. Each in-memory handle takes a slot when it is
//! made and gives it back when its last clone is dropped. No rule lives here: the hit is the
//! core's [`Cache::hit_ticket`](crate::Cache::hit_ticket).

use crate::Ticket;
use crate::caches::Caches;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::RefCell;
use wasm_bindgen::prelude::*;

/// An alias by its position in the caches that hold it.
type Alias = (Rc<Caches>, usize);

/// The aliases reachable by slot number; a freed slot is `None` until it is taken again.
struct Slots(RefCell<Vec<Option<Alias>>>);

// SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread; the table is
// never reachable from another.
unsafe impl Sync for Slots {}

static SLOTS: Slots = Slots(RefCell::new(Vec::new()));

/// A taken slot; dropping it frees the slot (and its hold on the caches).
#[derive(Debug)]
pub(super) struct Slot(u32);

impl Slot {
    /// A slot for the alias at `position` in `caches`; `None` while `hit_at` has the table
    /// (only when a user clock it calls makes a cache: that handle then goes without the
    /// memo, and the JavaScript layer takes the full get every time).
    pub(super) fn take(caches: &Rc<Caches>, position: usize) -> Option<Slot> {
        let mut slots = SLOTS.0.try_borrow_mut().ok()?;
        let alias = Some((caches.clone(), position));
        let free = slots.iter().position(Option::is_none);
        let index = match free {
            Some(index) => {
                slots[index] = alias;
                index
            }
            None => {
                slots.push(alias);
                slots.len() - 1
            }
        };
        u32::try_from(index).ok().map(Slot)
    }

    /// The slot's number, for `hit_at`.
    pub(super) fn number(&self) -> u32 {
        self.0
    }
}

impl Drop for Slot {
    /// Frees the slot; should `hit_at` have the table (a handle is only dropped from
    /// JavaScript's finalizers, which never run inside it), the slot stays taken.
    fn drop(&mut self) {
        if let Ok(mut slots) = SLOTS.0.try_borrow_mut()
            && let Some(alias) = slots.get_mut(self.0 as usize)
        {
            *alias = None;
        }
    }
}

/// The `get_str` that issued the ticket (`index`, `stamp`) again, on the alias that took
/// `slot`: `true` when the core counts it as a hit on the same, unchanged entry (promoted;
/// the JavaScript layer may answer with the value it decoded then, or a fresh copy of it);
/// `false` when the ticket has lapsed, the entry expired or `slot` names no alias, and the
/// caller makes the full `get_str`. `now` is the cache's clock read by the caller (the
/// default clock: no call back out to JavaScript), or NaN for the core to read it.
#[wasm_bindgen]
pub fn hit_at(slot: u32, index: u32, stamp: f64, now: f64) -> bool {
    let Ok(slots) = SLOTS.0.try_borrow() else {
        return false;
    };
    let Some(Some((caches, position))) = slots.get(slot as usize) else {
        return false;
    };
    let ticket = Ticket {
        index,
        stamp: stamp as u64,
    };
    caches
        .get_at(*position)
        .is_ok_and(|cache| cache.hit_ticket(ticket, (!now.is_nan()).then_some(now)))
}
