//! The everyday methods, one module per category, as awaitable builders:
//! `client.send_message(chat, "hi").reply_to(id).await?`. Each builder is sent when
//! awaited (or `.wait()`ed without an async runtime) and returns high-level values
//! ([`Message`](crate::Message)) where Telegram answers with the message.
//!
//! - [`messages`]: sending, editing, deleting, forwarding, copying, reactions, pins,
//!   chat actions.
//! - [`bots`]: answering callback and inline queries, pressing buttons.
//! - [`bot_commands`]: a bot's command lists per scope and language.
//! - [`cached`]: media already on the server, sent again.
//! - [`chats`]: join requests.
//! - [`users`]: looking users up, the account's profile, blocking.
//! - [`contacts`]: the address book.
//! - [`inline`]: inline bots from the user's side.
//!
//! The values handlers get have the same methods bound to them
//! (`message.reply("hi")`, `query.answer().text("done")`, `request.approve()`).

pub mod bot_commands;
pub mod bots;
mod bound;
pub mod cached;
pub mod chats;
pub mod contacts;
pub mod inline;
pub mod messages;
// Used by the paged methods (history, search, dialogs, members).
#[allow(dead_code)]
pub(crate) mod pages;
mod resend;
mod sent;
mod target;
pub mod users;

pub use bot_commands::{DeleteBotCommands, GetBotCommands, SetBotCommands};
pub use bots::{AnswerCallbackQuery, AnswerInlineQuery, CallbackAnswer, EditQueryMessage};
pub use cached::{CachedMedia, SendCachedMedia};
pub use chats::HideJoinRequest;
pub use contacts::AddContact;
pub use inline::{GetInlineBotResults, SendInlineBotResult};
pub use messages::{
    ChatAction, CopyMessage, DeleteMessages, EditMessageText, ForwardMessages, PinMessage,
    SendMessage, SendReaction,
};
pub use users::UpdateProfile;

/// A fresh random id for a message sent (the server drops repeats of one).
fn random_id() -> crate::Result<i64> {
    let seed = oxigram_runtime::os_seed()
        .map_err(|e| crate::Error::Config(format!("no randomness for the message id: {e}")))?;
    let mut id = [0; 8];
    id.copy_from_slice(&seed[..8]);
    Ok(i64::from_le_bytes(id))
}
