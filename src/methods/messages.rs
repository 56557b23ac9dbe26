//! Messages: send, edit, delete, forward, copy, react, pin, and chat actions.

use std::future::IntoFuture;

use oxigram_runtime::BoxFuture;

use super::random_id;
use super::resend::input_media;
use super::sent::{Sent, messages_in, one_message};
use super::target::{Target, input_channel};
use crate::peers::PeerRef;
use crate::text::ParseMode;
use crate::tl::{enums, functions, types};
use crate::{Client, Error, Message};

/// Implements `IntoFuture` for a builder with an `async fn send(self)`.
macro_rules! awaitable {
    ($builder:ty => $output:ty) => {
        impl IntoFuture for $builder {
            type Output = crate::Result<$output>;
            type IntoFuture = BoxFuture<'static, crate::Result<$output>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}
pub(crate) use awaitable;

/// Text and its formatting, as a message or caption is sent.
///
/// Entities given are sent as they are; otherwise the parse mode reads them from the
/// text when the request is sent ([`Text::resolve`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Text {
    pub(crate) text: String,
    pub(crate) entities: Option<Vec<enums::MessageEntity>>,
    /// How the text is read; the client's mode if `None`.
    pub(crate) parse_mode: Option<ParseMode>,
}

impl Text {
    pub(crate) fn plain(text: String) -> Self {
        Text {
            text,
            entities: None,
            parse_mode: None,
        }
    }

    /// The text to send and its entities: those given explicitly as they are, or else
    /// what the request's parse mode (the client's, [`ClientBuilder::parse_mode`], if
    /// the request set none) reads from the text. Mentions come out by user id, as a
    /// message shows them; [`input_entities`] makes them what a request sends. Every
    /// method that sends text calls both when it is sent.
    ///
    /// [`ClientBuilder::parse_mode`]: crate::ClientBuilder::parse_mode
    pub(crate) fn resolve(
        &self,
        client: &Client,
    ) -> crate::Result<(String, Option<Vec<enums::MessageEntity>>)> {
        if self.entities.is_some() {
            return Ok((self.text.clone(), self.entities.clone()));
        }
        let mode = self.parse_mode.unwrap_or(client.inner.settings.parse_mode);
        let (text, entities) = mode.parse(&self.text)?;
        Ok((text, (!entities.is_empty()).then_some(entities)))
    }

    /// The text as a request sends it: [`Text::resolve`], then [`input_entities`].
    pub(crate) async fn for_request(&self, client: &Client) -> crate::Result<Text> {
        let (text, entities) = self.resolve(client)?;
        Ok(Text {
            text,
            entities: input_entities(client, entities.as_deref()).await?,
            parse_mode: None,
        })
    }
}

/// Entities as a request sends them: a mention by user id becomes
/// `inputMessageEntityMentionName`, the user found as [`Client::resolve_peer`] finds
/// them (an unknown user is an error, as for any peer).
pub(crate) async fn input_entities(
    client: &Client,
    entities: Option<&[enums::MessageEntity]>,
) -> crate::Result<Option<Vec<enums::MessageEntity>>> {
    let Some(entities) = entities else {
        return Ok(None);
    };
    let mut input = Vec::with_capacity(entities.len());
    for entity in entities {
        let enums::MessageEntity::MentionName(m) = entity else {
            input.push(entity.clone());
            continue;
        };
        let user_id = match client.resolve_peer(m.user_id).await? {
            enums::InputPeer::User(u) => enums::InputUser::InputUser(types::InputUser {
                user_id: u.user_id,
                access_hash: u.access_hash,
            }),
            enums::InputPeer::InputPeerSelf => enums::InputUser::InputUserSelf,
            enums::InputPeer::UserFromMessage(u) => {
                enums::InputUser::FromMessage(types::InputUserFromMessage {
                    peer: u.peer,
                    msg_id: u.msg_id,
                    user_id: u.user_id,
                })
            }
            _ => {
                return Err(Error::Unsupported(format!(
                    "a mention names {}, which is not a user",
                    m.user_id
                )));
            }
        };
        input.push(enums::MessageEntity::InputMessageEntityMentionName(
            types::InputMessageEntityMentionName {
                offset: m.offset,
                length: m.length,
                user_id,
            },
        ));
    }
    Ok(Some(input))
}

pub(crate) fn reply_to(id: Option<i32>) -> Option<enums::InputReplyTo> {
    id.map(|reply_to_msg_id| {
        enums::InputReplyTo::Message(Box::new(types::InputReplyToMessage {
            reply_to_msg_id,
            top_msg_id: None,
            reply_to_peer_id: None,
            quote_text: None,
            quote_entities: None,
            quote_offset: None,
            monoforum_peer_id: None,
            todo_item_id: None,
            poll_option: None,
        }))
    })
}

/// Sends a text message: [`Client::send_message`], [`Message::reply`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct SendMessage {
    client: Client,
    chat: Target,
    text: Text,
    reply_to: Option<i32>,
    /// A reply with more than an id (a quote, another chat).
    reply: Option<crate::types::ReplyParameters>,
    reply_markup: Option<enums::ReplyMarkup>,
    silent: bool,
    no_webpage: bool,
    preview: crate::types::LinkPreviewOptions,
}

impl SendMessage {
    pub(crate) fn new(client: Client, chat: Target, text: String) -> Self {
        SendMessage {
            client,
            chat,
            text: Text::plain(text),
            reply_to: None,
            reply: None,
            reply_markup: None,
            silent: false,
            no_webpage: false,
            preview: crate::types::LinkPreviewOptions::default(),
        }
    }

    /// How the link preview is shown: none, of which URL, how large, above the text.
    pub fn link_preview_options(mut self, options: crate::types::LinkPreviewOptions) -> Self {
        self.no_webpage = options.is_disabled;
        self.preview = options;
        self
    }

    /// Replies to message `id` of the same chat.
    pub fn reply_to(mut self, id: i32) -> Self {
        self.reply_to = Some(id);
        self.reply = None;
        self
    }

    /// Replies as `reply` says: quoting part of the message, or to a message of
    /// another chat.
    pub fn reply_parameters(mut self, reply: crate::types::ReplyParameters) -> Self {
        self.reply_to = Some(reply.message_id());
        self.reply = Some(reply);
        self
    }

    /// Attaches a keyboard ([`InlineKeyboard`](crate::types::InlineKeyboard),
    /// [`ReplyKeyboard`](crate::types::ReplyKeyboard), ...).
    pub fn reply_markup(mut self, markup: impl Into<enums::ReplyMarkup>) -> Self {
        self.reply_markup = Some(markup.into());
        self
    }

    /// Sends without a notification sound.
    pub fn silent(mut self) -> Self {
        self.silent = true;
        self
    }

    /// Sends without a link preview.
    pub fn no_webpage(mut self) -> Self {
        self.no_webpage = true;
        self
    }

    /// Formats the text with these entities (UTF-16 offsets); the parse mode then does
    /// not read the text.
    pub fn entities(mut self, entities: Vec<enums::MessageEntity>) -> Self {
        self.text.entities = Some(entities);
        self
    }

    /// Reads the text in this mode instead of the client's
    /// ([`ClientBuilder::parse_mode`](crate::ClientBuilder::parse_mode), Markdown by
    /// default).
    ///
    /// ```no_run
    /// use oxigram::text::ParseMode;
    ///
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.send_message("me", "<b>bold</b>").parse_mode(ParseMode::Html).await?;
    /// app.send_message("me", "**as typed**").parse_mode(ParseMode::Disabled).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn parse_mode(mut self, mode: ParseMode) -> Self {
        self.text.parse_mode = Some(mode);
        self
    }

    fn request(&self, peer: enums::InputPeer, random_id: i64) -> functions::messages::SendMessage {
        functions::messages::SendMessage {
            no_webpage: self.no_webpage,
            silent: self.silent,
            background: false,
            clear_draft: false,
            noforwards: false,
            update_stickersets_order: false,
            invert_media: self.preview.show_above_text,
            allow_paid_floodskip: false,
            peer,
            reply_to: reply_to(self.reply_to),
            message: self.text.text.clone(),
            random_id,
            reply_markup: self.reply_markup.clone(),
            entities: self.text.entities.clone(),
            schedule_date: None,
            schedule_repeat_period: None,
            send_as: None,
            quick_reply_shortcut: None,
            effect: None,
            allow_paid_stars: None,
            suggested_post: None,
            rich_message: None,
        }
    }

    async fn send(mut self) -> crate::Result<Message> {
        let (text, entities) = self.text.resolve(&self.client)?;
        let input = input_entities(&self.client, entities.as_deref()).await?;
        self.text = Text {
            text,
            entities: input,
            parse_mode: None,
        };
        if let Some(url) = self.preview.requested_url(&self.text.text) {
            return self.send_with_preview(url).await;
        }
        let peer = self.chat.resolve(&self.client).await?;
        let random_id = random_id()?;
        let mut request = self.request(peer.clone(), random_id);
        if let Some(reply) = &self.reply {
            request.reply_to = Some(reply.input(&self.client).await?);
        }
        let updates = self.client.invoke(request).await?;
        let sent = Sent {
            peer: &peer,
            text: &self.text.text,
            entities: entities.as_deref(),
            // A short answer says nothing of a reply to another chat: the header made
            // from it would name the wrong chat, so there is none.
            reply_to: self
                .reply_to
                .filter(|_| !self.reply.as_ref().is_some_and(|r| r.in_other_chat())),
            reply_markup: self.reply_markup.as_ref(),
            silent: self.silent,
        };
        one_message(
            &self.client,
            &updates,
            Some(random_id),
            Some(&sent),
            "messages.sendMessage",
        )
    }
}

