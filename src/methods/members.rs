//! Members of groups and channels: one member, or all of them (or those a filter
//! picks) as a paged stream.

use std::future::IntoFuture;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use oxigram_runtime::BoxFuture;

use super::chat_admin::Group;
use super::messages::awaitable;
use super::pages::{Page, Pager, Pages};
use super::target::{Target, input_user};
use crate::peers::PeerRef;
use crate::tl::{enums, functions, types};
use crate::types::carried::Carried;
use crate::types::{ChatMember, MemberStatus};
use crate::{Client, Error};

/// The most members one `channels.getParticipants` answers with.
const PAGE_SIZE: usize = 200;

/// Which members [`Client::get_chat_members`] lists.
///
/// ```no_run
/// use futures_util::TryStreamExt;
/// use oxigram::methods::ChatMembersFilter;
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// let admins: Vec<_> = app
///     .get_chat_members("@my_group")
///     .filter(ChatMembersFilter::Administrators)
///     .try_collect()
///     .await?;
/// println!("{} admins", admins.len());
/// let mut named_ada = app
///     .get_chat_members("@my_group")
///     .filter(ChatMembersFilter::Search("ada".into()));
/// while let Some(member) = named_ada.try_next().await? {
///     println!("{} ({:?})", member.user().full_name(), member.status());
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChatMembersFilter {
    /// Every member.
    #[default]
    All,
    /// Members whose name or username matches.
    Search(String),
    /// Users banned (removed and kept out).
    Banned,
    /// Members restricted.
    Restricted,
    /// Bots.
    Bots,
    /// Members, most recently joined first as the server orders them.
    Recent,
    /// The owner and admins.
    Administrators,
}

impl ChatMembersFilter {
    fn raw(&self) -> enums::ChannelParticipantsFilter {
        use enums::ChannelParticipantsFilter as F;
        match self {
            ChatMembersFilter::All => {
                F::ChannelParticipantsSearch(types::ChannelParticipantsSearch { q: String::new() })
            }
            ChatMembersFilter::Search(q) => {
                F::ChannelParticipantsSearch(types::ChannelParticipantsSearch { q: q.clone() })
            }
            ChatMembersFilter::Banned => {
                F::ChannelParticipantsKicked(types::ChannelParticipantsKicked { q: String::new() })
            }
            ChatMembersFilter::Restricted => {
                F::ChannelParticipantsBanned(types::ChannelParticipantsBanned { q: String::new() })
            }
            ChatMembersFilter::Bots => F::ChannelParticipantsBots,
            ChatMembersFilter::Recent => F::ChannelParticipantsRecent,
            ChatMembersFilter::Administrators => F::ChannelParticipantsAdmins,
        }
    }

    /// Whether a basic group's member passes (basic groups have no bans or
    /// restrictions, and are filtered here).
    fn keeps(&self, member: &ChatMember) -> bool {
        let user = member.user();
        match self {
            ChatMembersFilter::All | ChatMembersFilter::Recent => true,
            ChatMembersFilter::Search(q) => {
                let q = q.to_lowercase();
                user.full_name().to_lowercase().contains(&q)
                    || user
                        .username()
                        .is_some_and(|u| u.to_lowercase().starts_with(&q))
            }
            ChatMembersFilter::Banned | ChatMembersFilter::Restricted => false,
            ChatMembersFilter::Bots => user.is_bot(),
            ChatMembersFilter::Administrators => matches!(
                member.status(),
                MemberStatus::Owner | MemberStatus::Administrator
            ),
        }
    }
}

/// The basic group's full chat: its members.
async fn basic_members(client: &Client, chat_id: i64) -> crate::Result<Vec<ChatMember>> {
    let enums::messages::ChatFull::ChatFull(full) = client
        .invoke(functions::messages::GetFullChat { chat_id })
        .await?;
    let carried = Carried::new(client, &full.users, &full.chats);
    let enums::ChatFull::ChatFull(chat) = &full.full_chat else {
        return Err(Error::Unexpected(
            "messages.getFullChat answered with a channel".into(),
        ));
    };
    Ok(match &chat.participants {
        enums::ChatParticipants::ChatParticipants(p) => p
            .participants
            .iter()
            .map(|p| ChatMember::from_chat(&carried, p))
            .collect(),
        enums::ChatParticipants::Forbidden(p) => p
            .self_participant
            .iter()
            .map(|p| ChatMember::from_chat(&carried, p))
            .collect(),
    })
}

/// Reads one member: [`Client::get_chat_member`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct GetChatMember {
    client: Client,
    chat: Target,
    user: Target,
}

impl GetChatMember {
    pub(crate) fn new(client: Client, chat: Target, user: Target) -> Self {
        GetChatMember { client, chat, user }
    }

