//! What a driver hands its client handles besides answers: updates, client events and the
//! connection's status, each behind a lock with a listener list, so that async and
//! blocking callers wait on the same queues.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use event_listener::{Event, Listener};
use oxigram_proto::handshake::AuthKeyOutcome;

use crate::core::Update;
use crate::error::LinkError;

/// Something about the connection a program may want to act on, from
/// [`Connection::next_event`](crate::Connection::next_event).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ClientEvent {
    /// A new auth key was created: save it (with the DC) to skip the key exchange next
    /// time. Never dropped from the queue.
    AuthKeyCreated(Box<AuthKeyOutcome>),
    /// The server does not know our auth key (transport error `-404`): it was dropped and
    /// a new one is being made; a saved copy is worthless, and the account must sign in
    /// again on the new key. Never dropped from the queue.
    AuthKeyRejected,
    /// The connection failed; the client reconnects as its policy says.
    ConnectionLost(LinkError),
    /// A new connection is up after a failure.
    ConnectionRestored,
    /// The server's clock differs from ours by this many seconds (server minus local):
    /// learned from the key exchange or a time correction.
    TimeOffset(i32),
    /// Updates may have been missed: fetch the difference (`updates.getDifference`).
    UpdatesMissed(MissedUpdates),
    /// The client gave up reconnecting; every request fails from now on. Never dropped.
    GaveUp(LinkError),
    /// (With perfect forward secrecy) a new temporary key was bound to the permanent key
    /// and carries the traffic until it ends at `expires_at` (server time, unix seconds);
    /// it is never stored.
    TempKeyBound {
        /// When it ends; a successor is bound before.
        expires_at: i32,
    },
}

impl ClientEvent {
    /// Events that describe a passing state, dropped first when the queue is full.
    fn is_transient(&self) -> bool {
        matches!(
            self,
            ClientEvent::ConnectionLost(_)
                | ClientEvent::ConnectionRestored
                | ClientEvent::TimeOffset(_)
                | ClientEvent::TempKeyBound { .. }
        )
    }
}

/// Why updates may have been missed; counts merge while the event waits to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MissedUpdates {
    /// Updates dropped because the update queue was full (nobody read them).
    pub dropped: u64,
    /// Times the server started a new session (`new_session_created`): what it sent
    /// before may be lost.
    pub new_sessions: u64,
}

/// How many client events wait unread at most. When full, the oldest passing-state
/// event (connection lost or restored, time offset) makes room; missed-update reports
/// merge into one; key and give-up events are always kept (each costs a key exchange or
/// ends the client, so the reconnection policy bounds them).
pub const EVENT_QUEUE: usize = 256;

/// The connection's status as `connect` waits on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Status {
    Starting,
    Ready,
    Ended(LinkError),
    Closed,
}

struct Inner {
    updates: VecDeque<Update>,
    update_capacity: usize,
    /// Updates dropped since the last one queued (an overflow under way).
    overflowing: bool,
    events: VecDeque<ClientEvent>,
    status: Status,
}

/// The queues shared by a driver and its client handles.
pub struct Outputs {
    inner: Mutex<Inner>,
    /// Notified on every change; listeners re-check what they wait for.
    changed: Event,
    /// Requests the driver holds a waiter for.
    pending: AtomicUsize,
}

impl std::fmt::Debug for Outputs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.lock();
        f.debug_struct("Outputs")
            .field("updates", &inner.updates.len())
            .field("events", &inner.events.len())
            .finish_non_exhaustive()
    }
}

impl Outputs {
    /// Queues for a client keeping at most `update_capacity` unread updates.
    pub fn new(update_capacity: usize) -> Self {
        Outputs {
            inner: Mutex::new(Inner {
                updates: VecDeque::new(),
                update_capacity: update_capacity.max(1),
                overflowing: false,
                events: VecDeque::new(),
                status: Status::Starting,
            }),
            changed: Event::new(),
            pending: AtomicUsize::new(0),
        }
    }

