//! An offline Telegram-like MTProto server: the embedded default that oxigram's examples and
//! tests run against, and a server third-party clients can be pointed at.
//!
//! Each DC listens on its own loopback port (consecutive ports), speaking every transport,
//! obfuscated or not, on the same port; and on a second port (any free one), its
//! media-only address, which `help.getConfig` lists as such. The DCs share one small world (accounts, private
//! messages, update state) that is deterministic from the seed.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use oxigram_testdc::{TestDc, TestDcConfig};
//!
//! let dc = TestDc::start(TestDcConfig::default()).await?;
//! let bot = dc.create_bot("123:secret", "echo_bot");
//! println!("DC 2 listens on {}", dc.address(2).unwrap());
//! # let _ = bot;
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

pub mod api;
pub mod layers;
mod net;
pub mod pem;
mod route;
pub mod world;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oxigram_proto::crypto::rsa::{RsaPrivateKey, RsaPublicKey};
use oxigram_proto::session::ServerSessionConfig;
use oxigram_proto::transport::MtProxySecret;

use net::Shared;
pub use net::{Faults, MAX_CARRIERS, Served, UpdateFault};
pub use world::StoredMessage;

/// How to start a test DC.
#[derive(Debug, Clone)]
pub struct TestDcConfig {
    /// Decides the RSA key (unless given), salts, access hashes and ids.
    pub seed: u64,
    /// How many DCs (ids 1..=dcs).
    pub dcs: usize,
    /// The first DC's port (0: any free run of ports).
    pub port: u16,
    /// Bots to create up front: tokens.
    pub bots: Vec<String>,
    /// Users to create up front: phone numbers.
    pub users: Vec<String>,
    /// The server's key (otherwise one generated from the seed).
    pub rsa_key: Option<RsaPrivateKey>,
    /// Session limits: queued updates per session, idle time before a session is
    /// forgotten, sessions per DC (see the README's "Hostile clients").
    pub session: ServerSessionConfig,
    /// Connections open at once, over all DCs; one accepted beyond it is closed at once.
    pub max_connections: usize,
    /// A connection that has sent nothing yet, or stopped in the middle of a frame, is
    /// closed after this long without a byte (half-open connections cost nothing for
    /// good). A connection between frames may stay silent as long as it likes.
    pub stall_timeout: Duration,
    /// How long a user's callback or inline query waits for its bot (by the server's
    /// clock, whole seconds) before the user gets `BOT_RESPONSE_TIMEOUT`.
    pub bot_answer_timeout: Duration,
    /// Runs a CDN DC as well ([`api::CDN_DC`], with its own RSA key from the seed, on a
    /// port of its own); [`TestDc::set_cdn_rules`] chooses the files it serves.
    pub cdn: bool,
    /// Serve as an MTProxy with this secret (plain, `dd` or `ee`): every DC takes
    /// connections keyed with it, and with an `ee` secret fake-TLS ones, besides
    /// unobfuscated ones (see `ServerConfig::proxy_secret`). Like an MTProxy, each sends
    /// a keyed connection on to the DC its header names (`dc + 10000` or not, negative
    /// or not); a fake-TLS hello is answered where it arrived, and the connection moves
    /// once its first record names the DC.
    pub proxy_secret: Option<MtProxySecret>,
}

impl Default for TestDcConfig {
    fn default() -> Self {
        TestDcConfig {
            seed: 0,
            dcs: 3,
            port: 0,
            bots: Vec::new(),
            users: Vec::new(),
            rsa_key: None,
            session: ServerSessionConfig::default(),
            max_connections: 1024,
            stall_timeout: Duration::from_secs(30),
            bot_answer_timeout: Duration::from_secs(api::DEFAULT_BOT_TIMEOUT as u64),
            cdn: false,
            proxy_secret: None,
        }
    }
}

/// The DC new accounts live on unless their phone number says otherwise.
pub const HOME_DC: i32 = 2;

/// A running test DC (all its DCs). Dropping it stops them.
pub struct TestDc {
    shared: Arc<Mutex<Shared>>,
    addresses: Vec<(i32, SocketAddr)>,
    media_addresses: Vec<(i32, SocketAddr)>,
    ipv6_addresses: Vec<(i32, SocketAddr)>,
    key: RsaPublicKey,
    cdn_key: Option<RsaPublicKey>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    /// [`net::Shared::drained`], reachable without the lock.
    drained: Arc<tokio::sync::Notify>,
}

