//! One test per incoming check of the client session: a server message that breaks
//! exactly that check is dropped with its own event, and the session is left as it was.
//! And what the session sends again after a connection is lost.

use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes, BytesMut};
use oxigram_proto::crypto::message::{self, AuthKey, Sender};
use oxigram_proto::random::SeededRandom;
use oxigram_proto::schema::types;
use oxigram_proto::session::{ClientSession, Dropped, EnvelopeError, Event, SessionConfig};
use oxigram_tl::Serialize;

const NOW: u64 = 1_700_000_000;
const SALT: i64 = 0x1122_3344;

fn key() -> AuthKey {
    AuthKey::new(std::array::from_fn(|i| (i * 7 + 3) as u8))
}

fn session() -> ClientSession {
    let mut random = SeededRandom::new([1; 32]);
    ClientSession::new(SessionConfig::default(), key(), SALT, 0, true, &mut random)
}

/// A server msg_id `secs_from_now` seconds from now, ending in `low` (1 or 3 when valid).
fn msg_id(secs_from_now: i64, low: i64) -> i64 {
    ((NOW as i64 + secs_from_now) << 32) | 0x1000 | low
}

/// A server packet built by hand: the body declared `declared_len` long, followed by
/// `padding` bytes.
fn packet_with(
    session_id: i64,
    msg_id: i64,
    body: &[u8],
    declared_len: u32,
    padding: usize,
) -> BytesMut {
    let key = key();
    let mut plain = BytesMut::new();
    plain.put_i64_le(SALT);
    plain.put_i64_le(session_id);
    plain.put_i64_le(msg_id);
    plain.put_i32_le(1);
    plain.put_u32_le(declared_len);
    plain.put_slice(body);
    plain.put_bytes(0xab, padding);
    assert_eq!(plain.len() % 16, 0, "test packets are whole blocks");
    let msg_key = message::encrypt(&key, Sender::Server, &mut plain).unwrap();
    let mut out = BytesMut::new();
    out.put_slice(&key.id());
    out.put_slice(&msg_key);
    out.put_slice(&plain);
    out
}

/// A well-formed packet: the fewest padding bytes from 12 that fill a block.
fn packet(session_id: i64, msg_id: i64, body: &[u8]) -> BytesMut {
    let padding = 12 + (16 - (32 + body.len() + 12) % 16) % 16;
    packet_with(session_id, msg_id, body, body.len() as u32, padding)
}

fn update() -> Vec<u8> {
    // Any constructor the session does not consume comes out as an update.
    let mut body = 0x7ee7_0003u32.to_le_bytes().to_vec();
    body.extend_from_slice(&[0; 8]);
    body
}

fn at() -> (Instant, Duration) {
    (Instant::now(), Duration::from_secs(NOW))
}

/// Feeds `packet` and expects it dropped for `reason`, with the session unchanged.
fn expect_dropped(session: &mut ClientSession, packet: BytesMut, reason: Dropped) {
    let before = format!("{session:?}");
    let (mono, unix) = at();
    session.handle_packet(mono, unix, packet);
    assert_eq!(session.poll_event(), Some(Event::Dropped(reason)));
    assert_eq!(session.poll_event(), None);
    assert_eq!(format!("{session:?}"), before, "the session changed");
}

#[test]
fn a_valid_message_is_accepted() {
    let mut s = session();
    let id = s.session_id();
    let (mono, unix) = at();
    s.handle_packet(mono, unix, packet(id, msg_id(0, 1), &update()));
    assert!(matches!(s.poll_event(), Some(Event::Update { .. })));
}

#[test]
fn message_key_mismatch() {
    let mut s = session();
    let mut p = packet(s.session_id(), msg_id(0, 1), &update());
    p[10] ^= 1;
    expect_dropped(&mut s, p, EnvelopeError::MessageKey.into());
}

#[test]
fn ciphertext_altered() {
    let mut s = session();
    let mut p = packet(s.session_id(), msg_id(0, 1), &update());
    let last = p.len() - 1;
    p[last] ^= 0x80;
    expect_dropped(&mut s, p, EnvelopeError::MessageKey.into());
}

#[test]
fn another_auth_key() {
    let mut s = session();
    let mut p = packet(s.session_id(), msg_id(0, 1), &update());
    p[0] ^= 1;
    expect_dropped(&mut s, p, EnvelopeError::AuthKeyId.into());
}

