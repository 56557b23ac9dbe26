//! Chats: answering requests to join.

use std::future::IntoFuture;

use oxigram_runtime::BoxFuture;

use super::messages::awaitable;
use super::target::{Target, input_user};
use crate::Client;
use crate::peers::PeerRef;
use crate::tl::functions;

/// Approves or declines a request to join a chat:
/// [`Client::approve_chat_join_request`], [`ChatJoinRequest::approve`](crate::ChatJoinRequest::approve).
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct HideJoinRequest {
    client: Client,
    chat: Target,
    user: Target,
    approved: bool,
}

impl HideJoinRequest {
    pub(crate) fn new(client: Client, chat: Target, user: Target, approved: bool) -> Self {
        HideJoinRequest {
            client,
            chat,
            user,
            approved,
        }
    }

    async fn send(self) -> crate::Result<()> {
        let peer = self.chat.resolve(&self.client).await?;
        let user_id = input_user(self.user.resolve(&self.client).await?)?;
        self.client
            .invoke(functions::messages::HideChatJoinRequest {
                approved: self.approved,
                peer,
                user_id,
            })
            .await?;
        Ok(())
    }
}

awaitable!(HideJoinRequest => ());

impl Client {
    /// Lets `user` into `chat`, which they asked to join.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.approve_chat_join_request("@my_group", "@alice").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn approve_chat_join_request(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
    ) -> HideJoinRequest {
        HideJoinRequest::new(self.clone(), Target::named(chat), Target::named(user), true)
    }

    /// Turns down `user`'s request to join `chat`.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// app.decline_chat_join_request("@my_group", "@spammer").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn decline_chat_join_request(
        &self,
        chat: impl Into<PeerRef>,
        user: impl Into<PeerRef>,
    ) -> HideJoinRequest {
        HideJoinRequest::new(
            self.clone(),
            Target::named(chat),
            Target::named(user),
            false,
        )
    }
}
