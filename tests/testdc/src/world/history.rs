//! Reading a chat's messages a page at a time, newest first, as `messages.getHistory`
//! and `messages.search` page them: from an offset id (or date), shifted by
//! `add_offset`, at most `limit`, within `max_id` / `min_id`.

use super::{PeerRef, StoredMessage, World};

/// Where a page starts and what it may hold.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageQuery {
    /// Start below this id (0: from the newest).
    pub offset_id: i32,
    /// Without an offset id: start with messages sent before this date (0: from the
    /// newest).
    pub offset_date: i32,
    /// Shifts the start: negative values take that many newer messages too.
    pub add_offset: i32,
    /// The most messages returned.
    pub limit: usize,
    /// Only ids below this (0: no bound).
    pub max_id: i32,
    /// Only ids above this (0: no bound).
    pub min_id: i32,
}

/// One page, and how many messages match in all.
#[derive(Debug, Clone, Default)]
pub struct Paged {
    /// The page, newest first, as `owner` sees them.
    pub messages: Vec<StoredMessage>,
    /// Messages matching `keep` in the whole chat.
    pub count: usize,
}

impl World {
    /// A page of `owner`'s messages with `peer` (a channel's own, for channels) that
    /// `keep` accepts.
    pub fn page(
        &self,
        owner: i64,
        peer: PeerRef,
        query: &PageQuery,
        keep: impl Fn(&StoredMessage) -> bool,
    ) -> Paged {
        let b = match peer {
            PeerRef::Channel(channel) => self.channel_boxes.get(&channel),
            _ => self.boxes.get(&owner),
        };
        let Some(b) = b else {
            return Paged::default();
        };
        // Newest first: boxes keep messages in id order.
        let list: Vec<&StoredMessage> = b
            .messages
            .iter()
            .rev()
            .filter(|m| m.peer == peer && keep(m))
            .collect();
        let start = if query.offset_id != 0 {
            list.partition_point(|m| m.id >= query.offset_id)
        } else if query.offset_date != 0 {
            list.partition_point(|m| m.date >= query.offset_date)
        } else {
            0
        };
        let start = (start as i64 + i64::from(query.add_offset)).max(0) as usize;
        let messages = list
            .iter()
            .skip(start)
            .take(query.limit)
            .filter(|m| (query.max_id == 0 || m.id < query.max_id) && m.id > query.min_id)
            .map(|m| StoredMessage {
                out: m.from == owner,
                ..(*m).clone()
            })
            .collect();
        Paged {
            messages,
            count: list.len(),
        }
    }

    /// Whether document `id` was sent as a photo (`None`: no such document).
    pub fn is_photo(&self, id: i64) -> Option<bool> {
        self.documents.get(&id).map(|d| d.photo)
    }

    /// The access hash of inline message `id` of `owner`'s box (of a channel, for a
    /// negative owner).
    pub fn inline_hash(&self, owner: i64, id: i32) -> i64 {
        self.hash_for(owner.rotate_left(20) ^ i64::from(id) ^ 0x1b1e_0000)
    }

    /// Stores `count` private messages from `from` to `to` ("1", "2", ...), in both
    /// boxes, telling no one: a chat with a long past, made before its clients connect.
    pub fn seed_history(&mut self, from: i64, to: i64, count: usize, date: i32) {
        for n in 1..=count {
            self.send(from, to, &n.to_string(), date);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(p: &Paged) -> Vec<i32> {
        p.messages.iter().map(|m| m.id).collect()
    }

    #[test]
    fn pages_go_down_from_the_offset_id_shifted_and_bounded() {
        let mut world = World::new(1);
        let alice = world.create_user("9996611111", "Alice", 1);
        let bob = world.create_user("9996611112", "Bob", 1);
        world.seed_history(alice, bob, 10, 5);
        let q = |offset_id, add_offset, limit, max_id, min_id| PageQuery {
            offset_id,
            add_offset,
            limit,
            max_id,
            min_id,
            offset_date: 0,
        };
        let all = |_: &StoredMessage| true;
        let peer = PeerRef::User(bob);
        let page = world.page(alice, peer, &q(0, 0, 3, 0, 0), all);
        assert_eq!((ids(&page), page.count), (vec![10, 9, 8], 10));
        assert!(page.messages.iter().all(|m| m.out));
        assert_eq!(
            ids(&world.page(alice, peer, &q(8, 0, 3, 0, 0), all)),
            [7, 6, 5]
        );
        assert_eq!(
            ids(&world.page(alice, peer, &q(8, -2, 4, 0, 0), all)),
            [9, 8, 7, 6]
        );
        assert_eq!(
            ids(&world.page(alice, peer, &q(0, 0, 100, 4, 1), all)),
            [3, 2]
        );
        assert_eq!(ids(&world.page(alice, peer, &q(2, 0, 100, 0, 0), all)), [1]);
        assert!(
            world
                .page(alice, peer, &q(1, 0, 100, 0, 0), all)
                .messages
                .is_empty()
        );
        let even = world.page(alice, peer, &q(0, 0, 2, 0, 0), |m| m.id % 2 == 0);
        assert_eq!((ids(&even), even.count), (vec![10, 8], 5));
        let bobs = world.page(bob, PeerRef::User(alice), &q(0, 0, 1, 0, 0), all);
        assert!(!bobs.messages[0].out);
    }

    #[test]
    fn a_date_places_the_first_page_before_it() {
        let mut world = World::new(1);
        let alice = world.create_user("9996611111", "Alice", 1);
        let bob = world.create_user("9996611112", "Bob", 1);
        for date in [10, 20, 30, 40] {
            world.send(alice, bob, "x", date);
        }
        let before = |offset_date| PageQuery {
            offset_date,
            limit: 10,
            ..PageQuery::default()
        };
        let page = world.page(alice, PeerRef::User(bob), &before(30), |_| true);
        assert_eq!(ids(&page), [2, 1]);
        let page = world.page(alice, PeerRef::User(bob), &before(5), |_| true);
        assert!(page.messages.is_empty());
        assert_eq!(page.count, 4);
    }
}
