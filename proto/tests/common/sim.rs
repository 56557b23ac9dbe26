//! A deterministic simulator: a client `Connection` and a `Server` paired in memory, with
//! virtual time and a seeded network that delays, drops, duplicates, reorders and corrupts
//! frames and cuts connections, and a seeded echo application on the server.
//!
//! Everything random comes from the run's seed, so a run replays bit for bit; the
//! transcript hash covers every byte that crossed the network and every event.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes, BytesMut};
use oxigram_proto::connection::server::{ConnId, Server, ServerConfig, ServerOutput, SessionRef};
use oxigram_proto::connection::{Connection, ConnectionConfig, Now};
use oxigram_proto::crypto::message::{AuthKey, Sender};
use oxigram_proto::handshake::{AuthKeyOutcome, InnerData};
use oxigram_proto::pfs::PfsConfig;
use oxigram_proto::session::{Event, RequestError, RequestId, RpcError, ServerSessionConfig, open};
use oxigram_proto::transport::{Kind, Obfuscation};

use super::server_key::server_key;

/// The echo application's request and answer constructor ids (not in any schema).
pub const ECHO: u32 = 0x7ee7_0001;
pub const ECHOED: u32 = 0x7ee7_0002;
pub const UPDATE: u32 = 0x7ee7_0003;

/// A small seeded generator for the simulator's own choices (splitmix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    /// True with probability `per_mille` / 1000.
    pub fn chance(&mut self, per_mille: u32) -> bool {
        self.below(1000) < u64::from(per_mille)
    }
    pub fn seed32(&mut self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for chunk in out.chunks_mut(8) {
            chunk.copy_from_slice(&self.next().to_le_bytes());
        }
        out
    }
}

/// The fault schedule of a run (rates per mille, per frame or per step).
#[derive(Debug, Clone, Default)]
pub struct Faults {
    pub drop: u32,
    pub duplicate: u32,
    pub reorder: u32,
    pub corrupt: u32,
    pub cut: u32,
    pub max_delay_ms: u64,
    pub rotate_salts: u32,
    pub new_session: u32,
    /// Seconds the client's wall clock is off.
    pub clock_skew: i64,
    /// The application holds answers and releases them in bulk.
    pub bulk_answers: bool,
    /// The application takes over three minutes to answer.
    pub slow_answers: bool,
}

impl Faults {
    /// A random schedule (some runs get none of a kind).
    pub fn random(rng: &mut Rng) -> Self {
        let mut pick = |max: u64| {
            if rng.chance(500) {
                rng.below(max + 1) as u32
            } else {
                0
            }
        };
        let drop = pick(30);
        let duplicate = pick(30);
        let reorder = pick(50);
        let corrupt = pick(20);
        let cut = pick(5);
        let rotate_salts = pick(3);
        let new_session = pick(3);
        let max_delay_ms = rng.below(300);
        let clock_skew = match rng.below(4) {
            0 => 3600,
            1 => -3600,
            _ => 0,
        };
        Faults {
            drop,
            duplicate,
            reorder,
            corrupt,
            cut,
            max_delay_ms,
            rotate_salts,
            new_session,
            clock_skew,
            bulk_answers: rng.chance(300),
            slow_answers: false,
        }
    }
}

/// How a run starts.
#[derive(Debug, Clone)]
pub struct Setup {
    pub transport: Kind,
    pub obfuscated: bool,
    /// Create the key with a key exchange (otherwise both sides start with one).
    pub handshake: bool,
    pub faults: Faults,
}

/// What a request ended as.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Answer(Bytes),
    Error(RpcError),
    Failed(RequestError),
}

/// An answer the application will give: to which session and request, and what.
type Answer = (SessionRef, i64, Result<Bytes, RpcError>);

struct Segment {
    at: Duration,
    bytes: Bytes,
}

