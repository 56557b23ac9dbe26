//! The files a message carries, typed: [`Photo`], and the documents told apart by their
//! attributes ([`Document`], [`Video`], [`Audio`], [`Voice`], [`Animation`],
//! [`Sticker`], [`VideoNote`]), with `message.photo()`, `message.video()`, ... to read
//! them.
//!
//! Each value owns a copy of the raw object it reads, so it can be kept after the
//! message is dropped, and re-sent (see
//! [`Client::send_cached_media`](crate::Client::send_cached_media)).

use std::time::Duration;

use super::media::MediaKind;
use super::message::Message;
use crate::files::{FileId, FileType, FileUniqueId};
use crate::tl::{enums, types};

/// One size a photo is stored in.
///
/// ```no_run
/// # fn demo(message: &oxigram::Message) {
/// if let Some(photo) = message.photo() {
///     for size in photo.sizes() {
///         println!("{}: {}x{}, {:?} bytes", size.kind(), size.width(), size.height(), size.size());
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoSize {
    kind: String,
    width: i32,
    height: i32,
    size: Option<i64>,
}

impl PhotoSize {
    /// The size's type letter (`s`, `m`, `x`, `y`, `w`, ...), as downloads name it.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The width in pixels (0 when the server does not say).
    pub fn width(&self) -> i32 {
        self.width
    }

    /// The height in pixels (0 when the server does not say).
    pub fn height(&self) -> i32 {
        self.height
    }

    /// The file size in bytes, when known.
    pub fn size(&self) -> Option<i64> {
        self.size
    }