impl SendMessage {
    /// Sends the text (already read) with the preview of `url` asked for as its media,
    /// the only way to choose the page or its size.
    async fn send_with_preview(self, url: String) -> crate::Result<Message> {
        let mut out = super::outgoing::Outgoing::new(self.client, self.chat);
        out.caption = Text {
            // Read once already: sent as it is now.
            parse_mode: Some(ParseMode::Disabled),
            ..self.text
        };
        out.reply_to = self.reply_to;
        out.reply = self.reply;
        out.reply_markup = self.reply_markup;
        out.silent = self.silent;
        out.invert_media = self.preview.show_above_text;
        let media = enums::InputMedia::WebPage(types::InputMediaWebPage {
            force_large_media: self.preview.prefer_large_media,
            force_small_media: self.preview.prefer_small_media,
            optional: self.preview.url.is_none(),
            url,
        });
        out.send(media).await
    }
}

awaitable!(SendMessage => Message);

/// Edits the text of a message: [`Client::edit_message_text`], [`Message::edit_text`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct EditMessageText {
    client: Client,
    chat: Target,
    id: i32,
    text: Text,
    reply_markup: Option<enums::ReplyMarkup>,
    no_webpage: bool,
}

impl EditMessageText {
    pub(crate) fn new(client: Client, chat: Target, id: i32, text: String) -> Self {
        EditMessageText {
            client,
            chat,
            id,
            text: Text::plain(text),
            reply_markup: None,
            no_webpage: false,
        }
    }

