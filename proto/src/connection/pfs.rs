//! What a connection keeps for perfect forward secrecy: the permanent key, and the
//! temporary keys' sessions at each stage of their life (being made, bound and current,
//! draining after a successor took over).

use std::collections::VecDeque;
use std::time::Instant;

use super::{Connection, ConnectionError, Now, Phase};
use crate::handshake::{AuthKeyOutcome, ClientHandshake, ClientHandshakeConfig, InnerData};
use crate::pfs::{BindOutcome, Binding, PfsConfig};
use crate::random::RandomSource;
use crate::session::{ClientSession, Event};

/// When a temporary key is renewed and when it ends.
#[derive(Debug, Clone, Copy)]
pub(super) struct KeyTimes {
    /// When its successor is made (monotonic).
    pub renew_at: Instant,
    /// When the server forgets it (monotonic).
    pub expires: Instant,
    /// When the server forgets it (server time, unix seconds), as bound.
    pub expires_at: i32,
}

/// A session over a temporary key other than the current one.
pub(super) struct Keyed {
    pub session: ClientSession,
    pub times: KeyTimes,
}

/// A key exchange for the next temporary key, alongside the current key's traffic.
pub(super) struct Renewal {
    pub exchange: ClientHandshake,
    /// A body waiting to go out.
    pub out: Option<Vec<u8>>,
    pub deadline: Instant,
}

pub(super) struct Pfs {
    pub config: PfsConfig,
    /// The permanent key (`None` while the first exchange makes it). It never carries
    /// traffic: it only encrypts bindings.
    pub perm: Option<AuthKeyOutcome>,
    /// Whether the current session's key is bound (until it is, only the binding goes
    /// out; the caller's requests wait).
    pub bound: bool,
    /// The current key's times.
    pub times: Option<KeyTimes>,
    pub renewal: Option<Renewal>,
    /// The successor, made and being bound.
    pub next: Option<Keyed>,
    /// The predecessor: its requests in flight are answered under it, then it goes.
    pub retiring: Option<Keyed>,
}

impl Pfs {
    pub fn new(config: PfsConfig, perm: Option<AuthKeyOutcome>) -> Self {
        Pfs {
            config,
            perm,
            bound: false,
            times: None,
            renewal: None,
            next: None,
            retiring: None,
        }
    }

    /// Whether a renewal is due at `now`: the current key is bound, nothing is under
    /// way, and its time has come.
    pub fn renewal_due(&self, now: Instant) -> bool {
        self.bound
            && self.renewal.is_none()
            && self.next.is_none()
            && self.times.is_some_and(|t| now >= t.renew_at)
    }

    /// The earliest moment one of the key timers needs `handle_timeout`.
    pub fn deadline(&self) -> Option<Instant> {
        let renew = (self.bound && self.renewal.is_none() && self.next.is_none())
            .then(|| self.times.map(|t| t.renew_at))
            .flatten();
        let expires = self.times.map(|t| t.expires);
        let renewal = self.renewal.as_ref().map(|r| r.deadline);
        let retiring = self.retiring.as_ref().map(|k| k.times.expires);
        let sessions = [&self.next, &self.retiring]
            .into_iter()
            .flatten()
            .filter_map(|k| k.session.poll_timeout());
        [renew, expires, renewal, retiring]
            .into_iter()
            .flatten()
            .chain(sessions)
            .min()
    }
}

impl Connection {
    /// The exchange to run: the configured one, or with PFS a permanent key first and
    /// temporary keys after.
    pub(super) fn exchange_config(&self, temporary: bool) -> ClientHandshakeConfig {
        let mut config = self.config.handshake.clone();
        let Some(pfs) = &self.pfs else {
            return config;
        };
        let dc = match config.inner {
            InnerData::Permanent { dc } | InnerData::Temporary { dc, .. } => dc,
            InnerData::Legacy => i32::from(self.config.dc),
        };
        config.inner = match temporary {
            true => InnerData::Temporary {
                dc,
                expires_in: pfs.config.expires_in(),
            },
            false => InnerData::Permanent { dc },
        };
        config
    }

