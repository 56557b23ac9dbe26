//! Signing in on the terminal, against an in-process test DC: `Client::start` asks for
//! a phone number (or a bot token), the code and the two-step password; with `--qr` it
//! draws a QR code instead, and this example plays the phone that accepts it: paste the
//! printed `tg://login?token=…` link back in.
//!
//! ```sh
//! cargo run --example terminal_login --features terminal          # phone 9996621234, code 22222, password "secret"
//! cargo run --example terminal_login --features terminal -- --qr  # then paste the link
//! ```

#[path = "common/test_dc.rs"]
mod test_dc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oxigram::Client;
use oxigram::client::SignIn;
use oxigram::tl::functions;
use oxigram_testdc::{TestDc, TestDcConfig};
use test_dc::on_test_dc;

const PHONE: &str = "9996621234";
const BOT_TOKEN: &str = "123456:terminal";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let qr = std::env::args().any(|a| a == "--qr");
    let dc = TestDc::start(TestDcConfig::default()).await?;
    let alice = dc.create_user(PHONE, "Alice");
    dc.set_password(alice, "secret");
    dc.create_bot(BOT_TOKEN, "terminal_bot");
    println!("test DC up: phone {PHONE} (code 22222, password \"secret\"), bot token {BOT_TOKEN}");

    let client = on_test_dc(&dc, Client::builder("terminal")).build().await?;

    let me = if qr {
        // The "phone": Alice signed in elsewhere, accepting the link typed back in.
        let phone = on_test_dc(&dc, Client::builder("phone")).build().await?;
        let sent = phone.send_code(PHONE).await?;
        if let SignIn::PasswordRequired { .. } = phone.sign_in(&sent, "22222").await? {
            phone.check_password("secret").await?;
        }
        // A plain thread reads the line: it must not keep the runtime from ending.
        let (tx, typed) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let read = std::io::stdin().read_line(&mut line).map(|_| line);
            if tx.send(read).is_err() {
                eprintln!("phone: nobody waits for the link any more");
            }
        });
        let accept = tokio::spawn(async move {
            let link = typed.await??;
            let token = link
                .trim()
                .strip_prefix("tg://login?token=")
                .ok_or("not a login link")?;
            let token = URL_SAFE_NO_PAD.decode(token)?;
            phone
                .invoke(functions::auth::AcceptLoginToken {
                    token: token.into(),
                })
                .await?;
            println!("phone: accepted the login");
            Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
        });
        let me = client.start_qr().await?;
        accept.await?.map_err(|e| e.to_string())?;
        me
    } else {
        client.start().await?
    };
    let name = me.first_name.unwrap_or_default();
    println!("Signed in as {name} ({})", me.id);
    client.stop().await?;
    Ok(())
}
