//! What the sequencer persists: the account's counters and each channel's pts.

use oxigram_tl::types;

/// The account's update state: the common box's `pts`, the secondary box's `qts`, and the
/// `date` and `seq` of the last update container applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UpdateState {
    /// The common message box (private chats, basic groups).
    pub pts: i32,
    /// Secret chats and the bot-only updates that carry a `qts`.
    pub qts: i32,
    /// The date of the last container applied, as `updates.getDifference` wants it.
    pub date: i32,
    /// The sequence number of the last `updates`/`updatesCombined` applied.
    pub seq: i32,
}

impl From<&types::updates::State> for UpdateState {
    fn from(state: &types::updates::State) -> Self {
        Self {
            pts: state.pts,
            qts: state.qts,
            date: state.date,
            seq: state.seq,
        }
    }
}

/// State saved earlier, to resume from (see [`super::Sequencer::new`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SavedState {
    /// The account's counters.
    pub account: UpdateState,
    /// Each channel's pts, by bare channel id.
    pub channels: Vec<(i64, i32)>,
}

/// A change to persist, from [`super::Sequencer::poll_state`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateChange {
    /// The account's counters moved.
    Account(UpdateState),
    /// A channel's pts moved (bare channel id, pts).
    Channel(i64, i32),
    /// A channel is no longer followed (it became inaccessible): forget its pts.
    ChannelRemoved(i64),
}
