//! The session's parsing under proptest, through the same entry points as the `session`
//! fuzz target, with real encryption: random bodies (often starting with a service
//! constructor, so they get past the first switch), random ids and sequence numbers,
//! containers of such, fed to the client and the server role. Nothing may panic, and the
//! client must still answer a genuine request afterwards.

use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes, BytesMut};
use oxigram_proto::crypto::message::{AuthKey, Sender};
use oxigram_proto::random::SeededRandom;
use oxigram_proto::session::{
    ClientSession, Event, Inner, RequestId, SaltSchedule, ServerSession, ServerSessionConfig,
    SessionConfig, seal_into,
};
use proptest::prelude::*;

const SERVICE_IDS: [u32; 22] = [
    0xf35c6d01, 0x2144ca19, 0x62d6b459, 0xa7eff811, 0xedab447b, 0x9ec20908, 0x73f1f8dc, 0xe06046b2,
    0x3072cfa1, 0x347773c5, 0xae500895, 0xda69fb52, 0x04deb57d, 0x8cc0d131, 0x276d3ec6, 0x809db6df,
    0x7d861a08, 0x8610baeb, 0xe22045fc, 0x62d350c9, 0x7abe77ec, 0xb921bd04,
];
const NOW: u64 = 1_700_000_000;

fn key() -> AuthKey {
    AuthKey::new(std::array::from_fn(|i| (i * 5 + 1) as u8))
}

/// A body: a service constructor (or a random one) and random words after it.
fn body() -> impl Strategy<Value = Vec<u8>> {
    (
        prop_oneof![prop::sample::select(SERVICE_IDS.to_vec()), any::<u32>()],
        prop::collection::vec(any::<u32>(), 0..24),
    )
        .prop_map(|(id, words)| {
            let mut out = id.to_le_bytes().to_vec();
            for w in words {
                // Small values make plausible lengths and counts.
                let w = if w % 3 == 0 { w % 16 } else { w };
                out.extend_from_slice(&w.to_le_bytes());
            }
            out
        })
}

/// A container of random messages, some with plausible ids.
fn container() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((any::<i64>(), any::<i32>(), body()), 0..6).prop_map(|messages| {
        let mut out = BytesMut::new();
        out.put_u32_le(0x73f1f8dc);
        out.put_u32_le(messages.len() as u32);
        for (msg_id, seq_no, body) in messages {
            let msg_id = ((NOW as i64) << 32) | (msg_id & 0xffff_fffc) | 1;
            out.put_i64_le(msg_id);
            out.put_i32_le(seq_no);
            out.put_u32_le(body.len() as u32);
            out.put_slice(&body);
        }
        out.to_vec()
    })
}

fn message() -> impl Strategy<Value = (i64, i32, Vec<u8>)> {
    (
        prop_oneof![
            any::<i64>(),
            (0u32..1 << 30).prop_map(|low| ((NOW as i64) << 32) | i64::from(low) << 2 | 1),
        ],
        any::<i32>(),
        prop_oneof![body(), container()],
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_client_survives_hostile_messages(messages in prop::collection::vec(message(), 1..12)) {
        let mut random = SeededRandom::new([4; 32]);
        let mut session = ClientSession::new(SessionConfig::default(), key(), 1, 0, true, &mut random);
        let mono = Instant::now();
        let unix = Duration::from_secs(NOW);
        session.push(RequestId(0), Bytes::from_static(&[9, 9, 9, 9]));
        let mut out = BytesMut::new();
        while session.poll_transmit(mono, unix, &mut random, &mut out) {}
        for (msg_id, seq_no, body) in messages {
            let mut packet = BytesMut::new();
            let fields = (1, session.session_id(), msg_id, seq_no);
            seal_into(&key(), Sender::Server, fields, &[&body], &mut random, &mut packet);
            session.handle_packet(mono, unix, packet);
            while session.poll_event().is_some() {}
            session.handle_timeout(mono + Duration::from_secs(20));
            out.clear();
            while session.poll_transmit(mono, unix, &mut random, &mut out) {}
        }
        // The session still works: a genuine answer to a new request gets through.
        session.push(RequestId(1), Bytes::from_static(&[8, 8, 8, 8]));
        out.clear();
        let _ = session.poll_transmit(mono, unix, &mut random, &mut out);
        // The last packet's last message is our request (ids grow, so it is the largest).
        let sent = oxigram_proto::session::open(&key(), Sender::Client, &out).unwrap();
        let req_msg_id = if sent.body[..4] == 0x73f1f8dc_u32.to_le_bytes() {
            // In a container: the last message is the newest.
            let mut at = 8;
            let mut last = 0;
            while at + 16 <= sent.body.len() {
                last = i64::from_le_bytes(sent.body[at..at + 8].try_into().unwrap());
                let len = u32::from_le_bytes(sent.body[at + 12..at + 16].try_into().unwrap());
                at += 16 + len as usize;
            }
            last
        } else {
            sent.msg_id
        };
        let mut answer = BytesMut::new();
        answer.put_u32_le(0xf35c6d01);
        answer.put_i64_le(req_msg_id);
        answer.put_u32_le(0x1234_5678);
        let mut packet = BytesMut::new();
        let fields = (1, session.session_id(), ((NOW as i64 + 1) << 32) | 0x7fff_fff1, 1);
        seal_into(&key(), Sender::Server, fields, &[&answer], &mut random, &mut packet);
        session.handle_packet(mono, unix, packet);
        let mut answered = false;
        while let Some(event) = session.poll_event() {
            if let Event::Response { id: RequestId(1), result: Ok(_) } = event {
                answered = true;
            }
        }
        prop_assert!(answered);
    }

    #[test]
    fn the_server_survives_hostile_messages(messages in prop::collection::vec(message(), 1..12)) {
        let mut random = SeededRandom::new([5; 32]);
        let salts = SaltSchedule::new([6; 32]);
        let unix = Duration::from_secs(NOW);
        let mut session = ServerSession::new(ServerSessionConfig::default(), key(), 3, 4, 1, 2);
        let mut out = BytesMut::new();
        for (msg_id, seq_no, body) in messages {
            // Client ids are multiples of four.
            let inner = Inner { salt: 0, session_id: 3, msg_id: msg_id & !3, seq_no, body: body.into() };
            session.handle_message(unix, inner, &salts, true);
            while let Some(event) = session.poll_event() {
                if let oxigram_proto::session::ServerEvent::Request { msg_id, .. } = event {
                    session.respond(msg_id, Ok(&[1, 2, 3, 4]));
                }
            }
            out.clear();
            while session.poll_transmit(unix, 1, &mut random, &mut out) {}
        }
    }
}
