//! `updates.*`: the update state and the differences a client catches up with.

use oxigram_tl::{Deserialize, Identifiable, enums, functions, types};

use super::{ApiState, Reply, Request, decode, error, me, ok};
use crate::world::PeerRef;

impl ApiState {
    /// An account's update state now.
    fn state(&self, me: i64, now: i32) -> types::updates::State {
        types::updates::State {
            pts: self.world.pts(me),
            qts: self.world.qts(me),
            date: now,
            seq: 0,
            unread_count: 0,
        }
    }

    /// Answers a `updates.*` method.
    pub(super) fn updates(&mut self, req: &Request<'_>) -> Reply {
        let &Request { now, .. } = req;
        match req.id {
            functions::updates::GetState::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                ok(self.state(me, now))
            }
            functions::updates::GetDifference::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::updates::GetDifference);
                let changes = self.world.changes_after(me, r.pts);
                let qts_updates = self.world.qts_after(me, r.qts);
                if changes.is_empty() && qts_updates.is_empty() {
                    return ok(types::updates::DifferenceEmpty { date: now, seq: 0 });
                }
                let (users, chats) = self.involved(
                    me,
                    changes
                        .new
                        .iter()
                        .chain(changes.edited.iter().map(|(m, _)| m)),
                    None,
                );
                let mut other_updates: Vec<enums::Update> = changes
                    .edited
                    .iter()
                    .map(|(m, pts)| {
                        enums::Update::EditMessage(types::UpdateEditMessage {
                            message: self.world.message(m, me),
                            pts: *pts,
                            pts_count: 1,
                        })
                    })
                    .collect();
                other_updates.extend(changes.deleted.iter().map(|(ids, pts)| {
                    enums::Update::DeleteMessages(types::UpdateDeleteMessages {
                        messages: ids.clone(),
                        pts: *pts,
                        pts_count: ids.len() as i32,
                    })
                }));
                other_updates.extend(changes.pinned.iter().map(|(ids, pinned, pts)| {
                    let peer = ids
                        .first()
                        .and_then(|&id| self.world.get(me, id))
                        .map_or(PeerRef::User(me), |m| m.peer);
                    enums::Update::PinnedMessages(types::UpdatePinnedMessages {
                        pinned: *pinned,
                        peer: peer.tl(),
                        messages: ids.clone(),
                        pts: *pts,
                        pts_count: ids.len() as i32,
                    })
                }));
                // Updates counted by qts (participants, join requests, reactions for
                // bots) follow, in qts order.
                other_updates.extend(qts_updates);
                ok(types::updates::Difference {
                    new_messages: changes
                        .new
                        .iter()
                        .map(|m| self.world.message(m, me))
                        .collect(),
                    new_encrypted_messages: vec![],
                    other_updates,
                    chats,
                    users,
                    state: enums::updates::State::State(self.state(me, now)),
                })
            }
            functions::updates::GetChannelDifference::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::updates::GetChannelDifference);
                let Some(id) = self.input_channel(&r.channel) else {
                    return error(400, "CHANNEL_INVALID");
                };
                let pts = self.world.channel_pts(id);
                if r.pts > pts || r.pts <= 0 {
                    return error(400, "PERSISTENT_TIMESTAMP_INVALID");
                }
                let limit = r.limit.clamp(1, 100_000) as usize;
                let changes = self.world.channel_changes(id, r.pts, limit);
                if changes.reached == r.pts {
                    return ok(types::updates::ChannelDifferenceEmpty {
                        r#final: true,
                        pts,
                        timeout: None,
                    });
                }
                let seen = |m: &crate::world::StoredMessage| crate::world::StoredMessage {
                    out: m.from == me,
                    ..m.clone()
                };
                let (users, chats) = self.involved(
                    me,
                    changes
                        .new
                        .iter()
                        .chain(changes.edited.iter().map(|(m, _)| m)),
                    Some(PeerRef::Channel(id)),
                );
                let mut other_updates: Vec<enums::Update> = changes
                    .edited
                    .iter()
                    .map(|(m, pts)| {
                        enums::Update::EditChannelMessage(types::UpdateEditChannelMessage {
                            message: self.world.message(&seen(m), me),
                            pts: *pts,
                            pts_count: 1,
                        })
                    })
                    .collect();
                other_updates.extend(changes.deleted.iter().map(|(ids, pts)| {
                    enums::Update::DeleteChannelMessages(types::UpdateDeleteChannelMessages {
                        channel_id: id,
                        messages: ids.clone(),
                        pts: *pts,
                        pts_count: ids.len() as i32,
                    })
                }));
                other_updates.extend(changes.pinned.iter().map(|(ids, pinned, pts)| {
                    enums::Update::PinnedChannelMessages(types::UpdatePinnedChannelMessages {
                        pinned: *pinned,
                        channel_id: id,
                        messages: ids.clone(),
                        pts: *pts,
                        pts_count: ids.len() as i32,
                    })
                }));
                ok(types::updates::ChannelDifference {
                    r#final: changes.reached == pts,
                    pts: changes.reached,
                    timeout: None,
                    new_messages: changes
                        .new
                        .iter()
                        .map(|m| self.world.message(&seen(m), me))
                        .collect(),
                    other_updates,
                    chats,
                    users,
                })
            }
            _ => super::not_implemented(req.id),
        }
    }
}
