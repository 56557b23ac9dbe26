//! Resolving the peers a request names, and gathering the users and chats an answer
//! must carry.

use oxigram_tl::{enums, types};

use super::ApiState;
use crate::world::{self, PeerRef};

impl ApiState {
    /// The users and chats a client needs to show `messages` (and `extra`): senders,
    /// private peers, groups, and the viewer.
    pub(super) fn involved<'m>(
        &self,
        viewer: i64,
        messages: impl Iterator<Item = &'m crate::world::StoredMessage>,
        extra: Option<PeerRef>,
    ) -> (Vec<enums::User>, Vec<enums::Chat>) {
        let mut users = vec![viewer];
        let mut groups = Vec::new();
        let mut note = |peer: PeerRef| match peer {
            PeerRef::User(u) => users.push(u),
            PeerRef::Chat(g) | PeerRef::Channel(g) => groups.push(g),
        };
        if let Some(peer) = extra {
            note(peer);
        }
        let mut senders = Vec::new();
        for m in messages {
            note(m.peer);
            senders.push(m.from);
            if let Some((from, _)) = m.forwarded {
                senders.push(from);
            }
        }
        users.extend(senders);
        users.sort();
        users.dedup();
        groups.sort();
        groups.dedup();
        (
            users
                .iter()
                .filter_map(|&u| self.world.user(u, viewer))
                .collect(),
            groups
                .iter()
                .filter_map(|&g| self.world.group(g))
                .map(|g| world::chat(g, viewer))
                .collect(),
        )
    }

    pub(super) fn resolve_user(&self, me: i64, input: &enums::InputUser) -> Option<i64> {
        match input {
            enums::InputUser::InputUserSelf => Some(me),
            enums::InputUser::InputUser(u) => self
                .world
                .account_with_hash(u.user_id, u.access_hash)
                .map(|a| a.id),
            _ => None,
        }
    }

    pub(super) fn resolve_peer(&self, me: i64, input: &enums::InputPeer) -> Option<PeerRef> {
        match input {
            enums::InputPeer::InputPeerSelf => Some(PeerRef::User(me)),
            enums::InputPeer::User(u) => self
                .world
                .account_with_hash(u.user_id, u.access_hash)
                .map(|a| PeerRef::User(a.id)),
            enums::InputPeer::Chat(c) => self
                .world
                .group(c.chat_id)
                .filter(|g| g.channel.is_none() && g.members.contains(&me))
                .map(|g| PeerRef::Chat(g.id)),
            enums::InputPeer::Channel(c) => self
                .channel(c.channel_id, c.access_hash)
                .map(PeerRef::Channel),
            _ => None,
        }
    }

    /// Every user of `inputs`, or `None` if one does not resolve.
    pub(super) fn resolve_users(&self, me: i64, inputs: &[enums::InputUser]) -> Option<Vec<i64>> {
        inputs.iter().map(|u| self.resolve_user(me, u)).collect()
    }

    /// `updates` carrying nothing but a chat (and its users), as creating or joining one
    /// answers.
    pub(super) fn chat_only(&self, viewer: i64, chat: PeerRef, now: i32) -> types::Updates {
        let (users, chats) = self.involved(viewer, std::iter::empty(), Some(chat));
        types::Updates {
            updates: vec![],
            users,
            chats,
            date: now,
            seq: 0,
        }
    }

    pub(super) fn input_channel(&self, input: &enums::InputChannel) -> Option<i64> {
        match input {
            enums::InputChannel::InputChannel(c) => self.channel(c.channel_id, c.access_hash),
            _ => None,
        }
    }

    /// A channel by id, if `access_hash` is its own.
    pub(super) fn channel(&self, id: i64, access_hash: i64) -> Option<i64> {
        self.world
            .group(id)
            .filter(|g| g.channel.is_some_and(|(hash, _)| hash == access_hash))
            .map(|g| g.id)
    }
}
