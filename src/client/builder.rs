//! [`ClientBuilder`]: everything a client can be told before it starts.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oxigram_proto::crypto::rsa::RsaPublicKey;
use oxigram_runtime::{Languages, ReconnectPolicy, Runtime};

use super::middleware::{FloodWait, Middleware, RetryServerErrors, Trace};
use super::net::{AsyncNet, Net};
use super::proxy::{IntoProxy, ProxySetting, ProxySettingError};
use super::{Client, Inner, Settings, State, keys, session};
use crate::error::Error;
use crate::storage::{Change, MemoryStorage, Storage};

/// Builds a [`Client`]; [`Client::builder`] makes one.
///
/// ```no_run
/// # async fn demo() -> oxigram::Result<()> {
/// let client = oxigram::Client::builder("my_account")
///     .api_id(12345)
///     .api_hash("0123456789abcdef0123456789abcdef")
///     .build()
///     .await?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[must_use = "a builder does nothing until `build` is awaited"]
pub struct ClientBuilder {
    name: String,
    api_id: Option<i32>,
    api_hash: String,
    bot_token: Option<String>,
    session_string: Option<String>,
    in_memory: bool,
    workdir: PathBuf,
    storage: Option<Arc<dyn Storage>>,
    test_mode: bool,
    ipv6: bool,
    dc: i16,
    device: (String, String, String),
    languages: Languages,
    sleep_threshold: Duration,
    no_updates: bool,
    catch_up: bool,
    addresses: HashMap<i16, SocketAddr>,
    media_addresses: HashMap<i16, SocketAddr>,
    file_connections: usize,
    keys: Vec<RsaPublicKey>,
    pem_keys: Vec<String>,
    reconnect: ReconnectPolicy,
    request_timeout: Option<Duration>,
    layers: Vec<Arc<dyn Middleware>>,
    net: Option<Arc<dyn Net>>,
    parse_mode: crate::text::ParseMode,
    /// Perfect forward secrecy, if asked for.
    pfs: Option<oxigram_proto::pfs::PfsConfig>,
    /// The proxy setting, or why its URL does not parse (reported by `build`).
    proxy: Option<Result<ProxySetting, ProxySettingError>>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("name", &self.name)
            .field("api_id", &self.api_id)
            .field("test_mode", &self.test_mode)
            .field("dc", &self.dc)
            .finish_non_exhaustive()
    }
}

/// Flood waits up to this long are slept through by default (as Pyrogram does).
pub const SLEEP_THRESHOLD: Duration = Duration::from_secs(10);

/// Connections per DC a file transfer spreads its parts over unless
/// [`ClientBuilder::file_connections`] says otherwise.
pub const FILE_CONNECTIONS: usize = 2;

/// The most connections per DC [`ClientBuilder::file_connections`] takes.
pub const MAX_FILE_CONNECTIONS: usize = 16;

impl ClientBuilder {
    pub(super) fn new(name: String) -> Self {
        ClientBuilder {
            name,
            api_id: None,
            api_hash: String::new(),
            bot_token: None,
            session_string: None,
            in_memory: false,
            workdir: PathBuf::from("."),
            storage: None,
            test_mode: false,
            ipv6: false,
            dc: 2,
            device: (
                "oxigram".into(),
                std::env::consts::OS.into(),
                env!("CARGO_PKG_VERSION").into(),
            ),
            languages: Languages::default(),
            sleep_threshold: SLEEP_THRESHOLD,
            no_updates: false,
            catch_up: true,
            addresses: HashMap::new(),
            media_addresses: HashMap::new(),
            file_connections: FILE_CONNECTIONS,
            keys: Vec::new(),
            pem_keys: Vec::new(),
            reconnect: ReconnectPolicy::default(),
            request_timeout: None,
            layers: Vec::new(),
            net: None,
            parse_mode: crate::text::ParseMode::default(),
            proxy: None,
            pfs: None,
        }
    }

    /// The application's `api_id` (from my.telegram.org).
    pub fn api_id(mut self, api_id: i32) -> Self {
        self.api_id = Some(api_id);
        self
    }

    /// The application's `api_hash`.
    pub fn api_hash(mut self, api_hash: impl Into<String>) -> Self {
        self.api_hash = api_hash.into();
        self
    }

    /// Signs in as this bot at build, unless the session already is signed in.
    pub fn bot_token(mut self, token: impl Into<String>) -> Self {
        self.bot_token = Some(token.into());
        self
    }

