//! Sessions in PostgreSQL, for accounts served by more than one process: the
//! [`PostgresStorage`].
//!
//! One database holds the sessions of many accounts, each under a name of your choosing
//! (the account). Every process that serves an account shares its peers, usernames and
//! update state through it, so a peer cached by one is known to the next.
//!
//! # Leases: one process per key
//!
//! Two processes using one auth key at once make Telegram revoke it
//! (`AUTH_KEY_DUPLICATED`). So a process must hold the account's **lease** to open its
//! session: [`PostgresStorage::open`] takes it, or fails with
//! [`StorageError::LeaseHeld`] while another holds it (or waits for it, with
//! [`PostgresConfig::wait_for_lease`]: how a standby process takes over from one that
//! died). The lease lasts [`PostgresConfig::lease_ttl`] and a background thread renews
//! it every third of that. Each taking of the lease gets the next **fencing token**;
//! every write checks, in its own transaction, that the lease still carries this
//! process's token, so a process paused past its lease (a stopped VM, a long GC-like
//! stall) cannot write over its successor's state.
//!
//! A process that loses its lease (a renewal refused, or none succeeding until a sixth
//! of the lease before it could run out by its own clock, checked by a watchdog thread
//! even while a renewal hangs) stops writing, fails every later save
//! with [`StorageError::LeaseLost`], and tells its client through
//! [`Storage::on_revoked`]: the client closes its connections at once and says so in
//! the log and in the errors of its requests. All times are the database server's, and
//! a holder counts its lease from when it *sent* its last renewal, so the old holder
//! always gives up before the database lets a new one in, whatever the processes'
//! clocks say.
//!
//! Dropping the storage writes what is queued, then gives the lease back, so a process
//! waiting for it takes it at once instead of after it expires.
//!
//! # Delivery across a failover
//!
//! The update state is written with the rest of the session, in the same transactions
//! and under the same fence: a successor starts exactly where the last write of its
//! predecessor left it (exactly once for the state). Updates handled after that write
//! and before the predecessor died are fetched again by the successor, so a handler sees
//! an update at least once; the message id (with the chat) is the key to recognise a
//! repeat.
//!
//! # Schema
//!
//! Tables are named `oxigram_*` so they can share a database with others;
//! `oxigram_schema` holds the version (currently 2), and opening migrates an older
//! schema under an advisory lock (processes starting together do not race) and refuses
//! a newer one with [`StorageError::NewerSchema`]:
//!
//! | table | holds, per account |
//! |---|---|
//! | `oxigram_accounts` | home DC, test mode, `api_id`, user id, bot flag, update state |
//! | `oxigram_dcs` | per DC: address, auth key, authorized |
//! | `oxigram_dc_options` | the DC options, in order |
//! | `oxigram_channels` | per channel: its pts |
//! | `oxigram_peers` | per Bot-API-style id: access hash, kind (as in SQLite), phone, time written |
//! | `oxigram_usernames` | per lower-case username: the peer and its position |
//! | `oxigram_leases` | the holder, its token, when the lease expires and when it was taken |
//! | `oxigram_update_queue` | updates a holder queued for workers ([`queue`]): chat, idempotency key, the update |
//!
//! # Writes
//!
//! As in SQLite: [`Storage::save`] queues (bounded by
//! [`QUEUE_LIMIT`], coalescing as the SQLite module describes), and a
//! writer thread commits everything queued in one transaction. A failed commit is tried
//! again, on a new connection if the old one broke, for as long as the lease holds.
//!
//! ```no_run
//! use std::time::Duration;
//! use oxigram::storage::postgres::{PostgresConfig, PostgresStorage};
//!
//! let config = PostgresConfig::new("postgresql://bots@127.0.0.1/bots", "support-bot")
//!     .lease_ttl(Duration::from_secs(10))
//!     // A standby: wait for the process serving the account to go away.
//!     .wait_for_lease(Duration::from_secs(3600));
//! let storage = PostgresStorage::open(config)?;
//! let client = oxigram::Client::builder("support-bot")
//!     .api_id(12345)
//!     .api_hash("0123456789abcdef0123456789abcdef")
//!     .storage(storage);
//! # Ok::<(), oxigram::storage::StorageError>(())
//! ```

