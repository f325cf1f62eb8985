//! The synchronous get's ticket check as a plain export of numbers: `hit_at(slot, index,
//! stamp, now)`, and the ring of hits the JavaScript layer served without calling it.
//!
//! While no map has changed since a ticket was issued ([`GENERATION`], read by JavaScript
//! from the wasm memory) and the entry's `live_until` is still ahead, `hit_at` would say
//! yes; the JavaScript layer then answers at once and writes the hit (slot and index, one
//! number) into [`RING`] instead. [`drain`] applies the recorded hits in order, each as `hit_at`
//! would have (the core's promotion and hit counter, without the expiry check: the hit
//! happened at its time), before anything else can observe or change a store: at every
//! handle's operation (src/js.rs, `Handle::cache`), the HTTP layer's (src/js/http.rs),
//! `hit_at`, a slot's taking and freeing, and when the ring is full (`hot_drain`).
//!
//! A method of [`Handle`](super::Handle) costs each call wasm-bindgen's borrow of the handle
//! (its reference count and borrow flag, in and out, and their calls); this function reaches
//! the alias through a slot number instead. Each in-memory handle takes a slot when it is
//! made and gives it back when its last clone is dropped. No rule lives here: the hit is the
//! core's [`Cache::hit_ticket`](crate::Cache::hit_ticket).

use crate::Ticket;
use crate::caches::Caches;
use crate::lru_map::GENERATION;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::{RefCell, UnsafeCell};
use core::sync::atomic::Ordering::Relaxed;
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
        // A freed slot's recorded hits go to its alias, not to the next one to take it.
        drain();
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
        drain();
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
    drain();
    let Ok(slots) = SLOTS.0.try_borrow() else {
        return false;
    };
    let Some(Some((caches, position))) = slots.get(slot as usize) else {
        return false;
    };
    let ticket = Ticket {
        index,
        stamp: stamp as u64,
        live_until: f64::INFINITY,
    };
    caches
        .get_at(*position)
        .is_ok_and(|cache| cache.hit_ticket(ticket, (!now.is_nan()).then_some(now)))
}

/// Hits the ring holds before JavaScript calls [`hot_drain`].
const RING_HITS: usize = 128;

/// `[count, generation, hit, hit, ...]`: the hits served without `hit_at`, in order, written
/// by the JavaScript layer into the wasm memory. A hit is one number, `slot * 2^32 + index`
/// (the alias's slot and the ticket's node index); `generation` is [`GENERATION`] when the
/// first of them was recorded. No stamp: JavaScript records a hit only while no map has
/// changed since its ticket was issued, so while [`GENERATION`] still equals `generation`,
/// every index still names the entry its ticket read.
struct Ring(UnsafeCell<[f64; 2 + RING_HITS]>);

// SAFETY: as for `Slots`: one thread; JavaScript writes it only between calls into the core.
unsafe impl Sync for Ring {}

static RING: Ring = Ring(UnsafeCell::new([0.0; 2 + RING_HITS]));

/// Applies the hits recorded in [`RING`], oldest first, as `hit_at` would (promotion and hit
/// counter, by the core's `Cache::apply_hits`) without their expiry check, and empties it.
pub(super) fn drain() {
    // SAFETY: one thread, and no reference into the ring outlives this function.
    let ring = unsafe { &mut *RING.0.get() };
    let count = ring[0] as usize;
    if count == 0 {
        return;
    }
    let Ok(slots) = SLOTS.0.try_borrow() else {
        return;
    };
    ring[0] = 0.0;
    // Every operation drains before it changes a map, so the count is the one the hits were
    // recorded under. Should a map have changed without a drain first (a bug), an index
    // might name another entry by now: the hits are dropped rather than misapplied.
    if ring[1] != f64::from_bits(GENERATION.load(Relaxed)) {
        return;
    }
    let mut indices = [0u32; RING_HITS];
    let hits = &ring[2..2 + count.min(RING_HITS)];
    // One run of hits on one slot at a time: one lookup, one lock of its store.
    let mut at = 0;
    while at < hits.len() {
        let slot = (hits[at] as u64) >> 32;
        let mut run = 0;
        while let Some(&hit) = hits.get(at)
            && (hit as u64) >> 32 == slot
        {
            indices[run] = hit as u64 as u32;
            run += 1;
            at += 1;
        }
        if let Some(Some((caches, position))) = slots.get(slot as usize)
            && let Ok(cache) = caches.get_at(*position)
        {
            cache.apply_hits(&indices[..run]);
        }
    }
}

/// Applies the hits the ring holds (the JavaScript layer calls it when the ring is full).
#[wasm_bindgen]
pub fn hot_drain() {
    drain();
}

/// Where the JavaScript layer finds the ring and the generation: `[memory, ring's byte
/// address, hits it holds, generation's byte address]`.
#[wasm_bindgen]
pub fn hot_layout() -> js_sys::Array {
    [
        wasm_bindgen::memory(),
        JsValue::from(RING.0.get() as usize as u32),
        JsValue::from(RING_HITS as u32),
        JsValue::from(GENERATION.as_ptr() as usize as u32),
    ]
    .into_iter()
    .collect()
}
