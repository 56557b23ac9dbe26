//! [`Server`]: the server role over many connections, sans-IO. It tells transports apart by
//! their first bytes, runs key exchanges, keeps keys and sessions (which outlive
//! connections, as on Telegram), and hands requests to the application.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::time::Duration;

use bytes::{Bytes, BytesMut};

use super::plain::{PlainError, open_plain, seal_plain};
use crate::crypto::message::{AuthKey, Sender};
use crate::crypto::rsa::RsaPrivateKey;
use crate::handshake::{HandshakeError, ServerHandshake, ServerHandshakeConfig, ServerStep};
use crate::pfs::{BindCheck, BindError, verify_binding};
use crate::random::{RandomSource, Seed, SeededRandom};
use crate::session::{
    Dropped, RpcError, SaltSchedule, ServerEvent, ServerMsgIdGenerator, ServerSession,
    ServerSessionConfig, open_owned,
};
use crate::transport::{Codec, FakeTlsAcceptor, Frame, MtProxySecret, TransportError};
use oxigram_tl::{Deserialize, Identifiable, RawObject, functions};

/// What a server needs. Not `Clone`: it holds the server's seed, which must not go to
/// two servers (they would draw the same nonces, salts and keys); [`ServerConfig::with_seed`]
/// copies the rest. Its `Debug` shows neither the seed, the private exponent nor the
/// proxy secret.
pub struct ServerConfig {
    /// The RSA key pair clients encrypt the key exchange to.
    pub key: RsaPrivateKey,
    /// The DC id clients must ask keys for (any, when `None`).
    pub dc: Option<i32>,
    /// The seed of the server's CSPRNG and salt schedule (32 bytes of OS randomness
    /// outside tests).
    pub seed: Seed,
    /// Session limits.
    pub session: ServerSessionConfig,
    /// Serve as an MTProxy with this secret: obfuscated clients key their header with
    /// its key, and with an `ee` secret, connections that open with a TLS hello go
    /// through [`FakeTlsAcceptor`] (its default clock window and replay memory). Plain
    /// transports are taken either way.
    pub proxy_secret: Option<MtProxySecret>,
    /// The longest frame a client may send (its length field, see
    /// [`Codec::max_payload`]); [`SERVER_MAX_PAYLOAD`](crate::transport::SERVER_MAX_PAYLOAD) (2 MiB) suits any legitimate
    /// request. A longer one fails [`Server::handle_input`] with
    /// [`TransportError::TooLarge`] as soon as its length arrives, so a connection holds
    /// at most this much of a partial frame.
    pub max_frame: usize,
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("key", &self.key)
            .field("dc", &self.dc)
            .field("seed", &self.seed)
            .field("session", &self.session)
            // Whether there is one, not its bytes: they key every obfuscated connection.
            .field("proxy_secret", &self.proxy_secret.as_ref().map(|_| ".."))
            .field("max_frame", &self.max_frame)
            .finish()
    }
}

impl ServerConfig {
    /// The same settings with another seed, for another server: the way to copy a
    /// config, since two servers must never share a seed.
    pub fn with_seed(&self, seed: [u8; 32]) -> Self {
        ServerConfig {
            key: self.key.clone(),
            dc: self.dc,
            seed: Seed::new(seed),
            session: self.session.clone(),
            proxy_secret: self.proxy_secret.clone(),
            max_frame: self.max_frame,
        }
    }
}

/// A connection's handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

/// A session's handle: the key it belongs to and its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionRef {
    /// The auth key id (little-endian, as on the wire).
    pub auth_key_id: u64,
    /// The session id the client chose.
    pub session_id: i64,
}

/// What the application has to act on.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ServerOutput {
    /// A request to answer with [`Server::respond`].
    Request {
        /// The connection it came on.
        conn: ConnId,
        /// Its session.
        session: SessionRef,
        /// Its message id.
        msg_id: i64,
        /// The TL function.
        body: Bytes,
    },
    /// A key exchange finished on `conn`.
    AuthKeyCreated {
        /// The connection.
        conn: ConnId,
        /// The new key's id.
        auth_key_id: u64,
    },
    /// The client asked to be disconnected after `delay` without a ping.
    Keepalive {
        /// The connection.
        conn: ConnId,
        /// The delay.
        delay: Duration,
    },
    /// (PFS) a temporary key was bound to a permanent one: requests under it act for
    /// the permanent key ([`Server::perm_key_of`]).
    TempKeyBound {
        /// The connection.
        conn: ConnId,
        /// The temporary key.
        temp_auth_key_id: u64,
        /// The permanent key it stands for.
        perm_auth_key_id: u64,
    },
    /// (PFS) a binding was refused with [`BindError::rpc_error`].
    BindRefused {
        /// The connection.
        conn: ConnId,
        /// Why.
        error: BindError,
    },
    /// A message was refused or dropped (diagnostics).
    Rejected {
        /// The connection.
        conn: ConnId,
        /// What happened.
        event: ServerEvent,
    },
}

