//! Chats: reading them whole, creating, joining and leaving them, moderating members,
//! changing their title, description and permissions, invite links, and archiving.
//!
//! Every method takes the chat any way the peer cache resolves it (`"@name"`, an id, a
//! [`Chat`] from an update). Basic groups and supergroups/channels take different API
//! calls; each method picks the right one.

use std::future::IntoFuture;

use oxigram_runtime::BoxFuture;

use super::messages::awaitable;
use super::target::{Target, input_channel, input_user};
use crate::peers::PeerRef;
use crate::tl::{enums, functions, types};
use crate::types::carried::Carried;
use crate::types::{
    Chat, ChatInfo, ChatInviteLink, ChatPermissions, ChatPreview, ChatPrivileges, InviteLinkTarget,
};
use crate::{Client, Error};

/// A group as the API addresses it.
pub(crate) enum Group {
    /// A basic group, by its bare id.
    Basic(i64),
    /// A supergroup or channel.
    Channel(enums::InputChannel),
}

impl Group {
    /// The group `peer` names, or an error for a private chat.
    pub(crate) fn of(peer: &enums::InputPeer) -> crate::Result<Group> {
        if let enums::InputPeer::Chat(c) = peer {
            return Ok(Group::Basic(c.chat_id));
        }
        input_channel(peer)
            .map(Group::Channel)
            .ok_or_else(|| Error::Unsupported(format!("{peer:?} is not a group or channel")))
    }

    /// The group's full form (`messages.getFullChat` or `channels.getFullChannel`).
    pub(crate) async fn full(self, client: &Client) -> crate::Result<types::messages::ChatFull> {
        let full = match self {
            Group::Basic(chat_id) => {
                client
                    .invoke(functions::messages::GetFullChat { chat_id })
                    .await?
            }
            Group::Channel(channel) => {
                client
                    .invoke(functions::channels::GetFullChannel { channel })
                    .await?
            }
        };
        let enums::messages::ChatFull::ChatFull(full) = full;
        Ok(full)
    }
}

/// The first chat `updates` carries, as the answer to creating or joining one names it.
fn chat_in(client: &Client, updates: &enums::Updates) -> Option<Chat> {
    let chats = match updates {
        enums::Updates::Updates(u) => &u.chats,
        enums::Updates::Combined(u) => &u.chats,
        _ => return None,
    };
    chats.first().map(|c| Chat::from_raw(c).bound(client))
}

/// The hash of an invite link (`https://t.me/+HASH`, `t.me/joinchat/HASH`,
/// `tg://join?invite=HASH`); `None` for anything else (a `+` followed by digits only is
/// a phone number link).
pub(crate) fn invite_hash(link: &str) -> Option<&str> {
    let t = link.trim();
    if let Some(rest) = t.strip_prefix("tg://join?invite=") {
        return Some(rest).filter(|h| !h.is_empty());
    }
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .unwrap_or(t);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let path = ["t.me/", "telegram.me/", "telegram.dog/"]
        .iter()
        .find_map(|host| rest.strip_prefix(host))?;
    let hash = match path.strip_prefix('+') {
        Some(hash) if hash.bytes().all(|b| b.is_ascii_digit()) => return None,
        Some(hash) => hash,
        None => path.strip_prefix("joinchat/")?,
    };
    let hash = hash.split(['/', '?']).next().unwrap_or(hash);
    Some(hash).filter(|h| !h.is_empty())
}

/// Reads a chat whole: [`Client::get_chat`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct GetChat {
    client: Client,
    chat: Target,
}

impl GetChat {
    async fn send(self) -> crate::Result<ChatInfo> {
        let peer = self.chat.resolve(&self.client).await?;
        if let Ok(id) = input_user(peer.clone()) {
            let enums::users::UserFull::UserFull(full) = self
                .client
                .invoke(functions::users::GetFullUser { id })
                .await?;
            let carried = Carried::new(&self.client, &full.users, &full.chats);
            let enums::UserFull::UserFull(user) = &full.full_user;
            return Ok(ChatInfo::of_user(&carried, user));
        }
        let full = Group::of(&peer)?.full(&self.client).await?;
        let carried = Carried::new(&self.client, &full.users, &full.chats);
        Ok(ChatInfo::new(&carried, &full.full_chat, &full.chats))
    }
}

awaitable!(GetChat => ChatInfo);

/// Creates a supergroup or a channel: [`Client::create_supergroup`],
/// [`Client::create_channel`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct CreateChannel {
    client: Client,
    title: String,
    description: String,
    broadcast: bool,
}

