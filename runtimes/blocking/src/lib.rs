//! oxigram without an async runtime: a [`BlockingConnection`] over `std::net::TcpStream`.
//!
//! A driver thread reads the socket, with read timeouts taken from the core's next
//! deadline, and handles what arrives; a caller's [`BlockingConnection::invoke`] queues its
//! request and writes it under the same lock, then blocks until its answer. The socket
//! and the connection state live behind that one lock, so reads, writes and timers never
//! interleave. [`BlockingConnection::invoke_all`] pipelines from one thread: a batch goes
//! out in a few writes and its caller wakes once, when the last answer is in.
//! Reconnection, giving up, timeouts and the event stream follow the same
//! [`ReconnectPolicy`](oxigram_runtime::ReconnectPolicy) as the async clients: the logic
//! is the shared [`DriverCore`]'s.
#![deny(missing_docs)]

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bytes::Bytes;
use oxigram_runtime::{
    ClientConfig, ClientEvent, ConnectError, DriverCore, Handshake, InvokeError, InvokeOptions,
    MtProxy, Outputs, Proxy, ReadBuffer, Route, STACK_READ, Target, Update, UpdateWait, Waiter,
    drive_blocking, now, proxy_error,
};
use oxigram_tl::{Deserialize, RemoteCall};

/// Longest the driver thread sleeps or blocks in a read before it looks at the state
/// again (a request's own timeout is seen at most this late).
const MAX_WAIT: Duration = Duration::from_millis(200);

/// Where an answer goes: its place among the answers one caller waits for.
struct Reply {
    /// `None` once finished.
    batch: Option<Arc<Batch>>,
    at: usize,
}

impl Reply {
    fn new(batch: &Arc<Batch>, at: usize) -> Reply {
        Reply {
            batch: Some(batch.clone()),
            at,
        }
    }
}

impl Waiter for Reply {
    fn finish(mut self, result: Result<Bytes, InvokeError>) {
        if let Some(batch) = self.batch.take() {
            // The caller is unparked at once, before the driver queues any update
            // that came after the answer: a client that orders the two (the update
            // sequencer) sees the answer first, as on the async runtimes.
            batch.finish(self.at, result);
        }
    }
}

impl Drop for Reply {
    /// A waiter the core let go of without an answer still ends its request: its caller
    /// must not sleep forever.
    fn drop(&mut self) {
        if let Some(batch) = self.batch.take() {
            batch.finish(self.at, Err(InvokeError::Closed));
        }
    }
}

/// The answers one caller waits for (one for `invoke`, a batch for `invoke_all`), in
/// request order. The caller parks until the last one is in and is unparked once: a
/// request costs one wake-up, and a batch one for all of its answers.
struct Batch {
    slots: Mutex<Slots>,
    caller: std::thread::Thread,
}

struct Slots {
    results: Vec<Option<Result<Bytes, InvokeError>>>,
    left: usize,
}

