//! [`Connection`]: the transport, the key exchange and the encrypted session as one sans-IO
//! state machine, for one connection to one DC. (The server side is `server::Server`,
//! behind the `server` feature.)

mod pfs;
mod plain;
#[cfg(feature = "server")]
pub mod server;

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};

use crate::handshake::{
    AuthKeyOutcome, ClientHandshake, ClientHandshakeConfig, HandshakeError, Step,
};
use crate::pfs::{BindOutcome, PfsConfig};
use crate::random::{RandomSource, Seed, SeededRandom};
use crate::session::{ClientSession, Event, RequestError, RequestId, SessionConfig};
use crate::transport::{Codec, Frame, Kind, Obfuscation, TransportError};

pub use plain::{PlainError, open_plain, seal_plain};

/// The transport error code of a server that does not know the auth key.
pub const KEY_UNKNOWN: i32 = -404;

/// The time, as the caller's clocks tell it: monotonic for timers, wall-clock for message
/// ids. The core never reads a clock itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// Monotonic time.
    pub mono: Instant,
    /// Time since the Unix epoch.
    pub unix: Duration,
}

/// How a connection talks to its DC. Not `Clone`: it holds the connection's seed, which
/// must not go to two connections. Its `Debug` shows neither the seed nor an MTProxy
/// secret.
pub struct ConnectionConfig {
    /// The framing.
    pub transport: Kind,
    /// How the transport is hidden: not at all, obfuscated2, or an MTProxy's way (whose
    /// secret's kind may force padded intermediate framing over [`Self::transport`]).
    pub obfuscation: Obfuscation,
    /// The DC as an obfuscated header names it (`+10000` for a test DC, negative for a
    /// media connection), and for the key exchange's default.
    pub dc: i16,
    /// Keys trusted and key kind for the exchange, when there is no key yet.
    pub handshake: ClientHandshakeConfig,
    /// The session's timers and limits.
    pub session: SessionConfig,
    /// The seed of the connection's CSPRNG (adapters fill it from the OS).
    pub seed: Seed,
    /// A keep-alive ping goes out after this long without one.
    pub ping_interval: Duration,
    /// The connection counts as dead after this long without receiving anything (the
    /// server is asked to close it after the same time without a ping).
    pub dead_after: Duration,
    /// Longest the key exchange may take.
    pub handshake_timeout: Duration,
    /// Perfect forward secrecy: traffic goes under temporary keys bound to the permanent
    /// one, renewed before they end (see [`Connection`]). Off when `None`.
    pub pfs: Option<PfsConfig>,
}

impl std::fmt::Debug for ConnectionConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionConfig")
            .field("transport", &self.transport)
            // An MTProxy secret's `Debug` hides its key.
            .field("obfuscation", &self.obfuscation)
            .field("dc", &self.dc)
            .field("handshake", &self.handshake)
            .field("session", &self.session)
            .field("seed", &self.seed)
            .field("ping_interval", &self.ping_interval)
            .field("dead_after", &self.dead_after)
            .field("handshake_timeout", &self.handshake_timeout)
            .field("pfs", &self.pfs)
            .finish()
    }
}

impl ConnectionConfig {
    /// Defaults for DC `dc`: intermediate transport, Telegram's keys, a ping a minute.
    pub fn new(dc: i16, seed: [u8; 32]) -> Self {
        ConnectionConfig {
            transport: Kind::Intermediate,
            obfuscation: Obfuscation::None,
            dc,
            handshake: ClientHandshakeConfig::new(i32::from(dc)),
            session: SessionConfig::default(),
            seed: Seed::new(seed),
            ping_interval: Duration::from_secs(60),
            dead_after: Duration::from_secs(75),
            handshake_timeout: Duration::from_secs(15),
            pfs: None,
        }
    }
}

impl ConnectionConfig {
    /// The same settings with another seed, for another connection: the way to copy a
    /// config, since two connections must never share a seed.
    pub fn with_seed(&self, seed: [u8; 32]) -> Self {
        ConnectionConfig {
            transport: self.transport,
            obfuscation: self.obfuscation.clone(),
            dc: self.dc,
            handshake: self.handshake.clone(),
            session: self.session.clone(),
            seed: Seed::new(seed),
            ping_interval: self.ping_interval,
            dead_after: self.dead_after,
            handshake_timeout: self.handshake_timeout,
            pfs: self.pfs,
        }
    }
}