    /// Replaces the keyboard (the old one is removed otherwise).
    pub fn reply_markup(mut self, markup: impl Into<enums::ReplyMarkup>) -> Self {
        self.reply_markup = Some(markup.into());
        self
    }

    /// Shows no link preview.
    pub fn no_webpage(mut self) -> Self {
        self.no_webpage = true;
        self
    }

    /// Formats the text with these entities (UTF-16 offsets); the parse mode then does
    /// not read the text.
    pub fn entities(mut self, entities: Vec<enums::MessageEntity>) -> Self {
        self.text.entities = Some(entities);
        self
    }

    /// Reads the text in this mode instead of the client's.
    pub fn parse_mode(mut self, mode: ParseMode) -> Self {
        self.text.parse_mode = Some(mode);
        self
    }

    fn request(&self, peer: enums::InputPeer) -> functions::messages::EditMessage {
        functions::messages::EditMessage {
            no_webpage: self.no_webpage,
            invert_media: false,
            peer,
            id: self.id,
            message: Some(self.text.text.clone()),
            media: None,
            reply_markup: self.reply_markup.clone(),
            entities: self.text.entities.clone(),
            schedule_date: None,
            schedule_repeat_period: None,
            quick_reply_shortcut_id: None,
            rich_message: None,
        }
    }

    async fn send(mut self) -> crate::Result<Message> {
        let (text, entities) = self.text.resolve(&self.client)?;
        self.text = Text {
            text,
            entities: input_entities(&self.client, entities.as_deref()).await?,
            parse_mode: None,
        };
        let peer = self.chat.resolve(&self.client).await?;
        let updates = self.client.invoke(self.request(peer)).await?;
        one_message(&self.client, &updates, None, None, "messages.editMessage")
    }
}

awaitable!(EditMessageText => Message);

/// Deletes messages: [`Client::delete_messages`], [`Message::delete`]. Returns how many
/// were deleted.
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct DeleteMessages {
    client: Client,
    chat: Target,
    ids: Vec<i32>,
    revoke: bool,
}

