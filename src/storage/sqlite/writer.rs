//! The writer thread: takes everything queued and commits it in one transaction.

use std::sync::Arc;

use rusqlite::{Connection, TransactionBehavior};

use super::rows::write_change;
use crate::storage::Change;
use crate::storage::queue::{Batch, Shared};

/// Runs until the storage closes (after writing what is left) or a commit fails (then
/// the reason is kept for every later call, and logged).
pub(crate) fn run(mut conn: Connection, shared: Arc<Shared>) {
    while let Some((batch, target)) = shared.next_batch() {
        if let Err(e) = commit(&mut conn, &batch) {
            let reason = e.to_string();
            tracing::error!(error = %reason, "the session writer failed; the session is no longer saved");
            shared.lock().in_flight = None;
            shared.fail(reason);
            return;
        }
        shared.committed(target);
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
