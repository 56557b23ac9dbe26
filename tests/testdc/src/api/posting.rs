//! Posting a message or creating a group, and the updates that go to everyone concerned.

use oxigram_tl::{Serialize, enums, types};

use super::{ApiState, Reply, error, unique};
use crate::world::{Delivered, PeerRef, Post, StoredMessage, World};

/// The update announcing message `m` of `to` to `owner`: `updateNewChannelMessage` for
/// channels, `updateNewMessage` otherwise.
pub(super) fn new_message(
    world: &World,
    to: PeerRef,
    m: &StoredMessage,
    owner: i64,
) -> enums::Update {
    let message = world.message(m, owner);
    match to {
        PeerRef::Channel(_) => enums::Update::NewChannelMessage(types::UpdateNewChannelMessage {
            message,
            pts: m.pts,
            pts_count: 1,
        }),
        _ => enums::Update::NewMessage(types::UpdateNewMessage {
            message,
            pts: m.pts,
            pts_count: 1,
        }),
    }
}

impl ApiState {
    /// Sends a private message as `from` (the test API's injection).
    pub fn send_message(&mut self, from: i64, to: i64, text: &str, now: i32) -> Reply {
        let post = Post {
            from,
            text,
            date: now,
            ..Post::default()
        };
        self.post_message(from, PeerRef::User(to), &post, 0, true)
    }

    /// Sends a private message as `from` from a device no client here runs (the
    /// account's phone): as on Telegram, the sender's own sessions get the message too,
    /// outgoing, besides the recipient's.
    /// Returns the pushes.
    pub fn send_message_elsewhere(
        &mut self,
        from: i64,
        to: i64,
        text: &str,
        now: i32,
    ) -> Vec<(i64, Vec<u8>)> {
        let post = Post {
            from,
            text,
            date: now,
            ..Post::default()
        };
        let to = PeerRef::User(to);
        let delivered = self.world.post(to, &post);
        let mut pushes = self.push_delivered(to, &delivered, now);
        let (users, chats) = self.involved(from, [&delivered.sent].into_iter(), Some(to));
        let own = types::Updates {
            updates: vec![new_message(&self.world, to, &delivered.sent, from)],
            users,
            chats,
            date: now,
            seq: 0,
        };
        pushes.push((from, own.to_bytes()));
        pushes
    }

    /// Posts a message as `me` to `to`, checking the right to write there. The sender's
    /// answer is `updateShortSentMessage` when `short` (sendMessage to a private chat or
    /// a basic group) and `updates` with the message otherwise; every other account
    /// concerned gets `updates` with the new message.
    pub(super) fn post_message(
        &mut self,
        me: i64,
        to: PeerRef,
        post: &Post<'_>,
        random_id: i64,
        short: bool,
    ) -> Reply {
        if let Some(refused) = self.world.block_refusal(me, to) {
            return error(400, refused);
        }
        if let PeerRef::Chat(id) | PeerRef::Channel(id) = to {
            let Some(g) = self.world.group(id) else {
                return error(400, "PEER_ID_INVALID");
            };
            if !g.members.contains(&me) {
                return error(403, "CHAT_WRITE_FORBIDDEN");
            }
            if g.channel.is_some_and(|(_, broadcast)| broadcast)
                && self.rights(g, me).is_none_or(|r| !r.post_messages)
            {
                return error(403, "CHAT_ADMIN_REQUIRED");
            }
            if let Some(refused) = self.write_forbidden(id, me, post.date) {
                return error(403, refused);
            }
        }
        let delivered = self.world.post(to, post);
        let pushes = self.push_delivered(to, &delivered, post.date);
        let sent = &delivered.sent;
        let answer = if short && !matches!(to, PeerRef::Channel(_)) {
            types::UpdateShortSentMessage {
                out: true,
                id: sent.id,
                pts: sent.pts,
                pts_count: 1,
                date: post.date,
                media: None,
                entities: None,
                ttl_period: None,
            }
            .to_bytes()
        } else {
            let (users, chats) = self.involved(me, [sent].into_iter(), Some(to));
            types::Updates {
                updates: vec![
                    enums::Update::MessageID(types::UpdateMessageID {
                        id: sent.id,
                        random_id,
                    }),
                    new_message(&self.world, to, sent, me),
                ],
                users,
                chats,
                date: post.date,
                seq: 0,
            }
            .to_bytes()
        };
        Reply {
            result: Ok(answer),
            pushes,
            key_pushes: Vec::new(),
            deferred: None,
            answers: Vec::new(),
        }
    }

    /// The `updates` every account but the sender gets for a message just delivered.
    pub(super) fn push_delivered(
        &self,
        to: PeerRef,
        delivered: &Delivered,
        date: i32,
    ) -> Vec<(i64, Vec<u8>)> {
        let mut pushes = Vec::new();
        for (owner, m) in &delivered.others {
            let (users, chats) = self.involved(*owner, [m].into_iter(), Some(to));
            let update = types::Updates {
                updates: vec![new_message(&self.world, to, m, *owner)],
                users,
                chats,
                date,
                seq: 0,
            };
            pushes.push((*owner, update.to_bytes()));
        }
        pushes
    }

    /// Posts a service message (`action`) as `actor` to `to`, which `actor` need not be
    /// in (a user who just left). Returns the update for `actor`'s answer (`None` when
    /// `actor` keeps no copy) and the pushes to everyone else.
    pub(super) fn post_service(
        &mut self,
        actor: i64,
        to: PeerRef,
        action: enums::MessageAction,
        reply_to: Option<i32>,
        date: i32,
    ) -> (Option<enums::Update>, Vec<(i64, Vec<u8>)>) {
        let post = Post {
            from: actor,
            date,
            action: Some(action),
            reply_to,
            ..Post::default()
        };
        let delivered = self.world.post(to, &post);
        let pushes = self.push_delivered(to, &delivered, date);
        let mine = (delivered.sent.from == actor && delivered.sent.out
            || matches!(to, PeerRef::Channel(_)))
        .then(|| new_message(&self.world, to, &delivered.sent, actor));
        (mine, pushes)
    }

    /// `messages.invitedUsers` for a group just made or joined: the chat for its
    /// creator, and the same `updates` pushed to every other member.
    pub(super) fn group_created(&mut self, me: i64, id: i64, now: i32) -> Reply {
        let members = self
            .world
            .group(id)
            .map(|g| g.members.clone())
            .unwrap_or_default();
        let mut pushes = Vec::new();
        for &m in members.iter().filter(|&&m| m != me) {
            pushes.push((m, self.chat_only(m, PeerRef::Chat(id), now).to_bytes()));
        }
        let (mut users, chats) = self.involved(me, std::iter::empty(), Some(PeerRef::Chat(id)));
        users.extend(members.iter().filter_map(|&u| self.world.user(u, me)));
        unique(&mut users);
        let answer = types::messages::InvitedUsers {
            updates: enums::Updates::Updates(types::Updates {
                updates: vec![],
                users,
                chats,
                date: now,
                seq: 0,
            }),
            missing_invitees: vec![],
        };
        Reply {
            result: Ok(answer.to_bytes()),
            pushes,
            key_pushes: Vec::new(),
            deferred: None,
            answers: Vec::new(),
        }
    }
}
