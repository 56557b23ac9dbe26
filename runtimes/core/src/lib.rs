//! The runtime-independent part of oxigram's I/O: the [`Runtime`] trait an adapter
//! implements (connecting, a resettable timer, spawning; a socket and a timer polled in
//! place), the [`DriverCore`] that glues a socket to the sans-IO
//! [`Connection`](oxigram_proto::connection::Connection) under a [`ReconnectPolicy`], and
//! the async [`Connection`] every async adapter shares.
//!
//! One task owns the socket and the connection. Callers talk to it through a bounded
//! queue: requests go in, each answer comes back to its caller, and updates and
//! [`ClientEvent`]s come out through bounded queues of their own. When the socket drops,
//! the task reconnects as the policy says; requests in flight are recovered on the new
//! connection by the core (their state is asked, so none runs twice), and each still
//! ends exactly once: answered, failed with the reason, or timed out.
#![deny(missing_docs)]

mod connection;
mod core;
mod error;
mod mailbox;
mod outputs;
mod policy;
mod proxied;
mod read_buffer;

use std::future::{Future, poll_fn};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

pub use bytes::Bytes;
pub use connection::{Connection, InvokeOptions};
pub use core::{ClientConfig, DriverCore, Languages, Route, Update, Waiter, updates_constructor};
pub use error::{ConnectError, InvokeError, LinkError};
pub use mailbox::COMMAND_QUEUE;
pub use outputs::{ClientEvent, EVENT_QUEUE, MissedUpdates, Outputs, UpdateWait};
pub use oxigram_proto::proxy::{Handshake, MtProxy, Proxy, ProxyError, ProxyKind, Target};
pub use policy::ReconnectPolicy;
pub use proxied::{drive_blocking, proxy_error};
pub use read_buffer::{READ_MAX, ReadBuffer, STACK_READ};

/// A boxed future, as the runtime trait hands out connections.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What differs between executors: connecting, timers and spawning. Only `connect` and
/// `spawn` box a future, once per connection or task; reads, writes and timers are
/// polled in place and allocate nothing in steady state.
pub trait Runtime: Clone + Send + Sync + 'static {
    /// A connected TCP socket.
    type Socket: Socket;
    /// A timer that can be moved to a new deadline.
    type Timer: Timer;
    /// Connects to `address`.
    fn connect(&self, address: SocketAddr) -> BoxFuture<'static, io::Result<Self::Socket>>;
    /// A timer, not yet set (it is [`Timer::reset`] before it is polled).
    fn timer(&self) -> Self::Timer;
    /// Runs `task` in the background.
    fn spawn(&self, task: BoxFuture<'static, ()>);
    /// The addresses of `host` (a proxy's name). By default the system's resolver runs on
    /// a thread of its own, so that the executor is not blocked; adapters may use their
    /// runtime's resolver instead.
    fn resolve(&self, host: String, port: u16) -> BoxFuture<'static, io::Result<Vec<SocketAddr>>> {
        proxied::resolve_on_thread(host, port)
    }
}

/// A connected socket, polled in place.
pub trait Socket: Send + Unpin + 'static {
    /// Reads some bytes into `buf`; `Ok(0)` at the end of the stream.
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>>;
    /// Writes some of `buf`; returns how much.
    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>>;
}

/// A resettable timer.
pub trait Timer: Send + Unpin + 'static {
    /// Moves the timer to `deadline`.
    fn reset(&mut self, deadline: Instant);
    /// Ready once the deadline passed.
    fn poll_expired(&mut self, cx: &mut Context<'_>) -> Poll<()>;
}

/// Waits until `deadline` on `runtime`'s timer.
pub async fn sleep_until<R: Runtime>(runtime: &R, deadline: Instant) {
    let mut timer = runtime.timer();
    timer.reset(deadline);
    poll_fn(|cx| timer.poll_expired(cx)).await
}

/// The time as the core wants it, read from the system clocks.
pub fn now() -> oxigram_proto::connection::Now {
    oxigram_proto::connection::Now {
        mono: Instant::now(),
        unix: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default(),
    }
}

/// 32 bytes of OS randomness, the seed of a connection's CSPRNG.
pub fn os_seed() -> io::Result<[u8; 32]> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| io::Error::other(e.to_string()))?;
    Ok(seed)
}
