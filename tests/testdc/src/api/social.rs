//! Contacts, blocks and profiles: `contacts.getContacts` / `importContacts` /
//! `addContact` / `deleteContacts` / `block` / `unblock` / `getBlocked`, and
//! `account.updateProfile`, with the updates Telegram sends for them.

use oxigram_tl::{Deserialize, Identifiable, Serialize, enums, functions, types};

use super::bots::updates_of;
use super::profiles::full_user;
use super::{ApiState, Reply, Request, decode, error, me, ok};
use crate::world::{PeerRef, SavedContact, SocialError};

/// Whether `id` is one of the `contacts.*` methods this module answers.
pub(super) fn is_social(id: u32) -> bool {
    [
        functions::contacts::GetContacts::CONSTRUCTOR_ID,
        functions::contacts::ImportContacts::CONSTRUCTOR_ID,
        functions::contacts::AddContact::CONSTRUCTOR_ID,
        functions::contacts::DeleteContacts::CONSTRUCTOR_ID,
        functions::contacts::Block::CONSTRUCTOR_ID,
        functions::contacts::Unblock::CONSTRUCTOR_ID,
        functions::contacts::GetBlocked::CONSTRUCTOR_ID,
    ]
    .contains(&id)
}

fn refused(e: SocialError) -> Reply {
    error(400, &e.to_string())
}

