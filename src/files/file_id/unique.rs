//! Unique file ids: the same for one file whoever reads it and whichever size or copy
//! of it they were given, and no use for fetching it.

use super::decode::{Reader, base64 as from_base64};
use super::encode::{Writer, base64 as to_base64};
use super::{FileId, FileIdError, FileIdLocation, FileType, PhotoSizeSource, Volume, rle};

/// A decoded Bot API `file_unique_id`.
///
/// ```
/// use oxigram::files::FileUniqueId;
///
/// let unique = FileUniqueId::decode("AgADiAADiP_AFQ")?;
/// assert_eq!(unique, FileUniqueId::Document { id: 1567533629905567880 });
/// assert_eq!(unique.encode(), "AgADiAADiP_AFQ");
/// # Ok::<(), oxigram::files::FileIdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileUniqueId {
    /// Type 0: a web file, by its URL.
    Web {
        /// The URL.
        url: String,
    },
    /// Type 1: a photo size by its volume and local id (every size named in ids before
    /// 4.32, and the legacy sources).
    Photo {
        /// The volume id.
        volume_id: i64,
        /// The local id.
        local_id: i32,
    },
    /// Type 1: a photo size (or a chat photo) by the photo's id and one byte for the size
    /// (`a` is 0, `c` 1, any other letter its code plus 5; a chat's small photo 0, its
    /// big one 1).
    PhotoSize {
        /// The photo's (or document's) id.
        id: i64,
        /// The size's byte.
        size: u8,
    },
    /// Type 1: a sticker set's thumbnail by its version.
    StickerSetThumbnail {
        /// The sticker set.
        sticker_set_id: i64,
        /// The thumbnail's version.
        version: i32,
    },
    /// Type 2: a document of any kind (video, sticker, voice note...).
    Document {
        /// Its id.
        id: i64,
    },
    /// Type 3: a Telegram Passport file.
    Secure {
        /// Its id.
        id: i64,
    },
    /// Type 4: a file of a secret chat.
    Encrypted {
        /// Its id.
        id: i64,
    },
    /// Type 5: a temporary file.
    Temp {
        /// Its id.
        id: i64,
    },
}

impl FileUniqueId {
    /// Reads a unique file id.
    pub fn decode(text: &str) -> Result<FileUniqueId, FileIdError> {
        let bytes = rle::decode(&from_base64(text)?).ok_or(FileIdError::ZeroRun)?;
        let mut r = Reader::new(&bytes);
        let kind = r.i32("unique type")?;
        let unique = match kind {
            0 => {
                let url = r.tl_bytes("URL")?;
                FileUniqueId::Web {
                    url: String::from_utf8(url.to_vec()).map_err(|_| FileIdError::Url)?,
                }
            }
            // The three photo forms differ in length.
            1 => match r.rest().len() {
                12 => FileUniqueId::Photo {
                    volume_id: r.i64("volume id")?,
                    local_id: r.i32("local id")?,
                },
                9 => FileUniqueId::PhotoSize {
                    id: r.i64("id")?,
                    size: r.u8("size")?,
                },
                13 if r.rest()[0] == 2 => {
                    r.u8("form")?;
                    FileUniqueId::StickerSetThumbnail {
                        sticker_set_id: r.i64("sticker set id")?,
                        version: r.i32("version")?,
                    }
                }
                n if n < 9 => return Err(FileIdError::Truncated("photo unique id")),
                n => return Err(FileIdError::Trailing(n - 9)),
            },
            2 => FileUniqueId::Document { id: r.i64("id")? },
            3 => FileUniqueId::Secure { id: r.i64("id")? },
            4 => FileUniqueId::Encrypted { id: r.i64("id")? },
            5 => FileUniqueId::Temp { id: r.i64("id")? },
            other => return Err(FileIdError::UniqueType(other)),
        };
        match r.rest().len() {
            0 => Ok(unique),
            n => Err(FileIdError::Trailing(n)),
        }
    }

    /// Its type number (0 web, 1 photo, 2 document, 3 secure, 4 encrypted, 5 temp).
    pub fn type_number(&self) -> i32 {
        match self {
            FileUniqueId::Web { .. } => 0,
            FileUniqueId::Photo { .. }
            | FileUniqueId::PhotoSize { .. }
            | FileUniqueId::StickerSetThumbnail { .. } => 1,
            FileUniqueId::Document { .. } => 2,
            FileUniqueId::Secure { .. } => 3,
            FileUniqueId::Encrypted { .. } => 4,
            FileUniqueId::Temp { .. } => 5,
        }
    }

