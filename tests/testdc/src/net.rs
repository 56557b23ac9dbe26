//! Sockets: two listeners per DC (its address and its media-only address), one task per
//! connection, all sharing one lock around the
//! DCs' sans-IO servers and the world. A test server has no use for finer locking, and one
//! lock keeps updates across DCs simple and ordered.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::BytesMut;
use oxigram_proto::connection::server::{ConnId, Server, ServerConfig, ServerOutput};
use oxigram_proto::crypto::rsa::RsaPrivateKey;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use crate::api::{ApiState, DcInfo};
use crate::route::Route;
use crate::world::World;
use crate::{TestDcConfig, seed_bytes};

/// The DCs' servers, the API state, and the connections waiting to be woken.
pub(crate) struct Shared {
    pub(crate) api: ApiState,
    pub(crate) servers: Vec<Server>,
    wakers: Vec<HashMap<ConnId, Arc<Notify>>>,
    pub(crate) faults: Faults,
    /// Requests received per connection (for `Faults::drop_after_requests`).
    requests: HashMap<(usize, ConnId), u32>,
    /// Connections to close (a fault fired).
    doomed: Vec<(usize, ConnId)>,
    /// Answers held back by `Faults::delay`: (due, dc, session, msg_id, result).
    delayed: Vec<Delayed>,
    /// Keep-alive pings (`ping_delay_disconnect`) received.
    pub(crate) keepalives: u64,
    /// Temporary keys bound to a permanent key so far.
    pub(crate) temp_keys_bound: u64,
    /// Requests that came under a bound temporary key.
    pub(crate) temp_key_requests: u64,
    /// Connections accepted since the start, over all DCs.
    pub(crate) accepted: u64,
    /// Connections per DC their obfuscated header named (bounded: one entry per `i16`).
    pub(crate) header_dcs: BTreeMap<i16, u64>,
    /// The address each open connection was accepted on (a DC's own or its media one).
    listener_of: HashMap<(usize, ConnId), SocketAddr>,
    /// The permanent key each open connection last carried a request under.
    key_of_conn: HashMap<(usize, ConnId), u64>,
    /// Per DC and permanent key: connections carrying it open now, and the most at once
    /// so far (at most [`MAX_CARRIERS`] keys are followed).
    key_conns: HashMap<(usize, u64), (usize, usize)>,
    /// Who carried each method, per listening address.
    served: HashMap<(SocketAddr, &'static str), Carriers>,
    /// Connections and sessions recorded in `served`, over all its entries (at most
    /// [`MAX_CARRIERS`]).
    carriers: usize,
    /// Requests whose answer waits for a bot: deferral id → (dc, session, msg_id).
    /// As many as the API's waiting queries ([`crate::api::MAX_QUERIES`]): each leaves
    /// when the API answers it (a bot's answer, its timeout, or its eviction).
    deferred: HashMap<u64, (usize, oxigram_proto::connection::server::SessionRef, i64)>,
    /// The update faults' state per account.
    fault_states: HashMap<i64, FaultState>,
    /// Updates dropped by the update faults so far.
    pub(crate) updates_dropped: u64,
    /// [`TestDcConfig::max_connections`].
    max_connections: usize,
    /// The DC id of each server, by index.
    dc_ids: Vec<i32>,
    /// [`TestDcConfig::proxy_secret`]: connections go to the DC their header names.
    proxy_secret: Option<oxigram_proto::transport::MtProxySecret>,
    /// [`TestDcConfig::stall_timeout`].
    stall_timeout: Duration,
    /// Notified whenever a connection took bytes out of the server to write them:
    /// senders pacing themselves ([`crate::TestDc::sent_to`]) look again then.
    pub(crate) drained: Arc<Notify>,
}

/// Connections and sessions [`Served`] remembers at most, over all addresses and
/// methods; past it, calls are still counted but new connections and sessions are not.
pub const MAX_CARRIERS: usize = 65_536;

/// Who carried one method on one listening address so far:
/// [`TestDc::served`](crate::TestDc::served).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Served {
    /// Calls received.
    pub calls: u64,
    /// Distinct connections they came over.
    pub connections: usize,
    /// Distinct MTProto sessions (auth key and session id) they came in.
    pub sessions: usize,
}

