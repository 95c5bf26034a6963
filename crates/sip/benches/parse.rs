//! Parse and print throughput on realistic WebSocket messages (`cargo bench -p sip`).
//!
//! The corpus in `benches/corpus/` is shared with the JsSIP comparison in `bench/sip/`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use sip::sdp::SessionDescription;
use sip::Message;
use std::hint::black_box;

const CORPUS: [(&str, &[u8]); 4] = [
    ("invite-sdp", include_bytes!("corpus/invite-sdp.sip")),
    ("ok-sdp", include_bytes!("corpus/ok-sdp.sip")),
    ("register", include_bytes!("corpus/register.sip")),
    ("notify", include_bytes!("corpus/notify.sip")),
];

/// What a UA reads from every message it receives: the typed headers used for matching.
fn parse_and_match(bytes: &[u8]) -> usize {
    let m = Message::parse(bytes).expect("corpus message parses");
    let h = m.headers();
    let via = h.top_via().expect("Via");
    let cseq = h.cseq().expect("CSeq");
    via.branch().map_or(0, str::len) + cseq.seq as usize + h.call_id().expect("Call-ID").len()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    for (name, bytes) in CORPUS {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), bytes, |b, bytes| {
            b.iter(|| Message::parse(black_box(bytes)).unwrap());
        });
    }
    g.finish();

    let mut g = c.benchmark_group("parse+typed");
    for (name, bytes) in CORPUS {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), bytes, |b, bytes| {
            b.iter(|| parse_and_match(black_box(bytes)));
        });
    }
    g.finish();

    let mut g = c.benchmark_group("print");
    for (name, bytes) in CORPUS {
        let msg = Message::parse(bytes).unwrap();
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(name), &msg, |b, msg| {
            b.iter(|| black_box(msg).to_bytes());
        });
    }
    g.finish();

    let mut g = c.benchmark_group("sdp");
    for (name, bytes) in &CORPUS[..2] {
        let body = Message::parse(bytes).unwrap().body().to_vec();
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_with_input(BenchmarkId::new("parse", name), &body, |b, body| {
            b.iter(|| SessionDescription::parse(black_box(body)).unwrap());
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
