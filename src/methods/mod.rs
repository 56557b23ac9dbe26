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
//! - [`media`]: photos, videos, documents and the rest; albums; media edits.
//! - [`photos`]: profile and chat photos.
//! - [`history`]: messages by id, chat history and search as streams, read marks.
//! - [`sends`]: locations, venues, contacts, dice and polls; votes; new keyboards.
//! - [`users`]: looking users up, the account's profile, blocking.
//! - [`contacts`]: the address book.
//! - [`inline`]: inline bots from the user's side.
//! - [`chat_admin`]: reading chats whole, creating, joining, leaving, moderating,
//!   invite links, archiving.
//! - [`members`]: one member, or all of them as a stream.
//! - [`dialogs`]: the chat list as a stream.
//!
//! The values handlers get have the same methods bound to them
//! (`message.reply("hi")`, `query.answer().text("done")`, `request.approve()`).
//!
#![doc = include_str!("README.md")]

pub mod bot_commands;
pub mod bots;
mod bound;
pub mod cached;
pub mod chat_admin;
mod chat_bound;
pub mod chats;
pub mod contacts;
pub mod dialogs;
pub mod history;
pub mod inline;
pub mod media;
pub mod members;
pub mod messages;
mod outgoing;
pub(crate) mod pages;
pub mod photos;
mod resend;
pub mod sends;
mod sent;
mod target;

pub(crate) use target::input_channel;
pub mod users;

pub use bot_commands::{DeleteBotCommands, GetBotCommands, SetBotCommands};
pub use bots::{AnswerCallbackQuery, AnswerInlineQuery, CallbackAnswer, EditQueryMessage};
pub use cached::{CachedMedia, SendCachedMedia};
pub use chat_admin::{
    CreateChannel, CreateChatInviteLink, GetChat, PromoteChatMember, RestrictChatMember,
};
pub use chats::HideJoinRequest;
pub use contacts::AddContact;
pub use dialogs::GetDialogs;
pub use history::{ChatHistory, MessagesFilter, ReadChatHistory, SearchMessages};
pub use inline::{GetInlineBotResults, SendInlineBotResult};
pub use media::{EditMessageMedia, SendMedia, SendMediaGroup};
pub use members::{ChatMembersFilter, GetChatMember, GetChatMembers};
pub use messages::{
    ChatAction, CopyMessage, DeleteMessages, EditMessageText, ForwardMessages, PinMessage,
    SendMessage, SendReaction,
};
pub use photos::{ChatPhotos, SetChatPhoto, SetProfilePhoto};
pub use sends::{EditMessageReplyMarkup, SendContact, SendDice, SendLocation, SendPoll, SendVenue};
pub use users::UpdateProfile;

/// A fresh random id for a message sent (the server drops repeats of one).
pub(crate) fn random_id() -> crate::Result<i64> {
    let seed = oxigram_runtime::os_seed()
        .map_err(|e| crate::Error::Config(format!("no randomness for the message id: {e}")))?;
    let mut id = [0; 8];
    id.copy_from_slice(&seed[..8]);
    Ok(i64::from_le_bytes(id))
}
