//! Sessions in SQLite files: the default [`Storage`].
//!
//! # Where the session lives
//!
//! [`SqliteStorage::open`] takes the file's path; [`SqliteStorage::open_in`] makes it from
//! a working directory and a session name as `<workdir>/<name>.session`. Beside it SQLite
//! keeps `<name>.session-wal` and `<name>.session-shm` while it is open, and the session
//! keeps `<name>.session-lock` (below). Copy a session only while no client has it open.
//!
//! # Schema and versions
//!
//! The file is marked as ours with `PRAGMA application_id` = `0x4f584752` ("OXGR"), and
//! its table `version` holds the schema version (currently 2):
//!
//! | table | holds |
//! |---|---|
//! | `session` | one row: home DC, test mode, `api_id`, user id, bot flag, and the update state (`pts`, `qts`, `date`, `seq`) |
//! | `dcs` | per DC id: address (`ip:port` text), auth key (256-byte blob), authorized |
//! | `dc_options` | the DC options from the last `help.getConfig`, in order |
//! | `channels` | per bare channel id: its pts |
//! | `peers` | per Bot-API-style id: access hash, kind (0 user, 1 bot, 2 basic group, 3 channel, 4 supergroup), phone, time written |
//! | `usernames` | per lower-case username: the peer and the username's position among the peer's |
//!
//! Version 1 is those tables; version 2 adds indexes on `peers.phone` and
//! `usernames.peer`. Opening a file migrates it to the current version, one transaction
//! per step. A file of a newer version than this library knows is refused with
//! [`StorageError::NewerSchema`] rather than read wrongly, and a SQLite file that is not
//! ours (a Pyrogram or Telethon session) with [`StorageError::UnknownFormat`]: import
//! those with [`files::read`](super::files::read).
//!
//! # One client per session
//!
//! While a [`SqliteStorage`] has the file open, opening it again, from this process or
//! another, fails at once with [`StorageError::SessionInUse`]. SQLite's own locking would
//! let both run (in WAL mode readers and a writer share the file). The lock is an
//! advisory lock on `<session>-lock`, released when the storage is dropped or its process
//! ends, however it ends.
//!
//! # Writes
//!
//! The file is in WAL mode with `synchronous = FULL`: a committed transaction survives a
//! crash of the process or of the machine. [`Storage::save`] does not touch the disk: it
//! queues the change and returns. A writer thread takes everything queued and commits it
//! in one transaction, so a burst of updates costs one commit, and a crash at any point
//! leaves the session as it was after some prefix of the saved changes.
//!
//! At most [`QUEUE_LIMIT`] entries wait (besides the batch being committed). Repeated
//! changes coalesce instead of growing the queue: a peer saved again merges with its
//! queued record (by id), the update state and each channel's pts keep only their latest
//! value; the rare changes (keys, DCs, the user) keep their order. When a change would
//! pass the bound, `save` waits up to [`SAVE_WAIT`] for the writer to take the queue,
//! then fails with [`StorageError::QueueFull`]; a change is never dropped silently (a
//! single change bigger than the whole bound, a huge list of peers, is taken when the
//! queue is empty). [`Storage::flush`]
//! waits until everything saved before it is committed; dropping the storage writes what
//! is queued before closing. If a commit fails, the writer stops, logs the reason, and
//! every later `save`, `flush` and `load` fails with [`StorageError::WriterStopped`]
//! carrying it.
//!
//! Peer lookups read the file (the client keeps its own cache in memory), and see
//! queued peers before they are written.
//!
//! ```
//! use oxigram::storage::{Change, SqliteStorage, Storage, UpdateState};
//!
//! let dir = std::env::temp_dir().join(format!("oxigram-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let storage = SqliteStorage::open_in(&dir, "account")?;
//! assert_eq!(storage.path(), dir.join("account.session"));
//! storage.save(Change::Updates(UpdateState { pts: 10, ..UpdateState::default() }))?;
//! storage.flush()?;
//! // The session is in use until the storage is dropped.
//! assert!(SqliteStorage::open_in(&dir, "account").is_err());
//! drop(storage);
//! assert_eq!(SqliteStorage::open_in(&dir, "account")?.load()?.updates.pts, 10);
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub(crate) mod lock;

pub(crate) mod rows;
pub(crate) mod schema;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use self::lock::SessionLock;
use super::queue::Shared;
use super::{Change, PeerRecord, Session, Storage, StorageError};

/// Entries the write queue holds at most (a peer, a channel's pts, the update state or
/// one other change each); see the [module docs](self) for what happens past it.
pub const QUEUE_LIMIT: usize = 10_000;

/// How long [`Storage::save`] waits for room in a full queue before failing.
pub const SAVE_WAIT: Duration = Duration::from_secs(5);

/// The extension of session files.
pub const SESSION_EXTENSION: &str = "session";

/// How long a statement waits for SQLite's own file locks: only an outside program
/// (a backup, say) can hold them, since the session lock keeps other clients out.
const BUSY_TIMEOUT: Duration = Duration::from_secs(1);

/// A session in a SQLite file; see the [module docs](self).
#[derive(Debug)]
pub struct SqliteStorage {
    shared: Arc<Shared>,
    writer: Option<JoinHandle<()>>,
    reader: Mutex<Connection>,
    path: PathBuf,
    // Declared last: dropped after both connections are closed.
    _lock: SessionLock,
}

