//! oxigram without an async runtime: a [`BlockingClient`] over `std::net::TcpStream`.
//!
//! A driver thread reads the socket, with read timeouts taken from the core's next
//! deadline, and handles what arrives; a caller's [`BlockingClient::invoke`] queues its
//! request and writes it under the same lock, then blocks until its answer. The socket
//! and the connection state live behind that one lock, so reads, writes and timers never
//! interleave.
#![deny(missing_docs)]

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bytes::Bytes;
use oxigram_runtime::{ClientConfig, DriverCore, InvokeError, Update, now, os_seed};
use oxigram_tl::{Deserialize, RemoteCall};

/// Longest pause between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

struct State {
    core: DriverCore,
    /// The write side (a clone of the driver thread's socket).
    socket: Option<TcpStream>,
    closed: bool,
}

impl State {
    /// Writes what the core has to send; a failed write leaves the reconnection to the
    /// driver thread.
    fn flush(&mut self) {
        let bytes = self.core.transmit(now());
        if bytes.is_empty() {
            return;
        }
        if let Some(socket) = &mut self.socket
            && socket.write_all(bytes).is_err()
        {
            self.socket = None;
        }
    }
}

/// A connection to one DC over a blocking socket.
pub struct BlockingClient {
    state: Arc<Mutex<State>>,
    updates: Mutex<mpsc::Receiver<Update>>,
    driver: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for BlockingClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingClient").finish_non_exhaustive()
    }
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

fn open(address: std::net::SocketAddr) -> io::Result<(TcpStream, TcpStream)> {
    let socket = TcpStream::connect(address)?;
    socket.set_nodelay(true)?;
    let writer = socket.try_clone()?;
    Ok((socket, writer))
}

impl BlockingClient {
    /// Connects and starts the driver thread.
    pub fn connect(config: ClientConfig) -> io::Result<BlockingClient> {
        let (reader, writer) = open(config.address)?;
        let state = Arc::new(Mutex::new(State {
            core: DriverCore::new(config, os_seed()?, now()),
            socket: Some(writer),
            closed: false,
        }));
        let (update_tx, updates) = mpsc::channel();
        let driver_state = state.clone();
        let driver = std::thread::Builder::new()
            .name("oxigram-driver".into())
            .spawn(move || drive(driver_state, reader, update_tx))?;
        Ok(BlockingClient {
            state,
            updates: Mutex::new(updates),
            driver: Some(driver),
        })
    }

    /// Sends a request (a serialized TL function) and blocks until its raw answer.
    pub fn invoke_raw(&self, body: Bytes) -> Result<Bytes, InvokeError> {
        let (tx, rx) = mpsc::channel();
        {
            let mut state = lock(&self.state);
            if state.closed {
                return Err(InvokeError::Closed);
            }
            state.core.request(
                body,
                Box::new(move |result| {
                    let _ = tx.send(result);
                }),
            );
            state.flush();
        }
        rx.recv().map_err(|_| InvokeError::Closed)?
    }

    /// Sends a typed request and decodes its answer.
    pub fn invoke<F: RemoteCall>(&self, request: &F) -> Result<F::Return, InvokeError> {
        let answer = self.invoke_raw(request.to_bytes().into())?;
        Ok(F::Return::from_shared(&answer)?)
    }

    /// Waits up to `timeout` for the next update.
    pub fn next_update(&self, timeout: Duration) -> Option<Update> {
        self.updates
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .recv_timeout(timeout)
            .ok()
    }

    /// The updates as they come, blocking for each; the iterator ends when the client
    /// closes.
    pub fn updates(&self) -> impl Iterator<Item = Update> + '_ {
        std::iter::from_fn(move || {
            self.updates
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .recv()
                .ok()
        })
    }

    /// Closes the connection: requests still waiting end with `Closed`.
    pub fn close(&mut self) {
        {
            let mut state = lock(&self.state);
            state.closed = true;
            state.core.close();
            if let Some(socket) = state.socket.take() {
                let _ = socket.shutdown(std::net::Shutdown::Both);
            }
        }
        if let Some(driver) = self.driver.take() {
            let _ = driver.join();
        }
    }
}

impl Drop for BlockingClient {
    fn drop(&mut self) {
        self.close();
    }
}

/// The driver thread: reads until closed, reconnecting when the socket drops.
fn drive(state: Arc<Mutex<State>>, mut reader: TcpStream, updates: mpsc::Sender<Update>) {
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let timeout = {
            let s = lock(&state);
            if s.closed {
                return;
            }
            s.core
                .deadline()
                .map_or(Duration::from_secs(1), |d| {
                    d.saturating_duration_since(Instant::now())
                })
                .clamp(Duration::from_millis(1), Duration::from_secs(1))
        };
        let _ = reader.set_read_timeout(Some(timeout));
        let read = reader.read(&mut buf);
        let mut s = lock(&state);
        if s.closed {
            return;
        }
        let healthy = match read {
            Ok(0) => false,
            Ok(n) => s.core.handle_read(now(), &buf[..n]).is_ok(),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                s.core.handle_timeout(now());
                !s.core.is_down()
            }
            Err(_) => false,
        };
        if !healthy || s.socket.is_none() {
            drop(s);
            match reconnect(&state) {
                Some(r) => reader = r,
                None => return,
            }
            continue;
        }
        s.flush();
        s.core.dispatch(|u| {
            let _ = updates.send(u);
        });
    }
}

/// Connects again with backoff; `None` once the client is closed.
fn reconnect(state: &Mutex<State>) -> Option<TcpStream> {
    let mut backoff = Duration::from_millis(50);
    loop {
        let address = {
            let s = lock(state);
            if s.closed {
                return None;
            }
            s.core.address()
        };
        match open(address) {
            Ok((reader, writer)) => {
                let mut s = lock(state);
                s.socket = Some(writer);
                s.core.reset(now());
                s.flush();
                return Some(reader);
            }
            Err(e) => {
                tracing::debug!(%e, ?backoff, "reconnection failed");
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}
