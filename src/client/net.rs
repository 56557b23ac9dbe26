//! What the client needs from a runtime, as objects: open a connection to a DC, sleep,
//! run a task. One implementation covers every async [`Runtime`]; blocking sockets have
//! their own.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use oxigram_runtime::{
    BoxFuture, ClientConfig, ClientEvent, ConnectError, Connection, InvokeError, InvokeOptions,
    Runtime, Update, UpdateWait,
};

/// An open connection to one DC, whatever drives it.
pub(crate) trait Link: Send + Sync + 'static {
    fn invoke(
        &self,
        body: Bytes,
        options: InvokeOptions,
    ) -> BoxFuture<'_, Result<Bytes, InvokeError>>;
    fn next_update(&self) -> BoxFuture<'_, Option<Update>>;
    /// The next pushed update, waiting until `deadline` at most.
    fn next_update_until(&self, deadline: Option<Instant>) -> BoxFuture<'_, UpdateWait>;
    /// Must not keep the connection open: the event follower outlives the client's
    /// handles otherwise.
    fn next_event(&self) -> BoxFuture<'static, Option<ClientEvent>>;
    fn close(&self) -> BoxFuture<'_, ()>;
}

/// Connecting, sleeping and spawning on the runtime the client was built for.
pub(crate) trait Net: Send + Sync + 'static {
    fn connect(
        &self,
        config: ClientConfig,
    ) -> BoxFuture<'static, Result<Arc<dyn Link>, ConnectError>>;
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
    fn spawn(&self, task: BoxFuture<'static, ()>);
}

/// Any async runtime.
pub(crate) struct AsyncNet<R>(pub(crate) R);

/// A connection on runtime `R`, whose timers bound the waits for updates.
struct AsyncLink<R> {
    connection: Connection,
    runtime: R,
}

impl<R: Runtime> Link for AsyncLink<R> {
    fn invoke(
        &self,
        body: Bytes,
        options: InvokeOptions,
    ) -> BoxFuture<'_, Result<Bytes, InvokeError>> {
        Box::pin(self.connection.invoke_raw_with(body, options))
    }

    fn next_update(&self) -> BoxFuture<'_, Option<Update>> {
        Box::pin(self.connection.next_update())
    }

    fn next_update_until(&self, deadline: Option<Instant>) -> BoxFuture<'_, UpdateWait> {
        Box::pin(async move {
            let next = self.connection.next_update();
            let Some(deadline) = deadline else {
                return next.await.map_or(UpdateWait::Ended, UpdateWait::Update);
            };
            let timer = oxigram_runtime::sleep_until(&self.runtime, deadline);
            futures_util::pin_mut!(next, timer);
            match futures_util::future::select(next, timer).await {
                futures_util::future::Either::Left((update, _)) => {
                    update.map_or(UpdateWait::Ended, UpdateWait::Update)
                }
                futures_util::future::Either::Right(((), _)) => UpdateWait::TimedOut,
            }
        })
    }

    fn next_event(&self) -> BoxFuture<'static, Option<ClientEvent>> {
        Box::pin(self.connection.next_event_detached())
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(self.connection.close())
    }
}

impl<R: Runtime> Net for AsyncNet<R> {
    fn connect(
        &self,
        config: ClientConfig,
    ) -> BoxFuture<'static, Result<Arc<dyn Link>, ConnectError>> {
        let runtime = self.0.clone();
        Box::pin(async move {
            let connection = Connection::connect(runtime.clone(), config).await?;
            Ok(Arc::new(AsyncLink {
                connection,
                runtime,
            }) as Arc<dyn Link>)
        })
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        let runtime = self.0.clone();
        Box::pin(
            async move { oxigram_runtime::sleep_until(&runtime, Instant::now() + duration).await },
        )
    }

    fn spawn(&self, task: BoxFuture<'static, ()>) {
        self.0.spawn(task);
    }
}

/// Blocking sockets: each future blocks the thread that polls it, which is the caller's
/// own (`.wait()`), and tasks get a thread each.
#[cfg(feature = "blocking")]
pub(crate) mod blocking {
    use super::*;
    use oxigram_blocking::BlockingConnection;

    pub(crate) struct BlockingNet;

    /// The longest a blocking wait for a pushed update lasts before the reader looks
    /// again at updates that answers carried.
    const BLOCKING_WAIT: Duration = Duration::from_millis(50);

    struct BlockingLink(Arc<BlockingConnection>);

    impl Link for BlockingLink {
        fn invoke(
            &self,
            body: Bytes,
            options: InvokeOptions,
        ) -> BoxFuture<'_, Result<Bytes, InvokeError>> {
            Box::pin(async move { self.0.invoke_raw_with(body, options) })
        }

        fn next_update(&self) -> BoxFuture<'_, Option<Update>> {
            Box::pin(async move { self.0.wait_update() })
        }

        /// Blocks the thread, so nothing else wakes it: the wait is cut to
        /// [`BLOCKING_WAIT`] for the caller to look at what else arrived (the updates an
        /// answer carried) in between.
        fn next_update_until(&self, deadline: Option<Instant>) -> BoxFuture<'_, UpdateWait> {
            Box::pin(async move {
                let cap = Instant::now() + BLOCKING_WAIT;
                self.0
                    .next_update_until(deadline.map_or(cap, |d| d.min(cap)))
            })
        }

        fn next_event(&self) -> BoxFuture<'static, Option<ClientEvent>> {
            let wait = self.0.event_waiter();
            Box::pin(async move { wait() })
        }

        fn close(&self) -> BoxFuture<'_, ()> {
            Box::pin(async move { self.0.shutdown() })
        }
    }

    impl Net for BlockingNet {
        fn connect(
            &self,
            config: ClientConfig,
        ) -> BoxFuture<'static, Result<Arc<dyn Link>, ConnectError>> {
            Box::pin(async move {
                let connection = BlockingConnection::connect(config)?;
                Ok(Arc::new(BlockingLink(Arc::new(connection))) as Arc<dyn Link>)
            })
        }

        fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
            Box::pin(async move { std::thread::sleep(duration) })
        }

        fn spawn(&self, task: BoxFuture<'static, ()>) {
            let spawned = std::thread::Builder::new()
                .name("oxigram-task".into())
                .spawn(move || futures_executor::block_on(task));
            if let Err(e) = spawned {
                tracing::error!(%e, "could not start a thread for a background task");
            }
        }
    }
}
