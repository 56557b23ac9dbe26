//! Reading chats: `messages.getHistory` and `messages.search` a page at a time,
//! `messages.getMessages` / `channels.getMessages` by id, and marking a chat read
//! (`messages.readHistory` / `channels.readHistory`).

use oxigram_tl::{Deserialize, Serialize, enums, functions, types};

use super::{ApiState, Reply, Request, decode, error, me, ok};
use crate::world::{PageQuery, Paged, PeerRef, StoredMedia, StoredMessage, World};

/// The most messages one page holds (Telegram's limit).
pub const MAX_PAGE: i32 = 100;

/// What a search filter keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    All,
    Photos,
    Documents,
    Urls,
    Pinned,
    Geo,
    Contacts,
    Polls,
    Mentions,
    /// A filter for media the test DC never stores (videos, voice notes, ...).
    Nothing,
}

impl Kind {
    fn of(filter: &enums::MessagesFilter) -> Kind {
        use enums::MessagesFilter as F;
        match filter {
            F::InputMessagesFilterEmpty => Kind::All,
            F::InputMessagesFilterPhotos => Kind::Photos,
            F::InputMessagesFilterDocument => Kind::Documents,
            F::InputMessagesFilterUrl => Kind::Urls,
            F::InputMessagesFilterPinned => Kind::Pinned,
            F::InputMessagesFilterGeo => Kind::Geo,
            F::InputMessagesFilterContacts => Kind::Contacts,
            F::InputMessagesFilterPoll => Kind::Polls,
            F::InputMessagesFilterMyMentions => Kind::Mentions,
            _ => Kind::Nothing,
        }
    }
}

