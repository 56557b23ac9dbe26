//! The [`Sequencer`]: its state, the public inputs and outputs, and the timers.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use oxigram_tl::{enums, types};

use super::account::Account;
use super::batch::{Batch, BatchBuilder, Entities};
use super::channels::Channels;
use super::classify::{BoxKey, Class, classify};
use super::config::SequencerConfig;
use super::fetch::{Fetch, FetchFailed, FetchId, FetchRequest, Fetched};
use super::short;
use super::state::{SavedState, StateChange, UpdateState};

/// What a fetch in flight is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Account,
    Channel(i64),
}

#[derive(Debug)]
pub(crate) struct InFlight {
    pub target: Target,
    pub request: FetchRequest,
    pub deadline: Instant,
}

/// Puts updates in order and fetches what is missing, without doing any I/O or reading a
/// clock. See the [module documentation](super).
#[derive(Debug)]
pub struct Sequencer {
    pub(crate) config: SequencerConfig,
    pub(crate) self_id: Option<i64>,
    pub(crate) account: Account,
    pub(crate) channels: Channels,
    /// By id, so in the order they were made: their deadlines are in the same order.
    pub(crate) in_flight: BTreeMap<FetchId, InFlight>,
    next_fetch: u64,
    pub(crate) channel_fetches: usize,
    ready: VecDeque<Batch>,
    pub(crate) account_dirty: bool,
    /// Channel changes not yet taken by `poll_state`; `None` when the channel was dropped.
    pub(crate) dirty_channels: BTreeMap<i64, Option<i32>>,
    idle_at: Instant,
    /// The latest time the caller gave, for the deadlines of fetches `poll_fetch` makes.
    pub(crate) now: Instant,
}

impl Sequencer {
    /// A sequencer resuming from `saved` state, or starting afresh (`None`: the first fetch
    /// is `updates.getState`). With saved state and `catch_up` on, the first fetch is a
    /// difference from it; with `catch_up` off the saved state is replaced by a fresh
    /// `updates.getState` and channels are followed again from their next update. Saved
    /// channels beyond `max_channels` are left out.
    pub fn new(config: SequencerConfig, saved: Option<SavedState>, now: Instant) -> Self {
        let mut channels = Channels::new(config.max_channels);
        let state = match saved {
            Some(saved) if config.catch_up => {
                for (id, pts) in saved.channels {
                    if !channels.insert(id, pts) {
                        tracing::warn!(
                            channel = id,
                            "more saved channels than max_channels: left out"
                        );
                    }
                }
                Some(saved.account)
            }
            Some(_) => {
                tracing::info!("catch-up off: saved update state replaced by a fresh one");
                None
            }
            None => None,
        };
        let mut account = Account::new(state);
        account.want = true;
        Self {
            idle_at: now + config.no_update_timeout,
            config,
            self_id: None,
            account,
            channels,
            in_flight: BTreeMap::new(),
            next_fetch: 0,
            channel_fetches: 0,
            ready: VecDeque::new(),
            account_dirty: false,
            dirty_channels: BTreeMap::new(),
            now,
        }
    }

    /// The account's own user id, which an outgoing `updateShortMessage` needs for its
    /// sender.
    pub fn set_self_id(&mut self, id: i64) {
        self.self_id = Some(id);
    }

    /// The account's counters, once known.
    pub fn state(&self) -> Option<UpdateState> {
        self.account.state
    }

    /// Everything there is to save at once (the account's counters, once known, and each
    /// followed channel's pts), for a caller that saves snapshots rather than changes.
    pub fn saved_state(&self) -> Option<SavedState> {
        let account = self.account.state?;
        let channels = self.channels.iter().map(|(id, c)| (id, c.pts)).collect();
        Some(SavedState { account, channels })
    }

    /// A channel's pts, if it is followed.
    pub fn channel_pts(&self, channel: i64) -> Option<i32> {
        self.channels.get(channel).map(|c| c.pts)
    }

    /// Follows a channel from `pts` (learned from a dialog or after joining), so that its
    /// first update is checked rather than taken as the starting point. A channel already
    /// followed moves to `pts`.
    pub fn add_channel(&mut self, channel: i64, pts: i32) {
        if self.channels.insert(channel, pts) {
            if let Some(c) = self.channels.get_mut(channel) {
                c.pts = pts;
            }
            self.dirty_channels.insert(channel, Some(pts));
        } else {
            tracing::warn!(channel, "channel table full of busy channels: not followed");
        }
    }