impl ApiState {
    /// Answers the contact and block methods of `contacts.*`.
    pub(super) fn social(&mut self, req: &Request<'_>) -> Reply {
        let &Request { now, .. } = req;
        let me = me!(self, req);
        match req.id {
            functions::contacts::GetContacts::CONSTRUCTOR_ID => {
                let contacts = self.world.contacts(me);
                ok(types::contacts::Contacts {
                    contacts: contacts
                        .iter()
                        .map(|c| {
                            enums::Contact::Contact(types::Contact {
                                user_id: c.user,
                                mutual: self.world.contact(c.user, me).is_some(),
                            })
                        })
                        .collect(),
                    saved_count: 0,
                    users: contacts
                        .iter()
                        .filter_map(|c| self.world.user_as_contact(c.user, me))
                        .collect(),
                })
            }
            functions::contacts::ImportContacts::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::contacts::ImportContacts);
                let mut imported = Vec::new();
                let mut retry = Vec::new();
                for enums::InputContact::InputPhoneContact(c) in &r.contacts {
                    let phone: String = c.phone.chars().filter(char::is_ascii_digit).collect();
                    // Numbers no account uses are not imported (Telegram suggests
                    // inviting them; the test DC has no one to invite).
                    let Some(user) = self.world.by_phone(&phone).map(|a| a.id) else {
                        continue;
                    };
                    let saved = SavedContact {
                        user,
                        first_name: c.first_name.clone(),
                        last_name: c.last_name.clone(),
                        by_phone: true,
                        shares_phone: false,
                    };
                    match self.world.save_contact(me, saved) {
                        Ok(()) => imported.push((user, c.client_id)),
                        Err(SocialError::TooMany(_)) => retry.push(c.client_id),
                        Err(_) => {}
                    }
                }
                ok(types::contacts::ImportedContacts {
                    imported: imported
                        .iter()
                        .map(|&(user_id, client_id)| {
                            enums::ImportedContact::ImportedContact(types::ImportedContact {
                                user_id,
                                client_id,
                            })
                        })
                        .collect(),
                    popular_invites: vec![],
                    retry_contacts: retry,
                    users: imported
                        .iter()
                        .filter_map(|&(user, _)| self.world.user_as_contact(user, me))
                        .collect(),
                })
            }
            functions::contacts::AddContact::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::contacts::AddContact);
                let Some(user) = self.resolve_user(me, &r.id) else {
                    return error(400, "CONTACT_ID_INVALID");
                };
                if self.world.account(user).is_some_and(|a| a.is_bot()) {
                    return error(400, "CONTACT_ID_INVALID");
                }
                let known_phone = self.world.account(user).and_then(|a| a.phone.as_deref());
                let given: String = r.phone.chars().filter(char::is_ascii_digit).collect();
                let saved = SavedContact {
                    user,
                    first_name: r.first_name,
                    last_name: r.last_name,
                    by_phone: !given.is_empty() && known_phone == Some(given.as_str()),
                    shares_phone: r.add_phone_privacy_exception,
                };
                if let Err(e) = self.world.save_contact(me, saved) {
                    return refused(e);
                }
                let mut reply = ok(self.users_only(me, &[user], now));
                // The other side now sees the phone it was given, and the new
                // mutuality.
                let theirs = self.users_only(user, &[me], now);
                reply.pushes.push((user, theirs.to_bytes()));
                reply
            }
            functions::contacts::DeleteContacts::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::contacts::DeleteContacts);
                let Some(users) = self.resolve_users(me, &r.id) else {
                    return error(400, "CONTACT_ID_INVALID");
                };
                let removed = self.world.delete_contacts(me, &users);
                ok(self.users_only(me, &removed, now))
            }
            functions::contacts::Block::CONSTRUCTOR_ID
            | functions::contacts::Unblock::CONSTRUCTOR_ID => {
                let block = req.id == functions::contacts::Block::CONSTRUCTOR_ID;
                let peer = if block {
                    decode!(req, functions::contacts::Block).id
                } else {
                    decode!(req, functions::contacts::Unblock).id
                };
                let Some(PeerRef::User(user)) = self.resolve_peer(me, &peer) else {
                    return error(400, "CONTACT_ID_INVALID");
                };
                let changed = match self.world.set_blocked(me, user, block, now) {
                    Ok(changed) => changed,
                    Err(e) => return refused(e),
                };
                let mut reply = ok(changed);
                if changed {
                    // Every session of the account updates its list.
                    let update = enums::Update::PeerBlocked(types::UpdatePeerBlocked {
                        blocked: block,
                        blocked_my_stories_from: false,
                        peer_id: PeerRef::User(user).tl(),
                    });
                    let users = self.world.user(user, me).into_iter().collect();
                    reply
                        .pushes
                        .push((me, updates_of(update, users, vec![], now)));
                }
                reply
            }
            functions::contacts::GetBlocked::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::contacts::GetBlocked);
                let all = self.world.blocked(me);
                let page: Vec<(i64, i32)> = all
                    .iter()
                    .skip(r.offset.max(0) as usize)
                    .take(r.limit.clamp(1, 100) as usize)
                    .copied()
                    .collect();
                let blocked = page
                    .iter()
                    .map(|&(user, date)| {
                        enums::PeerBlocked::PeerBlocked(types::PeerBlocked {
                            peer_id: PeerRef::User(user).tl(),
                            date,
                        })
                    })
                    .collect();
                let users = page
                    .iter()
                    .filter_map(|&(user, _)| self.world.user_as_contact(user, me))
                    .collect();
                ok(types::contacts::BlockedSlice {
                    count: all.len() as i32,
                    blocked,
                    chats: vec![],
                    users,
                })
            }
            _ => super::not_implemented(req.id),
        }
    }

    /// `account.updateProfile`: the account's new names and bio. The account's own
    /// sessions and everyone who saved it as a contact hear of a new name.
    pub(super) fn update_profile(&mut self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let r = decode!(req, functions::account::UpdateProfile);
        if let Err(e) = self.world.update_profile(
            me,
            r.first_name.as_deref(),
            r.last_name.as_deref(),
            r.about.as_deref(),
        ) {
            return refused(e);
        }
        let Some(user) = self.world.user(me, me) else {
            return error(400, "USER_ID_INVALID");
        };
        let mut reply = ok(user);
        if r.first_name.is_some() || r.last_name.is_some() {
            let Some(account) = self.world.account(me) else {
                return reply;
            };
            let update = enums::Update::UserName(types::UpdateUserName {
                user_id: me,
                first_name: account.first_name.clone(),
                last_name: account.last_name.clone().unwrap_or_default(),
                usernames: vec![],
            });
            for viewer in self.world.contact_of(me) {
                let users = self.world.user(me, viewer).into_iter().collect();
                reply
                    .pushes
                    .push((viewer, updates_of(update.clone(), users, vec![], req.now)));
            }
        }
        reply
    }

    /// `userFull` of `id` as `viewer` sees it: the bio, whether `viewer` blocked it,
    /// and for a bot its default commands.
    pub(super) fn full_user_as_seen(&self, id: i64, viewer: i64) -> types::UserFull {
        let mut full = full_user(id);
        full.about = self.world.bio(id).map(str::to_owned);
        full.blocked = self.world.is_blocked(viewer, id);
        if self.world.account(id).is_some_and(|a| a.is_bot()) {
            full.bot_info = Some(self.bot_info(id, viewer));
        }
        full
    }

    /// An `updates` carrying only `users` as `viewer` sees them, as contact changes
    /// answer.
    fn users_only(&self, viewer: i64, users: &[i64], now: i32) -> types::Updates {
        types::Updates {
            updates: vec![],
            users: users
                .iter()
                .filter_map(|&u| self.world.user_as_contact(u, viewer))
                .collect(),
            chats: vec![],
            date: now,
            seq: 0,
        }
    }
}