impl ApiState {
    /// The chat `peer` names for reading, if `me` may read it; else the error's name
    /// (400).
    fn readable(&self, me: i64, peer: &enums::InputPeer) -> Result<PeerRef, &'static str> {
        let Some(peer) = self.resolve_peer(me, peer) else {
            return Err("PEER_ID_INVALID");
        };
        match peer {
            PeerRef::Channel(id) if !self.members_of(id).contains(&me) => Err("CHANNEL_PRIVATE"),
            PeerRef::Chat(id) if !self.members_of(id).contains(&me) => Err("CHAT_ID_INVALID"),
            peer => Ok(peer),
        }
    }

    /// `messages.messages` when the page is all there is, else `messages.messagesSlice`
    /// (`messages.channelMessages` for channels), with the peers the page names.
    fn paged(&self, me: i64, peer: PeerRef, page: Paged) -> Reply {
        let (users, chats) = self.involved(me, page.messages.iter(), Some(peer));
        let messages: Vec<enums::Message> = page
            .messages
            .iter()
            .map(|m| self.world.message(m, me))
            .collect();
        messages_answer(&self.world, Some(peer), page.count, messages, users, chats)
    }

    /// `messages.getHistory`: a page of a chat, newest first.
    pub(super) fn get_history(&self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let r = decode!(req, functions::messages::GetHistory);
        let peer = match self.readable(me, &r.peer) {
            Ok(peer) => peer,
            Err(e) => return error(400, e),
        };
        let query = PageQuery {
            offset_id: r.offset_id,
            offset_date: r.offset_date,
            add_offset: r.add_offset,
            limit: r.limit.clamp(0, MAX_PAGE) as usize,
            max_id: r.max_id,
            min_id: r.min_id,
        };
        let page = self.world.page(me, peer, &query, |_| true);
        self.paged(me, peer, page)
    }

    /// `messages.search`: a page of the messages of a chat that hold the query (any
    /// case), pass the filter, and come from the sender and dates asked.
    pub(super) fn search(&self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let r = decode!(req, functions::messages::Search);
        let peer = match self.readable(me, &r.peer) {
            Ok(peer) => peer,
            Err(e) => return error(400, e),
        };
        let from = match &r.from_id {
            None => None,
            Some(input) => match self.resolve_peer(me, input) {
                Some(PeerRef::User(id)) => Some(id),
                _ => return error(400, "PEER_ID_INVALID"),
            },
        };
        let kind = Kind::of(&r.filter);
        let query = r.q.to_lowercase();
        let keep = |m: &StoredMessage| {
            m.action.is_none()
                && from.is_none_or(|f| m.from == f)
                && (r.min_date == 0 || m.date >= r.min_date)
                && (r.max_date == 0 || m.date <= r.max_date)
                && (query.is_empty() || m.text.to_lowercase().contains(&query))
                && self.kind_matches(kind, m, me)
        };
        let page_query = PageQuery {
            offset_id: r.offset_id,
            offset_date: 0,
            add_offset: r.add_offset,
            limit: r.limit.clamp(0, MAX_PAGE) as usize,
            max_id: r.max_id,
            min_id: r.min_id,
        };
        let page = self.world.page(me, peer, &page_query, keep);
        self.paged(me, peer, page)
    }

    fn kind_matches(&self, kind: Kind, m: &StoredMessage, me: i64) -> bool {
        let photo = m.document.and_then(|d| self.world.is_photo(d));
        match kind {
            Kind::All => true,
            Kind::Photos => photo == Some(true),
            Kind::Documents => photo == Some(false),
            Kind::Urls => ["http://", "https://", "t.me/"]
                .iter()
                .any(|p| m.text.contains(p)),
            Kind::Pinned => m.pinned,
            Kind::Mentions => {
                m.from != me
                    && self
                        .world
                        .account(me)
                        .and_then(|a| a.username.as_deref())
                        .is_some_and(|u| m.text.contains(&format!("@{u}")))
            }
            Kind::Geo => matches!(
                m.media,
                Some(StoredMedia::Geo { .. } | StoredMedia::Venue { .. })
            ),
            Kind::Contacts => matches!(m.media, Some(StoredMedia::Contact { .. })),
            Kind::Polls => matches!(m.media, Some(StoredMedia::Poll(_))),
            Kind::Nothing => false,
        }
    }

    /// `messages.getMessages`: the messages of the caller's box with these ids, in
    /// the order asked, `messageEmpty` for those it has not.
    pub(super) fn get_messages(&self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let r = decode!(req, functions::messages::GetMessages);
        let found = r.id.iter().map(|input| match input {
            enums::InputMessage::ID(m) => (m.id, self.world.get(me, m.id)),
            _ => (0, None),
        });
        self.by_id(me, found.collect(), None)
    }

    /// `channels.getMessages`: as `messages.getMessages`, in a channel.
    pub(super) fn get_channel_messages(&self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let r = decode!(req, functions::channels::GetMessages);
        let Some(id) = self.input_channel(&r.channel) else {
            return error(400, "CHANNEL_INVALID");
        };
        if !self.members_of(id).contains(&me) {
            return error(400, "CHANNEL_PRIVATE");
        }
        let peer = PeerRef::Channel(id);
        let found = r.id.iter().map(|input| match input {
            enums::InputMessage::ID(m) => (m.id, self.world.message_in(me, peer, m.id)),
            _ => (0, None),
        });
        self.by_id(me, found.collect(), Some(peer))
    }

    fn by_id(
        &self,
        me: i64,
        found: Vec<(i32, Option<StoredMessage>)>,
        channel: Option<PeerRef>,
    ) -> Reply {
        if found.len() > MAX_PAGE as usize {
            return error(400, "LIMIT_INVALID");
        }
        let messages = found
            .iter()
            .map(|(id, m)| match m {
                Some(m) => self.world.message(m, me),
                None => enums::Message::Empty(types::MessageEmpty {
                    id: *id,
                    peer_id: None,
                }),
            })
            .collect();
        let (users, chats) =
            self.involved(me, found.iter().filter_map(|(_, m)| m.as_ref()), channel);
        let count = found.len();
        messages_answer(&self.world, channel, count, messages, users, chats)
    }

    /// `messages.readHistory`: marks the chat read up to `max_id` (0: all). The test DC
    /// keeps no read marks; the senders of the messages read are told
    /// (`updateReadHistoryOutbox`), each with the id in their own box.
    pub(super) fn read_history(&self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let r = decode!(req, functions::messages::ReadHistory);
        let peer = match self.readable(me, &r.peer) {
            Ok(PeerRef::Channel(_)) => return error(400, "PEER_ID_INVALID"),
            Ok(peer) => peer,
            Err(e) => return error(400, e),
        };
        let query = PageQuery {
            max_id: if r.max_id > 0 {
                r.max_id.saturating_add(1)
            } else {
                0
            },
            limit: usize::MAX,
            ..PageQuery::default()
        };
        let read = self.world.page(me, peer, &query, |m| !m.out);
        // Per sender, the newest of their messages read, in their box.
        let mut newest: std::collections::BTreeMap<i64, i32> = Default::default();
        for m in &read.messages {
            if let Some(&(_, id)) = m.copies.iter().find(|(owner, _)| *owner == m.from) {
                let max = newest.entry(m.from).or_insert(id);
                *max = (*max).max(id);
            }
        }
        let pushes = newest
            .into_iter()
            .map(|(sender, max_id)| {
                let seen_as = match peer {
                    PeerRef::User(_) => PeerRef::User(me),
                    group => group,
                };
                let update = enums::Update::ReadHistoryOutbox(types::UpdateReadHistoryOutbox {
                    peer: seen_as.tl(),
                    max_id,
                    pts: self.world.pts(sender),
                    pts_count: 0,
                });
                let (users, chats) = self.involved(sender, std::iter::empty(), Some(seen_as));
                let body = types::Updates {
                    updates: vec![update],
                    users,
                    chats,
                    date: req.now,
                    seq: 0,
                };
                (sender, body.to_bytes())
            })
            .collect();
        let affected = types::messages::AffectedMessages {
            pts: self.world.pts(me),
            pts_count: 0,
        };
        Reply::pushing(Ok(affected.to_bytes()), pushes)
    }

    /// `channels.readHistory`: marks a channel read (members only).
    pub(super) fn read_channel_history(&self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let r = decode!(req, functions::channels::ReadHistory);
        let Some(id) = self.input_channel(&r.channel) else {
            return error(400, "CHANNEL_INVALID");
        };
        if !self.members_of(id).contains(&me) {
            return error(400, "CHANNEL_PRIVATE");
        }
        ok(true)
    }
}

