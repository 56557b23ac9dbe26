//! The high-level values handlers get: [`Update`]s made of [`Message`]s,
//! [`CallbackQuery`]s, [`InlineQuery`]s, membership changes and the rest, each with its
//! [`Chat`] and [`User`]s found and a client handle for bound methods
//! (`message.reply("hi").await?`).
//!
//! A value is made from a raw update and the users and chats that came with it
//! ([`Update::from_raw`]); a peer not carried is looked up in the peer cache, and one
//! the cache does not know either still gives a value with its id.

mod callback;
pub(crate) mod carried;
mod chat;
pub(crate) mod command;
mod inline;
mod inline_result;
mod keyboard;
pub(crate) mod media;
mod members;
pub(crate) mod message;
mod status;
#[cfg(test)]
pub(crate) mod testing;
mod update;
mod user;

pub use crate::text::MessageText;
pub use callback::CallbackQuery;
pub use chat::{Chat, ChatKind};
pub use command::{Command, Matches};
pub use inline::{ChosenInlineResult, InlineQuery};
pub use inline_result::InlineQueryResult;
pub use keyboard::{
    ForceReply, InlineButton, InlineKeyboard, RemoveKeyboard, ReplyButton, ReplyKeyboard,
};
pub use media::MediaKind;
pub use members::{ChatJoinRequest, ChatMemberUpdated, DeletedMessages, MemberStatus};
pub use message::Message;
pub use status::{Status, UserStatus};
pub use update::{RawUpdate, Update};
pub use user::User;
