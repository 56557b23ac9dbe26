//! The channels followed: each one's pts, held updates, fetch status and timer, with a
//! bound on how many are kept.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Instant;

use super::fetch::FetchId;
use super::gaps::Holding;

/// One channel's box.
#[derive(Debug, Default)]
pub(crate) struct Channel {
    pub pts: i32,
    pub held: Holding,
    /// A difference is wanted (queued, or waiting for `wake` after a failure).
    pub want: bool,
    pub queued: bool,
    pub in_flight: Option<FetchId>,
    /// With `want`: when to retry. Without: when the open gap gives up waiting.
    pub wake: Option<Instant>,
    pub failures: u32,
    /// Fetch again once the one in flight ends (the server said there is more).
    pub again: bool,
    last_used: u64,
}

impl Channel {
    /// Updates are held rather than applied while a difference is wanted or running.
    pub fn fetching(&self) -> bool {
        self.want || self.in_flight.is_some()
    }
}

/// The table, bounded by `max` entries (see `SequencerConfig::max_channels`).
#[derive(Debug)]
pub(crate) struct Channels {
    map: BTreeMap<i64, Channel>,
    wakes: BTreeSet<(Instant, i64)>,
    queue: VecDeque<i64>,
    uses: u64,
    max: usize,
}

impl Channels {
    pub fn new(max: usize) -> Self {
        Self {
            map: BTreeMap::new(),
            wakes: BTreeSet::new(),
            queue: VecDeque::new(),
            uses: 0,
            max,
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn contains(&self, id: i64) -> bool {
        self.map.contains_key(&id)
    }

    pub fn get(&self, id: i64) -> Option<&Channel> {
        self.map.get(&id)
    }

    /// The channel, marked as just used.
    pub fn get_mut(&mut self, id: i64) -> Option<&mut Channel> {
        self.uses = self.uses.wrapping_add(1);
        let uses = self.uses;
        let channel = self.map.get_mut(&id)?;
        channel.last_used = uses;
        Some(channel)
    }

    /// Starts following a channel at `pts`. At the bound, the channel used least recently
    /// that has nothing in progress is forgotten to make room; if every channel is busy,
    /// the new one is refused (false).
    pub fn insert(&mut self, id: i64, pts: i32) -> bool {
        if self.map.contains_key(&id) {
            return true;
        }
        if self.map.len() >= self.max {
            let idle = self
                .map
                .iter()
                .filter(|(_, c)| !c.fetching() && c.held.is_empty() && c.wake.is_none())
                .min_by_key(|(_, c)| c.last_used)
                .map(|(id, _)| *id);
            match idle {
                Some(old) => {
                    tracing::debug!(
                        channel = old,
                        "channel bound reached: least used one forgotten"
                    );
                    self.remove(old);
                }
                None => return false,
            }
        }
        self.uses = self.uses.wrapping_add(1);
        let channel = Channel {
            pts,
            last_used: self.uses,
            ..Channel::default()
        };
        self.map.insert(id, channel);
        true
    }

    pub fn remove(&mut self, id: i64) -> Option<Channel> {
        let channel = self.map.remove(&id)?;
        if let Some(at) = channel.wake {
            self.wakes.remove(&(at, id));
        }
        self.queue.retain(|&q| q != id);
        Some(channel)
    }

    pub fn set_wake(&mut self, id: i64, wake: Option<Instant>) {
        let Some(channel) = self.map.get_mut(&id) else {
            return;
        };
        if let Some(at) = channel.wake {
            self.wakes.remove(&(at, id));
        }
        channel.wake = wake;
        if let Some(at) = wake {
            self.wakes.insert((at, id));
        }
    }

    /// Asks for a difference now: no-op if one is already wanted or running.
    pub fn request_fetch(&mut self, id: i64) {
        let Some(channel) = self.map.get_mut(&id) else {
            return;
        };
        if channel.in_flight.is_some() {
            channel.again = true;
            return;
        }
        if channel.want {
            return;
        }
        self.set_wake(id, None);
        self.enqueue(id);
    }

    /// Puts a channel in the fetch queue (its gap timer or retry delay is over).
    pub fn enqueue(&mut self, id: i64) {
        let Some(channel) = self.map.get_mut(&id) else {
            return;
        };
        channel.want = true;
        if !channel.queued {
            channel.queued = true;
            self.queue.push_back(id);
        }
    }

    pub fn next_queued(&mut self) -> Option<i64> {
        let id = self.queue.pop_front()?;
        if let Some(channel) = self.map.get_mut(&id) {
            channel.queued = false;
        }
        Some(id)
    }

    pub fn next_wake(&self) -> Option<Instant> {
        self.wakes.first().map(|(at, _)| *at)
    }

    /// Channels whose timer is due, their timers cleared.
    pub fn due(&mut self, now: Instant) -> Vec<i64> {
        let mut due = Vec::new();
        while let Some(&(at, id)) = self.wakes.first() {
            if at > now {
                break;
            }
            self.wakes.pop_first();
            if let Some(channel) = self.map.get_mut(&id) {
                channel.wake = None;
            }
            due.push(id);
        }
        due
    }

    pub fn iter(&self) -> impl Iterator<Item = (i64, &Channel)> {
        self.map.iter().map(|(id, c)| (*id, c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bound_forgets_the_least_recently_used_idle_channel() {
        let mut channels = Channels::new(3);
        for id in 1..=3 {
            assert!(channels.insert(id, 10));
        }
        // 1 is used again, 2 has a fetch wanted: 3 goes.
        channels.get_mut(1);
        channels.enqueue(2);
        assert!(channels.insert(4, 1));
        assert_eq!(channels.len(), 3);
        assert!(channels.contains(1) && channels.contains(2) && channels.contains(4));
        assert!(!channels.contains(3));
    }

    #[test]
    fn a_full_table_of_busy_channels_refuses_more() {
        let mut channels = Channels::new(2);
        for id in 1..=2 {
            assert!(channels.insert(id, 10));
            channels.enqueue(id);
        }
        assert!(!channels.insert(3, 1));
        assert_eq!(channels.len(), 2);
    }

    #[test]
    fn timers_come_due_in_order() {
        let base = Instant::now();
        let mut channels = Channels::new(10);
        for id in 1..=3 {
            channels.insert(id, 0);
        }
        channels.set_wake(2, Some(base + std::time::Duration::from_secs(1)));
        channels.set_wake(3, Some(base + std::time::Duration::from_secs(2)));
        channels.set_wake(1, Some(base + std::time::Duration::from_secs(3)));
        assert_eq!(
            channels.next_wake(),
            Some(base + std::time::Duration::from_secs(1))
        );
        assert_eq!(
            channels.due(base + std::time::Duration::from_secs(2)),
            vec![2, 3]
        );
        channels.remove(1);
        assert_eq!(channels.next_wake(), None);
    }
}
