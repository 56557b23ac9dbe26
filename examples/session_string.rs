//! Moving a session: a bot signs in once on the test DC, its session is exported as a
//! string in each library's format, and a new client starts from each string already
//! signed in — no token, no code.
//!
//! A string exported here works in Pyrogram (`Client(session_string=…)`) or Telethon
//! (`StringSession(…)`), and theirs work here (`.session_string(…)`).

#[path = "common/test_dc.rs"]
mod test_dc;

use oxigram::Client;
use oxigram::storage::SessionFormat;
use oxigram_testdc::{TestDc, TestDcConfig};
use test_dc::on_test_dc;

const BOT_TOKEN: &str = "4242:strings";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dc = TestDc::start(TestDcConfig::default()).await?;
    dc.create_bot(BOT_TOKEN, "strings_bot");

    let bot = on_test_dc(&dc, Client::builder("strings_bot"))
        .bot_token(BOT_TOKEN)
        .build()
        .await?;
    let id = bot.get_me().await?.id;
    println!("signed in once as bot {id}");

    for format in [
        SessionFormat::Oxigram,
        SessionFormat::Pyrogram,
        SessionFormat::Telethon,
    ] {
        let string = bot.export_session_string(format)?;
        println!(
            "{format}: {}…{} ({} characters)",
            &string[..12],
            &string[string.len() - 6..],
            string.len()
        );
        let moved = on_test_dc(&dc, Client::builder("moved"))
            .session_string(string)
            .build()
            .await?;
        let me = moved.get_me().await?;
        if me.id != id {
            return Err(
                format!("the {format} string signed in as {} instead of {id}", me.id).into(),
            );
        }
        println!("{format}: a new client from the string is bot {}", me.id);
        moved.stop().await?;
    }
    bot.stop().await?;
    Ok(())
}
