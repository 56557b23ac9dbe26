//! A set of users, changeable while the client runs: updates from them.

use super::peer_set::{PeerKey, PeerSet};
use crate::dispatch::filter::{Check, Filter, impl_ops};
use crate::types::{
    CallbackQuery, ChatJoinRequest, ChatMemberUpdated, ChosenInlineResult, InlineQuery, Message,
    User,
};

/// Updates from a set of users; clones share the set ([`Users::set`] changes it while
/// the filter is in use). Made by [`user`].
#[derive(Debug, Clone, Default)]
pub struct Users(PeerSet);

/// Updates from these users (ids, usernames, or `"me"`): `filters::user(["@alice", "me"])`.
/// Keep a clone to change the set later: `admins.set().add(42)`.
pub fn user<K: Into<PeerKey>>(users: impl IntoIterator<Item = K>) -> Users {
    Users(PeerSet::new(users))
}

impl Users {
    /// The set, to add or remove users while the filter runs.
    pub fn set(&self) -> &PeerSet {
        &self.0
    }

    fn has(&self, user: Option<&User>) -> bool {
        user.is_some_and(|u| self.0.matches(u.id(), u.username(), u.is_self()))
    }
}

impl Filter<Message> for Users {
    fn check<'a>(&'a self, m: &'a Message) -> Check<'a> {
        Check::Ready(self.has(m.from_user()))
    }
}

impl Filter<CallbackQuery> for Users {
    fn check<'a>(&'a self, q: &'a CallbackQuery) -> Check<'a> {
        Check::Ready(self.has(Some(q.from_user())))
    }
}

impl Filter<InlineQuery> for Users {
    fn check<'a>(&'a self, q: &'a InlineQuery) -> Check<'a> {
        Check::Ready(self.has(Some(q.from_user())))
    }
}

impl Filter<ChosenInlineResult> for Users {
    fn check<'a>(&'a self, r: &'a ChosenInlineResult) -> Check<'a> {
        Check::Ready(self.has(Some(r.from_user())))
    }
}

impl Filter<ChatMemberUpdated> for Users {
    fn check<'a>(&'a self, u: &'a ChatMemberUpdated) -> Check<'a> {
        Check::Ready(self.has(Some(u.from_user())))
    }
}

impl Filter<ChatJoinRequest> for Users {
    fn check<'a>(&'a self, r: &'a ChatJoinRequest) -> Check<'a> {
        Check::Ready(self.has(Some(r.from_user())))
    }
}

impl_ops! { [] Users; }