impl std::fmt::Debug for TestDc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDc")
            .field("addresses", &self.addresses)
            .finish_non_exhaustive()
    }
}

impl TestDc {
    /// Starts the DCs on the current tokio runtime.
    pub async fn start(config: TestDcConfig) -> std::io::Result<TestDc> {
        let key = config
            .rsa_key
            .clone()
            .unwrap_or_else(|| RsaPrivateKey::generate(seed_bytes(config.seed, 0)));
        let mut listeners = net::bind(config.port, config.dcs.max(1)).await?;
        let mut addresses: Vec<(i32, SocketAddr)> = listeners
            .iter()
            .enumerate()
            .map(|(i, l)| l.local_addr().map(|a| (i as i32 + 1, a)))
            .collect::<std::io::Result<_>>()?;
        // A listener of its own per media-only address: tests see which address served
        // a file request.
        let mut media_listeners = Vec::with_capacity(addresses.len());
        let mut media_addresses = Vec::with_capacity(addresses.len());
        for &(id, _) in &addresses {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
            media_addresses.push((id, listener.local_addr()?));
            media_listeners.push(listener);
        }
        // The same DCs on the IPv6 loopback, where the machine has one: clients built
        // for IPv6 find these in `help.getConfig`.
        let mut ipv6_listeners = Vec::with_capacity(addresses.len());
        let mut ipv6_addresses = Vec::with_capacity(addresses.len());
        for &(id, _) in &addresses {
            match tokio::net::TcpListener::bind(("::1", 0)).await {
                Ok(listener) => {
                    ipv6_addresses.push((id, listener.local_addr()?));
                    ipv6_listeners.push(listener);
                }
                Err(e) => {
                    tracing::warn!(%e, "no IPv6 loopback: the test DC listens on 127.0.0.1 only");
                    break;
                }
            }
        }
        let cdn_key = config
            .cdn
            .then(|| RsaPrivateKey::generate(seed_bytes(config.seed, api::CDN_DC as u64)));
        if cdn_key.is_some() {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
            addresses.push((api::CDN_DC, listener.local_addr()?));
            listeners.push(listener);
        }
        let shared = Shared::new(
            &config,
            &key,
            cdn_key.as_ref(),
            &addresses,
            &media_addresses,
            &ipv6_addresses,
        );
        let drained = shared.drained.clone();
        let shared = Arc::new(Mutex::new(shared));
        let mut tasks: Vec<_> = listeners
            .into_iter()
            .enumerate()
            .map(|(dc, listener)| tokio::spawn(net::accept_loop(shared.clone(), dc, listener)))
            .collect();
        // The DCs come first among the servers, in the order of their media listeners.
        tasks.extend(
            media_listeners
                .into_iter()
                .enumerate()
                .map(|(dc, listener)| tokio::spawn(net::accept_loop(shared.clone(), dc, listener))),
        );
        tasks.extend(
            ipv6_listeners
                .into_iter()
                .enumerate()
                .map(|(dc, listener)| tokio::spawn(net::accept_loop(shared.clone(), dc, listener))),
        );
        tasks.push(tokio::spawn(net::evict_loop(
            shared.clone(),
            config.session.idle_timeout,
        )));
        Ok(TestDc {
            shared,
            addresses,
            media_addresses,
            ipv6_addresses,
            key: key.public().clone(),
            cdn_key: cdn_key.map(|k| k.public().clone()),
            tasks,
            drained,
        })
    }

    /// Every DC's id and address.
    pub fn addresses(&self) -> &[(i32, SocketAddr)] {
        &self.addresses
    }

    /// The address of DC `id`.
    pub fn address(&self, id: i32) -> Option<SocketAddr> {
        self.addresses
            .iter()
            .find(|(d, _)| *d == id)
            .map(|(_, a)| *a)
    }

