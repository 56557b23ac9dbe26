//! The server's sessions under load a hostile or careless client can cause: many sessions,
//! clients that go away, and the indexes that keep the server's work proportional to the
//! sessions a call concerns. Time is injected: eviction is driven by `handle_timeout`
//! with server times, never by sleeping.

mod common;

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use oxigram_proto::connection::server::{ConnId, Server, ServerConfig, SessionRef};
use oxigram_proto::crypto::message::{AuthKey, Sender};
use oxigram_proto::random::SeededRandom;
use oxigram_proto::session::{ServerSessionConfig, seal_into};
use oxigram_tl::Serialize;
use oxigram_tl::mtproto::functions;

const T0: u64 = 1_700_000_000;

fn at(secs: u64) -> Duration {
    Duration::from_secs(T0 + secs)
}

fn key(seed: u8) -> AuthKey {
    AuthKey::new(std::array::from_fn(|i| (i as u8).wrapping_mul(seed) ^ seed))
}

fn key_id(key: &AuthKey) -> u64 {
    u64::from_le_bytes(key.id())
}

/// A server knowing `keys`, with these session limits.
fn server(session: ServerSessionConfig, keys: &[&AuthKey]) -> Server {
    let mut server = Server::new(ServerConfig {
        key: common::server_key::server_key(),
        dc: Some(2),
        seed: [3; 32].into(),
        session,
        proxy_secret: None,
        max_frame: oxigram_proto::transport::SERVER_MAX_PAYLOAD,
    });
    for key in keys {
        server.add_key((*key).clone());
    }
    server
}

/// A client side that writes pings in any session it likes, over the intermediate
/// transport.
struct Peer {
    random: SeededRandom,
    counter: i64,
    /// Connections whose transport marker is not sent yet.
    fresh: Vec<ConnId>,
}

impl Peer {
    fn new() -> Self {
        Peer {
            random: SeededRandom::new([9; 32]),
            counter: 0,
            fresh: Vec::new(),
        }
    }

    /// Opens a connection; the transport's marker goes with the first message.
    fn connect(&mut self, server: &mut Server) -> ConnId {
        let conn = server.accept();
        self.fresh.push(conn);
        conn
    }

    /// Sends a ping in `session_id` under `key` on `conn`.
    fn ping(
        &mut self,
        server: &mut Server,
        conn: ConnId,
        key: &AuthKey,
        session_id: i64,
        now: Duration,
    ) {
        self.counter += 1;
        let msg_id = ((now.as_secs() as i64) << 32) | (self.counter << 2);
        let salt = server.salts().current(now.as_secs() as i64);
        let body = functions::Ping {
            ping_id: self.counter,
        }
        .to_bytes();
        let mut packet = BytesMut::new();
        seal_into(
            key,
            Sender::Client,
            (salt, session_id, msg_id, 1),
            &[&body],
            &mut self.random,
            &mut packet,
        );
        let mut frame = BytesMut::new();
        if let Some(i) = self.fresh.iter().position(|c| *c == conn) {
            self.fresh.swap_remove(i);
            frame.extend_from_slice(&[0xee; 4]);
        }
        frame.extend_from_slice(&(packet.len() as u32).to_le_bytes());
        frame.extend_from_slice(&packet);
        server.handle_input(conn, now, &mut frame).unwrap();
        assert!(frame.is_empty());
    }
}

fn drain(server: &mut Server, now: Duration) {
    let mut out = BytesMut::new();
    for conn in server.wants_transmit() {
        while server.poll_transmit(conn, now, &mut out) > 0 {
            out.clear();
        }
    }
    while server.poll_event().is_some() {}
}

