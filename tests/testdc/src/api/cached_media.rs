//! `messages.sendMedia` with media already on the server (`inputMediaPhoto`,
//! `inputMediaDocument`): the stored file is attached again, nothing is uploaded.

use oxigram_tl::{Deserialize, enums, functions};

use super::{ApiState, Reply, Request, decode, error, me};
use crate::world::Post;

/// Characters of a media caption (Telegram's limit without Premium).
pub const MAX_CAPTION: usize = 1024;

/// Whether the request is `messages.sendMedia` with media sent by id.
pub(super) fn is_cached_media(req: &Request<'_>) -> bool {
    functions::messages::SendMedia::from_bytes(req.body).is_ok_and(|r| {
        matches!(
            r.media,
            enums::InputMedia::Photo(_) | enums::InputMedia::Document(_)
        )
    })
}

impl ApiState {
    /// Posts a message with a stored photo or document, found by id and access hash.
    pub(super) fn send_cached_media(&mut self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let r = decode!(req, functions::messages::SendMedia);
        let Some(to) = self.resolve_peer(me, &r.peer) else {
            return error(400, "PEER_ID_INVALID");
        };
        if r.message.chars().count() > MAX_CAPTION {
            return error(400, "MEDIA_CAPTION_TOO_LONG");
        }
        let (id, access_hash, photo) = match &r.media {
            enums::InputMedia::Photo(p) => match &p.id {
                enums::InputPhoto::InputPhoto(p) => (p.id, p.access_hash, true),
                enums::InputPhoto::Empty => return error(400, "MEDIA_EMPTY"),
            },
            enums::InputMedia::Document(d) => match &d.id {
                enums::InputDocument::InputDocument(d) => (d.id, d.access_hash, false),
                enums::InputDocument::Empty => return error(400, "MEDIA_EMPTY"),
            },
            _ => return error(400, "MEDIA_INVALID"),
        };
        if self
            .world
            .document(id, access_hash)
            .is_none_or(|d| d.photo != photo)
        {
            return error(
                400,
                if photo {
                    "PHOTO_INVALID"
                } else {
                    "MEDIA_INVALID"
                },
            );
        }
        let reply_markup = match self.stored_markup(me, r.reply_markup.as_ref()) {
            Ok(markup) => markup,
            Err(e) => return error(400, e),
        };
        let reply_to = match &r.reply_to {
            Some(enums::InputReplyTo::Message(m)) => Some(m.reply_to_msg_id),
            _ => None,
        };
        let post = Post {
            from: me,
            text: &r.message,
            date: req.now,
            document: Some(id),
            reply_markup,
            reply_to,
            ..Post::default()
        };
        self.post_message(me, to, &post, r.random_id, false)
    }
}
