//! The update feed: what the home DC pushes and what answers carry, put in order by the
//! core's [`Sequencer`] (gaps fetched, duplicates dropped, state saved), then turned into
//! high-level [`Update`]s for [`Client::next_update`].
//!
//! The sequencer starts with the first call to `next_update`: until someone reads
//! updates nothing is buffered, and the saved state makes the first read catch up on
//! what happened meanwhile (unless the builder said to skip it).

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::task::Poll;
use std::time::{Duration, Instant};

use futures_util::task::AtomicWaker;
use oxigram_proto::updates::{
    Batch, Fetch, FetchFailed, FetchId, FetchRequest, Fetched, SavedState, Sequencer,
    SequencerConfig, StateChange, UpdateState as CoreState,
};
use oxigram_tl::{enums, functions, types};

use super::Client;
use crate::error::Error;
use crate::peers::BareId;
use crate::storage::UpdateState;
use crate::types::{RawUpdate, Update};

/// The first pause before the update reader tries an unreachable home DC again; it
/// doubles with each failure up to [`MAX_UNREACHABLE_PAUSE`].
const UNREACHABLE_PAUSE: Duration = Duration::from_millis(250);

/// The longest pause between the update reader's attempts at an unreachable home DC.
const MAX_UNREACHABLE_PAUSE: Duration = Duration::from_secs(16);

/// The sequencer and the updates it put in order, not yet read.
pub(crate) struct Feed {
    state: Mutex<FeedState>,
    /// Wakes a reader waiting for pushed updates when an answer carried some.
    kick: Kick,
    /// Failed attempts in a row to reach the home DC for updates.
    unreachable_streak: AtomicU32,
    /// The sequencer runs (it never stops once started).
    running: AtomicBool,
    /// States held back for the dispatcher's handlers (see `settle.rs`).
    pub(super) unsettled: Mutex<super::settle::Unsettled>,
}

#[derive(Default)]
struct FeedState {
    /// `None` until updates are first read.
    sequencer: Option<Sequencer>,
    /// What is left of the batch being handed out: at most one batch, since the
    /// sequencer is drained only when this is empty. Kept raw: a high-level update holds
    /// the client, and the client holds this.
    ready: Option<Ready>,
    /// The state covering the last update handed out, saved when the reader comes back
    /// for the next (or stops): an update counts as handled then, so a process killed
    /// while handling it gets it again after a restart.
    handed: Vec<StateChange>,
}

/// The updates of a batch not handed out yet, and the peers they came with.
struct Ready {
    updates: std::vec::IntoIter<enums::Update>,
    users: Vec<enums::User>,
    chats: Vec<enums::Chat>,
    /// Saved once the last update is handled.
    state: Vec<StateChange>,
}

