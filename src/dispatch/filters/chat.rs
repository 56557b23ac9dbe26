//! Filters on the chat an update belongs to: its kind, or a set of chats.

use super::flags::message_filter;
use super::peer_set::{PeerKey, PeerSet};
use crate::dispatch::filter::{Check, Filter, impl_ops};
use crate::types::{
    CallbackQuery, Chat, ChatJoinRequest, ChatKind, ChatMemberUpdated, DeletedMessages, Message,
};

message_filter! {
    /// In a private chat (with a user or a bot).
    private: Private = |m| matches!(m.chat().kind(), ChatKind::Private | ChatKind::Bot);
    /// In a group or supergroup.
    group: Group = |m| matches!(m.chat().kind(), ChatKind::Group | ChatKind::Supergroup);
    /// In a broadcast channel.
    channel: Channel = |m| m.chat().kind() == ChatKind::Channel;
}

/// Updates of a set of chats; clones share the set ([`Chats::set`] changes it while the
/// filter is in use). Made by [`chat`].
#[derive(Debug, Clone, Default)]
pub struct Chats(PeerSet);

/// Updates of these chats (Bot-API ids, usernames, or `"me"` for Saved Messages):
/// `filters::chat([-1001234567890])`. Keep a clone to change the set later:
/// `admins.set().add("@new_chat")`.
pub fn chat<K: Into<PeerKey>>(chats: impl IntoIterator<Item = K>) -> Chats {
    Chats(PeerSet::new(chats))
}

impl Chats {
    /// The set, to add or remove chats while the filter runs.
    pub fn set(&self) -> &PeerSet {
        &self.0
    }

    fn has(&self, chat: Option<&Chat>, self_id: Option<i64>) -> bool {
        chat.is_some_and(|c| {
            self.0
                .matches(c.id(), c.username(), self_id.is_some_and(|me| me == c.id()))
        })
    }
}

impl Filter<Message> for Chats {
    fn check<'a>(&'a self, m: &'a Message) -> Check<'a> {
        Check::Ready(self.has(Some(m.chat()), m.client().user_id()))
    }
}

impl Filter<CallbackQuery> for Chats {
    fn check<'a>(&'a self, q: &'a CallbackQuery) -> Check<'a> {
        Check::Ready(self.has(q.chat(), q.client().user_id()))
    }
}

impl Filter<ChatMemberUpdated> for Chats {
    fn check<'a>(&'a self, u: &'a ChatMemberUpdated) -> Check<'a> {
        Check::Ready(self.has(Some(u.chat()), u.client().user_id()))
    }
}

impl Filter<ChatJoinRequest> for Chats {
    fn check<'a>(&'a self, r: &'a ChatJoinRequest) -> Check<'a> {
        Check::Ready(self.has(Some(r.chat()), r.client().user_id()))
    }
}

impl Filter<DeletedMessages> for Chats {
    fn check<'a>(&'a self, d: &'a DeletedMessages) -> Check<'a> {
        Check::Ready(self.has(d.chat(), d.client().user_id()))
    }
}

impl_ops! { [] Chats; }
