//! Acknowledgements sent on the current connection and not yet known to have arrived.
//!
//! The server keeps each answer until it is acknowledged, in a cache of bounded size.
//! An acknowledgement written just before the connection drops may never reach it, and
//! unacknowledged answers the client already has then crowd out of that cache answers it
//! still lacks (found pipelining thousands of large answers over connections that the
//! test DC drops every 500 requests). So the acknowledgements of the current connection
//! are kept until the server shows it read the packet they went in, and sent again on
//! the next connection if it drops first.
//!
//! The proof of arrival: the server answered a message that went in the same packet or a
//! later one. A connection delivers in order, and every packet's message ids are above the
//! previous packet's, so an answer to message `m` proves that every packet whose first
//! message id is at most `m` arrived.

use std::collections::VecDeque;

/// Acknowledgements kept at most. Past it the oldest is forgotten: lost with a
/// connection, it costs the server a slot of its answer cache until the answer ages out,
/// never an answer of ours.
pub(crate) const MAX_UNCONFIRMED_ACKS: usize = 8192;

/// Capacity kept once empty: a burst's larger allocation is let go.
const KEPT_CAPACITY: usize = 256;

/// `(first message id of the packet, acknowledged message id)`, oldest first.
#[derive(Debug, Default)]
pub(crate) struct SentAcks {
    sent: VecDeque<(i64, i64)>,
}

impl SentAcks {
    /// `acked` went out in the packet whose first message id is `packet`.
    pub(crate) fn record(&mut self, packet: i64, acked: &[i64]) {
        for &id in acked {
            if self.sent.len() == MAX_UNCONFIRMED_ACKS {
                self.sent.pop_front();
            }
            self.sent.push_back((packet, id));
        }
    }

    /// The server answered message `answered`: every packet that began at or before it
    /// arrived.
    pub(crate) fn confirm(&mut self, answered: i64) {
        while self
            .sent
            .front()
            .is_some_and(|&(packet, _)| packet <= answered)
        {
            self.sent.pop_front();
        }
        self.release();
    }

    /// The connection dropped: every acknowledgement it may have lost, to send again.
    pub(crate) fn take(&mut self) -> impl Iterator<Item = i64> + '_ {
        self.sent.drain(..).map(|(_, id)| id)
    }

    /// Forgets them all (a new session: the old one's messages are not ours to
    /// acknowledge any more).
    pub(crate) fn clear(&mut self) {
        self.sent.clear();
        self.release();
    }

    fn release(&mut self) {
        if self.sent.is_empty() && self.sent.capacity() > KEPT_CAPACITY {
            self.sent = VecDeque::new();
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.sent.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_confirms_its_packet_and_every_earlier_one_only() {
        let mut acks = SentAcks::default();
        acks.record(100, &[1, 2]);
        acks.record(108, &[3]);
        acks.record(116, &[4]);
        // An answer to a message of the second packet (ids 108..116).
        acks.confirm(112);
        assert_eq!(acks.take().collect::<Vec<_>>(), [4]);
        assert_eq!(acks.len(), 0);
    }

    #[test]
    fn an_answer_to_an_earlier_message_confirms_nothing_later() {
        let mut acks = SentAcks::default();
        acks.record(100, &[1]);
        acks.confirm(99);
        assert_eq!(acks.take().collect::<Vec<_>>(), [1]);
    }

    #[test]
    fn past_the_bound_the_oldest_are_forgotten() {
        let mut acks = SentAcks::default();
        let ids: Vec<i64> = (0..MAX_UNCONFIRMED_ACKS as i64 + 3).collect();
        acks.record(100, &ids);
        assert_eq!(acks.len(), MAX_UNCONFIRMED_ACKS);
        let kept: Vec<i64> = acks.take().collect();
        assert_eq!(kept.first(), Some(&3));
        assert_eq!(kept.last(), ids.last());
    }

    #[test]
    fn emptied_it_lets_a_large_allocation_go() {
        let mut acks = SentAcks::default();
        acks.record(100, &[7; 2000]);
        acks.confirm(100);
        assert!(acks.sent.capacity() <= KEPT_CAPACITY);
    }
}
