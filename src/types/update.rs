//! An update as handlers see it, made from a raw update and the peers it came with.

use super::callback::CallbackQuery;
use super::carried::Carried;
use super::inline::{ChosenInlineResult, InlineQuery};
use super::members::{ChatJoinRequest, ChatMemberUpdated, DeletedMessages};
use super::message::Message;
use super::status::UserStatus;
use crate::Client;
use crate::tl::enums;

/// Something that happened, for handlers: a new message, an edit, a button press, ...
/// Every update without a high-level form is [`Update::Raw`].
///
/// ```no_run
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// use oxigram::Update;
///
/// // Without handlers: the updates one by one.
/// while let Some(update) = app.next_update().await? {
///     match update {
///         Update::Message(msg) => println!("{}: {}", msg.chat().id(), msg.text()),
///         Update::CallbackQuery(query) => query.answer().await?,
///         other => println!("something else, in chat {:?}", other.chat_id()),
///     }
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Update {
    /// A new message in any chat (`updateNewMessage`, `updateNewChannelMessage`).
    Message(Message),
    /// A message was edited (`updateEditMessage`, `updateEditChannelMessage`).
    EditedMessage(Message),
    /// Messages were deleted.
    DeletedMessages(DeletedMessages),
    /// A callback button was pressed.
    CallbackQuery(CallbackQuery),
    /// An inline query was typed.
    InlineQuery(InlineQuery),
    /// An inline result was sent.
    ChosenInlineResult(ChosenInlineResult),
    /// A membership changed.
    ChatMember(ChatMemberUpdated),
    /// Someone asked to join a chat.
    ChatJoinRequest(ChatJoinRequest),
    /// A user's online status changed.
    UserStatus(UserStatus),
    /// Any other update, as the API sent it.
    Raw(RawUpdate),
}

/// An update without a high-level form, with the users and chats it came with.
///
/// ```no_run
/// use oxigram::prelude::*;
/// use oxigram::RawUpdate;
/// use oxigram::tl::enums;
///
/// # fn demo(app: Client) {
/// app.on_raw(filters::all, |raw: RawUpdate| async move {
///     if let enums::Update::UserTyping(typing) = &raw.update {
///         println!("user {} is typing", typing.user_id);
///     }
/// });
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct RawUpdate {
    /// The update.
    pub update: enums::Update,
    /// The users that came with it.
    pub users: Vec<enums::User>,
    /// The chats that came with it.
    pub chats: Vec<enums::Chat>,
}

impl Update {
    /// The high-level form of `update`, its peers found among `users` and `chats`, or
    /// else in the client's peer cache, or else known by id alone.
    ///
    /// Always `Some` today; `None` is kept for updates that will carry nothing worth
    /// handing to a handler.
    pub fn from_raw(
        client: &Client,
        update: &enums::Update,
        users: &[enums::User],
        chats: &[enums::Chat],
    ) -> Option<Update> {
        let carried = Carried::new(client, users, chats);
        let message = |m: &enums::Message| Message::new(&carried, m.clone());
        use enums::Update as U;
        let made = match update {
            U::NewMessage(u) => message(&u.message).map(Update::Message),
            U::NewChannelMessage(u) => message(&u.message).map(Update::Message),
            U::EditMessage(u) => message(&u.message).map(Update::EditedMessage),
            U::EditChannelMessage(u) => message(&u.message).map(Update::EditedMessage),
            U::DeleteMessages(u) => Some(Update::DeletedMessages(DeletedMessages::new(
                &carried,
                None,
                &u.messages,
            ))),
            U::DeleteChannelMessages(u) => Some(Update::DeletedMessages(DeletedMessages::new(
                &carried,
                Some(u.channel_id),
                &u.messages,
            ))),
            U::BotCallbackQuery(u) => {
                Some(Update::CallbackQuery(CallbackQuery::in_chat(&carried, u)))
            }
            U::InlineBotCallbackQuery(u) => {
                Some(Update::CallbackQuery(CallbackQuery::inline(&carried, u)))
            }
            U::BotInlineQuery(u) => Some(Update::InlineQuery(InlineQuery::new(&carried, u))),
            U::BotInlineSend(u) => Some(Update::ChosenInlineResult(ChosenInlineResult::new(
                &carried, u,
            ))),
            U::ChatParticipant(u) => {
                Some(Update::ChatMember(ChatMemberUpdated::in_group(&carried, u)))
            }
            U::ChannelParticipant(u) => Some(Update::ChatMember(ChatMemberUpdated::in_channel(
                &carried, u,
            ))),
            U::BotChatInviteRequester(u) => {
                Some(Update::ChatJoinRequest(ChatJoinRequest::new(&carried, u)))
            }
            U::UserStatus(u) => Some(Update::UserStatus(UserStatus::new(u.user_id, &u.status))),
            _ => None,
        };
        // A message update holding `messageEmpty` is passed on raw too.
        Some(made.unwrap_or_else(|| {
            Update::Raw(RawUpdate {
                update: update.clone(),
                users: users.to_vec(),
                chats: chats.to_vec(),
            })
        }))
    }

