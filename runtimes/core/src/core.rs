//! [`DriverCore`]: a `Connection`, who waits for what, and the reconnection policy. Every
//! adapter's loop calls the same few methods (`should_connect`, `connected`, `read`,
//! `transmit`, `handle_timeout`, `dispatch`), so the protocol and the policy exist once;
//! time is an argument, so the policy is testable without sockets.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use oxigram_proto::connection::{Connection, ConnectionConfig, ConnectionError, Now};
use oxigram_proto::crypto::rsa::RsaPublicKey;
use oxigram_proto::handshake::{AuthKeyOutcome, InnerData};
use oxigram_proto::pfs::PfsConfig;
use oxigram_proto::proxy::{MtProxy, Proxy};
use oxigram_proto::session::{Event, RequestError, RequestId};
use oxigram_proto::transport::{Kind, Obfuscation};
use oxigram_tl::{RawObject, Serialize, functions};

use crate::connection::InvokeOptions;
use crate::error::{ConnectError, InvokeError, LinkError};
use crate::outputs::{ClientEvent, MissedUpdates, Outputs, Status};
use crate::policy::{Link, LinkState, ReconnectPolicy};

/// How to reach a DC and introduce ourselves.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The DC's address.
    pub address: SocketAddr,
    /// The DC id (for test DCs as Telegram numbers them: 1..5).
    pub dc: i16,
    /// Whether the DC is a test DC (key exchanges and obfuscated headers name it
    /// `dc + 10000`).
    pub test_dc: bool,
    /// A connection for files to the DC's media side: an obfuscated header (which an
    /// MTProxy routes by) names the DC negatively, so that the proxy picks a media server.
    pub media: bool,
    /// The framing.
    pub transport: Kind,
    /// Obfuscate the transport.
    pub obfuscated: bool,
    /// A SOCKS or HTTP proxy to reach the DC through.
    pub proxy: Option<Proxy>,
    /// An MTProxy to reach the DC through (instead of [`Self::address`], which is then
    /// unused; the DC id goes in the obfuscated header). Its secret decides the
    /// obfuscation, over [`Self::obfuscated`].
    pub mtproxy: Option<MtProxy>,
    /// Perfect forward secrecy: traffic goes under temporary keys bound to the permanent
    /// key (the one [`Self::auth`] holds and [`ClientEvent::AuthKeyCreated`] reports),
    /// renewed before they end.
    pub pfs: Option<PfsConfig>,
    /// The server keys trusted (Telegram's built-in keys by default).
    pub keys: Vec<RsaPublicKey>,
    /// A key created before, to skip the key exchange.
    pub auth: Option<AuthKeyOutcome>,
    /// The application's `api_id`.
    pub api_id: i32,
    /// Device model, system and app versions sent in `initConnection`.
    pub device: (String, String, String),
    /// Language codes sent in `initConnection`: the user's language, the system's, and
    /// the language pack (empty for none).
    pub languages: Languages,
    /// A keep-alive ping goes out after this long without one.
    pub ping_interval: Duration,
    /// When to reconnect and when to give up.
    pub reconnect: ReconnectPolicy,
    /// Longest a socket may take to connect before the attempt counts as failed.
    pub connect_timeout: Duration,
    /// Unread updates kept at most; past that, updates are dropped and reported as
    /// [`ClientEvent::UpdatesMissed`] (fetch the difference to recover them).
    pub update_queue: usize,
}

impl ClientConfig {
    /// The DC as an obfuscated header names it, which is how an MTProxy knows where to
    /// forward: `+10000` for a test DC, negative for a media connection.
    ///
    /// ```
    /// use oxigram_runtime::ClientConfig;
    ///
    /// let mut config = ClientConfig::new("127.0.0.1:443".parse().unwrap(), 2, 4);
    /// assert_eq!(config.header_dc(), 2);
    /// config.media = true;
    /// assert_eq!(config.header_dc(), -2);
    /// config.test_dc = true;
    /// assert_eq!(config.header_dc(), -10002);
    /// ```
    pub fn header_dc(&self) -> i16 {
        let dc = if self.test_dc {
            self.dc.saturating_add(10000)
        } else {
            self.dc
        };
        if self.media { dc.saturating_neg() } else { dc }
    }

