//! The hash index under [`crate::lru_map::LruMap`]: node numbers by key hash, in one array
//! of words, open addressing with linear probing.
//!
//! Built for the locmem hot path, where most `get`s miss (a store of `MAX_ENTRIES` keys in a
//! much larger key space): the table stays at most half full, so a miss almost always ends
//! in the first group of eight tag bytes, decided with no call, no SIMD and no branch that
//! depends on the bytes one by one (which mispredicted about once per miss), and a removal
//! shifts its followers back instead of leaving tombstones (a culling store removes a
//! third of its entries at a time). The caller keeps the keys; this file only narrows a
//! lookup down to candidate node numbers.
//!
//! Each word is `tag << 32 | (node + 1)`, where the tag is the hash's high 32 bits and
//! also picks the word a key starts probing at; a word with zero low half is empty. A byte
//! per word mirrors it (0 when empty, else the hash's top seven bits with the high bit
//! set), eight to an aligned `u64` *group*: a probe reads these groups (2 KiB for a store of
//! 1000 entries, where the words take 16 KiB), each as one word compared with no loop, and a
//! word only when its byte matches. The bytes of the first group that come before the
//! probe's start are read as "occupied, no match".
//!
//! Natively the groups are atomics that a reader without the map's lock may probe
//! ([`Published`], a seqlock): the lock's holder makes a version word odd around every
//! change of the bytes, and a reader that saw no matching byte under one even, unchanged
//! version knows that no key with that hash was stored at that instant. Tables that the
//! index grew out of are kept until it drops, so such a reader never reads freed memory
//! (each is half the next, so together they are smaller than the live one). In wasm (one
//! thread) the same groups are read by the lock's holder only, and nothing is published.

use alloc::vec;
use alloc::vec::Vec;
use core::sync::atomic::AtomicU64;
use core::sync::atomic::Ordering::Relaxed;
#[cfg(not(target_family = "wasm"))]
use {
    alloc::sync::Arc,
    core::sync::atomic::{AtomicUsize, Ordering, fence},
};

/// The smallest table that is allocated (in words); at least [`GROUP`].
const MIN_WORDS: usize = 8;

/// Bytes in a group (one `u64`).
const GROUP: usize = 8;

/// `0x01` in every byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of every zero byte of `group`: exact up to and including the lowest zero
/// byte (a byte above a zero one may be flagged too, a borrow's false positive).
#[inline]
fn zero_bytes(group: u64) -> u64 {
    group.wrapping_sub(ONES) & !group & (ONES << 7)
}

/// The candidates of `group` for a key whose byte, repeated in every byte, is `wanted`:
/// the high bit of each matching byte before the group's first empty one (exact there:
/// those bytes are never empty), and whether the group has an empty byte (the probe's end).
#[inline]
fn candidates(group: u64, wanted: u64) -> (u64, bool) {
    let empty = zero_bytes(group);
    (
        zero_bytes(group ^ wanted) & empty.wrapping_sub(1) & !empty,
        empty != 0,
    )
}

/// The first group of a probe that starts at word `start`: the group holding it, its bytes
/// before `start` read as `0x01` (occupied, and never a match: a stored byte has its high
/// bit set).
#[inline]
fn first_group(groups: &[AtomicU64], start: usize) -> u64 {
    let before = (1u64 << (8 * (start % GROUP))) - 1;
    groups[start / GROUP].load(Relaxed) & !before | ONES & before
}

/// The tag groups: shared natively with lock-free readers ([`Published`]), owned in wasm.
#[cfg(not(target_family = "wasm"))]
type Groups = Arc<[AtomicU64]>;
#[cfg(target_family = "wasm")]
type Groups = alloc::boxed::Box<[AtomicU64]>;

/// `size / GROUP` zeroed groups.
fn zeroed_groups(size: usize) -> Groups {
    (0..size / GROUP).map(|_| AtomicU64::new(0)).collect()
}

