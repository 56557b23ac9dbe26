//! Perfect forward secrecy in the deterministic simulator (`common/sim.rs`): a client on
//! short-lived temporary keys sends a stream of requests across several renewals, and
//! every request is answered exactly once; the server refuses what PFS forbids.

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::sim::{Faults, Outcome, Setup, Sim};
use oxigram_proto::crypto::message::AuthKey;
use oxigram_proto::pfs::{Binding, PfsConfig, bind_request};
use oxigram_proto::random::SeededRandom;
use oxigram_proto::session::{RequestId, RpcError};
use oxigram_proto::transport::Kind;
use oxigram_tl::{Deserialize, Serialize, functions};

fn setup(handshake: bool, faults: Faults) -> Setup {
    Setup {
        transport: Kind::Intermediate,
        obfuscated: false,
        handshake,
        faults,
    }
}

/// Keys of a minute, renewed 20 s before they end.
fn short() -> PfsConfig {
    PfsConfig {
        lifetime: Duration::from_secs(60),
        renew_before: Duration::from_secs(20),
    }
}

/// Issues a request every `every` until `until`, then lets the rest settle.
fn stream(sim: &mut Sim, until: Duration, every: Duration) -> u64 {
    let mut n = 0;
    while sim.elapsed() < until {
        sim.request(n);
        n += 1;
        let next = sim.elapsed() + every;
        sim.run_until(next, false);
    }
    sim.run_until(until + Duration::from_secs(120), true);
    n
}

#[test]
fn a_stream_across_several_renewals_is_answered_exactly_once() {
    let mut sim = Sim::new_pfs(1, setup(true, Faults::default()), short());
    let sent = stream(
        &mut sim,
        Duration::from_secs(300),
        Duration::from_millis(700),
    );
    sim.check().unwrap();
    assert_eq!(sim.outcomes.len() as u64, sent);
    assert_eq!(sim.failed(), Vec::<&Outcome>::new());
    // A key bound every 40 s or so: the first, then at least five successors.
    assert!(sim.bound >= 6, "only {} keys bound", sim.bound);
    // No request went under the permanent key: each came under one of the temporary
    // keys, and there were as many of those as bindings.
    let perm = sim.client.perm_key().expect("a permanent key was made");
    let perm = u64::from_le_bytes(perm.auth_key.id());
    assert!(!sim.request_keys.contains(&perm));
    assert!(sim.request_keys.len() as u64 >= sim.bound - 1);
    // The server forgot the keys that ended: the permanent key, the current temporary
    // key and perhaps its successor or predecessor remain.
    assert!(
        sim.server.key_count() <= 3,
        "{} keys",
        sim.server.key_count()
    );
}

#[test]
fn a_saved_permanent_key_is_used_for_bindings_only() {
    let mut sim = Sim::new_pfs(2, setup(false, Faults::default()), short());
    let sent = stream(
        &mut sim,
        Duration::from_secs(150),
        Duration::from_millis(500),
    );
    sim.check().unwrap();
    assert_eq!(sim.outcomes.len() as u64, sent);
    assert!(sim.failed().is_empty(), "{:?}", sim.failed());
    assert!(sim.bound >= 3, "only {} keys bound", sim.bound);
    assert!(
        sim.server.key_count() <= 3,
        "{} keys",
        sim.server.key_count()
    );
}

#[test]
fn renewals_survive_a_lossy_network() {
    for seed in 0..12 {
        let faults = Faults {
            drop: 20,
            duplicate: 20,
            reorder: 30,
            corrupt: 10,
            cut: 3,
            max_delay_ms: 200,
            ..Faults::default()
        };
        let mut sim = Sim::new_pfs(100 + seed, setup(seed % 2 == 0, faults), short());
        let sent = stream(
            &mut sim,
            Duration::from_secs(240),
            Duration::from_millis(900),
        );
        sim.check().unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_eq!(sim.outcomes.len() as u64, sent, "seed {seed}");
        assert!(sim.bound >= 4, "seed {seed}: only {} keys bound", sim.bound);
    }
}

#[test]
fn runs_replay_bit_for_bit() {
    let run = || {
        let mut sim = Sim::new_pfs(7, setup(true, Faults::default()), short());
        stream(
            &mut sim,
            Duration::from_secs(150),
            Duration::from_millis(800),
        );
        sim.transcript()
    };
    assert_eq!(run(), run());
}

