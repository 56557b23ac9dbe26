//! What a message replies to: a message of the same chat or (with
//! [`ReplyParameters::chat`]) of another, optionally quoting part of it.

use crate::peers::PeerRef;
use crate::tl::{enums, types};
use crate::{Client, Error};

/// A reply, as Bot API's `ReplyParameters`:
///
/// ```no_run
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// use oxigram::types::ReplyParameters;
/// app.send_message("@group", "exactly")
///     .reply_parameters(ReplyParameters::new(42).quote("the part I mean"))
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct ReplyParameters {
    message_id: i32,
    chat: Option<PeerRef>,
    quote: Option<String>,
    quote_entities: Option<Vec<enums::MessageEntity>>,
    quote_position: Option<i32>,
}

impl ReplyParameters {
    /// A reply to message `message_id` of the chat the message goes to.
    pub fn new(message_id: i32) -> Self {
        ReplyParameters {
            message_id,
            chat: None,
            quote: None,
            quote_entities: None,
            quote_position: None,
        }
    }

    /// The message replied to is in `chat`, not in the chat the reply goes to.
    pub fn chat(mut self, chat: impl Into<PeerRef>) -> Self {
        self.chat = Some(chat.into());
        self
    }

    /// Quotes this part of the message replied to (it must be a piece of its text).
    pub fn quote(mut self, text: impl Into<String>) -> Self {
        self.quote = Some(text.into());
        self
    }

    /// The quote's formatting, as entities (UTF-16 offsets within the quote).
    pub fn quote_entities(mut self, entities: Vec<enums::MessageEntity>) -> Self {
        self.quote_entities = Some(entities);
        self
    }

    /// Where the quote starts in the message replied to, in UTF-16 code units (its
    /// first place otherwise).
    pub fn quote_position(mut self, offset: i32) -> Self {
        self.quote_position = Some(offset);
        self
    }

    /// The id of the message replied to.
    pub fn message_id(&self) -> i32 {
        self.message_id
    }

    /// Whether the message replied to is in another chat.
    pub(crate) fn in_other_chat(&self) -> bool {
        self.chat.is_some()
    }

    /// The reply as requests take it, the other chat resolved.
    pub(crate) async fn input(&self, client: &Client) -> crate::Result<enums::InputReplyTo> {
        let reply_to_peer_id = match &self.chat {
            Some(chat) => Some(client.resolve_peer(chat.clone()).await?),
            None => None,
        };
        if self.quote.as_deref() == Some("") {
            return Err(Error::Config("an empty quote quotes nothing".into()));
        }
        Ok(enums::InputReplyTo::Message(Box::new(
            types::InputReplyToMessage {
                reply_to_msg_id: self.message_id,
                top_msg_id: None,
                reply_to_peer_id,
                quote_text: self.quote.clone(),
                quote_entities: self.quote_entities.clone(),
                quote_offset: self.quote_position,
                monoforum_peer_id: None,
                todo_item_id: None,
                poll_option: None,
            },
        )))
    }
}

impl From<i32> for ReplyParameters {
    fn from(message_id: i32) -> Self {
        ReplyParameters::new(message_id)
    }
}
