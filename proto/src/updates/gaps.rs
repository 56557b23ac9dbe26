//! The ordering rule shared by every box, and the updates held back while a gap is open.
//!
//! An update with `pts` and `count` applies when `local + count == pts`; it was seen
//! before when `local + count > pts`; otherwise updates in between are missing (a gap).
//! Arithmetic is done in `i64` so that hostile values (negative, `i32::MAX`) compare
//! without overflowing.

use std::collections::BTreeMap;
use std::sync::Arc;

use oxigram_tl::enums::Update;

use super::batch::{BatchBuilder, Entities};

/// How an update relates to its box's counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// Next in line.
    Apply,
    /// Already applied.
    Duplicate,
    /// Something before it is missing.
    Gap,
}

/// A negative count is nonsense from the server; it is read as zero so that it can neither
/// move the counter backwards nor make the comparison overflow.
fn count(count: i32) -> i64 {
    i64::from(count.max(0))
}

pub(crate) fn check(local: i32, pts: i32, pts_count: i32) -> Check {
    let expected = i64::from(local) + count(pts_count);
    match expected.cmp(&i64::from(pts)) {
        std::cmp::Ordering::Equal => Check::Apply,
        std::cmp::Ordering::Greater => Check::Duplicate,
        std::cmp::Ordering::Less => Check::Gap,
    }
}

/// An update waiting for the ones before it (or for a difference).
#[derive(Debug)]
pub(crate) struct Held {
    pub pts: i32,
    pub count: i32,
    pub update: Update,
    pub entities: Arc<Entities>,
}

/// Held updates of one box, by the counter value they follow (`pts - count`), then by
/// arrival. The caller bounds its length (`max_pending`).
#[derive(Debug, Default)]
pub(crate) struct Holding {
    items: BTreeMap<(i64, u64), Held>,
    arrivals: u64,
}

impl Holding {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    pub fn insert(&mut self, held: Held) {
        let start = i64::from(held.pts) - count(held.count);
        self.arrivals = self.arrivals.wrapping_add(1);
        self.items.insert((start, self.arrivals), held);
    }

    /// Applies every held update that now fits after `local`, moving `local` on, and drops
    /// those already covered. Stops at the first that still has a gap before it.
    /// Returns whether `local` moved.
    pub fn drain_into(&mut self, local: &mut i32, out: &mut BatchBuilder) -> bool {
        let mut moved = false;
        while let Some(entry) = self.items.first_entry() {
            let start = entry.key().0;
            let current = i64::from(*local);
            if start > current {
                break;
            }
            let held = entry.remove();
            if start == current {
                *local = held.pts;
                moved = true;
                out.push(held.update, &held.entities);
            } else {
                tracing::trace!(
                    pts = held.pts,
                    local = *local,
                    "held update already applied"
                );
            }
        }
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigram_tl::types;

    #[test]
    fn rule() {
        assert_eq!(check(10, 11, 1), Check::Apply);
        assert_eq!(check(10, 12, 2), Check::Apply);
        assert_eq!(check(10, 10, 0), Check::Apply);
        assert_eq!(check(10, 10, 1), Check::Duplicate);
        assert_eq!(check(10, 9, 0), Check::Duplicate);
        assert_eq!(check(10, 12, 1), Check::Gap);
    }

    #[test]
    fn absurd_values_compare_without_overflow() {
        assert_eq!(check(i32::MAX, i32::MIN, 1), Check::Duplicate);
        assert_eq!(check(i32::MAX, i32::MAX, i32::MAX), Check::Duplicate);
        assert_eq!(check(i32::MIN, i32::MAX, 1), Check::Gap);
        assert_eq!(check(i32::MAX - 1, i32::MAX, 1), Check::Apply);
        // A negative count counts as zero.
        assert_eq!(check(5, 5, -3), Check::Apply);
        assert_eq!(check(5, 4, i32::MIN), Check::Duplicate);
    }

    fn held(pts: i32, count: i32) -> Held {
        Held {
            pts,
            count,
            update: types::UpdateDeleteMessages {
                messages: vec![pts],
                pts,
                pts_count: count,
            }
            .into(),
            entities: Arc::default(),
        }
    }

    fn drained(holding: &mut Holding, local: &mut i32) -> Vec<i32> {
        let mut out = BatchBuilder::default();
        holding.drain_into(local, &mut out);
        out.finish()
            .map(|b| b.updates)
            .unwrap_or_default()
            .iter()
            .map(|u| match u {
                Update::DeleteMessages(d) => d.pts,
                other => panic!("unexpected {other:?}"),
            })
            .collect()
    }

    #[test]
    fn drain_applies_in_order_and_drops_duplicates() {
        let mut holding = Holding::default();
        for (pts, count) in [(13, 1), (11, 1), (12, 1), (12, 1), (20, 1)] {
            holding.insert(held(pts, count));
        }
        let mut local = 10;
        assert_eq!(drained(&mut holding, &mut local), vec![11, 12, 13]);
        assert_eq!(local, 13);
        // pts 20 still waits for 14..19.
        assert_eq!(holding.len(), 1);
        assert!(drained(&mut holding, &mut local).is_empty());
        assert_eq!(holding.len(), 1);
    }

    #[test]
    fn of_two_updates_from_the_same_point_the_first_to_arrive_wins() {
        let mut holding = Holding::default();
        holding.insert(held(12, 2));
        holding.insert(held(11, 1));
        holding.insert(held(14, 1));
        let mut local = 10;
        // (12, 2) applies; (11, 1) is then covered; (14, 1) waits for 13.
        assert_eq!(drained(&mut holding, &mut local), vec![12]);
        assert_eq!((local, holding.len()), (12, 1));
    }
}
