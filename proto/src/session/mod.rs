//! Pieces of the encrypted session: message ids, and the envelope every encrypted message
//! travels in. (The session state machine builds on them.)

mod envelope;
mod msg_id;

pub use envelope::{EnvelopeError, Inner, MAX_PADDING, MIN_PADDING, open, seal};
pub use msg_id::MsgIdGenerator;
