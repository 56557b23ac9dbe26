//! The worker pool: `workers` tasks spawned on the client's runtime take updates from
//! bounded queues.
//!
//! - Shared (the default): one queue all workers take from; updates run as soon as a
//!   worker is free, in any order.
//! - Per chat ([`PoolConfig::per_chat`]): a queue per worker, and every update of a
//!   chat goes to the same worker, so a chat's updates run one at a time, in order,
//!   while other chats run in parallel. Updates without a chat are spread in turn.
//!
//! Overflow: when a queue is full, [`Pool::submit`] waits until a worker takes an
//! update (backpressure on the reader: updates are never dropped, and the server-side
//! buffer holds the rest).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::FutureExt;
use oxigram_runtime::BoxFuture;

use super::group::panic_message;
use crate::client::net::Net;

/// How the dispatcher's workers run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolConfig {
    /// How many updates are handled at once (at least 1).
    pub workers: usize,
    /// Whether a chat's updates are handled one at a time, in order.
    pub per_chat: bool,
    /// How many updates wait per queue before the reader waits (at least 1).
    pub queue: usize,
}

/// Workers by default: as Pyrogram, the cores plus four, at most 32.
pub fn default_workers() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    (cores + 4).min(32)
}

/// Updates that may wait in a queue by default.
pub const DEFAULT_QUEUE: usize = 1024;

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            workers: default_workers(),
            per_chat: false,
            queue: DEFAULT_QUEUE,
        }
    }
}

/// The pool has stopped taking updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the dispatcher's workers have stopped")]
pub struct PoolClosed;

/// Running workers and their queues.
pub(crate) struct Pool<J> {
    queues: Vec<async_channel::Sender<J>>,
    per_chat: bool,
    turn: AtomicUsize,
    /// Ends (with an error) once every worker has returned.
    finished: async_channel::Receiver<()>,
}

/// What a worker does with a job.
pub(crate) type Work<J> = Arc<dyn Fn(J) -> BoxFuture<'static, ()> + Send + Sync>;