/// Why a connection must be closed (after flushing [`Server::poll_transmit`], which may
/// carry a transport error code to the client).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ServerConnError {
    /// The bytes do not frame.
    #[error("transport: {0}")]
    Transport(#[from] TransportError),
    /// A malformed unencrypted message.
    #[error("{0}")]
    Plain(#[from] PlainError),
    /// The key exchange failed.
    #[error("key exchange: {0}")]
    Handshake(#[from] HandshakeError),
    /// A message under a key the server does not know (`-404` was queued).
    #[error("unknown auth key {0:016x}")]
    UnknownKey(u64),
    /// The connection is unknown or closed.
    #[error("no such connection")]
    NoConnection,
}

struct KeyState {
    key: AuthKey,
    /// The salt the exchange gave the client, and until when it is accepted.
    first_salt: (i64, i64),
    /// For a temporary key, when it ends (server time, seconds).
    expires_at: Option<i64>,
    /// For a temporary key, the permanent key it was bound to.
    bound_to: Option<u64>,
}

#[derive(Default)]
struct Conn {
    codec: Option<Codec>,
    exchange: Option<ServerHandshake>,
    plain_out: VecDeque<Vec<u8>>,
    error_out: Option<i32>,
    /// The sessions last seen on this connection (the index of `Slot::conn`).
    sessions: BTreeSet<SessionRef>,
}

struct Slot {
    session: ServerSession,
    conn: Option<ConnId>,
    /// Server time of the last message received in the session.
    last_seen: Duration,
}

/// The server role over many connections.
///
/// Drive it like a [`super::Connection`]: feed each connection's bytes to
/// [`Server::handle_input`], then drain [`Server::poll_transmit`] for every connection and
/// [`Server::poll_event`]. Answers go to the connection a session was last seen on; a
/// session without a connection keeps them until the client comes back, or until
/// [`Server::handle_timeout`] forgets it after [`ServerSessionConfig::idle_timeout`].
///
/// Sessions are indexed by connection, by key and by age, so the work of a call is
/// proportional to the sessions it concerns, not to every session the server holds
/// ([`Server::sessions_visited`] counts it).
pub struct Server {
    config: ServerConfig,
    random: SeededRandom,
    salts: SaltSchedule,
    keys: HashMap<u64, KeyState>,
    /// Temporary keys by when they end, for [`Server::handle_timeout`].
    temp_keys: BTreeSet<(i64, u64)>,
    /// The temporary key bound to each permanent key (one at a time: a new binding
    /// replaces the previous one).
    bindings: HashMap<u64, u64>,
    sessions: BTreeMap<SessionRef, Slot>,
    /// Sessions by the time they were last seen: the oldest are evicted first.
    by_age: BTreeSet<(Duration, SessionRef)>,
    conns: HashMap<ConnId, Conn>,
    /// Connections that may have something to send.
    ready: BTreeSet<ConnId>,
    /// Session slots examined by the calls that walk sessions (diagnostics).
    visited: u64,
    events: VecDeque<ServerOutput>,
    next_conn: u64,
    plain_ids: ServerMsgIdGenerator,
    packet: BytesMut,
    /// Checks fake-TLS hellos (with an `ee` proxy secret), remembering those it took.
    fake_tls: Option<FakeTlsAcceptor>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("keys", &self.keys.len())
            .field("sessions", &self.sessions.len())
            .field("connections", &self.conns.len())
            .finish_non_exhaustive()
    }
}

impl Server {
    /// A server with no keys, sessions or connections.
    pub fn new(mut config: ServerConfig) -> Self {
        // The seed is used once, here: the config the server keeps holds zeros.
        let mut random = config.seed.take();
        let mut secret = [0u8; 32];
        random.fill(&mut secret);
        let fake_tls = match &config.proxy_secret {
            Some(MtProxySecret::FakeTls { key, .. }) => Some(FakeTlsAcceptor::new(*key)),
            _ => None,
        };
        Server {
            config,
            random,
            salts: SaltSchedule::new(secret),
            keys: HashMap::new(),
            temp_keys: BTreeSet::new(),
            bindings: HashMap::new(),
            sessions: BTreeMap::new(),
            by_age: BTreeSet::new(),
            conns: HashMap::new(),
            ready: BTreeSet::new(),
            visited: 0,
            events: VecDeque::new(),
            next_conn: 0,
            plain_ids: ServerMsgIdGenerator::default(),
            packet: BytesMut::new(),
            fake_tls,
        }
    }

    // ----- getters -----

    /// The salt schedule (server time).
    pub fn salts(&self) -> &SaltSchedule {
        &self.salts
    }

    /// Keys known.
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// Sessions known.
    pub fn sessions(&self) -> impl Iterator<Item = SessionRef> + '_ {
        self.sessions.keys().copied()
    }

    /// How many sessions are known.
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// The sessions of one auth key.
    pub fn sessions_of_key(&self, auth_key_id: u64) -> impl Iterator<Item = SessionRef> + '_ {
        self.sessions
            .range(key_range(auth_key_id))
            .map(|(session, _)| *session)
    }

    /// How many session slots the calls that walk sessions ([`Server::poll_transmit`],
    /// [`Server::close`], [`Server::push_to_key`], [`Server::handle_timeout`]) have
    /// examined so far. Diagnostics: it shows that their work follows the sessions
    /// concerned, not all sessions.
    pub fn sessions_visited(&self) -> u64 {
        self.visited
    }

    /// Registers a key created elsewhere (a client's saved key, in tests); its clients
    /// start with any salt and are told the right one.
    pub fn add_key(&mut self, key: AuthKey) {
        let id = u64::from_le_bytes(key.id());
        self.keys.insert(
            id,
            KeyState {
                key,
                first_salt: (0, 0),
                expires_at: None,
                bound_to: None,
            },
        );
    }

    /// The key requests under `auth_key_id` act for: the permanent key a temporary key
    /// is bound to, or the key itself. Applications look accounts up by it.
    pub fn perm_key_of(&self, auth_key_id: u64) -> u64 {
        self.keys
            .get(&auth_key_id)
            .and_then(|k| k.bound_to)
            .unwrap_or(auth_key_id)
    }

    /// Whether `auth_key_id` is a temporary key (bound or not) the server holds.
    pub fn is_temporary(&self, auth_key_id: u64) -> bool {
        self.keys
            .get(&auth_key_id)
            .is_some_and(|k| k.expires_at.is_some())
    }

    // ----- connections -----

    /// The DC `conn`'s obfuscated header named (see [`Codec::header_dc`]), once read;
    /// `None` for an unobfuscated connection or an unknown one.
    pub fn header_dc(&self, conn: ConnId) -> Option<i16> {
        self.conns.get(&conn)?.codec.as_ref()?.header_dc()
    }

    /// Takes connection `conn` away with its transport, for another server to
    /// [`adopt`](Server::adopt): what an MTProxy does once the connection's header said
    /// where it goes. `None` (and the connection stays) once it carried a frame, whose
    /// key exchange or sessions belong here, or if it is unknown.
    pub fn release(&mut self, conn: ConnId) -> Option<Codec> {
        let c = self.conns.get(&conn)?;
        let fresh = c.exchange.is_none()
            && c.sessions.is_empty()
            && c.plain_out.is_empty()
            && c.error_out.is_none();
        if !fresh {
            return None;
        }
        self.ready.remove(&conn);
        self.conns.remove(&conn)?.codec
    }

    /// A new connection going on with a transport another server began (see
    /// [`Server::release`]).
    pub fn adopt(&mut self, codec: Codec) -> ConnId {
        let id = self.accept();
        if let Some(c) = self.conns.get_mut(&id) {
            c.codec = Some(codec);
        }
        // Whatever the transport still has to send goes out with the next transmit.
        self.ready.insert(id);
        id
    }

    /// A new connection.
    pub fn accept(&mut self) -> ConnId {
        let id = ConnId(self.next_conn);
        self.next_conn += 1;
        self.conns.insert(id, Conn::default());
        id
    }

    /// The connection is gone; its sessions keep their output for the next one.
    pub fn close(&mut self, conn: ConnId) {
        self.ready.remove(&conn);
        let Some(c) = self.conns.remove(&conn) else {
            return;
        };
        self.visited += c.sessions.len() as u64;
        for session in c.sessions {
            if let Some(slot) = self.sessions.get_mut(&session) {
                slot.conn = None;
            }
        }
    }

    /// Forgets the sessions that received nothing for
    /// [`ServerSessionConfig::idle_timeout`] by server time `unix`; returns how many.
    /// Call it now and then (each minute, say): its cost follows the sessions evicted.
    pub fn handle_timeout(&mut self, unix: Duration) -> usize {
        self.expire_temp_keys(unix.as_secs() as i64);
        let Some(cutoff) = unix.checked_sub(self.config.session.idle_timeout) else {
            return 0;
        };
        let mut evicted = 0;
        while let Some(&(seen, session)) = self.by_age.first()
            && seen <= cutoff
        {
            self.visited += 1;
            self.remove_session(session);
            evicted += 1;
        }
        if evicted > 0 {
            tracing::debug!(evicted, "idle sessions forgotten");
        }
        evicted
    }

    /// When [`Server::handle_timeout`] has a session to forget next, in server time.
    pub fn poll_timeout(&self) -> Option<Duration> {
        let idle = self
            .by_age
            .first()
            .map(|(seen, _)| seen.saturating_add(self.config.session.idle_timeout));
        let key = self
            .temp_keys
            .first()
            .map(|&(at, _)| Duration::from_secs(at.max(0) as u64));
        [idle, key].into_iter().flatten().min()
    }

    /// Handles bytes received on `conn` at server time `unix`.
    pub fn handle_input(
        &mut self,
        conn: ConnId,
        unix: Duration,
        input: &mut BytesMut,
    ) -> Result<(), ServerConnError> {
        loop {
            let c = self
                .conns
                .get_mut(&conn)
                .ok_or(ServerConnError::NoConnection)?;
            if c.codec.is_none() {
                let key = self.config.proxy_secret.as_ref().map(MtProxySecret::key);
                let detected = match (&mut self.fake_tls, FakeTlsAcceptor::looks_like_tls(input)) {
                    (Some(_), None) => return Ok(()),
                    (Some(acceptor), Some(true)) => {
                        // The clock goes in 32 bits, as the hello carries it.
                        let at = unix.as_secs() as u32;
                        let accepted = acceptor
                            .accept(input, at, &mut self.random)
                            .map_err(TransportError::from)?;
                        // The answer to the hello is due whether or not a frame follows.
                        accepted.map(|tls| {
                            self.ready.insert(conn);
                            Codec::FakeTls(Box::new(tls))
                        })
                    }
                    _ => Codec::detect(input, key),
                };
                match detected {
                    Some(mut codec) => {
                        codec.set_max_payload(self.config.max_frame);
                        c.codec = Some(codec);
                    }
                    None => return Ok(()),
                }
            }
            let codec = c.codec.as_mut().expect("set above");
            let packet = match codec.decode(input)? {
                None => return Ok(()),
                Some(Frame::Packet(p) | Frame::PacketAckRequested(p)) => p,
                // Clients send neither; a peer that does is ignored.
                Some(Frame::QuickAck(_) | Frame::Error(_)) => continue,
            };
            // Whatever happens, the connection may have something to send now.
            self.ready.insert(conn);
            if packet.get(..8) == Some(&[0; 8]) {
                self.on_plain(conn, unix, &packet)?;
            } else {
                self.on_encrypted(conn, unix, packet)?;
            }
        }
    }

    /// Appends what `conn` has to send to `out`; returns how many bytes.
    pub fn poll_transmit(&mut self, conn: ConnId, unix: Duration, out: &mut BytesMut) -> usize {
        let start = out.len();
        let Some(c) = self.conns.get_mut(&conn) else {
            return 0;
        };
        let Some(codec) = c.codec.as_mut() else {
            return 0;
        };
        // Everything that queues output marks the connection ready: one that is not has
        // nothing to send, however many sessions it carries.
        if !self.ready.remove(&conn) {
            return 0;
        }
        codec.flush(out);
        while let Some(body) = c.plain_out.pop_front() {
            self.packet.clear();
            seal_plain(self.plain_ids.next(unix, true), &body, &mut self.packet);
            codec.encode(&self.packet, out, &mut self.random);
        }
        let salt = self.salts.current(unix.as_secs() as i64);
        self.visited += c.sessions.len() as u64;
        for session in &c.sessions {
            let Some(slot) = self.sessions.get_mut(session) else {
                continue;
            };
            loop {
                self.packet.clear();
                if !slot
                    .session
                    .poll_transmit(unix, salt, &mut self.random, &mut self.packet)
                {
                    break;
                }
                codec.encode(&self.packet, out, &mut self.random);
            }
        }
        if let Some(code) = c.error_out.take() {
            codec.encode(&code.to_le_bytes(), out, &mut self.random);
        }
        if self.packet.capacity() > 64 << 10 {
            self.packet = BytesMut::new();
        }
        out.len() - start
    }

    /// The connections with something to send, in order. Only connections that got
    /// input or output since their last [`Server::poll_transmit`] are looked at.
    pub fn wants_transmit(&self) -> Vec<ConnId> {
        self.ready
            .iter()
            .filter(|id| {
                self.conns.get(id).is_some_and(|c| {
                    !c.plain_out.is_empty()
                        || c.error_out.is_some()
                        || c.sessions.iter().any(|s| {
                            self.sessions
                                .get(s)
                                .is_some_and(|slot| slot.session.wants_transmit())
                        })
                })
            })
            .copied()
            .collect()
    }

    /// The next output.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<ServerOutput> {
        self.events.pop_front()
    }

    // ----- the application's answers -----

    /// Answers a request. `false` if the session is gone or the request was answered,
    /// dropped by the client, or never made.
    pub fn respond(
        &mut self,
        session: SessionRef,
        req_msg_id: i64,
        result: Result<&[u8], &RpcError>,
    ) -> bool {
        let Some(slot) = self.sessions.get_mut(&session) else {
            return false;
        };
        let queued = slot.session.respond(req_msg_id, result);
        if let Some(conn) = slot.conn {
            self.ready.insert(conn);
        }
        queued
    }

    /// Sends a message that answers nothing (an update) in `session`; `false` if the
    /// session is gone. A session holds at most
    /// [`ServerSessionConfig::max_queued_updates`] messages for a client that does not
    /// read them, see [`ServerSession::push`].
    pub fn push(&mut self, session: SessionRef, body: Bytes) -> bool {
        let Some(slot) = self.sessions.get_mut(&session) else {
            return false;
        };
        if !slot.session.push(body) {
            tracing::debug!(?session, "queued updates replaced by updatesTooLong");
        }
        if let Some(conn) = slot.conn {
            self.ready.insert(conn);
        }
        true
    }

    /// Sends an update to every session of an auth key; returns to how many.
    pub fn push_to_key(&mut self, auth_key_id: u64, body: &Bytes) -> usize {
        let mut sessions: Vec<SessionRef> = self.sessions_of_key(auth_key_id).collect();
        // A permanent key's traffic goes under the temporary key bound to it.
        if let Some(&temp) = self.bindings.get(&auth_key_id) {
            sessions.extend(self.sessions_of_key(temp));
        }
        self.visited += sessions.len() as u64;
        for session in &sessions {
            self.push(*session, body.clone());
        }
        sessions.len()
    }

    /// The connection a session was last seen on.
    pub fn connection_of(&self, session: SessionRef) -> Option<ConnId> {
        self.sessions.get(&session).and_then(|s| s.conn)
    }

    // ----- faults -----

    /// Replaces every salt: clients get `bad_server_salt`.
    pub fn rotate_salts(&mut self) {
        self.salts.rotate();
    }

    /// Sends `new_session_created` again in `session`, as if the server had lost what the
    /// client sent before `first_msg_id`.
    pub fn announce_new_session(&mut self, session: SessionRef, first_msg_id: i64, unix: Duration) {
        let salt = self.salts.current(unix.as_secs() as i64);
        let mut unique = [0u8; 8];
        self.random.fill(&mut unique);
        if let Some(slot) = self.sessions.get_mut(&session) {
            slot.session
                .announce(first_msg_id, salt, i64::from_le_bytes(unique));
            if let Some(conn) = slot.conn {
                self.ready.insert(conn);
            }
        }
    }

    // ----- internals -----

    fn on_plain(
        &mut self,
        conn: ConnId,
        unix: Duration,
        packet: &[u8],
    ) -> Result<(), ServerConnError> {
        let body = open_plain(packet)?;
        let c = self
            .conns
            .get_mut(&conn)
            .ok_or(ServerConnError::NoConnection)?;
        let exchange = c.exchange.get_or_insert_with(|| {
            ServerHandshake::new(ServerHandshakeConfig {
                key: self.config.key.clone(),
                dc: self.config.dc,
            })
        });
        let step = exchange.handle(body, unix.as_secs() as i64, &mut self.random);
        match step {
            Ok(ServerStep::Send(answer)) => c.plain_out.push_back(answer),
            Ok(ServerStep::Done { answer, outcome }) => {
                c.plain_out.push_back(answer);
                c.exchange = None;
                let id = u64::from_le_bytes(outcome.auth_key.id());
                let until = unix.as_secs() as i64 + crate::session::SALT_PERIOD;
                let expires_at = outcome.expires_at.map(i64::from);
                if let Some(at) = expires_at {
                    self.temp_keys.insert((at, id));
                }
                self.keys.insert(
                    id,
                    KeyState {
                        key: outcome.auth_key,
                        first_salt: (outcome.first_salt, until),
                        expires_at,
                        bound_to: None,
                    },
                );
                self.events.push_back(ServerOutput::AuthKeyCreated {
                    conn,
                    auth_key_id: id,
                });
            }
            Err(e) => {
                c.exchange = None;
                return Err(e.into());
            }
        }
        Ok(())
    }

    fn on_encrypted(
        &mut self,
        conn: ConnId,
        unix: Duration,
        packet: Bytes,
    ) -> Result<(), ServerConnError> {
        let key_id = packet
            .first_chunk::<8>()
            .map(|id| u64::from_le_bytes(*id))
            .unwrap_or(0);
        let now = unix.as_secs() as i64;
        if self
            .keys
            .get(&key_id)
            .and_then(|k| k.expires_at)
            .is_some_and(|at| now >= at)
        {
            self.forget_key(key_id);
        }
        let Some(state) = self.keys.get(&key_id) else {
            if let Some(c) = self.conns.get_mut(&conn) {
                c.error_out = Some(-404);
            }
            return Err(ServerConnError::UnknownKey(key_id));
        };
        let inner = match open_owned(&state.key, Sender::Client, BytesMut::from(packet)) {
            Ok(inner) => inner,
            Err(e) => {
                self.events.push_back(ServerOutput::Rejected {
                    conn,
                    event: ServerEvent::Dropped(Dropped::Envelope(e)),
                });
                return Ok(());
            }
        };
        let salt_ok = self.salts.is_valid(inner.salt, now)
            || (inner.salt == state.first_salt.0 && now < state.first_salt.1);
        let session_ref = SessionRef {
            auth_key_id: key_id,
            session_id: inner.session_id,
        };
        if !self.sessions.contains_key(&session_ref) {
            let key = state.key.clone();
            self.make_room();
            let mut unique = [0u8; 8];
            self.random.fill(&mut unique);
            let session = ServerSession::new(
                self.config.session.clone(),
                key,
                inner.session_id,
                inner.msg_id,
                self.salts.current(now),
                i64::from_le_bytes(unique),
            );
            self.sessions.insert(
                session_ref,
                Slot {
                    session,
                    conn: None,
                    last_seen: unix,
                },
            );
            self.by_age.insert((unix, session_ref));
        }
        self.attach(session_ref, conn, unix);
        let slot = self.sessions.get_mut(&session_ref).expect("inserted above");
        slot.session
            .handle_message(unix, inner, &self.salts, salt_ok);
        let mut destroy = Vec::new();
        let mut requests = Vec::new();
        while let Some(event) = slot.session.poll_event() {
            match event {
                ServerEvent::Request { msg_id, body } => requests.push((msg_id, body)),
                ServerEvent::Keepalive(delay) => self
                    .events
                    .push_back(ServerOutput::Keepalive { conn, delay }),
                ServerEvent::DestroySession { session_id } => destroy.push(session_id),
                event => self
                    .events
                    .push_back(ServerOutput::Rejected { conn, event }),
            }
        }
        for (msg_id, body) in requests {
            self.on_request(conn, session_ref, msg_id, body);
        }
        for session_id in destroy {
            let other = SessionRef {
                auth_key_id: key_id,
                session_id,
            };
            let existed = other != session_ref && self.remove_session(other);
            if let Some(slot) = self.sessions.get_mut(&session_ref) {
                slot.session.answer_destroy_session(session_id, existed);
            }
        }
        Ok(())
    }

    /// A request decoded: bindings are the server's own business, requests under an
    /// unbound temporary key other than the few allowed are refused, and the rest go to
    /// the application.
    fn on_request(&mut self, conn: ConnId, session: SessionRef, msg_id: i64, body: Bytes) {
        let id = body
            .first_chunk::<4>()
            .map(|id| u32::from_le_bytes(*id))
            .unwrap_or(0);
        if id == functions::auth::BindTempAuthKey::CONSTRUCTOR_ID {
            let answer = self.bind(conn, session, msg_id, &body);
            let result = answer.as_ref().map(|()| &BOOL_TRUE[..]);
            self.respond(session, msg_id, result);
            return;
        }
        let unbound = self
            .keys
            .get(&session.auth_key_id)
            .is_some_and(|k| k.expires_at.is_some() && k.bound_to.is_none());
        if unbound && !allowed_unbound(&body) {
            let error = RpcError::new(401, "AUTH_KEY_PERM_EMPTY");
            self.respond(session, msg_id, Err(&error));
            return;
        }
        self.events.push_back(ServerOutput::Request {
            conn,
            session,
            msg_id,
            body,
        });
    }

    /// Verifies and records a binding; the error is the answer to send.
    fn bind(
        &mut self,
        conn: ConnId,
        session: SessionRef,
        msg_id: i64,
        body: &[u8],
    ) -> Result<(), RpcError> {
        let temp = session.auth_key_id;
        let result = match self.keys.get(&temp) {
            Some(state) if state.expires_at.is_some() => {
                let check = BindCheck {
                    temp_auth_key_id: temp as i64,
                    temp_session_id: session.session_id,
                    msg_id,
                };
                let keys = &self.keys;
                let found = verify_binding(
                    body,
                    |id| {
                        keys.get(&(id as u64))
                            .filter(|k| k.expires_at.is_none())
                            .map(|k| k.key.clone())
                    },
                    &check,
                );
                match (found, state.bound_to) {
                    (Ok(bound), Some(other)) if other != bound.perm_auth_key_id as u64 => {
                        Err(BindError::AlreadyBound)
                    }
                    (found, _) => found,
                }
            }
            _ => Err(BindError::NotTemporary),
        };
        let bound = match result {
            Ok(bound) => bound,
            Err(error) => {
                tracing::debug!(%error, "binding refused");
                let answer = error.rpc_error();
                self.events
                    .push_back(ServerOutput::BindRefused { conn, error });
                return Err(answer);
            }
        };
        let perm = bound.perm_auth_key_id as u64;
        if let Some(state) = self.keys.get_mut(&temp) {
            state.bound_to = Some(perm);
            // The binding may end the key sooner than its exchange said, never later.
            let ends = state.expires_at.map_or(i64::from(bound.expires_at), |at| {
                at.min(i64::from(bound.expires_at))
            });
            if let Some(old) = state.expires_at.replace(ends) {
                self.temp_keys.remove(&(old, temp));
            }
            self.temp_keys.insert((ends, temp));
        }
        // One temporary key per permanent key: pushes go to the newest. The previous one
        // still acts for the permanent key until it ends, so that what the client sent
        // under it before moving over is answered.
        self.bindings.insert(perm, temp);
        self.events.push_back(ServerOutput::TempKeyBound {
            conn,
            temp_auth_key_id: temp,
            perm_auth_key_id: perm,
        });
        Ok(())
    }

    /// Forgets the temporary keys that ended by server time `now`, with their sessions.
    fn expire_temp_keys(&mut self, now: i64) {
        while let Some(&(at, id)) = self.temp_keys.first()
            && at <= now
        {
            self.forget_key(id);
        }
    }

    /// Forgets a key, its sessions and its binding, as a server that lost it: its
    /// clients get `-404`, and bindings to it are refused.
    pub fn forget_key(&mut self, id: u64) {
        let Some(state) = self.keys.remove(&id) else {
            return;
        };
        if let Some(at) = state.expires_at {
            self.temp_keys.remove(&(at, id));
        }
        if let Some(perm) = state.bound_to
            && self.bindings.get(&perm) == Some(&id)
        {
            self.bindings.remove(&perm);
        }
        let sessions: Vec<SessionRef> = self.sessions_of_key(id).collect();
        self.visited += sessions.len() as u64;
        for session in sessions {
            self.remove_session(session);
        }
        tracing::debug!(key = id, "key forgotten");
    }

    /// Records that `session` was seen on `conn` at `unix`, keeping the indexes by
    /// connection and by age in step.
    fn attach(&mut self, session: SessionRef, conn: ConnId, unix: Duration) {
        let Some(slot) = self.sessions.get_mut(&session) else {
            return;
        };
        if slot.last_seen != unix {
            self.by_age.remove(&(slot.last_seen, session));
            slot.last_seen = unix;
            self.by_age.insert((unix, session));
        }
        if slot.conn != Some(conn) {
            if let Some(old) = slot.conn.and_then(|old| self.conns.get_mut(&old)) {
                old.sessions.remove(&session);
            }
            slot.conn = Some(conn);
            if let Some(c) = self.conns.get_mut(&conn) {
                c.sessions.insert(session);
            }
        }
    }

    /// Forgets a session; `false` if there was none.
    fn remove_session(&mut self, session: SessionRef) -> bool {
        let Some(slot) = self.sessions.remove(&session) else {
            return false;
        };
        self.by_age.remove(&(slot.last_seen, session));
        if let Some(c) = slot.conn.and_then(|conn| self.conns.get_mut(&conn)) {
            c.sessions.remove(&session);
        }
        true
    }

    /// Evicts the session silent longest when a new one would exceed
    /// [`ServerSessionConfig::max_sessions`].
    fn make_room(&mut self) {
        while self.sessions.len() >= self.config.session.max_sessions.max(1)
            && let Some(&(_, oldest)) = self.by_age.first()
        {
            self.visited += 1;
            tracing::debug!(session = ?oldest, "session limit reached: evicting the oldest");
            self.remove_session(oldest);
        }
    }
}

