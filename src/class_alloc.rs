//! The in-memory wasm builds' allocator: power-of-two size classes over `memory.grow`.
//!
//! dlmalloc (the allocator of the other wasm builds) is ~6 KB of code; this one is a few
//! hundred bytes, which matters in the size-bound in-memory builds. Every block is a power
//! of two from 8 bytes up, aligned to its own size, so any alignment up to the size is met.
//! A freed block goes on its class's free list and is handed out again for the next request
//! of that class; when a class's list is empty, a free block of a larger class is split in
//! halves (the smaller halves go on their lists) before fresh memory is taken. Blocks are
//! never merged back: a long-lived cache whose entries come and go reuses the same classes,
//! and memory is never returned to the host (wasm memory cannot shrink anyway). Fresh memory
//! comes from the top of the current region, which grows by whole 64 KiB pages; the padding
//! that aligns a block is itself cut into naturally aligned free blocks, so nothing is lost.

use core::alloc::Layout;

/// The smallest block: holds the free list's link on wasm32 and wasm64.
const MIN_BLOCK: usize = 8;
/// Classes 2^3 .. 2^(usize::BITS - 1).
const CLASSES: usize = usize::BITS as usize;
/// A wasm page.
const PAGE: usize = 65536;

/// Where fresh memory comes from: `memory.grow` in wasm, an arena in the tests.
pub trait Pages {
    /// Adds `pages` pages at the end of memory; returns the byte address where they start,
    /// or `None` when memory cannot grow.
    fn grow(&mut self, pages: usize) -> Option<usize>;
}

/// The allocator's state: one free list per class, and the unused top of the last region.
pub struct ClassAlloc<P> {
    /// The first free block of each class (0: none); a free block's first word is the next.
    free: [usize; CLASSES],
    /// The unused part of the last region taken from `pages`: `top..end`.
    top: usize,
    end: usize,
    pages: P,
}

/// The class of a layout: log2 of the block size.
fn class_of(layout: Layout) -> Option<usize> {
    let size = layout.size().max(layout.align()).max(MIN_BLOCK);
    let block = size.checked_next_power_of_two()?;
    Some(block.trailing_zeros() as usize)
}

impl<P: Pages> ClassAlloc<P> {
    /// An allocator with no memory yet.
    pub const fn new(pages: P) -> Self {
        Self {
            free: [0; CLASSES],
            top: 0,
            end: 0,
            pages,
        }
    }

    /// Puts the block at `at` of class `class` on its free list.
    ///
    /// # Safety
    /// `at` is a block of that class, unused, aligned to its size.
    unsafe fn push(&mut self, class: usize, at: usize) {
        // SAFETY: the block is ours and at least a word long and aligned.
        unsafe { (at as *mut usize).write(self.free[class]) };
        self.free[class] = at;
    }

    /// Takes the first block off `class`'s list, if any.
    fn pop(&mut self, class: usize) -> Option<usize> {
        let at = self.free[class];
        if at == 0 {
            return None;
        }
        // SAFETY: a listed block is free and holds the next link in its first word.
        self.free[class] = unsafe { (at as *const usize).read() };
        Some(at)
    }

    /// A block of `class`: from its list, split from a larger free one, or fresh.
    fn take(&mut self, class: usize) -> Option<usize> {
        if let Some(at) = self.pop(class) {
            return Some(at);
        }
        if let Some(larger) = (class + 1..CLASSES).find(|&c| self.free[c] != 0) {
            let at = self.pop(larger)?;
            // The upper halves of each split go on the lists of classes larger-1 .. class.
            for half in class..larger {
                // SAFETY: `at + 2^half` is the unused upper half of a free block of class
                // `half + 1`, aligned to 2^half.
                unsafe { self.push(half, at + (1 << half)) };
            }
            return Some(at);
        }
        self.fresh(class)
    }

    /// A block of `class` from the top of memory, growing it as needed.
    fn fresh(&mut self, class: usize) -> Option<usize> {
        let size = 1usize << class;
        loop {
            let start = self.top.checked_next_multiple_of(size)?;
            if let Some(stop) = start.checked_add(size).filter(|&stop| stop <= self.end) {
                self.pad_to(start);
                self.top = stop;
                return Some(start);
            }
            // Grow by enough pages for the block and its alignment from the current end.
            let need = self.end.checked_next_multiple_of(size)?.checked_add(size)? - self.end;
            let pages = need.div_ceil(PAGE);
            let at = self.pages.grow(pages)?;
            if at != self.end {
                // Someone else grew memory in between: start over at the new region (the
                // old top is abandoned, after its free part goes on the lists).
                let end = self.end;
                self.pad_to(end);
                self.top = at;
            }
            self.end = at + pages * PAGE;
        }
    }

