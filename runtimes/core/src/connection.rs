//! The async client every async adapter shares: a handle that queues requests for the
//! task owning the socket, and that task, written against the poll-based [`Socket`] and
//! [`Timer`] so that a steady-state read, write or timer allocates nothing.

use std::collections::VecDeque;
use std::future::{Future, poll_fn};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_channel::oneshot;
use oxigram_tl::{Deserialize, RemoteCall};

use crate::core::{ClientConfig, DriverCore, Update, Waiter};
use crate::error::{ConnectError, InvokeError};
use crate::mailbox::{Command, Mailbox};
use crate::outputs::{ClientEvent, Outputs, Status};
use crate::read_buffer::{ReadBuffer, STACK_READ};
use crate::{BoxFuture, Runtime, Socket, Timer, now};

type Reply = oneshot::Sender<Result<Bytes, InvokeError>>;

impl Waiter for Reply {
    fn finish(self, result: Result<Bytes, InvokeError>) {
        if self.send(result).is_err() {
            // The caller dropped its future: a cancel for it is on its way, and nobody
            // is left to hear the answer.
            tracing::trace!("an answer arrived for a caller that stopped waiting");
        }
    }
}

/// Closes the mailbox when the last handle goes.
struct Handles {
    mailbox: Arc<Mailbox>,
}

impl Drop for Handles {
    fn drop(&mut self) {
        // Every handle is gone: nobody can hear answers any more.
        if !self.mailbox.push(Command::Close(oneshot::channel().0)) {
            tracing::trace!("the driver had already ended");
        }
    }
}

/// A connection to one DC, driven by a background task. Cloning it gives another
/// handle to the same connection; the task ends when the last handle is dropped.
#[derive(Clone)]
pub struct Connection {
    handles: Arc<Handles>,
    outputs: Arc<Outputs>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("outputs", &self.outputs)
            .finish_non_exhaustive()
    }
}

/// Options of one request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvokeOptions {
    /// Ends the request with [`InvokeError::Timeout`] if no answer came by then (and
    /// tells the server to drop the answer).
    pub timeout: Option<Duration>,
    /// An answer that is an `Updates` (what `messages.sendMessage` and most other
    /// changes return) is also put on the update queue, where it was read among the
    /// pushed updates, before the caller hears it. Whoever reads updates in order
    /// (by pts) then sees it before the updates the server pushed after it, however
    /// late the caller gets to its answer; handed over by the caller instead, it could
    /// arrive after them and look like a gap.
    pub queue_updates: bool,
}

impl InvokeOptions {
    /// With a timeout.
    pub fn timeout(timeout: Duration) -> Self {
        InvokeOptions {
            timeout: Some(timeout),
            ..InvokeOptions::default()
        }
    }

    /// With [`InvokeOptions::queue_updates`] set to `queue`.
    ///
    /// ```
    /// use oxigram_runtime::InvokeOptions;
    ///
    /// let options = InvokeOptions::default().queue_updates(true);
    /// assert!(options.queue_updates && options.timeout.is_none());
    /// ```
    pub fn queue_updates(mut self, queue: bool) -> Self {
        self.queue_updates = queue;
        self
    }
}

/// Tells the driver when an `invoke` future is dropped before its answer.
struct CancelOnDrop<'a> {
    mailbox: &'a Mailbox,
    ticket: Option<u64>,
}

impl Drop for CancelOnDrop<'_> {
    fn drop(&mut self) {
        if let Some(ticket) = self.ticket
            && !self.mailbox.push(Command::Cancel(ticket))
        {
            // The driver ended, and with it every waiter.
            tracing::trace!(ticket, "cancel after the driver ended");
        }
    }
}

impl Connection {
    /// Connects on `runtime` and starts the task that owns the socket. Returns once the
    /// connection works (with a new key made, unless `config.auth` held one); the first
    /// failure ends it with the reason.
    pub async fn connect<R: Runtime>(
        runtime: R,
        config: ClientConfig,
    ) -> Result<Connection, ConnectError> {
        let (core, outputs) = DriverCore::for_client(config)?;
        let mailbox = Arc::new(Mailbox::new());
        let mut driver = Driver {
            runtime: runtime.clone(),
            core,
            mailbox: mailbox.clone(),
            socket: None,
            connecting: None,
            timer: None,
            buf: ReadBuffer::default(),
            written: 0,
            out: Vec::new(),
            commands: VecDeque::new(),
            closing: Vec::new(),
        };
        runtime.spawn(Box::pin(async move { poll_fn(|cx| driver.poll(cx)).await }));
        let client = Connection {
            handles: Arc::new(Handles { mailbox }),
            outputs,
        };
        match client.outputs.wait(Outputs::started).await {
            Ok(()) => Ok(client),
            Err(why) => Err(ConnectError::Link(why)),
        }
    }