/// What [`Served`] counts, with the connections and sessions themselves.
#[derive(Debug, Default)]
struct Carriers {
    calls: u64,
    connections: HashSet<(usize, ConnId)>,
    sessions: HashSet<(u64, i64)>,
}

type Delayed = (
    std::time::Instant,
    usize,
    oxigram_proto::connection::server::SessionRef,
    i64,
    Result<Vec<u8>, oxigram_proto::session::RpcError>,
);

/// Faults the test DC can be told to inject.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Per account: updates pushed to it are dropped or reordered (RPC answers are
    /// not), so that its client must notice the gap and catch up with
    /// `updates.getDifference`. Decided by [`Faults::update_seed`], the account and how
    /// many updates it was pushed so far: the same run drops the same updates.
    pub update_faults: std::collections::BTreeMap<i64, UpdateFault>,
    /// The seed of the update faults' decisions.
    pub update_seed: u64,
    /// Close each connection once it has carried this many requests.
    pub drop_after_requests: Option<u32>,
    /// Hold every answer back this long.
    pub delay: Duration,
    /// Seconds added to the server's clock.
    pub time_skew: i64,
    /// Read at most this many chunks of bytes per second from each connection.
    pub max_reads_per_second: Option<u32>,
}

/// What happens to the updates pushed to one account.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct UpdateFault {
    /// The chance (0.0 to 1.0) that an update is dropped instead of pushed.
    pub drop_probability: f64,
    /// Updates held back and then pushed together in a shuffled order once this many
    /// are held (0 or 1: no reordering). Held updates also go out, in order, when the
    /// faults change and on [`TestDc::flush_updates`](crate::TestDc::flush_updates).
    pub reorder_window: usize,
}

/// The decisions of the update faults for one account: a splitmix64 stream from the
/// seed and the account.
#[derive(Debug, Default)]
struct FaultState {
    /// Updates decided so far (the stream's position).
    drawn: u64,
    /// Updates held for reordering, oldest first (at most the window).
    held: Vec<bytes::Bytes>,
}

impl FaultState {
    /// The next number of the stream, in `0..1`.
    fn next(&mut self, seed: u64, user: i64) -> f64 {
        self.drawn += 1;
        let mut x =
            seed ^ (user as u64).rotate_left(29) ^ self.drawn.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^= x >> 31;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("dcs", &self.servers.len())
            .finish_non_exhaustive()
    }
}

fn wall() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