#[test]
fn sessions_silent_for_the_idle_time_are_forgotten() {
    let k = key(1);
    let config = ServerSessionConfig {
        idle_timeout: Duration::from_secs(60),
        ..ServerSessionConfig::default()
    };
    let mut server = server(config, &[&k]);
    let mut peer = Peer::new();
    let conn = peer.connect(&mut server);
    for session in 1..=3 {
        peer.ping(&mut server, conn, &k, session, at(0));
    }
    // Session 1 speaks again later; 2 and 3 stay silent.
    peer.ping(&mut server, conn, &k, 1, at(50));
    drain(&mut server, at(50));
    assert_eq!(server.poll_timeout(), Some(at(60)));
    assert_eq!(server.handle_timeout(at(59)), 0);
    assert_eq!(server.session_count(), 3);
    assert_eq!(server.handle_timeout(at(60)), 2);
    let left: Vec<i64> = server.sessions().map(|s| s.session_id).collect();
    assert_eq!(left, [1]);
    assert_eq!(server.poll_timeout(), Some(at(110)));
    assert_eq!(server.handle_timeout(at(110)), 1);
    assert_eq!(server.session_count(), 0);
    assert_eq!(server.poll_timeout(), None);
    // The client comes back: a new session, announced as such.
    peer.ping(&mut server, conn, &k, 1, at(120));
    assert_eq!(server.session_count(), 1);
}

#[test]
fn sessions_beyond_the_limit_evict_the_one_silent_longest() {
    let k = key(2);
    let config = ServerSessionConfig {
        max_sessions: 100,
        ..ServerSessionConfig::default()
    };
    let mut server = server(config, &[&k]);
    let mut peer = Peer::new();
    let conn = peer.connect(&mut server);
    for session in 0..150 {
        peer.ping(&mut server, conn, &k, session, at(session as u64));
        drain(&mut server, at(session as u64));
    }
    assert_eq!(server.session_count(), 100);
    let left: Vec<i64> = server.sessions().map(|s| s.session_id).collect();
    assert_eq!(left, (50..150).collect::<Vec<_>>());
}

#[test]
fn transmitting_and_pushing_walk_only_the_sessions_concerned() {
    let crowd = key(3);
    let lone = key(4);
    let mut server = server(ServerSessionConfig::default(), &[&crowd, &lone]);
    let mut peer = Peer::new();
    let busy = peer.connect(&mut server);
    let quiet = peer.connect(&mut server);
    for session in 0..10_000 {
        peer.ping(&mut server, busy, &crowd, session, at(0));
    }
    peer.ping(&mut server, quiet, &lone, 7, at(0));
    drain(&mut server, at(0));
    assert_eq!(server.session_count(), 10_001);
    assert!(server.wants_transmit().is_empty());

    let before = server.sessions_visited();
    let pushed = server.push_to_key(key_id(&lone), &Bytes::from_static(&[1, 2, 3, 4]));
    assert_eq!(pushed, 1);
    assert_eq!(server.wants_transmit(), [quiet]);
    let mut out = BytesMut::new();
    assert!(server.poll_transmit(quiet, at(1), &mut out) > 0);
    assert_eq!(server.poll_transmit(busy, at(1), &mut out.split()), 0);
    let visited = server.sessions_visited() - before;
    // One session found by key, one walked for the quiet connection: the busy
    // connection's 10,000 sessions are not walked, as it has nothing to send.
    assert_eq!(visited, 2);

    // Closing the quiet connection touches its session only.
    let before = server.sessions_visited();
    server.close(quiet);
    assert_eq!(server.sessions_visited() - before, 1);
    assert_eq!(
        server.sessions_of_key(key_id(&lone)).collect::<Vec<_>>(),
        [SessionRef {
            auth_key_id: key_id(&lone),
            session_id: 7,
        }]
    );
}

#[test]
fn an_endless_idle_time_never_evicts_and_never_overflows() {
    let k = key(5);
    let config = ServerSessionConfig {
        idle_timeout: Duration::MAX,
        ..ServerSessionConfig::default()
    };
    let mut server = server(config, &[&k]);
    let mut peer = Peer::new();
    let conn = peer.connect(&mut server);
    peer.ping(&mut server, conn, &k, 1, at(0));
    assert_eq!(server.poll_timeout(), Some(Duration::MAX));
    assert_eq!(server.handle_timeout(Duration::MAX), 0);
    assert_eq!(server.session_count(), 1);
}