impl Batch {
    fn new(len: usize) -> Arc<Batch> {
        Arc::new(Batch {
            slots: Mutex::new(Slots {
                results: (0..len).map(|_| None).collect(),
                left: len,
            }),
            caller: std::thread::current(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slots> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn finish(&self, at: usize, result: Result<Bytes, InvokeError>) {
        let last = {
            let mut slots = self.lock();
            // Each waiter finishes once; a second answer for a place would be a core
            // bug, and the first one stands.
            if slots.results[at].is_some() {
                return;
            }
            slots.results[at] = Some(result);
            slots.left -= 1;
            slots.left == 0
        };
        if last {
            self.caller.unpark();
        }
    }

    /// (The caller) blocks until every request ended; their results in order.
    fn wait(&self) -> Vec<Result<Bytes, InvokeError>> {
        loop {
            {
                let mut slots = self.lock();
                if slots.left == 0 {
                    return std::mem::take(&mut slots.results)
                        .into_iter()
                        .map(|r| r.unwrap_or(Err(InvokeError::Closed)))
                        .collect();
                }
            }
            // An unpark that came before this park makes it return at once; one that
            // was meant for something else makes the loop look again.
            std::thread::park();
        }
    }
}

/// Requests of a batch queued per hold of the connection's lock: the driver thread gets
/// the lock between chunks to read answers, so that a large batch never fills both
/// directions of the socket while the reader waits.
const BATCH_CHUNK: usize = 64;

struct State {
    core: DriverCore<Reply>,
    /// The write side (a clone of the driver thread's socket).
    socket: Option<TcpStream>,
    closed: bool,
    next_ticket: u64,
}

impl State {
    /// Writes what the core has to send; a failed write drops the socket and tells the
    /// core, whose policy decides what comes next.
    fn flush(&mut self) {
        let bytes = self.core.transmit(now());
        if bytes.is_empty() {
            return;
        }
        if let Some(socket) = &mut self.socket
            && let Err(e) = socket.write_all(bytes)
        {
            self.drop_socket(Some(&e));
        }
    }

    fn drop_socket(&mut self, error: Option<&io::Error>) {
        if let Some(socket) = self.socket.take()
            && let Err(e) = socket.shutdown(std::net::Shutdown::Both)
        {
            tracing::trace!(%e, "shutting a failed socket down");
        }
        self.core.socket_failed(Instant::now(), error);
    }
}

/// A connection to one DC over a blocking socket.
pub struct BlockingConnection {
    state: Arc<Mutex<State>>,
    outputs: Arc<Outputs>,
    driver: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for BlockingConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingConnection").finish_non_exhaustive()
    }
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// Where the driver thread connects: [`Route`] with what it borrows owned, since the
/// connection is opened outside the lock.
enum OwnedRoute {
    Direct(SocketAddr),
    Proxy(Proxy, SocketAddr),
    MtProxy(MtProxy),
}

impl From<Route<'_>> for OwnedRoute {
    fn from(route: Route<'_>) -> Self {
        match route {
            Route::Direct(address) => OwnedRoute::Direct(address),
            Route::Proxy(proxy, address) => OwnedRoute::Proxy(proxy.clone(), address),
            Route::MtProxy(mtproxy) => OwnedRoute::MtProxy(mtproxy.clone()),
        }
    }
}

/// A socket along `route`; each step (the connection, the proxy's every answer) waits
/// `timeout` at most.
fn open(route: &OwnedRoute, timeout: Duration) -> io::Result<(TcpStream, TcpStream)> {
    let socket = match route {
        OwnedRoute::Direct(address) => TcpStream::connect_timeout(address, timeout)?,
        OwnedRoute::MtProxy(mtproxy) => connect_host(&mtproxy.host, mtproxy.port, timeout)?,
        OwnedRoute::Proxy(proxy, address) => {
            let handshake = Handshake::new(proxy, &Target::Addr(*address)).map_err(proxy_error)?;
            let mut socket = connect_host(&proxy.host, proxy.port, timeout)?;
            socket.set_read_timeout(Some(timeout))?;
            socket.set_write_timeout(Some(timeout))?;
            drive_blocking(&mut socket, handshake)?;
            socket.set_write_timeout(None)?;
            tracing::debug!(%proxy, %address, "tunnel through the proxy open");
            socket
        }
    };
    socket.set_nodelay(true)?;
    let writer = socket.try_clone()?;
    Ok((socket, writer))
}

/// Connects to a proxy, trying each of its host's addresses in turn.
fn connect_host(host: &str, port: u16, timeout: Duration) -> io::Result<TcpStream> {
    let mut last = None;
    for at in (host, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&at, timeout) {
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

impl BlockingConnection {
    /// Connects and starts the driver thread. Returns once the connection works (with a
    /// new key made, unless `config.auth` held one); the first failure ends it.
    pub fn connect(config: ClientConfig) -> Result<BlockingConnection, ConnectError> {
        let (core, outputs) = DriverCore::for_client(config)?;
        let state = Arc::new(Mutex::new(State {
            core,
            socket: None,
            closed: false,
            next_ticket: 0,
        }));
        let driver_state = state.clone();
        let driver = std::thread::Builder::new()
            .name("oxigram-driver".into())
            .spawn(move || drive(driver_state))
            .map_err(ConnectError::Os)?;
        let mut client = BlockingConnection {
            state,
            outputs,
            driver: Some(driver),
        };
        let started = client.outputs.wait_blocking(None, |o| o.started());
        match started {
            Some(Err(why)) => {
                client.close();
                Err(ConnectError::Link(why))
            }
            _ => Ok(client),
        }
    }

    /// Sends a request (a serialized TL function) and blocks until its raw answer.
    pub fn invoke_raw(&self, body: Bytes) -> Result<Bytes, InvokeError> {
        self.invoke_raw_with(body, InvokeOptions::default())
    }

    /// [`BlockingConnection::invoke_raw`] with options: with a timeout, the request ends
    /// with [`InvokeError::Timeout`] and leaves nothing behind.
    pub fn invoke_raw_with(
        &self,
        body: Bytes,
        options: InvokeOptions,
    ) -> Result<Bytes, InvokeError> {
        let batch = Batch::new(1);
        {
            let mut state = lock(&self.state);
            if state.closed {
                return Err(InvokeError::Closed);
            }
            let ticket = state.next_ticket;
            state.next_ticket += 1;
            let reply = Reply::new(&batch, 0);
            state
                .core
                .request(Instant::now(), ticket, body, reply, options);
            state.flush();
        }
        batch.wait().pop().unwrap_or(Err(InvokeError::Closed))
    }

    /// Sends every request at once and blocks until each has ended: the pipelined way
    /// to use a blocking connection from one thread. The requests go out in a few
    /// writes (a chunk per hold of the connection's lock) and the caller wakes once,
    /// when the last answer is in. Each result is what [`BlockingConnection::invoke_raw`]
    /// would have returned for that request, in the order of `bodies`; one request's
    /// error does not end the others.
    pub fn invoke_raw_all(
        &self,
        bodies: impl IntoIterator<Item = Bytes>,
        options: InvokeOptions,
    ) -> Vec<Result<Bytes, InvokeError>> {
        let bodies: Vec<Bytes> = bodies.into_iter().collect();
        let batch = Batch::new(bodies.len());
        let mut bodies = bodies.into_iter().enumerate().peekable();
        while bodies.peek().is_some() {
            let mut state = lock(&self.state);
            for (at, body) in bodies.by_ref().take(BATCH_CHUNK) {
                let reply = Reply::new(&batch, at);
                if state.closed {
                    reply.finish(Err(InvokeError::Closed));
                    continue;
                }
                let ticket = state.next_ticket;
                state.next_ticket += 1;
                state
                    .core
                    .request(Instant::now(), ticket, body, reply, options);
            }
            state.flush();
        }
        batch.wait()
    }

    /// Sends typed requests at once and decodes each answer; see
    /// [`BlockingConnection::invoke_raw_all`]. Like Telethon's `client([r1, r2])`:
    ///
    /// ```no_run
    /// # fn run(client: &oxigram_blocking::BlockingConnection) {
    /// use oxigram_tl::functions::updates::GetState;
    /// let states = client.invoke_all(&[GetState {}, GetState {}]);
    /// assert_eq!(states.len(), 2);
    /// # }
    /// ```
    pub fn invoke_all<F: RemoteCall>(&self, requests: &[F]) -> Vec<Result<F::Return, InvokeError>> {
        self.invoke_all_with(requests, InvokeOptions::default())
    }

    /// [`BlockingConnection::invoke_all`] with options (a timeout for each request).
    pub fn invoke_all_with<F: RemoteCall>(
        &self,
        requests: &[F],
        options: InvokeOptions,
    ) -> Vec<Result<F::Return, InvokeError>> {
        self.invoke_raw_all(requests.iter().map(|r| r.to_bytes().into()), options)
            .into_iter()
            .map(|answer| Ok(F::Return::from_shared(&answer?)?))
            .collect()
    }

    /// Sends a typed request and decodes its answer.
    pub fn invoke<F: RemoteCall>(&self, request: &F) -> Result<F::Return, InvokeError> {
        self.invoke_with(request, InvokeOptions::default())
    }

    /// [`BlockingConnection::invoke`] with options (a timeout).
    pub fn invoke_with<F: RemoteCall>(
        &self,
        request: &F,
        options: InvokeOptions,
    ) -> Result<F::Return, InvokeError> {
        let answer = self.invoke_raw_with(request.to_bytes().into(), options)?;
        Ok(F::Return::from_shared(&answer)?)
    }

    /// Requests waiting for their answer.
    pub fn pending(&self) -> usize {
        self.outputs.pending()
    }

    /// Waits up to `timeout` for the next update.
    pub fn next_update(&self, timeout: Duration) -> Option<Update> {
        self.outputs
            .next_update_blocking(Some(Instant::now() + timeout))
    }

    /// Waits until `deadline` at most for the next update, telling a deadline passed
    /// from an ended connection.
    pub fn next_update_until(&self, deadline: Instant) -> UpdateWait {
        self.outputs.wait_update_blocking(deadline)
    }

    /// The updates as they come, blocking for each; the iterator ends when the client
    /// closes.
    pub fn updates(&self) -> impl Iterator<Item = Update> + '_ {
        std::iter::from_fn(move || self.outputs.next_update_blocking(None))
    }

    /// Waits up to `timeout` for the next client event (keys, connection, clock, missed
    /// updates, giving up).
    pub fn next_event(&self, timeout: Duration) -> Option<ClientEvent> {
        self.outputs
            .next_event_blocking(Some(Instant::now() + timeout))
    }

    /// Blocks until the next update; `None` once the connection ended and every update
    /// was read.
    pub fn wait_update(&self) -> Option<Update> {
        self.outputs.next_update_blocking(None)
    }

    /// Blocks until the next client event; `None` once the connection ended and every
    /// event was read.
    pub fn wait_event(&self) -> Option<ClientEvent> {
        self.outputs.next_event_blocking(None)
    }

    /// A blocking wait for the next client event that does not hold the connection
    /// open: once the connection is closed or dropped it returns `None`.
    pub fn event_waiter(&self) -> impl FnOnce() -> Option<ClientEvent> + Send + 'static {
        let outputs = self.outputs.clone();
        move || outputs.next_event_blocking(None)
    }

    /// Ends the connection without waiting for the driver thread: requests still waiting
    /// end with `Closed`, and the thread stops on its own (dropping the last handle joins
    /// it).
    pub fn shutdown(&self) {
        let mut state = lock(&self.state);
        state.closed = true;
        state.core.close();
        if let Some(socket) = state.socket.take()
            && let Err(e) = socket.shutdown(std::net::Shutdown::Both)
        {
            tracing::trace!(%e, "shutting the socket down");
        }
    }

    /// Closes the connection: requests still waiting end with `Closed`.
    pub fn close(&mut self) {
        self.shutdown();
        if let Some(driver) = self.driver.take()
            && driver.join().is_err()
        {
            tracing::error!("the driver thread panicked");
        }
    }
}

impl Drop for BlockingConnection {
    fn drop(&mut self) {
        self.close();
    }
}

/// How late a timer may run because a read waited with the timeout set before: the
/// same timeout serves reads whose deadline moved by less.
const TIMEOUT_SLACK: Duration = Duration::from_millis(2);

/// Whether a read that must return within `wait` needs its timeout set anew: when the
/// one set would return too late, or so early that the thread would wake for nothing.
fn needs_new_timeout(set: Option<Duration>, wait: Duration) -> bool {
    set.is_none_or(|set| set > wait + TIMEOUT_SLACK || set < wait / 2)
}

/// The driver thread: connects, reads and runs the timers until closed or given up.
fn drive(state: Arc<Mutex<State>>) {
    // Quiet reads land on this thread's stack; a burst grows a heap buffer.
    let mut stack = [0u8; STACK_READ];
    let mut buf = ReadBuffer::default();
    let mut reader: Option<TcpStream> = None;
    // The reader's read timeout as last set: a read per answer need not cost a
    // `setsockopt` too.
    let mut read_timeout: Option<Duration> = None;
    loop {
        let (wait, route, connect_timeout) = {
            let mut s = lock(&state);
            if s.closed || s.core.gave_up().is_some() {
                return;
            }
            if s.socket.is_none() {
                reader = None;
            }
            let now = now();
            if s.core.deadline().is_some_and(|d| d <= now.mono) {
                s.core.handle_timeout(now);
                if !s.core.is_up() {
                    s.socket = None;
                    reader = None;
                }
                s.flush();
            }
            let connect = reader.is_none() && s.core.should_connect(now.mono);
            let wait = s
                .core
                .deadline()
                .map_or(MAX_WAIT, |d| d.saturating_duration_since(now.mono))
                .clamp(Duration::from_millis(1), MAX_WAIT);
            (
                if connect { None } else { Some(wait) },
                OwnedRoute::from(s.core.route()),
                s.core.connect_timeout(),
            )
        };
        let Some(wait) = wait else {
            let opened = open(&route, connect_timeout);
            let mut s = lock(&state);
            if s.closed {
                return;
            }
            match opened {
                Ok((r, writer)) => {
                    read_timeout = None;
                    s.socket = Some(writer);
                    s.core.connected(now());
                    s.flush();
                    reader = Some(r);
                }
                Err(e) => s.core.connect_failed(Instant::now(), &e),
            }
            continue;
        };
        let Some(socket) = &mut reader else {
            std::thread::sleep(wait);
            continue;
        };
        if needs_new_timeout(read_timeout, wait) {
            if let Err(e) = socket.set_read_timeout(Some(wait)) {
                lock(&state).drop_socket(Some(&e));
                continue;
            }
            read_timeout = Some(wait);
        }
        let into = buf.get(&mut stack);
        let size = into.len();
        let read = socket.read(into);
        let mut s = lock(&state);
        if s.closed {
            return;
        }
        match read {
            Ok(0) => s.drop_socket(None),
            Ok(n) => {
                s.core.read(now(), &buf.get(&mut stack)[..n]);
                buf.after_read(size, n);
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(e) => s.drop_socket(Some(&e)),
        }
        if !s.core.is_up() {
            s.socket = None;
        }
        s.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_timeout_is_set_again_only_when_it_would_be_late_or_far_too_early() {
        let ms = Duration::from_millis;
        assert!(needs_new_timeout(None, ms(200)));
        // The same, or a deadline moved by less than the slack: kept.
        assert!(!needs_new_timeout(Some(ms(200)), ms(200)));
        assert!(!needs_new_timeout(Some(ms(200)), ms(199)));
        // A deadline 3 ms nearer than the timeout set: the read would return late.
        assert!(needs_new_timeout(Some(ms(200)), ms(197)));
        // A deadline further away: an early return is harmless, unless the thread
        // would wake at less than half the wait.
        assert!(!needs_new_timeout(Some(ms(120)), ms(200)));
        assert!(needs_new_timeout(Some(ms(90)), ms(200)));
    }

    #[test]
    fn a_waiter_dropped_without_an_answer_ends_its_request_as_closed() {
        let batch = Batch::new(2);
        Reply::new(&batch, 0).finish(Ok(Bytes::from_static(b"answer")));
        drop(Reply::new(&batch, 1));
        let results = std::thread::scope(|scope| scope.spawn(|| batch.wait()).join().unwrap());
        assert_eq!(
            results,
            vec![Ok(Bytes::from_static(b"answer")), Err(InvokeError::Closed)]
        );
    }
}
