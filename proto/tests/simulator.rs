//! A client `Connection` against the `Server` in the deterministic simulator
//! (`common/sim.rs`): every request ends exactly once, with its own answer or a typed
//! failure, under a seeded fault schedule, and every run replays bit for bit.
//!
//! CI runs `OXIGRAM_SIM_RUNS` seeded runs (300 unless set), each twice to check that it
//! replays; the full acceptance count is
//! `OXIGRAM_SIM_RUNS=10000 cargo test -p oxigram-proto --test simulator seeded`.

mod common;

use std::time::Duration;

use common::sim::{Faults, Outcome, Rng, Setup, Sim};
use oxigram_proto::session::RequestError;
use oxigram_proto::transport::Kind;

const TRANSPORTS: [Kind; 4] = [
    Kind::Abridged,
    Kind::Intermediate,
    Kind::PaddedIntermediate,
    Kind::Full,
];

fn quiet(transport: Kind, obfuscated: bool, handshake: bool) -> Setup {
    Setup {
        transport,
        obfuscated,
        handshake,
        faults: Faults::default(),
    }
}

#[test]
fn requests_made_before_the_key_exists_are_answered() {
    let mut sim = Sim::new(1, quiet(Kind::Intermediate, false, true));
    for n in 0..20 {
        sim.request(n);
    }
    sim.run_until(Duration::from_secs(60), true);
    sim.check().unwrap();
    assert_eq!(sim.outcomes.len(), 20);
    assert_eq!(sim.failed(), Vec::<&Outcome>::new());
    assert_eq!(sim.server.key_count(), 1);
}

#[test]
fn every_transport_plain_and_obfuscated() {
    for (i, transport) in TRANSPORTS.into_iter().enumerate() {
        for obfuscated in [false, true] {
            let mut sim = Sim::new(10 + i as u64, quiet(transport, obfuscated, true));
            for n in 0..50 {
                sim.request(n);
            }
            sim.run_until(Duration::from_secs(60), true);
            sim.check()
                .unwrap_or_else(|e| panic!("{transport:?} obfuscated={obfuscated}: {e}"));
            assert!(
                sim.failed().is_empty(),
                "{transport:?} obfuscated={obfuscated}: {:?}",
                sim.failed()
            );
        }
    }
}

#[test]
fn a_clock_an_hour_off_is_corrected_by_the_server() {
    for skew in [3600, -3600] {
        let mut setup = quiet(Kind::Intermediate, false, false);
        setup.faults.clock_skew = skew;
        let mut sim = Sim::new(3, setup);
        for n in 0..30 {
            sim.request(n);
        }
        sim.run_until(Duration::from_secs(60), true);
        sim.check().unwrap();
        assert_eq!(sim.failed(), Vec::<&Outcome>::new());
        assert_eq!(sim.client.session().unwrap().time_offset() as i64, -skew);
    }
}

#[test]
fn salt_rotation_and_new_sessions_lose_nothing() {
    let mut setup = quiet(Kind::Intermediate, false, false);
    setup.faults.rotate_salts = 30;
    setup.faults.new_session = 30;
    let mut sim = Sim::new(4, setup);
    for n in 0..200 {
        sim.request(n);
    }
    sim.run_until(Duration::from_secs(600), true);
    sim.check().unwrap();
    assert_eq!(sim.failed(), Vec::<&Outcome>::new());
    assert!(
        sim.gaps > 0,
        "new_session_created reaches the caller as a gap"
    );
}

#[test]
fn a_hundred_results_in_one_container() {
    let mut setup = quiet(Kind::Intermediate, false, false);
    setup.faults.bulk_answers = true;
    let mut sim = Sim::new(5, setup);
    for n in 0..300 {
        sim.request(n);
    }
    sim.run_until(Duration::from_secs(600), true);
    sim.check().unwrap();
    assert_eq!(sim.failed(), Vec::<&Outcome>::new());
}

#[test]
fn a_slow_answer_is_waited_for() {
    // The server takes over three minutes; the client asks the state of the requests every
    // ten seconds, hears they are being processed, and keeps waiting.
    let mut setup = quiet(Kind::Intermediate, false, false);
    setup.faults.slow_answers = true;
    let mut sim = Sim::new(8, setup);
    for n in 0..5 {
        sim.request(n);
    }
    sim.run_until(Duration::from_secs(600), true);
    sim.check().unwrap();
    assert_eq!(sim.failed(), Vec::<&Outcome>::new());
    assert_eq!(sim.requests_seen, 5, "each request ran once");
}

