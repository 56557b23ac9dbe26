//! The API methods the test DC answers, with Telegram's behaviour where tests need it.
//! Anything else gets a real RPC error (`400 METHOD_NOT_IMPLEMENTED_IN_TEST_DC`), never
//! silence.
//!
//! One module per API namespace (`auth`, `messages`, …), each an `impl ApiState` block
//! with one method that matches on the constructor id. [`ApiState::call`] unwraps the
//! wrappers (`invokeWithLayer`, `initConnection`, …), applies injected errors, and hands
//! the request to its namespace by the method's TL name. Adding a method is one match arm
//! in its namespace's module; a new namespace is one module and one line in
//! `ApiState::dispatch`.

mod account;
mod activity;
mod auth;
mod authorizations;
mod bots;
mod bounded;
mod cdn;
mod channels;
mod chat_admin;
mod commands;
mod contacts;
mod dialogs;
mod entities;
mod help;
mod history;
mod inline_edits;
mod invites;
mod markup;
mod media;
mod members;
mod messages;
mod peers;
mod photos;
mod places_polls;
mod posting;
mod profiles;
mod qr_login;
mod queries;
mod quotes;
mod social;
mod stickers;
mod updates;
mod upload;
mod users;

use std::collections::HashMap;

use bytes::Bytes;

use oxigram_proto::crypto::dh::TELEGRAM_PRIME;
use oxigram_proto::crypto::srp::SrpVerifier;
use oxigram_proto::random::{RandomSource, SeededRandom};
use oxigram_proto::session::RpcError;
use oxigram_tl::RawObject;
use oxigram_tl::{Deserialize, Identifiable, Serialize, functions};

pub use self::authorizations::Authorizations;
use self::bots::InlineAnswer;
pub use self::bots::{MAX_CALLBACK_ANSWER, MAX_INLINE_QUERY, MAX_INLINE_RESULTS};
use self::bounded::Bounded;
pub use self::cdn::{CDN_DC, CdnRules, HASH_PART, MAX_CDN_FILES, cdn_cipher};
pub use self::markup::{MAX_BUTTONS, MAX_CALLBACK_DATA};
use self::qr_login::LoginTokens;
pub use self::qr_login::{LOGIN_TOKEN_TTL, MAX_EXCEPT_IDS, MAX_LOGIN_TOKENS};
use self::queries::Queries;
pub use self::queries::{DEFAULT_BOT_TIMEOUT, MAX_QUERIES};
use crate::layers::Layers;
use crate::world::World;

/// What a DC is known by.
#[derive(Debug, Clone)]
pub struct DcInfo {
    /// The DC id.
    pub id: i32,
    /// Its loopback address.
    pub ip: String,
    /// Its port.
    pub port: u16,
    /// The port of its media-only address (`help.getConfig` lists the DC's own port
    /// as media-only when `None`).
    pub media_port: Option<u16>,
    /// Whether it is a CDN DC (listed as such, serving only CDN files).
    pub cdn: bool,
    /// Its port on `::1`, listed as the DC's IPv6 option (`None` where the machine has
    /// no IPv6 loopback, and for a CDN DC).
    pub ipv6_port: Option<u16>,
}

