//! A durable update queue in PostgreSQL: the lease holder of a busy account appends the
//! updates it reads, and worker processes take them, with per-chat order kept when
//! asked.
//!
//! The holder reads with
//! [`Client::next_ordered_raw_update`](crate::Client::next_ordered_raw_update) and
//! [`push`](QueueProducer::push)es each before asking for the next: an update counts as
//! handled once it is queued, so the account's saved update state never runs ahead of
//! the queue, and a holder that dies after queueing an update but before its state was
//! saved has its successor queue it again. Each row carries an idempotency key (the
//! first 16 bytes of the SHA-256 of the update's encoding, unique per account), so that
//! second copy is dropped while the first is still queued; a worker that sees a key
//! again after the first copy was done may skip it.
//!
//! Workers [`take`](QueueConsumer::take) a batch (`FOR UPDATE SKIP LOCKED`: no two
//! workers get one row), handle it, then mark it [`done`](QueueConsumer::done), which
//! deletes it. A worker that dies before `done` leaves its rows locked only as long as
//! its connection: the database rolls the transaction back and another worker takes
//! them (at least once). With [`ConsumerConfig::per_chat`], a worker takes chats, not
//! rows: the oldest row of each chat nobody holds (at most a quarter of the batch of
//! them), then the rows behind those, in order. While it holds a chat's oldest row, no
//! other worker takes any row of that chat: a chat's updates are handled one after the
//! other in the order queued, while different chats go in parallel.
//!
//! A worker with nothing to take waits on `LISTEN` ([`CHANNEL`]): queueing rows and
//! marking rows done announce the account there, so waiting workers look at once; a
//! look every [`IDLE_POLL`] catches what nobody announced (the rows of a worker that
//! died). Each look is planned to walk the indexes in queue order and stop at the
//! batch's end, whatever the table's statistics say.
//!
//! What announcing costs: PostgreSQL commits notifying transactions one at a time
//! (a database-wide lock from the announcement to the commit's end), so with `fsync`
//! on, pushes and `done`s of every account queue behind each other's disk flushes; and
//! a listening connection inside a transaction (a worker between `take` and `done`)
//! holds PostgreSQL's notification queue (8 GB by default) back until it commits, so
//! handlers that run for hours under heavy pushes grow it.
//!
//! Requests a handler makes go through the worker's own client: for a bot, the bot
//! signed in again on a key of its own (its bot token, an in-memory session,
//! [`no_updates`](crate::client::ClientBuilder::no_updates) so that pushes still go to
//! the holder only); [`Update::from_raw`](crate::types::Update::from_raw) with that
//! client makes a queued update high-level, so `message.reply(…)` works as in one
//! process. Why not through the holder: every request would cross the database twice
//! and the holder would carry every worker's traffic, while a bot may hold as many keys
//! as it likes, one per process, and no key is shared. A user account cannot do that
//! (a new key takes a new sign-in with a code): for users, requests through the holder
//! are the way, and are not built yet.
//!
//! Every call runs on a thread of the producer's or consumer's own (the blocking client
//! may not run inside an async runtime); the async methods wait for it without blocking
//! the caller's executor.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use futures_channel::oneshot;
use oxigram_tl::{Deserialize, Reader, Serialize, enums};
use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;
use sha2::Digest;

use super::{connect, db_error, schema};
use crate::storage::StorageError;
use crate::types::RawUpdate;

/// How long a worker waits on an empty queue before it looks again without being told.
/// Producers and workers announce new and released rows on [`CHANNEL`] (`NOTIFY`),
/// which wakes waiting workers at once; the look every `IDLE_POLL` catches rows nobody
/// announced (a dead worker's, given back when its transaction rolled back) and a
/// caller that stopped waiting.
pub const IDLE_POLL: Duration = Duration::from_millis(250);

/// [`CHANNEL`], as a literal for the statements that name it.
macro_rules! channel {
    () => {
        "oxigram_queue"
    };
}

/// The `LISTEN`/`NOTIFY` channel on which the queue's changes are announced, with the
/// account's name as the payload.
pub const CHANNEL: &str = channel!();

/// `$change` (an `INSERT` or `DELETE` of the account `$1`'s rows), answering with how
/// many rows it changed, and announcing the account on [`CHANNEL`] in the same
/// statement, once, and only if a row changed: the `CASE` runs after the count, so no
/// plan can announce an empty change.
macro_rules! announced {
    ($change:literal) => {
        concat!(
            "WITH changed AS (",
            $change,
            " RETURNING 1) SELECT count(*), CASE WHEN count(*) > 0 THEN pg_notify('",
            channel!(),
            "', $1) END FROM changed"
        )
    };
}

