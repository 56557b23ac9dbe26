//! The encrypted session, both roles, fed arbitrary decrypted messages. Fuzzing builds
//! carry messages in the clear (see `proto/src/session/envelope.rs`), so the input reaches
//! the session's own parsing: containers, service messages, gzip, acks, salts.
//!
//! The input is a list of records `[flags][msg_id: 8][seq_no: 4][len: 2][body: len]`. The
//! first byte picks the role; flags pick a wrong session id, a wrong declared length, and
//! actions between messages (a request, a transmit, a timeout, a lost connection).
#![no_main]

use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes, BytesMut};
use libfuzzer_sys::fuzz_target;
use oxigram_proto::crypto::message::AuthKey;
use oxigram_proto::random::SeededRandom;
use oxigram_proto::session::{
    ClientSession, Inner, RequestId, SaltSchedule, ServerSession, ServerSessionConfig,
    SessionConfig,
};

struct Record<'a> {
    flags: u8,
    msg_id: i64,
    seq_no: i32,
    body: &'a [u8],
}

fn records(mut data: &[u8]) -> impl Iterator<Item = Record<'_>> {
    std::iter::from_fn(move || {
        if data.len() < 15 {
            return None;
        }
        let flags = data[0];
        let msg_id = i64::from_le_bytes(data[1..9].try_into().unwrap());
        let seq_no = i32::from_le_bytes(data[9..13].try_into().unwrap());
        let len = usize::from(u16::from_le_bytes([data[13], data[14]])).min(data.len() - 15);
        let body = &data[15..15 + len];
        data = &data[15 + len..];
        Some(Record {
            flags,
            msg_id,
            seq_no,
            body,
        })
    })
}

fn key() -> AuthKey {
    AuthKey::new(std::array::from_fn(|i| i as u8))
}

fn client(data: &[u8]) {
    let mut random = SeededRandom::new([1; 32]);
    let mut session = ClientSession::new(SessionConfig::default(), key(), 7, 0, true, &mut random);
    let mono = Instant::now();
    let mut t = Duration::ZERO;
    let unix0 = Duration::from_secs(1_700_000_000);
    let mut out = BytesMut::new();
    let mut next = 0;
    for record in records(data) {
        if record.flags & 0x10 != 0 {
            session.push(RequestId(next), Bytes::from_static(&[1, 0, 0, 0]));
            next += 1;
        }
        if record.flags & 0x20 != 0 {
            out.clear();
            while session.poll_transmit(mono + t, unix0 + t, &mut random, &mut out) {}
        }
        if record.flags & 0x40 != 0 {
            t += Duration::from_secs(u64::from(record.flags & 0x0f) * 4);
            session.handle_timeout(mono + t);
        }
        if record.flags & 0x80 != 0 {
            session.connection_lost(mono + t);
        }
        let session_id = if record.flags & 1 != 0 {
            !session.session_id()
        } else {
            session.session_id()
        };
        let declared = if record.flags & 2 != 0 {
            record.body.len() as u32 + 4
        } else {
            record.body.len() as u32
        };
        let mut packet = BytesMut::new();
        packet.put_slice(&key().id());
        packet.put_bytes(0, 16);
        packet.put_i64_le(7);
        packet.put_i64_le(session_id);
        packet.put_i64_le(record.msg_id);
        packet.put_i32_le(record.seq_no);
        packet.put_u32_le(declared);
        packet.put_slice(record.body);
        let padding = 12 + (16 - (32 + record.body.len() + 12) % 16) % 16;
        packet.put_bytes(0, padding);
        session.handle_packet(mono + t, unix0 + t, packet);
        while session.poll_event().is_some() {}
    }
    out.clear();
    while session.poll_transmit(mono + t, unix0 + t, &mut random, &mut out) {}
}

fn server(data: &[u8]) {
    let mut random = SeededRandom::new([2; 32]);
    let salts = SaltSchedule::new([3; 32]);
    let unix = Duration::from_secs(1_700_000_000);
    let mut session = ServerSession::new(ServerSessionConfig::default(), key(), 5, 4, 9, 11);
    let mut out = BytesMut::new();
    for record in records(data) {
        let inner = Inner {
            salt: 0,
            session_id: 5,
            msg_id: record.msg_id,
            seq_no: record.seq_no,
            body: Bytes::copy_from_slice(record.body),
        };
        session.handle_message(unix, inner, &salts, record.flags & 1 == 0);
        while let Some(event) = session.poll_event() {
            if let oxigram_proto::session::ServerEvent::Request { msg_id, .. } = event {
                session.respond(msg_id, Ok(&[2, 0, 0, 0]));
            }
        }
        if record.flags & 0x20 != 0 {
            out.clear();
            while session.poll_transmit(unix, 9, &mut random, &mut out) {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((role, rest)) if role & 1 == 0 => client(rest),
        Some((_, rest)) => server(rest),
        None => {}
    }
});
