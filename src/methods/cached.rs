//! Sending media already on the server again, by its id: no upload.

use std::future::IntoFuture;

use oxigram_runtime::BoxFuture;

use super::outgoing::{Outgoing, send_options};
use super::resend::input_media;
use super::target::Target;
use crate::files::{FileId, FileOrigin, is_expired};
use crate::peers::PeerRef;
use crate::tl::{enums, types};
use crate::types::{Animation, Audio, Document, Photo, Sticker, Video, VideoNote, Voice};
use crate::{Client, Error, Message};

/// Media already on the server: the media of a message, a photo or file read from one
/// ([`Message::photo`], [`Message::document`], [`Message::video`], ...), or a Bot API
/// file id (a [`FileId`] or its string).
///
/// ```no_run
/// # async fn demo(app: oxigram::Client, msg: oxigram::Message) -> oxigram::Result<()> {
/// use oxigram::methods::CachedMedia;
///
/// // A message's media, or the typed media read from it.
/// let media: CachedMedia = match msg.video() {
///     Some(video) => video.into(),
///     None => (&msg).into(),
/// };
/// app.send_cached_media("@archive", media).await?;
/// // Or a Bot API file id.
/// app.send_cached_media("@archive", "BQACAgIAAxkBAAIC...").await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct CachedMedia(Source);

#[derive(Debug, Clone)]
enum Source {
    Message(Box<Message>),
    Input(enums::InputMedia),
    FileId(Box<FileId>),
    /// A file id string, read when sent (a bad one is the send's error).
    Text(String),
}

impl CachedMedia {
    fn input(self) -> crate::Result<enums::InputMedia> {
        match self.0 {
            Source::Input(input) => Ok(input),
            Source::FileId(id) => id.input_media(),
            Source::Text(text) => FileId::decode(&text)?.input_media(),
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

impl CachedMedia {
    /// Where the media came from, for a fresh file reference: a message's own chat.
    fn origin(&self) -> Option<FileOrigin> {
        let Source::Message(message) = &self.0 else {
            return None;
        };
        Some(FileOrigin::Message {
            peer: message.chat().input_peer()?,
            id: message.id(),
        })
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

impl From<FileId> for CachedMedia {
    fn from(id: FileId) -> Self {
        CachedMedia(Source::FileId(Box::new(id)))
    }
}

impl From<&FileId> for CachedMedia {
    fn from(id: &FileId) -> Self {
        id.clone().into()
    }
}

impl From<&str> for CachedMedia {
    fn from(file_id: &str) -> Self {
        CachedMedia(Source::Text(file_id.to_owned()))
    }
}

impl From<String> for CachedMedia {
    fn from(file_id: String) -> Self {
        CachedMedia(Source::Text(file_id))
    }
}

impl From<&String> for CachedMedia {
    fn from(file_id: &String) -> Self {
        file_id.as_str().into()
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
    out: Outgoing,
    media: CachedMedia,
}

impl SendCachedMedia {
    /// Adds a caption.
    pub fn caption(mut self, text: impl Into<String>) -> Self {
        self.out.caption.text = text.into();
        self
    }

    /// Sends; a stale file reference in a message's media is refreshed from the
    /// message once, and the media sent again.
    async fn send(self) -> crate::Result<Message> {
        let origin = self.media.origin();
        let again = origin.is_some().then(|| self.out.clone());
        let media = self.media.input()?;
        let expired = match self.out.send(media).await {
            Err(e) if is_expired(&e) => e,
            other => return other,
        };
        let (Some(origin), Some(again)) = (origin, again) else {
            return Err(expired);
        };
        match origin.message_media(&again.client).await? {
            Some(media) => again.send(input_media(&media)?).await,
            None => Err(expired),
        }
    }
}

send_options!(SendCachedMedia);

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
        let mut out = Outgoing::new(self.client().clone(), Target::Known(self.chat().clone()));
        out.reply_to = Some(self.id());
        SendCachedMedia {
            out,
            media: media.into(),
        }
    }
}

impl Client {
    /// Sends media already on the server to `chat` again, by its id (no upload): a
    /// message's media, a photo or file read from a message, or a Bot API file id.
    ///
    /// ```no_run
    /// # async fn demo(client: oxigram::Client, message: oxigram::Message) -> oxigram::Result<()> {
    /// if let Some(photo) = message.photo() {
    ///     client.send_cached_media("me", photo).caption("again").await?;
    /// }
    /// client
    ///     .send_cached_media("me", "CAACAgQAAxkBAAIFDF6YtEvR0cUHdlqq6W9IN3pDroKzAAKIAAOI_8AV6TJIsFy4Oc8YBA")
    ///     .await?;
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
            out: Outgoing::new(self.clone(), Target::named(chat)),
            media: media.into(),
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

    #[test]
    fn file_ids_are_sent_as_the_photo_or_document_they_name() {
        use crate::files::{FileError, FileIdError, FileType};
        let sticker = FileId::document(FileType::Sticker, 2, 7, 8, vec![1]);
        let Ok(enums::InputMedia::Document(input)) =
            CachedMedia::from(sticker.encode().unwrap()).input()
        else {
            panic!("a sticker is sent as its document");
        };
        assert!(matches!(
            input.id,
            enums::InputDocument::InputDocument(types::InputDocument {
                id: 7,
                access_hash: 8,
                ..
            })
        ));
        let photo = FileId::photo(2, 9, 10, vec![2], 'y');
        assert!(matches!(
            CachedMedia::from(&photo).input(),
            Ok(enums::InputMedia::Photo(p)) if matches!(
                p.id,
                enums::InputPhoto::InputPhoto(types::InputPhoto { id: 9, access_hash: 10, .. })
            )
        ));
        let bad = CachedMedia::from("no id").input().unwrap_err();
        assert!(
            matches!(bad, Error::File(FileError::FileId(FileIdError::Base64))),
            "{bad}"
        );
        let secret = FileId::document(FileType::Encrypted, 2, 1, 1, Vec::new());
        let refused = CachedMedia::from(secret).input().unwrap_err();
        assert!(matches!(refused, Error::Unsupported(_)), "{refused}");
    }
}
