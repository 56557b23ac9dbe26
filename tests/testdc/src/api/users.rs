//! `users.*`: users and their full profiles.

use oxigram_tl::{Deserialize, Identifiable, enums, functions, types};

use super::{ApiState, Reply, Request, decode, error, me, ok};

impl ApiState {
    /// Answers a `users.*` method.
    pub(super) fn users(&mut self, req: &Request<'_>) -> Reply {
        match req.id {
            functions::users::GetUsers::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::users::GetUsers);
                let users: Vec<enums::User> =
                    r.id.iter()
                        .filter_map(|input| self.resolve_user(me, input))
                        .filter_map(|id| self.world.user_as_contact(id, me))
                        .collect();
                ok(users)
            }
            functions::users::GetFullUser::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::users::GetFullUser);
                let Some(id) = self.resolve_user(me, &r.id) else {
                    return error(400, "USER_ID_INVALID");
                };
                ok(types::users::UserFull {
                    full_user: enums::UserFull::UserFull(Box::new(self.full_user_as_seen(id, me))),
                    chats: vec![],
                    users: self.world.user_as_contact(id, me).into_iter().collect(),
                })
            }
            _ => super::not_implemented(req.id),
        }
    }
}