impl Shared {
    pub(crate) fn new(
        config: &TestDcConfig,
        key: &RsaPrivateKey,
        cdn_key: Option<&RsaPrivateKey>,
        addresses: &[(i32, SocketAddr)],
        media_addresses: &[(i32, SocketAddr)],
        ipv6_addresses: &[(i32, SocketAddr)],
    ) -> Self {
        let mut world = World::new(config.seed);
        for (i, token) in config.bots.iter().enumerate() {
            world.create_bot(token, &format!("test{}_bot", i + 1), crate::HOME_DC);
        }
        for phone in &config.users {
            let home = crate::api::test_number_dc(phone).unwrap_or(crate::HOME_DC);
            world.create_user(phone, "Test", home);
        }
        let dcs = addresses
            .iter()
            .map(|(id, addr)| DcInfo {
                id: *id,
                ip: addr.ip().to_string(),
                port: addr.port(),
                media_port: media_addresses
                    .iter()
                    .find(|(media, _)| media == id)
                    .map(|(_, a)| a.port()),
                cdn: *id == crate::api::CDN_DC,
                ipv6_port: ipv6_addresses
                    .iter()
                    .find(|(v6, _)| v6 == id)
                    .map(|(_, a)| a.port()),
            })
            .collect();
        let servers = addresses
            .iter()
            .map(|(id, _)| {
                let cdn = cdn_key.filter(|_| *id == crate::api::CDN_DC);
                Server::new(ServerConfig {
                    key: cdn.unwrap_or(key).clone(),
                    // Clients name test DCs as id + 10000; either is accepted.
                    dc: None,
                    seed: seed_bytes(config.seed, 100 + *id as u64).into(),
                    session: config.session.clone(),
                    proxy_secret: config.proxy_secret.clone(),
                    max_frame: oxigram_proto::transport::SERVER_MAX_PAYLOAD,
                })
            })
            .collect();
        let mut api = ApiState::with_seed(world, dcs, config.seed);
        if let Some(cdn) = cdn_key {
            api.set_cdn_public_key(crate::pem::public_key_pem(cdn.public()));
        }
        api.set_bot_timeout(config.bot_answer_timeout.as_secs().min(i32::MAX as u64) as i32);
        Shared {
            api,
            servers,
            wakers: addresses.iter().map(|_| HashMap::new()).collect(),
            faults: Faults::default(),
            requests: HashMap::new(),
            doomed: Vec::new(),
            delayed: Vec::new(),
            keepalives: 0,
            temp_keys_bound: 0,
            temp_key_requests: 0,
            accepted: 0,
            header_dcs: BTreeMap::new(),
            listener_of: HashMap::new(),
            key_of_conn: HashMap::new(),
            key_conns: HashMap::new(),
            served: HashMap::new(),
            carriers: 0,
            deferred: HashMap::new(),
            fault_states: HashMap::new(),
            updates_dropped: 0,
            max_connections: config.max_connections,
            dc_ids: addresses.iter().map(|(id, _)| *id).collect(),
            proxy_secret: config.proxy_secret.clone(),
            stall_timeout: config.stall_timeout,
            drained: Arc::new(Notify::new()),
        }
    }

    /// The server's clock: the wall clock plus the configured skew.
    pub(crate) fn now(&self) -> Duration {
        let skew = self.faults.time_skew;
        let wall = wall();
        if skew >= 0 {
            wall + Duration::from_secs(skew as u64)
        } else {
            wall.saturating_sub(Duration::from_secs(skew.unsigned_abs()))
        }
    }

    /// Gives the answers whose delay is over; returns the connections to wake and when
    /// the next one is due.
    fn release_delayed(&mut self) -> (Vec<Arc<Notify>>, Option<std::time::Instant>) {
        let now = std::time::Instant::now();
        let (due, later): (Vec<Delayed>, Vec<Delayed>) = std::mem::take(&mut self.delayed)
            .into_iter()
            .partition(|d| d.0 <= now);
        self.delayed = later;
        for (_, dc, session, msg_id, result) in due {
            let result = match &result {
                Ok(body) => Ok(&body[..]),
                Err(e) => Err(e),
            };
            self.servers[dc].respond(session, msg_id, result);
        }
        let next = self.delayed.iter().map(|d| d.0).min();
        (self.waiting(), next)
    }

    /// Answers every request the servers decoded, delivers the updates they caused, and
    /// returns the connections that now have something to send.
    fn process(&mut self) -> Vec<Arc<Notify>> {
        let unix = self.now();
        let expired = self.api.expire(unix.as_secs() as i32);
        self.answer_deferred(expired);
        for dc in 0..self.servers.len() {
            while let Some(out) = self.servers[dc].poll_event() {
                let (conn, session, msg_id, body) = match out {
                    ServerOutput::Request {
                        conn,
                        session,
                        msg_id,
                        body,
                    } => (conn, session, msg_id, body),
                    ServerOutput::Keepalive { .. } => {
                        self.keepalives += 1;
                        continue;
                    }
                    ServerOutput::TempKeyBound { .. } => {
                        self.temp_keys_bound += 1;
                        continue;
                    }
                    _ => continue,
                };
                let count = self.requests.entry((dc, conn)).or_default();
                *count += 1;
                if self.faults.drop_after_requests.is_some_and(|n| *count >= n) {
                    self.doomed.push((dc, conn));
                }
                // A temporary key acts for the permanent key it is bound to.
                let key = self.servers[dc].perm_key_of(session.auth_key_id);
                if key != session.auth_key_id {
                    self.temp_key_requests += 1;
                }
                let reply = self.api.call(dc, key, &body, unix.as_secs() as i32);
                self.record_carrier(dc, conn, session);
                self.record_key(dc, conn, key);
                self.push(reply.pushes, reply.key_pushes);
                if let Some(deferral) = reply.deferred {
                    self.deferred.insert(deferral, (dc, session, msg_id));
                }
                self.answer_deferred(reply.answers);
                if reply.deferred.is_some() {
                    continue;
                }
                if self.faults.delay > Duration::ZERO {
                    let due = std::time::Instant::now() + self.faults.delay;
                    self.delayed.push((due, dc, session, msg_id, reply.result));
                    continue;
                }
                let result = match &reply.result {
                    Ok(body) => Ok(&body[..]),
                    Err(e) => Err(e),
                };
                self.servers[dc].respond(session, msg_id, result);
            }
        }
        self.waiting()
    }