    /// The media-only address of DC `id` (a port of its own, serving the same DC):
    /// clients find it in `help.getConfig`, or are given it (oxigram's
    /// `ClientBuilder::dc_media_address`).
    pub fn media_address(&self, id: i32) -> Option<SocketAddr> {
        self.media_addresses
            .iter()
            .find(|(d, _)| *d == id)
            .map(|(_, a)| *a)
    }

    /// The address of DC `id` on the IPv6 loopback (`[::1]:port`), `None` where the
    /// machine has no IPv6. Listed in `help.getConfig` as the DC's IPv6 option.
    pub fn ipv6_address(&self, id: i32) -> Option<SocketAddr> {
        self.ipv6_addresses
            .iter()
            .find(|(d, _)| *d == id)
            .map(|(_, a)| *a)
    }

    /// The public key clients must trust.
    pub fn public_key(&self) -> &RsaPublicKey {
        &self.key
    }

    /// The CDN DC's public key, when [`TestDcConfig::cdn`] runs one (clients learn it
    /// from `help.getCdnConfig`).
    pub fn cdn_public_key(&self) -> Option<&RsaPublicKey> {
        self.cdn_key.as_ref()
    }

    /// Chooses the files the main DCs redirect to the CDN DC and the CDN's faults (a
    /// wrong hash, a reupload asked for). Without a CDN DC no file is redirected.
    pub fn set_cdn_rules(&self, rules: api::CdnRules) {
        self.lock().api.set_cdn_rules(rules);
    }

    /// Parts the CDN DC served so far (`upload.getCdnFile` answered with bytes).
    pub fn cdn_parts_served(&self) -> u64 {
        self.lock().api.cdn_parts_served()
    }

    /// Creates a bot (living on [`HOME_DC`]) and returns its user id.
    pub fn create_bot(&self, token: &str, username: &str) -> i64 {
        self.lock().api.world.create_bot(token, username, HOME_DC)
    }

    /// Creates a user and returns its id. A test number `99966XYYYY` lives on DC `X`;
    /// others on [`HOME_DC`].
    pub fn create_user(&self, phone: &str, first_name: &str) -> i64 {
        let home = api::test_number_dc(phone).unwrap_or(HOME_DC);
        self.lock().api.world.create_user(phone, first_name, home)
    }

    /// The id of the account with this phone number, if there is one.
    pub fn user_by_phone(&self, phone: &str) -> Option<i64> {
        self.lock().api.world.by_phone(phone).map(|a| a.id)
    }

    /// The id of the bot with this token, if there is one.
    pub fn bot_by_token(&self, token: &str) -> Option<i64> {
        self.lock().api.world.by_token(token).map(|a| a.id)
    }

    /// Sets an account's two-step verification password: signing in then takes
    /// `auth.checkPassword` after the code (`SESSION_PASSWORD_NEEDED`).
    pub fn set_password(&self, user: i64, password: &str) {
        self.lock().api.set_password(user, password);
    }

    /// Creates a basic group of `creator` and `members`; returns its id.
    pub fn create_group(&self, creator: i64, title: &str, members: &[i64]) -> i64 {
        let mut shared = self.lock();
        let now = shared.now().as_secs() as i32;
        shared
            .api
            .world
            .create_group(creator, title, members, now, None)
    }

    /// Makes a sticker set of `owner` holding `stickers` (each a file's bytes, at most
    /// one upload part), answered by `messages.getStickerSet` by its id or short name;
    /// its id and access hash.
    pub fn create_sticker_set(
        &self,
        owner: i64,
        short_name: &str,
        title: &str,
        stickers: &[bytes::Bytes],
    ) -> Result<(i64, i64), world::StickerSetError> {
        let mut shared = self.lock();
        let now = shared.now().as_secs() as i32;
        shared
            .api
            .world
            .create_sticker_set(owner, short_name, title, stickers, now)
    }

    /// Creates a channel (`broadcast`: only its creator posts) or supergroup with these
    /// members; returns its id and access hash.
    pub fn create_channel(
        &self,
        creator: i64,
        title: &str,
        members: &[i64],
        broadcast: bool,
    ) -> (i64, i64) {
        let mut shared = self.lock();
        let now = shared.now().as_secs() as i32;
        let world = &mut shared.api.world;
        let id = world.create_group(creator, title, members, now, Some(broadcast));
        let hash = world.group(id).and_then(|g| g.channel).map_or(0, |c| c.0);
        (id, hash)
    }

