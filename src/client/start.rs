//! Signing in on the terminal, asking only for what is missing (feature `terminal`):
//! the phone number or bot token, the code, a name for a new account, the two-step
//! password without echo — or a QR code drawn in the terminal.
//!
//! Terminal reads happen on a thread of their own, so the connections keep running on
//! any executor while the user types.

use std::io::{BufRead, Write};
use std::time::Duration;

use futures_channel::oneshot;
use oxigram_tl::types;

use super::Client;
use super::auth::SignIn;
use crate::error::Error;
use crate::errors;

/// Wrong codes or passwords accepted before `start` gives up.
const ATTEMPTS: usize = 5;

/// How one question is read.
#[derive(Clone, Copy)]
enum Echo {
    On,
    Off,
}

/// Asks `question` on the terminal (on a thread of its own) and returns the answer
/// without surrounding blanks.
async fn ask(question: String, echo: Echo) -> crate::Result<String> {
    let (tx, rx) = oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("oxigram-prompt".into())
        .spawn(move || {
            let answer = match echo {
                Echo::Off => rpassword::prompt_password(&question),
                Echo::On => read_line(&question),
            };
            if tx.send(answer).is_err() {
                tracing::debug!("nobody waits for the terminal's answer any more");
            }
        });
    spawned.map_err(|e| Error::SignIn(format!("cannot read the terminal: {e}")))?;
    let answer = rx
        .await
        .map_err(|_| Error::SignIn("the terminal reader stopped".into()))?
        .map_err(|e| Error::SignIn(format!("cannot read the terminal: {e}")))?;
    Ok(answer.trim().to_owned())
}

fn read_line(question: &str) -> std::io::Result<String> {
    {
        let mut out = std::io::stdout().lock();
        out.write_all(question.as_bytes())?;
        out.flush()?;
    }
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line)? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the terminal closed",
        ));
    }
    Ok(line)
}

fn say(text: &str) {
    println!("{text}");
}

impl Client {
    /// Signs in interactively if nobody is signed in, as Pyrogram's `start()` does:
    /// asks for a phone number or a bot token, then the code, a name for a new
    /// account, and the two-step password (typed without echo). Returns the account.
    pub async fn start(&self) -> crate::Result<types::User> {
        if self.is_authorized() {
            return self.get_me().await;
        }
        let answer = loop {
            let answer = ask("Enter phone number or bot token: ".into(), Echo::On).await?;
            if !answer.is_empty() {
                break answer;
            }
        };
        if answer.contains(':') {
            return self.sign_in_bot(&answer).await;
        }
        let sent = self.send_code(&answer).await?;
        say(&format!("The confirmation code has been sent to {answer}."));
        for _ in 0..ATTEMPTS {
            let code = ask("Enter confirmation code: ".into(), Echo::On).await?;
            match self.sign_in(&sent, &code).await {
                Ok(SignIn::Done(user)) => return Ok(*user),
                Ok(SignIn::SignUpRequired) => {
                    let first = ask("Enter first name: ".into(), Echo::On).await?;
                    let last = ask("Enter last name (empty to skip): ".into(), Echo::On).await?;
                    return self.sign_up(&sent, &first, &last).await;
                }
                Ok(SignIn::PasswordRequired { hint }) => return self.ask_password(hint).await,
                Err(e) if e.is(errors::PHONE_CODE_INVALID) => say("The code is wrong; try again."),
                Err(e) => return Err(e),
            }
        }
        Err(Error::SignIn(format!("{ATTEMPTS} wrong codes")))
    }

    /// Signs in interactively with a QR code drawn in the terminal: scan it with a
    /// signed-in app (Settings → Devices → Link Desktop Device). The code is redrawn
    /// when it expires; a two-step password is asked without echo.
    pub async fn start_qr(&self) -> crate::Result<types::User> {
        if self.is_authorized() {
            return self.get_me().await;
        }
        let mut login = self.qr_login().await?;
        loop {
            draw_qr(&login.url())?;
            match login.wait(Duration::from_secs(30)).await? {
                Some(SignIn::Done(user)) => return Ok(*user),
                Some(SignIn::PasswordRequired { hint }) => return self.ask_password(hint).await,
                Some(SignIn::SignUpRequired) => {
                    return Err(Error::Unexpected("a QR login asked to sign up".into()));
                }
                None => say("The QR code expired; here is a new one."),
            }
        }
    }

    async fn ask_password(&self, hint: Option<String>) -> crate::Result<types::User> {
        let question = match hint {
            Some(hint) if !hint.is_empty() => format!("Enter password (hint: {hint}): "),
            _ => "Enter password: ".into(),
        };
        for _ in 0..ATTEMPTS {
            let password = ask(question.clone(), Echo::Off).await?;
            match self.check_password(&password).await {
                Ok(user) => return Ok(user),
                Err(e) if e.is(errors::PASSWORD_HASH_INVALID) => {
                    say("The password is wrong; try again.")
                }
                Err(e) => return Err(e),
            }
        }
        Err(Error::SignIn(format!("{ATTEMPTS} wrong passwords")))
    }
}

/// Draws `url` as a QR code with Unicode half blocks, and prints the link under it.
fn draw_qr(url: &str) -> crate::Result<()> {
    let code = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| Error::SignIn(format!("cannot draw the QR code: {e}")))?;
    let drawing = code
        .render::<qrcode::render::unicode::Dense1x2>()
        .quiet_zone(true)
        .build();
    say(&drawing);
    say(&format!("Scan it, or open: {url}"));
    Ok(())
}
