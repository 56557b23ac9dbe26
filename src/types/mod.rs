//! The high-level values handlers get: [`Update`]s made of [`Message`]s,
//! [`CallbackQuery`]s, [`InlineQuery`]s, membership changes and the rest, each with its
//! [`Chat`] and [`User`]s found and a client handle for bound methods
//! (`message.reply("hi").await?`).
//!
//! A value is made from a raw update and the users and chats that came with it
//! ([`Update::from_raw`]); a peer not carried is looked up in the peer cache, and one
//! the cache does not know either still gives a value with its id.

mod bot_commands;
mod bot_results;
mod callback;
pub(crate) mod carried;
pub(crate) mod chat;
mod chat_info;
mod chat_member;
pub(crate) mod command;
mod dialog;
mod inline;
mod inline_result;
mod input_media;
mod keyboard;
mod link_preview;
pub(crate) mod media;
mod members;
pub(crate) mod message;
mod message_info;
mod message_media;
mod permissions;
pub(crate) mod places;
mod reply;
mod status;
#[cfg(test)]
pub(crate) mod testing;
mod update;
mod user;

pub use crate::text::MessageText;
pub use bot_commands::{BotCommand, BotCommandScope};
pub use bot_results::{BotResult, BotResults, WebDocument};
pub use callback::CallbackQuery;
pub(crate) use chat::is_peer;
pub use chat::{Chat, ChatKind};
pub use chat_info::{ChatInfo, ChatInviteLink, ChatPreview, InviteLinkTarget};
pub use chat_member::ChatMember;
pub use command::{Command, Matches};
pub use dialog::Dialog;
pub use inline::{ChosenInlineResult, InlineQuery};
pub use inline_result::InlineQueryResult;
pub use input_media::{InputMedia, SendKind};
pub use keyboard::{
    ForceReply, InlineButton, InlineKeyboard, RemoveKeyboard, ReplyButton, ReplyKeyboard,
};
pub use link_preview::LinkPreviewOptions;
pub use media::MediaKind;
pub use members::{ChatJoinRequest, ChatMemberUpdated, DeletedMessages, MemberStatus};
pub use message::Message;
pub use message_media::{
    Animation, Audio, Document, Photo, PhotoSize, Sticker, Video, VideoNote, Voice,
};
pub use permissions::{ChatPermissions, ChatPrivileges};
pub use places::{Contact, Dice, Location, Poll, PollOption, Venue};
pub use reply::ReplyParameters;
pub use status::{Status, UserStatus};
pub use update::{RawUpdate, Update};
pub use user::User;
