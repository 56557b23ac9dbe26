//! The messages an answer carries (`Updates` from sending, editing, forwarding), made
//! high-level.

use std::collections::HashMap;

use super::target::peer_of;
use crate::tl::{enums, types};
use crate::types::carried::Carried;
use crate::types::message::{plain, reply_header};
use crate::{Client, Error, Message};

/// What this client sent: an `updateShortSentMessage` names only the new id, date and
/// media, and the message is completed from the request.
pub(crate) struct Sent<'a> {
    pub(crate) peer: &'a enums::InputPeer,
    pub(crate) text: &'a str,
    pub(crate) entities: Option<&'a [enums::MessageEntity]>,
    pub(crate) reply_to: Option<i32>,
    pub(crate) reply_markup: Option<&'a enums::ReplyMarkup>,
    pub(crate) silent: bool,
}

/// The messages (new or edited) `updates` carries, those sent with `random_ids` first
/// in that order, the others after in the order they came.
pub(crate) fn messages_in(
    client: &Client,
    updates: &enums::Updates,
    random_ids: &[i64],
) -> Vec<Message> {
    let (list, users, chats): (&[enums::Update], &[enums::User], &[enums::Chat]) = match updates {
        enums::Updates::Updates(u) => (&u.updates, &u.users, &u.chats),
        enums::Updates::Combined(u) => (&u.updates, &u.users, &u.chats),
        enums::Updates::UpdateShort(u) => (std::slice::from_ref(&u.update), &[], &[]),
        _ => return Vec::new(),
    };
    let carried = Carried::new(client, users, chats);
    let random_of: HashMap<i32, i64> = list
        .iter()
        .filter_map(|u| match u {
            enums::Update::MessageID(m) => Some((m.id, m.random_id)),
            _ => None,
        })
        .collect();
    let mut found: Vec<(usize, Message)> = list
        .iter()
        .filter_map(|u| match u {
            enums::Update::NewMessage(u) => Some(&u.message),
            enums::Update::NewChannelMessage(u) => Some(&u.message),
            enums::Update::EditMessage(u) => Some(&u.message),
            enums::Update::EditChannelMessage(u) => Some(&u.message),
            _ => None,
        })
        .filter_map(|raw| Message::new(&carried, raw.clone()))
        .enumerate()
        .map(|(arrival, message)| {
            let asked = random_of
                .get(&message.id())
                .and_then(|r| random_ids.iter().position(|x| x == r));
            (asked.unwrap_or(random_ids.len() + arrival), message)
        })
        .collect();
    found.sort_by_key(|(order, _)| *order);
    found.into_iter().map(|(_, message)| message).collect()
}

/// The one message `updates` answers `method` with; a short answer is completed from
/// `sent`.
pub(crate) fn one_message(
    client: &Client,
    updates: &enums::Updates,
    random_id: Option<i64>,
    sent: Option<&Sent<'_>>,
    method: &str,
) -> crate::Result<Message> {
    if let (enums::Updates::UpdateShortSentMessage(short), Some(sent)) = (updates, sent) {
        return from_short(client, short, sent);
    }
    let ids: Vec<i64> = random_id.into_iter().collect();
    messages_in(client, updates, &ids)
        .into_iter()
        .next()
        .ok_or_else(|| Error::Unexpected(format!("the answer to {method} holds no message")))
}

fn from_short(
    client: &Client,
    short: &types::UpdateShortSentMessage,
    sent: &Sent<'_>,
) -> crate::Result<Message> {
    let self_id = client.user_id();
    let peer = peer_of(sent.peer, self_id)
        .ok_or_else(|| Error::Unexpected("a message sent to an empty peer was answered".into()))?;
    let from = self_id.map(|user_id| enums::Peer::User(types::PeerUser { user_id }));
    let mut raw = plain(short.id, peer, from, short.date, sent.text);
    raw.out = short.out;
    raw.silent = sent.silent;
    raw.media = short.media.clone();
    // The server's entities include those it found itself (links, mentions).
    raw.entities = short
        .entities
        .clone()
        .or_else(|| sent.entities.map(<[_]>::to_vec));
    raw.reply_to = sent.reply_to.map(reply_header);
    raw.reply_markup = sent.reply_markup.cloned();
    raw.ttl_period = short.ttl_period;
    Message::new(
        &Carried::new(client, &[], &[]),
        enums::Message::Message(Box::new(raw)),
    )
    .ok_or_else(|| Error::Unexpected("a sent message read as empty".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::testing;

    fn new_message(id: i32, text: &str) -> enums::Update {
        enums::Update::NewMessage(types::UpdateNewMessage {
            message: testing::raw_message(
                id,
                enums::Peer::User(types::PeerUser { user_id: 5 }),
                None,
                text,
            ),
            pts: id,
            pts_count: 1,
        })
    }

    #[test]
    fn forwarded_messages_come_back_in_the_order_asked() {
        let client = testing::client(Some(1));
        let updates = enums::Updates::Updates(types::Updates {
            updates: vec![
                enums::Update::MessageID(types::UpdateMessageID {
                    id: 20,
                    random_id: 222,
                }),
                enums::Update::MessageID(types::UpdateMessageID {
                    id: 21,
                    random_id: 111,
                }),
                new_message(20, "second asked"),
                new_message(21, "first asked"),
            ],
            users: vec![testing::user(5, "Eve")],
            chats: vec![],
            date: 0,
            seq: 0,
        });
        let messages = messages_in(&client, &updates, &[111, 222]);
        let texts: Vec<&str> = messages.iter().map(|m| m.text().as_str()).collect();
        assert_eq!(texts, ["first asked", "second asked"]);
        assert_eq!(messages[0].chat().first_name(), Some("Eve"));
    }

    #[test]
    fn a_short_answer_is_completed_from_the_request() {
        let client = testing::client(Some(1));
        let short =
            enums::Updates::UpdateShortSentMessage(Box::new(types::UpdateShortSentMessage {
                out: true,
                id: 99,
                pts: 1,
                pts_count: 1,
                date: 1234,
                media: None,
                entities: None,
                ttl_period: None,
            }));
        let peer = enums::InputPeer::User(types::InputPeerUser {
            user_id: 5,
            access_hash: 6,
        });
        let markup: enums::ReplyMarkup = crate::types::InlineKeyboard::new()
            .row([crate::types::InlineButton::callback("a", "b")])
            .into();
        let sent = Sent {
            peer: &peer,
            text: "hello",
            entities: None,
            reply_to: Some(42),
            reply_markup: Some(&markup),
            silent: true,
        };
        let message = one_message(
            &client,
            &short,
            Some(7),
            Some(&sent),
            "messages.sendMessage",
        )
        .unwrap();
        assert_eq!(
            (message.id(), message.date(), message.text().as_str()),
            (99, 1234, "hello")
        );
        assert_eq!(message.chat().id(), 5);
        assert_eq!(message.reply_to_message_id(), Some(42));
        assert!(message.outgoing());
        assert_eq!(message.from_user().map(|u| u.is_self()), Some(true));
        assert!(message.inline_keyboard().is_some());
        let nothing = enums::Updates::TooLong;
        let error = one_message(&client, &nothing, None, None, "messages.editMessage").unwrap_err();
        assert!(
            error.to_string().contains("messages.editMessage"),
            "{error}"
        );
    }
}
