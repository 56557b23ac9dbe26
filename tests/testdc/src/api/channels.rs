//! `channels.*`: channels and supergroups: creating, joining, inviting, looking them up,
//! and their public usernames.

use oxigram_tl::{Deserialize, Identifiable, Serialize, enums, functions, types};

use super::{ApiState, Reply, Request, decode, error, me, ok};
use crate::world::{self, PeerRef};

impl ApiState {
    /// Answers a `channels.*` method.
    pub(super) fn channels(&mut self, req: &Request<'_>) -> Reply {
        let &Request { now, .. } = req;
        match req.id {
            functions::channels::CreateChannel::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::channels::CreateChannel);
                if r.title.trim().is_empty() {
                    return error(400, "CHAT_TITLE_EMPTY");
                }
                let id = self
                    .world
                    .create_group(me, r.title.trim(), &[], now, Some(!r.megagroup));
                if let Some(m) = self.world.moderation_mut(id) {
                    m.about = r.about;
                }
                ok(self.chat_only(me, PeerRef::Channel(id), now))
            }
            functions::channels::GetChannels::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::channels::GetChannels);
                let mut ids = Vec::with_capacity(r.id.len());
                for input in &r.id {
                    let Some(id) = self.input_channel(input) else {
                        return error(400, "CHANNEL_INVALID");
                    };
                    ids.push(id);
                }
                // Repeated ids are answered once: the answer stays as small as the world.
                let mut seen = std::collections::HashSet::new();
                ids.retain(|id| seen.insert(*id));
                let chats = ids
                    .iter()
                    .filter_map(|&id| self.world.group(id))
                    .map(|g| world::chat(g, me))
                    .collect();
                ok(types::messages::Chats { chats })
            }
            functions::channels::UpdateUsername::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::channels::UpdateUsername);
                let Some(id) = self.input_channel(&r.channel) else {
                    return error(400, "CHANNEL_INVALID");
                };
                let Some(g) = self.world.group(id) else {
                    return error(400, "CHANNEL_INVALID");
                };
                if g.creator != me {
                    return error(403, "CHAT_ADMIN_REQUIRED");
                }
                let username = Some(r.username.trim_start_matches('@')).filter(|u| !u.is_empty());
                if g.username.as_deref() == username {
                    return error(400, "USERNAME_NOT_MODIFIED");
                }
                match self.world.set_channel_username(id, username) {
                    Ok(()) => ok(true),
                    Err(e) => error(400, &e.to_string()),
                }
            }
            functions::channels::DeleteMessages::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::channels::DeleteMessages);
                let Some(id) = self.input_channel(&r.channel) else {
                    return error(400, "CHANNEL_INVALID");
                };
                if !self.members_of(id).contains(&me) {
                    return error(400, "CHANNEL_PRIVATE");
                }
                let admin = self.is_admin(id, me);
                let forbidden = r.id.iter().any(|&m| {
                    self.world
                        .message_in(me, PeerRef::Channel(id), m)
                        .is_some_and(|m| m.from != me && !admin)
                });
                if forbidden {
                    return error(403, "MESSAGE_DELETE_FORBIDDEN");
                }
                let Some((ids, pts)) = self.world.delete_channel(id, &r.id) else {
                    return ok(types::messages::AffectedMessages {
                        pts: self.world.channel_pts(id),
                        pts_count: 0,
                    });
                };
                let pts_count = ids.len() as i32;
                let update = types::Updates {
                    updates: vec![enums::Update::DeleteChannelMessages(
                        types::UpdateDeleteChannelMessages {
                            channel_id: id,
                            messages: ids,
                            pts,
                            pts_count,
                        },
                    )],
                    users: vec![],
                    chats: self
                        .world
                        .group(id)
                        .map(|g| world::chat(g, me))
                        .into_iter()
                        .collect(),
                    date: now,
                    seq: 0,
                }
                .to_bytes();
                let pushes = self
                    .members_of(id)
                    .into_iter()
                    .filter(|&m| m != me)
                    .map(|m| (m, update.clone()))
                    .collect();
                Reply::pushing(
                    Ok(types::messages::AffectedMessages { pts, pts_count }.to_bytes()),
                    pushes,
                )
            }
            functions::channels::EditPhoto::CONSTRUCTOR_ID => self.edit_group_photo(req),
            functions::channels::GetMessages::CONSTRUCTOR_ID => self.get_channel_messages(req),
            functions::channels::ReadHistory::CONSTRUCTOR_ID => self.read_channel_history(req),
            id if Self::is_chat_admin_method(id) => self.chat_admin(req),
            _ => self.channel_members(req),
        }
    }
}
