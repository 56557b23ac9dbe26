//! A message as handlers see it: the raw message, with its chat and sender found.

use std::sync::{Arc, OnceLock};

use super::carried::Carried;
use super::chat::Chat;
use super::command::{Command, Matches};
use super::media::MediaKind;
use super::user::User;
use crate::Client;
use crate::text::MessageText;
use crate::tl::{enums, types};

/// A message (or a service message: someone joined, the title changed, ...).
///
/// Reading it costs nothing: the chat and sender were found when it was made, from the
/// update's users and chats or the peer cache. Bound methods ([`Message::reply`] and
/// the others) go through the client it came from.
///
/// ```no_run
/// use oxigram::prelude::*;
///
/// # fn demo(app: Client) {
/// app.on_message(filters::private, |msg: Message| async move {
///     let who = msg.from_user().map(|u| u.full_name()).unwrap_or_default();
///     println!("#{} from {who} at {}: {}", msg.id(), msg.date(), msg.text());
///     if let Some(replied) = msg.reply_to_message_id() {
///         println!("(a reply to #{replied})");
///     }
///     msg.reply("got it").await?;
///     Ok(())
/// });
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Message {
    /// Shared by the clones: each handler gets a clone, which must not copy the message.
    parts: Arc<Parts>,
    command: OnceLock<Command>,
    matches: OnceLock<Matches>,
}

/// What never changes once the message is made.
#[derive(Debug)]
struct Parts {
    raw: enums::Message,
    // Shared with the other messages of the same answer: a page of history names the
    // same chat and a few senders over and over.
    chat: Arc<Chat>,
    from_user: Option<Arc<User>>,
    sender_chat: Option<Arc<Chat>>,
    // Here rather than beside `parts`: making and dropping a message then touches one
    // reference count, not two.
    client: Client,
}

impl Message {
    /// The message `raw` with its peers found; `None` for `messageEmpty`, which holds
    /// nothing to act on.
    pub(crate) fn new(carried: &Carried<'_>, raw: enums::Message) -> Option<Message> {
        let (peer_id, from_id, out, post) = match &raw {
            enums::Message::Message(m) => (&m.peer_id, m.from_id.as_ref(), m.out, m.post),
            enums::Message::Service(m) => (&m.peer_id, m.from_id.as_ref(), m.out, m.post),
            enums::Message::Empty(_) => return None,
        };
        let chat = carried.shared_chat(peer_id);
        let (from_user, sender_chat) = match (from_id, peer_id) {
            // A channel post is the channel's, whoever wrote it (their name, if shown,
            // is the post's signature).
            (Some(enums::Peer::User(u)), enums::Peer::Channel(_)) if post => {
                (Some(carried.shared_user(u.user_id)), Some(chat.clone()))
            }
            (Some(enums::Peer::User(u)), _) => (Some(carried.shared_user(u.user_id)), None),
            (Some(other), _) => (None, Some(carried.shared_chat(other))),
            // In a private chat the sender goes without saying: the other side, or us.
            (None, enums::Peer::User(u)) if !out => (Some(carried.shared_user(u.user_id)), None),
            (None, enums::Peer::User(_)) => {
                (carried.self_id.map(|id| carried.shared_user(id)), None)
            }
            // A channel post is sent by the channel itself.
            (None, enums::Peer::Channel(_)) => (None, Some(chat.clone())),
            (None, enums::Peer::Chat(_)) => (None, None),
        };
        Some(Message {
            parts: Arc::new(Parts {
                raw,
                chat,
                from_user,
                sender_chat,
                client: carried.client.clone(),
            }),
            command: OnceLock::new(),
            matches: OnceLock::new(),
        })
    }

    /// The message id (unique within its chat for channels, within the account
    /// otherwise).
    pub fn id(&self) -> i32 {
        match &self.parts.raw {
            enums::Message::Message(m) => m.id,
            enums::Message::Service(m) => m.id,
            enums::Message::Empty(m) => m.id,
        }
    }

    /// The chat the message is in.
    pub fn chat(&self) -> &Chat {
        &self.parts.chat
    }

    /// The user who sent it: `None` for messages sent on behalf of a chat (see
    /// [`sender_chat`](Message::sender_chat)).
    pub fn from_user(&self) -> Option<&User> {
        self.parts.from_user.as_deref()
    }

