//! QR login on the test DC: a new client shows a `tg://login?token=…` link (a QR code in
//! a real app), the account's phone — here another client signed in as the same user —
//! accepts it, and the new client is signed in, on the account's own DC.
//!
//! `Client::start_qr` (feature `terminal`) does the same with the QR code drawn in the
//! terminal; see `examples/terminal_login.rs`.

#[path = "common/test_dc.rs"]
mod test_dc;

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oxigram::Client;
use oxigram::client::SignIn;
use oxigram::tl::functions;
use oxigram_testdc::{TestDc, TestDcConfig};
use test_dc::on_test_dc;

const PHONE: &str = "9996631234"; // a test number on DC 3; its login code is 33333

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dc = TestDc::start(TestDcConfig::default()).await?;
    dc.create_user(PHONE, "Quinn");

    // The phone: already signed in.
    let phone = on_test_dc(&dc, Client::builder("phone")).build().await?;
    let sent = phone.send_code(PHONE).await?;
    phone.sign_in(&sent, "33333").await?;

    // The new device: starts on DC 2 and shows its token.
    let desktop = on_test_dc(&dc, Client::builder("desktop")).build().await?;
    let mut login = desktop.qr_login().await?;
    println!("desktop: show this as a QR code: {}", login.url());

    // The phone scans it.
    let token = login.url();
    let token = token
        .strip_prefix("tg://login?token=")
        .ok_or("not a login link")?;
    phone
        .invoke(functions::auth::AcceptLoginToken {
            token: URL_SAFE_NO_PAD.decode(token)?.into(),
        })
        .await?;
    println!("phone: accepted");

    match login.wait(Duration::from_secs(30)).await? {
        Some(SignIn::Done(user)) => {
            let name = user.first_name.unwrap_or_default();
            println!("desktop: signed in as {name} on DC {}", desktop.home_dc());
        }
        Some(SignIn::PasswordRequired { .. }) => return Err("a password is needed".into()),
        other => return Err(format!("not signed in: {other:?}").into()),
    }
    desktop.stop().await?;
    phone.stop().await?;
    Ok(())
}
