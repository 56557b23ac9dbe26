//! The DC pool: a connection per DC, opened on first use, with its key persisted and the
//! account's authorization imported once. File transfers add connections of their own
//! (up to [`ClientBuilder::file_connections`](super::ClientBuilder::file_connections) per
//! DC and kind), each its own MTProto session on the DC's one key.

use std::sync::{Arc, Weak};

use futures_util::lock::Mutex as AsyncMutex;
use oxigram_proto::handshake::AuthKeyOutcome;
use oxigram_runtime::{ClientConfig, ClientEvent};
use oxigram_tl::{Deserialize, Serialize, enums, functions, types};

use super::net::Link;
use super::proxy::ProxySetting;
use super::{Inner, addresses};
use crate::error::Error;
use crate::storage::{Change, DcSession};

/// CDN DCs whose keys are kept at most (Telegram has a handful).
const MAX_CDN_KEYS: usize = 64;

/// Where a connection goes: the DC, whether to its media-only address, and which of its
/// file connections (0: the DC's main or media connection, which other requests share).
pub(crate) type SlotKey = (i16, bool, usize);

/// One DC's connection, opened once by whoever needs it first.
pub(crate) struct Slot {
    link: AsyncMutex<Option<Arc<dyn Link>>>,
}

impl Slot {
    pub(crate) async fn close(&self) {
        if let Some(link) = self.link.lock().await.take() {
            link.close().await;
        }
    }
}

