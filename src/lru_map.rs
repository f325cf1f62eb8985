//! The ordered map a locmem store keeps its entries in: most recently used first, so the
//! least recently used entry (the next to be culled, LM-2 / LM-3) is at the back.
//!
//! Built for the locmem hot path rather than borrowed from a general LRU crate:
//! - a full key is looked up by its parts (`":1:"` and the raw key) as if they were one
//!   string, so a lookup neither allocates nor copies the key ([`crate::key::FullKey`]);
//! - the hash skips the key's head when it is the map's *anchor* (the head of the first key
//!   stored in the empty map, e.g. `":1:"`), so the common lookup hashes only the raw key,
//!   in one pass, with no joining of parts ([`LruMap::hash`]);
//! - one hash per operation: a lookup returns a [`Slot`] that the caller then reads,
//!   promotes or removes without hashing again;
//! - nodes live in one `Vec`, linked by index, so a hit moves no memory and an update of an
//!   existing key allocates nothing; a removed node's place goes on a free list for the next
//!   insert, so a removal (a cull removes many) moves no other node;
//! - the hash index is a half-full array of words ([`crate::hash_index`]), where a miss (most
//!   locmem `get`s on a full store) costs a couple of compares.
//!
//! This file holds no Django rule; `backend/locmem.rs` decides what to look up and remove.

use crate::hash_index::HashIndex;
use crate::key::FullKey as KeyParts;
use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

/// "No node" in the links.
const NIL: u32 = u32::MAX;

/// A node's position, valid until the map is next changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot(u32);

/// One entry as it was when it was read: its position and the stamp its last write gave it.
/// It stays redeemable ([`LruMap::redeem`]) until the entry is written again or removed, and
/// then never becomes redeemable again: stamps are never reused within a map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ticket {
    /// The node's index.
    pub index: u32,
    /// The node's stamp (below 2^53, so JavaScript numbers carry it exactly).
    pub stamp: u64,
    /// The first instant at which the store holding the entry calls it expired (its LM-4
    /// expiry, set by the store); `f64::INFINITY` when it never expires or the store has no
    /// expiry. Not part of what [`LruMap::redeem`] checks.
    pub live_until: f64,
}

/// Every map's changes other than promotions, as one count (the npm package's sync get
/// serves a memoized hit without calling the core while it is unchanged; src/js/hot.rs).
/// An `f64` (exact up to 2^53 changes) in its bits, so JavaScript reads it from the wasm
/// memory as a `Float64Array` element; only kept in the `js` build.
#[cfg(feature = "js")]
pub static GENERATION: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0);

/// Counts a change of some map in [`GENERATION`] (nothing outside the `js` build).
#[inline]
fn changed() {
    #[cfg(feature = "js")]
    {
        use core::sync::atomic::Ordering::Relaxed;
        let next = f64::from_bits(GENERATION.load(Relaxed)) + 1.0;
        GENERATION.store(next.to_bits(), Relaxed);
    }
}

struct Node<V> {
    key: String,
    value: V,
    hash: u64,
    /// Which write of the map last stored `value` ([`Ticket`]); [`FREE`] for a free node.
    stamp: u64,
    /// Towards the most recent end.
    prev: u32,
    /// Towards the least recent end; in a free node, the next free node.
    next: u32,
}

/// The stamp of a free node: no write is given it (stamps count from 1).
const FREE: u64 = 0;

/// Keys to values in recency order, most recent first. A removed value's place holds
/// `V::default()` until an insert reuses it.
pub struct LruMap<V> {
    /// Node indices, by key hash.
    table: HashIndex,
    /// The entries' nodes and the free ones.
    nodes: Vec<Node<V>>,
    /// The number of entries (nodes not free).
    len: usize,
    /// The first free node, the most recently freed.
    free: u32,
    /// Most recently used.
    front: u32,
    /// Least recently used.
    back: u32,
    seed: u64,
    /// The head the hash skips: keys that start with it are hashed from there on.
    anchor: String,
    /// `anchor`'s [`cover_word`], when it is at most eight bytes long (else 0, unused).
    anchor_word: u64,
    /// The stamp of the last write.
    stamp: u64,
}

