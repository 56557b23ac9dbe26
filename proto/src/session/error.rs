//! What can go wrong with a request or an incoming message.

use super::envelope::EnvelopeError;

/// An RPC error the server answered with: data, not a failure of the library.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("RPC error {code}: {name}{}", value.map(|v| format!(" ({v})")).unwrap_or_default())]
pub struct RpcError {
    /// The HTTP-like code (400, 401, 420, 500, …).
    pub code: i32,
    /// The name without its number: `FLOOD_WAIT` for `FLOOD_WAIT_31`.
    pub name: String,
    /// The number at the end of the name, if any: the seconds of `FLOOD_WAIT_31`, the
    /// DC of `PHONE_MIGRATE_2`.
    pub value: Option<u32>,
}

impl RpcError {
    /// Splits an `rpc_error` message such as `FLOOD_WAIT_31` into name and value.
    pub fn new(code: i32, message: &str) -> Self {
        if let Some((name, digits)) = message.rsplit_once('_')
            && !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && let Ok(value) = digits.parse()
        {
            return RpcError {
                code,
                name: name.to_owned(),
                value: Some(value),
            };
        }
        RpcError {
            code,
            name: message.to_owned(),
            value: None,
        }
    }

    /// The message as the server wrote it (`FLOOD_WAIT_31`).
    pub fn message(&self) -> String {
        match self.value {
            Some(v) => format!("{}_{v}", self.name),
            None => self.name.clone(),
        }
    }
}

/// Why a request ended without an answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The caller gave up on requests in flight after the connection went down
    /// ([`crate::connection::Connection::fail_in_flight`]); the server may or may not have
    /// executed it.
    #[error("the connection was lost with the request in flight")]
    ConnectionLost,
    /// The connection was closed for good.
    #[error("the connection is closed")]
    Closed,
    /// The caller cancelled it (`rpc_drop_answer` went to the server).
    #[error("cancelled")]
    Cancelled,
    /// The server refused the message with a `bad_msg_notification` code that sending
    /// again cannot fix.
    #[error("the server refused the message with code {0}")]
    BadMessage(i32),
    /// It was sent [`crate::session::SessionConfig::max_sends`] times without an answer.
    #[error("no answer after {0} sends")]
    TooManySends(u32),
    /// The answer was a `gzip_packed` that does not unpack.
    #[error("the answer does not unpack: {0}")]
    Gzip(#[from] super::gzip::GzipError),
    /// The answer was an `rpc_error` that does not decode.
    #[error("malformed rpc_error")]
    MalformedError,
}

/// Why an incoming message was dropped. Dropping changes nothing in the session.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Dropped {
    /// The envelope failed (length, key id, message key, inner length or padding).
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    /// Another session's message.
    #[error("message for session {0:016x}")]
    SessionId(i64),
    /// A server message id that is not odd (or a client's not divisible by 4).
    #[error("message id {0:#x} has the wrong parity")]
    MsgIdParity(i64),
    /// A message id already received, or older than the ones remembered.
    #[error("message id {0:#x} replayed or too old")]
    Replayed(i64),
    /// A message id more than 30 s ahead of, or 300 s behind, the synchronised clock.
    #[error("message id {0:#x} outside the time window")]
    TimeWindow(i64),
    /// A container that is malformed, nested, or not newer than what it holds.
    #[error("malformed container")]
    Container,
    /// A body that does not decode as the service message its id names.
    #[error("malformed {0} message")]
    Malformed(&'static str),
}
