//! Answers and updates that carry users and chats: the peer cache learns from each one.
//!
//! # Adding a type
//!
//! Find the constructors with `users:Vector<User>`, `chats:Vector<Chat>` or `user:User` in
//! the schema (`grep 'users:Vector<User>' schema/tl/api.tl`), then add a line to the
//! `carries!` list below: the boxed type, and for each constructor that carries peers its
//! variant and the fields it has (`users chats`, `users`, `chats` or `user`). Variants
//! not listed carry none.

use crate::tl::enums;

/// The users and chats an answer or update carries, borrowed from it.
#[derive(Debug, Clone, Copy)]
pub struct Peers<'a> {
    /// The users.
    pub users: &'a [enums::User],
    /// The chats and channels.
    pub chats: &'a [enums::Chat],
}

impl Peers<'_> {
    /// Nothing carried.
    pub const NONE: Peers<'static> = Peers {
        users: &[],
        chats: &[],
    };

    /// Whether no user and no chat is carried.
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.chats.is_empty()
    }
}

/// An answer or update that carries users and chats (`messages.Messages`, `Updates`, …).
pub trait CarriesPeers {
    /// The users and chats carried (none for constructors without them, like
    /// `updateShort` or `messages.messagesNotModified`).
    fn peers(&self) -> Peers<'_>;
}

impl CarriesPeers for Peers<'_> {
    fn peers(&self) -> Peers<'_> {
        *self
    }
}

impl<T: CarriesPeers + ?Sized> CarriesPeers for &T {
    fn peers(&self) -> Peers<'_> {
        (**self).peers()
    }
}

/// `users.getUsers` answers a bare vector.
impl CarriesPeers for Vec<enums::User> {
    fn peers(&self) -> Peers<'_> {
        Peers {
            users: self,
            chats: &[],
        }
    }
}

impl CarriesPeers for [enums::User] {
    fn peers(&self) -> Peers<'_> {
        Peers {
            users: self,
            chats: &[],
        }
    }
}

/// The peers of one variant's value `$x`, given the fields it has.
macro_rules! fields {
    ($x:ident users chats) => {
        Peers {
            users: &$x.users,
            chats: &$x.chats,
        }
    };
    ($x:ident users) => {
        Peers {
            users: &$x.users,
            chats: &[],
        }
    };
    ($x:ident chats) => {
        Peers {
            users: &[],
            chats: &$x.chats,
        }
    };
    ($x:ident user) => {
        Peers {
            users: std::slice::from_ref(&$x.user),
            chats: &[],
        }
    };
}

macro_rules! carries {
    ($($ty:ty { $($variant:ident: $($field:ident)+),+ $(,)? })*) => {
        $(
            impl CarriesPeers for $ty {
                fn peers(&self) -> Peers<'_> {
                    // The catch-all is unreachable for types whose every constructor
                    // carries peers; one macro serves both.
                    #[allow(unreachable_patterns)]
                    match self {
                        $(Self::$variant(x) => fields!(x $($field)+),)+
                        _ => Peers::NONE,
                    }
                }
            }
        )*

        /// The peers of `answer` if its type is one of the list (a type-id comparison
        /// each): how the client's generic `invoke` caches what any answer carries.
        pub(crate) fn peers_of_any(answer: &dyn std::any::Any) -> Option<Peers<'_>> {
            $(
                if let Some(answer) = answer.downcast_ref::<$ty>() {
                    return Some(answer.peers());
                }
            )*
            if let Some(users) = answer.downcast_ref::<Vec<enums::User>>() {
                return Some(users.peers());
            }
            None
        }
    };
}