    /// The chat the message was sent on behalf of: a channel's own posts, anonymous
    /// group admins, messages sent as a channel.
    pub fn sender_chat(&self) -> Option<&Chat> {
        self.parts.sender_chat.as_deref()
    }

    /// When it was sent (unix time).
    pub fn date(&self) -> i32 {
        match &self.parts.raw {
            enums::Message::Message(m) => m.date,
            enums::Message::Service(m) => m.date,
            enums::Message::Empty(_) => 0,
        }
    }

    /// When it was last edited (unix time), if ever.
    pub fn edit_date(&self) -> Option<i32> {
        match &self.parts.raw {
            enums::Message::Message(m) => m.edit_date,
            _ => None,
        }
    }

    /// The text, or the caption of a media message; `""` if there is none (service
    /// messages, media without a caption). It reads as a `&str` and writes its
    /// formatting back as markup:
    ///
    /// ```no_run
    /// # fn demo(message: oxigram::Message) {
    /// if message.text() == "hi" {
    ///     println!("{}", message.text().html()); // <b>hi</b> if it came in bold
    /// }
    /// # }
    /// ```
    pub fn text(&self) -> MessageText<'_> {
        match &self.parts.raw {
            enums::Message::Message(m) => {
                MessageText::new(&m.message, m.entities.as_deref().unwrap_or_default())
            }
            _ => MessageText::default(),
        }
    }

    /// The caption of a media message, if it has a non-empty one (a link preview is
    /// not media with a caption: its text is the message), with its formatting.
    pub fn caption(&self) -> Option<MessageText<'_>> {
        match &self.parts.raw {
            enums::Message::Message(m)
                if !m.message.is_empty()
                    && self.media().is_some_and(|kind| kind != MediaKind::WebPage) =>
            {
                Some(self.text())
            }
            _ => None,
        }
    }

    /// The formatting and special parts of the text (UTF-16 offsets, as the API sends
    /// them).
    pub fn entities(&self) -> &[enums::MessageEntity] {
        match &self.parts.raw {
            enums::Message::Message(m) => m.entities.as_deref().unwrap_or_default(),
            _ => &[],
        }
    }

    /// The kind of media attached, if any.
    pub fn media(&self) -> Option<MediaKind> {
        match &self.parts.raw {
            enums::Message::Message(m) => m.media.as_ref().and_then(MediaKind::of),
            _ => None,
        }
    }

    /// The attached media as the API sent it.
    pub fn raw_media(&self) -> Option<&enums::MessageMedia> {
        match &self.parts.raw {
            enums::Message::Message(m) => m.media.as_ref(),
            _ => None,
        }
    }

    /// Whether the signed-in account sent it.
    pub fn outgoing(&self) -> bool {
        match &self.parts.raw {
            enums::Message::Message(m) => m.out,
            enums::Message::Service(m) => m.out,
            enums::Message::Empty(_) => false,
        }
    }

    /// Whether it mentions the signed-in account (or replies to one of its messages).
    pub fn mentioned(&self) -> bool {
        match &self.parts.raw {
            enums::Message::Message(m) => m.mentioned,
            enums::Message::Service(m) => m.mentioned,
            enums::Message::Empty(_) => false,
        }
    }

    /// Whether this is a service message (a member joined, the title changed, ...).
    pub fn is_service(&self) -> bool {
        matches!(self.parts.raw, enums::Message::Service(_))
    }

    /// The service action, for a service message.
    pub fn action(&self) -> Option<&enums::MessageAction> {
        match &self.parts.raw {
            enums::Message::Service(m) => Some(&m.action),
            _ => None,
        }
    }

    /// The id of the message this one replies to, if it replies to one.
    pub fn reply_to_message_id(&self) -> Option<i32> {
        let reply_to = match &self.parts.raw {
            enums::Message::Message(m) => m.reply_to.as_ref(),
            enums::Message::Service(m) => m.reply_to.as_ref(),
            enums::Message::Empty(_) => None,
        };
        match reply_to {
            Some(enums::MessageReplyHeader::MessageReplyHeader(h)) => h.reply_to_msg_id,
            _ => None,
        }
    }

    /// Whether it was forwarded from elsewhere.
    pub fn is_forwarded(&self) -> bool {
        matches!(&self.parts.raw, enums::Message::Message(m) if m.fwd_from.is_some())
    }

    /// The forward header (original sender, date, ...), if forwarded.
    pub fn forward_header(&self) -> Option<&enums::MessageFwdHeader> {
        match &self.parts.raw {
            enums::Message::Message(m) => m.fwd_from.as_ref(),
            _ => None,
        }
    }

    /// The inline bot it was sent through, if any.
    pub fn via_bot_id(&self) -> Option<i64> {
        match &self.parts.raw {
            enums::Message::Message(m) => m.via_bot_id,
            _ => None,
        }
    }

    /// The keyboard attached, as the API sent it (see
    /// [`inline_keyboard`](Message::inline_keyboard) for its buttons).
    pub fn reply_markup(&self) -> Option<&enums::ReplyMarkup> {
        match &self.parts.raw {
            enums::Message::Message(m) => m.reply_markup.as_ref(),
            _ => None,
        }
    }

    /// The inline keyboard under the message, if it has one.
    pub fn inline_keyboard(&self) -> Option<super::InlineKeyboard> {
        super::InlineKeyboard::from_markup(self.reply_markup()?)
    }

    /// Whether the message is pinned.
    pub fn pinned(&self) -> bool {
        matches!(&self.parts.raw, enums::Message::Message(m) if m.pinned)
    }

    /// The message as the API sent it.
    pub fn raw(&self) -> &enums::Message {
        &self.parts.raw
    }

    /// The client it came from (for calls the bound methods do not cover).
    pub fn client(&self) -> &Client {
        &self.parts.client
    }

    /// The command the command filter found, if one ran and matched.
    pub fn command(&self) -> Option<&Command> {
        self.command.get()
    }

    /// The capture groups of the regex filter that matched, if one did.
    pub fn matches(&self) -> Option<&Matches> {
        self.matches.get()
    }

    /// Records what the command filter found. The first filter to match keeps its
    /// command: filters combined with `&` see one message and agree on it.
    #[allow(dead_code)] // called by the dispatcher's filters
    pub(crate) fn set_command(&self, command: Command) {
        if let Err(dropped) = self.command.set(command) {
            tracing::trace!(?dropped, "a command was already recorded for this message");
        }
    }

    /// Records the regex filter's capture groups (the first match is kept, as for
    /// commands).
    #[allow(dead_code)] // called by the dispatcher's filters
    pub(crate) fn set_matches(&self, matches: Matches) {
        if let Err(dropped) = self.matches.set(matches) {
            tracing::trace!(?dropped, "matches were already recorded for this message");
        }
    }

    /// Forgets what filters recorded, before the filters of another handler run.
    #[allow(dead_code)] // called by the dispatcher's filters
    pub(crate) fn clear_filter_results(&mut self) {
        self.command = OnceLock::new();
        self.matches = OnceLock::new();
    }
}