/// Why a connection stopped working. After one, [`Connection::reset`] starts over on a new
/// socket; no request is lost (see [`Connection::reset`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectionError {
    /// The bytes received do not frame.
    #[error("transport: {0}")]
    Transport(#[from] TransportError),
    /// The server sent a transport error code (`-404`: it does not know our key, `-429`:
    /// too many connections, `-444`: wrong DC).
    #[error("the server sent transport error {0}")]
    TransportCode(i32),
    /// The key exchange failed.
    #[error("key exchange: {0}")]
    Handshake(#[from] HandshakeError),
    /// An unencrypted message that is not a well-formed key exchange answer, or one
    /// outside the exchange.
    #[error("unexpected unencrypted message: {0}")]
    Plain(#[from] PlainError),
    /// The key exchange took too long.
    #[error("the key exchange timed out")]
    HandshakeTimeout,
    /// Nothing was received for [`ConnectionConfig::dead_after`].
    #[error("the connection went silent")]
    Timeout,
    /// The connection failed before (or was closed); [`Connection::reset`] it.
    #[error("the connection is down")]
    Down,
    /// (PFS) the server did not bind a temporary key to the permanent one. The temporary
    /// key is dropped and [`Connection::reset`] makes another; a permanent key the server
    /// refuses again and again (`ENCRYPTED_MESSAGE_INVALID`) is likely gone from it, and
    /// a caller may start over without it.
    #[error("the temporary key's binding failed: {0:?}")]
    Bind(BindOutcome),
}

enum Phase {
    Handshake {
        exchange: ClientHandshake,
        deadline: Instant,
        /// A body waiting to go out.
        out: Option<Vec<u8>>,
    },
    Ready,
    Failed,
    Closed,
}

/// One client connection: transport, key exchange and encrypted session.
///
/// # Driving it
///
/// The caller owns the socket. Inputs are method calls; outputs are polled:
///
/// ```text
/// conn.handle_input(now, &mut rx)?;                  // bytes read from the socket
/// conn.handle_timeout(now);                           // when poll_timeout() passed
/// while conn.poll_transmit(now, &mut tx) > 0 {}       // bytes to write
/// while let Some(ev) = conn.poll_event() { … }        // responses, updates, …
/// let deadline = conn.poll_timeout();                 // when to call handle_timeout
/// ```
///
/// **Drain rule**: after any `&mut` call (`request`, `handle_input`, `handle_timeout`,
/// `reset`, `close`), drain `poll_transmit` and `poll_event` before waiting again.
///
/// Every request gets exactly one final event: [`Event::Response`] (a result or an RPC
/// error) or [`Event::Failed`]. Requests made before the key exists go out once it does.
///
/// # Perfect forward secrecy
///
/// With [`ConnectionConfig::pfs`], the key given to [`Connection::new`] (or made first,
/// and announced with [`Event::AuthKeyCreated`]: the one to store) is the permanent key,
/// and it carries no traffic. The connection makes a temporary key, binds it with
/// `auth.bindTempAuthKey` (the first request under it; the caller's requests wait for
/// the answer), and sends everything under it ([`Event::TempKeyBound`]). Before it
/// ends, a successor is made on the same connection and bound while the old key still
/// carries the traffic; then requests not yet sent move to the new key, and those in
/// flight are answered under the old one, which goes once they are (or, at its end,
/// they are sent again under the new key). Temporary keys are never handed out to be
/// stored.
pub struct Connection {
    config: ConnectionConfig,
    random: SeededRandom,
    codec: Codec,
    phase: Phase,
    session: Option<ClientSession>,
    /// Requests waiting for the key.
    waiting: VecDeque<(RequestId, Bytes)>,
    next_id: u64,
    events: VecDeque<Event>,
    plain_ids: crate::session::MsgIdGenerator,
    last_rx: Instant,
    last_ping: Instant,
    ping_id: i64,
    packet: BytesMut,
    rx_packet: BytesMut,
    pfs: Option<pfs::Pfs>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("transport", &self.codec.kind())
            .field("ready", &matches!(self.phase, Phase::Ready))
            .field("waiting", &self.waiting.len())
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// A connection; with `auth` (a key created before) the session starts at once,
    /// otherwise the key exchange does.
    pub fn new(mut config: ConnectionConfig, auth: Option<&AuthKeyOutcome>, now: Now) -> Self {
        let mut random = config.seed.take();
        let codec = new_codec(&config, now, &mut random);
        let pfs = config.pfs.map(|c| pfs::Pfs::new(c, auth.cloned()));
        // With PFS the key given is the permanent one, which carries no traffic.
        let session = auth.filter(|_| pfs.is_none()).map(|auth| {
            ClientSession::new(
                config.session.clone(),
                auth.auth_key.clone(),
                auth.first_salt,
                auth.time_offset,
                false,
                &mut random,
            )
        });
        let mut conn = Connection {
            config,
            random,
            codec,
            phase: Phase::Ready,
            session,
            waiting: VecDeque::new(),
            next_id: 0,
            events: VecDeque::new(),
            plain_ids: Default::default(),
            last_rx: now.mono,
            last_ping: now.mono,
            ping_id: 0,
            packet: BytesMut::new(),
            rx_packet: BytesMut::new(),
            pfs,
        };
        if conn.session.is_none() {
            conn.start_handshake(now);
        }
        conn
    }

    // ----- getters -----

    /// Whether the key exists and requests go out.
    pub fn is_ready(&self) -> bool {
        matches!(self.phase, Phase::Ready)
    }

    /// Whether the connection failed and waits for [`Connection::reset`].
    pub fn is_down(&self) -> bool {
        matches!(self.phase, Phase::Failed)
    }

    /// The session, once there is a key.
    pub fn session(&self) -> Option<&ClientSession> {
        self.session.as_ref()
    }

    /// Requests without their final event yet.
    pub fn pending(&self) -> usize {
        let others = self.pfs.as_ref().map_or(0, |p| {
            [&p.next, &p.retiring]
                .into_iter()
                .flatten()
                .map(|k| k.session.pending())
                .sum()
        });
        self.waiting.len() + self.session.as_ref().map_or(0, |s| s.pending()) + others
    }

    /// (PFS) the permanent key, once there is one: the key to store.
    pub fn perm_key(&self) -> Option<&AuthKeyOutcome> {
        self.pfs.as_ref().and_then(|p| p.perm.as_ref())
    }

    /// (PFS) whether the current temporary key is bound, and when it ends (server time,
    /// unix seconds). `None` without PFS or before the first temporary key.
    pub fn temp_key(&self) -> Option<(bool, i32)> {
        let pfs = self.pfs.as_ref()?;
        pfs.times.map(|t| (pfs.bound, t.expires_at))
    }

    // ----- mutators -----

    /// Queues a request (a serialized TL function) and returns its handle.
    pub fn request(&mut self, body: Bytes) -> RequestId {
        let id = RequestId(self.next_id);
        self.next_id += 1;
        // Under an unbound temporary key only the binding goes out.
        let bound = self.pfs.as_ref().is_none_or(|p| p.bound);
        match (&self.phase, &mut self.session) {
            (Phase::Closed, _) => self.events.push_back(Event::Failed {
                id,
                error: RequestError::Closed,
            }),
            (_, Some(session)) if bound => session.push(id, body),
            (_, _) => self.waiting.push_back((id, body)),
        }
        id
    }

    /// Cancels a request; its final event is [`RequestError::Cancelled`]. `false` if it
    /// already had its final event.
    pub fn cancel(&mut self, id: RequestId) -> bool {
        if let Some(at) = self.waiting.iter().position(|(w, _)| *w == id) {
            self.waiting.remove(at);
            self.events.push_back(Event::Failed {
                id,
                error: RequestError::Cancelled,
            });
            return true;
        }
        if let Some(retiring) = self.pfs.as_mut().and_then(|p| p.retiring.as_mut())
            && retiring.session.cancel(id)
        {
            return true;
        }
        self.session.as_mut().is_some_and(|s| s.cancel(id))
    }

    /// Handles bytes received from the socket; complete frames are split off `input`,
    /// a partial one stays for next time. An error leaves the connection down until
    /// [`Connection::reset`].
    pub fn handle_input(&mut self, now: Now, input: &mut BytesMut) -> Result<(), ConnectionError> {
        if matches!(self.phase, Phase::Failed | Phase::Closed) {
            return Err(ConnectionError::Down);
        }
        loop {
            let frame = match self.codec.decode(input) {
                Ok(Some(frame)) => frame,
                Ok(None) => return Ok(()),
                Err(e) => return Err(self.fail(e.into())),
            };
            self.last_rx = now.mono;
            match frame {
                Frame::Packet(packet) | Frame::PacketAckRequested(packet) => {
                    if packet.get(..8) == Some(&[0; 8]) {
                        self.on_plain(now, &packet)?;
                    } else if let Some(session) = session_for(
                        &mut self.session,
                        self.pfs.as_mut(),
                        packet.first_chunk::<8>(),
                    ) {
                        // The session decrypts in place and hands bodies out as slices of
                        // the packet: copied into a buffer of our own, reused once they
                        // are dropped, rather than a new allocation per packet.
                        self.rx_packet.extend_from_slice(&packet);
                        let owned = self.rx_packet.split();
                        session.handle_packet(now.mono, now.unix, owned);
                        if self.pfs.is_some() {
                            self.check_bindings(now)?;
                        }
                    }
                }
                Frame::QuickAck(_) => {}
                Frame::Error(code) => {
                    if code == KEY_UNKNOWN {
                        self.drop_key();
                    }
                    return Err(self.fail(ConnectionError::TransportCode(code)));
                }
            }
        }
    }

    /// Runs the timers: the key exchange's deadline, keep-alive pings, the silence
    /// deadline, and the session's own (acks, unanswered requests).
    pub fn handle_timeout(&mut self, now: Now) {
        match &self.phase {
            Phase::Handshake { deadline, .. } if now.mono >= *deadline => {
                self.fail(ConnectionError::HandshakeTimeout);
                return;
            }
            Phase::Ready => {}
            _ => return,
        }
        if now.mono >= self.last_rx + self.config.dead_after {
            self.fail(ConnectionError::Timeout);
            return;
        }
        if self.pfs.is_some() && !self.pfs_timers(now) {
            return;
        }
        if let (Some(session), Phase::Ready) = (&mut self.session, &self.phase) {
            if now.mono >= self.last_ping + self.config.ping_interval {
                self.last_ping = now.mono;
                self.ping_id += 1;
                session.ping(self.ping_id, self.config.dead_after.as_secs().max(1) as i32);
            }
            session.handle_timeout(now.mono);
        }
        // A binding can also end on a timer (sent too often, or never answered).
        if self.pfs.is_some()
            && let Err(error) = self.check_bindings(now)
        {
            tracing::debug!(%error, "a binding ended without success");
        }
    }

    /// Starts over on a new socket: a fresh transport (and obfuscation header). The
    /// session and its key carry on: requests in flight stay pending and their state is
    /// asked first thing, so each is sent again only if the server never got it, and its
    /// answer asked again if it was lost. Without a key, the exchange starts again.
    ///
    /// To give up on requests in flight instead, call [`Connection::fail_in_flight`].
    pub fn reset(&mut self, now: Now) {
        if matches!(self.phase, Phase::Closed) {
            return;
        }
        self.codec = new_codec(&self.config, now, &mut self.random);
        self.last_rx = now.mono;
        self.last_ping = now.mono;
        if let Some(pfs) = &mut self.pfs {
            // The server runs a key exchange per connection: one under way is lost.
            pfs.renewal = None;
            for keyed in [&mut pfs.next, &mut pfs.retiring].into_iter().flatten() {
                keyed.session.connection_lost(now.mono);
            }
            if pfs.times.is_some_and(|t| now.mono >= t.expires) {
                self.expire_current();
            }
        }
        if let Some(session) = &mut self.session {
            session.connection_lost(now.mono);
            self.phase = Phase::Ready;
        } else {
            self.start_handshake(now);
        }
    }

    /// Ends every request in flight with [`RequestError::ConnectionLost`] (queued ones
    /// stay): for callers that would rather retry themselves than wait for a reconnect.
    pub fn fail_in_flight(&mut self) {
        if let Some(session) = &mut self.session {
            session.fail_in_flight(RequestError::ConnectionLost);
        }
        if let Some(retiring) = self.pfs.as_mut().and_then(|p| p.retiring.as_mut()) {
            retiring
                .session
                .fail_in_flight(RequestError::ConnectionLost);
        }
    }

    /// Closes for good: every request without its final event fails with
    /// [`RequestError::Closed`].
    pub fn close(&mut self) {
        for (id, _) in self.waiting.drain(..) {
            self.events.push_back(Event::Failed {
                id,
                error: RequestError::Closed,
            });
        }
        if let Some(session) = &mut self.session {
            session.close();
        }
        if let Some(pfs) = &mut self.pfs {
            pfs.renewal = None;
            for keyed in [&mut pfs.next, &mut pfs.retiring].into_iter().flatten() {
                keyed.session.close();
            }
        }
        self.phase = Phase::Closed;
    }

    // ----- polls -----

    /// Appends the bytes to write to the socket to `out`; returns how many.
    pub fn poll_transmit(&mut self, now: Now, out: &mut BytesMut) -> usize {
        let start = out.len();
        if !matches!(self.phase, Phase::Failed | Phase::Closed) {
            // A fake-TLS hello goes out even before the first frame.
            self.codec.flush(out);
        }
        match &mut self.phase {
            Phase::Handshake { out: body, .. } => {
                if let Some(body) = body.take() {
                    self.packet.clear();
                    seal_plain(self.plain_ids.next(now.unix), &body, &mut self.packet);
                    self.codec.encode(&self.packet, out, &mut self.random);
                }
            }
            Phase::Ready => {
                let pfs = self.pfs.as_mut();
                let (renewal, next, retiring) = match pfs {
                    Some(p) => (p.renewal.as_mut(), p.next.as_mut(), p.retiring.as_mut()),
                    None => (None, None, None),
                };
                if let Some(body) = renewal.and_then(|r| r.out.take()) {
                    self.packet.clear();
                    seal_plain(self.plain_ids.next(now.unix), &body, &mut self.packet);
                    self.codec.encode(&self.packet, out, &mut self.random);
                }
                let sessions = [
                    self.session.as_mut(),
                    next.map(|k| &mut k.session),
                    retiring.map(|k| &mut k.session),
                ];
                for session in sessions.into_iter().flatten() {
                    loop {
                        self.packet.clear();
                        if !session.poll_transmit(
                            now.mono,
                            now.unix,
                            &mut self.random,
                            &mut self.packet,
                        ) {
                            break;
                        }
                        self.codec.encode(&self.packet, out, &mut self.random);
                    }
                }
            }
            Phase::Failed | Phase::Closed => {}
        }
        // A large packet's buffers are not kept around.
        if self.packet.capacity() > 64 << 10 {
            self.packet = BytesMut::new();
        }
        if self.rx_packet.capacity() > 64 << 10 {
            self.rx_packet = BytesMut::new();
        }
        out.len() - start
    }

    /// The next event.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events
            .pop_front()
            .or_else(|| self.session.as_mut().and_then(|s| s.poll_event()))
            .or_else(|| {
                let pfs = self.pfs.as_mut()?;
                [&mut pfs.retiring, &mut pfs.next]
                    .into_iter()
                    .flatten()
                    .find_map(|k| k.session.poll_event())
            })
    }

    /// When [`Connection::handle_timeout`] should next be called.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        match &self.phase {
            Phase::Handshake { deadline, .. } => Some(*deadline),
            Phase::Ready => {
                let own = (self.last_ping + self.config.ping_interval)
                    .min(self.last_rx + self.config.dead_after);
                let session = self.session.as_ref().and_then(|s| s.poll_timeout());
                let keys = self.pfs.as_ref().and_then(|p| p.deadline());
                Some(
                    [session, keys]
                        .into_iter()
                        .flatten()
                        .fold(own, Instant::min),
                )
            }
            Phase::Failed | Phase::Closed => None,
        }
    }

    // ----- internals -----

    fn start_handshake(&mut self, now: Now) {
        let temporary = self.pfs.as_ref().is_some_and(|p| p.perm.is_some());
        let config = self.exchange_config(temporary);
        let (exchange, body) = ClientHandshake::start(config, &mut self.random);
        self.phase = Phase::Handshake {
            exchange,
            deadline: now.mono + self.config.handshake_timeout,
            out: Some(body),
        };
    }

    fn on_plain(&mut self, now: Now, packet: &[u8]) -> Result<(), ConnectionError> {
        let body = match open_plain(packet) {
            Ok(body) => body,
            Err(e) => return Err(self.fail(e.into())),
        };
        if let (Phase::Ready, Some(renewal)) = (
            &self.phase,
            self.pfs.as_mut().and_then(|p| p.renewal.as_mut()),
        ) {
            return match renewal
                .exchange
                .handle(body, now.unix.as_secs() as i64, &mut self.random)
            {
                Ok(Step::Send(next)) => {
                    renewal.out = Some(next);
                    Ok(())
                }
                Ok(Step::Done(outcome)) => {
                    let keyed = self.temp_session(&outcome, now);
                    if let Some(pfs) = &mut self.pfs {
                        pfs.renewal = None;
                        pfs.next = Some(keyed);
                    }
                    Ok(())
                }
                Err(e) => Err(self.fail(e.into())),
            };
        }
        let Phase::Handshake { exchange, out, .. } = &mut self.phase else {
            return Err(self.fail(PlainError::Unexpected.into()));
        };
        match exchange.handle(body, now.unix.as_secs() as i64, &mut self.random) {
            Ok(Step::Send(next)) => {
                *out = Some(next);
                Ok(())
            }
            Ok(Step::Done(outcome)) if self.pfs.is_some() => {
                self.on_pfs_key(now, outcome);
                Ok(())
            }
            Ok(Step::Done(outcome)) => {
                let mut session = ClientSession::new(
                    self.config.session.clone(),
                    outcome.auth_key.clone(),
                    outcome.first_salt,
                    outcome.time_offset,
                    true,
                    &mut self.random,
                );
                for (id, body) in self.waiting.drain(..) {
                    session.push(id, body);
                }
                self.session = Some(session);
                self.phase = Phase::Ready;
                self.last_ping = now.mono;
                self.events.push_back(Event::AuthKeyCreated(outcome));
                Ok(())
            }
            Err(e) => Err(self.fail(e.into())),
        }
    }

    /// The server does not know the key: every request it has not answered moves back to
    /// the queue for the next key (it could not have decrypted them, so none ran), and
    /// the caller hears that the key is gone.
    fn drop_key(&mut self) {
        if self.pfs.is_some() {
            // Only temporary keys carry traffic: the server forgot one of them (they live
            // in its memory only), not the permanent key, which stays.
            tracing::debug!("the server does not know our temporary key");
            self.expire_current();
            return;
        }
        let Some(mut session) = self.session.take() else {
            return;
        };
        let mut requests = session.take_requests();
        // Events the session had not handed out yet (answers that arrived before the
        // error) still belong to the caller.
        while let Some(event) = session.poll_event() {
            self.events.push_back(event);
        }
        requests.extend(self.waiting.drain(..));
        self.waiting = requests.into();
        self.events.push_back(Event::AuthKeyRejected);
    }

    fn fail(&mut self, error: ConnectionError) -> ConnectionError {
        tracing::debug!(%error, "connection failed");
        self.phase = Phase::Failed;
        error
    }
}

/// The session an encrypted packet is for, by its key id: a temporary key's successor or
/// predecessor, or else the current session.
fn session_for<'a>(
    current: &'a mut Option<ClientSession>,
    pfs: Option<&'a mut pfs::Pfs>,
    key_id: Option<&[u8; 8]>,
) -> Option<&'a mut ClientSession> {
    if let (Some(pfs), Some(key_id)) = (pfs, key_id) {
        for keyed in [&mut pfs.next, &mut pfs.retiring].into_iter().flatten() {
            if keyed.session.auth_key().id() == *key_id {
                return Some(&mut keyed.session);
            }
        }
    }
    current.as_mut()
}

fn new_codec(config: &ConnectionConfig, now: Now, random: &mut dyn RandomSource) -> Codec {
    // A fake-TLS hello carries the clock in 32 bits; past 2106 it wraps, as the
    // protocol's does.
    let unix = now.unix.as_secs() as u32;
    Codec::client(
        config.transport,
        config.dc,
        &config.obfuscation,
        unix,
        random,
    )
}
