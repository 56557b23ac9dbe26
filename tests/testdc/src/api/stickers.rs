//! `messages.getStickerSet`: a sticker set a test made, with its stickers carrying the
//! file references handed out now.

use oxigram_tl::{Deserialize, enums, functions, types};

use super::{ApiState, Reply, Request, decode, error, me, ok};
use crate::world::document_media;

impl ApiState {
    /// Answers `messages.getStickerSet`.
    pub(super) fn get_sticker_set(&mut self, req: &Request<'_>) -> Reply {
        me!(self, req);
        let r = decode!(req, functions::messages::GetStickerSet);
        let Some(set) = self.world.sticker_set(&r.stickerset) else {
            return error(400, "STICKERSET_INVALID");
        };
        let documents: Vec<enums::Document> = set
            .stickers
            .iter()
            .filter_map(|&id| self.world.document_by_id(id))
            .filter_map(|d| match document_media(d) {
                enums::MessageMedia::Document(m) => m.document,
                _ => None,
            })
            .collect();
        ok(enums::messages::StickerSet::StickerSet(
            types::messages::StickerSet {
                set: enums::StickerSet::StickerSet(Box::new(types::StickerSet {
                    archived: false,
                    official: false,
                    masks: false,
                    emojis: false,
                    text_color: false,
                    channel_emoji_status: false,
                    creator: false,
                    installed_date: None,
                    id: set.id,
                    access_hash: set.access_hash,
                    title: set.title.clone(),
                    short_name: set.short_name.clone(),
                    thumbs_and_thumb_dc_id_and_thumb_version: None,
                    thumb_document_id: None,
                    count: documents.len() as i32,
                    hash: 0,
                })),
                packs: Vec::new(),
                keywords: Vec::new(),
                documents,
            },
        ))
    }
}
