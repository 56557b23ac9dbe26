//! [`PeerCache`]: a bounded in-memory front over the peers a [`Storage`] keeps.

use std::collections::hash_map::Entry as MapEntry;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::carries::CarriesPeers;
use super::record::Seen;
use crate::storage::{Change, PeerRecord, Storage, StorageError};

/// Peers held in memory by default: about 2 MB of records and indexes.
pub const DEFAULT_CAPACITY: usize = 20_000;

/// How long a username stays trusted by default (mtcute also uses a day; Pyrogram 8 hours).
pub const DEFAULT_USERNAME_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// How a [`PeerCache`] is bounded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PeerCacheConfig {
    /// Peers held in memory (at least 1). Past it, the least recently used go (see
    /// [`PeerCache`]); they stay in storage.
    pub capacity: usize,
    /// A record's usernames older than this are not trusted for a lookup by username:
    /// usernames change hands, so the caller resolves the name again.
    pub username_ttl: Duration,
}

impl Default for PeerCacheConfig {
    fn default() -> Self {
        PeerCacheConfig {
            capacity: DEFAULT_CAPACITY,
            username_ttl: DEFAULT_USERNAME_TTL,
        }
    }
}

/// The time source: unix seconds.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

fn system_clock() -> i64 {
    // A clock set before 1970 is a broken host, not an error of ours: records then look
    // old, so usernames get resolved again, which is safe.
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Every user, chat and channel seen, in memory in front of the [`Storage`] that keeps
/// them between runs.
///
/// [`PeerCache::remember`] takes any answer or update that [carries peers](CarriesPeers),
/// and writes to storage only the records that changed, in one [`Change::Peers`] per
/// answer. A peer seen again in the same form is recognised by a 63-bit fingerprint of
/// that form kept beside its id, without reading its record: no allocation and no write
/// (the `peer_cache` bench measures this against decoding the answer). Lookups by id,
/// username or phone ask memory first, then storage (and keep what storage found in
/// memory).
///
/// # Bound and eviction
///
/// At most [`PeerCacheConfig::capacity`] records are held in memory. Past it, the oldest
/// record not used since it was last passed over goes (the "second chance" or CLOCK
/// policy: an approximation of least-recently-used at O(1) per insertion). A record is
/// used when a lookup returns it or an answer carries it again. Evicted records stay in
/// storage, so evicting costs a storage lookup later, never a peer.
///
/// # Access hashes and `min` peers
///
/// A `min` user or channel (seen in a group or a forward, without its full data) has no
/// usable access hash: it is recorded with 0, which never replaces a known hash, in
/// memory as in storage.
///
/// # Usernames
///
/// Usernames change hands: a lookup by username trusts a record only if it was written
/// less than [`PeerCacheConfig::username_ttl`] ago. A record still seen in answers is
/// rewritten once half that time has passed (noticed within another eighth of it), so
/// usernames of active peers stay trusted.
pub struct PeerCache {
    storage: Arc<dyn Storage>,
    capacity: usize,
    username_ttl: i64,
    clock: Clock,
    memory: Mutex<Memory>,
}

#[derive(Debug, Default)]
struct Memory {
    /// What recognising a known peer reads, apart from the records so that its table
    /// stays small (24 bytes a peer) and more of it stays in the CPU caches.
    peers: HashMap<i64, Slot, BuildHasherDefault<IdHasher>>,
    /// The records, by the same ids as `peers`: read only for a peer that changed or a
    /// lookup.
    records: HashMap<i64, PeerRecord, BuildHasherDefault<IdHasher>>,
    /// Every id in `peers` once, oldest insertion first: the CLOCK hand's order.
    ring: VecDeque<i64>,
    usernames: NameMap,
    phones: NameMap,
    self_id: Option<i64>,
    /// `remember`'s working list (id, stamp, needs a closer look), kept between
    /// answers up to [`SCRATCH_KEPT`] entries.
    scratch: Vec<(i64, u64, bool)>,
}

/// Ids by username or phone. The keys come from other users, who pick them, so the
/// hasher is seeded (once per process, per map); foldhash costs a fraction of SipHash,
/// which was the largest item of remembering peers met for the first time.
pub(crate) type NameMap = HashMap<String, i64, foldhash::fast::RandomState>;

/// Entries of `remember`'s working list kept between answers (24 bytes each): more than
/// any common answer carries.
const SCRATCH_KEPT: usize = 4096;

/// All that recognising a known peer reads: 8 bytes, so that a bucket of the map (with
/// its key) is 16 and a large cache's table stays small in the CPU caches.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// The stamp (fingerprint and [period](period_salt)) of the form last seen and the period it was last found fresh
    /// in (0 if it came from storage), its lowest bit replaced by [`USED`].
    print: u64,
}

