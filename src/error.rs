//! The one error type of the high-level client.

use crate::errors::RpcError;
use crate::peers::PeerError;
use crate::storage::StorageError;
use crate::{ConnectError, InvokeError};

/// Everything a high-level call can fail with.
///
/// RPC errors come first and are the ones to match on
/// (`Err(Error::Rpc(e)) if e.is(errors::USERNAME_INVALID)`); the others say the request
/// never got an answer, or could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server refused the request.
    #[error(transparent)]
    Rpc(RpcError),
    /// The request got no answer: timed out, disconnected, closed, gave up, or the answer
    /// did not decode.
    #[error(transparent)]
    Invoke(InvokeError),
    /// A connection could not be made.
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// The session could not be read or written.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A peer could not be named or found.
    #[error(transparent)]
    Peer(#[from] PeerError),
    /// The client is configured wrongly (what is missing or wrong is said).
    #[error("client configuration: {0}")]
    Config(String),
    /// Signing in could not go on (what the server or the user did is said).
    #[error("sign-in: {0}")]
    SignIn(String),
    /// The request can not be made for this value (a button that is not a callback
    /// button pressed, media that can not be sent again); what is missing is said.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// A conversation ended without an answer: timed out, cancelled, or stopped.
    #[error(transparent)]
    Listen(#[from] crate::dispatch::ListenError),
    /// Text could not be read in its parse mode (HTML not well formed).
    #[error(transparent)]
    Format(#[from] crate::text::ParseError),
    /// The server answered with something the protocol does not allow here.
    #[error("unexpected answer: {0}")]
    Unexpected(String),
    /// A file to send could not be read, or cannot be sent.
    #[error(transparent)]
    File(#[from] crate::files::FileError),
}

impl Error {
    /// The RPC error, if the server refused the request.
    pub fn rpc(&self) -> Option<&RpcError> {
        match self {
            Error::Rpc(e) => Some(e),
            _ => None,
        }
    }

    /// Whether this is the RPC error `name` (`FLOOD_WAIT` matches `FLOOD_WAIT_31`).
    pub fn is(&self, name: impl AsRef<str>) -> bool {
        self.rpc().is_some_and(|e| e.is(name))
    }
}

/// The result of a high-level call.
pub type Result<T, E = Error> = std::result::Result<T, E>;