    /// A key exchange of the PFS connection finished: the permanent key (then the first
    /// temporary key's exchange starts) or a temporary one (then it is bound).
    pub(super) fn on_pfs_key(&mut self, now: Now, outcome: Box<AuthKeyOutcome>) {
        let Some(pfs) = &mut self.pfs else {
            return;
        };
        if pfs.perm.is_none() {
            pfs.perm = Some((*outcome).clone());
            self.events.push_back(Event::AuthKeyCreated(outcome));
            self.start_handshake(now);
            return;
        }
        let keyed = self.temp_session(&outcome, now);
        if let Some(pfs) = &mut self.pfs {
            pfs.bound = false;
            pfs.times = Some(keyed.times);
        }
        self.session = Some(keyed.session);
        self.phase = Phase::Ready;
        self.last_ping = now.mono;
    }

    /// A session over a new temporary key, its binding queued first.
    pub(super) fn temp_session(&mut self, outcome: &AuthKeyOutcome, now: Now) -> Keyed {
        let config = self.pfs.as_ref().map(|p| p.config).unwrap_or_default();
        let perm = self
            .pfs
            .as_ref()
            .and_then(|p| p.perm.as_ref())
            .map(|p| p.auth_key.clone());
        let mut session = ClientSession::new(
            self.config.session.clone(),
            outcome.auth_key.clone(),
            outcome.first_salt,
            outcome.time_offset,
            true,
            &mut self.random,
        );
        let server_now = now.unix.as_secs() as i64 + i64::from(outcome.time_offset);
        let expires_at = outcome
            .expires_at
            .unwrap_or_else(|| server_now.saturating_add(i64::from(config.expires_in())) as i32);
        let mut nonce = [0u8; 8];
        self.random.fill(&mut nonce);
        if let Some(perm) = perm {
            session.bind(Binding {
                perm,
                temp_auth_key_id: i64::from_le_bytes(outcome.auth_key.id()),
                temp_session_id: session.session_id(),
                expires_at,
                nonce: i64::from_le_bytes(nonce),
            });
        }
        Keyed {
            session,
            times: KeyTimes {
                renew_at: now.mono + config.renew_after(),
                expires: now.mono + config.lifetime,
                expires_at,
            },
        }
    }

    /// After a packet or the timers: a binding may have ended, and the predecessor may
    /// have nothing left to wait for.
    pub(super) fn check_bindings(&mut self, now: Now) -> Result<(), ConnectionError> {
        let Some(pfs) = &mut self.pfs else {
            return Ok(());
        };
        if !pfs.bound
            && let Some(outcome) = self.session.as_mut().and_then(|s| s.take_bind_outcome())
        {
            if outcome != BindOutcome::Bound {
                // Nothing but the binding went under this key: drop it, and let the next
                // connection make another.
                if let Some(mut session) = self.session.take() {
                    absorb_events(&mut self.events, &mut session);
                }
                pfs.times = None;
                return Err(self.fail(ConnectionError::Bind(outcome)));
            }
            pfs.bound = true;
            if let Some(session) = &mut self.session {
                for (id, body) in self.waiting.drain(..) {
                    session.push(id, body);
                }
            }
            let expires_at = pfs.times.map_or(0, |t| t.expires_at);
            self.events.push_back(Event::TempKeyBound { expires_at });
        }
        if let Some(outcome) = pfs
            .next
            .as_mut()
            .and_then(|k| k.session.take_bind_outcome())
        {
            let next = pfs.next.take().expect("checked above");
            if outcome != BindOutcome::Bound {
                // The current key still works: the connection goes down, and the renewal
                // is tried again on the next one.
                let mut session = next.session;
                absorb_events(&mut self.events, &mut session);
                return Err(self.fail(ConnectionError::Bind(outcome)));
            }
            self.promote(next, now);
        }
        self.retire_drained();
        Ok(())
    }