impl DeleteMessages {
    pub(crate) fn new(client: Client, chat: Target, ids: Vec<i32>) -> Self {
        DeleteMessages {
            client,
            chat,
            ids,
            revoke: true,
        }
    }

    /// Deletes them only for this account, not for the other side (private chats and
    /// basic groups; in channels a deletion is for everyone).
    pub fn only_for_me(mut self) -> Self {
        self.revoke = false;
        self
    }

    async fn send(self) -> crate::Result<usize> {
        let peer = self.chat.resolve(&self.client).await?;
        // Channels number their messages apart, so they delete by channel; elsewhere
        // ids are the account's own.
        let affected = match input_channel(&peer) {
            Some(channel) => {
                self.client
                    .invoke(functions::channels::DeleteMessages {
                        channel,
                        id: self.ids,
                    })
                    .await?
            }
            None => {
                self.client
                    .invoke(functions::messages::DeleteMessages {
                        revoke: self.revoke,
                        id: self.ids,
                    })
                    .await?
            }
        };
        let enums::messages::AffectedMessages::AffectedMessages(affected) = affected;
        usize::try_from(affected.pts_count).map_err(|_| {
            Error::Unexpected(format!(
                "{} messages deleted, says the server",
                affected.pts_count
            ))
        })
    }
}

awaitable!(DeleteMessages => usize);

/// Forwards messages: [`Client::forward_messages`], [`Message::forward_to`]. Returns
/// the new messages, in the order of the ids given.
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct ForwardMessages {
    client: Client,
    to: Target,
    from: Target,
    ids: Vec<i32>,
    silent: bool,
    drop_author: bool,
}

impl ForwardMessages {
    pub(crate) fn new(client: Client, to: Target, from: Target, ids: Vec<i32>) -> Self {
        ForwardMessages {
            client,
            to,
            from,
            ids,
            silent: false,
            drop_author: false,
        }
    }

    /// Sends without a notification sound.
    pub fn silent(mut self) -> Self {
        self.silent = true;
        self
    }

    /// Hides where the messages came from (no "forwarded from" header).
    pub fn drop_author(mut self) -> Self {
        self.drop_author = true;
        self
    }

    fn request(
        &self,
        from_peer: enums::InputPeer,
        to_peer: enums::InputPeer,
        random_ids: Vec<i64>,
    ) -> functions::messages::ForwardMessages {
        functions::messages::ForwardMessages {
            silent: self.silent,
            background: false,
            with_my_score: false,
            drop_author: self.drop_author,
            drop_media_captions: false,
            noforwards: false,
            allow_paid_floodskip: false,
            from_ephemeral: false,
            from_peer,
            id: self.ids.clone(),
            random_id: random_ids,
            to_peer,
            top_msg_id: None,
            reply_to: None,
            schedule_date: None,
            schedule_repeat_period: None,
            send_as: None,
            quick_reply_shortcut: None,
            effect: None,
            video_timestamp: None,
            allow_paid_stars: None,
            suggested_post: None,
        }
    }

    async fn send(self) -> crate::Result<Vec<Message>> {
        let from = self.from.resolve(&self.client).await?;
        let to = self.to.resolve(&self.client).await?;
        let random_ids = self
            .ids
            .iter()
            .map(|_| random_id())
            .collect::<crate::Result<Vec<_>>>()?;
        let request = self.request(from, to, random_ids.clone());
        let updates = self.client.invoke(request).await?;
        Ok(messages_in(&self.client, &updates, &random_ids))
    }
}

awaitable!(ForwardMessages => Vec<Message>);

/// Where a copy comes from.
#[derive(Debug, Clone)]
enum Source {
    Id { chat: Target, id: i32 },
    Message(Box<Message>),
}

/// Sends a message again without the forward header: [`Client::copy_message`],
/// [`Message::copy_to`]. Text is sent as text, media by its file id with the caption.
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct CopyMessage {
    client: Client,
    to: Target,
    source: Source,
    caption: Option<Text>,
    parse_mode: Option<ParseMode>,
    reply_to: Option<i32>,
    reply_markup: Option<enums::ReplyMarkup>,
    silent: bool,
}

impl CopyMessage {
    pub(crate) fn by_id(client: Client, to: Target, from: Target, id: i32) -> Self {
        Self::of(client, to, Source::Id { chat: from, id })
    }

