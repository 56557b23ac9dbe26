//! Conversations: waiting for the next update of a chat that passes a filter.
//!
//! A listener is registered when it is made (so an answer that comes before the
//! listener is awaited is not missed) and removed when it is answered, cancelled, timed
//! out, or dropped. Listeners see updates before any handler: the first listener (in
//! the order they were made) whose chat and filter match takes the update, and no
//! handler sees it.
//!
//! At most [`MAX_LISTENERS`] listeners wait at once per kind of update; past that,
//! making one fails with [`ListenError::TooMany`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use futures_channel::oneshot;
use futures_util::future::{Either, select};

use super::filter::Filter;
use super::group::passes;
use crate::client::net::Net;

/// Listeners that may wait at once, per kind of update.
pub const MAX_LISTENERS: usize = 10_000;

/// Why a listener ended without an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ListenError {
    /// Nothing matching came in time.
    #[error("no answer came in {0:?}")]
    Timeout(Duration),
    /// The listener was cancelled with its [`CancelHandle`].
    #[error("the listener was cancelled")]
    Cancelled,
    /// The dispatcher stopped.
    #[error("the dispatcher stopped")]
    Stopped,
    /// [`MAX_LISTENERS`] listeners already wait.
    #[error("too many listeners wait already ({MAX_LISTENERS})")]
    TooMany,
}

type Answer<T> = Result<T, ListenError>;

struct Waiting<T> {
    id: u64,
    chat: Option<i64>,
    filter: Arc<dyn Filter<T>>,
    answer: oneshot::Sender<Answer<T>>,
}

/// The listeners of one kind of update.
pub(crate) struct Listeners<T> {
    waiting: Mutex<Vec<Waiting<T>>>,
    next_id: AtomicU64,
    limit: usize,
}

impl<T: Send + Sync + 'static> Listeners<T> {
    pub(crate) fn new() -> Self {
        Self::with_limit(MAX_LISTENERS)
    }

    pub(crate) fn with_limit(limit: usize) -> Self {
        Listeners {
            waiting: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(0),
            limit,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Waiting<T>>> {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a listener for the chat `chat` (any chat: `None`).
    pub(crate) fn register(
        self: &Arc<Self>,
        chat: Option<i64>,
        filter: Arc<dyn Filter<T>>,
    ) -> Registration<T> {
        let (answer, receiver) = oneshot::channel();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut waiting = self.lock();
        // Listeners whose futures were dropped without being polled to the end left
        // no entry (their guard removed it), so only live ones count.
        if waiting.len() >= self.limit {
            return Registration {
                id,
                listeners: Weak::new(),
                receiver: Err(ListenError::TooMany),
            };
        }
        waiting.push(Waiting {
            id,
            chat,
            filter,
            answer,
        });
        Registration {
            id,
            listeners: Arc::downgrade(self),
            receiver: Ok(receiver),
        }
    }

    /// Removes the listener `id` and tells it `why`; whether it was still waiting.
    fn end(&self, id: u64, why: ListenError) -> bool {
        let removed = {
            let mut waiting = self.lock();
            waiting
                .iter()
                .position(|w| w.id == id)
                .map(|at| waiting.remove(at))
        };
        match removed {
            Some(listener) => {
                if listener.answer.send(Err(why)).is_err() {
                    tracing::trace!(id, "a listener ended while its future was going away");
                }
                true
            }
            None => false,
        }
    }

    /// Removes the listener `id` without a word (its future is gone).
    fn forget(&self, id: u64) {
        self.lock().retain(|w| w.id != id);
    }

    /// Offers `update` (of the chat `chat`) to the listeners: the update back if none
    /// took it.
    pub(crate) async fn offer(&self, chat: Option<i64>, update: T) -> Option<T> {
        let candidates: Vec<(u64, Arc<dyn Filter<T>>)> = {
            let mut waiting = self.lock();
            waiting.retain(|w| !w.answer.is_canceled());
            waiting
                .iter()
                .filter(|w| w.chat.is_none() || w.chat == chat)
                .map(|w| (w.id, w.filter.clone()))
                .collect()
        };
        let mut update = update;
        for (id, filter) in candidates {
            match passes(&*filter, &update).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(panic) => {
                    tracing::error!(id, %panic, "a listener's filter panicked");
                    continue;
                }
            }
            let taken = {
                let mut waiting = self.lock();
                waiting
                    .iter()
                    .position(|w| w.id == id)
                    .map(|at| waiting.remove(at))
            };
            // Answered, cancelled or dropped while its filter ran: the next one may
            // take the update.
            let Some(listener) = taken else { continue };
            match listener.answer.send(Ok(update)) {
                Ok(()) => return None,
                // Its future went away meanwhile: the update goes on.
                Err(Ok(back)) => update = back,
                // What was sent was an update; nothing else can come back.
                Err(Err(_)) => return None,
            }
        }
        Some(update)
    }

    /// Ends every listener with [`ListenError::Stopped`].
    pub(crate) fn stop_all(&self) {
        let ended = std::mem::take(&mut *self.lock());
        for listener in ended {
            if listener.answer.send(Err(ListenError::Stopped)).is_err() {
                tracing::trace!(id = listener.id, "a stopped listener's future was gone");
            }
        }
    }

    /// How many listeners wait.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }
}

/// A registered listener; dropping it removes the listener.
pub(crate) struct Registration<T: Send + Sync + 'static> {
    id: u64,
    listeners: Weak<Listeners<T>>,
    receiver: Result<oneshot::Receiver<Answer<T>>, ListenError>,
}

