//! Per-quantum cost of each kernel (`cargo xtask bench dsp`, or `cargo bench -p dsp`).
//!
//! One iteration is one 128-frame render quantum; at 48 kHz a second of audio is 375 of them,
//! so the real-time budget of one quantum is 2.67 ms.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use dsp::{Block, Limiter, Meter, Mixer, Region, Tone, ToneGenerator, BLOCK, MAX_PORTS};

const RATE: f32 = 48_000.0;

fn noise_inputs() -> Box<[Block; MAX_PORTS]> {
    let mut seed = 0x2545_f491_u32;
    let mut inputs = Box::new([[0.0; BLOCK]; MAX_PORTS]);
    for sample in inputs.iter_mut().flatten() {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        *sample = (seed as f32 / u32::MAX as f32 - 0.5) * 0.5;
    }
    inputs
}

/// The microphone plus `legs` remote legs, everyone hearing everyone else (N-1).
fn conference(legs: usize) -> Box<Mixer> {
    let ports = legs + 1;
    let mut mixer = Box::new(Mixer::new());
    mixer.init(RATE, ports);
    for from in 0..ports {
        for to in 0..ports {
            mixer.set_gain(from, to, if from == to { 0.0 } else { 0.7 });
        }
    }
    mixer
}

fn mixer(c: &mut Criterion) {
    let inputs = noise_inputs();
    let mut outputs = Box::new([[0.0; BLOCK]; MAX_PORTS]);
    let mut group = c.benchmark_group("mixer");
    for legs in [2, 4, 8, 16] {
        let present = (1_u32 << (legs + 1)) - 1;
        group.throughput(Throughput::Elements(BLOCK as u64));
        // Steady gains: the common case (mix + meters + limiters).
        let mut steady = conference(legs);
        for _ in 0..4 {
            steady.process(&inputs, present, &mut outputs);
        }
        group.bench_with_input(BenchmarkId::new("steady", legs), &legs, |b, _| {
            b.iter(|| steady.process(black_box(&inputs), present, black_box(&mut outputs)));
        });
        // Every link ramping all the time (worst case: someone joins, everyone hears a ramp).
        let mut ramping = conference(legs);
        let mut flip = false;
        group.bench_with_input(BenchmarkId::new("ramping", legs), &legs, |b, _| {
            b.iter(|| {
                flip = !flip;
                for from in 0..=legs {
                    for to in 0..=legs {
                        if from != to {
                            ramping.set_gain(from, to, if flip { 0.5 } else { 0.7 });
                        }
                    }
                }
                ramping.process(black_box(&inputs), present, black_box(&mut outputs));
            });
        });
        // Every input overloaded eightfold: the limiters reduce gain and soft-clip.
        let loud_inputs = Box::new(inputs.map(|block| block.map(|x| x * 8.0)));
        let mut loud = conference(legs);
        for _ in 0..4 {
            loud.process(&loud_inputs, present, &mut outputs);
        }
        group.bench_with_input(BenchmarkId::new("steady+loud", legs), &legs, |b, _| {
            b.iter(|| loud.process(black_box(&loud_inputs), present, black_box(&mut outputs)));
        });
        // Half the legs muted (present, all zeros): metered, left out of the mix.
        let mut muted_inputs = inputs.clone();
        for input in muted_inputs.iter_mut().skip(1).step_by(2) {
            *input = [0.0; BLOCK];
        }
        let mut muted = conference(legs);
        group.bench_with_input(
            BenchmarkId::new("steady+half-muted", legs),
            &legs,
            |b, _| {
                b.iter(|| {
                    muted.process(black_box(&muted_inputs), present, black_box(&mut outputs))
                });
            },
        );
        // Every output also playing a tone.
        let mut toned = conference(legs);
        for to in 0..=legs {
            toned.start_tone(to, Tone::Ringback, Region::NorthAmerica, 0.2);
        }
        group.bench_with_input(BenchmarkId::new("steady+tones", legs), &legs, |b, _| {
            b.iter(|| toned.process(black_box(&inputs), present, black_box(&mut outputs)));
        });
    }
    group.finish();
}

fn kernels(c: &mut Criterion) {
    let inputs = noise_inputs();
    let mut group = c.benchmark_group("kernel");
    group.throughput(Throughput::Elements(BLOCK as u64));
    let mut limiter = Limiter::new(RATE);
    let loud: Block = core::array::from_fn(|i| inputs[0][i] * 8.0);
    group.bench_function("limiter", |b| {
        b.iter(|| {
            let mut block = loud;
            limiter.process(black_box(&mut block));
            block
        });
    });
    let mut meter = Meter::new(RATE);
    group.bench_function("meter", |b| b.iter(|| meter.process(black_box(&inputs[1]))));
    for (name, tone) in [
        ("tone/ringback-na", Tone::Ringback),
        ("tone/dtmf", Tone::Dtmf(5)),
    ] {
        let mut generator = ToneGenerator::new();
        generator.start(tone, Region::NorthAmerica, 0.2, RATE);
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut block = [0.0; BLOCK];
                generator.add_to(black_box(&mut block));
                block
            });
        });
    }
    group.finish();
}

criterion_group!(benches, mixer, kernels);
criterion_main!(benches);
