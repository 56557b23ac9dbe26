//! What every media send carries besides the media (chat, caption, reply, keyboard,
//! silence), sent in one place, and the builder methods for those options.

use super::messages::{Text, reply_to};
use super::random_id;
use super::sent::one_message;
use super::target::Target;
use crate::tl::{enums, functions};
use crate::{Client, Message};

/// What every media send carries besides the media.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub(crate) client: Client,
    pub(crate) chat: Target,
    pub(crate) caption: Text,
    pub(crate) reply_to: Option<i32>,
    /// A reply with more than an id (a quote, another chat).
    pub(crate) reply: Option<crate::types::ReplyParameters>,
    pub(crate) reply_markup: Option<enums::ReplyMarkup>,
    pub(crate) silent: bool,
    /// The media shown above the caption.
    pub(crate) invert_media: bool,
}

impl Outgoing {
    pub(crate) fn new(client: Client, chat: Target) -> Self {
        Outgoing {
            client,
            chat,
            caption: Text::default(),
            reply_to: None,
            reply: None,
            reply_markup: None,
            silent: false,
            invert_media: false,
        }
    }

    pub(crate) fn request(
        &self,
        peer: enums::InputPeer,
        media: enums::InputMedia,
        random_id: i64,
    ) -> functions::messages::SendMedia {
        functions::messages::SendMedia {
            silent: self.silent,
            background: false,
            clear_draft: false,
            noforwards: false,
            update_stickersets_order: false,
            invert_media: self.invert_media,
            allow_paid_floodskip: false,
            peer,
            reply_to: reply_to(self.reply_to),
            media,
            message: self.caption.text.clone(),
            random_id,
            reply_markup: self.reply_markup.clone(),
            entities: self.caption.entities.clone(),
            schedule_date: None,
            schedule_repeat_period: None,
            send_as: None,
            quick_reply_shortcut: None,
            effect: None,
            allow_paid_stars: None,
            suggested_post: None,
        }
    }

    pub(crate) async fn send(mut self, media: enums::InputMedia) -> crate::Result<Message> {
        self.caption = self.caption.for_request(&self.client).await?;
        let peer = self.chat.resolve(&self.client).await?;
        let random_id = random_id()?;
        let mut request = self.request(peer, media, random_id);
        if let Some(reply) = &self.reply {
            request.reply_to = Some(reply.input(&self.client).await?);
        }
        let updates = self.client.invoke(request).await?;
        one_message(
            &self.client,
            &updates,
            Some(random_id),
            None,
            "messages.sendMedia",
        )
    }
}

/// The options every media send has, as builder methods.
macro_rules! send_options {
    ($builder:ty) => {
        impl $builder {
            /// Replies to message `id` of the same chat.
            pub fn reply_to(mut self, id: i32) -> Self {
                self.out.reply_to = Some(id);
                self.out.reply = None;
                self
            }

            /// Replies as `reply` says: quoting part of the message, or to a
            /// message of another chat.
            pub fn reply_parameters(mut self, reply: $crate::types::ReplyParameters) -> Self {
                self.out.reply_to = Some(reply.message_id());
                self.out.reply = Some(reply);
                self
            }

            /// Attaches a keyboard ([`InlineKeyboard`](crate::types::InlineKeyboard),
            /// [`ReplyKeyboard`](crate::types::ReplyKeyboard), ...).
            pub fn reply_markup(
                mut self,
                markup: impl Into<$crate::tl::enums::ReplyMarkup>,
            ) -> Self {
                self.out.reply_markup = Some(markup.into());
                self
            }

            /// Sends without a notification sound.
            pub fn silent(mut self) -> Self {
                self.out.silent = true;
                self
            }

            /// How the caption is read (the client's parse mode otherwise).
            pub fn parse_mode(mut self, mode: $crate::text::ParseMode) -> Self {
                self.out.caption.parse_mode = Some(mode);
                self
            }
        }

        $crate::methods::messages::awaitable!($builder => $crate::Message);
    };
}
pub(crate) use send_options;