impl CreateChannel {
    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    async fn send(self) -> crate::Result<Chat> {
        let updates = self
            .client
            .invoke(functions::channels::CreateChannel {
                broadcast: self.broadcast,
                megagroup: !self.broadcast,
                for_import: false,
                forum: false,
                title: self.title,
                about: self.description,
                geo_point_and_address: None,
                ttl_period: None,
            })
            .await?;
        chat_in(&self.client, &updates).ok_or_else(|| {
            Error::Unexpected("the answer to channels.createChannel holds no chat".into())
        })
    }
}

awaitable!(CreateChannel => Chat);

/// Bans or restricts a member: [`Client::ban_chat_member`],
/// [`Client::restrict_chat_member`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct RestrictChatMember {
    client: Client,
    chat: Target,
    user: Target,
    /// `None`: banned outright.
    permissions: Option<ChatPermissions>,
    until: i32,
}

impl RestrictChatMember {
    /// Bans `user` (`permissions: None`) or leaves them only `permissions`.
    pub(crate) fn new(
        client: Client,
        chat: Target,
        user: Target,
        permissions: Option<ChatPermissions>,
    ) -> Self {
        RestrictChatMember {
            client,
            chat,
            user,
            permissions,
            until: 0,
        }
    }

    /// Lifts the ban or restriction at this unix time (by default it lasts forever;
    /// Telegram reads less than 30 seconds or more than 366 days from now as forever).
    pub fn until(mut self, date: i32) -> Self {
        self.until = date;
        self
    }

    async fn send(self) -> crate::Result<()> {
        let peer = self.chat.resolve(&self.client).await?;
        let user = self.user.resolve(&self.client).await?;
        match (Group::of(&peer)?, self.permissions) {
            (Group::Basic(chat_id), None) => {
                self.client
                    .invoke(functions::messages::DeleteChatUser {
                        revoke_history: false,
                        chat_id,
                        user_id: input_user(user)?,
                    })
                    .await?;
            }
            (Group::Basic(_), Some(_)) => {
                return Err(Error::Unsupported(
                    "basic groups restrict nobody: make it a supergroup first".into(),
                ));
            }
            (Group::Channel(channel), permissions) => {
                let rights = match permissions {
                    Some(p) => p.to_banned(self.until),
                    None => types::ChatBannedRights {
                        view_messages: true,
                        ..ChatPermissions::none().to_banned(self.until)
                    },
                };
                self.client
                    .invoke(functions::channels::EditBanned {
                        channel,
                        participant: user,
                        banned_rights: enums::ChatBannedRights::ChatBannedRights(rights),
                    })
                    .await?;
            }
        }
        Ok(())
    }
}

awaitable!(RestrictChatMember => ());

/// Makes a member an admin, changes their rights, or demotes them:
/// [`Client::promote_chat_member`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct PromoteChatMember {
    client: Client,
    chat: Target,
    user: Target,
    privileges: ChatPrivileges,
    title: Option<String>,
}

impl PromoteChatMember {
    pub(crate) fn new(
        client: Client,
        chat: Target,
        user: Target,
        privileges: ChatPrivileges,
    ) -> Self {
        PromoteChatMember {
            client,
            chat,
            user,
            privileges,
            title: None,
        }
    }

    /// Gives the admin a title shown beside their name (supergroups).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    async fn send(self) -> crate::Result<()> {
        let peer = self.chat.resolve(&self.client).await?;
        let user_id = input_user(self.user.resolve(&self.client).await?)?;
        match Group::of(&peer)? {
            Group::Basic(chat_id) => {
                self.client
                    .invoke(functions::messages::EditChatAdmin {
                        chat_id,
                        user_id,
                        is_admin: !self.privileges.is_none(),
                    })
                    .await?;
            }
            Group::Channel(channel) => {
                self.client
                    .invoke(functions::channels::EditAdmin {
                        channel,
                        user_id,
                        admin_rights: enums::ChatAdminRights::ChatAdminRights(
                            self.privileges.to_admin(),
                        ),
                        rank: self.title,
                    })
                    .await?;
            }
        }
        Ok(())
    }
}

awaitable!(PromoteChatMember => ());

/// Makes an invite link: [`Client::create_chat_invite_link`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct CreateChatInviteLink {
    client: Client,
    chat: Target,
    name: Option<String>,
    expire_date: Option<i32>,
    member_limit: Option<i32>,
    creates_join_request: bool,
}