    /// Starts from a session string (ours, Pyrogram's or Telethon's; the format is
    /// recognised) and keeps the session in memory.
    pub fn session_string(mut self, string: impl Into<String>) -> Self {
        self.session_string = Some(string.into());
        self
    }

    /// Keeps the session in memory only (export it with
    /// [`Client::export_session_string`] to keep it).
    pub fn in_memory(mut self) -> Self {
        self.in_memory = true;
        self
    }

    /// How the texts of messages sent are read: Markdown by default (see
    /// [`text`](crate::text)); a request's own `.parse_mode(...)` wins.
    ///
    /// ```no_run
    /// use oxigram::text::ParseMode;
    ///
    /// # async fn demo() -> oxigram::Result<()> {
    /// let app = oxigram::Client::builder("bot")
    ///     .parse_mode(ParseMode::Html)
    ///     .build()
    ///     .await?;
    /// app.send_message("me", "<b>bold</b> by default").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn parse_mode(mut self, mode: crate::text::ParseMode) -> Self {
        self.parse_mode = mode;
        self
    }

    /// The directory of the session file (the current directory by default).
    pub fn workdir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.workdir = dir.into();
        self
    }

    /// Keeps the session in `storage` (a database of your own, say).
    pub fn storage(mut self, storage: impl Storage) -> Self {
        self.storage = Some(Arc::new(storage));
        self
    }

    /// Telegram's test DCs rather than production.
    pub fn test_mode(mut self, test_mode: bool) -> Self {
        self.test_mode = test_mode;
        self
    }

    /// Connects over IPv6.
    pub fn ipv6(mut self, ipv6: bool) -> Self {
        self.ipv6 = ipv6;
        self
    }

    /// Connects through a proxy: a URL (`socks5://user:password@host:port`,
    /// `socks4://host:port`, `http://user:password@host:port`), a
    /// [`Proxy`](super::Proxy) or a [`ProxySetting`]. Every connection, to every DC, goes
    /// through it; a URL that does not parse fails [`build`](Self::build). What the
    /// proxy refuses (the login, the connection to the DC) comes back as
    /// [`LinkError::Proxy`](crate::LinkError::Proxy).
    ///
    /// ```no_run
    /// # async fn f() -> oxigram::Result<()> {
    /// let client = oxigram::Client::builder("account")
    ///     .api_id(12345)
    ///     .api_hash("0123456789abcdef0123456789abcdef")
    ///     .proxy("socks5://alice:secret@127.0.0.1:1080")
    ///     .build()
    ///     .await?;
    /// # let _ = client;
    /// # Ok(())
    /// # }
    /// ```
    pub fn proxy(mut self, proxy: impl IntoProxy) -> Self {
        self.proxy = Some(proxy.into_proxy());
        self
    }

    /// Perfect forward secrecy: every connection (but to CDN DCs) carries its traffic
    /// under temporary keys (`p_q_inner_data_temp_dc`) bound to the account's permanent
    /// key with `auth.bindTempAuthKey`, each living `pfs.lifetime` and replaced
    /// `pfs.renew_before` it ends, without losing a request. Only the permanent key is
    /// stored in the session; traffic recorded under a temporary key cannot be read with
    /// it once that key is gone.
    ///
    /// ```no_run
    /// # async fn f() -> oxigram::Result<()> {
    /// use oxigram::proto::pfs::PfsConfig;
    ///
    /// let client = oxigram::Client::builder("account")
    ///     .api_id(12345)
    ///     .api_hash("0123456789abcdef0123456789abcdef")
    ///     .pfs(PfsConfig::default()) // a day per key, renewed an hour before it ends
    ///     .build()
    ///     .await?;
    /// # let _ = client;
    /// # Ok(())
    /// # }
    /// ```
    pub fn pfs(mut self, pfs: oxigram_proto::pfs::PfsConfig) -> Self {
        self.pfs = Some(pfs);
        self
    }

    /// The DC a new session starts on (2 by default); the account's own DC is found
    /// and followed at sign-in.
    pub fn dc(mut self, dc: i16) -> Self {
        self.dc = dc;
        self
    }

    /// The device model sent to Telegram (shown in the account's active sessions).
    pub fn device_model(mut self, model: impl Into<String>) -> Self {
        self.device.0 = model.into();
        self
    }

    /// The system version sent to Telegram.
    pub fn system_version(mut self, version: impl Into<String>) -> Self {
        self.device.1 = version.into();
        self
    }

    /// The application version sent to Telegram.
    pub fn app_version(mut self, version: impl Into<String>) -> Self {
        self.device.2 = version.into();
        self
    }

    /// The user's language code (`en` by default).
    pub fn lang_code(mut self, code: impl Into<String>) -> Self {
        self.languages.lang_code = code.into();
        self
    }

    /// The system's language code (`en` by default).
    pub fn system_lang_code(mut self, code: impl Into<String>) -> Self {
        self.languages.system_lang_code = code.into();
        self
    }

    /// The language pack (empty by default).
    pub fn lang_pack(mut self, pack: impl Into<String>) -> Self {
        self.languages.lang_pack = pack.into();
        self
    }

    /// Flood waits up to this long are slept through and the request sent again
    /// ([`SLEEP_THRESHOLD`] by default); longer ones reach the caller.
    pub fn sleep_threshold(mut self, threshold: Duration) -> Self {
        self.sleep_threshold = threshold;
        self
    }

    /// Asks the server not to send updates (every request is wrapped in
    /// `invokeWithoutUpdates`).
    pub fn no_updates(mut self, no_updates: bool) -> Self {
        self.no_updates = no_updates;
        self
    }

    /// Skips the updates that happened while the client was not running: the first
    /// [`Client::next_update`] starts from the server's current state instead of
    /// catching up from the state saved in the session (the default).
    ///
    /// [`Client::next_update`]: super::Client::next_update
    pub fn skip_updates(mut self, skip: bool) -> Self {
        self.catch_up = !skip;
        self
    }

    /// Connects to DC `dc` at `address` rather than where Telegram lists it (for the
    /// test DC and self-hosted servers).
    pub fn dc_address(mut self, dc: i16, address: SocketAddr) -> Self {
        self.addresses.insert(dc, address);
        self
    }

    /// Connects to DC `dc`'s media-only address at `address` (downloads go there; for
    /// the test DC and self-hosted servers). Without it, downloads go to the media-only
    /// address the server lists for the DC, or, for a DC given to
    /// [`dc_address`](ClientBuilder::dc_address), to that address.
    pub fn dc_media_address(mut self, dc: i16, address: SocketAddr) -> Self {
        self.media_addresses.insert(dc, address);
        self
    }

    /// Spreads the parts of each upload and download over up to `n` connections to the
    /// file's DC ([`FILE_CONNECTIONS`] by default, 1 to [`MAX_FILE_CONNECTIONS`]; any
    /// other number fails [`build`](ClientBuilder::build)). Each is an MTProto session of
    /// its own on the DC's one key (the account's authorization is imported there
    /// once); they open as a transfer first needs them and stay for later ones. 1 sends
    /// every part over the DC's one connection (downloads over its media-only address,
    /// uploads over its main one, which other requests share).
    ///
    /// How many parts are in flight is each transfer's
    /// [`parallel`](crate::files::SaveFile::parallel); on blocking sockets parts go one
    /// at a time whatever the connections.
    ///
    /// ```no_run
    /// # async fn demo() -> oxigram::Result<()> {
    /// let client = oxigram::Client::builder("my_account")
    ///     .api_id(12345)
    ///     .api_hash("0123456789abcdef0123456789abcdef")
    ///     .file_connections(4)
    ///     .build()
    ///     .await?;
    /// # let _ = client;
    /// # Ok(())
    /// # }
    /// ```
    pub fn file_connections(mut self, n: usize) -> Self {
        self.file_connections = n;
        self
    }

    /// Trusts this server key (instead of Telegram's built-in ones, once any is given).
    pub fn server_key(mut self, key: RsaPublicKey) -> Self {
        self.keys.push(key);
        self
    }

    /// Trusts this server key, given as PEM: PKCS#1 (`BEGIN RSA PUBLIC KEY`) or
    /// SubjectPublicKeyInfo (`BEGIN PUBLIC KEY`). A key that does not parse fails
    /// [`build`](ClientBuilder::build).
    pub fn server_key_pem(mut self, pem: impl Into<String>) -> Self {
        self.pem_keys.push(pem.into());
        self
    }

    /// When each connection reconnects and when it gives up. Requests waiting on one
    /// that gave up end with [`InvokeError::GaveUp`](crate::InvokeError::GaveUp); the
    /// next request opens a new connection, and the update reader keeps trying the home
    /// DC with growing pauses (then fetches what it missed), so the client outlives an
    /// outage of any length.
    pub fn reconnect(mut self, policy: ReconnectPolicy) -> Self {
        self.reconnect = policy;
        self
    }

    /// A timeout for every request's answer (none by default: a request waits while
    /// the connection lives).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// Adds a layer to the middleware chain; layers run in the order added, after the
    /// built-in tracing, flood-wait and retry layers, just before the request is sent.
    pub fn layer(mut self, layer: impl Middleware) -> Self {
        self.layers.push(Arc::new(layer));
        self
    }

    /// Runs on `runtime` (by default the one the crate's features pick: tokio, then
    /// async-std, then smol, then blocking sockets).
    pub fn runtime<R: Runtime>(mut self, runtime: R) -> Self {
        self.net = Some(Arc::new(AsyncNet(runtime)));
        self
    }

    /// Runs on blocking sockets: every request blocks the thread that `.wait()`s it.
    #[cfg(feature = "blocking")]
    pub fn blocking(mut self) -> Self {
        self.net = Some(Arc::new(super::net::blocking::BlockingNet));
        self
    }

    fn default_net() -> crate::Result<Arc<dyn Net>> {
        #[cfg(feature = "tokio")]
        return Ok(Arc::new(AsyncNet(oxigram_tokio::Tokio)));
        #[cfg(all(not(feature = "tokio"), feature = "async-std"))]
        return Ok(Arc::new(AsyncNet(oxigram_async_std::AsyncStd)));
        #[cfg(all(not(feature = "tokio"), not(feature = "async-std"), feature = "smol"))]
        return Ok(Arc::new(AsyncNet(oxigram_smol::Smol)));
        #[cfg(all(
            not(feature = "tokio"),
            not(feature = "async-std"),
            not(feature = "smol"),
            feature = "blocking"
        ))]
        return Ok(Arc::new(super::net::blocking::BlockingNet));
        #[allow(unreachable_code)]
        Err(Error::Config(
            "no runtime: enable a feature (tokio, async-std, smol or blocking)".into(),
        ))
    }

    fn open_storage(&mut self) -> crate::Result<Arc<dyn Storage>> {
        if let Some(storage) = self.storage.take() {
            return Ok(storage);
        }
        if let Some(string) = &self.session_string {
            let session = session::from_string(string)?;
            return Ok(Arc::new(MemoryStorage::with_session(session)));
        }
        if self.in_memory {
            return Ok(Arc::new(MemoryStorage::new()));
        }
        let storage = crate::storage::SqliteStorage::open_in(&self.workdir, &self.name)?;
        Ok(Arc::new(storage))
    }

    /// Opens the session, connects to the home DC, and signs the bot in if a token was
    /// given and the session is not signed in yet.
    pub async fn build(mut self) -> crate::Result<Client> {
        let client = self.open()?;
        let home = client.home_dc();
        client.inner.link(home, false).await?;
        if client.inner.state().session.dc_options.is_empty() {
            client.refresh_dc_options().await?;
        }
        client.check_signed_in().await?;
        if let Some(token) = &self.bot_token
            && !client.is_authorized()
        {
            client.sign_in_bot(token).await?;
        }
        Ok(client)
    }

    /// Opens the session and makes the client without connecting: the first request
    /// connects (and the bot token is not used: [`ClientBuilder::build`] signs in).
    ///
    /// For what needs a client but no server: turning raw updates into high-level ones
    /// ([`Update::from_raw`](crate::types::Update::from_raw)) and handing them to the
    /// handlers by hand ([`Dispatcher::dispatch`](crate::dispatch::Dispatcher::dispatch)),
    /// in a bot's tests or benchmarks.
    pub fn build_offline(mut self) -> crate::Result<Client> {
        self.open()
    }

    /// Opens the session and makes the client, without connecting.
    fn open(&mut self) -> crate::Result<Client> {
        if !(1..=MAX_FILE_CONNECTIONS).contains(&self.file_connections) {
            return Err(Error::Config(format!(
                "file_connections is {}: it takes 1 to {MAX_FILE_CONNECTIONS}",
                self.file_connections
            )));
        }
        let proxy = self
            .proxy
            .take()
            .transpose()
            .map_err(|e| Error::Config(format!("proxy: {e}")))?;
        let net = match self.net.take() {
            Some(net) => net,
            None => Self::default_net()?,
        };
        let mut keys = std::mem::take(&mut self.keys);
        for pem in &self.pem_keys {
            keys.push(keys::from_pem(pem)?);
        }
        if keys.is_empty() {
            keys = vec![
                oxigram_proto::crypto::rsa::production_key(),
                oxigram_proto::crypto::rsa::test_key(),
            ];
        }
        let storage = self.open_storage()?;
        let session = storage.load()?;
        let api_id = self.api_id.or(session.api_id).ok_or_else(|| {
            Error::Config("api_id is not set (get one at my.telegram.org)".into())
        })?;
        let new_session = session.home_dc == 0;
        // A session string says whether it is for test DCs; a new session takes the
        // builder's word.
        let test_mode = if new_session {
            self.test_mode
        } else {
            session.test_mode || self.test_mode
        };
        let mut chain: Vec<Arc<dyn Middleware>> = vec![
            Arc::new(Trace),
            Arc::new(FloodWait),
            Arc::new(RetryServerErrors),
        ];
        chain.append(&mut self.layers);
        let inner = Arc::new(Inner {
            settings: Settings {
                api_id,
                api_hash: std::mem::take(&mut self.api_hash),
                test_mode,
                ipv6: self.ipv6,
                device: std::mem::take(&mut self.device),
                languages: std::mem::take(&mut self.languages),
                sleep_threshold: self.sleep_threshold,
                no_updates: self.no_updates,
                catch_up: self.catch_up,
                addresses: std::mem::take(&mut self.addresses),
                media_addresses: std::mem::take(&mut self.media_addresses),
                file_connections: self.file_connections,
                keys,
                reconnect: self.reconnect.clone(),
                request_timeout: self.request_timeout,
                parse_mode: self.parse_mode,
                proxy,
                pfs: self.pfs,
            },
            dispatcher: crate::dispatch::Dispatcher::new(net.clone()),
            net,
            peers: crate::peers::PeerCache::new(storage.clone()),
            storage,
            state: Mutex::new(State { session }),
            slots: Mutex::new(HashMap::new()),
            chain,
            events: Mutex::new(Default::default()),
            stopped: Default::default(),
            revoked: Default::default(),
            feed: super::feed::Feed::new(),
            cdn_keys: Mutex::new(HashMap::new()),
        });
        if new_session {
            inner.save(Change::Home {
                dc: self.dc,
                test_mode,
            })?;
        } else if inner.state().session.test_mode != test_mode {
            // A session from a library that does not record test mode (Telethon's).
            let dc = inner.home_dc();
            inner.save(Change::Home { dc, test_mode })?;
        }
        if inner.state().session.api_id != Some(api_id) {
            inner.save(Change::ApiId(api_id))?;
        }
        let weak = Arc::downgrade(&inner);
        inner.storage.on_revoked(Box::new(move |reason| {
            // On a thread of its own: the storage's thread that calls this must not
            // hold the client, whose last handle may go meanwhile and close the storage
            // (which waits for that very thread).
            let stop = move || {
                if let Some(inner) = weak.upgrade() {
                    inner.revoke(reason);
                }
            };
            if let Err(e) = std::thread::Builder::new()
                .name("oxigram-revoked".into())
                .spawn(stop)
            {
                tracing::error!(%e, "could not start the thread that stops the client");
            }
        }));
        let client = Client { inner };
        client.inner.peers.set_self_id(client.user_id());
        Ok(client)
    }
}

