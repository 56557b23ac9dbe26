//! The encrypted session: message ids and sequence numbers, salts, acknowledgements,
//! containers, `gzip_packed`, service messages, and the incoming checks of the security
//! guidelines, for the client ([`ClientSession`]) and the server (`ServerSession`).
//!
//! A session never sees a socket: it turns requests into sealed packets and packets into
//! [`Event`]s. [`crate::connection::Connection`] puts it behind a transport and the key
//! exchange.

mod client;
mod envelope;
mod error;
pub mod gzip;
mod id_map;
mod msg_id;
mod outbox;
mod replay;
#[cfg(feature = "server")]
mod salts;
mod sent_acks;
#[cfg(feature = "server")]
mod server;
mod service;

use std::time::Duration;

pub use client::ClientSession;
pub use envelope::{
    EnvelopeError, Inner, MAX_PADDING, MIN_PADDING, open, open_owned, seal, seal_into,
};
pub use error::{Dropped, RequestError, ResendReason, RpcError, ServerState};
pub use msg_id::{MsgIdGenerator, ServerMsgIdGenerator};
pub use outbox::{MAX_CONTAINER_BYTES, MAX_CONTAINER_MESSAGES};
#[cfg(feature = "server")]
pub use salts::{SALT_PERIOD, SaltSchedule};
#[cfg(feature = "server")]
pub use server::{ServerEvent, ServerQuirks, ServerSession, ServerSessionConfig};

use bytes::Bytes;

/// A request's local handle: stable across resends, unlike its MTProto msg_id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "request #{}", self.0)
    }
}

/// Something the client side has to report.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// The final answer to a request: its result, or the RPC error the server gave.
    Response {
        /// The request.
        id: RequestId,
        /// The TL-encoded result (decompressed), or the RPC error.
        result: Result<Bytes, RpcError>,
    },
    /// The request ended without an answer; the caller may send it again.
    Failed {
        /// The request.
        id: RequestId,
        /// Why.
        error: RequestError,
    },
    /// A message that is not an answer to a request (updates, mostly).
    Update {
        /// Its constructor id.
        constructor_id: u32,
        /// The whole TL object, constructor id included.
        body: Bytes,
    },
    /// The server started a new session for us: updates may have been missed
    /// (`updates.getDifference` recovers them).
    UpdatesGap,
    /// An incoming message was dropped by a check; nothing in the session changed.
    Dropped(Dropped),
    /// (Connection) a new auth key was created: store it to reuse it next time.
    AuthKeyCreated(Box<crate::handshake::AuthKeyOutcome>),
    /// (Connection) the server does not know our auth key (transport error `-404`): the
    /// key is dropped, and a new one is made on the next connection. Requests without an
    /// answer are sent again under the new key (the server could not have read them);
    /// a stored copy of the old key is worthless now.
    AuthKeyRejected,
    /// (Connection, with PFS) a temporary key was bound to the permanent key and carries
    /// the traffic from now on. The server forgets what the connection told it of itself
    /// with the previous key: callers that wrap requests in `initConnection` do so again.
    TempKeyBound {
        /// When the key ends (server time, unix seconds); a successor is bound before.
        expires_at: i32,
    },
}

/// Timers and limits of the client session.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Longest an acknowledgement waits for a message to ride on before it goes alone.
    pub ack_delay: Duration,
    /// Acknowledgements pending that make them go out at once.
    pub max_pending_acks: usize,
    /// Bodies at least this long go out as `gzip_packed` when that makes them smaller.
    pub gzip_threshold: usize,
    /// How long a request may go without an answer before its state is asked
    /// (`msgs_state_req`), and it is sent again or its answer asked again.
    pub state_check_after: Duration,
    /// How many times a request may be sent before it fails.
    pub max_sends: u32,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            ack_delay: Duration::from_millis(500),
            max_pending_acks: 16,
            gzip_threshold: 512,
            state_check_after: Duration::from_secs(10),
            max_sends: 8,
        }
    }
}