/// The bit of [`Slot::print`] that says "used since the CLOCK hand last passed". The
/// stamp keeps 63 bits, which is as good for telling forms apart.
const USED: u64 = 1;

impl Slot {
    /// A slot not used yet.
    fn new(stamp: u64) -> Slot {
        Slot {
            print: stamp & !USED,
        }
    }

    /// Whether `stamp` is that of the form last seen, in the same period.
    fn seen_as(&self, stamp: u64) -> bool {
        (self.print ^ stamp) & !USED == 0
    }

    fn set_stamp(&mut self, stamp: u64) {
        self.print = (stamp & !USED) | (self.print & USED);
    }

    fn used(&self) -> bool {
        self.print & USED != 0
    }

    fn mark_used(&mut self) {
        // Written only when it changes: a clean cache line costs no write-back.
        if !self.used() {
            self.print |= USED;
        }
    }

    fn clear_used(&mut self) {
        self.print &= !USED;
    }
}

/// Periods a username expiry is cut into for [`period_salt`].
const PERIODS_PER_TTL: i64 = 8;

/// What a form's [fingerprint](Seen::fingerprint) is xored with to make its stamp: the
/// period `now` falls in, an eighth of the username expiry long.
///
/// A slot's stamp is set when its record is found fresh (written less than half the
/// expiry ago), so a peer whose stamp matches was fresh at most a period ago: recognising
/// it needs no date, and the date stays with the record. At the next period every peer
/// takes the closer look once (no write unless its record is due), so an active peer's
/// record is rewritten between a half and five eighths of the expiry after it was
/// written, and its usernames stay trusted.
fn period_salt(now: i64, username_ttl: i64) -> u64 {
    let period = now.div_euclid((username_ttl / PERIODS_PER_TTL).max(1));
    // An odd multiplier maps distinct periods to distinct words; the shift keeps the
    // difference of neighbouring periods out of the `USED` bit.
    (period as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) << 1
}

/// Hashes the map's keys, ids the server hands out, with one multiplication: SipHash's
/// protection against chosen keys is not needed for them, and it costs more than the
/// rest of recognising a known peer.
#[derive(Debug, Default, Clone, Copy)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        let h = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
        // hashbrown takes its bucket from the low bits and its tag from the top 7.
        self.0 = h ^ (h >> 32);
    }

    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
}

impl PeerCache {
    /// A cache over `storage` with the default bounds.
    pub fn new(storage: Arc<dyn Storage>) -> Self {
        PeerCache::with_config(storage, PeerCacheConfig::default())
    }

    /// A cache over `storage` bounded by `config`.
    pub fn with_config(storage: Arc<dyn Storage>, config: PeerCacheConfig) -> Self {
        PeerCache {
            storage,
            capacity: config.capacity.max(1),
            username_ttl: i64::try_from(config.username_ttl.as_secs()).unwrap_or(i64::MAX),
            clock: Arc::new(system_clock),
            memory: Mutex::new(Memory::default()),
        }
    }

