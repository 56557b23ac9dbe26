//! Sending files as media: photos, videos, documents and the rest, one at a time or as
//! an album, and replacing a message's media. Files are uploaded first
//! ([`Client::save_file`]); URLs are fetched by the server.

use std::future::IntoFuture;

use oxigram_runtime::BoxFuture;

use super::messages::{Text, awaitable, reply_to};
use super::outgoing::{Outgoing, send_options};
use super::random_id;
use super::sent::{messages_in, one_message};
use super::target::Target;
use crate::files::{FileSource, SaveFile};
use crate::peers::PeerRef;
use crate::tl::{enums, functions, types};
use crate::types::{InputMedia, SendKind};
use crate::{Client, Error, Message};

/// The most items an album holds.
pub const MAX_ALBUM: usize = 10;

/// The input media for `media` (its file uploaded, its parts `parallel` at a time, or
/// its URL as it is) and its caption.
async fn prepare(
    client: &Client,
    mut media: InputMedia,
    parallel: Option<usize>,
) -> crate::Result<(enums::InputMedia, Text)> {
    media.check()?;
    let mime = media.mime();
    let caption = std::mem::take(&mut media.caption);
    // The source moves into the upload; what describes the file stays in `media`.
    let input = match std::mem::replace(&mut media.source, FileSource::Url(String::new())) {
        FileSource::Url(url) => media.external(url),
        source => {
            let mut save = SaveFile::new(client.clone(), source);
            if let Some(n) = parallel {
                save = save.parallel(n);
            }
            let file = save.await?;
            media.uploaded(file.input_file, &file.name, mime)
        }
    };
    Ok((input, caption))
}

/// Sends one photo, video, document, ...: [`Client::send_photo`] and the others,
/// [`Message::reply_photo`] and the others. The media's own setters (caption, duration,
/// ...) are here too.
#[derive(Debug)]
#[must_use = "a request is sent when it is awaited"]
pub struct SendMedia {
    out: Outgoing,
    media: InputMedia,
    parallel: Option<usize>,
}

