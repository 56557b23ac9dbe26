//! What a message holds beyond its text: places, contacts, dice and polls, its view
//! count, forward date and media group.

use super::Message;
use super::places::{self, Contact, Dice, Location, Poll, Venue};
use crate::tl::enums;

impl Message {
    /// The place sent, for a location or a venue.
    pub fn location(&self) -> Option<Location> {
        places::location(self.raw_media()?)
    }

    /// The venue sent.
    pub fn venue(&self) -> Option<Venue> {
        places::venue(self.raw_media()?)
    }

    /// The contact shared.
    pub fn contact(&self) -> Option<Contact> {
        places::contact(self.raw_media()?)
    }

    /// The dice thrown.
    pub fn dice(&self) -> Option<Dice> {
        places::dice(self.raw_media()?)
    }

    /// The poll, with the votes as of when the message was read.
    pub fn poll(&self) -> Option<Poll> {
        places::poll(self.raw_media()?)
    }

    /// How many times a channel post was seen (`None` elsewhere).
    pub fn views(&self) -> Option<i32> {
        match self.raw() {
            enums::Message::Message(m) => m.views_and_forwards.map(|(views, _)| views),
            _ => None,
        }
    }

    /// When the original was sent (unix time), for a forwarded message.
    pub fn forward_date(&self) -> Option<i32> {
        match self.forward_header()? {
            enums::MessageFwdHeader::MessageFwdHeader(h) => Some(h.date),
        }
    }

    /// The album this message belongs to: messages sent together share the id.
    pub fn media_group_id(&self) -> Option<i64> {
        match self.raw() {
            enums::Message::Message(m) => m.grouped_id,
            _ => None,
        }
    }
}
