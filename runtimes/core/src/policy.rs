//! When to reconnect, and when to stop trying: [`ReconnectPolicy`] and the link state it
//! drives. Pure: time comes in as an argument, so the policy is tested without sockets.

use std::time::{Duration, Instant};

use crate::error::LinkError;

/// How a client reconnects after its connection fails, and when it gives up.
///
/// A connection *attempt* fails when the socket cannot be opened, or when it closes (or
/// fails a check) before it proved healthy: the server answered a request, sent an
/// update or completed a key exchange, or the connection lasted
/// [`stable_after`](ReconnectPolicy::stable_after). A TCP connect that then fails is a
/// failed attempt, so a server that accepts and drops every connection is retried with a
/// growing pause, not in a tight loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconnectPolicy {
    /// Consecutive failed attempts after which the client gives up: every waiting and
    /// queued request then ends with [`InvokeError::GaveUp`](crate::InvokeError::GaveUp),
    /// and so does every later one.
    pub max_attempts: u32,
    /// The pause after the first failed attempt; it doubles with each further one.
    pub initial_backoff: Duration,
    /// The longest pause between attempts.
    pub max_backoff: Duration,
    /// The shortest pause after the server said it has too many connections (`-429`).
    pub flood_backoff: Duration,
    /// Longest a request waits while the client is disconnected: it then ends with
    /// [`InvokeError::Disconnected`](crate::InvokeError::Disconnected), though the client
    /// goes on trying to reconnect.
    pub disconnected_timeout: Duration,
    /// A connection that stays up this long counts as healthy.
    pub stable_after: Duration,
}

impl Default for ReconnectPolicy {
    /// Five attempts, pauses of 0.1 s doubling up to 10 s (about 1.5 s from the first
    /// failure to giving up), requests failed after 60 s without a connection.
    fn default() -> Self {
        ReconnectPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
            flood_backoff: Duration::from_secs(2),
            disconnected_timeout: Duration::from_secs(60),
            stable_after: Duration::from_secs(30),
        }
    }
}

impl ReconnectPolicy {
    /// The pause after the `attempt`-th consecutive failure (1-based), given why it failed.
    pub fn backoff(&self, attempt: u32, why: &LinkError) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        let pause = self
            .initial_backoff
            .saturating_mul(1u32 << doublings)
            .min(self.max_backoff);
        if why.is_flood() {
            pause.max(self.flood_backoff)
        } else {
            pause
        }
    }
}

/// Where the connection stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Link {
    /// The first connection (and, without a saved key, its key exchange) is under way;
    /// any failure here ends the client at once.
    Starting,
    /// A socket is being opened after a failure.
    Connecting {
        /// When the connection was lost.
        down_since: Instant,
    },
    /// Connected. `healthy` once the server proved it talks to us; until then `outage`
    /// keeps the time the connection was lost before (if it was).
    Up {
        since: Instant,
        healthy: bool,
        outage: Option<Instant>,
    },
    /// Waiting to reconnect.
    Down {
        down_since: Instant,
        retry_at: Instant,
    },
    /// Given up for good.
    GaveUp(LinkError),
}

/// The link state and the count of consecutive failures: what a driver asks before it
/// opens a socket.
#[derive(Debug)]
pub(crate) struct LinkState {
    pub(crate) policy: ReconnectPolicy,
    pub(crate) link: Link,
    /// Consecutive failed attempts.
    pub(crate) failures: u32,
}

impl LinkState {
    pub(crate) fn new(policy: ReconnectPolicy) -> Self {
        LinkState {
            policy,
            link: Link::Starting,
            failures: 0,
        }
    }

    /// Since when requests have been waiting without a connection, if they are.
    pub(crate) fn down_since(&self) -> Option<Instant> {
        match self.link {
            Link::Connecting { down_since } | Link::Down { down_since, .. } => Some(down_since),
            Link::Up { outage, .. } => outage,
            _ => None,
        }
    }

    /// A socket is open.
    pub(crate) fn connected(&mut self, now: Instant) {
        if !matches!(self.link, Link::GaveUp(_)) {
            self.link = Link::Up {
                since: now,
                healthy: false,
                outage: self.down_since(),
            };
        }
    }

    /// The server proved the connection works (or it lasted long enough).
    pub(crate) fn healthy(&mut self) {
        if let Link::Up {
            healthy, outage, ..
        } = &mut self.link
        {
            *healthy = true;
            *outage = None;
            self.failures = 0;
        }
    }

    /// Marks a connection up for [`ReconnectPolicy::stable_after`] as healthy; returns
    /// when to check again.
    pub(crate) fn check_stable(&mut self, now: Instant) -> Option<Instant> {
        match self.link {
            Link::Up {
                since,
                healthy: false,
                ..
            } => {
                let at = since + self.policy.stable_after;
                if now >= at {
                    self.healthy();
                    None
                } else {
                    Some(at)
                }
            }
            _ => None,
        }
    }