/// A binding for `perm` naming the temporary key `temp`; the message and session it
/// names are not the ones it travels in, which the server refuses all the same.
fn binding_body(perm: &AuthKey, temp: i64) -> Bytes {
    let binding = Binding {
        perm: perm.clone(),
        temp_auth_key_id: temp,
        temp_session_id: 1,
        expires_at: i32::MAX,
        nonce: 99,
    };
    bind_request(&binding, 4, &mut SeededRandom::new([5; 32])).into()
}

fn error_of(sim: &Sim, id: RequestId) -> RpcError {
    match sim.outcomes.get(&id) {
        Some(Outcome::Error(e)) => e.clone(),
        other => panic!("{id}: {other:?}"),
    }
}

#[test]
fn an_unbound_temporary_key_serves_no_requests_and_a_forged_binding_is_refused() {
    let mut sim = Sim::new_unbound_temporary(20, setup(true, Faults::default()));
    let victim = AuthKey::new([0x42; 256]);
    sim.server.add_key(victim.clone());
    let before = sim.request(1);
    sim.run_until(Duration::from_secs(30), true);
    let temp = sim.client.session().unwrap().auth_key().id();
    let temp = i64::from_le_bytes(temp);
    assert!(sim.server.is_temporary(temp as u64));
    // Encrypted with a key of the forger's own, under the victim's key id.
    let forged = {
        let body = binding_body(&AuthKey::new([0x43; 256]), temp);
        let mut request = functions::auth::BindTempAuthKey::from_bytes(&body).unwrap();
        request.perm_auth_key_id = i64::from_le_bytes(victim.id());
        let mut encrypted = request.encrypted_message.to_vec();
        encrypted[..8].copy_from_slice(&victim.id());
        request.encrypted_message = encrypted.into();
        Bytes::from(request.to_bytes())
    };
    let forged = sim.request_raw(2, forged);
    let unknown = sim.request_raw(3, binding_body(&AuthKey::new([0x44; 256]), temp));
    let after = sim.request(4);
    let config = sim.request_raw(5, functions::help::GetConfig {}.to_bytes().into());
    sim.run_until(Duration::from_secs(60), true);
    for id in [before, after] {
        let e = error_of(&sim, id);
        assert_eq!((e.code, e.name.as_str()), (401, "AUTH_KEY_PERM_EMPTY"));
    }
    for id in [forged, unknown] {
        let e = error_of(&sim, id);
        assert_eq!(
            (e.code, e.name.as_str()),
            (400, "ENCRYPTED_MESSAGE_INVALID")
        );
    }
    assert_eq!(sim.bind_refusals, 2);
    // Configuration calls are allowed before binding: the application got that one
    // (the echo application does not know it), and nothing else.
    let e = error_of(&sim, config);
    assert_eq!(e.name, "METHOD_UNKNOWN");
    assert_eq!(sim.requests_seen, 1);
    assert_eq!(sim.server.perm_key_of(temp as u64), temp as u64);
}

#[test]
fn a_binding_under_a_permanent_key_is_refused() {
    let mut sim = Sim::new(21, setup(false, Faults::default()));
    let key = sim.client.session().unwrap().auth_key().clone();
    let id = sim.request_raw(1, binding_body(&key, 7));
    sim.run_until(Duration::from_secs(30), true);
    let e = error_of(&sim, id);
    assert_eq!((e.code, e.name.as_str()), (400, "TEMP_AUTH_KEY_EMPTY"));
    assert_eq!(sim.requests_seen, 0);
}

#[test]
fn a_permanent_key_the_server_does_not_know_gets_no_request_through() {
    let mut sim = Sim::new_pfs(22, setup(false, Faults::default()), short());
    let perm = sim.client.perm_key().expect("given").auth_key.id();
    sim.server.forget_key(u64::from_le_bytes(perm));
    for n in 0..5 {
        sim.request(n);
    }
    sim.run_until(Duration::from_secs(60), false);
    // Each connection makes a temporary key, is refused its binding, and starts over.
    assert!(sim.bind_refusals >= 2, "{} refusals", sim.bind_refusals);
    assert_eq!(sim.requests_seen, 0);
    assert_eq!(sim.bound, 0);
    assert!(sim.outcomes.is_empty(), "{:?}", sim.outcomes);
    assert_eq!(sim.client.pending(), 5);
}