pub(crate) fn db_error(e: rusqlite::Error) -> StorageError {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => {
            StorageError::UnknownFormat("not a SQLite database".into())
        }
        // Every table read with `query_row` must hold a row: a file without it is damaged.
        _ if matches!(e, rusqlite::Error::QueryReturnedNoRows) => {
            StorageError::Unreadable("a table that needs a row is empty".into())
        }
        _ => StorageError::Database(e.to_string()),
    }
}

/// Creates `path` empty, readable and writable by its owner only (on Unix): it will hold
/// auth keys, which sign in as the account. SQLite gives its `-wal` and `-shm` files the
/// same permissions. Fails if the file exists.
pub(crate) fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

impl SqliteStorage {
    /// Opens the session at `path`, creating it if missing (readable by its owner only)
    /// and migrating an older schema.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStorage, StorageError> {
        let path = path.as_ref().to_path_buf();
        let lock = SessionLock::acquire(&path)?;
        if !path.try_exists()? {
            create_private(&path)?;
        }

        let mut conn = Connection::open(&path).map_err(db_error)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db_error)?;
        // Refuse other programs' files before changing anything in them (WAL mode would).
        schema::migrate(&mut conn)?;
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(db_error)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StorageError::Database(format!(
                "the session file cannot use WAL (journal mode {mode})"
            )));
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db_error)?;

        let reader = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(db_error)?;
        reader.busy_timeout(BUSY_TIMEOUT).map_err(db_error)?;

        let shared = Arc::new(Shared::default());
        let writer = std::thread::Builder::new()
            .name("oxigram-session-writer".into())
            .spawn({
                let shared = shared.clone();
                move || writer::run(conn, shared)
            })?;
        tracing::debug!(path = %path.display(), "session opened");
        Ok(SqliteStorage {
            shared,
            writer: Some(writer),
            reader: Mutex::new(reader),
            path,
            _lock: lock,
        })
    }

    /// Opens `<workdir>/<name>.session`.
    pub fn open_in(workdir: impl AsRef<Path>, name: &str) -> Result<SqliteStorage, StorageError> {
        SqliteStorage::open(workdir.as_ref().join(format!("{name}.{SESSION_EXTENSION}")))
    }

    /// The session file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every stored peer, by id (everything saved before the call included).
    pub fn peers(&self) -> Result<Vec<PeerRecord>, StorageError> {
        self.flush()?;
        rows::all_peers(&self.reader())
    }

    fn reader(&self) -> std::sync::MutexGuard<'_, Connection> {
        // The connection holds no state of ours that a panic could have broken.
        self.reader.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Storage for SqliteStorage {
    fn load(&self) -> Result<Session, StorageError> {
        self.flush()?;
        rows::load_session(&self.reader())
    }

    fn save(&self, change: Change) -> Result<(), StorageError> {
        self.shared.push(change, QUEUE_LIMIT, SAVE_WAIT)
    }

    fn flush(&self) -> Result<(), StorageError> {
        self.shared.flush()
    }

    fn peer_by_id(&self, id: i64) -> Result<Option<PeerRecord>, StorageError> {
        let by_id = |id| rows::peer_where(&self.reader(), "id", &id);
        self.shared
            .find_peer(self.shared.queued_peer(id), by_id, || by_id(id))
    }

    fn peer_by_username(&self, username: &str) -> Result<Option<PeerRecord>, StorageError> {
        let name = username.to_lowercase();
        let queued = self.shared.queued_by_username(&name);
        let by_id = |id| rows::peer_where(&self.reader(), "id", &id);
        self.shared.find_peer(queued, by_id, || {
            // Bound first: the reader's lock must be free again for `by_id`.
            let id = rows::peer_id_by_username(&self.reader(), &name)?;
            id.map_or(Ok(None), by_id)
        })
    }

    fn peer_by_phone(&self, phone: &str) -> Result<Option<PeerRecord>, StorageError> {
        let queued = self.shared.queued_by_phone(phone);
        let by_id = |id| rows::peer_where(&self.reader(), "id", &id);
        self.shared.find_peer(queued, by_id, || {
            rows::peer_where(&self.reader(), "phone", &phone)
        })
    }
}

impl Drop for SqliteStorage {
    fn drop(&mut self) {
        // The reader closes first: the writer's connection is then the file's last, and
        // closing it checkpoints the write-ahead log into the database and removes it
        // (with the reader still open, the log would grow with every run).
        match Connection::open_in_memory() {
            Ok(placeholder) => {
                let reader = std::mem::replace(
                    self.reader.get_mut().unwrap_or_else(|e| e.into_inner()),
                    placeholder,
                );
                if let Err((_, e)) = reader.close() {
                    tracing::warn!(path = %self.path.display(), %e, "closing the session reader");
                }
            }
            Err(e) => {
                tracing::warn!(%e, "the session's write-ahead log stays until the next run")
            }
        }
        self.shared.lock().closing = true;
        self.shared.notify();
        if let Some(writer) = self.writer.take()
            && let Err(panic) = writer.join()
        {
            tracing::error!(path = %self.path.display(), ?panic, "the session writer panicked");
        }
        if let Some(reason) = &self.shared.lock().failed {
            tracing::error!(
                path = %self.path.display(),
                error = %reason,
                "session closed with changes not saved"
            );
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
