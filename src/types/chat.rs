//! A chat as handlers see it: a private chat, a group, a supergroup or a channel.

use super::user::User;
use crate::Client;
use crate::peers::BareId;
use crate::storage::{PeerKind, PeerRecord};
use crate::tl::enums;

/// What kind of chat a [`Chat`] is.
///
/// ```no_run
/// # fn demo(message: &oxigram::Message) {
/// use oxigram::ChatKind;
///
/// let place = match message.chat().kind() {
///     ChatKind::Private | ChatKind::Bot => "in private",
///     ChatKind::Group | ChatKind::Supergroup => "in a group",
///     ChatKind::Channel => "in a channel",
/// };
/// println!("message {} {place}", message.id());
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChatKind {
    /// A private chat with a user.
    Private,
    /// A private chat with a bot.
    Bot,
    /// A basic group.
    Group,
    /// A supergroup.
    Supergroup,
    /// A broadcast channel.
    Channel,
}

impl From<PeerKind> for ChatKind {
    fn from(kind: PeerKind) -> Self {
        match kind {
            PeerKind::User => ChatKind::Private,
            PeerKind::Bot => ChatKind::Bot,
            PeerKind::Group => ChatKind::Group,
            PeerKind::Supergroup => ChatKind::Supergroup,
            PeerKind::Channel => ChatKind::Channel,
        }
    }
}

/// A chat: the other side of a private chat, a group, a supergroup or a channel.
///
/// Built from what an update carries, or else the peer cache, or else the id alone (a
/// channel known by id alone reads as [`ChatKind::Channel`]: nothing says whether it is a
/// supergroup).
///
/// ```no_run
/// # fn demo(message: &oxigram::Message) {
/// let chat = message.chat();
/// let name = chat.title().or(chat.first_name()).unwrap_or("?");
/// match chat.username() {
///     Some(username) => println!("{name} (@{username}, id {})", chat.id()),
///     None => println!("{name} (id {})", chat.id()),
/// }
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Chat {
    id: i64,
    kind: ChatKind,
    access_hash: Option<i64>,
    title: Option<String>,
    username: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    /// The client it came from, for its bound methods (`chat.leave()`); not part of
    /// what the chat is.
    client: Option<Client>,
}

impl PartialEq for Chat {
    fn eq(&self, other: &Self) -> bool {
        (
            self.id,
            self.kind,
            self.access_hash,
            &self.title,
            &self.username,
            &self.first_name,
            &self.last_name,
        ) == (
            other.id,
            other.kind,
            other.access_hash,
            &other.title,
            &other.username,
            &other.first_name,
            &other.last_name,
        )
    }
}

impl Eq for Chat {}

impl Chat {
    /// The private chat with `user`.
    pub(crate) fn from_user(user: &User) -> Chat {
        Chat {
            id: user.id(),
            kind: if user.is_bot() {
                ChatKind::Bot
            } else {
                ChatKind::Private
            },
            access_hash: user.access_hash(),
            title: None,
            username: user.username().map(str::to_string),
            first_name: Some(user.first_name().to_string()).filter(|n| !n.is_empty()),
            last_name: user.last_name().map(str::to_string),
            client: None,
        }
    }

    /// A group or channel as the API describes it.
    pub(crate) fn from_raw(chat: &enums::Chat) -> Chat {
        let group = |id: i64, title: &str| Chat {
            id: BareId::Chat(id).to_bot_api(),
            kind: ChatKind::Group,
            access_hash: None,
            title: Some(title.to_string()),
            username: None,
            first_name: None,
            last_name: None,
            client: None,
        };
        let channel = |id: i64, megagroup: bool, hash: Option<i64>, title: &str| Chat {
            id: BareId::Channel(id).to_bot_api(),
            kind: if megagroup {
                ChatKind::Supergroup
            } else {
                ChatKind::Channel
            },
            access_hash: hash,
            title: Some(title.to_string()),
            username: None,
            first_name: None,
            last_name: None,
            client: None,
        };
        match chat {
            enums::Chat::Chat(c) => group(c.id, &c.title),
            enums::Chat::Forbidden(c) => group(c.id, &c.title),
            enums::Chat::Empty(c) => Chat::unknown(BareId::Chat(c.id)),
            enums::Chat::Channel(c) => {
                let hash = if c.min { None } else { c.access_hash };
                let mut chat = channel(c.id, c.megagroup, hash, &c.title);
                chat.username = c.username.clone().or_else(|| {
                    c.usernames.as_ref().and_then(|names| {
                        names.iter().find_map(|n| match n {
                            enums::Username::Username(n) if n.active => Some(n.username.clone()),
                            _ => None,
                        })
                    })
                });
                chat
            }
            enums::Chat::ChannelForbidden(c) => {
                channel(c.id, c.megagroup, Some(c.access_hash), &c.title)
            }
            // Communities are not chats messages go to; one read here keeps its id.
            enums::Chat::Community(_) | enums::Chat::CommunityForbidden(_) => {
                Chat::unknown(BareId::Channel(bare_chat_id(chat)))
            }
        }
    }

    /// The chat as the peer cache knows it: id, kind and username, no title.
    pub(crate) fn from_record(record: &PeerRecord) -> Chat {
        Chat {
            id: record.id,
            kind: record.kind.into(),
            access_hash: (record.access_hash != 0).then_some(record.access_hash),
            title: None,
            username: record.usernames.first().cloned(),
            first_name: None,
            last_name: None,
            client: None,
        }
    }

