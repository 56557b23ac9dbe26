//! Update states held back until the dispatcher's handlers are done with the updates
//! they cover.
//!
//! [`Client::next_update`] counts an update as handled when the reader asks for the
//! next one. The dispatcher's reader asks as soon as it has queued an update for the
//! workers, so it takes a [`Handled`] ticket instead: the state covering the update
//! waits here and is saved once the update's handler returned and every update before
//! it was handled, so a process killed while handlers run gets their updates again
//! after a restart (at least once), as it does when it reads `next_update` itself.
//!
//! Bound: at most [`MAX_UNSETTLED`] entries, each held at most [`MAX_HOLD`]. A handler
//! that runs longer (a conversation waiting for an answer, say) does not hold the saved
//! state back for ever, nor make a crash repeat everything since it started: when a
//! later update comes, an entry past either bound is saved though its handler still
//! runs, and a warning says so (that update would not come again after a crash).

use std::collections::VecDeque;
use std::sync::{Arc, MutexGuard, Weak};
use std::time::{Duration, Instant};

use oxigram_proto::updates::StateChange;

use super::Inner;
use crate::storage::{Change, UpdateState};

/// Entries held at most (each a few dozen bytes); past it the oldest is saved at once.
pub(crate) const MAX_UNSETTLED: usize = 10_000;

/// How long a handler may hold back the state covering its update.
pub(crate) const MAX_HOLD: Duration = Duration::from_secs(60);

/// How much is held: [`MAX_UNSETTLED`] and [`MAX_HOLD`] (smaller in tests).
#[derive(Debug, Clone, Copy)]
struct Limits {
    entries: usize,
    age: Duration,
}

const LIMITS: Limits = Limits {
    entries: MAX_UNSETTLED,
    age: MAX_HOLD,
};

/// States waiting for handlers, oldest first.
#[derive(Default)]
pub(crate) struct Unsettled {
    entries: VecDeque<Entry>,
    next_ticket: u64,
}

struct Entry {
    ticket: u64,
    since: Instant,
    /// The state covering the update (empty if its batch goes on after it), or a
    /// state that moved behind it.
    changes: Vec<StateChange>,
    done: bool,
}

/// The right to save the state covering one update, once its handler is done: dropped
/// when the handler returns (or panics, or a listener takes the update).
pub(crate) struct Handled {
    inner: Weak<Inner>,
    ticket: u64,
}

impl Drop for Handled {
    fn drop(&mut self) {
        // A client already gone has nothing left to save into.
        if let Some(inner) = self.inner.upgrade() {
            inner.feed.settle(&inner, self.ticket);
        }
    }
}

impl Unsettled {
    /// Adds an entry (its handler `done` already, or not) at `now` and returns its
    /// ticket; entries past the limits are saved first, handlers done or not.
    fn push(
        &mut self,
        changes: Vec<StateChange>,
        done: bool,
        limits: Limits,
        now: Instant,
        save: &mut impl FnMut(StateChange),
    ) -> u64 {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.entries.push_back(Entry {
            ticket,
            since: now,
            changes,
            done,
        });
        let too_old = |e: &Entry| now.saturating_duration_since(e.since) > limits.age;
        while self.entries.len() > limits.entries.max(1)
            || self.entries.front().is_some_and(too_old)
        {
            let Some(oldest) = self.entries.pop_front() else {
                break;
            };
            if !oldest.done {
                tracing::warn!(
                    held = ?now.saturating_duration_since(oldest.since),
                    later = self.entries.len(),
                    "a handler runs on: the state covering its update is saved without \
                     waiting for it"
                );
            }
            oldest.changes.into_iter().for_each(&mut *save);
        }
        self.save_done(save);
        ticket
    }

    /// Marks `ticket`'s handler done and saves what that lets through. A ticket saved
    /// already (past the limit, or at stop) is not found: nothing to do.
    fn done(&mut self, ticket: u64, save: &mut impl FnMut(StateChange)) {
        // Tickets are handed out in order, so the entries are sorted by them.
        if let Ok(at) = self.entries.binary_search_by_key(&ticket, |e| e.ticket) {
            self.entries[at].done = true;
            self.save_done(save);
        }
    }

    /// Saves the entries at the front whose handlers are done, in order.
    fn save_done(&mut self, save: &mut impl FnMut(StateChange)) {
        while self.entries.front().is_some_and(|e| e.done) {
            if let Some(entry) = self.entries.pop_front() {
                entry.changes.into_iter().for_each(&mut *save);
            }
        }
    }

    /// Saves every entry, in order, handlers done or not.
    fn drain(&mut self, save: &mut impl FnMut(StateChange)) {
        while let Some(entry) = self.entries.pop_front() {
            entry.changes.into_iter().for_each(&mut *save);
        }
    }
}

impl super::feed::Feed {
    fn unsettled(&self) -> MutexGuard<'_, Unsettled> {
        self.unsettled.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Saves `change` now, or behind the states still waiting for handlers.
    ///
    /// Lock order: the feed's state, then this; nothing takes them the other way round.
    /// Saving happens under this lock, so that states reach storage in order.
    pub(crate) fn save_state(&self, inner: &Inner, change: StateChange) {
        let mut unsettled = self.unsettled();
        if unsettled.entries.is_empty() {
            store(inner, change);
        } else {
            let now = Instant::now();
            unsettled.push(vec![change], true, LIMITS, now, &mut |c| store(inner, c));
        }
    }

