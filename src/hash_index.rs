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
//! set): a probe reads these bytes (2 KiB for a store of 1000 entries, where the words
//! take 16 KiB) eight at a time, as one word compared with no loop, and a word only when
//! its byte matches. The first eight bytes are repeated after the last, so a group that
//! runs past the end reads the start without wrapping.

use alloc::vec;
use alloc::vec::Vec;

/// The smallest table that is allocated (in words); at least [`GROUP`].
const MIN_WORDS: usize = 8;

/// Bytes a probe reads at once (one `u64`).
const GROUP: usize = 8;

/// `0x01` in every byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of every zero byte of `group`: exact up to and including the lowest zero
/// byte (a byte above a zero one may be flagged too, a borrow's false positive).
#[inline]
fn zero_bytes(group: u64) -> u64 {
    group.wrapping_sub(ONES) & !group & (ONES << 7)
}

/// What one group of a probe found.
enum Probe {
    /// The node that matched.
    Found(u32),
    /// No match, and an empty word ends the probe.
    Missing,
    /// No match, and no empty word: the probe goes on to the next group.
    Full,
}

/// Node numbers by hash (see the module documentation).
#[derive(Default)]
pub struct HashIndex {
    words: Vec<u64>,
    /// One byte per word ([`byte`]), then the first [`GROUP`] of them again.
    bytes: Vec<u8>,
    /// Occupied words.
    len: usize,
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
    /// An empty index (allocates nothing until the first insert).
    pub const fn new() -> Self {
        Self {
            words: Vec::new(),
            bytes: Vec::new(),
            len: 0,
        }
    }

    /// `words.len() - 1` (a power of two minus one), or 0 before the first allocation.
    #[inline]
    fn mask(&self) -> usize {
        self.words.len().wrapping_sub(1)
    }

    /// The first node with this `hash` that `matches`, if any.
    ///
    /// Natively the first group of tag bytes is probed in line: at most half full, the table
    /// almost always has an empty word in it, so a lookup (a miss above all) ends there; the
    /// rest of a longer probe is out of line ([`HashIndex::probe_from`]), which keeps the hot
    /// path's instructions and registers to one group's (BENCHMARKS.md, locmem, ninth round).
    #[cfg(not(target_family = "wasm"))]
    #[inline(always)]
    pub fn find(&self, hash: u64, mut matches: impl FnMut(u32) -> bool) -> Option<u32> {
        if self.words.is_empty() {
            return None;
        }
        let tag = tag(hash);
        let at = tag as usize & self.mask();
        match self.probe_group(at, tag, &mut matches) {
            Probe::Found(node) => Some(node),
            Probe::Missing => None,
            Probe::Full => self.probe_from((at + GROUP) & self.mask(), tag, matches),
        }
    }

    /// The first node with this `hash` that `matches`, if any (in wasm, the probe's one loop:
    /// size comes first).
    #[cfg(target_family = "wasm")]
    #[inline]
    pub fn find(&self, hash: u64, matches: impl FnMut(u32) -> bool) -> Option<u32> {
        if self.words.is_empty() {
            return None;
        }
        let tag = tag(hash);
        self.probe_from(tag as usize & self.mask(), tag, matches)
    }

    /// [`HashIndex::find`]'s probe from the group at `at` on (natively, after a first group
    /// all of whose words were occupied, so out of line).
    #[cfg_attr(not(target_family = "wasm"), inline(never), cold)]
    #[cfg_attr(target_family = "wasm", inline)]
    fn probe_from(
        &self,
        mut at: usize,
        tag: u64,
        mut matches: impl FnMut(u32) -> bool,
    ) -> Option<u32> {
        loop {
            match self.probe_group(at, tag, &mut matches) {
                Probe::Found(node) => return Some(node),
                Probe::Missing => return None,
                Probe::Full => at = (at + GROUP) & self.mask(),
            }
        }
    }