impl<V: Default> Default for LruMap<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V: Default> LruMap<V> {
    /// An empty map.
    pub fn new() -> Self {
        Self {
            table: HashIndex::new(),
            nodes: Vec::new(),
            len: 0,
            free: NIL,
            front: NIL,
            back: NIL,
            seed: new_seed(),
            anchor: String::new(),
            anchor_word: 0,
            stamp: 0,
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The hash of the full key `head + tail`, a function of that string alone (never of
    /// where it is split): the bytes after the anchor for a key that starts with the anchor,
    /// all of them (with another seed) for any other key. The usual lookup passes the anchor
    /// itself as the head, and then only the tail is read.
    // Forced natively (the locmem hot path); in wasm, size comes first.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    #[cfg_attr(target_family = "wasm", inline)]
    fn hash(&self, key: KeyParts<'_>) -> u64 {
        let (head, tail) = key.parts();
        let is_anchor = head.len() == self.anchor.len()
            && if head.len() <= 8 {
                key.head_word() == self.anchor_word
            } else {
                head == self.anchor
            };
        if is_anchor {
            hash_bytes(self.seed, tail.as_bytes())
        } else {
            self.hash_split(head.as_bytes(), tail.as_bytes())
        }
    }

    /// Whether `key`'s head is the anchor (so its hash is [`tail_hash`] of its tail), as
    /// [`LruMap::hash`] decides it (native).
    #[cfg(not(target_family = "wasm"))]
    #[inline(always)]
    fn is_anchor(&self, key: KeyParts<'_>) -> bool {
        let head = key.parts().0;
        head.len() == self.anchor.len()
            && if head.len() <= 8 {
                key.head_word() == self.anchor_word
            } else {
                head == self.anchor
            }
    }

    /// The seed of this map's hash, the same for the map's whole life: [`tail_hash`] with it
    /// gives a key's hash before the map is at hand (e.g. before its lock is taken; native).
    #[cfg(not(target_family = "wasm"))]
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// [`LruMap::find`] given `tail_hash`, [`tail_hash`] of the key's tail under this map's
    /// [`LruMap::seed`]: the key's hash when its head is the anchor (the usual case), else
    /// the map hashes the key itself.
    #[cfg(not(target_family = "wasm"))]
    #[inline(always)]
    pub fn find_with_tail_hash(&self, key: KeyParts<'_>, tail_hash: u64) -> Option<Slot> {
        let hash = if self.is_anchor(key) {
            tail_hash
        } else {
            let (head, tail) = key.parts();
            self.hash_split(head.as_bytes(), tail.as_bytes())
        };
        self.find_hashed(key, hash)
    }

    /// [`LruMap::hash`] of a key whose head is not the anchor.
    #[cold]
    fn hash_split(&self, head: &[u8], tail: &[u8]) -> u64 {
        let anchor = self.anchor.as_bytes();
        let (seed, skip) = if head.len() >= anchor.len() {
            if head.starts_with(anchor) {
                (self.seed, anchor.len())
            } else {
                (self.seed ^ UNANCHORED, 0)
            }
        } else if anchor.starts_with(head) && tail.starts_with(&anchor[head.len()..]) {
            (self.seed, anchor.len())
        } else {
            (self.seed ^ UNANCHORED, 0)
        };
        // The bytes from `skip` on, as one slice where they are one already.
        if skip >= head.len() {
            return hash_bytes(seed, &tail[skip - head.len()..]);
        }
        let head = &head[skip..];
        if tail.is_empty() {
            return hash_bytes(seed, head);
        }
        let mut joined = Vec::with_capacity(head.len() + tail.len());
        joined.extend_from_slice(head);
        joined.extend_from_slice(tail);
        hash_bytes(seed, &joined)
    }

    /// Makes `head` the anchor if the map is empty (no stored hash depends on it then).
    fn anchor_at(&mut self, head: &str) {
        if self.is_empty() && head != self.anchor {
            self.anchor = head.into();
            self.anchor_word = KeyParts::word_of(head);
        }
    }

    /// Where `key` is, if present (recency unchanged).
    // Forced natively (the locmem hot path); in wasm, size comes first.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    #[cfg_attr(target_family = "wasm", inline)]
    pub fn find(&self, key: KeyParts<'_>) -> Option<Slot> {
        self.find_hashed(key, self.hash(key))
    }

    /// [`LruMap::find`] with the key's hash already computed.
    // Forced natively (the locmem hot path); in wasm, size comes first.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    #[cfg_attr(target_family = "wasm", inline)]
    fn find_hashed(&self, key: KeyParts<'_>, hash: u64) -> Option<Slot> {
        let nodes = &self.nodes;
        self.table
            .find(
                hash,
                // Forced natively: LLVM left it out of line, a call per candidate.
                #[cfg_attr(not(target_family = "wasm"), inline(always))]
                |index| {
                    let node = &nodes[index as usize];
                    node.hash == hash && key.matches(&node.key)
                },
            )
            .map(Slot)
    }

    /// The value at `slot`.
    pub fn value(&self, slot: Slot) -> &V {
        &self.nodes[slot.0 as usize].value
    }

    /// The value at `slot`, to change in place (a write: its tickets lapse).
    pub fn value_mut(&mut self, slot: Slot) -> &mut V {
        let stamp = self.next_stamp();
        let node = &mut self.nodes[slot.0 as usize];
        node.stamp = stamp;
        &mut node.value
    }

    fn next_stamp(&mut self) -> u64 {
        changed();
        self.stamp += 1;
        self.stamp
    }

    /// A ticket for the entry at `slot` as it is now.
    #[inline]
    pub fn ticket(&self, slot: Slot) -> Ticket {
        Ticket {
            index: slot.0,
            stamp: self.nodes[slot.0 as usize].stamp,
            live_until: f64::INFINITY,
        }
    }

    /// The entry `ticket` was issued for, if it has not been written or removed since: a
    /// lookup without the key and without hashing.
    #[inline]
    pub fn redeem(&self, ticket: Ticket) -> Option<Slot> {
        self.nodes
            .get(ticket.index as usize)
            .filter(|node| node.stamp == ticket.stamp)
            .map(|_| Slot(ticket.index))
    }

    /// The entry at a ticket's `index`, without the stamp check of [`LruMap::redeem`]: only
    /// for a caller that knows no map has changed since the ticket was issued (the npm
    /// build's change count unchanged: src/js/hot.rs), so the index still names the entry
    /// that ticket read. A free node is never given (promoting one would link it into the
    /// recency list while it is on the free list).
    #[inline]
    pub fn slot_at(&self, index: u32) -> Option<Slot> {
        self.nodes
            .get(index as usize)
            .filter(|node| node.stamp != FREE)
            .map(|_| Slot(index))
    }

    /// The value of `key`, recency unchanged.
    pub fn peek(&self, key: KeyParts<'_>) -> Option<&V> {
        self.find(key).map(|slot| self.value(slot))
    }

    /// Moves `slot` to the most recent end.
    // Forced in the npm full build, with `unlink` and `link_front`: it applies the sync get's
    // recorded hits in one loop of promotions (src/js/hot.rs), where at `opt-level = "z"`
    // they stayed three calls a hit (BENCHMARKS.md, npm, "Sixth cut").
    #[cfg_attr(not(all(target_family = "wasm", not(edgecache_memory_only))), inline)]
    #[cfg_attr(
        all(target_family = "wasm", not(edgecache_memory_only)),
        inline(always)
    )]
    pub fn promote(&mut self, slot: Slot) {
        if self.front == slot.0 {
            return;
        }
        self.unlink(slot.0);
        self.link_front(slot.0);
    }

    /// Stores `value` at `key` and makes it the most recent entry; an existing entry keeps
    /// its key string and takes the new value.
    pub fn insert(&mut self, key: KeyParts<'_>, value: V) {
        let mut hash = self.hash(key);
        if let Some(slot) = self.find_hashed(key, hash) {
            *self.value_mut(slot) = value;
            self.promote(slot);
            return;
        }
        if self.is_empty() {
            // The first key sets the anchor, which the hash depends on.
            self.anchor_at(key.parts().0);
            hash = self.hash(key);
        }
        let stamp = self.next_stamp();
        let index = if self.free == NIL {
            let index = u32::try_from(self.nodes.len()).unwrap_or(NIL);
            assert!(
                index != NIL,
                "a locmem store holds fewer than 2^32 - 1 entries"
            );
            self.nodes.push(Node {
                key: key.to_owned_key(),
                value,
                hash,
                stamp,
                prev: NIL,
                next: NIL,
            });
            index
        } else {
            let index = self.free;
            let node = &mut self.nodes[index as usize];
            self.free = node.next;
            // A culled node kept its key's allocation (`pop_lru_into`): reused here.
            key.write_into(&mut node.key);
            node.value = value;
            node.hash = hash;
            node.stamp = stamp;
            index
        };
        self.len += 1;
        self.table.insert(hash, index);
        self.link_front(index);
    }

    /// Removes the entry at `slot` (no other slot moves); its node goes on the free list.
    pub fn remove(&mut self, slot: Slot) -> (String, V) {
        let node = self.free_node(slot.0);
        (
            core::mem::take(&mut node.key),
            core::mem::take(&mut node.value),
        )
    }

    /// Removes the least recently used entry, if any: its key is appended to `keys` and its
    /// value returned. The node keeps the key's allocation for the insert that takes it next,
    /// so a cull frees and an insert after it allocates no key.
    pub fn pop_lru_into(&mut self, keys: &mut String) -> Option<V> {
        if self.back == NIL {
            return None;
        }
        let node = self.free_node(self.back);
        keys.push_str(&node.key);
        Some(core::mem::take(&mut node.value))
    }

    /// Unlinks the entry at `index` and puts its node, still holding key and value, on the
    /// free list.
    fn free_node(&mut self, index: u32) -> &mut Node<V> {
        changed();
        self.unlink(index);
        let free = self.free;
        let node = &mut self.nodes[index as usize];
        self.table.remove(node.hash, index);
        node.stamp = FREE;
        node.next = free;
        self.free = index;
        self.len -= 1;
        node
    }

    /// Removes `key`'s entry, if any.
    pub fn pop(&mut self, key: KeyParts<'_>) -> Option<(String, V)> {
        self.find(key).map(|slot| self.remove(slot))
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        changed();
        self.table.clear();
        self.nodes.clear();
        self.len = 0;
        self.free = NIL;
        self.front = NIL;
        self.back = NIL;
    }

    /// Entries, most recently used first.
    pub fn iter(&self) -> Iter<'_, V> {
        Iter {
            map: self,
            at: self.front,
        }
    }