/// A plain text message with every optional part absent: the base that messages this
/// client sent are completed from (an `updateShortSentMessage` names only the id).
pub(crate) fn plain(
    id: i32,
    peer: enums::Peer,
    from: Option<enums::Peer>,
    date: i32,
    text: &str,
) -> types::Message {
    types::Message {
        out: false,
        mentioned: false,
        media_unread: false,
        silent: false,
        post: false,
        from_scheduled: false,
        legacy: false,
        edit_hide: false,
        pinned: false,
        noforwards: false,
        invert_media: false,
        offline: false,
        video_processing_pending: false,
        paid_suggested_post_stars: false,
        paid_suggested_post_ton: false,
        id,
        from_id: from,
        from_boosts_applied: None,
        from_rank: None,
        peer_id: peer,
        saved_peer_id: None,
        fwd_from: None,
        via_bot_id: None,
        via_business_bot_id: None,
        guestchat_via_from: None,
        reply_to: None,
        date,
        message: text.into(),
        media: None,
        reply_markup: None,
        entities: None,
        views_and_forwards: None,
        replies: None,
        edit_date: None,
        post_author: None,
        grouped_id: None,
        reactions: None,
        restriction_reason: None,
        ttl_period: None,
        quick_reply_shortcut_id: None,
        effect: None,
        factcheck: None,
        report_delivery_until_date: None,
        paid_message_stars: None,
        suggested_post: None,
        schedule_repeat_period: None,
        summary_from_language: None,
        rich_message: None,
    }
}

