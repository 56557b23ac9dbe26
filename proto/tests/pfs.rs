//! Perfect forward secrecy in the deterministic simulator (`common/sim.rs`): a client on
//! short-lived temporary keys sends a stream of requests across several renewals, and
//! every request is answered exactly once; the server refuses what PFS forbids.

mod common;

use std::time::Duration;

use common::sim::{Faults, Outcome, Setup, Sim};
use oxigram_proto::pfs::PfsConfig;
use oxigram_proto::transport::Kind;

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
    assert_eq!(sim.server.key_count() <= 3, true);
}

#[test]
fn renewals_survive_a_lossy_network() {
    for seed in 0..8 {
        let faults = Faults {
            drop: 20,
            duplicate: 20,
            reorder: 30,
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
