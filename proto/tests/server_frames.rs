//! A server's frame limit (`ServerConfig::max_frame`): a client that announces a longer
//! frame is cut off with a typed error as soon as the length arrives, on every transport,
//! so that a connection never makes the server hold more than the limit of a frame.

mod common;

use std::time::Duration;

use bytes::BytesMut;
use oxigram_proto::connection::server::{Server, ServerConfig, ServerConnError};
use oxigram_proto::random::SeededRandom;
use oxigram_proto::session::ServerSessionConfig;
use oxigram_proto::transport::{Codec, Framer, Kind, Obfuscated, Role, TransportError};

const LIMIT: usize = 64 << 10;

fn server() -> Server {
    Server::new(ServerConfig {
        key: common::server_key::server_key(),
        dc: Some(2),
        seed: [3; 32].into(),
        session: ServerSessionConfig::default(),
        proxy_secret: None,
        max_frame: LIMIT,
    })
}

/// The first bytes of a frame carrying `payload`: the header, the length and a little of
/// the payload.
fn frame_start(kind: Kind, obfuscated: bool, payload: &[u8]) -> BytesMut {
    let mut random = SeededRandom::new([5; 32]);
    let mut client = if obfuscated {
        Codec::Obfuscated(Box::new(Obfuscated::client(kind, None, None, &mut random)))
    } else {
        Codec::Plain(Framer::new(kind, Role::Client))
    };
    let mut wire = BytesMut::new();
    client.encode(payload, &mut wire, &mut random);
    wire.truncate(if obfuscated { 64 } else { 0 } + 8 + 32);
    wire
}

#[test]
fn a_frame_beyond_the_servers_limit_is_refused_from_its_length() {
    let unix = Duration::from_secs(1_700_000_000);
    let too_long = vec![7u8; LIMIT + 4];
    for kind in [
        Kind::Abridged,
        Kind::Intermediate,
        Kind::PaddedIntermediate,
        Kind::Full,
    ] {
        for obfuscated in [false, true] {
            let mut server = server();
            let conn = server.accept();
            let mut input = frame_start(kind, obfuscated, &too_long);
            let refused = server.handle_input(conn, unix, &mut input);
            assert!(
                matches!(
                    refused,
                    Err(ServerConnError::Transport(TransportError::TooLarge { len, max: LIMIT }))
                        if len >= LIMIT + 4
                ),
                "{kind:?} {obfuscated}: {refused:?}"
            );
        }
    }
    // A frame at the limit is awaited.
    let mut server = server();
    let conn = server.accept();
    let mut input = frame_start(Kind::Intermediate, false, &vec![7u8; LIMIT]);
    assert_eq!(server.handle_input(conn, unix, &mut input), Ok(()));
}