/// Everything the API reads and changes, across DCs.
#[derive(Debug)]
pub struct ApiState {
    /// Accounts and messages.
    pub world: World,
    /// The DCs.
    pub dcs: Vec<DcInfo>,
    /// Per DC: which account each auth key is signed in as.
    pub authorizations: Vec<Authorizations>,
    /// Login codes sent: phone → (phone_code_hash, code).
    codes: Bounded<String, (String, String)>,
    /// Exported authorizations: id → (account, bytes).
    exports: Bounded<i64, (i64, Vec<u8>)>,
    counter: u64,
    /// Errors to answer instead of running a method: name → (error, times left).
    injected: HashMap<String, (RpcError, u32)>,
    /// Calls received per method (bounded by the schema's methods).
    calls: HashMap<&'static str, u64>,
    /// The innermost method of the last call (its wrappers taken off), if it was known.
    last_method: Option<&'static str>,
    /// Two-step verification passwords, by account.
    passwords: HashMap<i64, SrpVerifier>,
    /// Keys that passed the login code of an account with a password: (dc, key) → account.
    awaiting_password: HashMap<(usize, u64), i64>,
    /// The SRP challenge handed out per key: (dc, key) → (srp_id, secret b).
    challenges: HashMap<(usize, u64), (i64, [u8; 256])>,
    /// QR login tokens handed out and what became of them.
    login_tokens: LoginTokens,
    /// Randomness for what clients must not guess (login tokens, query ids), from the
    /// seed.
    random: SeededRandom,
    /// Callback and inline queries waiting for their bots.
    queries: Queries,
    /// Bots' answers to inline queries, for `messages.sendInlineBotResult`: the last
    /// [`MAX_QUERIES`] (older ones read as `QUERY_ID_INVALID`).
    inline_answers: Bounded<i64, InlineAnswer>,
    /// CDN redirects and their rules.
    cdn: cdn::Cdn,
    /// The layer each key announced (`invokeWithLayer`), when it is not the newest:
    /// (dc, key) → layer; the last [`MAX_PENDING`] keys to announce one.
    layers: Bounded<(usize, u64), u32>,
    /// Announcements per layer: the first [`MAX_REPORTED`] distinct layers, then the
    /// rest together under `None`.
    announced: HashMap<Option<i32>, u64>,
    /// Methods asked for that the test DC does not implement, and how often: at most
    /// [`MAX_REPORTED`] names, then the rest together under `None`.
    unimplemented: HashMap<Option<String>, u64>,
}

/// Distinct layers and unimplemented methods reported one by one; beyond it they are
/// counted together, so that a client naming endless made-up ones costs bounded memory.
pub const MAX_REPORTED: usize = 256;

/// Counts `key` in `counts`, or under `None` once `MAX_REPORTED` keys are there.
fn count<K: std::hash::Hash + Eq>(counts: &mut HashMap<Option<K>, u64>, key: K) {
    let key = Some(key);
    let slot = if counts.contains_key(&key) || counts.len() < MAX_REPORTED {
        key
    } else {
        None
    };
    *counts.entry(slot).or_default() += 1;
}

/// An answer and the updates it causes.
#[derive(Debug)]
pub struct Reply {
    /// The TL result, or the RPC error.
    pub result: Result<Vec<u8>, RpcError>,
    /// `Updates` objects to push to every session of an account.
    pub pushes: Vec<(i64, Vec<u8>)>,
    /// `Updates` objects to push to every session of one auth key on one DC (an index
    /// into [`ApiState::dcs`]), signed in or not: how QR login tells the exporting
    /// session that its token was accepted.
    pub key_pushes: Vec<(usize, u64, Vec<u8>)>,
    /// Not answered yet: `result` is to be ignored, and the answer comes later, as one
    /// of [`Reply::answers`] of another call (or of [`ApiState::expire`]) with this id.
    /// How bots answer callback and inline queries.
    pub deferred: Option<u64>,
    /// Answers to requests deferred before: (deferral id, result).
    pub answers: Vec<(u64, Result<Vec<u8>, RpcError>)>,
}

impl Reply {
    /// A result and the pushes it causes.
    pub(crate) fn pushing(result: Result<Vec<u8>, RpcError>, pushes: Vec<(i64, Vec<u8>)>) -> Reply {
        Reply {
            result,
            pushes,
            key_pushes: Vec::new(),
            deferred: None,
            answers: Vec::new(),
        }
    }
}

fn error(code: i32, message: &str) -> Reply {
    Reply {
        result: Err(RpcError::new(code, message)),
        pushes: Vec::new(),
        key_pushes: Vec::new(),
        deferred: None,
        answers: Vec::new(),
    }
}

/// How many wrappers (`invokeWithLayer`, `initConnection`, `invokeWithoutUpdates`,
/// `invokeAfterMsg`) a request may nest in. Clients use two to four; deeper nesting is
/// answered with `400 WRAPPERS_TOO_DEEP`, so that a hostile request costs a bounded
/// amount of work.
pub const MAX_WRAPPERS: usize = 16;

/// Login codes and exported authorizations kept at most (each); beyond, the oldest are
/// forgotten and read as expired.
pub const MAX_PENDING: usize = 4096;

/// One request as the namespaces see it.
#[derive(Debug, Clone, Copy)]
struct Request<'a> {
    /// The DC it came to (an index into [`ApiState::dcs`]).
    dc: usize,
    /// The auth key it came under.
    key: u64,
    /// Server time (unix seconds).
    now: i32,
    /// The constructor id of the function.
    id: u32,
    /// The serialized function.
    body: &'a [u8],
}