    /// Updates pushed by the server or carried in an RPC answer.
    pub fn handle_updates(&mut self, now: Instant, updates: enums::Updates) {
        self.touch(now);
        if self.ready.len() >= self.config.max_ready {
            self.drop_unready(now, &updates);
            return;
        }
        let empty = Arc::default;
        match updates {
            enums::Updates::TooLong => {
                tracing::debug!("updatesTooLong: fetching the difference");
                self.missed(now);
            }
            enums::Updates::UpdateShortMessage(u) => {
                let update = short::expand_short_message(*u, self.self_id);
                self.container(now, vec![update.into()], &empty(), 0, 0, 0);
            }
            enums::Updates::UpdateShortChatMessage(u) => {
                let update = short::expand_short_chat_message(*u);
                self.container(now, vec![update.into()], &empty(), 0, 0, 0);
            }
            enums::Updates::UpdateShort(u) => {
                let types::UpdateShort { update, date } = *u;
                self.container(now, vec![update], &empty(), date, 0, 0);
            }
            enums::Updates::Combined(u) => {
                let entities = Entities::shared(u.users, u.chats);
                self.container(now, u.updates, &entities, u.date, u.seq_start, u.seq);
            }
            enums::Updates::Updates(u) => {
                let entities = Entities::shared(u.users, u.chats);
                self.container(now, u.updates, &entities, u.date, u.seq, u.seq);
            }
            enums::Updates::UpdateShortSentMessage(u) => {
                let update = short::sent_message_placeholder(&u);
                self.container(now, vec![update.into()], &empty(), 0, 0, 0);
            }
        }
    }

    /// The `updateShortSentMessage` answering a message the caller sent to `peer` with
    /// `text`: comes out as an `updateNewMessage` with the whole message.
    pub fn handle_sent(
        &mut self,
        now: Instant,
        sent: types::UpdateShortSentMessage,
        peer: enums::Peer,
        text: String,
    ) {
        self.touch(now);
        let update = short::expand_short_sent_message(sent, peer, text, self.self_id);
        self.container(now, vec![update.into()], &Arc::default(), 0, 0, 0);
    }

    /// The answer to a fetch. An answer to a fetch already given up on (see
    /// `fetch_timeout`) is ignored.
    pub fn handle_fetched(
        &mut self,
        now: Instant,
        id: FetchId,
        answer: Result<Fetched, FetchFailed>,
    ) {
        self.touch(now);
        let Some(flight) = self.in_flight.remove(&id) else {
            tracing::debug!(?id, "answer to a fetch no longer waited for: ignored");
            return;
        };
        if let Target::Channel(_) = flight.target {
            self.channel_fetches = self.channel_fetches.saturating_sub(1);
        }
        match (flight.target, &flight.request, answer) {
            (Target::Account, FetchRequest::GetState, Ok(Fetched::State(state))) => {
                self.account_state(now, &state);
            }
            (
                Target::Account,
                FetchRequest::GetDifference { pts, qts, date },
                Ok(Fetched::Difference(d)),
            ) => {
                let asked = UpdateState {
                    pts: *pts,
                    qts: *qts,
                    date: *date,
                    seq: 0,
                };
                self.account_difference(now, asked, d);
            }
            (
                Target::Channel(id),
                FetchRequest::GetChannelDifference { pts, .. },
                Ok(Fetched::ChannelDifference(d)),
            ) => {
                self.channel_difference(now, id, *pts, d);
            }
            (target, _, Ok(other)) => {
                tracing::warn!(?target, answer = ?std::mem::discriminant(&other), "fetch answered with the wrong kind of result");
                let failure = FetchFailed::Transport("answer of the wrong kind".into());
                self.fetch_failed(now, target, &failure);
            }
            (target, _, Err(failure)) => self.fetch_failed(now, target, &failure),
        }
    }