    /// The size as the API describes it; `None` for sizes that are no image file
    /// (empty, stripped previews, vector outlines).
    fn from_raw(raw: &enums::PhotoSize) -> Option<PhotoSize> {
        let (kind, width, height, size) = match raw {
            enums::PhotoSize::PhotoSize(s) => (&s.r#type, s.w, s.h, Some(i64::from(s.size))),
            enums::PhotoSize::PhotoCachedSize(s) => {
                (&s.r#type, s.w, s.h, i64::try_from(s.bytes.len()).ok())
            }
            // A progressive JPEG lists the sizes of its prefixes; the last is the whole.
            enums::PhotoSize::Progressive(s) => {
                (&s.r#type, s.w, s.h, s.sizes.last().map(|&n| i64::from(n)))
            }
            _ => return None,
        };
        Some(PhotoSize {
            kind: kind.clone(),
            width,
            height,
            size,
        })
    }
}

/// A photo, in the sizes the server keeps of it.
///
/// ```no_run
/// # async fn demo(message: oxigram::Message) -> oxigram::Result<()> {
/// if let Some(photo) = message.photo() {
///     println!("photo {} on DC {}, spoiler: {}", photo.id(), photo.dc_id(), photo.has_spoiler());
///     // The same photo, sent again without uploading it:
///     message.client().send_cached_media("me", photo).await?;
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Photo {
    raw: types::Photo,
    sizes: Vec<PhotoSize>,
    spoiler: bool,
    ttl_seconds: Option<i32>,
}

impl Photo {
    /// The photo of `media`, if it is a photo that is still there.
    pub fn from_media(media: &enums::MessageMedia) -> Option<Photo> {
        let enums::MessageMedia::Photo(m) = media else {
            return None;
        };
        let Some(enums::Photo::Photo(raw)) = &m.photo else {
            return None;
        };
        Some(Photo {
            sizes: raw.sizes.iter().filter_map(PhotoSize::from_raw).collect(),
            raw: raw.clone(),
            spoiler: m.spoiler,
            ttl_seconds: m.ttl_seconds,
        })
    }

    /// The photo id.
    pub fn id(&self) -> i64 {
        self.raw.id
    }

    /// The access hash that must come with the id.
    pub fn access_hash(&self) -> i64 {
        self.raw.access_hash
    }

    /// When it was uploaded (unix time).
    pub fn date(&self) -> i32 {
        self.raw.date
    }

    /// The DC that stores it.
    pub fn dc_id(&self) -> i32 {
        self.raw.dc_id
    }

    /// Its image sizes, smallest first as the server lists them.
    pub fn sizes(&self) -> &[PhotoSize] {
        &self.sizes
    }

    /// The largest size (most pixels, then most bytes).
    pub fn largest(&self) -> Option<&PhotoSize> {
        self.sizes.iter().max_by_key(|s| {
            (
                i64::from(s.width) * i64::from(s.height),
                s.size.unwrap_or(0),
            )
        })
    }

    /// Whether it is hidden behind a spoiler.
    pub fn has_spoiler(&self) -> bool {
        self.spoiler
    }

    /// For a self-destructing photo: seconds it stays once opened.
    pub fn ttl_seconds(&self) -> Option<i32> {
        self.ttl_seconds
    }

    /// The photo as the API sent it.
    pub fn raw(&self) -> &types::Photo {
        &self.raw
    }

    /// The Bot API file id of its largest size (as bots are given photos); `None` for a
    /// photo without an image size, or with a size type that is not one ASCII letter.
    ///
    /// ```no_run
    /// # async fn demo(client: oxigram::Client, message: oxigram::Message) -> oxigram::Result<()> {
    /// if let Some(id) = message.photo().and_then(|p| p.file_id()) {
    ///     let bytes = client.download_media(id.as_str()).await?;
    ///     client.send_cached_media("me", id).await?;
    /// #   let _ = bytes;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn file_id(&self) -> Option<String> {
        let kind = self.largest_letter()?;
        let id = FileId::photo(
            self.raw.dc_id,
            self.raw.id,
            self.raw.access_hash,
            self.raw.file_reference.to_vec(),
            kind,
        );
        Some(id.encode_known())
    }

    /// The Bot API unique file id of its largest size: the same whoever receives it.
    pub fn file_unique_id(&self) -> Option<String> {
        let size = FileUniqueId::size_byte(self.largest_letter()?)?;
        Some(
            FileUniqueId::PhotoSize {
                id: self.raw.id,
                size,
            }
            .encode(),
        )
    }

    /// The type letter of the largest size, if it is one ASCII character.
    fn largest_letter(&self) -> Option<char> {
        let mut letters = self.largest()?.kind.chars();
        match (letters.next(), letters.next()) {
            (Some(c), None) if c.is_ascii() => Some(c),
            _ => None,
        }
    }
}

/// A file sent as a document: what every other file kind ([`Video`], [`Audio`], ...)
/// also is underneath.
///
/// ```no_run
/// # fn demo(message: &oxigram::Message) {
/// if let Some(video) = message.video() {
///     let file = video.document();
///     println!("{:?}: {} ({} bytes)", file.file_name(), file.mime_type(), file.size());
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    raw: types::Document,
    spoiler: bool,
}

impl Document {
    /// The document of `media`, whatever its kind, if it is still there.
    pub fn from_media(media: &enums::MessageMedia) -> Option<Document> {
        let enums::MessageMedia::Document(m) = media else {
            return None;
        };
        let Some(enums::Document::Document(raw)) = &m.document else {
            return None;
        };
        Some(Document {
            raw: (**raw).clone(),
            spoiler: m.spoiler,
        })
    }

    /// The document id.
    pub fn id(&self) -> i64 {
        self.raw.id
    }

    /// The access hash that must come with the id.
    pub fn access_hash(&self) -> i64 {
        self.raw.access_hash
    }

    /// When it was uploaded (unix time).
    pub fn date(&self) -> i32 {
        self.raw.date
    }

    /// The DC that stores it.
    pub fn dc_id(&self) -> i32 {
        self.raw.dc_id
    }

    /// The file name the sender gave, if any.
    pub fn file_name(&self) -> Option<&str> {
        self.raw.attributes.iter().find_map(|a| match a {
            enums::DocumentAttribute::Filename(f) => Some(f.file_name.as_str()),
            _ => None,
        })
    }

    /// The MIME type (`application/pdf`, `video/mp4`, ...).
    pub fn mime_type(&self) -> &str {
        &self.raw.mime_type
    }

    /// The size in bytes.
    pub fn size(&self) -> i64 {
        self.raw.size
    }

    /// Whether it is hidden behind a spoiler.
    pub fn has_spoiler(&self) -> bool {
        self.spoiler
    }

    /// Its attributes as the API sent them.
    pub fn attributes(&self) -> &[enums::DocumentAttribute] {
        &self.raw.attributes
    }

    /// The document as the API sent it.
    pub fn raw(&self) -> &types::Document {
        &self.raw
    }

