//! A bot split into plugins: each module returns a `Router`, which the bot includes by
//! name. An admin switches the fun plugin off and on again with commands while the bot
//! runs, and a handler in group -1 sees every message before the plugins do.
//!
//! On the in-process test DC, Alice (the admin) and Bob talk to the bot; the example fails
//! if an answer is missing or wrong, or if the log missed a message.

#[path = "../common/person.rs"]
mod person;
#[path = "../common/test_dc.rs"]
mod test_dc;

mod admin;
mod fun;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use oxigram::prelude::*;
use oxigram_testdc::{TestDc, TestDcConfig};
use person::{Failure, Person, run_while};
use test_dc::on_test_dc;

const BOT_TOKEN: &str = "123456:plugins";

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let dc = TestDc::start(TestDcConfig::default()).await?;
    dc.create_bot(BOT_TOKEN, "plugin_bot");
    let bot = on_test_dc(&dc, Client::builder("plugin_bot"))
        .bot_token(BOT_TOKEN)
        .build()
        .await?;
    let alice = Person::sign_in(&dc, "9996621234", "Alice").await?;
    let bob = Person::sign_in(&dc, "9996625678", "Bob").await?;

    bot.include(admin::router(alice.id)).include(fun::router());

    // Group -1 runs before the plugins in group 0; `Continue` lets the message go on.
    let logged = Arc::new(AtomicUsize::new(0));
    let log = logged.clone();
    bot.on_message_in(-1, filters::all, move |msg: Message| {
        let log = log.clone();
        async move {
            log.fetch_add(1, Ordering::Relaxed);
            println!("[log] chat {}: {}", msg.chat().id(), msg.text());
            Continue
        }
    });
    // Added after the plugins: a command none of them took (or one switched off).
    bot.on_message(filters::command_any(), |msg: Message| async move {
        msg.reply("Unknown command.").await?;
        Ok(())
    });

    run_while(&bot, async move {
        alice.say("@plugin_bot", "/shout hello").await?;
        alice.expect("HELLO").await?;
        // Bob is no admin: his /disable is an unknown command to him.
        bob.say("@plugin_bot", "/disable fun").await?;
        bob.expect("Unknown command.").await?;

        alice.say("@plugin_bot", "/disable fun").await?;
        alice.expect("fun: disabled").await?;
        alice.say("@plugin_bot", "/shout hello").await?;
        alice.expect("Unknown command.").await?;

        alice.say("@plugin_bot", "/enable fun").await?;
        alice.expect("fun: enabled").await?;
        alice.say("@plugin_bot", "/reverse stressed").await?;
        alice.expect("desserts").await?;
        Ok(())
    })
    .await?;

    let logged = logged.load(Ordering::Relaxed);
    if logged != 6 {
        return Err(format!("group -1 logged {logged} messages of the 6 sent").into());
    }
    println!("done: the plugins answered, switched, and every message was logged");
    Ok(())
}
