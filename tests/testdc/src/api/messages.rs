//! `messages.*`: sending, reading, editing, deleting and forwarding messages, and
//! basic groups (creating them, looking them up by id).

use oxigram_tl::{Deserialize, Identifiable, Serialize, enums, functions, types};

use super::profiles::notify_settings;
use super::unique;
use super::upload::file_error;
use super::{ApiState, Reply, Request, decode, error, me, ok};
use crate::world::{self, Changed, Edit, FileMeta, PeerRef, Post};

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
                    entities,
                    ..Post::default()
                };
                self.post_message(me, to, &post, r.random_id, true)
            }
            functions::messages::GetHistory::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::GetHistory);
                let Some(peer) = self.resolve_peer(me, &r.peer) else {
                    return error(400, "PEER_ID_INVALID");
                };
                let limit = r.limit.clamp(1, 100) as usize;
                let messages: Vec<enums::Message> = self
                    .world
                    .history(me, peer)
                    .iter()
                    .filter(|m| r.offset_id == 0 || m.id < r.offset_id)
                    .take(limit)
                    .map(|m| self.world.message(m, me))
                    .collect();
                let shown: Vec<_> = self
                    .world
                    .history(me, peer)
                    .into_iter()
                    .filter(|m| r.offset_id == 0 || m.id < r.offset_id)
                    .take(limit)
                    .collect();
                let (users, chats) = self.involved(me, shown.iter().chain([]), Some(peer));
                ok(types::messages::Messages {
                    messages,
                    topics: vec![],
                    chats,
                    users,
                })
            }
            functions::messages::GetMessages::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::GetMessages);
                let found: Vec<_> =
                    r.id.iter()
                        .filter_map(|input| match input {
                            enums::InputMessage::ID(m) => self.world.get(me, m.id),
                            _ => None,
                        })
                        .collect();
                let messages = found.iter().map(|m| self.world.message(m, me)).collect();
                let (users, chats) = self.involved(me, found.iter(), None);
                ok(types::messages::Messages {
                    messages,
                    topics: vec![],
                    chats,
                    users,
                })
            }
            functions::messages::GetDialogs::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::GetDialogs);
                let tops: Vec<_> = self
                    .world
                    .dialogs(me)
                    .into_iter()
                    .take(r.limit.clamp(1, 100) as usize)
                    .collect();
                let dialogs = tops
                    .iter()
                    .map(|m| {
                        enums::Dialog::Dialog(types::Dialog {
                            pinned: false,
                            unread_mark: false,
                            view_forum_as_messages: false,
                            peer: m.peer.tl(),
                            top_message: m.id,
                            read_inbox_max_id: m.id,
                            read_outbox_max_id: m.id,
                            unread_count: 0,
                            unread_mentions_count: 0,
                            unread_reactions_count: 0,
                            unread_poll_votes_count: 0,
                            notify_settings: notify_settings(),
                            pts: None,
                            draft: None,
                            folder_id: None,
                            ttl_period: None,
                        })
                    })
                    .collect();
                let (users, chats) = self.involved(me, tops.iter(), None);
                ok(types::messages::Dialogs {
                    dialogs,
                    messages: tops.iter().map(|m| self.world.message(m, me)).collect(),
                    chats,
                    users,
                })
            }
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
                if r.media.is_some() {
                    return error(400, "MEDIA_NEW_INVALID");
                }
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
                let reply_markup = match self.stored_markup(me, r.reply_markup.as_ref()) {
                    Ok(markup) => markup,
                    Err(e) => return error(400, e),
                };
                let (file, mime_type, attributes, photo) = match &r.media {
                    enums::InputMedia::UploadedDocument(media) => (
                        &media.file,
                        media.mime_type.as_str(),
                        &media.attributes[..],
                        false,
                    ),
                    enums::InputMedia::UploadedPhoto(media) => {
                        (&media.file, "image/jpeg", &[][..], true)
                    }
                    _ => return error(400, "MEDIA_INVALID"),
                };
                let (file_id, parts, name) = match file {
                    enums::InputFile::InputFile(f) => (f.id, f.parts, f.name.clone()),
                    enums::InputFile::Big(f) => (f.id, f.parts, f.name.clone()),
                    _ => return error(400, "MEDIA_INVALID"),
                };
                let name = attributes
                    .iter()
                    .find_map(|a| match a {
                        enums::DocumentAttribute::Filename(f) => Some(f.file_name.clone()),
                        _ => None,
                    })
                    .or(Some(name).filter(|n| !n.is_empty() && !photo));
                let document = match self.world.finish_upload(
                    me,
                    file_id,
                    parts,
                    FileMeta {
                        mime_type: mime_type.to_owned(),
                        name,
                        photo,
                    },
                    now,
                ) {
                    Ok(id) => id,
                    Err(e) => return file_error(e),
                };
                let post = Post {
                    from: me,
                    text: &r.message,
                    date: now,
                    document: Some(document),
                    reply_markup,
                    reply_to: reply_to_id(r.reply_to.as_ref()),
                    ..Post::default()
                };
                self.post_message(me, to, &post, r.random_id, false)
            }
            _ => self.bots(req),
        }
    }
}

/// The message a new message replies to, if it replies to one in the same chat.
fn reply_to_id(reply_to: Option<&enums::InputReplyTo>) -> Option<i32> {
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
    fn edited(&self, me: i64, peer: PeerRef, changed: Vec<Changed>, now: i32) -> Reply {
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
