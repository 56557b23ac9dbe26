//! oxigram on smol: the [`Smol`] runtime for [`oxigram_runtime::Client`].
#![deny(missing_docs)]

use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use oxigram_runtime::{BoxFuture, Client, ClientConfig, Runtime, Socket};
use smol::io::{AsyncReadExt, AsyncWriteExt};
use smol::net::TcpStream;

/// The smol runtime (tasks go to smol's global executor).
#[derive(Debug, Clone, Copy, Default)]
pub struct Smol;

/// A smol TCP socket.
#[derive(Debug)]
pub struct SmolSocket(TcpStream);

impl Socket for SmolSocket {
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> BoxFuture<'a, io::Result<usize>> {
        Box::pin(self.0.read(buf))
    }

    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> BoxFuture<'a, io::Result<()>> {
        Box::pin(self.0.write_all(buf))
    }
}

impl Runtime for Smol {
    type Socket = SmolSocket;

    fn connect(&self, address: SocketAddr) -> BoxFuture<'static, io::Result<SmolSocket>> {
        Box::pin(async move {
            let stream = TcpStream::connect(address).await?;
            stream.set_nodelay(true)?;
            Ok(SmolSocket(stream))
        })
    }

    fn sleep_until(&self, deadline: Instant) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            smol::Timer::at(deadline).await;
        })
    }

    fn spawn(&self, task: BoxFuture<'static, ()>) {
        smol::spawn(task).detach();
    }
}

/// Connects, with the connection's task on smol's global executor.
pub async fn connect(config: ClientConfig) -> io::Result<Client> {
    Client::connect(Smol, config).await
}