impl Client {
    /// A session with a key but no user or no bot flag (from a Telethon string or file,
    /// say) may be signed in: ask who it is.
    async fn check_signed_in(&self) -> crate::Result<()> {
        let (has_key, known) = {
            let state = self.inner.state();
            let home = state.session.home_dc;
            let has_key = state
                .session
                .dcs
                .get(&home)
                .is_some_and(|d| d.auth_key.is_some());
            let session = &state.session;
            (
                has_key,
                session.user_id.is_some() && session.is_bot.is_some(),
            )
        };
        if known || !has_key {
            return Ok(());
        }
        match self.get_me().await {
            Ok(me) => {
                self.signed_in(oxigram_tl::enums::User::User(Box::new(me)))
                    .await?;
                Ok(())
            }
            Err(e) if e.rpc().is_some_and(|e| e.code == 401) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offline(connections: usize) -> crate::Result<Client> {
        Client::builder("offline")
            .api_id(1)
            .in_memory()
            .file_connections(connections)
            .build_offline()
    }

    #[test]
    fn file_connections_outside_one_to_the_maximum_fail_the_build() {
        for n in [0, MAX_FILE_CONNECTIONS + 1] {
            let built = offline(n);
            assert!(matches!(built, Err(Error::Config(_))), "{n}: {built:?}");
        }
        for n in [1, MAX_FILE_CONNECTIONS] {
            let client = offline(n).unwrap();
            assert_eq!(client.inner.settings.file_connections, n);
        }
    }
}