/// Decodes the request as `$t`, or returns `400 INPUT_REQUEST_INVALID`.
macro_rules! decode {
    ($req:expr, $t:ty) => {
        match <$t>::from_bytes($req.body) {
            Ok(v) => v,
            Err(e) => {
                tracing::debug!(%e, "undecodable request");
                return $crate::api::error(400, "INPUT_REQUEST_INVALID");
            }
        }
    };
}
pub(crate) use decode;

/// The account the request's key is signed in as, or returns `401 AUTH_KEY_UNREGISTERED`.
macro_rules! me {
    ($api:expr, $req:expr) => {
        match $api.signed_in($req.dc, $req.key) {
            Some(me) => me,
            None => return $crate::api::error(401, "AUTH_KEY_UNREGISTERED"),
        }
    };
}
pub(crate) use me;

/// The answer to a method the test DC does not implement.
fn not_implemented(id: u32) -> Reply {
    let name = oxigram_tl::name_for_id(id).unwrap_or("unknown");
    tracing::debug!(name, "method not implemented");
    error(400, "METHOD_NOT_IMPLEMENTED_IN_TEST_DC")
}

/// Keeps the first of equal values (the TL types have no order to sort by).
fn unique<T: PartialEq>(values: &mut Vec<T>) {
    let mut kept: Vec<T> = Vec::with_capacity(values.len());
    for v in values.drain(..) {
        if !kept.contains(&v) {
            kept.push(v);
        }
    }
    *values = kept;
}

fn ok(body: impl Serialize) -> Reply {
    Reply {
        result: Ok(body.to_bytes()),
        pushes: Vec::new(),
        key_pushes: Vec::new(),
        deferred: None,
        answers: Vec::new(),
    }
}

/// The DC whose login codes a test number `99966XYYYY` gets: `X`.
pub fn test_number_dc(phone: &str) -> Option<i32> {
    let digits = phone.trim_start_matches('+');
    if digits.len() == 10
        && digits.starts_with("99966")
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        Some(i32::from(digits.as_bytes()[5] - b'0'))
    } else {
        None
    }
}

impl ApiState {
    /// A state for `dcs`, with `world`, handing out random tokens from seed 0.
    pub fn new(world: World, dcs: Vec<DcInfo>) -> Self {
        Self::with_seed(world, dcs, 0)
    }

    /// A state for `dcs`, with `world`; `seed` decides the random tokens it hands out.
    pub fn with_seed(world: World, dcs: Vec<DcInfo>, seed: u64) -> Self {
        let authorizations = dcs.iter().map(|_| Authorizations::default()).collect();
        ApiState {
            world,
            dcs,
            authorizations,
            codes: Bounded::new(MAX_PENDING),
            exports: Bounded::new(MAX_PENDING),
            counter: 0,
            injected: HashMap::new(),
            calls: HashMap::new(),
            last_method: None,
            passwords: HashMap::new(),
            awaiting_password: HashMap::new(),
            challenges: HashMap::new(),
            login_tokens: LoginTokens::new(MAX_LOGIN_TOKENS),
            random: SeededRandom::new(crate::seed_bytes(seed, 1)),
            queries: Queries::new(MAX_QUERIES, DEFAULT_BOT_TIMEOUT),
            inline_answers: Bounded::new(MAX_QUERIES),
            cdn: cdn::Cdn::new(),
            layers: Bounded::new(MAX_PENDING),
            announced: HashMap::new(),
            unimplemented: HashMap::new(),
        }
    }

    /// Sets an account's two-step verification password.
    pub fn set_password(&mut self, user: i64, password: &str) {
        let salt1: Vec<u8> = (0..5).flat_map(|_| self.next().to_le_bytes()).collect();
        let salt2: Vec<u8> = (0..2).flat_map(|_| self.next().to_le_bytes()).collect();
        let verifier = SrpVerifier::new(password.as_bytes(), &salt1, &salt2, 3, &TELEGRAM_PRIME)
            .expect("Telegram's group is valid");
        self.passwords.insert(user, verifier);
    }

    /// Sets how long (server clock seconds) a user's callback or inline query waits for
    /// its bot before `BOT_RESPONSE_TIMEOUT`.
    pub fn set_bot_timeout(&mut self, seconds: i32) {
        self.queries.timeout = seconds.max(0);
    }

