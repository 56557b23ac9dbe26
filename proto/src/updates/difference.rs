//! Applying the answers to `updates.getState` and `updates.getDifference`.

use std::time::Instant;

use oxigram_tl::enums::{self, updates::Difference};
use oxigram_tl::types;

use super::batch::{BatchBuilder, Entities};
use super::classify::{BoxKey, Class, classify, message_channel};
use super::sequencer::Sequencer;
use super::state::UpdateState;

/// The contents of a `difference` or `differenceSlice`.
pub(crate) struct Contents {
    pub messages: Vec<enums::Message>,
    pub encrypted: Vec<enums::EncryptedMessage>,
    pub others: Vec<enums::Update>,
    pub users: Vec<enums::User>,
    pub chats: Vec<enums::Chat>,
}

impl Sequencer {
    pub(crate) fn account_state(&mut self, now: Instant, answer: &types::updates::State) {
        self.account.in_flight = None;
        self.account.failures = 0;
        let mut state = UpdateState::from(answer);
        state.seq = state.seq.max(self.account.seq_seen);
        self.account.state = Some(state);
        self.account_dirty = true;
        let mut out = BatchBuilder::default();
        self.finish_account_fetch(now, &mut out);
        self.emit(out);
    }

    pub(crate) fn account_difference(
        &mut self,
        now: Instant,
        asked: UpdateState,
        answer: Difference,
    ) {
        self.account.in_flight = None;
        self.account.failures = 0;
        let mut out = BatchBuilder::default();
        match answer {
            Difference::Empty(empty) => {
                if let Some(state) = self.account.state.as_mut() {
                    state.date = empty.date;
                    state.seq = empty.seq.max(self.account.seq_seen);
                    self.account_dirty = true;
                }
                self.finish_account_fetch(now, &mut out);
            }
            Difference::Difference(d) => {
                let d = *d;
                let contents = Contents {
                    messages: d.new_messages,
                    encrypted: d.new_encrypted_messages,
                    others: d.other_updates,
                    users: d.users,
                    chats: d.chats,
                };
                self.deliver_difference(now, contents, &mut out);
                let enums::updates::State::State(state) = &d.state;
                self.adopt_state(state);
                self.finish_account_fetch(now, &mut out);
            }
            Difference::Slice(d) => {
                let d = *d;
                let contents = Contents {
                    messages: d.new_messages,
                    encrypted: d.new_encrypted_messages,
                    others: d.other_updates,
                    users: d.users,
                    chats: d.chats,
                };
                self.deliver_difference(now, contents, &mut out);
                let enums::updates::State::State(s) = &d.intermediate_state;
                self.adopt_state(s);
                let advanced = s.pts > asked.pts || s.qts > asked.qts || s.date > asked.date;
                if advanced {
                    // More to fetch.
                    self.account.want = true;
                } else {
                    tracing::warn!(
                        "differenceSlice that does not move the state: fetching stopped"
                    );
                    self.finish_account_fetch(now, &mut out);
                }
            }
            Difference::TooLong(too_long) => {
                if too_long.pts > asked.pts {
                    tracing::info!(
                        pts = too_long.pts,
                        "differenceTooLong: updates skipped, fetching on from the new pts"
                    );
                    if let Some(state) = self.account.state.as_mut() {
                        state.pts = too_long.pts;
                        self.account_dirty = true;
                    }
                } else {
                    // Fetching again from the same pts would loop: start from a fresh state.
                    tracing::warn!(
                        pts = too_long.pts,
                        "differenceTooLong that does not move pts: asking for a fresh state"
                    );
                    self.account.state = None;
                }
                self.account.want = true;
            }
        }
        self.emit(out);
    }

    /// Counters only move forward: a difference with smaller ones (which a sane server does
    /// not send) cannot make updates apply twice.
    fn adopt_state(&mut self, answer: &types::updates::State) {
        let seen = self.account.seq_seen;
        if let Some(state) = self.account.state.as_mut() {
            state.pts = state.pts.max(answer.pts);
            state.qts = state.qts.max(answer.qts);
            state.date = answer.date;
            state.seq = answer.seq.max(seen);
            self.account_dirty = true;
        }
    }

    /// New messages become `updateNewMessage`/`updateNewChannelMessage`; other account
    /// updates are part of the difference and delivered as they are; channel updates go
    /// through their channel's box.
    fn deliver_difference(&mut self, now: Instant, contents: Contents, out: &mut BatchBuilder) {
        let entities = Entities::shared(contents.users, contents.chats);
        for message in contents.messages {
            let update: enums::Update = match message_channel(&message) {
                Some(_) => types::UpdateNewChannelMessage {
                    message,
                    pts: 0,
                    pts_count: 0,
                }
                .into(),
                None => types::UpdateNewMessage {
                    message,
                    pts: 0,
                    pts_count: 0,
                }
                .into(),
            };
            out.push(update, &entities);
        }
        for message in contents.encrypted {
            let update = types::UpdateNewEncryptedMessage { message, qts: 0 };
            out.push(update.into(), &entities);
        }
        for update in contents.others {
            match classify(&update) {
                Class::Ordered {
                    key: BoxKey::Channel(id),
                    pts,
                    count,
                } => self.channel_update(now, id, pts, count, update, &entities, out),
                Class::ChannelTooLong { channel_id, pts } => self.channel_too_long(channel_id, pts),
                Class::Ordered { .. } | Class::Unordered => out.push(update, &entities),
            }
        }
    }
}
