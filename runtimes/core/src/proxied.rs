//! Opening a socket to a DC, through a proxy: the proxy's name resolved, a socket to it,
//! and the sans-IO [`Handshake`] driven over that socket until the tunnel is open (an
//! MTProxy needs no handshake: the connection's own obfuscated header does it). Async
//! runtimes share [`open`]; blocking sockets use [`drive_blocking`].

use std::future::poll_fn;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, ToSocketAddrs};

use oxigram_proto::proxy::{Handshake, ProxyError, Target};

use crate::{BoxFuture, Route, Runtime, Socket};

/// A proxy's refusal as an `io::Error` that carries it: the connect path reports
/// `io::Error`s, and `LinkError::connect` takes the typed error back out.
pub fn proxy_error(error: ProxyError) -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionRefused, error)
}

/// Opens a socket along `route`: to the DC, through a proxy's tunnel, or to an MTProxy.
pub(crate) fn open<R: Runtime>(
    runtime: &R,
    route: Route<'_>,
) -> BoxFuture<'static, io::Result<R::Socket>> {
    match route {
        Route::Direct(address) => runtime.connect(address),
        Route::MtProxy(mtproxy) => {
            let runtime = runtime.clone();
            let (host, port) = (mtproxy.host.clone(), mtproxy.port);
            let address = mtproxy.socket_addr();
            Box::pin(async move {
                match address {
                    Some(at) => runtime.connect(at).await,
                    None => {
                        let addresses = runtime.resolve(host.clone(), port).await?;
                        connect_any(&runtime, &host, addresses).await
                    }
                }
            })
        }
        Route::Proxy(proxy, address) => {
            let runtime = runtime.clone();
            let proxy = proxy.clone();
            Box::pin(async move {
                // Settings the protocol cannot carry fail before anything is sent.
                let handshake =
                    Handshake::new(&proxy, &Target::Addr(address)).map_err(proxy_error)?;
                let mut socket = match proxy.socket_addr() {
                    Some(at) => runtime.connect(at).await?,
                    None => {
                        let addresses = runtime.resolve(proxy.host.clone(), proxy.port).await?;
                        connect_any(&runtime, &proxy.host, addresses).await?
                    }
                };
                drive(&mut socket, handshake).await?;
                tracing::debug!(%proxy, %address, "tunnel through the proxy open");
                Ok(socket)
            })
        }
    }
}

/// Connects to the first of `addresses` that accepts.
async fn connect_any<R: Runtime>(
    runtime: &R,
    host: &str,
    addresses: Vec<SocketAddr>,
) -> io::Result<R::Socket> {
    let mut last = None;
    for at in addresses {
        match runtime.connect(at).await {
            Ok(socket) => return Ok(socket),
            Err(e) => {
                tracing::debug!(%host, %at, %e, "proxy address refused");
                last = Some(e);
            }
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            format!("the proxy's host {host:?} has no address"),
        )
    }))
}

/// Runs `handshake` over `socket` until the tunnel is open.
async fn drive<S: Socket>(socket: &mut S, mut handshake: Handshake) -> io::Result<()> {
    let mut out = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        handshake.take_output(&mut out);
        let mut written = 0;
        while written < out.len() {
            let n = poll_fn(|cx| socket.poll_write(cx, &out[written..])).await?;
            if n == 0 {
                return Err(proxy_error(ProxyError::Closed));
            }
            written += n;
        }
        out.clear();
        if handshake.is_done() {
            return Ok(());
        }
        let n = poll_fn(|cx| socket.poll_read(cx, &mut buf)).await?;
        if n == 0 {
            return Err(proxy_error(handshake.closed()));
        }
        handshake.receive(&buf[..n]).map_err(proxy_error)?;
    }
}

/// Runs `handshake` over a blocking `socket` until the tunnel is open.
pub fn drive_blocking<S: Read + Write>(socket: &mut S, mut handshake: Handshake) -> io::Result<()> {
    let mut out = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        handshake.take_output(&mut out);
        socket.write_all(&out)?;
        out.clear();
        if handshake.is_done() {
            return Ok(());
        }
        let n = socket.read(&mut buf)?;
        if n == 0 {
            return Err(proxy_error(handshake.closed()));
        }
        handshake.receive(&buf[..n]).map_err(proxy_error)?;
    }
}

/// The system's resolver on a thread of its own, awaited without blocking.
pub(crate) fn resolve_on_thread(
    host: String,
    port: u16,
) -> BoxFuture<'static, io::Result<Vec<SocketAddr>>> {
    let (tx, rx) = futures_channel::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("oxigram-resolve".into())
        .spawn(move || {
            let result = (host.as_str(), port)
                .to_socket_addrs()
                .map(Iterator::collect);
            // The receiver is gone only when the connection attempt was dropped (timed
            // out or closed): nobody is left to tell.
            if tx.send(result).is_err() {
                tracing::debug!(%host, "name resolved after the connection attempt ended");
            }
        });
    Box::pin(async move {
        spawned?;
        rx.await
            .map_err(|_| io::Error::other("the resolver thread ended without an answer"))?
    })
}
