//! The peer cache and `resolve_peer`: every user, chat and channel seen, found again by
//! id, username, link or phone number.

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
}
