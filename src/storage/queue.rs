//! The bounded queue between [`Storage::save`](crate::storage::Storage::save) and a
//! storage's writer thread (SQLite's and PostgreSQL's).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::storage::memory::merge_peer;
use crate::storage::{Change, PeerRecord, StorageError, UpdateState};

/// Changes waiting to be written, coalesced.
///
/// Changes that touch separate fields commute, so only the order among the rare ones
/// that may touch the same rows (`ordered`) is kept; the frequent ones collapse to their
/// latest value. Writing a whole batch in one transaction then leaves the file exactly
/// as if every change up to the batch's last had been written one by one.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    /// Home, `api_id`, DCs, user and DC options, in the order saved.
    pub(crate) ordered: Vec<Change>,
    /// The latest update state.
    pub(crate) updates: Option<UpdateState>,
    /// The latest pts of each channel.
    pub(crate) channels: BTreeMap<i64, i32>,
    /// Peers by id, each merged with the one queued before it.
    pub(crate) peers: HashMap<i64, PeerRecord>,
}

impl Batch {
    /// Entries held: what the bound counts.
    pub(crate) fn len(&self) -> usize {
        self.ordered.len()
            + usize::from(self.updates.is_some())
            + self.channels.len()
            + self.peers.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entries `change` would add.
    fn growth(&self, change: &Change) -> usize {
        match change {
            Change::Updates(_) => usize::from(self.updates.is_none()),
            Change::ChannelPts(id, _) => usize::from(!self.channels.contains_key(id)),
            Change::Peers(peers) => peers
                .iter()
                .filter(|p| !self.peers.contains_key(&p.id))
                .count(),
            _ => 1,
        }
    }

    fn push(&mut self, change: Change) {
        match change {
            Change::Updates(state) => self.updates = Some(state),
            Change::ChannelPts(id, pts) => {
                self.channels.insert(id, pts);
            }
            Change::Peers(peers) => {
                for peer in peers {
                    let id = peer.id;
                    let merged = merge_peer(self.peers.get(&id), peer);
                    self.peers.insert(id, merged);
                }
            }
            other => self.ordered.push(other),
        }
    }
}

/// State shared by the storage and its writer.
#[derive(Debug, Default)]
pub(crate) struct Queue {
    /// Waiting for the writer.
    pub(crate) pending: Batch,
    /// Taken by the writer and being committed: still visible to lookups.
    pub(crate) in_flight: Option<Arc<Batch>>,
    /// Changes queued since opening.
    pub(crate) queued: u64,
    /// Changes durable since opening.
    pub(crate) durable: u64,
    /// Why the writer stopped, once it has.
    pub(crate) failed: Option<String>,
    /// Set by drop: the writer drains the queue and ends.
    pub(crate) closing: bool,
}

/// The queue, and a condition variable signalled on every change to it.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    queue: Mutex<Queue>,
    changed: Condvar,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Queue> {
        // A panic while holding the lock cannot leave the queue half-updated in a way
        // that matters more than losing the session: carry on with it.
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn notify(&self) {
        self.changed.notify_all();
    }

    pub(crate) fn wait<'a>(&self, guard: MutexGuard<'a, Queue>) -> MutexGuard<'a, Queue> {
        self.changed.wait(guard).unwrap_or_else(|e| e.into_inner())
    }

    fn wait_until<'a>(
        &self,
        guard: MutexGuard<'a, Queue>,
        deadline: Instant,
    ) -> MutexGuard<'a, Queue> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.changed
            .wait_timeout(guard, left)
            .unwrap_or_else(|e| e.into_inner())
            .0
    }

    /// Queues `change`, waiting up to `wait` for room when `limit` entries are queued.
    /// A change bigger than the whole bound is taken into an empty queue.
    pub(crate) fn push(
        &self,
        change: Change,
        limit: usize,
        wait: Duration,
    ) -> Result<(), StorageError> {
        let deadline = Instant::now() + wait;
        let mut queue = self.lock();
        loop {
            if let Some(reason) = &queue.failed {
                return Err(StorageError::WriterStopped(reason.clone()));
            }
            let len = queue.pending.len();
            if len == 0 || len + queue.pending.growth(&change) <= limit {
                break;
            }
            if Instant::now() >= deadline {
                tracing::warn!(queued = len, "session write queue full; change refused");
                return Err(StorageError::QueueFull(wait));
            }
            queue = self.wait_until(queue, deadline);
        }
        queue.pending.push(change);
        queue.queued += 1;
        drop(queue);
        self.notify();
        Ok(())
    }

    /// For a writer: waits until something is queued (or the storage closes, or the
    /// queue failed: then `None`), and takes everything queued as the batch to commit,
    /// with the count it makes durable once committed.
    pub(crate) fn next_batch(&self) -> Option<(Arc<Batch>, u64)> {
        let mut queue = self.lock();
        while queue.pending.is_empty() && !queue.closing && queue.failed.is_none() {
            queue = self.wait(queue);
        }
        if queue.pending.is_empty() || queue.failed.is_some() {
            return None;
        }
        // Everything queued goes into this batch: changes saved while it commits wait
        // for the next, so batches grow with the database's latency.
        let batch = Arc::new(std::mem::take(&mut queue.pending));
        queue.in_flight = Some(batch.clone());
        let target = queue.queued;
        drop(queue);
        // The queue has room again: wake savers waiting for it.
        self.notify();
        Some((batch, target))
    }

    /// For a writer: the batch taken with `target` is committed.
    pub(crate) fn committed(&self, target: u64) {
        let mut queue = self.lock();
        queue.in_flight = None;
        queue.durable = target;
        drop(queue);
        self.notify();
    }

    /// Stops the queue for good: every later save and flush fails with `reason` (the
    /// first reason given stays).
    pub(crate) fn fail(&self, reason: String) {
        let mut queue = self.lock();
        if queue.failed.is_none() {
            queue.failed = Some(reason);
        }
        drop(queue);
        self.notify();
    }

    /// Waits until every change queued so far is durable.
    pub(crate) fn flush(&self) -> Result<(), StorageError> {
        let mut queue = self.lock();
        let target = queue.queued;
        loop {
            if queue.durable >= target {
                return Ok(());
            }
            if let Some(reason) = &queue.failed {
                return Err(StorageError::WriterStopped(reason.clone()));
            }
            queue = self.wait(queue);
        }
    }

    /// A peer lookup that sees queued changes: `queued` is the queued record the
    /// lookup matches, if any (merged over the stored record of its id, read with
    /// `stored_by_id`); otherwise what `stored` finds, unless a queued record of that
    /// peer replaces it (it lacks the key looked up, or it would have been found first).
    pub(crate) fn find_peer(
        &self,
        queued: Option<PeerRecord>,
        stored_by_id: impl FnOnce(i64) -> Result<Option<PeerRecord>, StorageError>,
        stored: impl FnOnce() -> Result<Option<PeerRecord>, StorageError>,
    ) -> Result<Option<PeerRecord>, StorageError> {
        if let Some(queued) = queued {
            let old = stored_by_id(queued.id)?;
            return Ok(Some(merge_peer(old.as_ref(), queued)));
        }
        Ok(stored()?.filter(|p| self.queued_peer(p.id).is_none()))
    }

    /// The queued (or being written) peer with `username` (lower case).
    pub(crate) fn queued_by_username(&self, username: &str) -> Option<PeerRecord> {
        self.queued_find(|p| p.usernames.iter().any(|u| u.to_lowercase() == username))
    }

    /// The queued (or being written) user with this phone number.
    pub(crate) fn queued_by_phone(&self, phone: &str) -> Option<PeerRecord> {
        self.queued_find(|p| p.phone.as_deref() == Some(phone))
    }

    /// The queued (or being written) record of peer `id`, newest first.
    pub(crate) fn queued_peer(&self, id: i64) -> Option<PeerRecord> {
        let queue = self.lock();
        queue.pending.peers.get(&id).cloned().or_else(|| {
            queue
                .in_flight
                .as_ref()
                .and_then(|b| b.peers.get(&id).cloned())
        })
    }

    /// A queued (or being written) peer that `matches`, the newest first.
    fn queued_find(&self, matches: impl Fn(&PeerRecord) -> bool) -> Option<PeerRecord> {
        let queue = self.lock();
        let pending = queue.pending.peers.values();
        let flying = queue.in_flight.iter().flat_map(|b| b.peers.values());
        pending.chain(flying).find(|p| matches(p)).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::PeerKind;

    fn peer(id: i64, hash: i64) -> PeerRecord {
        PeerRecord {
            id,
            access_hash: hash,
            kind: PeerKind::User,
            usernames: vec![],
            phone: None,
            updated_at: 0,
        }
    }

    #[test]
    fn peers_and_states_coalesce_and_the_rest_keeps_order() {
        let mut batch = Batch::default();
        batch.push(Change::Peers(vec![peer(1, 10), peer(2, 20)]));
        batch.push(Change::Peers(vec![peer(1, 0)]));
        batch.push(Change::Updates(UpdateState {
            pts: 1,
            ..Default::default()
        }));
        batch.push(Change::Updates(UpdateState {
            pts: 2,
            ..Default::default()
        }));
        batch.push(Change::ApiId(1));
        batch.push(Change::User(None));
        assert_eq!(batch.len(), 5);
        // The min record kept the queued hash.
        assert_eq!(batch.peers[&1].access_hash, 10);
        assert_eq!(batch.updates.unwrap().pts, 2);
        assert_eq!(batch.ordered, [Change::ApiId(1), Change::User(None)]);
    }

    #[test]
    fn a_full_queue_refuses_after_waiting_and_takes_what_coalesces() {
        let shared = Shared::default();
        let wait = Duration::from_millis(10);
        shared
            .push(Change::Peers(vec![peer(1, 1)]), 2, wait)
            .unwrap();
        shared
            .push(Change::Peers(vec![peer(2, 2)]), 2, wait)
            .unwrap();
        // Peer 1 again adds no entry: taken although the queue is full.
        shared
            .push(Change::Peers(vec![peer(1, 5)]), 2, wait)
            .unwrap();
        match shared.push(Change::Peers(vec![peer(3, 3)]), 2, wait) {
            Err(StorageError::QueueFull(_)) => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(shared.lock().pending.len(), 2);
        assert_eq!(shared.queued_peer(1).unwrap().access_hash, 5);
    }

    #[test]
    fn a_failed_writer_is_reported_to_savers_and_flushers() {
        let shared = Shared::default();
        shared.push(Change::ApiId(1), 10, Duration::ZERO).unwrap();
        shared.lock().failed = Some("disk full".into());
        for result in [
            shared.push(Change::ApiId(2), 10, Duration::ZERO),
            shared.flush(),
        ] {
            match result {
                Err(StorageError::WriterStopped(reason)) => assert_eq!(reason, "disk full"),
                other => panic!("{other:?}"),
            }
        }
    }
}
