//! Encoding and decoding a realistic large answer, beside grammers-tl-types 0.11.0 on the
//! same bytes. Run `benches/run.sh` for the ratios.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

use grammers_tl_types::{Deserializable, Serializable};
use oxigram_tl::{Deserialize, Serialize};

fn history_page(c: &mut Criterion) {
    let bytes = oxigram_benches::history_page(100, 50, 10);
    let shared = bytes::Bytes::from(bytes.clone());

    // Both libraries read these bytes as the same layer: each re-encodes them exactly.
    let ours = oxigram_tl::enums::messages::Messages::from_bytes(&bytes).unwrap();
    let theirs = grammers_tl_types::enums::messages::Messages::from_bytes(&bytes).unwrap();
    assert_eq!(theirs.to_bytes(), bytes);

    let mut group = c.benchmark_group("history_page");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("decode/oxigram", |b| {
        b.iter(|| oxigram_tl::enums::messages::Messages::from_bytes(black_box(&bytes)).unwrap())
    });
    group.bench_function("decode/oxigram-shared", |b| {
        b.iter(|| oxigram_tl::enums::messages::Messages::from_shared(black_box(&shared)).unwrap())
    });
    group.bench_function("decode/grammers", |b| {
        b.iter(|| {
            grammers_tl_types::enums::messages::Messages::from_bytes(black_box(&bytes)).unwrap()
        })
    });
    let mut out = Vec::with_capacity(bytes.len());
    group.bench_function("encode/oxigram", |b| {
        b.iter(|| {
            out.clear();
            black_box(&ours).serialize(&mut out);
            black_box(out.len())
        })
    });
    group.bench_function("encode/grammers", |b| {
        b.iter(|| {
            out.clear();
            black_box(&theirs).serialize(&mut out);
            black_box(out.len())
        })
    });
    // The protocol core writes into caller-owned `BytesMut` buffers.
    let mut out = bytes::BytesMut::with_capacity(bytes.len());
    group.bench_function("encode-bytesmut/oxigram", |b| {
        b.iter(|| {
            out.clear();
            black_box(&ours).serialize(&mut out);
            black_box(out.len())
        })
    });
    group.bench_function("encode-bytesmut/grammers", |b| {
        b.iter(|| {
            out.clear();
            black_box(&theirs).serialize(&mut out);
            black_box(out.len())
        })
    });
    group.finish();
}

criterion_group!(benches, history_page);
criterion_main!(benches);
