//! The account's boxes (common `pts`, secondary `qts`, container `seq`) and how pushed
//! updates reach them.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use oxigram_tl::enums::Update;

use super::batch::{BatchBuilder, Entities};
use super::classify::{BoxKey, Class, classify};
use super::fetch::FetchId;
use super::gaps::{Check, Held, Holding, check};
use super::sequencer::Sequencer;
use super::state::UpdateState;

/// An `updates`/`updatesCombined` held until the containers before it arrive.
#[derive(Debug)]
pub(crate) struct Container {
    pub updates: Vec<Update>,
    pub entities: Arc<Entities>,
    pub date: i32,
    pub seq: i32,
}

#[derive(Debug)]
pub(crate) struct Account {
    /// None until `updates.getState` answers.
    pub state: Option<UpdateState>,
    pub common: Holding,
    pub qts: Holding,
    /// Containers waiting for a missing `seq`, by `seq_start` then arrival.
    pub seq_held: BTreeMap<(i64, u64), Container>,
    seq_arrivals: u64,
    /// A fetch is wanted (not yet handed out, or waiting for `blocked_until`).
    pub want: bool,
    pub in_flight: Option<FetchId>,
    /// Retry delay after a failure.
    pub blocked_until: Option<Instant>,
    pub failures: u32,
    /// When an open gap (any of the three boxes) stops waiting.
    pub gap_deadline: Option<Instant>,
    /// The highest `seq` seen while fetching, applied with the fetch's state.
    pub seq_seen: i32,
    /// Fetch once more after the fetch in flight (updates may have been missed since it
    /// was asked).
    pub again: bool,
}

impl Account {
    pub fn new(state: Option<UpdateState>) -> Self {
        Self {
            state,
            common: Holding::default(),
            qts: Holding::default(),
            seq_held: BTreeMap::new(),
            seq_arrivals: 0,
            want: false,
            in_flight: None,
            blocked_until: None,
            failures: 0,
            gap_deadline: None,
            seq_seen: 0,
            again: false,
        }
    }

    /// Updates are held rather than applied while a fetch is wanted or running.
    pub fn fetching(&self) -> bool {
        self.want || self.in_flight.is_some() || self.state.is_none()
    }

    fn holding(&mut self, key: BoxKey) -> &mut Holding {
        match key {
            BoxKey::Qts => &mut self.qts,
            BoxKey::Common | BoxKey::Channel(_) => &mut self.common,
        }
    }
}

impl Sequencer {
    /// One container's updates. With a `seq` (and the account not fetching) the container
    /// is checked as a whole first: applied, dropped as seen, or held for a gap.
    pub(crate) fn container(
        &mut self,
        now: Instant,
        updates: Vec<Update>,
        entities: &Arc<Entities>,
        date: i32,
        seq_start: i32,
        seq: i32,
    ) {
        let mut out = BatchBuilder::default();
        let checked = seq != 0 && !self.account.fetching();
        if let (true, Some(state)) = (checked, self.account.state) {
            let start = if seq_start == 0 { seq } else { seq_start };
            let local = i64::from(state.seq);
            let start = i64::from(start);
            if start <= local {
                tracing::trace!(seq, local, "container already applied");
                return;
            }
            let container = Container {
                updates,
                entities: Arc::clone(entities),
                date,
                seq: seq.max(seq_start),
            };
            if start > local + 1 {
                self.hold_container(now, start, container, &mut out);
                self.emit(out);
                return;
            }
            self.apply_container(now, container, &mut out);
            self.drain_seq_held(now, &mut out);
            self.refresh_account_deadline(now);
            self.emit(out);
            return;
        }
        if seq != 0 {
            self.account.seq_seen = self.account.seq_seen.max(seq);
        }
        self.apply_each(now, updates, entities, &mut out);
        self.emit(out);
    }

    fn hold_container(
        &mut self,
        now: Instant,
        start: i64,
        container: Container,
        out: &mut BatchBuilder,
    ) {
        if self.account.seq_held.len() >= self.config.max_pending {
            // Over the bound: stop waiting and fetch; the container is then handled like
            // one arriving during a fetch.
            tracing::warn!("too many containers waiting for a seq gap: fetching the difference");
            self.start_account_fetch(now, out);
            self.account.seq_seen = self.account.seq_seen.max(container.seq);
            self.apply_each(now, container.updates, &container.entities, out);
            return;
        }
        tracing::debug!(start, seq = container.seq, "seq gap: container held");
        self.account.seq_arrivals = self.account.seq_arrivals.wrapping_add(1);
        self.account
            .seq_held
            .insert((start, self.account.seq_arrivals), container);
        self.account
            .gap_deadline
            .get_or_insert(now + self.config.gap_timeout);
    }

    fn apply_container(&mut self, now: Instant, container: Container, out: &mut BatchBuilder) {
        self.apply_each(now, container.updates, &container.entities, out);
        if let Some(state) = self.account.state.as_mut() {
            state.seq = container.seq;
            state.date = state.date.max(container.date);
            self.account_dirty = true;
        }
    }

