//! `messages.*`: sending, reading, editing, deleting and forwarding messages, and
//! basic groups (creating them, looking them up by id).

use oxigram_tl::{Deserialize, Identifiable, Serialize, enums, functions, types};

use super::unique;
use super::{ApiState, Reply, Request, decode, error, me, ok};
use crate::world::{self, Changed, Edit, PeerRef, Post};

impl ApiState {
    /// Answers a `messages.*` method.
    pub(super) fn messages(&mut self, req: &Request<'_>) -> Reply {
        let &Request { now, .. } = req;
        match req.id {
            functions::messages::SendMessage::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::SendMessage);
                let Some(to) = self.resolve_peer(me, &r.peer) else {
                    return error(400, "PEER_ID_INVALID");
                };
                if r.message.trim().is_empty() {
                    return error(400, "MESSAGE_EMPTY");
                }
                if r.message.chars().count() > 4096 {
                    return error(400, "MESSAGE_TOO_LONG");
                }
                let reply_markup = match self.stored_markup(me, r.reply_markup.as_ref()) {
                    Ok(markup) => markup,
                    Err(e) => return error(400, e),
                };
                let quote = match self.reply_quote(me, to, r.reply_to.as_ref()) {
                    Ok(quote) => quote,
                    Err(reply) => return *reply,
                };
                let entities = match self.stored_entities(me, &r.message, r.entities.as_deref()) {
                    Ok(entities) => entities,
                    Err(e) => return error(400, e),
                };
                let post = Post {
                    from: me,
                    text: &r.message,
                    date: now,
                    reply_markup,
                    reply_to: reply_to_id(r.reply_to.as_ref()),
                    quote,
                    entities,
                    invert_media: r.invert_media,
                    ..Post::default()
                };
                self.post_message(me, to, &post, r.random_id, true)
            }
            functions::messages::GetHistory::CONSTRUCTOR_ID => self.get_history(req),
            functions::messages::GetMessages::CONSTRUCTOR_ID => self.get_messages(req),
            functions::messages::Search::CONSTRUCTOR_ID => self.search(req),
            functions::messages::ReadHistory::CONSTRUCTOR_ID => self.read_history(req),
            functions::messages::SendVote::CONSTRUCTOR_ID => self.send_vote(req),
            functions::messages::EditInlineBotMessage::CONSTRUCTOR_ID => {
                self.edit_inline_message(req)
            }
            functions::messages::GetDialogs::CONSTRUCTOR_ID => self.get_dialogs(req),
            functions::messages::ToggleDialogPin::CONSTRUCTOR_ID => self.toggle_dialog_pin(req),
            functions::messages::EditMessage::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::EditMessage);
                let Some(peer) = self.resolve_peer(me, &r.peer) else {
                    return error(400, "PEER_ID_INVALID");
                };
                match r.message.as_deref() {
                    Some(t) if t.trim().is_empty() => return error(400, "MESSAGE_EMPTY"),
                    Some(t) if t.chars().count() > 4096 => return error(400, "MESSAGE_TOO_LONG"),
                    _ => {}
                }
                // A file in place of the message's is kept here; a poll closed by
                // its author is the polls module's.
                let document = match r.media.as_ref().map(|m| self.media_document(me, m, now)) {
                    None => None,
                    Some(Ok(Some(document))) => Some(document),
                    Some(Ok(None)) => return self.edit_media(me, peer, &r, now),
                    Some(Err(reply)) => return *reply,
                };
                let is_bot = self.world.account(me).is_some_and(|a| a.is_bot());
                // A bot's edit without a keyboard takes the keyboard away, as on
                // Telegram; users' messages have none.
                let reply_markup = match self.stored_markup(me, r.reply_markup.as_ref()) {
                    Ok(markup) => is_bot.then_some(markup),
                    Err(e) => return error(400, e),
                };
                let entities = match &r.message {
                    Some(text) => match self.stored_entities(me, text, r.entities.as_deref()) {
                        Ok(entities) => entities,
                        Err(e) => return error(400, e),
                    },
                    None => None,
                };
                let edit = Edit {
                    text: r.message.as_deref(),
                    reply_markup,
                    document,
                    entities,
                };
                let changed = match self.world.edit(me, peer, r.id, &edit, now) {
                    Ok(changed) => changed,
                    Err(e) => return error(400, &e.to_string()),
                };
                self.edited(me, peer, changed, now)
            }
            functions::messages::DeleteMessages::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::DeleteMessages);
                let mut affected = types::messages::AffectedMessages {
                    pts: self.world.pts(me),
                    pts_count: 0,
                };
                let mut pushes = Vec::new();
                for (owner, ids, pts) in self.world.delete(me, &r.id, r.revoke) {
                    if owner == me {
                        affected = types::messages::AffectedMessages {
                            pts,
                            pts_count: ids.len() as i32,
                        };
                    } else {
                        let update = types::Updates {
                            updates: vec![enums::Update::DeleteMessages(
                                types::UpdateDeleteMessages {
                                    pts_count: ids.len() as i32,
                                    messages: ids,
                                    pts,
                                },
                            )],
                            users: vec![],
                            chats: vec![],
                            date: now,
                            seq: 0,
                        };
                        pushes.push((owner, update.to_bytes()));
                    }
                }
                Reply {
                    result: Ok(affected.to_bytes()),
                    pushes,
                    key_pushes: Vec::new(),
                    deferred: None,
                    answers: Vec::new(),
                }
            }
            functions::messages::ForwardMessages::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::ForwardMessages);
                let (Some(from), Some(to)) = (
                    self.resolve_peer(me, &r.from_peer),
                    self.resolve_peer(me, &r.to_peer),
                ) else {
                    return error(400, "PEER_ID_INVALID");
                };
                if r.id.len() != r.random_id.len() || r.id.is_empty() || r.id.len() > 100 {
                    return error(400, "RANDOM_ID_INVALID");
                }
                let originals: Vec<_> =
                    r.id.iter()
                        .filter_map(|&id| {
                            self.world
                                .history(me, from)
                                .into_iter()
                                .find(|m| m.id == id)
                        })
                        .collect();
                if originals.len() != r.id.len() {
                    return error(400, "MESSAGE_ID_INVALID");
                }
                let mut updates = Vec::new();
                let mut pushes = Vec::new();
                let mut users = Vec::new();
                let mut chats = Vec::new();
                for (original, random_id) in originals.iter().zip(&r.random_id) {
                    let post = Post {
                        from: me,
                        text: &original.text,
                        date: now,
                        document: original.document,
                        media: original.media.clone(),
                        forwarded: Some(
                            original.forwarded.unwrap_or((original.from, original.date)),
                        ),
                        ..Post::default()
                    };
                    let reply = self.post_message(me, to, &post, *random_id, false);
                    let answer = match reply.result {
                        Ok(answer) => answer,
                        Err(e) => {
                            return Reply {
                                result: Err(e),
                                pushes,
                                key_pushes: Vec::new(),
                                deferred: None,
                                answers: Vec::new(),
                            };
                        }
                    };
                    pushes.extend(reply.pushes);
                    if let Ok(enums::Updates::Updates(u)) = enums::Updates::from_bytes(&answer) {
                        updates.extend(u.updates);
                        users.extend(u.users);
                        chats.extend(u.chats);
                    }
                }
                unique(&mut users);
                unique(&mut chats);
                Reply {
                    result: Ok(types::Updates {
                        updates,
                        users,
                        chats,
                        date: now,
                        seq: 0,
                    }
                    .to_bytes()),
                    pushes,
                    key_pushes: Vec::new(),
                    deferred: None,
                    answers: Vec::new(),
                }
            }
            functions::messages::GetChats::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let mut r = decode!(req, functions::messages::GetChats);
                // Repeated ids are answered once: the answer stays as small as the world.
                let mut seen = std::collections::HashSet::new();
                r.id.retain(|id| seen.insert(*id));
                let mut chats = Vec::with_capacity(r.id.len());
                for id in r.id {
                    let Some(g) = self.world.group(id).filter(|g| g.channel.is_none()) else {
                        return error(400, "CHAT_ID_INVALID");
                    };
                    // A group the caller is not in reads as `chatForbidden`, as one it
                    // left or was removed from does on Telegram: the title, no more.
                    chats.push(if g.members.contains(&me) {
                        world::chat(g, me)
                    } else {
                        enums::Chat::Forbidden(types::ChatForbidden {
                            id: g.id,
                            title: g.title.clone(),
                        })
                    });
                }
                ok(types::messages::Chats { chats })
            }
            functions::messages::CreateChat::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::CreateChat);
                if r.title.trim().is_empty() {
                    return error(400, "CHAT_TITLE_EMPTY");
                }
                let Some(members) = self.resolve_users(me, &r.users) else {
                    return error(400, "USER_ID_INVALID");
                };
                let id = self
                    .world
                    .create_group(me, r.title.trim(), &members, now, None);
                self.group_created(me, id, now)
            }
            functions::messages::SendMedia::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::SendMedia);
                let Some(to) = self.resolve_peer(me, &r.peer) else {
                    return error(400, "PEER_ID_INVALID");
                };
                if r.message.chars().count() > super::media::MAX_CAPTION {
                    return error(400, "MEDIA_CAPTION_TOO_LONG");
                }
                let reply_markup = match self.stored_markup(me, r.reply_markup.as_ref()) {
                    Ok(markup) => markup,
                    Err(e) => return error(400, e),
                };
                let document = match self.media_document(me, &r.media, now) {
                    Ok(Some(document)) => document,
                    Ok(None) => return self.send_other_media(me, to, &r, reply_markup, now),
                    Err(reply) => return *reply,
                };
                let entities = match self.stored_entities(me, &r.message, r.entities.as_deref()) {
                    Ok(entities) => entities,
                    Err(e) => return error(400, e),
                };
                let quote = match self.reply_quote(me, to, r.reply_to.as_ref()) {
                    Ok(quote) => quote,
                    Err(reply) => return *reply,
                };
                let post = Post {
                    from: me,
                    text: &r.message,
                    date: now,
                    document: Some(document),
                    entities,
                    reply_markup,
                    reply_to: reply_to_id(r.reply_to.as_ref()),
                    quote,
                    ..Post::default()
                };
                self.post_message(me, to, &post, r.random_id, false)
            }
            id if Self::is_media_method(id) => self.media(req),
            functions::messages::EditChatPhoto::CONSTRUCTOR_ID => self.edit_group_photo(req),
            functions::messages::GetStickerSet::CONSTRUCTOR_ID => self.get_sticker_set(req),
            id if Self::is_chat_admin_method(id) => self.chat_admin(req),
            _ => self.bots(req),
        }
    }
}