mod health;
mod lease;
pub mod queue;
mod reader;
pub(crate) mod rows;
mod schema;
mod writer;

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use postgres::{Client, NoTls};

use self::lease::Lease;
use self::reader::Reader;
use self::rows::PeerKey;
use super::queue::Shared;
use super::{Change, PeerRecord, QUEUE_LIMIT, SAVE_WAIT, Session, Storage, StorageError};

pub use self::health::{LeaseStatus, leases};
pub use self::schema::VERSION as SCHEMA_VERSION;

/// The lease's length unless [`PostgresConfig::lease_ttl`] says otherwise.
pub const DEFAULT_LEASE_TTL: Duration = Duration::from_secs(30);

/// The shortest lease: renewals go out every third of it.
pub const MIN_LEASE_TTL: Duration = Duration::from_millis(300);

/// How often a process waiting for a lease asks again, at most.
const LEASE_POLL: Duration = Duration::from_millis(100);

pub(crate) fn db_error(e: postgres::Error) -> StorageError {
    StorageError::Database(describe(&e))
}

/// The server's own message when it sent one (the error's display says only "db
/// error" then).
pub(crate) fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

pub(crate) fn connect(url: &str) -> Result<Client, StorageError> {
    Client::connect(url, NoTls).map_err(db_error)
}

/// Where the session lives and how the lease is held; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct PostgresConfig {
    url: String,
    account: String,
    holder: String,
    ttl: Duration,
    wait: Duration,
}

impl PostgresConfig {
    /// The account `account` in the database at `url` (a `postgresql://` URL or a
    /// `key=value` string, as libpq takes them; plain TCP, without TLS).
    pub fn new(url: impl Into<String>, account: impl Into<String>) -> Self {
        PostgresConfig {
            url: url.into(),
            account: account.into(),
            holder: default_holder(),
            ttl: DEFAULT_LEASE_TTL,
            wait: Duration::ZERO,
        }
    }

    /// This process's id in the lease table (default: the host name, the process id and
    /// a random part). Must differ between processes.
    pub fn holder(mut self, holder: impl Into<String>) -> Self {
        self.holder = holder.into();
        self
    }

    /// How long the lease lasts without a renewal (default [`DEFAULT_LEASE_TTL`], at
    /// least [`MIN_LEASE_TTL`]): the longest an account goes unserved after its holder
    /// dies, and the longest pause a holder survives.
    pub fn lease_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl.max(MIN_LEASE_TTL);
        self
    }

    /// How long [`PostgresStorage::open`] waits for a lease held by another process
    /// (default: not at all).
    pub fn wait_for_lease(mut self, wait: Duration) -> Self {
        self.wait = wait;
        self
    }
}

fn default_holder() -> String {
    use std::hash::{BuildHasher, Hasher};
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "host".into());
    // Only to tell apart two processes that got the same pid (in two containers, say).
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    format!(
        "{host}:{}:{:08x}",
        std::process::id(),
        hasher.finish() as u32
    )
}

/// A session in PostgreSQL, held under a lease; see the [module docs](self).
#[derive(Debug)]
pub struct PostgresStorage {
    shared: Arc<Shared>,
    lease: Arc<Lease>,
    writer: Option<JoinHandle<()>>,
    /// Held for its drop: after the writer's (see `Drop`), before the reader's.
    _lease_threads: LeaseThreads,
    reader: Reader,
}

