//! Session files of this library, Pyrogram and Telethon: recognised, read and written.
//!
//! [`read`] takes any of them and gives the [`Session`] and the peers it holds, and the
//! format it found ([`detect`] only finds the format). [`write()`] makes a new file in a
//! chosen format, so a session made here can be used by the other libraries, and theirs
//! here:
//!
//! ```
//! use oxigram::storage::files::{self, SessionFileFormat};
//! use oxigram::storage::{Session, SessionData, SqliteStorage, Storage};
//! # use oxigram::proto::crypto::message::AuthKey;
//!
//! # let dir = std::env::temp_dir().join(format!("oxigram-files-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! # let mut data = SessionData::new(2, AuthKey::new([7; 256]));
//! # data.user_id = Some(42);
//! # data.is_bot = Some(false);
//! # data.api_id = Some(12345);
//! # let pyrogram_file = dir.join("pyrogram.session");
//! # files::write(&pyrogram_file, SessionFileFormat::PYROGRAM, &Session::from_data(&data), &[])?;
//! // A Pyrogram (or Telethon) file: its keys, account, update state and peers.
//! let (session, peers, format) = files::read(&pyrogram_file)?;
//! assert_eq!(format, SessionFileFormat::Pyrogram { version: 7 });
//! assert_eq!(session.user_id, Some(42));
//!
//! // Into a session file of ours, to run this library on it:
//! let ours = dir.join("imported.session");
//! files::write(&ours, SessionFileFormat::Oxigram, &session, &peers)?;
//! let storage = SqliteStorage::open(&ours)?;
//! assert_eq!(storage.load()?.home_dc, 2);
//! drop(storage);
//!
//! // And back out as Telethon's, for Telethon to run on it.
//! let telethon_file = dir.join("telethon.session");
//! files::write(&telethon_file, SessionFileFormat::TELETHON, &session, &peers)?;
//! assert_eq!(files::detect(&telethon_file)?, SessionFileFormat::Telethon { version: 7 });
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What moves between formats
//!
//! The format is recognised by the file's tables: ours by `session` and `dcs` (and our
//! `application_id`), Telethon's by `entities`, Pyrogram's by `peers` beside `sessions`.
//! Anything else, including files that are not SQLite, is
//! [`StorageError::UnknownFormat`]; a version newer than this library knows is
//! [`StorageError::NewerSchema`].
//!
//! - **Pyrogram**, read at any version up to 7 (version 3 is Pyrogram 2.0's, version 7
//!   that of its maintained forks such as kurigram) and written as either: the home DC,
//!   its key, test mode, `api_id`, user id and bot flag (writing refuses a session
//!   without the last three: Pyrogram would read the file as no session and replace it); the DC's address (version 7;
//!   version 3 has none, and Pyrogram finds it from the DC id); peers with their kinds,
//!   phones and usernames (version 3 keeps one username per peer); the update state and
//!   channels' pts (version 7; its channel ids are the Bot-API form). Peer ids are
//!   Bot-API ids in both libraries. Pyrogram's "forum" peers read as supergroups, its
//!   "direct" and "community" peers as channels.
//! - **Telethon**, read up to version 8 and written as version 7: the home DC, its
//!   address and key; the user id (Telethon keeps it as the entity with id 0); peers with
//!   one username and the phone, their kind from the id's range (users, basic groups,
//!   channels: Telethon does not tell bots from users or supergroups from channels); the
//!   update state and channels' pts. Telethon has no test-mode flag, `api_id` or bot
//!   flag: they read as `false` and `None`. It never stores `min` peers (access hash 0),
//!   so they are left out when writing.
//! - Both keep one DC's key, the home DC's: keys made with other DCs are not written,
//!   and neither are the DC options.
//!
//! [`write()`] never replaces a file: the path must not exist.

mod oxigram;
mod pyrogram;
mod sql;
mod telethon;

use std::fmt;
use std::path::Path;

use super::sqlite::db_error;
use super::sqlite::schema::APPLICATION_ID;
use super::{PeerRecord, Session, StorageError};

/// A kind of session file, with its schema version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SessionFileFormat {
    /// This library's own ([`SqliteStorage`](super::SqliteStorage)); written at the
    /// current schema version.
    Oxigram,
    /// Pyrogram's, and its forks'.
    Pyrogram {
        /// The schema version (the `version` table).
        version: i64,
    },
    /// Telethon's.
    Telethon {
        /// The schema version (the `version` table).
        version: i64,
    },
}

