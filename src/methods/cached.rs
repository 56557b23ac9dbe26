//! Sending media already on the server again, by its id: no upload.

use std::future::IntoFuture;

use oxigram_runtime::BoxFuture;

use super::messages::awaitable;
use super::random_id;
use super::resend::input_media;
use super::sent::one_message;
use super::target::Target;
use crate::peers::PeerRef;
use crate::tl::{enums, functions, types};
use crate::types::{Animation, Audio, Document, Photo, Sticker, Video, VideoNote, Voice};
use crate::{Client, Error, Message};

/// Media already on the server: the media of a message, or a photo or file read from
/// one ([`Message::photo`], [`Message::document`], [`Message::video`], ...). Bot API
/// file id strings are not read here.
#[derive(Debug, Clone)]
pub struct CachedMedia(Source);

#[derive(Debug, Clone)]
enum Source {
    Message(Box<Message>),
    Input(enums::InputMedia),
}

impl CachedMedia {
    fn input(self) -> crate::Result<enums::InputMedia> {
        match self.0 {
            Source::Input(input) => Ok(input),
            Source::Message(message) => match message.raw_media() {
                None | Some(enums::MessageMedia::Empty) => Err(Error::Unsupported(format!(
                    "message {} has no media to send",
                    message.id()
                ))),
                Some(media) => input_media(media),
            },
        }
    }
}

impl From<&Message> for CachedMedia {
    fn from(message: &Message) -> Self {
        CachedMedia(Source::Message(Box::new(message.clone())))
    }
}

impl From<Message> for CachedMedia {
    fn from(message: Message) -> Self {
        CachedMedia(Source::Message(Box::new(message)))
    }
}

impl From<Photo> for CachedMedia {
    fn from(photo: Photo) -> Self {
        let raw = photo.raw();
        CachedMedia(Source::Input(enums::InputMedia::Photo(Box::new(
            types::InputMediaPhoto {
                spoiler: photo.has_spoiler(),
                id: enums::InputPhoto::InputPhoto(types::InputPhoto {
                    id: raw.id,
                    access_hash: raw.access_hash,
                    file_reference: raw.file_reference.clone(),
                }),
                ttl_seconds: None,
                video: None,
            },
        ))))
    }
}

impl From<Document> for CachedMedia {
    fn from(document: Document) -> Self {
        let raw = document.raw();
        CachedMedia(Source::Input(enums::InputMedia::Document(Box::new(
            types::InputMediaDocument {
                spoiler: document.has_spoiler(),
                id: enums::InputDocument::InputDocument(types::InputDocument {
                    id: raw.id,
                    access_hash: raw.access_hash,
                    file_reference: raw.file_reference.clone(),
                }),
                video_cover: None,
                video_timestamp: None,
                ttl_seconds: None,
                query: None,
            },
        ))))
    }
}

impl From<&Photo> for CachedMedia {
    fn from(photo: &Photo) -> Self {
        photo.clone().into()
    }
}

impl From<&Document> for CachedMedia {
    fn from(document: &Document) -> Self {
        document.clone().into()
    }
}

/// Each kind of file is sent again as the document it is.
macro_rules! cached_document {
    ($($kind:ty),*) => {
        $(
            impl From<$kind> for CachedMedia {
                fn from(kind: $kind) -> Self {
                    Document::from(kind).into()
                }
            }
        )*
    };
}

cached_document!(Video, Audio, Voice, Animation, Sticker, VideoNote);

/// Sends media already on the server: [`Client::send_cached_media`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct SendCachedMedia {
    client: Client,
    chat: Target,
    media: CachedMedia,
    caption: String,
    reply_to: Option<i32>,
    reply_markup: Option<enums::ReplyMarkup>,
    silent: bool,
}

impl SendCachedMedia {
    /// Adds a caption.
    pub fn caption(mut self, text: impl Into<String>) -> Self {
        self.caption = text.into();
        self
    }

    /// Replies to message `id` of the same chat.
    pub fn reply_to(mut self, id: i32) -> Self {
        self.reply_to = Some(id);
        self
    }

