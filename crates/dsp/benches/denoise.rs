//! Cost of the noise suppressor (`cargo bench -p dsp --features denoise --bench denoise`).
//!
//! - `denoise/4 frames (15 quanta)`: the suppressor alone. One iteration is four 10 ms frames
//!   (480 samples each at 48 kHz) fed as Web Audio quanta, so a 10 ms frame costs a quarter
//!   of it, and its share of real time is the time / 40 ms.
//! - `quantum/N legs, suppressor on|off`: one render quantum of the whole worklet DSP through
//!   its ABI (`abi::process`: onset guards, meters, the N-1 mix of N legs and the microphone,
//!   limiters), with the microphone's suppressor on or off. A quantum is 128 samples, 2.667 ms
//!   of real time at 48 kHz: the share of real time is the time / 2.667 ms.

// The ABI's inputs are written through the addresses it hands out, as the worklet glue does.
#![allow(unsafe_code)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dsp::denoise::{Denoiser, FRAME};
use dsp::{abi, Block, BLOCK};

/// `n` quanta of quiet white-ish noise (xorshift), the same every run.
fn noise_quanta(n: usize, mut seed: u32) -> Vec<Block> {
    let mut quanta = vec![[0.0; BLOCK]; n];
    for sample in quanta.iter_mut().flatten() {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        *sample = (seed as f32 / u32::MAX as f32 - 0.5) * 0.1;
    }
    quanta
}

fn suppressor(c: &mut Criterion) {
    // 15 quanta = 1920 samples = 4 frames: the quanta and frame boundaries line up again.
    let quanta = noise_quanta(15, 0x2545_f491);
    let mut d = Denoiser::new();
    let mut group = c.benchmark_group("denoise");
    group.throughput(Throughput::Elements(4 * FRAME as u64));
    group.bench_function("4 frames (15 quanta)", |b| {
        b.iter(|| {
            for q in &quanta {
                let mut block: Block = *q;
                d.process(&mut block);
                black_box(&block);
            }
        });
    });
    group.finish();
}

fn worklet_quantum(c: &mut Criterion) {
    let mut group = c.benchmark_group("quantum");
    // 15 quanta of input per port, cycled, so the suppressor's frames fall at every phase.
    let quanta = noise_quanta(15, 0x9e37_79b9);
    for legs in [2_u32, 8, 16] {
        let ports = legs + 1;
        for on in [true, false] {
            abi::init(48_000.0, ports);
            for from in 0..ports {
                for to in 0..ports {
                    abi::set_gain(from, to, if from == to { 0.0 } else { 0.7 });
                }
            }
            abi::denoise_set(u32::from(on), 1.0);
            let mask = (1_u32 << ports) - 1;
            let name = format!("{legs} legs, suppressor {}", if on { "on" } else { "off" });
            let mut n = 0;
            group.bench_function(name, |b| {
                b.iter(|| {
                    for port in 0..ports {
                        let q = quanta[(n + port as usize) % quanta.len()];
                        // SAFETY: `input_ptr` points at one block of the static state, which
                        // nothing else touches while the bench runs.
                        let input = unsafe { &mut *abi::input_ptr(port).cast::<Block>() };
                        *input = q;
                    }
                    n += 1;
                    abi::process(mask);
                    black_box(abi::output_ptr(0));
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, suppressor, worklet_quantum);
criterion_main!(benches);
