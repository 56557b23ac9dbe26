//! oxigram on tokio: the [`Tokio`] runtime for [`oxigram_runtime::Connection`].
#![deny(missing_docs)]

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use oxigram_runtime::{BoxFuture, ClientConfig, ConnectError, Connection, Runtime, Socket, Timer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// The tokio runtime (the one the caller is running on).
#[derive(Debug, Clone, Copy, Default)]
pub struct Tokio;

/// A tokio TCP socket.
#[derive(Debug)]
pub struct TokioSocket(TcpStream);

impl Socket for TokioSocket {
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let mut buf = ReadBuf::new(buf);
        Pin::new(&mut self.0)
            .poll_read(cx, &mut buf)
            .map_ok(|()| buf.filled().len())
    }

    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }
}

/// A tokio timer: one `Sleep`, boxed once and moved to each new deadline.
#[derive(Debug)]
pub struct TokioTimer(Pin<Box<tokio::time::Sleep>>);

impl Timer for TokioTimer {
    fn reset(&mut self, deadline: Instant) {
        if self.0.deadline() != deadline.into() {
            self.0.as_mut().reset(deadline.into());
        }
    }

    fn poll_expired(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        self.0.as_mut().poll(cx)
    }
}

impl Runtime for Tokio {
    type Socket = TokioSocket;
    type Timer = TokioTimer;

    fn connect(&self, address: SocketAddr) -> BoxFuture<'static, io::Result<TokioSocket>> {
        Box::pin(async move {
            let stream = TcpStream::connect(address).await?;
            stream.set_nodelay(true)?;
            Ok(TokioSocket(stream))
        })
    }

    fn timer(&self) -> TokioTimer {
        TokioTimer(Box::pin(tokio::time::sleep_until(
            tokio::time::Instant::now() + std::time::Duration::from_secs(86_400),
        )))
    }

    fn spawn(&self, task: BoxFuture<'static, ()>) {
        drop(tokio::spawn(task));
    }
}

/// Connects on the current tokio runtime.
pub async fn connect(config: ClientConfig) -> Result<Connection, ConnectError> {
    Connection::connect(Tokio, config).await
}