    /// Answers the next `times` calls of `method` with `error`.
    pub fn inject_error(&mut self, method: &str, error: RpcError, times: u32) {
        self.injected.insert(method.to_owned(), (error, times));
    }

    /// Calls of `method` (its TL name) received so far, a wrapped call under its own
    /// name.
    pub fn calls(&self, method: &str) -> u64 {
        self.calls.get(method).copied().unwrap_or(0)
    }

    /// The method the last [`ApiState::call`] ran (or refused), wrappers taken off:
    /// `None` for a constructor the schema does not know.
    pub fn last_method(&self) -> Option<&'static str> {
        self.last_method
    }

    fn next(&mut self) -> u64 {
        self.counter += 1;
        let mut x = self.counter.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        x ^= x >> 31;
        x
    }

    /// `N` bytes from the seeded generator.
    fn random_bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut bytes = [0; N];
        self.random.fill(&mut bytes);
        bytes
    }

    fn signed_in(&self, dc: usize, key: u64) -> Option<i64> {
        self.authorizations[dc].get(&key).copied()
    }

    /// Methods clients asked for that the test DC does not implement, with how often,
    /// most asked first (`None`: the names beyond [`MAX_REPORTED`], together).
    pub fn unimplemented(&self) -> Vec<(Option<String>, u64)> {
        let mut all: Vec<_> = self
            .unimplemented
            .iter()
            .map(|(name, n)| (name.clone(), *n))
            .collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all
    }

    /// The layers clients announced, with how many announcements each, oldest layer
    /// first (`None`: the layers beyond [`MAX_REPORTED`], together).
    pub fn announced_layers(&self) -> Vec<(Option<i32>, u64)> {
        let mut all: Vec<_> = self.announced.iter().map(|(l, n)| (*l, *n)).collect();
        all.sort();
        all
    }

    /// The layer key `key` on DC `dc` announced, if an older one.
    pub fn layer_of(&self, dc: usize, key: u64) -> Option<u32> {
        self.layers.get(&(dc, key)).copied()
    }

    /// An answer or update (in the newest layer) as key `key` on DC `dc` reads it: in
    /// the layer it announced. `None` (and a warning) when that layer cannot carry it.
    pub fn for_key(&self, dc: usize, key: u64, body: Vec<u8>) -> Option<Vec<u8>> {
        let Some(layer) = self.layer_of(dc, key) else {
            return Some(body);
        };
        match Layers::get().down(layer, &body) {
            Ok(body) => Some(body),
            Err(e) => {
                tracing::warn!(%e, dc, key, "an answer or update left out for an older client");
                None
            }
        }
    }

    /// [`ApiState::for_key`] for a result: one the client's layer cannot carry becomes
    /// `500 LAYER_CONVERSION_FAILED`, so that the request still ends.
    pub fn result_for_key(
        &self,
        dc: usize,
        key: u64,
        result: Result<Vec<u8>, RpcError>,
    ) -> Result<Vec<u8>, RpcError> {
        let body = result?;
        self.for_key(dc, key, body)
            .ok_or_else(|| RpcError::new(500, "LAYER_CONVERSION_FAILED"))
    }

    /// Handles one request (a serialized TL function) on DC number `dc` (an index into
    /// `dcs`) from auth key `key` at unix time `now`. The answer is in the layer the key
    /// announced (see [`crate::layers`]); the updates it pushes are in the newest layer,
    /// converted for each recipient where they are delivered.
    pub fn call(&mut self, dc: usize, key: u64, body: &[u8], now: i32) -> Reply {
        let mut reply = self.call_newest(dc, key, body, now);
        if let Err(e) = &reply.result
            && e.name == "METHOD_NOT_IMPLEMENTED_IN_TEST_DC"
        {
            let name = self.last_method.map_or_else(
                || {
                    let id = body
                        .first_chunk::<4>()
                        .map_or(0, |b| u32::from_le_bytes(*b));
                    format!("unknown#{id:08x}")
                },
                str::to_owned,
            );
            count(&mut self.unimplemented, name);
        }
        if self.layer_of(dc, key).is_some() {
            let result = std::mem::replace(&mut reply.result, Ok(Vec::new()));
            reply.result = self.result_for_key(dc, key, result);
        }
        reply
    }

    fn call_newest(&mut self, dc: usize, key: u64, body: &[u8], now: i32) -> Reply {
        // Wrappers are unwrapped in a loop, not by recursion: a hostile nesting costs at
        // most MAX_WRAPPERS decodes and no stack.
        let mut unwrapped: Option<Bytes> = None;
        for _ in 0..=MAX_WRAPPERS {
            let body = unwrapped.as_deref().unwrap_or(body);
            let Some(id) = body.first_chunk::<4>().map(|b| u32::from_le_bytes(*b)) else {
                return error(400, "INPUT_METHOD_INVALID");
            };
            let name = oxigram_tl::name_for_id(id);
            self.last_method = name;
            if let Some(name) = name {
                *self.calls.entry(name).or_default() += 1;
            }
            if let Some(name) = name
                && let Some((injected, left)) = self.injected.get_mut(name)
                && *left > 0
            {
                *left -= 1;
                return Reply {
                    result: Err(injected.clone()),
                    pushes: Vec::new(),
                    key_pushes: Vec::new(),
                    deferred: None,
                    answers: Vec::new(),
                };
            }
            let req = Request {
                dc,
                key,
                now,
                id,
                body,
            };
            let query = match id {
                functions::InvokeWithLayer::<RawObject>::CONSTRUCTOR_ID => {
                    let wrapped = decode!(req, functions::InvokeWithLayer<RawObject>);
                    self.announce(dc, key, wrapped.layer);
                    wrapped.query
                }
                functions::InitConnection::<RawObject>::CONSTRUCTOR_ID => {
                    decode!(req, functions::InitConnection<RawObject>).query
                }
                functions::InvokeWithoutUpdates::<RawObject>::CONSTRUCTOR_ID => {
                    decode!(req, functions::InvokeWithoutUpdates<RawObject>).query
                }
                // Requests of one session are answered in order here, so the message it
                // waits for has been handled already.
                functions::InvokeAfterMsg::<RawObject>::CONSTRUCTOR_ID => {
                    decode!(req, functions::InvokeAfterMsg<RawObject>).query
                }
                _ if name.is_none() => return self.dispatch_older(dc, key, &req),
                _ => return self.dispatch(name, &req),
            };
            unwrapped = Some(query.0);
        }
        error(400, "WRAPPERS_TOO_DEEP")
    }

    /// Notes the layer a key announced: an older layer is answered in the layer kept
    /// nearest to it ([`Layers::answering`]); the newest or a newer one in the newest.
    fn announce(&mut self, dc: usize, key: u64, layer: i32) {
        count(&mut self.announced, layer);
        let answering = u32::try_from(layer)
            .ok()
            .and_then(|l| Layers::get().answering(l));
        if answering.is_some_and(|kept| i64::from(kept) != i64::from(layer)) {
            tracing::debug!(
                layer,
                ?answering,
                "a layer not kept: answered in the nearest kept"
            );
        }
        match answering {
            Some(kept) if self.layer_of(dc, key) != Some(kept) => {
                self.layers.insert((dc, key), kept);
            }
            Some(_) => {}
            None => {
                if self.layer_of(dc, key).is_some() {
                    self.layers.remove(&(dc, key));
                }
            }
        }
    }

    /// A request the newest schema does not know: from a client on an older layer, it is
    /// read in that layer and rewritten in the newest.
    fn dispatch_older(&mut self, dc: usize, key: u64, req: &Request<'_>) -> Reply {
        let Some(layer) = self.layer_of(dc, key) else {
            return self.dispatch(None, req);
        };
        match Layers::get().up(layer, req.body) {
            Ok(Some(body)) => {
                let id = body
                    .first_chunk::<4>()
                    .map(|b| u32::from_le_bytes(*b))
                    .unwrap_or(0);
                let name = oxigram_tl::name_for_id(id);
                self.last_method = name;
                if let Some(name) = name {
                    *self.calls.entry(name).or_default() += 1;
                }
                let req = Request {
                    id,
                    body: &body,
                    ..*req
                };
                self.dispatch(name, &req)
            }
            Ok(None) => self.dispatch(None, req),
            Err(e) => {
                tracing::debug!(%e, layer, "a request of an older layer not understood");
                self.dispatch(None, req)
            }
        }
    }

    /// Hands an unwrapped request to its namespace.
    fn dispatch(&mut self, name: Option<&str>, req: &Request<'_>) -> Reply {
        if let Some(reply) = self.cdn(name, req) {
            return reply;
        }
        match name.and_then(|n| n.split_once('.')).map(|(ns, _)| ns) {
            Some("account") => self.account(req),
            Some("auth") => self.auth(req),
            Some("bots") => self.bot_commands(req),
            Some("channels") => self.channels(req),
            Some("contacts") => self.contacts(req),
            Some("folders") => self.folders(req),
            Some("help") => self.help(req),
            Some("messages") => self.messages(req),
            Some("photos") => self.photos(req),
            Some("updates") => self.updates(req),
            Some("upload") => self.upload(req),
            Some("users") => self.users(req),
            _ => not_implemented(req.id),
        }
    }
}

