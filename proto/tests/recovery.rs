//! Recovery after a notice is lost: the first request goes out with a stale salt, the
//! server refuses it, and the connection drops before the `bad_server_salt` arrives. On the
//! new connection the client asks the request's state; the server reports it as not
//! received, so the client sends it again and gets its answer. (Found by the `pair` fuzz
//! target: the input is `fuzz/regressions/pair/bad-salt-notice-lost`.)

mod common;

use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use oxigram_proto::connection::server::{Server, ServerConfig, ServerOutput};
use oxigram_proto::connection::{Connection, ConnectionConfig, Now};
use oxigram_proto::crypto::message::AuthKey;
use oxigram_proto::handshake::AuthKeyOutcome;
use oxigram_proto::session::{Event, ServerSessionConfig};

#[test]
fn a_request_refused_with_its_notice_lost_is_sent_again() {
    let key = AuthKey::new(std::array::from_fn(|i| (i * 5) as u8));
    let mut server = Server::new(ServerConfig {
        key: common::server_key::server_key(),
        dc: Some(2),
        seed: [1; 32].into(),
        session: ServerSessionConfig::default(),
        proxy_secret: None,
        max_frame: oxigram_proto::transport::SERVER_MAX_PAYLOAD,
    });
    server.add_key(key.clone());
    let base = Instant::now();
    let at = |secs: u64| Now {
        mono: base + Duration::from_secs(secs),
        unix: Duration::from_secs(1_700_000_000 + secs),
    };
    let saved = AuthKeyOutcome {
        auth_key: key,
        time_offset: 0,
        // Not a salt the server accepts.
        first_salt: 0,
        expires_at: None,
    };
    let mut client = Connection::new(ConnectionConfig::new(2, [2; 32]), Some(&saved), at(0));
    let id = client.request(Bytes::from_static(&[1, 0, 0xe7, 0x7e]));

    // The request reaches the server, which refuses its salt; the notice is lost with the
    // connection.
    let first = server.accept();
    let mut wire = BytesMut::new();
    while client.poll_transmit(at(0), &mut wire) > 0 {}
    server.handle_input(first, at(0).unix, &mut wire).unwrap();
    let mut lost = BytesMut::new();
    server.poll_transmit(first, at(0).unix, &mut lost);
    assert!(!lost.is_empty(), "the server answered with a notice");
    server.close(first);
    client.reset(at(1));

    // Over the new connection the request is asked about, sent again and answered.
    let second = server.accept();
    let mut answered = None;
    for step in 1..20 {
        let now = at(step);
        let mut up = BytesMut::new();
        while client.poll_transmit(now, &mut up) > 0 {}
        server.handle_input(second, now.unix, &mut up).unwrap();
        while let Some(out) = server.poll_event() {
            if let ServerOutput::Request {
                session, msg_id, ..
            } = out
            {
                server.respond(session, msg_id, Ok(&[2, 0, 0xe7, 0x7e]));
            }
        }
        let mut down = BytesMut::new();
        server.poll_transmit(second, now.unix, &mut down);
        client.handle_input(now, &mut down).unwrap();
        client.handle_timeout(now);
        while let Some(event) = client.poll_event() {
            if let Event::Response { id: got, result } = event {
                assert_eq!(got, id);
                answered = Some(result.unwrap());
            }
        }
        if answered.is_some() {
            break;
        }
    }
    assert_eq!(answered.as_deref(), Some(&[2, 0, 0xe7, 0x7e][..]));
}