impl PostgresStorage {
    /// Connects, migrates the schema, and takes the account's lease (waiting up to
    /// [`PostgresConfig::wait_for_lease`] for it). Blocks the calling thread meanwhile,
    /// as opening a SQLite session does; callable from async code too.
    pub fn open(config: PostgresConfig) -> Result<PostgresStorage, StorageError> {
        // The blocking client runs a runtime of its own, which may not start (nor stop)
        // inside another: every connection is made, used and dropped on threads of
        // ours, never on the caller's.
        std::thread::scope(|s| {
            s.spawn(|| Self::open_here(config))
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }

    fn open_here(config: PostgresConfig) -> Result<PostgresStorage, StorageError> {
        let mut conn = connect(&config.url)?;
        schema::migrate(&mut conn)?;
        let deadline = Instant::now() + config.wait;
        let (token, since) = loop {
            let asked = Instant::now();
            match lease::try_acquire(&mut conn, &config.account, &config.holder, config.ttl)? {
                Ok(token) => break (token, asked),
                Err(held) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Err(held);
                    }
                    let left = match &held {
                        StorageError::LeaseHeld { expires_in, .. } => *expires_in,
                        _ => LEASE_POLL,
                    };
                    // Ask again when it expires (or soon, if it is given back first).
                    std::thread::sleep(
                        left.clamp(Duration::from_millis(1), LEASE_POLL)
                            .min(deadline - now),
                    );
                }
            }
        };
        let lease = Arc::new(Lease::new(
            &config.account,
            &config.holder,
            token,
            config.ttl,
            since,
        ));
        tracing::info!(
            account = %config.account,
            holder = %config.holder,
            token,
            "lease taken"
        );
        let shared = Arc::new(Shared::default());
        // The renewer first: it holds the lease's connection and gives the lease back
        // when closed, so that from here on a failure to start (the database refusing
        // another connection, say) lets a standby in at once, not after the lease ran out.
        let renewer = std::thread::Builder::new()
            .name("oxigram-lease".into())
            .spawn({
                let (url, shared, lease) = (config.url.clone(), shared.clone(), lease.clone());
                move || lease::renew_loop(url, Some(conn), lease, shared)
            })
            .inspect_err(|_| lease::give_back(&config.url, None, &lease))?;
        let mut lease_threads = LeaseThreads {
            lease: lease.clone(),
            threads: vec![renewer],
        };
        lease_threads.threads.push(
            std::thread::Builder::new()
                .name("oxigram-lease-watch".into())
                .spawn({
                    let (shared, lease) = (shared.clone(), lease.clone());
                    move || lease::watch_loop(lease, shared)
                })?,
        );
        let reader = Reader::start(config.url.clone(), connect(&config.url)?)?;
        let writer_conn = connect(&config.url)?;
        let writer = std::thread::Builder::new()
            .name("oxigram-session-writer".into())
            .spawn({
                let (url, shared, lease) = (config.url.clone(), shared.clone(), lease.clone());
                move || writer::run(url, writer_conn, shared, lease)
            })?;
        Ok(PostgresStorage {
            shared,
            lease,
            writer: Some(writer),
            _lease_threads: lease_threads,
            reader,
        })
    }

    /// The account's name.
    pub fn account(&self) -> &str {
        &self.lease.account
    }

    /// This process's id in the lease table.
    pub fn holder(&self) -> &str {
        &self.lease.holder
    }

    /// The fencing token of this holding of the lease: one more than the holder before.
    pub fn token(&self) -> i64 {
        self.lease.token
    }

    /// Why the lease was lost, if it was.
    pub fn lease_lost(&self) -> Option<String> {
        self.lease.lost()
    }

    /// Every stored peer of the account, by id (everything saved before the call
    /// included).
    pub fn peers(&self) -> Result<Vec<PeerRecord>, StorageError> {
        self.flush()?;
        let account = self.lease.account.clone();
        self.reader.run(move |c| rows::all_peers(c, &account))
    }