    pub(crate) fn of_message(client: Client, to: Target, message: Message) -> Self {
        Self::of(client, to, Source::Message(Box::new(message)))
    }

    fn of(client: Client, to: Target, source: Source) -> Self {
        CopyMessage {
            client,
            to,
            source,
            caption: None,
            parse_mode: None,
            reply_to: None,
            reply_markup: None,
            silent: false,
        }
    }

    /// Replaces the text (or caption), read in the parse mode.
    pub fn caption(mut self, text: impl Into<String>) -> Self {
        self.caption = Some(Text::plain(text.into()));
        self
    }

    /// Reads the new caption in this mode instead of the client's (the original's
    /// text keeps its own formatting).
    pub fn parse_mode(mut self, mode: ParseMode) -> Self {
        self.parse_mode = Some(mode);
        self
    }

    /// Replies to message `id` of the chat copied to.
    pub fn reply_to(mut self, id: i32) -> Self {
        self.reply_to = Some(id);
        self
    }

    /// Attaches a keyboard (the original's is kept otherwise).
    pub fn reply_markup(mut self, markup: impl Into<enums::ReplyMarkup>) -> Self {
        self.reply_markup = Some(markup.into());
        self
    }

    /// Sends without a notification sound.
    pub fn silent(mut self) -> Self {
        self.silent = true;
        self
    }

    async fn send(self) -> crate::Result<Message> {
        let original = match self.source {
            Source::Message(message) => *message,
            Source::Id { chat, id } => fetch_message(&self.client, &chat, id).await?,
        };
        let enums::Message::Message(raw) = original.raw() else {
            return Err(Error::Unsupported(format!(
                "message {} is a service message, which can not be copied",
                original.id()
            )));
        };
        let text = match self.caption {
            Some(caption) => Text {
                parse_mode: self.parse_mode,
                ..caption
            },
            // The original's formatting is its entities, whatever its text reads as.
            None => Text {
                text: raw.message.clone(),
                entities: raw.entities.clone(),
                parse_mode: Some(ParseMode::Disabled),
            },
        };
        let reply_markup = self.reply_markup.or_else(|| raw.reply_markup.clone());
        let media = match &raw.media {
            None | Some(enums::MessageMedia::Empty | enums::MessageMedia::WebPage(_)) => None,
            Some(media) => Some(input_media(media)?),
        };
        let Some(media) = media else {
            let mut send = SendMessage::new(self.client, self.to, String::new());
            send.text = text;
            send.reply_to = self.reply_to;
            send.reply_markup = reply_markup;
            send.silent = self.silent;
            return send.send().await;
        };
        let (message, entities) = text.resolve(&self.client)?;
        let entities = input_entities(&self.client, entities.as_deref()).await?;
        let peer = self.to.resolve(&self.client).await?;
        let random_id = random_id()?;
        let request = functions::messages::SendMedia {
            silent: self.silent,
            background: false,
            clear_draft: false,
            noforwards: false,
            update_stickersets_order: false,
            invert_media: raw.invert_media,
            allow_paid_floodskip: false,
            peer,
            reply_to: reply_to(self.reply_to),
            media,
            message,
            random_id,
            reply_markup,
            entities,
            schedule_date: None,
            schedule_repeat_period: None,
            send_as: None,
            quick_reply_shortcut: None,
            effect: None,
            allow_paid_stars: None,
            suggested_post: None,
        };
        let updates = self.client.invoke(request).await?;
        one_message(
            &self.client,
            &updates,
            Some(random_id),
            None,
            "messages.sendMedia",
        )
    }
}

awaitable!(CopyMessage => Message);

/// Message `id` of `chat`, asked from the server.
async fn fetch_message(client: &Client, chat: &Target, id: i32) -> crate::Result<Message> {
    let peer = chat.resolve(client).await?;
    let ids = vec![enums::InputMessage::ID(types::InputMessageID { id })];
    let answer = match input_channel(&peer) {
        Some(channel) => {
            client
                .invoke(functions::channels::GetMessages { channel, id: ids })
                .await?
        }
        None => {
            client
                .invoke(functions::messages::GetMessages { id: ids })
                .await?
        }
    };
    let (messages, users, chats) = match &answer {
        enums::messages::Messages::Messages(m) => (&m.messages, &m.users, &m.chats),
        enums::messages::Messages::Slice(m) => (&m.messages, &m.users, &m.chats),
        enums::messages::Messages::ChannelMessages(m) => (&m.messages, &m.users, &m.chats),
        enums::messages::Messages::NotModified(_) => {
            return Err(Error::Unexpected(
                "messages.getMessages: not modified".into(),
            ));
        }
    };
    let carried = crate::types::carried::Carried::new(client, users, chats);
    messages
        .iter()
        .find_map(|m| Message::new(&carried, m.clone()))
        .ok_or_else(|| Error::Unsupported(format!("message {id} does not exist (or was deleted)")))
}

