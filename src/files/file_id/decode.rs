//! Reading file ids: base64, the version bytes, the zero runs, then the fields.

use super::{
    BASE64, FileId, FileIdError, FileIdLocation, FileType, MAX_ID_LEN, PhotoLayout,
    PhotoSizeSource, Volume, photo_layout, rle,
};
use base64::Engine as _;

/// The type number's flag for a web location.
pub(super) const WEB_LOCATION_FLAG: i32 = 1 << 24;
/// The type number's flag for a file reference.
pub(super) const FILE_REFERENCE_FLAG: i32 = 1 << 25;

/// Reads little-endian TL values from the front of a byte slice.
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], FileIdError> {
        if self.bytes.len() < n {
            return Err(FileIdError::Truncated(what));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    pub(super) fn i32(&mut self, what: &'static str) -> Result<i32, FileIdError> {
        let b = self.take(4, what)?;
        Ok(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(super) fn i64(&mut self, what: &'static str) -> Result<i64, FileIdError> {
        let b = self.take(8, what)?;
        let mut a = [0; 8];
        a.copy_from_slice(b);
        Ok(i64::from_le_bytes(a))
    }

    pub(super) fn u8(&mut self, what: &'static str) -> Result<u8, FileIdError> {
        Ok(self.take(1, what)?[0])
    }

    /// A TL `bytes`: a length (one byte, or 254 and three), the bytes, padding to 4.
    pub(super) fn tl_bytes(&mut self, what: &'static str) -> Result<&'a [u8], FileIdError> {
        let first = self.u8(what)?;
        let (len, header) = if first == 254 {
            let b = self.take(3, what)?;
            (
                usize::from(b[0]) | usize::from(b[1]) << 8 | usize::from(b[2]) << 16,
                4,
            )
        } else {
            (usize::from(first), 1)
        };
        let data = self.take(len, what)?;
        let padding = (4 - (header + len) % 4) % 4;
        self.take(padding, what)?;
        Ok(data)
    }

    pub(super) fn rest(&self) -> &'a [u8] {
        self.bytes
    }
}

/// The bytes of URL-safe base64 text.
pub(super) fn base64(text: &str) -> Result<Vec<u8>, FileIdError> {
    if text.is_empty() {
        return Err(FileIdError::Empty);
    }
    if text.len() > MAX_ID_LEN {
        return Err(FileIdError::TooLong(text.len()));
    }
    BASE64.decode(text).map_err(|_| FileIdError::Base64)
}

pub(super) fn file_id(text: &str) -> Result<FileId, FileIdError> {
    let raw = base64(text)?;
    // The version bytes follow the coded fields.
    let (&major, rest) = raw.split_last().ok_or(FileIdError::Empty)?;
    let (sub_version, coded) = match major {
        2 | 3 => (0, rest),
        4 => {
            let (&sub, coded) = rest.split_last().ok_or(FileIdError::Truncated("version"))?;
            (sub, coded)
        }
        other => return Err(FileIdError::Version(other)),
    };
    let bytes = rle::decode(coded).ok_or(FileIdError::ZeroRun)?;
    let mut r = Reader::new(&bytes);
    let raw_type = r.i32("file type")?;
    let web = raw_type & WEB_LOCATION_FLAG != 0;
    let has_reference = raw_type & FILE_REFERENCE_FLAG != 0;
    let number = raw_type & !(WEB_LOCATION_FLAG | FILE_REFERENCE_FLAG);
    let file_type = FileType::from_number(number).ok_or(FileIdError::FileType(number))?;
    let dc_id = r.i32("DC id")?;
    let file_reference = if has_reference {
        r.tl_bytes("file reference")?.to_vec()
    } else {
        Vec::new()
    };
    let location = if web {
        let url = String::from_utf8(r.tl_bytes("URL")?.to_vec()).map_err(|_| FileIdError::Url)?;
        let access_hash = r.i64("access hash")?;
        FileIdLocation::Web { url, access_hash }
    } else {
        let id = r.i64("id")?;
        let access_hash = r.i64("access hash")?;
        if file_type.is_photo() {
            let (volume, source) = photo(&mut r, photo_layout(major, sub_version))?;
            FileIdLocation::Photo {
                id,
                access_hash,
                volume,
                source,
            }
        } else {
            FileIdLocation::Common { id, access_hash }
        }
    };
    let left = r.rest();
    // Pyrogram ends a document id without a file reference with the two versions again,
    // as 32-bit numbers; nothing else may follow the last field.
    let pyrogram_tail = [i32::from(sub_version), i32::from(major)]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect::<Vec<u8>>();
    let tolerated = matches!(location, FileIdLocation::Common { .. })
        && !has_reference
        && left == pyrogram_tail.as_slice();
    if !left.is_empty() && !tolerated {
        return Err(FileIdError::Trailing(left.len()));
    }
    Ok(FileId {
        major,
        sub_version,
        file_type,
        dc_id,
        file_reference,
        location,
    })
}

/// A photo id's fields after its id and access hash.
fn photo(
    r: &mut Reader<'_>,
    layout: PhotoLayout,
) -> Result<(Option<Volume>, PhotoSizeSource), FileIdError> {
    match layout {
        PhotoLayout::Old => {
            let volume_id = r.i64("volume id")?;
            let secret = r.i64("secret")?;
            let local_id = r.i32("local id")?;
            Ok((
                Some(Volume {
                    volume_id,
                    local_id,
                }),
                PhotoSizeSource::Legacy { secret },
            ))
        }
        PhotoLayout::Sourced => {
            let volume_id = r.i64("volume id")?;
            let source = source(r)?;
            let local_id = r.i32("local id")?;
            Ok((
                Some(Volume {
                    volume_id,
                    local_id,
                }),
                source,
            ))
        }
        PhotoLayout::New => Ok((None, source(r)?)),
    }
}

/// A photo-size source: its number and its fields.
fn source(r: &mut Reader<'_>) -> Result<PhotoSizeSource, FileIdError> {
    let number = r.i32("photo size source")?;
    Ok(match number {
        0 => PhotoSizeSource::Legacy {
            secret: r.i64("secret")?,
        },
        1 => {
            let number = r.i32("thumbnail file type")?;
            let file_type = FileType::from_number(number).ok_or(FileIdError::FileType(number))?;
            let code = r.i32("thumbnail type")?;
            let thumbnail_type = u32::try_from(code)
                .ok()
                .and_then(char::from_u32)
                .filter(char::is_ascii)
                .ok_or(FileIdError::ThumbnailType(code))?;
            PhotoSizeSource::Thumbnail {
                file_type,
                thumbnail_type,
            }
        }
        2 | 3 => {
            let chat_id = r.i64("chat id")?;
            let chat_access_hash = r.i64("chat access hash")?;
            if number == 2 {
                PhotoSizeSource::ChatPhotoSmall {
                    chat_id,
                    chat_access_hash,
                }
            } else {
                PhotoSizeSource::ChatPhotoBig {
                    chat_id,
                    chat_access_hash,
                }
            }
        }
        4 => PhotoSizeSource::StickerSetThumbnail {
            sticker_set_id: r.i64("sticker set id")?,
            sticker_set_access_hash: r.i64("sticker set access hash")?,
        },
        5 => PhotoSizeSource::FullLegacy {
            volume_id: r.i64("volume id")?,
            secret: r.i64("secret")?,
            local_id: r.i32("local id")?,
        },
        6 | 7 => {
            let chat_id = r.i64("chat id")?;
            let chat_access_hash = r.i64("chat access hash")?;
            let volume_id = r.i64("volume id")?;
            let local_id = r.i32("local id")?;
            if number == 6 {
                PhotoSizeSource::ChatPhotoSmallLegacy {
                    chat_id,
                    chat_access_hash,
                    volume_id,
                    local_id,
                }
            } else {
                PhotoSizeSource::ChatPhotoBigLegacy {
                    chat_id,
                    chat_access_hash,
                    volume_id,
                    local_id,
                }
            }
        }
        8 => PhotoSizeSource::StickerSetThumbnailLegacy {
            sticker_set_id: r.i64("sticker set id")?,
            sticker_set_access_hash: r.i64("sticker set access hash")?,
            volume_id: r.i64("volume id")?,
            local_id: r.i32("local id")?,
        },
        9 => PhotoSizeSource::StickerSetThumbnailVersion {
            sticker_set_id: r.i64("sticker set id")?,
            sticker_set_access_hash: r.i64("sticker set access hash")?,
            version: r.i32("sticker set thumbnail version")?,
        },
        other => return Err(FileIdError::Source(other)),
    })
}