#[cfg(test)]
mod tests {
    use oxigram_tl::{enums, types};

    use super::*;

    mod layers;

    fn state() -> ApiState {
        let mut world = World::new(3);
        world.create_bot("1:token", "echo_bot", 2);
        world.create_user("9996621234", "Test", 2);
        let dcs = (1..=3)
            .map(|id| DcInfo {
                id,
                ip: "127.0.0.1".into(),
                port: 10000 + id as u16,
                media_port: None,
                cdn: false,
                ipv6_port: None,
            })
            .collect();
        ApiState::with_seed(world, dcs, 3)
    }

    fn call(s: &mut ApiState, dc: usize, key: u64, request: impl Serialize) -> Reply {
        s.call(dc, key, &request.to_bytes(), 1_700_000_000)
    }

    /// `auth.sendCode` for `phone` with no special settings.
    fn send_code(phone_number: String) -> functions::auth::SendCode {
        functions::auth::SendCode {
            phone_number,
            api_id: 1,
            api_hash: "x".into(),
            settings: enums::CodeSettings::CodeSettings(types::CodeSettings {
                allow_flashcall: false,
                current_number: false,
                allow_app_hash: false,
                allow_missed_call: false,
                allow_firebase: false,
                unknown_number: false,
                logout_tokens: None,
                token_and_app_sandbox: None,
            }),
        }
    }

