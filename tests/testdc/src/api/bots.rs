//! What users ask of bots and bots answer: callback buttons
//! (`messages.getBotCallbackAnswer` / `setBotCallbackAnswer`) and inline queries
//! (`messages.getInlineBotResults` / `setInlineBotResults` / `sendInlineBotResult`).
//! The user's request waits (it is deferred) until the bot answers or the query times out.

use oxigram_tl::{Deserialize, Identifiable, Serialize, enums, functions, types};

use super::markup::has_callback;
use super::queries::{Query, QueryKind};
use super::{ApiState, Reply, Request, decode, error, me, ok};
use crate::world::{PeerRef, Post};

/// Bytes of an inline query's text (Telegram's limit).
pub const MAX_INLINE_QUERY: usize = 256;
/// Results one answer to an inline query may carry (Telegram's limit).
pub const MAX_INLINE_RESULTS: usize = 50;
/// Characters of a callback answer's notification (Telegram's limit).
pub const MAX_CALLBACK_ANSWER: usize = 200;

/// A bot's answer to an inline query, kept so the asker can send one of its results.
#[derive(Debug, Clone)]
pub(crate) struct InlineAnswer {
    pub(crate) asker: i64,
    pub(crate) bot: i64,
    pub(crate) query: String,
    pub(crate) results: Vec<InlineResult>,
}

/// One result of an answer: as users see it, and the stored file it sends, if any
/// (results made of a photo or document already on the server).
#[derive(Debug, Clone)]
pub(crate) struct InlineResult {
    pub(crate) result: types::BotInlineResult,
    pub(crate) document: Option<i64>,
}

/// An `updates` object carrying one update (and who it names), as pushed to a client.
pub(super) fn updates_of(
    update: enums::Update,
    users: Vec<enums::User>,
    chats: Vec<enums::Chat>,
    date: i32,
) -> Vec<u8> {
    types::Updates {
        updates: vec![update],
        users,
        chats,
        date,
        seq: 0,
    }
    .to_bytes()
}

