//! Signing in and out: bots by token; users by phone code, signing up a new number, and
//! the two-step password (SRP). QR login is in [`super::qr`].

use oxigram_proto::crypto::srp::{self, SrpServer};
use oxigram_proto::random::SeededRandom;
use oxigram_tl::{enums, functions, types};

use super::Client;
use crate::error::Error;
use crate::errors;
use crate::storage::Change;

/// A login code was sent: where to, and what to pass back to [`Client::sign_in`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SentCode {
    /// The phone number the code was sent for.
    pub phone_number: String,
    /// Identifies this code: pass it to [`Client::sign_in`] and [`Client::sign_up`].
    pub phone_code_hash: String,
    /// How the code was sent (app, SMS, call, …).
    pub kind: enums::auth::SentCodeType,
    /// How it will be sent if asked again, if another way exists.
    pub next_kind: Option<enums::auth::CodeType>,
    /// Seconds before asking again makes sense.
    pub timeout: Option<i32>,
}

/// What [`Client::sign_in`] led to.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SignIn {
    /// Signed in as this user.
    Done(Box<types::User>),
    /// The number has no account yet: [`Client::sign_up`] creates one.
    SignUpRequired,
    /// The account has a two-step password: [`Client::check_password`].
    PasswordRequired {
        /// The hint the user set for it.
        hint: Option<String>,
    },
}

impl Client {
    /// Signs a bot in with the token @BotFather gave. A bot homed on another DC is
    /// followed there.
    pub async fn sign_in_bot(&self, token: &str) -> crate::Result<types::User> {
        let settings = &self.inner.settings;
        let authorization = self
            .invoke(functions::auth::ImportBotAuthorization {
                flags: 0,
                api_id: settings.api_id,
                api_hash: settings.api_hash.clone(),
                bot_auth_token: token.into(),
            })
            .await?;
        match authorization {
            enums::auth::Authorization::Authorization(a) => self.signed_in(a.user).await,
            enums::auth::Authorization::SignUpRequired(_) => Err(Error::Unexpected(
                "the server asked a bot to sign up".into(),
            )),
        }
    }

    /// Sends a login code to `phone_number` (digits, `+` and spaces allowed). A number
    /// homed on another DC moves the client's home DC there first.
    pub async fn send_code(&self, phone_number: &str) -> crate::Result<SentCode> {
        let phone_number: String = phone_number.chars().filter(char::is_ascii_digit).collect();
        if phone_number.is_empty() {
            return Err(Error::SignIn("the phone number has no digits".into()));
        }
        let settings = &self.inner.settings;
        let sent = self
            .invoke(functions::auth::SendCode {
                phone_number: phone_number.clone(),
                api_id: settings.api_id,
                api_hash: settings.api_hash.clone(),
                settings: types::CodeSettings {
                    allow_flashcall: false,
                    current_number: false,
                    allow_app_hash: false,
                    allow_missed_call: false,
                    allow_firebase: false,
                    unknown_number: false,
                    logout_tokens: None,
                    token_and_app_sandbox: None,
                }
                .into(),
            })
            .await?;
        match sent {
            enums::auth::SentCode::SentCode(sent) => Ok(SentCode {
                phone_number,
                phone_code_hash: sent.phone_code_hash,
                kind: sent.r#type,
                next_kind: sent.next_type,
                timeout: sent.timeout,
            }),
            enums::auth::SentCode::Success(success) => Err(Error::Unexpected(format!(
                "the server signed in without a code ({:?}); future auth tokens are not used",
                success.authorization.constructor_id()
            ))),
            enums::auth::SentCode::PaymentRequired(_) => Err(Error::SignIn(
                "the server asks for a payment before sending a code to this number".into(),
            )),
        }
    }

    /// Signs in with the code the user received. The answer says whether the account
    /// needs signing up or a two-step password instead.
    pub async fn sign_in(&self, sent: &SentCode, code: &str) -> crate::Result<SignIn> {
        let result = self
            .invoke(functions::auth::SignIn {
                phone_number: sent.phone_number.clone(),
                phone_code_hash: sent.phone_code_hash.clone(),
                phone_code: Some(code.trim().into()),
                email_verification: None,
            })
            .await;
        match result {
            Ok(enums::auth::Authorization::Authorization(a)) => {
                Ok(SignIn::Done(Box::new(self.signed_in(a.user).await?)))
            }
            Ok(enums::auth::Authorization::SignUpRequired(_)) => Ok(SignIn::SignUpRequired),
            Err(e) if e.is(errors::SESSION_PASSWORD_NEEDED) => Ok(SignIn::PasswordRequired {
                hint: self.password_hint().await?,
            }),
            Err(e) => Err(e),
        }
    }