#[test]
fn not_whole_blocks() {
    let mut s = session();
    let mut p = packet(s.session_id(), msg_id(0, 1), &update());
    p.truncate(p.len() - 4);
    let len = p.len();
    expect_dropped(&mut s, p, EnvelopeError::Length(len).into());
}

#[test]
fn padding_below_12() {
    let mut s = session();
    // 32 + 12 + 4 = 48: four bytes of padding.
    let p = packet_with(s.session_id(), msg_id(0, 1), &update(), 12, 4);
    expect_dropped(&mut s, p, EnvelopeError::InnerLength(12).into());
}

#[test]
fn padding_above_1024() {
    let mut s = session();
    let body = update();
    // The body declared 12 bytes, followed by 1028 bytes of padding.
    let p = packet_with(s.session_id(), msg_id(0, 1), &body, 12, 1028);
    expect_dropped(&mut s, p, EnvelopeError::InnerLength(12).into());
}

#[test]
fn length_not_a_multiple_of_4() {
    let mut s = session();
    let p = packet_with(s.session_id(), msg_id(0, 1), &update(), 10, 20);
    expect_dropped(&mut s, p, EnvelopeError::InnerLength(10).into());
}

#[test]
fn length_beyond_the_packet() {
    let mut s = session();
    let p = packet_with(s.session_id(), msg_id(0, 1), &update(), 4096, 20);
    expect_dropped(&mut s, p, EnvelopeError::InnerLength(4096).into());
}

#[test]
fn another_session() {
    let mut s = session();
    let other = s.session_id() ^ 1;
    let p = packet(other, msg_id(0, 1), &update());
    expect_dropped(&mut s, p, Dropped::SessionId(other));
}

#[test]
fn even_server_msg_id() {
    let mut s = session();
    for low in [0, 2] {
        let id = msg_id(0, low);
        let p = packet(s.session_id(), id, &update());
        expect_dropped(&mut s, p, Dropped::MsgIdParity(id));
    }
}

#[test]
fn replayed_msg_id() {
    let mut s = session();
    let id = msg_id(0, 1);
    let (mono, unix) = at();
    s.handle_packet(mono, unix, packet(s.session_id(), id, &update()));
    assert!(matches!(s.poll_event(), Some(Event::Update { .. })));
    let p = packet(s.session_id(), id, &update());
    expect_dropped(&mut s, p, Dropped::Replayed(id));
}

#[test]
fn more_than_30_seconds_ahead() {
    let mut s = session();
    let id = msg_id(31, 1);
    let p = packet(s.session_id(), id, &update());
    expect_dropped(&mut s, p, Dropped::TimeWindow(id));
}

#[test]
fn more_than_300_seconds_behind() {
    let mut s = session();
    let id = msg_id(-301, 1);
    let p = packet(s.session_id(), id, &update());
    expect_dropped(&mut s, p, Dropped::TimeWindow(id));
}

#[test]
fn salt_notices_are_exempt_from_the_time_window() {
    let mut s = session();
    let notice = types::BadServerSalt {
        bad_msg_id: 4,
        bad_msg_seqno: 1,
        error_code: 48,
        new_server_salt: 77,
    };
    let (mono, unix) = at();
    s.handle_packet(
        mono,
        unix,
        packet(s.session_id(), msg_id(3600, 1), &notice.to_bytes()),
    );
    assert_eq!(s.poll_event(), None);
    assert_eq!(s.salt(), 77);
}

#[test]
fn container_holding_a_newer_message() {
    let mut s = session();
    let outer = msg_id(0, 1);
    let container = types::MsgContainer {
        messages: vec![types::Message {
            msg_id: outer + 4,
            seqno: 1,
            bytes: 12,
            body: oxigram_tl::RawObject(Bytes::from(update())),
        }],
    };
    let p = packet(s.session_id(), outer, &container.to_bytes());
    expect_dropped(&mut s, p, Dropped::Container);
}

