//! The [`Storage`] trait: what a client keeps between runs, and the records it keeps.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use crate::proto::crypto::message::AuthKey;

/// What a client keeps about one DC.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DcSession {
    /// The DC's address as last used (overrides the DC options).
    pub address: Option<SocketAddr>,
    /// The permanent authorization key made with this DC.
    pub auth_key: Option<AuthKey>,
    /// Whether the account is signed in on this DC (at home by signing in, elsewhere by
    /// importing the exported authorization once).
    pub authorized: bool,
}

/// One address of a DC, from `help.getConfig`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DcAddress {
    /// The DC id.
    pub id: i16,
    /// Its address.
    pub address: SocketAddr,
    /// Only for files (`media_only`).
    pub media_only: bool,
    /// A CDN DC.
    pub cdn: bool,
}

/// The account's update state: where `updates.getDifference` starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UpdateState {
    /// The account's pts.
    pub pts: i32,
    /// The secret-chat and bot qts.
    pub qts: i32,
    /// The date of the last update.
    pub date: i32,
    /// The update sequence number.
    pub seq: i32,
}

/// Everything a session holds except the peers (read with [`Storage::load`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Session {
    /// The account's home DC (0 until the first connection).
    pub home_dc: i16,
    /// Telegram's test DCs rather than production.
    pub test_mode: bool,
    /// The `api_id` the keys were made with.
    pub api_id: Option<i32>,
    /// The signed-in account's user id.
    pub user_id: Option<i64>,
    /// Whether the signed-in account is a bot.
    pub is_bot: Option<bool>,
    /// Keys and authorization per DC id.
    pub dcs: BTreeMap<i16, DcSession>,
    /// DC addresses from the last `help.getConfig`.
    pub dc_options: Vec<DcAddress>,
    /// The account's update state.
    pub updates: UpdateState,
    /// The pts of each channel, by channel id (the bare id, not the `-100…` form).
    pub channels: BTreeMap<i64, i32>,
}

/// What kind of peer a [`PeerRecord`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PeerKind {
    /// A user account.
    User,
    /// A bot.
    Bot,
    /// A basic group (`chat`); it has no access hash.
    Group,
    /// A broadcast channel.
    Channel,
    /// A supergroup (a `channel` with `megagroup`).
    Supergroup,
}

/// A peer as cached: enough to build its `InputPeer`, and to find it by name or phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerRecord {
    /// The Bot-API-style id: users positive, basic groups `-id`, channels
    /// `-1000000000000 - id`.
    pub id: i64,
    /// The access hash (0 for basic groups).
    pub access_hash: i64,
    /// What the peer is.
    pub kind: PeerKind,
    /// Its usernames, lower case, the main one first.
    pub usernames: Vec<String>,
    /// Its phone number (users only), digits only.
    pub phone: Option<String>,
    /// When the record was last written (unix seconds): usernames older than the
    /// client's expiry are looked up again.
    pub updated_at: i64,
}

/// One change to a session. Writes are queued and may be batched; [`Storage::flush`]
/// waits until every queued change is durable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
// A key change is rare; boxing it would make every caller's match uglier for nothing.
#[allow(clippy::large_enum_variant)]
pub enum Change {
    /// The home DC and whether it is a test DC.
    Home {
        /// The DC id.
        dc: i16,
        /// Test DCs.
        test_mode: bool,
    },
    /// The `api_id`.
    ApiId(i32),
    /// A DC's key, address and authorization (replaces what was stored for that DC).
    Dc(i16, DcSession),
    /// Who is signed in (`None`: signed out; keys stay, authorizations are cleared).
    User(Option<(i64, bool)>),
    /// New DC options (replaces the old list).
    DcOptions(Vec<DcAddress>),
    /// The account's update state.
    Updates(UpdateState),
    /// A channel's pts (bare channel id).
    ChannelPts(i64, i32),
    /// Peers seen: a record with an access hash of 0 for a user or channel (a `min`
    /// constructor) never replaces a known hash.
    Peers(Vec<PeerRecord>),
}

/// Where a client keeps its session.
///
/// Implementations: [`MemoryStorage`](super::MemoryStorage), SQLite files (the default)
/// and whatever a user plugs in (the PostgreSQL store, say). Methods are synchronous and
/// quick: [`Storage::save`] queues a change, so a slow disk never stalls a request; reads
/// of the whole session happen once at start, peer lookups only on a cache miss.
pub trait Storage: Send + Sync + 'static {
    /// The session as stored (a default [`Session`] for a new one).
    fn load(&self) -> Result<Session, StorageError>;
    /// Queues a change.
    fn save(&self, change: Change) -> Result<(), StorageError>;
    /// Waits until every queued change is durable.
    fn flush(&self) -> Result<(), StorageError>;
    /// The peer with this Bot-API-style id.
    fn peer_by_id(&self, id: i64) -> Result<Option<PeerRecord>, StorageError>;
    /// The peer with this username (any case, without `@`).
    fn peer_by_username(&self, username: &str) -> Result<Option<PeerRecord>, StorageError>;
    /// The user with this phone number (digits only).
    fn peer_by_phone(&self, phone: &str) -> Result<Option<PeerRecord>, StorageError>;

    /// Registers what to do if this storage stops granting the right to use the session
    /// (a `PostgresStorage`, feature `postgres`, whose lease was lost):
    /// `revoked` is called once, from any thread, with the reason, and the client that
    /// registered it stops at once. Called at once if that already happened. Storages
    /// that hold the session for as long as they are open (the default) never call it.
    fn on_revoked(&self, revoked: Box<dyn FnOnce(StorageError) + Send>) {
        drop(revoked);
    }
}

/// Why a session could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// Another process (or client) has the session open.
    #[error("the session {0} is in use by another client")]
    SessionInUse(String),
    /// A file could not be read or written.
    #[error("session I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The database failed.
    #[error("session database: {0}")]
    Database(String),
    /// The stored session is not one we can read (another program's file, a newer
    /// schema, damaged data).
    #[error("unreadable session: {0}")]
    Unreadable(String),
    /// The background writer stopped; the reason was reported when it did.
    #[error("the session writer stopped: {0}")]
    WriterStopped(String),
    /// The session file was written by a newer version of this library: its schema is
    /// newer than any this version knows, and reading it could lose data.
    #[error("the session's schema is version {found}; this library knows up to {known}")]
    NewerSchema {
        /// The file's schema version.
        found: i64,
        /// The newest version this library knows.
        known: i64,
    },
    /// The file is not a session file of a known format (ours, Pyrogram's, Telethon's).
    #[error("not a session file of a known format: {0}")]
    UnknownFormat(String),
    /// The write queue stayed full while [`Storage::save`] waited for the writer; the
    /// change was not queued.
    #[error("the session write queue stayed full for {0:?}")]
    QueueFull(std::time::Duration),
    /// The session cannot be written in the requested format (a field the format needs
    /// is missing, say).
    #[error("cannot write the session: {0}")]
    Unwritable(String),
    /// Another process holds the account's lease (a shared storage such as PostgreSQL):
    /// it may use the key until the lease expires.
    #[error("the account's lease is held by {holder} for {expires_in:?} more")]
    LeaseHeld {
        /// The holder's id.
        holder: String,
        /// How long its lease runs unless renewed.
        expires_in: std::time::Duration,
    },
    /// This process no longer holds the account's lease: another took it (after a
    /// pause longer than the lease, say), or it could not be renewed in time. Nothing
    /// more is written, and the client stops.
    #[error("the account's lease was lost: {0}")]
    LeaseLost(String),
}