    /// Attaches a keyboard.
    pub fn reply_markup(mut self, markup: impl Into<enums::ReplyMarkup>) -> Self {
        self.reply_markup = Some(markup.into());
        self
    }

    /// Sends without a notification sound.
    pub fn silent(mut self) -> Self {
        self.silent = true;
        self
    }

    async fn send(self) -> crate::Result<Message> {
        let media = self.media.input()?;
        let peer = self.chat.resolve(&self.client).await?;
        let random_id = random_id()?;
        let reply_to = self.reply_to.map(|reply_to_msg_id| {
            enums::InputReplyTo::Message(Box::new(types::InputReplyToMessage {
                reply_to_msg_id,
                top_msg_id: None,
                reply_to_peer_id: None,
                quote_text: None,
                quote_entities: None,
                quote_offset: None,
                monoforum_peer_id: None,
                todo_item_id: None,
                poll_option: None,
            }))
        });
        let updates = self
            .client
            .invoke(functions::messages::SendMedia {
                silent: self.silent,
                background: false,
                clear_draft: false,
                noforwards: false,
                update_stickersets_order: false,
                invert_media: false,
                allow_paid_floodskip: false,
                peer,
                reply_to,
                media,
                message: self.caption,
                random_id,
                reply_markup: self.reply_markup,
                entities: None,
                schedule_date: None,
                schedule_repeat_period: None,
                send_as: None,
                quick_reply_shortcut: None,
                effect: None,
                allow_paid_stars: None,
                suggested_post: None,
            })
            .await?;
        one_message(
            &self.client,
            &updates,
            Some(random_id),
            None,
            "messages.sendMedia",
        )
    }
}

awaitable!(SendCachedMedia => Message);

impl Message {
    /// Replies to this message, in its chat, with media already on the server (see
    /// [`Client::send_cached_media`]).
    ///
    /// ```no_run
    /// # async fn demo(message: oxigram::Message, earlier: oxigram::Message) -> oxigram::Result<()> {
    /// message.reply_cached_media(&earlier).caption("this one?").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn reply_cached_media(&self, media: impl Into<CachedMedia>) -> SendCachedMedia {
        SendCachedMedia {
            client: self.client().clone(),
            chat: Target::Known(self.chat().clone()),
            media: media.into(),
            caption: String::new(),
            reply_to: Some(self.id()),
            reply_markup: None,
            silent: false,
        }
    }
}

impl Client {
    /// Sends media already on the server to `chat` again, by its id (no upload): a
    /// message's media, or a photo or file read from a message.
    ///
    /// ```no_run
    /// # async fn demo(client: oxigram::Client, message: oxigram::Message) -> oxigram::Result<()> {
    /// if let Some(photo) = message.photo() {
    ///     client.send_cached_media("me", photo).caption("again").await?;
    /// }
    /// client.send_cached_media("@archive", &message).silent().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn send_cached_media(
        &self,
        chat: impl Into<PeerRef>,
        media: impl Into<CachedMedia>,
    ) -> SendCachedMedia {
        SendCachedMedia {
            client: self.clone(),
            chat: Target::named(chat),
            media: media.into(),
            caption: String::new(),
            reply_to: None,
            reply_markup: None,
            silent: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::testing;

    #[test]
    fn typed_files_are_sent_by_their_document_and_a_text_message_has_nothing_to_send() {
        let media = crate::types::media::tests::document(vec![enums::DocumentAttribute::Audio(
            types::DocumentAttributeAudio {
                voice: true,
                duration: 2,
                title: None,
                performer: None,
                waveform: None,
            },
        )]);
        let voice = Voice::from_media(&media).expect("a voice note");
        let Ok(enums::InputMedia::Document(input)) = CachedMedia::from(voice).input() else {
            panic!("a voice note is sent again as its document");
        };
        assert!(matches!(
            input.id,
            enums::InputDocument::InputDocument(types::InputDocument {
                id: 1,
                access_hash: 2,
                ..
            })
        ));
        let client = testing::client(Some(1));
        let text = testing::private_message(&client, 3, 5, "no media");
        let refused = CachedMedia::from(&text).input().unwrap_err();
        assert!(matches!(refused, Error::Unsupported(_)), "{refused}");
    }
}
