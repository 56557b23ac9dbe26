//! oxigram on tokio: the [`Tokio`] runtime for [`oxigram_runtime::Client`].
#![deny(missing_docs)]

use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use oxigram_runtime::{BoxFuture, Client, ClientConfig, Runtime, Socket};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The tokio runtime (the one the caller is running on).
#[derive(Debug, Clone, Copy, Default)]
pub struct Tokio;

/// A tokio TCP socket.
#[derive(Debug)]
pub struct TokioSocket(TcpStream);

impl Socket for TokioSocket {
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> BoxFuture<'a, io::Result<usize>> {
        Box::pin(self.0.read(buf))
    }

    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> BoxFuture<'a, io::Result<()>> {
        Box::pin(self.0.write_all(buf))
    }
}

impl Runtime for Tokio {
    type Socket = TokioSocket;

    fn connect(&self, address: SocketAddr) -> BoxFuture<'static, io::Result<TokioSocket>> {
        Box::pin(async move {
            let stream = TcpStream::connect(address).await?;
            stream.set_nodelay(true)?;
            Ok(TokioSocket(stream))
        })
    }

    fn sleep_until(&self, deadline: Instant) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep_until(deadline.into()))
    }

    fn spawn(&self, task: BoxFuture<'static, ()>) {
        tokio::spawn(task);
    }
}

/// Connects on the current tokio runtime.
pub async fn connect(config: ClientConfig) -> io::Result<Client> {
    Client::connect(Tokio, config).await
}
