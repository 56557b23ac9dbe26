//! A model Telegram server for the update sequencer: it numbers account, qts and channel
//! events, pushes them through a faulty network (drops, duplicates, reordering,
//! `updatesTooLong`, `updateChannelTooLong`), answers differences from its log (slices,
//! `tooLong`, failures), and restarts the client from what it persisted. A checker
//! verifies that every event comes out exactly once, in pts order per box.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use oxigram_proto::updates::{
    Batch, Fetch, FetchFailed, FetchId, FetchRequest, Fetched, SavedState, Sequencer,
    SequencerConfig, StateChange, UpdateState,
};
use oxigram_tl::{enums, types};
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng as _, SeedableRng};

/// The seeded random source of a run.
pub struct Rng(ChaCha8Rng);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(ChaCha8Rng::seed_from_u64(seed))
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.0.next_u64() % n }
    }
    /// True with probability `per_mille` / 1000.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
}

/// A box of the model (channels by index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BoxId {
    Common,
    Qts,
    Channel(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Message,
    Delete,
}

#[derive(Debug, Clone)]
struct Event {
    boxed: BoxId,
    pts: i32,
    count: i32,
    kind: Kind,
    user: i64,
}

const CHANNEL_BASE: i64 = 1_000;
const SELF_ID: i64 = 7;

fn channel_id(index: usize) -> i64 {
    CHANNEL_BASE + index as i64
}

/// The fault rates of a run (per mille).
#[derive(Debug, Clone)]
pub struct Faults {
    pub drop: u64,
    pub duplicate: u64,
    pub max_delay_ms: u64,
    pub too_long_push: u64,
    pub channel_too_long_push: u64,
    pub difference_too_long: u64,
    pub channel_difference_too_long: u64,
    pub fetch_failure: u64,
    pub answer_lost: u64,
    pub restart: u64,
    pub missed: u64,
}

/// Counts of what happened in a run.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    pub events: u64,
    pub delivered: u64,
    pub lost_allowed: u64,
    pub dropped: u64,
    pub duplicated: u64,
    pub fetches: u64,
    pub slices: u64,
    pub too_long: u64,
    pub restarts: u64,
}

/// The server's log and counters.
struct Server {
    events: Vec<Event>,
    pts: i32,
    qts: i32,
    seq: i32,
    date: i32,
    channel_pts: Vec<i32>,
    channel_last_date: Vec<i32>,
    /// Event indices of each box, in pts order.
    common_log: Vec<usize>,
    qts_log: Vec<usize>,
    channel_logs: Vec<Vec<usize>>,
    /// Events the client may legitimately never see (skipped by a `tooLong`, or older than
    /// a fresh start).
    lost: Vec<bool>,
    diff_cap: usize,
}

impl Server {
    fn new(channels: usize, diff_cap: usize) -> Self {
        Self {
            events: Vec::new(),
            pts: 0,
            qts: 0,
            seq: 0,
            date: 0,
            channel_pts: vec![0; channels],
            channel_last_date: vec![0; channels],
            common_log: Vec::new(),
            qts_log: Vec::new(),
            channel_logs: vec![Vec::new(); channels],
            lost: Vec::new(),
            diff_cap,
        }
    }

    fn new_event(&mut self, rng: &mut Rng, boxed: BoxId) -> usize {
        self.date += 1;
        let kind = if boxed != BoxId::Qts && rng.chance(300) {
            Kind::Delete
        } else {
            Kind::Message
        };
        let count = if kind == Kind::Delete {
            rng.range(1, 3) as i32
        } else {
            1
        };
        let index = self.events.len();
        let pts = match boxed {
            BoxId::Common => {
                self.pts += count;
                self.common_log.push(index);
                self.pts
            }
            BoxId::Qts => {
                self.qts += 1;
                self.qts_log.push(index);
                self.qts
            }
            BoxId::Channel(c) => {
                self.channel_pts[c] += count;
                self.channel_last_date[c] = self.date;
                self.channel_logs[c].push(index);
                self.channel_pts[c]
            }
        };
        let user = 100 + rng.below(50) as i64;
        self.events.push(Event {
            boxed,
            pts,
            count,
            kind,
            user,
        });
        self.lost.push(false);
        index
    }

