//! (Server) the salt schedule: one salt per 30-minute period, derived from a secret, so a
//! seeded server hands out the same salts every run.

use crate::crypto::sha256;

/// Seconds each salt is current for.
pub const SALT_PERIOD: i64 = 1800;

/// Which salt is current when, and which are still accepted.
#[derive(Clone)]
pub struct SaltSchedule {
    secret: [u8; 32],
    /// Bumped by [`SaltSchedule::rotate`]: every salt changes at once.
    generation: u32,
}

impl std::fmt::Debug for SaltSchedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret would give away every future salt.
        f.debug_struct("SaltSchedule")
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

impl SaltSchedule {
    /// A schedule derived from `secret`.
    pub fn new(secret: [u8; 32]) -> Self {
        SaltSchedule {
            secret,
            generation: 0,
        }
    }

    fn salt_of(&self, period: i64) -> i64 {
        let digest = sha256(&[
            &self.secret,
            &self.generation.to_le_bytes(),
            &period.to_le_bytes(),
        ]);
        i64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
    }

    /// The salt for server time `now`.
    pub fn current(&self, now: i64) -> i64 {
        self.salt_of(now.div_euclid(SALT_PERIOD))
    }

    /// Whether `salt` is accepted at `now`: the current one, or the previous one (clients
    /// move on a little late).
    pub fn is_valid(&self, salt: i64, now: i64) -> bool {
        let period = now.div_euclid(SALT_PERIOD);
        salt == self.salt_of(period) || salt == self.salt_of(period - 1)
    }

    /// `count` salts from the current one on, as `(valid_since, valid_until, salt)`.
    pub fn future(&self, now: i64, count: usize) -> Vec<(i32, i32, i64)> {
        let first = now.div_euclid(SALT_PERIOD);
        (first..first + count as i64)
            .map(|p| {
                let since = p * SALT_PERIOD;
                (since as i32, (since + SALT_PERIOD) as i32, self.salt_of(p))
            })
            .collect()
    }

    /// Replaces every salt (a fault: clients get `bad_server_salt` and move to the new
    /// one).
    pub fn rotate(&mut self) {
        self.generation = self.generation.wrapping_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salts_follow_periods_and_rotation() {
        let mut schedule = SaltSchedule::new([3; 32]);
        let now = 1_700_000_000;
        let current = schedule.current(now);
        assert!(schedule.is_valid(current, now));
        assert!(schedule.is_valid(current, now + SALT_PERIOD));
        assert!(!schedule.is_valid(current, now + 2 * SALT_PERIOD));
        let future = schedule.future(now, 3);
        assert_eq!(future[0].2, current);
        assert_eq!(future[1].0, future[0].1);
        schedule.rotate();
        assert!(!schedule.is_valid(current, now));
    }
}
