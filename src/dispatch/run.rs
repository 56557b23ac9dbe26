//! [`Client::run`]: read updates, hand them to the workers, stop cleanly.
//!
//! The reader runs as a task of its own on the client's runtime (a thread on blocking
//! sockets), so that stopping never waits for the next update: `run` waits for a stop
//! request ([`Client::stop`]), a signal (Ctrl-C, SIGTERM), or the end of the updates;
//! then the queued updates are handled, the workers return, listeners end, the stop
//! handlers run, and the connections close.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;

use futures_channel::oneshot;
use futures_util::future::{Either, select};
use oxigram_runtime::BoxFuture;

use super::dispatcher::Dispatcher;
use super::latch::Latch;
use super::signals;
use crate::Client;
use crate::types::Update;

/// Where [`Client::run_with`] reads updates from.
pub trait UpdateSource: Send + Sync + 'static {
    /// The next update; `None` when there are no more.
    fn next_update(&self) -> BoxFuture<'_, crate::Result<Option<Update>>>;

    /// An update read already that must be handled before the run stops, without
    /// waiting (the client's own source: the rest of a batch whose updates share one
    /// saved state). None by default.
    fn next_buffered(&self) -> Option<Update> {
        None
    }
}

/// The client's own updates, in order ([`Client::next_update`]).
struct Feed(Client);

impl UpdateSource for Feed {
    fn next_update(&self) -> BoxFuture<'_, crate::Result<Option<Update>>> {
        Box::pin(self.0.next_update())
    }

    fn next_buffered(&self) -> Option<Update> {
        self.0.next_buffered_update()
    }
}

/// Updates sent on a channel, until every sender is gone.
impl UpdateSource for async_channel::Receiver<Update> {
    fn next_update(&self) -> BoxFuture<'_, crate::Result<Option<Update>>> {
        Box::pin(async move {
            match self.recv().await {
                Ok(update) => Ok(Some(update)),
                // Closed and empty: that is the end of the updates, not a failure.
                Err(async_channel::RecvError) => Ok(None),
            }
        })
    }
}

/// An [`UpdateSource`] from a closure; made by [`source_fn`].
pub struct SourceFn<F>(F);

/// An [`UpdateSource`] from a closure that returns the next update's future.
pub fn source_fn<F, Fut>(next: F) -> SourceFn<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = crate::Result<Option<Update>>> + Send + 'static,
{
    SourceFn(next)
}

impl<F, Fut> UpdateSource for SourceFn<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = crate::Result<Option<Update>>> + Send + 'static,
{
    fn next_update(&self) -> BoxFuture<'_, crate::Result<Option<Update>>> {
        Box::pin((self.0)())
    }
}

impl Client {
    /// Handles updates until Ctrl-C or SIGTERM, [`Client::stop`], or the end of the
    /// updates; then stops cleanly (queued updates handled, stop handlers run,
    /// connections closed). An error reading updates stops it the same way and is
    /// returned.
    ///
    /// On blocking sockets: `app.run().wait()`. From the first run on, SIGINT and
    /// SIGTERM no longer end the process at once (see [`idle`](super::idle)).
    ///
    /// The update state is saved once an update's handler returned (or a listener took
    /// it) and every update before it was handled, not when it was queued for the
    /// workers: a process killed while handlers run gets their updates again after a
    /// restart. A handler that runs longer than a minute, or on while 10,000 later
    /// updates come (a conversation waiting for an answer, say), stops holding the state
    /// back once a later update comes, with a warning.
    pub async fn run(&self) -> crate::Result<()> {
        // The client's own updates: each one's state is saved once its handler is done.
        self.run_loop(Arc::new(Feed(self.clone())), true, Some(self.clone()))
            .await
    }

    /// [`Client::run`], with updates from `source` instead of the server.
    pub async fn run_with(&self, source: impl UpdateSource) -> crate::Result<()> {
        self.run_until(Arc::new(source), true).await
    }