/// The message a new message replies to, if it replies to one in the same chat.
pub(super) fn reply_to_id(reply_to: Option<&enums::InputReplyTo>) -> Option<i32> {
    match reply_to {
        Some(enums::InputReplyTo::Message(m)) if m.reply_to_peer_id.is_none() => {
            Some(m.reply_to_msg_id)
        }
        _ => None,
    }
}

impl ApiState {
    /// Answers an edit: `updateEditMessage` to each copy's owner (the editor's is the
    /// answer), or `updateEditChannelMessage` to every member of a channel.
    pub(super) fn edited(&self, me: i64, peer: PeerRef, changed: Vec<Changed>, now: i32) -> Reply {
        let mut answer = None;
        let mut pushes = Vec::new();
        let mut recipients = Vec::new();
        for (owner, m, pts) in changed {
            match peer {
                PeerRef::Channel(id) => {
                    for member in self
                        .world
                        .group(id)
                        .map(|g| g.members.clone())
                        .unwrap_or_default()
                    {
                        let m = world::StoredMessage {
                            out: m.from == member,
                            ..m.clone()
                        };
                        recipients.push((member, m, pts));
                    }
                    if !recipients.iter().any(|(o, _, _)| *o == owner) {
                        recipients.push((owner, m, pts));
                    }
                }
                _ => recipients.push((owner, m, pts)),
            }
        }
        for (owner, m, pts) in recipients {
            let message = self.world.message(&m, owner);
            let update = match peer {
                PeerRef::Channel(_) => {
                    enums::Update::EditChannelMessage(types::UpdateEditChannelMessage {
                        message,
                        pts,
                        pts_count: 1,
                    })
                }
                _ => enums::Update::EditMessage(types::UpdateEditMessage {
                    message,
                    pts,
                    pts_count: 1,
                }),
            };
            let (users, chats) = self.involved(owner, [&m].into_iter(), Some(peer));
            let body = types::Updates {
                updates: vec![update],
                users,
                chats,
                date: now,
                seq: 0,
            }
            .to_bytes();
            if owner == me {
                answer = Some(body);
            } else {
                pushes.push((owner, body));
            }
        }
        match answer {
            Some(answer) => Reply::pushing(Ok(answer), pushes),
            None => error(400, "MESSAGE_ID_INVALID"),
        }
    }
}
