//! The replay window: which peer message ids have been seen.

use std::collections::VecDeque;

/// How many recent ids are remembered. Older ids than the oldest remembered are refused
/// outright, so a replay can never slip past a forgotten id.
const CAPACITY: usize = 512;

/// Remembers the last [`CAPACITY`] message ids received and refuses repeats and anything
/// older than what it forgot.
///
/// A sorted ring rather than a tree: ids mostly arrive in order (appended at the back),
/// and a full window allocates nothing more.
#[derive(Debug, Default, Clone)]
pub(crate) struct ReplayWindow {
    seen: VecDeque<i64>,
    /// Ids at or below this were forgotten and are refused.
    floor: i64,
}

impl ReplayWindow {
    /// Whether `msg_id` would be accepted (not seen, not below the floor).
    pub(crate) fn is_fresh(&self, msg_id: i64) -> bool {
        msg_id > self.floor && !self.contains(msg_id)
    }

    /// Whether `msg_id` was received (and is still remembered).
    pub(crate) fn contains(&self, msg_id: i64) -> bool {
        self.seen.binary_search(&msg_id).is_ok()
    }

    /// Whether `msg_id` is older than anything remembered.
    pub(crate) fn below_floor(&self, msg_id: i64) -> bool {
        msg_id <= self.floor
    }

    /// Records `msg_id`; the caller checked [`ReplayWindow::is_fresh`].
    pub(crate) fn insert(&mut self, msg_id: i64) {
        if self.seen.len() == CAPACITY
            && let Some(oldest) = self.seen.pop_front()
        {
            self.floor = oldest;
        }
        match self.seen.back() {
            Some(&last) if last > msg_id => {
                if let Err(at) = self.seen.binary_search(&msg_id) {
                    self.seen.insert(at, msg_id);
                }
            }
            Some(&last) if last == msg_id => {}
            _ => self.seen.push_back(msg_id),
        }
    }

    /// Forgets everything (a new session starts numbering afresh).
    pub(crate) fn clear(&mut self) {
        self.seen.clear();
        self.floor = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_and_forgotten_ids_are_refused() {
        let mut window = ReplayWindow::default();
        for id in 1..=(CAPACITY as i64 + 10) {
            assert!(window.is_fresh(id * 4 + 1));
            window.insert(id * 4 + 1);
            assert!(!window.is_fresh(id * 4 + 1));
        }
        assert_eq!(window.seen.len(), CAPACITY);
        // The ten oldest were forgotten: they and anything older are refused.
        assert!(!window.is_fresh(5));
        assert!(!window.is_fresh(3));
        assert!(window.is_fresh((CAPACITY as i64 + 11) * 4 + 1));
        // An id between remembered ones that never arrived is still accepted.
        assert!(window.is_fresh(42 * 4 + 3));
    }
}