impl<T: Send + Sync + 'static> Registration<T> {
    /// A handle that cancels this listener.
    pub(crate) fn cancel_handle(&self) -> CancelHandle {
        let listeners = self.listeners.clone();
        let id = self.id;
        CancelHandle {
            cancel: Arc::new(move || {
                listeners
                    .upgrade()
                    .is_some_and(|l| l.end(id, ListenError::Cancelled))
            }),
        }
    }

    /// Waits for the answer, at most `timeout`, with timers on `net`.
    pub(crate) async fn wait(mut self, net: &Arc<dyn Net>, timeout: Option<Duration>) -> Answer<T> {
        let receiver = match std::mem::replace(&mut self.receiver, Err(ListenError::Stopped)) {
            Ok(receiver) => receiver,
            Err(e) => return Err(e),
        };
        let Some(timeout) = timeout else {
            return receiver.await.unwrap_or(Err(ListenError::Stopped));
        };
        // The timer runs as its own task, so that a runtime whose sleep blocks the
        // thread (blocking sockets) still lets the answer through.
        let (fire, fired) = oneshot::channel::<()>();
        let sleeper = net.clone();
        net.spawn(Box::pin(async move {
            sleeper.sleep(timeout).await;
            if fire.send(()).is_err() {
                tracing::trace!("a listener's timer went off after its answer");
            }
        }));
        match select(receiver, fired).await {
            Either::Left((answer, _)) => answer.unwrap_or(Err(ListenError::Stopped)),
            Either::Right((_, receiver)) => {
                let timed_out = self
                    .listeners
                    .upgrade()
                    .is_some_and(|l| l.end(self.id, ListenError::Timeout(timeout)));
                if timed_out {
                    return Err(ListenError::Timeout(timeout));
                }
                // The answer came as the timer went off: it wins.
                receiver.await.unwrap_or(Err(ListenError::Stopped))
            }
        }
    }
}

impl<T: Send + Sync + 'static> Drop for Registration<T> {
    fn drop(&mut self) {
        if let Some(listeners) = self.listeners.upgrade() {
            listeners.forget(self.id);
        }
    }
}

/// Cancels a listener: it ends with [`ListenError::Cancelled`].
#[derive(Clone)]
pub struct CancelHandle {
    cancel: Arc<dyn Fn() -> bool + Send + Sync>,
}

impl std::fmt::Debug for CancelHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CancelHandle(..)")
    }
}

impl CancelHandle {
    /// Cancels the listener; whether it was still waiting.
    pub fn cancel(&self) -> bool {
        (self.cancel)()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::filters::{all, create};
    use crate::dispatch::pool::tests::runtimes;

    fn listeners() -> Arc<Listeners<u32>> {
        Arc::new(Listeners::new())
    }

    #[test]
    fn the_first_matching_listener_of_the_chat_takes_the_update() {
        futures_executor::block_on(async {
            let l = listeners();
            let even = l.register(Some(1), Arc::new(create(|n: &u32| n.is_multiple_of(2))));
            let any = l.register(Some(1), Arc::new(all));
            let other_chat = l.register(Some(2), Arc::new(all));
            assert_eq!(l.offer(Some(1), 3).await, None);
            assert_eq!(l.offer(Some(1), 4).await, None);
            assert_eq!(l.offer(Some(1), 5).await, Some(5));
            assert_eq!(l.offer(None, 6).await, Some(6));
            let net: Arc<dyn Net> = Arc::new(crate::client::net::blocking::BlockingNet);
            assert_eq!(any.wait(&net, None).await, Ok(3));
            assert_eq!(even.wait(&net, None).await, Ok(4));
            assert_eq!(l.len(), 1);
            drop(other_chat);
            assert_eq!(l.len(), 0);
            assert_eq!(l.offer(Some(2), 7).await, Some(7));
        });
    }

    #[test]
    fn cancel_stop_and_the_limit() {
        futures_executor::block_on(async {
            let net: Arc<dyn Net> = Arc::new(crate::client::net::blocking::BlockingNet);
            let l = Arc::new(Listeners::<u32>::with_limit(2));
            let first = l.register(None, Arc::new(all));
            let cancel = first.cancel_handle();
            let second = l.register(None, Arc::new(all));
            let third = l.register(None, Arc::new(all));
            assert_eq!(third.wait(&net, None).await, Err(ListenError::TooMany));
            assert!(cancel.cancel());
            assert!(!cancel.cancel());
            assert_eq!(first.wait(&net, None).await, Err(ListenError::Cancelled));
            l.stop_all();
            assert_eq!(second.wait(&net, None).await, Err(ListenError::Stopped));
            assert_eq!(l.offer(None, 1).await, Some(1));
        });
    }

    /// On every runtime: a listener with nothing coming times out; one answered first
    /// gets its answer although its timer runs.
    #[test]
    fn timeouts_on_every_runtime() {
        for (name, net, block_on) in runtimes() {
            block_on(Box::pin(async move {
                let l = listeners();
                let short = Duration::from_millis(5);
                let lonely = l.register(Some(1), Arc::new(all));
                assert_eq!(
                    lonely.wait(&net, Some(short)).await,
                    Err(ListenError::Timeout(short)),
                    "{name}"
                );
                assert_eq!(l.len(), 0, "{name}");
                let answered = l.register(Some(1), Arc::new(all));
                assert_eq!(l.offer(Some(1), 9).await, None, "{name}");
                assert_eq!(
                    answered.wait(&net, Some(Duration::from_secs(30))).await,
                    Ok(9),
                    "{name}"
                );
            }));
        }
    }
}
