//! What happens around messages: typing (`messages.setTyping`), online status
//! (`account.updateStatus`), reactions (`messages.sendReaction`) and pins
//! (`messages.updatePinnedMessage`), and the updates each pushes.

use oxigram_tl::{Deserialize, Identifiable, Serialize, enums, functions, types};

use super::bots::updates_of;
use super::posting::new_message;
use super::{ApiState, Reply, Request, decode, error, me, ok, unique};
use crate::world::{PeerRef, StoredMessage, emoji_reaction, reactions};

/// Seconds an account that said it is online stays so without saying it again.
pub const ONLINE_FOR: i32 = 300;
/// Bytes of a reaction's emoji.
const MAX_EMOJI: usize = 32;

impl ApiState {
    /// Answers the typing, reaction and pin methods of `messages.*`.
    pub(super) fn activity(&mut self, req: &Request<'_>) -> Reply {
        let &Request { now, .. } = req;
        match req.id {
            functions::messages::SetTyping::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::SetTyping);
                let Some(peer) = self.resolve_peer(me, &r.peer) else {
                    return error(400, "PEER_ID_INVALID");
                };
                let from_id = enums::Peer::User(types::PeerUser { user_id: me });
                let (update, to) = match peer {
                    PeerRef::User(u) => (
                        enums::Update::UserTyping(types::UpdateUserTyping {
                            user_id: me,
                            top_msg_id: r.top_msg_id,
                            action: r.action,
                        }),
                        vec![u],
                    ),
                    PeerRef::Chat(id) => (
                        enums::Update::ChatUserTyping(types::UpdateChatUserTyping {
                            chat_id: id,
                            from_id,
                            action: r.action,
                        }),
                        self.members_of(id),
                    ),
                    PeerRef::Channel(id) => {
                        if !self.members_of(id).contains(&me) {
                            return error(400, "CHANNEL_PRIVATE");
                        }
                        if self.is_broadcast(id) {
                            // Nobody sees who types in a broadcast channel.
                            return ok(true);
                        }
                        (
                            enums::Update::ChannelUserTyping(Box::new(
                                types::UpdateChannelUserTyping {
                                    channel_id: id,
                                    top_msg_id: r.top_msg_id,
                                    from_id,
                                    action: r.action,
                                },
                            )),
                            self.members_of(id),
                        )
                    }
                };
                let short = types::UpdateShort { update, date: now }.to_bytes();
                let pushes = to
                    .into_iter()
                    .filter(|&u| u != me)
                    .map(|u| (u, short.clone()))
                    .collect();
                Reply::pushing(Ok(true.to_bytes()), pushes)
            }
            functions::messages::SendReaction::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::SendReaction);
                let Some(peer) = self.resolve_peer(me, &r.peer) else {
                    return error(400, "PEER_ID_INVALID");
                };
                let emoji = match r.reaction.as_deref().unwrap_or_default() {
                    [] => None,
                    [enums::Reaction::Emoji(e)]
                        if !e.emoticon.is_empty() && e.emoticon.len() <= MAX_EMOJI =>
                    {
                        Some(e.emoticon.clone())
                    }
                    _ => return error(400, "REACTION_INVALID"),
                };
                if let PeerRef::Channel(id) = peer
                    && !self.members_of(id).contains(&me)
                {
                    return error(400, "CHANNEL_PRIVATE");
                }
                let (copies, before) = match self.world.react(me, peer, r.msg_id, emoji.as_deref())
                {
                    Ok(done) => done,
                    Err(e) => return error(400, &e.to_string()),
                };
                if copies.is_empty() {
                    return error(400, "MESSAGE_ID_INVALID");
                }
                let message = copies[0].1.clone();
                let mut recipients: Vec<(i64, StoredMessage)> = match peer {
                    PeerRef::Channel(id) => self
                        .members_of(id)
                        .into_iter()
                        .map(|m| (m, message.clone()))
                        .collect(),
                    _ => copies,
                };
                recipients.sort_by_key(|(owner, _)| *owner != me);
                let mut answer = None;
                let mut pushes = Vec::new();
                for (owner, m) in recipients {
                    let is_bot = self.world.account(owner).is_some_and(|a| a.is_bot());
                    let update = if is_bot && owner != me {
                        // Bots hear of reactions as their own, qts-counted update.
                        let old = before.iter().map(|e| emoji_reaction(e)).collect();
                        let new = emoji.iter().map(|e| emoji_reaction(e)).collect();
                        self.world.push_qts(owner, |qts| {
                            enums::Update::BotMessageReaction(types::UpdateBotMessageReaction {
                                peer: m.peer.tl(),
                                msg_id: m.id,
                                date: now,
                                actor: enums::Peer::User(types::PeerUser { user_id: me }),
                                old_reactions: old,
                                new_reactions: new,
                                qts,
                            })
                        })
                    } else {
                        enums::Update::MessageReactions(Box::new(types::UpdateMessageReactions {
                            peer: m.peer.tl(),
                            msg_id: m.id,
                            top_msg_id: None,
                            saved_peer_id: None,
                            reactions: reactions(&m, owner).unwrap_or_else(no_reactions),
                        }))
                    };
                    let (mut users, chats) = self.involved(owner, std::iter::empty(), Some(m.peer));
                    users.extend(self.world.user(me, owner));
                    unique(&mut users);
                    let body = updates_of(update, users, chats, now);
                    if owner == me {
                        answer = Some(body);
                    } else {
                        pushes.push((owner, body));
                    }
                }
                let answer = answer.unwrap_or_else(|| updates_of_none(now));
                Reply::pushing(Ok(answer), pushes)
            }
            functions::messages::UpdatePinnedMessage::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::UpdatePinnedMessage);
                let Some(peer) = self.resolve_peer(me, &r.peer) else {
                    return error(400, "PEER_ID_INVALID");
                };
                if let PeerRef::Channel(id) = peer
                    && !self.is_admin(id, me)
                {
                    return error(403, "CHAT_ADMIN_REQUIRED");
                }
                let pinned = !r.unpin;
                let changed = match self.world.pin(me, peer, r.id, pinned, r.pm_oneside) {
                    Ok(changed) => changed,
                    Err(e) => return error(400, &e.to_string()),
                };
                let mut updates_for: Vec<(i64, enums::Update)> = Vec::new();
                for (owner, m, pts) in changed {
                    let update = match peer {
                        PeerRef::Channel(id) => enums::Update::PinnedChannelMessages(
                            types::UpdatePinnedChannelMessages {
                                pinned,
                                channel_id: id,
                                messages: vec![m.id],
                                pts,
                                pts_count: 1,
                            },
                        ),
                        _ => enums::Update::PinnedMessages(types::UpdatePinnedMessages {
                            pinned,
                            peer: m.peer.tl(),
                            messages: vec![m.id],
                            pts,
                            pts_count: 1,
                        }),
                    };
                    match peer {
                        PeerRef::Channel(id) => updates_for
                            .extend(self.members_of(id).into_iter().map(|u| (u, update.clone()))),
                        _ => updates_for.push((owner, update)),
                    }
                }
                // Pinning for everyone posts "pinned a message", replying to it.
                if pinned && !(r.pm_oneside && matches!(peer, PeerRef::User(_))) {
                    let action = enums::MessageAction::PinMessage;
                    let delivered = self.world.post(
                        peer,
                        &crate::world::Post {
                            from: me,
                            date: now,
                            action: Some(action),
                            reply_to: Some(r.id),
                            ..crate::world::Post::default()
                        },
                    );
                    let all = std::iter::once((me, delivered.sent.clone()))
                        .chain(delivered.others.iter().cloned());
                    for (owner, m) in all {
                        updates_for.push((owner, new_message(&self.world, peer, &m, owner)));
                    }
                }
                let mut answer = types::Updates {
                    updates: vec![],
                    users: vec![],
                    chats: vec![],
                    date: now,
                    seq: 0,
                };
                let mut pushes = Vec::new();
                let mut owners: Vec<i64> = updates_for.iter().map(|(o, _)| *o).collect();
                owners.sort_unstable();
                owners.dedup();
                for owner in owners {
                    let updates: Vec<enums::Update> = updates_for
                        .iter()
                        .filter(|(o, _)| *o == owner)
                        .map(|(_, u)| u.clone())
                        .collect();
                    let (mut users, chats) = self.involved(owner, std::iter::empty(), Some(peer));
                    users.extend(self.world.user(me, owner));
                    unique(&mut users);
                    let u = types::Updates {
                        updates,
                        users,
                        chats,
                        date: now,
                        seq: 0,
                    };
                    if owner == me {
                        answer = u;
                    } else {
                        pushes.push((owner, u.to_bytes()));
                    }
                }
                Reply::pushing(Ok(answer.to_bytes()), pushes)
            }
            _ => super::not_implemented(req.id),
        }
    }

    /// `account.updateStatus`: `me` is online (for [`ONLINE_FOR`] seconds) or offline
    /// from `now`; the users who share a chat with `me` get `updateUserStatus`.
    pub(super) fn update_status(&mut self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let r = decode!(req, functions::account::UpdateStatus);
        let status = self.world.set_online(me, !r.offline, req.now, ONLINE_FOR);
        let Some(status) = status else {
            // Bots have no status.
            return ok(true);
        };
        let update = types::UpdateShort {
            update: enums::Update::UserStatus(types::UpdateUserStatus {
                user_id: me,
                status,
            }),
            date: req.now,
        }
        .to_bytes();
        let pushes = self
            .world
            .shares_chat_with(me)
            .into_iter()
            .filter(|&u| !self.world.account(u).is_some_and(|a| a.is_bot()))
            .map(|u| (u, update.clone()))
            .collect();
        Reply::pushing(Ok(true.to_bytes()), pushes)
    }

    /// The members of group `id`.
    pub(super) fn members_of(&self, id: i64) -> Vec<i64> {
        self.world
            .group(id)
            .map(|g| g.members.clone())
            .unwrap_or_default()
    }
}

/// `messageReactions` with none.
fn no_reactions() -> enums::MessageReactions {
    enums::MessageReactions::MessageReactions(types::MessageReactions {
        min: false,
        can_see_list: false,
        reactions_as_tags: false,
        results: vec![],
        recent_reactions: None,
        top_reactors: None,
    })
}

/// `updates` with nothing in it.
fn updates_of_none(date: i32) -> Vec<u8> {
    types::Updates {
        updates: vec![],
        users: vec![],
        chats: vec![],
        date,
        seq: 0,
    }
    .to_bytes()
}
