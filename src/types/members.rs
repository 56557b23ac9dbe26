//! Changes to who is in a chat: members joining, leaving, promoted or banned, requests
//! to join.

use super::carried::Carried;
use super::chat::Chat;
use super::user::User;
use crate::Client;
use crate::peers::BareId;
use crate::tl::{enums, types};

/// A member's standing in a chat.
///
/// ```no_run
/// # use oxigram::MemberStatus;
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// let status = app.get_chat_member("@my_group", "@alice").await?.status();
/// if status.is_member() && status != MemberStatus::Restricted {
///     println!("alice may talk ({status:?})");
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MemberStatus {
    /// Created the chat.
    Owner,
    /// An administrator.
    Administrator,
    /// An ordinary member.
    Member,
    /// A member with some rights taken away.
    Restricted,
    /// Not in the chat.
    Left,
    /// Removed and not allowed back.
    Banned,
}

impl MemberStatus {
    /// The standing a basic group's participant has (`None`: not a member).
    pub fn of_chat_participant(participant: Option<&enums::ChatParticipant>) -> Self {
        match participant {
            None => MemberStatus::Left,
            Some(enums::ChatParticipant::Creator(_)) => MemberStatus::Owner,
            Some(enums::ChatParticipant::Admin(_)) => MemberStatus::Administrator,
            Some(enums::ChatParticipant::ChatParticipant(_)) => MemberStatus::Member,
        }
    }

    /// The standing a channel's or supergroup's participant has (`None`: not a member).
    pub fn of_channel_participant(participant: Option<&enums::ChannelParticipant>) -> Self {
        match participant {
            None | Some(enums::ChannelParticipant::Left(_)) => MemberStatus::Left,
            Some(enums::ChannelParticipant::Creator(_)) => MemberStatus::Owner,
            Some(enums::ChannelParticipant::Admin(_)) => MemberStatus::Administrator,
            Some(
                enums::ChannelParticipant::ChannelParticipant(_)
                | enums::ChannelParticipant::ChannelParticipantSelf(_),
            ) => MemberStatus::Member,
            // Banned with the right to read taken away: kicked. Otherwise restricted,
            // unless the restricted user has left since.
            Some(enums::ChannelParticipant::Banned(b)) => {
                let enums::ChatBannedRights::ChatBannedRights(rights) = &b.banned_rights;
                if rights.view_messages {
                    MemberStatus::Banned
                } else if b.left {
                    MemberStatus::Left
                } else {
                    MemberStatus::Restricted
                }
            }
        }
    }

    /// Whether this standing is membership (owner, admin, member, restricted).
    pub fn is_member(self) -> bool {
        !matches!(self, MemberStatus::Left | MemberStatus::Banned)
    }
}

/// Someone's membership of a chat changed (`updateChatParticipant`,
/// `updateChannelParticipant`; bots get these for chats they administer).
///
/// ```no_run
/// use oxigram::prelude::*;
///
/// # fn demo(app: Client) {
/// app.on_chat_member(filters::all, |update: ChatMemberUpdated| async move {
///     if !update.old_status().is_member() && update.new_status().is_member() {
///         let welcome = format!("Welcome, {}!", update.user().first_name());
///         update.client().send_message(update.chat(), welcome).await?;
///     }
///     Ok(())
/// });
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct ChatMemberUpdated {
    chat: Chat,
    from_user: User,
    user: User,
    date: i32,
    old_status: MemberStatus,
    new_status: MemberStatus,
    invite_link: Option<String>,
    client: Client,
}

impl ChatMemberUpdated {
    pub(crate) fn in_group(carried: &Carried<'_>, update: &types::UpdateChatParticipant) -> Self {
        ChatMemberUpdated {
            chat: carried.chat_of(BareId::Chat(update.chat_id)),
            from_user: carried.user(update.actor_id),
            user: carried.user(update.user_id),
            date: update.date,
            old_status: MemberStatus::of_chat_participant(update.prev_participant.as_ref()),
            new_status: MemberStatus::of_chat_participant(update.new_participant.as_ref()),
            invite_link: invite_link(update.invite.as_ref()),
            client: carried.client.clone(),
        }
    }

