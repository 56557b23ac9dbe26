//! Channel updates: each channel's pts box, `updateChannelTooLong`, and the answers to
//! `updates.getChannelDifference`.

use std::sync::Arc;
use std::time::Instant;

use oxigram_tl::enums::{self, updates::ChannelDifference};
use oxigram_tl::types;

use super::batch::{BatchBuilder, Entities};
use super::classify::{BoxKey, Class, classify};
use super::gaps::{Check, Held, check};
use super::sequencer::Sequencer;

fn message_id(message: &enums::Message) -> i32 {
    match message {
        enums::Message::Empty(m) => m.id,
        enums::Message::Message(m) => m.id,
        enums::Message::Service(m) => m.id,
    }
}

impl Sequencer {
    /// An update of a channel's box. A channel not followed yet is followed from this
    /// update (there is no earlier pts to check it against).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn channel_update(
        &mut self,
        now: Instant,
        id: i64,
        pts: i32,
        count: i32,
        update: enums::Update,
        entities: &Arc<Entities>,
        out: &mut BatchBuilder,
    ) {
        if !self.channels.contains(id) {
            let base = i64::from(pts) - i64::from(count.max(0));
            let base = i32::try_from(base).unwrap_or(i32::MIN);
            if !self.channels.insert(id, base) {
                // Every followed channel is busy: better delivered unordered than lost.
                tracing::warn!(
                    channel = id,
                    "channel table full of busy channels: update not ordered"
                );
                out.push(update, entities);
                return;
            }
            tracing::debug!(channel = id, pts, "following a new channel");
        }
        let max = self.config.max_pending;
        let gap_timeout = self.config.gap_timeout;
        let Some(channel) = self.channels.get_mut(id) else {
            return;
        };
        let held = Held {
            pts,
            count,
            update,
            entities: Arc::clone(entities),
        };
        if channel.fetching() {
            if channel.held.len() >= max {
                tracing::warn!(
                    channel = id,
                    "too many updates held during a channel difference: dropped"
                );
                channel.held.clear();
            } else {
                channel.held.insert(held);
            }
            return;
        }
        match check(channel.pts, pts, count) {
            Check::Apply => {
                channel.pts = pts;
                out.push(held.update, &held.entities);
                channel.held.drain_into(&mut channel.pts, out);
                let (pts, settled) = (channel.pts, channel.held.is_empty());
                self.dirty_channels.insert(id, Some(pts));
                if settled {
                    self.channels.set_wake(id, None);
                }
            }
            Check::Duplicate => {
                tracing::trace!(
                    channel = id,
                    pts,
                    local = channel.pts,
                    "channel update already applied"
                );
            }
            Check::Gap => {
                tracing::debug!(
                    channel = id,
                    pts,
                    count,
                    local = channel.pts,
                    "channel gap: update held"
                );
                if channel.held.len() >= max {
                    tracing::warn!(
                        channel = id,
                        "too many channel updates held: dropped, fetching the difference"
                    );
                    channel.held.clear();
                    self.channels.request_fetch(id);
                } else {
                    channel.held.insert(held);
                    if channel.wake.is_none() {
                        self.channels.set_wake(id, Some(now + gap_timeout));
                    }
                }
            }
        }
    }

    /// The server has more for a channel than it pushed.
    pub(crate) fn channel_too_long(&mut self, id: i64, pts: Option<i32>) {
        let Some(channel) = self.channels.get(id) else {
            tracing::debug!(
                channel = id,
                "updateChannelTooLong for a channel not followed: ignored"
            );
            return;
        };
        if pts.is_some_and(|pts| pts <= channel.pts) {
            tracing::trace!(channel = id, "updateChannelTooLong with nothing new");
            return;
        }
        tracing::debug!(
            channel = id,
            "updateChannelTooLong: fetching the channel difference"
        );
        self.channels.request_fetch(id);
    }

    pub(crate) fn channel_difference(
        &mut self,
        now: Instant,
        id: i64,
        asked: i32,
        answer: ChannelDifference,
    ) {
        let Some(channel) = self.channels.get_mut(id) else {
            tracing::debug!(
                channel = id,
                "difference of a channel no longer followed: ignored"
            );
            return;
        };
        channel.in_flight = None;
        channel.failures = 0;
        let (pts, last, mut messages, others, users, chats, too_long) = match answer {
            ChannelDifference::Empty(d) => (
                Some(d.pts),
                d.r#final,
                vec![],
                vec![],
                vec![],
                vec![],
                false,
            ),
            ChannelDifference::ChannelDifference(d) => (
                Some(d.pts),
                d.r#final,
                d.new_messages,
                d.other_updates,
                d.users,
                d.chats,
                false,
            ),
            ChannelDifference::TooLong(d) => {
                let d = *d;
                let pts = match &d.dialog {
                    enums::Dialog::Dialog(dialog) => dialog.pts,
                    enums::Dialog::Folder(_) | enums::Dialog::Community(_) => None,
                };
                (pts, d.r#final, d.messages, vec![], d.users, d.chats, true)
            }
        };
        if too_long {
            // The latest messages, in whatever order the server lists them: oldest first.
            tracing::info!(
                channel = id,
                "channelDifferenceTooLong: older updates skipped"
            );
            messages.sort_by_key(message_id);
        }
        let mut out = BatchBuilder::default();
        let entities = Entities::shared(users, chats);
        for message in messages {
            let update = types::UpdateNewChannelMessage {
                message,
                pts: 0,
                pts_count: 0,
            };
            out.push(update.into(), &entities);
        }
        for update in others {
            match classify(&update) {
                Class::Ordered {
                    key: BoxKey::Channel(other),
                    pts,
                    count,
                } if other != id => {
                    self.channel_update(now, other, pts, count, update, &entities, &mut out)
                }
                Class::Ordered {
                    key: key @ (BoxKey::Common | BoxKey::Qts),
                    pts,
                    count,
                } => {
                    let held = Held {
                        pts,
                        count,
                        update,
                        entities: Arc::clone(&entities),
                    };
                    self.account_update(now, key, held, &mut out);
                }
                Class::ChannelTooLong { channel_id, pts } if channel_id != id => {
                    self.channel_too_long(channel_id, pts);
                }
                Class::ChannelTooLong { .. } => {}
                Class::Ordered { .. } | Class::Unordered => out.push(update, &entities),
            }
        }
        self.settle_channel(now, id, asked, pts, last, &mut out);
        self.emit(out);
    }

    /// After a channel difference: the new pts, then either the next fetch or the held
    /// updates that now fit.
    fn settle_channel(
        &mut self,
        now: Instant,
        id: i64,
        asked: i32,
        pts: Option<i32>,
        last: bool,
        out: &mut BatchBuilder,
    ) {
        let gap_timeout = self.config.gap_timeout;
        let Some(channel) = self.channels.get_mut(id) else {
            return;
        };
        match pts {
            // Only forward: a smaller pts would make updates apply twice.
            Some(pts) if pts > channel.pts => {
                channel.pts = pts;
                self.dirty_channels.insert(id, Some(pts));
            }
            Some(_) => {}
            None => tracing::warn!(channel = id, "channel difference without a pts"),
        }
        let Some(channel) = self.channels.get_mut(id) else {
            return;
        };
        let advanced = channel.pts > asked;
        if !last && advanced {
            self.channels.enqueue(id);
            return;
        }
        if !last {
            tracing::warn!(
                channel = id,
                "non-final channel difference that does not move pts: fetching stopped"
            );
        }
        if channel.again {
            channel.again = false;
            self.channels.enqueue(id);
            return;
        }
        if channel.held.drain_into(&mut channel.pts, out) {
            let pts = channel.pts;
            self.dirty_channels.insert(id, Some(pts));
        }
        let Some(channel) = self.channels.get(id) else {
            return;
        };
        if !channel.held.is_empty() {
            self.channels.set_wake(id, Some(now + gap_timeout));
        }
    }
}
