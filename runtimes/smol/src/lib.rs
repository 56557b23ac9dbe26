//! oxigram on smol: the [`Smol`] runtime for [`oxigram_runtime::Connection`].
#![deny(missing_docs)]

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use oxigram_runtime::{BoxFuture, ClientConfig, ConnectError, Connection, Runtime, Socket, Timer};
use smol::io::{AsyncRead, AsyncWrite};
use smol::net::TcpStream;

/// The smol runtime (tasks go to smol's global executor).
#[derive(Debug, Clone, Copy, Default)]
pub struct Smol;

/// A smol TCP socket.
#[derive(Debug)]
pub struct SmolSocket(TcpStream);

impl Socket for SmolSocket {
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }

    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }
}

/// A smol timer, moved to each new deadline.
#[derive(Debug)]
pub struct SmolTimer(smol::Timer);

impl Timer for SmolTimer {
    fn reset(&mut self, deadline: Instant) {
        self.0.set_at(deadline);
    }

    fn poll_expired(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.0).poll(cx).map(|_| ())
    }
}

impl Runtime for Smol {
    type Socket = SmolSocket;
    type Timer = SmolTimer;

    fn connect(&self, address: SocketAddr) -> BoxFuture<'static, io::Result<SmolSocket>> {
        Box::pin(async move {
            let stream = TcpStream::connect(address).await?;
            stream.set_nodelay(true)?;
            Ok(SmolSocket(stream))
        })
    }

    fn timer(&self) -> SmolTimer {
        SmolTimer(smol::Timer::never())
    }

    fn spawn(&self, task: BoxFuture<'static, ()>) {
        smol::spawn(task).detach();
    }
}

/// Connects, with the connection's task on smol's global executor.
pub async fn connect(config: ClientConfig) -> Result<Connection, ConnectError> {
    Connection::connect(Smol, config).await
}