/// Forwards a setter to the media being sent.
macro_rules! media_setters {
    ($($(#[$doc:meta])* $fn:ident($($arg:ident: $ty:ty),*);)*) => {$(
        $(#[$doc])*
        pub fn $fn(mut self $(, $arg: $ty)*) -> Self {
            self.media = self.media.$fn($($arg),*);
            self
        }
    )*};
}

impl SendMedia {
    pub(crate) fn new(client: Client, chat: Target, media: InputMedia) -> Self {
        SendMedia {
            out: Outgoing::new(client, chat),
            media,
            parallel: None,
        }
    }

    media_setters! {
        /// The caption (not for stickers and video notes).
        caption(caption: impl Into<String>);
        /// Formats the caption with these entities (UTF-16 offsets).
        caption_entities(entities: Vec<enums::MessageEntity>);
        /// Hides the media under a spoiler (photos, videos, animations).
        spoiler();
        /// The length in seconds (videos, animations, audio, voice and video notes).
        duration(seconds: f64);
        /// Width and height in pixels (videos, animations, video notes).
        size(width: i32, height: i32);
        /// The track's title (audio).
        title(title: impl Into<String>);
        /// The track's performer (audio).
        performer(performer: impl Into<String>);
        /// The file name the recipient sees (not for photos).
        file_name(name: impl Into<String>);
        /// The MIME type, in place of the one the name suggests (not for photos).
        mime_type(mime: impl Into<String>);
        /// Marks a video as playable while it downloads.
        supports_streaming();
        /// The emoji a sticker stands for.
        emoji(emoji: impl Into<String>);
    }

    /// Uploads up to `n` parts of the file at once.
    pub fn parallel(mut self, n: usize) -> Self {
        self.parallel = Some(n);
        self
    }

    async fn send(mut self) -> crate::Result<Message> {
        let (media, mut caption) = prepare(&self.out.client, self.media, self.parallel).await?;
        // A parse mode set on this builder reads the media's caption.
        caption.parse_mode = caption.parse_mode.or(self.out.caption.parse_mode);
        self.out.caption = caption;
        self.out.send(media).await
    }
}

send_options!(SendMedia);

/// Sends an album: [`Client::send_media_group`]. Returns its messages in the order
/// given.
#[derive(Debug)]
#[must_use = "a request is sent when it is awaited"]
pub struct SendMediaGroup {
    client: Client,
    chat: Target,
    media: Vec<InputMedia>,
    reply_to: Option<i32>,
    silent: bool,
}

impl SendMediaGroup {
    /// Replies to message `id` of the same chat.
    pub fn reply_to(mut self, id: i32) -> Self {
        self.reply_to = Some(id);
        self
    }

    /// Sends without a notification sound.
    pub fn silent(mut self) -> Self {
        self.silent = true;
        self
    }

    async fn send(self) -> crate::Result<Vec<Message>> {
        album_fits(&self.media)?;
        let peer = self.chat.resolve(&self.client).await?;
        let mut items = Vec::with_capacity(self.media.len());
        let mut random_ids = Vec::with_capacity(self.media.len());
        for media in self.media {
            let (input, caption) = prepare(&self.client, media, None).await?;
            let caption = caption.for_request(&self.client).await?;
            // An album takes media already on the server: each upload becomes a
            // photo or document by id first.
            let uploaded = self
                .client
                .invoke(functions::messages::UploadMedia {
                    business_connection_id: None,
                    peer: peer.clone(),
                    media: input,
                })
                .await?;
            let random_id = random_id()?;
            random_ids.push(random_id);
            items.push(enums::InputSingleMedia::InputSingleMedia(Box::new(
                types::InputSingleMedia {
                    media: super::resend::input_media(&uploaded)?,
                    random_id,
                    message: caption.text,
                    entities: caption.entities,
                },
            )));
        }
        let updates = self
            .client
            .invoke(functions::messages::SendMultiMedia {
                silent: self.silent,
                background: false,
                clear_draft: false,
                noforwards: false,
                update_stickersets_order: false,
                invert_media: false,
                allow_paid_floodskip: false,
                peer,
                reply_to: reply_to(self.reply_to),
                multi_media: items,
                schedule_date: None,
                send_as: None,
                quick_reply_shortcut: None,
                effect: None,
                allow_paid_stars: None,
            })
            .await?;
        let messages = messages_in(&self.client, &updates, &random_ids);
        if messages.len() < random_ids.len() {
            return Err(Error::Unexpected(format!(
                "messages.sendMultiMedia answered with {} of the {} messages sent",
                messages.len(),
                random_ids.len()
            )));
        }
        Ok(messages.into_iter().take(random_ids.len()).collect())
    }
}

awaitable!(SendMediaGroup => Vec<Message>);

/// What Telegram takes as an album: 2 to 10 photos and videos, or documents only, or
/// audio only.
fn album_fits(media: &[InputMedia]) -> crate::Result<()> {
    use SendKind::*;
    if !(2..=MAX_ALBUM).contains(&media.len()) {
        return Err(Error::Config(format!(
            "an album holds 2 to {MAX_ALBUM} items, not {}",
            media.len()
        )));
    }
    let kinds: Vec<SendKind> = media.iter().map(InputMedia::kind).collect();
    let all = |allowed: &[SendKind]| kinds.iter().all(|k| allowed.contains(k));
    if all(&[Photo, Video]) || all(&[Document]) || all(&[Audio]) {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "an album is photos and videos, documents only, or audio only; not {kinds:?}"
        )))
    }
}

/// Replaces a message's media: [`Client::edit_message_media`].
#[derive(Debug)]
#[must_use = "a request is sent when it is awaited"]
pub struct EditMessageMedia {
    client: Client,
    chat: Target,
    id: i32,
    media: InputMedia,
    reply_markup: Option<enums::ReplyMarkup>,
}

impl EditMessageMedia {
    /// Replaces the keyboard too.
    pub fn reply_markup(mut self, markup: impl Into<enums::ReplyMarkup>) -> Self {
        self.reply_markup = Some(markup.into());
        self
    }

