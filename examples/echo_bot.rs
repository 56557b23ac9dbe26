//! A bot with `/start` (and its arguments), `/help`, a menu of buttons, and an echo of
//! everything else, run on the in-process test DC. Alice, a user on a client of her own
//! (examples/common/person.rs), talks to it and checks every answer: the example fails if
//! the bot does not do what it should.
//!
//! Against real Telegram: drop `on_test_dc`, give your own `api_id`/`api_hash`, and call
//! `bot.run()` alone (it stops on Ctrl-C or SIGTERM).

#[path = "common/person.rs"]
mod person;
#[path = "common/test_dc.rs"]
mod test_dc;

use oxigram::prelude::*;
use oxigram_testdc::{TestDc, TestDcConfig};
use person::{Failure, Person};
use test_dc::on_test_dc;

const BOT_TOKEN: &str = "123456:echo";
const HELP: &str = "/start - greeting\n/menu - a question with buttons\nAnything else is echoed.";

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let dc = TestDc::start(TestDcConfig::default()).await?;
    dc.create_bot(BOT_TOKEN, "echo_bot");
    let bot = on_test_dc(&dc, Client::builder("echo_bot"))
        .bot_token(BOT_TOKEN)
        .build()
        .await?;

    bot.on_message(
        filters::command("start") & filters::private,
        |msg: Message| async move {
            // `/start ref42` is what a t.me/echo_bot?start=ref42 link sends.
            let args = msg.command().map(|c| c.args.join(" ")).unwrap_or_default();
            let greeting = match args.as_str() {
                "" => "Hi! Send me anything.".to_string(),
                from => format!("Hi! You came from {from}."),
            };
            msg.reply(greeting).await?;
            Ok(())
        },
    )
    .on_message(filters::command("help"), |msg: Message| async move {
        msg.reply(HELP).await?;
        Ok(())
    })
    .on_message(filters::command("menu"), |msg: Message| async move {
        let keyboard = InlineKeyboard::new().row([
            InlineButton::callback("Yes", "like:yes"),
            InlineButton::callback("No", "like:no"),
        ]);
        msg.reply("Do you like this bot?")
            .reply_markup(keyboard)
            .await?;
        Ok(())
    })
    .on_callback_query(
        filters::regex("^like:(yes|no)$"),
        |query: CallbackQuery| async move {
            let choice = query
                .data_str()
                .unwrap_or_default()
                .trim_start_matches("like:");
            // Answering ends the spinner on the button; editing keeps the choice in the chat
            // (and removes the buttons, so they are pressed once).
            query.answer().text("Thanks!").await?;
            query
                .edit_message_text(format!("You answered: {choice}"))
                .await?;
            Ok(())
        },
    )
    // Commands are excluded so that an unknown one is not echoed back.
    .on_message(
        filters::text & !filters::command_any(),
        |msg: Message| async move {
            msg.reply(msg.text()).await?;
            Ok(())
        },
    );

    // The other side: Alice's part of the chat, checked as it goes.
    let alice = Person::sign_in(&dc, "9996621234", "Alice").await?;
    let stopper = bot.clone();
    let chat = tokio::spawn(async move {
        let verdict = alice_talks(&alice).await;
        // A clean stop: run() below returns once queued updates are handled.
        stopper.stop().await?;
        verdict
    });
    bot.run().await?;
    chat.await??;
    println!("done: every answer was right");
    Ok(())
}

async fn alice_talks(alice: &Person) -> Result<(), Failure> {
    alice.say("@echo_bot", "/start ref42").await?;
    alice.expect("Hi! You came from ref42.").await?;
    alice.say("@echo_bot", "/help").await?;
    alice.expect(HELP).await?;

    alice.say("@echo_bot", "/menu").await?;
    let menu = alice.expect("Do you like this bot?").await?;
    // Pressing waits for the bot's answer to the press.
    let answer = menu.click(0, 0).await?;
    if answer.text.as_deref() != Some("Thanks!") {
        return Err(format!("the press was answered with {:?}", answer.text).into());
    }
    alice.expect_edit("You answered: yes").await?;

    // An unknown command gets no answer: the next thing Alice sees is the echo.
    alice.say("@echo_bot", "/unknown").await?;
    alice.say("@echo_bot", "hello there").await?;
    alice.expect("hello there").await?;
    Ok(())
}
