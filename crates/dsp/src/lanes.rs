//! Four `f32` lanes: the shape of the mixer's inner loops.
//!
//! The kernels in [`crate::kernels`] are written once, generic over [`F32x4`]. Two types
//! implement it: [`Scalar4`] (a plain `[f32; 4]`, the portable fallback, and what native tests
//! run) and, when the crate is built for wasm32 with `-C target-feature=+simd128`, [`Simd128`]
//! (one `v128` register). Every operation is lane-wise IEEE single precision with no fused
//! multiply-add and no reordering, so both give the same samples bit for bit; the mapping to
//! intrinsics is one line per operation. `min`/`max` are the "pseudo" forms (`b < a ? b : a`)
//! that wasm's `f32x4.pmin`/`pmax` implement, not IEEE `minNum`, so NaN and signed zeros go the
//! same way in both. The selects and the 4x4 transpose (the limiter runs four outputs' frames
//! as four frames of four outputs) only move bits.

/// Four `f32` lanes and the operations the kernels need.
pub(crate) trait F32x4: Copy {
    /// Whether the four lanes are one register: a test across them is one step, where four
    /// scalars are better tested one by one.
    const VECTOR: bool;
    /// All lanes `x`.
    fn splat(x: f32) -> Self;
    /// Lanes from an array, lane 0 first.
    fn from_array(lanes: [f32; 4]) -> Self;
    /// The lanes as an array.
    fn to_array(self) -> [f32; 4];
    /// Loads four consecutive samples.
    fn load(chunk: &[f32; 4]) -> Self;
    /// Stores four consecutive samples.
    fn store(self, chunk: &mut [f32; 4]);
    /// Lane-wise `self + other`.
    fn add(self, other: Self) -> Self;
    /// Lane-wise `self - other`.
    fn sub(self, other: Self) -> Self;
    /// Lane-wise `self * other`.
    fn mul(self, other: Self) -> Self;
    /// Lane-wise `if other < self { other } else { self }`.
    fn pmin(self, other: Self) -> Self;
    /// Lane-wise `if self < other { other } else { self }`.
    fn pmax(self, other: Self) -> Self;
    /// Lane-wise absolute value (clears the sign bit).
    fn abs(self) -> Self;
    /// Lane-wise `self / other`.
    fn div(self, other: Self) -> Self;
    /// Lane-wise `if self > other { then } else { otherwise }`.
    fn gt_select(self, other: Self, then: Self, otherwise: Self) -> Self;
    /// Lane-wise `if self < threshold { 0.0 } else { self }`.
    fn zero_below(self, threshold: Self) -> Self;
    /// The 4x4 transpose: lane `j` of row `i` becomes lane `i` of row `j` (bits unchanged).
    fn transpose(rows: [Self; 4]) -> [Self; 4];
}

/// The portable fallback: four scalars. LLVM is free to vectorise it for the host.
// Unused by a simd128 build (kept so both lane types always compile).
#[cfg_attr(
    all(target_arch = "wasm32", target_feature = "simd128"),
    allow(dead_code)
)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Scalar4([f32; 4]);

#[cfg_attr(
    all(target_arch = "wasm32", target_feature = "simd128"),
    allow(dead_code)
)]
impl Scalar4 {
    fn map(self, other: Self, f: impl Fn(f32, f32) -> f32) -> Self {
        let (a, b) = (self.0, other.0);
        Self([f(a[0], b[0]), f(a[1], b[1]), f(a[2], b[2]), f(a[3], b[3])])
    }
}