/// Calls waiting for a producer's or consumer's thread at most; a caller past that waits
/// for room.
const WAITING: usize = 64;

/// An update taken from the queue.
#[derive(Debug, Clone)]
pub struct Queued {
    /// Its place in the account's queue.
    pub seq: i64,
    /// The chat it was queued under (Bot-API-style id), if any.
    pub chat: Option<i64>,
    /// Its idempotency key: the same update queued twice has the same key.
    pub key: [u8; 16],
    /// The update, with the users and chats it names.
    pub update: RawUpdate,
}

fn stopped() -> StorageError {
    StorageError::Database("the queue's connection thread stopped".into())
}

/// The row's idempotency key and body. The body is the update, then its users and
/// chats, each as TL; the key is the first 16 bytes of the SHA-256 of the update's
/// encoding alone (the same update carries the same key whatever peers came with it),
/// taken from the body's start rather than encoding the update twice.
fn encode(update: &RawUpdate) -> ([u8; 16], Vec<u8>) {
    let mut body = Vec::new();
    update.update.serialize(&mut body);
    let digest = sha2::Sha256::digest(&body);
    let mut key = [0; 16];
    key.copy_from_slice(&digest[..16]);
    update.users.serialize(&mut body);
    update.chats.serialize(&mut body);
    (key, body)
}

fn decode(body: &[u8]) -> Result<RawUpdate, StorageError> {
    let unreadable =
        |e: oxigram_tl::DecodeError| StorageError::Unreadable(format!("a queued update: {e}"));
    let mut r = Reader::new(body);
    let update = enums::Update::deserialize(&mut r).map_err(unreadable)?;
    let users = Vec::<enums::User>::deserialize(&mut r).map_err(unreadable)?;
    let chats = Vec::<enums::Chat>::deserialize(&mut r).map_err(unreadable)?;
    r.finish().map_err(unreadable)?;
    Ok(RawUpdate {
        update,
        users,
        chats,
    })
}

type Job = Box<dyn FnOnce(&mut Client) + Send>;

/// A thread that owns a connection and runs what it is sent, in order.
#[derive(Debug)]
struct Worker {
    jobs: Option<SyncSender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    fn start(url: &str, name: &str) -> Result<Worker, StorageError> {
        let (jobs, received) = sync_channel::<Job>(WAITING);
        let thread = spawn_connected(url, name, move |conn| serve(conn, received))?;
        Ok(Worker {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Client) -> Result<T, StorageError> + Send + 'static,
    ) -> Result<T, StorageError> {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            if reply.send(job(conn)).is_err() {
                tracing::debug!("a queue call's caller went away before its answer");
            }
        });
        self.jobs
            .as_ref()
            .ok_or_else(stopped)?
            .send(job)
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn serve(mut conn: Client, jobs: Receiver<Job>) {
    for job in jobs {
        job(&mut conn);
    }
}

/// Starts the thread `name`, which connects to `url` (migrating the schema) and then
/// runs `body` with the connection; returns once the connection is made, or with why
/// it could not be.
fn spawn_connected(
    url: &str,
    name: &str,
    body: impl FnOnce(Client) + Send + 'static,
) -> Result<JoinHandle<()>, StorageError> {
    let url = url.to_owned();
    let (opened, opening) = sync_channel(1);
    let thread = std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            match connect(&url).and_then(|mut c| schema::migrate(&mut c).map(|()| c)) {
                // The opener waits for this; gone, it wants no thread.
                Ok(conn) => match opened.send(Ok(())) {
                    Ok(()) => body(conn),
                    Err(_) => tracing::debug!("the queue's opener went away"),
                },
                Err(e) => {
                    if opened.send(Err(e)).is_err() {
                        tracing::debug!("the queue's opener went away");
                    }
                }
            }
        })?;
    opening.recv().map_err(|_| stopped())??;
    Ok(thread)
}

/// Waits for a queue thread to end (its channel closed first), reporting a panic.
fn join(thread: Option<JoinHandle<()>>) {
    if let Some(thread) = thread
        && let Err(panic) = thread.join()
    {
        tracing::error!(?panic, "a queue thread panicked");
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.jobs = None;
        join(self.thread.take());
    }
}

/// The lease holder's end: appends updates to an account's queue.
#[derive(Debug)]
pub struct QueueProducer {
    account: String,
    worker: Worker,
}

