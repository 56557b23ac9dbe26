//! The account's lease: taken at open, renewed in the background (a watchdog gives it
//! up when renewals stop succeeding), checked by every write (its token fences a
//! holder that lost it), given back at close.
//!
//! Every time is the database server's (`now()`), so the clocks of the processes do not
//! matter. A holder counts its lease as valid until the moment it *sent* its last
//! successful renewal plus the lease's length, by its own monotonic clock: the database
//! set the expiry from a later instant, so the holder always gives up first.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use postgres::{Client, GenericClient};

use super::{connect, db_error};
use crate::storage::StorageError;
use crate::storage::queue::Shared;

/// What to do when the lease is lost.
type Revoked = Box<dyn FnOnce(StorageError) + Send>;

/// The lease as its holder knows it.
pub(crate) struct Lease {
    pub(crate) account: String,
    pub(crate) holder: String,
    pub(crate) token: i64,
    pub(crate) ttl: Duration,
    /// When it was taken, for the lease's age in the logs.
    taken: Instant,
    state: Mutex<LeaseState>,
    changed: Condvar,
}

struct LeaseState {
    /// Until when the lease is surely ours (see the module docs).
    valid_until: Instant,
    /// Why it was lost, once it was.
    lost: Option<String>,
    /// Called once when it is lost.
    revoked: Vec<Revoked>,
    /// The storage is closing: the renewer gives the lease back and ends.
    closing: bool,
}

impl std::fmt::Debug for Lease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lease")
            .field("account", &self.account)
            .field("holder", &self.holder)
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

/// The lease's length in the database's interval arithmetic.
fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Tries once to take the account's lease: free or expired, it is ours with the next
/// token. Otherwise says who holds it and for how long.
pub(crate) fn try_acquire(
    conn: &mut Client,
    account: &str,
    holder: &str,
    ttl: Duration,
) -> Result<Result<i64, StorageError>, StorageError> {
    let mut tx = conn.transaction().map_err(db_error)?;
    tx.execute(
        "INSERT INTO oxigram_leases (account, holder, token, expires_at)
         VALUES ($1, '', 0, 'epoch') ON CONFLICT DO NOTHING",
        &[&account],
    )
    .map_err(db_error)?;
    let row = tx
        .query_one(
            "SELECT holder, token, expires_at <= now(),
                 (extract(epoch FROM (expires_at - now())) * 1000)::bigint
             FROM oxigram_leases WHERE account = $1 FOR UPDATE",
            &[&account],
        )
        .map_err(db_error)?;
    let (current, token, free, left): (String, i64, bool, Option<i64>) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    if !free {
        return Ok(Err(StorageError::LeaseHeld {
            holder: current,
            expires_in: Duration::from_millis(left.unwrap_or(0).max(0) as u64),
        }));
    }
    let token = token + 1;
    tx.execute(
        "UPDATE oxigram_leases SET holder = $2, token = $3,
             expires_at = now() + $4::float8 * interval '1 millisecond', acquired_at = now()
         WHERE account = $1",
        &[&account, &holder, &token, &millis(ttl)],
    )
    .map_err(db_error)?;
    super::rows::ensure_account(&mut tx, account).map_err(db_error)?;
    tx.commit().map_err(db_error)?;
    Ok(Ok(token))
}