    /// Sends a request (a serialized TL function) and waits for its raw answer.
    /// Dropping the future cancels the request.
    pub async fn invoke_raw(&self, body: Bytes) -> Result<Bytes, InvokeError> {
        self.invoke_raw_with(body, InvokeOptions::default()).await
    }

    /// [`Connection::invoke_raw`] with options (a timeout).
    pub async fn invoke_raw_with(
        &self,
        body: Bytes,
        options: InvokeOptions,
    ) -> Result<Bytes, InvokeError> {
        let mailbox = &self.handles.mailbox;
        let (tx, rx) = oneshot::channel();
        let ticket = mailbox.invoke(body, tx, options).await?;
        let mut guard = CancelOnDrop {
            mailbox,
            ticket: Some(ticket),
        };
        let result = rx.await;
        guard.ticket = None;
        match result {
            Ok(result) => result,
            // The driver dropped the waiter without an answer: it ended.
            Err(_) => Err(self.ended()),
        }
    }

    fn ended(&self) -> InvokeError {
        match self.outputs.status() {
            Status::Ended(why) => InvokeError::GaveUp(why),
            _ => InvokeError::Closed,
        }
    }

    /// Sends a typed request and decodes its answer. Dropping the future cancels it.
    pub async fn invoke<F: RemoteCall>(&self, request: &F) -> Result<F::Return, InvokeError> {
        self.invoke_with(request, InvokeOptions::default()).await
    }

    /// [`Connection::invoke`] with options (a timeout).
    pub async fn invoke_with<F: RemoteCall>(
        &self,
        request: &F,
        options: InvokeOptions,
    ) -> Result<F::Return, InvokeError> {
        let answer = self
            .invoke_raw_with(request.to_bytes().into(), options)
            .await?;
        Ok(F::Return::from_shared(&answer)?)
    }

    /// Requests waiting for their answer.
    pub fn pending(&self) -> usize {
        self.outputs.pending()
    }

    /// Updates received and not read yet (at most
    /// [`ClientConfig::update_queue`](crate::ClientConfig::update_queue)).
    pub fn queued_updates(&self) -> usize {
        self.outputs.queued_updates()
    }

    /// The next update (`None` once the client ended and every update was read).
    pub async fn next_update(&self) -> Option<Update> {
        self.outputs.wait(Outputs::try_update).await
    }

    /// The next client event: keys made or rejected, connection lost and restored, the
    /// clock offset, missed updates, giving up (`None` once the client ended and every
    /// event was read).
    pub async fn next_event(&self) -> Option<ClientEvent> {
        self.outputs.wait(Outputs::try_event).await
    }

    /// The next client event, waited for without holding the connection open: once every
    /// handle is dropped the connection closes and this ends with `None`. For a task that
    /// follows the events of a connection it does not own.
    pub fn next_event_detached(
        &self,
    ) -> impl Future<Output = Option<ClientEvent>> + Send + 'static {
        let outputs = self.outputs.clone();
        async move { outputs.wait(Outputs::try_event).await }
    }

    /// Closes the connection: requests still waiting end with
    /// [`RequestError::Closed`](oxigram_proto::session::RequestError::Closed).
    pub async fn close(&self) {
        let (tx, rx) = oneshot::channel();
        if self.handles.mailbox.push(Command::Close(tx)) && rx.await.is_err() {
            tracing::trace!("the driver ended before confirming the close");
        }
    }
}

/// The task's state: polled by hand so that nothing is allocated per wake-up.
struct Driver<R: Runtime> {
    runtime: R,
    core: DriverCore<Reply>,
    mailbox: Arc<Mailbox>,
    socket: Option<R::Socket>,
    connecting: Option<BoxFuture<'static, std::io::Result<R::Socket>>>,
    timer: Option<R::Timer>,
    /// The heap side of the read buffer (the stack side is `poll`'s).
    buf: ReadBuffer,
    /// Of `out`, what the socket took already.
    written: usize,
    out: Vec<u8>,
    /// Commands taken from the mailbox (its storage swapped with this one).
    commands: VecDeque<Command>,
    closing: Vec<oneshot::Sender<()>>,
}

/// Passes through the loop (each reading what there is, running the timers and writing)
/// before the task yields to others on its executor.
const MAX_PASSES: u32 = 32;

/// Reads per pass.
const MAX_READS: u32 = 16;