    /// Requests waiting for their answer (as the driver last counted them).
    pub fn pending(&self) -> usize {
        self.pending.load(Ordering::Relaxed)
    }

    pub(crate) fn set_pending(&self, pending: usize) {
        self.pending.store(pending, Ordering::Relaxed);
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues an update. A full queue drops it and reports the loss as
    /// [`ClientEvent::UpdatesMissed`]: the updates layer fetches the difference, so
    /// nothing is lost silently and memory stays bounded.
    pub(crate) fn push_update(&self, update: Update) {
        let mut inner = self.lock();
        if inner.updates.len() >= inner.update_capacity {
            if !inner.overflowing {
                tracing::warn!(
                    capacity = inner.update_capacity,
                    "update queue full: dropping updates until it is read"
                );
            }
            inner.overflowing = true;
            push_event(
                &mut inner.events,
                ClientEvent::UpdatesMissed(MissedUpdates {
                    dropped: 1,
                    new_sessions: 0,
                }),
            );
        } else {
            inner.overflowing = false;
            inner.updates.push_back(update);
        }
        drop(inner);
        self.changed.notify(usize::MAX);
    }

    pub(crate) fn push_event(&self, event: ClientEvent) {
        push_event(&mut self.lock().events, event);
        self.changed.notify(usize::MAX);
    }

    pub(crate) fn set_status(&self, status: Status) {
        {
            let mut inner = self.lock();
            // An end is final.
            if matches!(inner.status, Status::Ended(_) | Status::Closed) {
                return;
            }
            inner.status = status;
        }
        self.changed.notify(usize::MAX);
    }

    pub(crate) fn status(&self) -> Status {
        self.lock().status.clone()
    }

    /// How the start went: `None` while it is under way, then `Ok` once the connection
    /// works, or why it ended.
    pub fn started(&self) -> Option<Result<(), LinkError>> {
        match self.status() {
            Status::Starting => None,
            Status::Ready => Some(Ok(())),
            Status::Ended(why) => Some(Err(why)),
            Status::Closed => Some(Err(LinkError::Closed)),
        }
    }

    /// Unread updates.
    pub fn queued_updates(&self) -> usize {
        self.lock().updates.len()
    }

    /// The next update, or `None` once the client ended and every update was read.
    pub(crate) fn try_update(&self) -> Option<Option<Update>> {
        let mut inner = self.lock();
        match inner.updates.pop_front() {
            Some(u) => Some(Some(u)),
            None if matches!(inner.status, Status::Ended(_) | Status::Closed) => Some(None),
            None => None,
        }
    }

    /// The next event, or `None` once the client ended and every event was read.
    pub(crate) fn try_event(&self) -> Option<Option<ClientEvent>> {
        let mut inner = self.lock();
        match inner.events.pop_front() {
            Some(e) => Some(Some(e)),
            None if matches!(inner.status, Status::Ended(_) | Status::Closed) => Some(None),
            None => None,
        }
    }

    /// Waits (async) until `ready` gives an answer.
    pub(crate) async fn wait<T>(&self, mut ready: impl FnMut(&Self) -> Option<T>) -> T {
        loop {
            if let Some(v) = ready(self) {
                return v;
            }
            let listener = self.changed.listen();
            if let Some(v) = ready(self) {
                return v;
            }
            listener.await;
        }
    }

    /// Waits (blocking) until `ready` gives an answer or `deadline` passes.
    pub fn wait_blocking<T>(
        &self,
        deadline: Option<Instant>,
        mut ready: impl FnMut(&Self) -> Option<T>,
    ) -> Option<T> {
        loop {
            if let Some(v) = ready(self) {
                return Some(v);
            }
            let listener = self.changed.listen();
            if let Some(v) = ready(self) {
                return Some(v);
            }
            match deadline {
                Some(at) => {
                    listener.wait_deadline(at)?;
                }
                None => listener.wait(),
            }
        }
    }

    /// The next update, blocking until `deadline`, telling a deadline passed from an
    /// ended connection.
    pub fn wait_update_blocking(&self, deadline: Instant) -> UpdateWait {
        match self.wait_blocking(Some(deadline), Outputs::try_update) {
            Some(Some(update)) => UpdateWait::Update(update),
            Some(None) => UpdateWait::Ended,
            None => UpdateWait::TimedOut,
        }
    }

    /// The next update, blocking until `deadline`; `None` at the deadline or once the
    /// client ended and every update was read.
    pub fn next_update_blocking(&self, deadline: Option<Instant>) -> Option<Update> {
        self.wait_blocking(deadline, Outputs::try_update).flatten()
    }

    /// The next client event, blocking until `deadline`.
    pub fn next_event_blocking(&self, deadline: Option<Instant>) -> Option<ClientEvent> {
        self.wait_blocking(deadline, Outputs::try_event).flatten()
    }
}

/// What a wait for the next update with a deadline gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateWait {
    /// An update.
    Update(Update),
    /// The deadline passed first.
    TimedOut,
    /// The connection ended and every update was read.
    Ended,
}