    /// Holds `changes` (the state covering an update just read) until the returned
    /// ticket is dropped.
    pub(crate) fn hold(&self, inner: &Arc<Inner>, changes: Vec<StateChange>) -> Handled {
        let ticket = self
            .unsettled()
            .push(changes, false, LIMITS, Instant::now(), &mut |c| {
                store(inner, c)
            });
        Handled {
            inner: Arc::downgrade(inner),
            ticket,
        }
    }

    fn settle(&self, inner: &Inner, ticket: u64) {
        self.unsettled().done(ticket, &mut |c| store(inner, c));
    }

    /// Saves every state held, in order, handlers done or not: the reader stopped.
    pub(crate) fn save_all_held(&self, inner: &Inner) {
        self.unsettled().drain(&mut |c| store(inner, c));
    }
}

/// Writes one state change to the session.
fn store(inner: &Inner, change: StateChange) {
    let change = match change {
        StateChange::Account(s) => Change::Updates(UpdateState {
            pts: s.pts,
            qts: s.qts,
            date: s.date,
            seq: s.seq,
        }),
        StateChange::Channel(id, pts) => Change::ChannelPts(id, pts),
        // Kept as pts 0, which the next start skips.
        StateChange::ChannelRemoved(id) => Change::ChannelPts(id, 0),
    };
    // The state is saved again with the next update; a failed write costs a refetch of
    // what it covered after a restart, never an update.
    if let Err(e) = inner.save(change) {
        tracing::error!(%e, "could not save the update state");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(entries: usize) -> Limits {
        Limits {
            entries,
            age: Duration::from_secs(60),
        }
    }

    fn channel(id: i64) -> StateChange {
        StateChange::Channel(id, 1)
    }

    fn ids(saved: &[StateChange]) -> Vec<i64> {
        saved
            .iter()
            .map(|c| match c {
                StateChange::Channel(id, _) => *id,
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn states_are_saved_in_order_once_every_earlier_handler_is_done() {
        let (mut held, mut saved, t0) = (Unsettled::default(), Vec::new(), Instant::now());
        let mut save = |c| saved.push(c);
        let first = held.push(vec![channel(1)], false, limits(10), t0, &mut save);
        let second = held.push(vec![channel(2)], false, limits(10), t0, &mut save);
        // A state that moved behind them waits too.
        held.push(vec![channel(3)], true, limits(10), t0, &mut save);
        held.done(second, &mut save);
        assert!(saved.is_empty(), "the first handler still runs");
        let mut save = |c| saved.push(c);
        held.done(first, &mut save);
        assert_eq!(ids(&saved), [1, 2, 3]);
        assert!(held.entries.is_empty());
    }

    #[test]
    fn past_the_limit_the_oldest_is_saved_though_its_handler_runs() {
        let (mut held, mut saved, t0) = (Unsettled::default(), Vec::new(), Instant::now());
        let mut save = |c| saved.push(c);
        let stuck = held.push(vec![channel(1)], false, limits(2), t0, &mut save);
        let next = held.push(vec![channel(2)], false, limits(2), t0, &mut save);
        held.done(next, &mut save);
        // The third entry pushes the stuck one out, which lets the done one through.
        held.push(vec![channel(3)], false, limits(2), t0, &mut save);
        // The stuck handler ends later: its state went already.
        held.done(stuck, &mut save);
        assert_eq!(ids(&saved), [1, 2]);
        assert_eq!(held.entries.len(), 1);
    }

    #[test]
    fn a_stop_saves_everything_held_and_later_tickets_find_nothing() {
        let (mut held, mut saved, t0) = (Unsettled::default(), Vec::new(), Instant::now());
        let mut save = |c| saved.push(c);
        let running = held.push(
            vec![channel(1), channel(2)],
            false,
            limits(10),
            t0,
            &mut save,
        );
        held.push(vec![], false, limits(10), t0, &mut save);
        held.drain(&mut save);
        held.done(running, &mut save);
        assert_eq!(ids(&saved), [1, 2]);
        assert!(held.entries.is_empty());
    }

    #[test]
    fn a_handler_past_the_age_limit_holds_nothing_back_once_a_later_update_comes() {
        let (mut held, mut saved, t0) = (Unsettled::default(), Vec::new(), Instant::now());
        let mut save = |c| saved.push(c);
        held.push(vec![channel(1)], false, limits(10), t0, &mut save);
        let at_limit = t0 + Duration::from_secs(60);
        held.push(vec![channel(2)], true, limits(10), at_limit, &mut save);
        assert!(saved.is_empty(), "held for exactly the limit: still held");
        let mut save = |c| saved.push(c);
        let past = at_limit + Duration::from_millis(1);
        held.push(vec![channel(3)], false, limits(10), past, &mut save);
        // The old one goes, and the done one behind it; the new one waits.
        assert_eq!(ids(&saved), [1, 2]);
        assert_eq!(held.entries.len(), 1);
    }
}