    /// The one message of an `updates` push, and whether it is outgoing for its owner.
    fn pushed(body: &[u8]) -> (String, bool) {
        let Ok(enums::Updates::Updates(u)) = enums::Updates::from_bytes(body) else {
            panic!("not an updates push");
        };
        let [enums::Update::NewMessage(new)] = u.updates.as_slice() else {
            panic!("not one new message: {:?}", u.updates);
        };
        let enums::Message::Message(m) = &new.message else {
            panic!("not a message");
        };
        (m.message.clone(), m.out)
    }

    #[test]
    fn a_message_sent_elsewhere_reaches_the_senders_sessions_too() {
        let mut s = state();
        let from = s.world.create_user("9996621001", "Phone", 2);
        let to = s.world.create_user("9996621002", "Friend", 2);
        let mut pushes = s.send_message_elsewhere(from, to, ".ping", 1_700_000_000);
        pushes.sort_by_key(|(owner, _)| *owner == from);
        let got: Vec<(i64, (String, bool))> = pushes.iter().map(|(o, b)| (*o, pushed(b))).collect();
        assert_eq!(
            got,
            [
                (to, (".ping".into(), false)),
                (from, (".ping".into(), true))
            ]
        );
        // The plain injection tells only the recipient.
        let plain = s.send_message(from, to, "hi", 1_700_000_001);
        let owners: Vec<i64> = plain.pushes.iter().map(|(o, _)| *o).collect();
        assert_eq!(owners, [to]);
    }

    #[test]
    fn test_numbers_get_their_dc_digit_as_code_and_migrate_elsewhere() {
        let mut s = state();
        let send = || send_code("+9996621234".into());
        let wrong_dc = call(&mut s, 0, 1, send());
        assert_eq!(wrong_dc.result, Err(RpcError::new(303, "PHONE_MIGRATE_2")));
        let sent = call(&mut s, 1, 1, send()).result.unwrap();
        let enums::auth::SentCode::SentCode(sent) =
            enums::auth::SentCode::from_bytes(&sent).unwrap()
        else {
            panic!("another SentCode");
        };
        let sign_in = |code: &str| functions::auth::SignIn {
            phone_number: "9996621234".into(),
            phone_code_hash: sent.phone_code_hash.clone(),
            phone_code: Some(code.into()),
            email_verification: None,
        };
        assert_eq!(
            call(&mut s, 1, 1, sign_in("11111")).result,
            Err(RpcError::new(400, "PHONE_CODE_INVALID"))
        );
        assert!(call(&mut s, 1, 1, sign_in("22222")).result.is_ok());
        assert!(s.signed_in(1, 1).is_some());
    }

