//! `contacts.*`: resolving usernames.

use oxigram_tl::{Deserialize, Identifiable, enums, functions, types};

use super::{ApiState, Reply, Request, decode, error, me, ok};

impl ApiState {
    /// Answers a `contacts.*` method.
    pub(super) fn contacts(&mut self, req: &Request<'_>) -> Reply {
        match req.id {
            functions::contacts::ResolveUsername::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::contacts::ResolveUsername);
                let Some(found) = self.world.by_username(&r.username).map(|a| a.id) else {
                    return error(400, "USERNAME_NOT_OCCUPIED");
                };
                ok(types::contacts::ResolvedPeer {
                    peer: enums::Peer::User(types::PeerUser { user_id: found }),
                    chats: vec![],
                    users: self.world.user(found, me).into_iter().collect(),
                })
            }
            _ => super::not_implemented(req.id),
        }
    }
}
