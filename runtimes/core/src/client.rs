//! The async client every async adapter shares: a handle that sends requests to the task
//! owning the socket, and that task.

use std::future::poll_fn;
use std::task::Poll;
use std::time::Duration;

use bytes::Bytes;
use futures_channel::oneshot;
use oxigram_tl::{Deserialize, RemoteCall};

use crate::core::{ClientConfig, DriverCore, Update};
use crate::error::InvokeError;
use crate::{Runtime, Socket, now, os_seed};

enum Command {
    Invoke(Bytes, oneshot::Sender<Result<Bytes, InvokeError>>),
    Close(oneshot::Sender<()>),
}

/// A connection to one DC, driven by a background task. Cloning it gives another
/// handle to the same connection.
#[derive(Debug, Clone)]
pub struct Client {
    commands: async_channel::Sender<Command>,
    updates: async_channel::Receiver<Update>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Command::Invoke(..) => "Invoke",
            Command::Close(_) => "Close",
        })
    }
}

/// Longest pause between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

impl Client {
    /// Connects on `runtime` and starts the task that owns the socket.
    pub async fn connect<R: Runtime>(runtime: R, config: ClientConfig) -> std::io::Result<Client> {
        let socket = runtime.connect(config.address).await?;
        let core = DriverCore::new(config, os_seed()?, now());
        let (commands, command_rx) = async_channel::unbounded();
        let (update_tx, updates) = async_channel::unbounded();
        runtime.spawn(Box::pin(drive(
            runtime.clone(),
            socket,
            core,
            command_rx,
            update_tx,
        )));
        Ok(Client { commands, updates })
    }

    /// Sends a request (a serialized TL function) and waits for its raw answer.
    pub async fn invoke_raw(&self, body: Bytes) -> Result<Bytes, InvokeError> {
        let (tx, rx) = oneshot::channel();
        self.commands
            .send(Command::Invoke(body, tx))
            .await
            .map_err(|_| InvokeError::Closed)?;
        rx.await.map_err(|_| InvokeError::Closed)?
    }

    /// Sends a typed request and decodes its answer.
    pub async fn invoke<F: RemoteCall>(&self, request: &F) -> Result<F::Return, InvokeError> {
        let answer = self.invoke_raw(request.to_bytes().into()).await?;
        Ok(F::Return::from_shared(&answer)?)
    }

    /// The next update (`None` once the client is closed).
    pub async fn next_update(&self) -> Option<Update> {
        self.updates.recv().await.ok()
    }

    /// Closes the connection: requests still waiting end with
    /// [`RequestError::Closed`](oxigram_proto::session::RequestError::Closed).
    pub async fn close(&self) {
        let (tx, rx) = oneshot::channel();
        if self.commands.send(Command::Close(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }
}

enum Wake {
    Command(Option<Command>),
    Read(std::io::Result<usize>),
    Timer,
}

/// The task: owns the socket and the core until closed (or every handle is dropped).
async fn drive<R: Runtime>(
    runtime: R,
    mut socket: R::Socket,
    mut core: DriverCore,
    commands: async_channel::Receiver<Command>,
    updates: async_channel::Sender<Update>,
) {
    let mut buf = vec![0u8; 64 << 10];
    let mut closing = None;
    loop {
        let bytes = core.transmit(now());
        if !bytes.is_empty() && socket.write_all(bytes).await.is_err() {
            match reconnect(&runtime, &mut core, &commands, &mut closing).await {
                Some(s) => socket = s,
                None => return finish(core, &commands, closing),
            }
            continue;
        }
        core.dispatch(|u| {
            let _ = updates.try_send(u);
        });
        if closing.is_some() {
            return finish(core, &commands, closing);
        }
        let deadline = core.deadline();
        let wake = {
            let mut recv = std::pin::pin!(commands.recv());
            let mut read = socket.read(&mut buf);
            let mut timer = deadline.map(|d| runtime.sleep_until(d));
            poll_fn(|cx| {
                if let Poll::Ready(c) = recv.as_mut().poll(cx) {
                    return Poll::Ready(Wake::Command(c.ok()));
                }
                if let Poll::Ready(r) = read.as_mut().poll(cx) {
                    return Poll::Ready(Wake::Read(r));
                }
                if let Some(t) = timer.as_mut()
                    && t.as_mut().poll(cx).is_ready()
                {
                    return Poll::Ready(Wake::Timer);
                }
                Poll::Pending
            })
            .await
        };
        match wake {
            Wake::Command(Some(Command::Invoke(body, tx))) => core.request(
                body,
                Box::new(move |result| {
                    let _ = tx.send(result);
                }),
            ),
            Wake::Command(Some(Command::Close(done))) => closing = Some(done),
            // Every handle is gone: nobody can hear answers any more.
            Wake::Command(None) => return finish(core, &commands, None),
            Wake::Read(Ok(n)) if n > 0 && core.handle_read(now(), &buf[..n]).is_ok() => {}
            Wake::Read(_) => match reconnect(&runtime, &mut core, &commands, &mut closing).await {
                Some(s) => socket = s,
                None => return finish(core, &commands, closing),
            },
            Wake::Timer => {
                core.handle_timeout(now());
                if core.is_down() {
                    match reconnect(&runtime, &mut core, &commands, &mut closing).await {
                        Some(s) => socket = s,
                        None => return finish(core, &commands, closing),
                    }
                }
            }
        }
    }
}

/// Ends the task: every waiter hears that the client closed. The channel is closed
/// first, so that a request sent as the task ends is refused rather than left unread.
fn finish(
    mut core: DriverCore,
    commands: &async_channel::Receiver<Command>,
    closing: Option<oneshot::Sender<()>>,
) {
    commands.close();
    while let Ok(command) = commands.try_recv() {
        match command {
            Command::Invoke(_, tx) => {
                let _ = tx.send(Err(InvokeError::Closed));
            }
            Command::Close(done) => {
                let _ = done.send(());
            }
        }
    }
    core.close();
    if let Some(done) = closing {
        let _ = done.send(());
    }
}

/// Connects again, waiting longer after each failure (up to [`MAX_BACKOFF`]). Requests
/// arriving meanwhile are queued; a close (or every handle dropped) ends the wait with
/// `None`.
async fn reconnect<R: Runtime>(
    runtime: &R,
    core: &mut DriverCore,
    commands: &async_channel::Receiver<Command>,
    closing: &mut Option<oneshot::Sender<()>>,
) -> Option<R::Socket> {
    let mut backoff = Duration::from_millis(50);
    loop {
        match runtime.connect(core.address()).await {
            Ok(socket) => {
                tracing::debug!("reconnected");
                core.reset(now());
                return Some(socket);
            }
            Err(e) => tracing::debug!(%e, ?backoff, "reconnection failed"),
        }
        let deadline = std::time::Instant::now() + backoff;
        backoff = (backoff * 2).min(MAX_BACKOFF);
        loop {
            let mut recv = std::pin::pin!(commands.recv());
            let mut timer = runtime.sleep_until(deadline);
            let command = poll_fn(|cx| {
                if let Poll::Ready(c) = recv.as_mut().poll(cx) {
                    return Poll::Ready(Some(c.ok()));
                }
                timer.as_mut().poll(cx).map(|()| None)
            })
            .await;
            match command {
                None => break,
                Some(Some(Command::Invoke(body, tx))) => core.request(
                    body,
                    Box::new(move |result| {
                        let _ = tx.send(result);
                    }),
                ),
                Some(Some(Command::Close(done))) => {
                    *closing = Some(done);
                    return None;
                }
                Some(None) => return None,
            }
        }
    }
}