    async fn send(self) -> crate::Result<ChatMember> {
        let peer = self.chat.resolve(&self.client).await?;
        let user = self.user.resolve(&self.client).await?;
        match Group::of(&peer)? {
            Group::Channel(channel) => {
                let enums::channels::ChannelParticipant::ChannelParticipant(answer) = self
                    .client
                    .invoke(functions::channels::GetParticipant {
                        channel,
                        participant: user,
                    })
                    .await?;
                let carried = Carried::new(&self.client, &answer.users, &answer.chats);
                ChatMember::from_channel(&carried, &answer.participant).ok_or_else(|| {
                    Error::Unexpected("channels.getParticipant named no user".into())
                })
            }
            Group::Basic(chat_id) => {
                let id = match input_user(user)? {
                    enums::InputUser::InputUserSelf => self.client.user_id(),
                    enums::InputUser::InputUser(u) => Some(u.user_id),
                    enums::InputUser::FromMessage(u) => Some(u.user_id),
                    enums::InputUser::Empty => None,
                };
                let members = basic_members(&self.client, chat_id).await?;
                members
                    .into_iter()
                    .find(|m| Some(m.user().id()) == id)
                    .ok_or_else(|| {
                        Error::Unsupported(format!("user {id:?} is not a member of the group"))
                    })
            }
        }
    }
}

awaitable!(GetChatMember => ChatMember);

/// Where a members listing stands.
struct MembersPager {
    client: Client,
    chat: Target,
    filter: ChatMembersFilter,
    offset: i32,
}

impl Pager for MembersPager {
    type Item = ChatMember;

    fn next_page(mut self, want: usize) -> BoxFuture<'static, crate::Result<Page<Self>>> {
        Box::pin(async move {
            let peer = self.chat.resolve(&self.client).await?;
            match Group::of(&peer)? {
                Group::Basic(chat_id) => {
                    // The full chat holds them all: one page.
                    let items = basic_members(&self.client, chat_id)
                        .await?
                        .into_iter()
                        .filter(|m| self.filter.keeps(m))
                        .collect();
                    Ok(Page {
                        pager: self,
                        items,
                        more: false,
                    })
                }
                Group::Channel(channel) => {
                    let answer = self
                        .client
                        .invoke(functions::channels::GetParticipants {
                            channel,
                            filter: self.filter.raw(),
                            offset: self.offset,
                            limit: i32::try_from(want).unwrap_or(i32::MAX),
                            hash: 0,
                        })
                        .await?;
                    let enums::channels::ChannelParticipants::ChannelParticipants(answer) = answer
                    else {
                        return Err(Error::Unexpected(
                            "channels.getParticipants answered \"not modified\" to hash 0".into(),
                        ));
                    };
                    let carried = Carried::new(&self.client, &answer.users, &answer.chats);
                    let got = answer.participants.len();
                    let items = answer
                        .participants
                        .iter()
                        .filter_map(|p| ChatMember::from_channel(&carried, p))
                        .collect();
                    self.offset = self
                        .offset
                        .saturating_add(i32::try_from(got).unwrap_or(i32::MAX));
                    let more = got > 0 && self.offset < answer.count;
                    Ok(Page {
                        pager: self,
                        items,
                        more,
                    })
                }
            }
        })
    }
}

/// The members of a group or channel, a page at a time: [`Client::get_chat_members`].
/// A `Stream` of `Result<ChatMember>`.
#[must_use = "a stream does nothing until polled"]
pub struct GetChatMembers {
    pages: Pages<MembersPager>,
}

impl GetChatMembers {
    /// Lists only the members `filter` picks (set before the first item is read).
    pub fn filter(mut self, filter: ChatMembersFilter) -> Self {
        if let Some(pager) = self.pages.pager_mut() {
            pager.filter = filter;
        }
        self
    }

    /// Yields at most `limit` members.
    pub fn limit(mut self, limit: usize) -> Self {
        self.pages.set_limit(limit);
        self
    }
}

impl Stream for GetChatMembers {
    type Item = crate::Result<ChatMember>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.pages).poll_next(cx)
    }
}

impl std::fmt::Debug for GetChatMembers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GetChatMembers").finish_non_exhaustive()
    }
}

impl Client {
    /// One member of a group or channel: their standing, rights and restrictions
    /// (supergroups and channels also answer for users banned or restricted there).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let member = app.get_chat_member("@my_group", "me").await?;
    /// println!("{:?}", member.status());
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_chat_member(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
    ) -> GetChatMember {
        GetChatMember {
            client: self.clone(),
            chat: Target::named(chat),
            user: Target::named(user),
        }
    }

    /// The members of a group or channel as a stream, a page (up to 200) asked for at
    /// a time; [`filter`](GetChatMembers::filter) picks admins, bots, banned users...
    ///
    /// ```no_run
    /// # use futures_util::TryStreamExt;
    /// # use oxigram::methods::ChatMembersFilter;
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let mut admins = app
    ///     .get_chat_members("@my_group")
    ///     .filter(ChatMembersFilter::Administrators);
    /// while let Some(admin) = admins.try_next().await? {
    ///     println!("{}", admin.user().full_name());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_chat_members(&self, chat: impl Into<PeerRef>) -> GetChatMembers {
        let pager = MembersPager {
            client: self.clone(),
            chat: Target::named(chat),
            filter: ChatMembersFilter::All,
            offset: 0,
        };
        GetChatMembers {
            pages: Pages::new(pager, PAGE_SIZE),
        }
    }
}
