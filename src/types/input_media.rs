//! Media to send: what kind, from where, with which caption and attributes. One type
//! serves [`Client::send_media_group`](crate::Client::send_media_group),
//! [`Client::edit_message_media`](crate::Client::edit_message_media) and (behind the
//! scenes) every `send_photo`-like method.

use crate::files::FileSource;
use crate::methods::messages::Text;
use crate::tl::{enums, types};

/// The kinds of media a file is sent as.
///
/// ```no_run
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// use oxigram::types::{InputMedia, SendKind};
///
/// // The kind chosen at run time (`InputMedia::photo` and the others fix it).
/// let album = ["beach.jpg", "waves.mp4"].map(|name| {
///     let kind = if name.ends_with(".mp4") { SendKind::Video } else { SendKind::Photo };
///     InputMedia::new(kind, name.into())
/// });
/// app.send_media_group("me", album).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SendKind {
    /// A photo (compressed by Telegram, shown inline).
    Photo,
    /// A video.
    Video,
    /// A GIF-like silent looping video.
    Animation,
    /// Music, with title and performer.
    Audio,
    /// A voice note (OGG/Opus).
    Voice,
    /// A file, shown as a file whatever it holds.
    Document,
    /// A sticker (WebP, TGS or WebM).
    Sticker,
    /// A round video message.
    VideoNote,
}

impl SendKind {
    fn name(self) -> &'static str {
        match self {
            SendKind::Photo => "photo",
            SendKind::Video => "video",
            SendKind::Animation => "animation",
            SendKind::Audio => "audio",
            SendKind::Voice => "voice note",
            SendKind::Document => "document",
            SendKind::Sticker => "sticker",
            SendKind::VideoNote => "video note",
        }
    }

    /// The MIME type a file of this kind gets when its name says nothing better.
    fn default_mime(self) -> &'static str {
        match self {
            SendKind::Photo => "image/jpeg",
            SendKind::Video | SendKind::Animation | SendKind::VideoNote => "video/mp4",
            SendKind::Audio => "audio/mpeg",
            SendKind::Voice => "audio/ogg",
            SendKind::Sticker => "image/webp",
            SendKind::Document => "application/octet-stream",
        }
    }
}

/// A photo, video, file, ... to send, with its caption and attributes:
///
/// ```no_run
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// use oxigram::types::InputMedia;
/// app.send_media_group("me", [
///     InputMedia::photo("beach.jpg").caption("the beach"),
///     InputMedia::video("waves.mp4").duration(12.5).size(1280, 720),
/// ]).await?;
/// # Ok(())
/// # }
/// ```
///
/// A setter that does not apply to the kind (a duration on a photo) makes the request
/// fail with [`Error::Config`](crate::Error::Config) rather than be dropped silently.
#[derive(Debug)]
pub struct InputMedia {
    pub(crate) kind: SendKind,
    pub(crate) source: FileSource,
    pub(crate) caption: Text,
    spoiler: bool,
    duration: Option<f64>,
    size: Option<(i32, i32)>,
    title: Option<String>,
    performer: Option<String>,
    file_name: Option<String>,
    mime_type: Option<String>,
    supports_streaming: bool,
    emoji: Option<String>,
    /// The first setter used on a kind it does not apply to.
    misuse: Option<&'static str>,
}