impl ApiState {
    /// Answers the bot methods of `messages.*`; others go on to the next module.
    pub(super) fn bots(&mut self, req: &Request<'_>) -> Reply {
        let &Request { now, .. } = req;
        match req.id {
            functions::messages::GetBotCallbackAnswer::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::GetBotCallbackAnswer);
                let Some(peer) = self.resolve_peer(me, &r.peer) else {
                    return error(400, "PEER_ID_INVALID");
                };
                let Some(m) = self.world.message_in(me, peer, r.msg_id) else {
                    return error(400, "MESSAGE_ID_INVALID");
                };
                let bot = m.via_bot.unwrap_or(m.from);
                if !self.world.account(bot).is_some_and(|a| a.is_bot()) || bot == me {
                    return error(400, "MESSAGE_ID_INVALID");
                }
                let data = r.data.unwrap_or_default();
                if !has_callback(m.reply_markup.as_ref(), &data) {
                    return error(400, "DATA_INVALID");
                }
                // The bot sees the chat and the message as it knows them.
                let (bot_peer, bot_msg_id) = match peer {
                    PeerRef::User(_) => (PeerRef::User(me), self.world.copy_in(me, m.id, bot)),
                    PeerRef::Chat(_) => (peer, self.world.copy_in(me, m.id, bot)),
                    PeerRef::Channel(_) => (peer, Some(m.id)),
                };
                let Some(bot_msg_id) = bot_msg_id else {
                    return error(400, "MESSAGE_ID_INVALID");
                };
                let query_id = i64::from_le_bytes(self.random_bytes());
                let update = enums::Update::BotCallbackQuery(types::UpdateBotCallbackQuery {
                    query_id,
                    user_id: me,
                    peer: bot_peer.tl(),
                    msg_id: bot_msg_id,
                    chat_instance: chat_instance(bot_peer, bot),
                    data: Some(data),
                    game_short_name: None,
                });
                let (users, chats) = self.involved(bot, std::iter::empty(), Some(bot_peer));
                let push = (bot, updates_of(update, users, chats, now));
                self.defer_query(query_id, me, bot, now, QueryKind::Callback, push)
            }
            functions::messages::SetBotCallbackAnswer::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::SetBotCallbackAnswer);
                if r.message
                    .as_ref()
                    .is_some_and(|m| m.chars().count() > MAX_CALLBACK_ANSWER)
                {
                    return error(400, "MESSAGE_TOO_LONG");
                }
                let Some(q) = self
                    .queries
                    .take(r.query_id, me)
                    .filter(|q| q.kind == QueryKind::Callback)
                else {
                    return error(400, "QUERY_ID_INVALID");
                };
                let answer = types::messages::BotCallbackAnswer {
                    alert: r.alert,
                    has_url: r.url.is_some(),
                    native_ui: false,
                    message: r.message,
                    url: r.url,
                    cache_time: r.cache_time.max(0),
                };
                let mut reply = ok(true);
                reply.answers.push((q.deferral, Ok(answer.to_bytes())));
                reply
            }
            functions::messages::GetInlineBotResults::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::GetInlineBotResults);
                let Some(bot) = self.resolve_user(me, &r.bot) else {
                    return error(400, "BOT_INVALID");
                };
                let Some(peer) = self.resolve_peer(me, &r.peer) else {
                    return error(400, "PEER_ID_INVALID");
                };
                match self.world.account(bot) {
                    Some(a) if a.is_bot() && a.inline_placeholder.is_some() => {}
                    Some(a) if a.is_bot() => return error(400, "BOT_INLINE_DISABLED"),
                    _ => return error(400, "BOT_INVALID"),
                }
                if r.query.len() > MAX_INLINE_QUERY || r.offset.len() > MAX_INLINE_QUERY {
                    return error(400, "QUERY_TOO_LONG");
                }
                let query_id = i64::from_le_bytes(self.random_bytes());
                let update = enums::Update::BotInlineQuery(Box::new(types::UpdateBotInlineQuery {
                    query_id,
                    user_id: me,
                    query: r.query.clone(),
                    geo: None,
                    peer_type: Some(self.inline_peer_type(me, bot, peer)),
                    offset: r.offset,
                }));
                let (users, _) = self.involved(bot, std::iter::empty(), Some(PeerRef::User(me)));
                let push = (bot, updates_of(update, users, vec![], now));
                let kind = QueryKind::Inline { query: r.query };
                self.defer_query(query_id, me, bot, now, kind, push)
            }
            functions::messages::SetInlineBotResults::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::SetInlineBotResults);
                if r.results.len() > MAX_INLINE_RESULTS {
                    return error(400, "RESULTS_TOO_MUCH");
                }
                let mut results: Vec<InlineResult> = Vec::new();
                for input in &r.results {
                    let result = match self.inline_result(me, input) {
                        Ok(result) => result,
                        Err(e) => return error(400, e),
                    };
                    if results.iter().any(|o| o.result.id == result.result.id) {
                        return error(400, "RESULT_ID_DUPLICATE");
                    }
                    results.push(result);
                }
                let Some(q) = self.queries.take(r.query_id, me) else {
                    return error(400, "QUERY_ID_INVALID");
                };
                let QueryKind::Inline { query } = q.kind else {
                    return error(400, "QUERY_ID_INVALID");
                };
                let answer = types::messages::BotResults {
                    gallery: r.gallery,
                    query_id: q.id,
                    next_offset: r.next_offset.filter(|o| !o.is_empty()),
                    switch_pm: None,
                    switch_webview: None,
                    results: results.iter().map(|r| self.shown_result(r)).collect(),
                    cache_time: r.cache_time.max(0),
                    users: self.world.user(me, q.asker).into_iter().collect(),
                };
                self.inline_answers.insert(
                    q.id,
                    InlineAnswer {
                        asker: q.asker,
                        bot: me,
                        query,
                        results,
                    },
                );
                let mut reply = ok(true);
                reply.answers.push((q.deferral, Ok(answer.to_bytes())));
                reply
            }
            functions::messages::SendInlineBotResult::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::messages::SendInlineBotResult);
                let Some(to) = self.resolve_peer(me, &r.peer) else {
                    return error(400, "PEER_ID_INVALID");
                };
                let Some(answer) = self
                    .inline_answers
                    .get(&r.query_id)
                    .filter(|a| a.asker == me)
                    .cloned()
                else {
                    return error(400, "QUERY_ID_INVALID");
                };
                let Some(InlineResult { result, document }) =
                    answer.results.iter().find(|x| x.result.id == r.id)
                else {
                    return error(400, "RESULT_ID_INVALID");
                };
                let (text, entities, reply_markup) = match &result.send_message {
                    enums::BotInlineMessage::Text(t) => (
                        t.message.clone(),
                        t.entities.clone(),
                        t.reply_markup.clone(),
                    ),
                    // A file on the web is fetched when it is sent, and the test DC has
                    // no network: it answers as Telegram does when the fetch fails.
                    enums::BotInlineMessage::MediaAuto(_) if result.content.is_some() => {
                        return error(400, "WEBPAGE_CURL_FAILED");
                    }
                    enums::BotInlineMessage::MediaAuto(t) => (
                        t.message.clone(),
                        t.entities.clone(),
                        t.reply_markup.clone(),
                    ),
                    _ => return error(400, "RESULT_TYPE_INVALID"),
                };
                let post = Post {
                    from: me,
                    text: &text,
                    date: now,
                    document: *document,
                    reply_markup,
                    via_bot: (!r.hide_via).then_some(answer.bot),
                    entities,
                    ..Post::default()
                };
                let mut reply = self.post_message(me, to, &post, r.random_id, false);
                if reply.result.is_ok() {
                    // Sent as if the bot had inline feedback turned on (BotFather's
                    // /setinlinefeedback): it hears of every chosen result.
                    let chosen =
                        enums::Update::BotInlineSend(Box::new(types::UpdateBotInlineSend {
                            user_id: me,
                            query: answer.query.clone(),
                            geo: None,
                            id: result.id.clone(),
                            msg_id: post
                                .reply_markup
                                .as_ref()
                                .and_then(|_| self.inline_message_id(me, to)),
                        }));
                    let (users, _) =
                        self.involved(answer.bot, std::iter::empty(), Some(PeerRef::User(me)));
                    reply
                        .pushes
                        .push((answer.bot, updates_of(chosen, users, vec![], now)));
                }
                reply
            }
            _ => self.members(req),
        }
    }

    /// Opens a query to `bot`, pushes it (`push`), and defers the asker's answer. A
    /// query pushed out of the full table is answered `BOT_RESPONSE_TIMEOUT` now.
    fn defer_query(
        &mut self,
        query_id: i64,
        asker: i64,
        bot: i64,
        now: i32,
        kind: QueryKind,
        push: (i64, Vec<u8>),
    ) -> Reply {
        let (deferral, evicted) = self.queries.open(query_id, asker, bot, now, kind);
        let mut reply = Reply::pushing(Err(super::RpcError::new(500, "DEFERRED")), vec![push]);
        reply.deferred = Some(deferral);
        if let Some(Query { deferral, .. }) = evicted {
            tracing::debug!("bot queries at their bound: the oldest times out now");
            reply.answers.push((deferral, Err(timeout())));
        }
        reply
    }

    /// Answers `BOT_RESPONSE_TIMEOUT` to every query whose bot did not answer by `now`.
    pub fn expire(&mut self, now: i32) -> Vec<(u64, Result<Vec<u8>, super::RpcError>)> {
        self.queries
            .expire(now)
            .into_iter()
            .map(|q| (q.deferral, Err(timeout())))
            .collect()
    }

    /// The kind of chat an inline query comes from, as the bot is told.
    fn inline_peer_type(&self, me: i64, bot: i64, peer: PeerRef) -> enums::InlineQueryPeerType {
        match peer {
            PeerRef::User(u) if u == bot => enums::InlineQueryPeerType::SameBotPM,
            PeerRef::User(u) if u == me => enums::InlineQueryPeerType::PM,
            PeerRef::User(u) if self.world.account(u).is_some_and(|a| a.is_bot()) => {
                enums::InlineQueryPeerType::BotPM
            }
            PeerRef::User(_) => enums::InlineQueryPeerType::PM,
            PeerRef::Chat(_) => enums::InlineQueryPeerType::Chat,
            PeerRef::Channel(c) => match self.world.group(c).and_then(|g| g.channel) {
                Some((_, true)) => enums::InlineQueryPeerType::Broadcast,
                _ => enums::InlineQueryPeerType::Megagroup,
            },
        }
    }

    /// A bot's inline result as users see it: text results, "auto" ones (a file on the
    /// web as `content`, sent with its caption, or no file), thumbnails on the web, and
    /// photos or documents already on the server.
    fn inline_result(
        &self,
        bot: i64,
        input: &enums::InputBotInlineResult,
    ) -> Result<InlineResult, &'static str> {
        let r = match input {
            enums::InputBotInlineResult::InputBotInlineResult(r) => r,
            enums::InputBotInlineResult::Photo(p) => {
                let enums::InputPhoto::InputPhoto(photo) = &p.photo else {
                    return Err("PHOTO_INVALID");
                };
                return self.cached_result(
                    bot,
                    &p.id,
                    &p.r#type,
                    (photo.id, photo.access_hash, true),
                    None,
                    None,
                    &p.send_message,
                );
            }
            enums::InputBotInlineResult::Document(d) => {
                let enums::InputDocument::InputDocument(document) = &d.document else {
                    return Err("MEDIA_INVALID");
                };
                return self.cached_result(
                    bot,
                    &d.id,
                    &d.r#type,
                    (document.id, document.access_hash, false),
                    d.title.clone(),
                    d.description.clone(),
                    &d.send_message,
                );
            }
            _ => return Err("RESULT_TYPE_INVALID"),
        };
        if r.id.is_empty() || r.id.len() > 64 {
            return Err("RESULT_ID_INVALID");
        }
        let send_message = match &r.send_message {
            enums::InputBotInlineMessage::Text(t) => {
                enums::BotInlineMessage::Text(Box::new(types::BotInlineMessageText {
                    no_webpage: t.no_webpage,
                    invert_media: t.invert_media,
                    message: t.message.clone(),
                    entities: self.stored_entities(bot, &t.message, t.entities.as_deref())?,
                    reply_markup: self.stored_markup(bot, t.reply_markup.as_ref())?,
                }))
            }
            enums::InputBotInlineMessage::MediaAuto(t) => self.stored_media_auto(bot, t)?,
            _ => return Err("RESULT_TYPE_INVALID"),
        };
        if let enums::BotInlineMessage::Text(t) = &send_message
            && (t.message.trim().is_empty() || t.message.chars().count() > 4096)
        {
            return Err("MESSAGE_EMPTY");
        }
        Ok(InlineResult {
            result: types::BotInlineResult {
                id: r.id.clone(),
                r#type: r.r#type.clone(),
                title: r.title.clone(),
                description: r.description.clone(),
                url: r.url.clone(),
                thumb: r.thumb.as_ref().map(web_document).transpose()?,
                content: r.content.as_ref().map(web_document).transpose()?,
                send_message,
            },
            document: None,
        })
    }

    /// The caption of a media result as kept: its entities checked and stored.
    fn stored_media_auto(
        &self,
        bot: i64,
        t: &types::InputBotInlineMessageMediaAuto,
    ) -> Result<enums::BotInlineMessage, &'static str> {
        Ok(enums::BotInlineMessage::MediaAuto(Box::new(
            types::BotInlineMessageMediaAuto {
                invert_media: t.invert_media,
                message: t.message.clone(),
                entities: self.stored_entities(bot, &t.message, t.entities.as_deref())?,
                reply_markup: self.stored_markup(bot, t.reply_markup.as_ref())?,
            },
        )))
    }

    /// A result made of a stored photo or document (`file`: id, access hash, photo),
    /// sent with its caption ("auto" media messages only).
    #[allow(clippy::too_many_arguments)]
    fn cached_result(
        &self,
        bot: i64,
        id: &str,
        kind: &str,
        file: (i64, i64, bool),
        title: Option<String>,
        description: Option<String>,
        send_message: &enums::InputBotInlineMessage,
    ) -> Result<InlineResult, &'static str> {
        if id.is_empty() || id.len() > 64 {
            return Err("RESULT_ID_INVALID");
        }
        let (file_id, access_hash, photo) = file;
        if self
            .world
            .document(file_id, access_hash)
            .is_none_or(|d| d.photo != photo)
        {
            return Err(if photo {
                "PHOTO_INVALID"
            } else {
                "MEDIA_INVALID"
            });
        }
        let enums::InputBotInlineMessage::MediaAuto(t) = send_message else {
            return Err("RESULT_TYPE_INVALID");
        };
        let send_message = self.stored_media_auto(bot, t)?;
        Ok(InlineResult {
            result: types::BotInlineResult {
                id: id.to_owned(),
                r#type: kind.to_owned(),
                title,
                description,
                url: None,
                thumb: None,
                content: None,
                send_message,
            },
            document: Some(file_id),
        })
    }

    /// A result as the asker sees it: with its photo or document, if it has one.
    fn shown_result(&self, r: &InlineResult) -> enums::BotInlineResult {
        let stored = r.document.and_then(|id| self.world.document_by_id(id));
        let Some(stored) = stored else {
            return enums::BotInlineResult::BotInlineResult(Box::new(r.result.clone()));
        };
        let (photo, document) = match crate::world::document_media(stored) {
            enums::MessageMedia::Photo(p) => (p.photo, None),
            enums::MessageMedia::Document(d) => (None, d.document),
            _ => (None, None),
        };
        enums::BotInlineResult::BotInlineMediaResult(Box::new(types::BotInlineMediaResult {
            id: r.result.id.clone(),
            r#type: r.result.r#type.clone(),
            photo,
            document,
            title: r.result.title.clone(),
            description: r.result.description.clone(),
            send_message: r.result.send_message.clone(),
        }))
    }
}

