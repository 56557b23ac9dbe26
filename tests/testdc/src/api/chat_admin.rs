//! Groups read whole and moderated: `messages.getFullChat`, `channels.getFullChannel`,
//! `channels.getParticipants` / `getParticipant`, `channels.editAdmin` / `editBanned` /
//! `editTitle`, `messages.editChatTitle` / `editChatAbout` / `editChatAdmin` /
//! `editChatDefaultBannedRights`.
//!
//! Rights are Telegram's: the creator may do everything, an admin what their rights
//! say, and members what the group's default permissions and their own restrictions
//! leave them. A banned user is removed and may not come back until
//! unbanned; a restricted one stays but may not post.

use oxigram_tl::{Deserialize, Identifiable, Serialize, enums, functions, types};

use super::profiles::notify_settings;
use super::{ApiState, Reply, Request, decode, error, me, ok, unique};
use crate::world::{
    self, Admin, Ban, Group, MAX_ADMINS, PeerRef, all_admin_rights, banned_rights, document_photo,
    no_admin_rights, nothing_banned,
};

/// The most participants one `channels.getParticipants` answers with.
const MAX_PARTICIPANTS_PAGE: usize = 200;

/// The rights as a list, to compare them one by one.
fn rights_list(r: &types::ChatAdminRights) -> [bool; 19] {
    [
        r.change_info,
        r.post_messages,
        r.edit_messages,
        r.delete_messages,
        r.ban_users,
        r.invite_users,
        r.pin_messages,
        r.add_admins,
        r.anonymous,
        r.manage_call,
        r.other,
        r.manage_topics,
        r.post_stories,
        r.edit_stories,
        r.delete_stories,
        r.manage_direct_messages,
        r.manage_ranks,
        r.manage_linked_peers,
        r.manage_welcome_messages,
    ]
}

/// Whether `rights` bans anything at all (else it lifts a restriction).
fn bans_anything(r: &types::ChatBannedRights) -> bool {
    let nothing = types::ChatBannedRights {
        until_date: r.until_date,
        ..nothing_banned()
    };
    *r != nothing
}

impl ApiState {
    /// Whether `id` is one of the methods this module answers.
    pub(super) fn is_chat_admin_method(id: u32) -> bool {
        matches!(
            id,
            functions::messages::GetFullChat::CONSTRUCTOR_ID
                | functions::messages::EditChatTitle::CONSTRUCTOR_ID
                | functions::messages::EditChatAbout::CONSTRUCTOR_ID
                | functions::messages::EditChatAdmin::CONSTRUCTOR_ID
                | functions::messages::EditChatDefaultBannedRights::CONSTRUCTOR_ID
                | functions::channels::GetFullChannel::CONSTRUCTOR_ID
                | functions::channels::GetParticipants::CONSTRUCTOR_ID
                | functions::channels::GetParticipant::CONSTRUCTOR_ID
                | functions::channels::EditAdmin::CONSTRUCTOR_ID
                | functions::channels::EditBanned::CONSTRUCTOR_ID
                | functions::channels::EditTitle::CONSTRUCTOR_ID
        )
    }

