//! The users and chats an update came with, with the peer cache behind them: how a
//! high-level value finds the peers its raw update only names by id.

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
        }
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
