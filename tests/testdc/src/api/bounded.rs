//! [`Bounded`]: a map that forgets its oldest entries beyond a capacity, for what clients
//! can make the test DC remember (login codes, exported authorizations, login tokens).

use std::borrow::Borrow;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// A map of at most `capacity` entries. Inserting into a full map forgets the entry
/// inserted longest ago (overflow policy: oldest first), so a client asking for codes in
/// a loop costs bounded memory; the forgotten code then reads as expired.
#[derive(Debug, Clone)]
pub(crate) struct Bounded<K, V> {
    map: HashMap<K, V>,
    /// Keys in insertion order. A key removed or inserted again stays until it comes
    /// to the front, so this holds at most `capacity` keys, some stale.
    order: VecDeque<K>,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V> Bounded<K, V> {
    /// An empty map holding at most `capacity` entries (at least one).
    pub(crate) fn new(capacity: usize) -> Self {
        Bounded {
            map: HashMap::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// Inserts, forgetting the oldest entries beyond the capacity.
    pub(crate) fn insert(&mut self, key: K, value: V) {
        while self.order.len() >= self.capacity {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            // A stale key (removed or inserted again since) may name a newer entry;
            // forgetting it early is within the policy.
            self.map.remove(&oldest);
        }
        self.order.push_back(key.clone());
        self.map.insert(key, value);
    }

    /// The value of `key`.
    pub(crate) fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get(key)
    }

    /// The value of `key`, to change in place (its age stays that of its insertion).
    pub(crate) fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get_mut(key)
    }

    /// Removes and returns the value of `key`.
    pub(crate) fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.remove(key)
    }

    /// How many entries it holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_entries_go_first_and_the_size_stays_bounded() {
        let mut codes = Bounded::new(3);
        for i in 0..10_000u32 {
            codes.insert(i.to_string(), i);
        }
        assert_eq!(codes.len(), 3);
        assert!(codes.order.len() <= 3);
        assert_eq!(codes.get("9999"), Some(&9999));
        assert_eq!(codes.get("9996"), None);
        assert_eq!(codes.remove("9998"), Some(9998));
        assert_eq!(codes.len(), 2);
    }
}