/// Sets or removes this account's reaction to a message: [`Client::send_reaction`],
/// [`Message::react`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct SendReaction {
    client: Client,
    chat: Target,
    id: i32,
    reactions: Vec<enums::Reaction>,
    big: bool,
}

impl SendReaction {
    pub(crate) fn new(client: Client, chat: Target, id: i32, emoji: &str) -> Self {
        let reactions = if emoji.is_empty() {
            Vec::new()
        } else {
            vec![enums::Reaction::Emoji(types::ReactionEmoji {
                emoticon: emoji.into(),
            })]
        };
        SendReaction {
            client,
            chat,
            id,
            reactions,
            big: false,
        }
    }

    /// Plays the big animation.
    pub fn big(mut self) -> Self {
        self.big = true;
        self
    }

    fn request(&self, peer: enums::InputPeer) -> functions::messages::SendReaction {
        functions::messages::SendReaction {
            big: self.big,
            add_to_recent: true,
            peer,
            msg_id: self.id,
            reaction: Some(self.reactions.clone()),
        }
    }

    async fn send(self) -> crate::Result<()> {
        let peer = self.chat.resolve(&self.client).await?;
        self.client.invoke(self.request(peer)).await?;
        Ok(())
    }
}

awaitable!(SendReaction => ());

/// Pins or unpins a message: [`Client::pin_chat_message`],
/// [`Client::unpin_chat_message`], [`Message::pin`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct PinMessage {
    client: Client,
    chat: Target,
    id: i32,
    unpin: bool,
    silent: bool,
    one_side: bool,
}

impl PinMessage {
    pub(crate) fn new(client: Client, chat: Target, id: i32, unpin: bool) -> Self {
        PinMessage {
            client,
            chat,
            id,
            unpin,
            silent: false,
            one_side: false,
        }
    }

    /// Pins without notifying the members.
    pub fn silent(mut self) -> Self {
        self.silent = true;
        self
    }

    /// In a private chat, pins only for this account.
    pub fn only_for_me(mut self) -> Self {
        self.one_side = true;
        self
    }

    fn request(&self, peer: enums::InputPeer) -> functions::messages::UpdatePinnedMessage {
        functions::messages::UpdatePinnedMessage {
            silent: self.silent,
            unpin: self.unpin,
            pm_oneside: self.one_side,
            peer,
            id: self.id,
        }
    }

    async fn send(self) -> crate::Result<()> {
        let peer = self.chat.resolve(&self.client).await?;
        self.client.invoke(self.request(peer)).await?;
        Ok(())
    }
}

awaitable!(PinMessage => ());

/// What a chat shows this account doing ("typing...").
///
/// ```no_run
/// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
/// use oxigram::ChatAction;
///
/// let client = msg.client();
/// client.send_chat_action(msg.chat(), ChatAction::Typing).await?;
/// msg.reply("thought about it").await?; // sending ends the action
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChatAction {
    /// Typing a message.
    Typing,
    /// Sending a photo.
    UploadPhoto,
    /// Recording a video.
    RecordVideo,
    /// Sending a video.
    UploadVideo,
    /// Recording a voice note.
    RecordVoice,
    /// Sending a voice note or audio.
    UploadAudio,
    /// Sending a file.
    UploadDocument,
    /// Recording a round video.
    RecordVideoNote,
    /// Sending a round video.
    UploadVideoNote,
    /// Picking a location.
    FindLocation,
    /// Picking a contact.
    ChooseContact,
    /// Picking a sticker.
    ChooseSticker,
    /// Playing a game.
    PlayGame,
    /// Stops the action shown.
    Cancel,
}