/// The `messages.Messages` answer a reader gets: `messages.channelMessages` in a channel
/// (with its pts), `messages.messagesSlice` when `count` says there are more than these,
/// else `messages.messages`.
fn messages_answer(
    world: &World,
    peer: Option<PeerRef>,
    count: usize,
    messages: Vec<enums::Message>,
    users: Vec<enums::User>,
    chats: Vec<enums::Chat>,
) -> Reply {
    let total = i32::try_from(count).unwrap_or(i32::MAX);
    match peer {
        Some(PeerRef::Channel(id)) => ok(enums::messages::Messages::ChannelMessages(
            types::messages::ChannelMessages {
                inexact: false,
                pts: world.channel_pts(id),
                count: total,
                offset_id_offset: None,
                messages,
                topics: vec![],
                chats,
                users,
            },
        )),
        _ if count > messages.len() => ok(enums::messages::Messages::Slice(Box::new(
            types::messages::MessagesSlice {
                inexact: false,
                count: total,
                next_rate: None,
                offset_id_offset: None,
                search_flood: None,
                messages,
                topics: vec![],
                chats,
                users,
            },
        ))),
        _ => ok(enums::messages::Messages::Messages(
            types::messages::Messages {
                messages,
                topics: vec![],
                chats,
                users,
            },
        )),
    }
}
