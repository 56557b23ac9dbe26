//! The high-level [`Client`]: one account, its session, every DC it needs.
//!
//! A client is built with [`Client::builder`] and connects to its home DC (from the
//! session, or DC 2 for a new one). Requests go through a [middleware](Middleware) chain
//! to the DC they belong on; connections to other DCs open on first use, with the
//! account's authorization exported from home and imported there once (and persisted).
//! Migrations (`PHONE_MIGRATE`, `USER_MIGRATE`, `NETWORK_MIGRATE` move the home DC;
//! `FILE_MIGRATE`, `STATS_MIGRATE` send that request elsewhere) are followed without the
//! caller noticing. Keys, the home DC, DC options and who is signed in are written to
//! the session [`Storage`] as they change.

mod addresses;
mod auth;
mod builder;
mod dcs;
mod feed;
mod invoke;
mod keys;
mod middleware;
pub(crate) mod net;
mod proxy;
mod qr;
mod session;
mod settle;
pub(crate) use settle::Handled;
#[cfg(feature = "terminal")]
mod start;
mod updates;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use oxigram_proto::crypto::rsa::RsaPublicKey;
use oxigram_runtime::{Languages, ReconnectPolicy};

pub use auth::{SentCode, SignIn};
pub use builder::{ClientBuilder, FILE_CONNECTIONS, MAX_FILE_CONNECTIONS, SLEEP_THRESHOLD};
pub use invoke::Invoke;
pub use middleware::{Middleware, Next, Request};
pub use proxy::{
    Credentials, IntoProxy, MtProxy, MtProxySecret, Proxy, ProxyError, ProxyKind, ProxySetting,
    ProxySettingError, ProxyUrlError, SecretError,
};
pub use qr::QrLogin;

use crate::storage::{Session, Storage};
use dcs::Slot;
use net::Net;

/// A Telegram client: one account (user or bot), its session, and its connections.
///
/// Cloning gives another handle to the same client.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.inner.state();
        f.debug_struct("Client")
            .field("home_dc", &state.session.home_dc)
            .field("user_id", &state.session.user_id)
            .finish_non_exhaustive()
    }
}

/// What the builder fixed.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) api_id: i32,
    pub(crate) api_hash: String,
    pub(crate) test_mode: bool,
    pub(crate) ipv6: bool,
    pub(crate) device: (String, String, String),
    pub(crate) languages: Languages,
    pub(crate) sleep_threshold: Duration,
    pub(crate) no_updates: bool,
    /// Whether the first read of updates catches up from the saved state.
    pub(crate) catch_up: bool,
    pub(crate) addresses: HashMap<i16, SocketAddr>,
    /// Media-only addresses given to the builder, by DC.
    pub(crate) media_addresses: HashMap<i16, SocketAddr>,
    /// Connections per DC a file transfer spreads its parts over (1..=16).
    pub(crate) file_connections: usize,
    pub(crate) keys: Vec<RsaPublicKey>,
    pub(crate) reconnect: ReconnectPolicy,
    pub(crate) request_timeout: Option<Duration>,
    /// How request texts are read unless a request says otherwise.
    pub(crate) parse_mode: crate::text::ParseMode,
    /// How connections reach the DCs, when not directly.
    pub(crate) proxy: Option<ProxySetting>,
    /// Perfect forward secrecy for every connection (but to CDN DCs).
    pub(crate) pfs: Option<oxigram_proto::pfs::PfsConfig>,
}

/// What changes while the client runs.
pub(crate) struct State {
    /// The session as stored (kept in step with every change written).
    pub(crate) session: Session,
}

pub(crate) struct Inner {
    pub(crate) settings: Settings,
    pub(crate) net: Arc<dyn Net>,
    pub(crate) storage: Arc<dyn Storage>,
    state: Mutex<State>,
    /// A slot per DC, kind (`media` separately) and file connection: the connection,
    /// opened on first use. At most DCs × 2 × [`MAX_FILE_CONNECTIONS`].
    slots: Mutex<HashMap<dcs::SlotKey, Arc<Slot>>>,
    /// The user's layers, then the built-in ones, in the order they run.
    chain: Vec<Arc<dyn middleware::Middleware>>,
    /// Client events (connections lost and back, keys, missed updates) not read yet.
    events: Mutex<std::collections::VecDeque<crate::ClientEvent>>,
    /// Every user and chat seen, in front of the storage.
    pub(crate) peers: crate::peers::PeerCache,
    /// Set by [`Client::stop`]: no connection opens afterwards.
    pub(crate) stopped: std::sync::atomic::AtomicBool,
    /// Why the storage took the session back (a lease lost), once it did: the client
    /// stopped then, and requests fail with this.
    pub(crate) revoked: std::sync::OnceLock<String>,
    /// Handlers, routers, listeners and the workers of [`Client::run`].
    pub(crate) dispatcher: crate::dispatch::Dispatcher,
    /// Updates put in order, for [`Client::next_update`].
    pub(crate) feed: feed::Feed,
    /// The keys of the CDN DCs met so far (from `help.getCdnConfig`), by DC.
    cdn_keys: Mutex<HashMap<i16, RsaPublicKey>>,
}

