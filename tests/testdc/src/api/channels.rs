//! `channels.*`: channels and supergroups: creating, joining, inviting, looking them up,
//! and their public usernames.

use oxigram_tl::{Deserialize, Identifiable, functions, types};

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
                ok(self.chat_only(me, PeerRef::Channel(id), now))
            }
            functions::channels::InviteToChannel::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::channels::InviteToChannel);
                let Some(id) = self.input_channel(&r.channel) else {
                    return error(400, "CHANNEL_INVALID");
                };
                if self.world.group(id).is_some_and(|g| g.creator != me) {
                    return error(403, "CHAT_ADMIN_REQUIRED");
                }
                let Some(users) = self.resolve_users(me, &r.users) else {
                    return error(400, "USER_ID_INVALID");
                };
                self.world.add_members(id, &users);
                self.group_created(me, id, now)
            }
            functions::channels::JoinChannel::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::channels::JoinChannel);
                let Some(id) = self.input_channel(&r.channel) else {
                    return error(400, "CHANNEL_INVALID");
                };
                self.world.add_members(id, &[me]);
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
            _ => super::not_implemented(req.id),
        }
    }
}
