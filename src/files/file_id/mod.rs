//! Bot API file ids: the `file_id` strings that name a file on Telegram's servers (its
//! DC, id, access hash, file reference and, for photos, which size), and the shorter
//! `file_unique_id` strings that stay the same for one file whoever reads it.
//!
//! The layout is the one the Bot API writes (and Pyrogram reads and writes): the fields
//! as little-endian TL values, zero bytes run-length coded, URL-safe base64 without
//! padding, ending in the sub-version and the major version 4. Ids of the major versions
//! 2 and 3, which old sticker ids still are, and of every sub-version are read.
//!
//! ```
//! use oxigram::files::{FileId, FileType, FileUniqueId};
//!
//! // A sticker id as a bot received it.
//! let id = FileId::decode("CAACAgQAAxkBAAIFDF6YtEvR0cUHdlqq6W9IN3pDroKzAAKIAAOI_8AV6TJIsFy4Oc8YBA")?;
//! assert_eq!((id.file_type, id.dc_id), (FileType::Sticker, 4));
//! assert_eq!(id.unique_id()?.encode(), "AgADiAADiP_AFQ");
//! assert_eq!(FileId::decode(&id.encode()?)?, id);
//! # Ok::<(), oxigram::files::FileIdError>(())
//! ```

mod decode;
mod encode;
mod rle;
mod unique;

pub use unique::FileUniqueId;

use crate::tl::{enums, types};

/// The major version written: the Bot API's current one.
pub const MAJOR_VERSION: u8 = 4;

/// The sub-version written by [`FileId::document`] and [`FileId::photo`]: the one
/// Pyrogram writes, whose photo ids still carry a volume and local id (zeros).
pub const SUB_VERSION: u8 = 30;

/// The longest id text read: far above real ids (a web file's URL is the longest part),
/// and a bound on what the zero runs of a hostile one expand to.
pub const MAX_ID_LEN: usize = 16 * 1024;

/// The sub-version from which photo ids carry a photo-size source.
const SOURCE_SUB_VERSION: u8 = 22;

/// The sub-version from which photo ids no longer carry a volume and local id.
const NO_VOLUME_SUB_VERSION: u8 = 32;

/// Why a file id or unique file id could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FileIdError {
    /// Nothing to read.
    #[error("the file id is empty")]
    Empty,
    /// Longer than any id (zero runs could make it hundreds of times longer still).
    #[error("the file id is {0} characters long, more than the {MAX_ID_LEN} any id is")]
    TooLong(usize),
    /// Not URL-safe base64.
    #[error("the file id is not URL-safe base64")]
    Base64,
    /// The zero run-length coding ends inside a pair.
    #[error("the file id ends inside a run of zeros")]
    ZeroRun,
    /// A version this library does not know.
    #[error("unknown file id version {0}")]
    Version(u8),
    /// The bytes end before a field does.
    #[error("the file id ends inside its {0}")]
    Truncated(&'static str),
    /// A file type the Bot API does not have.
    #[error("unknown file type {0}")]
    FileType(i32),
    /// A photo-size source the Bot API does not have.
    #[error("unknown photo size source {0}")]
    Source(i32),
    /// A unique file id type the Bot API does not have.
    #[error("unknown unique file id type {0}")]
    UniqueType(i32),
    /// A thumbnail type that is no ASCII letter code.
    #[error("thumbnail type {0} is no ASCII character")]
    ThumbnailType(i32),
    /// A web location's URL that is not UTF-8.
    #[error("the web location's URL is not UTF-8")]
    Url,
    /// Bytes left after the last field.
    #[error("{0} bytes follow the file id's last field")]
    Trailing(usize),
    /// The fields cannot be written in the version asked for, or have no unique id.
    #[error("the file id cannot be written: {0}")]
    Inconsistent(&'static str),
}

impl From<FileIdError> for crate::Error {
    fn from(e: FileIdError) -> Self {
        crate::Error::File(super::FileError::FileId(e))
    }
}

/// What kind of file an id names: the Bot API's file types, by their number in the id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileType {
    /// A thumbnail of a document or sticker set.
    Thumbnail = 0,
    /// A chat or profile photo.
    ChatPhoto = 1,
    /// A photo.
    Photo = 2,
    /// A voice note.
    Voice = 3,
    /// A video.
    Video = 4,
    /// A document.
    Document = 5,
    /// A file of a secret chat.
    Encrypted = 6,
    /// A temporary file.
    Temp = 7,
    /// A sticker.
    Sticker = 8,
    /// A music file.
    Audio = 9,
    /// A GIF or silent looping video.
    Animation = 10,
    /// A thumbnail in a secret chat.
    EncryptedThumbnail = 11,
    /// A wallpaper (photo form).
    Wallpaper = 12,
    /// A round video message.
    VideoNote = 13,
    /// A Telegram Passport file, decrypted.
    SecureRaw = 14,
    /// A Telegram Passport file.
    Secure = 15,
    /// A chat background (document form).
    Background = 16,
    /// A document sent as a plain file.
    DocumentAsFile = 17,
    /// A notification sound.
    Ringtone = 18,
    /// A call's log.
    CallLog = 19,
    /// A photo behind a spoiler.
    PhotoWithSpoiler = 20,
    /// A video behind a spoiler.
    VideoWithSpoiler = 21,
}