impl QueueProducer {
    /// Connects to the database at `url` (migrating its schema) for `account`'s queue.
    pub fn open(url: &str, account: &str) -> Result<QueueProducer, StorageError> {
        Ok(QueueProducer {
            account: account.to_owned(),
            worker: Worker::start(url, "oxigram-queue-producer")?,
        })
    }

    /// Appends `update` under `chat` (its Bot-API-style chat id, for per-chat order;
    /// `None` for updates of no chat) and returns once it is durable: `true` if it was
    /// queued, `false` if the same update was queued already and is not done yet.
    pub async fn push(&self, update: &RawUpdate, chat: Option<i64>) -> Result<bool, StorageError> {
        let account = self.account.clone();
        let (key, body) = encode(update);
        self.worker
            .run(move |conn| {
                let row = conn
                    .query_one(
                        announced!(
                            "INSERT INTO oxigram_update_queue (account, chat, key, body)
                             VALUES ($1, $2, $3, $4) ON CONFLICT (account, key) DO NOTHING"
                        ),
                        &[&account, &chat, &&key[..], &body],
                    )
                    .map_err(db_error)?;
                Ok(row.get::<_, i64>(0) == 1)
            })
            .await
    }

    /// Appends several updates in one transaction, in order (what
    /// [`Client::next_ordered_raw_updates`](crate::Client::next_ordered_raw_updates)
    /// returns, with their chats); returns how many were new.
    pub async fn push_all(
        &self,
        updates: &[(RawUpdate, Option<i64>)],
    ) -> Result<usize, StorageError> {
        let account = self.account.clone();
        let rows: Vec<(Option<i64>, Vec<u8>, Vec<u8>)> = updates
            .iter()
            .map(|(u, chat)| {
                let (key, body) = encode(u);
                (*chat, key.to_vec(), body)
            })
            .collect();
        self.worker
            .run(move |conn| {
                let chats: Vec<Option<i64>> = rows.iter().map(|r| r.0).collect();
                let keys: Vec<&[u8]> = rows.iter().map(|r| &r.1[..]).collect();
                let bodies: Vec<&[u8]> = rows.iter().map(|r| &r.2[..]).collect();
                // `WITH ORDINALITY` keeps the order given: the sequence numbers follow it.
                let row = conn
                    .query_one(
                        announced!(
                            "INSERT INTO oxigram_update_queue (account, chat, key, body)
                             SELECT $1, chat, key, body
                             FROM unnest($2::bigint[], $3::bytea[], $4::bytea[])
                                 WITH ORDINALITY AS u(chat, key, body, n)
                             ORDER BY n
                             ON CONFLICT (account, key) DO NOTHING"
                        ),
                        &[&account, &chats, &keys, &bodies],
                    )
                    .map_err(db_error)?;
                Ok(row.get::<_, i64>(0).max(0) as usize)
            })
            .await
    }

    /// Updates waiting in the account's queue (taken ones included until done), and
    /// how long the oldest has waited: the queue's lag.
    pub async fn depth(&self) -> Result<(u64, Duration), StorageError> {
        let account = self.account.clone();
        self.worker
            .run(move |conn| {
                let row = conn
                    .query_one(
                        "SELECT count(*), coalesce(
                             (extract(epoch FROM (now() - min(queued_at))) * 1000)::bigint, 0)
                         FROM oxigram_update_queue WHERE account = $1",
                        &[&account],
                    )
                    .map_err(db_error)?;
                let (count, oldest): (i64, i64) = (row.get(0), row.get(1));
                Ok((
                    count.max(0) as u64,
                    Duration::from_millis(oldest.max(0) as u64),
                ))
            })
            .await
    }
}

/// How a worker takes updates.
#[derive(Debug, Clone, Copy)]
pub struct ConsumerConfig {
    /// Updates taken at once, at most.
    pub batch: usize,
    /// Keep each chat's order: take whole chats (their oldest rows nobody holds, then
    /// what follows them), so that no two workers hold updates of one chat.
    pub per_chat: bool,
}

impl Default for ConsumerConfig {
    fn default() -> Self {
        ConsumerConfig {
            batch: 32,
            per_chat: true,
        }
    }
}

/// What a worker's thread is asked.
enum Ask {
    Take(oneshot::Sender<Result<Vec<Queued>, StorageError>>),
    Done(oneshot::Sender<Result<(), StorageError>>),
}

