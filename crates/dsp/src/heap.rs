//! The worklet's heap, in place of std's general-purpose allocator (dlmalloc, about 7.5 KB of
//! dsp.wasm's code before wasm-opt).
//!
//! The heap holds one thing: the noise suppressor's state, made once by `init` and never
//! touched by the allocator again while audio runs (`tests/no_alloc.rs`). So memory is handed
//! out in order from pages taken with `memory.grow`; a freed or resized block that is the
//! last one handed out is given back in place (a `Vec` growing while it is built leaves no
//! gaps), and once nothing is live the whole heap is reused from its bottom (a second `init`
//! drops the old suppressor before it makes the new one, and takes the same memory).
//!
//! [`Arena`] is the bookkeeping, in addresses only, so that it is tested natively; the wasm32
//! cdylib with the suppressor installs it as the global allocator.

/// A run of addresses `[start, start + len)` newly available to the arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// First address.
    pub start: usize,
    /// Length in bytes.
    pub len: usize,
}

/// Bump allocation over regions of fresh memory, with the last block given back in place and
/// a reset once nothing is live.
#[derive(Debug)]
pub struct Arena {
    /// Start of the region being used (where a reset goes back to).
    floor: usize,
    next: usize,
    end: usize,
    live: usize,
}

impl Default for Arena {
    fn default() -> Self {
        Self::new()
    }
}

impl Arena {
    /// An arena with no memory yet.
    pub const fn new() -> Self {
        Self {
            floor: 0,
            next: 0,
            end: 0,
            live: 0,
        }
    }

    /// Blocks handed out and not yet freed.
    pub fn live(&self) -> usize {
        self.live
    }

    /// The address of a new block of `size` bytes aligned to `align` (a power of two), taking
    /// memory from `grow` (asked for at least the bytes it must add) when the region runs out.
    /// `None` if `grow` has none: nothing changes.
    // Once, not inlined into both `alloc` and `alloc_zeroed`: 184 B less gzipped dsp.wasm.
    #[inline(never)]
    pub fn alloc(
        &mut self,
        size: usize,
        align: usize,
        grow: impl FnOnce(usize) -> Option<Region>,
    ) -> Option<usize> {
        let start = match self.fit(self.next, size, align) {
            Some(start) => start,
            None => {
                let region = grow(size.checked_add(align)?)?;
                if region.start == self.end && self.end != 0 {
                    self.end += region.len;
                } else {
                    // The first memory, or memory that does not follow ours: start over in
                    // it (what is left of the old region stays unused, even once empty).
                    self.floor = region.start;
                    self.next = region.start;
                    self.end = region.start + region.len;
                }
                self.fit(self.next, size, align)?
            }
        };
        self.next = start + size;
        self.live += 1;
        Some(start)
    }

    /// Frees the block at `addr` of `size` bytes.
    pub fn dealloc(&mut self, addr: usize, size: usize) {
        self.live = self.live.saturating_sub(1);
        if self.live == 0 {
            self.next = self.floor;
        } else if addr + size == self.next {
            self.next = addr;
        }
    }

    /// Resizes the block at `addr` from `old` to `new` bytes where it is, if it is the last
    /// block handed out and the region has room; `None` otherwise (the caller moves it).
    pub fn resize_in_place(&mut self, addr: usize, old: usize, new: usize) -> Option<usize> {
        if addr + old != self.next {
            return None;
        }
        let end = addr.checked_add(new)?;
        if end > self.end {
            return None;
        }
        self.next = end;
        Some(addr)
    }

    /// Where a block of `size` bytes aligned to `align` starts at or after `from`, if it ends
    /// within the region.
    fn fit(&self, from: usize, size: usize, align: usize) -> Option<usize> {
        let start = from.checked_add(align - 1)? & !(align - 1);
        let end = start.checked_add(size)?;
        (end <= self.end && self.end != 0).then_some(start)
    }
}

/// The global allocator of the wasm32 cdylib with the suppressor: [`Arena`] over pages from
/// `memory.grow`.
#[cfg(all(target_arch = "wasm32", feature = "denoise", not(test)))]
mod wasm {
    // Implementing `GlobalAlloc` is unsafe by definition; the state is a `static mut` because a
    // global allocator has no other place to keep it.
    #![allow(unsafe_code)]

    use core::alloc::{GlobalAlloc, Layout};
    use core::arch::wasm32::memory_grow;

    use super::{Arena, Region};

    const PAGE: usize = 65_536;

    struct Worklet;

    static mut ARENA: Arena = Arena::new();