/// Node numbers by hash (see the module documentation).
pub struct HashIndex {
    words: Vec<u64>,
    /// One byte per word ([`byte`]), eight to a group.
    groups: Groups,
    /// Occupied words.
    len: usize,
    /// What a reader without the lock probes (native builds).
    #[cfg(not(target_family = "wasm"))]
    published: Arc<Published>,
}

impl Default for HashIndex {
    fn default() -> Self {
        Self::new()
    }
}

/// The probe's start and the tag of `hash`.
#[inline]
fn tag(hash: u64) -> u64 {
    hash >> 32
}

/// The byte that mirrors a word of `tag` (never 0).
#[inline]
fn byte(tag: u64) -> u8 {
    (tag >> 25) as u8 | 0x80
}

impl HashIndex {
    /// An empty index (allocates no table until the first insert).
    pub fn new() -> Self {
        Self {
            words: Vec::new(),
            groups: zeroed_groups(0),
            len: 0,
            #[cfg(not(target_family = "wasm"))]
            published: Arc::new(Published::new()),
        }
    }

    /// `words.len() - 1` (a power of two minus one), or 0 before the first allocation.
    #[inline]
    fn mask(&self) -> usize {
        self.words.len().wrapping_sub(1)
    }

    /// The first node with this `hash` that `matches`, if any.
    // Forced natively (the locmem hot path); in wasm, size comes first.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    #[cfg_attr(target_family = "wasm", inline)]
    pub fn find(&self, hash: u64, mut matches: impl FnMut(u32) -> bool) -> Option<u32> {
        let (words, groups) = (self.words.as_slice(), &*self.groups);
        if words.is_empty() {
            return None;
        }
        let mask = words.len() - 1;
        let tag = tag(hash);
        let wanted = ONES * u64::from(byte(tag));
        let start = tag as usize & mask;
        let mut at = start / GROUP * GROUP;
        let mut group = first_group(groups, start);
        loop {
            let (mut candidates, end) = candidates(group, wanted);
            while candidates != 0 {
                let word = words[(at + candidates.trailing_zeros() as usize / 8) & mask];
                let node = (word as u32).wrapping_sub(1);
                if word >> 32 == tag && matches(node) {
                    return Some(node);
                }
                candidates &= candidates - 1;
            }
            if end {
                return None;
            }
            at = (at + GROUP) & mask;
            group = groups[at / GROUP].load(Relaxed);
        }
    }

    /// The byte of word `at`.
    #[inline]
    fn byte_at(&self, at: usize) -> u8 {
        (self.groups[at / GROUP].load(Relaxed) >> (8 * (at % GROUP))) as u8
    }

    /// Sets the byte of word `at` (the lock's holder is the only writer: a load and a store).
    #[inline]
    fn set_byte(&self, at: usize, byte: u8) {
        let group = &self.groups[at / GROUP];
        let shift = 8 * (at % GROUP);
        let old = group.load(Relaxed);
        group.store(old & !(0xFF << shift) | u64::from(byte) << shift, Relaxed);
    }

    /// Makes the version odd: readers without the lock retry or take it (native builds).
    #[inline]
    fn write_begin(&self) {
        #[cfg(not(target_family = "wasm"))]
        self.published.write_begin();
    }

    /// Makes the version even again (native builds).
    #[inline]
    fn write_end(&self) {
        #[cfg(not(target_family = "wasm"))]
        self.published.write_end();
    }

    /// Adds `node` under `hash` (the caller knows it is not there yet).
    pub fn insert(&mut self, hash: u64, node: u32) {
        debug_assert!(node != u32::MAX);
        self.write_begin();
        if (self.len + 1) * 2 > self.words.len() {
            self.grow();
        }
        self.place(tag(hash) << 32 | u64::from(node + 1));
        self.len += 1;
        self.write_end();
    }

    /// Puts `word` in the first free word of its probe sequence.
    fn place(&mut self, word: u64) {
        let mask = self.mask();
        let mut at = (word >> 32) as usize & mask;
        while self.byte_at(at) != 0 {
            at = (at + 1) & mask;
        }
        self.words[at] = word;
        self.set_byte(at, byte(word >> 32));
    }