    pub(crate) fn in_channel(
        carried: &Carried<'_>,
        update: &types::UpdateChannelParticipant,
    ) -> Self {
        ChatMemberUpdated {
            chat: carried.chat_of(BareId::Channel(update.channel_id)),
            from_user: carried.user(update.actor_id),
            user: carried.user(update.user_id),
            date: update.date,
            old_status: MemberStatus::of_channel_participant(update.prev_participant.as_ref()),
            new_status: MemberStatus::of_channel_participant(update.new_participant.as_ref()),
            invite_link: invite_link(update.invite.as_ref()),
            client: carried.client.clone(),
        }
    }

    /// The chat.
    pub fn chat(&self) -> &Chat {
        &self.chat
    }

    /// Who made the change (the member themselves when joining or leaving).
    pub fn from_user(&self) -> &User {
        &self.from_user
    }

    /// Whose membership changed.
    pub fn user(&self) -> &User {
        &self.user
    }

    /// When (unix time).
    pub fn date(&self) -> i32 {
        self.date
    }

    /// The standing before.
    pub fn old_status(&self) -> MemberStatus {
        self.old_status
    }

    /// The standing after.
    pub fn new_status(&self) -> MemberStatus {
        self.new_status
    }

    /// The invite link used to join, if one was.
    pub fn invite_link(&self) -> Option<&str> {
        self.invite_link.as_deref()
    }

    /// The client it came from.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

/// Someone asked to join a chat that approves members (`updateBotChatInviteRequester`);
/// answer with [`ChatJoinRequest::approve`] or [`ChatJoinRequest::decline`].
///
/// ```no_run
/// use oxigram::prelude::*;
///
/// # fn demo(app: Client) {
/// app.on_chat_join_request(filters::all, |request: ChatJoinRequest| async move {
///     println!("{} asks to join {:?}", request.from_user().full_name(), request.chat().title());
///     request.approve().await?;
///     Ok(())
/// });
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct ChatJoinRequest {
    chat: Chat,
    from_user: User,
    date: i32,
    bio: String,
    invite_link: Option<String>,
    client: Client,
}

impl ChatJoinRequest {
    pub(crate) fn new(carried: &Carried<'_>, update: &types::UpdateBotChatInviteRequester) -> Self {
        ChatJoinRequest {
            chat: carried.chat(&update.peer),
            from_user: carried.user(update.user_id),
            date: update.date,
            bio: update.about.clone(),
            invite_link: invite_link(Some(&update.invite)),
            client: carried.client.clone(),
        }
    }

    /// The chat.
    pub fn chat(&self) -> &Chat {
        &self.chat
    }

    /// Who asked.
    pub fn from_user(&self) -> &User {
        &self.from_user
    }

    /// When (unix time).
    pub fn date(&self) -> i32 {
        self.date
    }

    /// The bio of the user who asked.
    pub fn bio(&self) -> &str {
        &self.bio
    }

    /// The invite link they used, if any.
    pub fn invite_link(&self) -> Option<&str> {
        self.invite_link.as_deref()
    }

    /// The client it came from.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

/// Messages were deleted (`updateDeleteMessages`, `updateDeleteChannelMessages`).
///
/// ```no_run
/// use oxigram::prelude::*;
///
/// # fn demo(app: Client) {
/// app.on_deleted_messages(filters::all, |deleted: DeletedMessages| async move {
///     let chat = deleted.chat().map(|c| c.id());
///     println!("{} messages deleted in {chat:?}", deleted.ids().len());
/// });
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct DeletedMessages {
    chat: Option<Chat>,
    ids: Vec<i32>,
    client: Client,
}

impl DeletedMessages {
    pub(crate) fn new(carried: &Carried<'_>, channel: Option<i64>, ids: &[i32]) -> Self {
        DeletedMessages {
            chat: channel.map(|id| carried.chat_of(BareId::Channel(id))),
            ids: ids.to_vec(),
            client: carried.client.clone(),
        }
    }

    /// The channel or supergroup they were in; `None` elsewhere, where the server does
    /// not say (message ids outside channels are unique within the account).
    pub fn chat(&self) -> Option<&Chat> {
        self.chat.as_ref()
    }

    /// The ids of the deleted messages.
    pub fn ids(&self) -> &[i32] {
        &self.ids
    }

    /// The client it came from.
    pub fn client(&self) -> &Client {
        &self.client
    }
}

fn invite_link(invite: Option<&enums::ExportedChatInvite>) -> Option<String> {
    match invite? {
        enums::ExportedChatInvite::ChatInviteExported(i) => Some(i.link.clone()),
        enums::ExportedChatInvite::ChatInvitePublicJoinRequests => None,
    }
}