    // Forced in the npm full build, as `promote`.
    #[cfg_attr(
        all(target_family = "wasm", not(edgecache_memory_only)),
        inline(always)
    )]
    fn unlink(&mut self, index: u32) {
        let (prev, next) = {
            let node = &self.nodes[index as usize];
            (node.prev, node.next)
        };
        match prev {
            NIL => self.front = next,
            prev => self.nodes[prev as usize].next = next,
        }
        match next {
            NIL => self.back = prev,
            next => self.nodes[next as usize].prev = prev,
        }
    }

    // Forced in the npm full build, as `promote`.
    #[cfg_attr(
        all(target_family = "wasm", not(edgecache_memory_only)),
        inline(always)
    )]
    fn link_front(&mut self, index: u32) {
        let old_front = self.front;
        {
            let node = &mut self.nodes[index as usize];
            node.prev = NIL;
            node.next = old_front;
        }
        match old_front {
            NIL => self.back = index,
            old => self.nodes[old as usize].prev = index,
        }
        self.front = index;
    }
}

/// [`LruMap::iter`].
pub struct Iter<'a, V> {
    map: &'a LruMap<V>,
    at: u32,
}

impl<'a, V> Iterator for Iter<'a, V> {
    type Item = (&'a str, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        let node = self.map.nodes.get(self.at as usize)?;
        self.at = node.next;
        Some((node.key.as_str(), &node.value))
    }
}

