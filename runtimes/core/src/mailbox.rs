//! The bounded queue of commands from client handles to the driver task. A handle
//! pushes under a lock and wakes the driver through one [`AtomicWaker`]; the driver
//! takes every command at once by swapping buffers. Neither side allocates in steady
//! state (a queue's storage is reused, the waker is registered in place), which a
//! general-purpose channel cannot promise: the listeners of `async-channel` are
//! allocated per wait.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::task::Context;

use atomic_waker::AtomicWaker;
use bytes::Bytes;
use event_listener::Event;
use futures_channel::oneshot;

use crate::connection::InvokeOptions;
use crate::error::InvokeError;

/// How many requests may wait for the driver to take them. When full, `invoke` waits
/// for room (backpressure); cancellations and closes are never refused.
pub const COMMAND_QUEUE: usize = 1024;

/// What a handle asks of the driver.
pub(crate) enum Command {
    Invoke {
        ticket: u64,
        body: Bytes,
        reply: oneshot::Sender<Result<Bytes, InvokeError>>,
        options: InvokeOptions,
    },
    /// The caller dropped its `invoke` future.
    Cancel(u64),
    Close(oneshot::Sender<()>),
}

struct Inbox {
    commands: VecDeque<Command>,
    next_ticket: u64,
    /// Why nothing more is accepted, once the driver ended.
    ended: Option<InvokeError>,
}

pub(crate) struct Mailbox {
    inbox: Mutex<Inbox>,
    driver: AtomicWaker,
    /// Senders waiting for room.
    room: Event,
}

impl Mailbox {
    pub(crate) fn new() -> Self {
        Mailbox {
            inbox: Mutex::new(Inbox {
                commands: VecDeque::new(),
                next_ticket: 0,
                ended: None,
            }),
            driver: AtomicWaker::new(),
            room: Event::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inbox> {
        self.inbox.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues a request, waiting while the queue is full; returns its ticket.
    pub(crate) async fn invoke(
        &self,
        body: Bytes,
        reply: oneshot::Sender<Result<Bytes, InvokeError>>,
        options: InvokeOptions,
    ) -> Result<u64, InvokeError> {
        let mut command = Some((body, reply));
        loop {
            let listener = {
                let mut inbox = self.lock();
                if let Some(why) = &inbox.ended {
                    return Err(why.clone());
                }
                if inbox.commands.len() < COMMAND_QUEUE {
                    let ticket = inbox.next_ticket;
                    inbox.next_ticket += 1;
                    if let Some((body, reply)) = command.take() {
                        inbox.commands.push_back(Command::Invoke {
                            ticket,
                            body,
                            reply,
                            options,
                        });
                    }
                    drop(inbox);
                    self.driver.wake();
                    return Ok(ticket);
                }
                self.room.listen()
            };
            listener.await;
        }
    }

    /// Queues a command that is never refused for lack of room (cancel, close). `false`
    /// when the driver has ended.
    pub(crate) fn push(&self, command: Command) -> bool {
        {
            let mut inbox = self.lock();
            if inbox.ended.is_some() {
                return false;
            }
            inbox.commands.push_back(command);
        }
        self.driver.wake();
        true
    }

    /// (Driver) moves every queued command into `into` (an empty queue whose storage is
    /// swapped in, so neither side allocates); registers the driver's waker first, so
    /// that a command pushed after the swap wakes it.
    pub(crate) fn take(&self, cx: &mut Context<'_>, into: &mut VecDeque<Command>) {
        self.driver.register(cx.waker());
        let mut inbox = self.lock();
        let was_full = inbox.commands.len() >= COMMAND_QUEUE;
        std::mem::swap(&mut inbox.commands, into);
        drop(inbox);
        if was_full {
            self.room.notify(usize::MAX);
        }
    }

    /// (Driver) refuses everything from now on with `why`; returns what was queued.
    pub(crate) fn end(&self, why: InvokeError) -> VecDeque<Command> {
        let commands = {
            let mut inbox = self.lock();
            inbox.ended.get_or_insert(why);
            std::mem::take(&mut inbox.commands)
        };
        self.room.notify(usize::MAX);
        commands
    }
}