/// A client and a server on one simulated network.
pub struct Sim {
    pub rng: Rng,
    base: Instant,
    /// Virtual time since the start.
    pub t: Duration,
    unix0: Duration,
    setup: Setup,
    pub client: Connection,
    pub server: Server,
    conn: ConnId,
    /// Whether the next client bytes start a connection (a tag or header comes first).
    fresh: bool,
    c2s: VecDeque<Segment>,
    s2c: VecDeque<Segment>,
    c_rx: BytesMut,
    s_rx: BytesMut,
    /// Answers the application will give: (time, session, msg_id, answer).
    answers: BTreeMap<(Duration, u64), Answer>,
    answer_seq: u64,
    held: Vec<Answer>,
    pub outcomes: BTreeMap<RequestId, Outcome>,
    pub issued: BTreeMap<RequestId, u64>,
    pub updates: u64,
    pub dropped: u64,
    pub cuts: u64,
    pub gaps: u64,
    hash: u64,
    last_session: Option<SessionRef>,
    pub requests_seen: u64,
    /// The key, when the simulator made it (lets it look inside server packets).
    key: Option<AuthKey>,
    /// The most messages seen in one container the server sent.
    pub largest_container: u32,
    /// The keys the application's requests came under.
    pub request_keys: BTreeSet<u64>,
    /// `TempKeyBound` events the client reported.
    pub bound: u64,
    /// Run the server's timers (temporary keys end by them) each step, and let the
    /// client read the transport error a server closes a connection with.
    pub server_timers: bool,
    /// Bindings the server refused.
    pub bind_refusals: u64,
}

/// The answer the echo application gives to request number `n`.
pub fn expected(n: u64) -> Result<Bytes, RpcError> {
    if n % 11 == 5 {
        return Err(RpcError::new(420, &format!("FLOOD_WAIT_{}", n % 60)));
    }
    let mut out = BytesMut::new();
    out.put_u32_le(ECHOED);
    out.put_u64_le(n);
    // Every 13th answer is large and compressible (it travels gzip_packed).
    let filler = if n.is_multiple_of(13) {
        4096
    } else {
        (n % 5) as usize * 4
    };
    for i in 0..filler / 4 {
        out.put_u32_le((i as u32 % 7) ^ n as u32);
    }
    Ok(out.freeze())
}

/// The request body for number `n`.
pub fn request_body(n: u64) -> Bytes {
    let mut out = BytesMut::new();
    out.put_u32_le(ECHO);
    out.put_u64_le(n);
    if n.is_multiple_of(17) {
        out.put_bytes(0x5a, 2048);
    }
    out.freeze()
}

fn answer_for(body: &[u8]) -> Option<Result<Bytes, RpcError>> {
    if body.len() < 12 || u32::from_le_bytes(body[..4].try_into().unwrap()) != ECHO {
        return None;
    }
    Some(expected(u64::from_le_bytes(
        body[4..12].try_into().unwrap(),
    )))
}

impl Sim {
    /// A run whose client uses temporary keys bound to a permanent key: one made by an
    /// exchange first when `setup.handshake`, else one both sides start with.
    pub fn new_pfs(seed: u64, setup: Setup, pfs: PfsConfig) -> Self {
        let handshake = setup.handshake;
        let mut sim = Sim::new(
            seed,
            Setup {
                handshake: true,
                ..setup
            },
        );
        sim.setup.handshake = handshake;
        let mut config = ConnectionConfig::new(2, sim.rng.seed32());
        config.transport = sim.setup.transport;
        if sim.setup.obfuscated {
            config.obfuscation = Obfuscation::Obfuscated;
        }
        config.handshake.keys = vec![server_key().public().clone()];
        config.pfs = Some(pfs);
        let perm = (!handshake).then(|| {
            let key = AuthKey::new(sim.rng.seed32().repeat(8).try_into().unwrap());
            sim.server.add_key(key.clone());
            AuthKeyOutcome {
                auth_key: key,
                time_offset: 0,
                first_salt: sim.rng.next() as i64,
                expires_at: None,
            }
        });
        let now = sim.client_now();
        sim.client = Connection::new(config, perm.as_ref(), now);
        sim.server_timers = true;
        sim
    }

