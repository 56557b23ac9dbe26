//! QR-code login, as Telegram does it: a session that is not signed in exports a token
//! (`auth.exportLoginToken`) and shows it as a QR code; a signed-in session of some user
//! accepts it (`auth.acceptLoginToken`), and the exporting session hears of it
//! (`updateShort{updateLoginToken}`), exports again and is signed in
//! (`auth.loginTokenSuccess`), or is sent to the user's home DC with a second token
//! (`auth.loginTokenMigrateTo`) that it imports there (`auth.importLoginToken`).

use oxigram_tl::{Deserialize, Serialize, enums, functions, types};

use super::bounded::Bounded;
use super::{ApiState, Reply, Request, decode, error, me, ok};

/// Seconds a login token stays valid after it is handed out (Telegram's are about 30).
pub const LOGIN_TOKEN_TTL: i32 = 30;

/// Login tokens kept at most (exported and migration tokens together). Beyond it the
/// oldest are forgotten first; a forgotten token reads as `AUTH_TOKEN_INVALID`, as one
/// never handed out does.
pub const MAX_LOGIN_TOKENS: usize = 4096;

/// The most `except_ids` an `auth.exportLoginToken` may carry (a client lists the
/// accounts it is already signed in to: a handful). More get `400 INPUT_REQUEST_TOO_LONG`,
/// so that tokens cost bounded memory.
pub const MAX_EXCEPT_IDS: usize = 64;

/// The bytes of a token.
const TOKEN_LEN: usize = 32;

/// What a token is for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Purpose {
    /// Exported by a session (auth key `key` on DC index `dc`), to be accepted by a
    /// signed-in user other than those in `except`.
    Export {
        dc: usize,
        key: u64,
        except: Vec<i64>,
    },
    /// Handed to an exporter whose user lives on DC `dc_id`, to import there.
    Import { dc_id: i32, user: i64 },
}

/// Where a token is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Handed out, not accepted or imported yet.
    Waiting,
    /// An exported token some user accepted; the exporter has not come back for it.
    Accepted(i64),
    /// Done with: the exporter signed in (or was sent on), or the token was imported.
    Used,
}

#[derive(Debug, Clone)]
struct Token {
    purpose: Purpose,
    /// Unix time after which it can no longer be accepted or imported.
    expires: i32,
    state: State,
}

/// Why a token was refused: the RPC error's name (all `400`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TokenError {
    /// Never handed out, forgotten, or of the wrong kind or DC.
    Invalid,
    /// Past its `expires`.
    Expired,
    /// Accepted or imported already.
    AlreadyAccepted,
    /// The accepting user is one the exporter is signed in to already (`except_ids`).
    /// Telegram documents this error for `auth.acceptLoginToken`; using it for
    /// `except_ids` is the test DC's reading.
    Exception,
}

impl TokenError {
    fn name(self) -> &'static str {
        match self {
            TokenError::Invalid => "AUTH_TOKEN_INVALID",
            TokenError::Expired => "AUTH_TOKEN_EXPIRED",
            TokenError::AlreadyAccepted => "AUTH_TOKEN_ALREADY_ACCEPTED",
            TokenError::Exception => "AUTH_TOKEN_EXCEPTION",
        }
    }
}

/// The login tokens handed out, and the last token each session exported (so that its
/// next export can tell whether it was accepted). Both bounded: the oldest go first.
#[derive(Debug)]
pub(super) struct LoginTokens {
    tokens: Bounded<Vec<u8>, Token>,
    /// (DC index, auth key) → the last token it exported.
    exported: Bounded<(usize, u64), Vec<u8>>,
}

impl LoginTokens {
    /// An empty store of at most `capacity` tokens.
    pub(super) fn new(capacity: usize) -> Self {
        LoginTokens {
            tokens: Bounded::new(capacity),
            exported: Bounded::new(capacity),
        }
    }

    /// If the last token the session exported was accepted: marks it used and returns
    /// the user who accepted it.
    fn take_accepted(&mut self, dc: usize, key: u64) -> Option<i64> {
        let token = self.exported.get(&(dc, key))?;
        let t = self.tokens.get_mut(token)?;
        let State::Accepted(user) = t.state else {
            return None;
        };
        t.state = State::Used;
        self.exported.remove(&(dc, key));
        Some(user)
    }

    /// Records `token`, exported by the session, valid until `expires`. It replaces the
    /// session's previous token, which then reads as invalid: the session shows one QR
    /// code at a time, and an accepted code must lead to the session that shows it.
    fn export(&mut self, token: Vec<u8>, dc: usize, key: u64, except: Vec<i64>, expires: i32) {
        if let Some(previous) = self.exported.remove(&(dc, key)) {
            self.tokens.remove(&previous);
        }
        let t = Token {
            purpose: Purpose::Export { dc, key, except },
            expires,
            state: State::Waiting,
        };
        self.tokens.insert(token.clone(), t);
        self.exported.insert((dc, key), token);
    }