    /// Records who carried the call [`ApiState::call`] just ran: the connection and
    /// session, under the address the connection was accepted on.
    fn record_carrier(
        &mut self,
        dc: usize,
        conn: ConnId,
        session: oxigram_proto::connection::server::SessionRef,
    ) {
        let (Some(method), Some(&address)) =
            (self.api.last_method(), self.listener_of.get(&(dc, conn)))
        else {
            return;
        };
        let carriers = self.served.entry((address, method)).or_default();
        carriers.calls += 1;
        if self.carriers < MAX_CARRIERS && carriers.connections.insert((dc, conn)) {
            self.carriers += 1;
        }
        if self.carriers < MAX_CARRIERS
            && carriers
                .sessions
                .insert((session.auth_key_id, session.session_id))
        {
            self.carriers += 1;
        }
    }

    /// Counts connection `conn` as carrying `key` (once per connection and key).
    fn record_key(&mut self, dc: usize, conn: ConnId, key: u64) {
        let old = self.key_of_conn.insert((dc, conn), key);
        if old == Some(key) {
            return;
        }
        if let Some(old) = old {
            self.forget_key(dc, old);
        }
        if self.key_conns.len() >= MAX_CARRIERS && !self.key_conns.contains_key(&(dc, key)) {
            return;
        }
        let (now, peak) = self.key_conns.entry((dc, key)).or_default();
        *now += 1;
        *peak = (*peak).max(*now);
    }

    fn forget_key(&mut self, dc: usize, key: u64) {
        if let Some((now, _)) = self.key_conns.get_mut(&(dc, key)) {
            *now = now.saturating_sub(1);
        }
    }

    /// A connection closed: it carries its key no more.
    fn connection_closed(&mut self, dc: usize, conn: ConnId) {
        if let Some(key) = self.key_of_conn.remove(&(dc, conn)) {
            self.forget_key(dc, key);
        }
    }

    /// The most connections open at once that carried one permanent key of `user`'s
    /// (one now authorized for it, on any DC).
    pub(crate) fn peak_key_connections(&self, user: i64) -> usize {
        (0..self.servers.len())
            .flat_map(|dc| {
                self.api.authorizations[dc]
                    .keys_of(user)
                    .filter_map(move |key| self.key_conns.get(&(dc, key)))
            })
            .map(|&(_, peak)| peak)
            .max()
            .unwrap_or(0)
    }

    /// Who carried `method` on the listener at `address` so far.
    pub(crate) fn served(&self, address: SocketAddr, method: &str) -> Served {
        self.served
            .iter()
            .find(|((a, m), _)| *a == address && *m == method)
            .map_or_else(Served::default, |(_, c)| Served {
                calls: c.calls,
                connections: c.connections.len(),
                sessions: c.sessions.len(),
            })
    }

