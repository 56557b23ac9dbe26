//! `upload.*`: uploading file parts and downloading files.

use oxigram_tl::{Deserialize, Identifiable, enums, functions, types};

use super::{ApiState, Reply, Request, decode, error, me, ok};
use crate::world::FileError;

/// The RPC error for a failed upload.
pub(super) fn file_error(e: FileError) -> Reply {
    match e {
        FileError::PartMissing(part) => error(400, &format!("FILE_PART_{part}_MISSING")),
        FileError::TooBig => error(400, "FILE_PART_TOO_BIG"),
        FileError::PartsInvalid => error(400, "FILE_PARTS_INVALID"),
        FileError::Md5Invalid => error(400, "MD5_CHECKSUM_INVALID"),
    }
}

impl ApiState {
    /// Answers a `upload.*` method.
    pub(super) fn upload(&mut self, req: &Request<'_>) -> Reply {
        match req.id {
            functions::upload::SaveFilePart::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::upload::SaveFilePart);
                match self.world.save_part(me, r.file_id, r.file_part, r.bytes) {
                    Ok(()) => ok(true),
                    Err(e) => file_error(e),
                }
            }
            functions::upload::SaveBigFilePart::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::upload::SaveBigFilePart);
                if r.file_part >= r.file_total_parts {
                    return error(400, "FILE_PARTS_INVALID");
                }
                match self.world.save_part(me, r.file_id, r.file_part, r.bytes) {
                    Ok(()) => ok(true),
                    Err(e) => file_error(e),
                }
            }
            functions::upload::GetFile::CONSTRUCTOR_ID => {
                me!(self, req);
                let r = decode!(req, functions::upload::GetFile);
                let (id, access_hash, photo, reference) = match &r.location {
                    enums::InputFileLocation::InputDocumentFileLocation(l) => {
                        (l.id, l.access_hash, false, &l.file_reference)
                    }
                    enums::InputFileLocation::InputPhotoFileLocation(l) => {
                        (l.id, l.access_hash, true, &l.file_reference)
                    }
                    _ => return error(400, "LOCATION_INVALID"),
                };
                let Some(document) = self
                    .world
                    .document(id, access_hash)
                    .filter(|d| d.photo == photo)
                    .cloned()
                else {
                    return error(400, "FILE_ID_INVALID");
                };
                if !document.reference_is_fresh(reference) {
                    return error(400, "FILE_REFERENCE_EXPIRED");
                }
                // Telegram's rules: 4 KiB-aligned offsets, limits dividing 1 MiB.
                if r.offset < 0 || r.offset % 4096 != 0 {
                    return error(400, "OFFSET_INVALID");
                }
                if r.limit <= 0 || r.limit > 1 << 20 || (1 << 20) % r.limit != 0 {
                    return error(400, "LIMIT_INVALID");
                }
                if r.cdn_supported
                    && let Some(redirect) =
                        self.cdn_redirect(id, access_hash, &document.bytes, r.offset as u64)
                {
                    return redirect;
                }
                let len = document.bytes.len();
                let start = (r.offset as usize).min(len);
                let end = (start + r.limit as usize).min(len);
                ok(types::upload::File {
                    r#type: enums::storage::FileType::FilePartial,
                    mtime: document.date,
                    bytes: document.bytes.slice(start..end),
                })
            }
            _ => super::not_implemented(req.id),
        }
    }
}