    /// Time has reached [`Self::poll_timeout`].
    pub fn handle_timeout(&mut self, now: Instant) {
        self.now = self.now.max(now);
        let expired: Vec<FetchId> = self
            .in_flight
            .iter()
            .take_while(|(_, f)| f.deadline <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            tracing::warn!(?id, "fetch unanswered: given up");
            self.handle_fetched(
                now,
                id,
                Err(FetchFailed::Transport("no answer in time".into())),
            );
        }
        if self.account.blocked_until.is_some_and(|at| at <= now) {
            self.account.blocked_until = None;
        }
        let mut out = BatchBuilder::default();
        if self.account.gap_deadline.is_some_and(|at| at <= now) {
            tracing::debug!("account gap not filled in time: fetching the difference");
            self.start_account_fetch(now, &mut out);
        }
        if self.idle_at <= now {
            tracing::debug!("no updates for a while: fetching the difference");
            self.idle_at = now + self.config.no_update_timeout;
            self.start_account_fetch(now, &mut out);
        }
        self.emit(out);
        for id in self.channels.due(now) {
            let Some(channel) = self.channels.get_mut(id) else {
                continue;
            };
            if channel.want {
                // The retry delay is over.
                self.channels.enqueue(id);
            } else {
                tracing::debug!(
                    channel = id,
                    "channel gap not filled in time: fetching its difference"
                );
                self.channels.request_fetch(id);
            }
        }
    }

    /// Updates may have been missed (reconnected, or the runtime dropped some): fetch the
    /// difference.
    pub fn handle_missed(&mut self, now: Instant) {
        self.touch(now);
        self.missed(now);
    }

    /// The next fetch to make. None while [`Self::poll_batch`] has `max_ready` batches
    /// waiting: fetching more would only grow them.
    pub fn poll_fetch(&mut self) -> Option<Fetch> {
        if self.ready.len() >= self.config.max_ready {
            return None;
        }
        let deadline = self.now + self.config.fetch_timeout;
        if self.account.want
            && self.account.in_flight.is_none()
            && self.account.blocked_until.is_none()
        {
            let request = match self.account.state {
                None => FetchRequest::GetState,
                Some(s) => FetchRequest::GetDifference {
                    pts: s.pts,
                    qts: s.qts,
                    date: s.date,
                },
            };
            let id = self.fetch_id();
            self.account.want = false;
            self.account.in_flight = Some(id);
            self.in_flight.insert(
                id,
                InFlight {
                    target: Target::Account,
                    request: request.clone(),
                    deadline,
                },
            );
            return Some(Fetch { id, request });
        }
        while self.channel_fetches < self.config.max_channel_fetches {
            let channel = self.channels.next_queued()?;
            let limit = self.config.channel_diff_limit;
            let id = FetchId(self.next_fetch);
            let Some(state) = self.channels.get_mut(channel) else {
                continue;
            };
            if !state.want || state.in_flight.is_some() {
                continue;
            }
            self.next_fetch += 1;
            state.want = false;
            state.in_flight = Some(id);
            let request = FetchRequest::GetChannelDifference {
                channel,
                pts: state.pts,
                limit,
            };
            self.channel_fetches += 1;
            self.in_flight.insert(
                id,
                InFlight {
                    target: Target::Channel(channel),
                    request: request.clone(),
                    deadline,
                },
            );
            return Some(Fetch { id, request });
        }
        None
    }

    /// The next updates, in order within each box, each exactly once.
    pub fn poll_batch(&mut self) -> Option<Batch> {
        self.ready.pop_front()
    }

    /// The next change to persist that came with no batch (a fetched state, a difference
    /// with nothing new); the changes that come with updates ride on their
    /// [`Batch::state`]. Given only once every batch has been taken, so that saved state
    /// never runs ahead of the updates handled.
    pub fn poll_state(&mut self) -> Option<StateChange> {
        if !self.ready.is_empty() {
            return None;
        }
        if self.account_dirty {
            self.account_dirty = false;
            if let Some(state) = self.account.state {
                return Some(StateChange::Account(state));
            }
        }
        let (id, pts) = self.dirty_channels.pop_first()?;
        Some(match pts {
            Some(pts) => StateChange::Channel(id, pts),
            None => StateChange::ChannelRemoved(id),
        })
    }

    /// When [`Self::handle_timeout`] is next due.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [
            self.account.gap_deadline,
            self.account.blocked_until,
            Some(self.idle_at),
            self.channels.next_wake(),
            self.in_flight.values().next().map(|f| f.deadline),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    #[cfg(test)]
    pub(crate) fn ready_len(&self) -> usize {
        self.ready.len()
    }

    fn fetch_id(&mut self) -> FetchId {
        let id = FetchId(self.next_fetch);
        self.next_fetch += 1;
        id
    }