    /// Answers requests deferred before (a bot answered, or the query timed out).
    fn answer_deferred(
        &mut self,
        answers: Vec<(u64, Result<Vec<u8>, oxigram_proto::session::RpcError>)>,
    ) {
        for (deferral, result) in answers {
            let Some((dc, session, msg_id)) = self.deferred.remove(&deferral) else {
                tracing::debug!(deferral, "an answer for a request no longer waiting");
                continue;
            };
            let key = self.servers[dc].perm_key_of(session.auth_key_id);
            let result = self.api.result_for_key(dc, key, result);
            let result = match &result {
                Ok(body) => Ok(&body[..]),
                Err(e) => Err(e),
            };
            self.servers[dc].respond(session, msg_id, result);
        }
    }

    /// Answers `BOT_RESPONSE_TIMEOUT` to the queries past their deadline by the server's
    /// clock moved `ahead`; returns the connections to wake.
    pub(crate) fn expire_queries(&mut self, ahead: Duration) -> Vec<Arc<Notify>> {
        let now = (self.now() + ahead).as_secs().min(i32::MAX as u64) as i32;
        let expired = self.api.expire(now);
        self.answer_deferred(expired);
        self.waiting()
    }

    /// Replaces the faults; updates held for reordering go out first, in order.
    pub(crate) fn set_faults(&mut self, faults: Faults) {
        self.flush_updates();
        self.faults = faults;
    }

    /// Pushes every update held for reordering, in order.
    pub(crate) fn flush_updates(&mut self) {
        let held: Vec<(i64, Vec<bytes::Bytes>)> = self
            .fault_states
            .iter_mut()
            .map(|(user, s)| (*user, std::mem::take(&mut s.held)))
            .collect();
        for (user, bodies) in held {
            for body in bodies {
                self.push_to_user(user, &body);
            }
        }
        for waker in self.waiting() {
            waker.notify_one();
        }
    }

    /// Applies the update faults to an update for `user`: the updates to push now.
    fn fault(&mut self, user: i64, body: bytes::Bytes) -> Vec<bytes::Bytes> {
        let Some(fault) = self.faults.update_faults.get(&user).copied() else {
            return vec![body];
        };
        let seed = self.faults.update_seed;
        let state = self.fault_states.entry(user).or_default();
        if state.next(seed, user) < fault.drop_probability {
            self.updates_dropped += 1;
            tracing::debug!(user, "update fault: dropping an update");
            return Vec::new();
        }
        if fault.reorder_window <= 1 {
            return vec![body];
        }
        state.held.push(body);
        if state.held.len() < fault.reorder_window {
            return Vec::new();
        }
        // Fisher-Yates from the same stream.
        let mut out = std::mem::take(&mut state.held);
        for i in (1..out.len()).rev() {
            let j = (state.next(seed, user) * (i + 1) as f64) as usize;
            out.swap(i, j.min(i));
        }
        out
    }

    /// Pushes `body` to every session of `user`'s keys on every DC.
    fn push_to_user(&mut self, user: i64, body: &bytes::Bytes) {
        for (dc, server) in self.servers.iter_mut().enumerate() {
            for key in self.api.authorizations[dc].keys_of(user) {
                // A key on an older layer gets the update in that layer.
                if self.api.layer_of(dc, key).is_some() {
                    if let Some(older) = self.api.for_key(dc, key, body.to_vec()) {
                        server.push_to_key(key, &bytes::Bytes::from(older));
                    }
                    continue;
                }
                server.push_to_key(key, body);
            }
        }
    }

    /// Pushes `Updates` to every session signed in as their account, on every DC: the
    /// account's keys come from the sign-in index and their sessions from the server's
    /// key index, so the work follows the recipient's sessions, not all sessions. Then
    /// those addressed to one key of one DC go to that key's sessions.
    fn push(&mut self, pushes: Vec<(i64, Vec<u8>)>, key_pushes: Vec<(usize, u64, Vec<u8>)>) {
        for (user, body) in pushes {
            for body in self.fault(user, bytes::Bytes::from(body)) {
                self.push_to_user(user, &body);
            }
        }
        for (dc, key, body) in key_pushes {
            let Some(body) = self.api.for_key(dc, key, body) else {
                continue;
            };
            match self.servers.get_mut(dc) {
                Some(server) => {
                    if server.push_to_key(key, &bytes::Bytes::from(body)) == 0 {
                        // As on Telegram: a client that was away asks again.
                        tracing::debug!(dc, "no session of the key to push to");
                    }
                }
                None => tracing::warn!(dc, "an update for a DC that does not exist"),
            }
        }
    }