/// A different seed per map: hash collisions chosen against one map don't carry over to the
/// next (a little protection for keys that come from requests). There is no randomness
/// source without std, so the seed mixes a counter with a static's address (which address
/// space layout randomisation moves where the platform has it).
fn new_seed() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let address = &COUNTER as *const AtomicU64 as usize as u64;
    folded_multiply(
        address ^ 0x243F_6A88_85A3_08D3,
        count ^ 0x1319_8A2E_0370_7344,
    )
}

/// The full 128-bit product of `a` and `b`, folded to 64 bits.
#[inline]
fn folded_multiply(a: u64, b: u64) -> u64 {
    let full = u128::from(a) * u128::from(b);
    (full as u64) ^ ((full >> 64) as u64)
}

/// Up to eight bytes (`bytes.len() <= 8`) as one word made of them, without a loop: every
/// byte of the word is a byte of `bytes` and every byte of `bytes` is in it (0 for none).
/// So two slices of the same length are equal exactly when their cover words are, and a
/// test of every byte of the word tests every byte of `bytes`. Two overlapping reads of
/// four bytes (or three single bytes for a shorter slice), with no shift by the length.
// Forced natively (the locmem hot path); in wasm, size comes first.
#[cfg_attr(not(target_family = "wasm"), inline(always))]
#[cfg_attr(target_family = "wasm", inline)]
pub(crate) fn cover_word(bytes: &[u8]) -> u64 {
    let len = bytes.len();
    debug_assert!(len <= 8);
    if len >= 4 {
        let u32_at = |at: usize| {
            let mut word = [0; 4];
            word.copy_from_slice(&bytes[at..at + 4]);
            u64::from(u32::from_le_bytes(word))
        };
        u32_at(0) | u32_at(len - 4) << 32
    } else if len > 0 {
        // Bytes 0, len / 2 and len - 1 are all of them; byte 0 again fills the fourth.
        let byte = |at: usize| u64::from(bytes[at]);
        let half = byte(0) | byte(len / 2) << 8 | byte(len - 1) << 16 | byte(0) << 24;
        half | half << 32
    } else {
        0
    }
}

