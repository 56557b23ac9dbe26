//! oxigram on async-std: the [`AsyncStd`] runtime for [`oxigram_runtime::Connection`].
#![deny(missing_docs)]

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use async_std::io::{Read, Write};
use async_std::net::TcpStream;
use oxigram_runtime::{BoxFuture, ClientConfig, ConnectError, Connection, Runtime, Socket, Timer};

/// The async-std runtime.
#[derive(Debug, Clone, Copy, Default)]
pub struct AsyncStd;

/// An async-std TCP socket.
#[derive(Debug)]
pub struct AsyncStdSocket(TcpStream);

impl Socket for AsyncStdSocket {
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }

    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }
}

/// A timer on the reactor async-std itself runs on (async-io's), moved to each new
/// deadline; async-std's own `sleep` cannot be moved, so each would be a new future.
#[derive(Debug)]
pub struct AsyncStdTimer(async_io::Timer);

impl Timer for AsyncStdTimer {
    fn reset(&mut self, deadline: Instant) {
        self.0.set_at(deadline);
    }

    fn poll_expired(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.0).poll(cx).map(|_| ())
    }
}

impl Runtime for AsyncStd {
    type Socket = AsyncStdSocket;
    type Timer = AsyncStdTimer;

    fn connect(&self, address: SocketAddr) -> BoxFuture<'static, io::Result<AsyncStdSocket>> {
        Box::pin(async move {
            let stream = TcpStream::connect(address).await?;
            stream.set_nodelay(true)?;
            Ok(AsyncStdSocket(stream))
        })
    }

    fn timer(&self) -> AsyncStdTimer {
        AsyncStdTimer(async_io::Timer::never())
    }

    fn spawn(&self, task: BoxFuture<'static, ()>) {
        drop(async_std::task::spawn(task));
    }
}

/// Connects, with the connection's task on async-std's executor.
pub async fn connect(config: ClientConfig) -> Result<Connection, ConnectError> {
    Connection::connect(AsyncStd, config).await
}