impl<J: Send + 'static> Pool<J> {
    /// Spawns the workers on `net`.
    pub(crate) fn start(net: &dyn Net, config: PoolConfig, work: Work<J>) -> Self {
        let workers = config.workers.max(1);
        let capacity = config.queue.max(1);
        let (alive, finished) = async_channel::bounded::<()>(1);
        let mut queues = Vec::new();
        let shared = (!config.per_chat).then(|| async_channel::bounded::<J>(capacity));
        for index in 0..workers {
            let receiver = match &shared {
                Some((_, receiver)) => receiver.clone(),
                None => {
                    let (sender, receiver) = async_channel::bounded(capacity);
                    queues.push(sender);
                    receiver
                }
            };
            let work = work.clone();
            let alive = alive.clone();
            net.spawn(Box::pin(async move {
                while let Ok(job) = receiver.recv().await {
                    // A job catches its own panics; this one keeps the worker alive
                    // whatever happens.
                    if let Err(payload) = std::panic::AssertUnwindSafe(work(job))
                        .catch_unwind()
                        .await
                    {
                        tracing::error!(worker = index, panic = %panic_message(&*payload), "an update's job panicked");
                    }
                }
                drop(alive);
            }));
        }
        if let Some((sender, _)) = shared {
            queues.push(sender);
        }
        Pool {
            queues,
            per_chat: config.per_chat,
            turn: AtomicUsize::new(0),
            finished,
        }
    }

    /// Queues `job` (of the chat `chat`, if any), waiting while its queue is full.
    pub(crate) async fn submit(&self, chat: Option<i64>, job: J) -> Result<(), PoolClosed> {
        let index = match (self.per_chat, chat) {
            (false, _) => 0,
            (true, Some(chat)) => (chat.unsigned_abs() % self.queues.len() as u64) as usize,
            (true, None) => self.turn.fetch_add(1, Ordering::Relaxed) % self.queues.len(),
        };
        self.queues[index].send(job).await.map_err(|_| PoolClosed)
    }

    /// Takes no more jobs; the workers finish what is queued, then return.
    pub(crate) fn close(&self) {
        for queue in &self.queues {
            queue.close();
        }
    }

    /// Waits until every worker has returned (after [`Pool::close`]).
    pub(crate) async fn join(&self) {
        // No message is ever sent: this ends when the last worker drops its sender.
        while let Ok(()) = self.finished.recv().await {}
    }

    /// Jobs waiting in the queues.
    pub(crate) fn queued(&self) -> usize {
        self.queues.iter().map(|q| q.len()).sum()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::client::net::AsyncNet;
    use std::sync::Mutex;

    /// A runtime's name, its `Net`, and a way to block on a future there.
    pub(crate) type TestRuntime = (&'static str, Arc<dyn Net>, fn(BoxFuture<'static, ()>));

    /// Every runtime the crate runs on, each with a way to block on a future.
    pub(crate) fn runtimes() -> Vec<TestRuntime> {
        vec![
            ("tokio", Arc::new(AsyncNet(oxigram_tokio::Tokio)), |f| {
                tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("a tokio runtime")
                    .block_on(f)
            }),
            (
                "async-std",
                Arc::new(AsyncNet(oxigram_async_std::AsyncStd)),
                |f| async_std::task::block_on(f),
            ),
            ("smol", Arc::new(AsyncNet(oxigram_smol::Smol)), |f| {
                smol::block_on(f)
            }),
            (
                "blocking",
                Arc::new(crate::client::net::blocking::BlockingNet),
                |f| futures_executor::block_on(f),
            ),
        ]
    }

    /// Per chat: each chat's jobs in the order given, whatever the workers do.
    #[test]
    fn per_chat_order_on_every_runtime() {
        for (name, net, block_on) in runtimes() {
            let log: Arc<Mutex<Vec<(i64, u32)>>> = Arc::default();
            let seen = log.clone();
            let yielding = net.clone();
            let work: Work<(i64, u32)> = Arc::new(move |(chat, n)| {
                let seen = seen.clone();
                let net = yielding.clone();
                Box::pin(async move {
                    // Some jobs take a turn off, so that a free worker could overtake.
                    if n % 3 == 0 {
                        net.sleep(std::time::Duration::from_millis(1)).await;
                    }
                    seen.lock().unwrap().push((chat, n));
                })
            });
            let config = PoolConfig {
                workers: 3,
                per_chat: true,
                queue: 2,
            };
            let spawner = net.clone();
            block_on(Box::pin(async move {
                let feeder = Pool::start(&*spawner, config, work);
                for n in 0..60u32 {
                    let chat = i64::from(n % 4) - 2;
                    feeder.submit(Some(chat), (chat, n)).await.expect("open");
                }
                feeder.close();
                feeder.join().await;
                assert_eq!(feeder.submit(None, (0, 0)).await, Err(PoolClosed));
            }));
            let log = log.lock().unwrap();
            assert_eq!(log.len(), 60, "{name}");
            for chat in -2..2 {
                let order: Vec<u32> = log
                    .iter()
                    .filter(|(c, _)| *c == chat)
                    .map(|(_, n)| *n)
                    .collect();
                let expected: Vec<u32> = (0..60).filter(|n| i64::from(n % 4) - 2 == chat).collect();
                assert_eq!(order, expected, "{name}: chat {chat}");
            }
        }
    }

    /// Shared: every job runs once, a panicking one included, and the pool drains on
    /// close.
    #[test]
    fn shared_queue_runs_everything_once() {
        for (name, net, block_on) in runtimes() {
            let log: Arc<Mutex<Vec<u32>>> = Arc::default();
            let seen = log.clone();
            let work: Work<u32> = Arc::new(move |n| {
                let seen = seen.clone();
                Box::pin(async move {
                    if n == 7 {
                        panic!("job seven");
                    }
                    seen.lock().unwrap().push(n);
                })
            });
            let config = PoolConfig {
                workers: 2,
                per_chat: false,
                queue: 1,
            };
            block_on(Box::pin(async move {
                let feeder = Pool::start(&*net, config, work);
                for n in 0..20 {
                    feeder.submit(Some(1), n).await.expect("open");
                }
                feeder.close();
                feeder.join().await;
                assert_eq!(feeder.queued(), 0);
            }));
            let mut log = log.lock().unwrap().clone();
            log.sort_unstable();
            let expected: Vec<u32> = (0..20).filter(|n| *n != 7).collect();
            assert_eq!(log, expected, "{name}");
        }
    }
}
