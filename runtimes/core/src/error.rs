//! How an invocation, or the connection under it, can fail.

use oxigram_proto::connection::ConnectionError;
use oxigram_proto::proxy::ProxyError;
use oxigram_proto::session::{RequestError, RpcError};

/// Why a connection (attempt) failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LinkError {
    /// The socket could not be opened.
    #[error("cannot connect: {1}")]
    Connect(std::io::ErrorKind, String),
    /// Reading or writing the socket failed.
    #[error("socket error: {1}")]
    Io(std::io::ErrorKind, String),
    /// The server closed the connection.
    #[error("the server closed the connection")]
    Closed,
    /// The server sent a transport error code: `-404` (it does not know our key),
    /// `-429` (too many connections), `-444` (wrong DC).
    #[error("the server sent transport error {0}")]
    Transport(i32),
    /// The protocol core refused what the server sent, or the key exchange failed.
    #[error(transparent)]
    Protocol(ConnectionError),
    /// The proxy did not open a tunnel to the DC: it refused the login or the
    /// connection, or does not speak its protocol.
    #[error("proxy: {0}")]
    Proxy(ProxyError),
}

impl LinkError {
    pub(crate) fn io(error: &std::io::Error) -> Self {
        LinkError::Io(error.kind(), error.to_string())
    }

    /// A failure to open a socket; a proxy's refusal travels inside the `io::Error`
    /// (see `proxied`) and comes out typed.
    pub(crate) fn connect(error: &std::io::Error) -> Self {
        match error.get_ref().and_then(|e| e.downcast_ref::<ProxyError>()) {
            Some(proxy) => LinkError::Proxy(proxy.clone()),
            None => LinkError::Connect(error.kind(), error.to_string()),
        }
    }

    /// The server said it has too many connections: wait longer before the next.
    pub(crate) fn is_flood(&self) -> bool {
        matches!(self, LinkError::Transport(-429))
    }
}

impl From<ConnectionError> for LinkError {
    fn from(error: ConnectionError) -> Self {
        match error {
            ConnectionError::TransportCode(code) => LinkError::Transport(code),
            other => LinkError::Protocol(other),
        }
    }
}

/// Why `invoke` returned no result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvokeError {
    /// The server answered with an RPC error (`FLOOD_WAIT_31`: name `FLOOD_WAIT`,
    /// value 31).
    #[error(transparent)]
    Rpc(#[from] RpcError),
    /// The request ended without an answer (cancelled, refused, closed).
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The answer does not decode as the request's return type.
    #[error("the answer does not decode: {0}")]
    Decode(#[from] oxigram_tl::DecodeError),
    /// The request's own timeout passed first (the server was told to drop the answer).
    #[error("no answer within the request's timeout")]
    Timeout,
    /// The client stayed disconnected for the policy's
    /// [`disconnected_timeout`](crate::ReconnectPolicy::disconnected_timeout) while the
    /// request waited; it goes on trying to reconnect. The request may have run if it
    /// had been sent before the connection dropped.
    #[error("disconnected too long ({0})")]
    Disconnected(LinkError),
    /// The client gave up reconnecting ([`ReconnectPolicy`](crate::ReconnectPolicy)); the
    /// last failure says why. Every later request fails the same way.
    #[error("gave up connecting: {0}")]
    GaveUp(LinkError),
    /// The client was closed (or its driver stopped).
    #[error("the client is closed")]
    Closed,
}

/// Why `connect` failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// The operating system refused what the client needs (randomness for the
    /// connection's seed, a driver thread).
    #[error("the operating system refused: {0}")]
    Os(std::io::Error),
    /// The first connection, or its key exchange, failed.
    #[error(transparent)]
    Link(#[from] LinkError),
}
