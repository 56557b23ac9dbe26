//! Members joining, leaving and being removed: `messages.addChatUser` /
//! `deleteChatUser` (basic groups) and `channels.inviteToChannel` / `joinChannel` /
//! `leaveChannel` (bans: `chat_admin`). Each posts the service message Telegram posts (none in
//! broadcast channels) and tells the bots in the group with `updateChatParticipant` /
//! `updateChannelParticipant`, which advance their qts.

use oxigram_tl::{Deserialize, Identifiable, Serialize, enums, functions, types};

use super::bots::updates_of;
use super::{ApiState, Reply, Request, decode, error, me, unique};
use crate::world::PeerRef;

/// A change of one user's membership, for the participant updates.
#[derive(Debug, Clone, Copy)]
pub(super) struct MemberChange {
    pub(super) group: i64,
    pub(super) actor: i64,
    pub(super) user: i64,
    /// Member before / after.
    pub(super) was: bool,
    pub(super) is: bool,
    /// Removed by an admin (banned), not left.
    pub(super) kicked: bool,
    pub(super) date: i32,
}

impl ApiState {
    /// Answers the membership methods of `messages.*`; others go on to the next module.
    pub(super) fn members(&mut self, req: &Request<'_>) -> Reply {
        let &Request { now, .. } = req;
        match req.id {
            functions::messages::AddChatUser::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::AddChatUser);
                let Some(g) = self.world.group(r.chat_id).filter(|g| g.channel.is_none()) else {
                    return error(400, "CHAT_ID_INVALID");
                };
                if !g.members.contains(&me) {
                    return error(400, "CHAT_ID_INVALID");
                }
                let Some(user) = self.resolve_user(me, &r.user_id) else {
                    return error(400, "USER_ID_INVALID");
                };
                if g.members.contains(&user) {
                    return error(400, "USER_ALREADY_PARTICIPANT");
                }
                let action = enums::MessageAction::ChatAddUser(types::MessageActionChatAddUser {
                    users: vec![user],
                });
                let updates = self.join(me, r.chat_id, &[user], action, now);
                invited(updates)
            }
            functions::messages::DeleteChatUser::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::DeleteChatUser);
                let Some(g) = self.world.group(r.chat_id).filter(|g| g.channel.is_none()) else {
                    return error(400, "CHAT_ID_INVALID");
                };
                let Some(user) = self.resolve_user(me, &r.user_id) else {
                    return error(400, "USER_ID_INVALID");
                };
                if !g.members.contains(&me) {
                    return error(400, "CHAT_ID_INVALID");
                }
                if user != me && g.creator != me {
                    return error(400, "CHAT_ADMIN_REQUIRED");
                }
                if !g.members.contains(&user) {
                    return error(400, "USER_NOT_PARTICIPANT");
                }
                let action =
                    enums::MessageAction::ChatDeleteUser(types::MessageActionChatDeleteUser {
                        user_id: user,
                    });
                self.leave(me, r.chat_id, user, action, now)
            }
            _ => self.invites(req),
        }
    }

    /// Answers the membership methods of `channels.*`; others are not implemented.
    pub(super) fn channel_members(&mut self, req: &Request<'_>) -> Reply {
        let &Request { now, .. } = req;
        match req.id {
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
                if users.len() > 200 {
                    return error(400, "USERS_TOO_MUCH");
                }
                let members = self.world.group(id).map(|g| g.members.clone());
                let mut users: Vec<i64> = users
                    .into_iter()
                    .filter(|u| !members.as_ref().is_some_and(|m| m.contains(u)))
                    .collect();
                users.dedup();
                let action = enums::MessageAction::ChatAddUser(types::MessageActionChatAddUser {
                    users: users.clone(),
                });
                invited(self.join(me, id, &users, action, now))
            }
            functions::channels::JoinChannel::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::channels::JoinChannel);
                let Some(id) = self.input_channel(&r.channel) else {
                    return error(400, "CHANNEL_INVALID");
                };
                if self
                    .world
                    .group(id)
                    .is_some_and(|g| g.members.contains(&me))
                {
                    return error(400, "USER_ALREADY_PARTICIPANT");
                }
                if self.is_banned(id, me, now) {
                    return error(400, "USER_BANNED_IN_CHANNEL");
                }
                let action = enums::MessageAction::ChatAddUser(types::MessageActionChatAddUser {
                    users: vec![me],
                });
                let updates = self.join(me, id, &[me], action, now);
                Reply::pushing(
                    Ok(types::messages::ChatInviteJoinResultOk {
                        updates: enums::Updates::Updates(updates.0),
                    }
                    .to_bytes()),
                    updates.1,
                )
            }
            functions::channels::LeaveChannel::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::channels::LeaveChannel);
                let Some(id) = self.input_channel(&r.channel) else {
                    return error(400, "CHANNEL_INVALID");
                };
                if !self
                    .world
                    .group(id)
                    .is_some_and(|g| g.members.contains(&me))
                {
                    return error(400, "USER_NOT_PARTICIPANT");
                }
                let action =
                    enums::MessageAction::ChatDeleteUser(types::MessageActionChatDeleteUser {
                        user_id: me,
                    });
                self.leave(me, id, me, action, now)
            }
            _ => super::not_implemented(req.id),
        }
    }

    /// Adds `users` to group `id` as `actor`: the service message (`action`; none in
    /// broadcast channels or when nobody is added) and the participant updates. Returns
    /// the actor's `updates` and the pushes.
    pub(super) fn join(
        &mut self,
        actor: i64,
        id: i64,
        users: &[i64],
        action: enums::MessageAction,
        now: i32,
    ) -> (types::Updates, Vec<(i64, Vec<u8>)>) {
        let added = self.world.add_members(id, users);
        self.world.note_joined(id, &added, actor, now);
        let peer = self.group_peer(id);
        let mut pushes = Vec::new();
        let mut updates = Vec::new();
        if !added.is_empty() && !self.is_broadcast(id) {
            let (mine, service) = self.post_service(actor, peer, action, None, now);
            updates.extend(mine);
            pushes.extend(service);
        }
        for &user in &added {
            if let PeerRef::Channel(channel_id) = peer
                && user != actor
            {
                // Telegram tells the new member of the channel itself.
                let (users, chats) = self.involved(user, std::iter::empty(), Some(peer));
                let update = enums::Update::Channel(types::UpdateChannel { channel_id });
                pushes.push((user, updates_of(update, users, chats, now)));
            }
            let change = MemberChange {
                group: id,
                actor,
                user,
                was: false,
                is: true,
                kicked: false,
                date: now,
            };
            pushes.extend(self.participant_updates(change));
        }
        let (mut users, chats) = self.involved(actor, std::iter::empty(), Some(peer));
        users.extend(added.iter().filter_map(|&u| self.world.user(u, actor)));
        unique(&mut users);
        let answer = types::Updates {
            updates,
            users,
            chats,
            date: now,
            seq: 0,
        };
        (answer, pushes)
    }

    /// Removes `user` from group `id` (`actor` is the user leaving, or the admin removing
    /// them): the service message, posted while the user is still a member so that they
    /// see it too, and the participant updates. Answers `actor` with `updates`.
    pub(super) fn leave(
        &mut self,
        actor: i64,
        id: i64,
        user: i64,
        action: enums::MessageAction,
        now: i32,
    ) -> Reply {
        let peer = self.group_peer(id);
        let mut pushes = Vec::new();
        let mut updates = Vec::new();
        if !self.is_broadcast(id) {
            let (mine, service) = self.post_service(actor, peer, action, None, now);
            updates.extend(mine);
            pushes.extend(service);
        }
        self.world.remove_member(id, user);
        self.world.note_left(id, user);
        let change = MemberChange {
            group: id,
            actor,
            user,
            was: true,
            is: false,
            kicked: actor != user,
            date: now,
        };
        pushes.extend(self.participant_updates(change));
        let (users, chats) = self.involved(actor, std::iter::empty(), Some(peer));
        Reply::pushing(
            Ok(types::Updates {
                updates,
                users,
                chats,
                date: now,
                seq: 0,
            }
            .to_bytes()),
            pushes,
        )
    }

    /// `updateChatParticipant` / `updateChannelParticipant` (each advancing its
    /// recipient's qts) for the bots in the group and the bot whose membership changed.
    pub(super) fn participant_updates(&mut self, c: MemberChange) -> Vec<(i64, Vec<u8>)> {
        let Some(g) = self.world.group(c.group).cloned() else {
            return Vec::new();
        };
        let mut bots: Vec<i64> = g
            .members
            .iter()
            .chain([&c.user])
            .copied()
            .filter(|&m| self.world.account(m).is_some_and(|a| a.is_bot()))
            .collect();
        bots.sort_unstable();
        bots.dedup();
        let peer = self.group_peer(c.group);
        let mut pushes = Vec::new();
        for bot in bots {
            let update = if g.channel.is_none() {
                let participant = |user: i64| {
                    if user == g.creator {
                        enums::ChatParticipant::Creator(types::ChatParticipantCreator {
                            user_id: user,
                            rank: None,
                        })
                    } else {
                        enums::ChatParticipant::ChatParticipant(types::ChatParticipant {
                            user_id: user,
                            inviter_id: c.actor,
                            date: c.date,
                            rank: None,
                        })
                    }
                };
                self.world.push_qts(bot, |qts| {
                    enums::Update::ChatParticipant(Box::new(types::UpdateChatParticipant {
                        chat_id: c.group,
                        date: c.date,
                        actor_id: c.actor,
                        user_id: c.user,
                        prev_participant: c.was.then(|| participant(c.user)),
                        new_participant: c.is.then(|| participant(c.user)),
                        invite: None,
                        qts,
                    }))
                })
            } else {
                let member =
                    enums::ChannelParticipant::ChannelParticipant(types::ChannelParticipant {
                        user_id: c.user,
                        date: c.date,
                        subscription_until_date: None,
                        rank: None,
                    });
                let user_peer = enums::Peer::User(types::PeerUser { user_id: c.user });
                let gone = if c.kicked {
                    enums::ChannelParticipant::Banned(types::ChannelParticipantBanned {
                        left: true,
                        peer: user_peer,
                        kicked_by: c.actor,
                        date: c.date,
                        banned_rights: enums::ChatBannedRights::ChatBannedRights(
                            types::ChatBannedRights {
                                view_messages: true,
                                ..crate::world::nothing_banned()
                            },
                        ),
                        rank: None,
                    })
                } else {
                    enums::ChannelParticipant::Left(types::ChannelParticipantLeft {
                        peer: user_peer,
                    })
                };
                let (prev, new) = match (c.was, c.is) {
                    (false, true) => (None, Some(member)),
                    (true, false) => (Some(member), Some(gone)),
                    _ => (Some(member.clone()), Some(member)),
                };
                self.world.push_qts(bot, |qts| {
                    enums::Update::ChannelParticipant(Box::new(types::UpdateChannelParticipant {
                        via_chatlist: false,
                        channel_id: c.group,
                        date: c.date,
                        actor_id: c.actor,
                        user_id: c.user,
                        prev_participant: prev,
                        new_participant: new,
                        invite: None,
                        qts,
                    }))
                })
            };
            let (mut users, chats) = self.involved(bot, std::iter::empty(), Some(peer));
            users.extend(
                [c.actor, c.user]
                    .iter()
                    .filter_map(|&u| self.world.user(u, bot)),
            );
            unique(&mut users);
            pushes.push((bot, updates_of(update, users, chats, c.date)));
        }
        pushes
    }

    /// The peer of group `id`: a channel or a basic group.
    pub(super) fn group_peer(&self, id: i64) -> PeerRef {
        match self.world.group(id).and_then(|g| g.channel) {
            Some(_) => PeerRef::Channel(id),
            None => PeerRef::Chat(id),
        }
    }

    /// Whether group `id` is a broadcast channel.
    pub(super) fn is_broadcast(&self, id: i64) -> bool {
        self.world
            .group(id)
            .and_then(|g| g.channel)
            .is_some_and(|(_, broadcast)| broadcast)
    }
}

/// `messages.invitedUsers` carrying `updates`.
fn invited((updates, pushes): (types::Updates, Vec<(i64, Vec<u8>)>)) -> Reply {
    let answer = types::messages::InvitedUsers {
        updates: enums::Updates::Updates(updates),
        missing_invitees: vec![],
    };
    Reply::pushing(Ok(answer.to_bytes()), pushes)
}
