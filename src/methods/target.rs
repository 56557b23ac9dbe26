//! The chat a method acts on: as the caller named it, or a chat already known from an
//! update (whose access hash is then used as it came).

use crate::peers::PeerRef;
use crate::tl::{enums, types};
use crate::types::Chat;
use crate::{Client, Error};

#[derive(Debug, Clone)]
pub(crate) enum Target {
    Named(PeerRef),
    Known(Chat),
}

impl Target {
    pub(crate) fn named(peer: impl Into<PeerRef>) -> Self {
        Target::Named(peer.into())
    }

    /// The input peer: a known chat's own, else from the cache or the server.
    pub(crate) async fn resolve(&self, client: &Client) -> crate::Result<enums::InputPeer> {
        match self {
            Target::Named(peer) => client.resolve_peer(peer.clone()).await,
            Target::Known(chat) => match chat.input_peer() {
                Some(peer) => Ok(peer),
                None => client.resolve_peer(chat.id()).await,
            },
        }
    }
}

/// The peer an input peer names (`inputPeerSelf` needs the signed-in id).
pub(crate) fn peer_of(input: &enums::InputPeer, self_id: Option<i64>) -> Option<enums::Peer> {
    let user = |user_id| enums::Peer::User(types::PeerUser { user_id });
    Some(match input {
        enums::InputPeer::InputPeerSelf => user(self_id?),
        enums::InputPeer::User(u) => user(u.user_id),
        enums::InputPeer::UserFromMessage(u) => user(u.user_id),
        enums::InputPeer::Chat(c) => enums::Peer::Chat(types::PeerChat { chat_id: c.chat_id }),
        enums::InputPeer::Channel(c) => enums::Peer::Channel(types::PeerChannel {
            channel_id: c.channel_id,
        }),
        enums::InputPeer::ChannelFromMessage(c) => enums::Peer::Channel(types::PeerChannel {
            channel_id: c.channel_id,
        }),
        enums::InputPeer::Empty => return None,
    })
}

/// The `InputChannel` of a channel's input peer; `None` for other peers.
pub(crate) fn input_channel(input: &enums::InputPeer) -> Option<enums::InputChannel> {
    match input {
        enums::InputPeer::Channel(c) => {
            Some(enums::InputChannel::InputChannel(types::InputChannel {
                channel_id: c.channel_id,
                access_hash: c.access_hash,
            }))
        }
        enums::InputPeer::ChannelFromMessage(c) => Some(enums::InputChannel::FromMessage(
            types::InputChannelFromMessage {
                peer: c.peer.clone(),
                msg_id: c.msg_id,
                channel_id: c.channel_id,
            },
        )),
        _ => None,
    }
}

/// The `InputUser` of a user's input peer.
pub(crate) fn input_user(input: enums::InputPeer) -> crate::Result<enums::InputUser> {
    Ok(match input {
        enums::InputPeer::InputPeerSelf => enums::InputUser::InputUserSelf,
        enums::InputPeer::User(u) => enums::InputUser::InputUser(types::InputUser {
            user_id: u.user_id,
            access_hash: u.access_hash,
        }),
        enums::InputPeer::UserFromMessage(u) => {
            enums::InputUser::FromMessage(types::InputUserFromMessage {
                peer: u.peer,
                msg_id: u.msg_id,
                user_id: u.user_id,
            })
        }
        other => {
            return Err(Error::Unsupported(format!(
                "a user is needed here, not {other:?}"
            )));
        }
    })
}

impl From<&Chat> for PeerRef {
    fn from(chat: &Chat) -> Self {
        PeerRef::Id(chat.id())
    }
}

impl From<&crate::types::User> for PeerRef {
    fn from(user: &crate::types::User) -> Self {
        PeerRef::Id(user.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_peers_name_their_peer_and_convert_by_kind() {
        let channel = enums::InputPeer::Channel(types::InputPeerChannel {
            channel_id: 8,
            access_hash: 9,
        });
        assert_eq!(
            peer_of(&channel, None),
            Some(enums::Peer::Channel(types::PeerChannel { channel_id: 8 }))
        );
        assert!(matches!(
            input_channel(&channel),
            Some(enums::InputChannel::InputChannel(c)) if c.channel_id == 8 && c.access_hash == 9
        ));
        assert_eq!(
            peer_of(&enums::InputPeer::InputPeerSelf, Some(3)),
            Some(enums::Peer::User(types::PeerUser { user_id: 3 }))
        );
        assert_eq!(peer_of(&enums::InputPeer::InputPeerSelf, None), None);
        let group = enums::InputPeer::Chat(types::InputPeerChat { chat_id: 4 });
        assert!(input_channel(&group).is_none());
        assert!(matches!(input_user(group), Err(Error::Unsupported(_))));
        assert_eq!(
            input_user(enums::InputPeer::InputPeerSelf).unwrap(),
            enums::InputUser::InputUserSelf
        );
    }

    #[test]
    fn a_known_chat_with_its_hash_needs_no_lookup() {
        let client = crate::types::testing::client(None);
        let raw = enums::Chat::Channel(Box::new(crate::peers::fixtures::channel(8, 9, None)));
        let chat = Chat::from_raw(&raw);
        let peer = futures_executor::block_on(Target::Known(chat).resolve(&client)).unwrap();
        assert_eq!(
            peer,
            enums::InputPeer::Channel(types::InputPeerChannel {
                channel_id: 8,
                access_hash: 9
            })
        );
    }
}
