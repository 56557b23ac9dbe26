//! A session kept in memory only: gone when the process ends (export it as a string to
//! keep it).

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use crate::peers::NameMap;

use super::store::{Change, PeerKind, PeerRecord, Session, Storage, StorageError};

/// Peers kept at most by default; past that the least recently written are forgotten
/// (they are asked from the server again when needed).
pub const MEMORY_PEERS: usize = 100_000;

/// A [`Storage`] in memory.
#[derive(Debug)]
pub struct MemoryStorage {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    session: Session,
    peers: HashMap<i64, (u64, PeerRecord)>,
    /// Write order: the oldest first.
    order: BTreeMap<u64, i64>,
    next: u64,
    usernames: NameMap,
    phones: NameMap,
    limit: usize,
}

impl Default for MemoryStorage {
    fn default() -> Self {
        MemoryStorage::with_session(Session::default())
    }
}

impl MemoryStorage {
    /// An empty session.
    pub fn new() -> Self {
        MemoryStorage::default()
    }

    /// Starts from `session` (from a session string, say).
    pub fn with_session(session: Session) -> Self {
        MemoryStorage::with_limit(session, MEMORY_PEERS)
    }

    /// Starts from `session`, keeping at most `peers` peers (at least 1).
    pub fn with_limit(session: Session, peers: usize) -> Self {
        MemoryStorage {
            inner: Mutex::new(Inner {
                session,
                limit: peers.max(1),
                ..Inner::default()
            }),
        }
    }