    /// Its Bot API file id, as a document ([`Video::file_id`] and the other kinds give
    /// the id of their own type).
    ///
    /// ```no_run
    /// # async fn demo(client: oxigram::Client, message: oxigram::Message) -> oxigram::Result<()> {
    /// if let Some(document) = message.document() {
    ///     client.send_cached_media("me", document.file_id()).await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn file_id(&self) -> String {
        self.file_id_as(FileType::Document)
    }

    /// Its Bot API unique file id: the same whoever receives it.
    pub fn file_unique_id(&self) -> String {
        FileUniqueId::Document { id: self.raw.id }.encode()
    }

    fn file_id_as(&self, file_type: FileType) -> String {
        FileId::document(
            file_type,
            self.raw.dc_id,
            self.raw.id,
            self.raw.access_hash,
            self.raw.file_reference.to_vec(),
        )
        .encode_known()
    }

    fn video_attribute(&self) -> Option<&types::DocumentAttributeVideo> {
        self.raw.attributes.iter().find_map(|a| match a {
            enums::DocumentAttribute::Video(v) => Some(v),
            _ => None,
        })
    }

    fn audio_attribute(&self) -> Option<&types::DocumentAttributeAudio> {
        self.raw.attributes.iter().find_map(|a| match a {
            enums::DocumentAttribute::Audio(a) => Some(a),
            _ => None,
        })
    }

    fn sticker_attribute(&self) -> Option<&types::DocumentAttributeSticker> {
        self.raw.attributes.iter().find_map(|a| match a {
            enums::DocumentAttribute::Sticker(s) => Some(s),
            _ => None,
        })
    }

    /// Width and height from the video attribute, else the image size attribute.
    fn dimensions(&self) -> (i32, i32) {
        if let Some(v) = self.video_attribute() {
            return (v.w, v.h);
        }
        self.raw
            .attributes
            .iter()
            .find_map(|a| match a {
                enums::DocumentAttribute::ImageSize(s) => Some((s.w, s.h)),
                _ => None,
            })
            .unwrap_or((0, 0))
    }

    fn video_duration(&self) -> Duration {
        self.video_attribute()
            .and_then(|v| Duration::try_from_secs_f64(v.duration).ok())
            .unwrap_or_default()
    }

    fn audio_duration(&self) -> Duration {
        let seconds = self.audio_attribute().map_or(0, |a| a.duration);
        Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
    }
}

/// Defines a document kind: a [`Document`] of one [`MediaKind`], with the document's
/// own accessors passed through.
macro_rules! document_kind {
    ($(#[$doc:meta])* $name:ident, $kind:expr, $file_type:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            document: Document,
        }

        impl $name {
            #[doc = concat!("The ", stringify!($name), " of `media`, if it is one.")]
            pub fn from_media(media: &enums::MessageMedia) -> Option<$name> {
                if MediaKind::of(media) != Some($kind) {
                    return None;
                }
                Document::from_media(media).map(|document| $name { document })
            }

            /// The file underneath, with its id, attributes and raw form.
            pub fn document(&self) -> &Document {
                &self.document
            }

            /// The document id.
            pub fn id(&self) -> i64 {
                self.document.id()
            }

            /// The file name the sender gave, if any.
            pub fn file_name(&self) -> Option<&str> {
                self.document.file_name()
            }

            /// The MIME type.
            pub fn mime_type(&self) -> &str {
                self.document.mime_type()
            }

            /// The size in bytes.
            pub fn size(&self) -> i64 {
                self.document.size()
            }

            #[doc = concat!("Its Bot API file id, of the ", stringify!($name), " type.")]
            pub fn file_id(&self) -> String {
                self.document.file_id_as($file_type)
            }

            /// Its Bot API unique file id: the same whoever receives it.
            pub fn file_unique_id(&self) -> String {
                self.document.file_unique_id()
            }
        }

        impl From<$name> for Document {
            fn from(kind: $name) -> Document {
                kind.document
            }
        }
    };
}

