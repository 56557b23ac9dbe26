//! A userbot: a user account (signed in with phone and code) whose handlers act on its
//! own outgoing messages, `.ping` typed on any of its devices becoming `pong`, and answer
//! private messages while its owner is away.
//!
//! On the in-process test DC, the owner's phone is simulated by the server (a message
//! sent "elsewhere" reaches the account's own sessions as outgoing), and Bob, a friend on
//! a client of his own, checks what he sees; the example fails if it is wrong.

#[path = "common/person.rs"]
mod person;
#[path = "common/test_dc.rs"]
mod test_dc;

use std::sync::Arc;

use oxigram::client::SignIn;
use oxigram::prelude::*;
use oxigram_testdc::{TestDc, TestDcConfig};
use person::{Failure, Person, run_while};
use test_dc::on_test_dc;

const PHONE: &str = "9996621234"; // a test number: DC 2, login code 22222
const AWAY: &str = "I am away right now; I will answer when I am back.";

#[tokio::main]
async fn main() -> Result<(), Failure> {
    // Shared with the simulated phone below.
    let dc = Arc::new(TestDc::start(TestDcConfig::default()).await?);
    let me = dc.create_user(PHONE, "Owner");

    // Against Telegram, `app.start()` (feature `terminal`) asks for the phone and code.
    let app = on_test_dc(&dc, Client::builder("my_account"))
        .build()
        .await?;
    let sent = app.send_code(PHONE).await?;
    let SignIn::Done(_) = app.sign_in(&sent, "22222").await? else {
        return Err("the account wants a password or a sign-up".into());
    };

    // Own messages only (`outgoing`), and a `.` prefix, as userbot commands go: a `/`
    // would look like a bot command to the people in the chat.
    app.on_message(
        filters::outgoing & filters::command("ping").prefixes(["."]),
        |msg: Message| async move {
            msg.edit_text("pong").await?;
            Ok(())
        },
    )
    // People writing privately get a note; bots and our own messages do not.
    .on_message(
        filters::incoming & filters::private & !filters::bot,
        |msg: Message| async move {
            msg.reply(AWAY).await?;
            Ok(())
        },
    );

    let bob = Person::sign_in(&dc, "9996625678", "Bob").await?;
    let phone = dc.clone();
    run_while(&app, async move {
        // The owner greets Bob from the phone (a plain message: left as it is), then
        // types `.ping`; Bob sees it turn into `pong`.
        phone.send_message_elsewhere(me, bob.id, "hi Bob");
        bob.expect("hi Bob").await?;
        phone.send_message_elsewhere(me, bob.id, ".ping");
        let ping = bob.expect(".ping").await?;
        bob.expect_edit("pong").await?;
        // Bob writes back (in the chat he now knows) and gets the away note.
        ping.reply("are you there?").await?;
        bob.expect(AWAY).await?;
        Ok(())
    })
    .await?;
    println!("done: .ping became pong and Bob got the away note");
    Ok(())
}