#[test]
fn nested_container() {
    let mut s = session();
    let outer = msg_id(0, 1);
    let inner = types::MsgContainer { messages: vec![] }.to_bytes();
    let container = types::MsgContainer {
        messages: vec![types::Message {
            msg_id: outer - 4,
            seqno: 0,
            bytes: inner.len() as i32,
            body: oxigram_tl::RawObject(Bytes::from(inner)),
        }],
    };
    let p = packet(s.session_id(), outer, &container.to_bytes());
    expect_dropped(&mut s, p, Dropped::Container);
}

/// A key loaded from storage: its time offset may be stale, so the session starts unsynced
/// and takes the server's clock from the first message that passes the other checks.
#[test]
fn a_resumed_key_holds_the_time_window_from_the_first_message() {
    use oxigram_proto::connection::{Connection, ConnectionConfig, Now};
    use oxigram_proto::handshake::AuthKeyOutcome;
    use oxigram_proto::session::seal_into;

    // The stored offset says 0; the server's clock is in fact 1000 s ahead of ours.
    let server_now = NOW as i64 + 1000;
    let saved = AuthKeyOutcome {
        auth_key: key(),
        time_offset: 0,
        first_salt: SALT,
        expires_at: None,
    };
    let base = Instant::now();
    let now = Now {
        mono: base,
        unix: Duration::from_secs(NOW),
    };
    let mut conn = Connection::new(ConnectionConfig::new(2, [9; 32]), Some(&saved), now);
    conn.request(Bytes::from_static(&[1, 0, 0xe7, 0x7e]));
    let mut wire = BytesMut::new();
    while conn.poll_transmit(now, &mut wire) > 0 {}
    let session_id = conn.session().unwrap().session_id();
    let mut random = SeededRandom::new([3; 32]);
    let mut frame = |secs: i64, low: i64| {
        let msg_id = ((server_now + secs) << 32) | 0x2000 | low;
        let mut packet = BytesMut::new();
        let fields = (SALT, session_id, msg_id, 2);
        seal_into(
            &key(),
            Sender::Server,
            fields,
            &[&update()],
            &mut random,
            &mut packet,
        );
        let mut framed = BytesMut::new();
        framed.put_u32_le(packet.len() as u32);
        framed.put_slice(&packet);
        (msg_id, framed)
    };
    // The first message: accepted, and the clock is the server's from now on.
    let (_, mut first) = frame(0, 1);
    conn.handle_input(now, &mut first).unwrap();
    assert!(matches!(conn.poll_event(), Some(Event::Update { .. })));
    assert_eq!(conn.session().unwrap().time_offset(), 1000);
    // 301 seconds old by the server's clock: dropped.
    let (old, mut stale) = frame(-301, 5);
    conn.handle_input(now, &mut stale).unwrap();
    assert_eq!(
        conn.poll_event(),
        Some(Event::Dropped(Dropped::TimeWindow(old)))
    );
    // 31 seconds ahead: dropped; 299 seconds old: accepted.
    let (ahead, mut early) = frame(31, 9);
    conn.handle_input(now, &mut early).unwrap();
    assert_eq!(
        conn.poll_event(),
        Some(Event::Dropped(Dropped::TimeWindow(ahead)))
    );
    let (_, mut late) = frame(-299, 13);
    conn.handle_input(now, &mut late).unwrap();
    assert!(matches!(conn.poll_event(), Some(Event::Update { .. })));
}

#[test]
fn an_unsynced_session_is_not_synced_by_a_dropped_message() {
    let mut random = SeededRandom::new([1; 32]);
    let mut s = ClientSession::new(SessionConfig::default(), key(), SALT, 0, false, &mut random);
    // An even id fails its check before anything is learnt from it.
    let bad = msg_id(5000, 0);
    let p = packet(s.session_id(), bad, &update());
    expect_dropped(&mut s, p, Dropped::MsgIdParity(bad));
    assert_eq!(s.time_offset(), 0);
    let (mono, unix) = at();
    s.handle_packet(
        mono,
        unix,
        packet(s.session_id(), msg_id(-2000, 1), &update()),
    );
    assert!(matches!(s.poll_event(), Some(Event::Update { .. })));
    assert_eq!(s.time_offset(), -2000);
    let old = msg_id(-2301, 1);
    let p = packet(s.session_id(), old, &update());
    expect_dropped(&mut s, p, Dropped::TimeWindow(old));
}

