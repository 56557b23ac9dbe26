//! Files as media: uploads turned into documents (with the attributes and checksum the
//! uploader gave), media named by id, `messages.uploadMedia`, and albums
//! (`messages.sendMultiMedia`).

use oxigram_tl::{Deserialize, Identifiable, enums, functions, types};

use super::messages::reply_to_id;
use super::upload::file_error;
use super::{ApiState, Reply, Request, decode, error, me, ok, unique};
use crate::world::{FileMeta, Post, document_media};

/// The most items an album holds.
const MAX_ALBUM: usize = 10;

/// Characters of a media caption (Telegram's limit without Premium).
pub(super) const MAX_CAPTION: usize = 1024;

impl ApiState {
    /// The stored document an input media uploads or names; `Ok(None)` for media that
    /// is no file (a location, a poll, ...), for the caller to handle.
    pub(super) fn media_document(
        &mut self,
        me: i64,
        media: &enums::InputMedia,
        now: i32,
    ) -> Result<Option<i64>, Box<Reply>> {
        let (file, mime_type, attributes, photo) = match media {
            enums::InputMedia::UploadedDocument(m) => {
                (&m.file, m.mime_type.as_str(), &m.attributes[..], false)
            }
            enums::InputMedia::UploadedPhoto(m) => (&m.file, "image/jpeg", &[][..], true),
            enums::InputMedia::Photo(m) => {
                let enums::InputPhoto::InputPhoto(p) = &m.id else {
                    return Err(Box::new(error(400, "MEDIA_EMPTY")));
                };
                return match self.world.document(p.id, p.access_hash) {
                    Some(d) if !d.reference_is_fresh(&p.file_reference) => {
                        Err(Box::new(error(400, "FILE_REFERENCE_EXPIRED")))
                    }
                    Some(d) if d.photo => Ok(Some(d.id)),
                    _ => Err(Box::new(error(400, "PHOTO_INVALID"))),
                };
            }
            enums::InputMedia::Document(m) => {
                let enums::InputDocument::InputDocument(d) = &m.id else {
                    return Err(Box::new(error(400, "MEDIA_EMPTY")));
                };
                let reference = &d.file_reference;
                return match self.world.document(d.id, d.access_hash) {
                    Some(d) if !d.reference_is_fresh(reference) => {
                        Err(Box::new(error(400, "FILE_REFERENCE_EXPIRED")))
                    }
                    Some(d) if !d.photo => Ok(Some(d.id)),
                    _ => Err(Box::new(error(400, "MEDIA_INVALID"))),
                };
            }
            // The test DC reaches no network: Telegram's answer for a URL it could
            // not fetch.
            enums::InputMedia::PhotoExternal(_) | enums::InputMedia::DocumentExternal(_) => {
                return Err(Box::new(error(400, "WEBPAGE_CURL_FAILED")));
            }
            _ => return Ok(None),
        };
        let (file_id, parts, name, md5) = match file {
            enums::InputFile::InputFile(f) => {
                (f.id, f.parts, f.name.clone(), Some(f.md5_checksum.clone()))
            }
            enums::InputFile::Big(f) => (f.id, f.parts, f.name.clone(), None),
            _ => return Err(Box::new(error(400, "MEDIA_INVALID"))),
        };
        let name = attributes
            .iter()
            .find_map(|a| match a {
                enums::DocumentAttribute::Filename(f) => Some(f.file_name.clone()),
                _ => None,
            })
            .or(Some(name).filter(|n| !n.is_empty() && !photo));
        let meta = FileMeta {
            mime_type: mime_type.to_owned(),
            name,
            photo,
            // The name is kept apart; the rest as given.
            attributes: attributes
                .iter()
                .filter(|a| !matches!(a, enums::DocumentAttribute::Filename(_)))
                .cloned()
                .collect(),
            md5,
        };
        match self.world.finish_upload(me, file_id, parts, meta, now) {
            Ok(id) => Ok(Some(id)),
            Err(e) => Err(Box::new(file_error(e))),
        }
    }

