//! A chat read whole ([`ChatInfo`]: description, members, invite link, permissions),
//! a chat seen through an invite link before joining ([`ChatPreview`]), and invite
//! links themselves ([`ChatInviteLink`]).

use super::carried::Carried;
use super::chat::{Chat, ChatKind, is_peer};
use super::chat_member::ChatMember;
use super::permissions::ChatPermissions;
use crate::files::{FileLocation, FileOrigin, chat_photo_of};
use crate::peers::BareId;
use crate::tl::{enums, types};

/// A chat with what only its full form tells: a group's or channel's description,
/// member count, primary invite link, default permissions and the rest, a user's bio
/// ([`Client::get_chat`](crate::Client::get_chat)).
///
/// ```no_run
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// let info = app.get_chat("@rustlang").await?;
/// println!("{:?} ({:?}): {}", info.title(), info.kind(), info.description());
/// if let Some(link) = info.invite_link() {
///     println!("join with {}", link.link());
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct ChatInfo {
    chat: Chat,
    description: String,
    members_count: Option<i32>,
    admins_count: Option<i32>,
    invite_link: Option<ChatInviteLink>,
    permissions: Option<ChatPermissions>,
    linked_chat_id: Option<i64>,
    pinned_message_id: Option<i32>,
    slow_mode_delay: Option<i32>,
    archived: bool,
    members: Vec<ChatMember>,
    photo: Option<FileLocation>,
}

impl ChatInfo {
    pub(crate) fn new(
        carried: &Carried<'_>,
        full: &enums::ChatFull,
        chats: &[enums::Chat],
    ) -> Self {
        let (bare, about, folder, invite) = match full {
            enums::ChatFull::ChatFull(f) => (
                BareId::Chat(f.id),
                &f.about,
                f.folder_id,
                f.exported_invite.as_ref(),
            ),
            enums::ChatFull::ChannelFull(f) => (
                BareId::Channel(f.id),
                &f.about,
                f.folder_id,
                f.exported_invite.as_ref(),
            ),
            enums::ChatFull::CommunityFull(f) => (BareId::Channel(f.id), &f.about, None, None),
        };
        let raw = chats.iter().find(|c| is_peer(c, bare));
        let chat = carried.chat_of(bare);
        // Kept with the chat as its origin: a stale reference is refreshed by reading
        // the chat whole again.
        let photo = chat_photo_of(full)
            .and_then(FileLocation::of_photo)
            .map(|photo| match chat.input_peer() {
                Some(peer) => photo.with_origin(FileOrigin::ChatPhoto { peer }),
                None => photo,
            });
        let default_banned = raw.and_then(|c| match c {
            enums::Chat::Chat(c) => c.default_banned_rights.as_ref(),
            enums::Chat::Channel(c) => c.default_banned_rights.as_ref(),
            _ => None,
        });
        let mut info = ChatInfo {
            chat,
            description: about.clone(),
            members_count: None,
            admins_count: None,
            invite_link: invite.and_then(ChatInviteLink::from_raw),
            // No default restrictions: everything is allowed.
            permissions: Some(default_banned.map_or_else(ChatPermissions::all, |b| {
                let enums::ChatBannedRights::ChatBannedRights(b) = b;
                ChatPermissions::from_banned(b)
            })),
            linked_chat_id: None,
            pinned_message_id: None,
            slow_mode_delay: None,
            archived: folder == Some(1),
            members: Vec::new(),
            photo,
        };
        match full {
            enums::ChatFull::ChatFull(f) => {
                info.pinned_message_id = f.pinned_msg_id;
                if let enums::ChatParticipants::ChatParticipants(p) = &f.participants {
                    info.members_count = Some(p.participants.len() as i32);
                    info.members = p
                        .participants
                        .iter()
                        .map(|p| ChatMember::from_chat(carried, p))
                        .collect();
                    info.admins_count = Some(
                        info.members
                            .iter()
                            .filter(|m| m.privileges().is_some())
                            .count() as i32,
                    );
                }
            }
            enums::ChatFull::ChannelFull(f) => {
                info.members_count = f.participants_count;
                info.admins_count = f.admins_count;
                info.linked_chat_id = f.linked_chat_id.map(|id| BareId::Channel(id).to_bot_api());
                info.pinned_message_id = f.pinned_msg_id;
                info.slow_mode_delay = f.slowmode_seconds;
            }
            enums::ChatFull::CommunityFull(_) => info.permissions = None,
        }
        info
    }