#[test]
fn lost_frames_are_recovered_by_asking_their_state() {
    let mut setup = quiet(Kind::Intermediate, false, false);
    setup.faults.drop = 100;
    let mut sim = Sim::new(6, setup);
    for n in 0..100 {
        sim.request(n);
    }
    sim.run_until(Duration::from_secs(3600), true);
    sim.check().unwrap();
    let failed = sim.failed().len();
    assert!(failed < 10, "{failed} of 100 failed");
    // Each request ran once on the server, though frames were lost both ways.
    assert!(
        sim.requests_seen <= 100 + failed as u64,
        "{}",
        sim.requests_seen
    );
}

#[test]
fn cancelled_and_closed_requests_end_once() {
    let mut sim = Sim::new(7, quiet(Kind::Intermediate, false, false));
    let first = sim.request(1);
    let second = sim.request(2);
    assert!(sim.client.cancel(first));
    assert!(!sim.client.cancel(first));
    sim.run_until(Duration::from_secs(5), true);
    assert_eq!(
        sim.outcomes.get(&first),
        Some(&Outcome::Failed(RequestError::Cancelled))
    );
    assert!(matches!(
        sim.outcomes.get(&second),
        Some(Outcome::Answer(_))
    ));
    let third = sim.request(3);
    sim.client.close();
    sim.run_until(Duration::from_secs(6), true);
    assert_eq!(
        sim.outcomes.get(&third),
        Some(&Outcome::Failed(RequestError::Closed))
    );
    sim.check().unwrap();
}

/// Totals over many runs, printed so a reader sees the faults did bite.
#[derive(Debug, Default, Clone, Copy)]
struct Totals {
    requests: u64,
    /// Requests that ended with their own answer (a result or their RPC error).
    answered: u64,
    /// Requests that ended with a typed failure.
    failed: u64,
    /// Failed because the connection went down with them in flight.
    lost: u64,
    cuts: u64,
    dropped: u64,
    gaps: u64,
}

/// One seeded run of a random workload under a random fault schedule; returns the
/// transcript digest.
fn seeded_run(seed: u64, totals: &mut Totals) -> u64 {
    let mut rng = Rng::new(seed ^ 0x5eed);
    let transport = if rng.chance(800) {
        Kind::Intermediate
    } else {
        TRANSPORTS[rng.below(4) as usize]
    };
    let setup = Setup {
        transport,
        obfuscated: transport != Kind::Intermediate && rng.chance(500),
        handshake: rng.chance(50),
        faults: Faults::random(&mut rng),
    };
    let mut sim = Sim::new(seed, setup.clone());
    let count = 1 + rng.below(500);
    let mut issue_at: Vec<(Duration, u64)> = (0..count)
        .map(|n| (Duration::from_millis(rng.below(20_000)), n))
        .collect();
    issue_at.sort();
    for (at, n) in issue_at {
        sim.run_until(at, false);
        sim.request(n);
    }
    sim.run_until(Duration::from_secs(4 * 3600), true);
    // Two minutes more, so that a second final event for any request would show (the
    // simulator fails on one).
    let tail = sim.elapsed() + Duration::from_secs(120);
    sim.run_until(tail, false);
    if let Err(e) = sim.check() {
        panic!("seed {seed} ({setup:?}): {e}");
    }
    // Each counted from the outcomes seen, not one from the other.
    let answered = sim
        .outcomes
        .values()
        .filter(|o| matches!(o, Outcome::Answer(_) | Outcome::Error(_)))
        .count() as u64;
    let failed = sim.failed().len() as u64;
    totals.requests += count;
    totals.answered += answered;
    totals.failed += failed;
    totals.lost += sim
        .outcomes
        .values()
        .filter(|o| **o == Outcome::Failed(RequestError::ConnectionLost))
        .count() as u64;
    totals.cuts += sim.cuts;
    totals.dropped += sim.dropped;
    totals.gaps += sim.gaps;
    sim.transcript()
}

#[test]
fn seeded_runs_end_every_request_once_and_replay() {
    let runs: u64 = std::env::var("OXIGRAM_SIM_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let totals: Vec<Totals> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let mut totals = Totals::default();
                    for seed in (t..runs).step_by(threads as usize) {
                        let digest = seeded_run(seed, &mut totals);
                        let again = seeded_run(seed, &mut Totals::default());
                        assert_eq!(digest, again, "seed {seed} does not replay");
                    }
                    totals
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let sum = totals.iter().fold(Totals::default(), |a, b| Totals {
        requests: a.requests + b.requests,
        answered: a.answered + b.answered,
        failed: a.failed + b.failed,
        lost: a.lost + b.lost,
        cuts: a.cuts + b.cuts,
        dropped: a.dropped + b.dropped,
        gaps: a.gaps + b.gaps,
    });
    println!("{runs} runs: {sum:?}");
    // What proto/README.md states: every request answered, none failed.
    assert_eq!(sum.failed, 0, "{sum:?}");
    assert_eq!(sum.answered, sum.requests, "{sum:?}");
}
