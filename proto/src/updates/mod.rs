//! The update sequencer: every update exactly once, in order, without doing I/O.
//!
//! Telegram numbers updates in several sequences ("boxes"): the account's common box
//! (`pts`: private chats and basic groups), its secondary box (`qts`: secret chats and
//! bot updates such as `updateBotStopped` or `updateChatParticipant`), each channel's own
//! `pts`, and the `seq` of `updates`/`updatesCombined` containers. An update with `pts` and
//! `pts_count` applies when `local + pts_count == pts`, was already applied when the sum
//! is larger, and otherwise follows a gap. A gap is given `gap_timeout` to fill (updates
//! arrive out of order); then the missing part is fetched with `updates.getDifference` or
//! `updates.getChannelDifference`. Updates of a box are held while its difference is
//! fetched, and applied (or dropped as covered) after it. Updates without a counter are
//! delivered at once.
//!
//! The [`Sequencer`] is driven by the caller: it feeds pushed updates
//! ([`Sequencer::handle_updates`]), answers to fetches ([`Sequencer::handle_fetched`]),
//! timer expiries ([`Sequencer::handle_timeout`]) and reconnections
//! ([`Sequencer::handle_missed`]), each with the current time, and takes out fetches to
//! make ([`Sequencer::poll_fetch`]), batches of updates ([`Sequencer::poll_batch`]) and
//! state to persist ([`Sequencer::poll_state`]).
//!
//! ```
//! use std::time::Instant;
//! use oxigram_proto::updates::{FetchRequest, Fetched, Sequencer, SequencerConfig};
//! use oxigram_tl::{enums, types};
//!
//! let now = Instant::now();
//! let mut seq = Sequencer::new(SequencerConfig::default(), None, now);
//! // No saved state: the state is asked for first.
//! let fetch = seq.poll_fetch().unwrap();
//! assert_eq!(fetch.request, FetchRequest::GetState);
//! let state = types::updates::State { pts: 10, qts: 0, date: 1, seq: 1, unread_count: 0 };
//! seq.handle_fetched(now, fetch.id, Ok(Fetched::State(state)));
//!
//! // pts 11 follows 10: delivered.
//! let update = types::UpdateDeleteMessages { messages: vec![5], pts: 11, pts_count: 1 };
//! let short = types::UpdateShort { update: update.into(), date: 2 };
//! seq.handle_updates(now, enums::Updates::UpdateShort(Box::new(short)));
//! assert_eq!(seq.poll_batch().unwrap().updates.len(), 1);
//! assert_eq!(seq.state().unwrap().pts, 11);
//! ```
//!
//! # Order
//!
//! Within a box updates come out in counter order; boxes are independent of each other. A
//! difference does not number its new messages, so a batch from a difference lists its
//! new messages first, then its other updates, then held updates that follow it.
//!
//! # Policies
//!
//! - **Bounds.** At most `max_pending` updates are held per box (and containers for the
//!   `seq` box); beyond it the held ones are dropped and the difference relied on. At most
//!   `max_channels` channels are followed: beyond it the least recently used idle one is
//!   forgotten. At most `max_ready` batches wait to be polled: beyond it pushed updates are
//!   dropped and refetched, and no fetch is handed out until batches are taken.
//! - **Failed fetches.** A channel answering `getChannelDifference` with a 400, 403 or 406
//!   error (`CHANNEL_PRIVATE`, `CHANNEL_INVALID`, ...) is forgotten
//!   ([`StateChange::ChannelRemoved`]). Any other failure, and a fetch not answered within
//!   `fetch_timeout`, is retried after `retry_delay`, doubling with each failure up to
//!   `max_retry_delay`, or after the server's flood wait if that is longer.
//! - **Polling.** The `timeout` of a channel difference is not used: channels are fetched
//!   on gaps, `updateChannelTooLong` and the account difference, not polled.
//! - **Hostile counters.** Counters compare in 64 bits; negative counts count as zero;
//!   counters never move backwards on a difference; differences that do not move the state
//!   end the fetching rather than loop.

mod account;
mod batch;
mod channel;
mod channels;
mod classify;
mod config;
mod difference;
mod fetch;
mod gaps;
mod sequencer;
mod short;
mod state;
#[cfg(test)]
mod tests;

pub use batch::Batch;
pub use config::SequencerConfig;
pub use fetch::{Fetch, FetchFailed, FetchId, FetchRequest, Fetched};
pub use sequencer::Sequencer;
pub use short::{expand_short_chat_message, expand_short_message, expand_short_sent_message};
pub use state::{SavedState, StateChange, UpdateState};
