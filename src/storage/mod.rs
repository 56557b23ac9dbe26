//! What a client keeps between runs, and how it moves between libraries.
//!
//! A client keeps its [`Session`] (keys, account, update state) and the peers it has seen
//! in a [`Storage`]: [`SqliteStorage`], a session file (`<workdir>/<name>.session`, see
//! [`sqlite`] for its schema, its lock and how writes are batched), [`MemoryStorage`],
//! or (feature `postgres`) `postgres::PostgresStorage`, for accounts served by several
//! processes, one at a time under a lease.
//! [`files`] reads and writes Pyrogram's and Telethon's session files, and
//! [`Session::from_data`] / [`Session::to_data`] move a session to and from the strings
//! below.
//!
//! [`SessionData`] is what a session string carries: the DC, its address and whether it is
//! a test DC, the authorization key, and who the key belongs to. [`encode`] writes it as a
//! string in one of three [`SessionFormat`]s and [`decode`] reads any of them back,
//! recognising the format by itself:
//!
//! - [`SessionFormat::Oxigram`]: this library's own, versioned, and the only one that holds
//!   every field (layout below).
//! - [`SessionFormat::Pyrogram`]: Pyrogram's `export_session_string`, byte for byte,
//!   including the two older layouts it still reads.
//! - [`SessionFormat::Telethon`]: Telethon's `StringSession`, byte for byte.
//!
//! ```
//! use oxigram::proto::crypto::message::AuthKey;
//! use oxigram::storage::{self, SessionData, SessionFormat};
//!
//! let mut session = SessionData::new(2, AuthKey::new([7; 256]));
//! session.address = Some("149.154.167.51:443".parse()?);
//! session.user_id = Some(123_456_789);
//!
//! let string = storage::encode(&session, SessionFormat::Telethon)?;
//! assert!(string.starts_with('1'));
//! let (read, format) = storage::decode(&string)?;
//! assert_eq!(format, SessionFormat::Telethon);
//! // Telethon's string has no room for the user id.
//! assert_eq!(read.user_id, None);
//! assert_eq!((read.dc_id, read.address), (2, session.address));
//!
//! // Pyrogram's needs the fields Telethon's lacks: the error names the first one missing.
//! let missing = storage::encode(&read, SessionFormat::Pyrogram).unwrap_err();
//! assert_eq!(missing.to_string(), "a Pyrogram session string needs api_id, which is not set");
//!
//! // Ours holds everything.
//! let string = storage::encode(&session, SessionFormat::Oxigram)?;
//! assert!(string.starts_with("ox1:"));
//! assert_eq!(storage::decode(&string)?, (session, SessionFormat::Oxigram));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The formats
//!
//! All three encode a binary record with the URL-safe base64 alphabet (`-` and `_`).
//! Numbers are big-endian in all three.
//!
//! **Pyrogram** (no prefix, no `=` padding):
//!
//! | layout (Python `struct`) | bytes | characters | fields |
//! |---|---|---|---|
//! | `>BI?256sQ?` | 271 | 362 | dc, api_id, test mode, key, user id, is bot |
//! | `>B?256sQ?` (older) | 267 | 356 | dc, test mode, key, user id, is bot |
//! | `>B?256sI?` (oldest) | 263 | 351 | dc, test mode, key, 32-bit user id, is bot |
//!
//! [`encode`] writes the current layout; [`decode`] reads all three (`api_id` is `None` for
//! the older two). Pyrogram finds the DC's address itself from the DC id and test mode,
//! so the address is not written. Writing needs `api_id`, `user_id` and `is_bot`: Pyrogram
//! reads them as facts about the account, and a made-up value (a user id of 0, say)
//! would mislead it rather than fail, so a missing one is a
//! [`SessionStringError::Missing`] error, not a default. Booleans are read as Python
//! reads them: any non-zero byte is true.
//!
//! **Telethon**: the version character `1`, then the base64 (with `=` padding) of
//! `>B4sH256s` (IPv4; 263 bytes, 353 characters in all) or `>B16sH256s` (IPv6; 275 bytes,
//! 369 characters): dc, IP address, port, key. Writing needs the address. There is no
//! test-mode flag (the address alone says where to connect), so it reads as `false`;
//! user id, bot flag and `api_id` read as `None`.
//!
//! **Oxigram**: `ox`, the version in decimal, `:`, then the base64 (no padding) of the
//! record. Version 1's record:
//!
//! | bytes | field |
//! |---|---|
//! | 1 | flags: bit 0 test mode, bit 1 address present, bit 2 the address is IPv6, bit 3 user id present, bit 4 bot flag present, bit 5 bot flag value, bit 6 `api_id` present, bit 7 reserved (0) |
//! | 2 | DC id (`i16`) |
//! | 256 | the authorization key |
//! | 4 or 16, then 2 | the address's IP and port, if present |
//! | 8 | the user id (`i64`), if present |
//! | 4 | `api_id` (`i32`), if present |
//!
//! Every record has exactly one spelling: reserved bits, flag combinations that mean
//! nothing (a bot flag value without the bot flag, IPv6 without an address) and trailing
//! bytes are errors. A record that needs more is a new version.
//!
//! In every format an all-zero key is refused: Telethon reads it as "no key", and no
//! server knows it.

mod convert;
mod data;
pub mod files;
mod memory;
#[cfg(feature = "postgres")]
pub mod postgres;
mod queue;
pub mod sqlite;
mod store;
mod strings;

pub use data::SessionData;
pub(crate) use memory::apply;
pub use memory::{MEMORY_PEERS, MemoryStorage};
pub use sqlite::{QUEUE_LIMIT, SAVE_WAIT, SESSION_EXTENSION, SqliteStorage};
pub use store::{
    Change, DcAddress, DcSession, PeerKind, PeerRecord, Session, Storage, StorageError, UpdateState,
};
pub use strings::{SessionField, SessionFormat, SessionStringError, decode, decode_as, encode};