    /// A run whose client makes a temporary key and uses it as it is, without PFS's
    /// binding: for sending bindings (and other requests) by hand.
    pub fn new_unbound_temporary(seed: u64, setup: Setup) -> Self {
        let mut sim = Sim::new(
            seed,
            Setup {
                handshake: true,
                ..setup
            },
        );
        let mut config = ConnectionConfig::new(2, sim.rng.seed32());
        config.transport = sim.setup.transport;
        config.handshake.keys = vec![server_key().public().clone()];
        config.handshake.inner = InnerData::Temporary {
            dc: 2,
            expires_in: 3600,
        };
        let now = sim.client_now();
        sim.client = Connection::new(config, None, now);
        sim.server_timers = true;
        sim
    }

    /// Issues a request with `body`, recorded as number `n` (its answer is not checked
    /// by [`Sim::check`] unless it is an echo).
    pub fn request_raw(&mut self, n: u64, body: Bytes) -> RequestId {
        let id = self.client.request(body);
        self.issued.insert(id, n);
        id
    }

    pub fn new(seed: u64, setup: Setup) -> Self {
        let mut rng = Rng::new(seed);
        let base = Instant::now();
        let unix0 = Duration::from_secs(1_700_000_000 + rng.below(1_000_000));
        let server = Server::new(ServerConfig {
            key: server_key(),
            dc: Some(2),
            seed: rng.seed32().into(),
            session: ServerSessionConfig {
                gzip_threshold: 256,
                ..ServerSessionConfig::default()
            },
            proxy_secret: None,
            max_frame: oxigram_proto::transport::SERVER_MAX_PAYLOAD,
        });
        let seed = rng.seed32();
        // A config per client made (a config holds its seed, and is not cloned); a
        // client that resumes a key below replaces the first one, on the same seed.
        let config = || {
            let mut config = ConnectionConfig::new(2, seed);
            config.transport = setup.transport;
            if setup.obfuscated {
                config.obfuscation = Obfuscation::Obfuscated;
            }
            config.handshake.keys = vec![server_key().public().clone()];
            config.handshake.inner = InnerData::Permanent { dc: 2 };
            config
        };
        let mut sim = Sim {
            rng,
            base,
            t: Duration::ZERO,
            unix0,
            setup: setup.clone(),
            client: Connection::new(
                config(),
                None,
                Now {
                    mono: base,
                    unix: unix0,
                },
            ),
            server,
            conn: ConnId(0),
            fresh: true,
            c2s: VecDeque::new(),
            s2c: VecDeque::new(),
            c_rx: BytesMut::new(),
            s_rx: BytesMut::new(),
            answers: BTreeMap::new(),
            answer_seq: 0,
            held: Vec::new(),
            outcomes: BTreeMap::new(),
            issued: BTreeMap::new(),
            updates: 0,
            dropped: 0,
            cuts: 0,
            gaps: 0,
            hash: 0xcbf2_9ce4_8422_2325,
            last_session: None,
            requests_seen: 0,
            key: None,
            largest_container: 0,
            request_keys: BTreeSet::new(),
            bound: 0,
            server_timers: false,
            bind_refusals: 0,
        };
        if !setup.handshake {
            let key = AuthKey::new(sim.rng.seed32().repeat(8).try_into().unwrap());
            sim.server.add_key(key.clone());
            sim.key = Some(key.clone());
            let saved = AuthKeyOutcome {
                auth_key: key,
                time_offset: 0,
                first_salt: sim.rng.next() as i64,
                expires_at: None,
            };
            let now = sim.client_now();
            sim.client = Connection::new(config(), Some(&saved), now);
        }
        sim.conn = sim.server.accept();
        sim
    }

    fn mono(&self) -> Instant {
        self.base + self.t
    }

    pub fn server_unix(&self) -> Duration {
        self.unix0 + self.t
    }