/// The messages of a client packet's container: (msg_id, body).
fn sent_messages(out: &[u8]) -> Vec<(i64, Vec<u8>)> {
    let sent = oxigram_proto::session::open(&key(), Sender::Client, out).unwrap();
    let body = &sent.body[..];
    assert_eq!(body[..4], 0x73f1_f8dc_u32.to_le_bytes(), "a container");
    let count = u32::from_le_bytes(body[4..8].try_into().unwrap());
    let mut at = 8;
    let mut messages = Vec::new();
    for _ in 0..count {
        let msg_id = i64::from_le_bytes(body[at..at + 8].try_into().unwrap());
        let len = u32::from_le_bytes(body[at + 12..at + 16].try_into().unwrap()) as usize;
        messages.push((msg_id, body[at + 16..at + 16 + len].to_vec()));
        at += 16 + len;
    }
    messages
}

/// A server container of `rpc_result`s, each answering one id with `result`.
fn results_container(base: i64, answers: &[i64], result: &[u8]) -> Vec<u8> {
    let mut body = BytesMut::new();
    body.put_u32_le(0x73f1_f8dc);
    body.put_u32_le(answers.len() as u32);
    for (i, &req_msg_id) in answers.iter().enumerate() {
        body.put_i64_le(base + 4 * i as i64);
        body.put_i32_le(2 * i as i32 + 1);
        body.put_u32_le(12 + result.len() as u32);
        body.put_u32_le(0xf35c_6d01);
        body.put_i64_le(req_msg_id);
        body.put_slice(result);
    }
    body.to_vec()
}

#[test]
fn gzip_packed_answers_share_one_budget_per_packet() {
    use oxigram_proto::session::gzip::{self, GzipError};
    use oxigram_proto::session::{RequestError, RequestId};

    let mut s = session();
    let (mono, unix) = at();
    let bodies: Vec<Bytes> = (0..4u8)
        .map(|i| Bytes::from(vec![i + 1, 0, 0xe7, 0x7e]))
        .collect();
    for (i, body) in bodies.iter().enumerate() {
        s.push(RequestId(i as u64), body.clone());
    }
    let mut random = SeededRandom::new([5; 32]);
    let mut out = BytesMut::new();
    assert!(s.poll_transmit(mono, unix, &mut random, &mut out));
    let sent = sent_messages(&out);
    let ids: Vec<i64> = bodies
        .iter()
        .map(|b| sent.iter().find(|(_, m)| m[..] == b[..]).unwrap().0)
        .collect();
    // Each answer unpacks to 3 MiB (from about 3 KiB): two fit the packet's 8 MiB, the
    // third and fourth do not.
    let three_mib = vec![0x11u8; 3 << 20];
    let packed = gzip::pack(&three_mib).unwrap();
    assert!(packed.len() < 16 << 10);
    let container = results_container(msg_id(0, 1), &ids, &packed);
    s.handle_packet(
        mono,
        unix,
        packet(s.session_id(), msg_id(0, 1) + 64, &container),
    );
    let mut ended = Vec::new();
    while let Some(event) = s.poll_event() {
        match event {
            Event::Response { id, result } => ended.push((id, Ok(result.unwrap().len()))),
            Event::Failed { id, error } => ended.push((id, Err(error))),
            other => panic!("{other:?}"),
        }
    }
    let budget = Err(RequestError::Gzip(GzipError::PacketBudget));
    assert_eq!(
        ended,
        vec![
            (RequestId(0), Ok(3 << 20)),
            (RequestId(1), Ok(3 << 20)),
            (RequestId(2), budget.clone()),
            (RequestId(3), budget),
        ]
    );
    // The budget is per packet: the next one may unpack as much again.
    s.push(RequestId(4), Bytes::from_static(&[9, 0, 0xe7, 0x7e]));
    out.clear();
    assert!(s.poll_transmit(mono, unix, &mut random, &mut out));
    let sent = oxigram_proto::session::open(&key(), Sender::Client, &out).unwrap();
    let req = if sent.body[..4] == 0x73f1_f8dc_u32.to_le_bytes() {
        sent_messages(&out)
            .into_iter()
            .find(|(_, m)| m[..] == [9, 0, 0xe7, 0x7e])
            .unwrap()
            .0
    } else {
        sent.msg_id
    };
    let container = results_container(msg_id(1, 1), &[req, req], &packed);
    s.handle_packet(
        mono,
        unix,
        packet(s.session_id(), msg_id(1, 1) + 64, &container),
    );
    let Some(Event::Response { id, result }) = s.poll_event() else {
        panic!("an answer")
    };
    assert_eq!((id, result.unwrap().len()), (RequestId(4), 3 << 20));
}

