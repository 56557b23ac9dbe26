//! Sticker sets, made by a test: each a title, a short name and its stickers (documents
//! whose file references expire with the others), answered by `messages.getStickerSet`.

use std::collections::BTreeMap;

use bytes::Bytes;
use oxigram_tl::{enums, types};

use super::{FileError, FileMeta, World};

/// The most sticker sets kept; more are refused ([`StickerSetError::TooMany`]).
pub const MAX_STICKER_SETS: usize = 64;
/// The most stickers in one set, as Telegram allows.
pub const MAX_STICKERS: usize = 120;

/// A sticker set as the server keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct StickerSet {
    /// Its id.
    pub id: i64,
    /// The hash that must come with the id.
    pub access_hash: i64,
    /// Its title.
    pub title: String,
    /// The name in its link (`t.me/addstickers/NAME`).
    pub short_name: String,
    /// Its stickers (document ids), in order.
    pub stickers: Vec<i64>,
}

/// Why a sticker set was not made.
#[derive(Debug, Clone, PartialEq)]
pub enum StickerSetError {
    /// [`MAX_STICKER_SETS`] are kept already.
    TooMany,
    /// Its short name is taken or empty.
    NameInvalid,
    /// No stickers, or more than [`MAX_STICKERS`].
    StickersInvalid,
    /// A sticker's file was refused.
    File(FileError),
}

/// The sticker sets made so far, by id.
#[derive(Debug, Default)]
pub(super) struct StickerSets {
    by_id: BTreeMap<i64, StickerSet>,
}

impl World {
    /// Makes a sticker set of `owner` holding `stickers` (WebP images), each a document
    /// whose attributes name the set; its id and access hash.
    pub fn create_sticker_set(
        &mut self,
        owner: i64,
        short_name: &str,
        title: &str,
        stickers: &[Bytes],
        date: i32,
    ) -> Result<(i64, i64), StickerSetError> {
        if self.sticker_sets.by_id.len() >= MAX_STICKER_SETS {
            return Err(StickerSetError::TooMany);
        }
        let taken = self
            .sticker_sets
            .by_id
            .values()
            .any(|s| s.short_name.eq_ignore_ascii_case(short_name));
        if short_name.is_empty() || taken {
            return Err(StickerSetError::NameInvalid);
        }
        if stickers.is_empty() || stickers.len() > MAX_STICKERS {
            return Err(StickerSetError::StickersInvalid);
        }
        let id = 0x5713_0000 + self.sticker_sets.by_id.len() as i64 + 1;
        let access_hash = self.hash_for(id ^ 0x5713);
        let mut documents = Vec::with_capacity(stickers.len());
        for (i, bytes) in stickers.iter().enumerate() {
            // Upload ids of the server's own, apart from any client's (those are random
            // and positive in practice; a clash would only mix this owner's parts).
            let file_id = -(id * 1_000 + i as i64);
            self.save_part(owner, file_id, 0, bytes.clone())
                .map_err(StickerSetError::File)?;
            let meta = FileMeta {
                mime_type: "image/webp".into(),
                name: Some("sticker.webp".into()),
                photo: false,
                attributes: vec![enums::DocumentAttribute::Sticker(
                    types::DocumentAttributeSticker {
                        mask: false,
                        alt: String::new(),
                        stickerset: enums::InputStickerSet::ID(types::InputStickerSetID {
                            id,
                            access_hash,
                        }),
                        mask_coords: None,
                    },
                )],
                md5: None,
            };
            let document = self
                .finish_upload(owner, file_id, 1, meta, date)
                .map_err(StickerSetError::File)?;
            documents.push(document);
        }
        self.sticker_sets.by_id.insert(
            id,
            StickerSet {
                id,
                access_hash,
                title: title.to_owned(),
                short_name: short_name.to_owned(),
                stickers: documents,
            },
        );
        Ok((id, access_hash))
    }

    /// The sticker set `input` names: by id (with its access hash) or by short name.
    pub fn sticker_set(&self, input: &enums::InputStickerSet) -> Option<&StickerSet> {
        match input {
            enums::InputStickerSet::ID(s) => self
                .sticker_sets
                .by_id
                .get(&s.id)
                .filter(|set| set.access_hash == s.access_hash),
            enums::InputStickerSet::ShortName(s) => self
                .sticker_sets
                .by_id
                .values()
                .find(|set| set.short_name.eq_ignore_ascii_case(&s.short_name)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_is_found_by_id_and_hash_or_by_name_and_names_are_not_reused() {
        let mut world = World::new(5);
        let owner = world.create_user("9996625555", "Artist", 2);
        let stickers = [Bytes::from_static(b"one"), Bytes::from_static(b"two")];
        let (id, access_hash) = world
            .create_sticker_set(owner, "cats", "Cats", &stickers, 0)
            .unwrap();
        let by_id = enums::InputStickerSet::ID(types::InputStickerSetID { id, access_hash });
        let set = world.sticker_set(&by_id).unwrap();
        assert_eq!(set.stickers.len(), 2);
        let second = world.document_by_id(set.stickers[1]).unwrap();
        assert_eq!(&second.bytes[..], b"two");
        let wrong_hash = enums::InputStickerSet::ID(types::InputStickerSetID {
            id,
            access_hash: access_hash ^ 1,
        });
        assert!(world.sticker_set(&wrong_hash).is_none());
        let by_name = enums::InputStickerSet::ShortName(types::InputStickerSetShortName {
            short_name: "CATS".into(),
        });
        assert_eq!(world.sticker_set(&by_name).map(|s| s.id), Some(id));
        assert_eq!(
            world.create_sticker_set(owner, "cats", "Again", &stickers, 0),
            Err(StickerSetError::NameInvalid)
        );
        assert_eq!(
            world.create_sticker_set(owner, "empty", "Empty", &[], 0),
            Err(StickerSetError::StickersInvalid)
        );
    }
}