impl From<ChatAction> for enums::SendMessageAction {
    fn from(action: ChatAction) -> Self {
        use enums::SendMessageAction as A;
        let progress = 0;
        match action {
            ChatAction::Typing => A::SendMessageTypingAction,
            ChatAction::UploadPhoto => {
                A::SendMessageUploadPhotoAction(types::SendMessageUploadPhotoAction { progress })
            }
            ChatAction::RecordVideo => A::SendMessageRecordVideoAction,
            ChatAction::UploadVideo => {
                A::SendMessageUploadVideoAction(types::SendMessageUploadVideoAction { progress })
            }
            ChatAction::RecordVoice => A::SendMessageRecordAudioAction,
            ChatAction::UploadAudio => {
                A::SendMessageUploadAudioAction(types::SendMessageUploadAudioAction { progress })
            }
            ChatAction::UploadDocument => {
                A::SendMessageUploadDocumentAction(types::SendMessageUploadDocumentAction {
                    progress,
                })
            }
            ChatAction::RecordVideoNote => A::SendMessageRecordRoundAction,
            ChatAction::UploadVideoNote => {
                A::SendMessageUploadRoundAction(types::SendMessageUploadRoundAction { progress })
            }
            ChatAction::FindLocation => A::SendMessageGeoLocationAction,
            ChatAction::ChooseContact => A::SendMessageChooseContactAction,
            ChatAction::ChooseSticker => A::SendMessageChooseStickerAction,
            ChatAction::PlayGame => A::SendMessageGamePlayAction,
            ChatAction::Cancel => A::SendMessageCancelAction,
        }
    }
}