/// The hash of a key whose head is a map's anchor, from the key's tail and the map's
/// [`LruMap::seed`] alone ([`LruMap::find_with_tail_hash`]).
#[cfg(not(target_family = "wasm"))]
#[inline(always)]
pub fn tail_hash(seed: u64, tail: &str) -> u64 {
    hash_bytes(seed, tail.as_bytes())
}

/// Seeds the hash of keys that do not start with the anchor, so they spread apart from the
/// anchored keys' (which are hashed without their first bytes).
const UNANCHORED: u64 = 0x4528_21E6_38D0_1377;
const MULTIPLE: u64 = 0x9E37_79B9_7F4A_7C15;
const FINAL: u64 = 0xA076_1D64_78BD_642F;

/// Eight bytes at `at` as a little-endian word.
#[inline]
fn word_at(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

/// A one-pass hash of `bytes`: sixteen bytes per multiply, the last sixteen (or the whole
/// of a shorter input) read as two possibly overlapping words, the length mixed in first.
#[inline]
fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    let len = bytes.len();
    let mut state = seed ^ (len as u64).wrapping_mul(MULTIPLE);
    // Every byte lands in `low` or `high` (reads may overlap; the length tells them apart).
    let (low, high) = if len < 4 {
        match len {
            0 => (0, 0),
            _ => (
                u64::from(bytes[0]),
                u64::from(bytes[len - 1]) << 8 | u64::from(bytes[len / 2]),
            ),
        }
    } else if len <= 8 {
        let u32_at = |at: usize| {
            u64::from(u32::from_le_bytes([
                bytes[at],
                bytes[at + 1],
                bytes[at + 2],
                bytes[at + 3],
            ]))
        };
        (u32_at(0), u32_at(len - 4))
    } else if len <= 16 {
        (word_at(bytes, 0), word_at(bytes, len - 8))
    } else {
        let mut at = 0;
        while len - at > 16 {
            state = folded_multiply(
                word_at(bytes, at) ^ state,
                word_at(bytes, at + 8) ^ MULTIPLE,
            );
            at += 16;
        }
        (word_at(bytes, len - 16), word_at(bytes, len - 8))
    };
    folded_multiply(low ^ state, high ^ FINAL)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::vec;

    /// [`LruMap::pop_lru_into`]'s key and value as a pair.
    fn pop_lru<V: Default>(map: &mut LruMap<V>) -> Option<(String, V)> {
        let mut key = String::new();
        map.pop_lru_into(&mut key).map(|value| (key, value))
    }

    fn keys(map: &LruMap<i32>) -> Vec<&str> {
        map.iter().map(|(key, _)| key).collect()
    }

    #[test]
    fn cover_words_are_made_of_all_the_bytes_and_only_them() {
        let bytes = *b"abcdefgh";
        for len in 0..=8 {
            let word = cover_word(&bytes[..len]).to_le_bytes();
            for byte in &bytes[..len] {
                assert!(word.contains(byte), "{len}: {byte} missing");
            }
            if len > 0 {
                assert!(word.iter().all(|b| bytes[..len].contains(b)), "{len}");
            } else {
                assert_eq!(word, [0; 8]);
            }
            // Any one changed byte changes the word.
            for at in 0..len {
                let mut changed = bytes;
                changed[at] = b'z';
                assert_ne!(cover_word(&changed[..len]), cover_word(&bytes[..len]));
            }
        }
    }

    #[test]
    fn hashes_do_not_depend_on_where_the_key_is_split() {
        for anchor in ["", ":1:", "prefix:12:", "a-longer-prefix:12:", "other:1:"] {
            let mut map: LruMap<()> = LruMap::new();
            map.insert(KeyParts::new(anchor, "x"), ());
            assert_eq!(map.anchor, anchor);
            for text in [
                "prefix:12:a-key-longer-than-sixteen-bytes-and-thirty-two-too",
                "prefix:12:",
                "prefix:1",
                "a-longer-prefix:12:k",
                "",
            ] {
                let whole = map.hash(KeyParts::whole(text));
                for at in 0..=text.len() {
                    let (head, tail) = text.split_at(at);
                    assert_eq!(
                        map.hash(KeyParts::new(head, tail)),
                        whole,
                        "{text:?} split at {at}, anchor {anchor:?}"
                    );
                }
            }
            assert_ne!(
                map.hash(KeyParts::whole("a")),
                map.hash(KeyParts::whole("a\0"))
            );
        }
    }

    #[cfg(not(target_family = "wasm"))]
    #[test]
    fn a_tail_hash_made_outside_the_map_finds_what_find_finds() {
        for anchor in [":1:", "prefix:12:", "a-longer-prefix:12:"] {
            let mut map = LruMap::new();
            for n in 0..50 {
                map.insert(KeyParts::new(anchor, &format!("k{n}")), n);
            }
            map.insert(KeyParts::new("other:1:", "k1"), 99);
            let seed = map.seed();
            for (head, tail) in [
                (anchor, "k7"),
                (anchor, "k70"),
                ("other:1:", "k1"),
                ("other:1:", "k2"),
                ("", "k1"),
            ] {
                let key = KeyParts::new(head, tail);
                // Whatever the head, the tail's hash is only used when the head is the anchor.
                assert_eq!(
                    map.find_with_tail_hash(key, tail_hash(seed, tail)),
                    map.find(key),
                    "{head:?} + {tail:?} under {anchor:?}"
                );
            }
            let full = format!("{anchor}k7");
            assert_eq!(
                map.find_with_tail_hash(KeyParts::whole(&full), tail_hash(seed, &full)),
                map.find(KeyParts::new(anchor, "k7")),
                "a whole key that starts with the anchor"
            );
            assert_eq!(map.seed(), seed, "the seed stays");
            map.clear();
            assert_eq!(map.seed(), seed, "the seed stays after a clear");
        }
    }

    #[test]
    fn the_anchor_is_the_first_head_and_changes_only_while_empty() {
        let mut map = LruMap::new();
        map.insert(KeyParts::new(":1:", "a"), 1);
        map.insert(KeyParts::new("p:2:", "a"), 2);
        map.insert(KeyParts::whole(":1:b"), 3);
        assert_eq!(map.anchor, ":1:");
        assert_eq!(map.peek(KeyParts::new(":1", ":b")), Some(&3));
        assert_eq!(map.peek(KeyParts::whole("p:2:a")), Some(&2));
        assert_eq!(map.peek(KeyParts::new(":1:", "a")), Some(&1));
        map.clear();
        map.insert(KeyParts::new("p:2:", "a"), 4);
        assert_eq!(map.anchor, "p:2:");
        assert_eq!(map.peek(KeyParts::whole("p:2:a")), Some(&4));
    }

    #[test]
    fn keeps_recency_order_and_finds_keys_by_their_parts() {
        let mut map = LruMap::new();
        for n in 0..5 {
            map.insert(KeyParts::new(":1:", &format!("{n}")), n);
        }
        assert_eq!(keys(&map), [":1:4", ":1:3", ":1:2", ":1:1", ":1:0"]);
        let slot = map.find(KeyParts::whole(":1:1")).unwrap();
        map.promote(slot);
        map.insert(KeyParts::new(":1", ":3"), 33);
        assert_eq!(keys(&map), [":1:3", ":1:1", ":1:4", ":1:2", ":1:0"]);
        assert_eq!(map.peek(":1:3".into()), Some(&33));
        assert_eq!(pop_lru(&mut map), Some((":1:0".into(), 0)));
        assert_eq!(map.pop(KeyParts::new(":1:", "4")), Some((":1:4".into(), 4)));
        assert_eq!(map.pop(KeyParts::new(":1:", "4")), None);
        assert_eq!(keys(&map), [":1:3", ":1:1", ":1:2"]);
        assert_eq!(map.len(), 3);
        map.clear();
        assert!(map.is_empty() && pop_lru(&mut map).is_none());
    }

    #[test]
    fn tickets_lapse_on_every_write_and_removal() {
        let mut map = LruMap::new();
        for n in 0..3 {
            map.insert(KeyParts::new(":1:", &format!("{n}")), n);
        }
        let at = |map: &LruMap<i32>, key: &str| map.find(KeyParts::whole(key)).unwrap();
        let first = map.ticket(at(&map, ":1:0"));
        let last = map.ticket(at(&map, ":1:2"));
        assert_eq!(map.redeem(first), Some(at(&map, ":1:0")));
        map.promote(at(&map, ":1:0"));
        assert_eq!(
            map.redeem(first),
            Some(at(&map, ":1:0")),
            "promoting is not a write"
        );
        map.insert(KeyParts::whole(":1:0"), 10);
        assert_eq!(map.redeem(first), None, "rewritten");
        let rewritten = map.ticket(at(&map, ":1:0"));
        *map.value_mut(at(&map, ":1:0")) = 20;
        assert_eq!(map.redeem(rewritten), None, "changed in place");
        map.pop(KeyParts::whole(":1:1"));
        assert_eq!(
            map.redeem(last),
            Some(at(&map, ":1:2")),
            "another entry's removal moves no node"
        );
        let kept = map.ticket(at(&map, ":1:2"));
        map.pop(KeyParts::whole(":1:2"));
        assert_eq!(map.slot_at(kept.index), None, "a free node is no slot");
        map.insert(KeyParts::whole(":1:9"), 9);
        assert_eq!(map.redeem(kept), None, "removed, its index reused");
        assert!(map.redeem(Ticket { index: 99, ..kept }).is_none());
    }

    #[test]
    fn stays_consistent_under_random_operations() {
        // A model: a Vec in recency order.
        let mut map = LruMap::new();
        let mut model: Vec<(String, u64)> = vec![];
        let mut peak = 0;
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for step in 0..20_000u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let key = format!("k{}", state % 97);
            match state % 5 {
                0 | 1 => {
                    map.insert(KeyParts::new(&key[..1], &key[1..]), step);
                    model.retain(|(k, _)| *k != key);
                    model.insert(0, (key, step));
                }
                2 => {
                    let found = map.find(key.as_str().into());
                    let at = model.iter().position(|(k, _)| *k == key);
                    assert_eq!(found.is_some(), at.is_some());
                    if let (Some(slot), Some(at)) = (found, at) {
                        assert_eq!(*map.value(slot), model[at].1);
                        map.promote(slot);
                        let entry = model.remove(at);
                        model.insert(0, entry);
                    }
                }
                3 => {
                    let popped = map.pop(key.as_str().into());
                    let at = model.iter().position(|(k, _)| *k == key);
                    assert_eq!(popped, at.map(|at| model.remove(at)));
                }
                _ => assert_eq!(pop_lru(&mut map), model.pop()),
            }
            assert_eq!(map.len(), model.len());
            peak = peak.max(model.len());
            assert!(map.nodes.len() <= peak, "a removed node's place is reused");
        }
        let order: Vec<(&str, u64)> = map.iter().map(|(k, v)| (k, *v)).collect();
        let expected: Vec<(&str, u64)> = model.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(order, expected);
    }
}