impl SessionFileFormat {
    /// Pyrogram's forks' current files (kurigram and others; version 7).
    pub const PYROGRAM: SessionFileFormat = SessionFileFormat::Pyrogram { version: 7 };
    /// Pyrogram 2.0's files (version 3).
    pub const PYROGRAM_2_0: SessionFileFormat = SessionFileFormat::Pyrogram { version: 3 };
    /// Telethon 1.x's files (version 7; Telethon 1.45 upgrades them to 8 on opening).
    pub const TELETHON: SessionFileFormat = SessionFileFormat::Telethon { version: 7 };
}

impl fmt::Display for SessionFileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionFileFormat::Oxigram => f.write_str("Oxigram"),
            SessionFileFormat::Pyrogram { version } => write!(f, "Pyrogram (version {version})"),
            SessionFileFormat::Telethon { version } => write!(f, "Telethon (version {version})"),
        }
    }
}

/// The format of the session file at `path`, from its tables.
pub fn detect(path: impl AsRef<Path>) -> Result<SessionFileFormat, StorageError> {
    let conn = sql::open_read_only(path.as_ref())?;
    detect_open(&conn)
}

fn detect_open(conn: &rusqlite::Connection) -> Result<SessionFileFormat, StorageError> {
    let tables = sql::tables(conn)?;
    let has = |names: &[&str]| names.iter().all(|n| tables.contains(*n));
    let id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(db_error)?;
    let version = |sql: &str| -> Result<i64, StorageError> {
        sql::need_int(&sql::single(conn, sql)?, "version")
    };
    if id == APPLICATION_ID && has(&["session", "dcs", "version"]) {
        Ok(SessionFileFormat::Oxigram)
    } else if has(&["sessions", "entities", "version"]) {
        Ok(SessionFileFormat::Telethon {
            version: version("SELECT version FROM version")?,
        })
    } else if has(&["sessions", "peers", "version"]) {
        Ok(SessionFileFormat::Pyrogram {
            version: version("SELECT number FROM version")?,
        })
    } else {
        let names: Vec<_> = tables.into_iter().collect();
        Err(StorageError::UnknownFormat(if names.is_empty() {
            "an empty database".into()
        } else {
            format!("a database with the tables {}", names.join(", "))
        }))
    }
}

/// Reads the session file at `path`, whichever library wrote it.
///
/// Other libraries' files are opened read-only; ours is opened as a
/// [`SqliteStorage`](super::SqliteStorage) (so it must not be in use, and is migrated to
/// the current schema).
pub fn read(
    path: impl AsRef<Path>,
) -> Result<(Session, Vec<PeerRecord>, SessionFileFormat), StorageError> {
    let path = path.as_ref();
    let conn = sql::open_read_only(path)?;
    let format = detect_open(&conn)?;
    let (session, peers) = match format {
        SessionFileFormat::Oxigram => {
            drop(conn);
            oxigram::read(path)?
        }
        SessionFileFormat::Pyrogram { version } => pyrogram::read(&conn, version)?,
        SessionFileFormat::Telethon { version } => telethon::read(&conn, version)?,
    };
    Ok((session, peers, format))
}

/// Writes `session` and `peers` as a new session file in `format`; an existing file is
/// never replaced. What each format keeps is in the [module docs](self).
pub fn write(
    path: impl AsRef<Path>,
    format: SessionFileFormat,
    session: &Session,
    peers: &[PeerRecord],
) -> Result<(), StorageError> {
    let path = path.as_ref();
    let written = match format {
        SessionFileFormat::Oxigram => return oxigram::write(path, session, peers),
        SessionFileFormat::Pyrogram { version } => {
            let mut conn = sql::create_new(path)?;
            pyrogram::write(&mut conn, version, session, peers)
        }
        SessionFileFormat::Telethon { version } => {
            let mut conn = sql::create_new(path)?;
            telethon::write(&mut conn, version, session, peers)
        }
    };
    if let Err(e) = written {
        // Leave no half-made file that the next attempt would refuse to replace.
        if let Err(remove) = std::fs::remove_file(path) {
            tracing::warn!(path = %path.display(), error = %remove, "could not remove a failed session file");
        }
        return Err(e);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