    /// Replaces the clock (unix seconds) used to date records and expire usernames.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    // Getters.

    /// Records held in memory now (storage may hold more).
    pub fn len(&self) -> usize {
        self.lock().peers.len()
    }

    /// Whether memory holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The signed-in account's id, if set.
    pub fn self_id(&self) -> Option<i64> {
        self.lock().self_id
    }

    /// The storage behind the cache.
    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.storage
    }

    /// The peer with this Bot-API-style id, from memory or else storage.
    pub fn get(&self, id: i64) -> Result<Option<PeerRecord>, StorageError> {
        let mut memory = self.lock();
        if let Some(record) = memory.touch(id) {
            return Ok(Some(record.clone()));
        }
        let found = self.storage.peer_by_id(id)?;
        if let Some(record) = &found {
            memory.put(record.clone(), 0, self.capacity);
        }
        Ok(found)
    }

    /// The peer with this username (any case, with or without `@`), if its usernames are
    /// younger than the expiry; `None` means "resolve it with the server".
    pub fn by_username(&self, username: &str) -> Result<Option<PeerRecord>, StorageError> {
        let name = username
            .strip_prefix('@')
            .unwrap_or(username)
            .to_ascii_lowercase();
        let fresh_after = (self.clock)().saturating_sub(self.username_ttl);
        let mut memory = self.lock();
        if let Some(id) = memory.usernames.get(&name).copied()
            && let Some(record) = memory.touch(id)
        {
            return Ok((record.updated_at > fresh_after).then(|| record.clone()));
        }
        let found = self.storage.peer_by_username(&name)?;
        let Some(record) = found.filter(|r| r.usernames.contains(&name)) else {
            return Ok(None);
        };
        let fresh = record.updated_at > fresh_after;
        // Memory may hold this id under other names (it moved): memory is as new as
        // storage, so only a record memory lacks is taken.
        if memory.peers.contains_key(&record.id) {
            return Ok(None);
        }
        memory.put(record.clone(), 0, self.capacity);
        Ok(fresh.then_some(record))
    }

    /// The user with this phone number (digits, any separators), from memory or else
    /// storage.
    pub fn by_phone(&self, phone: &str) -> Result<Option<PeerRecord>, StorageError> {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        let mut memory = self.lock();
        if let Some(id) = memory.phones.get(&digits).copied()
            && let Some(record) = memory.touch(id)
        {
            return Ok(Some(record.clone()));
        }
        let found = self.storage.peer_by_phone(&digits)?;
        if let Some(record) = &found
            && !memory.peers.contains_key(&record.id)
        {
            memory.put(record.clone(), 0, self.capacity);
        }
        Ok(found)
    }

    // Mutators.

    /// Sets the signed-in account's id (`None` once signed out), so that naming it by id
    /// gives `inputPeerSelf`.
    pub fn set_self_id(&self, id: Option<i64>) {
        self.lock().self_id = id;
    }

    /// Learns the users and chats `answer` carries: memory takes every change, and
    /// storage gets the changed records in one [`Change::Peers`]. Returns how many were
    /// written.
    ///
    /// Memory is updated even if storage fails; the error says the records may be lost
    /// at exit.
    pub fn remember<A: CarriesPeers + ?Sized>(&self, answer: &A) -> Result<usize, StorageError> {
        let peers = answer.peers();
        if peers.is_empty() {
            return Ok(0);
        }
        let now = (self.clock)();
        // Unchanged records are rewritten after half the username expiry, to keep their
        // usernames trusted.
        let refresh_before = now.saturating_sub(self.username_ttl / 2);
        let seen = || {
            peers
                .users
                .iter()
                .filter_map(Seen::of_user)
                .chain(peers.chats.iter().filter_map(Seen::of_chat))
        };
        let mut guard = self.lock();
        let memory = &mut *guard;
        // Reused between answers: a known answer then allocates nothing.
        let mut scratch = std::mem::take(&mut memory.scratch);
        scratch.clear();
        // Plain loops: the iterator chain copied each `Seen` through memory.
        // One division per answer, not per peer.
        let salt = period_salt(now, self.username_ttl);
        for user in peers.users {
            if let Some(seen) = Seen::of_user(user) {
                scratch.push((seen.id, seen.fingerprint() ^ salt, false));
            }
        }
        for chat in peers.chats {
            if let Some(seen) = Seen::of_chat(chat) {
                scratch.push((seen.id, seen.fingerprint() ^ salt, false));
            }
        }
        // First the known peers seen in the same form, in a loop that does little but
        // look them up: in a large map the lookups miss the CPU cache, and independent
        // ones overlap.
        let mut others = 0;
        for (id, stamp, other) in &mut scratch {
            match memory.peers.get_mut(id) {
                Some(slot) if slot.seen_as(*stamp) => {
                    slot.mark_used();
                }
                _ => {
                    *other = true;
                    others += 1;
                }
            }
        }
        let mut changed = Vec::with_capacity(others);
        if others > 0 {
            for (seen, &(_, stamp, other)) in seen().zip(&scratch) {
                if !other {
                    continue;
                }
                let old = match memory.peers.get_mut(&seen.id) {
                    Some(slot) => {
                        slot.mark_used();
                        let old = memory.records.get(&seen.id);
                        // Seen in another form (a min sighting, a name in another case)
                        // but the same once merged.
                        if let Some(o) = old
                            && o.updated_at > refresh_before
                            && seen.same_as(o)
                        {
                            slot.set_stamp(stamp);
                            continue;
                        }
                        old
                    }
                    None => None,
                };
                let record = seen.record(old, now);
                changed.push(record.clone());
                memory.put(record, stamp, self.capacity);
            }
        }
        if scratch.capacity() <= SCRATCH_KEPT {
            memory.scratch = scratch;
        }
        let written = changed.len();
        if written > 0 {
            // Under the lock: two answers carrying the same peer reach storage in the
            // order memory took them. `save` only queues, so the lock is held briefly.
            self.storage.save(Change::Peers(changed))?;
        }
        Ok(written)
    }

    fn lock(&self) -> MutexGuard<'_, Memory> {
        // A panic elsewhere while holding the lock leaves the maps consistent: every
        // mutation below completes before it can panic.
        self.memory.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl fmt::Debug for PeerCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PeerCache")
            .field("capacity", &self.capacity)
            .field("username_ttl", &self.username_ttl)
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