impl FileType {
    /// Every file type, by number.
    pub const ALL: [FileType; 22] = [
        FileType::Thumbnail,
        FileType::ChatPhoto,
        FileType::Photo,
        FileType::Voice,
        FileType::Video,
        FileType::Document,
        FileType::Encrypted,
        FileType::Temp,
        FileType::Sticker,
        FileType::Audio,
        FileType::Animation,
        FileType::EncryptedThumbnail,
        FileType::Wallpaper,
        FileType::VideoNote,
        FileType::SecureRaw,
        FileType::Secure,
        FileType::Background,
        FileType::DocumentAsFile,
        FileType::Ringtone,
        FileType::CallLog,
        FileType::PhotoWithSpoiler,
        FileType::VideoWithSpoiler,
    ];

    /// The type numbered `n` in an id.
    pub fn from_number(n: i32) -> Option<FileType> {
        FileType::ALL.get(usize::try_from(n).ok()?).copied()
    }

    /// Its number in an id.
    pub fn number(self) -> i32 {
        self as i32
    }

    /// Its name in snake case, as the command-line tool writes it (`photo`, `video_note`).
    pub fn name(self) -> &'static str {
        match self {
            FileType::Thumbnail => "thumbnail",
            FileType::ChatPhoto => "chat_photo",
            FileType::Photo => "photo",
            FileType::Voice => "voice",
            FileType::Video => "video",
            FileType::Document => "document",
            FileType::Encrypted => "encrypted",
            FileType::Temp => "temp",
            FileType::Sticker => "sticker",
            FileType::Audio => "audio",
            FileType::Animation => "animation",
            FileType::EncryptedThumbnail => "encrypted_thumbnail",
            FileType::Wallpaper => "wallpaper",
            FileType::VideoNote => "video_note",
            FileType::SecureRaw => "secure_raw",
            FileType::Secure => "secure",
            FileType::Background => "background",
            FileType::DocumentAsFile => "document_as_file",
            FileType::Ringtone => "ringtone",
            FileType::CallLog => "call_log",
            FileType::PhotoWithSpoiler => "photo_with_spoiler",
            FileType::VideoWithSpoiler => "video_with_spoiler",
        }
    }

    /// The type named `name` (see [`name`](FileType::name)).
    pub fn from_name(name: &str) -> Option<FileType> {
        FileType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Whether ids of this type have the photo layout (a size source after the id).
    pub fn is_photo(self) -> bool {
        matches!(
            self,
            FileType::Thumbnail
                | FileType::ChatPhoto
                | FileType::Photo
                | FileType::EncryptedThumbnail
                | FileType::Wallpaper
                | FileType::PhotoWithSpoiler
        )
    }
}