    /// A private chat read whole: the user's bio as the description.
    pub(crate) fn of_user(carried: &Carried<'_>, full: &types::UserFull) -> Self {
        ChatInfo {
            chat: carried.chat_of(BareId::User(full.id)),
            description: full.about.clone().unwrap_or_default(),
            members_count: None,
            admins_count: None,
            invite_link: None,
            permissions: None,
            linked_chat_id: None,
            pinned_message_id: full.pinned_msg_id,
            slow_mode_delay: None,
            archived: full.folder_id == Some(1),
            members: Vec::new(),
            photo: None,
        }
    }

    /// The chat itself (id, kind, title, username).
    pub fn chat(&self) -> &Chat {
        &self.chat
    }

    /// The chat's id (Bot-API style).
    pub fn id(&self) -> i64 {
        self.chat.id()
    }

    /// The title.
    pub fn title(&self) -> Option<&str> {
        self.chat.title()
    }

    /// What kind of chat this is.
    pub fn kind(&self) -> ChatKind {
        self.chat.kind()
    }

    /// The description (empty if none); a user's bio for a private chat.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// How many members it has.
    pub fn members_count(&self) -> Option<i32> {
        self.members_count
    }

    /// How many admins it has (owner included), when the server says.
    pub fn admins_count(&self) -> Option<i32> {
        self.admins_count
    }

    /// The primary invite link, shown to admins.
    pub fn invite_link(&self) -> Option<&ChatInviteLink> {
        self.invite_link.as_ref()
    }

    /// What members may do by default.
    pub fn permissions(&self) -> Option<&ChatPermissions> {
        self.permissions.as_ref()
    }

    /// A channel's discussion group, or a discussion group's channel.
    pub fn linked_chat_id(&self) -> Option<i64> {
        self.linked_chat_id
    }

    /// The pinned message, if any.
    pub fn pinned_message_id(&self) -> Option<i32> {
        self.pinned_message_id
    }

    /// Seconds members wait between messages, if slow mode is on.
    pub fn slow_mode_delay(&self) -> Option<i32> {
        self.slow_mode_delay
    }

    /// Whether this account archived the chat.
    pub fn is_archived(&self) -> bool {
        self.archived
    }

    /// A basic group's members (empty for channels and supergroups: ask
    /// [`Client::get_chat_members`](crate::Client::get_chat_members)).
    pub fn members(&self) -> &[ChatMember] {
        &self.members
    }

    /// A group's or channel's photo, full size, ready to download (`None` for a
    /// private chat, or a chat without one). Its origin is the chat: a stale file
    /// reference is refreshed by reading the chat whole again.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let info = app.get_chat("@rustlang").await?;
    /// if let Some(photo) = info.photo() {
    ///     let bytes = app.download_media(photo).await?;
    ///     println!("{} bytes", bytes.len());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn photo(&self) -> Option<&FileLocation> {
        self.photo.as_ref()
    }
}

/// A chat seen through an invite link by someone not in it
/// ([`Client::check_chat_invite_link`](crate::Client::check_chat_invite_link)).
///
/// ```no_run
/// # use oxigram::types::InviteLinkTarget;
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// if let InviteLinkTarget::Preview(preview) =
///     app.check_chat_invite_link("https://t.me/+AbCdEf123").await?
/// {
///     println!("{} ({:?}), {} members", preview.title(), preview.kind(), preview.members_count());
///     if preview.request_needed() {
///         println!("an admin approves new members");
///     }
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatPreview {
    title: String,
    kind: ChatKind,
    description: Option<String>,
    members_count: i32,
    public: bool,
    request_needed: bool,
}