carries! {
    enums::Updates { Updates: users chats, Combined: users chats }
    enums::auth::Authorization { Authorization: user }
    enums::help::Support { Support: user }
    enums::users::UserFull { UserFull: users chats }
    enums::users::Users { Users: users, Slice: users }
    enums::contacts::ResolvedPeer { ResolvedPeer: users chats }
    enums::contacts::Contacts { Contacts: users }
    enums::contacts::ImportedContacts { ImportedContacts: users }
    enums::contacts::Found { Found: users chats }
    enums::contacts::Blocked { Blocked: users chats, Slice: users chats }
    enums::contacts::TopPeers { TopPeers: users chats }
    enums::messages::Messages {
        Messages: users chats,
        Slice: users chats,
        ChannelMessages: users chats,
    }
    enums::messages::Dialogs { Dialogs: users chats, Slice: users chats }
    enums::messages::PeerDialogs { PeerDialogs: users chats }
    enums::messages::SavedDialogs { SavedDialogs: users chats, Slice: users chats }
    enums::messages::Chats { Chats: chats, Slice: chats }
    enums::messages::ChatFull { ChatFull: users chats }
    enums::messages::MessageViews { MessageViews: users chats }
    enums::messages::DiscussionMessage { DiscussionMessage: users chats }
    enums::messages::ForumTopics { ForumTopics: users chats }
    enums::messages::PeerSettings { PeerSettings: users chats }
    enums::messages::ChatInviteImporters { ChatInviteImporters: users }
    enums::messages::ExportedChatInvite { ExportedChatInvite: users, Replaced: users }
    enums::messages::ExportedChatInvites { ExportedChatInvites: users }
    enums::messages::ChatAdminsWithInvites { ChatAdminsWithInvites: users }
    enums::messages::InactiveChats { InactiveChats: users chats }
    enums::messages::VotesList { VotesList: users chats }
    enums::messages::MessageReactionsList { MessageReactionsList: users chats }
    enums::messages::BotResults { BotResults: users }
    enums::messages::HighScores { HighScores: users }
    enums::messages::SearchResultsCalendar { SearchResultsCalendar: users chats }
    enums::messages::SponsoredMessages { SponsoredMessages: users chats }
    enums::messages::WebPage { WebPage: users chats }
    enums::updates::Difference { Difference: users chats, Slice: users chats }
    enums::updates::ChannelDifference { ChannelDifference: users chats, TooLong: users chats }
    enums::channels::ChannelParticipants { ChannelParticipants: users chats }
    enums::channels::ChannelParticipant { ChannelParticipant: users chats }
    enums::channels::SendAsPeers { SendAsPeers: users chats }
    enums::channels::AdminLogResults { AdminLogResults: users chats }
    enums::photos::Photos { Photos: users, Slice: users }
    enums::photos::Photo { Photo: users }
    enums::stories::AllStories { AllStories: users chats }
    enums::stories::Stories { Stories: users chats }
    enums::stories::PeerStories { PeerStories: users chats }
    enums::phone::GroupCall { GroupCall: users chats }
    enums::phone::GroupParticipants { GroupParticipants: users chats }
    enums::phone::JoinAsPeers { JoinAsPeers: users chats }
    enums::premium::BoostsList { BoostsList: users }
    enums::premium::MyBoosts { MyBoosts: users chats }
    enums::stats::MegagroupStats { MegagroupStats: users }
    enums::stats::PublicForwards { PublicForwards: users chats }
    enums::help::PromoData { PromoData: users chats }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peers::fixtures::{channel, user};
    use crate::tl::{Deserialize, Serialize, types};

    fn updates(users: Vec<enums::User>, chats: Vec<enums::Chat>) -> enums::Updates {
        types::Updates {
            updates: vec![],
            users,
            chats,
            date: 0,
            seq: 0,
        }
        .into()
    }

    #[test]
    fn updates_carry_their_users_and_chats_and_short_ones_none() {
        let full = updates(
            vec![user(1, 2, None, None).into()],
            vec![channel(3, 4, None).into()],
        );
        let peers = full.peers();
        assert_eq!((peers.users.len(), peers.chats.len()), (1, 1));
        assert!(enums::Updates::TooLong.peers().is_empty());
    }

    #[test]
    fn a_decoded_answer_carries_what_was_encoded() {
        let answer: enums::contacts::ResolvedPeer = types::contacts::ResolvedPeer {
            peer: types::PeerUser { user_id: 1 }.into(),
            chats: vec![channel(3, 4, Some("c")).into()],
            users: vec![
                user(1, 2, Some("u"), None).into(),
                user(5, 6, None, None).into(),
            ],
        }
        .into();
        let decoded = enums::contacts::ResolvedPeer::from_bytes(&answer.to_bytes()).unwrap();
        let peers = decoded.peers();
        assert_eq!((peers.users.len(), peers.chats.len()), (2, 1));
        assert!(matches!(&peers.users[1], enums::User::User(u) if u.id == 5));
    }

    #[test]
    fn an_authorization_carries_its_one_user_and_a_vector_its_users() {
        let auth: enums::auth::Authorization = types::auth::Authorization {
            otherwise_relogin_days: None,
            tmp_sessions: None,
            future_auth_token: None,
            user: user(9, 1, None, None).into(),
        }
        .into();
        assert_eq!(auth.peers().users.len(), 1);
        let users: Vec<enums::User> = vec![user(1, 1, None, None).into(); 3];
        assert_eq!(users.peers().users.len(), 3);
        fn carried<A: CarriesPeers>(answer: A) -> usize {
            answer.peers().users.len()
        }
        assert_eq!(carried(&users), 3, "a reference carries what it points at");
    }
}
