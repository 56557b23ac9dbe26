//! QR login: the client shows a token as a QR code, a signed-in app scans and accepts it,
//! and the server tells the waiting client (`updateLoginToken`); the token then turns
//! into a sign-in, on another DC if the account lives there.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use futures_util::future::{Either, select};
use oxigram_tl::{Deserialize, enums, functions};

use super::Client;
use super::auth::SignIn;
use crate::error::Error;
use crate::errors;
use crate::storage::Change;

/// A login token waiting to be scanned; [`Client::qr_login`] makes one.
#[derive(Debug, Clone)]
pub struct QrLogin {
    client: Client,
    token: Bytes,
    expires: i32,
}

/// What exporting a token gave.
enum Exported {
    Waiting(Bytes, i32),
    Done(SignIn),
}

impl Client {
    /// Starts a QR login: show [`QrLogin::url`] as a QR code, then
    /// [`QrLogin::wait`] for another app of the account to accept it.
    pub async fn qr_login(&self) -> crate::Result<QrLogin> {
        match self.export_login_token().await? {
            Exported::Waiting(token, expires) => Ok(QrLogin {
                client: self.clone(),
                token,
                expires,
            }),
            Exported::Done(_) => Err(Error::SignIn(
                "the token was accepted before it was shown".into(),
            )),
        }
    }

    async fn export_login_token(&self) -> crate::Result<Exported> {
        let settings = &self.inner.settings;
        let exported = self
            .invoke(functions::auth::ExportLoginToken {
                api_id: settings.api_id,
                api_hash: settings.api_hash.clone(),
                except_ids: Vec::new(),
            })
            .await;
        let token = match exported {
            Ok(token) => token,
            Err(e) if e.is(errors::SESSION_PASSWORD_NEEDED) => {
                return Ok(Exported::Done(SignIn::PasswordRequired {
                    hint: self.password_hint().await?,
                }));
            }
            Err(e) => return Err(e),
        };
        self.login_token(token).await
    }

    async fn login_token(&self, token: enums::auth::LoginToken) -> crate::Result<Exported> {
        match token {
            enums::auth::LoginToken::LoginToken(t) => Ok(Exported::Waiting(t.token, t.expires)),
            enums::auth::LoginToken::Success(success) => match success.authorization {
                enums::auth::Authorization::Authorization(a) => Ok(Exported::Done(SignIn::Done(
                    Box::new(self.signed_in(a.user).await?),
                ))),
                enums::auth::Authorization::SignUpRequired(_) => {
                    Err(Error::Unexpected("a QR login asked to sign up".into()))
                }
            },
            enums::auth::LoginToken::MigrateTo(to) => {
                let dc = i16::try_from(to.dc_id)
                    .map_err(|_| Error::Unexpected(format!("no DC {}", to.dc_id)))?;
                tracing::info!(dc, "the QR login continues on the account's DC");
                self.inner.save(Change::Home {
                    dc,
                    test_mode: self.inner.settings.test_mode,
                })?;
                let imported = self
                    .invoke(functions::auth::ImportLoginToken { token: to.token })
                    .await;
                match imported {
                    Ok(enums::auth::LoginToken::MigrateTo(_)) => Err(Error::Unexpected(
                        "the imported login token migrated again".into(),
                    )),
                    Ok(token) => Box::pin(self.login_token(token)).await,
                    Err(e) if e.is(errors::SESSION_PASSWORD_NEEDED) => {
                        Ok(Exported::Done(SignIn::PasswordRequired {
                            hint: self.password_hint().await?,
                        }))
                    }
                    Err(e) => Err(e),
                }
            }
        }
    }
}

impl QrLogin {
    /// The `tg://login?token=…` link to show as a QR code.
    pub fn url(&self) -> String {
        format!("tg://login?token={}", URL_SAFE_NO_PAD.encode(&self.token))
    }

    /// When the token expires (unix time, the server's clock).
    pub fn expires(&self) -> i32 {
        self.expires
    }

    /// Waits up to `timeout` for the token to be accepted. `Ok(None)`: it was not
    /// accepted in time, and `self` now holds a fresh token (show the new [`url`]).
    ///
    /// [`url`]: QrLogin::url
    pub async fn wait(&mut self, timeout: Duration) -> crate::Result<Option<SignIn>> {
        let accepted = {
            let accepted = std::pin::pin!(self.accepted());
            let sleep = self.client.inner.net.sleep(timeout);
            match select(accepted, sleep).await {
                Either::Left((result, _)) => result?,
                Either::Right(((), _)) => false,
            }
        };
        if !accepted {
            tracing::debug!("QR login not accepted in time; exporting a fresh token");
        }
        match self.client.export_login_token().await? {
            Exported::Done(outcome) => Ok(Some(outcome)),
            Exported::Waiting(token, expires) => {
                self.token = token;
                self.expires = expires;
                Ok(None)
            }
        }
    }

    /// Reads updates until `updateLoginToken` (`false` if the connection ended first).
    async fn accepted(&self) -> crate::Result<bool> {
        while let Some(update) = self.client.next_raw_update().await? {
            if is_login_token(&update.body) {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Whether an update carries `updateLoginToken`.
fn is_login_token(body: &[u8]) -> bool {
    match enums::Updates::from_bytes(body) {
        Ok(enums::Updates::UpdateShort(short)) => matches!(short.update, enums::Update::LoginToken),
        Ok(enums::Updates::Updates(updates)) => updates
            .updates
            .iter()
            .any(|u| matches!(u, enums::Update::LoginToken)),
        _ => false,
    }
}
