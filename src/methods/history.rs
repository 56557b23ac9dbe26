//! Reading chats: messages by id, a chat's history and searches as streams that page
//! by offset id, albums, and marking a chat read.

use std::future::IntoFuture;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use oxigram_runtime::BoxFuture;

use super::messages::awaitable;
use super::pages::{Page, Pager, Pages};
use super::target::{Target, input_channel};
use crate::peers::PeerRef;
use crate::tl::{enums, functions, types};
use crate::types::carried::Carried;
use crate::{Client, Error, Message};

/// The most messages one request returns (Telegram's limit).
const PAGE_SIZE: usize = 100;

/// What one answer of messages holds.
struct Answer {
    /// High-level messages (empty ones left out).
    messages: Vec<Message>,
    /// Raw messages in the answer, empty ones included.
    raw_count: usize,
    /// The id of the last raw message, where the next page starts.
    last_id: Option<i32>,
    /// How many match in all (`None` when the answer is all there is).
    total: Option<usize>,
}

/// The messages an answer carries, high-level.
fn read_messages(
    client: &Client,
    answer: enums::messages::Messages,
    method: &str,
) -> crate::Result<Answer> {
    let (raw, users, chats, total) = match answer {
        enums::messages::Messages::Messages(m) => (m.messages, m.users, m.chats, None),
        enums::messages::Messages::Slice(m) => (m.messages, m.users, m.chats, Some(m.count)),
        enums::messages::Messages::ChannelMessages(m) => {
            (m.messages, m.users, m.chats, Some(m.count))
        }
        enums::messages::Messages::NotModified(_) => {
            return Err(Error::Unexpected(format!("{method}: not modified")));
        }
    };
    let last_id = raw.last().map(|m| match m {
        enums::Message::Message(m) => m.id,
        enums::Message::Service(m) => m.id,
        enums::Message::Empty(m) => m.id,
    });
    let raw_count = raw.len();
    let carried = Carried::new(client, &users, &chats);
    // Sized once: collected from a filter, the list would grow (and be copied) by
    // doubling.
    let mut messages = Vec::with_capacity(raw.len());
    messages.extend(raw.into_iter().filter_map(|m| Message::new(&carried, m)));
    Ok(Answer {
        messages,
        raw_count,
        last_id,
        total: total.map(|c| usize::try_from(c).unwrap_or(0)),
    })
}

impl Message {
    /// The high-level messages of a raw `messages.Messages` answer (a `messages.getHistory`
    /// or `messages.search` called through [`Client::invoke`]), its users and chats
    /// remembered in the peer cache as any answer's are:
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// use oxigram::tl::{enums, functions};
    /// let peer = app.resolve_peer("@durov").await?;
    /// let answer = app
    ///     .invoke(functions::messages::GetHistory {
    ///         peer, offset_id: 0, offset_date: 0, add_offset: 0, limit: 10, max_id: 0,
    ///         min_id: 0, hash: 0,
    ///     })
    ///     .await?;
    /// for message in oxigram::Message::from_answer(&app, answer)? {
    ///     println!("{}", message.text().html());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_answer(
        client: &Client,
        answer: enums::messages::Messages,
    ) -> crate::Result<Vec<Message>> {
        client.remember(&answer);
        Ok(read_messages(client, answer, "messages.Messages")?.messages)
    }
}

fn input_ids(ids: &[i32]) -> Vec<enums::InputMessage> {
    ids.iter()
        .map(|&id| enums::InputMessage::ID(types::InputMessageID { id }))
        .collect()
}

/// Messages `ids` of the chat `peer` names, one per id asked (`None` for an id with no
/// message).
async fn messages_by_id(
    client: &Client,
    peer: &enums::InputPeer,
    ids: &[i32],
) -> crate::Result<Vec<Option<Message>>> {
    let mut found = Vec::with_capacity(ids.len());
    // The server answers at most a page of ids at a time.
    for chunk in ids.chunks(PAGE_SIZE) {
        let answer = match input_channel(peer) {
            Some(channel) => {
                client
                    .invoke(functions::channels::GetMessages {
                        channel,
                        id: input_ids(chunk),
                    })
                    .await?
            }
            None => {
                client
                    .invoke(functions::messages::GetMessages {
                        id: input_ids(chunk),
                    })
                    .await?
            }
        };
        let messages = read_messages(client, answer, "messages.getMessages")?.messages;
        found.extend(
            chunk
                .iter()
                .map(|&id| messages.iter().find(|m| m.id() == id).cloned()),
        );
    }
    Ok(found)
}