    /// Something arrived: the no-update timer starts again.
    fn touch(&mut self, now: Instant) {
        self.now = self.now.max(now);
        self.idle_at = now + self.config.no_update_timeout;
    }

    /// Queues a batch with the state it brings: everything moved so far, which covers it
    /// and the batches before (so a consumer taking batches one by one saves a state that
    /// never runs ahead of what it handled, nor lags far behind).
    pub(crate) fn emit(&mut self, out: BatchBuilder) {
        if let Some(mut batch) = out.finish() {
            batch.state = self.take_changes();
            self.ready.push_back(batch);
        }
    }

    /// The state changes not yet handed out.
    fn take_changes(&mut self) -> Vec<StateChange> {
        let mut changes = Vec::new();
        if std::mem::take(&mut self.account_dirty)
            && let Some(state) = self.account.state
        {
            changes.push(StateChange::Account(state));
        }
        while let Some((id, pts)) = self.dirty_channels.pop_first() {
            changes.push(match pts {
                Some(pts) => StateChange::Channel(id, pts),
                None => StateChange::ChannelRemoved(id),
            });
        }
        changes
    }

    /// The batches waiting are at their bound: `updates` is dropped, and what it would have
    /// moved on is fetched again once there is room.
    fn drop_unready(&mut self, now: Instant, updates: &enums::Updates) {
        tracing::warn!(
            waiting = self.ready.len(),
            "batches not taken: pushed updates dropped, to be refetched"
        );
        let inner: Vec<&enums::Update> = match updates {
            enums::Updates::UpdateShort(u) => vec![&u.update],
            enums::Updates::Combined(u) => u.updates.iter().collect(),
            enums::Updates::Updates(u) => u.updates.iter().collect(),
            enums::Updates::TooLong
            | enums::Updates::UpdateShortMessage(_)
            | enums::Updates::UpdateShortChatMessage(_)
            | enums::Updates::UpdateShortSentMessage(_) => {
                self.missed(now);
                return;
            }
        };
        let mut account = false;
        for update in inner {
            match classify(update) {
                Class::Ordered {
                    key: BoxKey::Channel(id),
                    ..
                }
                | Class::ChannelTooLong { channel_id: id, .. } => self.channels.request_fetch(id),
                Class::Ordered { .. } => account = true,
                Class::Unordered => {}
            }
        }
        if account {
            self.missed(now);
        }
    }

    /// A fetch failed: retried after a delay, except a channel that cannot be read any
    /// more, which is forgotten.
    pub(crate) fn fetch_failed(&mut self, now: Instant, target: Target, failure: &FetchFailed) {
        match target {
            Target::Account => {
                self.account.in_flight = None;
                self.account.failures = self.account.failures.saturating_add(1);
                let delay = self.retry_delay(self.account.failures, failure);
                tracing::warn!(%failure, ?delay, "account difference failed: retrying later");
                self.account.want = true;
                self.account.blocked_until = Some(now + delay);
            }
            Target::Channel(id) => {
                if failure.channel_gone() {
                    tracing::info!(channel = id, %failure, "channel cannot be read: forgotten");
                    if let Some(channel) = self.channels.remove(id) {
                        if !channel.held.is_empty() {
                            tracing::debug!(
                                channel = id,
                                held = channel.held.len(),
                                "held updates of a forgotten channel dropped"
                            );
                        }
                        self.dirty_channels.insert(id, None);
                    }
                    return;
                }
                let Some(channel) = self.channels.get_mut(id) else {
                    return;
                };
                channel.in_flight = None;
                channel.failures = channel.failures.saturating_add(1);
                channel.want = true;
                let failures = channel.failures;
                let delay = self.retry_delay(failures, failure);
                tracing::warn!(channel = id, %failure, ?delay, "channel difference failed: retrying later");
                self.channels.set_wake(id, Some(now + delay));
            }
        }
    }

    fn retry_delay(&self, failures: u32, failure: &FetchFailed) -> Duration {
        let doublings = failures.saturating_sub(1).min(20);
        let ours = self
            .config
            .retry_delay
            .saturating_mul(1 << doublings)
            .min(self.config.max_retry_delay);
        // A flood wait is honoured, but a day at most: a hostile number must not park the
        // box for ever.
        let asked = failure
            .wait()
            .map(|w| w.min(Duration::from_secs(24 * 60 * 60)));
        asked.map_or(ours, |asked| asked.max(ours))
    }
}