impl Inner {
    fn slot(&self, key: SlotKey) -> Arc<Slot> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots
            .entry(key)
            .or_insert_with(|| {
                Arc::new(Slot {
                    link: AsyncMutex::new(None),
                })
            })
            .clone()
    }

    /// The address of DC `dc`: an override from the builder, then the session's, then
    /// the server's options, then Telegram's built-in table. For `media`, the builder's
    /// media address or the server's media-only option come first; a DC whose address
    /// the builder overrode without a media one keeps to that address.
    pub(crate) fn address(&self, dc: i16, media: bool) -> crate::Result<std::net::SocketAddr> {
        if media {
            if let Some(address) = self.settings.media_addresses.get(&dc) {
                return Ok(*address);
            }
            if !self.settings.addresses.contains_key(&dc)
                && self.cdn_key(dc).is_none()
                && let Some(address) = addresses::media_only_from_options(
                    &self.state().session.dc_options,
                    dc,
                    self.settings.ipv6,
                )
            {
                return Ok(address);
            }
        }
        if let Some(address) = self.settings.addresses.get(&dc) {
            return Ok(*address);
        }
        let state = self.state();
        let session = &state.session;
        if let Some(address) = session.dcs.get(&dc).and_then(|d| d.address) {
            return Ok(address);
        }
        let ipv6 = self.settings.ipv6;
        if self.cdn_key(dc).is_some() {
            return addresses::cdn_from_options(&session.dc_options, dc, ipv6)
                .ok_or_else(|| Error::Config(format!("no address is known for CDN DC {dc}")));
        }
        addresses::from_options(&session.dc_options, dc, ipv6, media)
            .or_else(|| addresses::builtin(dc, self.settings.test_mode, ipv6))
            .ok_or_else(|| Error::Config(format!("no address is known for DC {dc}")))
    }

    fn config(&self, dc: i16, media: bool) -> crate::Result<ClientConfig> {
        let address = self.address(dc, media)?;
        let mut config = ClientConfig::new(address, dc, self.settings.api_id);
        config.test_dc = self.settings.test_mode;
        // An MTProxy forwards a media connection to a media server by its header.
        config.media = media;
        // A CDN DC proves itself with its own key only, and has no permanent key of the
        // account's to bind a temporary one to.
        config.keys = match self.cdn_key(dc) {
            Some(key) => vec![key],
            None => {
                config.pfs = self.settings.pfs;
                self.settings.keys.clone()
            }
        };
        config.device = self.settings.device.clone();
        config.languages = self.settings.languages.clone();
        config.reconnect = self.settings.reconnect.clone();
        match &self.settings.proxy {
            Some(ProxySetting::Proxy(proxy)) => config.proxy = Some(proxy.clone()),
            Some(ProxySetting::MtProxy(mtproxy)) => config.mtproxy = Some(mtproxy.clone()),
            None => {}
        }
        let key = self
            .state()
            .session
            .dcs
            .get(&dc)
            .and_then(|d| d.auth_key.clone());
        config.auth = key.map(|auth_key| AuthKeyOutcome {
            auth_key,
            // Learned again from the server's first answer.
            time_offset: 0,
            first_salt: 0,
            expires_at: None,
        });
        Ok(config)
    }

    /// The connection to DC `dc`, opened (and authorized there) if needed.
    pub(crate) async fn link(
        self: &Arc<Self>,
        dc: i16,
        media: bool,
    ) -> crate::Result<Arc<dyn Link>> {
        self.link_at((dc, media, 0)).await
    }

    /// The connection `key` names, opened if needed: the DC's main connection makes the
    /// key and imports the authorization; the others open afterwards on that key.
    pub(crate) async fn link_at(self: &Arc<Self>, key: SlotKey) -> crate::Result<Arc<dyn Link>> {
        let (dc, media, index) = key;
        if media || index > 0 {
            // The DC's key (and authorization) is made on its main connection first,
            // so that two connections never make two keys for one DC.
            Box::pin(self.link(dc, false)).await?;
        }
        let main = !media && index == 0;
        let slot = self.slot(key);
        let mut guard = slot.link.lock().await;
        if let Some(link) = guard.as_ref() {
            let link = link.clone();
            if main {
                // Open since before the account signed in here (it was home then), or
                // the authorization was lost: imported now, under the slot's lock, once.
                self.authorize(dc, &link).await?;
            }
            return Ok(link);
        }
        if self.stopped.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(self.stopped_error());
        }
        let config = self.config(dc, media)?;
        let address = config.address;
        let had_key = config.auth.is_some();
        tracing::debug!(dc, %address, media, index, had_key, "connecting");
        let link = self.net.connect(config).await?;
        if !had_key {
            // `connect` returned after the key exchange, so its event is queued: save
            // the key before anything is signed in with it.
            while let Some(event) = link.next_event().await {
                let created = matches!(event, ClientEvent::AuthKeyCreated(_));
                self.on_event(dc, address, &event);
                self.push_event(event);
                if created {
                    break;
                }
            }
        }
        self.pump_events(key, address, &link);
        if main {
            self.authorize(dc, &link).await?;
        }
        *guard = Some(link.clone());
        Ok(link)
    }

    /// Imports the account's authorization over `link`, the main connection to `dc`,
    /// unless the account is signed in there already (or is nobody, or `dc` is home or
    /// a CDN, where nobody signs in).
    async fn authorize(self: &Arc<Self>, dc: i16, link: &Arc<dyn Link>) -> crate::Result<()> {
        if dc == self.home_dc() || self.cdn_key(dc).is_some() {
            return Ok(());
        }
        let wanted = {
            let state = self.state();
            let session = &state.session;
            session.user_id.is_some() && !session.dcs.get(&dc).is_some_and(|d| d.authorized)
        };
        if wanted {
            self.import_authorization(dc, link).await?;
        }
        Ok(())
    }

    /// The key of CDN DC `dc`, if it is one we know.
    pub(crate) fn cdn_key(&self, dc: i16) -> Option<oxigram_proto::crypto::rsa::RsaPublicKey> {
        let keys = self.cdn_keys.lock().unwrap_or_else(|e| e.into_inner());
        keys.get(&dc).cloned()
    }

    /// Keeps the key (PEM, from `help.getCdnConfig`) of CDN DC `dc`; at most
    /// [`MAX_CDN_KEYS`] are kept.
    pub(crate) fn add_cdn_key(&self, dc: i16, pem: &str) -> crate::Result<()> {
        let key = super::keys::from_pem(pem)?;
        let mut keys = self.cdn_keys.lock().unwrap_or_else(|e| e.into_inner());
        if keys.len() >= MAX_CDN_KEYS && !keys.contains_key(&dc) {
            return Err(Error::Config(format!(
                "more than {MAX_CDN_KEYS} CDN DCs: the key of DC {dc} is not kept"
            )));
        }
        keys.insert(dc, key);
        Ok(())
    }

    /// Forgets the connection `key` names (it failed for good); the next use opens
    /// another.
    pub(crate) async fn drop_link(&self, key: SlotKey) {
        let slot = self.slot(key);
        if let Some(link) = slot.link.lock().await.take() {
            link.close().await;
        }
    }

    /// Forgets the connection `key` names if it is still `link`, which gave up (the
    /// network was gone for longer than the reconnect policy waits): the next request
    /// or read of updates opens another, rather than every later one failing on it.
    pub(crate) async fn forget_link(&self, key: SlotKey, link: &Weak<dyn Link>) {
        let slot = self.slot(key);
        let mut guard = slot.link.lock().await;
        let same = guard
            .as_ref()
            .is_some_and(|held| std::ptr::addr_eq(Arc::as_ptr(held), link.as_ptr()));
        if same && let Some(dead) = guard.take() {
            drop(guard);
            tracing::info!(
                dc = key.0,
                media = key.1,
                index = key.2,
                "a connection gave up: the next use opens a new one"
            );
            dead.close().await;
        }
    }

    /// Signs the account in on `dc` with an authorization exported from home, once:
    /// afterwards the DC's key is marked authorized in the session.
    async fn import_authorization(
        self: &Arc<Self>,
        dc: i16,
        link: &Arc<dyn Link>,
    ) -> crate::Result<()> {
        let authorized = self
            .state()
            .session
            .dcs
            .get(&dc)
            .is_some_and(|d| d.authorized);
        if authorized {
            return Ok(());
        }
        let home = self.home_dc();
        let export = functions::auth::ExportAuthorization {
            dc_id: i32::from(dc),
        };
        let answer = Box::pin(self.invoke_on(Some(home), export)).await?;
        let enums::auth::ExportedAuthorization::ExportedAuthorization(exported) = answer;
        let import = functions::auth::ImportAuthorization {
            id: exported.id,
            bytes: exported.bytes,
        };
        let body = import.to_bytes();
        let raw = link
            .invoke(body.into(), Default::default())
            .await
            .map_err(|e| super::invoke::invoke_error(e, "auth.importAuthorization"))?;
        enums::auth::Authorization::from_bytes(&raw)
            .map_err(|e| Error::Invoke(oxigram_runtime::InvokeError::Decode(e)))?;
        self.set_authorized(dc, true)?;
        tracing::debug!(dc, "authorization imported");
        Ok(())
    }

    /// Records whether the account is signed in on `dc` (keeping the DC's key).
    pub(crate) fn set_authorized(&self, dc: i16, authorized: bool) -> crate::Result<()> {
        let mut record = self
            .state()
            .session
            .dcs
            .get(&dc)
            .cloned()
            .unwrap_or_default();
        record.authorized = authorized;
        self.save(Change::Dc(dc, record))
    }

    /// Follows a connection's events: keys are saved as they are made or dropped, the
    /// rest is queued for [`Client::try_next_event`](super::Client::try_next_event).
    fn pump_events(
        self: &Arc<Self>,
        key: SlotKey,
        address: std::net::SocketAddr,
        link: &Arc<dyn Link>,
    ) {
        let dc = key.0;
        let weak: Weak<Inner> = Arc::downgrade(self);
        // Holds neither the client nor the connection: both close when their last
        // handle goes, and then this ends.
        let events = Arc::downgrade(link);
        let first = link.next_event();
        self.net.spawn(Box::pin(async move {
            let mut next = first;
            while let Some(event) = next.await {
                let Some(inner) = weak.upgrade() else { return };
                inner.on_event(dc, address, &event);
                if matches!(event, ClientEvent::GaveUp(_)) {
                    inner.forget_link(key, &events).await;
                    if key == (inner.home_dc(), false, 0) {
                        // Whatever is pushed until a new one opens is fetched then.
                        inner.feed.missed();
                    }
                }
                if matches!(event, ClientEvent::ConnectionLost(_))
                    && dc == inner.home_dc()
                    && !inner.stopped.load(std::sync::atomic::Ordering::SeqCst)
                {
                    // Run apart: a slow handler must not hold up the events behind it.
                    let client = super::Client {
                        inner: inner.clone(),
                    };
                    inner.net.spawn(Box::pin(async move {
                        client.dispatcher().disconnected(&client).await;
                    }));
                }
                inner.push_event(event);
                let Some(link) = events.upgrade() else { return };
                next = link.next_event();
            }
        }));
    }

    fn on_event(&self, dc: i16, address: std::net::SocketAddr, event: &ClientEvent) {
        let record = |key| DcSession {
            address: Some(address),
            auth_key: key,
            authorized: false,
        };
        let change = match event {
            ClientEvent::AuthKeyCreated(outcome) => {
                tracing::debug!(dc, "auth key created");
                // A new key is not signed in anywhere; at home the sign-in that follows
                // marks it.
                Change::Dc(dc, record(Some(outcome.auth_key.clone())))
            }
            ClientEvent::AuthKeyRejected => {
                tracing::warn!(
                    dc,
                    "the server forgot our auth key: the DC's authorization is lost"
                );
                if dc == self.home_dc()
                    && let Err(e) = self.save(Change::User(None))
                {
                    tracing::error!(%e, "could not record the lost sign-in");
                }
                Change::Dc(dc, record(None))
            }
            ClientEvent::UpdatesMissed(_) | ClientEvent::ConnectionRestored
                if dc == self.home_dc() =>
            {
                self.feed.missed();
                return;
            }
            _ => return,
        };
        if let Err(e) = self.save(change) {
            tracing::error!(dc, %e, "could not save the DC's key");
        }
    }
}

