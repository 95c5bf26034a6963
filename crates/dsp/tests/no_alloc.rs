//! `process` must never allocate: it runs on the audio thread, where an allocation can stall a
//! render quantum. A counting global allocator fails the test if anything allocates on this
//! thread while the mixer runs (fundsp checks its graphs the same way).

// Implementing `GlobalAlloc` is unsafe by definition; this file is test-only.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use dsp::{abi, Limiter, Meter, Mixer, Region, Tone, ToneGenerator, BLOCK, MAX_PORTS};

struct CountingAllocator;

static FORBIDDEN_ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    // `const` initialisation: reading it never allocates or registers a destructor.
    static FORBID: Cell<bool> = const { Cell::new(false) };
}

fn note_allocation() {
    if FORBID.try_with(Cell::get).unwrap_or(false) {
        FORBIDDEN_ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator; counting has no effect
// on the memory handed out.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn forbidding_allocations<R>(body: impl FnOnce() -> R) -> R {
    FORBID.with(|forbid| forbid.set(true));
    let result = body();
    FORBID.with(|forbid| forbid.set(false));
    result
}

/// The only test in this binary: it drives the static state behind `dsp::abi`, and a
/// [`Mixer`] with meters, tones and limiters busy all the time.
#[test]
fn mixing_never_allocates() {
    // The counter must notice an allocation, or a zero below would prove nothing.
    let noticed = forbidding_allocations(|| std::hint::black_box(Box::new(1_u8)));
    drop(noticed);
    assert_eq!(FORBIDDEN_ALLOCATIONS.swap(0, Ordering::Relaxed), 1);
    // First, before anything else in this process has run the network: its first frame too.
    #[cfg(feature = "denoise")]
    suppressing_never_allocates();

    let mut mixer = Box::new(Mixer::new());
    let mut inputs = Box::new([[0.0_f32; BLOCK]; MAX_PORTS]);
    let mut outputs = Box::new([[0.0_f32; BLOCK]; MAX_PORTS]);
    // `init` is the worklet's start (its constructor); with `denoise` it makes the suppressor
    // there, so only what follows is the render path.
    abi::init(44_100.0, MAX_PORTS as u32);
    forbidding_allocations(|| {
        mixer.init(44_100.0, MAX_PORTS);
        for n in 0..2_000_u32 {
            // Keep ramps running the whole time: re-target a changing set of links.
            let from = n % MAX_PORTS as u32;
            let to = (n * 7 + 3) % MAX_PORTS as u32;
            let gain = (n % 5) as f32 * 0.4;
            abi::set_gain(from, to, gain);
            assert!(mixer.set_gain(from as usize, to as usize, gain));
            for (port, input) in inputs.iter_mut().enumerate() {
                input.fill(((n as usize + port) % 3) as f32 - 1.0);
            }
            // Tones come and go on changing outputs, in every region.
            let port = (n * 5) % MAX_PORTS as u32;
            if n % 3 == 0 {
                let tone = if n % 2 == 0 { n % 4 } else { 16 + n % 16 };
                abi::tone_start(port, tone, n % 3, 0.3);
                let tone = Tone::from_code(tone).expect("valid code");
                let region = Region::from_code(n % 3).expect("valid code");
                assert!(mixer.start_tone(port as usize, tone, region, 0.3));
            } else if n % 7 == 0 {
                abi::tone_stop(port);
                assert!(mixer.stop_tone(port as usize));
            }
            // The ringer rings and stops.
            if n % 11 == 0 {
                abi::ringer_start(4, n % 3, 0.3);
            } else if n % 11 == 5 {
                abi::ringer_stop();
            }
            // The microphone's suppressor switched on and off, at changing strengths, as the
            // Settings do between quanta; while on it runs on input 0 before the mix.
            #[cfg(feature = "denoise")]
            if n % 300 == 0 {
                abi::denoise_set(u32::from(n % 900 != 600), (n % 4) as f32 / 3.0);
            }
            // Some quanta absent, some inputs silent: the onset guards fade them back in.
            let mask = if n % 10 == 0 { 0x1_5555 } else { 0x1_ffff };
            abi::process(mask);
            std::hint::black_box(abi::ringer_ptr());
            mixer.process(&inputs, mask, &mut outputs);
            std::hint::black_box(abi::meter_ptr());
            std::hint::black_box(mixer.levels());
        }
        // The kernels on their own, as the benches drive them.
        let (mut meter, mut limiter, mut generator) = (
            Meter::new(48_000.0),
            Limiter::new(48_000.0),
            ToneGenerator::new(),
        );
        assert!(generator.start(Tone::Ringback, Region::Uk, 0.5, 48_000.0));
        for output in outputs.iter_mut() {
            meter.process(output);
            generator.add_to(output);
            limiter.process(output);
        }
        generator.stop();
    });
    assert_eq!(FORBIDDEN_ALLOCATIONS.load(Ordering::Relaxed), 0);
    assert!(outputs.iter().flatten().all(|s| s.abs() <= dsp::CEILING));
}

/// With the `denoise` feature: the suppressor, once made, runs without allocating, from its
/// first frame (its FFT needs no scratch; its plans are made in `Denoiser::new`).
#[cfg(feature = "denoise")]
fn suppressing_never_allocates() {
    let mut d = dsp::denoise::Denoiser::new();
    let mut block = [0.0_f32; BLOCK];
    forbidding_allocations(|| {
        for n in 0..3_000_u32 {
            for (i, s) in block.iter_mut().enumerate() {
                // Noise-like and tonal stretches, so the network runs both ways.
                let k = n as usize * BLOCK + i;
                *s = if n % 200 < 100 {
                    ((k * 7919) % 2003) as f32 / 2003.0 - 0.5
                } else {
                    (k as f32 * 0.05).sin() * 0.3
                };
            }
            if n % 500 == 0 {
                d.set_strength((n % 3) as f32 / 2.0);
                d.set_on(n % 1000 == 0);
            }
            d.process(&mut block);
            std::hint::black_box(d.voice_activity());
        }
    });
    assert_eq!(
        FORBIDDEN_ALLOCATIONS.load(Ordering::Relaxed),
        0,
        "the suppressor allocated on the audio thread"
    );
}