    /// Doubles the table (at least [`MIN_WORDS`]) and places every word again (inside a
    /// write: natively the new groups are published, the old ones kept).
    #[cold]
    fn grow(&mut self) {
        let size = (self.words.len() * 2).max(MIN_WORDS);
        let old = core::mem::replace(&mut self.words, vec![0; size]);
        self.groups = zeroed_groups(size);
        #[cfg(not(target_family = "wasm"))]
        self.published.publish(&self.groups);
        for word in old {
            if word as u32 != 0 {
                self.place(word);
            }
        }
    }

    /// Where `node` (stored under `hash`) is.
    fn position(&self, hash: u64, node: u32) -> Option<usize> {
        if self.words.is_empty() {
            return None;
        }
        let mask = self.mask();
        let wanted = tag(hash) << 32 | u64::from(node + 1);
        let mut at = tag(hash) as usize & mask;
        loop {
            match self.words[at] {
                word if word == wanted => return Some(at),
                word if word as u32 == 0 => return None,
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// Removes `node` (stored under `hash`); followers whose probe passed its word move back.
    pub fn remove(&mut self, hash: u64, node: u32) {
        let Some(mut hole) = self.position(hash, node) else {
            return;
        };
        self.write_begin();
        let mask = self.mask();
        let mut at = hole;
        loop {
            at = (at + 1) & mask;
            let word = self.words[at];
            if word as u32 == 0 {
                break;
            }
            // A word whose probe starts in (hole, at] must stay; any other fills the hole.
            let start = (word >> 32) as usize & mask;
            if at.wrapping_sub(start) & mask >= at.wrapping_sub(hole) & mask {
                self.words[hole] = word;
                self.set_byte(hole, self.byte_at(at));
                hole = at;
            }
        }
        self.words[hole] = 0;
        self.set_byte(hole, 0);
        self.len -= 1;
        self.write_end();
    }

    /// Records that the node `from` (stored under `hash`) is now numbered `to` (the bytes,
    /// all a reader without the lock reads, stay as they are).
    pub fn renumber(&mut self, hash: u64, from: u32, to: u32) {
        if let Some(at) = self.position(hash, from) {
            self.words[at] = tag(hash) << 32 | u64::from(to + 1);
        }
    }

    /// Removes everything, keeping the allocation.
    pub fn clear(&mut self) {
        self.write_begin();
        self.words.fill(0);
        for group in self.groups.iter() {
            group.store(0, Relaxed);
        }
        self.len = 0;
        self.write_end();
    }

    /// What a reader without the lock probes: shared with the index, for as long as the
    /// reader keeps it.
    #[cfg(not(target_family = "wasm"))]
    pub fn published(&self) -> Arc<Published> {
        self.published.clone()
    }

    /// Publishes the hash's parameters the map computes a key's hash with (see
    /// [`Published::hash_parameters`]), inside a write.
    #[cfg(not(target_family = "wasm"))]
    pub fn publish_hash_parameters(&self, seed: u64, anchor_len: usize, anchor_word: u64) {
        self.write_begin();
        let published = &self.published;
        published.seed.store(seed, Relaxed);
        published.anchor_len.store(anchor_len, Relaxed);
        published.anchor_word.store(anchor_word, Relaxed);
        self.write_end();
    }
}

/// Tables an index can grow through: sizes [`MIN_WORDS`] · 2^k words for k below this
/// (more than a `u32` node number can fill).
#[cfg(not(target_family = "wasm"))]
const LEVELS: usize = 30;

/// An index's state for readers that do not hold the map's lock: the version word, the tag
/// groups of every table the index has had, and the map's hash parameters (see the module
/// documentation). Written only by the lock's holder, through the index.
#[cfg(not(target_family = "wasm"))]
pub struct Published {
    /// Odd while the lock's holder changes the bytes or the hash parameters.
    version: AtomicU64,
    /// How many tables are published: the live one is `tables[count - 1]`; 0 before the
    /// first insert, `usize::MAX` if a table could not be published (never: readers then
    /// always take the lock).
    count: AtomicUsize,
    /// The groups of each table, by size, each set once and kept until the index drops.
    tables: [spin::once::Once<Groups>; LEVELS],
    /// The map's hash seed, its anchor's length (`usize::MAX` for an anchor a reader cannot
    /// check: longer than eight bytes) and the anchor's cover word.
    seed: AtomicU64,
    anchor_len: AtomicUsize,
    anchor_word: AtomicU64,
}

#[cfg(not(target_family = "wasm"))]
impl Published {
    fn new() -> Self {
        Self {
            version: AtomicU64::new(0),
            count: AtomicUsize::new(0),
            tables: [const { spin::once::Once::new() }; LEVELS],
            seed: AtomicU64::new(0),
            anchor_len: AtomicUsize::new(usize::MAX),
            anchor_word: AtomicU64::new(0),
        }
    }

    /// Starts a write (lock's holder only): the version becomes odd before any change.
    #[inline]
    fn write_begin(&self) {
        let version = self.version.load(Relaxed);
        self.version.store(version.wrapping_add(1), Relaxed);
        // The stores that follow are not seen before the odd version by a reader whose
        // closing fence ([`Published::read_end`]) comes after it saw one of them.
        fence(Ordering::Release);
    }

    /// Ends a write: the version becomes even, after every change.
    #[inline]
    fn write_end(&self) {
        let version = self.version.load(Relaxed);
        self.version
            .store(version.wrapping_add(1), Ordering::Release);
    }

    /// Makes `groups` the live table (inside a write).
    fn publish(&self, groups: &Groups) {
        let level = (groups.len() * GROUP / MIN_WORDS).trailing_zeros() as usize;
        let count = match self.tables.get(level) {
            Some(slot) if Arc::ptr_eq(slot.call_once(|| groups.clone()), groups) => level + 1,
            _ => usize::MAX,
        };
        self.count.store(count, Ordering::Release);
    }

    /// Starts a read without the lock: the version, unless a write is under way.
    #[inline(always)]
    pub fn read_begin(&self) -> Option<u64> {
        let version = self.version.load(Ordering::Acquire);
        (version & 1 == 0).then_some(version)
    }

    /// Whether nothing was written since [`Published::read_begin`] gave `version`: then
    /// everything read in between was the state of one instant.
    #[inline(always)]
    pub fn read_end(&self, version: u64) -> bool {
        fence(Ordering::Acquire);
        self.version.load(Relaxed) == version
    }

    /// The map's hash seed, its anchor's length and cover word (`usize::MAX` for the length
    /// when no key can be checked without the lock). Read between
    /// [`Published::read_begin`] and [`Published::read_end`].
    #[inline(always)]
    pub fn hash_parameters(&self) -> (u64, usize, u64) {
        (
            self.seed.load(Relaxed),
            self.anchor_len.load(Relaxed),
            self.anchor_word.load(Relaxed),
        )
    }

    /// Whether no byte in `hash`'s probe sequence matches its tag: then (if
    /// [`Published::read_end`] agrees) no key with this hash was stored. `false` when
    /// unsure. Read between [`Published::read_begin`] and [`Published::read_end`].
    #[inline(always)]
    pub fn no_candidate(&self, hash: u64) -> bool {
        let count = self.count.load(Ordering::Acquire);
        if count == 0 {
            return true; // nothing was ever stored
        }
        let Some(groups) = self.tables.get(count - 1).and_then(|table| table.get()) else {
            return false;
        };
        let groups: &[AtomicU64] = groups;
        let mask = groups.len() * GROUP - 1;
        let tag = tag(hash);
        let wanted = ONES * u64::from(byte(tag));
        let start = tag as usize & mask;
        let mut group = first_group(groups, start);
        // A probe ends within the table's groups when read in one instant; bounded in case
        // a write tears what is read (the version check then rejects the answer anyway).
        let mut at = start / GROUP;
        for _ in 0..groups.len() {
            let (candidates, end) = candidates(group, wanted);
            if candidates != 0 {
                return false;
            }
            if end {
                return true;
            }
            at = (at + 1) & (groups.len() - 1);
            group = groups[at].load(Relaxed);
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hash whose probe starts at `start` in a table of up to 2^16 words, tagged `low`.
    fn hash(start: u64, low: u64) -> u64 {
        start << 32 | low
    }

    #[test]
    fn removal_shifts_back_colliding_followers() {
        let mut index = HashIndex::new();
        // Four keys starting at word 3 of 8, one at word 4: they fill 3..=7.
        for node in 0..4 {
            index.insert(hash(3, node.into()), node);
        }
        index.insert(hash(4, 9), 4);
        index.remove(hash(3, 1), 1);
        for (node, start) in [(0, 3), (2, 3), (3, 3), (4, 4)] {
            assert_eq!(
                index.find(hash(start, node.into()), |n| n == node),
                Some(node)
            );
        }
        assert_eq!(index.find(hash(3, 1), |n| n == 1), None);
        index.renumber(hash(4, 9), 4, 1);
        assert_eq!(index.find(hash(4, 9), |_| true), Some(1));
        index.clear();
        assert_eq!(index.find(hash(4, 9), |_| true), None);
    }

    #[test]
    fn probes_wrap_past_the_end_to_the_first_group() {
        let mut index = HashIndex::new();
        // Eight words: four keys starting at word 6 fill 6, 7, 0 and 1.
        for node in 0..4 {
            index.insert(hash(6, node.into()), node);
        }
        assert_eq!(index.words.len(), 8);
        for node in 0..4 {
            assert_eq!(index.find(hash(6, node.into()), |n| n == node), Some(node));
        }
        // A miss that starts at the end finds the first empty word after the wrap.
        assert_eq!(index.find(hash(7, 99), |_| true), None);
        // Removing the key in word 7 shifts the wrapped ones back across the end.
        index.remove(hash(6, 1), 1);
        for node in [0, 2, 3] {
            assert_eq!(index.find(hash(6, node.into()), |n| n == node), Some(node));
        }
        assert_eq!(index.find(hash(6, 1), |n| n == 1), None);
        let occupied: Vec<u8> = (0..8).map(|at| index.byte_at(at)).collect();
        assert_eq!(occupied.iter().filter(|&&b| b != 0).count(), 3);
        assert_eq!((occupied[0], occupied[2]), (0x80, 0));
    }

    #[test]
    fn agrees_with_a_model_under_random_operations() {
        let mut index = HashIndex::new();
        let mut model: Vec<(u64, u32)> = Vec::new();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for step in 0..20_000u32 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Few distinct starts and tags, so probes collide and wrap around.
            let hash = (state % 61) << 32 | state >> 40;
            if (state.is_multiple_of(3) || model.len() > 200) && !model.is_empty() {
                let (hash, node) = model.swap_remove(state as usize % model.len());
                index.remove(hash, node);
            } else {
                index.insert(hash, step);
                model.push((hash, step));
            }
            for &(hash, node) in &model {
                if step.is_multiple_of(1000) || (node ^ step).is_multiple_of(97) {
                    assert_eq!(index.find(hash, |n| n == node), Some(node));
                    #[cfg(not(target_family = "wasm"))]
                    assert!(!index.published.no_candidate(hash));
                }
            }
            assert_eq!(index.len, model.len());
        }
        for &(hash, node) in &model {
            assert_eq!(index.find(hash, |n| n == node), Some(node));
        }
        assert_eq!(index.find(u64::MAX, |_| true), None);
    }

    #[cfg(not(target_family = "wasm"))]
    #[test]
    fn a_reader_without_the_lock_is_sure_only_of_a_probe_without_a_matching_byte() {
        let mut index = HashIndex::new();
        let published = index.published();
        assert!(published.no_candidate(hash(5, 1)), "nothing stored yet");
        index.insert(hash(5, 1), 0);
        let version = published.read_begin().expect("no write under way");
        assert!(!published.no_candidate(hash(5, 1)), "the stored key");
        // Same start, another byte (the top seven bits of the tag differ): a certain miss.
        let other = hash(5 | 1 << 30, 2);
        assert!(published.no_candidate(other));
        assert_eq!(index.find(other, |_| true), None);
        // Same start and byte, another tag: not certain (the lock's path compares words).
        let lookalike = hash(13, 3);
        assert_eq!(byte(tag(lookalike)), byte(tag(hash(5, 1))));
        assert!(!published.no_candidate(lookalike));
        assert_eq!(index.find(lookalike, |_| true), None);
        assert!(published.read_end(version), "nothing written since");
        // Growing from 8 words to 16 publishes the new groups; the old ones stay.
        for node in 1..5 {
            index.insert(hash(1 << 31 | (100 + u64::from(node)), 0), node);
        }
        assert!(!published.read_end(version), "written since");
        assert_eq!(index.words.len(), 16);
        assert_eq!(published.count.load(Relaxed), 2);
        assert!(published.tables[0].get().is_some());
        assert!(!published.no_candidate(hash(5, 1)));
        index.remove(hash(5, 1), 0);
        assert!(published.no_candidate(hash(5, 1)));
        // Inside a write a reader does not start.
        index.write_begin();
        assert_eq!(published.read_begin(), None);
        index.write_end();
        assert!(published.read_begin().is_some());
    }

    /// Readers without the lock racing a writer that keeps moving a key's byte back across
    /// a group boundary (a removal's shift): a read that the version accepts never says the
    /// key is missing while it is stored.
    #[cfg(all(edgecache_std, not(target_family = "wasm")))]
    #[test]
    fn reads_the_version_accepts_never_lose_a_key_that_stays() {
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
        // Both start at word 7 of 16, just before a group boundary, with other bytes; four
        // more keys in words 12..=15 make the table 16 words.
        let (stay, other) = (hash(2 << 25 | 7, 0), hash(3 << 25 | 7, 0));
        let index = crate::sync::ShortMutex::new(HashIndex::new());
        let published = index.lock().published();
        index.lock().insert(stay, 0);
        for node in 2..6 {
            index
                .lock()
                .insert(hash(4 << 25 | (10 + u64::from(node)), 0), node);
        }
        // Odd while `stay` is out of the index (the test's own seqlock over the writer).
        let relocations = AtomicU64::new(0);
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            let readers: Vec<_> = (0..2)
                .map(|_| {
                    let (published, relocations, stop) = (&published, &relocations, &stop);
                    scope.spawn(move || {
                        let mut accepted = 0u64;
                        while !stop.load(SeqCst) || accepted == 0 {
                            let before = relocations.load(SeqCst);
                            let Some(version) = published.read_begin() else {
                                continue;
                            };
                            let absent = published.no_candidate(stay);
                            let valid = published.read_end(version);
                            if valid && before % 2 == 0 && relocations.load(SeqCst) == before {
                                assert!(!absent, "a stored key was not seen");
                                accepted += 1;
                            }
                        }
                        accepted
                    })
                })
                .collect();
            // A lost key shows within about a second of racing with the version check left
            // out; 300 ms here.
            let started = std::time::Instant::now();
            while started.elapsed() < std::time::Duration::from_millis(300) {
                // `other` takes word 7 and `stay` goes after it, to word 8 ...
                {
                    let mut index = index.lock();
                    relocations.fetch_add(1, SeqCst);
                    index.remove(stay, 0);
                    index.insert(other, 1);
                    index.insert(stay, 0);
                    relocations.fetch_add(1, SeqCst);
                }
                // ... and removing `other` shifts `stay` back to word 7, a group earlier.
                index.lock().remove(other, 1);
            }
            stop.store(true, SeqCst);
            for reader in readers {
                assert!(reader.join().unwrap() > 0);
            }
        });
        assert_eq!(
            index.lock().words.len(),
            16,
            "the boundary stayed at word 8"
        );
    }
}
