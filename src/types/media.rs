//! What kind of media a message holds, read from `MessageMedia` and, for documents,
//! their attributes.

use crate::tl::enums;

/// The kind of media attached to a message.
///
/// ```no_run
/// # fn demo(message: &oxigram::Message) {
/// use oxigram::MediaKind;
///
/// match message.media() {
///     Some(MediaKind::Photo | MediaKind::Video) => println!("something to look at"),
///     Some(MediaKind::Poll) => println!("a poll: {:?}", message.poll().map(|p| p.question)),
///     Some(other) => println!("{other:?}"),
///     None => println!("text only"),
/// }
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MediaKind {
    /// A photo.
    Photo,
    /// A video file.
    Video,
    /// A music file.
    Audio,
    /// A voice note.
    Voice,
    /// A round video message.
    VideoNote,
    /// A GIF or a silent looping video.
    Animation,
    /// Any other file.
    Document,
    /// A sticker.
    Sticker,
    /// A shared contact.
    Contact,
    /// A location, static or live.
    Location,
    /// A venue (a place with a name and address).
    Venue,
    /// A poll.
    Poll,
    /// A dice (or another animated emoji with a random value).
    Dice,
    /// A game.
    Game,
    /// A link preview.
    WebPage,
    /// Anything else (invoices, stories, giveaways, paid media, ...).
    Other,
}

impl MediaKind {
    /// The kind of `media`; `None` for `messageMediaEmpty`.
    pub fn of(media: &enums::MessageMedia) -> Option<MediaKind> {
        use enums::MessageMedia as M;
        Some(match media {
            M::Empty => return None,
            M::Photo(_) => MediaKind::Photo,
            M::Document(d) => document_kind(d),
            M::Geo(_) | M::GeoLive(_) => MediaKind::Location,
            M::Venue(_) => MediaKind::Venue,
            M::Contact(_) => MediaKind::Contact,
            M::Poll(_) => MediaKind::Poll,
            M::Dice(_) => MediaKind::Dice,
            M::Game(_) => MediaKind::Game,
            M::WebPage(_) => MediaKind::WebPage,
            _ => MediaKind::Other,
        })
    }
}

/// Documents are told apart by their attributes (and the flags the media carries for
/// round videos and voice notes, which say the same).
fn document_kind(media: &crate::tl::types::MessageMediaDocument) -> MediaKind {
    let attributes: &[enums::DocumentAttribute] = match &media.document {
        Some(enums::Document::Document(d)) => &d.attributes,
        _ => &[],
    };
    let has = |f: fn(&enums::DocumentAttribute) -> bool| attributes.iter().any(f);
    // A video sticker also has a video attribute, and a GIF one too: the more specific
    // attribute decides.
    if has(|a| matches!(a, enums::DocumentAttribute::Sticker(_))) {
        return MediaKind::Sticker;
    }
    let round =
        media.round || has(|a| matches!(a, enums::DocumentAttribute::Video(v) if v.round_message));
    if round {
        return MediaKind::VideoNote;
    }
    if has(|a| matches!(a, enums::DocumentAttribute::Animated)) {
        return MediaKind::Animation;
    }
    if media.video || has(|a| matches!(a, enums::DocumentAttribute::Video(_))) {
        return MediaKind::Video;
    }
    let voice = media.voice || has(|a| matches!(a, enums::DocumentAttribute::Audio(a) if a.voice));
    if voice {
        return MediaKind::Voice;
    }
    if has(|a| matches!(a, enums::DocumentAttribute::Audio(_))) {
        return MediaKind::Audio;
    }
    MediaKind::Document
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::tl::types;

    /// A document message with these attributes.
    pub(crate) fn document(attributes: Vec<enums::DocumentAttribute>) -> enums::MessageMedia {
        enums::MessageMedia::Document(Box::new(types::MessageMediaDocument {
            nopremium: false,
            spoiler: false,
            video: false,
            round: false,
            voice: false,
            document: Some(enums::Document::Document(Box::new(types::Document {
                id: 1,
                access_hash: 2,
                file_reference: Default::default(),
                date: 0,
                mime_type: "application/octet-stream".into(),
                size: 10,
                thumbs: None,
                video_thumbs: None,
                dc_id: 2,
                attributes,
            }))),
            alt_documents: None,
            video_cover: None,
            video_timestamp: None,
            ttl_seconds: None,
        }))
    }

    fn video(round: bool) -> enums::DocumentAttribute {
        enums::DocumentAttribute::Video(types::DocumentAttributeVideo {
            round_message: round,
            supports_streaming: false,
            nosound: false,
            duration: 1.5,
            w: 240,
            h: 240,
            preload_prefix_size: None,
            video_start_ts: None,
            video_codec: None,
        })
    }

    fn audio(voice: bool) -> enums::DocumentAttribute {
        enums::DocumentAttribute::Audio(types::DocumentAttributeAudio {
            voice,
            duration: 3,
            title: None,
            performer: None,
            waveform: None,
        })
    }

    fn sticker() -> enums::DocumentAttribute {
        enums::DocumentAttribute::Sticker(types::DocumentAttributeSticker {
            mask: false,
            alt: "🙂".into(),
            stickerset: enums::InputStickerSet::Empty,
            mask_coords: None,
        })
    }

    fn name(file: &str) -> enums::DocumentAttribute {
        enums::DocumentAttribute::Filename(types::DocumentAttributeFilename {
            file_name: file.into(),
        })
    }

    #[test]
    fn document_attributes_decide_the_kind() {
        let cases = [
            (vec![name("a.pdf")], MediaKind::Document),
            (vec![video(false), name("v.mp4")], MediaKind::Video),
            (vec![video(true)], MediaKind::VideoNote),
            (
                vec![enums::DocumentAttribute::Animated, video(false)],
                MediaKind::Animation,
            ),
            (vec![sticker(), video(false)], MediaKind::Sticker),
            (vec![audio(true)], MediaKind::Voice),
            (vec![audio(false), name("song.mp3")], MediaKind::Audio),
        ];
        for (attributes, kind) in cases {
            assert_eq!(
                MediaKind::of(&document(attributes.clone())),
                Some(kind),
                "{attributes:?}"
            );
        }
    }

    #[test]
    fn other_media_constructors_map_to_their_kind() {
        assert_eq!(MediaKind::of(&enums::MessageMedia::Empty), None);
        let dice = enums::MessageMedia::Dice(types::MessageMediaDice {
            value: 6,
            emoticon: "🎲".into(),
            game_outcome: None,
        });
        assert_eq!(MediaKind::of(&dice), Some(MediaKind::Dice));
        let contact = enums::MessageMedia::Contact(types::MessageMediaContact {
            phone_number: "1".into(),
            first_name: "A".into(),
            last_name: String::new(),
            vcard: String::new(),
            user_id: 0,
        });
        assert_eq!(MediaKind::of(&contact), Some(MediaKind::Contact));
        assert_eq!(
            MediaKind::of(&enums::MessageMedia::Unsupported),
            Some(MediaKind::Other)
        );
    }
}