/// A worker's end: takes updates from an account's queue and marks them done.
#[derive(Debug)]
pub struct QueueConsumer {
    asks: Option<SyncSender<Ask>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Ask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Ask::Take(_) => "Take",
            Ask::Done(_) => "Done",
        })
    }
}

impl QueueConsumer {
    /// Connects to the database at `url` (migrating its schema) for `account`'s queue.
    pub fn open(
        url: &str,
        account: &str,
        config: ConsumerConfig,
    ) -> Result<QueueConsumer, StorageError> {
        let account = account.to_owned();
        let (asks, received) = sync_channel::<Ask>(WAITING);
        let thread = spawn_connected(url, "oxigram-queue-consumer", move |conn| {
            consume(conn, &account, config, received)
        })?;
        Ok(QueueConsumer {
            asks: Some(asks),
            thread: Some(thread),
        })
    }

    /// Waits for updates and takes up to the configured batch of them. They stay this
    /// worker's until [`done`](Self::done); call `done` before taking again.
    ///
    /// The wait ends as soon as a producer or another worker announces rows on
    /// [`CHANNEL`], or at the latest after [`IDLE_POLL`]. Dropping the future stops
    /// the wait within `IDLE_POLL` (rows found meanwhile go back to the queue), so a
    /// `take` raced against a shutdown signal leaves the consumer free to drop. Rows
    /// handed over just as the future was dropped stay this worker's: the next `take`
    /// fails once ("take before the last was done") and they go back to the queue.
    pub async fn take(&self) -> Result<Vec<Queued>, StorageError> {
        let (reply, answer) = oneshot::channel();
        self.ask(Ask::Take(reply))?;
        answer.await.map_err(|_| stopped())?
    }

    /// Marks what the last [`take`](Self::take) returned as handled: it leaves the
    /// queue.
    pub async fn done(&self) -> Result<(), StorageError> {
        let (reply, answer) = oneshot::channel();
        self.ask(Ask::Done(reply))?;
        answer.await.map_err(|_| stopped())?
    }

    fn ask(&self, ask: Ask) -> Result<(), StorageError> {
        self.asks
            .as_ref()
            .ok_or_else(stopped)?
            .send(ask)
            .map_err(|_| stopped())
    }
}

impl Drop for QueueConsumer {
    fn drop(&mut self) {
        // Rows taken and not done go back to the queue with the transaction.
        self.asks = None;
        join(self.thread.take());
    }
}

/// Chats whose oldest row nobody holds: this worker takes those rows (locking them, so
/// no other worker can take any row of those chats, whose oldest is still there) and
/// then the rows behind them, in order. Rows of no chat are taken as with no order.
pub(super) const TAKE_PER_CHAT: &str = "
WITH heads AS (
    SELECT chat FROM oxigram_update_queue q
    WHERE account = $1 AND chat IS NOT NULL AND seq =
        (SELECT min(seq) FROM oxigram_update_queue o WHERE o.account = q.account AND o.chat = q.chat)
    ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED
), loose AS (
    SELECT seq FROM oxigram_update_queue
    WHERE account = $1 AND chat IS NULL
    ORDER BY chat, seq LIMIT $3 FOR UPDATE SKIP LOCKED
)
SELECT seq, chat, key, body FROM oxigram_update_queue
WHERE account = $1 AND (chat IN (SELECT chat FROM heads) OR seq IN (SELECT seq FROM loose))
ORDER BY seq LIMIT $2 FOR UPDATE";

/// How the consumer's connection plans its looks: walking the indexes in order and
/// stopping at the batch's end, whatever the table's statistics say. A queue's table is
/// the planner's worst case: emptied again and again, it is analysed nearly empty, and
/// a burst then finds it planned as two rows, with a sequential scan per row for each
/// chat's head: a look over 30,000 queued rows took minutes. Without sequential, bitmap
/// and sort plans the same look takes under a millisecond. (The connection runs
/// nothing else.)
pub(super) const LOOK_PLANS: &str =
    "SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off";

pub(super) const TAKE_ANY: &str = "
SELECT seq, chat, key, body FROM oxigram_update_queue
WHERE account = $1 ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED";