document_kind!(
    /// A video file.
    ///
    /// ```no_run
    /// # fn demo(message: &oxigram::Message) {
    /// if let Some(video) = message.video() {
    ///     println!(
    ///         "{}x{}, {:?}, streamable: {}",
    ///         video.width(),
    ///         video.height(),
    ///         video.duration(),
    ///         video.supports_streaming()
    ///     );
    /// }
    /// # }
    /// ```
    Video,
    MediaKind::Video,
    FileType::Video
);
document_kind!(
    /// A music file, with its title and performer when the sender gave them.
    ///
    /// ```no_run
    /// # fn demo(message: &oxigram::Message) {
    /// if let Some(song) = message.audio() {
    ///     let title = song.title().or(song.file_name()).unwrap_or("untitled");
    ///     println!("{title} by {:?} ({} bytes)", song.performer(), song.size());
    /// }
    /// # }
    /// ```
    Audio,
    MediaKind::Audio,
    FileType::Audio
);
document_kind!(
    /// A voice note.
    ///
    /// ```no_run
    /// # fn demo(message: &oxigram::Message) {
    /// if let Some(voice) = message.voice() {
    ///     println!("a voice note of {:?}", voice.duration());
    /// }
    /// # }
    /// ```
    Voice,
    MediaKind::Voice,
    FileType::Voice
);
document_kind!(
    /// A GIF, or a silent looping video shown as one.
    ///
    /// ```no_run
    /// # fn demo(message: &oxigram::Message) {
    /// if let Some(gif) = message.animation() {
    ///     println!("{:?}: {}x{}", gif.file_name(), gif.width(), gif.height());
    /// }
    /// # }
    /// ```
    Animation,
    MediaKind::Animation,
    FileType::Animation
);
document_kind!(
    /// A sticker: a still image, an animation (`.tgs`) or a video (`.webm`).
    ///
    /// ```no_run
    /// # async fn demo(message: oxigram::Message) -> oxigram::Result<()> {
    /// if let Some(sticker) = message.sticker() {
    ///     println!("{:?}, animated: {}", sticker.emoji(), sticker.is_animated());
    ///     // The same sticker back, without uploading it:
    ///     message.reply_cached_media(sticker).await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    Sticker,
    MediaKind::Sticker,
    FileType::Sticker
);
document_kind!(
    /// A round video message.
    ///
    /// ```no_run
    /// # fn demo(message: &oxigram::Message) {
    /// if let Some(note) = message.video_note() {
    ///     println!("a round video, {} px across, {:?}", note.length(), note.duration());
    /// }
    /// # }
    /// ```
    VideoNote,
    MediaKind::VideoNote,
    FileType::VideoNote
);

impl Video {
    /// How long it plays.
    pub fn duration(&self) -> Duration {
        self.document.video_duration()
    }

    /// The width in pixels.
    pub fn width(&self) -> i32 {
        self.document.dimensions().0
    }

    /// The height in pixels.
    pub fn height(&self) -> i32 {
        self.document.dimensions().1
    }

    /// Whether it can be played while it downloads.
    pub fn supports_streaming(&self) -> bool {
        self.document
            .video_attribute()
            .is_some_and(|v| v.supports_streaming)
    }
}

impl Audio {
    /// How long it plays.
    pub fn duration(&self) -> Duration {
        self.document.audio_duration()
    }

    /// The song's title, if given.
    pub fn title(&self) -> Option<&str> {
        self.document.audio_attribute()?.title.as_deref()
    }

    /// Who performs it, if given.
    pub fn performer(&self) -> Option<&str> {
        self.document.audio_attribute()?.performer.as_deref()
    }
}

impl Voice {
    /// How long it plays.
    pub fn duration(&self) -> Duration {
        self.document.audio_duration()
    }

    /// The waveform shown for it (5-bit samples, packed), if given.
    pub fn waveform(&self) -> Option<&[u8]> {
        self.document.audio_attribute()?.waveform.as_deref()
    }
}

impl Animation {
    /// How long one loop plays.
    pub fn duration(&self) -> Duration {
        self.document.video_duration()
    }

    /// The width in pixels.
    pub fn width(&self) -> i32 {
        self.document.dimensions().0
    }

    /// The height in pixels.
    pub fn height(&self) -> i32 {
        self.document.dimensions().1
    }
}

impl Sticker {
    /// The emoji it stands for.
    pub fn emoji(&self) -> Option<&str> {
        let alt = &self.document.sticker_attribute()?.alt;
        (!alt.is_empty()).then_some(alt.as_str())
    }

    /// The width in pixels.
    pub fn width(&self) -> i32 {
        self.document.dimensions().0
    }

    /// The height in pixels.
    pub fn height(&self) -> i32 {
        self.document.dimensions().1
    }

    /// Whether it is an animated (Lottie, `.tgs`) sticker.
    pub fn is_animated(&self) -> bool {
        self.document.mime_type() == "application/x-tgsticker"
    }

