//! `photos.*` and the photo of a group: profile photos uploaded and listed
//! (`photos.uploadProfilePhoto`, `photos.getUserPhotos`), and
//! `messages.editChatPhoto` / `channels.editPhoto` with their service message.

use oxigram_tl::{Deserialize, Identifiable, enums, functions, types};

use super::upload::file_error;
use super::{ApiState, Reply, Request, decode, error, me, not_implemented, ok};
use crate::world::{FileMeta, PeerRef, Post, document_photo};

/// The most photos `photos.getUserPhotos` gives at once.
const MAX_PAGE: usize = 100;

impl ApiState {
    /// Answers a `photos.*` method.
    pub(super) fn photos(&mut self, req: &Request<'_>) -> Reply {
        match req.id {
            functions::photos::UploadProfilePhoto::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::photos::UploadProfilePhoto);
                // A bot may change its own photo only.
                if let Some(bot) = &r.bot
                    && self.resolve_user(me, bot) != Some(me)
                {
                    return error(400, "BOT_INVALID");
                }
                let Some(file) = &r.file else {
                    return error(400, "PHOTO_FILE_MISSING");
                };
                let photo = match self.upload_photo(me, file, req.now) {
                    Ok(photo) => photo,
                    Err(reply) => return *reply,
                };
                self.world.set_profile_photo(me, photo);
                let Some(stored) = self.world.document_by_id(photo) else {
                    return error(500, "PHOTO_LOST");
                };
                ok(types::photos::Photo {
                    photo: document_photo(stored),
                    users: self.world.user(me, me).into_iter().collect(),
                })
            }
            functions::photos::GetUserPhotos::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::photos::GetUserPhotos);
                let Some(user) = self.resolve_user(me, &r.user_id) else {
                    return error(400, "USER_ID_INVALID");
                };
                let all = self.world.profile_photos(user);
                let start = usize::try_from(r.offset).unwrap_or(0).min(all.len());
                let limit = usize::try_from(r.limit).unwrap_or(0).min(MAX_PAGE);
                let photos: Vec<enums::Photo> = all[start..]
                    .iter()
                    // `max_id`: only photos older than this one (0: no bound).
                    .skip_while(|&&id| r.max_id != 0 && id != r.max_id)
                    .skip(usize::from(r.max_id != 0))
                    .take(limit)
                    .filter_map(|&id| self.world.document_by_id(id).map(document_photo))
                    .collect();
                let users = self.world.user(user, me).into_iter().collect();
                if start + photos.len() < all.len() || start > 0 {
                    ok(enums::photos::Photos::Slice(types::photos::PhotosSlice {
                        count: all.len() as i32,
                        photos,
                        users,
                    }))
                } else {
                    ok(enums::photos::Photos::Photos(types::photos::Photos {
                        photos,
                        users,
                    }))
                }
            }
            _ => not_implemented(req.id),
        }
    }

    /// An uploaded file kept as a photo; its document id.
    fn upload_photo(
        &mut self,
        me: i64,
        file: &enums::InputFile,
        now: i32,
    ) -> Result<i64, Box<Reply>> {
        let (file_id, parts, md5) = match file {
            enums::InputFile::InputFile(f) => (f.id, f.parts, Some(f.md5_checksum.clone())),
            enums::InputFile::Big(f) => (f.id, f.parts, None),
            _ => return Err(Box::new(error(400, "PHOTO_FILE_MISSING"))),
        };
        let meta = FileMeta {
            mime_type: "image/jpeg".into(),
            name: None,
            photo: true,
            attributes: Vec::new(),
            md5,
        };
        self.world
            .finish_upload(me, file_id, parts, meta, now)
            .map_err(|e| Box::new(file_error(e)))
    }

    /// `messages.editChatPhoto` and `channels.editPhoto`: the group's photo set (or
    /// removed), and a service message saying so.
    pub(super) fn edit_group_photo(&mut self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let (group, input) = if req.id == functions::messages::EditChatPhoto::CONSTRUCTOR_ID {
            let r = decode!(req, functions::messages::EditChatPhoto);
            let group = self
                .world
                .group(r.chat_id)
                .filter(|g| g.channel.is_none())
                .map(|g| PeerRef::Chat(g.id));
            (group, r.photo)
        } else {
            let r = decode!(req, functions::channels::EditPhoto);
            (
                self.input_channel(&r.channel).map(PeerRef::Channel),
                r.photo,
            )
        };
        let Some(group) = group else {
            return error(400, "CHAT_ID_INVALID");
        };
        let (PeerRef::Chat(id) | PeerRef::Channel(id)) = group else {
            return error(400, "CHAT_ID_INVALID");
        };
        let Some(g) = self.world.group(id) else {
            return error(400, "CHAT_ID_INVALID");
        };
        if !g.members.contains(&me) {
            return error(403, "CHAT_WRITE_FORBIDDEN");
        }
        // The owner, an admin with the right to change the chat's info, or (in a basic
        // group) a member the permissions let.
        if !self.may_change_info(id, me) {
            return error(403, "CHAT_ADMIN_REQUIRED");
        }
        let photo = match &input {
            enums::InputChatPhoto::Empty => None,
            enums::InputChatPhoto::InputChatUploadedPhoto(p) => {
                let Some(file) = &p.file else {
                    return error(400, "PHOTO_FILE_MISSING");
                };
                match self.upload_photo(me, file, req.now) {
                    Ok(photo) => Some(photo),
                    Err(reply) => return *reply,
                }
            }
            enums::InputChatPhoto::InputChatPhoto(p) => {
                let enums::InputPhoto::InputPhoto(p) = &p.id else {
                    return error(400, "PHOTO_INVALID");
                };
                match self.world.document(p.id, p.access_hash) {
                    Some(d) if d.photo => Some(d.id),
                    _ => return error(400, "PHOTO_INVALID"),
                }
            }
        };
        if photo.is_none() && self.world.group(id).is_some_and(|g| g.photo.is_none()) {
            return error(400, "CHAT_NOT_MODIFIED");
        }
        self.world.set_group_photo(id, photo);
        let action = match photo.and_then(|p| self.world.document_by_id(p)) {
            Some(stored) => {
                enums::MessageAction::ChatEditPhoto(types::MessageActionChatEditPhoto {
                    photo: document_photo(stored),
                })
            }
            None => enums::MessageAction::ChatDeletePhoto,
        };
        let post = Post {
            from: me,
            text: "",
            date: req.now,
            action: Some(action),
            ..Post::default()
        };
        self.post_message(me, group, &post, 0, false)
    }
}
