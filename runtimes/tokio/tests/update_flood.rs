//! A client that never reads its updates while the test DC pushes a million of them:
//! memory stays bounded (the update queue keeps at most `ClientConfig::update_queue`),
//! and every update beyond the queue is reported as missed on the event stream, so none
//! is lost silently.

use std::time::{Duration, Instant};

use oxigram_runtime::{ClientEvent, MissedUpdates};
use oxigram_tl::{Serialize, enums, types};

const UPDATES: usize = 1_000_000;
/// Pushed at a time: under the server session's own queue bound (1,024), so that the
/// server never has to replace updates with `updatesTooLong` and the client sees them
/// all.
const BATCH: usize = 500;
/// The bound stated for the growth of the process (client and in-process test DC) while
/// the million updates go through; the client's share is its full update queue.
const MAX_GROWTH_KIB: u64 = 64 << 10;

fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status")
}

#[test]
fn a_client_that_never_reads_updates_stays_bounded_and_reports_the_gap() {
    let env = oxigram_conformance::Env::new();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let update: bytes::Bytes = enums::Updates::from(types::UpdateShort {
        update: enums::Update::UserStatus(types::UpdateUserStatus {
            user_id: 1,
            status: enums::UserStatus::Empty,
        }),
        date: 0,
    })
    .to_bytes()
    .into();
    runtime.block_on(async {
        let client = oxigram_tokio::connect(env.config()).await.unwrap();
        client
            .invoke(&oxigram_conformance::sign_in())
            .await
            .unwrap();
        let capacity = env.config().update_queue;
        let before = resident_kib();
        let mut peak = before;
        let deadline = Instant::now() + Duration::from_secs(600);
        let mut pushed = 0;
        while pushed < UPDATES {
            assert_eq!(env.dc.push_updates(env.bot, &update, BATCH), 1, "one session");
            pushed += BATCH;
            while env.dc.has_unsent() {
                assert!(Instant::now() < deadline, "the client stopped reading");
                tokio::time::sleep(Duration::from_micros(200)).await;
            }
            peak = peak.max(resident_kib());
        }
        // Every update was either queued or reported as dropped.
        let mut missed = MissedUpdates::default();
        while client.queued_updates() as u64 + missed.dropped < UPDATES as u64 {
            let event = tokio::time::timeout_at(deadline.into(), client.next_event())
                .await
                .expect("the client reports what it drops")
                .expect("the client runs");
            if let ClientEvent::UpdatesMissed(m) = event {
                missed.dropped += m.dropped;
                missed.new_sessions += m.new_sessions;
            }
        }
        assert_eq!(client.queued_updates(), capacity);
        assert_eq!(missed.dropped, (UPDATES - capacity) as u64);
        let growth = peak.saturating_sub(before);
        println!(
            "{UPDATES} updates unread: {} queued, {} reported missed, resident memory grew {growth} KiB",
            client.queued_updates(),
            missed.dropped
        );
        assert!(
            growth < MAX_GROWTH_KIB,
            "resident memory grew {growth} KiB, over {MAX_GROWTH_KIB} KiB"
        );
        // The queued ones are still there to read, oldest first.
        let first = client.next_update().await.unwrap();
        assert_eq!(first.body, update);
        client.close().await;
    });
}