/// `boolTrue`, the answer to a binding.
const BOOL_TRUE: [u8; 4] = 0x997275b5u32.to_le_bytes();

/// Whether a request may go under a temporary key not bound yet: the binding itself and
/// the configuration calls a client makes before it knows where it is, inside the
/// usual wrappers.
fn allowed_unbound(body: &[u8]) -> bool {
    let mut body = Bytes::copy_from_slice(body);
    // The wrappers nest a few deep at most; deeper is not a request a client sends.
    for _ in 0..4 {
        let id = body
            .first_chunk::<4>()
            .map(|id| u32::from_le_bytes(*id))
            .unwrap_or(0);
        let inner = match id {
            functions::InvokeWithLayer::<RawObject>::CONSTRUCTOR_ID => {
                functions::InvokeWithLayer::<RawObject>::from_bytes(&body).map(|r| r.query)
            }
            functions::InitConnection::<RawObject>::CONSTRUCTOR_ID => {
                functions::InitConnection::<RawObject>::from_bytes(&body).map(|r| r.query)
            }
            functions::InvokeWithoutUpdates::<RawObject>::CONSTRUCTOR_ID => {
                functions::InvokeWithoutUpdates::<RawObject>::from_bytes(&body).map(|r| r.query)
            }
            _ => {
                return matches!(
                    id,
                    functions::help::GetConfig::CONSTRUCTOR_ID
                        | functions::help::GetNearestDc::CONSTRUCTOR_ID
                        | functions::auth::BindTempAuthKey::CONSTRUCTOR_ID
                );
            }
        };
        match inner {
            Ok(query) => body = query.0,
            Err(_) => return false,
        }
    }
    false
}

/// Every session of one key, as a range of the session map (ordered by key, then id).
fn key_range(auth_key_id: u64) -> std::ops::RangeInclusive<SessionRef> {
    SessionRef {
        auth_key_id,
        session_id: i64::MIN,
    }..=SessionRef {
        auth_key_id,
        session_id: i64::MAX,
    }
}