    fn arena() -> &'static mut Arena {
        // SAFETY: wasm32-unknown-unknown is built here without threads and an
        // AudioWorkletGlobalScope is single-threaded; the allocator is never re-entered (Arena
        // allocates nothing), and each call below holds the reference only for its duration.
        unsafe { &mut *core::ptr::addr_of_mut!(ARENA) }
    }

    fn grow(bytes: usize) -> Option<Region> {
        let pages = bytes.div_ceil(PAGE);
        let previous = memory_grow(0, pages);
        (previous != usize::MAX).then(|| Region {
            start: previous * PAGE,
            len: pages * PAGE,
        })
    }

    // SAFETY: blocks never overlap: the arena hands out each address range once until it is
    // freed (a freed block is reused only when it was the last one, or when none is live),
    // ranges are aligned as asked, and they lie in memory that `memory.grow` added.
    unsafe impl GlobalAlloc for Worklet {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            arena()
                .alloc(layout.size(), layout.align(), grow)
                .map_or(core::ptr::null_mut(), |a| a as *mut u8)
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            arena().dealloc(ptr as usize, layout.size());
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            if let Some(a) = arena().resize_in_place(ptr as usize, layout.size(), new_size) {
                return a as *mut u8;
            }
            // SAFETY: `layout.align()` is a power of two and the caller guarantees that
            // `new_size`, rounded up to it, does not overflow `isize`.
            let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
            // SAFETY: the caller guarantees a non-zero `new_size`.
            let new = unsafe { self.alloc(new_layout) };
            if !new.is_null() {
                // SAFETY: both blocks are live, distinct, and at least this long.
                unsafe { core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
                // SAFETY: `ptr` was handed out by this allocator with `layout`.
                unsafe { self.dealloc(ptr, layout) };
            }
            new
        }
    }

    #[global_allocator]
    static GLOBAL: Worklet = Worklet;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Memory handed out 64 KiB at a time from `next`, as `memory.grow` does.
    struct Pages {
        next: usize,
        calls: usize,
    }

    impl Pages {
        fn new(at: usize) -> Self {
            Self { next: at, calls: 0 }
        }

        fn grow(&mut self, bytes: usize) -> Option<Region> {
            self.calls += 1;
            let len = bytes.div_ceil(65_536) * 65_536;
            let start = self.next;
            self.next += len;
            Some(Region { start, len })
        }
    }

    #[test]
    fn blocks_are_aligned_and_never_overlap() {
        let mut pages = Pages::new(65_536);
        let mut arena = Arena::new();
        let mut blocks = Vec::new();
        for (size, align) in [(3, 1), (8, 8), (1, 16), (100, 4), (70_000, 64), (5, 2)] {
            let a = arena.alloc(size, align, |b| pages.grow(b)).unwrap();
            assert_eq!(a % align, 0, "{size} bytes aligned to {align}");
            blocks.push((a, size));
        }
        blocks.sort_unstable();
        for pair in blocks.windows(2) {
            assert!(pair[0].0 + pair[0].1 <= pair[1].0, "{pair:?} overlap");
        }
        assert_eq!(arena.live(), 6);
    }

    #[test]
    fn the_last_block_grows_and_shrinks_in_place() {
        let mut pages = Pages::new(65_536);
        let mut arena = Arena::new();
        let a = arena.alloc(16, 4, |b| pages.grow(b)).unwrap();
        let b = arena.alloc(16, 4, |b| pages.grow(b)).unwrap();
        assert_eq!(arena.resize_in_place(a, 16, 64), None, "not the last block");
        assert_eq!(arena.resize_in_place(b, 16, 64), Some(b));
        let c = arena.alloc(1, 1, |b| pages.grow(b)).unwrap();
        assert_eq!(c, b + 64, "the next block follows the grown one");
        arena.dealloc(c, 1);
        assert_eq!(arena.resize_in_place(b, 64, 8), Some(b));
        assert_eq!(arena.alloc(1, 1, |b| pages.grow(b)), Some(b + 8));
        assert_eq!(
            arena.resize_in_place(b + 8, 1, 1 << 20),
            None,
            "past the region: the caller moves it"
        );
    }

    #[test]
    fn freeing_everything_reuses_the_heap_from_its_bottom() {
        let mut pages = Pages::new(131_072);
        let mut arena = Arena::new();
        let first: Vec<usize> = (0..10)
            .map(|i| arena.alloc(1000 + i, 8, |b| pages.grow(b)).unwrap())
            .collect();
        // Freed out of order: not the last block, so no room comes back until all are gone.
        for (i, a) in first.iter().enumerate() {
            arena.dealloc(*a, 1000 + i);
        }
        assert_eq!(arena.live(), 0);
        let again = arena.alloc(1000, 8, |b| pages.grow(b)).unwrap();
        assert_eq!(again, first[0]);
        assert_eq!(pages.calls, 1, "no new memory taken");
    }

    #[test]
    fn memory_that_does_not_follow_starts_a_new_region() {
        let mut arena = Arena::new();
        let a = arena
            .alloc(60_000, 8, |_| {
                Some(Region {
                    start: 65_536,
                    len: 65_536,
                })
            })
            .unwrap();
        let b = arena
            .alloc(10_000, 8, |_| {
                Some(Region {
                    start: 4 * 65_536,
                    len: 65_536,
                })
            })
            .unwrap();
        assert_eq!((a, b), (65_536, 4 * 65_536));
        let c = arena
            .alloc(70_000, 8, |_| {
                Some(Region {
                    start: 5 * 65_536,
                    len: 2 * 65_536,
                })
            })
            .unwrap();
        assert_eq!(
            c,
            4 * 65_536 + 10_000,
            "the following pages extend the region"
        );
    }

    #[test]
    fn no_memory_is_an_error_that_changes_nothing() {
        let mut pages = Pages::new(65_536);
        let mut arena = Arena::new();
        let a = arena.alloc(10, 1, |b| pages.grow(b)).unwrap();
        assert_eq!(arena.alloc(1 << 20, 8, |_| None), None);
        assert_eq!(arena.alloc(usize::MAX, 8, |b| pages.grow(b)), None);
        assert_eq!(arena.live(), 1);
        assert_eq!(arena.alloc(10, 1, |b| pages.grow(b)), Some(a + 10));
    }
}