    /// The id the client sees: the message id, the deleted id, or the bot-stop user.
    fn event_id(index: usize) -> i32 {
        index as i32 + 1
    }

    fn message(&self, index: usize) -> enums::Message {
        let event = &self.events[index];
        let peer: enums::Peer = match event.boxed {
            BoxId::Channel(c) => types::PeerChannel {
                channel_id: channel_id(c),
            }
            .into(),
            _ => types::PeerUser {
                user_id: event.user,
            }
            .into(),
        };
        types::MessageEmpty {
            id: Self::event_id(index),
            peer_id: Some(peer),
        }
        .into()
    }

    fn update(&self, index: usize) -> enums::Update {
        let event = &self.events[index];
        let id = Self::event_id(index);
        match (event.boxed, event.kind) {
            (BoxId::Common, Kind::Message) => types::UpdateNewMessage {
                message: self.message(index),
                pts: event.pts,
                pts_count: event.count,
            }
            .into(),
            (BoxId::Common, Kind::Delete) => types::UpdateDeleteMessages {
                messages: vec![id],
                pts: event.pts,
                pts_count: event.count,
            }
            .into(),
            (BoxId::Qts, _) => types::UpdateBotStopped {
                user_id: i64::from(id),
                date: self.date,
                stopped: true,
                qts: event.pts,
            }
            .into(),
            (BoxId::Channel(_), Kind::Message) => types::UpdateNewChannelMessage {
                message: self.message(index),
                pts: event.pts,
                pts_count: event.count,
            }
            .into(),
            (BoxId::Channel(c), Kind::Delete) => types::UpdateDeleteChannelMessages {
                channel_id: channel_id(c),
                messages: vec![id],
                pts: event.pts,
                pts_count: event.count,
            }
            .into(),
        }
    }

    fn short_message(&self, index: usize) -> enums::Updates {
        let event = &self.events[index];
        enums::Updates::UpdateShortMessage(Box::new(types::UpdateShortMessage {
            out: false,
            mentioned: false,
            media_unread: false,
            silent: false,
            id: Self::event_id(index),
            user_id: event.user,
            message: String::new(),
            pts: event.pts,
            pts_count: event.count,
            date: self.date,
            fwd_from: None,
            via_bot_id: None,
            reply_to: None,
            entities: None,
            ttl_period: None,
        }))
    }

    fn users(&self, indices: &[usize]) -> Vec<enums::User> {
        let mut ids: Vec<i64> = indices.iter().map(|&i| self.events[i].user).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .map(|id| types::UserEmpty { id }.into())
            .collect()
    }

    fn state(&self) -> types::updates::State {
        types::updates::State {
            pts: self.pts,
            qts: self.qts,
            date: self.date,
            seq: self.seq,
            unread_count: 0,
        }
    }