impl F32x4 for Scalar4 {
    const VECTOR: bool = false;
    #[inline(always)]
    fn splat(x: f32) -> Self {
        Self([x; 4])
    }
    #[inline(always)]
    fn from_array(lanes: [f32; 4]) -> Self {
        Self(lanes)
    }
    #[inline(always)]
    fn to_array(self) -> [f32; 4] {
        self.0
    }
    #[inline(always)]
    fn load(chunk: &[f32; 4]) -> Self {
        Self(*chunk)
    }
    #[inline(always)]
    fn store(self, chunk: &mut [f32; 4]) {
        *chunk = self.0;
    }
    #[inline(always)]
    fn add(self, other: Self) -> Self {
        self.map(other, |a, b| a + b)
    }
    #[inline(always)]
    fn sub(self, other: Self) -> Self {
        self.map(other, |a, b| a - b)
    }
    #[inline(always)]
    fn mul(self, other: Self) -> Self {
        self.map(other, |a, b| a * b)
    }
    #[inline(always)]
    fn pmin(self, other: Self) -> Self {
        self.map(other, |a, b| if b < a { b } else { a })
    }
    #[inline(always)]
    fn pmax(self, other: Self) -> Self {
        self.map(other, |a, b| if a < b { b } else { a })
    }
    #[inline(always)]
    fn abs(self) -> Self {
        let a = self.0;
        Self([a[0].abs(), a[1].abs(), a[2].abs(), a[3].abs()])
    }
    #[inline(always)]
    fn div(self, other: Self) -> Self {
        self.map(other, |a, b| a / b)
    }
    #[inline(always)]
    fn gt_select(self, other: Self, then: Self, otherwise: Self) -> Self {
        let (a, b, t, o) = (self.0, other.0, then.0, otherwise.0);
        Self(core::array::from_fn(
            |i| if a[i] > b[i] { t[i] } else { o[i] },
        ))
    }
    #[inline(always)]
    fn zero_below(self, threshold: Self) -> Self {
        self.map(threshold, |a, t| if a < t { 0.0 } else { a })
    }
    #[inline(always)]
    fn transpose(rows: [Self; 4]) -> [Self; 4] {
        core::array::from_fn(|j| Self(core::array::from_fn(|i| rows[i].0[j])))
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) use simd128::Simd128;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128 {
    // `v128_load`/`v128_store` take raw pointers; each is given a reference to exactly four
    // `f32`s (16 bytes), and wasm's v128 memory operations need no alignment.
    #![allow(unsafe_code)]

    use core::arch::wasm32::{
        f32x4, f32x4_abs, f32x4_add, f32x4_div, f32x4_extract_lane, f32x4_gt, f32x4_lt, f32x4_mul,
        f32x4_pmax, f32x4_pmin, f32x4_splat, f32x4_sub, i32x4_shuffle, i64x2_shuffle, v128,
        v128_and, v128_andnot, v128_load, v128_store, v128_xor,
    };

    use super::F32x4;

    /// One wasm `v128` register holding four `f32`.
    #[derive(Clone, Copy, Debug)]
    pub(crate) struct Simd128(v128);

    impl F32x4 for Simd128 {
        const VECTOR: bool = true;
        #[inline(always)]
        fn splat(x: f32) -> Self {
            Self(f32x4_splat(x))
        }
        #[inline(always)]
        fn from_array(lanes: [f32; 4]) -> Self {
            Self(f32x4(lanes[0], lanes[1], lanes[2], lanes[3]))
        }
        #[inline(always)]
        fn to_array(self) -> [f32; 4] {
            [
                f32x4_extract_lane::<0>(self.0),
                f32x4_extract_lane::<1>(self.0),
                f32x4_extract_lane::<2>(self.0),
                f32x4_extract_lane::<3>(self.0),
            ]
        }
        #[inline(always)]
        fn load(chunk: &[f32; 4]) -> Self {
            // SAFETY: `chunk` is 16 readable bytes; v128.load has no alignment requirement.
            Self(unsafe { v128_load(chunk.as_ptr().cast::<v128>()) })
        }
        #[inline(always)]
        fn store(self, chunk: &mut [f32; 4]) {
            // SAFETY: `chunk` is 16 writable bytes; v128.store has no alignment requirement.
            unsafe { v128_store(chunk.as_mut_ptr().cast::<v128>(), self.0) }
        }
        #[inline(always)]
        fn add(self, other: Self) -> Self {
            Self(f32x4_add(self.0, other.0))
        }
        #[inline(always)]
        fn sub(self, other: Self) -> Self {
            Self(f32x4_sub(self.0, other.0))
        }
        #[inline(always)]
        fn mul(self, other: Self) -> Self {
            Self(f32x4_mul(self.0, other.0))
        }
        #[inline(always)]
        fn pmin(self, other: Self) -> Self {
            // pmin(a, b) = b < a ? b : a
            Self(f32x4_pmin(self.0, other.0))
        }
        #[inline(always)]
        fn pmax(self, other: Self) -> Self {
            // pmax(a, b) = a < b ? b : a
            Self(f32x4_pmax(self.0, other.0))
        }
        #[inline(always)]
        fn abs(self) -> Self {
            Self(f32x4_abs(self.0))
        }
        #[inline(always)]
        fn div(self, other: Self) -> Self {
            Self(f32x4_div(self.0, other.0))
        }
        #[inline(always)]
        fn gt_select(self, other: Self, then: Self, otherwise: Self) -> Self {
            // The mask is all ones where self > other (false for NaN, as in scalar code).
            // `otherwise ^ ((then ^ otherwise) & mask)` rather than `v128.bitselect`: two
            // operations in V8 (bitselect is three), and `then ^ otherwise` is loop-invariant
            // where the kernels select between constants.
            let mask = f32x4_gt(self.0, other.0);
            Self(v128_xor(
                otherwise.0,
                v128_and(v128_xor(then.0, otherwise.0), mask),
            ))
        }
        #[inline(always)]
        fn zero_below(self, threshold: Self) -> Self {
            // Clears the lanes where self < threshold (all ones there, false for NaN).
            Self(v128_andnot(self.0, f32x4_lt(self.0, threshold.0)))
        }
        #[inline(always)]
        fn transpose([a, b, c, d]: [Self; 4]) -> [Self; 4] {
            // Interleave pairs of rows, then pairs of pairs (unpcklps/unpckhps, movlhps/movhlps).
            let ab_low = i32x4_shuffle::<0, 4, 1, 5>(a.0, b.0);
            let cd_low = i32x4_shuffle::<0, 4, 1, 5>(c.0, d.0);
            let ab_high = i32x4_shuffle::<2, 6, 3, 7>(a.0, b.0);
            let cd_high = i32x4_shuffle::<2, 6, 3, 7>(c.0, d.0);
            [
                Self(i64x2_shuffle::<0, 2>(ab_low, cd_low)),
                Self(i64x2_shuffle::<1, 3>(ab_low, cd_low)),
                Self(i64x2_shuffle::<0, 2>(ab_high, cd_high)),
                Self(i64x2_shuffle::<1, 3>(ab_high, cd_high)),
            ]
        }
    }
}

/// Frames `4 * i .. 4 * i + 4` of `samples`, if it has them: its lane group `i`.
#[inline(always)]
pub(crate) fn lane_group(samples: &[f32], i: usize) -> Option<&[f32; 4]> {
    samples.get(4 * i..4 * i + 4)?.try_into().ok()
}

/// Frames `4 * i .. 4 * i + 4` of `samples`, if it has them, to write.
#[inline(always)]
pub(crate) fn lane_group_mut(samples: &mut [f32], i: usize) -> Option<&mut [f32; 4]> {
    samples.get_mut(4 * i..4 * i + 4)?.try_into().ok()
}

/// The lane groups of `samples`, in order (a length that is a multiple of four).
#[inline(always)]
pub(crate) fn lane_groups(samples: &[f32]) -> impl Iterator<Item = &[f32; 4]> {
    samples
        .chunks_exact(4)
        .filter_map(|chunk| chunk.try_into().ok())
}

/// The lane groups of `samples`, in order, to write (a length that is a multiple of four).
#[inline(always)]
pub(crate) fn lane_groups_mut(samples: &mut [f32]) -> impl Iterator<Item = &mut [f32; 4]> {
    samples
        .chunks_exact_mut(4)
        .filter_map(|chunk| chunk.try_into().ok())
}

/// The IEEE square root (correctly rounded, so the same whichever way it is computed). Stable
/// Rust has no scalar `f32.sqrt` for a `no_std` wasm build, and `libm::sqrtf` there is a long
/// function in integer arithmetic; with simd128 it is one lane of `f32x4.sqrt`.
#[inline]
pub(crate) fn sqrt(x: f32) -> f32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let root = {
        use core::arch::wasm32::{f32x4_extract_lane, f32x4_splat, f32x4_sqrt};
        f32x4_extract_lane::<0>(f32x4_sqrt(f32x4_splat(x)))
    };
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let root = libm::sqrtf(x);
    root
}

/// The lanes the mixer uses in this build: `v128` with simd128, four scalars otherwise.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) type Native = Simd128;
/// The lanes the mixer uses in this build: `v128` with simd128, four scalars otherwise.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
pub(crate) type Native = Scalar4;
