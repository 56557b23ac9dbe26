//! Writing file ids: the fields, the zero runs coded, the version bytes, base64.

use super::decode::{FILE_REFERENCE_FLAG, WEB_LOCATION_FLAG};
use super::{BASE64, FileId, FileIdLocation, PhotoLayout, PhotoSizeSource, photo_layout, rle};
use base64::Engine as _;

/// Writes little-endian TL values.
#[derive(Default)]
pub(super) struct Writer {
    pub(super) bytes: Vec<u8>,
}

impl Writer {
    pub(super) fn i32(&mut self, v: i32) {
        self.bytes.extend(v.to_le_bytes());
    }

    pub(super) fn i64(&mut self, v: i64) {
        self.bytes.extend(v.to_le_bytes());
    }

    /// A TL `bytes` (of at most 16 MiB: [`FileId::encode`](super::FileId::encode)
    /// refuses longer fields).
    pub(super) fn tl_bytes(&mut self, data: &[u8]) {
        let len = data.len();
        let header = if len < 254 {
            self.bytes.push(len as u8);
            1
        } else {
            self.bytes.push(254);
            self.bytes.extend(&(len as u32).to_le_bytes()[..3]);
            4
        };
        self.bytes.extend(data);
        let padding = (4 - (header + len) % 4) % 4;
        self.bytes.extend(std::iter::repeat_n(0, padding));
    }
}

/// URL-safe base64 of `bytes`, unpadded.
pub(super) fn base64(bytes: &[u8]) -> String {
    BASE64.encode(bytes)
}

/// The id's text; fields its version cannot hold are written as best they can be, and
/// [`FileId::encode`](super::FileId::encode) tells by reading the text back.
pub(super) fn file_id(id: &FileId) -> String {
    let mut w = Writer::default();
    let mut raw_type = id.file_type.number();
    if matches!(id.location, FileIdLocation::Web { .. }) {
        raw_type |= WEB_LOCATION_FLAG;
    }
    if !id.file_reference.is_empty() {
        raw_type |= FILE_REFERENCE_FLAG;
    }
    w.i32(raw_type);
    w.i32(id.dc_id);
    if !id.file_reference.is_empty() {
        w.tl_bytes(&id.file_reference);
    }
    match &id.location {
        FileIdLocation::Web { url, access_hash } => {
            w.tl_bytes(url.as_bytes());
            w.i64(*access_hash);
        }
        FileIdLocation::Common { id, access_hash } => {
            w.i64(*id);
            w.i64(*access_hash);
        }
        FileIdLocation::Photo {
            id: photo_id,
            access_hash,
            volume,
            source,
        } => {
            w.i64(*photo_id);
            w.i64(*access_hash);
            let volume = volume.unwrap_or_default();
            match photo_layout(id.major, id.sub_version) {
                PhotoLayout::Old => {
                    let secret = match source {
                        PhotoSizeSource::Legacy { secret } => *secret,
                        // Read back, this is a legacy source: not what was written.
                        _ => 0,
                    };
                    w.i64(volume.volume_id);
                    w.i64(secret);
                    w.i32(volume.local_id);
                }
                PhotoLayout::Sourced => {
                    w.i64(volume.volume_id);
                    write_source(&mut w, source);
                    w.i32(volume.local_id);
                }
                PhotoLayout::New => write_source(&mut w, source),
            }
        }
    }
    let mut bytes = rle::encode(&w.bytes);
    if id.major == 4 {
        bytes.push(id.sub_version);
    }
    bytes.push(id.major);
    base64(&bytes)
}

fn write_source(w: &mut Writer, source: &PhotoSizeSource) {
    w.i32(source.number());
    match *source {
        PhotoSizeSource::Legacy { secret } => w.i64(secret),
        PhotoSizeSource::Thumbnail {
            file_type,
            thumbnail_type,
        } => {
            w.i32(file_type.number());
            w.i32(thumbnail_type as i32);
        }
        PhotoSizeSource::ChatPhotoSmall {
            chat_id,
            chat_access_hash,
        }
        | PhotoSizeSource::ChatPhotoBig {
            chat_id,
            chat_access_hash,
        } => {
            w.i64(chat_id);
            w.i64(chat_access_hash);
        }
        PhotoSizeSource::StickerSetThumbnail {
            sticker_set_id,
            sticker_set_access_hash,
        } => {
            w.i64(sticker_set_id);
            w.i64(sticker_set_access_hash);
        }
        PhotoSizeSource::FullLegacy {
            volume_id,
            secret,
            local_id,
        } => {
            w.i64(volume_id);
            w.i64(secret);
            w.i32(local_id);
        }
        PhotoSizeSource::ChatPhotoSmallLegacy {
            chat_id,
            chat_access_hash,
            volume_id,
            local_id,
        }
        | PhotoSizeSource::ChatPhotoBigLegacy {
            chat_id,
            chat_access_hash,
            volume_id,
            local_id,
        } => {
            w.i64(chat_id);
            w.i64(chat_access_hash);
            w.i64(volume_id);
            w.i32(local_id);
        }
        PhotoSizeSource::StickerSetThumbnailLegacy {
            sticker_set_id,
            sticker_set_access_hash,
            volume_id,
            local_id,
        } => {
            w.i64(sticker_set_id);
            w.i64(sticker_set_access_hash);
            w.i64(volume_id);
            w.i32(local_id);
        }
        PhotoSizeSource::StickerSetThumbnailVersion {
            sticker_set_id,
            sticker_set_access_hash,
            version,
        } => {
            w.i64(sticker_set_id);
            w.i64(sticker_set_access_hash);
            w.i32(version);
        }
    }
}