impl Feed {
    pub(crate) fn new() -> Feed {
        Feed {
            state: Mutex::new(FeedState::default()),
            kick: Kick::default(),
            unreachable_streak: AtomicU32::new(0),
            running: AtomicBool::new(false),
            unsettled: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, FeedState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether updates are read (the sequencer runs).
    pub(crate) fn running(&self) -> bool {
        self.running.load(Ordering::Acquire)
    }

    /// Updates carried in an answer (`messages.sendMessage` and the like) go through the
    /// sequencer too, once it runs: they move pts, and a handler expects to see its own
    /// messages as updates (`filters::outgoing`). Answers read on the home connection
    /// while updates are read reach it through that connection's update queue instead,
    /// where they were read among the pushed updates (see `Inner::send`); this takes the
    /// others, which may come late.
    pub(crate) fn offer(&self, answer: &[u8]) {
        if !self.running() || oxigram_runtime::updates_constructor(answer).is_none() {
            return;
        }
        let updates = match <enums::Updates as oxigram_tl::Deserialize>::from_bytes(answer) {
            Ok(updates) => updates,
            Err(e) => {
                // The caller hears the same error when it decodes the answer; the pts it
                // moved is fetched as a gap.
                tracing::warn!(%e, "an answer's updates could not be read");
                return;
            }
        };
        let mut state = self.lock();
        if let Some(sequencer) = state.sequencer.as_mut() {
            sequencer.handle_updates(Instant::now(), updates);
            drop(state);
            self.kick.kick();
        }
    }

    /// The connection was lost and is back, or the runtime dropped updates: whatever
    /// was pushed meanwhile is fetched.
    pub(crate) fn missed(&self) {
        let mut state = self.lock();
        if let Some(sequencer) = state.sequencer.as_mut() {
            sequencer.handle_missed(Instant::now());
            drop(state);
            self.kick.kick();
        }
    }
}

/// An update as a reader asked for it.
// Moved straight out, once per update.
#[allow(clippy::large_enum_variant)]
enum Delivered {
    High(Update),
    Raw(RawUpdate),
}

/// What the reader does next.
// Returned once per update and moved straight out: boxing would allocate per update.
#[allow(clippy::large_enum_variant)]
enum Step {
    Deliver(Delivered),
    Fetch(Vec<Fetch>),
    Wait(Option<Instant>),
}

impl Client {
    /// The next update, in order and exactly once: new and edited messages, deletions,
    /// callback and inline queries, member changes, join requests, statuses, and every
    /// other kind as [`Update::Raw`]. `None` once the client stopped.
    ///
    /// Pushed updates are put in order by pts (per channel for channels); a gap is
    /// filled with `updates.getDifference` / `getChannelDifference`, so a dropped
    /// connection or a lost packet loses nothing. The state is saved in the session, so
    /// a restarted client starts where it stopped (catching up on what it missed, unless
    /// built with [`skip_updates`](super::ClientBuilder::skip_updates)).
    ///
    /// An update counts as handled when the reader asks for the next one (or stops the
    /// client with [`stop`](Self::stop)): only then is the state that covers it saved.
    /// A process that dies while handling an update gets it again after a restart.
    ///
    /// Across a restart, delivery is at least once: the state saved covers whole
    /// batches, and a difference hands out its updates as one batch (it says where the
    /// account stands after all of them, not after each). A program that stops reading
    /// in the middle of one sees that batch's first updates again after a restart,
    /// unless it takes the rest with [`next_buffered_update`](Self::next_buffered_update)
    /// before it stops, as the dispatcher does for its handlers.
    ///
    /// The dispatcher ([`Client::run`]) reads this; a program can read it itself
    /// instead, but not both.
    pub async fn next_update(&self) -> crate::Result<Option<Update>> {
        Ok(self.next_delivered(false).await?.map(|d| match d {
            Delivered::High(update) => update,
            Delivered::Raw(raw) => Update::Raw(raw),
        }))
    }

    /// The next update as the API sent it, with the users and chats of its batch that
    /// it names; otherwise as [`next_update`](Self::next_update) (the same order, the
    /// same saved state, handled once the next is asked for), and every kind is handed
    /// out. For programs that pass updates on rather than handle them: to a queue
    /// other processes read, say. (Unlike [`next_raw_update`](Self::next_raw_update),
    /// which hands out the connection's pushes as they come, unordered.)
    pub async fn next_ordered_raw_update(&self) -> crate::Result<Option<RawUpdate>> {
        Ok(self.next_delivered(true).await?.map(|d| match d {
            Delivered::Raw(raw) => raw,
            Delivered::High(update) => {
                unreachable!("a raw read delivered a high-level update: {update:?}")
            }
        }))
    }

    /// Like [`next_ordered_raw_update`](Self::next_ordered_raw_update), with up to `max`
    /// more that are ready now (without waiting or fetching) in the same vector: a
    /// program that passes updates on can do so for all of them at once. All of them
    /// count as handled when it asks again (or stops). Empty only when `max` is 0.
    pub async fn next_ordered_raw_updates(
        &self,
        max: usize,
    ) -> crate::Result<Option<Vec<RawUpdate>>> {
        if max == 0 {
            return Ok(Some(Vec::new()));
        }
        let Some(first) = self.next_ordered_raw_update().await? else {
            return Ok(None);
        };
        let mut all = vec![first];
        let link = self.inner.link(self.inner.home_dc(), false).await?;
        while all.len() < max {
            if !self.take_ready_raw(&mut all, max) {
                break;
            }
            // Whatever the connection has queued already goes in too, without waiting.
            match link.next_update_until(Some(Instant::now())).await {
                oxigram_runtime::UpdateWait::Update(update) => {
                    let mut state = self.inner.feed.lock();
                    if let Some(sequencer) = state.sequencer.as_mut() {
                        handle_pushed(sequencer, &update, Instant::now());
                    }
                }
                _ => break,
            }
        }
        Ok(Some(all))
    }

    /// Moves updates the sequencer has ready into `all`, up to `max`; `false` if the
    /// feed is not running. The states of what is taken join the handed-out ones:
    /// nothing is saved until the reader comes back.
    fn take_ready_raw(&self, all: &mut Vec<RawUpdate>, max: usize) -> bool {
        let mut state = self.inner.feed.lock();
        let FeedState {
            sequencer,
            ready,
            handed,
        } = &mut *state;
        let Some(sequencer) = sequencer.as_mut() else {
            return false;
        };
        while all.len() < max {
            if let Some(Delivered::Raw(raw)) = self.pop_ready(ready, handed, sequencer, true) {
                all.push(raw);
                continue;
            }
            match sequencer.poll_batch() {
                Some(batch) => *ready = Some(self.ready(batch)),
                None => break,
            }
        }
        true
    }

    async fn next_delivered(&self, raw: bool) -> crate::Result<Option<Delivered>> {
        self.start_feed()?;
        loop {
            match self.feed_step(raw)? {
                Step::Deliver(update) => return Ok(Some(update)),
                Step::Fetch(fetches) => {
                    let answers =
                        futures_util::future::join_all(fetches.into_iter().map(|f| self.fetch(f)))
                            .await;
                    let mut state = self.inner.feed.lock();
                    let now = Instant::now();
                    if let Some(sequencer) = state.sequencer.as_mut() {
                        for (id, answer) in answers {
                            sequencer.handle_fetched(now, id, answer);
                        }
                    }
                }
                Step::Wait(deadline) => {
                    if !self.wait_for_updates(deadline).await? {
                        if self.inner.revoked.get().is_some() {
                            // Not a stop anyone asked for: say why the updates ended.
                            return Err(self.inner.stopped_error());
                        }
                        return Ok(None);
                    }
                }
            }
        }
    }

    /// Saves the server's update state for a session that has none, right after it
    /// signs in: the first read of updates then starts from here, so nothing sent to
    /// the account in between is skipped.
    pub(crate) async fn prime_update_state(&self) {
        if self.inner.settings.no_updates || has_state(&self.inner.state().session.updates) {
            return;
        }
        match self.invoke(functions::updates::GetState {}).await {
            Ok(enums::updates::State::State(s)) => {
                self.save_update_state(StateChange::Account(CoreState {
                    pts: s.pts,
                    qts: s.qts,
                    date: s.date,
                    seq: s.seq,
                }))
            }
            Err(e) => tracing::warn!(
                %e,
                "could not read the update state: the first read of updates starts later"
            ),
        }
    }

    /// Starts the sequencer from the saved state on first use.
    fn start_feed(&self) -> crate::Result<()> {
        let mut state = self.inner.feed.lock();
        if state.sequencer.is_some() {
            return Ok(());
        }
        let session = self.inner.state().session.clone();
        let saved = has_state(&session.updates).then(|| {
            let u = session.updates;
            SavedState {
                account: CoreState {
                    pts: u.pts,
                    qts: u.qts,
                    date: u.date,
                    seq: u.seq,
                },
                // A pts of 0 marks a channel no longer followed.
                channels: session
                    .channels
                    .iter()
                    .filter(|&(_, &pts)| pts > 0)
                    .map(|(&id, &pts)| (id, pts))
                    .collect(),
            }
        });
        let config = SequencerConfig {
            catch_up: self.inner.settings.catch_up,
            // Telegram lets bots fetch far more of a channel at once.
            channel_diff_limit: if session.is_bot == Some(true) {
                100_000
            } else {
                100
            },
            ..SequencerConfig::default()
        };
        let mut sequencer = Sequencer::new(config, saved, Instant::now());
        if let Some(id) = session.user_id {
            sequencer.set_self_id(id);
        }
        tracing::debug!(
            catch_up = self.inner.settings.catch_up,
            pts = session.updates.pts,
            channels = session.channels.len(),
            "reading updates"
        );
        state.sequencer = Some(sequencer);
        self.inner.feed.running.store(true, Ordering::Release);
        Ok(())
    }

    /// Drains the sequencer: an update to hand out, fetches to make, or how long to
    /// wait for pushed updates.
    fn feed_step(&self, raw: bool) -> crate::Result<Step> {
        let mut state = self.inner.feed.lock();
        // The reader is back: what it was handed is handled.
        for change in std::mem::take(&mut state.handed) {
            self.save_update_state(change);
        }
        loop {
            let FeedState {
                sequencer,
                ready,
                handed,
            } = &mut *state;
            let Some(sequencer) = sequencer.as_mut() else {
                return Err(Error::Unexpected("the update feed is not running".into()));
            };
            if let Some(update) = self.pop_ready(ready, handed, sequencer, raw) {
                return Ok(Step::Deliver(update));
            }
            if let Some(batch) = ready.take() {
                // Emptied without an update to hand out: its state holds all the same.
                for change in batch.state {
                    self.save_update_state(change);
                }
            }
            self.save_states(sequencer);
            if let Some(batch) = sequencer.poll_batch() {
                *ready = Some(self.ready(batch));
                continue;
            }
            let fetches: Vec<Fetch> = std::iter::from_fn(|| sequencer.poll_fetch()).collect();
            if !fetches.is_empty() {
                return Ok(Step::Fetch(fetches));
            }
            return Ok(Step::Wait(sequencer.poll_timeout()));
        }
    }

    /// The next update of the batch being handed out, if any is left; once the last is
    /// out, the batch's state is saved when the reader comes back (or at once, if that
    /// last one is not handed out).
    fn pop_ready(
        &self,
        ready: &mut Option<Ready>,
        handed: &mut Vec<StateChange>,
        sequencer: &mut Sequencer,
        as_raw: bool,
    ) -> Option<Delivered> {
        loop {
            let batch = ready.as_mut()?;
            let raw = batch.updates.next()?;
            let update = if as_raw {
                Some(Delivered::Raw(named_peers(raw, &batch.users, &batch.chats)))
            } else {
                Update::from_raw(self, &raw, &batch.users, &batch.chats).map(Delivered::High)
            };
            if batch.updates.len() == 0 {
                // The batch is out: the state that covers it is saved once its last
                // update is handled, so a restart resumes after it (not before it).
                let state = std::mem::take(&mut batch.state);
                *ready = None;
                if update.is_some() {
                    handed.extend(state);
                } else {
                    for change in state {
                        self.save_update_state(change);
                    }
                    self.save_states(sequencer);
                }
            }
            if update.is_some() {
                return update;
            }
        }
    }

    /// The next update of the batch being handed out, without waiting or fetching;
    /// `None` once the batch is out (or none is being handed out).
    ///
    /// A batch's updates share one saved state (see [`next_update`](Self::next_update)),
    /// so a program that stops reading in the middle of one sees its first part again
    /// after a restart. To stop without that, handle what this returns until `None`,
    /// then stop: the state saved then covers everything handled. The dispatcher does
    /// this for its handlers.
    ///
    /// ```no_run
    /// # async fn example(client: oxigram::Client) -> oxigram::Result<()> {
    /// while let Some(update) = client.next_buffered_update() {
    ///     println!("{update:?}");
    /// }
    /// client.stop().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn next_buffered_update(&self) -> Option<Update> {
        let mut state = self.inner.feed.lock();
        // Asking for the next counts as having handled the last.
        for change in std::mem::take(&mut state.handed) {
            self.save_update_state(change);
        }
        let FeedState {
            sequencer,
            ready,
            handed,
        } = &mut *state;
        match self.pop_ready(ready, handed, sequencer.as_mut()?, false)? {
            Delivered::High(update) => Some(update),
            Delivered::Raw(raw) => Some(Update::Raw(raw)),
        }
    }

    /// Caches the batch's peers; its updates are made high-level as they are handed out.
    fn ready(&self, batch: Batch) -> Ready {
        let carried = crate::peers::Peers {
            users: &batch.users,
            chats: &batch.chats,
        };
        if let Err(e) = self.inner.peers.remember(&carried) {
            tracing::warn!(%e, "could not save the peers of an update");
        }
        Ready {
            updates: batch.updates.into_iter(),
            users: batch.users,
            chats: batch.chats,
            state: batch.state,
        }
    }

    /// The reader stops: the last update it was handed counts as handled.
    pub(crate) fn settle_handed(&self) {
        let handed = std::mem::take(&mut self.inner.feed.lock().handed);
        // What the dispatcher's handlers still hold is older than the last update read.
        self.inner.feed.save_all_held(&self.inner);
        for change in handed {
            self.save_update_state(change);
        }
    }

    /// Saves what moved without a batch (given only once every batch was taken).
    fn save_states(&self, sequencer: &mut Sequencer) {
        while let Some(change) = sequencer.poll_state() {
            self.save_update_state(change);
        }
    }

    fn save_update_state(&self, change: StateChange) {
        self.inner.feed.save_state(&self.inner, change);
    }

    /// Takes the state covering the update just read out of the reader's hands: it is
    /// saved once the returned ticket is dropped (and every earlier one), not when the
    /// reader asks for the next update. For the dispatcher, whose reader asks again as
    /// soon as it queued an update for the workers.
    pub(crate) fn hold_handed(&self) -> super::settle::Handled {
        let handed = std::mem::take(&mut self.inner.feed.lock().handed);
        self.inner.feed.hold(&self.inner, handed)
    }

    /// Waits for a pushed update (fed to the sequencer), the sequencer's deadline, or an
    /// answer's updates. `false` once the home connection ended.
    async fn wait_for_updates(&self, deadline: Option<Instant>) -> crate::Result<bool> {
        let home = self.inner.home_dc();
        let link = match self.inner.link(home, false).await {
            Ok(link) => {
                self.inner
                    .feed
                    .unreachable_streak
                    .store(0, Ordering::Relaxed);
                link
            }
            Err(Error::Invoke(oxigram_runtime::InvokeError::Closed)) => return Ok(false),
            Err(e) if is_unreachable(&e) && !self.inner.stopped.load(Ordering::SeqCst) => {
                // The network is gone: updates wait for it (tried again after a pause
                // that grows to a limit) rather than end, and what was pushed meanwhile
                // is fetched once it is back.
                let failures = self
                    .inner
                    .feed
                    .unreachable_streak
                    .fetch_add(1, Ordering::Relaxed);
                let pause = UNREACHABLE_PAUSE
                    .saturating_mul(1 << failures.min(6))
                    .min(MAX_UNREACHABLE_PAUSE);
                tracing::warn!(%e, ?pause, "the home DC cannot be reached; updates wait for it");
                self.inner.net.sleep(pause).await;
                return Ok(true);
            }
            Err(e) => return Err(e),
        };
        let pushed = link.next_update_until(deadline);
        let kicked = self.inner.feed.kick.wait();
        futures_util::pin_mut!(kicked);
        let outcome = match futures_util::future::select(pushed, kicked).await {
            futures_util::future::Either::Left((outcome, _)) => outcome,
            futures_util::future::Either::Right(((), _)) => return Ok(true),
        };
        let now = Instant::now();
        let timed_out = matches!(outcome, oxigram_runtime::UpdateWait::TimedOut);
        let outcome_ended = matches!(outcome, oxigram_runtime::UpdateWait::Ended);
        {
            let mut state = self.inner.feed.lock();
            let Some(sequencer) = state.sequencer.as_mut() else {
                return Ok(true);
            };
            match outcome {
                oxigram_runtime::UpdateWait::Update(update) => {
                    handle_pushed(sequencer, &update, now);
                }
                oxigram_runtime::UpdateWait::TimedOut => sequencer.handle_timeout(now),
                oxigram_runtime::UpdateWait::Ended => {
                    if self.inner.stopped.load(Ordering::SeqCst) {
                        return Ok(false);
                    }
                    // The home connection gave up, the client did not stop: a new one
                    // is opened on the next pass, and what it missed is fetched.
                    sequencer.handle_missed(now);
                }
            }
        }
        if outcome_ended {
            self.inner
                .forget_link((home, false, 0), &std::sync::Arc::downgrade(&link))
                .await;
            return Ok(true);
        }
        if timed_out {
            // A blocking wait holds the thread: let whoever polls this (a select with a
            // stop signal, say) look at its other futures in between.
            YieldNow(false).await;
        }
        Ok(true)
    }

    /// Makes one of the sequencer's requests.
    async fn fetch(&self, fetch: Fetch) -> (FetchId, Result<Fetched, FetchFailed>) {
        let id = fetch.id;
        let answer = match fetch.request {
            FetchRequest::GetState => self
                .invoke(functions::updates::GetState {})
                .await
                .map(|enums::updates::State::State(s)| Fetched::State(s)),
            FetchRequest::GetDifference { pts, qts, date } => self
                .invoke(functions::updates::GetDifference {
                    pts,
                    pts_limit: None,
                    pts_total_limit: None,
                    date,
                    qts,
                    qts_limit: None,
                })
                .await
                .map(Fetched::Difference),
            FetchRequest::GetChannelDifference {
                channel,
                pts,
                limit,
            } => match self.input_channel(channel) {
                Ok(input) => self
                    .invoke(functions::updates::GetChannelDifference {
                        force: false,
                        channel: input,
                        filter: types::ChannelMessagesFilterEmpty {}.into(),
                        pts,
                        limit,
                    })
                    .await
                    .map(Fetched::ChannelDifference),
                Err(e) => Err(e),
            },
        };
        (id, answer.map_err(fetch_failed))
    }

    /// The channel's input form from the peer cache (its access hash came with the
    /// update that named it).
    fn input_channel(&self, channel: i64) -> crate::Result<enums::InputChannel> {
        let id = BareId::Channel(channel).to_bot_api();
        match self.inner.peers.get(id)? {
            Some(record) => Ok(types::InputChannel {
                channel_id: channel,
                access_hash: record.access_hash,
            }
            .into()),
            None => Err(Error::Peer(crate::peers::PeerError::Unknown {
                peer: id.to_string(),
                missing: "the channel's access hash: no update or answer carried it".into(),
            })),
        }
    }
}

/// Whether a state was ever saved: the server's date is never 0 (its pts may be, for a
/// new account).
fn has_state(state: &UpdateState) -> bool {
    state.date > 0 || state.pts > 0
}

/// Whether `error` says the DC could not be reached (now), as opposed to a refusal or a
/// mistake that trying again would only repeat.
fn is_unreachable(error: &Error) -> bool {
    use oxigram_runtime::InvokeError;
    matches!(
        error,
        Error::Connect(_)
            | Error::Invoke(
                InvokeError::GaveUp(_) | InvokeError::Disconnected(_) | InvokeError::Timeout
            )
    )
}

fn fetch_failed(error: Error) -> FetchFailed {
    match error {
        Error::Rpc(rpc) => FetchFailed::Rpc {
            code: rpc.code,
            name: rpc.name.clone(),
        },
        other => FetchFailed::Transport(other.to_string()),
    }
}

/// A wake-up for one waiting reader, remembered if nobody waits yet.
#[derive(Default)]
struct Kick {
    set: AtomicBool,
    waker: AtomicWaker,
}

impl Kick {
    fn kick(&self) {
        self.set.store(true, Ordering::Release);
        self.waker.wake();
    }