    /// Defaults for `address` (DC `dc`): intermediate transport, Telegram's keys.
    pub fn new(address: SocketAddr, dc: i16, api_id: i32) -> Self {
        ClientConfig {
            address,
            dc,
            test_dc: false,
            media: false,
            transport: Kind::Intermediate,
            obfuscated: false,
            proxy: None,
            mtproxy: None,
            pfs: None,
            keys: vec![
                oxigram_proto::crypto::rsa::production_key(),
                oxigram_proto::crypto::rsa::test_key(),
            ],
            auth: None,
            api_id,
            device: (
                "oxigram".into(),
                std::env::consts::OS.into(),
                env!("CARGO_PKG_VERSION").into(),
            ),
            languages: Languages::default(),
            ping_interval: Duration::from_secs(60),
            reconnect: ReconnectPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            update_queue: 10_000,
        }
    }
}

/// How a socket reaches the DC.
#[derive(Debug, Clone, Copy)]
pub enum Route<'a> {
    /// A TCP connection to the DC's address.
    Direct(SocketAddr),
    /// A tunnel to the DC's address through a SOCKS or HTTP proxy.
    Proxy(&'a Proxy, SocketAddr),
    /// A TCP connection to an MTProxy, which forwards to the DC the connection names.
    MtProxy(&'a MtProxy),
}

/// The language codes of `initConnection`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Languages {
    /// The user's language (`lang_code`), e.g. `en`.
    pub lang_code: String,
    /// The system's language (`system_lang_code`).
    pub system_lang_code: String,
    /// The language pack (`lang_pack`): empty for none, as every third-party client.
    pub lang_pack: String,
}

impl Default for Languages {
    fn default() -> Self {
        Languages {
            lang_code: "en".into(),
            system_lang_code: "en".into(),
            lang_pack: String::new(),
        }
    }
}

/// Whom to tell how a request ended.
pub trait Waiter: Send + 'static {
    /// Delivers the request's one final result.
    fn finish(self, result: Result<Bytes, InvokeError>);
}

/// A message that is not an answer: its constructor id and the whole TL object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The constructor id.
    pub constructor_id: u32,
    /// The TL object.
    pub body: Bytes,
}

struct Entry<W> {
    waiter: W,
    ticket: u64,
    queued_at: Instant,
    /// An answer that is an `Updates` goes on the update queue too.
    queue_updates: bool,
}

/// The constructors of the `Updates` type: an answer starting with one of them carries
/// updates (checked against the schema in the tests).
const UPDATES_CONSTRUCTORS: [u32; 7] = [
    0xe317af7e, // updatesTooLong
    0x313bc7f8, // updateShortMessage
    0x4d6deea5, // updateShortChatMessage
    0x78d4dec1, // updateShort
    0x725b04c3, // updatesCombined
    0x74ae4240, // updates
    0x9015e101, // updateShortSentMessage
];

/// The constructor id of `answer` if it is an `Updates` (the answer carries updates).
///
/// ```
/// // `updateShortSentMessage`, the answer to a message sent, then `config`.
/// assert!(oxigram_runtime::updates_constructor(&[0x01, 0xe1, 0x15, 0x90]).is_some());
/// assert!(oxigram_runtime::updates_constructor(&[0x1e, 0x24, 0x1a, 0xcc]).is_none());
/// ```
pub fn updates_constructor(answer: &[u8]) -> Option<u32> {
    let id = u32::from_le_bytes(answer.get(..4)?.try_into().ok()?);
    UPDATES_CONSTRUCTORS.contains(&id).then_some(id)
}

