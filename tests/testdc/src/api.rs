//! The API methods the test DC answers, with Telegram's behaviour where tests need it.
//! Anything else gets a real RPC error (`400 METHOD_NOT_IMPLEMENTED_IN_TEST_DC`), never
//! silence.

use std::collections::HashMap;

use oxigram_proto::crypto::dh::TELEGRAM_PRIME;
use oxigram_proto::crypto::srp::SrpVerifier;
use oxigram_proto::session::RpcError;
use oxigram_tl::RawObject;
use oxigram_tl::{Deserialize, Identifiable, Serialize, enums, functions, types};

use crate::world::{self, FileError, FileMeta, PeerRef, Post, World};

/// What a DC is known by.
#[derive(Debug, Clone)]
pub struct DcInfo {
    /// The DC id.
    pub id: i32,
    /// Its loopback address.
    pub ip: String,
    /// Its port.
    pub port: u16,
}

/// Everything the API reads and changes, across DCs.
#[derive(Debug)]
pub struct ApiState {
    /// Accounts and messages.
    pub world: World,
    /// The DCs.
    pub dcs: Vec<DcInfo>,
    /// Per DC: which account each auth key is signed in as.
    pub authorizations: Vec<HashMap<u64, i64>>,
    /// Login codes sent: phone → (phone_code_hash, code).
    codes: HashMap<String, (String, String)>,
    /// Exported authorizations: id → (account, bytes).
    exports: HashMap<i64, (i64, Vec<u8>)>,
    counter: u64,
    /// Errors to answer instead of running a method: name → (error, times left).
    injected: HashMap<String, (RpcError, u32)>,
    /// Two-step verification passwords, by account.
    passwords: HashMap<i64, SrpVerifier>,
    /// Keys that passed the login code of an account with a password: (dc, key) → account.
    awaiting_password: HashMap<(usize, u64), i64>,
    /// The SRP challenge handed out per key: (dc, key) → (srp_id, secret b).
    challenges: HashMap<(usize, u64), (i64, [u8; 256])>,
}

/// An answer and the updates it causes.
#[derive(Debug)]
pub struct Reply {
    /// The TL result, or the RPC error.
    pub result: Result<Vec<u8>, RpcError>,
    /// `Updates` objects to push to every session of an account.
    pub pushes: Vec<(i64, Vec<u8>)>,
}

fn error(code: i32, message: &str) -> Reply {
    Reply {
        result: Err(RpcError::new(code, message)),
        pushes: Vec::new(),
    }
}

/// A user's full profile, as empty as Telegram sends it for a new account.
fn full_user(id: i64) -> types::UserFull {
    types::UserFull {
        blocked: false,
        phone_calls_available: false,
        phone_calls_private: false,
        can_pin_message: false,
        has_scheduled: false,
        video_calls_available: false,
        voice_messages_forbidden: false,
        translations_disabled: false,
        stories_pinned_available: false,
        blocked_my_stories_from: false,
        wallpaper_overridden: false,
        contact_require_premium: false,
        read_dates_private: false,
        sponsored_enabled: false,
        can_view_revenue: false,
        bot_can_manage_emoji_status: false,
        display_gifts_button: false,
        noforwards_my_enabled: false,
        noforwards_peer_enabled: false,
        unofficial_security_risk: false,
        id,
        about: None,
        settings: peer_settings(),
        personal_photo: None,
        profile_photo: None,
        fallback_photo: None,
        notify_settings: notify_settings(),
        bot_info: None,
        pinned_msg_id: None,
        common_chats_count: 0,
        folder_id: None,
        ttl_period: None,
        theme: None,
        private_forward_name: None,
        bot_group_admin_rights: None,
        bot_broadcast_admin_rights: None,
        wallpaper: None,
        stories: None,
        business_work_hours: None,
        business_location: None,
        business_greeting_message: None,
        business_away_message: None,
        business_intro: None,
        birthday: None,
        personal_channel_id_and_personal_channel_message: None,
        stargifts_count: None,
        starref_program: None,
        bot_verification: None,
        send_paid_messages_stars: None,
        disallowed_gifts: None,
        stars_rating: None,
        stars_my_pending_rating_and_stars_my_pending_rating_date: None,
        main_tab: None,
        saved_music: None,
        note: None,
        bot_manager_id: None,
    }
}