impl CreateChatInviteLink {
    /// Names the link (admins see the name).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Stops the link working at this unix time.
    pub fn expire_date(mut self, date: i32) -> Self {
        self.expire_date = Some(date);
        self
    }

    /// Lets at most `limit` users (1 to 99 999) join through the link.
    pub fn member_limit(mut self, limit: i32) -> Self {
        self.member_limit = Some(limit);
        self
    }

    /// Makes joining through the link ask an admin first (no member limit then).
    pub fn creates_join_request(mut self) -> Self {
        self.creates_join_request = true;
        self
    }

    async fn send(self) -> crate::Result<ChatInviteLink> {
        if self.creates_join_request && self.member_limit.is_some() {
            return Err(Error::Unsupported(
                "a link that asks an admin has no member limit".into(),
            ));
        }
        let peer = self.chat.resolve(&self.client).await?;
        let invite = self
            .client
            .invoke(functions::messages::ExportChatInvite {
                legacy_revoke_permanent: false,
                request_needed: self.creates_join_request,
                peer,
                expire_date: self.expire_date,
                usage_limit: self.member_limit,
                title: self.name,
                subscription_pricing: None,
            })
            .await?;
        ChatInviteLink::from_raw(&invite).ok_or_else(|| {
            Error::Unexpected("messages.exportChatInvite answered with no link".into())
        })
    }
}

awaitable!(CreateChatInviteLink => ChatInviteLink);

impl Client {
    /// Reads a chat whole: a group's, supergroup's or channel's description, member
    /// count, primary invite link (for admins) and default permissions; a user's bio.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let info = app.get_chat("@rustlang").await?;
    /// println!("{:?}: {} members", info.title(), info.members_count().unwrap_or(0));
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_chat(&self, chat: impl Into<PeerRef>) -> GetChat {
        GetChat {
            client: self.clone(),
            chat: Target::named(chat),
        }
    }

