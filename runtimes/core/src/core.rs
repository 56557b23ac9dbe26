//! [`DriverCore`]: a `Connection` plus who waits for what. Every adapter's loop calls the
//! same few methods (`request`, `handle_read`, `handle_timeout`, `transmit`, `dispatch`,
//! `reset`), so the protocol logic exists once.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use oxigram_proto::connection::{Connection, ConnectionConfig, ConnectionError, Now};
use oxigram_proto::crypto::rsa::RsaPublicKey;
use oxigram_proto::handshake::{AuthKeyOutcome, InnerData};
use oxigram_proto::session::{Event, RequestError, RequestId};
use oxigram_proto::transport::Kind;
use oxigram_tl::{RawObject, Serialize, functions};

use crate::error::InvokeError;

/// How to reach a DC and introduce ourselves.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The DC's address.
    pub address: SocketAddr,
    /// The DC id (for test DCs as Telegram numbers them: 1..5).
    pub dc: i16,
    /// Whether the DC is a test DC (key exchanges name it `dc + 10000`).
    pub test_dc: bool,
    /// The framing.
    pub transport: Kind,
    /// Obfuscate the transport.
    pub obfuscated: bool,
    /// The server keys trusted (Telegram's built-in keys by default).
    pub keys: Vec<RsaPublicKey>,
    /// A key created before, to skip the key exchange.
    pub auth: Option<AuthKeyOutcome>,
    /// The application's `api_id`.
    pub api_id: i32,
    /// Device model, system and app versions sent in `initConnection`.
    pub device: (String, String, String),
    /// A keep-alive ping goes out after this long without one.
    pub ping_interval: std::time::Duration,
}

impl ClientConfig {
    /// Defaults for `address` (DC `dc`): intermediate transport, Telegram's keys.
    pub fn new(address: SocketAddr, dc: i16, api_id: i32) -> Self {
        ClientConfig {
            address,
            dc,
            test_dc: false,
            transport: Kind::Intermediate,
            obfuscated: false,
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
            ping_interval: std::time::Duration::from_secs(60),
        }
    }
}

/// Whom to tell how a request ended.
pub type Waiter = Box<dyn FnOnce(Result<Bytes, InvokeError>) + Send>;

/// A message that is not an answer: its constructor id and the whole TL object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The constructor id.
    pub constructor_id: u32,
    /// The TL object.
    pub body: Bytes,
}

/// A connection and the callers waiting on it.
pub struct DriverCore {
    config: ClientConfig,
    conn: Connection,
    waiters: HashMap<RequestId, Waiter>,
    tx: BytesMut,
    rx: BytesMut,
    /// `initConnection` went out (it wraps the first request).
    introduced: bool,
    /// A key created by the exchange, for the caller to save.
    pub new_auth: Option<AuthKeyOutcome>,
    /// `new_session_created` notices: updates may have been missed.
    pub gaps: u64,
}

impl std::fmt::Debug for DriverCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DriverCore")
            .field("waiting", &self.waiters.len())
            .finish_non_exhaustive()
    }
}

impl DriverCore {
    /// A core for `config`, seeded with `seed` (OS randomness outside tests).
    pub fn new(config: ClientConfig, seed: [u8; 32], now: Now) -> Self {
        let mut conn_config = ConnectionConfig::new(config.dc, seed);
        conn_config.transport = config.transport;
        conn_config.obfuscated = config.obfuscated.then_some(None);
        conn_config.handshake.keys = config.keys.clone();
        conn_config.ping_interval = config.ping_interval;
        // The server closes the connection after the ping's delay without another.
        conn_config.dead_after = config.ping_interval + config.ping_interval / 4;
        let dc = i32::from(config.dc) + if config.test_dc { 10000 } else { 0 };
        conn_config.handshake.inner = InnerData::Permanent { dc };
        let conn = Connection::new(conn_config, config.auth.as_ref(), now);
        DriverCore {
            config,
            conn,
            waiters: HashMap::new(),
            tx: BytesMut::new(),
            rx: BytesMut::with_capacity(16 << 10),
            introduced: false,
            new_auth: None,
            gaps: 0,
        }
    }

