//! Transport error `-404`: the server does not know the client's key. The client drops the
//! key, says so, makes a new one on the next connection, and sends again every request
//! the server could not have read, each answered exactly once.

mod common;

use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use oxigram_proto::connection::server::{Server, ServerConfig, ServerOutput};
use oxigram_proto::connection::{Connection, ConnectionConfig, ConnectionError, Now};
use oxigram_proto::crypto::message::AuthKey;
use oxigram_proto::handshake::AuthKeyOutcome;
use oxigram_proto::session::{Event, RequestId, ServerSessionConfig};

#[test]
fn a_key_the_server_does_not_know_is_dropped_and_replaced() {
    let mut server = Server::new(ServerConfig {
        key: common::server_key::server_key(),
        dc: Some(2),
        seed: [1; 32].into(),
        session: ServerSessionConfig::default(),
        proxy_secret: None,
        max_frame: oxigram_proto::transport::SERVER_MAX_PAYLOAD,
    });
    let base = Instant::now();
    let at = |millis: u64| Now {
        mono: base + Duration::from_millis(millis),
        unix: Duration::from_secs(1_700_000_000) + Duration::from_millis(millis),
    };
    // A key saved long ago that the server has forgotten.
    let saved = AuthKeyOutcome {
        auth_key: AuthKey::new([7; 256]),
        time_offset: 0,
        first_salt: 0,
        expires_at: None,
    };
    let mut config = ConnectionConfig::new(2, [2; 32]);
    config.handshake.keys = vec![common::server_key::server_key().public().clone()];
    let mut client = Connection::new(config, Some(&saved), at(0));
    let ids: Vec<RequestId> = (0..3u8)
        .map(|i| client.request(Bytes::from(vec![i, 0, 0xe7, 0x7e])))
        .collect();

    let first = server.accept();
    let mut up = BytesMut::new();
    while client.poll_transmit(at(0), &mut up) > 0 {}
    // The server reports the unknown key to its caller and queues `-404` for the client.
    assert!(server.handle_input(first, at(0).unix, &mut up).is_err());
    let mut down = BytesMut::new();
    server.poll_transmit(first, at(0).unix, &mut down);
    assert_eq!(
        client.handle_input(at(1), &mut down),
        Err(ConnectionError::TransportCode(-404))
    );
    let mut events = Vec::new();
    while let Some(event) = client.poll_event() {
        events.push(event);
    }
    assert_eq!(events, vec![Event::AuthKeyRejected]);
    assert!(client.session().is_none(), "the rejected key is dropped");
    assert_eq!(client.pending(), 3, "no request is lost");
    server.close(first);

    // A new connection makes a new key; the requests then go out under it.
    client.reset(at(2));
    let second = server.accept();
    let mut answered = Vec::new();
    let mut created = 0;
    for step in 3..60 {
        let now = at(step * 10);
        let mut up = BytesMut::new();
        while client.poll_transmit(now, &mut up) > 0 {}
        server.handle_input(second, now.unix, &mut up).unwrap();
        while let Some(out) = server.poll_event() {
            if let ServerOutput::Request {
                session,
                msg_id,
                body,
                ..
            } = out
            {
                let mut answer = body.to_vec();
                answer[1] = 1;
                server.respond(session, msg_id, Ok(&answer));
            }
        }
        let mut down = BytesMut::new();
        server.poll_transmit(second, now.unix, &mut down);
        client.handle_input(now, &mut down).unwrap();
        client.handle_timeout(now);
        while let Some(event) = client.poll_event() {
            match event {
                Event::Response { id, result } => answered.push((id, result.unwrap())),
                Event::AuthKeyCreated(outcome) => {
                    created += 1;
                    assert_ne!(outcome.auth_key.id(), saved.auth_key.id());
                }
                // The new key's first session is new to the server.
                Event::UpdatesGap => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        if answered.len() == 3 {
            break;
        }
    }
    assert_eq!(created, 1, "one new key");
    answered.sort_by_key(|(id, _)| *id);
    let expected: Vec<(RequestId, Bytes)> = ids
        .iter()
        .zip(0u8..)
        .map(|(id, i)| (*id, Bytes::from(vec![i, 1, 0xe7, 0x7e])))
        .collect();
    assert_eq!(answered, expected, "each request answered exactly once");
}