/// A reply header naming message `id`.
pub(crate) fn reply_header(id: i32) -> enums::MessageReplyHeader {
    enums::MessageReplyHeader::MessageReplyHeader(Box::new(reply_header_to(id)))
}

/// The fields of a reply header naming message `id`.
pub(crate) fn reply_header_to(id: i32) -> types::MessageReplyHeader {
    types::MessageReplyHeader {
        reply_to_scheduled: false,
        forum_topic: false,
        quote: false,
        reply_to_ephemeral: false,
        reply_to_msg_id: Some(id),
        reply_to_peer_id: None,
        reply_from: None,
        reply_media: None,
        reply_to_top_id: None,
        quote_text: None,
        quote_entities: None,
        quote_offset: None,
        todo_item_id: None,
        poll_option: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::testing;

    #[test]
    fn an_incoming_private_message_is_from_the_chat_user_known_from_the_update() {
        let client = testing::client(Some(1000));
        let users = [testing::user(42, "Alice")];
        let raw = testing::raw_message(
            7,
            enums::Peer::User(types::PeerUser { user_id: 42 }),
            None,
            "hi",
        );
        let message = Message::new(&Carried::new(&client, &users, &[]), raw).unwrap();
        assert_eq!(message.id(), 7);
        assert_eq!(message.text(), "hi");
        assert_eq!(message.chat().id(), 42);
        assert_eq!(message.chat().first_name(), Some("Alice"));
        let from = message.from_user().unwrap();
        assert_eq!((from.id(), from.first_name()), (42, "Alice"));
        assert!(message.sender_chat().is_none());
        assert!(!message.outgoing() && !message.is_service() && !message.is_forwarded());
        assert_eq!(message.caption(), None);
        assert_eq!(message.media(), None);
    }

    #[test]
    fn an_outgoing_private_message_is_from_self() {
        let client = testing::client(Some(1000));
        let mut raw = testing::raw_message(
            8,
            enums::Peer::User(types::PeerUser { user_id: 42 }),
            None,
            "yo",
        );
        if let enums::Message::Message(m) = &mut raw {
            m.out = true;
        }
        let message = Message::new(&Carried::new(&client, &[], &[]), raw).unwrap();
        let from = message.from_user().unwrap();
        assert_eq!(from.id(), 1000);
        assert!(from.is_self());
        assert!(message.outgoing());
        // Neither the update nor the cache knows user 42: the id is still there.
        assert_eq!(message.chat().id(), 42);
        assert_eq!(message.chat().first_name(), None);
    }

    #[test]
    fn a_channel_post_is_sent_by_the_channel_found_in_the_cache() {
        let client = testing::client(Some(1000));
        let channel = enums::Chat::Channel(Box::new(crate::peers::fixtures::channel(
            555,
            9,
            Some("daily"),
        )));
        let chats = [channel];
        let carried = crate::peers::Peers {
            users: &[],
            chats: &chats,
        };
        client.inner.peers.remember(&carried).unwrap();
        let raw = testing::raw_message(
            3,
            enums::Peer::Channel(types::PeerChannel { channel_id: 555 }),
            None,
            "news",
        );
        let message = Message::new(&Carried::new(&client, &[], &[]), raw).unwrap();
        assert_eq!(message.chat().id(), -1000000000555);
        assert_eq!(message.chat().kind(), crate::types::ChatKind::Channel);
        assert_eq!(message.chat().username(), Some("daily"));
        assert_eq!(message.sender_chat().map(Chat::id), Some(-1000000000555));
        assert!(message.from_user().is_none());

        // A signed post names its author as well.
        let mut raw = testing::raw_message(
            4,
            enums::Peer::Channel(types::PeerChannel { channel_id: 555 }),
            Some(enums::Peer::User(types::PeerUser { user_id: 42 })),
            "signed",
        );
        if let enums::Message::Message(m) = &mut raw {
            m.post = true;
        }
        let message = Message::new(&Carried::new(&client, &[], &[]), raw).unwrap();
        assert_eq!(message.sender_chat().map(Chat::id), Some(-1000000000555));
        assert_eq!(message.from_user().map(User::id), Some(42));
    }

    #[test]
    fn a_group_message_names_its_sender_replies_and_forwards() {
        let client = testing::client(Some(1000));
        let mut raw = testing::raw_message(
            11,
            enums::Peer::Chat(types::PeerChat { chat_id: 77 }),
            Some(enums::Peer::User(types::PeerUser { user_id: 42 })),
            "see above",
        );
        if let enums::Message::Message(m) = &mut raw {
            m.mentioned = true;
            m.via_bot_id = Some(5);
            m.reply_to = Some(enums::MessageReplyHeader::MessageReplyHeader(Box::new(
                testing::reply_header(10),
            )));
            m.fwd_from = Some(enums::MessageFwdHeader::MessageFwdHeader(Box::new(
                testing::forward_header(1_700_000_000),
            )));
        }
        let message = Message::new(&Carried::new(&client, &[], &[]), raw).unwrap();
        assert_eq!(message.chat().id(), -77);
        assert_eq!(message.from_user().map(User::id), Some(42));
        assert_eq!(message.reply_to_message_id(), Some(10));
        assert!(message.mentioned() && message.is_forwarded());
        assert_eq!(message.via_bot_id(), Some(5));
    }

    #[test]
    fn a_media_caption_is_the_text_but_a_link_preview_is_not_a_caption() {
        let client = testing::client(None);
        let peer = enums::Peer::User(types::PeerUser { user_id: 42 });
        let mut raw = testing::raw_message(1, peer.clone(), None, "a cat");
        if let enums::Message::Message(m) = &mut raw {
            m.media = Some(crate::types::media::tests::document(vec![]));
        }
        let message = Message::new(&Carried::new(&client, &[], &[]), raw).unwrap();
        assert_eq!(message.text(), "a cat");
        assert_eq!(message.caption().as_deref(), Some("a cat"));
        assert_eq!(message.media(), Some(MediaKind::Document));

        let mut raw = testing::raw_message(2, peer, None, "https://example.com");
        if let enums::Message::Message(m) = &mut raw {
            m.media = Some(enums::MessageMedia::WebPage(types::MessageMediaWebPage {
                force_large_media: false,
                force_small_media: false,
                manual: false,
                safe: false,
                webpage: enums::WebPage::Empty(types::WebPageEmpty { id: 1, url: None }),
            }));
        }
        let message = Message::new(&Carried::new(&client, &[], &[]), raw).unwrap();
        assert_eq!(message.media(), Some(MediaKind::WebPage));
        assert_eq!(message.caption(), None);
    }

    #[test]
    fn filter_results_keep_the_first_and_clear_for_the_next_handler() {
        let client = testing::client(None);
        let raw = testing::raw_message(
            1,
            enums::Peer::User(types::PeerUser { user_id: 2 }),
            None,
            "/a b",
        );
        let mut message = Message::new(&Carried::new(&client, &[], &[]), raw).unwrap();
        message.set_command(Command::parse("/a b", &["/"]).unwrap());
        message.set_command(Command::parse("/z", &["/"]).unwrap());
        assert_eq!(message.command().map(|c| c.name.as_str()), Some("a"));
        message.set_matches(Matches(vec![Some("b".into())]));
        let copy = message.clone();
        assert_eq!(copy.matches().and_then(|m| m.get(0)), Some("b"));
        message.clear_filter_results();
        assert!(message.command().is_none() && message.matches().is_none());
    }

    #[test]
    fn the_test_helper_message_is_a_private_one_from_its_sender() {
        let client = testing::client(Some(1));
        let message = testing::private_message(&client, 4, 42, "ping");
        assert_eq!(
            message.from_user().map(|u| (u.id(), u.first_name())),
            Some((42, "Tester"))
        );
        assert!(message.chat().is_private());
    }

    #[test]
    fn an_empty_message_makes_no_message() {
        let client = testing::client(None);
        let raw = enums::Message::Empty(types::MessageEmpty {
            id: 3,
            peer_id: None,
        });
        assert!(Message::new(&Carried::new(&client, &[], &[]), raw).is_none());
    }
}