/// A file on the web as users see it in a result. Only its address is checked (an
/// `http` or `https` URL with a host: `WEBDOCUMENT_URL_INVALID`) and that it names a MIME
/// type (`WEBDOCUMENT_MIME_INVALID`); nothing is fetched, and it is shown as
/// `webDocumentNoProxy` (the test DC serves no `upload.getWebFile`).
fn web_document(input: &enums::InputWebDocument) -> Result<enums::WebDocument, &'static str> {
    let enums::InputWebDocument::InputWebDocument(d) = input;
    let host = d
        .url
        .strip_prefix("https://")
        .or_else(|| d.url.strip_prefix("http://"))
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .filter(|host| !host.is_empty());
    if host.is_none() || d.url.chars().any(char::is_whitespace) {
        return Err("WEBDOCUMENT_URL_INVALID");
    }
    match d.mime_type.split_once('/') {
        Some((kind, sub)) if !kind.is_empty() && !sub.is_empty() => {}
        _ => return Err("WEBDOCUMENT_MIME_INVALID"),
    }
    Ok(enums::WebDocument::NoProxy(types::WebDocumentNoProxy {
        url: d.url.clone(),
        size: d.size.max(0),
        mime_type: d.mime_type.clone(),
        attributes: d.attributes.clone(),
    }))
}

/// `BOT_RESPONSE_TIMEOUT`: the bot did not answer in time.
fn timeout() -> super::RpcError {
    super::RpcError::new(400, "BOT_RESPONSE_TIMEOUT")
}

/// The same number for every callback from one chat to one bot, and different numbers
/// for different chats (what `chat_instance` promises bots).
fn chat_instance(peer: PeerRef, bot: i64) -> i64 {
    let (kind, id) = match peer {
        PeerRef::User(id) => (1u64, id),
        PeerRef::Chat(id) => (2, id),
        PeerRef::Channel(id) => (3, id),
    };
    let mut x = (id as u64) ^ (kind << 60) ^ (bot as u64).rotate_left(17);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (x ^ (x >> 31)) as i64
}