    /// Writes the unique id (a web URL is taken to be under TL's 16 MiB).
    pub fn encode(&self) -> String {
        let mut w = Writer::default();
        w.i32(self.type_number());
        match self {
            FileUniqueId::Web { url } => w.tl_bytes(url.as_bytes()),
            FileUniqueId::Photo {
                volume_id,
                local_id,
            } => {
                w.i64(*volume_id);
                w.i32(*local_id);
            }
            FileUniqueId::PhotoSize { id, size } => {
                w.i64(*id);
                w.bytes.push(*size);
            }
            FileUniqueId::StickerSetThumbnail {
                sticker_set_id,
                version,
            } => {
                w.bytes.push(2);
                w.i64(*sticker_set_id);
                w.i32(*version);
            }
            FileUniqueId::Document { id }
            | FileUniqueId::Secure { id }
            | FileUniqueId::Encrypted { id }
            | FileUniqueId::Temp { id } => w.i64(*id),
        }
        to_base64(&rle::encode(&w.bytes))
    }

    /// The byte a photo size's type letter stands for in a unique id; `None` for one
    /// that is not ASCII.
    pub fn size_byte(thumbnail_type: char) -> Option<u8> {
        match thumbnail_type {
            'a' => Some(0),
            'c' => Some(1),
            c if c.is_ascii() => Some(c as u8 + 5),
            _ => None,
        }
    }
}

impl std::str::FromStr for FileUniqueId {
    type Err = FileIdError;

    fn from_str(text: &str) -> Result<FileUniqueId, FileIdError> {
        FileUniqueId::decode(text)
    }
}

/// The unique id of the file `id` names, as the Bot API makes it.
pub(super) fn of(id: &FileId) -> Result<FileUniqueId, FileIdError> {
    let (photo_id, volume, source) = match &id.location {
        FileIdLocation::Web { url, .. } => return Ok(FileUniqueId::Web { url: url.clone() }),
        FileIdLocation::Common { id: file, .. } => {
            let file = *file;
            return Ok(match id.file_type {
                FileType::Secure | FileType::SecureRaw => FileUniqueId::Secure { id: file },
                FileType::Encrypted => FileUniqueId::Encrypted { id: file },
                FileType::Temp => FileUniqueId::Temp { id: file },
                _ => FileUniqueId::Document { id: file },
            });
        }
        FileIdLocation::Photo {
            id, volume, source, ..
        } => (*id, *volume, source),
    };
    let from_volume = || {
        volume
            .map(|v| FileUniqueId::Photo {
                volume_id: v.volume_id,
                local_id: v.local_id,
            })
            .ok_or(FileIdError::Inconsistent(
                "this photo size source has no unique id without a volume",
            ))
    };
    // Ids written before 4.32 named every size by its volume, and so did their unique
    // ids; a zero volume is none (Pyrogram writes zeros).
    if let Some(v) = volume.filter(|v| *v != Volume::default()) {
        return Ok(FileUniqueId::Photo {
            volume_id: v.volume_id,
            local_id: v.local_id,
        });
    }
    match *source {
        PhotoSizeSource::Thumbnail { thumbnail_type, .. } => Ok(FileUniqueId::PhotoSize {
            id: photo_id,
            size: FileUniqueId::size_byte(thumbnail_type)
                .ok_or(FileIdError::ThumbnailType(thumbnail_type as i32))?,
        }),
        PhotoSizeSource::ChatPhotoSmall { .. } if volume.is_none() => Ok(FileUniqueId::PhotoSize {
            id: photo_id,
            size: 0,
        }),
        PhotoSizeSource::ChatPhotoBig { .. } if volume.is_none() => Ok(FileUniqueId::PhotoSize {
            id: photo_id,
            size: 1,
        }),
        // Before 4.32 these were named by the volume beside them.
        PhotoSizeSource::Legacy { .. }
        | PhotoSizeSource::ChatPhotoSmall { .. }
        | PhotoSizeSource::ChatPhotoBig { .. }
        | PhotoSizeSource::StickerSetThumbnail { .. } => from_volume(),
        PhotoSizeSource::FullLegacy {
            volume_id,
            local_id,
            ..
        }
        | PhotoSizeSource::ChatPhotoSmallLegacy {
            volume_id,
            local_id,
            ..
        }
        | PhotoSizeSource::ChatPhotoBigLegacy {
            volume_id,
            local_id,
            ..
        }
        | PhotoSizeSource::StickerSetThumbnailLegacy {
            volume_id,
            local_id,
            ..
        } => Ok(FileUniqueId::Photo {
            volume_id,
            local_id,
        }),
        PhotoSizeSource::StickerSetThumbnailVersion {
            sticker_set_id,
            version,
            ..
        } => Ok(FileUniqueId::StickerSetThumbnail {
            sticker_set_id,
            version,
        }),
    }
}