    /// Gives a channel or supergroup a public username (`contacts.resolveUsername` then
    /// finds it), as its creator's `channels.updateUsername` would.
    pub fn set_channel_username(
        &self,
        channel: i64,
        username: &str,
    ) -> Result<(), world::UsernameError> {
        self.lock()
            .api
            .world
            .set_channel_username(channel, Some(username))
    }

    /// The messages an account received, oldest first.
    pub fn received(&self, user: i64) -> Vec<StoredMessage> {
        self.lock().api.world.received(user)
    }

    /// Sends a private message as `from` (as if its client had), pushing the update to
    /// the recipient's sessions.
    pub fn send_message(&self, from: i64, to: i64, text: &str) {
        let mut shared = self.lock();
        shared.inject_message(from, to, text);
    }

    /// Sends a private message as `from` from another device of that account (its
    /// phone, say): the recipient's sessions get it, and so do `from`'s own, as an
    /// outgoing message, as Telegram does for a message sent elsewhere.
    pub fn send_message_elsewhere(&self, from: i64, to: i64, text: &str) {
        self.lock().inject_message_elsewhere(from, to, text);
    }

    /// Sends private messages as `from`, in order, as [`TestDc::send_message`] does each
    /// one, but under one lock and with one wake-up of the connections for them all.
    pub fn send_messages<'t>(&self, from: i64, to: i64, texts: impl IntoIterator<Item = &'t str>) {
        self.lock().inject_messages(from, to, texts);
    }

    /// Stores `count` private messages from `from` to `to` (texts "1", "2", ...) and
    /// tells no one: a chat with a long past for history tests, made before the
    /// clients sign in (a client signed in before sees the box's pts jump).
    pub fn seed_history(&self, from: i64, to: i64, count: usize) {
        let mut shared = self.lock();
        let now = shared.now().as_secs() as i32;
        shared.api.world.seed_history(from, to, count, now);
    }

    /// Whether a connection of one of `user`'s sessions has bytes the server has not
    /// taken out to write yet.
    pub fn has_unsent_to(&self, user: i64) -> bool {
        self.lock().has_unsent_to(user)
    }

    /// Waits until no connection of `user`'s sessions has bytes the server has not
    /// taken out to write ([`TestDc::has_unsent_to`]). A sender that waits for this
    /// between batches never lets what it sends pile up in the server, where a
    /// session's queue is bounded (see
    /// [`ServerSessionConfig::max_queued_updates`](oxigram_proto::session::ServerSessionConfig)):
    /// it waits in the socket's buffers instead, for as long as TCP's flow control
    /// holds the writer back for a slow reader.
    pub async fn sent_to(&self, user: i64) {
        loop {
            let drained = self.drained.notified();
            let mut drained = std::pin::pin!(drained);
            // Registered before looking, so a write in between is not missed.
            drained.as_mut().enable();
            if !self.has_unsent_to(user) {
                return;
            }
            drained.await;
        }
    }

    /// Sets the faults to inject from now on (updates held back by the previous
    /// faults' reordering go out first).
    pub fn set_faults(&self, faults: Faults) {
        self.lock().set_faults(faults);
    }

    /// Keeps files of up to `bytes` (64 MiB unless set; files are held in memory).
    pub fn set_max_file(&self, bytes: usize) {
        self.lock().api.world.set_max_file(bytes);
    }

    /// Pushes the updates the update faults hold back for reordering, in order.
    pub fn flush_updates(&self) {
        self.lock().flush_updates();
    }

    /// Updates the update faults dropped so far.
    pub fn updates_dropped(&self) -> u64 {
        self.lock().updates_dropped
    }

    /// Answers `BOT_RESPONSE_TIMEOUT` now to every callback or inline query whose bot
    /// did not answer by the time the server's clock shows `ahead` from now (the server
    /// itself does so with `ahead` zero every few seconds and before handling each
    /// request). Tests move the deadline this way: moving the clock of the whole server
    /// ([`Faults::time_skew`]) would move its message ids too, which clients refuse.
    pub fn expire_queries_after(&self, ahead: Duration) {
        let wake = self.lock().expire_queries(ahead);
        for waker in wake {
            waker.notify_one();
        }
    }

    /// Turns inline mode on for a bot (`placeholder` is what users see in the message
    /// field, `bot_inline_placeholder`) or off (`None`). Returns whether `bot` is a bot.
    pub fn set_bot_inline(&self, bot: i64, placeholder: Option<&str>) -> bool {
        self.lock()
            .api
            .world
            .set_inline_placeholder(bot, placeholder)
    }

    /// Replaces every salt on every DC: clients get `bad_server_salt` and move on.
    pub fn rotate_salts(&self) {
        for server in &mut self.lock().servers {
            server.rotate_salts();
        }
    }

    /// Sends `new_session_created` to every session, as if the server had lost what
    /// the clients sent before now.
    pub fn announce_new_sessions(&self) {
        let mut shared = self.lock();
        let now = shared.now();
        let first_msg_id = (now.as_secs() as i64) << 32;
        for server in &mut shared.servers {
            let sessions: Vec<_> = server.sessions().collect();
            for session in sessions {
                server.announce_new_session(session, first_msg_id, now);
            }
        }
        for waker in shared.waiting() {
            waker.notify_one();
        }
    }

    /// Answers the next `times` calls of `method` (its TL name, `messages.sendMessage`,
    /// whether the test DC implements it or not) with `error` (`FLOOD_WAIT_X`,
    /// `FILE_MIGRATE_X`, `NETWORK_MIGRATE_X`, `AUTH_KEY_DUPLICATED`, …) instead of
    /// running them.
    pub fn inject_error(&self, method: &str, error: oxigram_proto::session::RpcError, times: u32) {
        self.lock().api.inject_error(method, error, times);
    }

    /// Makes every file reference handed out so far stale: `upload.getFile` and
    /// `messages.sendMedia` with one answer `400 FILE_REFERENCE_EXPIRED`, and the message,
    /// profile photo or media fetched again carries a fresh one.
    pub fn expire_file_references(&self) {
        self.lock().api.world.expire_file_references();
    }

    /// Methods clients asked for that the test DC does not implement, with how often,
    /// most asked first; `None` stands for the names beyond
    /// [`api::MAX_REPORTED`], counted together.
    pub fn unimplemented(&self) -> Vec<(Option<String>, u64)> {
        self.lock().api.unimplemented()
    }

    /// The layers clients announced in `invokeWithLayer`, with how many times, oldest
    /// first; `None` stands for the layers beyond [`api::MAX_REPORTED`], counted together.
    pub fn announced_layers(&self) -> Vec<(Option<i32>, u64)> {
        self.lock().api.announced_layers()
    }

    /// Calls of `method` (its TL name, `messages.getMessages`) received so far, over all
    /// DCs (what a wrapper such as `invokeWithLayer` wraps is counted under its own name).
    pub fn calls(&self, method: &str) -> u64 {
        self.lock().api.calls(method)
    }

    /// Who carried `method` (its TL name, wrappers taken off: `upload.getFile`) on the
    /// listener at `address` (a DC's [`address`](TestDc::address) or its
    /// [`media_address`](TestDc::media_address)) so far: calls, and the distinct
    /// connections and MTProto sessions they came over (at most [`MAX_CARRIERS`]
    /// connections and sessions are remembered in all; calls are counted past it).
    pub fn served(&self, address: SocketAddr, method: &str) -> Served {
        self.lock().served(address, method)
    }

    /// Keep-alive pings (`ping_delay_disconnect`) received so far, over all DCs.
    pub fn keepalives(&self) -> u64 {
        self.lock().keepalives
    }

    /// Temporary keys bound to a permanent key (`auth.bindTempAuthKey` verified) so far,
    /// over all DCs.
    pub fn temp_keys_bound(&self) -> u64 {
        self.lock().temp_keys_bound
    }

    /// Requests that came under a bound temporary key so far, over all DCs.
    pub fn temp_key_requests(&self) -> u64 {
        self.lock().temp_key_requests
    }

    /// Obfuscated connections so far by the DC their header named, which is what an
    /// MTProxy forwards by (`dc + 10000` for a test DC, negative for a media connection).
    /// Without [`TestDcConfig::proxy_secret`], every DC serves what it is sent whatever
    /// its header names.
    pub fn header_dcs(&self) -> std::collections::BTreeMap<i16, u64> {
        self.lock().header_dcs.clone()
    }

    /// Connections accepted since the start, over all DCs.
    pub fn connections_accepted(&self) -> u64 {
        self.lock().accepted
    }

    /// Pushes the TL object `body` (an `Updates`, say) `count` times to every session
    /// signed in as `user`, without storing anything in the world: for load tests of a
    /// client's update path. Returns how many sessions it reached.
    pub fn push_updates(&self, user: i64, body: &bytes::Bytes, count: usize) -> usize {
        self.lock().push_raw(user, body, count)
    }

    /// Whether any connection has bytes the server has not written yet.
    pub fn has_unsent(&self) -> bool {
        self.lock().has_unsent()
    }

    /// Connections open now, over all DCs.
    pub fn connection_count(&self) -> usize {
        self.lock().connection_count()
    }

    /// The most connections that were open at once carrying one permanent key of
    /// `user`'s (a key authorized for it now; a temporary key counts as the permanent
    /// key it is bound to). A client that keeps one connection per key, as a bot that
    /// only talks to its home DC does, shows 1; 2 or more for such a client means two
    /// processes used the key together, which Telegram answers with
    /// `AUTH_KEY_DUPLICATED`.
    pub fn peak_key_connections(&self, user: i64) -> usize {
        self.lock().peak_key_connections(user)
    }

    /// Sessions the DCs hold now (a session outlives its connection until it is idle
    /// for [`ServerSessionConfig::idle_timeout`]).
    pub fn session_count(&self) -> usize {
        self.lock().servers.iter().map(|s| s.session_count()).sum()
    }

    /// Session slots the DCs' servers have examined so far while sending, pushing and
    /// evicting, over all DCs. Diagnostics: it shows that pushing an update costs work
    /// in proportion to the recipient's sessions, not to all sessions.
    pub fn sessions_visited(&self) -> u64 {
        self.lock()
            .servers
            .iter()
            .map(|s| s.sessions_visited())
            .sum()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for TestDc {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// A plain `messages.sendMessage` of `text` to `peer`: what tests of clients send the
/// test DC most (every optional field left out).
pub fn send_message_request(
    peer: oxigram_tl::enums::InputPeer,
    text: &str,
    random_id: i64,
) -> oxigram_tl::functions::messages::SendMessage {
    oxigram_tl::functions::messages::SendMessage {
        no_webpage: false,
        silent: false,
        background: false,
        clear_draft: false,
        noforwards: false,
        update_stickersets_order: false,
        invert_media: false,
        allow_paid_floodskip: false,
        peer,
        reply_to: None,
        message: text.into(),
        random_id,
        reply_markup: None,
        entities: None,
        schedule_date: None,
        schedule_repeat_period: None,
        send_as: None,
        quick_reply_shortcut: None,
        effect: None,
        allow_paid_stars: None,
        suggested_post: None,
        rich_message: None,
    }
}

/// The text of the private message in an update the test DC pushed, given as a client
/// hands updates out (constructor id and body): an `updates` object whose first update is
/// `updateNewMessage`. `None` for anything else. [`TestDc::send_message`] pushes such
/// updates; tests of clients read them back with this.
pub fn pushed_message_text(constructor_id: u32, body: &[u8]) -> Option<String> {
    use oxigram_tl::{Deserialize, Identifiable, enums, types};
    if constructor_id != types::Updates::CONSTRUCTOR_ID {
        return None;
    }
    let enums::Updates::Updates(updates) = enums::Updates::from_bytes(body).ok()? else {
        return None;
    };
    match updates.updates.first()? {
        enums::Update::NewMessage(u) => match &u.message {
            enums::Message::Message(m) => Some(m.message.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// 32 seed bytes for one purpose (`which`) from the user's seed.
pub(crate) fn seed_bytes(seed: u64, which: u64) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..8].copy_from_slice(&seed.to_le_bytes());
    out[8..16].copy_from_slice(&which.to_le_bytes());
    out[16..].copy_from_slice(b"oxigram-testdc\0\0");
    out
}