impl Memory {
    /// The record of `id` if memory holds it, which counts as a use.
    fn touch(&mut self, id: i64) -> Option<&PeerRecord> {
        self.peers.get_mut(&id)?.mark_used();
        self.records.get(&id)
    }

    /// Stores `record` (already merged with what memory had) and the stamp of the
    /// form it was seen in, then evicts past `capacity`.
    fn put(&mut self, record: PeerRecord, stamp: u64, capacity: usize) {
        let id = record.id;
        match self.peers.entry(id) {
            MapEntry::Occupied(mut slot) => {
                let slot = slot.get_mut();
                slot.set_stamp(stamp);
            }
            MapEntry::Vacant(slot) => {
                slot.insert(Slot::new(stamp));
                self.ring.push_back(id);
            }
        }
        // The old record's names go first: a name it shares with the new one stays.
        if let Some(old) = self.records.insert(id, record) {
            unindex(&mut self.usernames, &mut self.phones, &old);
        }
        if let Some(record) = self.records.get(&id) {
            for name in &record.usernames {
                self.usernames.insert(name.clone(), id);
            }
            if let Some(phone) = &record.phone {
                self.phones.insert(phone.clone(), id);
            }
        }
        self.evict(capacity);
    }

    /// The CLOCK sweep: a used record gets a second chance at the back of the ring.
    fn evict(&mut self, capacity: usize) {
        while self.peers.len() > capacity {
            let Some(id) = self.ring.pop_front() else {
                break;
            };
            let Some(slot) = self.peers.get_mut(&id) else {
                continue;
            };
            if slot.used() {
                slot.clear_used();
                self.ring.push_back(id);
            } else {
                self.peers.remove(&id);
                if let Some(gone) = self.records.remove(&id) {
                    unindex(&mut self.usernames, &mut self.phones, &gone);
                }
            }
        }
    }
}