    /// `messages.uploadMedia`: the file kept, not sent; its media to send by id.
    pub(super) fn upload_media(&mut self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let r = decode!(req, functions::messages::UploadMedia);
        if self.resolve_peer(me, &r.peer).is_none() {
            return error(400, "PEER_ID_INVALID");
        }
        match self.media_document(me, &r.media, req.now) {
            Ok(Some(id)) => match self.world.document_by_id(id) {
                Some(d) => ok(document_media(d)),
                None => error(500, "DOCUMENT_LOST"),
            },
            Ok(None) => error(400, "MEDIA_INVALID"),
            Err(reply) => *reply,
        }
    }

    /// `messages.sendMultiMedia`: an album, each item a message of the same group.
    pub(super) fn send_multi_media(&mut self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let r = decode!(req, functions::messages::SendMultiMedia);
        let Some(to) = self.resolve_peer(me, &r.peer) else {
            return error(400, "PEER_ID_INVALID");
        };
        if !(2..=MAX_ALBUM).contains(&r.multi_media.len()) {
            return error(400, "MULTI_MEDIA_TOO_LONG");
        }
        let mut documents = Vec::with_capacity(r.multi_media.len());
        for item in &r.multi_media {
            let enums::InputSingleMedia::InputSingleMedia(item) = item;
            // An album is made of media already on the server.
            if !matches!(
                item.media,
                enums::InputMedia::Photo(_) | enums::InputMedia::Document(_)
            ) {
                return error(400, "MEDIA_INVALID");
            }
            match self.media_document(me, &item.media, req.now) {
                Ok(Some(id)) => documents.push(id),
                Ok(None) => return error(400, "MEDIA_INVALID"),
                Err(reply) => return *reply,
            }
        }
        // Any id the sender cannot foresee will do; this one is reproducible.
        let grouped_id = r.multi_media.iter().fold(0x6a1b_u64 as i64, |acc, item| {
            let enums::InputSingleMedia::InputSingleMedia(item) = item;
            acc.rotate_left(7) ^ item.random_id
        });
        let mut answer = types::Updates {
            updates: Vec::new(),
            users: Vec::new(),
            chats: Vec::new(),
            date: req.now,
            seq: 0,
        };
        let mut pushes = Vec::new();
        for (item, document) in r.multi_media.iter().zip(documents) {
            let enums::InputSingleMedia::InputSingleMedia(item) = item;
            let entities = match self.stored_entities(me, &item.message, item.entities.as_deref()) {
                Ok(entities) => entities,
                Err(e) => return error(400, e),
            };
            let post = Post {
                from: me,
                text: &item.message,
                date: req.now,
                document: Some(document),
                reply_to: reply_to_id(r.reply_to.as_ref()),
                grouped_id: Some(grouped_id),
                entities,
                ..Post::default()
            };
            // Each item is posted as one message would be (the same rights checked);
            // the answers are joined into one.
            let reply = self.post_message(me, to, &post, item.random_id, false);
            let body = match reply.result {
                Ok(body) => body,
                Err(e) => {
                    return Reply {
                        result: Err(e),
                        pushes,
                        ..reply
                    };
                }
            };
            match enums::Updates::from_bytes(&body) {
                Ok(enums::Updates::Updates(u)) => {
                    answer.updates.extend(u.updates);
                    answer.users.extend(u.users);
                    answer.chats.extend(u.chats);
                }
                _ => return error(500, "ALBUM_ANSWER_INVALID"),
            }
            pushes.extend(reply.pushes);
        }
        unique(&mut answer.users);
        unique(&mut answer.chats);
        Reply {
            pushes,
            ..ok(answer)
        }
    }

    /// Whether `id` is a method of this module.
    pub(super) fn is_media_method(id: u32) -> bool {
        matches!(
            id,
            functions::messages::UploadMedia::CONSTRUCTOR_ID
                | functions::messages::SendMultiMedia::CONSTRUCTOR_ID
        )
    }

    /// Answers a method of this module.
    pub(super) fn media(&mut self, req: &Request<'_>) -> Reply {
        match req.id {
            functions::messages::UploadMedia::CONSTRUCTOR_ID => self.upload_media(req),
            _ => self.send_multi_media(req),
        }
    }
}