impl<R: Runtime> Driver<R> {
    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let mut stack = [0u8; STACK_READ];
        let mut passes = 0;
        loop {
            passes += 1;
            if passes > MAX_PASSES {
                // Busy (a flood of input): let the executor run other tasks first.
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            // Commands first: they may close the client.
            self.mailbox.take(cx, &mut self.commands);
            let now = now();
            while let Some(command) = self.commands.pop_front() {
                match command {
                    Command::Invoke {
                        ticket,
                        body,
                        reply,
                        options,
                    } => self.core.request(now.mono, ticket, body, reply, options),
                    Command::Cancel(ticket) => self.core.cancel(ticket),
                    Command::Close(done) => self.closing.push(done),
                }
            }
            if !self.closing.is_empty() {
                self.finish(InvokeError::Closed);
                return Poll::Ready(());
            }
            if let Some(why) = self.core.gave_up() {
                let why = InvokeError::GaveUp(why.clone());
                self.finish(why);
                return Poll::Ready(());
            }

            let mut progress = false;
            // Opening a socket.
            if self.socket.is_none()
                && self.connecting.is_none()
                && self.core.should_connect(now.mono)
            {
                self.connecting = Some(crate::proxied::open(&self.runtime, self.core.route()));
            }
            if let Some(connecting) = &mut self.connecting
                && let Poll::Ready(result) = connecting.as_mut().poll(cx)
            {
                self.connecting = None;
                progress = true;
                match result {
                    Ok(socket) => {
                        self.socket = Some(socket);
                        self.out.clear();
                        self.written = 0;
                        self.core.connected(now);
                    }
                    Err(e) => self.core.connect_failed(now.mono, &e),
                }
            }

            // Reading what there is (a bounded number of reads per pass, so that a
            // flood of input still lets commands and writes through).
            let mut reads = 0;
            while let Some(socket) = &mut self.socket
                && reads < MAX_READS
            {
                reads += 1;
                let buf = self.buf.get(&mut stack);
                let size = buf.len();
                match socket.poll_read(cx, buf) {
                    Poll::Ready(Ok(0)) => self.drop_socket(now.mono, None),
                    Poll::Ready(Ok(n)) => {
                        self.core.read(now, &self.buf.get(&mut stack)[..n]);
                        self.buf.after_read(size, n);
                        if !self.core.is_up() {
                            self.socket = None;
                        }
                    }
                    Poll::Ready(Err(e)) => self.drop_socket(now.mono, Some(&e)),
                    Poll::Pending => break,
                }
                progress = true;
            }

            // Timers.
            if self.core.deadline().is_some_and(|d| d <= now.mono) {
                self.core.handle_timeout(now);
                if !self.core.is_up() {
                    self.socket = None;
                }
                if !self.core.is_connecting() {
                    self.connecting = None;
                }
                progress = true;
            }

            // Writing what the core has to send.
            if let Some(socket) = &mut self.socket {
                if self.written == self.out.len() {
                    self.out.clear();
                    self.written = 0;
                    let bytes = self.core.transmit(now);
                    self.out.extend_from_slice(bytes);
                }
                while self.written < self.out.len() {
                    match socket.poll_write(cx, &self.out[self.written..]) {
                        Poll::Ready(Ok(0)) => {
                            self.drop_socket(now.mono, None);
                            break;
                        }
                        Poll::Ready(Ok(n)) => self.written += n,
                        Poll::Ready(Err(e)) => {
                            self.drop_socket(now.mono, Some(&e));
                            break;
                        }
                        Poll::Pending => break,
                    }
                }
                // A large write grew the buffer; do not keep it.
                if self.written == self.out.len() && self.out.capacity() > 1 << 20 {
                    self.out = Vec::new();
                    self.written = 0;
                }
            }
            if self.core.gave_up().is_some() {
                continue;
            }
            if progress {
                continue;
            }

            // Nothing to do until the socket, a handle or the timer wakes us.
            if let Some(deadline) = self.core.deadline() {
                let timer = self.timer.get_or_insert_with(|| self.runtime.timer());
                timer.reset(deadline);
                if timer.poll_expired(cx).is_ready() {
                    continue;
                }
            }
            return Poll::Pending;
        }
    }

    fn drop_socket(&mut self, now: std::time::Instant, error: Option<&std::io::Error>) {
        self.socket = None;
        self.out.clear();
        self.written = 0;
        self.core.socket_failed(now, error);
    }

    /// Ends the task: every waiter and every queued request hears `why`, and closers
    /// are told it is done.
    fn finish(&mut self, why: InvokeError) {
        let queued = self.mailbox.end(why.clone());
        for command in self.commands.drain(..).chain(queued) {
            match command {
                Command::Invoke { reply, .. } => reply.finish(Err(why.clone())),
                Command::Cancel(_) => {}
                Command::Close(done) => self.closing.push(done),
            }
        }
        if self.core.gave_up().is_none() {
            self.core.close();
        }
        for done in self.closing.drain(..) {
            if done.send(()).is_err() {
                tracing::trace!("a closer stopped waiting");
            }
        }
    }
}