/// The hasher of the maps keyed by request ids and tickets: a fast one, since the keys
/// are counters this client draws (no peer chooses them), and a map operation runs four
/// times per request.
type Ids = foldhash::fast::FixedState;

/// A connection, the callers waiting on it, and the reconnection policy.
pub struct DriverCore<W> {
    config: ClientConfig,
    conn: Connection,
    waiters: HashMap<RequestId, Entry<W>, Ids>,
    tickets: HashMap<u64, RequestId, Ids>,
    /// Requests with a timeout of their own, soonest first.
    timeouts: BinaryHeap<Reverse<(Instant, RequestId)>>,
    link: LinkState,
    /// The first socket is still to be opened.
    first_connect: bool,
    /// The first connection worked (and made its key, without a saved one): later
    /// failures follow the policy instead of ending the client.
    started: bool,
    connecting_since: Option<Instant>,
    last_error: Option<LinkError>,
    outputs: Arc<Outputs>,
    tx: BytesMut,
    rx: BytesMut,
    /// `initConnection` went out (it wraps the first request on each key).
    introduced: bool,
    time_offset: Option<i32>,
}

impl<W> std::fmt::Debug for DriverCore<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DriverCore")
            .field("waiting", &self.waiters.len())
            .field("link", &self.link.link)
            .finish_non_exhaustive()
    }
}

impl<W: Waiter> DriverCore<W> {
    /// A core for `config`, seeded with `seed` (OS randomness outside tests), reporting
    /// to `outputs`.
    pub fn new(config: ClientConfig, seed: [u8; 32], now: Now, outputs: Arc<Outputs>) -> Self {
        let mut conn_config = ConnectionConfig::new(config.header_dc(), seed);
        conn_config.transport = config.transport;
        if let Some(mtproxy) = &config.mtproxy {
            conn_config.obfuscation = Obfuscation::MtProxy(mtproxy.secret.clone());
        } else if config.obfuscated {
            conn_config.obfuscation = Obfuscation::Obfuscated;
        }
        conn_config.handshake.keys = config.keys.clone();
        conn_config.pfs = config.pfs;
        conn_config.ping_interval = config.ping_interval;
        // The server closes the connection after the ping's delay without another.
        conn_config.dead_after = config.ping_interval + config.ping_interval / 4;
        let dc = i32::from(config.dc) + if config.test_dc { 10000 } else { 0 };
        conn_config.handshake.inner = InnerData::Permanent { dc };
        let conn = Connection::new(conn_config, config.auth.as_ref(), now);
        let time_offset = config.auth.as_ref().map(|a| a.time_offset);
        DriverCore {
            link: LinkState::new(config.reconnect.clone()),
            config,
            conn,
            waiters: HashMap::default(),
            tickets: HashMap::default(),
            timeouts: BinaryHeap::new(),
            first_connect: true,
            started: false,
            connecting_since: None,
            last_error: None,
            outputs,
            tx: BytesMut::new(),
            rx: BytesMut::new(),
            introduced: false,
            time_offset,
        }
    }

    /// A core for a client's `config`, seeded from the OS, with the outputs its handles
    /// read.
    pub fn for_client(config: ClientConfig) -> Result<(Self, Arc<Outputs>), ConnectError> {
        let outputs = Arc::new(Outputs::new(config.update_queue));
        let seed = crate::os_seed().map_err(ConnectError::Os)?;
        let core = DriverCore::new(config, seed, crate::now(), outputs.clone());
        Ok((core, outputs))
    }

    // ----- getters -----

    /// The address to (re)connect to.
    pub fn address(&self) -> SocketAddr {
        self.config.address
    }