/// The volume and local id of a photo size, which photo ids carried before sub-version
/// 32 (for every source) and the legacy sources still carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Volume {
    /// The volume id.
    pub volume_id: i64,
    /// The local id in the volume.
    pub local_id: i32,
}

/// Which size of which photo a photo id names: the ten photo-size sources, numbered 0 to
/// 9 in the id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhotoSizeSource {
    /// 0: an old photo named by its volume, local id and secret (the volume and local id
    /// are the [`Volume`] beside the source).
    Legacy {
        /// The secret.
        secret: i64,
    },
    /// 1: a size of a photo or of a document's thumbnail, by its type letter.
    Thumbnail {
        /// [`FileType::Photo`] for a photo's size, [`FileType::Thumbnail`] for a
        /// document's thumbnail.
        file_type: FileType,
        /// The size's type letter (`s`, `m`, `x`, `y`, ...).
        thumbnail_type: char,
    },
    /// 2: the small (160×160) photo of a chat.
    ChatPhotoSmall {
        /// The chat, as the Bot API numbers chats.
        chat_id: i64,
        /// Its access hash.
        chat_access_hash: i64,
    },
    /// 3: the big (640×640) photo of a chat.
    ChatPhotoBig {
        /// The chat, as the Bot API numbers chats.
        chat_id: i64,
        /// Its access hash.
        chat_access_hash: i64,
    },
    /// 4: a sticker set's thumbnail (with the [`Volume`] beside the source).
    StickerSetThumbnail {
        /// The sticker set.
        sticker_set_id: i64,
        /// Its access hash.
        sticker_set_access_hash: i64,
    },
    /// 5: an old photo with its own volume, local id and secret.
    FullLegacy {
        /// The volume id.
        volume_id: i64,
        /// The secret.
        secret: i64,
        /// The local id.
        local_id: i32,
    },
    /// 6: the small photo of a chat, by its old volume and local id.
    ChatPhotoSmallLegacy {
        /// The chat.
        chat_id: i64,
        /// Its access hash.
        chat_access_hash: i64,
        /// The volume id.
        volume_id: i64,
        /// The local id.
        local_id: i32,
    },
    /// 7: the big photo of a chat, by its old volume and local id.
    ChatPhotoBigLegacy {
        /// The chat.
        chat_id: i64,
        /// Its access hash.
        chat_access_hash: i64,
        /// The volume id.
        volume_id: i64,
        /// The local id.
        local_id: i32,
    },
    /// 8: a sticker set's thumbnail, by its old volume and local id.
    StickerSetThumbnailLegacy {
        /// The sticker set.
        sticker_set_id: i64,
        /// Its access hash.
        sticker_set_access_hash: i64,
        /// The volume id.
        volume_id: i64,
        /// The local id.
        local_id: i32,
    },
    /// 9: a sticker set's thumbnail, by its version.
    StickerSetThumbnailVersion {
        /// The sticker set.
        sticker_set_id: i64,
        /// Its access hash.
        sticker_set_access_hash: i64,
        /// The thumbnail's version.
        version: i32,
    },
}

impl PhotoSizeSource {
    /// Its number in an id (0 to 9).
    pub fn number(&self) -> i32 {
        match self {
            PhotoSizeSource::Legacy { .. } => 0,
            PhotoSizeSource::Thumbnail { .. } => 1,
            PhotoSizeSource::ChatPhotoSmall { .. } => 2,
            PhotoSizeSource::ChatPhotoBig { .. } => 3,
            PhotoSizeSource::StickerSetThumbnail { .. } => 4,
            PhotoSizeSource::FullLegacy { .. } => 5,
            PhotoSizeSource::ChatPhotoSmallLegacy { .. } => 6,
            PhotoSizeSource::ChatPhotoBigLegacy { .. } => 7,
            PhotoSizeSource::StickerSetThumbnailLegacy { .. } => 8,
            PhotoSizeSource::StickerSetThumbnailVersion { .. } => 9,
        }
    }
}