    /// What an invite link leads to: the chat, if this account is in it, or else a
    /// [`ChatPreview`] (title, kind, member count) without joining.
    ///
    /// ```no_run
    /// # use oxigram::types::InviteLinkTarget;
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// match app.check_chat_invite_link("https://t.me/+AbCdEf123").await? {
    ///     InviteLinkTarget::Member(chat) => println!("already in {:?}", chat.title()),
    ///     InviteLinkTarget::Preview(preview) => {
    ///         println!("{}: {} members", preview.title(), preview.members_count());
    ///     }
    ///     _ => {}
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn check_chat_invite_link(
        &self,
        link: impl Into<String>,
    ) -> BoxFuture<'static, crate::Result<InviteLinkTarget>> {
        let client = self.clone();
        let link = link.into();
        Box::pin(async move {
            let hash = invite_hash(&link)
                .ok_or_else(|| Error::Unsupported(format!("{link:?} is not an invite link")))?;
            let invite = client
                .invoke(functions::messages::CheckChatInvite { hash: hash.into() })
                .await?;
            match invite {
                enums::ChatInvite::Already(a) => Ok(InviteLinkTarget::Member(
                    Chat::from_raw(&a.chat).bound(&client),
                )),
                enums::ChatInvite::ChatInvite(i) => {
                    Ok(InviteLinkTarget::Preview(ChatPreview::from_raw(&i)))
                }
                enums::ChatInvite::Peek(p) => Ok(InviteLinkTarget::Member(
                    Chat::from_raw(&p.chat).bound(&client),
                )),
            }
        })
    }

    /// Joins a chat by invite link (`https://t.me/+…`) or by the username of a public
    /// supergroup or channel. A link that needs an admin's approval fails with the
    /// RPC error `INVITE_REQUEST_SENT`.
    ///
    /// ```no_run
    /// # use oxigram::Error;
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// match app.join_chat("https://t.me/+AbCdEf123").await {
    ///     Err(Error::Rpc(e)) if e.is("INVITE_REQUEST_SENT") => println!("asked to join"),
    ///     other => println!("joined {:?}", other?.title()),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn join_chat(&self, chat: impl Into<String>) -> BoxFuture<'static, crate::Result<Chat>> {
        let client = self.clone();
        let chat = chat.into();
        Box::pin(async move {
            let (result, channel) = match invite_hash(&chat) {
                Some(hash) => {
                    let hash = hash.to_owned();
                    let result = client
                        .invoke(functions::messages::ImportChatInvite { hash })
                        .await?;
                    (result, None)
                }
                None => {
                    let peer = client.resolve_peer(chat.as_str()).await?;
                    let channel = input_channel(&peer).ok_or_else(|| {
                        Error::Unsupported(format!(
                            "{chat:?} is not a supergroup or channel to join"
                        ))
                    })?;
                    let result = client
                        .invoke(functions::channels::JoinChannel { channel })
                        .await?;
                    (result, Some(peer))
                }
            };
            let updates = match result {
                enums::messages::ChatInviteJoinResult::Ok(ok) => ok.updates,
                enums::messages::ChatInviteJoinResult::WebView(_) => {
                    return Err(Error::Unsupported(
                        "the chat asks to be joined through a web app".into(),
                    ));
                }
            };
            client.remember(&updates);
            let joined = channel
                .and_then(|peer| super::target::peer_of(&peer, None))
                .map(|peer| crate::peers::BareId::from(&peer));
            let chats = match &updates {
                enums::Updates::Updates(u) => &u.chats[..],
                enums::Updates::Combined(u) => &u.chats[..],
                _ => &[],
            };
            let found = match joined {
                Some(bare) => chats.iter().find(|c| crate::types::is_peer(c, bare)),
                None => chats.first(),
            };
            found
                .map(|c| Chat::from_raw(c).bound(&client))
                .ok_or_else(|| Error::Unexpected("the answer to joining holds no chat".into()))
        })
    }

    /// Leaves a group, supergroup or channel.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.leave_chat("@some_group").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn leave_chat(&self, chat: impl Into<PeerRef>) -> BoxFuture<'static, crate::Result<()>> {
        leave(self.clone(), Target::named(chat))
    }

    /// Creates a basic group with `users` (at least one besides this account, as
    /// Telegram asks).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let group = app.create_group("Team", ["@alice", "@bob"]).await?;
    /// app.send_message(&group, "welcome").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create_group<U: Into<PeerRef>>(
        &self,
        title: impl Into<String>,
        users: impl IntoIterator<Item = U>,
    ) -> BoxFuture<'static, crate::Result<Chat>> {
        let client = self.clone();
        let title = title.into();
        let users: Vec<PeerRef> = users.into_iter().map(Into::into).collect();
        Box::pin(async move {
            let mut inputs = Vec::with_capacity(users.len());
            for user in users {
                inputs.push(input_user(client.resolve_peer(user).await?)?);
            }
            let invited = client
                .invoke(functions::messages::CreateChat {
                    users: inputs,
                    title,
                    ttl_period: None,
                })
                .await?;
            let enums::messages::InvitedUsers::InvitedUsers(invited) = invited;
            client.remember(&invited.updates);
            chat_in(&client, &invited.updates).ok_or_else(|| {
                Error::Unexpected("the answer to messages.createChat holds no chat".into())
            })
        })
    }

    /// Creates a supergroup (a group with admins' rights, bans and no member limit to
    /// speak of).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let group = app.create_supergroup("Rustaceans").description("All things Rust").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create_supergroup(&self, title: impl Into<String>) -> CreateChannel {
        CreateChannel {
            client: self.clone(),
            title: title.into(),
            description: String::new(),
            broadcast: false,
        }
    }

    /// Creates a broadcast channel (only admins post).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let channel = app.create_channel("Release notes").description("One post per release").await?;
    /// app.send_message(&channel, "v0.1 is out").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn create_channel(&self, title: impl Into<String>) -> CreateChannel {
        CreateChannel {
            broadcast: true,
            ..self.create_supergroup(title)
        }
    }

    /// Removes `user` from `chat` and keeps them out (supergroups and channels: until
    /// unbanned, or [`until`](RestrictChatMember::until) a date; basic groups only
    /// remove).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client, now: i32) -> oxigram::Result<()> {
    /// app.ban_chat_member("@my_group", "@spammer").until(now + 86_400).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn ban_chat_member(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
    ) -> RestrictChatMember {
        RestrictChatMember::new(self.clone(), Target::named(chat), Target::named(user), None)
    }

    /// Lifts a ban or restriction in a supergroup or channel (the user may join again;
    /// they are not added back). Basic groups keep no bans: nothing to do there.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.unban_chat_member("@my_group", "@forgiven").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn unban_chat_member(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
    ) -> BoxFuture<'static, crate::Result<()>> {
        unban(self.clone(), Target::named(chat), Target::named(user))
    }

    /// Leaves `user` only `permissions` in a supergroup ([`ChatPermissions::all`]
    /// lifts the restriction).
    ///
    /// ```no_run
    /// # use oxigram::types::ChatPermissions;
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.restrict_chat_member("@my_group", "@loud", ChatPermissions::none()).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn restrict_chat_member(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        permissions: ChatPermissions,
    ) -> RestrictChatMember {
        RestrictChatMember::new(
            self.clone(),
            Target::named(chat),
            Target::named(user),
            Some(permissions),
        )
    }

    /// Makes `user` an admin with `privileges` ([`ChatPrivileges::none`] demotes; in a
    /// basic group any privilege makes a full admin).
    ///
    /// ```no_run
    /// # use oxigram::types::ChatPrivileges;
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let mods = ChatPrivileges { can_delete_messages: true, ..ChatPrivileges::none() };
    /// app.promote_chat_member("@my_group", "@alice", mods).title("moderator").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn promote_chat_member(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
        privileges: ChatPrivileges,
    ) -> PromoteChatMember {
        PromoteChatMember::new(
            self.clone(),
            Target::named(chat),
            Target::named(user),
            privileges,
        )
    }

    /// Sets what members of a group may do (admins are not bound by it).
    ///
    /// ```no_run
    /// # use oxigram::types::ChatPermissions;
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// // Text only: no media, polls, stickers or previews.
    /// let text_only = ChatPermissions {
    ///     can_send_messages: true,
    ///     ..ChatPermissions::none()
    /// };
    /// app.set_chat_permissions("@my_group", text_only).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_chat_permissions(
        &self,
        chat: impl Into<PeerRef>,
        permissions: ChatPermissions,
    ) -> BoxFuture<'static, crate::Result<()>> {
        set_permissions(self.clone(), Target::named(chat), permissions)
    }

    /// Renames a group or channel (members see a service message).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.set_chat_title("@my_group", "Rust users (EU)").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_chat_title(
        &self,
        chat: impl Into<PeerRef>,
        title: impl Into<String>,
    ) -> BoxFuture<'static, crate::Result<()>> {
        set_title(self.clone(), Target::named(chat), title.into())
    }

    /// Sets a group's or channel's description (`""` removes it).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.set_chat_description("@my_group", "Be kind. English only.").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_chat_description(
        &self,
        chat: impl Into<PeerRef>,
        description: impl Into<String>,
    ) -> BoxFuture<'static, crate::Result<()>> {
        set_description(self.clone(), Target::named(chat), description.into())
    }

    /// Makes a new primary invite link, revoking the one before, and returns it.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let link = app.export_chat_invite_link("@my_group").await?;
    /// println!("the old link is revoked; join with {link}");
    /// # Ok(())
    /// # }
    /// ```
    pub fn export_chat_invite_link(
        &self,
        chat: impl Into<PeerRef>,
    ) -> BoxFuture<'static, crate::Result<String>> {
        export_link(self.clone(), Target::named(chat))
    }

    /// Makes an extra invite link, with a name, an expiry, a member limit or an
    /// admin's approval as asked.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client, tomorrow: i32) -> oxigram::Result<()> {
    /// let link = app
    ///     .create_chat_invite_link("@my_group")
    ///     .name("friends")
    ///     .member_limit(10)
    ///     .expire_date(tomorrow)
    ///     .await?;
    /// println!("{}", link.link());
    /// # Ok(())
    /// # }
    /// ```
    pub fn create_chat_invite_link(&self, chat: impl Into<PeerRef>) -> CreateChatInviteLink {
        CreateChatInviteLink {
            client: self.clone(),
            chat: Target::named(chat),
            name: None,
            expire_date: None,
            member_limit: None,
            creates_join_request: false,
        }
    }

    /// Moves chats to the archive (folder 1).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.archive_chats(["@noisy_channel", "@old_group"]).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn archive_chats<C: Into<PeerRef>>(
        &self,
        chats: impl IntoIterator<Item = C>,
    ) -> BoxFuture<'static, crate::Result<()>> {
        file_chats(self.clone(), chats.into_iter().map(Into::into).collect(), 1)
    }

    /// Moves chats out of the archive, back to the main list.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.unarchive_chats(["@old_group"]).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn unarchive_chats<C: Into<PeerRef>>(
        &self,
        chats: impl IntoIterator<Item = C>,
    ) -> BoxFuture<'static, crate::Result<()>> {
        file_chats(self.clone(), chats.into_iter().map(Into::into).collect(), 0)
    }
}

