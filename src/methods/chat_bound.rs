//! Methods bound to a [`Chat`] that came from a client (an update's chat, a chat just
//! created or joined): `chat.ban_member(user)`, `chat.leave()`. Each acts through
//! that client, on the chat as it came (its access hash, no lookup).

use std::future::IntoFuture;

use oxigram_runtime::BoxFuture;

use super::chat_admin::{
    PromoteChatMember, RestrictChatMember, export_link, leave, set_description, set_permissions,
    set_title, unban,
};
use super::members::GetChatMember;
use super::target::Target;
use crate::peers::PeerRef;
use crate::types::{Chat, ChatMember, ChatPermissions, ChatPrivileges};
use crate::{Client, Error};

impl Chat {
    /// The client this chat came from, or an error for one made by hand.
    fn acting(&self) -> crate::Result<(Client, Target)> {
        let client = self.client().cloned().ok_or_else(|| {
            Error::Unsupported(format!(
                "chat {} came from no client to act through",
                self.id()
            ))
        })?;
        Ok((client, Target::Known(self.clone())))
    }

    /// Runs `f` with this chat's client, or fails at once without one.
    fn with_client<T: Send + 'static>(
        &self,
        f: impl FnOnce(Client, Target) -> BoxFuture<'static, crate::Result<T>>,
    ) -> BoxFuture<'static, crate::Result<T>> {
        match self.acting() {
            Ok((client, target)) => f(client, target),
            Err(e) => Box::pin(async move { Err(e) }),
        }
    }

    /// Bans `user` from this group or channel, for good
    /// ([`Client::ban_chat_member`] sets an end date).
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// if let Some(spammer) = msg.from_user() {
    ///     msg.chat().ban_member(spammer).await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn ban_member(&self, user: impl Into<PeerRef>) -> BoxFuture<'static, crate::Result<()>> {
        let user = Target::named(user);
        self.with_client(|client, chat| {
            RestrictChatMember::new(client, chat, user, None).into_future()
        })
    }

    /// Lifts a ban or restriction ([`Client::unban_chat_member`]).
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.chat().unban_member("@forgiven").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn unban_member(&self, user: impl Into<PeerRef>) -> BoxFuture<'static, crate::Result<()>> {
        let user = Target::named(user);
        self.with_client(|client, chat| unban(client, chat, user))
    }

    /// Leaves `user` only `permissions` ([`Client::restrict_chat_member`]).
    ///
    /// ```no_run
    /// # use oxigram::types::ChatPermissions;
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// if let Some(user) = msg.from_user() {
    ///     msg.chat().restrict_member(user, ChatPermissions::none()).await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn restrict_member(
        &self,
        user: impl Into<PeerRef>,
        permissions: ChatPermissions,
    ) -> BoxFuture<'static, crate::Result<()>> {
        let user = Target::named(user);
        self.with_client(|client, chat| {
            RestrictChatMember::new(client, chat, user, Some(permissions)).into_future()
        })
    }

    /// Makes `user` an admin with `privileges` ([`Client::promote_chat_member`]).
    ///
    /// ```no_run
    /// # use oxigram::types::ChatPrivileges;
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// let pins = ChatPrivileges {
    ///     can_pin_messages: true,
    ///     ..ChatPrivileges::none()
    /// };
    /// msg.chat().promote_member("@alice", pins).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn promote_member(
        &self,
        user: impl Into<PeerRef>,
        privileges: ChatPrivileges,
    ) -> BoxFuture<'static, crate::Result<()>> {
        let user = Target::named(user);
        self.with_client(|client, chat| {
            PromoteChatMember::new(client, chat, user, privileges).into_future()
        })
    }

    /// One member of this chat ([`Client::get_chat_member`]).
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// if let Some(user) = msg.from_user() {
    ///     let member = msg.chat().get_member(user).await?;
    ///     println!("{} is {:?}", user.first_name(), member.status());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_member(
        &self,
        user: impl Into<PeerRef>,
    ) -> BoxFuture<'static, crate::Result<ChatMember>> {
        let user = Target::named(user);
        self.with_client(|client, chat| GetChatMember::new(client, chat, user).into_future())
    }

    /// Leaves this group or channel ([`Client::leave_chat`]).
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// if msg.text() == "/leave" {
    ///     msg.chat().leave().await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn leave(&self) -> BoxFuture<'static, crate::Result<()>> {
        self.with_client(leave)
    }

    /// Renames this group or channel ([`Client::set_chat_title`]).
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// if let Some(title) = msg.text().strip_prefix("/title ") {
    ///     msg.chat().set_title(title).await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_title(&self, title: impl Into<String>) -> BoxFuture<'static, crate::Result<()>> {
        let title = title.into();
        self.with_client(|client, chat| set_title(client, chat, title))
    }

    /// Sets this chat's description ([`Client::set_chat_description`]).
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.chat().set_description("Rules: be kind.").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_description(
        &self,
        description: impl Into<String>,
    ) -> BoxFuture<'static, crate::Result<()>> {
        let description = description.into();
        self.with_client(|client, chat| set_description(client, chat, description))
    }

    /// Sets what members may do ([`Client::set_chat_permissions`]).
    ///
    /// ```no_run
    /// # use oxigram::types::ChatPermissions;
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// // Everyone may talk again.
    /// msg.chat().set_permissions(ChatPermissions::all()).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_permissions(
        &self,
        permissions: ChatPermissions,
    ) -> BoxFuture<'static, crate::Result<()>> {
        self.with_client(|client, chat| set_permissions(client, chat, permissions))
    }

    /// Makes a new primary invite link, revoking the old one
    /// ([`Client::export_chat_invite_link`]).
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// let link = msg.chat().export_invite_link().await?;
    /// msg.reply(format!("New link: {link}")).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn export_invite_link(&self) -> BoxFuture<'static, crate::Result<String>> {
        self.with_client(export_link)
    }
}