    pub fn client_now(&self) -> Now {
        let unix = self.unix0 + self.t;
        let skew = self.setup.faults.clock_skew;
        let unix = if skew >= 0 {
            unix + Duration::from_secs(skew as u64)
        } else {
            unix - Duration::from_secs((-skew) as u64)
        };
        Now {
            mono: self.mono(),
            unix,
        }
    }

    fn mix(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.hash = (self.hash ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }

    /// A digest of everything that happened so far.
    pub fn transcript(&self) -> u64 {
        self.hash
    }

    /// Issues request number `n`.
    pub fn request(&mut self, n: u64) -> RequestId {
        let id = self.client.request(request_body(n));
        self.issued.insert(id, n);
        id
    }

    /// Frame-level faults apply to unobfuscated intermediate framing, which the simulator
    /// can split into frames; other transports get cuts and delays only.
    fn frame_faults(&self) -> bool {
        self.setup.transport == Kind::Intermediate && !self.setup.obfuscated
    }

    fn send(&mut self, to_server: bool, mut bytes: BytesMut) {
        self.mix(&bytes);
        let delay = Duration::from_millis(self.rng.below(self.setup.faults.max_delay_ms + 1));
        let at = self.t + delay;
        let mut segments: Vec<Bytes> = Vec::new();
        if self.frame_faults() {
            if to_server && self.fresh {
                segments.push(bytes.split_to(4).freeze());
            }
            while bytes.len() >= 4 {
                let len = u32::from_le_bytes(bytes[..4].try_into().unwrap()) as usize & 0x7fff_ffff;
                if bytes.len() < 4 + len {
                    break;
                }
                segments.push(bytes.split_to(4 + len).freeze());
            }
            assert!(bytes.is_empty(), "whole frames come out of poll_transmit");
            if !to_server && let Some(key) = &self.key {
                for frame in &segments {
                    if let Ok(inner) = open(key, Sender::Server, &frame[4..])
                        && inner.body.get(..4) == Some(&0x73f1_f8dc_u32.to_le_bytes()[..])
                    {
                        let count = u32::from_le_bytes(inner.body[4..8].try_into().unwrap());
                        self.largest_container = self.largest_container.max(count);
                    }
                }
            }
            let f = self.setup.faults.clone();
            let mut faulted = Vec::new();
            for (i, seg) in segments.into_iter().enumerate() {
                let tag = to_server && self.fresh && i == 0;
                if !tag && self.rng.chance(f.drop) {
                    continue;
                }
                let seg = if !tag && seg.len() > 8 && self.rng.chance(f.corrupt) {
                    let mut m = BytesMut::from(&seg[..]);
                    let at = 4 + self.rng.below(m.len() as u64 - 4) as usize;
                    m[at] ^= 1 << self.rng.below(8);
                    m.freeze()
                } else {
                    seg
                };
                if !tag && self.rng.chance(f.duplicate) {
                    faulted.push(seg.clone());
                }
                if !tag && !faulted.is_empty() && self.rng.chance(f.reorder) {
                    let last = faulted.pop().unwrap();
                    faulted.push(seg);
                    faulted.push(last);
                } else {
                    faulted.push(seg);
                }
            }
            segments = faulted;
        } else {
            segments.push(bytes.freeze());
        }
        if to_server {
            self.fresh = false;
        }
        let queue = if to_server {
            &mut self.c2s
        } else {
            &mut self.s2c
        };
        // A stream: nothing overtakes what was sent before it.
        let at = queue.back().map_or(at, |s| s.at.max(at));
        for bytes in segments {
            queue.push_back(Segment { at, bytes });
        }
    }

    /// Both sides notice the connection is gone; the client reconnects at once.
    fn cut(&mut self) {
        self.cuts += 1;
        self.mix(b"cut");
        self.server.close(self.conn);
        self.conn = self.server.accept();
        self.c2s.clear();
        self.s2c.clear();
        self.c_rx.clear();
        self.s_rx.clear();
        self.fresh = true;
        let now = self.client_now();
        self.client.reset(now);
    }

    /// Runs one step at the current time: deliver, handle, answer, transmit, collect.
    fn step(&mut self) {
        let now = self.client_now();
        let unix = self.server_unix();
        // Deliver what is due.
        while self.c2s.front().is_some_and(|s| s.at <= self.t) {
            let s = self.c2s.pop_front().unwrap();
            self.s_rx.extend_from_slice(&s.bytes);
        }
        while self.s2c.front().is_some_and(|s| s.at <= self.t) {
            let s = self.s2c.pop_front().unwrap();
            self.c_rx.extend_from_slice(&s.bytes);
        }
        if self.server_timers {
            self.server.handle_timeout(unix);
        }
        // The server first.
        if !self.s_rx.is_empty() {
            let mut rx = std::mem::take(&mut self.s_rx);
            let result = self.server.handle_input(self.conn, unix, &mut rx);
            self.s_rx = rx;
            if result.is_err() {
                self.mix(b"server refused");
                if self.server_timers {
                    // The server's last words (a transport error code, -404 for a key
                    // it does not know) reach the client before the connection goes.
                    let mut out = BytesMut::new();
                    self.server.poll_transmit(self.conn, unix, &mut out);
                    if !out.is_empty() {
                        let last = self.client.handle_input(now, &mut out);
                        self.mix(format!("{last:?}").as_bytes());
                    }
                }
                return self.cut();
            }
        }
        while let Some(out) = self.server.poll_event() {
            match out {
                ServerOutput::Request {
                    session,
                    msg_id,
                    body,
                    ..
                } => {
                    self.requests_seen += 1;
                    self.last_session = Some(session);
                    self.request_keys.insert(session.auth_key_id);
                    let answer = answer_for(&body)
                        .unwrap_or_else(|| Err(RpcError::new(400, "METHOD_UNKNOWN")));
                    if self.setup.faults.bulk_answers {
                        self.held.push((session, msg_id, answer));
                    } else {
                        let slow = if self.setup.faults.slow_answers {
                            200_000
                        } else {
                            0
                        };
                        let delay = Duration::from_millis(self.rng.below(2000) + slow);
                        self.answer_seq += 1;
                        self.answers
                            .insert((self.t + delay, self.answer_seq), (session, msg_id, answer));
                    }
                }
                ServerOutput::Rejected { .. } => self.mix(b"rejected"),
                ServerOutput::BindRefused { .. } => self.bind_refusals += 1,
                _ => {}
            }
        }
        // Bulk answers go out together (a container of many results).
        if self.held.len() >= 120 || (!self.held.is_empty() && self.rng.chance(20)) {
            for (session, msg_id, answer) in std::mem::take(&mut self.held) {
                self.server
                    .respond(session, msg_id, answer.as_ref().map(|b| &b[..]));
            }
        }
        while let Some(entry) = self.answers.first_entry() {
            if entry.key().0 > self.t {
                break;
            }
            let (session, msg_id, answer) = entry.remove();
            self.server
                .respond(session, msg_id, answer.as_ref().map(|b| &b[..]));
        }
        // Server-side faults.
        let f = self.setup.faults.clone();
        if self.rng.chance(f.rotate_salts) {
            self.mix(b"rotate");
            self.server.rotate_salts();
        }
        if let Some(session) = self.last_session
            && self.rng.chance(f.new_session)
        {
            self.mix(b"new session");
            let first = ((self.server_unix().as_secs() as i64) << 32) + 4;
            self.server.announce_new_session(session, first, unix);
        }
        if self.rng.chance(50)
            && let Some(session) = self.last_session
        {
            let mut body = BytesMut::new();
            body.put_u32_le(UPDATE);
            body.put_u64_le(self.rng.next());
            self.server.push(session, body.freeze());
        }
        let mut out = BytesMut::new();
        self.server.poll_transmit(self.conn, unix, &mut out);
        if !out.is_empty() {
            self.send(false, out);
        }
        // Then the client.
        if !self.c_rx.is_empty() {
            let mut rx = std::mem::take(&mut self.c_rx);
            let result = self.client.handle_input(now, &mut rx);
            self.c_rx = rx;
            if result.is_err() {
                self.mix(b"client failed");
                return self.cut();
            }
        }
        if self.client.poll_timeout().is_some_and(|t| t <= now.mono) {
            self.client.handle_timeout(now);
        }
        if self.client.is_down() {
            self.mix(b"client down");
            return self.cut();
        }
        if self.rng.chance(f.cut) {
            return self.cut();
        }
        let mut out = BytesMut::new();
        while self.client.poll_transmit(now, &mut out) > 0 {}
        if !out.is_empty() {
            self.send(true, out);
        }
        while let Some(event) = self.client.poll_event() {
            self.record(event);
        }
    }

    fn record(&mut self, event: Event) {
        let (id, outcome) = match event {
            Event::Response {
                id,
                result: Ok(body),
            } => (id, Outcome::Answer(body)),
            Event::Response { id, result: Err(e) } => (id, Outcome::Error(e)),
            Event::Failed { id, error } => (id, Outcome::Failed(error)),
            Event::Update { body, .. } => {
                self.mix(&body);
                self.updates += 1;
                return;
            }
            Event::UpdatesGap => {
                self.gaps += 1;
                return;
            }
            Event::Dropped(reason) => {
                self.mix(reason.to_string().as_bytes());
                self.dropped += 1;
                return;
            }
            Event::TempKeyBound { expires_at } => {
                self.mix(&expires_at.to_le_bytes());
                self.bound += 1;
                return;
            }
            _ => return,
        };
        self.mix(&id.0.to_le_bytes());
        self.mix(format!("{outcome:?}").as_bytes());
        assert!(
            self.issued.contains_key(&id),
            "an event for {id}, never issued"
        );
        if let Some(first) = self.outcomes.insert(id, outcome.clone()) {
            panic!("{id} ended twice: {first:?}, then {outcome:?}");
        }
    }

    /// The next time anything is due, at least 1 ms ahead (so time always moves).
    fn next_time(&self) -> Duration {
        let mut next = self.t + Duration::from_secs(1);
        if let Some(s) = self.c2s.front() {
            next = next.min(s.at);
        }
        if let Some(s) = self.s2c.front() {
            next = next.min(s.at);
        }
        if let Some((k, _)) = self.answers.first_key_value() {
            next = next.min(k.0);
        }
        if let Some(t) = self.client.poll_timeout() {
            next = next.min(t.saturating_duration_since(self.base));
        }
        next.max(self.t + Duration::from_millis(1))
    }

    /// Virtual time since the start.
    pub fn elapsed(&self) -> Duration {
        self.t
    }

    /// Runs until `until` (virtual), or until every issued request ended if `settle`.
    pub fn run_until(&mut self, until: Duration, settle: bool) {
        while self.t < until {
            self.step();
            if settle && self.outcomes.len() == self.issued.len() {
                return;
            }
            self.t = self.next_time();
        }
    }

    /// The outcomes of the requests that failed.
    pub fn failed(&self) -> Vec<&Outcome> {
        self.outcomes
            .values()
            .filter(|o| matches!(o, Outcome::Failed(_)))
            .collect()
    }

    /// Whether every issued request has its one final event, and each answer is the one
    /// its request asked for.
    pub fn check(&self) -> Result<(), String> {
        for (id, n) in &self.issued {
            match self.outcomes.get(id) {
                None => return Err(format!("{id} (#{n}) never ended")),
                Some(Outcome::Answer(body)) if Ok(body.clone()) != expected(*n) => {
                    return Err(format!("{id} (#{n}) got another request's answer"));
                }
                Some(Outcome::Error(e)) if Err(e.clone()) != expected(*n) => {
                    return Err(format!("{id} (#{n}) got error {e}"));
                }
                _ => {}
            }
        }
        Ok(())
    }
}