    pub(crate) fn waiting(&self) -> Vec<Arc<Notify>> {
        let mut out = Vec::new();
        for (dc, server) in self.servers.iter().enumerate() {
            for conn in server.wants_transmit() {
                if let Some(w) = self.wakers[dc].get(&conn) {
                    out.push(w.clone());
                }
            }
        }
        out
    }

    /// Hands connection `conn` of server `from` (which has seen none of its frames: at
    /// most a fake-TLS hello it answered) to server `to`, with its transport, as an
    /// MTProxy forwards it; returns its id there.
    fn move_connection(
        &mut self,
        from: usize,
        conn: ConnId,
        to: usize,
        waker: &Arc<Notify>,
    ) -> ConnId {
        let begun = self.servers[from].release(conn);
        self.servers[from].close(conn);
        self.wakers[from].remove(&conn);
        let address = self.listener_of.remove(&(from, conn));
        let moved = match begun {
            Some(codec) => self.servers[to].adopt(codec),
            None => self.servers[to].accept(),
        };
        self.wakers[to].insert(moved, waker.clone());
        if let Some(address) = address {
            self.listener_of.insert((to, moved), address);
        }
        moved
    }

    pub(crate) fn connection_count(&self) -> usize {
        self.wakers.iter().map(|w| w.len()).sum()
    }

    /// Pushes `body` to every session of `user`'s keys on every DC, `count` times;
    /// returns how many sessions it reached. (A session queues at most
    /// [`ServerSessionConfig::max_queued_updates`](oxigram_proto::session::ServerSessionConfig)
    /// messages for a client that does not read them.)
    pub(crate) fn push_raw(&mut self, user: i64, body: &bytes::Bytes, count: usize) -> usize {
        let mut reached = 0;
        for dc in 0..self.servers.len() {
            let keys: Vec<u64> = self.api.authorizations[dc].keys_of(user).collect();
            for key in keys {
                let sessions: Vec<_> = self.servers[dc].sessions_of_key(key).collect();
                reached += sessions.len();
                for session in sessions {
                    for _ in 0..count {
                        self.servers[dc].push(session, body.clone());
                    }
                }
            }
        }
        for waker in self.waiting() {
            waker.notify_one();
        }
        reached
    }

    /// Whether any connection has bytes waiting to go out.
    pub(crate) fn has_unsent(&self) -> bool {
        self.servers.iter().any(|s| !s.wants_transmit().is_empty())
    }

    pub(crate) fn inject_message_elsewhere(&mut self, from: i64, to: i64, text: &str) {
        let now = self.now().as_secs() as i32;
        let pushes = self.api.send_message_elsewhere(from, to, text, now);
        self.push(pushes, Vec::new());
        for waker in self.waiting() {
            waker.notify_one();
        }
    }

    pub(crate) fn inject_message(&mut self, from: i64, to: i64, text: &str) {
        self.inject_messages(from, to, [text]);
    }

    /// Sends private messages as `from`, in order, then wakes the connections once.
    pub(crate) fn inject_messages<'t>(
        &mut self,
        from: i64,
        to: i64,
        texts: impl IntoIterator<Item = &'t str>,
    ) {
        let now = self.now().as_secs() as i32;
        for text in texts {
            let reply = self.api.send_message(from, to, text, now);
            self.push(reply.pushes, reply.key_pushes);
        }
        for waker in self.waiting() {
            waker.notify_one();
        }
    }

    /// Whether a connection of one of `user`'s sessions has bytes not written yet.
    pub(crate) fn has_unsent_to(&self, user: i64) -> bool {
        self.servers.iter().enumerate().any(|(dc, server)| {
            let pending = server.wants_transmit();
            !pending.is_empty()
                && self.api.authorizations[dc].keys_of(user).any(|key| {
                    server
                        .sessions_of_key(key)
                        .filter_map(|session| server.connection_of(session))
                        .any(|conn| pending.contains(&conn))
                })
        })
    }
}