    /// A chat known by id alone.
    pub(crate) fn unknown(id: BareId) -> Chat {
        Chat {
            id: id.to_bot_api(),
            kind: match id {
                BareId::User(_) => ChatKind::Private,
                BareId::Chat(_) => ChatKind::Group,
                BareId::Channel(_) => ChatKind::Channel,
            },
            access_hash: None,
            title: None,
            username: None,
            first_name: None,
            last_name: None,
            client: None,
        }
    }

    /// The same chat, its bound methods acting through `client`.
    pub(crate) fn bound(mut self, client: &Client) -> Chat {
        self.client = Some(client.clone());
        self
    }

    /// The client its bound methods act through, if it came from one.
    pub(crate) fn client(&self) -> Option<&Client> {
        self.client.as_ref()
    }

    /// The Bot-API-style id: users positive, basic groups `-id`, channels and
    /// supergroups `-1000000000000 - id`.
    pub fn id(&self) -> i64 {
        self.id
    }

    /// What kind of chat this is.
    pub fn kind(&self) -> ChatKind {
        self.kind
    }

    /// Whether this is a private chat (with a user or a bot).
    pub fn is_private(&self) -> bool {
        matches!(self.kind, ChatKind::Private | ChatKind::Bot)
    }

    /// Whether this is a basic group or a supergroup.
    pub fn is_group(&self) -> bool {
        matches!(self.kind, ChatKind::Group | ChatKind::Supergroup)
    }

    /// The title of a group or channel.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The main username (without `@`), if any.
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    /// The first name of the user of a private chat.
    pub fn first_name(&self) -> Option<&str> {
        self.first_name.as_deref()
    }

    /// The last name of the user of a private chat.
    pub fn last_name(&self) -> Option<&str> {
        self.last_name.as_deref()
    }

    /// The access hash, if one usable on its own is known (basic groups need none).
    pub fn access_hash(&self) -> Option<i64> {
        self.access_hash
    }

    /// The input peer that names this chat in a request, if the chat is known well
    /// enough (a basic group always is; users and channels need their access hash).
    pub fn input_peer(&self) -> Option<enums::InputPeer> {
        let bare = BareId::from_bot_api(self.id)?;
        Some(match bare {
            BareId::Chat(chat_id) => {
                enums::InputPeer::Chat(crate::tl::types::InputPeerChat { chat_id })
            }
            BareId::User(user_id) => enums::InputPeer::User(crate::tl::types::InputPeerUser {
                user_id,
                access_hash: self.access_hash?,
            }),
            BareId::Channel(channel_id) => {
                enums::InputPeer::Channel(crate::tl::types::InputPeerChannel {
                    channel_id,
                    access_hash: self.access_hash?,
                })
            }
        })
    }
}

/// The bare id of any chat constructor.
pub(crate) fn bare_chat_id(chat: &enums::Chat) -> i64 {
    match chat {
        enums::Chat::Empty(c) => c.id,
        enums::Chat::Chat(c) => c.id,
        enums::Chat::Forbidden(c) => c.id,
        enums::Chat::Channel(c) => c.id,
        enums::Chat::ChannelForbidden(c) => c.id,
        enums::Chat::CommunityForbidden(c) => c.id,
        enums::Chat::Community(c) => c.id,
    }
}

/// Whether `chat` is the one `peer` names.
pub(crate) fn is_peer(chat: &enums::Chat, peer: BareId) -> bool {
    let id = bare_chat_id(chat);
    match (chat, peer) {
        (
            enums::Chat::Chat(_) | enums::Chat::Forbidden(_) | enums::Chat::Empty(_),
            BareId::Chat(p),
        ) => p == id,
        (enums::Chat::Channel(_) | enums::Chat::ChannelForbidden(_), BareId::Channel(p)) => p == id,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peers::fixtures;

    #[test]
    fn channels_and_supergroups_get_bot_api_ids_and_their_kind() {
        let mut raw = fixtures::channel(1234567890, 99, Some("news"));
        let chat = Chat::from_raw(&enums::Chat::Channel(Box::new(raw.clone())));
        assert_eq!(chat.id(), -1001234567890);
        assert_eq!(chat.kind(), ChatKind::Channel);
        assert_eq!(chat.username(), Some("news"));
        assert_eq!(chat.title(), Some("Channel 1234567890"));
        raw.megagroup = true;
        raw.broadcast = false;
        let chat = Chat::from_raw(&enums::Chat::Channel(Box::new(raw)));
        assert_eq!(chat.kind(), ChatKind::Supergroup);
        assert!(chat.is_group());
        assert!(matches!(
            chat.input_peer(),
            Some(enums::InputPeer::Channel(c)) if c.channel_id == 1234567890 && c.access_hash == 99
        ));
    }

    #[test]
    fn a_basic_group_is_negative_and_needs_no_hash() {
        let raw = enums::Chat::Forbidden(crate::tl::types::ChatForbidden {
            id: 42,
            title: "gone".into(),
        });
        let chat = Chat::from_raw(&raw);
        assert_eq!((chat.id(), chat.kind()), (-42, ChatKind::Group));
        assert!(matches!(chat.input_peer(), Some(enums::InputPeer::Chat(c)) if c.chat_id == 42));
        assert!(is_peer(&raw, BareId::Chat(42)));
        assert!(!is_peer(&raw, BareId::Channel(42)));
    }

    #[test]
    fn an_unknown_user_chat_has_its_id_but_no_input_peer() {
        let chat = Chat::unknown(BareId::User(77));
        assert_eq!((chat.id(), chat.kind()), (77, ChatKind::Private));
        assert!(chat.input_peer().is_none());
    }
}