/// Message `id` of the chat `peer` names; an error if there is none.
pub(super) async fn message_by_id(
    client: &Client,
    peer: &enums::InputPeer,
    id: i32,
) -> crate::Result<Message> {
    messages_by_id(client, peer, &[id])
        .await?
        .into_iter()
        .flatten()
        .next()
        .ok_or_else(|| Error::Unsupported(format!("message {id} does not exist (or was deleted)")))
}

/// Where the next page of a history or a search starts.
#[derive(Debug, Clone)]
enum Listing {
    History,
    Search {
        query: String,
        filter: enums::MessagesFilter,
        from: Option<PeerRef>,
    },
}

/// Pages through a chat's messages, newest first, by offset id.
#[derive(Debug, Clone)]
pub(crate) struct MessagePager {
    client: Client,
    chat: Target,
    peer: Option<enums::InputPeer>,
    from: Option<enums::InputPeer>,
    listing: Listing,
    offset_id: i32,
    offset_date: i32,
    /// Messages seen so far (the server's count says when they are all seen).
    seen: usize,
}

impl MessagePager {
    fn new(client: Client, chat: Target, listing: Listing) -> Self {
        MessagePager {
            client,
            chat,
            peer: None,
            from: None,
            listing,
            offset_id: 0,
            offset_date: 0,
            seen: 0,
        }
    }

    fn request_history(
        &self,
        peer: enums::InputPeer,
        want: usize,
    ) -> functions::messages::GetHistory {
        functions::messages::GetHistory {
            peer,
            offset_id: self.offset_id,
            offset_date: self.offset_date,
            add_offset: 0,
            limit: want as i32,
            max_id: 0,
            min_id: 0,
            hash: 0,
        }
    }

    async fn page(mut self, want: usize) -> crate::Result<Page<Self>> {
        let peer = match &self.peer {
            Some(peer) => peer.clone(),
            None => {
                let peer = self.chat.resolve(&self.client).await?;
                self.peer = Some(peer.clone());
                peer
            }
        };
        let answer = match &self.listing {
            Listing::History => self.client.invoke(self.request_history(peer, want)).await?,
            Listing::Search {
                query,
                filter,
                from,
            } => {
                if let (Some(from), None) = (from, &self.from) {
                    self.from = Some(self.client.resolve_peer(from.clone()).await?);
                }
                self.client
                    .invoke(functions::messages::Search {
                        peer,
                        q: query.clone(),
                        from_id: self.from.clone(),
                        saved_peer_id: None,
                        saved_reaction: None,
                        top_msg_id: None,
                        filter: filter.clone(),
                        min_date: 0,
                        max_date: self.offset_date,
                        offset_id: self.offset_id,
                        add_offset: 0,
                        limit: want as i32,
                        max_id: 0,
                        min_id: 0,
                        hash: 0,
                    })
                    .await?
            }
        };
        let method = match self.listing {
            Listing::History => "messages.getHistory",
            Listing::Search { .. } => "messages.search",
        };
        let answer = read_messages(&self.client, answer, method)?;
        self.seen += answer.raw_count;
        let more = match (answer.last_id, answer.total) {
            (Some(last), Some(total)) => {
                self.offset_id = last;
                // The date only places the first page; the ids go on from there.
                self.offset_date = 0;
                self.seen < total
            }
            _ => false,
        };
        let items = answer.messages;
        Ok(Page {
            pager: self,
            items,
            more,
        })
    }
}

impl Pager for MessagePager {
    type Item = Message;

    fn next_page(self, want: usize) -> BoxFuture<'static, crate::Result<Page<Self>>> {
        Box::pin(self.page(want))
    }
}

/// A chat's messages, newest first, as a [`Stream`]: [`Client::get_chat_history`].
/// Pages of up to 100 are asked for as the stream is read.
#[must_use = "streams do nothing unless polled"]
pub struct ChatHistory {
    pages: Pages<MessagePager>,
}

impl std::fmt::Debug for ChatHistory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatHistory").finish_non_exhaustive()
    }
}

/// The options the history and search streams share.
macro_rules! paging_options {
    ($stream:ty) => {
        impl $stream {
            /// Yields at most `n` messages (and asks for no more than that).
            pub fn limit(mut self, n: usize) -> Self {
                self.pages.set_limit(n);
                self
            }

            /// Starts below message `id` (older messages only). Set before reading.
            pub fn offset_id(mut self, id: i32) -> Self {
                if let Some(pager) = self.pages.pager_mut() {
                    pager.offset_id = id;
                }
                self
            }

            /// Starts with the messages sent before `date` (unix time). Set before
            /// reading.
            pub fn offset_date(mut self, date: i32) -> Self {
                if let Some(pager) = self.pages.pager_mut() {
                    pager.offset_date = date;
                }
                self
            }
        }

        impl Stream for $stream {
            type Item = crate::Result<Message>;

            fn poll_next(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
            ) -> Poll<Option<Self::Item>> {
                Pin::new(&mut self.pages).poll_next(cx)
            }
        }
    };
}

