//! `updates.*`: the update state and the differences a client catches up with.

use oxigram_tl::{Deserialize, Identifiable, enums, functions, types};

use super::{ApiState, Reply, Request, decode, error, me, ok};
use crate::world::PeerRef;

impl ApiState {
    /// Answers a `updates.*` method.
    pub(super) fn updates(&mut self, req: &Request<'_>) -> Reply {
        let &Request { now, .. } = req;
        match req.id {
            functions::updates::GetState::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                ok(types::updates::State {
                    pts: self.world.pts(me),
                    qts: 0,
                    date: now,
                    seq: 0,
                    unread_count: 0,
                })
            }
            functions::updates::GetDifference::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::updates::GetDifference);
                let changes = self.world.changes_after(me, r.pts);
                if changes.new.is_empty() && changes.edited.is_empty() && changes.deleted.is_empty()
                {
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
                    state: enums::updates::State::State(types::updates::State {
                        pts: self.world.pts(me),
                        qts: 0,
                        date: now,
                        seq: 0,
                        unread_count: 0,
                    }),
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
                let new: Vec<_> = self
                    .world
                    .channel_changes(id, r.pts)
                    .into_iter()
                    .take(limit)
                    .collect();
                let Some(last) = new.last() else {
                    return ok(types::updates::ChannelDifferenceEmpty {
                        r#final: true,
                        pts,
                        timeout: None,
                    });
                };
                let reached = last.pts;
                let (users, chats) = self.involved(me, new.iter(), Some(PeerRef::Channel(id)));
                ok(types::updates::ChannelDifference {
                    r#final: reached == pts,
                    pts: reached,
                    timeout: None,
                    new_messages: new.iter().map(|m| self.world.message(m, me)).collect(),
                    other_updates: vec![],
                    chats,
                    users,
                })
            }
            _ => super::not_implemented(req.id),
        }
    }
}