    /// The address to (re)connect to.
    pub fn address(&self) -> SocketAddr {
        self.config.address
    }

    /// Requests without their answer yet.
    pub fn pending(&self) -> usize {
        self.waiters.len()
    }

    /// Queues a request (a serialized TL function); `waiter` hears how it ended. The
    /// first request goes out inside `invokeWithLayer(initConnection(…))`.
    pub fn request(&mut self, body: Bytes, waiter: Waiter) {
        let body = if self.introduced {
            body
        } else {
            self.introduced = true;
            let (device, system, app) = self.config.device.clone();
            functions::InvokeWithLayer {
                layer: oxigram_tl::LAYER,
                query: functions::InitConnection {
                    api_id: self.config.api_id,
                    device_model: device,
                    system_version: system,
                    app_version: app,
                    system_lang_code: "en".into(),
                    lang_pack: String::new(),
                    lang_code: "en".into(),
                    proxy: None,
                    params: None,
                    query: RawObject(body),
                },
            }
            .to_bytes()
            .into()
        };
        let id = self.conn.request(body);
        self.waiters.insert(id, waiter);
    }

    /// Handles bytes read from the socket.
    pub fn handle_read(&mut self, now: Now, bytes: &[u8]) -> Result<(), ConnectionError> {
        self.rx.extend_from_slice(bytes);
        let result = self.conn.handle_input(now, &mut self.rx);
        // A large answer grew the buffer; do not keep it.
        if self.rx.is_empty() && self.rx.capacity() > 1 << 20 {
            self.rx = BytesMut::with_capacity(16 << 10);
        }
        result
    }

    /// Runs the timers.
    pub fn handle_timeout(&mut self, now: Now) {
        self.conn.handle_timeout(now);
    }

    /// When [`DriverCore::handle_timeout`] is due.
    pub fn deadline(&self) -> Option<Instant> {
        self.conn.poll_timeout()
    }

    /// Whether the connection failed and needs a new socket.
    pub fn is_down(&self) -> bool {
        self.conn.is_down()
    }

    /// A new socket is connected: start over on it (the session carries on).
    pub fn reset(&mut self, now: Now) {
        self.rx.clear();
        self.tx.clear();
        self.conn.reset(now);
    }

    /// The bytes to write now (empty when there are none).
    pub fn transmit(&mut self, now: Now) -> &[u8] {
        self.tx.clear();
        while self.conn.poll_transmit(now, &mut self.tx) > 0 {}
        if self.tx.capacity() > 1 << 20 && self.tx.is_empty() {
            self.tx = BytesMut::new();
        }
        &self.tx
    }

    /// Hands answers to their waiters and returns the updates.
    pub fn dispatch(&mut self, mut on_update: impl FnMut(Update)) {
        while let Some(event) = self.conn.poll_event() {
            match event {
                Event::Response { id, result } => {
                    if let Some(w) = self.waiters.remove(&id) {
                        w(result.map_err(InvokeError::Rpc));
                    }
                }
                Event::Failed { id, error } => {
                    if let Some(w) = self.waiters.remove(&id) {
                        w(Err(InvokeError::Request(error)));
                    }
                }
                Event::Update {
                    constructor_id,
                    body,
                } => on_update(Update {
                    constructor_id,
                    body,
                }),
                Event::AuthKeyCreated(outcome) => self.new_auth = Some(*outcome),
                Event::UpdatesGap => self.gaps += 1,
                _ => {}
            }
        }
    }

    /// Closes for good: every waiter hears [`RequestError::Closed`].
    pub fn close(&mut self) {
        self.conn.close();
        self.dispatch(|_| {});
        for (_, w) in self.waiters.drain() {
            w(Err(InvokeError::Request(RequestError::Closed)));
        }
    }
}
