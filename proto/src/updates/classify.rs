//! Which sequence each update belongs to: the common box (`pts`), the secondary box (`qts`),
//! a channel's box (the channel's own `pts`), or none (delivered as it comes).

use oxigram_tl::enums::{self, Update};

/// A sequence of updates with its own counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum BoxKey {
    /// The account's `pts`.
    Common,
    /// The account's `qts`.
    Qts,
    /// A channel's `pts`, by bare channel id.
    Channel(i64),
}

/// What the sequencer does with an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// Applied in order: `local + count == pts`.
    Ordered { key: BoxKey, pts: i32, count: i32 },
    /// The server says a channel has more than it pushed: fetch its difference.
    ChannelTooLong { channel_id: i64, pts: Option<i32> },
    /// Carries no counter: delivered at once.
    Unordered,
}

/// The channel a message was posted in, if it was posted in one.
pub(crate) fn message_channel(message: &enums::Message) -> Option<i64> {
    let peer = match message {
        enums::Message::Empty(m) => m.peer_id.as_ref()?,
        enums::Message::Message(m) => &m.peer_id,
        enums::Message::Service(m) => &m.peer_id,
    };
    match peer {
        enums::Peer::Channel(c) => Some(c.channel_id),
        enums::Peer::User(_) | enums::Peer::Chat(_) => None,
    }
}

pub(crate) fn classify(update: &Update) -> Class {
    use Update as U;
    let common = |pts, count| Class::Ordered {
        key: BoxKey::Common,
        pts,
        count,
    };
    // Every qts update advances the counter by one.
    let qts = |qts| Class::Ordered {
        key: BoxKey::Qts,
        pts: qts,
        count: 1,
    };
    // A channel update whose channel cannot be told (a message without a peer) has no box
    // to be ordered in; it is delivered rather than dropped.
    let channel = |id: Option<i64>, pts, count| match id {
        Some(id) => Class::Ordered {
            key: BoxKey::Channel(id),
            pts,
            count,
        },
        None => Class::Unordered,
    };
    match update {
        U::NewMessage(u) => common(u.pts, u.pts_count),
        U::DeleteMessages(u) => common(u.pts, u.pts_count),
        U::ReadHistoryInbox(u) => common(u.pts, u.pts_count),
        U::ReadHistoryOutbox(u) => common(u.pts, u.pts_count),
        U::WebPage(u) => common(u.pts, u.pts_count),
        U::ReadMessagesContents(u) => common(u.pts, u.pts_count),
        U::EditMessage(u) => common(u.pts, u.pts_count),
        U::FolderPeers(u) => common(u.pts, u.pts_count),
        U::PinnedMessages(u) => common(u.pts, u.pts_count),

        U::NewEncryptedMessage(u) => qts(u.qts),
        U::MessagePollVote(u) => qts(u.qts),
        U::ChatParticipant(u) => qts(u.qts),
        U::ChannelParticipant(u) => qts(u.qts),
        U::BotStopped(u) => qts(u.qts),
        U::BotChatInviteRequester(u) => qts(u.qts),
        U::BotChatBoost(u) => qts(u.qts),
        U::BotMessageReaction(u) => qts(u.qts),
        U::BotMessageReactions(u) => qts(u.qts),
        U::BotBusinessConnect(u) => qts(u.qts),
        U::BotNewBusinessMessage(u) => qts(u.qts),
        U::BotEditBusinessMessage(u) => qts(u.qts),
        U::BotDeleteBusinessMessage(u) => qts(u.qts),
        U::BotPurchasedPaidMedia(u) => qts(u.qts),
        U::ManagedBot(u) => qts(u.qts),
        U::BotGuestChatQuery(u) => qts(u.qts),
        U::BotStarsSubscription(u) => qts(u.qts),

        U::NewChannelMessage(u) => channel(message_channel(&u.message), u.pts, u.pts_count),
        U::EditChannelMessage(u) => channel(message_channel(&u.message), u.pts, u.pts_count),
        U::DeleteChannelMessages(u) => channel(Some(u.channel_id), u.pts, u.pts_count),
        U::ChannelWebPage(u) => channel(Some(u.channel_id), u.pts, u.pts_count),
        U::PinnedChannelMessages(u) => channel(Some(u.channel_id), u.pts, u.pts_count),

        U::ChannelTooLong(u) => Class::ChannelTooLong {
            channel_id: u.channel_id,
            pts: u.pts,
        },
        // `updateReadChannelInbox` carries a pts but no count: it reports a position rather
        // than advancing it, so it is not ordered.
        _ => Class::Unordered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigram_tl::types;

    fn channel_message(channel_id: i64) -> enums::Message {
        types::MessageEmpty {
            id: 1,
            peer_id: Some(types::PeerChannel { channel_id }.into()),
        }
        .into()
    }

    #[test]
    fn boxes_are_told_apart() {
        let new = types::UpdateNewMessage {
            message: types::MessageEmpty {
                id: 1,
                peer_id: None,
            }
            .into(),
            pts: 7,
            pts_count: 1,
        };
        assert_eq!(
            classify(&new.into()),
            Class::Ordered {
                key: BoxKey::Common,
                pts: 7,
                count: 1
            }
        );
        let stopped = types::UpdateBotStopped {
            user_id: 5,
            date: 0,
            stopped: true,
            qts: 40,
        };
        assert_eq!(
            classify(&stopped.into()),
            Class::Ordered {
                key: BoxKey::Qts,
                pts: 40,
                count: 1
            }
        );
        let in_channel = types::UpdateNewChannelMessage {
            message: channel_message(99),
            pts: 3,
            pts_count: 1,
        };
        assert_eq!(
            classify(&in_channel.into()),
            Class::Ordered {
                key: BoxKey::Channel(99),
                pts: 3,
                count: 1
            }
        );
        let deleted = types::UpdateDeleteChannelMessages {
            channel_id: 12,
            messages: vec![1, 2],
            pts: 9,
            pts_count: 2,
        };
        assert_eq!(
            classify(&deleted.into()),
            Class::Ordered {
                key: BoxKey::Channel(12),
                pts: 9,
                count: 2
            }
        );
        let too_long = types::UpdateChannelTooLong {
            channel_id: 12,
            pts: None,
        };
        assert_eq!(
            classify(&too_long.into()),
            Class::ChannelTooLong {
                channel_id: 12,
                pts: None
            }
        );
        let typing = types::UpdateUserTyping {
            user_id: 1,
            top_msg_id: None,
            action: enums::SendMessageAction::SendMessageTypingAction,
        };
        assert_eq!(classify(&typing.into()), Class::Unordered);
    }

    #[test]
    fn a_channel_message_without_a_peer_is_not_ordered() {
        let update = types::UpdateNewChannelMessage {
            message: types::MessageEmpty {
                id: 1,
                peer_id: None,
            }
            .into(),
            pts: 3,
            pts_count: 1,
        };
        assert_eq!(classify(&update.into()), Class::Unordered);
    }
}