    /// Whether it is a video (`.webm`) sticker.
    pub fn is_video(&self) -> bool {
        self.document.mime_type() == "video/webm"
    }

    /// Whether it is a mask, placed on faces in photos.
    pub fn is_mask(&self) -> bool {
        self.document.sticker_attribute().is_some_and(|s| s.mask)
    }

    /// The set it belongs to, as the API names it.
    pub fn set(&self) -> Option<&enums::InputStickerSet> {
        self.document
            .sticker_attribute()
            .map(|s| &s.stickerset)
            .filter(|s| !matches!(s, enums::InputStickerSet::Empty))
    }
}

impl VideoNote {
    /// How long it plays.
    pub fn duration(&self) -> Duration {
        self.document.video_duration()
    }

    /// The diameter in pixels (round videos are square).
    pub fn length(&self) -> i32 {
        self.document.dimensions().0
    }
}

/// The typed media of a message.
impl Message {
    /// The photo, if the message is one.
    ///
    /// ```no_run
    /// # fn demo(message: &oxigram::Message) {
    /// if let Some(photo) = message.photo() {
    ///     let biggest = photo.largest().map(|s| (s.width(), s.height()));
    ///     println!("photo {} at {biggest:?}", photo.id());
    /// }
    /// # }
    /// ```
    pub fn photo(&self) -> Option<Photo> {
        self.raw_media().and_then(Photo::from_media)
    }

    /// The file, if the message is a plain document (not a video, audio, sticker, ...:
    /// those have their own accessors, each with [`Video::document`] and the like).
    ///
    /// ```no_run
    /// # fn demo(message: &oxigram::Message) {
    /// if let Some(file) = message.document() {
    ///     println!("{:?}, {} bytes of {}", file.file_name(), file.size(), file.mime_type());
    /// }
    /// # }
    /// ```
    pub fn document(&self) -> Option<Document> {
        let media = self.raw_media()?;
        if MediaKind::of(media) != Some(MediaKind::Document) {
            return None;
        }
        Document::from_media(media)
    }

    /// The video, if the message is one.
    pub fn video(&self) -> Option<Video> {
        self.raw_media().and_then(Video::from_media)
    }

    /// The music file, if the message is one.
    ///
    /// ```no_run
    /// # fn demo(message: &oxigram::Message) {
    /// if let Some(song) = message.audio() {
    ///     println!("{:?} by {:?}, {:?}", song.title(), song.performer(), song.duration());
    /// }
    /// # }
    /// ```
    pub fn audio(&self) -> Option<Audio> {
        self.raw_media().and_then(Audio::from_media)
    }

    /// The voice note, if the message is one.
    pub fn voice(&self) -> Option<Voice> {
        self.raw_media().and_then(Voice::from_media)
    }

    /// The animation (GIF), if the message is one.
    pub fn animation(&self) -> Option<Animation> {
        self.raw_media().and_then(Animation::from_media)
    }

    /// The sticker, if the message is one.
    pub fn sticker(&self) -> Option<Sticker> {
        self.raw_media().and_then(Sticker::from_media)
    }