    /// The run loop; `signals`: whether Ctrl-C and SIGTERM stop it.
    pub(crate) async fn run_until(
        &self,
        source: Arc<dyn UpdateSource>,
        signals: bool,
    ) -> crate::Result<()> {
        self.run_loop(source, signals, None).await
    }

    /// The run loop; `own`: the client whose feed `source` reads, whose update states
    /// then wait for the handlers.
    async fn run_loop(
        &self,
        source: Arc<dyn UpdateSource>,
        signals: bool,
        own: Option<Client>,
    ) -> crate::Result<()> {
        let dispatcher = self.dispatcher().clone();
        let stop = dispatcher.begin()?;
        dispatcher.run_hooks(|t| &t.hooks.start, self).await;

        let (done, finished) = oneshot::channel::<crate::Result<()>>();
        let reader = dispatcher.clone();
        let reader_stop = stop.clone();
        self.inner.net.spawn(Box::pin(async move {
            let result = read(&reader, &*source, own.as_ref(), &reader_stop).await;
            // The source holds the client: let it go before saying it is done, so that
            // once `run` returns, dropping the last handle closes the session.
            drop((source, own));
            reader_stop.fire();
            if done.send(result).is_err() {
                tracing::trace!("the run loop ended before its reader");
            }
        }));

        let signal = if signals {
            match signals::latch() {
                Ok(latch) => Some(latch),
                Err(e) => {
                    tracing::warn!(%e, "running without stopping on signals");
                    None
                }
            }
        } else {
            None
        };
        match &signal {
            Some(signal) => {
                select(pin!(stop.wait()), pin!(signal.wait())).await;
            }
            None => stop.wait().await,
        }
        stop.fire();

        // The reader stops between two updates, and only then is the queue closed: an
        // update it read (whose state may be saved already) is handled, never dropped,
        // so a restart resumes exactly after it.
        let read = finished.await.unwrap_or_else(|oneshot::Canceled| {
            tracing::warn!("the update reader ended without a verdict");
            Ok(())
        });
        dispatcher.finish().await;
        dispatcher.run_hooks(|t| &t.hooks.stop, self).await;
        self.stop().await?;
        read
    }
}

/// Reads updates into the dispatcher until the source ends, fails, or `stop` fires.
///
/// With `own` (the client whose feed `source` is), each update goes with the ticket that
/// saves its state once it is handled: the reader asking for the next update no longer
/// counts as that.
async fn read(
    dispatcher: &Dispatcher,
    source: &dyn UpdateSource,
    own: Option<&Client>,
    stop: &Latch,
) -> crate::Result<()> {
    let held = || own.map(Client::hold_handed);
    loop {
        let next = match select(pin!(stop.wait()), source.next_update()).await {
            Either::Left(_) => {
                // What was read already is handled, so that nothing is seen twice
                // after a restart.
                while let Some(update) = source.next_buffered() {
                    if let Err(e) = dispatcher.dispatch_held(update, held()).await {
                        tracing::error!(%e, "the dispatcher closed under its reader; an update was not handled");
                        return Ok(());
                    }
                }
                return Ok(());
            }
            Either::Right((next, _)) => next,
        };
        match next {
            Ok(Some(update)) => {
                // The queue closes only after this reader returned, so this fails only
                // if someone else closed the dispatcher: say so, it is an update lost.
                if let Err(e) = dispatcher.dispatch_held(update, held()).await {
                    tracing::error!(%e, "the dispatcher closed under its reader; an update was not handled");
                    return Ok(());
                }
            }
            Ok(None) => return Ok(()),
            Err(e) => {
                tracing::error!(%e, "reading updates failed; stopping");
                return Err(e);
            }
        }
    }
}

/// Runs several clients until Ctrl-C or SIGTERM (which stops them all) or until each
/// has stopped; the first error, once all have stopped.
pub async fn compose(clients: impl IntoIterator<Item = Client>) -> crate::Result<()> {
    let clients: Vec<Client> = clients.into_iter().collect();
    let results = futures_util::future::join_all(clients.iter().map(|c| c.run())).await;
    results.into_iter().collect()
}