pub(crate) fn leave(client: Client, chat: Target) -> BoxFuture<'static, crate::Result<()>> {
    Box::pin(async move {
        let peer = chat.resolve(&client).await?;
        match Group::of(&peer)? {
            Group::Basic(chat_id) => {
                client
                    .invoke(functions::messages::DeleteChatUser {
                        revoke_history: false,
                        chat_id,
                        user_id: enums::InputUser::InputUserSelf,
                    })
                    .await?;
            }
            Group::Channel(channel) => {
                client
                    .invoke(functions::channels::LeaveChannel { channel })
                    .await?;
            }
        }
        Ok(())
    })
}

pub(crate) fn unban(
    client: Client,
    chat: Target,
    user: Target,
) -> BoxFuture<'static, crate::Result<()>> {
    Box::pin(async move {
        let peer = chat.resolve(&client).await?;
        let Group::Channel(channel) = Group::of(&peer)? else {
            return Ok(());
        };
        let participant = user.resolve(&client).await?;
        client
            .invoke(functions::channels::EditBanned {
                channel,
                participant,
                banned_rights: enums::ChatBannedRights::ChatBannedRights(
                    ChatPermissions::all().to_banned(0),
                ),
            })
            .await?;
        Ok(())
    })
}

pub(crate) fn set_permissions(
    client: Client,
    chat: Target,
    permissions: ChatPermissions,
) -> BoxFuture<'static, crate::Result<()>> {
    Box::pin(async move {
        let peer = chat.resolve(&client).await?;
        Group::of(&peer)?;
        client
            .invoke(functions::messages::EditChatDefaultBannedRights {
                peer,
                banned_rights: enums::ChatBannedRights::ChatBannedRights(permissions.to_banned(0)),
            })
            .await?;
        Ok(())
    })
}