impl ChatPreview {
    pub(crate) fn from_raw(invite: &types::ChatInvite) -> Self {
        ChatPreview {
            title: invite.title.clone(),
            kind: match (invite.channel, invite.broadcast) {
                (true, true) => ChatKind::Channel,
                (true, false) => ChatKind::Supergroup,
                _ => ChatKind::Group,
            },
            description: invite.about.clone(),
            members_count: invite.participants_count,
            public: invite.public,
            request_needed: invite.request_needed,
        }
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// A group, supergroup or channel.
    pub fn kind(&self) -> ChatKind {
        self.kind
    }

    /// The description, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// How many members it has.
    pub fn members_count(&self) -> i32 {
        self.members_count
    }

    /// Whether it has a public username.
    pub fn is_public(&self) -> bool {
        self.public
    }

    /// Whether joining through the link asks an admin first.
    pub fn request_needed(&self) -> bool {
        self.request_needed
    }
}

/// What an invite link leads to: a chat this account is already in, or a preview of
/// one it is not.
///
/// ```no_run
/// # use oxigram::types::InviteLinkTarget;
/// # async fn demo(app: oxigram::Client, link: &str) -> oxigram::Result<()> {
/// let chat = match app.check_chat_invite_link(link).await? {
///     InviteLinkTarget::Member(chat) => chat,
///     InviteLinkTarget::Preview(_) => app.join_chat(link).await?,
///     _ => return Ok(()),
/// };
/// app.send_message(&chat, "hello").await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum InviteLinkTarget {
    /// Already a member: the chat.
    Member(Chat),
    /// Not a member: what the link shows before joining.
    Preview(ChatPreview),
}

/// An invite link to a group or channel.
///
/// ```no_run
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// let link = app.create_chat_invite_link("@my_group").creates_join_request().await?;
/// println!(
///     "{} by {}: {} joined, {} waiting",
///     link.link(),
///     link.creator_id(),
///     link.member_count(),
///     link.pending_join_request_count(),
/// );
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatInviteLink {
    link: String,
    creator_id: i64,
    date: i32,
    name: Option<String>,
    expire_date: Option<i32>,
    member_limit: Option<i32>,
    member_count: i32,
    pending_join_request_count: i32,
    primary: bool,
    revoked: bool,
    creates_join_request: bool,
}

impl ChatInviteLink {
    /// The link of an exported invite; `None` for the public-join-requests marker.
    pub(crate) fn from_raw(invite: &enums::ExportedChatInvite) -> Option<Self> {
        let enums::ExportedChatInvite::ChatInviteExported(i) = invite else {
            return None;
        };
        Some(ChatInviteLink {
            link: i.link.clone(),
            creator_id: i.admin_id,
            date: i.date,
            name: i.title.clone(),
            expire_date: i.expire_date,
            member_limit: i.usage_limit,
            member_count: i.usage.unwrap_or(0),
            pending_join_request_count: i.requested.unwrap_or(0),
            primary: i.permanent,
            revoked: i.revoked,
            creates_join_request: i.request_needed,
        })
    }

    /// The link (`https://t.me/+…`).
    pub fn link(&self) -> &str {
        &self.link
    }

    /// The admin who made it.
    pub fn creator_id(&self) -> i64 {
        self.creator_id
    }

    /// When it was made.
    pub fn date(&self) -> i32 {
        self.date
    }

    /// Its name, as admins see it.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// When it stops working, if ever.
    pub fn expire_date(&self) -> Option<i32> {
        self.expire_date
    }

    /// How many may join through it, if limited.
    pub fn member_limit(&self) -> Option<i32> {
        self.member_limit
    }

    /// How many joined through it.
    pub fn member_count(&self) -> i32 {
        self.member_count
    }

    /// How many asked to join through it and wait for an admin.
    pub fn pending_join_request_count(&self) -> i32 {
        self.pending_join_request_count
    }

    /// Whether it is the chat's primary link.
    pub fn is_primary(&self) -> bool {
        self.primary
    }

    /// Whether it was revoked.
    pub fn is_revoked(&self) -> bool {
        self.revoked
    }

    /// Whether joining through it asks an admin first.
    pub fn creates_join_request(&self) -> bool {
        self.creates_join_request
    }
}