impl Client {
    /// Sends `text` to `chat` (named as [`Client::resolve_peer`] reads it) and returns
    /// the new message. The text is read as Markdown unless the client or the request
    /// sets another [`ParseMode`].
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let sent = app.send_message("@durov", "hi").silent().await?;
    /// app.send_message("@durov", "and again").reply_to(sent.id()).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn send_message(&self, chat: impl Into<PeerRef>, text: impl Into<String>) -> SendMessage {
        SendMessage::new(self.clone(), Target::named(chat), text.into())
    }

    /// Replaces the text of message `id` in `chat` (read in the parse mode, as for
    /// [`send_message`](Client::send_message)); returns the edited message.
    ///
    /// ```no_run
    /// # use oxigram::types::{InlineButton, InlineKeyboard};
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let sent = app.send_message("me", "Working…").await?;
    /// let done = InlineKeyboard::new().row([InlineButton::callback("Again", "again")]);
    /// app.edit_message_text("me", sent.id(), "**Done**: see https://example.com")
    ///     .reply_markup(done)
    ///     .no_webpage()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn edit_message_text(
        &self,
        chat: impl Into<PeerRef>,
        id: i32,
        text: impl Into<String>,
    ) -> EditMessageText {
        EditMessageText::new(self.clone(), Target::named(chat), id, text.into())
    }

    /// Deletes messages `ids` of `chat` (for everyone, unless
    /// [`only_for_me`](DeleteMessages::only_for_me)); returns how many were deleted.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let deleted = app.delete_messages("@some_group", [101, 102, 103]).await?;
    /// println!("{deleted} deleted for everyone");
    /// app.delete_messages("@alice", [7]).only_for_me().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete_messages(
        &self,
        chat: impl Into<PeerRef>,
        ids: impl IntoIterator<Item = i32>,
    ) -> DeleteMessages {
        DeleteMessages::new(self.clone(), Target::named(chat), ids.into_iter().collect())
    }

    /// Forwards messages `ids` of `from` to `to`; returns the new messages.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let copies = app.forward_messages("me", "@durov", [10, 11]).silent().await?;
    /// println!("{} forwarded", copies.len());
    /// // Without the "Forwarded from" header:
    /// app.forward_messages("me", "@durov", [12]).drop_author().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn forward_messages(
        &self,
        to: impl Into<PeerRef>,
        from: impl Into<PeerRef>,
        ids: impl IntoIterator<Item = i32>,
    ) -> ForwardMessages {
        ForwardMessages::new(
            self.clone(),
            Target::named(to),
            Target::named(from),
            ids.into_iter().collect(),
        )
    }

    /// Sends message `id` of `from` to `to` again, as this account's own (no forward
    /// header); returns the new message.
    ///
    /// ```no_run
    /// # use oxigram::ParseMode;
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let copy = app.copy_message("me", "@durov", 42)
    ///     .caption("<i>saved for later</i>")
    ///     .parse_mode(ParseMode::Html)
    ///     .silent()
    ///     .await?;
    /// println!("copied as message {}", copy.id());
    /// # Ok(())
    /// # }
    /// ```
    pub fn copy_message(
        &self,
        to: impl Into<PeerRef>,
        from: impl Into<PeerRef>,
        id: i32,
    ) -> CopyMessage {
        CopyMessage::by_id(self.clone(), Target::named(to), Target::named(from), id)
    }

    /// Reacts to message `id` of `chat` with `emoji` (`""` removes the reaction).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.send_reaction("@some_group", 42, "👍").big().await?;
    /// app.send_reaction("@some_group", 42, "").await?; // takes it back
    /// # Ok(())
    /// # }
    /// ```
    pub fn send_reaction(&self, chat: impl Into<PeerRef>, id: i32, emoji: &str) -> SendReaction {
        SendReaction::new(self.clone(), Target::named(chat), id, emoji)
    }

    /// Pins message `id` of `chat`.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.pin_chat_message("@some_group", 42).silent().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn pin_chat_message(&self, chat: impl Into<PeerRef>, id: i32) -> PinMessage {
        PinMessage::new(self.clone(), Target::named(chat), id, false)
    }

    /// Unpins message `id` of `chat`.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.unpin_chat_message("@some_group", 42).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn unpin_chat_message(&self, chat: impl Into<PeerRef>, id: i32) -> PinMessage {
        PinMessage::new(self.clone(), Target::named(chat), id, true)
    }

    /// Shows `action` in `chat` (for about five seconds, or until a message is sent).
    ///
    /// ```no_run
    /// # use oxigram::ChatAction;
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.send_chat_action("@durov", ChatAction::UploadPhoto).await?;
    /// // ... upload and send the photo, or stop showing it:
    /// app.send_chat_action("@durov", ChatAction::Cancel).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_chat_action(
        &self,
        chat: impl Into<PeerRef>,
        action: ChatAction,
    ) -> crate::Result<()> {
        let peer = self.resolve_peer(chat).await?;
        self.invoke(functions::messages::SetTyping {
            peer,
            top_msg_id: None,
            action: action.into(),
        })
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::testing;

    fn peer() -> enums::InputPeer {
        enums::InputPeer::User(types::InputPeerUser {
            user_id: 5,
            access_hash: 6,
        })
    }

    #[test]
    fn a_message_request_carries_every_option_set() {
        let client = testing::client(Some(1));
        let keyboard = crate::types::InlineKeyboard::new()
            .row([crate::types::InlineButton::callback("a", "b")]);
        let request = client
            .send_message(5, "hi")
            .reply_to(3)
            .reply_markup(keyboard)
            .silent()
            .no_webpage()
            .request(peer(), 77);
        assert_eq!((request.message.as_str(), request.random_id), ("hi", 77));
        assert!(request.silent && request.no_webpage);
        assert!(matches!(
            &request.reply_to,
            Some(enums::InputReplyTo::Message(r)) if r.reply_to_msg_id == 3
        ));
        assert!(matches!(
            request.reply_markup,
            Some(enums::ReplyMarkup::ReplyInlineMarkup(_))
        ));
        let plain = client.send_message(5, "x").request(peer(), 1);
        assert!(!plain.silent && plain.reply_to.is_none() && plain.reply_markup.is_none());
    }

    #[test]
    fn reactions_and_pins_build_their_requests() {
        let client = testing::client(Some(1));
        let react = client.send_reaction(5, 9, "👍").big().request(peer());
        assert!(react.big);
        assert_eq!(react.msg_id, 9);
        assert!(matches!(
            react.reaction.as_deref(),
            Some([enums::Reaction::Emoji(e)]) if e.emoticon == "👍"
        ));
        let remove = client.send_reaction(5, 9, "").request(peer());
        assert_eq!(remove.reaction.as_deref(), Some(&[][..]));
        let pin = client.pin_chat_message(5, 9).silent().request(peer());
        assert!(pin.silent && !pin.unpin && !pin.pm_oneside);
        let unpin = client
            .unpin_chat_message(5, 9)
            .only_for_me()
            .request(peer());
        assert!(unpin.unpin && unpin.pm_oneside);
    }

    #[test]
    fn chat_actions_map_to_their_constructors() {
        assert_eq!(
            enums::SendMessageAction::from(ChatAction::Typing),
            enums::SendMessageAction::SendMessageTypingAction
        );
        assert_eq!(
            enums::SendMessageAction::from(ChatAction::RecordVoice),
            enums::SendMessageAction::SendMessageRecordAudioAction
        );
    }
}
