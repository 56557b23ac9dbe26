//! What the client needs from a runtime, as objects: open a connection to a DC, sleep,
//! run a task. One implementation covers every async [`Runtime`]; blocking sockets have
//! their own.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use oxigram_runtime::{
    BoxFuture, ClientConfig, ClientEvent, ConnectError, Connection, InvokeError, InvokeOptions,
    Runtime, Update,
};

/// An open connection to one DC, whatever drives it.
pub(crate) trait Link: Send + Sync + 'static {
    fn invoke(
        &self,
        body: Bytes,
        options: InvokeOptions,
    ) -> BoxFuture<'_, Result<Bytes, InvokeError>>;
    fn next_update(&self) -> BoxFuture<'_, Option<Update>>;
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

impl Link for Connection {
    fn invoke(
        &self,
        body: Bytes,
        options: InvokeOptions,
    ) -> BoxFuture<'_, Result<Bytes, InvokeError>> {
        Box::pin(self.invoke_raw_with(body, options))
    }

    fn next_update(&self) -> BoxFuture<'_, Option<Update>> {
        Box::pin(Connection::next_update(self))
    }

    fn next_event(&self) -> BoxFuture<'static, Option<ClientEvent>> {
        Box::pin(self.next_event_detached())
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(Connection::close(self))
    }
}

impl<R: Runtime> Net for AsyncNet<R> {
    fn connect(
        &self,
        config: ClientConfig,
    ) -> BoxFuture<'static, Result<Arc<dyn Link>, ConnectError>> {
        let runtime = self.0.clone();
        Box::pin(async move {
            let connection = Connection::connect(runtime, config).await?;
            Ok(Arc::new(connection) as Arc<dyn Link>)
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