/// Where the file is: a web file by its URL, a photo size, or any other file by its id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileIdLocation {
    /// A file on the web, fetched through Telegram.
    Web {
        /// Its URL.
        url: String,
        /// The access hash that comes with it.
        access_hash: i64,
    },
    /// One size of a photo (photos, chat photos, thumbnails, wallpapers).
    Photo {
        /// The photo (or the document whose thumbnail this is).
        id: i64,
        /// The access hash that comes with the id.
        access_hash: i64,
        /// The volume and local id, present exactly in the versions before 4.32.
        volume: Option<Volume>,
        /// Which size.
        source: PhotoSizeSource,
    },
    /// Any other file (documents, videos, stickers, voice notes...).
    Common {
        /// The file's id.
        id: i64,
        /// The access hash that comes with the id.
        access_hash: i64,
    },
}

/// A decoded Bot API file id.
///
/// ```
/// use oxigram::files::{FileId, FileType};
///
/// let id = FileId::document(FileType::Video, 2, 5_000_000_001, -77, b"ref".to_vec());
/// let text = id.encode()?;
/// assert!(text.starts_with("BAAC"));
/// assert_eq!(text.parse::<FileId>()?, id);
/// # Ok::<(), oxigram::files::FileIdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileId {
    /// The major version: 4, or 2 and 3 for old ids.
    pub major: u8,
    /// The sub-version (0 in versions 2 and 3, which have none).
    pub sub_version: u8,
    /// What kind of file.
    pub file_type: FileType,
    /// The DC that keeps it.
    pub dc_id: i32,
    /// The file reference (empty when the id has none).
    pub file_reference: Vec<u8>,
    /// Where the file is.
    pub location: FileIdLocation,
}

impl FileId {
    /// A document's id (any file but photos: [`FileType::Video`], [`FileType::Sticker`],
    /// ...), written in version 4.30.
    pub fn document(
        file_type: FileType,
        dc_id: i32,
        id: i64,
        access_hash: i64,
        file_reference: Vec<u8>,
    ) -> FileId {
        FileId {
            major: MAJOR_VERSION,
            sub_version: SUB_VERSION,
            file_type,
            dc_id,
            file_reference,
            location: FileIdLocation::Common { id, access_hash },
        }
    }

    /// A photo size's id, by the size's type letter, written in version 4.30 (with a
    /// zero volume and local id, as Pyrogram writes them).
    pub fn photo(
        dc_id: i32,
        id: i64,
        access_hash: i64,
        file_reference: Vec<u8>,
        thumbnail_type: char,
    ) -> FileId {
        FileId {
            major: MAJOR_VERSION,
            sub_version: SUB_VERSION,
            file_type: FileType::Photo,
            dc_id,
            file_reference,
            location: FileIdLocation::Photo {
                id,
                access_hash,
                volume: Some(Volume::default()),
                source: PhotoSizeSource::Thumbnail {
                    file_type: FileType::Photo,
                    thumbnail_type,
                },
            },
        }
    }

    /// Reads a file id.
    pub fn decode(text: &str) -> Result<FileId, FileIdError> {
        decode::file_id(text)
    }

    /// Writes the id in its version: an error only for fields that version cannot hold
    /// (a volume where 4.32 and later have none, none where earlier versions need one, a
    /// source an old version does not have...).
    pub fn encode(&self) -> Result<String, FileIdError> {
        if !matches!(self.major, 2..=MAJOR_VERSION) {
            return Err(FileIdError::Version(self.major));
        }
        let longest = match &self.location {
            FileIdLocation::Web { url, .. } => url.len().max(self.file_reference.len()),
            _ => self.file_reference.len(),
        };
        if longest >= 1 << 24 {
            return Err(FileIdError::Inconsistent("a field longer than 16 MiB"));
        }
        let text = encode::file_id(self);
        // What cannot be written faithfully reads back as something else.
        if decode::file_id(&text).as_ref() != Ok(self) {
            return Err(FileIdError::Inconsistent(
                "the fields do not fit the id's version",
            ));
        }
        Ok(text)
    }

    /// The text of an id made from what the server sent (its fields fit their
    /// version, and TL fields are shorter than 16 MiB).
    pub(crate) fn encode_known(&self) -> String {
        encode::file_id(self)
    }