/// Client events kept for [`Client::try_next_event`] at most; past that the oldest goes.
pub const CLIENT_EVENTS: usize = 256;

impl Inner {
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes `change` to the storage and to the copy kept in memory.
    pub(crate) fn save(&self, change: crate::storage::Change) -> crate::Result<()> {
        {
            let mut state = self.state();
            crate::storage::apply(&mut state.session, &change);
        }
        self.storage.save(change)?;
        Ok(())
    }

    /// The storage no longer lets this client use the session (its lease went to
    /// another process): closes every connection at once, so that two processes never
    /// use the key together, and stops the dispatcher.
    pub(crate) fn revoke(&self, reason: crate::storage::StorageError) {
        tracing::error!(%reason, "the session was taken back: the client stops");
        if self.revoked.set(reason.to_string()).is_err() {
            tracing::debug!("the session was taken back already");
        }
        self.stopped
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let slots = self.take_slots();
        self.dispatcher.request_stop();
        for slot in slots {
            // Closing only tells each connection's driver and waits for its word: no
            // runtime is needed to wait for that.
            futures_executor::block_on(slot.close());
        }
    }

    /// Every connection's slot, taken out: no request finds them afterwards.
    fn take_slots(&self) -> Vec<Arc<dcs::Slot>> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.drain().map(|(_, slot)| slot).collect()
    }

    /// The error for a request made after the client stopped.
    pub(crate) fn stopped_error(&self) -> crate::Error {
        match self.revoked.get() {
            Some(reason) => {
                crate::Error::Storage(crate::storage::StorageError::LeaseLost(reason.clone()))
            }
            None => crate::Error::Invoke(oxigram_runtime::InvokeError::Closed),
        }
    }

    pub(crate) fn home_dc(&self) -> i16 {
        self.state().session.home_dc
    }

    fn push_event(&self, event: crate::ClientEvent) {
        let mut events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        if events.len() == CLIENT_EVENTS {
            events.pop_front();
        }
        events.push_back(event);
    }
}

impl Client {
    /// A builder for a client whose session is called `name` (by default the file
    /// `<name>.session` in the working directory).
    pub fn builder(name: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(name.into())
    }

    /// The home DC.
    pub fn home_dc(&self) -> i16 {
        self.inner.home_dc()
    }

    /// The signed-in account's user id, if any.
    pub fn user_id(&self) -> Option<i64> {
        self.inner.state().session.user_id
    }

    /// Whether the signed-in account is a bot (`None`: nobody is signed in).
    pub fn is_bot(&self) -> Option<bool> {
        self.inner.state().session.is_bot
    }

    /// Whether an account is signed in.
    pub fn is_authorized(&self) -> bool {
        self.user_id().is_some()
    }

    /// The next client event (connection lost or restored, keys made or rejected, the
    /// clock offset, missed updates) from any DC, if one is waiting; at most
    /// [`CLIENT_EVENTS`] wait, the oldest dropped first.
    pub fn try_next_event(&self) -> Option<crate::ClientEvent> {
        let mut events = self.inner.events.lock().unwrap_or_else(|e| e.into_inner());
        events.pop_front()
    }

    /// Waits until every change to the session is durable.
    pub fn flush_session(&self) -> crate::Result<()> {
        self.inner.storage.flush()?;
        Ok(())
    }

    /// Closes every connection and flushes the session. Requests still waiting end with
    /// an error; the client can not be used afterwards.
    ///
    /// While [`Client::run`] runs, this asks it to stop and returns at once: `run`
    /// handles what is queued, runs the stop handlers, then closes the connections.
    pub async fn stop(&self) -> crate::Result<()> {
        if self.inner.dispatcher.request_stop() {
            return Ok(());
        }
        self.inner
            .stopped
            .store(true, std::sync::atomic::Ordering::SeqCst);
        for slot in self.inner.take_slots() {
            slot.close().await;
        }
        self.settle_handed();
        self.flush_session()
    }
}