    fn wait(&self) -> impl Future<Output = ()> + '_ {
        futures_util::future::poll_fn(move |cx| {
            self.waker.register(cx.waker());
            if self.set.swap(false, Ordering::AcqRel) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
    }
}

/// Pending once (waking itself at once), then ready: a turn for the other futures of a
/// `select` when the one polled first blocks the thread.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// `update` with the users and chats of its batch that it names. An update names a peer
/// by its id, a TL `long` at some 4-byte-aligned offset of its encoding, so a scan of
/// those finds every one (and now and then a peer whose id equals some other number in
/// the update, which costs a little room and nothing else). A difference batch can
/// carry thousands of updates and peers: each update keeps only its own.
fn named_peers(update: enums::Update, users: &[enums::User], chats: &[enums::Chat]) -> RawUpdate {
    use oxigram_tl::Serialize;
    let bytes = update.to_bytes();
    let longs: std::collections::HashSet<i64> = (0..bytes.len().saturating_sub(7))
        .step_by(4)
        .map(|at| i64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes")))
        .collect();
    let user_id = |user: &enums::User| match user {
        enums::User::Empty(u) => u.id,
        enums::User::User(u) => u.id,
    };
    RawUpdate {
        users: users
            .iter()
            .filter(|u| longs.contains(&user_id(u)))
            .cloned()
            .collect(),
        chats: chats
            .iter()
            .filter(|c| longs.contains(&crate::types::chat::bare_chat_id(c)))
            .cloned()
            .collect(),
        update,
    }
}

/// Hands a pushed update to the sequencer; one that is not an `Updates` the schema
/// knows leaves a gap, which is fetched.
fn handle_pushed(sequencer: &mut Sequencer, update: &oxigram_runtime::Update, now: Instant) {
    match <enums::Updates as oxigram_tl::Deserialize>::from_bytes(&update.body) {
        Ok(updates) => sequencer.handle_updates(now, updates),
        Err(e) => {
            tracing::warn!(%e, id = update.constructor_id, "undecodable update");
            sequencer.handle_missed(now);
        }
    }
}