    /// The unique id of the file this id names.
    pub fn unique_id(&self) -> Result<FileUniqueId, FileIdError> {
        unique::of(self)
    }

    /// The location `upload.getFile` takes for this file; an error for web files and
    /// the legacy chat photo and sticker set thumbnail sources, whose locations the API
    /// no longer has.
    pub(crate) fn input_location(&self) -> crate::Result<enums::InputFileLocation> {
        let unsupported = |what: &str| crate::Error::Unsupported(format!("{what} by file id"));
        let file_reference = bytes::Bytes::from(self.file_reference.clone());
        match &self.location {
            FileIdLocation::Web { .. } => Err(unsupported("downloading web files")),
            FileIdLocation::Common { id, access_hash } => Ok(match self.file_type {
                FileType::Encrypted => enums::InputFileLocation::InputEncryptedFileLocation(
                    types::InputEncryptedFileLocation {
                        id: *id,
                        access_hash: *access_hash,
                    },
                ),
                FileType::Secure | FileType::SecureRaw => {
                    enums::InputFileLocation::InputSecureFileLocation(
                        types::InputSecureFileLocation {
                            id: *id,
                            access_hash: *access_hash,
                        },
                    )
                }
                _ => enums::InputFileLocation::InputDocumentFileLocation(
                    types::InputDocumentFileLocation {
                        id: *id,
                        access_hash: *access_hash,
                        file_reference,
                        thumb_size: String::new(),
                    },
                ),
            }),
            FileIdLocation::Photo {
                id,
                access_hash,
                volume,
                source,
            } => match source {
                PhotoSizeSource::Thumbnail {
                    file_type,
                    thumbnail_type,
                } => {
                    let thumb_size = thumbnail_type.to_string();
                    Ok(if *file_type == FileType::Thumbnail {
                        enums::InputFileLocation::InputDocumentFileLocation(
                            types::InputDocumentFileLocation {
                                id: *id,
                                access_hash: *access_hash,
                                file_reference,
                                thumb_size,
                            },
                        )
                    } else {
                        enums::InputFileLocation::InputPhotoFileLocation(
                            types::InputPhotoFileLocation {
                                id: *id,
                                access_hash: *access_hash,
                                file_reference,
                                thumb_size,
                            },
                        )
                    })
                }
                PhotoSizeSource::Legacy { secret } => {
                    let v = volume.ok_or(FileIdError::Inconsistent(
                        "a legacy photo id without volume",
                    ))?;
                    Ok(legacy_photo(
                        *id,
                        *access_hash,
                        file_reference,
                        v.volume_id,
                        v.local_id,
                        *secret,
                    ))
                }
                PhotoSizeSource::FullLegacy {
                    volume_id,
                    secret,
                    local_id,
                } => Ok(legacy_photo(
                    *id,
                    *access_hash,
                    file_reference,
                    *volume_id,
                    *local_id,
                    *secret,
                )),
                PhotoSizeSource::ChatPhotoSmall {
                    chat_id,
                    chat_access_hash,
                }
                | PhotoSizeSource::ChatPhotoBig {
                    chat_id,
                    chat_access_hash,
                } => Ok(enums::InputFileLocation::InputPeerPhotoFileLocation(
                    types::InputPeerPhotoFileLocation {
                        big: matches!(source, PhotoSizeSource::ChatPhotoBig { .. }),
                        peer: chat_peer(*chat_id, *chat_access_hash)?,
                        photo_id: *id,
                    },
                )),
                PhotoSizeSource::StickerSetThumbnailVersion {
                    sticker_set_id,
                    sticker_set_access_hash,
                    version,
                } => Ok(enums::InputFileLocation::InputStickerSetThumb(
                    types::InputStickerSetThumb {
                        stickerset: enums::InputStickerSet::ID(types::InputStickerSetID {
                            id: *sticker_set_id,
                            access_hash: *sticker_set_access_hash,
                        }),
                        thumb_version: *version,
                    },
                )),
                // The locations of the legacy sources left the API.
                _ => Err(unsupported(
                    "downloading legacy chat photos and sticker set thumbnails",
                )),
            },
        }
    }