    /// The events of `log` after `pts`, oldest first.
    fn after<'a>(&self, log: &'a [usize], pts: i32) -> &'a [usize] {
        let from = log.partition_point(|&i| self.events[i].pts <= pts);
        &log[from..]
    }

    fn get_state(&mut self) -> types::updates::State {
        // A fresh start skips everything before it.
        for &i in self.common_log.iter().chain(&self.qts_log) {
            self.lost[i] = true;
        }
        self.state()
    }

    fn difference(
        &mut self,
        rng: &mut Rng,
        faults: &Faults,
        pts: i32,
        qts: i32,
        date: i32,
        totals: &mut Totals,
    ) -> enums::updates::Difference {
        let common = self.after(&self.common_log, pts).len();
        if common > 3 && rng.chance(faults.difference_too_long) {
            totals.too_long += 1;
            let from = self.common_log.len() - common;
            for &i in &self.common_log[from..] {
                self.lost[i] = true;
            }
            return types::updates::DifferenceTooLong { pts: self.pts }.into();
        }
        let common = self.after(&self.common_log, pts);
        let secondary = self.after(&self.qts_log, qts);
        // Oldest first across both boxes, up to the cap: a prefix of each.
        let cap = self.diff_cap;
        let complete = common.len() + secondary.len() <= cap;
        let mut all: Vec<usize> = common[..common.len().min(cap)]
            .iter()
            .chain(&secondary[..secondary.len().min(cap)])
            .copied()
            .collect();
        all.sort_unstable();
        all.truncate(cap);
        let mut new_messages = Vec::new();
        let mut other_updates = Vec::new();
        let (mut last_pts, mut last_qts) = (pts, qts);
        for &i in &all {
            let event = &self.events[i];
            match (event.boxed, event.kind) {
                (BoxId::Common, Kind::Message) => new_messages.push(self.message(i)),
                _ => other_updates.push(self.update(i)),
            }
            match event.boxed {
                BoxId::Qts => last_qts = event.pts,
                _ => last_pts = event.pts,
            }
        }
        let users = self.users(&all);
        if !complete {
            totals.slices += 1;
            let intermediate = types::updates::State {
                pts: last_pts,
                qts: last_qts,
                date,
                seq: self.seq,
                unread_count: 0,
            };
            return enums::updates::Difference::Slice(Box::new(types::updates::DifferenceSlice {
                new_messages,
                new_encrypted_messages: vec![],
                other_updates,
                chats: vec![],
                users,
                intermediate_state: intermediate.into(),
            }));
        }
        for (c, &last) in self.channel_last_date.iter().enumerate() {
            if last > date {
                other_updates.push(
                    types::UpdateChannelTooLong {
                        channel_id: channel_id(c),
                        pts: Some(self.channel_pts[c]),
                    }
                    .into(),
                );
            }
        }
        if new_messages.is_empty() && other_updates.is_empty() {
            return types::updates::DifferenceEmpty {
                date: self.date,
                seq: self.seq,
            }
            .into();
        }
        enums::updates::Difference::Difference(Box::new(types::updates::Difference {
            new_messages,
            new_encrypted_messages: vec![],
            other_updates,
            chats: vec![],
            users,
            state: self.state().into(),
        }))
    }

    fn channel_difference(
        &mut self,
        rng: &mut Rng,
        faults: &Faults,
        channel: i64,
        pts: i32,
        limit: i32,
        totals: &mut Totals,
    ) -> Result<enums::updates::ChannelDifference, FetchFailed> {
        let Some(c) = usize::try_from(channel - CHANNEL_BASE)
            .ok()
            .filter(|&c| c < self.channel_pts.len())
        else {
            return Err(FetchFailed::Rpc {
                code: 400,
                name: "CHANNEL_INVALID".into(),
            });
        };
        let missing = self.after(&self.channel_logs[c], pts).to_vec();
        if missing.is_empty() {
            return Ok(types::updates::ChannelDifferenceEmpty {
                r#final: true,
                pts: self.channel_pts[c],
                timeout: None,
            }
            .into());
        }
        let limit = usize::try_from(limit).unwrap_or(0).clamp(1, self.diff_cap);
        let messages: Vec<usize> = missing
            .iter()
            .copied()
            .filter(|&i| self.events[i].kind == Kind::Message)
            .collect();
        if missing.len() > 3 && rng.chance(faults.channel_difference_too_long) {
            totals.too_long += 1;
            // The latest messages only, newest first as a history is listed.
            let kept: Vec<usize> = messages.iter().rev().take(limit).copied().collect();
            for &i in &missing {
                self.lost[i] = !kept.contains(&i);
            }
            let dialog = types::Dialog {
                pinned: false,
                unread_mark: false,
                view_forum_as_messages: false,
                peer: types::PeerChannel {
                    channel_id: channel,
                }
                .into(),
                top_message: kept.first().map_or(0, |&i| Self::event_id(i)),
                read_inbox_max_id: 0,
                read_outbox_max_id: 0,
                unread_count: 0,
                unread_mentions_count: 0,
                unread_reactions_count: 0,
                unread_poll_votes_count: 0,
                notify_settings: types::PeerNotifySettings {
                    show_previews: None,
                    silent: None,
                    mute_until: None,
                    ios_sound: None,
                    android_sound: None,
                    other_sound: None,
                    stories_muted: None,
                    stories_hide_sender: None,
                    stories_ios_sound: None,
                    stories_android_sound: None,
                    stories_other_sound: None,
                }
                .into(),
                pts: Some(self.channel_pts[c]),
                draft: None,
                folder_id: None,
                ttl_period: None,
            };
            let users = self.users(&kept);
            return Ok(enums::updates::ChannelDifference::TooLong(Box::new(
                types::updates::ChannelDifferenceTooLong {
                    r#final: true,
                    timeout: None,
                    dialog: dialog.into(),
                    messages: kept.iter().map(|&i| self.message(i)).collect(),
                    chats: vec![],
                    users,
                },
            )));
        }
        let taken = &missing[..missing.len().min(limit)];
        let last = taken.len() == missing.len();
        let mut new_messages = Vec::new();
        let mut other_updates = Vec::new();
        for &i in taken {
            match self.events[i].kind {
                Kind::Message => new_messages.push(self.message(i)),
                Kind::Delete => other_updates.push(self.update(i)),
            }
        }
        let pts = taken.last().map_or(pts, |&i| self.events[i].pts);
        Ok(types::updates::ChannelDifference {
            r#final: last,
            pts,
            timeout: None,
            new_messages,
            other_updates,
            chats: vec![],
            users: self.users(taken),
        }
        .into())
    }
}

