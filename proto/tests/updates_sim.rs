//! The update sequencer against a model server (`updates_model`) with seeded faults:
//! reordering, duplication, drops, `updatesTooLong`, `updateChannelTooLong`, channel and
//! account `tooLong`, difference slices, failed and lost fetches, and client restarts from
//! persisted state. Every event must come out exactly once (except those a `tooLong` or a
//! fresh start skipped, at most once) and in pts order per box, and each run replays from
//! its seed.
//!
//! `OXIGRAM_UPDATES_SIM_RUNS` sets the number of runs (10,000 unless set);
//! `OXIGRAM_UPDATES_SIM_SEED=N` runs seed N alone.

mod updates_model;

use updates_model::{Sim, Totals};

fn run(seed: u64) -> (u64, Totals) {
    let mut sim = Sim::new(seed);
    match sim.run() {
        Ok(digest) => (digest, sim.totals),
        Err(e) => panic!("seed {seed}: {e} (re-run with OXIGRAM_UPDATES_SIM_SEED={seed})"),
    }
}

#[test]
fn seeded_runs_deliver_every_update_once_in_order() {
    if let Some(seed) = std::env::var("OXIGRAM_UPDATES_SIM_SEED")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        let (_, totals) = run(seed);
        println!("seed {seed}: {totals:?}");
        return;
    }
    let runs: u64 = std::env::var("OXIGRAM_UPDATES_SIM_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let totals: Vec<Totals> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let mut sum = Totals::default();
                    for seed in (t..runs).step_by(threads as usize) {
                        let (digest, totals) = run(seed);
                        // A sample replays, to show runs depend on their seed alone.
                        if seed.is_multiple_of(100) {
                            assert_eq!(run(seed).0, digest, "seed {seed} does not replay");
                        }
                        add(&mut sum, &totals);
                    }
                    sum
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a worker panicked"))
            .collect()
    });
    let mut sum = Totals::default();
    for t in &totals {
        add(&mut sum, t);
    }
    println!("{runs} runs: {sum:?}");
    // The faults happened: the runs tested something.
    assert!(
        runs < 100
            || (sum.dropped > 0
                && sum.duplicated > 0
                && sum.slices > 0
                && sum.too_long > 0
                && sum.restarts > 0),
        "{sum:?}"
    );
    assert!(sum.delivered > 0);
}

fn add(sum: &mut Totals, t: &Totals) {
    sum.events += t.events;
    sum.delivered += t.delivered;
    sum.lost_allowed += t.lost_allowed;
    sum.dropped += t.dropped;
    sum.duplicated += t.duplicated;
    sum.fetches += t.fetches;
    sum.slices += t.slices;
    sum.too_long += t.too_long;
    sum.restarts += t.restarts;
}
