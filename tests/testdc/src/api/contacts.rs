//! `contacts.*`: resolving usernames (of accounts and channels) and phone numbers.

use oxigram_tl::{Deserialize, Identifiable, enums, functions, types};

use super::{ApiState, Reply, Request, decode, error, me, ok};
use crate::world;

impl ApiState {
    /// Answers a `contacts.*` method.
    pub(super) fn contacts(&mut self, req: &Request<'_>) -> Reply {
        match req.id {
            functions::contacts::ResolveUsername::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::contacts::ResolveUsername);
                if let Some(found) = self.world.by_username(&r.username).map(|a| a.id) {
                    return ok(self.resolved_user(found, me));
                }
                let Some(channel) = self.world.channel_by_username(&r.username) else {
                    return error(400, "USERNAME_NOT_OCCUPIED");
                };
                ok(types::contacts::ResolvedPeer {
                    peer: enums::Peer::Channel(types::PeerChannel {
                        channel_id: channel.id,
                    }),
                    chats: vec![world::chat(channel, me)],
                    users: vec![],
                })
            }
            functions::contacts::ResolvePhone::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::contacts::ResolvePhone);
                // Clients send numbers as typed: "+999 662 1234" is 9996621234.
                let phone: String = r.phone.chars().filter(char::is_ascii_digit).collect();
                let Some(found) = self.world.by_phone(&phone).map(|a| a.id) else {
                    return error(400, "PHONE_NOT_OCCUPIED");
                };
                ok(self.resolved_user(found, me))
            }
            id if super::social::is_social(id) => self.social(req),
            _ => super::not_implemented(req.id),
        }
    }

    /// `contacts.resolvedPeer` for the account `found`, as `viewer` sees it.
    fn resolved_user(&self, found: i64, viewer: i64) -> types::contacts::ResolvedPeer {
        types::contacts::ResolvedPeer {
            peer: enums::Peer::User(types::PeerUser { user_id: found }),
            chats: vec![],
            users: self.world.user(found, viewer).into_iter().collect(),
        }
    }
}