/// Binds `count` listeners on consecutive loopback ports from `port` (any free run when 0).
pub(crate) async fn bind(port: u16, count: usize) -> std::io::Result<Vec<TcpListener>> {
    let mut last_error = None;
    for _ in 0..32 {
        let first = TcpListener::bind(("127.0.0.1", port)).await?;
        let base = first.local_addr()?.port();
        let mut listeners = vec![first];
        for i in 1..count {
            let Some(next) = base.checked_add(i as u16) else {
                break;
            };
            match TcpListener::bind(("127.0.0.1", next)).await {
                Ok(l) => listeners.push(l),
                Err(e) => {
                    last_error = Some(e);
                    break;
                }
            }
        }
        if listeners.len() == count {
            return Ok(listeners);
        }
        if port != 0 {
            break;
        }
    }
    Err(last_error.unwrap_or_else(|| std::io::Error::other("no run of free ports")))
}

/// Accepts connections to DC number `dc` (an index into the servers) on `listener`.
pub(crate) async fn accept_loop(shared: Arc<Mutex<Shared>>, dc: usize, listener: TcpListener) {
    // Bound, so known: an error here is the socket's, and the address is only recorded.
    let address = match listener.local_addr() {
        Ok(address) => Some(address),
        Err(e) => {
            tracing::warn!(%e, "a listener without an address: its calls are not recorded");
            None
        }
    };
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                // Registered here, before the next accept, so that the count is exact.
                let waker = Arc::new(Notify::new());
                let conn = {
                    let mut s = lock(&shared);
                    if s.connection_count() >= s.max_connections {
                        // Dropping the stream closes it: the client sees the connection end.
                        tracing::debug!(%peer, "too many connections: closing a new one");
                        continue;
                    }
                    let conn = s.servers[dc].accept();
                    s.wakers[dc].insert(conn, waker.clone());
                    if let Some(address) = address {
                        s.listener_of.insert((dc, conn), address);
                    }
                    s.accepted += 1;
                    conn
                };
                // Without it answers only wait for Nagle's timer: slower, still right.
                if let Err(e) = stream.set_nodelay(true) {
                    tracing::debug!(%e, "cannot disable Nagle's algorithm");
                }
                tokio::spawn(serve(shared.clone(), dc, stream, conn, waker));
            }
            Err(e) => {
                tracing::warn!(%e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// Forgets sessions idle for `idle` (by the server's clock) now and then: every quarter
/// of the idle time, between one and five seconds (a call with nothing to evict costs a
/// look at the oldest session per DC, so it may run often).
pub(crate) async fn evict_loop(shared: Arc<Mutex<Shared>>, idle: Duration) {
    let every = (idle / 4).clamp(Duration::from_secs(1), Duration::from_secs(5));
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let mut s = lock(&shared);
        let now = s.now();
        for server in &mut s.servers {
            server.handle_timeout(now);
        }
        for waker in s.expire_queries(Duration::ZERO) {
            waker.notify_one();
        }
    }
}

fn lock(shared: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// Serves one connection (accepted as `conn`, woken by `waker`) until the peer closes
/// it, sends something unframeable, or stalls.
async fn serve(
    shared: Arc<Mutex<Shared>>,
    mut dc: usize,
    stream: TcpStream,
    mut conn: ConnId,
    waker: Arc<Notify>,
) {
    let (mut reader, mut writer) = stream.into_split();
    let mut rx = BytesMut::with_capacity(16 << 10);
    let mut tx = BytesMut::new();
    let mut closing = false;
    let mut reads = (std::time::Instant::now(), 0u32);
    let (stall_timeout, drained, knob) = {
        let s = lock(&shared);
        (s.stall_timeout, s.drained.clone(), s.proxy_secret.clone())
    };
    // As an MTProxy, the connection is first sent where its header says (for fake TLS
    // the header comes in the first record, after the hello was answered here).
    let mut routed = knob.is_none();
    let mut after_hello = false;
    let mut received_any = false;
    // Whether the DC the obfuscated header named (if any) was counted.
    let mut header_seen = false;
    loop {
        let next_delayed = {
            let mut s = lock(&shared);
            let (wake, next) = s.release_delayed();
            for w in wake {
                w.notify_one();
            }
            let now = s.now();
            s.servers[dc].poll_transmit(conn, now, &mut tx);
            if s.doomed.contains(&(dc, conn)) {
                closing = true;
            }
            next
        };
        if !tx.is_empty() {
            drained.notify_waiters();
            if writer.write_all(&tx).await.is_err() {
                break;
            }
            tx.clear();
        }
        if closing {
            break;
        }
        let cap = lock(&shared).faults.max_reads_per_second;
        if let Some(cap) = cap {
            if reads.0.elapsed() >= Duration::from_secs(1) {
                reads = (std::time::Instant::now(), 0);
            }
            if reads.1 >= cap {
                tokio::time::sleep_until((reads.0 + Duration::from_secs(1)).into()).await;
                continue;
            }
        }
        let delayed = async {
            match next_delayed {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        // Bytes left in `rx` are the start of a frame the codec waits to complete.
        let stalling = !received_any || !rx.is_empty();
        let stalled = async {
            if stalling {
                tokio::time::sleep(stall_timeout).await;
            } else {
                std::future::pending().await
            }
        };
        tokio::select! {
            () = delayed => {}
            () = stalled => {
                tracing::debug!("closing a connection stalled before or inside a frame");
                break;
            }
            read = reader.read_buf(&mut rx) => {
                reads.1 += 1;
                match read {
                    Ok(0) | Err(_) => break,
                    Ok(_) => received_any = true,
                }
                let wake = {
                    let mut s = lock(&shared);
                    let now = s.now();
                    let mut deliver = routed;
                    if let Some(secret) = knob.as_ref().filter(|_| !routed) {
                        let route = if after_hello {
                            crate::route::route_records(&rx, secret.key())
                        } else {
                            // The clock goes in 32 bits, as a fake-TLS hello carries it.
                            crate::route::route(&rx, secret, now.as_secs() as u32)
                        };
                        match route {
                            Route::Pending => {}
                            Route::AfterHello => (after_hello, deliver) = (true, true),
                            Route::Here => (routed, deliver) = (true, true),
                            Route::Dc(id) => {
                                (routed, deliver) = (true, true);
                                if let Some(to) = s.dc_ids.iter().position(|d| *d == id)
                                    && to != dc
                                {
                                    conn = s.move_connection(dc, conn, to, &waker);
                                    dc = to;
                                }
                            }
                        }
                    }
                    if deliver && let Err(e) = s.servers[dc].handle_input(conn, now, &mut rx) {
                        tracing::debug!(%e, "closing a connection");
                        closing = true;
                    }
                    if !header_seen && let Some(named) = s.servers[dc].header_dc(conn) {
                        *s.header_dcs.entry(named).or_default() += 1;
                        header_seen = true;
                    }
                    s.process()
                };
                for w in wake {
                    if !Arc::ptr_eq(&w, &waker) {
                        w.notify_one();
                    }
                }
                // A large frame grew the buffer; do not keep it.
                if rx.is_empty() && rx.capacity() > 1 << 20 {
                    rx = BytesMut::with_capacity(16 << 10);
                }
            }
            () = waker.notified() => {}
        }
    }
    let mut s = lock(&shared);
    s.servers[dc].close(conn);
    s.wakers[dc].remove(&conn);
    s.requests.remove(&(dc, conn));
    s.listener_of.remove(&(dc, conn));
    s.connection_closed(dc, conn);
    s.doomed.retain(|d| *d != (dc, conn));
}