    /// Creates an account for a number that has none (after [`SignIn::SignUpRequired`]).
    pub async fn sign_up(
        &self,
        sent: &SentCode,
        first_name: &str,
        last_name: &str,
    ) -> crate::Result<types::User> {
        let authorization = self
            .invoke(functions::auth::SignUp {
                no_joined_notifications: false,
                phone_number: sent.phone_number.clone(),
                phone_code_hash: sent.phone_code_hash.clone(),
                first_name: first_name.into(),
                last_name: last_name.into(),
            })
            .await?;
        match authorization {
            enums::auth::Authorization::Authorization(a) => self.signed_in(a.user).await,
            enums::auth::Authorization::SignUpRequired(_) => Err(Error::Unexpected(
                "the server asked to sign up again after signing up".into(),
            )),
        }
    }

    /// The hint of the account's two-step password, if it has one.
    pub async fn password_hint(&self) -> crate::Result<Option<String>> {
        let enums::account::Password::Password(password) =
            self.invoke(functions::account::GetPassword {}).await?;
        Ok(password.hint)
    }

    /// Finishes signing in with the account's two-step password (SRP: the password
    /// never leaves this process).
    pub async fn check_password(&self, password: &str) -> crate::Result<types::User> {
        let enums::account::Password::Password(state) =
            self.invoke(functions::account::GetPassword {}).await?;
        let Some((algo, srp_b, srp_id)) = state.current_algo_and_srp_b_and_srp_id else {
            return Err(Error::SignIn("the account has no two-step password".into()));
        };
        let enums::PasswordKdfAlgo::SHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(algo) = algo
        else {
            return Err(Error::SignIn(
                "the account's password uses an algorithm this library does not know; \
                 update the library"
                    .into(),
            ));
        };
        let server = SrpServer {
            salt1: &algo.salt1,
            salt2: &algo.salt2,
            g: algo.g,
            p: &algo.p,
            g_b: &srp_b,
        };
        let seed = oxigram_runtime::os_seed()
            .map_err(|e| Error::SignIn(format!("no randomness for the password proof: {e}")))?;
        let proof = srp::prove(password.as_bytes(), &server, &mut SeededRandom::new(seed))
            .map_err(|e| {
                Error::SignIn(format!("the server's password parameters are unsafe: {e}"))
            })?;
        let authorization = self
            .invoke(functions::auth::CheckPassword {
                password: types::InputCheckPasswordSRP {
                    srp_id,
                    a: proof.a.to_vec().into(),
                    m1: proof.m1.to_vec().into(),
                }
                .into(),
            })
            .await?;
        match authorization {
            enums::auth::Authorization::Authorization(a) => self.signed_in(a.user).await,
            enums::auth::Authorization::SignUpRequired(_) => Err(Error::Unexpected(
                "the server asked to sign up after the password".into(),
            )),
        }
    }

    /// Signs out: the server forgets the authorization, the session forgets who was
    /// signed in (its keys stay, unauthorized).
    pub async fn log_out(&self) -> crate::Result<()> {
        self.invoke(functions::auth::LogOut {}).await?;
        self.inner.save(Change::User(None))?;
        self.inner.peers.set_self_id(None);
        self.flush_session()
    }

    /// The signed-in account.
    pub async fn get_me(&self) -> crate::Result<types::User> {
        let users = self
            .invoke(functions::users::GetUsers {
                id: vec![enums::InputUser::InputUserSelf],
            })
            .await?;
        match users.into_iter().next() {
            Some(enums::User::User(user)) => Ok(*user),
            _ => Err(Error::Unexpected("users.getUsers returned no self".into())),
        }
    }

    /// Records who signed in: the user in the session, and the home DC's key as
    /// authorized.
    pub(crate) async fn signed_in(&self, user: enums::User) -> crate::Result<types::User> {
        let enums::User::User(user) = user else {
            return Err(Error::Unexpected("signed in as an empty user".into()));
        };
        let inner = &self.inner;
        let home = inner.home_dc();
        inner.set_authorized(home, true)?;
        inner.save(Change::User(Some((user.id, user.bot()))))?;
        inner.peers.set_self_id(Some(user.id));
        self.flush_session()?;
        tracing::info!(user = user.id, bot = user.bot(), dc = home, "signed in");
        self.prime_update_state().await;
        Ok(*user)
    }
}