    /// The successor is bound: it becomes the current key, and the current one retires
    /// with its requests in flight (answered under it); what it had not sent moves over.
    fn promote(&mut self, next: Keyed, now: Now) {
        let Some(pfs) = &mut self.pfs else {
            return;
        };
        let old_times = pfs.times.replace(next.times);
        let mut session = next.session;
        if let Some(mut old) = self.session.take() {
            for (id, body) in old.take_unsent() {
                session.push(id, body);
            }
            if let Some(previous) = pfs.retiring.take() {
                // A predecessor still draining when yet another key takes over (keys
                // renewed faster than answers come): its requests go again.
                self.events.extend(requeue(previous.session, &mut session));
            }
            if let Some(times) = old_times {
                pfs.retiring = Some(Keyed {
                    session: old,
                    times,
                });
            }
        }
        for (id, body) in self.waiting.drain(..) {
            session.push(id, body);
        }
        self.session = Some(session);
        self.last_ping = now.mono;
        let expires_at = next.times.expires_at;
        self.events.push_back(Event::TempKeyBound { expires_at });
    }

    /// Drops the predecessor once every request it carried has its final event.
    fn retire_drained(&mut self) {
        let Some(pfs) = &mut self.pfs else {
            return;
        };
        if pfs
            .retiring
            .as_ref()
            .is_some_and(|k| k.session.pending() == 0)
            && let Some(mut done) = pfs.retiring.take()
        {
            absorb_events(&mut self.events, &mut done.session);
        }
    }

    /// The key timers: renewal, the ends of the current key and of its predecessor.
    /// `false` when the connection left the ready phase (the current key ended).
    pub(super) fn pfs_timers(&mut self, now: Now) -> bool {
        let Some(pfs) = &mut self.pfs else {
            return true;
        };
        if pfs.times.is_some_and(|t| now.mono >= t.expires) {
            self.expire_current();
            self.start_handshake(now);
            return false;
        }
        if pfs.renewal.as_ref().is_some_and(|r| now.mono >= r.deadline) {
            // The exchange stalled: tried again after the same time.
            pfs.renewal = None;
            if let Some(t) = &mut pfs.times {
                t.renew_at = now.mono + self.config.handshake_timeout;
            }
        }
        if pfs
            .retiring
            .as_ref()
            .is_some_and(|k| now.mono >= k.times.expires)
            && let Some(old) = pfs.retiring.take()
            && let Some(session) = &mut self.session
        {
            // The server forgets the old key now: what it did not answer goes again
            // under the new one (it may have run; there is no asking a key that is gone).
            self.events.extend(requeue(old.session, session));
        }
        if pfs.renewal_due(now.mono) {
            let config = self.exchange_config(true);
            let (exchange, body) = ClientHandshake::start(config, &mut self.random);
            if let Some(pfs) = &mut self.pfs {
                pfs.renewal = Some(Renewal {
                    exchange,
                    out: Some(body),
                    deadline: now.mono + self.config.handshake_timeout,
                });
            }
        }
        if let Some(pfs) = &mut self.pfs {
            for keyed in [&mut pfs.next, &mut pfs.retiring].into_iter().flatten() {
                keyed.session.handle_timeout(now.mono);
            }
        }
        self.retire_drained();
        true
    }

    /// Every temporary key is gone (it ended, or the server forgot it): their requests
    /// wait for the next key, as with a key the server does not know, and the next
    /// connection (or exchange) makes and binds a new one. The permanent key stays.
    pub(super) fn expire_current(&mut self) {
        let Some(pfs) = &mut self.pfs else {
            return;
        };
        let mut requests = Vec::new();
        let sessions = [
            pfs.retiring.take().map(|k| k.session),
            self.session.take(),
            pfs.next.take().map(|k| k.session),
        ];
        for mut session in sessions.into_iter().flatten() {
            requests.extend(session.take_requests());
            absorb_events(&mut self.events, &mut session);
        }
        requests.sort_by_key(|(id, _)| *id);
        requests.extend(self.waiting.drain(..));
        self.waiting = requests.into();
        pfs.renewal = None;
        pfs.times = None;
        pfs.bound = false;
    }
}

/// Moves the events `session` has not handed out yet (answers that arrived) to `events`.
fn absorb_events(events: &mut VecDeque<Event>, session: &mut ClientSession) {
    while let Some(event) = session.poll_event() {
        events.push_back(event);
    }
}

/// Moves every request of `old` without its final event to `to`, and returns the
/// events `old` had not handed out.
fn requeue(mut old: ClientSession, to: &mut ClientSession) -> Vec<Event> {
    for (id, body) in old.take_requests() {
        to.push(id, body);
    }
    let mut events = VecDeque::new();
    absorb_events(&mut events, &mut old);
    events.into()
}
