//! Round trips through a client `Connection` in memory, beside the raw crypto cost of the
//! same bytes, measured in the same run.
//!
//! A client is paired with the server role once to record what the server sends back;
//! each measured iteration then drives a fresh client (same seed, same clock, so the same
//! message ids) through those round trips without the server's cost: queue a request,
//! seal and frame it, take the recorded answer, unframe, open and match it, and hand out
//! the response. The baseline does only the crypto of the same packets: encrypt the
//! request's plaintext and decrypt the answer, with the same copies.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use oxigram_proto::connection::server::{ConnId, Server, ServerConfig, ServerOutput};
use oxigram_proto::connection::{Connection, ConnectionConfig, Now};
use oxigram_proto::crypto::message::{self, AuthKey, Sender};
use oxigram_proto::handshake::AuthKeyOutcome;
use oxigram_proto::session::{Event, ServerSessionConfig};

#[path = "../../proto/tests/common/server_key.rs"]
mod server_key;

/// Round trips recorded to warm a client up (salts), not measured.
const WARM_UP: usize = 20;
/// Round trips per measured iteration.
const ROUNDS: usize = 100;

fn key() -> AuthKey {
    AuthKey::new(std::array::from_fn(|i| (i * 13 + 1) as u8))
}

fn now(base: Instant, round: usize) -> Now {
    let t = Duration::from_millis(round as u64);
    Now {
        mono: base + t,
        unix: Duration::from_secs(1_700_000_000) + t,
    }
}

fn client(base: Instant) -> Connection {
    let saved = AuthKeyOutcome {
        auth_key: key(),
        time_offset: 0,
        first_salt: 0,
        expires_at: None,
    };
    Connection::new(
        ConnectionConfig::new(2, [3; 32]),
        Some(&saved),
        now(base, 0),
    )
}

/// An incompressible body of `len` bytes (so requests and answers are not gzipped).
fn body(tag: u32, len: usize) -> Bytes {
    let mut out = tag.to_le_bytes().to_vec();
    let mut x = 0x9e37_79b9u32;
    while out.len() < len.max(8) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.into()
}

/// What one round trip put on the wire: the client's bytes and the server's answer.
struct Recording {
    sent: Vec<Bytes>,
    answers: Vec<Bytes>,
}

fn record(base: Instant, payload: usize) -> Recording {
    let mut server = Server::new(ServerConfig {
        key: server_key::server_key(),
        dc: Some(2),
        seed: [2; 32].into(),
        session: ServerSessionConfig::default(),
        proxy_secret: None,
        max_frame: oxigram_proto::transport::SERVER_MAX_PAYLOAD,
    });
    server.add_key(key());
    let conn: ConnId = server.accept();
    let mut client = client(base);
    let request = body(0x7ee7_0001, payload);
    let answer = body(0x7ee7_0002, payload);
    let mut recording = Recording {
        sent: Vec::new(),
        answers: Vec::new(),
    };
    for round in 0..WARM_UP + ROUNDS {
        let now = now(base, round);
        let mut tx = BytesMut::new();
        client.request(request.clone());
        while client.poll_transmit(now, &mut tx) > 0 {}
        recording.sent.push(tx.clone().freeze());
        server.handle_input(conn, now.unix, &mut tx).unwrap();
        while let Some(out) = server.poll_event() {
            if let ServerOutput::Request {
                session, msg_id, ..
            } = out
            {
                server.respond(session, msg_id, Ok(&answer));
            }
        }
        let mut rx = BytesMut::new();
        server.poll_transmit(conn, now.unix, &mut rx);
        recording.answers.push(rx.clone().freeze());
        client.handle_input(now, &mut rx).unwrap();
        while client.poll_event().is_some() {}
    }
    recording
}

/// Replays rounds `range` of a recording on `client`; returns the responses seen.
fn replay(
    client: &mut Connection,
    base: Instant,
    recording: &Recording,
    request: &Bytes,
    range: std::ops::Range<usize>,
) -> usize {
    let mut responses = 0;
    let mut tx = BytesMut::with_capacity(4096);
    let mut rx = BytesMut::with_capacity(4096);
    for round in range {
        let now = now(base, round);
        client.request(request.clone());
        tx.clear();
        while client.poll_transmit(now, &mut tx) > 0 {}
        rx.extend_from_slice(&recording.answers[round]);
        client.handle_input(now, &mut rx).unwrap();
        while let Some(event) = client.poll_event() {
            if let Event::Response { result: Ok(r), .. } = event {
                black_box(r);
                responses += 1;
            }
        }
    }
    responses
}

fn round_trips(c: &mut Criterion) {
    let mut group = c.benchmark_group("session_round_trip");
    for (label, payload) in [("small", 8), ("1KiB", 1024), ("64KiB", 64 << 10)] {
        let base = Instant::now();
        let recording = record(base, payload);
        let request = body(0x7ee7_0001, payload);
        // Check once that the replay is faithful: every measured round gets its answer.
        let mut check = client(base);
        replay(&mut check, base, &recording, &request, 0..WARM_UP);
        assert_eq!(
            replay(
                &mut check,
                base,
                &recording,
                &request,
                WARM_UP..WARM_UP + ROUNDS
            ),
            ROUNDS,
            "the replay diverged from the recording"
        );
        group.throughput(Throughput::Elements(ROUNDS as u64));
        group.bench_with_input(
            BenchmarkId::new("connection/oxigram", label),
            &payload,
            |b, _| {
                b.iter_batched(
                    || {
                        let mut c = client(base);
                        replay(&mut c, base, &recording, &request, 0..WARM_UP);
                        c
                    },
                    |mut c| {
                        replay(
                            &mut c,
                            base,
                            &recording,
                            &request,
                            WARM_UP..WARM_UP + ROUNDS,
                        )
                    },
                    BatchSize::PerIteration,
                )
            },
        );
        // The same packets' crypto alone: encrypt each request's plaintext, decrypt each
        // answer (both copied into a buffer first, as the session does).
        let key = key();
        let strip = |frames: &Bytes| frames.slice(4..);
        let sent: Vec<Bytes> = recording.sent[WARM_UP..].iter().map(strip).collect();
        let answers: Vec<Bytes> = recording.answers[WARM_UP..].iter().map(strip).collect();
        for (request, answer) in sent.iter().zip(&answers) {
            let mut buf = request[24..].to_vec();
            let msg_key: [u8; 16] = request[8..24].try_into().unwrap();
            message::decrypt(&key, Sender::Client, &msg_key, &mut buf)
                .expect("one request packet per round");
            let mut buf = answer[24..].to_vec();
            let msg_key: [u8; 16] = answer[8..24].try_into().unwrap();
            message::decrypt(&key, Sender::Server, &msg_key, &mut buf)
                .expect("one answer packet per round");
        }
        group.bench_with_input(
            BenchmarkId::new("crypto-only/limit", label),
            &payload,
            |b, _| {
                let mut buf = Vec::with_capacity(128 << 10);
                b.iter(|| {
                    for (request, answer) in sent.iter().zip(&answers) {
                        buf.clear();
                        buf.extend_from_slice(&request[24..]);
                        black_box(message::encrypt(&key, Sender::Client, &mut buf).unwrap());
                        buf.clear();
                        buf.extend_from_slice(&answer[24..]);
                        let msg_key: [u8; 16] = answer[8..24].try_into().unwrap();
                        message::decrypt(&key, Sender::Server, &msg_key, &mut buf).unwrap();
                        black_box(&buf);
                    }
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, round_trips);
criterion_main!(benches);
