//! The README's main job: a bot and a user on an in-process test DC. The bot echoes what
//! it is sent; the user sends three messages and prints the replies.
//!
//! Against real Telegram, the same code drops `on_test_dc` and takes your own `api_id`
//! and `api_hash` (sessions then live in `echo_bot.session` and `alice.session`).

#[path = "common/test_dc.rs"]
mod test_dc;

use std::time::Duration;

use oxigram::tl::{Deserialize, enums};
use oxigram::{Client, WireUpdate};
use oxigram_testdc::{TestDc, TestDcConfig};
use test_dc::on_test_dc;

const BOT_TOKEN: &str = "123456:quickstart";
const PHONE: &str = "9996621234"; // a test number: DC 2, login code 22222

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dc = TestDc::start(TestDcConfig::default()).await?;
    dc.create_bot(BOT_TOKEN, "echo_bot");
    dc.create_user(PHONE, "Alice");
    println!("test DC up: DC 2 at {}", dc.address(2).ok_or("no DC 2")?);

    // The bot signs in with its token and echoes every message it gets.
    let bot = on_test_dc(&dc, Client::builder("echo_bot"))
        .bot_token(BOT_TOKEN)
        .build()
        .await?;
    println!(
        "bot: signed in as @{}",
        bot.get_me().await?.username.unwrap_or_default()
    );
    let echo = bot.clone();
    let echo_task = tokio::spawn(async move {
        while let Some(update) = echo.next_raw_update().await? {
            if let Some((from, text)) = new_message(&update) {
                echo.send_message(from, format!("echo: {text}")).await?;
            }
        }
        Ok::<(), oxigram::Error>(())
    });

    // The user signs in with the code sent to the phone, and talks to the bot.
    let user = on_test_dc(&dc, Client::builder("alice")).build().await?;
    let sent = user.send_code(PHONE).await?;
    user.sign_in(&sent, "22222").await?;
    println!(
        "user: signed in as {}",
        user.get_me().await?.first_name.unwrap_or_default()
    );
    for text in ["hello", "how are you?", "bye"] {
        println!("user -> bot: {text}");
        user.send_message("@echo_bot", text).await?;
        let reply = loop {
            let update = tokio::time::timeout(Duration::from_secs(10), user.next_raw_update())
                .await??
                .ok_or("the connection closed")?;
            if let Some((_, text)) = new_message(&update) {
                break text;
            }
        };
        println!("bot -> user: {reply}");
    }

    user.stop().await?;
    bot.stop().await?;
    // The bot's connection is closed: its update stream ends, and with it the task.
    echo_task.await??;
    println!("done");
    Ok(())
}

/// The sender's id and the text of a new private message, if `update` is one.
fn new_message(update: &WireUpdate) -> Option<(i64, String)> {
    let enums::Updates::Updates(updates) = enums::Updates::from_bytes(&update.body).ok()? else {
        return None;
    };
    let enums::Update::NewMessage(new) = updates.updates.first()? else {
        return None;
    };
    let enums::Message::Message(message) = &new.message else {
        return None;
    };
    let Some(enums::Peer::User(from)) = &message.from_id else {
        return None;
    };
    Some((from.user_id, message.message.clone()))
}
