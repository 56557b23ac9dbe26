//! Perfect forward secrecy: traffic goes under short-lived temporary keys, each bound to
//! the permanent key with `auth.bindTempAuthKey`, so a permanent key stolen later does
//! not open what was recorded before.
//!
//! [`bind`] builds the binding request and verifies it (server role);
//! [`crate::connection::Connection`] makes, binds and renews temporary keys when its
//! config has a [`PfsConfig`].

pub mod bind;

use std::time::Duration;

use crate::session::{RequestError, RpcError};

#[cfg(feature = "server")]
pub use bind::verify_binding;
pub use bind::{BindCheck, BindError, Binding, Bound, bind_request};

/// How a binding ended, for the client.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BindOutcome {
    /// The server answered `boolTrue`: the temporary key stands for the permanent one.
    Bound,
    /// The server refused it (`ENCRYPTED_MESSAGE_INVALID`, `TEMP_AUTH_KEY_EMPTY`, …).
    Refused(RpcError),
    /// The server answered something other than `boolTrue` (`boolFalse`, or not a
    /// `Bool`).
    Unexpected,
    /// It ended without an answer.
    Failed(RequestError),
}

/// How a connection uses temporary keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PfsConfig {
    /// How long each temporary key lives (its `expires_in`).
    pub lifetime: Duration,
    /// How long before a key expires its successor is made and bound, so that traffic
    /// moves over before the old one is gone.
    pub renew_before: Duration,
}

impl Default for PfsConfig {
    /// A day per key, renewed an hour before it ends.
    fn default() -> Self {
        PfsConfig {
            lifetime: Duration::from_secs(24 * 60 * 60),
            renew_before: Duration::from_secs(60 * 60),
        }
    }
}

impl PfsConfig {
    /// The key's lifetime in whole seconds, at least one, as the key exchange sends it.
    pub fn expires_in(&self) -> i32 {
        self.lifetime.as_secs().clamp(1, i32::MAX as u64) as i32
    }

    /// How long after its creation a key is renewed: `lifetime - renew_before`, but never
    /// sooner than half the lifetime, so a misconfigured `renew_before` cannot make keys
    /// back to back.
    pub fn renew_after(&self) -> Duration {
        self.lifetime
            .saturating_sub(self.renew_before)
            .max(self.lifetime / 2)
    }
}
