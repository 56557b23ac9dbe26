//! Filters on the media a message holds.

use super::flags::message_filter;
use crate::dispatch::filter::{Check, Filter, impl_ops};
use crate::types::{MediaKind, Message};

message_filter! {
    /// Any media, link previews included.
    media: Media = |m| m.media().is_some();
    /// A photo.
    photo: Photo = |m| m.media() == Some(MediaKind::Photo);
    /// A video file.
    video: Video = |m| m.media() == Some(MediaKind::Video);
    /// A music file.
    audio: Audio = |m| m.media() == Some(MediaKind::Audio);
    /// A voice note.
    voice: Voice = |m| m.media() == Some(MediaKind::Voice);
    /// A round video message.
    video_note: VideoNote = |m| m.media() == Some(MediaKind::VideoNote);
    /// A GIF or a silent looping video.
    animation: Animation = |m| m.media() == Some(MediaKind::Animation);
    /// Any other file.
    document: Document = |m| m.media() == Some(MediaKind::Document);
    /// A sticker.
    sticker: Sticker = |m| m.media() == Some(MediaKind::Sticker);
    /// A shared contact.
    contact: Contact = |m| m.media() == Some(MediaKind::Contact);
    /// A location.
    location: Location = |m| m.media() == Some(MediaKind::Location);
    /// A venue.
    venue: Venue = |m| m.media() == Some(MediaKind::Venue);
    /// A poll.
    poll: Poll = |m| m.media() == Some(MediaKind::Poll);
    /// A dice (or another animated emoji with a random value).
    dice: Dice = |m| m.media() == Some(MediaKind::Dice);
    /// A game.
    game: Game = |m| m.media() == Some(MediaKind::Game);
    /// A link preview.
    web_page: WebPage = |m| m.media() == Some(MediaKind::WebPage);
}
