//! The runtime-independent part of oxigram's I/O: the [`Runtime`] trait an adapter
//! implements (a socket, a timer, spawning: four methods), the [`DriverCore`] that glues a
//! socket to the sans-IO [`Connection`](oxigram_proto::connection::Connection), and the
//! async [`Client`] every async adapter shares.
//!
//! One task owns the socket and the connection. Callers talk to it over channels that work
//! on any executor: requests go in, each answer comes back to its caller, and updates come
//! out as a stream. When the socket drops, the task reconnects with backoff; requests in
//! flight are recovered on the new connection by the core (their state is asked, so none
//! runs twice), and each still ends exactly once.
#![deny(missing_docs)]

mod client;
mod core;
mod error;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Instant;

pub use bytes::Bytes;
pub use client::Client;
pub use core::{ClientConfig, DriverCore, Update, Waiter};
pub use error::InvokeError;

/// A boxed future, as the runtime trait hands them around.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What differs between executors: connecting, sleeping and spawning.
pub trait Runtime: Clone + Send + Sync + 'static {
    /// A connected TCP socket.
    type Socket: Socket;
    /// Connects to `address`.
    fn connect(&self, address: SocketAddr) -> BoxFuture<'static, io::Result<Self::Socket>>;
    /// Completes at `deadline`.
    fn sleep_until(&self, deadline: Instant) -> BoxFuture<'static, ()>;
    /// Runs `task` in the background.
    fn spawn(&self, task: BoxFuture<'static, ()>);
}

/// A connected socket. Reads must be cancel-safe: a read dropped before it completes
/// consumes nothing (true of tokio's, async-io's and async-std's sockets).
pub trait Socket: Send + 'static {
    /// Reads some bytes into `buf`; `Ok(0)` at the end of the stream.
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> BoxFuture<'a, io::Result<usize>>;
    /// Writes all of `buf`.
    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> BoxFuture<'a, io::Result<()>>;
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
