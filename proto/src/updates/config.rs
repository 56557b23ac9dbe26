//! The sequencer's timers and bounds.

use std::time::Duration;

/// How the sequencer waits and how much it holds. [`Default`] follows Telegram's advice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequencerConfig {
    /// How long a gap may stay open (waiting for the missing updates to arrive late) before
    /// a difference is fetched. Telegram suggests half a second.
    pub gap_timeout: Duration,
    /// `limit` of `updates.getChannelDifference` (Telegram allows up to 100 for users and
    /// 100,000 for bots).
    pub channel_diff_limit: i32,
    /// Most updates held per box (account pts, account qts, account seq containers, each
    /// channel) while a gap is open or a difference is in flight. Beyond it the held
    /// updates are dropped and the difference, which covers them, is relied on.
    pub max_pending: usize,
    /// Most channels followed. Beyond it the channel used least recently (without a fetch
    /// or held updates) is forgotten; an update from it later starts following it again
    /// from that update's pts.
    pub max_channels: usize,
    /// Most batches waiting for [`super::Sequencer::poll_batch`]. While it is reached,
    /// pushed updates are dropped (and refetched once the batches are taken) and no fetch
    /// is started.
    pub max_ready: usize,
    /// Most `getChannelDifference` requests in flight at once.
    pub max_channel_fetches: usize,
    /// A difference is fetched after this long without any update (Telegram: 15 minutes).
    pub no_update_timeout: Duration,
    /// A fetch not answered within this long is given up (and retried).
    pub fetch_timeout: Duration,
    /// The first wait before retrying a failed fetch; it doubles with each failure in a
    /// row, up to `max_retry_delay` (or longer if the server asks for a longer wait).
    pub retry_delay: Duration,
    /// The longest wait between retries of our own choosing.
    pub max_retry_delay: Duration,
    /// With saved state: fetch what was missed while away (true), or start afresh from
    /// `updates.getState`, skipping everything older (false).
    pub catch_up: bool,
}

impl Default for SequencerConfig {
    fn default() -> Self {
        Self {
            gap_timeout: Duration::from_millis(500),
            channel_diff_limit: 100,
            max_pending: 1_000,
            max_channels: 10_000,
            max_ready: 1_000,
            max_channel_fetches: 4,
            no_update_timeout: Duration::from_secs(15 * 60),
            fetch_timeout: Duration::from_secs(60),
            retry_delay: Duration::from_secs(1),
            max_retry_delay: Duration::from_secs(60),
            catch_up: true,
        }
    }
}