/// Drops the index entries that still point at `record`'s id (a name that moved to
/// another peer stays).
fn unindex(usernames: &mut NameMap, phones: &mut NameMap, record: &PeerRecord) {
    for name in &record.usernames {
        if usernames.get(name) == Some(&record.id) {
            usernames.remove(name);
        }
    }
    if let Some(phone) = &record.phone
        && phones.get(phone) == Some(&record.id)
    {
        phones.remove(phone);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

    use super::*;
    use crate::peers::fixtures::{channel, user};
    use crate::storage::{MemoryStorage, PeerKind, Session};
    use crate::tl::enums;

    /// A store that counts the batches it is given.
    #[derive(Default)]
    struct Counting {
        inner: MemoryStorage,
        batches: AtomicUsize,
        records: AtomicUsize,
    }

    impl Storage for Counting {
        fn load(&self) -> Result<Session, StorageError> {
            self.inner.load()
        }
        fn save(&self, change: Change) -> Result<(), StorageError> {
            if let Change::Peers(peers) = &change {
                self.batches.fetch_add(1, Ordering::SeqCst);
                self.records.fetch_add(peers.len(), Ordering::SeqCst);
            }
            self.inner.save(change)
        }
        fn flush(&self) -> Result<(), StorageError> {
            self.inner.flush()
        }
        fn peer_by_id(&self, id: i64) -> Result<Option<PeerRecord>, StorageError> {
            self.inner.peer_by_id(id)
        }
        fn peer_by_username(&self, name: &str) -> Result<Option<PeerRecord>, StorageError> {
            self.inner.peer_by_username(name)
        }
        fn peer_by_phone(&self, phone: &str) -> Result<Option<PeerRecord>, StorageError> {
            self.inner.peer_by_phone(phone)
        }
    }

    struct Fixture {
        storage: Arc<Counting>,
        now: Arc<AtomicI64>,
        cache: PeerCache,
    }

    fn fixture(capacity: usize) -> Fixture {
        let storage = Arc::new(Counting::default());
        let now = Arc::new(AtomicI64::new(1_000_000));
        let clock = now.clone();
        let config = PeerCacheConfig {
            capacity,
            username_ttl: Duration::from_secs(100),
        };
        let cache = PeerCache::with_config(storage.clone(), config)
            .with_clock(Arc::new(move || clock.load(Ordering::SeqCst)));
        Fixture {
            storage,
            now,
            cache,
        }
    }

    fn users(range: std::ops::Range<i64>) -> Vec<enums::User> {
        range
            .map(|id| {
                user(
                    id,
                    id * 10,
                    Some(&format!("User{id}")),
                    Some(&format!("+1 {id}")),
                )
                .into()
            })
            .collect()
    }

    fn batches(f: &Fixture) -> (usize, usize) {
        (
            f.storage.batches.load(Ordering::SeqCst),
            f.storage.records.load(Ordering::SeqCst),
        )
    }

    #[test]
    fn seeing_the_same_peers_again_writes_nothing() {
        let f = fixture(1000);
        assert_eq!(f.cache.remember(&users(1..101)).unwrap(), 100);
        assert_eq!(batches(&f), (1, 100));
        assert_eq!(f.cache.remember(&users(1..101)).unwrap(), 0);
        assert_eq!(batches(&f), (1, 100));
        // One changed user among the hundred: one record in one batch.
        let mut again = users(1..101);
        again[7] = user(8, 80, Some("renamed"), None).into();
        assert_eq!(f.cache.remember(&again).unwrap(), 1);
        assert_eq!(batches(&f), (2, 101));
        assert_eq!(
            f.storage.peer_by_username("renamed").unwrap().unwrap().id,
            8
        );
        assert_eq!(f.cache.by_username("@RENAMED").unwrap().unwrap().id, 8);
        assert_eq!(f.cache.by_username("user8").unwrap(), None);
        // The phone was not in the answer: the known one stays.
        assert_eq!(
            f.cache.get(8).unwrap().unwrap().phone.as_deref(),
            Some("18")
        );
    }

    #[test]
    fn a_min_sighting_keeps_the_known_hash_in_memory_and_storage() {
        let f = fixture(10);
        f.cache.remember(&users(1..2)).unwrap();
        let mut min = user(1, 0, Some("User1"), None);
        min.min = true;
        let mut min_channel = channel(5, 0, None);
        min_channel.min = true;
        let answer: enums::Updates = crate::tl::types::Updates {
            updates: vec![],
            users: vec![min.into()],
            chats: vec![min_channel.into()],
            date: 0,
            seq: 0,
        }
        .into();
        // The user is unchanged; the channel is new (hash 0, known only as min).
        assert_eq!(f.cache.remember(&answer).unwrap(), 1);
        assert_eq!(f.cache.get(1).unwrap().unwrap().access_hash, 10);
        assert_eq!(f.storage.peer_by_id(1).unwrap().unwrap().access_hash, 10);
        let channel = f.cache.get(-1_000_000_000_005).unwrap().unwrap();
        assert_eq!((channel.kind, channel.access_hash), (PeerKind::Channel, 0));
    }

    #[test]
    fn usernames_expire_and_active_peers_are_refreshed() {
        let f = fixture(10);
        f.cache.remember(&users(1..3)).unwrap();
        f.now.fetch_add(60, Ordering::SeqCst);
        // Past half the expiry, seeing user 1 again rewrites it with the new date.
        assert_eq!(f.cache.remember(&users(1..2)).unwrap(), 1);
        f.now.fetch_add(60, Ordering::SeqCst);
        assert_eq!(f.cache.by_username("user1").unwrap().unwrap().id, 1);
        assert_eq!(
            f.cache.by_username("user2").unwrap(),
            None,
            "written 120 s ago"
        );
        // Ids and phones do not expire.
        assert_eq!(f.cache.get(2).unwrap().unwrap().id, 2);
        assert_eq!(f.cache.by_phone("+1 2").unwrap().unwrap().id, 2);
    }

    #[test]
    fn a_peer_seen_all_the_time_is_rewritten_between_a_half_and_five_eighths_of_the_expiry() {
        let f = fixture(10);
        f.cache.remember(&users(1..2)).unwrap();
        let start = f.now.load(Ordering::SeqCst);
        let mut rewrites = Vec::new();
        for _ in 0..80 {
            f.now.fetch_add(1, Ordering::SeqCst);
            if f.cache.remember(&users(1..2)).unwrap() > 0 {
                rewrites.push(f.now.load(Ordering::SeqCst) - start);
            }
        }
        // The expiry is 100 s: due after 50 s, and noticed within 100 / 8 s more; then
        // not again until 50 s after that rewrite.
        assert_eq!(rewrites.len(), 1, "{rewrites:?}");
        assert!((50..=62).contains(&rewrites[0]), "{rewrites:?}");
        assert_eq!(f.cache.by_username("user1").unwrap().unwrap().id, 1);
    }

    #[test]
    fn past_capacity_the_unused_go_and_storage_still_has_them() {
        let f = fixture(3);
        f.cache.remember(&users(1..4)).unwrap();
        // Use 1; then 4 arrives: 1 gets a second chance, 2 goes.
        assert!(f.cache.get(1).unwrap().is_some());
        f.cache.remember(&users(4..5)).unwrap();
        assert_eq!(f.cache.len(), 3);
        let memory = f.cache.lock();
        assert!(memory.peers.contains_key(&1));
        assert!(!memory.peers.contains_key(&2));
        assert!(!memory.records.contains_key(&2));
        assert_eq!(memory.records.len(), 3);
        assert!(!memory.usernames.contains_key("user2"));
        assert!(!memory.phones.contains_key("12"));
        assert_eq!(memory.ring.len(), 3);
        drop(memory);
        // Storage still knows 2, and memory takes it back.
        assert_eq!(f.cache.get(2).unwrap().unwrap().access_hash, 20);
        assert_eq!(f.cache.by_username("User2").unwrap().unwrap().id, 2);
        assert_eq!(f.cache.len(), 3);
    }

    #[test]
    fn the_used_bit_leaves_the_fingerprint_alone() {
        let mut slot = Slot::new(0xabcd_0000_0000_1235);
        assert!(!slot.used());
        slot.mark_used();
        assert!(slot.used());
        assert!(slot.seen_as(0xabcd_0000_0000_1235));
        assert!(!slot.seen_as(0xabcd_0000_0000_1237));
        slot.set_stamp(0x42);
        assert!(slot.used(), "a new form keeps the use");
        assert!(slot.seen_as(0x42));
        assert!(!slot.seen_as(0xabcd_0000_0000_1235));
        slot.clear_used();
        assert!(!slot.used());
        assert!(slot.seen_as(0x42));
    }

    #[test]
    fn a_used_peer_seen_again_unchanged_writes_nothing() {
        let f = fixture(10);
        assert_eq!(f.cache.remember(&users(1..3)).unwrap(), 2);
        assert!(f.cache.get(1).unwrap().is_some());
        assert_eq!(f.cache.remember(&users(1..3)).unwrap(), 0);
        assert_eq!(batches(&f), (1, 2));
    }

    #[test]
    fn lookups_fall_back_to_storage() {
        let f = fixture(10);
        let record = PeerRecord {
            id: -1_000_000_000_042,
            access_hash: 7,
            kind: PeerKind::Supergroup,
            usernames: vec!["chatters".into()],
            phone: None,
            updated_at: 1_000_000,
        };
        f.storage.save(Change::Peers(vec![record.clone()])).unwrap();
        assert_eq!(
            f.cache.by_username("Chatters").unwrap(),
            Some(record.clone())
        );
        assert_eq!(f.cache.len(), 1);
        assert_eq!(f.cache.get(record.id).unwrap(), Some(record));
        assert_eq!(f.cache.get(5).unwrap(), None);
        assert_eq!(f.cache.by_phone("123").unwrap(), None);
    }

    #[test]
    fn a_storage_failure_is_returned_and_memory_still_learns() {
        struct Broken;
        impl Storage for Broken {
            fn load(&self) -> Result<Session, StorageError> {
                Ok(Session::default())
            }
            fn save(&self, _: Change) -> Result<(), StorageError> {
                Err(StorageError::Database("disk full".into()))
            }
            fn flush(&self) -> Result<(), StorageError> {
                Ok(())
            }
            fn peer_by_id(&self, _: i64) -> Result<Option<PeerRecord>, StorageError> {
                Ok(None)
            }
            fn peer_by_username(&self, _: &str) -> Result<Option<PeerRecord>, StorageError> {
                Ok(None)
            }
            fn peer_by_phone(&self, _: &str) -> Result<Option<PeerRecord>, StorageError> {
                Ok(None)
            }
        }
        let cache = PeerCache::new(Arc::new(Broken));
        assert!(matches!(
            cache.remember(&users(1..3)),
            Err(StorageError::Database(_))
        ));
        assert_eq!(cache.get(2).unwrap().unwrap().access_hash, 20);
    }
}
