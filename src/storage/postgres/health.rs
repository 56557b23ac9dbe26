//! What an operator looks at: who holds which account's lease, since when, for how long
//! more, and how far its update queue lags.

use std::time::Duration;

use super::{connect, db_error};
use crate::storage::StorageError;

/// One account's lease as the database has it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseStatus {
    /// The account.
    pub account: String,
    /// The holder's id (empty if nobody ever held it).
    pub holder: String,
    /// The fencing token of the current or last holding.
    pub token: i64,
    /// Whether the lease is held now (not expired nor given back).
    pub held: bool,
    /// How long the current holder has held it (since it took the lease), if it is
    /// held.
    pub held_for: Option<Duration>,
    /// How long it runs without a renewal, if it is held.
    pub expires_in: Option<Duration>,
    /// Updates waiting in the account's [queue](super::queue) (taken ones included
    /// until done).
    pub queued: u64,
    /// How long the oldest of them has waited: the queue's lag.
    pub queue_lag: Duration,
}

fn millis(value: Option<i64>) -> Option<Duration> {
    value.map(|ms| Duration::from_millis(ms.max(0) as u64))
}

/// Every account's lease in the database at `url`, by account name. A database
/// without the schema has none.
pub fn leases(url: &str) -> Result<Vec<LeaseStatus>, StorageError> {
    let url = url.to_owned();
    // On a thread of its own, as every use of the blocking client here (see
    // `PostgresStorage::open`).
    std::thread::scope(|s| {
        s.spawn(move || {
            let mut conn = connect(&url)?;
            let exists: bool = conn
                .query_one("SELECT to_regclass('oxigram_leases') IS NOT NULL", &[])
                .map_err(db_error)?
                .get(0);
            if !exists {
                return Ok(Vec::new());
            }
            // The queue came with schema 2: a database still on 1 has none.
            let queue: bool = conn
                .query_one(
                    "SELECT to_regclass('oxigram_update_queue') IS NOT NULL",
                    &[],
                )
                .map_err(db_error)?
                .get(0);
            let queued = if queue {
                "(SELECT count(*) FROM oxigram_update_queue q WHERE q.account = l.account),
                 (SELECT (extract(epoch FROM (now() - min(queued_at))) * 1000)::bigint
                  FROM oxigram_update_queue q WHERE q.account = l.account)"
            } else {
                "0::bigint, NULL::bigint"
            };
            let rows = conn
                .query(
                    &format!(
                        "SELECT account, holder, token, expires_at > now(),
                             (extract(epoch FROM (now() - acquired_at)) * 1000)::bigint,
                             (extract(epoch FROM (expires_at - now())) * 1000)::bigint,
                             {queued}
                         FROM oxigram_leases l ORDER BY account"
                    ),
                    &[],
                )
                .map_err(db_error)?;
            Ok(rows
                .iter()
                .map(|row| {
                    let held: bool = row.get(3);
                    LeaseStatus {
                        account: row.get(0),
                        holder: row.get(1),
                        token: row.get(2),
                        held,
                        held_for: millis(row.get(4)).filter(|_| held),
                        expires_in: millis(row.get(5)).filter(|_| held),
                        queued: row.get::<_, i64>(6).max(0) as u64,
                        queue_lag: millis(row.get(7)).unwrap_or_default(),
                    }
                })
                .collect())
        })
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}