    /// The round video, if the message is one.
    pub fn video_note(&self) -> Option<VideoNote> {
        self.raw_media().and_then(VideoNote::from_media)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::media::tests::document;

    fn photo(sizes: Vec<enums::PhotoSize>) -> enums::MessageMedia {
        enums::MessageMedia::Photo(Box::new(types::MessageMediaPhoto {
            spoiler: true,
            photo: Some(enums::Photo::Photo(types::Photo {
                has_stickers: false,
                id: 7,
                access_hash: 8,
                file_reference: Default::default(),
                date: 100,
                sizes,
                video_sizes: None,
                dc_id: 2,
            })),
            ttl_seconds: None,
            video: None,
        }))
    }

    #[test]
    fn a_photo_lists_its_image_sizes_and_finds_the_largest() {
        let size = |t: &str, w, h, size| {
            enums::PhotoSize::PhotoSize(types::PhotoSize {
                r#type: t.into(),
                w,
                h,
                size,
            })
        };
        let media = photo(vec![
            enums::PhotoSize::PhotoStrippedSize(types::PhotoStrippedSize {
                r#type: "i".into(),
                bytes: vec![1, 2].into(),
            }),
            size("m", 320, 240, 9_000),
            enums::PhotoSize::Progressive(types::PhotoSizeProgressive {
                r#type: "y".into(),
                w: 1280,
                h: 960,
                sizes: vec![10_000, 40_000, 90_000],
            }),
            size("x", 800, 600, 50_000),
        ]);
        let photo = Photo::from_media(&media).unwrap();
        assert_eq!((photo.id(), photo.access_hash(), photo.date()), (7, 8, 100));
        assert!(photo.has_spoiler());
        let kinds: Vec<&str> = photo.sizes().iter().map(PhotoSize::kind).collect();
        assert_eq!(kinds, ["m", "y", "x"], "the stripped preview is no size");
        let largest = photo.largest().unwrap();
        assert_eq!(
            (largest.kind(), largest.width(), largest.size()),
            ("y", 1280, Some(90_000))
        );
        assert!(Document::from_media(&media).is_none());
        assert!(Photo::from_media(&photo_less()).is_none());
    }

    fn photo_less() -> enums::MessageMedia {
        enums::MessageMedia::Photo(Box::new(types::MessageMediaPhoto {
            spoiler: false,
            photo: None,
            ttl_seconds: Some(5),
            video: None,
        }))
    }

    #[test]
    fn each_document_kind_reads_its_attributes_and_no_other_kind_claims_it() {
        let name = enums::DocumentAttribute::Filename(types::DocumentAttributeFilename {
            file_name: "song.mp3".into(),
        });
        let audio = document(vec![
            enums::DocumentAttribute::Audio(types::DocumentAttributeAudio {
                voice: false,
                duration: 184,
                title: Some("Title".into()),
                performer: Some("Band".into()),
                waveform: None,
            }),
            name,
        ]);
        let song = Audio::from_media(&audio).unwrap();
        assert_eq!(song.duration(), Duration::from_secs(184));
        assert_eq!(
            (song.title(), song.performer()),
            (Some("Title"), Some("Band"))
        );
        assert_eq!((song.file_name(), song.size()), (Some("song.mp3"), 10));
        assert!(Video::from_media(&audio).is_none());
        assert!(Voice::from_media(&audio).is_none());

        let video = |round| {
            enums::DocumentAttribute::Video(types::DocumentAttributeVideo {
                round_message: round,
                supports_streaming: true,
                nosound: false,
                duration: 2.5,
                w: 640,
                h: 360,
                preload_prefix_size: None,
                video_start_ts: None,
                video_codec: None,
            })
        };
        let clip = Video::from_media(&document(vec![video(false)])).unwrap();
        assert_eq!(clip.duration(), Duration::from_millis(2_500));
        assert_eq!((clip.width(), clip.height()), (640, 360));
        assert!(clip.supports_streaming());
        let note = VideoNote::from_media(&document(vec![video(true)])).unwrap();
        assert_eq!(note.length(), 640);
        assert!(Video::from_media(&document(vec![video(true)])).is_none());
        let gif = document(vec![enums::DocumentAttribute::Animated, video(false)]);
        assert_eq!(Animation::from_media(&gif).unwrap().height(), 360);

        let sticker = document(vec![
            enums::DocumentAttribute::Sticker(types::DocumentAttributeSticker {
                mask: false,
                alt: "🙂".into(),
                stickerset: enums::InputStickerSet::Empty,
                mask_coords: None,
            }),
            enums::DocumentAttribute::ImageSize(types::DocumentAttributeImageSize {
                w: 512,
                h: 512,
            }),
        ]);
        let sticker = Sticker::from_media(&sticker).unwrap();
        assert_eq!((sticker.emoji(), sticker.width()), (Some("🙂"), 512));
        assert!(!sticker.is_animated() && !sticker.is_video() && sticker.set().is_none());

        let plain = document(vec![]);
        let file = Document::from_media(&plain).unwrap();
        assert_eq!(
            (file.id(), file.mime_type()),
            (1, "application/octet-stream")
        );
        assert_eq!(file.file_name(), None);
        let voice = Voice::from_media(&document(vec![enums::DocumentAttribute::Audio(
            types::DocumentAttributeAudio {
                voice: true,
                duration: 3,
                title: None,
                performer: None,
                waveform: Some(vec![1, 2, 3].into()),
            },
        )]))
        .unwrap();
        assert_eq!(voice.duration(), Duration::from_secs(3));
        assert_eq!(voice.waveform(), Some(&[1, 2, 3][..]));
    }
}