    fn drain_seq_held(&mut self, now: Instant, out: &mut BatchBuilder) {
        while !self.account.fetching() {
            let Some(state) = self.account.state else {
                return;
            };
            let Some(entry) = self.account.seq_held.first_entry() else {
                return;
            };
            let start = entry.key().0;
            let local = i64::from(state.seq);
            if start > local + 1 {
                return;
            }
            let container = entry.remove();
            if start <= local {
                tracing::trace!(start, local, "held container already applied");
                continue;
            }
            self.apply_container(now, container, out);
        }
    }

    /// Routes each update to its box.
    pub(crate) fn apply_each(
        &mut self,
        now: Instant,
        updates: Vec<Update>,
        entities: &Arc<Entities>,
        out: &mut BatchBuilder,
    ) {
        for update in updates {
            match classify(&update) {
                Class::Ordered {
                    key: BoxKey::Channel(id),
                    pts,
                    count,
                } => self.channel_update(now, id, pts, count, update, entities, out),
                Class::Ordered { key, pts, count } => {
                    let held = Held {
                        pts,
                        count,
                        update,
                        entities: Arc::clone(entities),
                    };
                    self.account_update(now, key, held, out);
                }
                Class::ChannelTooLong { channel_id, pts } => self.channel_too_long(channel_id, pts),
                Class::Unordered => out.push(update, entities),
            }
        }
    }

    /// An update of the common or secondary box.
    pub(crate) fn account_update(
        &mut self,
        now: Instant,
        key: BoxKey,
        held: Held,
        out: &mut BatchBuilder,
    ) {
        let fetching = self.account.fetching();
        let account = &mut self.account;
        let Some(state) = account.state.as_mut().filter(|_| !fetching) else {
            self.hold_account(now, key, held, out);
            return;
        };
        let (local, holding) = match key {
            BoxKey::Qts => (&mut state.qts, &mut account.qts),
            BoxKey::Common | BoxKey::Channel(_) => (&mut state.pts, &mut account.common),
        };
        match check(*local, held.pts, held.count) {
            Check::Apply => {
                *local = held.pts;
                out.push(held.update, &held.entities);
                holding.drain_into(local, out);
                self.account_dirty = true;
                self.refresh_account_deadline(now);
            }
            Check::Duplicate => {
                tracing::trace!(
                    ?key,
                    pts = held.pts,
                    local = *local,
                    "update already applied"
                );
            }
            Check::Gap => {
                tracing::debug!(
                    ?key,
                    pts = held.pts,
                    count = held.count,
                    local = *local,
                    "gap: update held"
                );
                self.hold_account(now, key, held, out);
            }
        }
    }

    fn hold_account(&mut self, now: Instant, key: BoxKey, held: Held, out: &mut BatchBuilder) {
        let max = self.config.max_pending;
        let holding = self.account.holding(key);
        if holding.len() >= max {
            // The difference covers everything held: drop it rather than grow.
            tracing::warn!(
                ?key,
                held = holding.len(),
                "too many updates held: dropped, fetching the difference"
            );
            holding.clear();
            self.start_account_fetch(now, out);
            return;
        }
        holding.insert(held);
        if !self.account.fetching() {
            self.account
                .gap_deadline
                .get_or_insert(now + self.config.gap_timeout);
        }
    }

    fn refresh_account_deadline(&mut self, now: Instant) {
        let account = &mut self.account;
        if account.fetching()
            || (account.common.is_empty() && account.qts.is_empty() && account.seq_held.is_empty())
        {
            account.gap_deadline = None;
        } else {
            account
                .gap_deadline
                .get_or_insert(now + self.config.gap_timeout);
        }
    }

    /// Stops waiting for gaps and asks for the difference. Containers held for a `seq` gap
    /// are let through (their updates then wait in their boxes for the difference).
    pub(crate) fn start_account_fetch(&mut self, now: Instant, out: &mut BatchBuilder) {
        if self.account.fetching() {
            return;
        }
        self.account.want = true;
        self.account.gap_deadline = None;
        let held = std::mem::take(&mut self.account.seq_held);
        for container in held.into_values() {
            self.account.seq_seen = self.account.seq_seen.max(container.seq);
            self.apply_each(now, container.updates, &container.entities, out);
        }
    }

    /// Updates may have been missed: fetch (again, if a fetch is already running, since it
    /// may have been answered before the missed updates).
    pub(crate) fn missed(&mut self, now: Instant) {
        if self.account.in_flight.is_some() {
            self.account.again = true;
            return;
        }
        let mut out = BatchBuilder::default();
        self.start_account_fetch(now, &mut out);
        self.emit(out);
    }

    /// A fetch for the account is over: held updates that now fit are applied.
    pub(crate) fn finish_account_fetch(&mut self, now: Instant, out: &mut BatchBuilder) {
        self.account.seq_seen = 0;
        if self.account.again {
            self.account.again = false;
            self.account.want = true;
            return;
        }
        let account = &mut self.account;
        if let Some(state) = account.state.as_mut() {
            let common = account.common.drain_into(&mut state.pts, out);
            let qts = account.qts.drain_into(&mut state.qts, out);
            self.account_dirty |= common || qts;
        }
        self.refresh_account_deadline(now);
    }
}