/// Peer settings with nothing to suggest.
fn peer_settings() -> enums::PeerSettings {
    enums::PeerSettings::PeerSettings(Box::new(types::PeerSettings {
        report_spam: false,
        add_contact: false,
        block_contact: false,
        share_contact: false,
        need_contacts_exception: false,
        report_geo: false,
        autoarchived: false,
        invite_members: false,
        request_chat_broadcast: false,
        business_bot_paused: false,
        business_bot_can_reply: false,
        geo_distance: None,
        request_chat_title_and_request_chat_date: None,
        business_bot_id_and_business_bot_manage_url: None,
        charge_paid_message_stars: None,
        registration_month: None,
        phone_country: None,
        name_change_date: None,
        photo_change_date: None,
    }))
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

/// Default notification settings (Telegram sends these fields empty by default).
fn notify_settings() -> enums::PeerNotifySettings {
    enums::PeerNotifySettings::PeerNotifySettings(Box::new(types::PeerNotifySettings {
        show_previews: None,
        silent: None,
        mute_until: None,
        ios_sound: None,
        android_sound: None,
        other_sound: None,
        stories_muted: None,
        stories_hide_sender: None,
        stories_ios_sound: None,
        stories_android_sound: None,
        stories_other_sound: None,
    }))
}

fn file_error(e: FileError) -> Reply {
    match e {
        FileError::PartMissing(part) => error(400, &format!("FILE_PART_{part}_MISSING")),
        FileError::TooBig => error(400, "FILE_PART_TOO_BIG"),
        FileError::PartsInvalid => error(400, "FILE_PARTS_INVALID"),
    }
}

fn ok(body: impl Serialize) -> Reply {
    Reply {
        result: Ok(body.to_bytes()),
        pushes: Vec::new(),
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
    /// A state for `dcs`, with `world`.
    pub fn new(world: World, dcs: Vec<DcInfo>) -> Self {
        let authorizations = dcs.iter().map(|_| HashMap::new()).collect();
        ApiState {
            world,
            dcs,
            authorizations,
            codes: HashMap::new(),
            exports: HashMap::new(),
            counter: 0,
            injected: HashMap::new(),
            passwords: HashMap::new(),
            awaiting_password: HashMap::new(),
            challenges: HashMap::new(),
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

    /// Answers the next `times` calls of `method` with `error`.
    pub fn inject_error(&mut self, method: &str, error: RpcError, times: u32) {
        self.injected.insert(method.to_owned(), (error, times));
    }

    fn next(&mut self) -> u64 {
        self.counter += 1;
        let mut x = self.counter.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        x ^= x >> 31;
        x
    }

    fn signed_in(&self, dc: usize, key: u64) -> Option<i64> {
        self.authorizations[dc].get(&key).copied()
    }

    /// Handles one request (a serialized TL function) on DC number `dc` (an index into
    /// `dcs`) from auth key `key` at unix time `now`.
    pub fn call(&mut self, dc: usize, key: u64, body: &[u8], now: i32) -> Reply {
        let Some(id) = body.first_chunk::<4>().map(|b| u32::from_le_bytes(*b)) else {
            return error(400, "INPUT_METHOD_INVALID");
        };
        if let Some(name) = oxigram_tl::name_for_id(id)
            && let Some((injected, left)) = self.injected.get_mut(name)
            && *left > 0
        {
            *left -= 1;
            return Reply {
                result: Err(injected.clone()),
                pushes: Vec::new(),
            };
        }
        macro_rules! decode {
            ($t:ty) => {
                match <$t>::from_bytes(body) {
                    Ok(v) => v,
                    Err(e) => {
                        tracing::debug!(%e, "undecodable request");
                        return error(400, "INPUT_REQUEST_INVALID");
                    }
                }
            };
        }
        macro_rules! me {
            () => {
                match self.signed_in(dc, key) {
                    Some(me) => me,
                    None => return error(401, "AUTH_KEY_UNREGISTERED"),
                }
            };
        }
        match id {
            functions::InvokeWithLayer::<RawObject>::CONSTRUCTOR_ID => {
                let r = decode!(functions::InvokeWithLayer<RawObject>);
                self.call(dc, key, &r.query.0, now)
            }
            functions::InitConnection::<RawObject>::CONSTRUCTOR_ID => {
                let r = decode!(functions::InitConnection<RawObject>);
                self.call(dc, key, &r.query.0, now)
            }
            functions::InvokeWithoutUpdates::<RawObject>::CONSTRUCTOR_ID => {
                let r = decode!(functions::InvokeWithoutUpdates<RawObject>);
                self.call(dc, key, &r.query.0, now)
            }
            functions::InvokeAfterMsg::<RawObject>::CONSTRUCTOR_ID => {
                // Requests of one session are answered in order here, so the message it
                // waits for has been handled already.
                let r = decode!(functions::InvokeAfterMsg<RawObject>);
                self.call(dc, key, &r.query.0, now)
            }
            functions::help::GetConfig::CONSTRUCTOR_ID => ok(self.config(dc, now)),
            functions::help::GetNearestDc::CONSTRUCTOR_ID => ok(types::NearestDc {
                country: "ZZ".into(),
                this_dc: self.dcs[dc].id,
                nearest_dc: self.dcs[dc].id,
            }),
            functions::auth::ImportBotAuthorization::CONSTRUCTOR_ID => {
                let r = decode!(functions::auth::ImportBotAuthorization);
                let Some(bot) = self.world.by_token(&r.bot_auth_token).cloned() else {
                    return error(400, "ACCESS_TOKEN_INVALID");
                };
                if bot.home_dc != self.dcs[dc].id {
                    return error(303, &format!("USER_MIGRATE_{}", bot.home_dc));
                }
                self.authorizations[dc].insert(key, bot.id);
                ok(self.authorization(bot.id))
            }
            functions::auth::SendCode::CONSTRUCTOR_ID => {
                let r = decode!(functions::auth::SendCode);
                let phone = r.phone_number.trim_start_matches('+').to_owned();
                let home = self
                    .world
                    .by_phone(&phone)
                    .map(|a| a.home_dc)
                    .or_else(|| test_number_dc(&phone))
                    .unwrap_or(self.dcs[dc].id);
                if home != self.dcs[dc].id && self.dcs.iter().any(|d| d.id == home) {
                    return error(303, &format!("PHONE_MIGRATE_{home}"));
                }
                let digit = test_number_dc(&phone).unwrap_or(self.dcs[dc].id);
                let code = digit.to_string().repeat(5);
                let hash = format!("{:016x}", self.next());
                self.codes.insert(phone, (hash.clone(), code));
                ok(types::auth::SentCode {
                    r#type: enums::auth::SentCodeType::App(types::auth::SentCodeTypeApp {
                        length: 5,
                    }),
                    phone_code_hash: hash,
                    next_type: None,
                    timeout: None,
                })
            }
            functions::auth::SignIn::CONSTRUCTOR_ID => {
                let r = decode!(functions::auth::SignIn);
                let phone = r.phone_number.trim_start_matches('+');
                match self.codes.get(phone) {
                    Some((hash, _)) if *hash != r.phone_code_hash => {
                        return error(400, "PHONE_CODE_HASH_INVALID");
                    }
                    Some((_, code)) if r.phone_code.as_deref() != Some(code.as_str()) => {
                        return error(400, "PHONE_CODE_INVALID");
                    }
                    Some(_) => {}
                    None => return error(400, "PHONE_CODE_EXPIRED"),
                }
                match self.world.by_phone(phone).map(|a| a.id) {
                    Some(user) if self.passwords.contains_key(&user) => {
                        self.codes.remove(phone);
                        self.awaiting_password.insert((dc, key), user);
                        error(401, "SESSION_PASSWORD_NEEDED")
                    }
                    Some(user) => {
                        self.codes.remove(phone);
                        self.authorizations[dc].insert(key, user);
                        ok(self.authorization(user))
                    }
                    None => ok(types::auth::AuthorizationSignUpRequired {
                        terms_of_service: None,
                    }),
                }
            }
            functions::auth::SignUp::CONSTRUCTOR_ID => {
                let r = decode!(functions::auth::SignUp);
                let phone = r.phone_number.trim_start_matches('+').to_owned();
                if self
                    .codes
                    .get(&phone)
                    .is_none_or(|(hash, _)| *hash != r.phone_code_hash)
                {
                    return error(400, "PHONE_CODE_EXPIRED");
                }
                if r.first_name.trim().is_empty() {
                    return error(400, "FIRSTNAME_INVALID");
                }
                self.codes.remove(&phone);
                let user = self
                    .world
                    .create_user(&phone, r.first_name.trim(), self.dcs[dc].id);
                self.authorizations[dc].insert(key, user);
                ok(self.authorization(user))
            }
            functions::account::GetPassword::CONSTRUCTOR_ID => {
                let Some(user) = self
                    .signed_in(dc, key)
                    .or_else(|| self.awaiting_password.get(&(dc, key)).copied())
                else {
                    return error(401, "AUTH_KEY_UNREGISTERED");
                };
                let mut secure_random = Vec::new();
                for _ in 0..32 {
                    secure_random.extend_from_slice(&self.next().to_le_bytes());
                }
                let new_algo = |salt: Vec<u8>| {
                    enums::PasswordKdfAlgo::SHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
                        types::PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow {
                            salt1: salt.into(),
                            salt2: vec![0; 16].into(),
                            g: 3,
                            p: TELEGRAM_PRIME.to_vec().into(),
                        },
                    )
                };
                let current = match self.passwords.get(&user).cloned() {
                    Some(verifier) => {
                        let mut b = [0u8; 256];
                        for chunk in b.chunks_mut(8) {
                            chunk.copy_from_slice(&self.next().to_le_bytes());
                        }
                        let srp_id = self.next() as i64;
                        self.challenges.insert((dc, key), (srp_id, b));
                        let (salt1, salt2, g, p) = verifier.parameters();
                        let algo = enums::PasswordKdfAlgo::SHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
                            types::PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow {
                                salt1: salt1.to_vec().into(),
                                salt2: salt2.to_vec().into(),
                                g,
                                p: p.to_vec().into(),
                            },
                        );
                        Some((algo, verifier.challenge(&b).to_vec().into(), srp_id))
                    }
                    None => None,
                };
                // `has_password` shares its flag with the current algorithm.
                ok(types::account::Password {
                    has_recovery: false,
                    has_secure_values: false,
                    current_algo_and_srp_b_and_srp_id: current,
                    hint: None,
                    email_unconfirmed_pattern: None,
                    new_algo: new_algo(secure_random[..8].to_vec()),
                    new_secure_algo: enums::SecurePasswordKdfAlgo::Unknown,
                    secure_random: secure_random.into(),
                    pending_reset_date: None,
                    login_email_pattern: None,
                })
            }
            functions::auth::CheckPassword::CONSTRUCTOR_ID => {
                let r = decode!(functions::auth::CheckPassword);
                let Some(user) = self
                    .awaiting_password
                    .get(&(dc, key))
                    .copied()
                    .or_else(|| self.signed_in(dc, key))
                else {
                    return error(400, "PASSWORD_HASH_INVALID");
                };
                let enums::InputCheckPasswordSRP::InputCheckPasswordSRP(proof) = r.password else {
                    return error(400, "PASSWORD_HASH_INVALID");
                };
                let Some((srp_id, b)) = self.challenges.remove(&(dc, key)) else {
                    return error(400, "SRP_ID_INVALID");
                };
                if srp_id != proof.srp_id {
                    return error(400, "SRP_ID_INVALID");
                }
                let Some(verifier) = self.passwords.get(&user) else {
                    return error(400, "PASSWORD_HASH_INVALID");
                };
                if !verifier.verify(&b, &proof.a, &proof.m1) {
                    return error(400, "PASSWORD_HASH_INVALID");
                }
                self.awaiting_password.remove(&(dc, key));
                self.authorizations[dc].insert(key, user);
                ok(self.authorization(user))
            }
            functions::auth::LogOut::CONSTRUCTOR_ID => {
                me!();
                self.authorizations[dc].remove(&key);
                ok(types::auth::LoggedOut {
                    future_auth_token: None,
                })
            }
            functions::auth::ExportAuthorization::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::auth::ExportAuthorization);
                if !self.dcs.iter().any(|d| d.id == r.dc_id) {
                    return error(400, "DC_ID_INVALID");
                }
                let id = self.next() as i64;
                let bytes = self.next().to_le_bytes().repeat(4);
                self.exports.insert(id, (me, bytes.clone()));
                ok(types::auth::ExportedAuthorization {
                    id,
                    bytes: bytes.into(),
                })
            }
            functions::auth::ImportAuthorization::CONSTRUCTOR_ID => {
                let r = decode!(functions::auth::ImportAuthorization);
                match self.exports.remove(&r.id) {
                    Some((user, bytes)) if bytes == r.bytes[..] => {
                        self.authorizations[dc].insert(key, user);
                        ok(self.authorization(user))
                    }
                    _ => error(400, "AUTH_BYTES_INVALID"),
                }
            }
            functions::users::GetUsers::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::users::GetUsers);
                let users: Vec<enums::User> =
                    r.id.iter()
                        .filter_map(|input| self.resolve_user(me, input))
                        .filter_map(|id| self.world.user(id, me))
                        .collect();
                ok(users)
            }
            functions::contacts::ResolveUsername::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::contacts::ResolveUsername);
                let Some(found) = self.world.by_username(&r.username).map(|a| a.id) else {
                    return error(400, "USERNAME_NOT_OCCUPIED");
                };
                ok(types::contacts::ResolvedPeer {
                    peer: enums::Peer::User(types::PeerUser { user_id: found }),
                    chats: vec![],
                    users: self.world.user(found, me).into_iter().collect(),
                })
            }
            functions::messages::SendMessage::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::messages::SendMessage);
                let Some(to) = self.resolve_peer(me, &r.peer) else {
                    return error(400, "PEER_ID_INVALID");
                };
                if r.message.trim().is_empty() {
                    return error(400, "MESSAGE_EMPTY");
                }
                if r.message.chars().count() > 4096 {
                    return error(400, "MESSAGE_TOO_LONG");
                }
                let post = Post {
                    from: me,
                    text: &r.message,
                    date: now,
                    document: None,
                    forwarded: None,
                };
                self.post_message(me, to, &post, r.random_id, true)
            }
            functions::messages::GetHistory::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::messages::GetHistory);
                let Some(peer) = self.resolve_peer(me, &r.peer) else {
                    return error(400, "PEER_ID_INVALID");
                };
                let limit = r.limit.clamp(1, 100) as usize;
                let messages: Vec<enums::Message> = self
                    .world
                    .history(me, peer)
                    .iter()
                    .filter(|m| r.offset_id == 0 || m.id < r.offset_id)
                    .take(limit)
                    .map(|m| self.world.message(m, me))
                    .collect();
                let shown: Vec<_> = self
                    .world
                    .history(me, peer)
                    .into_iter()
                    .filter(|m| r.offset_id == 0 || m.id < r.offset_id)
                    .take(limit)
                    .collect();
                let (users, chats) = self.involved(me, shown.iter().chain([]), Some(peer));
                ok(types::messages::Messages {
                    messages,
                    topics: vec![],
                    chats,
                    users,
                })
            }
            functions::updates::GetState::CONSTRUCTOR_ID => {
                let me = me!();
                ok(types::updates::State {
                    pts: self.world.pts(me),
                    qts: 0,
                    date: now,
                    seq: 0,
                    unread_count: 0,
                })
            }
            functions::updates::GetDifference::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::updates::GetDifference);
                let changes = self.world.changes_after(me, r.pts);
                if changes.new.is_empty() && changes.edited.is_empty() && changes.deleted.is_empty()
                {
                    return ok(types::updates::DifferenceEmpty { date: now, seq: 0 });
                }
                let (users, chats) = self.involved(
                    me,
                    changes
                        .new
                        .iter()
                        .chain(changes.edited.iter().map(|(m, _)| m)),
                    None,
                );
                let mut other_updates: Vec<enums::Update> = changes
                    .edited
                    .iter()
                    .map(|(m, pts)| {
                        enums::Update::EditMessage(types::UpdateEditMessage {
                            message: self.world.message(m, me),
                            pts: *pts,
                            pts_count: 1,
                        })
                    })
                    .collect();
                other_updates.extend(changes.deleted.iter().map(|(ids, pts)| {
                    enums::Update::DeleteMessages(types::UpdateDeleteMessages {
                        messages: ids.clone(),
                        pts: *pts,
                        pts_count: ids.len() as i32,
                    })
                }));
                ok(types::updates::Difference {
                    new_messages: changes
                        .new
                        .iter()
                        .map(|m| self.world.message(m, me))
                        .collect(),
                    new_encrypted_messages: vec![],
                    other_updates,
                    chats,
                    users,
                    state: enums::updates::State::State(types::updates::State {
                        pts: self.world.pts(me),
                        qts: 0,
                        date: now,
                        seq: 0,
                        unread_count: 0,
                    }),
                })
            }
            functions::messages::GetMessages::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::messages::GetMessages);
                let found: Vec<_> =
                    r.id.iter()
                        .filter_map(|input| match input {
                            enums::InputMessage::ID(m) => self.world.get(me, m.id),
                            _ => None,
                        })
                        .collect();
                let messages = found.iter().map(|m| self.world.message(m, me)).collect();
                let (users, chats) = self.involved(me, found.iter(), None);
                ok(types::messages::Messages {
                    messages,
                    topics: vec![],
                    chats,
                    users,
                })
            }
            functions::messages::GetDialogs::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::messages::GetDialogs);
                let tops: Vec<_> = self
                    .world
                    .dialogs(me)
                    .into_iter()
                    .take(r.limit.clamp(1, 100) as usize)
                    .collect();
                let dialogs = tops
                    .iter()
                    .map(|m| {
                        enums::Dialog::Dialog(types::Dialog {
                            pinned: false,
                            unread_mark: false,
                            view_forum_as_messages: false,
                            peer: m.peer.tl(),
                            top_message: m.id,
                            read_inbox_max_id: m.id,
                            read_outbox_max_id: m.id,
                            unread_count: 0,
                            unread_mentions_count: 0,
                            unread_reactions_count: 0,
                            unread_poll_votes_count: 0,
                            notify_settings: notify_settings(),
                            pts: None,
                            draft: None,
                            folder_id: None,
                            ttl_period: None,
                        })
                    })
                    .collect();
                let (users, chats) = self.involved(me, tops.iter(), None);
                ok(types::messages::Dialogs {
                    dialogs,
                    messages: tops.iter().map(|m| self.world.message(m, me)).collect(),
                    chats,
                    users,
                })
            }
            functions::messages::EditMessage::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::messages::EditMessage);
                if self.resolve_peer(me, &r.peer).is_none() {
                    return error(400, "PEER_ID_INVALID");
                }
                let Some(text) = r.message.filter(|t| !t.trim().is_empty()) else {
                    return error(400, "MESSAGE_EMPTY");
                };
                let Some(changed) = self.world.edit(me, r.id, &text, now) else {
                    return error(400, "MESSAGE_ID_INVALID");
                };
                let mut answer = None;
                let mut pushes = Vec::new();
                for (box_owner, m, pts) in changed {
                    let update = types::Updates {
                        updates: vec![enums::Update::EditMessage(types::UpdateEditMessage {
                            message: self.world.message(&m, box_owner),
                            pts,
                            pts_count: 1,
                        })],
                        users: self.involved(box_owner, [&m].into_iter(), None).0,
                        chats: vec![],
                        date: now,
                        seq: 0,
                    };
                    if box_owner == me {
                        answer = Some(update.to_bytes());
                    } else {
                        pushes.push((box_owner, update.to_bytes()));
                    }
                }
                Reply {
                    result: Ok(answer.expect("the editor's copy changed")),
                    pushes,
                }
            }
            functions::messages::DeleteMessages::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::messages::DeleteMessages);
                let mut affected = types::messages::AffectedMessages {
                    pts: self.world.pts(me),
                    pts_count: 0,
                };
                let mut pushes = Vec::new();
                for (owner, ids, pts) in self.world.delete(me, &r.id, r.revoke) {
                    if owner == me {
                        affected = types::messages::AffectedMessages {
                            pts,
                            pts_count: ids.len() as i32,
                        };
                    } else {
                        let update = types::Updates {
                            updates: vec![enums::Update::DeleteMessages(
                                types::UpdateDeleteMessages {
                                    pts_count: ids.len() as i32,
                                    messages: ids,
                                    pts,
                                },
                            )],
                            users: vec![],
                            chats: vec![],
                            date: now,
                            seq: 0,
                        };
                        pushes.push((owner, update.to_bytes()));
                    }
                }
                Reply {
                    result: Ok(affected.to_bytes()),
                    pushes,
                }
            }
            functions::messages::ForwardMessages::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::messages::ForwardMessages);
                let (Some(from), Some(to)) = (
                    self.resolve_peer(me, &r.from_peer),
                    self.resolve_peer(me, &r.to_peer),
                ) else {
                    return error(400, "PEER_ID_INVALID");
                };
                if r.id.len() != r.random_id.len() || r.id.is_empty() || r.id.len() > 100 {
                    return error(400, "RANDOM_ID_INVALID");
                }
                let originals: Vec<_> =
                    r.id.iter()
                        .filter_map(|&id| {
                            self.world
                                .history(me, from)
                                .into_iter()
                                .find(|m| m.id == id)
                        })
                        .collect();
                if originals.len() != r.id.len() {
                    return error(400, "MESSAGE_ID_INVALID");
                }
                let mut updates = Vec::new();
                let mut pushes = Vec::new();
                let mut users = Vec::new();
                let mut chats = Vec::new();
                for (original, random_id) in originals.iter().zip(&r.random_id) {
                    let post = Post {
                        from: me,
                        text: &original.text,
                        date: now,
                        document: original.document,
                        forwarded: Some(
                            original.forwarded.unwrap_or((original.from, original.date)),
                        ),
                    };
                    let reply = self.post_message(me, to, &post, *random_id, false);
                    let answer = match reply.result {
                        Ok(answer) => answer,
                        Err(e) => {
                            return Reply {
                                result: Err(e),
                                pushes,
                            };
                        }
                    };
                    pushes.extend(reply.pushes);
                    if let Ok(enums::Updates::Updates(u)) = enums::Updates::from_bytes(&answer) {
                        updates.extend(u.updates);
                        users.extend(u.users);
                        chats.extend(u.chats);
                    }
                }
                unique(&mut users);
                unique(&mut chats);
                Reply {
                    result: Ok(types::Updates {
                        updates,
                        users,
                        chats,
                        date: now,
                        seq: 0,
                    }
                    .to_bytes()),
                    pushes,
                }
            }
            functions::messages::CreateChat::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::messages::CreateChat);
                if r.title.trim().is_empty() {
                    return error(400, "CHAT_TITLE_EMPTY");
                }
                let Some(members) = self.resolve_users(me, &r.users) else {
                    return error(400, "USER_ID_INVALID");
                };
                let id = self
                    .world
                    .create_group(me, r.title.trim(), &members, now, None);
                self.group_created(me, id, now)
            }
            functions::channels::CreateChannel::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::channels::CreateChannel);
                if r.title.trim().is_empty() {
                    return error(400, "CHAT_TITLE_EMPTY");
                }
                let id = self
                    .world
                    .create_group(me, r.title.trim(), &[], now, Some(!r.megagroup));
                ok(self.chat_only(me, PeerRef::Channel(id), now))
            }
            functions::channels::InviteToChannel::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::channels::InviteToChannel);
                let Some(id) = self.input_channel(&r.channel) else {
                    return error(400, "CHANNEL_INVALID");
                };
                if self.world.group(id).is_some_and(|g| g.creator != me) {
                    return error(403, "CHAT_ADMIN_REQUIRED");
                }
                let Some(users) = self.resolve_users(me, &r.users) else {
                    return error(400, "USER_ID_INVALID");
                };
                self.world.add_members(id, &users);
                self.group_created(me, id, now)
            }
            functions::channels::JoinChannel::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::channels::JoinChannel);
                let Some(id) = self.input_channel(&r.channel) else {
                    return error(400, "CHANNEL_INVALID");
                };
                self.world.add_members(id, &[me]);
                ok(self.chat_only(me, PeerRef::Channel(id), now))
            }
            functions::updates::GetChannelDifference::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::updates::GetChannelDifference);
                let Some(id) = self.input_channel(&r.channel) else {
                    return error(400, "CHANNEL_INVALID");
                };
                let pts = self.world.channel_pts(id);
                if r.pts > pts || r.pts <= 0 {
                    return error(400, "PERSISTENT_TIMESTAMP_INVALID");
                }
                let limit = r.limit.clamp(1, 100_000) as usize;
                let new: Vec<_> = self
                    .world
                    .channel_changes(id, r.pts)
                    .into_iter()
                    .take(limit)
                    .collect();
                let Some(last) = new.last() else {
                    return ok(types::updates::ChannelDifferenceEmpty {
                        r#final: true,
                        pts,
                        timeout: None,
                    });
                };
                let reached = last.pts;
                let (users, chats) = self.involved(me, new.iter(), Some(PeerRef::Channel(id)));
                ok(types::updates::ChannelDifference {
                    r#final: reached == pts,
                    pts: reached,
                    timeout: None,
                    new_messages: new.iter().map(|m| self.world.message(m, me)).collect(),
                    other_updates: vec![],
                    chats,
                    users,
                })
            }
            functions::users::GetFullUser::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::users::GetFullUser);
                let Some(id) = self.resolve_user(me, &r.id) else {
                    return error(400, "USER_ID_INVALID");
                };
                ok(types::users::UserFull {
                    full_user: enums::UserFull::UserFull(Box::new(full_user(id))),
                    chats: vec![],
                    users: self.world.user(id, me).into_iter().collect(),
                })
            }
            functions::upload::SaveFilePart::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::upload::SaveFilePart);
                match self.world.save_part(me, r.file_id, r.file_part, r.bytes) {
                    Ok(()) => ok(true),
                    Err(e) => file_error(e),
                }
            }
            functions::upload::SaveBigFilePart::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::upload::SaveBigFilePart);
                if r.file_part >= r.file_total_parts {
                    return error(400, "FILE_PARTS_INVALID");
                }
                match self.world.save_part(me, r.file_id, r.file_part, r.bytes) {
                    Ok(()) => ok(true),
                    Err(e) => file_error(e),
                }
            }
            functions::messages::SendMedia::CONSTRUCTOR_ID => {
                let me = me!();
                let r = decode!(functions::messages::SendMedia);
                let Some(to) = self.resolve_peer(me, &r.peer) else {
                    return error(400, "PEER_ID_INVALID");
                };
                let (file, mime_type, attributes, photo) = match &r.media {
                    enums::InputMedia::UploadedDocument(media) => (
                        &media.file,
                        media.mime_type.as_str(),
                        &media.attributes[..],
                        false,
                    ),
                    enums::InputMedia::UploadedPhoto(media) => {
                        (&media.file, "image/jpeg", &[][..], true)
                    }
                    _ => return error(400, "MEDIA_INVALID"),
                };
                let (file_id, parts, name) = match file {
                    enums::InputFile::InputFile(f) => (f.id, f.parts, f.name.clone()),
                    enums::InputFile::Big(f) => (f.id, f.parts, f.name.clone()),
                    _ => return error(400, "MEDIA_INVALID"),
                };
                let name = attributes
                    .iter()
                    .find_map(|a| match a {
                        enums::DocumentAttribute::Filename(f) => Some(f.file_name.clone()),
                        _ => None,
                    })
                    .or(Some(name).filter(|n| !n.is_empty() && !photo));
                let document = match self.world.finish_upload(
                    me,
                    file_id,
                    parts,
                    FileMeta {
                        mime_type: mime_type.to_owned(),
                        name,
                        photo,
                    },
                    now,
                ) {
                    Ok(id) => id,
                    Err(e) => return file_error(e),
                };
                let post = Post {
                    from: me,
                    text: &r.message,
                    date: now,
                    document: Some(document),
                    forwarded: None,
                };
                self.post_message(me, to, &post, r.random_id, false)
            }
            functions::upload::GetFile::CONSTRUCTOR_ID => {
                me!();
                let r = decode!(functions::upload::GetFile);
                let (id, access_hash, photo) = match &r.location {
                    enums::InputFileLocation::InputDocumentFileLocation(l) => {
                        (l.id, l.access_hash, false)
                    }
                    enums::InputFileLocation::InputPhotoFileLocation(l) => {
                        (l.id, l.access_hash, true)
                    }
                    _ => return error(400, "LOCATION_INVALID"),
                };
                let Some(document) = self
                    .world
                    .document(id, access_hash)
                    .filter(|d| d.photo == photo)
                else {
                    return error(400, "FILE_ID_INVALID");
                };
                // Telegram's rules: 4 KiB-aligned offsets, limits dividing 1 MiB.
                if r.offset < 0 || r.offset % 4096 != 0 {
                    return error(400, "OFFSET_INVALID");
                }
                if r.limit <= 0 || r.limit > 1 << 20 || (1 << 20) % r.limit != 0 {
                    return error(400, "LIMIT_INVALID");
                }
                let len = document.bytes.len();
                let start = (r.offset as usize).min(len);
                let end = (start + r.limit as usize).min(len);
                ok(types::upload::File {
                    r#type: enums::storage::FileType::FilePartial,
                    mtime: document.date,
                    bytes: document.bytes.slice(start..end),
                })
            }
            other => {
                let name = oxigram_tl::name_for_id(other).unwrap_or("unknown");
                tracing::debug!(name, "method not implemented");
                error(400, "METHOD_NOT_IMPLEMENTED_IN_TEST_DC")
            }
        }
    }

    /// Sends a private message as `from` (the test API's injection).
    pub fn send_message(&mut self, from: i64, to: i64, text: &str, now: i32) -> Reply {
        let post = Post {
            from,
            text,
            date: now,
            document: None,
            forwarded: None,
        };
        self.post_message(from, PeerRef::User(to), &post, 0, true)
    }

    /// Posts a message as `me` to `to`, checking the right to write there. The sender's
    /// answer is `updateShortSentMessage` when `short` (sendMessage to a private chat or
    /// a basic group) and `updates` with the message otherwise; every other account
    /// concerned gets `updates` with the new message.
    fn post_message(
        &mut self,
        me: i64,
        to: PeerRef,
        post: &Post<'_>,
        random_id: i64,
        short: bool,
    ) -> Reply {
        if let PeerRef::Chat(id) | PeerRef::Channel(id) = to {
            let Some(g) = self.world.group(id) else {
                return error(400, "PEER_ID_INVALID");
            };
            if !g.members.contains(&me) {
                return error(403, "CHAT_WRITE_FORBIDDEN");
            }
            if g.channel.is_some_and(|(_, broadcast)| broadcast) && g.creator != me {
                return error(403, "CHAT_ADMIN_REQUIRED");
            }
        }
        let delivered = self.world.post(to, post);
        let new_message = |world: &World, m: &crate::world::StoredMessage, owner: i64| {
            let message = world.message(m, owner);
            match to {
                PeerRef::Channel(_) => {
                    enums::Update::NewChannelMessage(types::UpdateNewChannelMessage {
                        message,
                        pts: m.pts,
                        pts_count: 1,
                    })
                }
                _ => enums::Update::NewMessage(types::UpdateNewMessage {
                    message,
                    pts: m.pts,
                    pts_count: 1,
                }),
            }
        };
        let mut pushes = Vec::new();
        for (owner, m) in &delivered.others {
            let (users, chats) = self.involved(*owner, [m].into_iter(), Some(to));
            let update = types::Updates {
                updates: vec![new_message(&self.world, m, *owner)],
                users,
                chats,
                date: post.date,
                seq: 0,
            };
            pushes.push((*owner, update.to_bytes()));
        }
        let sent = &delivered.sent;
        let answer = if short && !matches!(to, PeerRef::Channel(_)) {
            types::UpdateShortSentMessage {
                out: true,
                id: sent.id,
                pts: sent.pts,
                pts_count: 1,
                date: post.date,
                media: None,
                entities: None,
                ttl_period: None,
            }
            .to_bytes()
        } else {
            let (users, chats) = self.involved(me, [sent].into_iter(), Some(to));
            types::Updates {
                updates: vec![
                    enums::Update::MessageID(types::UpdateMessageID {
                        id: sent.id,
                        random_id,
                    }),
                    new_message(&self.world, sent, me),
                ],
                users,
                chats,
                date: post.date,
                seq: 0,
            }
            .to_bytes()
        };
        Reply {
            result: Ok(answer),
            pushes,
        }
    }

    /// The users and chats a client needs to show `messages` (and `extra`): senders,
    /// private peers, groups, and the viewer.
    fn involved<'m>(
        &self,
        viewer: i64,
        messages: impl Iterator<Item = &'m crate::world::StoredMessage>,
        extra: Option<PeerRef>,
    ) -> (Vec<enums::User>, Vec<enums::Chat>) {
        let mut users = vec![viewer];
        let mut groups = Vec::new();
        let mut note = |peer: PeerRef| match peer {
            PeerRef::User(u) => users.push(u),
            PeerRef::Chat(g) | PeerRef::Channel(g) => groups.push(g),
        };
        if let Some(peer) = extra {
            note(peer);
        }
        let mut senders = Vec::new();
        for m in messages {
            note(m.peer);
            senders.push(m.from);
            if let Some((from, _)) = m.forwarded {
                senders.push(from);
            }
        }
        users.extend(senders);
        users.sort();
        users.dedup();
        groups.sort();
        groups.dedup();
        (
            users
                .iter()
                .filter_map(|&u| self.world.user(u, viewer))
                .collect(),
            groups
                .iter()
                .filter_map(|&g| self.world.group(g))
                .map(|g| world::chat(g, viewer))
                .collect(),
        )
    }

    fn authorization(&self, user: i64) -> types::auth::Authorization {
        types::auth::Authorization {
            otherwise_relogin_days: None,
            tmp_sessions: None,
            future_auth_token: None,
            user: self
                .world
                .user(user, user)
                .expect("signed-in accounts exist"),
        }
    }

    fn resolve_user(&self, me: i64, input: &enums::InputUser) -> Option<i64> {
        match input {
            enums::InputUser::InputUserSelf => Some(me),
            enums::InputUser::InputUser(u) => self
                .world
                .account_with_hash(u.user_id, u.access_hash)
                .map(|a| a.id),
            _ => None,
        }
    }

    fn resolve_peer(&self, me: i64, input: &enums::InputPeer) -> Option<PeerRef> {
        match input {
            enums::InputPeer::InputPeerSelf => Some(PeerRef::User(me)),
            enums::InputPeer::User(u) => self
                .world
                .account_with_hash(u.user_id, u.access_hash)
                .map(|a| PeerRef::User(a.id)),
            enums::InputPeer::Chat(c) => self
                .world
                .group(c.chat_id)
                .filter(|g| g.channel.is_none() && g.members.contains(&me))
                .map(|g| PeerRef::Chat(g.id)),
            enums::InputPeer::Channel(c) => self
                .channel(c.channel_id, c.access_hash)
                .map(PeerRef::Channel),
            _ => None,
        }
    }

    /// Every user of `inputs`, or `None` if one does not resolve.
    fn resolve_users(&self, me: i64, inputs: &[enums::InputUser]) -> Option<Vec<i64>> {
        inputs.iter().map(|u| self.resolve_user(me, u)).collect()
    }

    /// `updates` carrying nothing but a chat (and its users), as creating or joining one
    /// answers.
    fn chat_only(&self, viewer: i64, chat: PeerRef, now: i32) -> types::Updates {
        let (users, chats) = self.involved(viewer, std::iter::empty(), Some(chat));
        types::Updates {
            updates: vec![],
            users,
            chats,
            date: now,
            seq: 0,
        }
    }

    fn input_channel(&self, input: &enums::InputChannel) -> Option<i64> {
        match input {
            enums::InputChannel::InputChannel(c) => self.channel(c.channel_id, c.access_hash),
            _ => None,
        }
    }

    /// `messages.invitedUsers` for a group just made or joined: the chat for its
    /// creator, and the same `updates` pushed to every other member.
    fn group_created(&mut self, me: i64, id: i64, now: i32) -> Reply {
        let members = self
            .world
            .group(id)
            .map(|g| g.members.clone())
            .unwrap_or_default();
        let mut pushes = Vec::new();
        for &m in members.iter().filter(|&&m| m != me) {
            pushes.push((m, self.chat_only(m, PeerRef::Chat(id), now).to_bytes()));
        }
        let (mut users, chats) = self.involved(me, std::iter::empty(), Some(PeerRef::Chat(id)));
        users.extend(members.iter().filter_map(|&u| self.world.user(u, me)));
        unique(&mut users);
        let answer = types::messages::InvitedUsers {
            updates: enums::Updates::Updates(types::Updates {
                updates: vec![],
                users,
                chats,
                date: now,
                seq: 0,
            }),
            missing_invitees: vec![],
        };
        Reply {
            result: Ok(answer.to_bytes()),
            pushes,
        }
    }

    /// A channel by id, if `access_hash` is its own.
    fn channel(&self, id: i64, access_hash: i64) -> Option<i64> {
        self.world
            .group(id)
            .filter(|g| g.channel.is_some_and(|(hash, _)| hash == access_hash))
            .map(|g| g.id)
    }

    fn config(&self, dc: usize, now: i32) -> types::Config {
        types::Config {
            default_p2p_contacts: false,
            preload_featured_stickers: false,
            revoke_pm_inbox: true,
            blocked_mode: false,
            force_try_ipv6: false,
            date: now,
            expires: now + 3600,
            test_mode: true,
            this_dc: self.dcs[dc].id,
            dc_options: self
                .dcs
                .iter()
                .map(|d| {
                    enums::DcOption::DcOption(types::DcOption {
                        ipv6: false,
                        media_only: false,
                        tcpo_only: false,
                        cdn: false,
                        r#static: false,
                        this_port_only: false,
                        id: d.id,
                        ip_address: d.ip.clone(),
                        port: i32::from(d.port),
                        secret: None,
                    })
                })
                .collect(),
            dc_txt_domain_name: "testdc.invalid".into(),
            chat_size_max: 200,
            megagroup_size_max: 200_000,
            forwarded_count_max: 100,
            online_update_period_ms: 210_000,
            offline_blur_timeout_ms: 5_000,
            offline_idle_timeout_ms: 30_000,
            online_cloud_timeout_ms: 300_000,
            notify_cloud_delay_ms: 30_000,
            notify_default_delay_ms: 1_500,
            push_chat_period_ms: 60_000,
            push_chat_limit: 2,
            edit_time_limit: 172_800,
            revoke_time_limit: i32::MAX,
            revoke_pm_time_limit: i32::MAX,
            rating_e_decay: 2_419_200,
            stickers_recent_limit: 200,
            channels_read_media_period: 604_800,
            tmp_sessions: None,
            call_receive_timeout_ms: 20_000,
            call_ring_timeout_ms: 90_000,
            call_connect_timeout_ms: 30_000,
            call_packet_timeout_ms: 10_000,
            me_url_prefix: "https://t.me/".into(),
            autoupdate_url_prefix: None,
            gif_search_username: None,
            venue_search_username: None,
            img_search_username: None,
            static_maps_provider: None,
            caption_length_max: 1024,
            message_length_max: 4096,
            webfile_dc_id: self.dcs[0].id,
            suggested_lang_code_and_lang_pack_version_and_base_lang_pack_version: None,
            reactions_default: None,
            autologin_token: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> ApiState {
        let mut world = World::new(3);
        world.create_bot("1:token", "echo_bot", 2);
        world.create_user("9996621234", "Test", 2);
        let dcs = (1..=3)
            .map(|id| DcInfo {
                id,
                ip: "127.0.0.1".into(),
                port: 10000 + id as u16,
            })
            .collect();
        ApiState::new(world, dcs)
    }

    fn call(s: &mut ApiState, dc: usize, key: u64, request: impl Serialize) -> Reply {
        s.call(dc, key, &request.to_bytes(), 1_700_000_000)
    }

    #[test]
    fn test_numbers_get_their_dc_digit_as_code_and_migrate_elsewhere() {
        let mut s = state();
        let send = || functions::auth::SendCode {
            phone_number: "+9996621234".into(),
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
        };
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
        let send = functions::messages::SendMessage {
            no_webpage: false,
            silent: false,
            background: false,
            clear_draft: false,
            noforwards: false,
            update_stickersets_order: false,
            invert_media: false,
            allow_paid_floodskip: false,
            peer: enums::InputPeer::User(types::InputPeerUser {
                user_id: 42,
                access_hash: 1,
            }),
            reply_to: None,
            message: "hi".into(),
            random_id: 1,
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
        };
        assert_eq!(
            call(&mut s, 1, 5, send).result,
            Err(RpcError::new(400, "PEER_ID_INVALID"))
        );
        let r = call(&mut s, 1, 6, functions::updates::GetState {});
        assert_eq!(r.result, Err(RpcError::new(401, "AUTH_KEY_UNREGISTERED")));
    }
}
