//! `channels.*`: channels and supergroups.

use oxigram_tl::{Deserialize, Identifiable, functions};

use super::{ApiState, Reply, Request, decode, error, me, ok};
use crate::world::PeerRef;

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
            _ => super::not_implemented(req.id),
        }
    }
}