    /// How a socket reaches the DC.
    pub fn route(&self) -> Route<'_> {
        match (&self.config.mtproxy, &self.config.proxy) {
            (Some(mtproxy), _) => Route::MtProxy(mtproxy),
            (None, Some(proxy)) => Route::Proxy(proxy, self.config.address),
            (None, None) => Route::Direct(self.config.address),
        }
    }

    /// Requests without their answer yet.
    pub fn pending(&self) -> usize {
        self.waiters.len()
    }

    /// Why the client gave up, once it did.
    pub fn gave_up(&self) -> Option<&LinkError> {
        self.link.gave_up()
    }

    /// Whether a socket is connected (reads and writes go to it).
    pub fn is_up(&self) -> bool {
        matches!(self.link.link, Link::Up { .. })
    }

    /// Whether a socket is being opened.
    pub fn is_connecting(&self) -> bool {
        self.connecting_since.is_some()
    }

    /// Longest a socket may take to connect.
    pub fn connect_timeout(&self) -> Duration {
        self.config.connect_timeout
    }

    /// When [`DriverCore::handle_timeout`] is due.
    pub fn deadline(&self) -> Option<Instant> {
        let mut at: Option<Instant> = None;
        let mut consider = |t: Option<Instant>| {
            if let Some(t) = t {
                at = Some(at.map_or(t, |a| a.min(t)));
            }
        };
        if self.is_up() {
            consider(self.conn.poll_timeout());
            if let Link::Up {
                since,
                healthy: false,
                ..
            } = self.link.link
            {
                consider(Some(since + self.link.policy.stable_after));
            }
        }
        consider(self.link.retry_at());
        consider(
            self.connecting_since
                .map(|s| s + self.config.connect_timeout),
        );
        consider(self.timeouts.peek().map(|Reverse((t, _))| *t));
        if let Some(since) = self.link.down_since() {
            let limit = self.link.policy.disconnected_timeout;
            consider(
                self.waiters
                    .values()
                    .map(|e| e.queued_at.max(since) + limit)
                    .min(),
            );
        }
        at
    }

    // ----- requests -----

    /// Queues a request (a serialized TL function) under the caller's `ticket`; `waiter`
    /// hears how it ended. The first request on a key goes out inside
    /// `invokeWithLayer(initConnection(…))`.
    pub fn request(
        &mut self,
        now: Instant,
        ticket: u64,
        body: Bytes,
        waiter: W,
        options: InvokeOptions,
    ) {
        if let Some(why) = self.link.gave_up() {
            waiter.finish(Err(InvokeError::GaveUp(why.clone())));
            return;
        }
        let body = if self.introduced {
            body
        } else {
            self.introduced = true;
            self.introduce(body)
        };
        let id = self.conn.request(body);
        self.waiters.insert(
            id,
            Entry {
                waiter,
                ticket,
                queued_at: now,
                queue_updates: options.queue_updates,
            },
        );
        self.tickets.insert(ticket, id);
        self.outputs.set_pending(self.waiters.len());
        if let Some(t) = options.timeout {
            self.timeouts.push(Reverse((now + t, id)));
        }
    }

    fn introduce(&self, body: Bytes) -> Bytes {
        let (device, system, app) = self.config.device.clone();
        functions::InvokeWithLayer {
            layer: oxigram_tl::LAYER,
            query: functions::InitConnection {
                api_id: self.config.api_id,
                device_model: device,
                system_version: system,
                app_version: app,
                system_lang_code: self.config.languages.system_lang_code.clone(),
                lang_pack: self.config.languages.lang_pack.clone(),
                lang_code: self.config.languages.lang_code.clone(),
                proxy: None,
                params: None,
                query: RawObject(body),
            },
        }
        .to_bytes()
        .into()
    }

    /// The caller of `ticket` stopped waiting: its waiter is forgotten, and the request
    /// is dropped (not sent, or the server told to drop its answer).
    pub fn cancel(&mut self, ticket: u64) {
        if let Some(id) = self.tickets.remove(&ticket) {
            self.waiters.remove(&id);
            self.outputs.set_pending(self.waiters.len());
            // `false` only when its final event is already queued, and it finds no
            // waiter now.
            self.conn.cancel(id);
        }
    }

    /// Queues `answer` as an update, in the order it was read, if its request asked for
    /// that and it is an `Updates`.
    fn queue_answer_updates(&mut self, id: RequestId, answer: &Bytes) {
        let wanted = self.waiters.get(&id).is_some_and(|e| e.queue_updates);
        if let Some(constructor_id) = updates_constructor(answer).filter(|_| wanted) {
            self.outputs.push_update(Update {
                constructor_id,
                body: answer.clone(),
            });
        }
    }

    fn finish(&mut self, id: RequestId, result: Result<Bytes, InvokeError>) {
        if let Some(entry) = self.waiters.remove(&id) {
            self.tickets.remove(&entry.ticket);
            self.outputs.set_pending(self.waiters.len());
            entry.waiter.finish(result);
        }
    }

    // ----- the link -----

    /// Whether to open a socket now; `true` marks one as being opened.
    pub fn should_connect(&mut self, now: Instant) -> bool {
        let open = if self.first_connect {
            self.first_connect = false;
            true
        } else {
            self.link.should_connect(now)
        };
        if open {
            self.connecting_since = Some(now);
        }
        open
    }

    /// A socket is connected: start on it (the session carries on from the last one).
    pub fn connected(&mut self, now: Now) {
        self.connecting_since = None;
        let restored = self.link.down_since().is_some();
        if self.started || restored {
            self.rx.clear();
            self.tx.clear();
            self.conn.reset(now);
        }
        self.link.connected(now.mono);
        if restored {
            self.outputs.push_event(ClientEvent::ConnectionRestored);
        }
        if !self.started && self.conn.is_ready() {
            // A saved key: nothing to wait for.
            self.start();
        }
    }

    /// Opening a socket failed.
    pub fn connect_failed(&mut self, now: Instant, error: &std::io::Error) {
        self.connecting_since = None;
        self.lost(now, LinkError::connect(error));
    }

    /// The socket failed (`None`: the server closed it).
    pub fn socket_failed(&mut self, now: Instant, error: Option<&std::io::Error>) {
        self.lost(now, error.map_or(LinkError::Closed, LinkError::io));
    }

    fn start(&mut self) {
        self.started = true;
        self.outputs.set_status(Status::Ready);
    }

    fn lost(&mut self, now: Instant, why: LinkError) {
        tracing::debug!(%why, "connection lost");
        self.last_error = Some(why.clone());
        if !self.started {
            return self.give_up(why);
        }
        self.outputs
            .push_event(ClientEvent::ConnectionLost(why.clone()));
        if !self.link.failed(now, why.clone()) {
            self.give_up(why);
        }
    }

    fn give_up(&mut self, why: LinkError) {
        tracing::warn!(%why, "giving up on the connection");
        self.link.link = Link::GaveUp(why.clone());
        self.connecting_since = None;
        // Waiters hear why first; closing the connection then fails what it held with
        // a bare `Closed` that nobody waits for any more.
        let ids: Vec<RequestId> = self.waiters.keys().copied().collect();
        for id in ids {
            self.finish(id, Err(InvokeError::GaveUp(why.clone())));
        }
        self.conn.close();
        self.dispatch();
        self.outputs.push_event(ClientEvent::GaveUp(why.clone()));
        self.outputs.set_status(Status::Ended(why));
    }

    /// Handles bytes read from the socket.
    pub fn read(&mut self, now: Now, bytes: &[u8]) {
        if !self.is_up() {
            return;
        }
        self.rx.extend_from_slice(bytes);
        let result = self.conn.handle_input(now, &mut self.rx);
        // A large answer grew the buffer; do not keep it.
        if self.rx.is_empty() && self.rx.capacity() > 1 << 20 {
            self.rx = BytesMut::new();
        }
        self.dispatch();
        if let Err(e) = result {
            self.lost(now.mono, e.into());
        }
    }

    /// Runs the timers: the connection's, the policy's and the requests' own.
    pub fn handle_timeout(&mut self, now: Now) {
        if let Some(since) = self.connecting_since
            && now.mono >= since + self.config.connect_timeout
        {
            self.connect_failed(
                now.mono,
                &std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out"),
            );
        }
        if self.is_up() {
            self.conn.handle_timeout(now);
            if self.conn.is_down() {
                let why = if self.conn.session().is_some() {
                    ConnectionError::Timeout
                } else {
                    ConnectionError::HandshakeTimeout
                };
                self.dispatch();
                self.lost(now.mono, why.into());
            } else {
                self.link.check_stable(now.mono);
            }
        }
        while let Some(Reverse((at, id))) = self.timeouts.peek().copied()
            && at <= now.mono
        {
            self.timeouts.pop();
            if self.waiters.contains_key(&id) {
                self.conn.cancel(id);
                self.finish(id, Err(InvokeError::Timeout));
            }
        }
        if let Some(since) = self.link.down_since() {
            let limit = self.link.policy.disconnected_timeout;
            let expired: Vec<RequestId> = self
                .waiters
                .iter()
                .filter(|(_, e)| e.queued_at.max(since) + limit <= now.mono)
                .map(|(id, _)| *id)
                .collect();
            let why = self.last_error.clone().unwrap_or(LinkError::Closed);
            for id in expired {
                self.conn.cancel(id);
                self.finish(id, Err(InvokeError::Disconnected(why.clone())));
            }
        }
        self.dispatch();
    }

    /// The bytes to write now (empty when there are none).
    pub fn transmit(&mut self, now: Now) -> &[u8] {
        self.tx.clear();
        if self.is_up() {
            while self.conn.poll_transmit(now, &mut self.tx) > 0 {}
        }
        if self.tx.capacity() > 1 << 20 && self.tx.is_empty() {
            self.tx = BytesMut::new();
        }
        &self.tx
    }

    /// Hands answers to their waiters, updates and events to the outputs.
    pub fn dispatch(&mut self) {
        while let Some(event) = self.conn.poll_event() {
            match event {
                Event::Response { id, result } => {
                    self.link.healthy();
                    if let Ok(answer) = &result {
                        self.queue_answer_updates(id, answer);
                    }
                    self.finish(id, result.map_err(InvokeError::Rpc));
                }
                Event::Failed { id, error } => self.finish(id, Err(InvokeError::Request(error))),
                Event::Update {
                    constructor_id,
                    body,
                } => {
                    self.link.healthy();
                    self.outputs.push_update(Update {
                        constructor_id,
                        body,
                    });
                }
                Event::AuthKeyCreated(outcome) => {
                    self.link.healthy();
                    self.outputs
                        .push_event(ClientEvent::AuthKeyCreated(outcome));
                    if !self.started {
                        self.start();
                    }
                }
                Event::AuthKeyRejected => {
                    // The next key is new to the server: introduce ourselves again.
                    self.introduced = false;
                    self.outputs.push_event(ClientEvent::AuthKeyRejected);
                }
                Event::UpdatesGap => {
                    self.outputs
                        .push_event(ClientEvent::UpdatesMissed(MissedUpdates {
                            dropped: 0,
                            new_sessions: 1,
                        }))
                }
                Event::TempKeyBound { expires_at } => {
                    // The server knows nothing of this key's connection: the next
                    // request introduces it again.
                    self.introduced = false;
                    self.link.healthy();
                    tracing::debug!(expires_at, "temporary key bound");
                    self.outputs
                        .push_event(ClientEvent::TempKeyBound { expires_at });
                    // With a saved permanent key, the first binding is what makes the
                    // connection usable.
                    if !self.started {
                        self.start();
                    }
                }
                Event::Dropped(why) => tracing::debug!(%why, "incoming message dropped"),
                other => tracing::debug!(?other, "unhandled connection event"),
            }
        }
        let offset = self.conn.session().map(|s| s.time_offset());
        if offset.is_some() && offset != self.time_offset {
            self.time_offset = offset;
            if let Some(o) = offset {
                self.outputs.push_event(ClientEvent::TimeOffset(o));
            }
        }
    }

    /// Closes for good: every waiter hears [`RequestError::Closed`].
    pub fn close(&mut self) {
        self.conn.close();
        self.dispatch();
        let ids: Vec<RequestId> = self.waiters.keys().copied().collect();
        for id in ids {
            self.finish(id, Err(InvokeError::Request(RequestError::Closed)));
        }
        self.outputs.set_status(Status::Closed);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use oxigram_proto::crypto::message::AuthKey;

    use super::*;

    type Results = Arc<Mutex<Vec<(u64, Result<Bytes, InvokeError>)>>>;

    struct Recorder(u64, Results);

    impl Waiter for Recorder {
        fn finish(self, result: Result<Bytes, InvokeError>) {
            self.1.lock().unwrap().push((self.0, result));
        }
    }

    fn at(base: Now, millis: u64) -> Now {
        Now {
            mono: base.mono + Duration::from_millis(millis),
            unix: base.unix + Duration::from_millis(millis),
        }
    }

    /// A core with a saved key (so it starts as soon as a socket is up), on virtual time.
    fn core() -> (DriverCore<Recorder>, Now, Arc<Outputs>) {
        let mut config = ClientConfig::new("127.0.0.1:1".parse().unwrap(), 2, 1);
        config.auth = Some(AuthKeyOutcome {
            auth_key: AuthKey::new([3; 256]),
            time_offset: 0,
            first_salt: 0,
            expires_at: None,
        });
        let base = Now {
            mono: Instant::now(),
            unix: Duration::from_secs(1_700_000_000),
        };
        let outputs = Arc::new(Outputs::new(16));
        let core = DriverCore::new(config, [1; 32], base, outputs.clone());
        (core, base, outputs)
    }

    #[test]
    fn the_updates_constructors_are_the_schema_s() {
        let schema = include_str!("../../../schema/tl/api.tl");
        let types = schema.split("---functions---").next().unwrap();
        let mut ids: Vec<u32> = types
            .lines()
            .filter(|l| l.trim_end().ends_with("= Updates;"))
            .map(|l| {
                let id = l
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .split('#')
                    .nth(1)
                    .unwrap();
                u32::from_str_radix(id, 16).unwrap()
            })
            .collect();
        ids.sort_unstable();
        let mut ours = UPDATES_CONSTRUCTORS;
        ours.sort_unstable();
        assert_eq!(ids, ours);
        assert_eq!(
            updates_constructor(&0x9015e101_u32.to_le_bytes()),
            Some(0x9015e101)
        );
        // `config`, and a body too short to name a constructor.
        assert_eq!(updates_constructor(&0xcc1a241e_u32.to_le_bytes()), None);
        assert_eq!(updates_constructor(&[0x01, 0xe1]), None);
    }

    fn request(core: &mut DriverCore<Recorder>, now: Now, ticket: u64, results: &Results) {
        let waiter = Recorder(ticket, results.clone());
        core.request(
            now.mono,
            ticket,
            Bytes::from_static(&[1, 0, 0, 0]),
            waiter,
            InvokeOptions::default(),
        );
    }

    #[test]
    fn a_request_waiting_while_disconnected_ends_after_the_policy_s_limit() {
        let (mut core, t0, _) = core();
        let results = Results::default();
        assert!(core.should_connect(t0.mono));
        core.connected(t0);
        request(&mut core, t0, 7, &results);
        core.socket_failed(at(t0, 1000).mono, None);
        let limit = ReconnectPolicy::default().disconnected_timeout;
        // Still reconnecting: the request waits until the limit, counted from the loss.
        let due = t0.mono + Duration::from_millis(1000) + limit;
        assert!(core.deadline().unwrap() <= due);
        core.handle_timeout(Now {
            mono: due - Duration::from_millis(1),
            unix: t0.unix,
        });
        assert!(results.lock().unwrap().is_empty());
        core.handle_timeout(Now {
            mono: due,
            unix: t0.unix,
        });
        assert_eq!(
            *results.lock().unwrap(),
            vec![(7, Err(InvokeError::Disconnected(LinkError::Closed)))]
        );
        assert_eq!(core.pending(), 0);
        assert!(core.gave_up().is_none(), "reconnection goes on");
    }

    #[test]
    fn failed_attempts_end_every_request_with_the_last_reason() {
        let (mut core, t0, outputs) = core();
        let results = Results::default();
        assert!(core.should_connect(t0.mono));
        core.connected(t0);
        request(&mut core, t0, 1, &results);
        core.socket_failed(t0.mono, None);
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let mut now = t0;
        let mut attempts = 1;
        while core.gave_up().is_none() {
            let next = core.deadline().expect("a retry is due");
            now = Now {
                mono: next,
                unix: now.unix,
            };
            assert!(core.should_connect(now.mono));
            core.connect_failed(now.mono, &refused);
            attempts += 1;
        }
        assert_eq!(attempts, ReconnectPolicy::default().max_attempts);
        let why = LinkError::connect(&refused);
        assert_eq!(
            *results.lock().unwrap(),
            vec![(1, Err(InvokeError::GaveUp(why.clone())))]
        );
        // A later request ends at once, the same way.
        request(&mut core, now, 2, &results);
        assert_eq!(
            results.lock().unwrap()[1],
            (2, Err(InvokeError::GaveUp(why)))
        );
        assert_eq!(outputs.started(), Some(Err(LinkError::connect(&refused))));
    }

    #[test]
    fn a_request_timeout_ends_only_that_request() {
        let (mut core, t0, outputs) = core();
        let results = Results::default();
        assert!(core.should_connect(t0.mono));
        core.connected(t0);
        let waiter = Recorder(1, results.clone());
        let body = Bytes::from_static(&[1, 0, 0, 0]);
        let options = InvokeOptions::timeout(Duration::from_millis(500));
        core.request(t0.mono, 1, body, waiter, options);
        request(&mut core, t0, 2, &results);
        assert_eq!(outputs.pending(), 2);
        core.handle_timeout(at(t0, 500));
        assert_eq!(
            *results.lock().unwrap(),
            vec![(1, Err(InvokeError::Timeout))]
        );
        assert_eq!(outputs.pending(), 1);
        // A cancelled request leaves no waiter either.
        core.cancel(2);
        assert_eq!(outputs.pending(), 0);
        assert_eq!(
            results.lock().unwrap().len(),
            1,
            "a cancelled waiter hears nothing"
        );
    }

    #[test]
    fn too_many_connections_waits_the_flood_backoff() {
        let (mut core, t0, outputs) = core();
        assert!(core.should_connect(t0.mono));
        core.connected(t0);
        // Intermediate framing: a 4-byte frame holding -429.
        let mut frame = 4u32.to_le_bytes().to_vec();
        frame.extend_from_slice(&(-429i32).to_le_bytes());
        core.read(t0, &frame);
        assert!(!core.is_up());
        assert_eq!(
            core.deadline(),
            Some(t0.mono + ReconnectPolicy::default().flood_backoff)
        );
        assert!(!core.should_connect(at(t0, 1999).mono));
        assert!(core.should_connect(at(t0, 2000).mono));
        assert_eq!(
            outputs.try_event(),
            Some(Some(ClientEvent::ConnectionLost(LinkError::Transport(
                -429
            ))))
        );
    }
}
