//! A set of users or chats, named by id or username, that can change while the client
//! runs: the state behind [`user`](super::user) and [`chat`](super::chat).

use std::collections::HashSet;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// A user or chat as a set names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PeerKey {
    /// A Bot-API id (users positive, groups `-id`, channels `-100…`).
    Id(i64),
    /// A username, without `@`, compared without regard to case.
    Username(String),
    /// The signed-in account (`"me"` or `"self"`).
    Me,
}

impl From<i64> for PeerKey {
    fn from(id: i64) -> Self {
        PeerKey::Id(id)
    }
}

impl From<&str> for PeerKey {
    fn from(name: &str) -> Self {
        let name = name.trim().trim_start_matches('@');
        if name.eq_ignore_ascii_case("me") || name.eq_ignore_ascii_case("self") {
            return PeerKey::Me;
        }
        match name.parse::<i64>() {
            Ok(id) => PeerKey::Id(id),
            Err(_) => PeerKey::Username(name.to_lowercase()),
        }
    }
}

impl From<String> for PeerKey {
    fn from(name: String) -> Self {
        PeerKey::from(name.as_str())
    }
}

impl From<&String> for PeerKey {
    fn from(name: &String) -> Self {
        PeerKey::from(name.as_str())
    }
}

#[derive(Debug, Default)]
struct Keys {
    ids: HashSet<i64>,
    usernames: HashSet<String>,
    me: bool,
}

/// Users or chats by id or username; clones share the set, so a handle kept aside can
/// [`add`](PeerSet::add) and [`remove`](PeerSet::remove) while the filter is in use.
#[derive(Debug, Clone, Default)]
pub struct PeerSet {
    keys: Arc<RwLock<Keys>>,
}

impl PeerSet {
    /// A set of `peers`.
    pub fn new<K: Into<PeerKey>>(peers: impl IntoIterator<Item = K>) -> Self {
        let set = PeerSet::default();
        for peer in peers {
            set.add(peer);
        }
        set
    }

    fn read(&self) -> RwLockReadGuard<'_, Keys> {
        self.keys.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Keys> {
        self.keys.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds `peer`; whether it was new.
    pub fn add(&self, peer: impl Into<PeerKey>) -> bool {
        let mut keys = self.write();
        match peer.into() {
            PeerKey::Id(id) => keys.ids.insert(id),
            PeerKey::Username(name) => keys.usernames.insert(name),
            PeerKey::Me => !std::mem::replace(&mut keys.me, true),
        }
    }

    /// Removes `peer`; whether it was there.
    pub fn remove(&self, peer: impl Into<PeerKey>) -> bool {
        let mut keys = self.write();
        match peer.into() {
            PeerKey::Id(id) => keys.ids.remove(&id),
            PeerKey::Username(name) => keys.usernames.remove(&name),
            PeerKey::Me => std::mem::replace(&mut keys.me, false),
        }
    }

    /// Whether `peer` is in the set as it was named.
    pub fn contains(&self, peer: impl Into<PeerKey>) -> bool {
        let keys = self.read();
        match peer.into() {
            PeerKey::Id(id) => keys.ids.contains(&id),
            PeerKey::Username(name) => keys.usernames.contains(&name),
            PeerKey::Me => keys.me,
        }
    }

    /// How many ids, usernames and "me" the set holds.
    pub fn len(&self) -> usize {
        let keys = self.read();
        keys.ids.len() + keys.usernames.len() + usize::from(keys.me)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether a peer with this id and username (and, for "me", being the signed-in
    /// account) is in the set by any of its names.
    pub fn matches(&self, id: i64, username: Option<&str>, is_self: bool) -> bool {
        let keys = self.read();
        (keys.me && is_self)
            || keys.ids.contains(&id)
            || username.is_some_and(|name| keys.usernames.contains(&name.to_lowercase()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_as_people_write_them() {
        assert_eq!(PeerKey::from("@Durov"), PeerKey::Username("durov".into()));
        assert_eq!(PeerKey::from("-100123"), PeerKey::Id(-100123));
        assert_eq!(PeerKey::from("me"), PeerKey::Me);
        assert_eq!(PeerKey::from("SELF"), PeerKey::Me);
        assert_eq!(PeerKey::from(42), PeerKey::Id(42));
    }

    #[test]
    fn a_handle_changes_the_set_all_clones_see() {
        let set = PeerSet::new([PeerKey::from(1), PeerKey::from("@alice")]);
        let handle = set.clone();
        assert!(set.matches(1, None, false));
        assert!(set.matches(2, Some("ALICE"), false));
        assert!(!set.matches(3, Some("bob"), false));
        assert!(handle.add("bob"));
        assert!(!handle.add("@Bob"));
        assert!(set.matches(3, Some("bob"), false));
        assert!(handle.remove(1));
        assert!(!handle.remove(1));
        assert!(!set.matches(1, None, false));
        assert!(!set.matches(9, None, true));
        handle.add("me");
        assert!(set.matches(9, None, true));
        assert_eq!(set.len(), 3);
        assert!(!PeerSet::default().matches(0, Some(""), true));
    }
}
