//! The fun plugin: commands an admin may switch off.

use oxigram::prelude::*;

/// `/shout words` and `/reverse words`.
pub fn router() -> Router {
    Router::new("fun")
        .on_message(filters::command("shout"), shout)
        .on_message(filters::command("reverse"), reverse)
}

/// The command's arguments as one string (the filter left the command on the message).
fn words(msg: &Message) -> String {
    msg.command().map(|c| c.args.join(" ")).unwrap_or_default()
}

async fn shout(msg: Message) -> HandlerResult {
    msg.reply(words(&msg).to_uppercase()).await?;
    Ok(())
}

async fn reverse(msg: Message) -> HandlerResult {
    msg.reply(words(&msg).chars().rev().collect::<String>())
        .await?;
    Ok(())
}