    /// `user` accepts `token` at `now`: returns the exporting session.
    fn accept(&mut self, token: &[u8], user: i64, now: i32) -> Result<(usize, u64), TokenError> {
        let t = self.tokens.get_mut(token).ok_or(TokenError::Invalid)?;
        let Purpose::Export { dc, key, except } = &t.purpose else {
            return Err(TokenError::Invalid);
        };
        if t.state != State::Waiting {
            return Err(TokenError::AlreadyAccepted);
        }
        if now > t.expires {
            return Err(TokenError::Expired);
        }
        if except.contains(&user) {
            return Err(TokenError::Exception);
        }
        let session = (*dc, *key);
        t.state = State::Accepted(user);
        Ok(session)
    }

    /// Records `token`, to be imported on DC `dc_id` to sign in as `user`.
    fn migrate(&mut self, token: Vec<u8>, dc_id: i32, user: i64, expires: i32) {
        let t = Token {
            purpose: Purpose::Import { dc_id, user },
            expires,
            state: State::Waiting,
        };
        self.tokens.insert(token, t);
    }

    /// `token` is imported on DC `dc_id` at `now`: returns the user to sign in as.
    fn import(&mut self, token: &[u8], dc_id: i32, now: i32) -> Result<i64, TokenError> {
        let t = self.tokens.get_mut(token).ok_or(TokenError::Invalid)?;
        let Purpose::Import { dc_id: home, user } = t.purpose else {
            return Err(TokenError::Invalid);
        };
        if t.state != State::Waiting {
            return Err(TokenError::AlreadyAccepted);
        }
        if now > t.expires {
            return Err(TokenError::Expired);
        }
        if home != dc_id {
            return Err(TokenError::Invalid);
        }
        t.state = State::Used;
        Ok(user)
    }
}

impl ApiState {
    /// `auth.exportLoginToken`: a fresh token, or, once one was accepted, the sign-in
    /// (or the way to the user's home DC).
    pub(super) fn export_login_token(&mut self, req: &Request<'_>) -> Reply {
        let &Request { dc, key, now, .. } = req;
        let r = decode!(req, functions::auth::ExportLoginToken);
        if r.except_ids.len() > MAX_EXCEPT_IDS {
            return error(400, "INPUT_REQUEST_TOO_LONG");
        }
        if let Some(user) = self.login_tokens.take_accepted(dc, key) {
            return self.log_in_by_token(dc, key, user, now);
        }
        let token = self.random_bytes::<TOKEN_LEN>().to_vec();
        let expires = now.saturating_add(LOGIN_TOKEN_TTL);
        self.login_tokens
            .export(token.clone(), dc, key, r.except_ids, expires);
        ok(types::auth::LoginToken {
            expires,
            token: token.into(),
        })
    }

    /// `auth.acceptLoginToken`: the signed-in user lets the exporting session in.
    pub(super) fn accept_login_token(&mut self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let r = decode!(req, functions::auth::AcceptLoginToken);
        if self.world.account(me).is_some_and(|a| a.is_bot()) {
            return error(400, "BOT_METHOD_INVALID");
        }
        let (dc, key) = match self.login_tokens.accept(&r.token, me, req.now) {
            Ok(session) => session,
            Err(e) => return error(400, e.name()),
        };
        let update = types::UpdateShort {
            update: enums::Update::LoginToken,
            date: req.now,
        };
        // The new session as the accepting user's device lists it. The test DC does not
        // keep what the exporter said in `initConnection`, so its fields are fixed.
        let hash = i64::from_le_bytes(self.random_bytes());
        let authorization = types::Authorization {
            current: false,
            official_app: false,
            password_pending: false,
            encrypted_requests_disabled: false,
            call_requests_disabled: false,
            unconfirmed: false,
            hash,
            device_model: "test".into(),
            platform: "test".into(),
            system_version: "test".into(),
            api_id: 0,
            app_name: "test".into(),
            app_version: "test".into(),
            date_created: req.now,
            date_active: req.now,
            ip: "127.0.0.1".into(),
            country: "ZZ".into(),
            region: String::new(),
        };
        Reply {
            result: Ok(authorization.to_bytes()),
            pushes: Vec::new(),
            key_pushes: vec![(dc, key, update.to_bytes())],
            deferred: None,
            answers: Vec::new(),
        }
    }

    /// `auth.importLoginToken`: the token of `auth.loginTokenMigrateTo`, on the user's
    /// home DC.
    pub(super) fn import_login_token(&mut self, req: &Request<'_>) -> Reply {
        let &Request { dc, key, now, .. } = req;
        let r = decode!(req, functions::auth::ImportLoginToken);
        match self.login_tokens.import(&r.token, self.dcs[dc].id, now) {
            Ok(user) => self.login_token_success(dc, key, user),
            Err(e) => error(400, e.name()),
        }
    }