/// The ids a client packet acknowledges (`msgs_ack`, alone or in its container).
fn acks_in(out: &[u8]) -> Vec<i64> {
    const MSGS_ACK: [u8; 4] = 0x62d6_b459_u32.to_le_bytes();
    let sent = oxigram_proto::session::open(&key(), Sender::Client, out).unwrap();
    let bodies = if sent.body[..4] == 0x73f1_f8dc_u32.to_le_bytes() {
        sent_messages(out).into_iter().map(|(_, b)| b).collect()
    } else {
        vec![sent.body.to_vec()]
    };
    bodies
        .iter()
        .filter(|b| b[..4] == MSGS_ACK)
        .flat_map(|b| {
            let count = u32::from_le_bytes(b[8..12].try_into().unwrap()) as usize;
            (0..count).map(|i| i64::from_le_bytes(b[12 + 8 * i..20 + 8 * i].try_into().unwrap()))
        })
        .collect()
}

/// The msg_id a client packet gave `body`.
fn sent_id(out: &[u8], body: &[u8]) -> i64 {
    let sent = oxigram_proto::session::open(&key(), Sender::Client, out).unwrap();
    if sent.body[..4] == 0x73f1_f8dc_u32.to_le_bytes() {
        sent_messages(out)
            .into_iter()
            .find(|(_, b)| b[..] == body[..])
            .expect("the body was sent")
            .0
    } else {
        assert_eq!(sent.body[..], body[..]);
        sent.msg_id
    }
}

#[test]
fn acknowledgements_lost_with_a_connection_are_sent_again_until_one_is_answered_after() {
    use oxigram_proto::session::RequestId;

    let mut s = session();
    let sid = s.session_id();
    let (mono, unix) = at();
    let delay = SessionConfig::default().ack_delay;
    let mut random = SeededRandom::new([5; 32]);
    let mut out = BytesMut::new();
    const FIRST: [u8; 4] = [1, 0, 0xe7, 0x7e];
    let first = FIRST;
    s.push(RequestId(0), Bytes::from_static(&FIRST));
    assert!(s.poll_transmit(mono, unix, &mut random, &mut out));
    let asked = sent_id(&out, &first);
    let answered = msg_id(0, 1);
    let result = results_container(answered, &[asked], &[2, 0, 0xe7, 0x7e]);
    s.handle_packet(mono, unix, packet(sid, answered + 64, &result));
    assert!(matches!(s.poll_event(), Some(Event::Response { .. })));

    // The acknowledgement goes out in a packet the connection loses.
    out.clear();
    assert!(s.poll_transmit(mono + delay, unix, &mut random, &mut out));
    assert_eq!(acks_in(&out), [answered]);
    s.connection_lost(mono + delay);
    // The next connection carries it again.
    out.clear();
    assert!(s.poll_transmit(mono + delay * 2, unix, &mut random, &mut out));
    assert_eq!(acks_in(&out), [answered]);

    // A request sent after it is answered: that packet arrived, so a loss now sends
    // only the acknowledgement still owed (the new answer's).
    const SECOND: [u8; 4] = [3, 0, 0xe7, 0x7e];
    let second = SECOND;
    s.push(RequestId(1), Bytes::from_static(&SECOND));
    out.clear();
    assert!(s.poll_transmit(mono + delay * 2, unix, &mut random, &mut out));
    let asked = sent_id(&out, &second);
    let answered_again = msg_id(0, 1) + 128;
    let result = results_container(answered_again, &[asked], &[4, 0, 0xe7, 0x7e]);
    s.handle_packet(mono, unix, packet(sid, answered_again + 64, &result));
    assert!(matches!(s.poll_event(), Some(Event::Response { .. })));
    s.connection_lost(mono + delay * 2);
    out.clear();
    assert!(s.poll_transmit(mono + delay * 3, unix, &mut random, &mut out));
    assert_eq!(acks_in(&out), [answered_again]);
}
