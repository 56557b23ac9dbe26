//! The peer cache and `resolve_peer`: every user, chat and channel seen, found again by
//! id, username, link or phone number.
//!
//! - [`CarriesPeers`]: the users and chats an answer or update carries.
//! - [`user_record`], [`chat_record`]: what one of them becomes in the cache (a
//!   [`PeerRecord`](crate::storage::PeerRecord) with a Bot-API-style id, see [`BareId`]).
//! - [`PeerCache`]: a bounded in-memory front over the [`Storage`](crate::storage::Storage)
//!   that keeps them, learning from every answer ([`PeerCache::remember`]).
//! - [`PeerRef`]: a peer as a user names it (`"me"`, `-1001234567890`, `"@durov"`,
//!   `"t.me/durov"`, `"+1 555 0109"`).
//! - [`resolve_peer`]: a [`PeerRef`] to an `InputPeer`, from the cache or else the
//!   server, through the [`PeerRpc`] the client implements.
//!
//! Records convert to the input constructors requests take:
//! `enums::InputPeer::try_from(&record)`, and likewise `InputUser` and `InputChannel`.
//!
//! # Cost
//!
//! The `peer_cache` bench decodes 1,000 answers of 100 users each alone and then decodes
//! and remembers them, answer by answer in turn, and prints the ratio as `paired`
//! (`cargo bench --bench peer_cache -- --warm-up-time 1 --measurement-time 3`). One
//! measured run on the 2-core machine while it was otherwise idle (load about 1): a cache
//! that already knows the answers' 10,000 users costs 1.048 times decoding alone; one
//! that holds 100,000 users (five times the default capacity, beyond the CPU caches),
//! 1.094 times. Meeting 100,000 users for the first time costs 5.21 times decoding (a
//! record, three index entries and a storage write each), where decoding plus only the
//! three index entries any cache answering lookups by id, username and phone must make
//! (maps sized beforehand, no record, no storage) costs 1.74 times, and decoding plus
//! the id map alone 1.121 times: first sightings cannot come near decoding's cost.

mod cache;
mod carries;
#[cfg(test)]
pub(crate) mod fixtures;
mod input;
mod name;
mod record;
mod resolve;

pub(crate) use cache::NameMap;
pub use cache::{Clock, DEFAULT_CAPACITY, DEFAULT_USERNAME_TTL, PeerCache, PeerCacheConfig};
pub(crate) use carries::peers_of_any;
pub use carries::{CarriesPeers, Peers};
pub use name::PeerRef;
pub use record::{BareId, CHANNEL_ID_OFFSET, chat_record, peer_id, user_record};
pub use resolve::{PeerRpc, resolve_peer};

use crate::storage::PeerKind;

/// Why a peer could not be named or found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PeerError {
    /// The text names no peer in any form we read.
    #[error("{0:?} is not a peer: expected an id, @username, t.me link, phone number or \"me\"")]
    Unparsable(String),
    /// The peer is not cached and the server could not find it; `missing` says what
    /// would have let us build it.
    #[error("cannot reach {peer}: {missing}")]
    Unknown {
        /// The peer as the caller named it.
        peer: String,
        /// What is missing (the access hash, a username to look up, …).
        missing: String,
    },
    /// A record is not of the kind asked for (an `InputUser` for a channel, say), or its
    /// id and kind disagree.
    #[error("peer {id} is a {kind:?}, not {wanted}")]
    WrongKind {
        /// The record's Bot-API-style id.
        id: i64,
        /// Its kind.
        kind: PeerKind,
        /// What was asked for.
        wanted: &'static str,
    },
}