/// The consumer's thread: a transaction per batch, open from its take to its done.
fn consume(mut conn: Client, account: &str, config: ConsumerConfig, asks: Receiver<Ask>) {
    let query = if config.per_chat {
        TAKE_PER_CHAT
    } else {
        TAKE_ANY
    };
    let limit = config.batch.max(1) as i64;
    if let Err(e) = conn.batch_execute(LOOK_PLANS) {
        tracing::warn!(error = %e, "the queue's looks may be planned badly");
    }
    // Announcements come in on this connection from now on, also while a look runs.
    if let Err(e) = conn.batch_execute(concat!("LISTEN ", channel!())) {
        tracing::warn!(error = %e, "the queue's announcements are not heard: looking every {IDLE_POLL:?}");
    }
    // Chats taken at once: a quarter of the batch, so that workers share the chats
    // rather than one taking them all.
    let chats = (limit / 4).max(1);
    while let Ok(ask) = asks.recv() {
        let Ask::Take(reply) = ask else {
            if let Ask::Done(reply) = ask
                && reply
                    .send(Err(StorageError::Database("done without a take".into())))
                    .is_err()
            {
                tracing::debug!("a queue caller went away");
            }
            continue;
        };
        // Announcements heard while this worker was busy are stale: a look follows.
        if let Err(e) = drain_news(&mut conn) {
            if reply.send(Err(e)).is_err() {
                tracing::debug!("a queue caller went away");
            }
            continue;
        }
        // Wait for work, looking when told and now and then, each look a transaction of
        // its own; the one that finds rows stays open, holding them, until done.
        let (mut tx, taken) = loop {
            if reply.is_canceled() {
                // The caller stopped waiting: nothing to take for it.
                break (None, Ok(Vec::new()));
            }
            let mut tx = match conn.transaction() {
                Ok(tx) => tx,
                Err(e) => break (None, Err(db_error(e))),
            };
            let result = if config.per_chat {
                tx.query(query, &[&account, &limit, &chats])
            } else {
                tx.query(query, &[&account, &limit])
            };
            match result {
                Ok(rows) if rows.is_empty() => {
                    drop(tx);
                    if let Err(e) = wait_for_news(&mut conn, account) {
                        break (None, Err(e));
                    }
                }
                Ok(rows) => {
                    let taken = rows.iter().map(row_to_queued).collect();
                    break (Some(tx), taken);
                }
                Err(e) => break (None, Err(db_error(e))),
            }
        };
        let taken: Result<Vec<Queued>, StorageError> = taken;
        let seqs: Vec<i64> = taken
            .as_ref()
            .map(|t| t.iter().map(|q| q.seq).collect())
            .unwrap_or_default();
        let failed = taken.is_err();
        if reply.send(taken).is_err() || failed {
            // Nobody will handle them: they go back with the transaction.
            continue;
        }
        let Ok(ask) = asks.recv() else { return };
        let Ask::Done(reply) = ask else {
            if let Ask::Take(reply) = ask
                && reply
                    .send(Err(StorageError::Database(
                        "take before the last was done".into(),
                    )))
                    .is_err()
            {
                tracing::debug!("a queue caller went away");
            }
            continue;
        };
        let Some(mut tx) = tx.take() else { continue };
        // Other workers may wait for the chats these rows held: told on commit.
        let result = tx
            .query_one(
                announced!("DELETE FROM oxigram_update_queue WHERE account = $1 AND seq = ANY($2)"),
                &[&account, &seqs],
            )
            .and_then(|_| tx.commit())
            .map_err(db_error);
        if reply.send(result).is_err() {
            tracing::debug!("a queue caller went away");
        }
    }
}

/// Waits until rows of `account` are announced on [`CHANNEL`] (announcements that came
/// while the last look ran count), or [`IDLE_POLL`] passed; other accounts'
/// announcements are passed over.
fn wait_for_news(conn: &mut Client, account: &str) -> Result<(), StorageError> {
    let until = Instant::now() + IDLE_POLL;
    let mut notifications = conn.notifications();
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        match notifications.timeout_iter(left).next().map_err(db_error)? {
            Some(news) if news.payload() == account => return Ok(()),
            Some(_) => continue,
            None => return Ok(()),
        }
    }
}

/// Forgets the announcements the connection has received (its buffer grows with every
/// one heard while the worker handles updates).
fn drain_news(conn: &mut Client) -> Result<(), StorageError> {
    let mut pending = conn.notifications();
    let mut heard = pending.iter();
    while heard.next().map_err(db_error)?.is_some() {}
    Ok(())
}

fn row_to_queued(row: &postgres::Row) -> Result<Queued, StorageError> {
    let key: Vec<u8> = row.get(2);
    let body: Vec<u8> = row.get(3);
    Ok(Queued {
        seq: row.get(0),
        chat: row.get(1),
        key: key.try_into().map_err(|_| {
            StorageError::Unreadable("a queued update's key is not 16 bytes".into())
        })?,
        update: decode(&body)?,
    })
}
