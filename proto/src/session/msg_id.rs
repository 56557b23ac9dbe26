//! Client message ids: about `unix_time * 2^32` in server time, divisible by 4, strictly
//! increasing.

use std::time::Duration;

/// Hands out message ids from a caller-supplied wall clock and the server time offset.
#[derive(Debug, Clone, Default)]
pub struct MsgIdGenerator {
    last: i64,
    /// Server time minus local time, in seconds.
    pub time_offset: i32,
}

impl MsgIdGenerator {
    /// A generator for a clock `time_offset` seconds behind the server's.
    pub fn new(time_offset: i32) -> Self {
        MsgIdGenerator {
            last: 0,
            time_offset,
        }
    }

    /// Adopts a corrected offset. Ids restart from the corrected clock: ids taken from a
    /// clock that ran ahead would otherwise stay ahead until it caught up.
    pub fn set_offset(&mut self, time_offset: i32) {
        self.time_offset = time_offset;
        self.last = 0;
    }

    /// Adopts a corrected offset, ids still increasing from the last one: for a small
    /// correction of a clock whose ids the server already accepted.
    pub fn adjust_offset(&mut self, time_offset: i32) {
        self.time_offset = time_offset;
    }

    /// The next id for local wall time `now` (since the Unix epoch): the seconds in the
    /// high 32 bits, the sub-second fraction below, the low two bits clear; one step past
    /// the previous id when the clock has not moved (or went back).
    pub fn next(&mut self, now: Duration) -> i64 {
        let seconds = now.as_secs() as i64 + i64::from(self.time_offset);
        let fraction = (u64::from(now.subsec_nanos()) << 32) / 1_000_000_000;
        let candidate = ((seconds << 32) | fraction as i64) & !3;
        self.last = candidate.max(self.last + 4);
        self.last
    }
}

/// Hands out server message ids: server time in the high bits, `1 mod 4` for answers to a
/// client message and `3 mod 4` for everything else, strictly increasing.
#[derive(Debug, Clone, Default)]
pub struct ServerMsgIdGenerator {
    last: i64,
}

impl ServerMsgIdGenerator {
    /// The next id at server time `now`; `answer` says whether it answers a client message.
    pub fn next(&mut self, now: Duration, answer: bool) -> i64 {
        let low = if answer { 1 } else { 3 };
        let fraction = (u64::from(now.subsec_nanos()) << 32) / 1_000_000_000;
        let candidate = ((now.as_secs() as i64) << 32 | fraction as i64) & !3;
        let base = candidate.max((self.last & !3) + 4);
        self.last = base | low;
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_server_time_and_increase() {
        let mut ids = MsgIdGenerator::new(30);
        let now = Duration::new(1_700_000_000, 500_000_000);
        let first = ids.next(now);
        assert_eq!(first >> 32, 1_700_000_030);
        assert_eq!(first % 4, 0);
        assert_ne!(first & 0xffff_ffff, 0);
        let second = ids.next(now);
        assert_eq!(second, first + 4);
        let earlier = ids.next(now - Duration::from_secs(10));
        assert!(earlier > second);
    }

    #[test]
    fn server_ids_are_odd_by_kind_and_increase() {
        let mut ids = ServerMsgIdGenerator::default();
        let now = Duration::new(1_700_000_000, 0);
        let answer = ids.next(now, true);
        let other = ids.next(now, false);
        assert_eq!((answer % 4, other % 4), (1, 3));
        assert!(other > answer);
        assert_eq!(answer >> 32, 1_700_000_000);
    }
}