    /// The attempt failed (or a healthy connection dropped). Returns `false` when the
    /// client gives up.
    pub(crate) fn failed(&mut self, now: Instant, why: LinkError) -> bool {
        let down_since = match &self.link {
            Link::Starting => {
                self.link = Link::GaveUp(why);
                return false;
            }
            Link::GaveUp(_) => return false,
            Link::Up { healthy: true, .. } => {
                self.failures = 0;
                now
            }
            Link::Up { outage, .. } => outage.unwrap_or(now),
            Link::Connecting { down_since } | Link::Down { down_since, .. } => *down_since,
        };
        self.failures += 1;
        if self.failures >= self.policy.max_attempts {
            self.link = Link::GaveUp(why);
            return false;
        }
        let retry_at = now + self.policy.backoff(self.failures, &why);
        self.link = Link::Down {
            down_since,
            retry_at,
        };
        true
    }

    /// Whether a socket should be opened now (and marks it being opened).
    pub(crate) fn should_connect(&mut self, now: Instant) -> bool {
        match self.link {
            Link::Down {
                down_since,
                retry_at,
            } if now >= retry_at => {
                self.link = Link::Connecting { down_since };
                true
            }
            _ => false,
        }
    }

    /// When to reconnect, if waiting to.
    pub(crate) fn retry_at(&self) -> Option<Instant> {
        match self.link {
            Link::Down { retry_at, .. } => Some(retry_at),
            _ => None,
        }
    }

    /// Why the client gave up, if it did.
    pub(crate) fn gave_up(&self) -> Option<&LinkError> {
        match &self.link {
            Link::GaveUp(why) => Some(why),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused() -> LinkError {
        LinkError::Connect(std::io::ErrorKind::ConnectionRefused, "refused".into())
    }

    #[test]
    fn backoff_doubles_up_to_its_cap_and_floods_wait_longer() {
        let policy = ReconnectPolicy::default();
        let pauses: Vec<u128> = (1..=9)
            .map(|a| policy.backoff(a, &refused()).as_millis())
            .collect();
        assert_eq!(
            pauses,
            [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]
        );
        let flood = LinkError::Transport(-429);
        assert_eq!(policy.backoff(1, &flood), Duration::from_secs(2));
        assert_eq!(policy.backoff(200, &refused()), Duration::from_secs(10));
    }

    #[test]
    fn a_failure_before_the_first_connection_works_ends_the_client() {
        let mut state = LinkState::new(ReconnectPolicy::default());
        assert!(!state.failed(Instant::now(), refused()));
        assert_eq!(state.gave_up(), Some(&refused()));
    }

    #[test]
    fn connections_that_open_and_fail_do_not_reset_the_count() {
        let policy = ReconnectPolicy::default();
        let mut state = LinkState::new(policy.clone());
        let start = Instant::now();
        state.connected(start);
        state.healthy();
        let mut now = start;
        let mut opened = 1;
        // The server accepts every connection and closes it at once.
        while state.failed(now, LinkError::Closed) {
            now = state.retry_at().unwrap();
            assert!(!state.should_connect(now - Duration::from_millis(1)));
            assert!(state.should_connect(now));
            state.connected(now);
            opened += 1;
        }
        assert_eq!(opened, policy.max_attempts, "connections opened");
        assert_eq!(state.gave_up(), Some(&LinkError::Closed));
        // 100 + 200 + 400 + 800 ms of pauses between the five connections.
        assert_eq!(now - start, Duration::from_millis(1500));
    }

    #[test]
    fn a_healthy_connection_starts_the_count_again() {
        let mut state = LinkState::new(ReconnectPolicy::default());
        let now = Instant::now();
        state.connected(now);
        for _ in 0..20 {
            state.healthy();
            assert!(state.failed(now, LinkError::Closed));
            assert!(state.should_connect(state.retry_at().unwrap()));
            state.connected(now);
        }
        // A connection that merely stays up long enough is healthy too.
        assert!(state.check_stable(now).is_some());
        let later = now + ReconnectPolicy::default().stable_after;
        assert_eq!(state.check_stable(later), None);
        assert_eq!(state.failures, 0);
    }

    #[test]
    fn the_outage_is_dated_from_the_first_failure() {
        let mut state = LinkState::new(ReconnectPolicy::default());
        let start = Instant::now();
        state.connected(start);
        state.healthy();
        let lost = start + Duration::from_secs(5);
        assert!(state.failed(lost, LinkError::Closed));
        let retry = state.retry_at().unwrap();
        assert!(state.should_connect(retry));
        assert_eq!(state.down_since(), Some(lost));
        state.connected(retry);
        assert!(state.failed(retry, LinkError::Closed));
        assert_eq!(state.down_since(), Some(lost));
    }
}