    /// Writes a whole session and its peers (read from a session file with
    /// [`files::read`](super::files::read), say) into this account, which must hold no
    /// session yet; returns once it is written. The user id is carried only with the
    /// bot flag (a Telethon file lacks it): the client learns both at its first start.
    pub fn import(&self, session: &Session, peers: Vec<PeerRecord>) -> Result<(), StorageError> {
        let stored = self.load()?;
        if stored.home_dc != 0 || !stored.dcs.is_empty() {
            return Err(StorageError::Unwritable(format!(
                "the account {} holds a session already",
                self.account()
            )));
        }
        self.save(Change::Home {
            dc: session.home_dc,
            test_mode: session.test_mode,
        })?;
        if let Some(api_id) = session.api_id {
            self.save(Change::ApiId(api_id))?;
        }
        for (&id, dc) in &session.dcs {
            self.save(Change::Dc(id, dc.clone()))?;
        }
        if let (Some(user), Some(bot)) = (session.user_id, session.is_bot) {
            self.save(Change::User(Some((user, bot))))?;
        }
        self.save(Change::DcOptions(session.dc_options.clone()))?;
        self.save(Change::Updates(session.updates))?;
        for (&channel, &pts) in &session.channels {
            self.save(Change::ChannelPts(channel, pts))?;
        }
        // In pieces well under the queue's bound, so that a big cache does not wait for
        // an empty queue.
        let mut peers = peers;
        while !peers.is_empty() {
            let rest = peers.split_off(peers.len().min(QUEUE_LIMIT / 10));
            self.save(Change::Peers(std::mem::replace(&mut peers, rest)))?;
        }
        self.flush()
    }

    fn stored_peer(&self, key: PeerKey) -> Result<Option<PeerRecord>, StorageError> {
        let account = self.lease.account.clone();
        self.reader.run(move |c| rows::peer(c, &account, &key))
    }
}

impl Storage for PostgresStorage {
    fn load(&self) -> Result<Session, StorageError> {
        self.flush()?;
        let account = self.lease.account.clone();
        self.reader.run(move |c| rows::load_session(c, &account))
    }

    fn save(&self, change: Change) -> Result<(), StorageError> {
        self.shared.push(change, QUEUE_LIMIT, SAVE_WAIT)
    }

    fn flush(&self) -> Result<(), StorageError> {
        self.shared.flush()
    }

    fn peer_by_id(&self, id: i64) -> Result<Option<PeerRecord>, StorageError> {
        let by_id = |id| self.stored_peer(PeerKey::Id(id));
        self.shared
            .find_peer(self.shared.queued_peer(id), by_id, || by_id(id))
    }

    fn peer_by_username(&self, username: &str) -> Result<Option<PeerRecord>, StorageError> {
        let name = username.to_lowercase();
        let queued = self.shared.queued_by_username(&name);
        self.shared.find_peer(
            queued,
            |id| self.stored_peer(PeerKey::Id(id)),
            || self.stored_peer(PeerKey::Username(name)),
        )
    }

    fn peer_by_phone(&self, phone: &str) -> Result<Option<PeerRecord>, StorageError> {
        let queued = self.shared.queued_by_phone(phone);
        self.shared.find_peer(
            queued,
            |id| self.stored_peer(PeerKey::Id(id)),
            || self.stored_peer(PeerKey::Phone(phone.to_owned())),
        )
    }

    fn on_revoked(&self, revoked: Box<dyn FnOnce(StorageError) + Send>) {
        self.lease.on_revoked(revoked);
    }
}

/// The lease's renewer and watchdog. Dropping this closes the lease (the renewer gives
/// it back) and waits for them: when the storage closes, after its writer, and when
/// [`PostgresStorage::open`] fails after taking the lease.
#[derive(Debug)]
struct LeaseThreads {
    lease: Arc<Lease>,
    threads: Vec<JoinHandle<()>>,
}

impl Drop for LeaseThreads {
    fn drop(&mut self) {
        self.lease.close();
        for thread in self.threads.drain(..) {
            if let Err(panic) = thread.join() {
                tracing::error!(?panic, "a lease thread panicked");
            }
        }
    }
}

impl Drop for PostgresStorage {
    fn drop(&mut self) {
        // The writer first (it writes what is queued, under the lease), then the lease
        // goes back.
        self.shared.lock().closing = true;
        self.shared.notify();
        if let Some(writer) = self.writer.take()
            && let Err(panic) = writer.join()
        {
            tracing::error!(?panic, "the session writer panicked");
        }
        if let Some(reason) = &self.shared.lock().failed {
            tracing::error!(
                account = %self.lease.account,
                error = %reason,
                "session closed with changes not saved"
            );
        }
        // The lease goes back as `_lease_threads` drops, after this.
    }
}

#[cfg(test)]
mod tests;
