//! `auth.*`: signing in with a code, a bot token, a password or a QR code (see
//! `qr_login`), signing out, and moving an authorization to another DC.

use oxigram_tl::{Deserialize, Identifiable, enums, functions, types};

use super::test_number_dc;
use super::{ApiState, Reply, Request, RpcError, decode, error, me, ok};

impl ApiState {
    /// Answers a `auth.*` method.
    pub(super) fn auth(&mut self, req: &Request<'_>) -> Reply {
        let &Request { dc, key, .. } = req;
        match req.id {
            functions::auth::ImportBotAuthorization::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::auth::ImportBotAuthorization);
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
                let r = decode!(req, functions::auth::SendCode);
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
                let r = decode!(req, functions::auth::SignIn);
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
                    Some(user) => {
                        self.codes.remove(phone);
                        match self.complete_sign_in(dc, key, user) {
                            Ok(authorization) => ok(authorization),
                            Err(needed) => Reply::pushing(Err(needed), Vec::new()),
                        }
                    }
                    None => ok(types::auth::AuthorizationSignUpRequired {
                        terms_of_service: None,
                    }),
                }
            }
            functions::auth::SignUp::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::auth::SignUp);
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
            functions::auth::CheckPassword::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::auth::CheckPassword);
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
                me!(self, req);
                self.authorizations[dc].remove(&key);
                ok(types::auth::LoggedOut {
                    future_auth_token: None,
                })
            }
            functions::auth::ExportAuthorization::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::auth::ExportAuthorization);
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
                let r = decode!(req, functions::auth::ImportAuthorization);
                match self.exports.remove(&r.id) {
                    Some((user, bytes)) if bytes == r.bytes[..] => {
                        self.authorizations[dc].insert(key, user);
                        ok(self.authorization(user))
                    }
                    _ => error(400, "AUTH_BYTES_INVALID"),
                }
            }
            functions::auth::ExportLoginToken::CONSTRUCTOR_ID => self.export_login_token(req),
            functions::auth::AcceptLoginToken::CONSTRUCTOR_ID => self.accept_login_token(req),
            functions::auth::ImportLoginToken::CONSTRUCTOR_ID => self.import_login_token(req),
            _ => super::not_implemented(req.id),
        }
    }

    /// Signs `key` in as `user`, who proved to own the account (a code, a QR login),
    /// unless the account has a password: then the key must prove that too, and gets
    /// `401 SESSION_PASSWORD_NEEDED` (then `account.getPassword`, `auth.checkPassword`).
    pub(super) fn complete_sign_in(
        &mut self,
        dc: usize,
        key: u64,
        user: i64,
    ) -> Result<types::auth::Authorization, RpcError> {
        if self.passwords.contains_key(&user) {
            self.awaiting_password.insert((dc, key), user);
            return Err(RpcError::new(401, "SESSION_PASSWORD_NEEDED"));
        }
        self.authorizations[dc].insert(key, user);
        Ok(self.authorization(user))
    }

    pub(super) fn authorization(&self, user: i64) -> types::auth::Authorization {
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
}