    /// The Bot-API-style id of the chat the update belongs to, for handling each
    /// chat's updates in order; `None` for updates outside any chat (inline queries,
    /// statuses, deletions outside channels, raw updates).
    pub fn chat_id(&self) -> Option<i64> {
        match self {
            Update::Message(m) | Update::EditedMessage(m) => Some(m.chat().id()),
            Update::DeletedMessages(d) => d.chat().map(|c| c.id()),
            Update::CallbackQuery(q) => q.chat().map(|c| c.id()),
            Update::ChatMember(m) => Some(m.chat().id()),
            Update::ChatJoinRequest(r) => Some(r.chat().id()),
            Update::InlineQuery(_)
            | Update::ChosenInlineResult(_)
            | Update::UserStatus(_)
            | Update::Raw(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tl::types;
    use crate::types::{ChatKind, MemberStatus, Status, testing};

    fn user_peer(id: i64) -> enums::Peer {
        enums::Peer::User(types::PeerUser { user_id: id })
    }

    #[test]
    fn new_and_edited_messages_in_chats_and_channels() {
        let client = testing::client(Some(1));
        let users = [testing::user(42, "Alice")];
        let chats = [enums::Chat::Channel(Box::new(
            crate::peers::fixtures::channel(9, 3, None),
        ))];
        let new = enums::Update::NewMessage(types::UpdateNewMessage {
            message: testing::raw_message(5, user_peer(42), None, "hello"),
            pts: 1,
            pts_count: 1,
        });
        let Some(Update::Message(m)) = Update::from_raw(&client, &new, &users, &chats) else {
            panic!("a new message makes Update::Message");
        };
        assert_eq!((m.id(), m.text().as_str(), m.chat().id()), (5, "hello", 42));
        let edit = enums::Update::EditChannelMessage(types::UpdateEditChannelMessage {
            message: testing::raw_message(
                6,
                enums::Peer::Channel(types::PeerChannel { channel_id: 9 }),
                None,
                "fixed",
            ),
            pts: 2,
            pts_count: 1,
        });
        let update = Update::from_raw(&client, &edit, &users, &chats).unwrap();
        assert_eq!(update.chat_id(), Some(-1000000000009));
        let Update::EditedMessage(m) = update else {
            panic!("an edit makes Update::EditedMessage");
        };
        assert_eq!(m.chat().title(), Some("Channel 9"));
    }

    #[test]
    fn an_empty_message_and_unknown_updates_stay_raw_with_their_peers() {
        let client = testing::client(None);
        let users = [testing::user(42, "Alice")];
        let empty = enums::Update::NewMessage(types::UpdateNewMessage {
            message: enums::Message::Empty(types::MessageEmpty {
                id: 1,
                peer_id: None,
            }),
            pts: 1,
            pts_count: 1,
        });
        let Some(Update::Raw(raw)) = Update::from_raw(&client, &empty, &users, &[]) else {
            panic!("messageEmpty stays raw");
        };
        assert_eq!(raw.update, empty);
        assert_eq!(raw.users.len(), 1);
        let other = enums::Update::MessageID(types::UpdateMessageID {
            id: 1,
            random_id: 2,
        });
        let update = Update::from_raw(&client, &other, &[], &[]).unwrap();
        assert!(matches!(update, Update::Raw(_)));
        assert_eq!(update.chat_id(), None);
    }

    #[test]
    fn deletions_name_their_channel_only_in_channels() {
        let client = testing::client(None);
        let plain = enums::Update::DeleteMessages(types::UpdateDeleteMessages {
            messages: vec![1, 2],
            pts: 3,
            pts_count: 2,
        });
        let Some(Update::DeletedMessages(d)) = Update::from_raw(&client, &plain, &[], &[]) else {
            panic!("deletions");
        };
        assert_eq!((d.ids(), d.chat().is_none()), (&[1, 2][..], true));
        let channel = enums::Update::DeleteChannelMessages(types::UpdateDeleteChannelMessages {
            channel_id: 12,
            messages: vec![4],
            pts: 3,
            pts_count: 1,
        });
        let update = Update::from_raw(&client, &channel, &[], &[]).unwrap();
        assert_eq!(update.chat_id(), Some(-1000000000012));
    }

    #[test]
    fn callback_queries_in_chats_and_inline() {
        let client = testing::client(Some(1));
        let users = [testing::user(42, "Alice")];
        let press = enums::Update::BotCallbackQuery(types::UpdateBotCallbackQuery {
            query_id: 77,
            user_id: 42,
            peer: user_peer(42),
            msg_id: 10,
            chat_instance: 5,
            data: Some(bytes::Bytes::from_static(b"like:3")),
            game_short_name: None,
        });
        let Some(Update::CallbackQuery(q)) = Update::from_raw(&client, &press, &users, &[]) else {
            panic!("a callback query");
        };
        assert_eq!(
            (q.id(), q.message_id(), q.data_str()),
            (77, Some(10), Some("like:3"))
        );
        assert_eq!(q.from_user().first_name(), "Alice");
        assert_eq!(q.chat().map(|c| c.id()), Some(42));
        let inline = enums::Update::InlineBotCallbackQuery(types::UpdateInlineBotCallbackQuery {
            query_id: 78,
            user_id: 42,
            msg_id: enums::InputBotInlineMessageID::InputBotInlineMessageID(
                types::InputBotInlineMessageID {
                    dc_id: 2,
                    id: 3,
                    access_hash: 4,
                },
            ),
            chat_instance: 5,
            data: Some(bytes::Bytes::from_static(&[0xff, 0x00])),
            game_short_name: None,
        });
        let update = Update::from_raw(&client, &inline, &users, &[]).unwrap();
        assert_eq!(update.chat_id(), None);
        let Update::CallbackQuery(q) = update else {
            panic!("a callback query")
        };
        assert!(q.chat().is_none() && q.inline_message_id().is_some());
        assert_eq!(q.data(), Some(&[0xff, 0x00][..]));
        assert_eq!(q.data_str(), None, "not UTF-8");
    }

    #[test]
    fn inline_queries_and_chosen_results() {
        let client = testing::client(Some(1));
        let query = enums::Update::BotInlineQuery(Box::new(types::UpdateBotInlineQuery {
            query_id: 5,
            user_id: 42,
            query: "cats".into(),
            geo: None,
            peer_type: Some(enums::InlineQueryPeerType::PM),
            offset: "20".into(),
        }));
        let Some(Update::InlineQuery(q)) = Update::from_raw(&client, &query, &[], &[]) else {
            panic!("an inline query");
        };
        assert_eq!(
            (q.id(), q.query(), q.offset(), q.from_user().id()),
            (5, "cats", "20", 42)
        );
        let sent = enums::Update::BotInlineSend(Box::new(types::UpdateBotInlineSend {
            user_id: 42,
            query: "cats".into(),
            geo: None,
            id: "r1".into(),
            msg_id: None,
        }));
        let Some(Update::ChosenInlineResult(r)) = Update::from_raw(&client, &sent, &[], &[]) else {
            panic!("a chosen result");
        };
        assert_eq!((r.result_id(), r.query()), ("r1", "cats"));
    }

    #[test]
    fn membership_changes_read_old_and_new_standing() {
        let client = testing::client(Some(1));
        let joined = enums::Update::ChatParticipant(Box::new(types::UpdateChatParticipant {
            chat_id: 50,
            date: 100,
            actor_id: 42,
            user_id: 42,
            prev_participant: None,
            new_participant: Some(enums::ChatParticipant::ChatParticipant(
                types::ChatParticipant {
                    user_id: 42,
                    inviter_id: 42,
                    date: 100,
                    rank: None,
                },
            )),
            invite: None,
            qts: 1,
        }));
        let update = Update::from_raw(&client, &joined, &[], &[]).unwrap();
        assert_eq!(update.chat_id(), Some(-50));
        let Update::ChatMember(m) = update else {
            panic!("a member update")
        };
        assert_eq!(
            (m.old_status(), m.new_status()),
            (MemberStatus::Left, MemberStatus::Member)
        );
        assert_eq!(m.chat().kind(), ChatKind::Group);

        let kicked = enums::Update::ChannelParticipant(Box::new(types::UpdateChannelParticipant {
            via_chatlist: false,
            channel_id: 60,
            date: 100,
            actor_id: 1,
            user_id: 42,
            prev_participant: Some(enums::ChannelParticipant::ChannelParticipant(
                types::ChannelParticipant {
                    user_id: 42,
                    date: 90,
                    subscription_until_date: None,
                    rank: None,
                },
            )),
            new_participant: Some(enums::ChannelParticipant::Banned(
                types::ChannelParticipantBanned {
                    left: true,
                    peer: user_peer(42),
                    kicked_by: 1,
                    date: 100,
                    banned_rights: testing::banned_rights(true),
                    rank: None,
                },
            )),
            invite: None,
            qts: 2,
        }));
        let Some(Update::ChatMember(m)) = Update::from_raw(&client, &kicked, &[], &[]) else {
            panic!("a member update");
        };
        assert_eq!(
            (m.old_status(), m.new_status()),
            (MemberStatus::Member, MemberStatus::Banned)
        );
        assert!(m.from_user().is_self());
        assert_eq!(m.user().id(), 42);
    }

    #[test]
    fn join_requests_and_statuses() {
        let client = testing::client(Some(1));
        let request = enums::Update::BotChatInviteRequester(types::UpdateBotChatInviteRequester {
            peer: enums::Peer::Channel(types::PeerChannel { channel_id: 8 }),
            date: 100,
            user_id: 42,
            about: "hi, let me in".into(),
            invite: enums::ExportedChatInvite::ChatInvitePublicJoinRequests,
            qts: 3,
            query_id: None,
        });
        let Some(Update::ChatJoinRequest(r)) = Update::from_raw(&client, &request, &[], &[]) else {
            panic!("a join request");
        };
        assert_eq!(
            (r.chat().id(), r.from_user().id(), r.bio()),
            (-1000000000008, 42, "hi, let me in")
        );
        assert_eq!(r.invite_link(), None);
        let status = enums::Update::UserStatus(types::UpdateUserStatus {
            user_id: 42,
            status: enums::UserStatus::Offline(types::UserStatusOffline { was_online: 5 }),
        });
        let Some(Update::UserStatus(s)) = Update::from_raw(&client, &status, &[], &[]) else {
            panic!("a status");
        };
        assert_eq!(
            (s.user_id(), s.status()),
            (42, Status::Offline { was_online: 5 })
        );
    }
}