    /// The exporter comes back after `user` accepted its token: signs it in here, or
    /// sends it to the user's home DC with a token to import there.
    fn log_in_by_token(&mut self, dc: usize, key: u64, user: i64, now: i32) -> Reply {
        let home = self.world.account(user).map(|a| a.home_dc);
        match home {
            Some(home) if home != self.dcs[dc].id && self.dcs.iter().any(|d| d.id == home) => {
                let token = self.random_bytes::<TOKEN_LEN>().to_vec();
                let expires = now.saturating_add(LOGIN_TOKEN_TTL);
                self.login_tokens
                    .migrate(token.clone(), home, user, expires);
                ok(types::auth::LoginTokenMigrateTo {
                    dc_id: home,
                    token: token.into(),
                })
            }
            _ => self.login_token_success(dc, key, user),
        }
    }

    fn login_token_success(&mut self, dc: usize, key: u64, user: i64) -> Reply {
        match self.complete_sign_in(dc, key, user) {
            Ok(authorization) => ok(types::auth::LoginTokenSuccess {
                authorization: authorization.into(),
            }),
            Err(needed) => Reply::pushing(Err(needed), Vec::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPORTER: (usize, u64) = (1, 77);

    fn token(n: u8) -> Vec<u8> {
        vec![n; TOKEN_LEN]
    }

    #[test]
    fn an_accepted_token_is_taken_once_and_then_reads_as_accepted() {
        let mut store = LoginTokens::new(8);
        store.export(token(1), EXPORTER.0, EXPORTER.1, vec![], 130);
        assert_eq!(store.take_accepted(EXPORTER.0, EXPORTER.1), None);
        assert_eq!(store.accept(&token(2), 5, 100), Err(TokenError::Invalid));
        assert_eq!(store.accept(&token(1), 5, 100), Ok(EXPORTER));
        assert_eq!(
            store.accept(&token(1), 6, 100),
            Err(TokenError::AlreadyAccepted)
        );
        assert_eq!(store.take_accepted(EXPORTER.0, EXPORTER.1), Some(5));
        assert_eq!(store.take_accepted(EXPORTER.0, EXPORTER.1), None);
        assert_eq!(
            store.accept(&token(1), 5, 100),
            Err(TokenError::AlreadyAccepted)
        );
        // A new token replaces the session's previous one.
        store.export(token(2), EXPORTER.0, EXPORTER.1, vec![], 130);
        store.export(token(3), EXPORTER.0, EXPORTER.1, vec![], 130);
        assert_eq!(store.accept(&token(2), 5, 100), Err(TokenError::Invalid));
        assert_eq!(store.accept(&token(3), 5, 100), Ok(EXPORTER));
        assert_eq!(store.take_accepted(EXPORTER.0, EXPORTER.1), Some(5));
    }

    #[test]
    fn tokens_expire_and_refuse_the_exporters_other_accounts() {
        let mut store = LoginTokens::new(8);
        store.export(token(1), EXPORTER.0, EXPORTER.1, vec![9], 130);
        assert_eq!(store.accept(&token(1), 9, 100), Err(TokenError::Exception));
        assert_eq!(store.accept(&token(1), 5, 131), Err(TokenError::Expired));
        assert_eq!(store.accept(&token(1), 5, 130), Ok(EXPORTER));
    }

    #[test]
    fn a_migration_token_is_imported_once_on_its_dc_only() {
        let mut store = LoginTokens::new(8);
        store.migrate(token(3), 1, 5, 130);
        // It is not a QR code to accept.
        assert_eq!(store.accept(&token(3), 5, 100), Err(TokenError::Invalid));
        assert_eq!(store.import(&token(3), 2, 100), Err(TokenError::Invalid));
        assert_eq!(store.import(&token(3), 1, 131), Err(TokenError::Expired));
        assert_eq!(store.import(&token(3), 1, 100), Ok(5));
        assert_eq!(
            store.import(&token(3), 1, 100),
            Err(TokenError::AlreadyAccepted)
        );
        // An exported token cannot be imported.
        store.export(token(4), EXPORTER.0, EXPORTER.1, vec![], 130);
        assert_eq!(store.import(&token(4), 1, 100), Err(TokenError::Invalid));
    }

    #[test]
    fn the_oldest_tokens_are_forgotten_first() {
        let mut store = LoginTokens::new(4);
        for n in 0..10u8 {
            store.export(token(n), 0, u64::from(n), vec![], 130);
        }
        for n in 0..6u8 {
            assert_eq!(store.accept(&token(n), 5, 100), Err(TokenError::Invalid));
        }
        for n in 6..10u8 {
            assert_eq!(store.accept(&token(n), 5, 100), Ok((0, u64::from(n))));
        }
    }
}