    async fn send(self) -> crate::Result<Message> {
        let peer = self.chat.resolve(&self.client).await?;
        let (media, caption) = prepare(&self.client, self.media, None).await?;
        let caption = caption.for_request(&self.client).await?;
        let updates = self
            .client
            .invoke(functions::messages::EditMessage {
                no_webpage: false,
                invert_media: false,
                peer,
                id: self.id,
                message: Some(caption.text),
                media: Some(media),
                reply_markup: self.reply_markup,
                entities: caption.entities,
                schedule_date: None,
                schedule_repeat_period: None,
                quick_reply_shortcut_id: None,
                rich_message: None,
            })
            .await?;
        one_message(&self.client, &updates, None, None, "messages.editMessage")
    }
}

awaitable!(EditMessageMedia => Message);

/// `Client::send_photo` and its kin, each a [`SendMedia`] of one kind.
macro_rules! send_kinds {
    ($($(#[$doc:meta])* $fn:ident => $ctor:ident;)*) => {
        impl Client {$(
            $(#[$doc])*
            pub fn $fn(&self, chat: impl Into<PeerRef>, file: impl Into<FileSource>) -> SendMedia {
                SendMedia::new(self.clone(), Target::named(chat), InputMedia::$ctor(file))
            }
        )*}
    };
}

send_kinds! {
    /// Sends a photo from a path, bytes, a reader or a URL; returns the new message.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.send_photo("me", "cat.jpg").caption("a cat").await?;
    /// # Ok(())
    /// # }
    /// ```
    send_photo => photo;
    /// Sends a video (`.duration()`, `.size()`, `.supports_streaming()`).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.send_video("me", "clip.mp4")
    ///     .caption("the launch")
    ///     .duration(42.0)
    ///     .size(1920, 1080)
    ///     .supports_streaming()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    send_video => video;
    /// Sends a file as a file, whatever it holds.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client, pdf: Vec<u8>) -> oxigram::Result<()> {
    /// use oxigram::files::FileSource;
    /// app.send_document("me", FileSource::bytes("report.pdf", pdf)).await?;
    /// # Ok(())
    /// # }
    /// ```
    send_document => document;
    /// Sends music (`.title()`, `.performer()`, `.duration()`).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.send_audio("me", "song.mp3")
    ///     .title("Song")
    ///     .performer("Band")
    ///     .duration(215.0)
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    send_audio => audio;
    /// Sends a voice note (OGG/Opus).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.send_voice("@alice", "note.ogg").duration(7.0).await?;
    /// # Ok(())
    /// # }
    /// ```
    send_voice => voice;
    /// Sends an animation (a silent looping video, or a GIF).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.send_animation("me", "dance.gif").spoiler().await?;
    /// # Ok(())
    /// # }
    /// ```
    send_animation => animation;
    /// Sends a sticker (`.emoji()`).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.send_sticker("me", "wave.webp").emoji("👋").await?;
    /// # Ok(())
    /// # }
    /// ```
    send_sticker => sticker;
    /// Sends a round video message (`.size(side, side)`, `.duration()`).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.send_video_note("@alice", "round.mp4").size(384, 384).duration(9.0).await?;
    /// # Ok(())
    /// # }
    /// ```
    send_video_note => video_note;
}

impl Client {
    /// Sends 2 to 10 media as one album; returns its messages.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// use oxigram::types::InputMedia;
    /// let album = app
    ///     .send_media_group("me", [InputMedia::photo("a.jpg"), InputMedia::photo("b.jpg")])
    ///     .await?;
    /// assert_eq!(album.len(), 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn send_media_group(
        &self,
        chat: impl Into<PeerRef>,
        media: impl IntoIterator<Item = InputMedia>,
    ) -> SendMediaGroup {
        SendMediaGroup {
            client: self.clone(),
            chat: Target::named(chat),
            media: media.into_iter().collect(),
            reply_to: None,
            silent: false,
        }
    }

    /// Replaces the media (and caption) of message `id` in `chat`; returns the edited
    /// message.
    ///
    /// ```no_run
    /// # use oxigram::types::InputMedia;
    /// # async fn demo(app: oxigram::Client, id: i32) -> oxigram::Result<()> {
    /// let edited = app
    ///     .edit_message_media("me", id, InputMedia::photo("new.jpg").caption("updated"))
    ///     .await?;
    /// assert!(edited.photo().is_some());
    /// # Ok(())
    /// # }
    /// ```
    pub fn edit_message_media(
        &self,
        chat: impl Into<PeerRef>,
        id: i32,
        media: InputMedia,
    ) -> EditMessageMedia {
        EditMessageMedia {
            client: self.clone(),
            chat: Target::named(chat),
            id,
            media,
            reply_markup: None,
        }
    }
}

/// `Message::reply_photo` and its kin: the media sent to the message's chat as a reply.
macro_rules! reply_kinds {
    ($($(#[$doc:meta])* $fn:ident => $ctor:ident;)*) => {
        impl Message {$(
            $(#[$doc])*
            pub fn $fn(&self, file: impl Into<FileSource>) -> SendMedia {
                SendMedia::new(
                    self.client().clone(),
                    Target::Known(self.chat().clone()),
                    InputMedia::$ctor(file),
                )
                .reply_to(self.id())
            }
        )*}
    };
}

reply_kinds! {
    /// Replies with a photo.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.reply_photo("chart.png").caption("this week").await?;
    /// # Ok(())
    /// # }
    /// ```
    reply_photo => photo;
    /// Replies with a video.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.reply_video("how-to.mp4").supports_streaming().await?;
    /// # Ok(())
    /// # }
    /// ```
    reply_video => video;
    /// Replies with a file.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.reply_document("report.pdf").file_name("Q3 report.pdf").await?;
    /// # Ok(())
    /// # }
    /// ```
    reply_document => document;
    /// Replies with music.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.reply_audio("song.mp3").title("Song").performer("Band").await?;
    /// # Ok(())
    /// # }
    /// ```
    reply_audio => audio;
    /// Replies with a voice note.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.reply_voice("answer.ogg").await?;
    /// # Ok(())
    /// # }
    /// ```
    reply_voice => voice;
    /// Replies with an animation.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.reply_animation("applause.mp4").await?;
    /// # Ok(())
    /// # }
    /// ```
    reply_animation => animation;
    /// Replies with a sticker.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.reply_sticker("thumbs_up.webp").await?;
    /// # Ok(())
    /// # }
    /// ```
    reply_sticker => sticker;
    /// Replies with a round video message.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.reply_video_note("round.mp4").size(384, 384).await?;
    /// # Ok(())
    /// # }
    /// ```
    reply_video_note => video_note;
}

impl Message {
    /// Replaces this message's media (this account's messages, or a bot's own).
    ///
    /// ```no_run
    /// # use oxigram::types::InputMedia;
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// let chart = msg.reply_photo("chart-v1.png").await?;
    /// chart.edit_media(InputMedia::photo("chart-v2.png")).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn edit_media(&self, media: InputMedia) -> EditMessageMedia {
        EditMessageMedia {
            client: self.client().clone(),
            chat: Target::Known(self.chat().clone()),
            id: self.id(),
            media,
            reply_markup: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn albums_are_two_to_ten_of_kinds_that_go_together() {
        let photos = |n| {
            (0..n)
                .map(|_| InputMedia::photo("a.jpg"))
                .collect::<Vec<_>>()
        };
        assert!(album_fits(&photos(2)).is_ok());
        assert!(album_fits(&photos(10)).is_ok());
        assert!(album_fits(&photos(1)).is_err());
        assert!(album_fits(&photos(11)).is_err());
        let mixed = [InputMedia::photo("a.jpg"), InputMedia::video("b.mp4")];
        assert!(album_fits(&mixed).is_ok());
        let wrong = [InputMedia::photo("a.jpg"), InputMedia::document("b.pdf")];
        let error = album_fits(&wrong).unwrap_err();
        assert!(error.to_string().contains("photos and videos"), "{error}");
    }
}
