//! The admin plugin: `/disable NAME` and `/enable NAME` switch other plugins at run time.

use oxigram::prelude::*;

/// Commands only `admin` may give; from anyone else they are left to later handlers.
pub fn router(admin: i64) -> Router {
    Router::new("admin").on_message(
        filters::commands(["enable", "disable"]) & filters::user([admin]),
        switch,
    )
}

async fn switch(msg: Message) -> HandlerResult {
    let Some(command) = msg.command() else {
        return Ok(());
    };
    let Some(name) = command.args.first() else {
        msg.reply("Which plugin?").await?;
        return Ok(());
    };
    // The switch takes effect for the next update; handlers already running finish.
    let dispatcher = msg.client().dispatcher();
    let found = match command.name.as_str() {
        "enable" => dispatcher.enable(name),
        _ => dispatcher.disable(name),
    };
    let text = if found {
        format!("{name}: {}d", command.name)
    } else {
        format!("There is no plugin named {name}.")
    };
    msg.reply(text).await?;
    Ok(())
}