/// What the client persisted.
#[derive(Debug, Clone, Default)]
struct Storage {
    account: Option<UpdateState>,
    channels: BTreeMap<i64, i32>,
}

impl Storage {
    fn apply(&mut self, change: StateChange) {
        match change {
            StateChange::Account(state) => self.account = Some(state),
            StateChange::Channel(id, pts) => {
                self.channels.insert(id, pts);
            }
            StateChange::ChannelRemoved(id) => {
                self.channels.remove(&id);
            }
        }
    }

    fn saved(&self) -> Option<SavedState> {
        Some(SavedState {
            account: self.account?,
            channels: self.channels.iter().map(|(&id, &pts)| (id, pts)).collect(),
        })
    }
}

/// Checks every batch as it comes out.
struct Checker {
    delivered: Vec<u8>,
    /// The highest pts delivered per box.
    last: BTreeMap<BoxId, i32>,
    /// A digest of everything delivered, to compare two runs of one seed.
    digest: u64,
}

fn update_event(update: &enums::Update) -> Option<(i32, bool, i32)> {
    let message_id = |m: &enums::Message| match m {
        enums::Message::Empty(m) => m.id,
        enums::Message::Message(m) => m.id,
        enums::Message::Service(m) => m.id,
    };
    // (event id, fetched by a difference, pts carried)
    match update {
        enums::Update::NewMessage(u) => Some((message_id(&u.message), u.pts_count == 0, u.pts)),
        enums::Update::NewChannelMessage(u) => {
            Some((message_id(&u.message), u.pts_count == 0, u.pts))
        }
        enums::Update::DeleteMessages(u) => Some((*u.messages.first()?, false, u.pts)),
        enums::Update::DeleteChannelMessages(u) => Some((*u.messages.first()?, false, u.pts)),
        enums::Update::BotStopped(u) => Some((i32::try_from(u.user_id).ok()?, false, u.qts)),
        _ => None,
    }
}

