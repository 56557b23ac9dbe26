//! The writer thread: commits everything queued in one transaction that first checks
//! the lease (see [`Lease::fence`]).

use std::sync::Arc;
use std::time::Duration;

use postgres::Client;

use super::connect;
use super::lease::Lease;
use super::rows::write_change;
use crate::storage::Change;
use crate::storage::queue::{Batch, Shared};

/// Why a batch was not committed.
enum Failed {
    /// The lease is no longer ours: nothing more may be written.
    Fenced,
    /// The database failed; the batch can be tried again.
    Database(String),
}

/// Runs until the storage closes (after writing what is left) or the lease is lost. A
/// failed commit is tried again on a new connection for as long as the lease holds.
pub(crate) fn run(url: String, conn: Client, shared: Arc<Shared>, lease: Arc<Lease>) {
    let mut conn = Some(conn);
    while let Some((batch, target)) = shared.next_batch() {
        loop {
            let result = match conn.as_mut() {
                Some(c) => commit(c, &lease, &batch),
                None => match connect(&url) {
                    Ok(c) => commit(conn.insert(c), &lease, &batch),
                    Err(e) => Err(Failed::Database(format!("reconnecting: {e}"))),
                },
            };
            match result {
                Ok(()) => {
                    shared.committed(target);
                    break;
                }
                Err(Failed::Fenced) => {
                    lease.lose("a write found another holder's token".into(), &shared);
                    return;
                }
                Err(Failed::Database(e)) => {
                    if let Some(reason) = lease.lost() {
                        shared.fail(format!("the account's lease was lost: {reason}"));
                        return;
                    }
                    tracing::warn!(error = %e, "a session write failed: trying again");
                    if conn.as_ref().is_some_and(|c| c.is_closed()) {
                        conn = None;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        }
    }
}

fn db(e: postgres::Error) -> Failed {
    Failed::Database(super::describe(&e))
}

fn commit(conn: &mut Client, lease: &Lease, batch: &Batch) -> Result<(), Failed> {
    let mut tx = conn.transaction().map_err(db)?;
    if !lease.fence(&mut tx).map_err(db)? {
        return Err(Failed::Fenced);
    }
    let account = lease.account.as_str();
    let mut write = |change: &Change| write_change(&mut tx, account, change);
    for change in &batch.ordered {
        write(change).map_err(db)?;
    }
    if let Some(state) = batch.updates {
        write(&Change::Updates(state)).map_err(db)?;
    }
    for (&id, &pts) in &batch.channels {
        write(&Change::ChannelPts(id, pts)).map_err(db)?;
    }
    if !batch.peers.is_empty() {
        write(&Change::Peers(batch.peers.values().cloned().collect())).map_err(db)?;
    }
    tx.commit().map_err(db)
}
