//! A client through an MTProxy of each secret kind, against the server role as that
//! proxy: the key exchange goes through (frames both ways), the wire looks as the kind
//! says, and a client with another secret is refused.

mod common;

use std::time::{Duration, Instant};

use bytes::BytesMut;
use oxigram_proto::connection::server::{Server, ServerConfig, ServerConnError};
use oxigram_proto::connection::{Connection, ConnectionConfig, Now};
use oxigram_proto::session::ServerSessionConfig;
use oxigram_proto::transport::{FakeTlsError, Kind, MtProxySecret, Obfuscation, TransportError};

const KEY: [u8; 16] = [0x31; 16];

fn secrets() -> [MtProxySecret; 3] {
    [
        MtProxySecret::Plain(KEY),
        MtProxySecret::Padded(KEY),
        MtProxySecret::FakeTls {
            key: KEY,
            domain: "example.com".into(),
        },
    ]
}

fn server(secret: &MtProxySecret) -> Server {
    Server::new(ServerConfig {
        key: common::server_key::server_key(),
        dc: Some(2),
        seed: [1; 32].into(),
        session: ServerSessionConfig::default(),
        proxy_secret: Some(secret.clone()),
        max_frame: oxigram_proto::transport::SERVER_MAX_PAYLOAD,
    })
}

fn client(obfuscation: Obfuscation, now: Now) -> Connection {
    let mut config = ConnectionConfig::new(2, [2; 32]);
    config.transport = Kind::Abridged;
    config.obfuscation = obfuscation;
    config.handshake.keys = vec![common::server_key::server_key().public().clone()];
    Connection::new(config, None, now)
}

fn at(base: Instant, step: u64) -> Now {
    Now {
        mono: base + Duration::from_millis(step),
        unix: Duration::from_secs(1_700_000_000 + step / 1000),
    }
}

/// Runs the key exchange over `server`; returns the client's first bytes and the
/// server's.
fn exchange(server: &mut Server, obfuscation: Obfuscation) -> (Vec<u8>, Vec<u8>) {
    let base = Instant::now();
    let mut client = client(obfuscation, at(base, 0));
    let conn = server.accept();
    let (mut first_up, mut first_down) = (Vec::new(), Vec::new());
    for step in 0..40 {
        let now = at(base, step * 10);
        let mut up = BytesMut::new();
        while client.poll_transmit(now, &mut up) > 0 {}
        if first_up.is_empty() {
            first_up = up.to_vec();
        }
        server.handle_input(conn, now.unix, &mut up).unwrap();
        let mut down = BytesMut::new();
        server.poll_transmit(conn, now.unix, &mut down);
        if first_down.is_empty() {
            first_down = down.to_vec();
        }
        client.handle_input(now, &mut down).unwrap();
        if client.is_ready() {
            return (first_up, first_down);
        }
    }
    panic!("no key after 40 round trips");
}

#[test]
fn the_key_exchange_goes_through_a_proxy_of_each_kind() {
    for secret in secrets() {
        let mut server = server(&secret);
        let (up, down) = exchange(&mut server, Obfuscation::MtProxy(secret.clone()));
        match secret {
            MtProxySecret::FakeTls { .. } => {
                // A TLS hello of the usual size, answered with a ServerHello.
                assert_eq!(&up[..5], &[0x16, 0x03, 0x01, 0x02, 0x00], "{secret:?}");
                assert_eq!(&down[..3], &[0x16, 0x03, 0x03], "{secret:?}");
            }
            _ => {
                // An obfuscated header: no tag in the clear, no TLS.
                assert_ne!(&up[..3], &[0x16, 0x03, 0x01], "{secret:?}");
                assert_ne!(up[0], 0xef, "{secret:?}");
            }
        }
        // The same proxy still takes clients that do not hide their transport.
        exchange(&mut server, Obfuscation::None);
    }
}

#[test]
fn a_client_with_another_secret_is_refused() {
    let base = Instant::now();
    for secret in secrets() {
        let mut server = server(&secret);
        let other = match &secret {
            MtProxySecret::Plain(_) => MtProxySecret::Plain([0x32; 16]),
            MtProxySecret::Padded(_) => MtProxySecret::Padded([0x32; 16]),
            MtProxySecret::FakeTls { domain, .. } => MtProxySecret::FakeTls {
                key: [0x32; 16],
                domain: domain.clone(),
            },
        };
        let mut client = client(Obfuscation::MtProxy(other), at(base, 0));
        let conn = server.accept();
        let mut up = BytesMut::new();
        while client.poll_transmit(at(base, 0), &mut up) > 0 {}
        let expected = match secret {
            MtProxySecret::FakeTls { .. } => TransportError::FakeTls(FakeTlsError::BadDigest),
            // The header decrypts to garbage: no transport tag in it.
            _ => TransportError::BadTag,
        };
        match server.handle_input(conn, at(base, 0).unix, &mut up) {
            Err(ServerConnError::Transport(e)) => assert_eq!(e, expected, "{secret:?}"),
            other => panic!("{secret:?}: {other:?}"),
        }
    }
}

#[test]
fn a_fake_tls_hello_from_a_skewed_clock_is_refused() {
    let secret = &secrets()[2];
    let mut server = server(secret);
    let base = Instant::now();
    let mut client = client(Obfuscation::MtProxy(secret.clone()), at(base, 0));
    let conn = server.accept();
    let mut up = BytesMut::new();
    while client.poll_transmit(at(base, 0), &mut up) > 0 {}
    let late = at(base, 0).unix + Duration::from_secs(3600);
    assert!(matches!(
        server.handle_input(conn, late, &mut up),
        Err(ServerConnError::Transport(TransportError::FakeTls(
            FakeTlsError::ClockSkew { skew: -3600 }
        )))
    ));
}
