//! Invite links and join requests: `messages.exportChatInvite`, `checkChatInvite`,
//! `importChatInvite` (`INVITE_REQUEST_SENT` when an admin must approve) and
//! `hideChatJoinRequest`. A group's admins are its creator and the bots in it (the test
//! DC keeps no finer admin rights): bots hear of requests with
//! `updateBotChatInviteRequester` (qts), users with `updatePendingJoinRequests`.

use oxigram_tl::{Deserialize, Identifiable, Serialize, enums, functions, types};

use super::bots::updates_of;
use super::{ApiState, Reply, Request, decode, error, me, ok, unique};
use crate::world::{self, Invite, PeerRef};

/// How many requesters `updatePendingJoinRequests` names (Telegram shows a few).
const RECENT_REQUESTERS: usize = 3;

impl ApiState {
    /// Answers the invite methods of `messages.*`; others go on to the next module.
    pub(super) fn invites(&mut self, req: &Request<'_>) -> Reply {
        let &Request { now, .. } = req;
        match req.id {
            functions::messages::ExportChatInvite::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::ExportChatInvite);
                let Some(PeerRef::Chat(id) | PeerRef::Channel(id)) = self.resolve_peer(me, &r.peer)
                else {
                    return error(400, "PEER_ID_INVALID");
                };
                if !self.is_admin(id, me) {
                    return error(403, "CHAT_ADMIN_REQUIRED");
                }
                if r.usage_limit.is_some_and(|l| !(1..=99_999).contains(&l)) {
                    return error(400, "USAGE_LIMIT_INVALID");
                }
                if r.expire_date.is_some_and(|e| e <= now) {
                    return error(400, "EXPIRE_DATE_INVALID");
                }
                let invite = self.world.export_invite(id, me, r.request_needed, now);
                let Some(stored) = self.world.invite_mut(&invite.hash) else {
                    return error(500, "INVITE_LOST");
                };
                stored.expire_date = r.expire_date;
                stored.usage_limit = r.usage_limit;
                stored.title = r.title;
                stored.permanent = r.legacy_revoke_permanent;
                let invite = stored.clone();
                if r.legacy_revoke_permanent {
                    // A new primary link revokes the one before.
                    let old = self
                        .world
                        .moderation_mut(id)
                        .and_then(|m| m.primary_invite.replace(invite.hash.clone()));
                    if let Some(old) = old.and_then(|h| self.world.invite_mut(&h)) {
                        old.revoked = true;
                    }
                }
                ok(exported(&invite))
            }
            functions::messages::CheckChatInvite::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::CheckChatInvite);
                let Some(invite) = self.world.invite(invite_hash(&r.hash)).cloned() else {
                    return error(400, "INVITE_HASH_EXPIRED");
                };
                let Some(g) = self.world.group(invite.group) else {
                    return error(400, "INVITE_HASH_EXPIRED");
                };
                if !invite.usable(now) {
                    return error(400, "INVITE_HASH_EXPIRED");
                }
                if g.members.contains(&me) {
                    return ok(types::ChatInviteAlready {
                        chat: world::chat(g, me),
                    });
                }
                let broadcast = g.channel.is_some_and(|(_, b)| b);
                ok(types::ChatInvite {
                    channel: g.channel.is_some(),
                    broadcast,
                    public: g.username.is_some(),
                    megagroup: g.channel.is_some() && !broadcast,
                    request_needed: invite.request_needed,
                    verified: false,
                    scam: false,
                    fake: false,
                    can_refulfill_subscription: false,
                    title: g.title.clone(),
                    about: Some(g.moderation.about.clone()).filter(|a| !a.is_empty()),
                    photo: enums::Photo::Empty(types::PhotoEmpty { id: 0 }),
                    participants_count: g.members.len() as i32,
                    participants: None,
                    color: 0,
                    subscription_pricing: None,
                    subscription_form_id: None,
                    bot_verification: None,
                })
            }
            functions::messages::ImportChatInvite::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::ImportChatInvite);
                let Some(invite) = self.world.invite(invite_hash(&r.hash)).cloned() else {
                    return error(400, "INVITE_HASH_EXPIRED");
                };
                let Some(g) = self.world.group(invite.group) else {
                    return error(400, "INVITE_HASH_EXPIRED");
                };
                if g.members.contains(&me) {
                    return error(400, "USER_ALREADY_PARTICIPANT");
                }
                if !invite.usable(now) {
                    return error(400, "INVITE_HASH_EXPIRED");
                }
                if self.is_banned(invite.group, me, now) {
                    return error(400, "USER_BANNED_IN_CHANNEL");
                }
                if invite.request_needed {
                    if !self.world.request_join(&invite, me, now) {
                        return error(400, "INVITE_REQUEST_SENT");
                    }
                    let mut pushes = self.requester_updates(&invite, me, now);
                    pushes.extend(self.pending_requests(invite.group, now));
                    return Reply::pushing(
                        Err(super::RpcError::new(400, "INVITE_REQUEST_SENT")),
                        pushes,
                    );
                }
                let action =
                    enums::MessageAction::ChatJoinedByLink(types::MessageActionChatJoinedByLink {
                        inviter_id: invite.admin,
                    });
                if let Some(used) = self.world.invite_mut(&invite.hash) {
                    used.usage += 1;
                }
                let (updates, pushes) = self.join(me, invite.group, &[me], action, now);
                Reply::pushing(
                    Ok(types::messages::ChatInviteJoinResultOk {
                        updates: enums::Updates::Updates(updates),
                    }
                    .to_bytes()),
                    pushes,
                )
            }
            functions::messages::HideChatJoinRequest::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::HideChatJoinRequest);
                let Some(PeerRef::Chat(id) | PeerRef::Channel(id)) = self.resolve_peer(me, &r.peer)
                else {
                    return error(400, "PEER_ID_INVALID");
                };
                let Some(user) = self.resolve_user(me, &r.user_id) else {
                    return error(400, "USER_ID_INVALID");
                };
                if !self.is_admin(id, me) {
                    return error(403, "CHAT_ADMIN_REQUIRED");
                }
                if self.world.take_join_request(id, user).is_none() {
                    return error(400, "HIDE_REQUESTER_MISSING");
                }
                let mut pushes = Vec::new();
                let mut answer = self.chat_only(me, self.group_peer(id), now);
                if r.approved {
                    // The service message is the joining user's, as on Telegram.
                    let action = enums::MessageAction::ChatJoinedByRequest;
                    let (mut theirs, joined) = self.join(user, id, &[user], action, now);
                    // The user asked long ago: they are told of the chat, then of the
                    // service message.
                    if let PeerRef::Channel(channel_id) = self.group_peer(id) {
                        theirs.updates.insert(
                            0,
                            enums::Update::Channel(types::UpdateChannel { channel_id }),
                        );
                    }
                    pushes.push((user, theirs.to_bytes()));
                    for (to, body) in joined {
                        // What the approving admin would be pushed is its answer.
                        match (to == me, enums::Updates::from_bytes(&body)) {
                            (true, Ok(enums::Updates::Updates(u))) => {
                                answer.updates.extend(u.updates);
                                answer.users.extend(u.users);
                                answer.chats.extend(u.chats);
                            }
                            _ => pushes.push((to, body)),
                        }
                    }
                    unique(&mut answer.users);
                    unique(&mut answer.chats);
                }
                pushes.extend(self.pending_requests(id, now));
                Reply::pushing(Ok(answer.to_bytes()), pushes)
            }
            _ => self.activity(req),
        }
    }

    /// Whether `user` administers group `id`: its creator, or a bot in it.
    pub(super) fn is_admin(&self, id: i64, user: i64) -> bool {
        self.world.group(id).is_some_and(|g| {
            g.creator == user
                || (g.members.contains(&user) && g.moderation.admins.contains_key(&user))
                || (g.members.contains(&user)
                    && self.world.account(user).is_some_and(|a| a.is_bot()))
        })
    }

    /// `updateBotChatInviteRequester` (advancing each bot's qts) for the bots that
    /// administer the invite's group.
    fn requester_updates(&mut self, invite: &Invite, user: i64, now: i32) -> Vec<(i64, Vec<u8>)> {
        let bots: Vec<i64> = self
            .world
            .group(invite.group)
            .map(|g| g.members.clone())
            .unwrap_or_default()
            .into_iter()
            .filter(|&m| self.world.account(m).is_some_and(|a| a.is_bot()))
            .collect();
        let peer = self.group_peer(invite.group);
        let mut pushes = Vec::new();
        for bot in bots {
            let update = self.world.push_qts(bot, |qts| {
                enums::Update::BotChatInviteRequester(types::UpdateBotChatInviteRequester {
                    peer: peer.tl(),
                    date: now,
                    user_id: user,
                    about: String::new(),
                    invite: enums::ExportedChatInvite::ChatInviteExported(Box::new(exported(
                        invite,
                    ))),
                    qts,
                    query_id: None,
                })
            });
            let (mut users, chats) = self.involved(bot, std::iter::empty(), Some(peer));
            users.extend(self.world.user(user, bot));
            unique(&mut users);
            pushes.push((bot, updates_of(update, users, chats, now)));
        }
        pushes
    }

    /// `updatePendingJoinRequests` for the users (not bots) who administer group `id`.
    fn pending_requests(&self, id: i64, now: i32) -> Vec<(i64, Vec<u8>)> {
        let Some(g) = self.world.group(id) else {
            return Vec::new();
        };
        let requests = self.world.join_requests(id);
        let recent: Vec<i64> = requests
            .iter()
            .rev()
            .take(RECENT_REQUESTERS)
            .map(|r| r.user)
            .collect();
        let peer = self.group_peer(id);
        let update = enums::Update::PendingJoinRequests(types::UpdatePendingJoinRequests {
            peer: peer.tl(),
            requests_pending: requests.len() as i32,
            recent_requesters: recent.clone(),
        });
        let admins = [g.creator]
            .into_iter()
            .filter(|&a| !self.world.account(a).is_some_and(|a| a.is_bot()));
        admins
            .map(|admin| {
                let (mut users, chats) = self.involved(admin, std::iter::empty(), Some(peer));
                users.extend(recent.iter().filter_map(|&u| self.world.user(u, admin)));
                unique(&mut users);
                (admin, updates_of(update.clone(), users, chats, now))
            })
            .collect()
    }
}

/// The hash of an invite link given whole (`https://t.me/+HASH`, `t.me/joinchat/HASH`)
/// or as the hash alone.
fn invite_hash(link: &str) -> &str {
    let tail = link.rsplit('/').next().unwrap_or(link);
    tail.trim_start_matches('+')
}

/// The TL invite.
pub(super) fn exported(invite: &Invite) -> types::ChatInviteExported {
    types::ChatInviteExported {
        revoked: invite.revoked,
        permanent: invite.permanent,
        request_needed: invite.request_needed,
        link: format!("https://t.me/+{}", invite.hash),
        admin_id: invite.admin,
        date: invite.date,
        start_date: None,
        expire_date: invite.expire_date,
        usage_limit: invite.usage_limit,
        usage: Some(invite.usage).filter(|&u| u > 0),
        requested: None,
        subscription_expired: None,
        title: invite.title.clone(),
        subscription_pricing: None,
    }
}
