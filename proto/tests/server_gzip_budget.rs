//! The server session unpacks at most one budget of `gzip_packed` bytes per received
//! packet, however many objects the packet holds, and answers a request beyond it with an
//! RPC error rather than silence. The bytes unpacked are measured with a counting global
//! allocator around the one call that handles the packet.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use oxigram_proto::crypto::message::{AuthKey, Sender};
use oxigram_proto::random::SeededRandom;
use oxigram_proto::session::gzip::{self, MAX_UNPACKED_PER_PACKET};
use oxigram_proto::session::{Inner, SaltSchedule, ServerSession, ServerSessionConfig, open};
use oxigram_tl::Deserialize;
use oxigram_tl::mtproto::{enums, types};

struct Counting;

// Per thread, so that tests running side by side do not count each other.
thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    /// Bytes requested while counting: new blocks, and what reallocations added.
    static REQUESTED: Cell<usize> = const { Cell::new(0) };
}

fn note(bytes: usize) {
    // Fails only while the thread exits: nothing is being measured then.
    COUNTING
        .try_with(|on| {
            if on.get() {
                REQUESTED.with(|r| r.set(r.get() + bytes));
            }
        })
        .unwrap_or(());
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size.saturating_sub(layout.size()));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const NOW: i64 = 1_700_000_000;

/// `messages` in one `msg_container`, with content-related sequence numbers.
fn container(messages: &[(i64, Bytes)]) -> Bytes {
    let mut out = BytesMut::new();
    out.put_u32_le(0x73f1_f8dc);
    out.put_u32_le(messages.len() as u32);
    for (i, (msg_id, body)) in messages.iter().enumerate() {
        out.put_i64_le(*msg_id);
        out.put_i32_le(2 * i as i32 + 1);
        out.put_u32_le(body.len() as u32);
        out.put_slice(body);
    }
    out.freeze()
}

/// The `rpc_error` message the server sent for each request, in the order answered.
fn errors_sent(session: &mut ServerSession, key: &AuthKey, unix: Duration) -> Vec<(i64, String)> {
    let mut random = SeededRandom::new([4; 32]);
    let mut errors = Vec::new();
    let mut packet = BytesMut::new();
    while session.poll_transmit(unix, 0, &mut random, &mut packet) {
        let inner = open(key, Sender::Server, &packet).expect("the server's own packet");
        packet.clear();
        let bodies: Vec<Bytes> = match types::MsgContainer::from_shared(&inner.body) {
            Ok(c) => c.messages.into_iter().map(|m| m.body.0).collect(),
            Err(_) => vec![inner.body],
        };
        for body in bodies {
            if let Ok(result) = types::RpcResult::from_bytes(&body)
                && let Ok(enums::RpcError::RpcError(e)) =
                    enums::RpcError::from_bytes(&result.result.0)
            {
                errors.push((
                    result.req_msg_id,
                    format!("{} {}", e.error_code, e.error_message),
                ));
            }
        }
    }
    errors
}

#[test]
fn a_container_of_gzip_bombs_unpacks_one_budget_and_each_bomb_gets_an_error() {
    // Each bomb stays under the 16 MiB cap per object; four of them would make 60 MiB.
    let bomb = gzip::pack(&vec![0u8; 15 << 20]).expect("zeros compress");
    assert!(bomb.len() < 128 << 10, "{} bytes packed", bomb.len());
    let ids: Vec<i64> = (1..=4).map(|i| (NOW << 32) | (i * 4)).collect();
    let messages: Vec<(i64, Bytes)> = ids.iter().map(|&id| (id, bomb.clone())).collect();
    let body = container(&messages);

    let key = AuthKey::new(std::array::from_fn(|i| (i * 7 + 3) as u8));
    let salts = SaltSchedule::new([1; 32]);
    let unix = Duration::from_secs(NOW as u64);
    let mut session = ServerSession::new(ServerSessionConfig::default(), key.clone(), 9, 0, 0, 0);
    let packet = Inner {
        salt: salts.current(NOW),
        session_id: 9,
        msg_id: (NOW << 32) | 20,
        seq_no: 8,
        body,
    };
    REQUESTED.with(|r| r.set(0));
    COUNTING.with(|c| c.set(true));
    session.handle_message(unix, packet, &salts, true);
    COUNTING.with(|c| c.set(false));
    let requested = REQUESTED.with(|r| r.get());
    // The output buffer of the one bomb unpacked up to the budget doubles once past its
    // last byte: twice the budget, and nothing like four bombs.
    assert!(
        requested <= 2 * MAX_UNPACKED_PER_PACKET + (1 << 20),
        "{} MiB allocated for one packet",
        requested >> 20
    );

    // No bomb reaches the application, and each is answered.
    while let Some(event) = session.poll_event() {
        assert!(
            !matches!(event, oxigram_proto::session::ServerEvent::Request { .. }),
            "{event:?}"
        );
    }
    let errors = errors_sent(&mut session, &key, unix);
    let expected: Vec<(i64, String)> = ids
        .iter()
        .map(|&id| (id, "400 INPUT_REQUEST_TOO_LONG".to_owned()))
        .collect();
    assert_eq!(errors, expected);
}

#[test]
fn a_request_within_the_budget_arrives_and_broken_gzip_is_answered() {
    let request = b"\x01\x02\x03\x04".repeat(256);
    let packed = gzip::pack(&request).expect("repetitive data compresses");
    let mut broken = BytesMut::new();
    broken.put_u32_le(gzip::GZIP_PACKED_ID);
    oxigram_tl::put_byte_string(b"not gzip", &mut broken);
    let (good_id, broken_id) = ((NOW << 32) | 4, (NOW << 32) | 8);
    let body = container(&[(good_id, packed), (broken_id, broken.freeze())]);

    let key = AuthKey::new(std::array::from_fn(|i| (i * 7 + 3) as u8));
    let salts = SaltSchedule::new([1; 32]);
    let unix = Duration::from_secs(NOW as u64);
    let mut session = ServerSession::new(ServerSessionConfig::default(), key.clone(), 9, 0, 0, 0);
    let packet = Inner {
        salt: salts.current(NOW),
        session_id: 9,
        msg_id: (NOW << 32) | 12,
        seq_no: 4,
        body,
    };
    session.handle_message(unix, packet, &salts, true);
    let mut requests = Vec::new();
    while let Some(event) = session.poll_event() {
        if let oxigram_proto::session::ServerEvent::Request { msg_id, body } = event {
            requests.push((msg_id, body));
        }
    }
    assert_eq!(requests, vec![(good_id, Bytes::from(request))]);
    assert_eq!(
        errors_sent(&mut session, &key, unix),
        vec![(broken_id, "400 INPUT_REQUEST_INVALID".to_owned())]
    );
}