impl super::Client {
    /// Asks the home DC for the current DC options (`help.getConfig`) and keeps them in
    /// the session; addresses given to the builder still win. Done once for a new
    /// session; call it again after a network change.
    pub async fn refresh_dc_options(&self) -> crate::Result<()> {
        let enums::Config::Config(config) = self.invoke(functions::help::GetConfig {}).await?;
        let options = dc_addresses(&config.dc_options);
        tracing::debug!(count = options.len(), "DC options refreshed");
        self.inner.save(Change::DcOptions(options))?;
        Ok(())
    }
}

/// The usable addresses of `help.getConfig`'s DC options (skipping those only for a
/// port we do not use, with a proxy secret, or that do not parse).
fn dc_addresses(options: &[enums::DcOption]) -> Vec<crate::storage::DcAddress> {
    let usable = |o: &types::DcOption| {
        if o.tcpo_only || o.secret.is_some() {
            return None;
        }
        let ip: std::net::IpAddr = o.ip_address.parse().ok()?;
        Some(crate::storage::DcAddress {
            id: i16::try_from(o.id).ok()?,
            address: std::net::SocketAddr::new(ip, u16::try_from(o.port).ok()?),
            media_only: o.media_only,
            cdn: o.cdn,
        })
    };
    options
        .iter()
        .filter_map(|option| {
            let enums::DcOption::DcOption(o) = option;
            let address = usable(o);
            if address.is_none() {
                tracing::debug!(
                    dc = o.id,
                    ip = %o.ip_address,
                    port = o.port,
                    "DC option skipped: obfuscated-only, with a proxy secret, or unreadable"
                );
            }
            address
        })
        .collect()
}