paging_options!(ChatHistory);

/// What a search looks for: [`SearchMessages::filter`].
///
/// ```no_run
/// use futures_util::TryStreamExt;
/// use oxigram::methods::MessagesFilter;
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// let mut photos = app.search_messages("@durov").filter(MessagesFilter::Photo).limit(10);
/// while let Some(message) = photos.try_next().await? {
///     println!("{}: {:?}", message.id(), message.caption().map(|c| c.to_string()));
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum MessagesFilter {
    /// Any message.
    #[default]
    Empty,
    /// Photos.
    Photo,
    /// Videos.
    Video,
    /// Files other than photos.
    Document,
    /// Messages with links.
    Url,
    /// Animations (GIFs).
    Animation,
    /// Voice notes.
    Voice,
    /// Music.
    Audio,
    /// Locations and venues.
    Location,
    /// Shared contacts.
    Contact,
    /// Polls.
    Poll,
    /// Pinned messages.
    Pinned,
    /// Messages that mention this account.
    Mention,
}

impl From<MessagesFilter> for enums::MessagesFilter {
    fn from(filter: MessagesFilter) -> Self {
        use enums::MessagesFilter as F;
        match filter {
            MessagesFilter::Empty => F::InputMessagesFilterEmpty,
            MessagesFilter::Photo => F::InputMessagesFilterPhotos,
            MessagesFilter::Video => F::InputMessagesFilterVideo,
            MessagesFilter::Document => F::InputMessagesFilterDocument,
            MessagesFilter::Url => F::InputMessagesFilterUrl,
            MessagesFilter::Animation => F::InputMessagesFilterGif,
            MessagesFilter::Voice => F::InputMessagesFilterVoice,
            MessagesFilter::Audio => F::InputMessagesFilterMusic,
            MessagesFilter::Location => F::InputMessagesFilterGeo,
            MessagesFilter::Contact => F::InputMessagesFilterContacts,
            MessagesFilter::Poll => F::InputMessagesFilterPoll,
            MessagesFilter::Pinned => F::InputMessagesFilterPinned,
            MessagesFilter::Mention => F::InputMessagesFilterMyMentions,
        }
    }
}

/// The messages of a chat that match a search, newest first, as a [`Stream`]:
/// [`Client::search_messages`]. Set the options before reading.
#[must_use = "streams do nothing unless polled"]
pub struct SearchMessages {
    pages: Pages<MessagePager>,
}

impl std::fmt::Debug for SearchMessages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchMessages").finish_non_exhaustive()
    }
}

impl SearchMessages {
    fn search(
        &mut self,
    ) -> Option<(
        &mut String,
        &mut enums::MessagesFilter,
        &mut Option<PeerRef>,
    )> {
        match &mut self.pages.pager_mut()?.listing {
            Listing::Search {
                query,
                filter,
                from,
            } => Some((query, filter, from)),
            Listing::History => None,
        }
    }

    /// Only messages whose text holds `query` (any case).
    pub fn query(mut self, query: impl Into<String>) -> Self {
        if let Some((q, _, _)) = self.search() {
            *q = query.into();
        }
        self
    }

    /// Only messages of this kind.
    pub fn filter(mut self, filter: MessagesFilter) -> Self {
        if let Some((_, f, _)) = self.search() {
            *f = filter.into();
        }
        self
    }

    /// Only messages sent by `user`.
    pub fn from_user(mut self, user: impl Into<PeerRef>) -> Self {
        if let Some((_, _, from)) = self.search() {
            *from = Some(user.into());
        }
        self
    }
}

paging_options!(SearchMessages);

/// Marks a chat read: [`Client::read_chat_history`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct ReadChatHistory {
    client: Client,
    chat: Target,
    max_id: i32,
}

impl ReadChatHistory {
    /// Reads up to message `id` only (all messages otherwise).
    pub fn max_id(mut self, id: i32) -> Self {
        self.max_id = id;
        self
    }

    async fn send(self) -> crate::Result<()> {
        let peer = self.chat.resolve(&self.client).await?;
        match input_channel(&peer) {
            Some(channel) => {
                self.client
                    .invoke(functions::channels::ReadHistory {
                        channel,
                        max_id: self.max_id,
                    })
                    .await?;
            }
            None => {
                self.client
                    .invoke(functions::messages::ReadHistory {
                        peer,
                        max_id: self.max_id,
                    })
                    .await?;
            }
        }
        Ok(())
    }
}

