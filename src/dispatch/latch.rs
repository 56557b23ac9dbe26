//! A switch that tasks on any runtime can wait on: stop requests and signals.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use futures_channel::oneshot;

/// Wakes every task waiting on it when it fires. A latch that `stays` is fired for
/// good (a stop request); one that does not only wakes those waiting at the time (a
/// signal: the next wait waits for the next signal).
pub(crate) struct Latch {
    stays: bool,
    fired: AtomicBool,
    /// One sender per waiting task; those whose task went away are pruned on each
    /// new wait, so the list is as long as the tasks that wait.
    waiters: Mutex<Vec<oneshot::Sender<()>>>,
}

impl Latch {
    /// A latch that stays fired once fired.
    pub(crate) fn new() -> Self {
        Latch {
            stays: true,
            fired: AtomicBool::new(false),
            waiters: Mutex::new(Vec::new()),
        }
    }

    /// A latch that wakes the tasks waiting when it fires, and then waits again.
    pub(crate) fn pulse() -> Self {
        Latch {
            stays: false,
            ..Latch::new()
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<oneshot::Sender<()>>> {
        self.waiters.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Fires: every waiting task wakes.
    pub(crate) fn fire(&self) {
        let waiters = {
            let mut waiters = self.lock();
            if self.stays {
                self.fired.store(true, Ordering::SeqCst);
            }
            std::mem::take(&mut *waiters)
        };
        for waiter in waiters {
            if waiter.send(()).is_err() {
                tracing::trace!("a task waiting on a latch went away first");
            }
        }
    }

    /// Whether it has fired (for a latch that stays).
    #[cfg(test)]
    pub(crate) fn is_fired(&self) -> bool {
        self.fired.load(Ordering::SeqCst)
    }

    /// Waits until it fires (at once if it stays fired).
    pub(crate) async fn wait(&self) {
        let receiver = {
            let mut waiters = self.lock();
            if self.fired.load(Ordering::SeqCst) {
                return;
            }
            waiters.retain(|w| !w.is_canceled());
            let (sender, receiver) = oneshot::channel();
            waiters.push(sender);
            receiver
        };
        // Cancelled means the latch was dropped, which ends every wait too.
        if receiver.await.is_err() {
            tracing::trace!("a latch went away while waited on");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_stop_latch_stays_fired_and_a_pulse_does_not() {
        futures_executor::block_on(async {
            let stop = Arc::new(Latch::new());
            let waiting = {
                let stop = stop.clone();
                futures_util::future::FutureExt::shared(Box::pin(async move { stop.wait().await }))
            };
            let mut pending = std::pin::pin!(waiting.clone());
            assert!(futures_util::FutureExt::now_or_never(&mut pending).is_none());
            stop.fire();
            waiting.await;
            assert!(stop.is_fired());
            stop.wait().await;

            let pulse = Arc::new(Latch::pulse());
            let mut first = Box::pin({
                let pulse = pulse.clone();
                async move { pulse.wait().await }
            });
            assert!(futures_util::FutureExt::now_or_never(&mut first).is_none());
            pulse.fire();
            first.await;
            assert!(!pulse.is_fired());
            let mut second = Box::pin({
                let pulse = pulse.clone();
                async move { pulse.wait().await }
            });
            assert!(futures_util::FutureExt::now_or_never(&mut second).is_none());
        });
    }
}