impl Lease {
    pub(crate) fn new(
        account: &str,
        holder: &str,
        token: i64,
        ttl: Duration,
        since: Instant,
    ) -> Self {
        Lease {
            account: account.to_owned(),
            holder: holder.to_owned(),
            token,
            ttl,
            taken: since,
            state: Mutex::new(LeaseState {
                valid_until: since + ttl,
                lost: None,
                revoked: Vec::new(),
                closing: false,
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, LeaseState> {
        // Nothing in the state can be left half-changed by a panic.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Why the lease was lost, if it was.
    pub(crate) fn lost(&self) -> Option<String> {
        self.lock().lost.clone()
    }

    /// Registers `revoked`; calls it at once if the lease is already lost.
    pub(crate) fn on_revoked(&self, revoked: Revoked) {
        let mut state = self.lock();
        match state.lost.clone() {
            Some(reason) => {
                drop(state);
                revoked(StorageError::LeaseLost(reason));
            }
            None => state.revoked.push(revoked),
        }
    }

    /// Marks the lease lost (once), stops the writer, and tells whoever registered.
    pub(crate) fn lose(&self, reason: String, shared: &Shared) {
        let mut state = self.lock();
        if state.lost.is_some() {
            return;
        }
        tracing::error!(
            account = %self.account,
            holder = %self.holder,
            token = self.token,
            %reason,
            "the account's lease is lost: its client stops"
        );
        state.lost = Some(reason.clone());
        let revoked = std::mem::take(&mut state.revoked);
        drop(state);
        self.changed.notify_all();
        shared.fail(format!("the account's lease was lost: {reason}"));
        for revoked in revoked {
            revoked(StorageError::LeaseLost(reason.clone()));
        }
    }

    /// Asks the renewer to give the lease back and end.
    pub(crate) fn close(&self) {
        self.lock().closing = true;
        self.changed.notify_all();
    }

    /// Checks, inside a writer's transaction, that this holder still has the lease, and
    /// locks its row until the transaction ends: a takeover waits for the write, and a
    /// write after a takeover is refused.
    pub(crate) fn fence(&self, tx: &mut impl GenericClient) -> Result<bool, postgres::Error> {
        let row = tx.query_opt(
            "SELECT 1 FROM oxigram_leases
             WHERE account = $1 AND holder = $2 AND token = $3 AND expires_at > now()
             FOR SHARE",
            &[&self.account, &self.holder, &self.token],
        )?;
        Ok(row.is_some())
    }

    /// Extends the lease; `false` if it is no longer ours.
    fn renew(&self, conn: &mut Client) -> Result<bool, postgres::Error> {
        let renewed = conn.execute(
            "UPDATE oxigram_leases SET expires_at = now() + $4::float8 * interval '1 millisecond'
             WHERE account = $1 AND holder = $2 AND token = $3 AND expires_at > now()",
            &[&self.account, &self.holder, &self.token, &millis(self.ttl)],
        )?;
        Ok(renewed == 1)
    }

    /// Gives the lease back at once, so that a process waiting for it need not wait for
    /// it to expire.
    fn release(&self, conn: &mut Client) -> Result<(), postgres::Error> {
        conn.execute(
            "UPDATE oxigram_leases SET expires_at = now()
             WHERE account = $1 AND holder = $2 AND token = $3",
            &[&self.account, &self.holder, &self.token],
        )
        .map(drop)
    }
}

/// The renewer thread: renews every third of the lease; when a renewal is refused, or
/// none succeeded before the lease could have run out, the lease is lost. At close it
/// gives the lease back.
pub(crate) fn renew_loop(
    url: String,
    mut conn: Option<Client>,
    lease: Arc<Lease>,
    shared: Arc<Shared>,
) {
    let period = lease.ttl / 3;
    // Retries come quicker: each failed one leaves less of the lease.
    let retry = (lease.ttl / 20).max(Duration::from_millis(10));
    let mut next = Instant::now() + period;
    loop {
        {
            let mut state = lease.lock();
            loop {
                if state.closing || state.lost.is_some() {
                    break;
                }
                let now = Instant::now();
                if now >= next {
                    break;
                }
                state = lease
                    .changed
                    .wait_timeout(state, next - now)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
            if state.lost.is_some() {
                return;
            }
            if state.closing {
                drop(state);
                give_back(&url, conn, &lease);
                return;
            }
        }
        let sent = Instant::now();
        let outcome = match conn.as_mut() {
            Some(c) => lease.renew(c).map_err(|e| super::describe(&e)),
            None => Err("not connected".to_owned()),
        };
        match outcome {
            Ok(true) => {
                tracing::debug!(
                    account = %lease.account,
                    token = lease.token,
                    age_ms = lease.taken.elapsed().as_millis() as u64,
                    renewal_ms = sent.elapsed().as_millis() as u64,
                    "lease renewed"
                );
                lease.lock().valid_until = sent + lease.ttl;
                next = sent + period;
            }
            Ok(false) => {
                lease.lose(
                    "another process took it (it expired before this one renewed it)".into(),
                    &shared,
                );
                return;
            }
            Err(e) => {
                // The watchdog gives the lease up if this goes on too long.
                tracing::warn!(account = %lease.account, error = %e, "could not renew the lease");
                if conn.as_ref().is_none_or(|c| c.is_closed()) {
                    conn = match connect(&url) {
                        Ok(c) => Some(c),
                        Err(e) => {
                            tracing::warn!(error = %e, "reconnecting to renew the lease");
                            None
                        }
                    };
                }
                next = Instant::now() + retry;
            }
        }
    }
}

/// The watchdog thread: gives the lease up when no renewal succeeded in time, even if
/// the renewer is stuck in a call to a database that stopped answering. It fires a
/// sixth of the lease before the lease could run out, so that the client has that long
/// to close its connections before the database lets another holder in.
pub(crate) fn watch_loop(lease: Arc<Lease>, shared: Arc<Shared>) {
    let margin = lease.ttl / 6;
    let mut state = lease.lock();
    loop {
        if state.closing || state.lost.is_some() {
            return;
        }
        let deadline = state
            .valid_until
            .checked_sub(margin)
            .unwrap_or(state.valid_until);
        let now = Instant::now();
        if now >= deadline {
            drop(state);
            lease.lose("not renewed in time".into(), &shared);
            return;
        }
        state = lease
            .changed
            .wait_timeout(state, deadline - now)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
}

/// Gives the lease back on `conn`, or on a new connection if there is none.
pub(crate) fn give_back(url: &str, conn: Option<Client>, lease: &Lease) {
    let conn = match conn {
        Some(c) if !c.is_closed() => Ok(c),
        _ => connect(url),
    };
    let result = conn.and_then(|mut c| lease.release(&mut c).map_err(db_error));
    match result {
        Ok(()) => tracing::debug!(account = %lease.account, "lease given back"),
        Err(e) => tracing::warn!(
            account = %lease.account,
            error = %e,
            "could not give the lease back: the next holder waits for it to expire"
        ),
    }
}
