//! Users: looking accounts up, changing this account's profile, blocking.

use std::future::IntoFuture;

use oxigram_runtime::BoxFuture;

use super::messages::awaitable;
use super::target::{Target, input_user};
use crate::peers::PeerRef;
use crate::tl::{enums, functions};
use crate::{Client, User};

/// Changes this account's names and bio: [`Client::update_profile`]. Returns the
/// account as it now is.
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct UpdateProfile {
    client: Client,
    first_name: Option<String>,
    last_name: Option<String>,
    bio: Option<String>,
}

impl UpdateProfile {
    /// Sets the first name (not empty, up to 64 characters).
    pub fn first_name(mut self, name: impl Into<String>) -> Self {
        self.first_name = Some(name.into());
        self
    }

    /// Sets the last name; `""` removes it.
    pub fn last_name(mut self, name: impl Into<String>) -> Self {
        self.last_name = Some(name.into());
        self
    }

    /// Sets the bio ("about"); `""` removes it.
    pub fn bio(mut self, bio: impl Into<String>) -> Self {
        self.bio = Some(bio.into());
        self
    }

    async fn send(self) -> crate::Result<User> {
        let user = self
            .client
            .invoke(functions::account::UpdateProfile {
                first_name: self.first_name,
                last_name: self.last_name,
                about: self.bio,
            })
            .await?;
        Ok(User::from_raw(&user, self.client.user_id()))
    }
}

awaitable!(UpdateProfile => User);

/// The `InputUser` of a user as a caller names it.
pub(crate) async fn resolve_user(
    client: &Client,
    user: impl Into<PeerRef>,
) -> crate::Result<enums::InputUser> {
    input_user(Target::named(user).resolve(client).await?)
}

impl Client {
    /// The users named (ids, `@usernames`, links, phone numbers of contacts, `"me"`),
    /// as the server describes them now, in the order asked; users the server does not
    /// find are left out.
    ///
    /// ```no_run
    /// # async fn demo(client: oxigram::Client) -> oxigram::Result<()> {
    /// for user in client.get_users(["me", "@durov"]).await? {
    ///     println!("{} is {}", user.id(), user.full_name());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn get_users<P: Into<PeerRef>>(
        &self,
        users: impl IntoIterator<Item = P>,
    ) -> crate::Result<Vec<User>> {
        let mut id = Vec::new();
        for user in users {
            id.push(resolve_user(self, user).await?);
        }
        if id.is_empty() {
            return Ok(Vec::new());
        }
        let found = self.invoke(functions::users::GetUsers { id }).await?;
        let self_id = self.user_id();
        Ok(found
            .iter()
            .filter(|u| !matches!(u, enums::User::Empty(_)))
            .map(|u| User::from_raw(u, self_id))
            .collect())
    }

    /// Changes this account's names or bio; only what is set changes.
    ///
    /// ```no_run
    /// # async fn demo(client: oxigram::Client) -> oxigram::Result<()> {
    /// let me = client.update_profile().first_name("Ada").bio("Counting engines").await?;
    /// assert_eq!(me.first_name(), "Ada");
    /// # Ok(())
    /// # }
    /// ```
    pub fn update_profile(&self) -> UpdateProfile {
        UpdateProfile {
            client: self.clone(),
            first_name: None,
            last_name: None,
            bio: None,
        }
    }

    /// Blocks a user: their messages to this account are refused (`USER_IS_BLOCKED`
    /// on their side) until [`unblock_user`](Client::unblock_user). Returns whether the
    /// user was not blocked before.
    ///
    /// ```no_run
    /// # async fn demo(client: oxigram::Client) -> oxigram::Result<()> {
    /// client.block_user("@spammer").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn block_user(&self, user: impl Into<PeerRef>) -> crate::Result<bool> {
        let id = Target::named(user).resolve(self).await?;
        self.invoke(functions::contacts::Block {
            my_stories_from: false,
            id,
        })
        .await
    }

    /// Unblocks a user blocked with [`block_user`](Client::block_user). Returns whether
    /// the user was blocked.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// if app.unblock_user("@spammer").await? {
    ///     println!("unblocked");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn unblock_user(&self, user: impl Into<PeerRef>) -> crate::Result<bool> {
        let id = Target::named(user).resolve(self).await?;
        self.invoke(functions::contacts::Unblock {
            my_stories_from: false,
            id,
        })
        .await
    }
}