    /// Answers one of [`ApiState::is_chat_admin_method`]'s methods.
    pub(super) fn chat_admin(&mut self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let now = req.now;
        match req.id {
            functions::messages::GetFullChat::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::messages::GetFullChat);
                match self.world.group(r.chat_id) {
                    Some(g) if g.channel.is_none() && g.members.contains(&me) => {
                        ok(self.full_chat(g, me))
                    }
                    _ => error(400, "CHAT_ID_INVALID"),
                }
            }
            functions::channels::GetFullChannel::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::channels::GetFullChannel);
                let Some(g) = self
                    .input_channel(&r.channel)
                    .and_then(|id| self.world.group(id))
                else {
                    return error(400, "CHANNEL_INVALID");
                };
                if !g.members.contains(&me) && g.username.is_none() {
                    return error(400, "CHANNEL_PRIVATE");
                }
                ok(self.full_channel(g, me))
            }
            functions::channels::GetParticipants::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::channels::GetParticipants);
                let Some(g) = self
                    .input_channel(&r.channel)
                    .and_then(|id| self.world.group(id))
                else {
                    return error(400, "CHANNEL_INVALID");
                };
                if !g.members.contains(&me) {
                    return error(400, "CHANNEL_PRIVATE");
                }
                if g.channel.is_some_and(|(_, broadcast)| broadcast) && self.rights(g, me).is_none()
                {
                    return error(403, "CHAT_ADMIN_REQUIRED");
                }
                ok(self.participants(g, me, &r.filter, r.offset, r.limit, now))
            }
            functions::channels::GetParticipant::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::channels::GetParticipant);
                let Some(g) = self
                    .input_channel(&r.channel)
                    .and_then(|id| self.world.group(id))
                else {
                    return error(400, "CHANNEL_INVALID");
                };
                let Some(PeerRef::User(user)) = self.resolve_peer(me, &r.participant) else {
                    return error(400, "PARTICIPANT_ID_INVALID");
                };
                if !g.members.contains(&me) {
                    return error(400, "CHANNEL_PRIVATE");
                }
                let Some(participant) = self.participant(g, user, me, now) else {
                    return error(400, "USER_NOT_PARTICIPANT");
                };
                let (mut users, chats) =
                    self.involved(me, std::iter::empty(), Some(PeerRef::Channel(g.id)));
                users.extend(self.world.user(user, me));
                unique(&mut users);
                ok(types::channels::ChannelParticipant {
                    participant,
                    chats,
                    users,
                })
            }
            functions::channels::EditAdmin::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::channels::EditAdmin);
                let Some(id) = self.input_channel(&r.channel) else {
                    return error(400, "CHANNEL_INVALID");
                };
                let Some(user) = self.resolve_user(me, &r.user_id) else {
                    return error(400, "USER_ID_INVALID");
                };
                let enums::ChatAdminRights::ChatAdminRights(rights) = r.admin_rights;
                self.edit_admin(me, id, user, rights, r.rank, now)
            }
            functions::messages::EditChatAdmin::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::messages::EditChatAdmin);
                let Some(user) = self.resolve_user(me, &r.user_id) else {
                    return error(400, "USER_ID_INVALID");
                };
                if !self
                    .world
                    .group(r.chat_id)
                    .is_some_and(|g| g.channel.is_none() && g.members.contains(&me))
                {
                    return error(400, "CHAT_ID_INVALID");
                }
                let rights = if r.is_admin {
                    types::ChatAdminRights {
                        add_admins: false,
                        ..all_admin_rights()
                    }
                } else {
                    no_admin_rights()
                };
                let answer = self.edit_admin(me, r.chat_id, user, rights, None, now);
                match answer.result {
                    Ok(_) => Reply::pushing(Ok(true.to_bytes()), answer.pushes),
                    Err(_) => answer,
                }
            }
            functions::channels::EditBanned::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::channels::EditBanned);
                let Some(id) = self.input_channel(&r.channel) else {
                    return error(400, "CHANNEL_INVALID");
                };
                let Some(PeerRef::User(user)) = self.resolve_peer(me, &r.participant) else {
                    return error(400, "PARTICIPANT_ID_INVALID");
                };
                let enums::ChatBannedRights::ChatBannedRights(rights) = r.banned_rights;
                self.edit_banned(me, id, user, rights, now)
            }
            functions::messages::EditChatDefaultBannedRights::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::messages::EditChatDefaultBannedRights);
                let Some(PeerRef::Chat(id) | PeerRef::Channel(id)) = self.resolve_peer(me, &r.peer)
                else {
                    return error(400, "PEER_ID_INVALID");
                };
                if !self.may(id, me, |r| r.ban_users) {
                    return error(403, "CHAT_ADMIN_REQUIRED");
                }
                let enums::ChatBannedRights::ChatBannedRights(rights) = r.banned_rights;
                if self
                    .world
                    .group(id)
                    .is_some_and(|g| g.moderation.default_banned.as_ref() == Some(&rights))
                {
                    return error(400, "CHAT_NOT_MODIFIED");
                }
                if let Some(m) = self.world.moderation_mut(id) {
                    m.default_banned = bans_anything(&rights).then_some(rights);
                }
                ok(self.chat_only(me, self.group_peer(id), now))
            }
            functions::messages::EditChatTitle::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::messages::EditChatTitle);
                if !self
                    .world
                    .group(r.chat_id)
                    .is_some_and(|g| g.channel.is_none() && g.members.contains(&me))
                {
                    return error(400, "CHAT_ID_INVALID");
                }
                self.edit_title(me, r.chat_id, &r.title, now)
            }
            functions::channels::EditTitle::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::channels::EditTitle);
                let Some(id) = self.input_channel(&r.channel) else {
                    return error(400, "CHANNEL_INVALID");
                };
                self.edit_title(me, id, &r.title, now)
            }
            functions::messages::EditChatAbout::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::messages::EditChatAbout);
                let Some(PeerRef::Chat(id) | PeerRef::Channel(id)) = self.resolve_peer(me, &r.peer)
                else {
                    return error(400, "PEER_ID_INVALID");
                };
                if !self.may_change_info(id, me) {
                    return error(403, "CHAT_ADMIN_REQUIRED");
                }
                if r.about.chars().count() > 255 {
                    return error(400, "CHAT_ABOUT_TOO_LONG");
                }
                let Some(m) = self.world.moderation_mut(id) else {
                    return error(400, "PEER_ID_INVALID");
                };
                if m.about == r.about {
                    return error(400, "CHAT_ABOUT_NOT_MODIFIED");
                }
                m.about = r.about;
                ok(true)
            }
            _ => super::not_implemented(req.id),
        }
    }

    /// The admin rights `user` has in `g`: every right for its creator, those given
    /// for an admin, `None` for everyone else. (Bots in a group answer its join
    /// requests without being promoted, see `is_admin`; anything else needs rights.)
    pub(super) fn rights(&self, g: &Group, user: i64) -> Option<types::ChatAdminRights> {
        if g.creator == user {
            return Some(all_admin_rights());
        }
        g.moderation
            .admins
            .get(&user)
            .filter(|_| g.members.contains(&user))
            .map(|admin| admin.rights.clone())
    }

    /// Whether `user` is an admin of group `id` with the right `right` picks.
    fn may(&self, id: i64, user: i64, right: fn(&types::ChatAdminRights) -> bool) -> bool {
        self.world
            .group(id)
            .and_then(|g| self.rights(g, user))
            .is_some_and(|r| right(&r))
    }

    /// Whether `user` may change group `id`'s title or description: an admin with
    /// `change_info`, or in a basic group any member the permissions let.
    pub(super) fn may_change_info(&self, id: i64, user: i64) -> bool {
        let Some(g) = self.world.group(id) else {
            return false;
        };
        self.may(id, user, |r| r.change_info)
            || (g.channel.is_none()
                && g.members.contains(&user)
                && !g
                    .moderation
                    .default_banned
                    .as_ref()
                    .is_some_and(|d| d.change_info))
    }

    /// Why `user` may not post in group `id` at `now`, if they may not: restricted, or
    /// the group's permissions forbid it (admins are exempt).
    pub(super) fn write_forbidden(&self, id: i64, user: i64, now: i32) -> Option<&'static str> {
        let g = self.world.group(id)?;
        if self.rights(g, user).is_some() {
            return None;
        }
        let mute = |r: &types::ChatBannedRights| r.send_messages || r.send_plain;
        let restricted = g
            .moderation
            .bans
            .get(&user)
            .is_some_and(|b| b.holds(now) && mute(&b.rights));
        let by_default = g.moderation.default_banned.as_ref().is_some_and(mute);
        (restricted || by_default).then_some("CHAT_WRITE_FORBIDDEN")
    }

    /// Whether `user` is banned from group `id` at `now`.
    pub(super) fn is_banned(&self, id: i64, user: i64, now: i32) -> bool {
        self.world.group(id).is_some_and(|g| {
            g.moderation
                .bans
                .get(&user)
                .is_some_and(|b| b.holds(now) && b.rights.view_messages)
        })
    }

    fn edit_admin(
        &mut self,
        me: i64,
        id: i64,
        user: i64,
        rights: types::ChatAdminRights,
        rank: Option<String>,
        now: i32,
    ) -> Reply {
        let Some(g) = self.world.group(id) else {
            return error(400, "CHANNEL_INVALID");
        };
        let Some(mine) = self.rights(g, me).filter(|r| r.add_admins) else {
            return error(403, "CHAT_ADMIN_REQUIRED");
        };
        if user == g.creator {
            return error(400, "USER_CREATOR");
        }
        if !g.members.contains(&user) {
            return error(400, "USER_NOT_PARTICIPANT");
        }
        let granted = rights_list(&rights);
        if g.creator != me
            && granted
                .iter()
                .zip(rights_list(&mine))
                .any(|(&g, m)| g && !m)
        {
            return error(400, "RIGHT_FORBIDDEN");
        }
        // An admin someone else promoted is theirs to change, or the creator's.
        if let Some(admin) = g.moderation.admins.get(&user)
            && g.creator != me
            && admin.promoted_by != me
        {
            return error(400, "USER_ADMIN_INVALID");
        }
        let demote = rights == no_admin_rights();
        if !demote
            && g.moderation.admins.len() >= MAX_ADMINS
            && !g.moderation.admins.contains_key(&user)
        {
            return error(400, "ADMINS_TOO_MUCH");
        }
        let peer = self.group_peer(id);
        if let Some(m) = self.world.moderation_mut(id) {
            if demote {
                m.admins.remove(&user);
            } else {
                m.bans.remove(&user);
                m.admins.insert(
                    user,
                    Admin {
                        rights,
                        promoted_by: me,
                        date: now,
                        rank,
                    },
                );
            }
        }
        let mut answer = self.chat_only(me, peer, now);
        answer.users.extend(self.world.user(user, me));
        unique(&mut answer.users);
        // The new admin's client learns its rights from the chat.
        let theirs = self.chat_only(user, peer, now).to_bytes();
        Reply::pushing(Ok(answer.to_bytes()), vec![(user, theirs)])
    }

    fn edit_banned(
        &mut self,
        me: i64,
        id: i64,
        user: i64,
        rights: types::ChatBannedRights,
        now: i32,
    ) -> Reply {
        let Some(g) = self.world.group(id) else {
            return error(400, "CHANNEL_INVALID");
        };
        if self.rights(g, me).is_none_or(|r| !r.ban_users) {
            return error(403, "CHAT_ADMIN_REQUIRED");
        }
        if user == me || user == g.creator {
            return error(400, "USER_ADMIN_INVALID");
        }
        if let Some(admin) = g.moderation.admins.get(&user)
            && g.creator != me
            && admin.promoted_by != me
        {
            return error(400, "USER_ADMIN_INVALID");
        }
        let member = g.members.contains(&user);
        if !bans_anything(&rights) {
            self.world.set_ban(id, user, None);
            return ok(self.chat_only(me, PeerRef::Channel(id), now));
        }
        if !rights.view_messages && !member {
            return error(400, "USER_NOT_PARTICIPANT");
        }
        // As on Telegram, an end less than 30 seconds or more than 366 days away is
        // no end: the restriction is for good.
        let mut rights = rights;
        let ahead = rights.until_date.saturating_sub(now);
        if rights.until_date != 0 && !(30..=366 * 86_400).contains(&ahead) {
            rights.until_date = 0;
        }
        let kick = rights.view_messages && member;
        if let Some(m) = self.world.moderation_mut(id) {
            m.admins.remove(&user);
        }
        self.world.set_ban(
            id,
            user,
            Some(Ban {
                rights,
                kicked_by: me,
                date: now,
            }),
        );
        if kick {
            let action = enums::MessageAction::ChatDeleteUser(types::MessageActionChatDeleteUser {
                user_id: user,
            });
            return self.leave(me, id, user, action, now);
        }
        // The restricted member's client learns of it from the chat.
        let theirs = self.chat_only(user, PeerRef::Channel(id), now).to_bytes();
        Reply::pushing(
            Ok(self.chat_only(me, PeerRef::Channel(id), now).to_bytes()),
            vec![(user, theirs)],
        )
    }

    fn edit_title(&mut self, me: i64, id: i64, title: &str, now: i32) -> Reply {
        let title = title.trim();
        if title.is_empty() {
            return error(400, "CHAT_TITLE_EMPTY");
        }
        if !self.may_change_info(id, me) {
            return error(403, "CHAT_ADMIN_REQUIRED");
        }
        if self.world.group(id).is_some_and(|g| g.title == title) {
            return error(400, "CHAT_NOT_MODIFIED");
        }
        self.world.set_title(id, title);
        let peer = self.group_peer(id);
        let action = enums::MessageAction::ChatEditTitle(types::MessageActionChatEditTitle {
            title: title.to_owned(),
        });
        let (mine, pushes) = self.post_service(me, peer, action, None, now);
        let mut answer = self.chat_only(me, peer, now);
        answer.updates.extend(mine);
        Reply::pushing(Ok(answer.to_bytes()), pushes)
    }

    /// `id`'s participant entry for `user` as `viewer` sees it: `None` if they are
    /// neither a member nor restricted.
    fn participant(
        &self,
        g: &Group,
        user: i64,
        viewer: i64,
        now: i32,
    ) -> Option<enums::ChannelParticipant> {
        let member = g.members.contains(&user);
        let (date, inviter) = g
            .moderation
            .joined
            .get(&user)
            .copied()
            .unwrap_or((g.date, g.creator));
        if g.creator == user && member {
            return Some(enums::ChannelParticipant::Creator(
                types::ChannelParticipantCreator {
                    user_id: user,
                    admin_rights: enums::ChatAdminRights::ChatAdminRights(all_admin_rights()),
                    rank: None,
                },
            ));
        }
        if let Some(admin) = g.moderation.admins.get(&user).filter(|_| member) {
            return Some(enums::ChannelParticipant::Admin(
                types::ChannelParticipantAdmin {
                    can_edit: g.creator == viewer || admin.promoted_by == viewer,
                    user_id: user,
                    inviter_id: (user == viewer).then_some(inviter),
                    promoted_by: admin.promoted_by,
                    date: admin.date,
                    admin_rights: enums::ChatAdminRights::ChatAdminRights(admin.rights.clone()),
                    rank: admin.rank.clone(),
                },
            ));
        }
        if let Some(ban) = g.moderation.bans.get(&user).filter(|b| b.holds(now)) {
            return Some(enums::ChannelParticipant::Banned(
                types::ChannelParticipantBanned {
                    left: !member,
                    peer: enums::Peer::User(types::PeerUser { user_id: user }),
                    kicked_by: ban.kicked_by,
                    date: ban.date,
                    banned_rights: banned_rights(&ban.rights),
                    rank: None,
                },
            ));
        }
        if !member {
            return None;
        }
        Some(if user == viewer {
            enums::ChannelParticipant::ChannelParticipantSelf(types::ChannelParticipantSelf {
                via_request: false,
                user_id: user,
                inviter_id: inviter,
                date,
                subscription_until_date: None,
                rank: None,
            })
        } else {
            enums::ChannelParticipant::ChannelParticipant(types::ChannelParticipant {
                user_id: user,
                date,
                subscription_until_date: None,
                rank: None,
            })
        })
    }

    /// One page of `channels.getParticipants`.
    fn participants(
        &self,
        g: &Group,
        me: i64,
        filter: &enums::ChannelParticipantsFilter,
        offset: i32,
        limit: i32,
        now: i32,
    ) -> types::channels::ChannelParticipants {
        use enums::ChannelParticipantsFilter as F;
        let holding = |kicked: bool| -> Vec<i64> {
            g.moderation
                .bans
                .iter()
                .filter(|(_, b)| b.holds(now) && b.rights.view_messages == kicked)
                .map(|(&u, _)| u)
                .collect()
        };
        let (users, query): (Vec<i64>, &str) = match filter {
            F::ChannelParticipantsRecent => (g.members.clone(), ""),
            F::ChannelParticipantsAdmins => (
                g.members
                    .iter()
                    .copied()
                    .filter(|&m| m == g.creator || g.moderation.admins.contains_key(&m))
                    .collect(),
                "",
            ),
            F::ChannelParticipantsBots => (
                g.members
                    .iter()
                    .copied()
                    .filter(|&m| self.world.account(m).is_some_and(|a| a.is_bot()))
                    .collect(),
                "",
            ),
            F::ChannelParticipantsKicked(k) => (holding(true), k.q.as_str()),
            F::ChannelParticipantsBanned(b) => (holding(false), b.q.as_str()),
            F::ChannelParticipantsSearch(s) => (g.members.clone(), s.q.as_str()),
            F::ChannelParticipantsContacts(c) => (g.members.clone(), c.q.as_str()),
            F::ChannelParticipantsMentions(m) => {
                (g.members.clone(), m.q.as_deref().unwrap_or_default())
            }
        };
        let query = query.to_lowercase();
        let matching: Vec<i64> = users
            .into_iter()
            .filter(|&u| {
                query.is_empty()
                    || self.world.account(u).is_some_and(|a| {
                        a.first_name.to_lowercase().contains(&query)
                            || a.last_name
                                .as_deref()
                                .is_some_and(|l| l.to_lowercase().contains(&query))
                            || a.username
                                .as_deref()
                                .is_some_and(|n| n.to_lowercase().starts_with(&query))
                    })
            })
            .collect();
        let limit = usize::try_from(limit)
            .unwrap_or(0)
            .min(MAX_PARTICIPANTS_PAGE);
        let page: Vec<i64> = matching
            .iter()
            .copied()
            .skip(usize::try_from(offset).unwrap_or(0))
            .take(limit)
            .collect();
        let participants = page
            .iter()
            .filter_map(|&u| self.participant(g, u, me, now))
            .collect();
        let (mut users, chats) =
            self.involved(me, std::iter::empty(), Some(PeerRef::Channel(g.id)));
        users.extend(page.iter().filter_map(|&u| self.world.user(u, me)));
        unique(&mut users);
        types::channels::ChannelParticipants {
            count: matching.len() as i32,
            participants,
            chats,
            users,
        }
    }

    /// The primary invite link of group `id`, for its admins.
    fn primary_invite(&self, g: &Group, viewer: i64) -> Option<enums::ExportedChatInvite> {
        self.rights(g, viewer)?;
        let invite = self.world.invite(g.moderation.primary_invite.as_deref()?)?;
        Some(enums::ExportedChatInvite::ChatInviteExported(Box::new(
            super::invites::exported(invite),
        )))
    }

    /// `messages.chatFull` of basic group `g`.
    fn full_chat(&self, g: &Group, me: i64) -> types::messages::ChatFull {
        let participants = g
            .members
            .iter()
            .map(|&user| {
                let (date, inviter_id) = g
                    .moderation
                    .joined
                    .get(&user)
                    .copied()
                    .unwrap_or((g.date, g.creator));
                if user == g.creator {
                    enums::ChatParticipant::Creator(types::ChatParticipantCreator {
                        user_id: user,
                        rank: None,
                    })
                } else if g.moderation.admins.contains_key(&user) {
                    enums::ChatParticipant::Admin(types::ChatParticipantAdmin {
                        user_id: user,
                        inviter_id,
                        date,
                        rank: None,
                    })
                } else {
                    enums::ChatParticipant::ChatParticipant(types::ChatParticipant {
                        user_id: user,
                        inviter_id,
                        date,
                        rank: None,
                    })
                }
            })
            .collect();
        let full = types::ChatFull {
            can_set_username: false,
            has_scheduled: false,
            translations_disabled: false,
            has_welcome_messages: false,
            id: g.id,
            about: g.moderation.about.clone(),
            participants: enums::ChatParticipants::ChatParticipants(types::ChatParticipants {
                chat_id: g.id,
                participants,
                version: 1,
            }),
            chat_photo: self.group_photo(g),
            notify_settings: notify_settings(),
            exported_invite: self.primary_invite(g, me),
            bot_info: None,
            pinned_msg_id: None,
            folder_id: Some(self.world.folder_of(me, PeerRef::Chat(g.id))).filter(|&f| f != 0),
            call: None,
            ttl_period: None,
            groupcall_default_join_as: None,
            theme_emoticon: None,
            requests_pending_and_recent_requesters: None,
            available_reactions: None,
            reactions_limit: None,
        };
        let mut users: Vec<enums::User> = g
            .members
            .iter()
            .filter_map(|&u| self.world.user(u, me))
            .collect();
        unique(&mut users);
        types::messages::ChatFull {
            full_chat: enums::ChatFull::ChatFull(Box::new(full)),
            chats: vec![world::chat(g, me)],
            users,
        }
    }

    /// The photo of group `g`, full size, with the file reference handed out now.
    fn group_photo(&self, g: &Group) -> Option<enums::Photo> {
        g.photo
            .and_then(|id| self.world.document_by_id(id))
            .map(document_photo)
    }

    /// `messages.chatFull` of channel or supergroup `g`.
    fn full_channel(&self, g: &Group, me: i64) -> types::messages::ChatFull {
        let admins = 1 + g.moderation.admins.len();
        let (kicked, banned) = g.moderation.bans.values().fold((0, 0), |(k, b), ban| {
            if ban.rights.view_messages {
                (k + 1, b)
            } else {
                (k, b + 1)
            }
        });
        let is_admin = self.rights(g, me).is_some();
        let full = types::ChannelFull {
            can_view_participants: g.channel.is_some_and(|(_, b)| !b) || is_admin,
            can_set_username: g.creator == me,
            can_set_stickers: false,
            hidden_prehistory: false,
            can_set_location: false,
            has_scheduled: false,
            can_view_stats: false,
            blocked: false,
            can_delete_channel: g.creator == me,
            antispam: false,
            participants_hidden: false,
            translations_disabled: false,
            stories_pinned_available: false,
            view_forum_as_messages: false,
            restricted_sponsored: false,
            can_view_revenue: false,
            paid_media_allowed: false,
            can_view_stars_revenue: false,
            paid_reactions_available: false,
            stargifts_available: false,
            paid_messages_available: false,
            has_welcome_messages: false,
            id: g.id,
            about: g.moderation.about.clone(),
            participants_count: Some(g.members.len() as i32),
            admins_count: Some(admins as i32),
            kicked_count_and_banned_count: is_admin.then_some((kicked, banned)),
            online_count: None,
            read_inbox_max_id: 0,
            read_outbox_max_id: 0,
            unread_count: 0,
            chat_photo: self
                .group_photo(g)
                .unwrap_or(enums::Photo::Empty(types::PhotoEmpty { id: 0 })),
            notify_settings: notify_settings(),
            exported_invite: self.primary_invite(g, me),
            bot_info: vec![],
            migrated_from_chat_id_and_migrated_from_max_id: None,
            pinned_msg_id: None,
            stickerset: None,
            available_min_id: None,
            folder_id: Some(self.world.folder_of(me, PeerRef::Channel(g.id))).filter(|&f| f != 0),
            linked_chat_id: None,
            location: None,
            slowmode_seconds: None,
            slowmode_next_send_date: None,
            stats_dc: None,
            pts: self.world.channel_pts(g.id),
            call: None,
            ttl_period: None,
            pending_suggestions: None,
            groupcall_default_join_as: None,
            theme_emoticon: None,
            requests_pending_and_recent_requesters: None,
            default_send_as: None,
            available_reactions: None,
            reactions_limit: None,
            stories: None,
            wallpaper: None,
            boosts_applied: None,
            boosts_unrestrict: None,
            emojiset: None,
            bot_verification: None,
            stargifts_count: None,
            send_paid_messages_stars: None,
            main_tab: None,
            guard_bot_id: None,
        };
        let (users, chats) = self.involved(me, std::iter::empty(), Some(PeerRef::Channel(g.id)));
        types::messages::ChatFull {
            full_chat: enums::ChatFull::ChannelFull(Box::new(full)),
            chats,
            users,
        }
    }
}