    /// Puts `top..stop` (alignment padding, or the rest of an abandoned region) on the free
    /// lists as naturally aligned blocks.
    fn pad_to(&mut self, stop: usize) {
        while self.top < stop {
            // The largest naturally aligned block at `top` that fits before `stop`.
            let mut size = 1usize << self.top.trailing_zeros().min(usize::BITS - 1);
            while self.top.checked_add(size).is_none_or(|end| end > stop) {
                size /= 2;
            }
            if size >= MIN_BLOCK {
                // SAFETY: `top..top + size` is unused memory aligned to `size`.
                unsafe { self.push(size.trailing_zeros() as usize, self.top) };
            }
            self.top += size.max(1);
        }
    }

    /// Allocates a block for `layout`; null when memory is exhausted.
    pub fn alloc(&mut self, layout: Layout) -> *mut u8 {
        class_of(layout)
            .and_then(|class| self.take(class))
            .map_or(core::ptr::null_mut(), |at| at as *mut u8)
    }

    /// Frees a block [`ClassAlloc::alloc`] gave for `layout`.
    ///
    /// # Safety
    /// `ptr` came from this allocator's `alloc` (or `realloc`) with `layout`, and is not used
    /// after this.
    pub unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
        if let Some(class) = class_of(layout) {
            // SAFETY: the caller returns a block of this class.
            unsafe { self.push(class, ptr as usize) };
        }
    }

    /// Moves a block to `new_size` bytes (same alignment), keeping its contents; in place
    /// when the class does not change.
    ///
    /// # Safety
    /// As [`ClassAlloc::dealloc`]; `new_size` rounded up to `layout.align()` fits `isize`.
    pub unsafe fn realloc(&mut self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees the new size is a valid layout size.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if class_of(new) == class_of(layout) {
            return ptr;
        }
        let moved = self.alloc(new);
        if !moved.is_null() {
            // SAFETY: both blocks are live, distinct, and at least this long.
            unsafe {
                core::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        moved
    }
}

/// The global allocator of the in-memory wasm builds.
#[cfg(all(target_arch = "wasm32", edgecache_memory_only, not(edgecache_std)))]
pub mod global {
    use super::{ClassAlloc, Pages};
    use core::alloc::{GlobalAlloc, Layout};
    use core::cell::UnsafeCell;

    /// `memory.grow` on memory 0.
    pub struct WasmPages;

    impl Pages for WasmPages {
        fn grow(&mut self, pages: usize) -> Option<usize> {
            let old = core::arch::wasm32::memory_grow(0, pages);
            (old != usize::MAX).then(|| old * super::PAGE)
        }
    }

    /// [`ClassAlloc`] as the `#[global_allocator]`.
    pub struct Global(UnsafeCell<ClassAlloc<WasmPages>>);

    // SAFETY: these builds are single-threaded wasm (no `atomics` target feature): the
    // allocator is never entered from two threads.
    unsafe impl Sync for Global {}

    impl Global {
        /// The allocator, with no memory yet.
        pub const fn new() -> Self {
            Self(UnsafeCell::new(ClassAlloc::new(WasmPages)))
        }
    }

    // SAFETY: `ClassAlloc` hands out distinct blocks of at least the layout's size, aligned
    // to at least its alignment, and only reuses a block after it was freed.
    unsafe impl GlobalAlloc for Global {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: single-threaded, and no allocator call re-enters another.
            unsafe { (*self.0.get()).alloc(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: as above; the caller's contract is `ClassAlloc::dealloc`'s.
            unsafe { (*self.0.get()).dealloc(ptr, layout) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: as above; the caller's contract is `ClassAlloc::realloc`'s.
            unsafe { (*self.0.get()).realloc(ptr, layout, new_size) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::BTreeMap;
    use alloc::vec::Vec;
    use proptest::prelude::*;

    /// A fixed arena standing in for wasm memory, grown page by page.
    struct Arena {
        base: usize,
        used: usize,
        limit: usize,
    }

    impl Pages for Arena {
        fn grow(&mut self, pages: usize) -> Option<usize> {
            let bytes = pages * PAGE;
            if self.used + bytes > self.limit {
                return None;
            }
            let at = self.base + self.used;
            self.used += bytes;
            Some(at)
        }
    }

    const ARENA: usize = 64 << 20;

    fn with_arena(run: impl FnOnce(&mut ClassAlloc<Arena>)) {
        let layout = Layout::from_size_align(ARENA, PAGE).unwrap();
        // SAFETY: a non-zero size.
        let base = unsafe { std::alloc::alloc(layout) };
        assert!(!base.is_null());
        let mut heap = ClassAlloc::new(Arena {
            base: base as usize,
            used: 0,
            limit: ARENA,
        });
        run(&mut heap);
        // SAFETY: allocated above with this layout.
        unsafe { std::alloc::dealloc(base, layout) };
    }

    #[derive(Debug, Clone)]
    enum Step {
        Alloc(usize, u32),
        Free(usize),
        Realloc(usize, usize),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => (prop_oneof![1usize..64, 1usize..600, 1usize..70_000], 0u32..6)
                .prop_map(|(size, align)| Step::Alloc(size, align)),
            3 => any::<usize>().prop_map(Step::Free),
            2 => (any::<usize>(), prop_oneof![1usize..64, 1usize..5000])
                .prop_map(|(which, size)| Step::Realloc(which, size)),
        ]
    }

    /// Live blocks never overlap, meet their alignment and keep their contents through any
    /// mix of allocations, frees and reallocations; afterwards, freed memory is reused: the
    /// same sizes allocated, freed and allocated again do not grow memory the second time.
    fn check(steps: &[Step]) {
        with_arena(|heap| {
            // start → (size, align, fill byte)
            let mut live: BTreeMap<usize, (usize, usize, u8)> = BTreeMap::new();
            let mut fill = 0u8;
            let nth = |live: &BTreeMap<usize, (usize, usize, u8)>, n: usize| {
                live.keys().nth(n % live.len().max(1)).copied()
            };
            let no_overlap =
                |live: &BTreeMap<usize, (usize, usize, u8)>, at: usize, size: usize| {
                    if let Some((&start, &(len, _, _))) = live.range(..at + size).next_back() {
                        assert!(start + len <= at, "overlap");
                    }
                };
            for step in steps {
                match *step {
                    Step::Alloc(size, align) => {
                        let align = 1usize << align;
                        let layout = Layout::from_size_align(size, align).unwrap();
                        let at = heap.alloc(layout) as usize;
                        assert!(at != 0 && at.is_multiple_of(align), "alignment");
                        no_overlap(&live, at, size);
                        fill = fill.wrapping_add(1);
                        // SAFETY: a fresh block of `size` bytes.
                        unsafe { core::ptr::write_bytes(at as *mut u8, fill, size) };
                        live.insert(at, (size, align, fill));
                    }
                    Step::Free(n) => {
                        if let Some(at) = nth(&live, n) {
                            let (size, align, byte) = live.remove(&at).unwrap();
                            // SAFETY: a live block of `size` bytes.
                            let bytes =
                                unsafe { core::slice::from_raw_parts(at as *const u8, size) };
                            assert!(bytes.iter().all(|&b| b == byte), "contents");
                            let layout = Layout::from_size_align(size, align).unwrap();
                            // SAFETY: live, allocated with this layout.
                            unsafe { heap.dealloc(at as *mut u8, layout) };
                        }
                    }
                    Step::Realloc(n, new_size) => {
                        if let Some(at) = nth(&live, n) {
                            let (size, align, byte) = live.remove(&at).unwrap();
                            let layout = Layout::from_size_align(size, align).unwrap();
                            // SAFETY: live, allocated with this layout.
                            let moved =
                                unsafe { heap.realloc(at as *mut u8, layout, new_size) } as usize;
                            assert!(
                                moved != 0 && moved.is_multiple_of(align),
                                "alignment after realloc"
                            );
                            let kept = size.min(new_size);
                            // SAFETY: the moved block holds at least `kept` bytes.
                            let bytes =
                                unsafe { core::slice::from_raw_parts(moved as *const u8, kept) };
                            assert!(bytes.iter().all(|&b| b == byte), "realloc contents");
                            no_overlap(&live, moved, new_size);
                            // SAFETY: the block is `new_size` bytes long.
                            unsafe { core::ptr::write_bytes(moved as *mut u8, byte, new_size) };
                            live.insert(moved, (new_size, align, byte));
                        }
                    }
                }
            }
            for (&at, &(size, align, _)) in &live {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: live, allocated with this layout.
                unsafe { heap.dealloc(at as *mut u8, layout) };
            }
            let layouts: Vec<Layout> = steps
                .iter()
                .filter_map(|step| match *step {
                    Step::Alloc(size, align) => Layout::from_size_align(size, 1 << align).ok(),
                    _ => None,
                })
                .collect();
            let mut round = || {
                let blocks: Vec<*mut u8> = layouts.iter().map(|&l| heap.alloc(l)).collect();
                for (&at, &layout) in blocks.iter().zip(&layouts) {
                    // SAFETY: allocated just above with this layout.
                    unsafe { heap.dealloc(at, layout) };
                }
                heap.pages.used
            };
            let first = round();
            assert_eq!(round(), first, "the second round reused the first's memory");
        });
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn blocks_are_distinct_aligned_kept_and_reused(steps in prop::collection::vec(step(), 1..300)) {
            check(&steps);
        }
    }

    #[test]
    fn a_freed_large_block_serves_small_requests() {
        with_arena(|heap| {
            let big = Layout::from_size_align(1 << 16, 8).unwrap();
            let at = heap.alloc(big);
            // SAFETY: allocated above with this layout.
            unsafe { heap.dealloc(at, big) };
            let used = heap.pages.used;
            let small = Layout::from_size_align(24, 8).unwrap();
            for _ in 0..(1 << 16) / 32 {
                assert!(!heap.alloc(small).is_null());
            }
            assert_eq!(
                heap.pages.used, used,
                "split from the freed block, no growth"
            );
        });
    }

    #[test]
    fn exhaustion_is_null_not_a_trap() {
        with_arena(|heap| {
            let huge = Layout::from_size_align(ARENA * 2, 8).unwrap();
            assert!(heap.alloc(huge).is_null());
            let fine = Layout::from_size_align(100, 8).unwrap();
            assert!(!heap.alloc(fine).is_null());
        });
    }
}
