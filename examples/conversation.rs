//! A conversation inside one handler: the bot asks for a name (`ask`), then waits for a
//! number (`listen`), and gives up on an answer that does not come in time. On the
//! in-process test DC, Ada plays the user twice: once answering, once silent; the
//! example fails if the bot's side of either is wrong.

#[path = "common/person.rs"]
mod person;
#[path = "common/test_dc.rs"]
mod test_dc;

use std::time::Duration;

use oxigram::dispatch::ListenError;
use oxigram::prelude::*;
use oxigram_testdc::{TestDc, TestDcConfig};
use person::{Failure, Person, run_while};
use test_dc::on_test_dc;

const BOT_TOKEN: &str = "123456:conversation";
/// Short, so that the silent run below times out quickly; a real bot would wait longer.
const ANSWER_TIME: Duration = Duration::from_secs(3);
const TOO_SLOW: &str = "Too slow; send /register to start again.";

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let dc = TestDc::start(TestDcConfig::default()).await?;
    dc.create_bot(BOT_TOKEN, "register_bot");
    let bot = on_test_dc(&dc, Client::builder("register_bot"))
        .bot_token(BOT_TOKEN)
        .build()
        .await?;

    bot.on_message(filters::command("register"), |msg: Message| async move {
        // `ask` sends the question and waits for the next message in this chat; the
        // answer goes to this handler, not to the other handlers.
        let name = match msg.ask("What is your name?").timeout(ANSWER_TIME).await {
            Ok(answer) => answer.text().to_string(),
            Err(Error::Listen(ListenError::Timeout(_))) => {
                msg.answer(TOO_SLOW).await?;
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        // `listen` waits for a message that passes a filter: here only a number is
        // taken; anything else goes on to the handlers below. It listens from the moment
        // it is made, so it is made before the question goes out.
        let age = msg
            .client()
            .listen(msg.chat().id(), filters::regex(r"^\d+$"))
            .timeout(ANSWER_TIME);
        msg.answer(format!("Nice to meet you, {name}! How old are you?"))
            .await?;
        match age.await {
            Ok(age) => msg.answer(format!("{name}, {}: registered.", age.text())),
            Err(ListenError::Timeout(_)) => msg.answer(TOO_SLOW),
            Err(e) => return Err(e.into()),
        }
        .await?;
        Ok(())
    })
    .on_message(filters::text, |msg: Message| async move {
        msg.reply("Please send a number.").await?;
        Ok(())
    });

    let ada = Person::sign_in(&dc, "9996621234", "Ada").await?;
    run_while(&bot, async move {
        // Answered: a name, a word the listener passes over, then a number.
        ada.say("@register_bot", "/register").await?;
        ada.expect("What is your name?").await?;
        ada.say("@register_bot", "Ada").await?;
        ada.expect("Nice to meet you, Ada! How old are you?")
            .await?;
        ada.say("@register_bot", "thirty-six").await?;
        ada.expect("Please send a number.").await?;
        ada.say("@register_bot", "36").await?;
        ada.expect("Ada, 36: registered.").await?;

        // Silent: the question times out and the bot says so.
        ada.say("@register_bot", "/register").await?;
        ada.expect("What is your name?").await?;
        ada.expect(TOO_SLOW).await?;
        Ok(())
    })
    .await?;
    println!("done: both conversations went as they should");
    Ok(())
}
