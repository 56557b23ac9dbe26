//! The hello digests a fake-TLS server has accepted, so that a recorded hello played
//! again (by a censor probing for proxies) is refused.

use std::collections::{HashSet, VecDeque};

/// Accepted digests, oldest first, at most `capacity`.
///
/// Overflow policy: the oldest digest is forgotten. A forgotten hello could be replayed,
/// but only while its timestamp is still inside the server's window; the capacity
/// should cover the hellos one window sees.
#[derive(Debug)]
pub(super) struct ReplayCache {
    order: VecDeque<[u8; 32]>,
    seen: HashSet<[u8; 32]>,
    capacity: usize,
}

impl ReplayCache {
    pub(super) fn new(capacity: usize) -> Self {
        ReplayCache {
            order: VecDeque::new(),
            seen: HashSet::new(),
            capacity: capacity.max(1),
        }
    }

    /// Records `digest`: `false` if it was seen already.
    pub(super) fn insert(&mut self, digest: [u8; 32]) -> bool {
        if !self.seen.insert(digest) {
            return false;
        }
        self.order.push_back(digest);
        if self.order.len() > self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.seen.remove(&oldest);
        }
        true
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.order.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_is_refused_twice_and_the_oldest_is_forgotten_when_full() {
        let mut cache = ReplayCache::new(2);
        assert!(cache.insert([1; 32]));
        assert!(!cache.insert([1; 32]));
        assert!(cache.insert([2; 32]));
        assert!(cache.insert([3; 32]));
        assert_eq!(cache.len(), 2);
        // [1] was the oldest: forgotten, so accepted again; [3] is still known.
        assert!(!cache.insert([3; 32]));
        assert!(cache.insert([1; 32]));
        assert_eq!(cache.len(), 2);
    }
}