fn push_event(events: &mut VecDeque<ClientEvent>, event: ClientEvent) {
    if let ClientEvent::UpdatesMissed(new) = &event
        && let Some(ClientEvent::UpdatesMissed(old)) = events
            .iter_mut()
            .rev()
            .find(|e| matches!(e, ClientEvent::UpdatesMissed(_)))
    {
        old.dropped += new.dropped;
        old.new_sessions += new.new_sessions;
        return;
    }
    if let ClientEvent::TimeOffset(_) = event
        && let Some(at) = events
            .iter()
            .position(|e| matches!(e, ClientEvent::TimeOffset(_)))
    {
        events.remove(at);
    }
    if events.len() >= EVENT_QUEUE
        && let Some(at) = events.iter().position(ClientEvent::is_transient)
    {
        events.remove(at);
    }
    events.push_back(event);
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn update(n: u32) -> Update {
        Update {
            constructor_id: n,
            body: Bytes::new(),
        }
    }

    #[test]
    fn a_full_update_queue_drops_and_reports_every_loss() {
        let outputs = Outputs::new(3);
        for n in 0..10 {
            outputs.push_update(update(n));
        }
        assert_eq!(outputs.queued_updates(), 3);
        assert_eq!(
            outputs.try_event(),
            Some(Some(ClientEvent::UpdatesMissed(MissedUpdates {
                dropped: 7,
                new_sessions: 0
            })))
        );
        let kept: Vec<u32> = (0..3)
            .map(|_| outputs.try_update().unwrap().unwrap().constructor_id)
            .collect();
        assert_eq!(kept, [0, 1, 2]);
        assert_eq!(outputs.try_update(), None, "empty, client still running");
    }

    #[test]
    fn the_event_queue_stays_bounded_and_keeps_key_events() {
        let outputs = Outputs::new(1);
        outputs.push_event(ClientEvent::AuthKeyRejected);
        for _ in 0..10_000 {
            outputs.push_event(ClientEvent::ConnectionLost(LinkError::Closed));
            outputs.push_event(ClientEvent::TimeOffset(3));
        }
        let mut events = Vec::new();
        while let Some(Some(e)) = outputs.try_event() {
            events.push(e);
        }
        assert_eq!(events.len(), EVENT_QUEUE);
        assert_eq!(events[0], ClientEvent::AuthKeyRejected);
        assert_eq!(
            events
                .iter()
                .filter(|e| matches!(e, ClientEvent::TimeOffset(_)))
                .count(),
            1,
            "only the latest offset is kept"
        );
    }

    #[test]
    fn readers_see_the_end_after_the_queue_drains() {
        let outputs = Outputs::new(4);
        outputs.push_update(update(1));
        outputs.set_status(Status::Closed);
        assert_eq!(
            outputs.next_update_blocking(None).unwrap().constructor_id,
            1
        );
        assert_eq!(outputs.next_update_blocking(None), None);
        outputs.set_status(Status::Ready);
        assert_eq!(outputs.status(), Status::Closed, "an end is final");
    }
}