pub(crate) fn set_title(
    client: Client,
    chat: Target,
    title: String,
) -> BoxFuture<'static, crate::Result<()>> {
    Box::pin(async move {
        let peer = chat.resolve(&client).await?;
        match Group::of(&peer)? {
            Group::Basic(chat_id) => {
                client
                    .invoke(functions::messages::EditChatTitle { chat_id, title })
                    .await?;
            }
            Group::Channel(channel) => {
                client
                    .invoke(functions::channels::EditTitle { channel, title })
                    .await?;
            }
        }
        Ok(())
    })
}

pub(crate) fn set_description(
    client: Client,
    chat: Target,
    about: String,
) -> BoxFuture<'static, crate::Result<()>> {
    Box::pin(async move {
        let peer = chat.resolve(&client).await?;
        client
            .invoke(functions::messages::EditChatAbout { peer, about })
            .await?;
        Ok(())
    })
}

pub(crate) fn export_link(
    client: Client,
    chat: Target,
) -> BoxFuture<'static, crate::Result<String>> {
    Box::pin(async move {
        let peer = chat.resolve(&client).await?;
        let invite = client
            .invoke(functions::messages::ExportChatInvite {
                legacy_revoke_permanent: true,
                request_needed: false,
                peer,
                expire_date: None,
                usage_limit: None,
                title: None,
                subscription_pricing: None,
            })
            .await?;
        ChatInviteLink::from_raw(&invite)
            .map(|l| l.link().to_owned())
            .ok_or_else(|| {
                Error::Unexpected("messages.exportChatInvite answered with no link".into())
            })
    })
}

fn file_chats(
    client: Client,
    chats: Vec<PeerRef>,
    folder_id: i32,
) -> BoxFuture<'static, crate::Result<()>> {
    Box::pin(async move {
        let mut folder_peers = Vec::with_capacity(chats.len());
        for chat in chats {
            let peer = client.resolve_peer(chat).await?;
            folder_peers.push(enums::InputFolderPeer::InputFolderPeer(
                types::InputFolderPeer { peer, folder_id },
            ));
        }
        client
            .invoke(functions::folders::EditPeerFolders { folder_peers })
            .await?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_links_are_told_from_usernames_and_phone_links() {
        assert_eq!(invite_hash("https://t.me/+AbC_d-1"), Some("AbC_d-1"));
        assert_eq!(invite_hash("t.me/joinchat/XyZ"), Some("XyZ"));
        assert_eq!(invite_hash("tg://join?invite=Q1"), Some("Q1"));
        assert_eq!(invite_hash("https://t.me/+15550109"), None);
        assert_eq!(invite_hash("@rustlang"), None);
        assert_eq!(invite_hash("https://t.me/rustlang"), None);
        assert_eq!(invite_hash("https://t.me/+"), None);
    }
}
