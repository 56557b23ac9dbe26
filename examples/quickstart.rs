//! The README's main job: a bot and a user on an in-process test DC. The bot is two
//! handlers; the user sends it a command and two messages and prints the replies.
//!
//! Against real Telegram, the same code drops `on_test_dc` and takes your own `api_id`
//! and `api_hash` (sessions then live in `echo_bot.session` and `alice.session`).

#[path = "common/test_dc.rs"]
mod test_dc;

use std::time::Duration;

use oxigram::prelude::*;
use oxigram_testdc::{TestDc, TestDcConfig};
use test_dc::on_test_dc;

const BOT_TOKEN: &str = "123456:quickstart";
const PHONE: &str = "9996621234"; // a test number: DC 2, login code 22222

#[tokio::main]
async fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let dc = TestDc::start(TestDcConfig::default()).await?;
    dc.create_bot(BOT_TOKEN, "echo_bot");
    dc.create_user(PHONE, "Alice");
    println!("test DC up: DC 2 at {}", dc.address(2).ok_or("no DC 2")?);

    // The bot: signed in with its token, a handler per kind of message.
    let bot = on_test_dc(&dc, Client::builder("echo_bot"))
        .bot_token(BOT_TOKEN)
        .build()
        .await?;
    println!(
        "bot: signed in as @{}",
        bot.get_me().await?.username.unwrap_or_default()
    );
    bot.on_message(
        filters::command("start") & filters::private,
        |msg: Message| async move {
            msg.reply("Hi! Send me anything.").await?;
            Ok(())
        },
    );
    bot.on_message(
        filters::text & !filters::command_any(),
        |msg: Message| async move {
            msg.reply(format!("echo: {}", msg.text())).await?;
            Ok(())
        },
    );
    let running = tokio::spawn({
        let bot = bot.clone();
        async move { bot.run().await } // until stop(), Ctrl-C or SIGTERM
    });

    // The user: signed in with the code sent to the phone, talking to the bot.
    let user = on_test_dc(&dc, Client::builder("alice")).build().await?;
    let sent = user.send_code(PHONE).await?;
    user.sign_in(&sent, "22222").await?;
    println!(
        "user: signed in as {}",
        user.get_me().await?.first_name.unwrap_or_default()
    );
    for text in ["/start", "hello", "how are you?"] {
        println!("user -> bot: {text}");
        user.send_message("@echo_bot", text).await?;
        let reply = next_incoming(&user).await?;
        println!("bot -> user: {}", reply.text());
    }

    user.stop().await?;
    bot.stop().await?; // run() hands on what it read, then returns
    running.await??;
    println!("done");
    Ok(())
}

/// The next message someone else sent `client` (its own come back as updates too).
async fn next_incoming(
    client: &Client,
) -> std::result::Result<Message, Box<dyn std::error::Error>> {
    loop {
        let update = tokio::time::timeout(Duration::from_secs(10), client.next_update())
            .await??
            .ok_or("the connection closed")?;
        if let Update::Message(message) = update
            && !message.outgoing()
        {
            return Ok(message);
        }
    }
}
