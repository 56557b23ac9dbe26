//! oxigram on async-std: the [`AsyncStd`] runtime for [`oxigram_runtime::Client`].
#![deny(missing_docs)]

use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use async_std::io::{ReadExt, WriteExt};
use async_std::net::TcpStream;
use oxigram_runtime::{BoxFuture, Client, ClientConfig, Runtime, Socket};

/// The async-std runtime.
#[derive(Debug, Clone, Copy, Default)]
pub struct AsyncStd;

/// An async-std TCP socket.
#[derive(Debug)]
pub struct AsyncStdSocket(TcpStream);

impl Socket for AsyncStdSocket {
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> BoxFuture<'a, io::Result<usize>> {
        Box::pin(self.0.read(buf))
    }

    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> BoxFuture<'a, io::Result<()>> {
        Box::pin(self.0.write_all(buf))
    }
}

impl Runtime for AsyncStd {
    type Socket = AsyncStdSocket;

    fn connect(&self, address: SocketAddr) -> BoxFuture<'static, io::Result<AsyncStdSocket>> {
        Box::pin(async move {
            let stream = TcpStream::connect(address).await?;
            stream.set_nodelay(true)?;
            Ok(AsyncStdSocket(stream))
        })
    }

    fn sleep_until(&self, deadline: Instant) -> BoxFuture<'static, ()> {
        Box::pin(async_std::task::sleep(
            deadline.saturating_duration_since(Instant::now()),
        ))
    }

    fn spawn(&self, task: BoxFuture<'static, ()>) {
        async_std::task::spawn(task);
    }
}

/// Connects, with the connection's task on async-std's executor.
pub async fn connect(config: ClientConfig) -> io::Result<Client> {
    Client::connect(AsyncStd, config).await
}
