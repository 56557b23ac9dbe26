//! The requests the sequencer asks the caller to make, and their answers.

use std::time::Duration;

use oxigram_tl::{enums, types};

/// Names one fetch, so that its answer finds it (and a late answer to a fetch given up on
/// is ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FetchId(pub(crate) u64);

/// What to ask the server. The caller builds the TL request: it owns the access hashes
/// (`updates.getChannelDifference` needs an `InputChannel`) and the filter (empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchRequest {
    /// `updates.getState`.
    GetState,
    /// `updates.getDifference`.
    GetDifference {
        /// Local pts.
        pts: i32,
        /// Local qts.
        qts: i32,
        /// Local date.
        date: i32,
    },
    /// `updates.getChannelDifference` (`force` off, empty filter).
    GetChannelDifference {
        /// Bare channel id.
        channel: i64,
        /// The channel's local pts.
        pts: i32,
        /// Most updates to return.
        limit: i32,
    },
}

/// A fetch to make; answer it with [`super::Sequencer::handle_fetched`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    /// Passed back with the answer.
    pub id: FetchId,
    /// What to ask.
    pub request: FetchRequest,
}

/// The answer to a [`Fetch`].
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched {
    /// To [`FetchRequest::GetState`].
    State(types::updates::State),
    /// To [`FetchRequest::GetDifference`].
    Difference(enums::updates::Difference),
    /// To [`FetchRequest::GetChannelDifference`].
    ChannelDifference(enums::updates::ChannelDifference),
}

/// Why a fetch has no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchFailed {
    /// The server answered with an RPC error (`CHANNEL_PRIVATE`, `FLOOD_WAIT_30`, ...).
    #[error("RPC error {code} {name}")]
    Rpc {
        /// The error code (400, 403, 420, 500, ...).
        code: i32,
        /// The error name, with its number if it has one (`FLOOD_WAIT_30`).
        name: String,
    },
    /// The request never got an answer (connection lost, timed out).
    #[error("no answer: {0}")]
    Transport(String),
}

impl FetchFailed {
    /// The channel cannot be read any more (left, banned, deleted, made private): a
    /// client error (400, 403 or 406) to `getChannelDifference`.
    pub(crate) fn channel_gone(&self) -> bool {
        matches!(
            self,
            Self::Rpc {
                code: 400 | 403 | 406,
                ..
            }
        )
    }

    /// How long the server asked to wait (`FLOOD_WAIT_X`, `FLOOD_PREMIUM_WAIT_X`).
    pub(crate) fn wait(&self) -> Option<Duration> {
        let Self::Rpc { name, .. } = self else {
            return None;
        };
        let seconds = name
            .strip_prefix("FLOOD_WAIT_")
            .or_else(|| name.strip_prefix("FLOOD_PREMIUM_WAIT_"))?;
        match seconds.parse::<u64>() {
            Ok(seconds) => Some(Duration::from_secs(seconds)),
            Err(e) => {
                tracing::debug!(%name, %e, "flood wait without a number of seconds: own delay used");
                None
            }
        }
    }
}