impl Checker {
    fn batch(&mut self, server: &Server, batch: &Batch) -> Result<(), String> {
        // Per box: the pts of difference messages and of the rest, each in order.
        let mut seen: BTreeMap<BoxId, (Vec<i32>, Vec<i32>)> = BTreeMap::new();
        for update in &batch.updates {
            let (id, fetched, pts) = update_event(update)
                .ok_or_else(|| format!("update not from the model: {update:?}"))?;
            let index = usize::try_from(id - 1)
                .ok()
                .filter(|&i| i < server.events.len())
                .ok_or_else(|| format!("unknown event id {id}"))?;
            let event = &server.events[index];
            let kind_ok = matches!(
                (event.boxed, event.kind, update),
                (BoxId::Common, Kind::Message, enums::Update::NewMessage(_))
                    | (
                        BoxId::Common,
                        Kind::Delete,
                        enums::Update::DeleteMessages(_)
                    )
                    | (BoxId::Qts, _, enums::Update::BotStopped(_))
                    | (
                        BoxId::Channel(_),
                        Kind::Message,
                        enums::Update::NewChannelMessage(_)
                    )
                    | (
                        BoxId::Channel(_),
                        Kind::Delete,
                        enums::Update::DeleteChannelMessages(_)
                    )
            );
            if !kind_ok {
                return Err(format!(
                    "event {id} of {:?} came out as {update:?}",
                    event.boxed
                ));
            }
            if fetched {
                if !batch
                    .users
                    .iter()
                    .any(|u| matches!(u, enums::User::Empty(e) if e.id == event.user))
                {
                    return Err(format!(
                        "event {id} fetched without its user {}",
                        event.user
                    ));
                }
            } else if pts != event.pts {
                return Err(format!("event {id} carries pts {pts}, not {}", event.pts));
            }
            self.delivered[index] += 1;
            if self.delivered[index] > 1 {
                return Err(format!(
                    "event {id} ({:?} pts {}) delivered twice",
                    event.boxed, event.pts
                ));
            }
            let entry = seen.entry(event.boxed).or_default();
            if fetched { &mut entry.0 } else { &mut entry.1 }.push(event.pts);
            self.digest = self.digest.rotate_left(5) ^ (id as u64);
        }
        for (boxed, (fetched, rest)) in seen {
            let last = self.last.get(&boxed).copied().unwrap_or(i32::MIN);
            for run in [&fetched, &rest] {
                let mut previous = last;
                for &pts in run.iter() {
                    if pts <= previous {
                        return Err(format!(
                            "{boxed:?}: pts {pts} after {previous}: out of order"
                        ));
                    }
                    previous = pts;
                }
            }
            let high = fetched.iter().chain(&rest).copied().max().unwrap_or(last);
            self.last.insert(boxed, high);
        }
        Ok(())
    }
}

/// An answer on its way: the client generation it is for, the fetch, the result.
type Answer = (u64, FetchId, Result<Fetched, FetchFailed>);

/// A run of the model.
pub struct Sim {
    rng: Rng,
    faults: Faults,
    config: SequencerConfig,
    server: Server,
    client: Sequencer,
    storage: Storage,
    checker: Checker,
    base: Instant,
    now: Duration,
    generation: u64,
    packets: BTreeMap<(Duration, u64), enums::Updates>,
    answers: BTreeMap<(Duration, u64), Answer>,
    sends: u64,
    pub totals: Totals,
}