#[test]
fn a_temporary_key_the_server_forgets_is_replaced_and_nothing_is_lost() {
    let mut sim = Sim::new_pfs(23, setup(true, Faults::default()), short());
    let mut n = 0;
    for _ in 0..20 {
        sim.request(n);
        n += 1;
        let next = sim.elapsed() + Duration::from_millis(300);
        sim.run_until(next, false);
    }
    // The server loses the key in use (as after a restart): the client hears -404,
    // makes and binds another, and sends what was not answered again under it.
    let temp = sim.client.session().unwrap().auth_key().id();
    sim.server.forget_key(u64::from_le_bytes(temp));
    for _ in 0..20 {
        sim.request(n);
        n += 1;
        let next = sim.elapsed() + Duration::from_millis(300);
        sim.run_until(next, false);
    }
    sim.run_until(Duration::from_secs(60), true);
    sim.check().unwrap();
    assert_eq!(sim.outcomes.len() as u64, n);
    assert!(sim.failed().is_empty(), "{:?}", sim.failed());
    assert!(sim.bound >= 2);
    assert_ne!(sim.client.session().unwrap().auth_key().id(), temp);
    // The permanent key stays: it is what the caller stored.
    assert!(sim.client.perm_key().is_some());
    assert!(sim.cuts >= 1);
}

/// The messages in a packet's body: the body alone, or each one of a container.
fn messages(inner: &oxigram_proto::session::Inner) -> Vec<(i64, Bytes)> {
    let body = &inner.body;
    if body[..4] != 0x73f1_f8dc_u32.to_le_bytes() {
        return vec![(inner.msg_id, body.clone())];
    }
    let count = u32::from_le_bytes(body[4..8].try_into().unwrap());
    let mut at = 8;
    let mut out = Vec::new();
    for _ in 0..count {
        let msg_id = i64::from_le_bytes(body[at..at + 8].try_into().unwrap());
        let len = u32::from_le_bytes(body[at + 12..at + 16].try_into().unwrap()) as usize;
        out.push((msg_id, body.slice(at + 16..at + 16 + len)));
        at += 16 + len;
    }
    out
}

#[test]
fn the_binding_names_the_message_and_session_it_goes_out_in_each_time() {
    use oxigram_proto::crypto::message::Sender;
    use oxigram_proto::pfs::{BindCheck, verify_binding};
    use oxigram_proto::session::{ClientSession, SessionConfig, open};
    use std::time::Instant;

    let perm = AuthKey::new([0x51; 256]);
    let temp = AuthKey::new([0x52; 256]);
    let mut random = SeededRandom::new([6; 32]);
    let mut session = ClientSession::new(
        SessionConfig::default(),
        temp.clone(),
        1,
        0,
        true,
        &mut random,
    );
    let temp_id = i64::from_le_bytes(temp.id());
    session.bind(Binding {
        perm: perm.clone(),
        temp_auth_key_id: temp_id,
        temp_session_id: 0,
        expires_at: 1_700_003_600,
        nonce: 17,
    });
    let start = Instant::now();
    let unix = Duration::from_secs(1_700_000_000);
    let mut sent = Vec::new();
    for round in 0..2 {
        let mut packet = bytes::BytesMut::new();
        assert!(session.poll_transmit(start, unix, &mut random, &mut packet));
        let inner = open(&temp, Sender::Client, &packet).unwrap();
        let (msg_id, body) = messages(&inner)
            .into_iter()
            .find(|(_, body)| body[..4] == 0xcdd4_2a05_u32.to_le_bytes())
            .unwrap_or_else(|| panic!("round {round}: no binding went out"));
        let check = BindCheck {
            temp_auth_key_id: temp_id,
            temp_session_id: inner.session_id,
            msg_id,
        };
        let known = |id| (id == i64::from_le_bytes(perm.id())).then(|| perm.clone());
        let bound = verify_binding(&body, known, &check).unwrap();
        assert_eq!(bound.expires_at, 1_700_003_600);
        // Under another message id, the same body is refused.
        let elsewhere = BindCheck {
            msg_id: msg_id + 4,
            ..check
        };
        assert!(verify_binding(&body, known, &elsewhere).is_err());
        sent.push(msg_id);
        // The connection goes: the binding goes again, with a new id.
        session.connection_lost(start);
    }
    assert_ne!(sent[0], sent[1]);
}
