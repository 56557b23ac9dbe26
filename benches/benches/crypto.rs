//! Crypto throughput beside its limits and peers, measured in the same run:
//! AES-256-IGE and AES-256-CTR of 1 MiB (their limit, OpenSSL's CBC and CTR rates, is
//! measured by `benches/run.sh` with `openssl speed`), MTProto 2.0 message encryption and
//! decryption beside grammers-crypto 0.11.0, and the client's whole handshake CPU beside
//! its two 2048-bit exponentiations.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

use oxigram_proto::crypto::ctr::AesCtr;
use oxigram_proto::crypto::dh::{Group, TELEGRAM_PRIME};
use oxigram_proto::crypto::ige;
use oxigram_proto::crypto::message::{self, AuthKey, Sender};
use oxigram_proto::handshake::{
    ClientHandshake, ClientHandshakeConfig, ServerHandshake, ServerHandshakeConfig, ServerStep,
    Step,
};
use oxigram_proto::random::{RandomSource, SeededRandom};

const MIB: usize = 1 << 20;

fn block_ciphers(c: &mut Criterion) {
    let key = [0x42; 32];
    let iv = [0x24; 32];
    let mut data = vec![0x5a_u8; MIB];
    let mut group = c.benchmark_group("aes_1mib");
    group.throughput(Throughput::Bytes(MIB as u64));
    group.bench_function("ige-encrypt/oxigram", |b| {
        b.iter(|| ige::encrypt(black_box(&mut data), &key, &iv).unwrap())
    });
    group.bench_function("ige-decrypt/oxigram", |b| {
        b.iter(|| ige::decrypt(black_box(&mut data), &key, &iv).unwrap())
    });
    group.bench_function("ige-encrypt/grammers", |b| {
        b.iter(|| grammers_crypto::aes::ige_encrypt(black_box(&mut data), &key, &iv))
    });
    group.bench_function("ige-decrypt/grammers", |b| {
        b.iter(|| grammers_crypto::aes::ige_decrypt(black_box(&mut data), &key, &iv))
    });
    let mut ctr = AesCtr::new(&key, &[0x11; 16]);
    group.bench_function("ctr/oxigram", |b| {
        b.iter(|| ctr.apply(black_box(&mut data)))
    });
    // The safe fallback, to show what the VAES keystream buys.
    let mut ctr = AesCtr::portable(&key, &[0x11; 16]);
    group.bench_function("ctr-portable/oxigram", |b| {
        b.iter(|| ctr.apply(black_box(&mut data)))
    });
    group.finish();
}

fn messages(c: &mut Criterion) {
    let auth_key_bytes: [u8; 256] = std::array::from_fn(|i| (i * 7 + 3) as u8);
    let ours = AuthKey::new(auth_key_bytes);
    let theirs = grammers_crypto::AuthKey::from_bytes(auth_key_bytes);
    let mut group = c.benchmark_group("mtproto2_message");
    for size in [1024usize, 64 * 1024] {
        group.throughput(Throughput::Bytes(size as u64));
        let plain = vec![0x33_u8; size];
        // The same work on both sides: pad with fresh random bytes, encrypt, frame with
        // the key id and message key, then decrypt and check the message key.
        let mut random = SeededRandom::new([7; 32]);
        group.bench_with_input(
            BenchmarkId::new("roundtrip/oxigram", size),
            &size,
            |b, _| {
                let mut data = Vec::with_capacity(size + 64);
                b.iter(|| {
                    data.clear();
                    data.extend_from_slice(&plain);
                    let start = data.len();
                    data.resize(start + 16, 0);
                    random.fill(&mut data[start..]);
                    let key = message::encrypt(&ours, Sender::Client, &mut data).unwrap();
                    let mut packet = Vec::with_capacity(data.len() + 24);
                    packet.extend_from_slice(&ours.id());
                    packet.extend_from_slice(&key);
                    packet.extend_from_slice(&data);
                    let msg_key: [u8; 16] = packet[8..24].try_into().unwrap();
                    message::decrypt(
                        &ours,
                        Sender::Client,
                        &msg_key,
                        black_box(&mut packet[24..]),
                    )
                    .unwrap();
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("roundtrip/grammers", size),
            &size,
            |b, _| {
                b.iter(|| {
                    let mut buffer = grammers_crypto::DequeBuffer::with_capacity(size + 64, 64);
                    buffer.extend(plain.iter().copied());
                    grammers_crypto::encrypt_data_v2(&mut buffer, &theirs);
                    let mut encrypted = buffer.as_ref().to_vec();
                    // grammers decrypts as the client (x = 8) what it encrypted as the client
                    // (x = 0): the message key check fails at the end, after the same work.
                    let _ = grammers_crypto::decrypt_data_v2(black_box(&mut encrypted), &theirs);
                })
            },
        );
    }
    group.finish();
}

#[path = "../../proto/tests/common/server_key.rs"]
mod server_key;

fn handshake(c: &mut Criterion) {
    // Record the server's answers once; the client with the same seed then replays the
    // exchange, so the bench measures the client's work alone.
    let key = server_key::server_key();
    let config = || ClientHandshakeConfig {
        keys: vec![key.public().clone()],
        ..ClientHandshakeConfig::new(2)
    };
    let mut answers = Vec::new();
    {
        let mut client_random = SeededRandom::new([1; 32]);
        let mut server_random = SeededRandom::new([2; 32]);
        let (mut client, mut to_server) = ClientHandshake::start(config(), &mut client_random);
        let mut server = ServerHandshake::new(ServerHandshakeConfig {
            key: key.clone(),
            dc: None,
        });
        loop {
            let answer = match server.handle(&to_server, 0, &mut server_random).unwrap() {
                ServerStep::Send(body) => body,
                ServerStep::Done { answer, .. } => answer,
            };
            answers.push(answer.clone());
            match client.handle(&answer, 0, &mut client_random).unwrap() {
                Step::Send(body) => to_server = body,
                Step::Done(_) => break,
            }
        }
    }

    let mut group = c.benchmark_group("handshake");
    group.bench_function("client-whole", |b| {
        b.iter(|| {
            let mut random = SeededRandom::new([1; 32]);
            let (mut client, _) = ClientHandshake::start(config(), &mut random);
            for answer in &answers {
                black_box(client.handle(answer, 0, &mut random).unwrap());
            }
        })
    });
    let dh = Group::new(3, &TELEGRAM_PRIME).unwrap();
    let secret = [0x9b; 256];
    let g_a = dh.public(&[0x5d; 256]);
    group.bench_function("two-exponentiations", |b| {
        b.iter(|| {
            let g_b = dh.public(black_box(&secret));
            let key = dh.power(black_box(&g_a), &secret);
            black_box((g_b, key))
        })
    });
    group.finish();
}

criterion_group!(benches, block_ciphers, messages, handshake);
criterion_main!(benches);