impl Sim {
    pub fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let channels = match rng.below(100) {
            0 => rng.range(100, 1_000),
            1..=9 => rng.range(9, 100),
            _ => rng.range(0, 8),
        } as usize;
        let quiet = rng.chance(100);
        let faults = Faults {
            drop: if quiet { 0 } else { rng.range(0, 200) },
            duplicate: if quiet { 0 } else { rng.range(0, 200) },
            max_delay_ms: rng.range(1, 2_000),
            too_long_push: rng.range(0, 20),
            channel_too_long_push: rng.range(0, 30),
            difference_too_long: rng.range(0, 30),
            channel_difference_too_long: rng.range(0, 30),
            fetch_failure: if quiet { 0 } else { rng.range(0, 150) },
            answer_lost: rng.range(0, 20),
            restart: rng.range(0, 15),
            missed: rng.range(0, 10),
        };
        let config = SequencerConfig {
            channel_diff_limit: rng.range(1, 100) as i32,
            max_pending: rng.range(4, 1_000) as usize,
            max_channel_fetches: rng.range(1, 8) as usize,
            fetch_timeout: Duration::from_secs(10),
            retry_delay: Duration::from_millis(100),
            max_retry_delay: Duration::from_secs(3),
            ..SequencerConfig::default()
        };
        let server = Server::new(channels, rng.range(1, 60) as usize);
        let base = Instant::now();
        let storage = Storage {
            account: Some(UpdateState::default()),
            channels: (0..channels).map(|c| (channel_id(c), 0)).collect(),
        };
        // Most runs resume from the state of an account with nothing yet; some start
        // without any state (getState first).
        let saved = if rng.chance(900) {
            storage.saved()
        } else {
            None
        };
        let mut client = Sequencer::new(config.clone(), saved.clone(), base);
        client.set_self_id(SELF_ID);
        if saved.is_none() {
            for c in 0..channels {
                client.add_channel(channel_id(c), 0);
            }
        }
        Self {
            rng,
            faults,
            config,
            server,
            client,
            storage,
            checker: Checker {
                delivered: Vec::new(),
                last: BTreeMap::new(),
                digest: 0,
            },
            base,
            now: Duration::ZERO,
            generation: 0,
            packets: BTreeMap::new(),
            answers: BTreeMap::new(),
            sends: 0,
            totals: Totals::default(),
        }
    }

    fn at(&self) -> Instant {
        self.base + self.now
    }

    fn send(&mut self, packet: enums::Updates, reliable: bool) {
        if !reliable && self.rng.chance(self.faults.drop) {
            self.totals.dropped += 1;
            return;
        }
        let copies = if !reliable && self.rng.chance(self.faults.duplicate) {
            self.totals.duplicated += 1;
            2
        } else {
            1
        };
        for _ in 0..copies {
            let delay = Duration::from_millis(self.rng.below(self.faults.max_delay_ms));
            self.sends += 1;
            self.packets
                .insert((self.now + delay, self.sends), packet.clone());
        }
    }

    /// New events, packed the ways Telegram packs them.
    fn generate(&mut self) {
        let channels = self.server.channel_pts.len();
        let count = self.rng.below(5);
        let mut seq_container = Vec::new();
        let mut plain_container = Vec::new();
        for _ in 0..count {
            let roll = self.rng.below(100);
            let boxed = if roll < 40 || (channels == 0 && roll >= 55) {
                BoxId::Common
            } else if roll < 55 {
                BoxId::Qts
            } else {
                BoxId::Channel(self.rng.below(channels as u64) as usize)
            };
            let index = self.server.new_event(&mut self.rng, boxed);
            let event = &self.server.events[index];
            let form = self.rng.below(100);
            match (event.boxed, event.kind) {
                (BoxId::Common, Kind::Message) if form < 30 => {
                    let packet = self.server.short_message(index);
                    self.send(packet, false);
                }
                (BoxId::Channel(_), _) if form < 40 => {
                    let packet = types::UpdateShort {
                        update: self.server.update(index),
                        date: self.server.date,
                    };
                    self.send(enums::Updates::UpdateShort(Box::new(packet)), false);
                }
                (BoxId::Channel(_), _) if form < 80 => plain_container.push(index),
                (BoxId::Qts, _) if form < 30 => {
                    let packet = types::UpdateShort {
                        update: self.server.update(index),
                        date: self.server.date,
                    };
                    self.send(enums::Updates::UpdateShort(Box::new(packet)), false);
                }
                _ => seq_container.push(index),
            }
        }
        if !plain_container.is_empty() {
            let packet = types::Updates {
                updates: plain_container
                    .iter()
                    .map(|&i| self.server.update(i))
                    .collect(),
                users: self.server.users(&plain_container),
                chats: vec![],
                date: self.server.date,
                seq: 0,
            };
            self.send(enums::Updates::Updates(packet), false);
        }
        if !seq_container.is_empty() {
            let updates = seq_container
                .iter()
                .map(|&i| self.server.update(i))
                .collect();
            let users = self.server.users(&seq_container);
            let packet = if self.rng.chance(200) {
                // Several containers merged: one seq per merged container.
                let start = self.server.seq + 1;
                self.server.seq += self.rng.range(1, 3) as i32;
                enums::Updates::Combined(types::UpdatesCombined {
                    updates,
                    users,
                    chats: vec![],
                    date: self.server.date,
                    seq_start: start,
                    seq: self.server.seq,
                })
            } else {
                self.server.seq += 1;
                enums::Updates::Updates(types::Updates {
                    updates,
                    users,
                    chats: vec![],
                    date: self.server.date,
                    seq: self.server.seq,
                })
            };
            self.send(packet, false);
        }
    }

    fn channel_too_long(&mut self, c: usize, reliable: bool) {
        let pts = if reliable || self.rng.chance(500) {
            Some(self.server.channel_pts[c])
        } else {
            None
        };
        let update = types::UpdateChannelTooLong {
            channel_id: channel_id(c),
            pts,
        };
        let packet = types::UpdateShort {
            update: update.into(),
            date: self.server.date,
        };
        self.send(enums::Updates::UpdateShort(Box::new(packet)), reliable);
    }

    fn serve(&mut self, fetch: Fetch, faulty: bool) {
        self.totals.fetches += 1;
        if faulty && self.rng.chance(self.faults.answer_lost) {
            return;
        }
        let answer = if faulty && self.rng.chance(self.faults.fetch_failure) {
            Err(if self.rng.chance(500) {
                FetchFailed::Transport("connection reset".into())
            } else {
                FetchFailed::Rpc {
                    code: 420,
                    name: "FLOOD_WAIT_1".into(),
                }
            })
        } else {
            let faults = self.faults.clone();
            match fetch.request {
                FetchRequest::GetState => Ok(Fetched::State(self.server.get_state())),
                FetchRequest::GetDifference { pts, qts, date } => {
                    Ok(Fetched::Difference(self.server.difference(
                        &mut self.rng,
                        &faults,
                        pts,
                        qts,
                        date,
                        &mut self.totals,
                    )))
                }
                FetchRequest::GetChannelDifference {
                    channel,
                    pts,
                    limit,
                } => self
                    .server
                    .channel_difference(
                        &mut self.rng,
                        &faults,
                        channel,
                        pts,
                        limit,
                        &mut self.totals,
                    )
                    .map(Fetched::ChannelDifference),
            }
        };
        let latency = Duration::from_millis(self.rng.range(1, 300));
        self.sends += 1;
        self.answers.insert(
            (self.now + latency, self.sends),
            (self.generation, fetch.id, answer),
        );
    }

    /// Takes everything out of the client.
    fn pump(&mut self, faulty: bool) -> Result<(), String> {
        loop {
            while let Some(batch) = self.client.poll_batch() {
                self.checker.delivered.resize(self.server.events.len(), 0);
                self.checker.batch(&self.server, &batch)?;
                self.totals.delivered += batch.updates.len() as u64;
                for change in batch.state {
                    self.storage.apply(change);
                }
            }
            while let Some(change) = self.client.poll_state() {
                self.storage.apply(change);
            }
            let Some(fetch) = self.client.poll_fetch() else {
                return Ok(());
            };
            self.serve(fetch, faulty);
        }
    }

    /// Delivers what is due and runs the timers.
    fn step(&mut self, faulty: bool) -> Result<(), String> {
        while let Some(entry) = self.packets.first_entry() {
            if entry.key().0 > self.now {
                break;
            }
            let packet = entry.remove();
            self.client.handle_updates(self.at(), packet);
            self.pump(faulty)?;
        }
        while let Some(entry) = self.answers.first_entry() {
            if entry.key().0 > self.now {
                break;
            }
            let (generation, id, answer) = entry.remove();
            if generation == self.generation {
                self.client.handle_fetched(self.at(), id, answer);
            }
            self.pump(faulty)?;
        }
        if self.client.poll_timeout().is_some_and(|at| at <= self.at()) {
            self.client.handle_timeout(self.at());
        }
        self.pump(faulty)
    }

    /// The client process dies and starts again from what it saved; what was on the wire
    /// to it is lost.
    fn restart(&mut self) {
        self.totals.restarts += 1;
        self.generation += 1;
        self.packets.clear();
        self.answers.clear();
        let mut config = self.config.clone();
        config.catch_up = self.rng.chance(900);
        self.client = Sequencer::new(config.clone(), self.storage.saved(), self.at());
        self.client.set_self_id(SELF_ID);
        if !config.catch_up {
            // A fresh start learns each channel's pts from its dialogs; older updates
            // are skipped.
            for c in 0..self.server.channel_pts.len() {
                for &i in &self.server.channel_logs[c] {
                    self.server.lost[i] = true;
                }
                self.client
                    .add_channel(channel_id(c), self.server.channel_pts[c]);
            }
        }
    }

    /// A whole run: traffic with faults, then a calm end where everything must arrive.
    pub fn run(&mut self) -> Result<u64, String> {
        let ticks = self.rng.range(20, 400);
        for _ in 0..ticks {
            self.now += Duration::from_millis(self.rng.below(300));
            self.generate();
            if self.rng.chance(self.faults.too_long_push) {
                self.send(enums::Updates::TooLong, false);
            }
            let channels = self.server.channel_pts.len();
            if channels > 0 && self.rng.chance(self.faults.channel_too_long_push) {
                let c = self.rng.below(channels as u64) as usize;
                self.channel_too_long(c, false);
            }
            if self.rng.chance(self.faults.missed) {
                self.client.handle_missed(self.at());
            }
            if self.rng.chance(self.faults.restart) {
                self.restart();
            }
            self.step(true)?;
        }
        self.settle()?;
        self.verify()?;
        Ok(self.checker.digest)
    }

    /// No more faults: the server tells about every channel and the client catches up.
    fn settle(&mut self) -> Result<(), String> {
        for c in 0..self.server.channel_pts.len() {
            self.channel_too_long(c, true);
        }
        self.client.handle_missed(self.at());
        self.pump(false)?;
        for _ in 0..200_000 {
            let next = [
                self.packets.keys().next().map(|k| self.base + k.0),
                self.answers.keys().next().map(|k| self.base + k.0),
                self.client.poll_timeout(),
            ]
            .into_iter()
            .flatten()
            .min();
            let idle = self.packets.is_empty() && self.answers.is_empty();
            match next {
                Some(at) if !(idle && at > self.at() + Duration::from_secs(30)) => {
                    self.now = self.now.max(at - self.base);
                    self.step(false)?;
                }
                _ => return Ok(()),
            }
        }
        Err("the client never settled".into())
    }

    fn verify(&mut self) -> Result<(), String> {
        self.checker.delivered.resize(self.server.events.len(), 0);
        self.totals.events = self.server.events.len() as u64;
        for (index, event) in self.server.events.iter().enumerate() {
            let lost = self.server.lost[index];
            if lost {
                self.totals.lost_allowed += 1;
            }
            if self.checker.delivered[index] == 0 && !lost {
                return Err(format!(
                    "event {} ({:?} pts {} count {}) never delivered",
                    index + 1,
                    event.boxed,
                    event.pts,
                    event.count
                ));
            }
        }
        Ok(())
    }
}
