//! The writer thread: takes everything queued and commits it in one transaction.

use std::mem;
use std::sync::Arc;

use rusqlite::{Connection, TransactionBehavior};

use super::rows::write_change;
use crate::storage::Change;
use crate::storage::queue::{Batch, Shared};

/// Runs until the storage closes (after writing what is left) or a commit fails (then
/// the reason is kept for every later call, and logged).
pub(crate) fn run(mut conn: Connection, shared: Arc<Shared>) {
    loop {
        let mut queue = shared.lock();
        while queue.pending.is_empty() && !queue.closing {
            queue = shared.wait(queue);
        }
        if queue.pending.is_empty() {
            return;
        }
        // Everything queued goes into this batch: changes saved while it commits wait
        // for the next, so batches grow with the disk's latency.
        let batch = Arc::new(mem::take(&mut queue.pending));
        queue.in_flight = Some(batch.clone());
        let target = queue.queued;
        drop(queue);
        // The queue has room again: wake savers waiting for it.
        shared.notify();

        let result = commit(&mut conn, &batch);

        let mut queue = shared.lock();
        queue.in_flight = None;
        match result {
            Ok(()) => queue.durable = target,
            Err(e) => {
                let reason = e.to_string();
                tracing::error!(error = %reason, "the session writer failed; the session is no longer saved");
                queue.failed = Some(reason);
                drop(queue);
                shared.notify();
                return;
            }
        }
        drop(queue);
        shared.notify();
    }
}

fn commit(conn: &mut Connection, batch: &Batch) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for change in &batch.ordered {
        write_change(&tx, change)?;
    }
    if let Some(state) = batch.updates {
        write_change(&tx, &Change::Updates(state))?;
    }
    for (&id, &pts) in &batch.channels {
        write_change(&tx, &Change::ChannelPts(id, pts))?;
    }
    if !batch.peers.is_empty() {
        write_change(&tx, &Change::Peers(batch.peers.values().cloned().collect()))?;
    }
    tx.commit()
}