macro_rules! kinds {
    ($($(#[$doc:meta])* $fn:ident => $kind:ident;)*) => {$(
        $(#[$doc])*
        pub fn $fn(source: impl Into<FileSource>) -> Self {
            InputMedia::new(SendKind::$kind, source.into())
        }
    )*};
}

impl InputMedia {
    kinds! {
        /// A photo.
        photo => Photo;
        /// A video.
        video => Video;
        /// An animation (a silent looping video, or a GIF).
        animation => Animation;
        /// A music file.
        audio => Audio;
        /// A voice note (OGG/Opus).
        voice => Voice;
        /// A file, shown as a file.
        document => Document;
        /// A sticker.
        sticker => Sticker;
        /// A round video message.
        video_note => VideoNote;
    }

    /// `source` sent as `kind`.
    pub fn new(kind: SendKind, source: FileSource) -> Self {
        InputMedia {
            kind,
            source,
            caption: Text::default(),
            spoiler: false,
            duration: None,
            size: None,
            title: None,
            performer: None,
            file_name: None,
            mime_type: None,
            supports_streaming: false,
            emoji: None,
            misuse: None,
        }
    }

    /// The kind it is sent as.
    pub fn kind(&self) -> SendKind {
        self.kind
    }

    /// Notes a setter used where it does not apply.
    fn allow(&mut self, what: &'static str, kinds: &[SendKind]) {
        if !kinds.contains(&self.kind) && self.misuse.is_none() {
            self.misuse = Some(what);
        }
    }

    /// The caption shown under it (not for stickers and video notes).
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        use SendKind::*;
        self.allow(
            "a caption",
            &[Photo, Video, Animation, Audio, Voice, Document],
        );
        self.caption.text = caption.into();
        self
    }

    /// How the caption is read (the client's parse mode otherwise).
    pub fn parse_mode(mut self, mode: crate::text::ParseMode) -> Self {
        self.caption.parse_mode = Some(mode);
        self
    }

    /// Formats the caption with these entities (UTF-16 offsets).
    pub fn caption_entities(mut self, entities: Vec<enums::MessageEntity>) -> Self {
        self.caption.entities = Some(entities);
        self
    }

    /// Hides it under a spoiler (photos, videos, animations).
    pub fn spoiler(mut self) -> Self {
        use SendKind::*;
        self.allow("a spoiler", &[Photo, Video, Animation]);
        self.spoiler = true;
        self
    }

    /// Its length in seconds (videos, animations, audio, voice notes, video notes).
    pub fn duration(mut self, seconds: f64) -> Self {
        use SendKind::*;
        self.allow("a duration", &[Video, Animation, Audio, Voice, VideoNote]);
        self.duration = Some(seconds);
        self
    }

    /// Its width and height in pixels (videos, animations; a video note's side twice).
    pub fn size(mut self, width: i32, height: i32) -> Self {
        use SendKind::*;
        self.allow("a size", &[Video, Animation, VideoNote]);
        self.size = Some((width, height));
        self
    }

    /// The track's title (audio).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.allow("a title", &[SendKind::Audio]);
        self.title = Some(title.into());
        self
    }

    /// The track's performer (audio).
    pub fn performer(mut self, performer: impl Into<String>) -> Self {
        self.allow("a performer", &[SendKind::Audio]);
        self.performer = Some(performer.into());
        self
    }

    /// The file name the recipient sees, in place of the source's (not for photos).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        use SendKind::*;
        self.allow(
            "a file name",
            &[Video, Animation, Audio, Voice, Document, Sticker, VideoNote],
        );
        self.file_name = Some(name.into());
        self
    }

    /// The MIME type, in place of the one the name suggests (not for photos).
    pub fn mime_type(mut self, mime: impl Into<String>) -> Self {
        use SendKind::*;
        self.allow(
            "a MIME type",
            &[Video, Animation, Audio, Voice, Document, Sticker, VideoNote],
        );
        self.mime_type = Some(mime.into());
        self
    }

    /// Marks a video as playable while it downloads.
    pub fn supports_streaming(mut self) -> Self {
        self.allow("streaming support", &[SendKind::Video]);
        self.supports_streaming = true;
        self
    }

    /// The emoji a sticker stands for.
    pub fn emoji(mut self, emoji: impl Into<String>) -> Self {
        self.allow("an emoji", &[SendKind::Sticker]);
        self.emoji = Some(emoji.into());
        self
    }

    /// An error for a setter used on a kind it does not apply to, or for attributes
    /// given with a URL (the server reads them from the file it fetches).
    pub(crate) fn check(&self) -> crate::Result<()> {
        if let Some(what) = self.misuse {
            return Err(crate::Error::Config(format!(
                "{what} does not apply to a {}",
                self.kind.name()
            )));
        }
        let attributes = self.duration.is_some()
            || self.size.is_some()
            || self.title.is_some()
            || self.performer.is_some()
            || self.file_name.is_some()
            || self.mime_type.is_some();
        if matches!(self.source, FileSource::Url(_)) && attributes {
            return Err(crate::Error::Config(format!(
                "a {} sent by URL takes its attributes from the file the server fetches",
                self.kind.name()
            )));
        }
        Ok(())
    }

    /// The MIME type sent: the one given, else the name's, else the kind's.
    pub(crate) fn mime(&self) -> String {
        if let Some(mime) = &self.mime_type {
            return mime.clone();
        }
        match self.source.mime_type() {
            // A name without a known extension: the kind says more.
            m if m == "application/octet-stream" => self.kind.default_mime().to_owned(),
            m => m,
        }
    }

    /// The input media for a URL the server fetches.
    pub(crate) fn external(&self, url: String) -> enums::InputMedia {
        match self.kind {
            SendKind::Photo => enums::InputMedia::PhotoExternal(types::InputMediaPhotoExternal {
                spoiler: self.spoiler,
                url,
                ttl_seconds: None,
            }),
            _ => enums::InputMedia::DocumentExternal(types::InputMediaDocumentExternal {
                spoiler: self.spoiler,
                url,
                ttl_seconds: None,
                video_cover: None,
                video_timestamp: None,
            }),
        }
    }

    /// The input media for a file uploaded as `name`, of type `mime` (from
    /// [`InputMedia::mime`], asked before the source moved into the upload).
    pub(crate) fn uploaded(
        &self,
        file: enums::InputFile,
        name: &str,
        mime: String,
    ) -> enums::InputMedia {
        if self.kind == SendKind::Photo {
            return enums::InputMedia::UploadedPhoto(Box::new(types::InputMediaUploadedPhoto {
                spoiler: self.spoiler,
                file,
                stickers: None,
                ttl_seconds: None,
                video: None,
            }));
        }
        enums::InputMedia::UploadedDocument(Box::new(types::InputMediaUploadedDocument {
            nosound_video: false,
            force_file: self.kind == SendKind::Document,
            spoiler: self.spoiler,
            file,
            thumb: None,
            mime_type: mime,
            attributes: self.attributes(name),
            stickers: None,
            video_cover: None,
            video_timestamp: None,
            ttl_seconds: None,
        }))
    }

    /// The document attributes of an uploaded file of this kind.
    fn attributes(&self, name: &str) -> Vec<enums::DocumentAttribute> {
        let name = self.file_name.clone().unwrap_or_else(|| name.to_owned());
        let mut attributes = vec![enums::DocumentAttribute::Filename(
            types::DocumentAttributeFilename { file_name: name },
        )];
        let (w, h) = self.size.unwrap_or((0, 0));
        let duration = self.duration.unwrap_or(0.0);
        let video = |round_message| {
            enums::DocumentAttribute::Video(types::DocumentAttributeVideo {
                round_message,
                supports_streaming: self.supports_streaming,
                nosound: false,
                duration,
                w,
                h,
                preload_prefix_size: None,
                video_start_ts: None,
                video_codec: None,
            })
        };
        let audio = |voice| {
            enums::DocumentAttribute::Audio(types::DocumentAttributeAudio {
                voice,
                // Whole seconds on the wire; a fraction is rounded.
                duration: duration.round() as i32,
                title: self.title.clone(),
                performer: self.performer.clone(),
                waveform: None,
            })
        };
        match self.kind {
            SendKind::Video => attributes.push(video(false)),
            SendKind::VideoNote => attributes.push(video(true)),
            SendKind::Animation => {
                attributes.push(video(false));
                attributes.push(enums::DocumentAttribute::Animated);
            }
            SendKind::Audio => attributes.push(audio(false)),
            SendKind::Voice => attributes.push(audio(true)),
            SendKind::Sticker => {
                attributes.push(enums::DocumentAttribute::Sticker(
                    types::DocumentAttributeSticker {
                        mask: false,
                        alt: self.emoji.clone().unwrap_or_default(),
                        stickerset: enums::InputStickerSet::Empty,
                        mask_coords: None,
                    },
                ));
            }
            SendKind::Photo | SendKind::Document => {}
        }
        attributes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setter_on_a_kind_it_does_not_fit_is_an_error() {
        let photo = InputMedia::photo("a.jpg").duration(3.0);
        let error = photo.check().unwrap_err();
        assert_eq!(
            error.to_string(),
            "client configuration: a duration does not apply to a photo"
        );
        assert!(
            InputMedia::audio("a.mp3")
                .title("t")
                .performer("p")
                .check()
                .is_ok()
        );
        let by_url = InputMedia::video("https://example.com/v.mp4").size(1, 1);
        assert!(matches!(by_url.check(), Err(crate::Error::Config(_))));
    }

    #[test]
    fn an_animation_is_a_video_marked_animated_and_a_voice_note_a_voice_audio() {
        let media = InputMedia::animation("loop.mp4")
            .size(320, 240)
            .duration(2.0);
        let attributes = media.attributes("loop.mp4");
        assert!(matches!(
            &attributes[..],
            [
                enums::DocumentAttribute::Filename(f),
                enums::DocumentAttribute::Video(v),
                enums::DocumentAttribute::Animated,
            ] if f.file_name == "loop.mp4" && (v.w, v.h) == (320, 240) && !v.round_message
        ));
        let voice = InputMedia::voice("note.ogg")
            .duration(4.6)
            .attributes("note.ogg");
        assert!(matches!(
            &voice[1],
            enums::DocumentAttribute::Audio(a) if a.voice && a.duration == 5
        ));
        assert_eq!(InputMedia::voice("note").mime(), "audio/ogg");
        assert_eq!(InputMedia::document("x.pdf").mime(), "application/pdf");
    }
}
