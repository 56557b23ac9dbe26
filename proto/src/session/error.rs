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
    /// The server refused the message (or the container it travelled in) with a
    /// `bad_msg_notification` code that sending again cannot fix.
    #[error("the server refused the message with code {0}")]
    BadMessage(i32),
    /// It was sent [`crate::session::SessionConfig::max_sends`] times without an answer.
    #[error(
        "sent {sends} times without an answer{}",
        last.map(|r| format!(" (last sent again: {r})")).unwrap_or_default()
    )]
    TooManySends {
        /// How many times it went out.
        sends: u32,
        /// Why it was last sent again, if it was.
        last: Option<ResendReason>,
    },
    /// Its state was asked [`crate::session::SessionConfig::max_sends`] times and no answer
    /// came; the server may or may not have run it.
    #[error("no answer after asking its state {checks} times; the server last said: {state}")]
    Unanswered {
        /// How many times its state was asked.
        checks: u32,
        /// What the server last said about it.
        state: ServerState,
    },
    /// The server answered the `msgs_state_req` about it with an RPC error, and no answer
    /// came within [`crate::session::SessionConfig::state_check_after`] after that. It is
    /// not sent again: the server may have run it.
    #[error("the server refused to report its state ({0}); it may or may not have run")]
    StateRefused(RpcError),
    /// The answer was a `gzip_packed` that does not unpack, or that would take its packet
    /// beyond [`crate::session::gzip::MAX_UNPACKED_PER_PACKET`].
    #[error("the answer does not unpack: {0}")]
    Gzip(#[from] super::gzip::GzipError),
    /// The answer was an `rpc_error` that does not decode.
    #[error("malformed rpc_error")]
    MalformedError,
}

/// Why a request was sent again with a new message id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResendReason {
    /// `bad_server_salt`: it went out with a stale salt.
    BadServerSalt,
    /// A `bad_msg_notification` with this code (about it or its container).
    BadMessage(i32),
    /// `new_session_created` said messages before it may be lost.
    NewSession,
    /// `msgs_state_info` said the server never received it.
    NotReceived,
    /// The server asked for it again (`msg_resend_req`).
    ServerAsked,
    /// The server answered its container with an error (an internal request goes again,
    /// alone).
    ContainerRefused,
}

impl std::fmt::Display for ResendReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResendReason::BadServerSalt => f.write_str("bad_server_salt"),
            ResendReason::BadMessage(code) => write!(f, "bad_msg_notification code {code}"),
            ResendReason::NewSession => f.write_str("new_session_created"),
            ResendReason::NotReceived => f.write_str("the server had not received it"),
            ResendReason::ServerAsked => f.write_str("the server asked for it"),
            ResendReason::ContainerRefused => f.write_str("its container was refused"),
        }
    }
}

/// What the server last said about a request whose answer never came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerState {
    /// It never answered a state request about it.
    Silent,
    /// It had received it, but was neither running nor answering it.
    Received,
    /// It was still running it.
    Running,
    /// It had answered it, and the answer asked again never came.
    Answered,
}

impl std::fmt::Display for ServerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ServerState::Silent => "nothing",
            ServerState::Received => "received, not running",
            ServerState::Running => "still running",
            ServerState::Answered => "answered, the answer lost",
        })
    }
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
    /// A `gzip_packed` message that does not unpack, or would take its packet beyond
    /// [`crate::session::gzip::MAX_UNPACKED_PER_PACKET`].
    #[error("gzip_packed message: {0}")]
    Gzip(super::gzip::GzipError),
    /// A body that does not decode as the service message its id names.
    #[error("malformed {0} message")]
    Malformed(&'static str),
}
