//! The everyday methods, one module per category, as awaitable builders:
//! `client.send_message(chat, "hi").reply_to(id).await?`. Each builder is sent when
//! awaited (or `.wait()`ed without an async runtime) and returns high-level values
//! ([`Message`](crate::Message)) where Telegram answers with the message.
//!
//! - [`messages`]: sending, editing, deleting, forwarding, copying, reactions, pins,
//!   chat actions.
//! - [`bots`]: answering callback and inline queries, pressing buttons.
//! - [`chats`]: join requests.
//! - [`chat_admin`]: reading chats whole, creating, joining, leaving, moderating,
//!   invite links, archiving.
//! - [`members`]: one member, or all of them as a stream.
//! - [`dialogs`]: the chat list as a stream.
//!
//! The values handlers get have the same methods bound to them
//! (`message.reply("hi")`, `query.answer().text("done")`, `request.approve()`).

pub mod bots;
mod bound;
pub mod chat_admin;
mod chat_bound;
pub mod chats;
pub mod dialogs;
pub mod members;
pub mod messages;
pub(crate) mod pages;
mod resend;
mod sent;
mod target;

pub use bots::{AnswerCallbackQuery, AnswerInlineQuery, CallbackAnswer, EditQueryMessage};
pub use chat_admin::{
    CreateChannel, CreateChatInviteLink, GetChat, PromoteChatMember, RestrictChatMember,
};
pub use chats::HideJoinRequest;
pub use dialogs::GetDialogs;
pub use members::{ChatMembersFilter, GetChatMember, GetChatMembers};
pub use messages::{
    ChatAction, CopyMessage, DeleteMessages, EditMessageText, ForwardMessages, PinMessage,
    SendMessage, SendReaction,
};

/// A fresh random id for a message sent (the server drops repeats of one).
fn random_id() -> crate::Result<i64> {
    let seed = oxigram_runtime::os_seed()
        .map_err(|e| crate::Error::Config(format!("no randomness for the message id: {e}")))?;
    let mut id = [0; 8];
    id.copy_from_slice(&seed[..8]);
    Ok(i64::from_le_bytes(id))
}
