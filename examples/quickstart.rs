//! The README's main job: a bot and a user on an in-process test DC. The bot echoes; the
//! user sends three messages and prints the replies.
//!
//! Against real Telegram the same code connects to a production DC address with
//! Telegram's keys (the `ClientConfig` default) and your own `api_id`/`api_hash`.

use std::time::Duration;

use oxigram::tl::{Deserialize, enums, functions, types};
use oxigram::{ClientConfig, Update};
use oxigram_testdc::{TestDc, TestDcConfig};

const API_ID: i32 = 12345;
const BOT_TOKEN: &str = "123456:quickstart";
const PHONE: &str = "9996621234"; // a test number: DC 2, login code 22222

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dc = TestDc::start(TestDcConfig::default()).await?;
    dc.create_bot(BOT_TOKEN, "echo_bot");
    dc.create_user(PHONE, "Alice");
    let address = dc.address(2).ok_or("no DC 2")?;
    println!("test DC up: DC 2 at {address}");

    let mut config = ClientConfig::new(address, 2, API_ID);
    config.test_dc = true;
    config.keys = vec![dc.public_key().clone()];

    // The bot: sign in with its token, then echo every message it gets.
    let bot = oxigram::tokio::connect(config.clone()).await?;
    bot.invoke(&functions::auth::ImportBotAuthorization {
        flags: 0,
        api_id: API_ID,
        api_hash: "quickstart".into(),
        bot_auth_token: BOT_TOKEN.into(),
    })
    .await?;
    println!("bot: signed in as @echo_bot");
    let echo = bot.clone();
    // Told to stop before the bot closes, so that no reply is cut off half-way.
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    // A reply that fails ends the task with the error, and the example with it.
    let echo_task = tokio::spawn(async move {
        loop {
            let update = tokio::select! {
                update = echo.next_update() => update,
                _ = &mut stopped => break,
            };
            let Some(update) = update else { break };
            if let Some((from, text)) = new_message(&update) {
                let reply = send_message(from, &format!("echo: {text}"));
                echo.invoke(&reply).await?;
            }
        }
        Ok::<(), oxigram::InvokeError>(())
    });

    // The user: sign in with the test number's code, find the bot, talk to it.
    let user = oxigram::tokio::connect(config).await?;
    let enums::auth::SentCode::SentCode(sent) = user
        .invoke(&functions::auth::SendCode {
            phone_number: PHONE.into(),
            api_id: API_ID,
            api_hash: "quickstart".into(),
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
        })
        .await?
    else {
        return Err("unexpected answer to sendCode".into());
    };
    user.invoke(&functions::auth::SignIn {
        phone_number: PHONE.into(),
        phone_code_hash: sent.phone_code_hash,
        phone_code: Some("22222".into()),
        email_verification: None,
    })
    .await?;
    println!("user: signed in as Alice");
    let enums::contacts::ResolvedPeer::ResolvedPeer(found) = user
        .invoke(&functions::contacts::ResolveUsername {
            username: "echo_bot".into(),
            referer: None,
        })
        .await?;
    let bot_peer = input_peer(&found.users[0]).ok_or("no bot")?;

    for text in ["hello", "how are you?", "bye"] {
        println!("user -> bot: {text}");
        user.invoke(&send_message(bot_peer.clone(), text)).await?;
        let reply = loop {
            let update = tokio::time::timeout(Duration::from_secs(10), user.next_update())
                .await?
                .ok_or("the connection closed")?;
            if let Some((_, text)) = new_message(&update) {
                break text;
            }
        };
        println!("bot -> user: {reply}");
    }
    // The echo task finishes the reply it may be sending, then the clients close.
    drop(stop);
    echo_task.await??;
    bot.close().await;
    user.close().await;
    println!("done");
    Ok(())
}

/// The sender (as an input peer) and text of a new private message, if `update` is one.
fn new_message(update: &Update) -> Option<(enums::InputPeer, String)> {
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
    let sender = updates.users.iter().find(|u| match u {
        enums::User::User(u) => u.id == from.user_id,
        enums::User::Empty(_) => false,
    })?;
    Some((input_peer(sender)?, message.message.clone()))
}

fn input_peer(user: &enums::User) -> Option<enums::InputPeer> {
    match user {
        enums::User::User(u) => Some(enums::InputPeer::User(types::InputPeerUser {
            user_id: u.id,
            access_hash: u.access_hash?,
        })),
        enums::User::Empty(_) => None,
    }
}

fn send_message(peer: enums::InputPeer, text: &str) -> functions::messages::SendMessage {
    functions::messages::SendMessage {
        no_webpage: false,
        silent: false,
        background: false,
        clear_draft: false,
        noforwards: false,
        update_stickersets_order: false,
        invert_media: false,
        allow_paid_floodskip: false,
        peer,
        reply_to: None,
        message: text.into(),
        random_id: rand_id(),
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
    }
}

/// A random id for a message (Telegram drops a repeated one as a duplicate).
fn rand_id() -> i64 {
    use std::sync::atomic::{AtomicI64, Ordering};
    static NEXT: AtomicI64 = AtomicI64::new(1);
    let time = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64);
    time ^ NEXT.fetch_add(1, Ordering::Relaxed)
}
