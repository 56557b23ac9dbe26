//! The short forms of `Updates` (`updateShortMessage`, `updateShortChatMessage`,
//! `updateShortSentMessage`) expanded into the `updateNewMessage` they stand for, so that
//! consumers see one shape.

use oxigram_tl::{enums, types};

/// The fields every short form carries; the rest of the message is absent.
struct Short {
    out: bool,
    mentioned: bool,
    media_unread: bool,
    silent: bool,
    id: i32,
    from_id: Option<enums::Peer>,
    peer_id: enums::Peer,
    fwd_from: Option<enums::MessageFwdHeader>,
    via_bot_id: Option<i64>,
    reply_to: Option<enums::MessageReplyHeader>,
    date: i32,
    message: String,
    media: Option<enums::MessageMedia>,
    entities: Option<Vec<enums::MessageEntity>>,
    ttl_period: Option<i32>,
}

impl Short {
    fn into_message(self) -> enums::Message {
        types::Message {
            out: self.out,
            mentioned: self.mentioned,
            media_unread: self.media_unread,
            silent: self.silent,
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
            id: self.id,
            from_id: self.from_id,
            from_boosts_applied: None,
            from_rank: None,
            peer_id: self.peer_id,
            saved_peer_id: None,
            fwd_from: self.fwd_from,
            via_bot_id: self.via_bot_id,
            via_business_bot_id: None,
            guestchat_via_from: None,
            reply_to: self.reply_to,
            date: self.date,
            message: self.message,
            media: self.media,
            reply_markup: None,
            entities: self.entities,
            views_and_forwards: None,
            replies: None,
            edit_date: None,
            post_author: None,
            grouped_id: None,
            reactions: None,
            restriction_reason: None,
            ttl_period: self.ttl_period,
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
        .into()
    }
}

fn user(user_id: i64) -> enums::Peer {
    types::PeerUser { user_id }.into()
}

/// `updateShortMessage` (a private message) as `updateNewMessage`. The chat is the other
/// user; the sender is that user, or the account itself for an outgoing message, which is
/// why `self_id` is needed (without it an outgoing message has no `from_id`).
pub fn expand_short_message(
    short: types::UpdateShortMessage,
    self_id: Option<i64>,
) -> types::UpdateNewMessage {
    let from_id = if short.out {
        self_id.map(user)
    } else {
        Some(user(short.user_id))
    };
    let message = Short {
        out: short.out,
        mentioned: short.mentioned,
        media_unread: short.media_unread,
        silent: short.silent,
        id: short.id,
        from_id,
        peer_id: user(short.user_id),
        fwd_from: short.fwd_from,
        via_bot_id: short.via_bot_id,
        reply_to: short.reply_to,
        date: short.date,
        message: short.message,
        media: None,
        entities: short.entities,
        ttl_period: short.ttl_period,
    };
    types::UpdateNewMessage {
        message: message.into_message(),
        pts: short.pts,
        pts_count: short.pts_count,
    }
}

/// `updateShortChatMessage` (a message in a basic group) as `updateNewMessage`.
pub fn expand_short_chat_message(short: types::UpdateShortChatMessage) -> types::UpdateNewMessage {
    let message = Short {
        out: short.out,
        mentioned: short.mentioned,
        media_unread: short.media_unread,
        silent: short.silent,
        id: short.id,
        from_id: Some(user(short.from_id)),
        peer_id: types::PeerChat {
            chat_id: short.chat_id,
        }
        .into(),
        fwd_from: short.fwd_from,
        via_bot_id: short.via_bot_id,
        reply_to: short.reply_to,
        date: short.date,
        message: short.message,
        media: None,
        entities: short.entities,
        ttl_period: short.ttl_period,
    };
    types::UpdateNewMessage {
        message: message.into_message(),
        pts: short.pts,
        pts_count: short.pts_count,
    }
}

/// `updateShortSentMessage` (the answer to sending a message) as `updateNewMessage`. The
/// short form leaves out the chat and the text, which only the request knew: the caller
/// passes them.
pub fn expand_short_sent_message(
    short: types::UpdateShortSentMessage,
    peer: enums::Peer,
    text: String,
    self_id: Option<i64>,
) -> types::UpdateNewMessage {
    let message = Short {
        out: short.out,
        mentioned: false,
        media_unread: false,
        silent: false,
        id: short.id,
        from_id: self_id.map(user),
        peer_id: peer,
        fwd_from: None,
        via_bot_id: None,
        reply_to: None,
        date: short.date,
        message: text,
        media: short.media,
        entities: short.entities,
        ttl_period: short.ttl_period,
    };
    types::UpdateNewMessage {
        message: message.into_message(),
        pts: short.pts,
        pts_count: short.pts_count,
    }
}

/// `updateShortSentMessage` without the request it answers: the pts still counts, so it
/// becomes an `updateNewMessage` holding a `messageEmpty` with the id.
pub(crate) fn sent_message_placeholder(
    short: &types::UpdateShortSentMessage,
) -> types::UpdateNewMessage {
    types::UpdateNewMessage {
        message: types::MessageEmpty {
            id: short.id,
            peer_id: None,
        }
        .into(),
        pts: short.pts,
        pts_count: short.pts_count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short_message(out: bool) -> types::UpdateShortMessage {
        types::UpdateShortMessage {
            out,
            mentioned: true,
            media_unread: false,
            silent: true,
            id: 321,
            user_id: 777,
            message: "hi".into(),
            pts: 50,
            pts_count: 1,
            date: 1_700_000_000,
            fwd_from: None,
            via_bot_id: Some(9),
            reply_to: None,
            entities: None,
            ttl_period: Some(60),
        }
    }

    fn full(update: &types::UpdateNewMessage) -> &types::Message {
        match &update.message {
            enums::Message::Message(m) => m,
            other => panic!("not a full message: {other:?}"),
        }
    }

    #[test]
    fn incoming_private_message_is_from_the_other_user() {
        let update = expand_short_message(short_message(false), Some(1000));
        assert_eq!((update.pts, update.pts_count), (50, 1));
        let m = full(&update);
        assert!(!m.out && m.mentioned && m.silent);
        assert_eq!(m.id, 321);
        assert_eq!(m.from_id, Some(types::PeerUser { user_id: 777 }.into()));
        assert_eq!(m.peer_id, types::PeerUser { user_id: 777 }.into());
        assert_eq!(m.message, "hi");
        assert_eq!(m.date, 1_700_000_000);
        assert_eq!(m.via_bot_id, Some(9));
        assert_eq!(m.ttl_period, Some(60));
    }

    #[test]
    fn outgoing_private_message_is_from_self_to_the_other_user() {
        let update = expand_short_message(short_message(true), Some(1000));
        let m = full(&update);
        assert!(m.out);
        assert_eq!(m.from_id, Some(types::PeerUser { user_id: 1000 }.into()));
        assert_eq!(m.peer_id, types::PeerUser { user_id: 777 }.into());
        // Without the self id the sender is unknown rather than wrong.
        let update = expand_short_message(short_message(true), None);
        assert_eq!(full(&update).from_id, None);
    }

    #[test]
    fn group_message_is_in_the_chat_from_the_sender() {
        let short = types::UpdateShortChatMessage {
            out: false,
            mentioned: false,
            media_unread: true,
            silent: false,
            id: 8,
            from_id: 42,
            chat_id: 4242,
            message: "group".into(),
            pts: 11,
            pts_count: 1,
            date: 5,
            fwd_from: None,
            via_bot_id: None,
            reply_to: None,
            entities: Some(vec![]),
            ttl_period: None,
        };
        let update = expand_short_chat_message(short);
        assert_eq!((update.pts, update.pts_count), (11, 1));
        let m = full(&update);
        assert!(m.media_unread);
        assert_eq!(m.from_id, Some(types::PeerUser { user_id: 42 }.into()));
        assert_eq!(m.peer_id, types::PeerChat { chat_id: 4242 }.into());
        assert_eq!(m.message, "group");
        assert_eq!(m.entities, Some(vec![]));
    }

    #[test]
    fn sent_message_takes_chat_and_text_from_the_request() {
        let short = types::UpdateShortSentMessage {
            out: true,
            id: 90,
            pts: 20,
            pts_count: 1,
            date: 77,
            media: None,
            entities: None,
            ttl_period: None,
        };
        let peer: enums::Peer = types::PeerChannel { channel_id: 3 }.into();
        let update = expand_short_sent_message(short.clone(), peer.clone(), "sent".into(), Some(5));
        let m = full(&update);
        assert!(m.out);
        assert_eq!((m.id, m.date), (90, 77));
        assert_eq!(m.peer_id, peer);
        assert_eq!(m.from_id, Some(types::PeerUser { user_id: 5 }.into()));
        assert_eq!(m.message, "sent");
        let placeholder = sent_message_placeholder(&short);
        assert_eq!((placeholder.pts, placeholder.pts_count), (20, 1));
        assert!(matches!(placeholder.message, enums::Message::Empty(ref e) if e.id == 90));
    }
}