    #[test]
    fn unknown_methods_and_unknown_peers_get_errors() {
        let mut s = state();
        let r = call(
            &mut s,
            1,
            5,
            functions::auth::ImportBotAuthorization {
                flags: 0,
                api_id: 1,
                api_hash: "x".into(),
                bot_auth_token: "1:token".into(),
            },
        );
        assert!(r.result.is_ok());
        let r = call(&mut s, 1, 5, functions::help::GetAppConfig { hash: 0 });
        assert_eq!(
            r.result,
            Err(RpcError::new(400, "METHOD_NOT_IMPLEMENTED_IN_TEST_DC"))
        );
        let peer = enums::InputPeer::User(types::InputPeerUser {
            user_id: 42,
            access_hash: 1,
        });
        let send = crate::send_message_request(peer, "hi", 1);
        assert_eq!(
            call(&mut s, 1, 5, send).result,
            Err(RpcError::new(400, "PEER_ID_INVALID"))
        );
        let r = call(&mut s, 1, 6, functions::updates::GetState {});
        assert_eq!(r.result, Err(RpcError::new(401, "AUTH_KEY_UNREGISTERED")));
    }

    /// `query` inside `depth` wrappers, cycling through the four kinds.
    fn nested(depth: usize, query: impl Serialize) -> Vec<u8> {
        let mut body = Vec::new();
        for i in 0..depth {
            match i % 4 {
                0 => body.extend(
                    functions::InvokeWithoutUpdates::<RawObject>::CONSTRUCTOR_ID.to_le_bytes(),
                ),
                1 => {
                    body.extend(
                        functions::InvokeWithLayer::<RawObject>::CONSTRUCTOR_ID.to_le_bytes(),
                    );
                    body.extend(214i32.to_le_bytes());
                }
                2 => {
                    body.extend(
                        functions::InvokeAfterMsg::<RawObject>::CONSTRUCTOR_ID.to_le_bytes(),
                    );
                    body.extend(4i64.to_le_bytes());
                }
                _ => {
                    // initConnection with no flags and empty strings.
                    body.extend(
                        functions::InitConnection::<RawObject>::CONSTRUCTOR_ID.to_le_bytes(),
                    );
                    body.extend(0i32.to_le_bytes());
                    body.extend(1i32.to_le_bytes());
                    body.extend([0; 4 * 6]);
                }
            }
        }
        body.extend(query.to_bytes());
        body
    }

    #[test]
    fn wrappers_nested_too_deep_get_an_error_not_a_stack_overflow() {
        let mut s = state();
        let ok = s.call(
            1,
            5,
            &nested(MAX_WRAPPERS, functions::help::GetNearestDc {}),
            0,
        );
        assert!(ok.result.is_ok(), "{:?}", ok.result);
        for depth in [MAX_WRAPPERS + 1, 1_000, 10_000] {
            let r = s.call(1, 5, &nested(depth, functions::help::GetNearestDc {}), 0);
            assert_eq!(
                r.result,
                Err(RpcError::new(400, "WRAPPERS_TOO_DEEP")),
                "{depth}"
            );
        }
    }

    /// `query` inside `invokeWithLayer(layer, …)`.
    fn with_layer(layer: i32, query: &[u8]) -> Vec<u8> {
        let mut body = functions::InvokeWithLayer::<RawObject>::CONSTRUCTOR_ID
            .to_le_bytes()
            .to_vec();
        body.extend(layer.to_le_bytes());
        body.extend(query);
        body
    }