awaitable!(ReadChatHistory => ());

impl Client {
    /// Messages `ids` of `chat`, one entry per id asked, in that order: `None` for an
    /// id with no message (never sent, or deleted), where Pyrogram gives an empty
    /// message.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// for message in app.get_messages("@durov", [1, 2, 3]).await?.into_iter().flatten() {
    ///     println!("{}: {}", message.id(), message.text());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn get_messages(
        &self,
        chat: impl Into<PeerRef>,
        ids: impl IntoIterator<Item = i32>,
    ) -> crate::Result<Vec<Option<Message>>> {
        let peer = Target::named(chat).resolve(self).await?;
        let ids: Vec<i32> = ids.into_iter().collect();
        messages_by_id(self, &peer, &ids).await
    }

    /// The messages sent together with message `id` of `chat` as one album, in order
    /// (the message itself among them). An error if it belongs to no album.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client, id: i32) -> oxigram::Result<()> {
    /// let album = app.get_media_group("@durov", id).await?;
    /// for message in &album {
    ///     println!("{} {:?}", message.id(), message.media());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn get_media_group(
        &self,
        chat: impl Into<PeerRef>,
        id: i32,
    ) -> crate::Result<Vec<Message>> {
        let peer = Target::named(chat).resolve(self).await?;
        let message = message_by_id(self, &peer, id).await?;
        let group = message
            .media_group_id()
            .ok_or_else(|| Error::Unsupported(format!("message {id} belongs to no media group")))?;
        // An album holds at most ten messages, numbered in a row.
        let around: Vec<i32> = (id.saturating_sub(9)..=id.saturating_add(9)).collect();
        let found = messages_by_id(self, &peer, &around).await?;
        Ok(found
            .into_iter()
            .flatten()
            .filter(|m| m.media_group_id() == Some(group))
            .collect())
    }

    /// The messages of `chat`, newest first, as a stream that asks for a page at a
    /// time.
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt;
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let mut history = app.get_chat_history("@rustlang").limit(500);
    /// while let Some(message) = history.try_next().await? {
    ///     println!("{}", message.text());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_chat_history(&self, chat: impl Into<PeerRef>) -> ChatHistory {
        let pager = MessagePager::new(self.clone(), Target::named(chat), Listing::History);
        ChatHistory {
            pages: Pages::new(pager, PAGE_SIZE),
        }
    }

    /// The messages of `chat` that match a search, newest first, as a stream: all of
    /// them unless narrowed with [`query`](SearchMessages::query),
    /// [`filter`](SearchMessages::filter) or [`from_user`](SearchMessages::from_user).
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt;
    /// use oxigram::methods::MessagesFilter;
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let pinned: Vec<_> = app
    ///     .search_messages("@rustlang")
    ///     .filter(MessagesFilter::Pinned)
    ///     .try_collect()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn search_messages(&self, chat: impl Into<PeerRef>) -> SearchMessages {
        let listing = Listing::Search {
            query: String::new(),
            filter: enums::MessagesFilter::InputMessagesFilterEmpty,
            from: None,
        };
        let pager = MessagePager::new(self.clone(), Target::named(chat), listing);
        SearchMessages {
            pages: Pages::new(pager, PAGE_SIZE),
        }
    }

    /// Marks the messages of `chat` read (all of them, or up to
    /// [`max_id`](ReadChatHistory::max_id)); their senders see them read.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.read_chat_history("@durov").await?;
    /// // Or only up to a message:
    /// app.read_chat_history("@some_group").max_id(1200).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn read_chat_history(&self, chat: impl Into<PeerRef>) -> ReadChatHistory {
        ReadChatHistory {
            client: self.clone(),
            chat: Target::named(chat),
            max_id: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::testing;

    #[test]
    fn a_history_page_asks_from_its_offsets() {
        let client = testing::client(Some(1));
        let mut history = client.get_chat_history(5).offset_id(40).offset_date(99);
        let pager = history.pages.pager_mut().unwrap();
        let request = pager.request_history(enums::InputPeer::InputPeerSelf, 100);
        assert_eq!(
            (request.offset_id, request.offset_date, request.limit),
            (40, 99, 100)
        );
        assert_eq!(
            enums::MessagesFilter::from(MessagesFilter::Location),
            enums::MessagesFilter::InputMessagesFilterGeo
        );
        let mut search = client.search_messages(5).query("cat").from_user("me");
        assert!(matches!(
            search.search(),
            Some((q, _, Some(PeerRef::Me))) if q == "cat"
        ));
    }
}
