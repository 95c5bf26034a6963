//! Cost of the noise suppressor (`cargo bench -p dsp --features denoise --bench denoise`).
//!
//! One iteration is one 10 ms frame (480 samples at 48 kHz) fed as Web Audio quanta: the
//! real-time budget of one iteration is 10 ms, so the share of real time is the time / 10 ms.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dsp::denoise::{Denoiser, FRAME};
use dsp::{Block, BLOCK};

fn suppressor(c: &mut Criterion) {
    let mut seed = 0x2545_f491_u32;
    // 15 quanta = 1920 samples = 4 frames: the quanta and frame boundaries line up again.
    let mut quanta = vec![[0.0; BLOCK]; 15];
    for sample in quanta.iter_mut().flatten() {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        *sample = (seed as f32 / u32::MAX as f32 - 0.5) * 0.1;
    }
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

criterion_group!(benches, suppressor);
criterion_main!(benches);