    /// The media `messages.sendMedia` takes to send this file again.
    pub(crate) fn input_media(&self) -> crate::Result<enums::InputMedia> {
        let file_reference = bytes::Bytes::from(self.file_reference.clone());
        match (&self.location, self.file_type) {
            (
                FileIdLocation::Photo {
                    id, access_hash, ..
                },
                FileType::Photo | FileType::PhotoWithSpoiler,
            ) => Ok(enums::InputMedia::Photo(Box::new(types::InputMediaPhoto {
                spoiler: self.file_type == FileType::PhotoWithSpoiler,
                id: enums::InputPhoto::InputPhoto(types::InputPhoto {
                    id: *id,
                    access_hash: *access_hash,
                    file_reference,
                }),
                ttl_seconds: None,
                video: None,
            }))),
            (
                FileIdLocation::Common { .. },
                FileType::Encrypted | FileType::Secure | FileType::SecureRaw | FileType::Temp,
            ) => Err(crate::Error::Unsupported(format!(
                "a {} file cannot be sent again",
                self.file_type.name()
            ))),
            (FileIdLocation::Common { id, access_hash }, file_type) => Ok(
                enums::InputMedia::Document(Box::new(types::InputMediaDocument {
                    spoiler: file_type == FileType::VideoWithSpoiler,
                    id: enums::InputDocument::InputDocument(types::InputDocument {
                        id: *id,
                        access_hash: *access_hash,
                        file_reference,
                    }),
                    video_cover: None,
                    video_timestamp: None,
                    ttl_seconds: None,
                    query: None,
                })),
            ),
            _ => Err(crate::Error::Unsupported(format!(
                "a {} file id cannot be sent",
                self.file_type.name()
            ))),
        }
    }
}

/// The input peer of a chat as the Bot API numbers chats.
fn chat_peer(chat_id: i64, access_hash: i64) -> crate::Result<enums::InputPeer> {
    use crate::peers::BareId;
    let bare = BareId::from_bot_api(chat_id).ok_or(FileIdError::Inconsistent(
        "a chat photo of chat 0, which names no chat",
    ))?;
    Ok(match bare {
        BareId::User(user_id) => enums::InputPeer::User(types::InputPeerUser {
            user_id,
            access_hash,
        }),
        BareId::Chat(chat_id) => enums::InputPeer::Chat(types::InputPeerChat { chat_id }),
        BareId::Channel(channel_id) => enums::InputPeer::Channel(types::InputPeerChannel {
            channel_id,
            access_hash,
        }),
    })
}

/// The location of an old photo size.
fn legacy_photo(
    id: i64,
    access_hash: i64,
    file_reference: bytes::Bytes,
    volume_id: i64,
    local_id: i32,
    secret: i64,
) -> enums::InputFileLocation {
    enums::InputFileLocation::InputPhotoLegacyFileLocation(types::InputPhotoLegacyFileLocation {
        id,
        access_hash,
        file_reference,
        volume_id,
        local_id,
        secret,
    })
}

impl std::str::FromStr for FileId {
    type Err = FileIdError;

    fn from_str(text: &str) -> Result<FileId, FileIdError> {
        FileId::decode(text)
    }
}

/// Which photo layout the version has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PhotoLayout {
    /// Volume, secret, local id (versions 2 and 3, and 4 before sub-version 22).
    Old,
    /// Volume, source, the source's fields, local id (4.22 to 4.31).
    Sourced,
    /// Source and its fields (4.32 and later).
    New,
}

fn photo_layout(major: u8, sub_version: u8) -> PhotoLayout {
    match (major, sub_version) {
        (4.., s) if s >= NO_VOLUME_SUB_VERSION => PhotoLayout::New,
        (4.., s) if s >= SOURCE_SUB_VERSION => PhotoLayout::Sourced,
        _ => PhotoLayout::Old,
    }
}

/// The URL-safe base64 file ids are written in: no padding written, padding read.
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    base64::engine::GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

#[cfg(test)]
mod tests;
