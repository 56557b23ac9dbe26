//! Inline messages: the id a bot gets for a result sent with a keyboard, and
//! `messages.editInlineBotMessage`, by which the bot edits that message in a chat it
//! need not be in.

use oxigram_tl::{Deserialize, enums, functions, types};

use super::{ApiState, Reply, Request, decode, error, me, ok};
use crate::world::{Edit, PageQuery, PeerRef};

impl ApiState {
    /// The id of the inline message `sender` just sent to `to` through a bot (the
    /// newest message of the chat in the sender's box), for `updateBotInlineSend`.
    pub(super) fn inline_message_id(
        &self,
        sender: i64,
        to: PeerRef,
    ) -> Option<enums::InputBotInlineMessageID> {
        let newest = PageQuery {
            limit: 1,
            ..PageQuery::default()
        };
        let m = self
            .world
            .page(sender, to, &newest, |_| true)
            .messages
            .pop()?;
        let owner = match to {
            PeerRef::Channel(channel) => -channel,
            _ => sender,
        };
        Some(enums::InputBotInlineMessageID::InputBotInlineMessageID64(
            types::InputBotInlineMessageID64 {
                dc_id: self.world.account(sender)?.home_dc,
                owner_id: owner,
                id: m.id,
                access_hash: self.world.inline_hash(owner, m.id),
            },
        ))
    }

    /// `messages.editInlineBotMessage`: the bot the message was sent through edits its
    /// text and keyboard; everyone holding it sees the edit.
    pub(super) fn edit_inline_message(&mut self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let r = decode!(req, functions::messages::EditInlineBotMessage);
        let enums::InputBotInlineMessageID::InputBotInlineMessageID64(id) = &r.id else {
            return error(400, "MESSAGE_ID_INVALID");
        };
        if id.access_hash != self.world.inline_hash(id.owner_id, id.id) {
            return error(400, "MESSAGE_ID_INVALID");
        }
        // A channel's message is named by the channel (a negative owner).
        let found = if id.owner_id < 0 {
            let peer = PeerRef::Channel(-id.owner_id);
            self.world
                .message_in(me, peer, id.id)
                .map(|m| (m.from, peer, m))
        } else {
            self.world
                .get(id.owner_id, id.id)
                .map(|m| (id.owner_id, m.peer, m))
        };
        let Some((sender, peer, m)) = found else {
            return error(400, "MESSAGE_ID_INVALID");
        };
        if m.via_bot != Some(me) {
            return error(403, "MESSAGE_AUTHOR_REQUIRED");
        }
        if r.media.is_some() {
            return error(400, "MEDIA_NEW_INVALID");
        }
        match r.message.as_deref() {
            Some(t) if t.trim().is_empty() => return error(400, "MESSAGE_EMPTY"),
            Some(t) if t.chars().count() > 4096 => return error(400, "MESSAGE_TOO_LONG"),
            _ => {}
        }
        let reply_markup = match self.stored_markup(me, r.reply_markup.as_ref()) {
            Ok(markup) => markup,
            Err(e) => return error(400, e),
        };
        let entities = match r.message.as_deref() {
            Some(text) => match self.stored_entities(me, text, r.entities.as_deref()) {
                Ok(entities) => entities,
                Err(e) => return error(400, e),
            },
            None => None,
        };
        let edit = Edit {
            text: r.message.as_deref(),
            reply_markup: Some(reply_markup),
            entities,
            ..Edit::default()
        };
        // The message is its sender's: the edit is made in their name, and what the
        // sender would have been answered is pushed to them instead.
        let changed = match self.world.edit(sender, peer, id.id, &edit, req.now) {
            Ok(changed) => changed,
            Err(e) => return error(400, &e.to_string()),
        };
        let edited = self.edited(sender, peer, changed, req.now);
        let mut pushes = edited.pushes;
        match edited.result {
            Ok(body) => pushes.push((sender, body)),
            Err(e) => {
                return Reply::pushing(Err(e), pushes);
            }
        }
        let mut reply = ok(true);
        reply.pushes = pushes;
        reply
    }
}