    /// Peers held now.
    pub fn peer_count(&self) -> usize {
        self.lock().peers.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Applies a change to a session; shared by every storage that keeps a [`Session`].
pub(crate) fn apply(session: &mut Session, change: &Change) {
    match change {
        Change::Home { dc, test_mode } => {
            session.home_dc = *dc;
            session.test_mode = *test_mode;
        }
        Change::ApiId(id) => session.api_id = Some(*id),
        Change::Dc(id, dc) => {
            session.dcs.insert(*id, dc.clone());
        }
        Change::User(user) => {
            session.user_id = user.map(|u| u.0);
            session.is_bot = user.map(|u| u.1);
            if user.is_none() {
                for dc in session.dcs.values_mut() {
                    dc.authorized = false;
                }
            }
        }
        Change::DcOptions(options) => session.dc_options = options.clone(),
        Change::Updates(state) => session.updates = *state,
        Change::ChannelPts(channel, pts) => {
            session.channels.insert(*channel, *pts);
        }
        Change::Peers(_) => {}
    }
}

/// Merges a newly seen record into a stored one: a `min` record (access hash 0 on a
/// peer that needs one) keeps the stored hash.
pub(crate) fn merge_peer(old: Option<&PeerRecord>, new: PeerRecord) -> PeerRecord {
    let mut merged = new;
    if let Some(old) = old {
        let needs_hash = !matches!(merged.kind, PeerKind::Group);
        if needs_hash && merged.access_hash == 0 {
            merged.access_hash = old.access_hash;
        }
        if merged.phone.is_none() {
            merged.phone = old.phone.clone();
        }
    }
    merged
}

impl Inner {
    fn put_peer(&mut self, record: PeerRecord) {
        let old = self.peers.remove(&record.id);
        if let Some((seq, old)) = &old {
            self.order.remove(seq);
            for name in &old.usernames {
                self.usernames.remove(&name.to_lowercase());
            }
            if let Some(phone) = &old.phone {
                self.phones.remove(phone);
            }
        }
        let merged = merge_peer(old.as_ref().map(|(_, r)| r), record);
        for name in &merged.usernames {
            self.usernames.insert(name.to_lowercase(), merged.id);
        }
        if let Some(phone) = &merged.phone {
            self.phones.insert(phone.clone(), merged.id);
        }
        let seq = self.next;
        self.next += 1;
        self.order.insert(seq, merged.id);
        self.peers.insert(merged.id, (seq, merged));
        while self.peers.len() > self.limit {
            let Some((_, id)) = self.order.pop_first() else {
                break;
            };
            if let Some((_, gone)) = self.peers.remove(&id) {
                for name in &gone.usernames {
                    self.usernames.remove(&name.to_lowercase());
                }
                if let Some(phone) = &gone.phone {
                    self.phones.remove(phone);
                }
            }
        }
    }

    fn by_id(&self, id: Option<&i64>) -> Option<PeerRecord> {
        id.and_then(|id| self.peers.get(id)).map(|(_, r)| r.clone())
    }
}

impl Storage for MemoryStorage {
    fn load(&self) -> Result<Session, StorageError> {
        Ok(self.lock().session.clone())
    }

    fn save(&self, change: Change) -> Result<(), StorageError> {
        let mut inner = self.lock();
        if let Change::Peers(peers) = change {
            for peer in peers {
                inner.put_peer(peer);
            }
        } else {
            apply(&mut inner.session, &change);
        }
        Ok(())
    }

    fn flush(&self) -> Result<(), StorageError> {
        Ok(())
    }

    fn peer_by_id(&self, id: i64) -> Result<Option<PeerRecord>, StorageError> {
        Ok(self.lock().by_id(Some(&id)))
    }

    fn peer_by_username(&self, username: &str) -> Result<Option<PeerRecord>, StorageError> {
        let inner = self.lock();
        Ok(inner.by_id(inner.usernames.get(&username.to_lowercase())))
    }

    fn peer_by_phone(&self, phone: &str) -> Result<Option<PeerRecord>, StorageError> {
        let inner = self.lock();
        Ok(inner.by_id(inner.phones.get(phone)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: i64, hash: i64, name: &str) -> PeerRecord {
        PeerRecord {
            id,
            access_hash: hash,
            kind: PeerKind::User,
            usernames: vec![name.into()],
            phone: None,
            updated_at: 0,
        }
    }

    #[test]
    fn a_min_record_keeps_the_known_hash_and_names_move() {
        let storage = MemoryStorage::new();
        storage
            .save(Change::Peers(vec![user(5, 77, "old")]))
            .unwrap();
        storage
            .save(Change::Peers(vec![user(5, 0, "new")]))
            .unwrap();
        let got = storage.peer_by_id(5).unwrap().unwrap();
        assert_eq!(got.access_hash, 77);
        assert_eq!(storage.peer_by_username("NEW").unwrap().unwrap().id, 5);
        assert_eq!(storage.peer_by_username("old").unwrap(), None);
    }

    #[test]
    fn past_the_limit_the_oldest_peer_goes() {
        let storage = MemoryStorage::with_limit(Session::default(), 2);
        for id in 1..=3 {
            storage
                .save(Change::Peers(vec![user(id, id, &format!("u{id}"))]))
                .unwrap();
        }
        assert_eq!(storage.peer_count(), 2);
        assert_eq!(storage.peer_by_id(1).unwrap(), None);
        assert_eq!(storage.peer_by_username("u1").unwrap(), None);
        assert!(storage.peer_by_id(3).unwrap().is_some());
    }

    #[test]
    fn signing_out_clears_authorizations_and_keeps_keys() {
        let storage = MemoryStorage::new();
        let key = crate::proto::crypto::message::AuthKey::new([3; 256]);
        let dc = super::super::store::DcSession {
            address: None,
            auth_key: Some(key.clone()),
            authorized: true,
        };
        storage.save(Change::Dc(2, dc)).unwrap();
        storage.save(Change::User(Some((9, false)))).unwrap();
        storage.save(Change::User(None)).unwrap();
        let session = storage.load().unwrap();
        assert_eq!(session.user_id, None);
        assert!(!session.dcs[&2].authorized);
        assert_eq!(session.dcs[&2].auth_key, Some(key));
    }
}
