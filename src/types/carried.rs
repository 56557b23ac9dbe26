//! The users and chats an update came with, with the peer cache behind them: how a
//! high-level value finds the peers its raw update only names by id.

use std::cell::RefCell;
use std::sync::Arc;

use super::chat::{self, Chat};
use super::user::User;
use crate::Client;
use crate::peers::BareId;
use crate::storage::PeerKind;
use crate::tl::enums;

/// Finds users and chats first among those an update carries, then in the peer cache,
/// and otherwise makes one from the id alone (never failing: a handler always gets at
/// least the id).
pub(crate) struct Carried<'a> {
    pub(crate) client: &'a Client,
    users: &'a [enums::User],
    chats: &'a [enums::Chat],
    pub(crate) self_id: Option<i64>,
    /// The users and chats made so far, shared by the values made from this update or
    /// answer (a history page names the same few peers on every message). It lives as
    /// long as the `Carried`, and holds at most one entry per peer the update names.
    made: RefCell<Made>,
}

#[derive(Default)]
struct Made {
    users: Vec<(i64, Arc<User>)>,
    chats: Vec<(BareId, Arc<Chat>)>,
}

impl<'a> Carried<'a> {
    pub(crate) fn new(
        client: &'a Client,
        users: &'a [enums::User],
        chats: &'a [enums::Chat],
    ) -> Self {
        Carried {
            client,
            users,
            chats,
            self_id: client.user_id(),
            made: RefCell::default(),
        }
    }

    /// The user with this id, made once per `Carried` and shared.
    pub(crate) fn shared_user(&self, id: i64) -> Arc<User> {
        if let Some((_, user)) = self.made.borrow().users.iter().find(|(u, _)| *u == id) {
            return user.clone();
        }
        let user = Arc::new(self.user(id));
        self.made.borrow_mut().users.push((id, user.clone()));
        user
    }

    /// The chat `peer` names, made once per `Carried` and shared.
    pub(crate) fn shared_chat(&self, peer: &enums::Peer) -> Arc<Chat> {
        let bare = BareId::from(peer);
        if let Some((_, chat)) = self.made.borrow().chats.iter().find(|(c, _)| *c == bare) {
            return chat.clone();
        }
        let chat = Arc::new(self.chat_of(bare));
        self.made.borrow_mut().chats.push((bare, chat.clone()));
        chat
    }

    /// The user with this id.
    pub(crate) fn user(&self, id: i64) -> User {
        let carried = self.users.iter().find(|u| match u {
            enums::User::User(u) => u.id == id,
            enums::User::Empty(u) => u.id == id,
        });
        if let Some(user) = carried.filter(|u| matches!(u, enums::User::User(_))) {
            return User::from_raw(user, self.self_id);
        }
        match self.cached(id) {
            Some(record) if matches!(record.kind, PeerKind::User | PeerKind::Bot) => {
                User::from_record(&record, self.self_id)
            }
            _ => User::unknown(id, self.self_id),
        }
    }

    /// The chat `peer` names.
    pub(crate) fn chat(&self, peer: &enums::Peer) -> Chat {
        self.chat_of(BareId::from(peer))
    }

    /// The chat with this bare id.
    pub(crate) fn chat_of(&self, bare: BareId) -> Chat {
        self.unbound_chat(bare).bound(self.client)
    }

    fn unbound_chat(&self, bare: BareId) -> Chat {
        if let BareId::User(id) = bare {
            return Chat::from_user(&self.user(id));
        }
        if let Some(chat) = self.chats.iter().find(|c| chat::is_peer(c, bare)) {
            return Chat::from_raw(chat);
        }
        match self.cached(bare.to_bot_api()) {
            Some(record) => Chat::from_record(&record),
            None => Chat::unknown(bare),
        }
    }

    /// The peer cache's record, if any; a storage failure is logged and read as
    /// "not cached", since the id alone still makes a value.
    fn cached(&self, id: i64) -> Option<crate::storage::PeerRecord> {
        match self.client.inner.peers.get(id) {
            Ok(record) => record,
            Err(e) => {
                tracing::warn!(%e, id, "peer cache lookup failed; using the id alone");
                None
            }
        }
    }
}