    /// One group of [`HashIndex::find`]'s probe: the [`GROUP`] words from `at` (the table is
    /// not empty).
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    #[cfg_attr(target_family = "wasm", inline)]
    fn probe_group(&self, at: usize, tag: u64, matches: &mut impl FnMut(u32) -> bool) -> Probe {
        let mut group = [0; GROUP];
        group.copy_from_slice(&self.bytes[at..at + GROUP]);
        let group = u64::from_le_bytes(group);
        // The probe ends at the first empty word: only bytes before it are candidates (all of
        // them if there is none), and those are exact (never empty).
        let empty = zero_bytes(group);
        let wanted = ONES * u64::from(byte(tag));
        let mut candidates = zero_bytes(group ^ wanted) & empty.wrapping_sub(1) & !empty;
        while candidates != 0 {
            let word = self.words[(at + candidates.trailing_zeros() as usize / 8) & self.mask()];
            let node = (word as u32).wrapping_sub(1);
            if word >> 32 == tag && matches(node) {
                return Probe::Found(node);
            }
            candidates &= candidates - 1;
        }
        if empty != 0 {
            Probe::Missing
        } else {
            Probe::Full
        }
    }

    /// Sets the byte of word `at`, and its repeat after the end for one of the first
    /// [`GROUP`] words.
    #[inline]
    fn set_byte(&mut self, at: usize, byte: u8) {
        // `at` itself for `at >= GROUP`, else its repeat.
        let repeat = (at.wrapping_sub(GROUP) & self.mask()) + GROUP;
        self.bytes[at] = byte;
        self.bytes[repeat] = byte;
    }

    /// Adds `node` under `hash` (the caller knows it is not there yet).
    pub fn insert(&mut self, hash: u64, node: u32) {
        debug_assert!(node != u32::MAX);
        if (self.len + 1) * 2 > self.words.len() {
            self.grow();
        }
        self.place(tag(hash) << 32 | u64::from(node + 1));
        self.len += 1;
    }

    /// Puts `word` in the first free word of its probe sequence.
    fn place(&mut self, word: u64) {
        let mask = self.mask();
        let mut at = (word >> 32) as usize & mask;
        while self.bytes[at] != 0 {
            at = (at + 1) & mask;
        }
        self.words[at] = word;
        self.set_byte(at, byte(word >> 32));
    }

    /// Doubles the table (at least [`MIN_WORDS`]) and places every word again.
    #[cold]
    fn grow(&mut self) {
        let size = (self.words.len() * 2).max(MIN_WORDS);
        let old = core::mem::replace(&mut self.words, vec![0; size]);
        self.bytes = vec![0; size + GROUP];
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
                self.set_byte(hole, self.bytes[at]);
                hole = at;
            }
        }
        self.words[hole] = 0;
        self.set_byte(hole, 0);
        self.len -= 1;
    }

    /// Removes everything, keeping the allocation.
    pub fn clear(&mut self) {
        self.words.fill(0);
        self.bytes.fill(0);
        self.len = 0;
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
        index.clear();
        assert_eq!(index.find(hash(4, 9), |_| true), None);
    }

    #[test]
    fn probes_wrap_past_the_end_through_the_repeated_bytes() {
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
        assert_eq!(
            index.bytes[8..],
            index.bytes[..8],
            "the repeat stays in step"
        );
    }

    #[test]
    fn probes_go_on_past_a_full_first_group() {
        let mut index = HashIndex::new();
        // Twenty keys starting at word 5 fill words 5..=24: the later ones, and a miss that
        // starts there, are decided only in the third group (out of line).
        for node in 0..20 {
            index.insert(hash(5, node.into()), node);
        }
        assert_eq!(index.words.len(), 64);
        for node in 0..20 {
            assert_eq!(index.find(hash(5, node.into()), |n| n == node), Some(node));
        }
        let mut asked = Vec::new();
        let missing = index.find(hash(5, 99), |n| {
            asked.push(n);
            false
        });
        assert_eq!(missing, None);
        asked.sort_unstable();
        assert_eq!(
            asked,
            (0..20).collect::<Vec<u32>>(),
            "every candidate, once"
        );
        assert_eq!(
            index.find(hash(25, 1), |_| true),
            None,
            "starts at the empty word"
        );
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
                }
            }
            assert_eq!(index.len, model.len());
        }
        for &(hash, node) in &model {
            assert_eq!(index.find(hash, |n| n == node), Some(node));
        }
        assert_eq!(index.find(u64::MAX, |_| true), None);
    }
}