    #[test]
    fn a_key_is_answered_and_understood_in_the_layer_it_announced() {
        let mut s = state();
        let nearest = functions::help::GetNearestDc {}.to_bytes();
        assert!(s.call(1, 7, &with_layer(229, &nearest), 0).result.is_ok());
        assert_eq!(s.layer_of(1, 7), Some(229));
        assert_eq!(s.layer_of(1, 8), None, "another key");
        assert_eq!(s.layer_of(2, 7), None, "the same key id on another DC");

        // bots.checkUsername#87f2219b username:string, as layer 229 writes it (layer
        // 230 gave it flags and another id).
        let mut older = 0x87f2219b_u32.to_le_bytes().to_vec();
        older.extend([7]);
        older.extend(b"ada_bot");
        let before = s.calls("bots.checkUsername");
        s.call(1, 7, &older, 0);
        assert_eq!(s.last_method(), Some("bots.checkUsername"));
        assert_eq!(s.calls("bots.checkUsername"), before + 1);
        // From a key on the newest layer the same bytes name no method.
        s.call(1, 8, &older, 0);
        assert_eq!(s.last_method(), None);

        // What the key is sent is in its layer; other keys get the newest.
        let verification = types::BotVerification {
            bot_id: 1,
            icon: 2,
            description: types::TextWithEntities {
                text: "ok".into(),
                entities: Vec::new(),
            }
            .into(),
        }
        .to_bytes();
        let sent = s.for_key(1, 7, verification.clone()).unwrap();
        assert_eq!(sent[..4], 0xf93cd45c_u32.to_le_bytes());
        assert_eq!(s.for_key(1, 8, verification.clone()), Some(verification));

        // Announcing the newest layer again, or a newer one: answered in the newest.
        s.call(1, 7, &with_layer(230, &nearest), 0);
        assert_eq!(s.layer_of(1, 7), None);
        s.call(1, 7, &with_layer(231, &nearest), 0);
        assert_eq!(s.layer_of(1, 7), None);
        // A layer not kept: the nearest kept below it, or the oldest kept.
        s.call(1, 9, &with_layer(226, &nearest), 0);
        assert_eq!(s.layer_of(1, 9), Some(225));
        s.call(1, 9, &with_layer(150, &nearest), 0);
        assert_eq!(s.layer_of(1, 9), Some(195));
        s.call(1, 9, &with_layer(-4, &nearest), 0);
        assert_eq!(s.layer_of(1, 9), None, "no layer at all: the newest");
    }

    fn export_login_token() -> functions::auth::ExportLoginToken {
        functions::auth::ExportLoginToken {
            api_id: 1,
            api_hash: "x".into(),
            except_ids: vec![],
        }
    }

    #[test]
    fn login_tokens_last_thirty_seconds_come_from_the_seed_and_reach_their_exporter() {
        const NOW: i32 = 1_700_000_000;
        let token = |s: &mut ApiState| {
            let answer = call(s, 1, 50, export_login_token()).result.unwrap();
            let enums::auth::LoginToken::LoginToken(t) =
                enums::auth::LoginToken::from_bytes(&answer).unwrap()
            else {
                panic!("not a fresh token");
            };
            assert_eq!(t.expires, NOW + 30);
            t.token
        };
        let mut s = state();
        let first = token(&mut s);
        assert_eq!(token(&mut state()), first, "the same seed, the same token");
        let mut other = ApiState::with_seed(World::new(3), s.dcs.clone(), 4);
        assert_ne!(token(&mut other), first, "another seed, another token");

        let user = s.world.by_phone("9996621234").unwrap().id;
        s.authorizations[1].insert(60, user);
        let accept = |token: &Bytes| functions::auth::AcceptLoginToken {
            token: token.clone(),
        };
        let late = s.call(1, 60, &accept(&first).to_bytes(), NOW + 31);
        assert_eq!(late.result, Err(RpcError::new(400, "AUTH_TOKEN_EXPIRED")));
        let accepted = s.call(1, 60, &accept(&first).to_bytes(), NOW + 30);
        assert!(accepted.result.is_ok(), "{:?}", accepted.result);
        assert!(accepted.pushes.is_empty());
        let update = types::UpdateShort {
            update: enums::Update::LoginToken,
            date: NOW + 30,
        };
        assert_eq!(accepted.key_pushes, [(1, 50, update.to_bytes())]);
    }

    #[test]
    fn login_codes_for_many_numbers_are_bounded() {
        let mut s = state();
        for i in 0..(MAX_PENDING + 1_000) {
            let r = call(&mut s, 1, 5, send_code(format!("+1555{i:07}")));
            assert!(r.result.is_ok());
        }
        assert_eq!(s.codes.len(), MAX_PENDING);
    }
}
