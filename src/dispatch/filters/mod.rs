//! Built-in filters, and [`create`]/[`create_async`] for your own.
//!
//! Filters combine with `&`, `|` and `!`:
//! `filters::command("start") & filters::private`, `filters::text & !filters::command_any()`.
//! One module per family; everything is re-exported here.
//!
//! | family | filters |
//! | --- | --- |
//! | any | [`all`], [`create`], [`create_async`] |
//! | text | [`text`], [`caption`], [`command`], [`commands`], [`command_any`], [`regex`] |
//! | chat | [`private`], [`group`], [`channel`], [`chat`] |
//! | sender | [`user`], [`me`], [`bot`], [`incoming`], [`outgoing`], [`via_bot`] |
//! | media | [`media`], [`photo`], [`video`], [`audio`], [`voice`], [`video_note`], [`animation`], [`document`], [`sticker`], [`contact`], [`location`], [`venue`], [`poll`], [`dice`], [`game`], [`web_page`] |
//! | message | [`reply`], [`forwarded`], [`mentioned`], [`service`], [`edited`], [`reply_keyboard`], [`inline_keyboard`] |

mod chat;
mod command;
mod custom;
mod flags;
mod media;
mod peer_set;
mod regex;
mod text;
mod users;

pub use chat::{Channel, Chats, Group, Private, channel, chat, group, private};
pub use command::{Commands, command, command_any, commands};
pub use custom::{All, Custom, CustomAsync, all, create, create_async};
pub use flags::{
    Bot, Edited, Forwarded, Incoming, InlineKeyboard, Me, Mentioned, Outgoing, Reply,
    ReplyKeyboard, Service, ViaBot, bot, edited, forwarded, incoming, inline_keyboard, me,
    mentioned, outgoing, reply, reply_keyboard, service, via_bot,
};
pub use media::{
    Animation, Audio, Contact, Dice, Document, Game, Location, Media, Photo, Poll, Sticker, Venue,
    Video, VideoNote, Voice, WebPage, animation, audio, contact, dice, document, game, location,
    media, photo, poll, sticker, venue, video, video_note, voice, web_page,
};
pub use peer_set::{PeerKey, PeerSet};
pub use regex::{Regex, regex, try_regex};
pub use text::{Caption, Text, caption, text};
pub use users::{Users, user};

#[cfg(test)]
mod tests;
