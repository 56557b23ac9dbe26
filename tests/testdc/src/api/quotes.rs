//! Replies that quote part of the message they answer: the quote must be a piece of
//! that message's text, at the UTF-16 offset given (Telegram answers
//! `QUOTE_TEXT_INVALID` otherwise).

use oxigram_tl::enums;

use super::{ApiState, Reply, error};
use crate::world::PeerRef;

impl ApiState {
    /// The quote a reply carries, checked against the message replied to in `me`'s box
    /// of chat `to`; `None` for a reply without one.
    pub(super) fn reply_quote(
        &self,
        me: i64,
        to: PeerRef,
        reply_to: Option<&enums::InputReplyTo>,
    ) -> Result<Option<(String, i32)>, Box<Reply>> {
        let Some(enums::InputReplyTo::Message(m)) = reply_to else {
            return Ok(None);
        };
        let Some(quote) = m.quote_text.as_ref().filter(|q| !q.is_empty()) else {
            return Ok(None);
        };
        let invalid = || Box::new(error(400, "QUOTE_TEXT_INVALID"));
        let replied = self
            .world
            .message_in(me, to, m.reply_to_msg_id)
            .ok_or_else(|| Box::new(error(400, "REPLY_MESSAGE_ID_INVALID")))?;
        let text: Vec<u16> = replied.text.encode_utf16().collect();
        let quoted: Vec<u16> = quote.encode_utf16().collect();
        // Where the quote is: at the offset given, else its first place in the text.
        let at = |offset: usize| text.get(offset..offset + quoted.len()) == Some(&quoted[..]);
        let offset = match m.quote_offset {
            Some(offset) => usize::try_from(offset)
                .ok()
                .filter(|&o| at(o))
                .ok_or_else(invalid)?,
            None => (0..=text.len().saturating_sub(quoted.len()))
                .find(|&o| at(o))
                .ok_or_else(invalid)?,
        };
        Ok(Some((quote.clone(), offset as i32)))
    }
}
