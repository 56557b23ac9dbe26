//! A bot's command lists: set, read and deleted per scope and language.

use std::future::IntoFuture;

use oxigram_runtime::BoxFuture;

use super::messages::awaitable;
use super::target::Target;
use super::users::resolve_user;
use crate::Client;
use crate::tl::{enums, functions, types};
use crate::types::{BotCommand, BotCommandScope};

/// Which list a request is about: a scope and a language.
#[derive(Debug, Clone, Default)]
struct ListKey {
    scope: BotCommandScope,
    language_code: String,
}

impl ListKey {
    /// The scope as the API names it, its peers resolved.
    async fn scope(&self, client: &Client) -> crate::Result<enums::BotCommandScope> {
        use BotCommandScope as S;
        let peer = |p| async move { Target::named(p).resolve(client).await };
        Ok(match &self.scope {
            S::Default => enums::BotCommandScope::Default,
            S::AllPrivateChats => enums::BotCommandScope::Users,
            S::AllGroupChats => enums::BotCommandScope::Chats,
            S::AllChatAdministrators => enums::BotCommandScope::ChatAdmins,
            S::Chat(chat) => enums::BotCommandScope::Peer(types::BotCommandScopePeer {
                peer: peer(chat.clone()).await?,
            }),
            S::ChatAdministrators(chat) => {
                enums::BotCommandScope::PeerAdmins(types::BotCommandScopePeerAdmins {
                    peer: peer(chat.clone()).await?,
                })
            }
            S::ChatMember(chat, user) => {
                enums::BotCommandScope::PeerUser(types::BotCommandScopePeerUser {
                    peer: peer(chat.clone()).await?,
                    user_id: resolve_user(client, user.clone()).await?,
                })
            }
        })
    }
}

/// Defines the `scope` and `language_code` options of a command list builder.
macro_rules! list_options {
    ($builder:ty) => {
        impl $builder {
            /// For whom ([`BotCommandScope::Default`] unless set).
            pub fn scope(mut self, scope: BotCommandScope) -> Self {
                self.key.scope = scope;
                self
            }

            /// For users with this language (a two-letter ISO 639-1 code); any
            /// language unless set.
            pub fn language_code(mut self, code: impl Into<String>) -> Self {
                self.key.language_code = code.into();
                self
            }
        }
    };
}

/// Sets a bot's commands: [`Client::set_bot_commands`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct SetBotCommands {
    client: Client,
    commands: Vec<BotCommand>,
    key: ListKey,
}

list_options!(SetBotCommands);

impl SetBotCommands {
    async fn send(self) -> crate::Result<()> {
        let scope = self.key.scope(&self.client).await?;
        self.client
            .invoke(functions::bots::SetBotCommands {
                scope,
                lang_code: self.key.language_code,
                commands: self.commands.into_iter().map(Into::into).collect(),
            })
            .await?;
        Ok(())
    }
}

awaitable!(SetBotCommands => ());

/// Reads a bot's commands for one scope and language: [`Client::get_bot_commands`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct GetBotCommands {
    client: Client,
    key: ListKey,
}

list_options!(GetBotCommands);

impl GetBotCommands {
    async fn send(self) -> crate::Result<Vec<BotCommand>> {
        let scope = self.key.scope(&self.client).await?;
        let commands = self
            .client
            .invoke(functions::bots::GetBotCommands {
                scope,
                lang_code: self.key.language_code,
            })
            .await?;
        Ok(commands.iter().map(BotCommand::from).collect())
    }
}

awaitable!(GetBotCommands => Vec<BotCommand>);

/// Deletes a bot's commands for one scope and language:
/// [`Client::delete_bot_commands`]. Users then see the next wider list.
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct DeleteBotCommands {
    client: Client,
    key: ListKey,
}

list_options!(DeleteBotCommands);

impl DeleteBotCommands {
    async fn send(self) -> crate::Result<()> {
        let scope = self.key.scope(&self.client).await?;
        self.client
            .invoke(functions::bots::ResetBotCommands {
                scope,
                lang_code: self.key.language_code,
            })
            .await?;
        Ok(())
    }
}

awaitable!(DeleteBotCommands => ());

impl Client {
    /// Sets this bot's commands, for everyone unless a scope or language is given.
    ///
    /// ```no_run
    /// # async fn demo(bot: oxigram::Client) -> oxigram::Result<()> {
    /// use oxigram::types::{BotCommand, BotCommandScope};
    ///
    /// bot.set_bot_commands([BotCommand::new("start", "Say hello")]).await?;
    /// bot.set_bot_commands([BotCommand::new("hilfe", "Hilfe zeigen")])
    ///     .scope(BotCommandScope::AllPrivateChats)
    ///     .language_code("de")
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_bot_commands(
        &self,
        commands: impl IntoIterator<Item = BotCommand>,
    ) -> SetBotCommands {
        SetBotCommands {
            client: self.clone(),
            commands: commands.into_iter().collect(),
            key: ListKey::default(),
        }
    }

    /// This bot's commands for exactly one scope and language (the default scope in
    /// any language unless set); empty when that list is not set.
    ///
    /// ```no_run
    /// # async fn demo(bot: oxigram::Client) -> oxigram::Result<()> {
    /// for command in bot.get_bot_commands().language_code("de").await? {
    ///     println!("/{} - {}", command.command(), command.description());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_bot_commands(&self) -> GetBotCommands {
        GetBotCommands {
            client: self.clone(),
            key: ListKey::default(),
        }
    }

    /// Deletes this bot's commands for one scope and language (the default scope in
    /// any language unless set).
    ///
    /// ```no_run
    /// # async fn demo(bot: oxigram::Client) -> oxigram::Result<()> {
    /// use oxigram::types::BotCommandScope;
    ///
    /// bot.delete_bot_commands().await?;
    /// bot.delete_bot_commands()
    ///     .scope(BotCommandScope::AllPrivateChats)
    ///     .language_code("de")
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete_bot_commands(&self) -> DeleteBotCommands {
        DeleteBotCommands {
            client: self.clone(),
            key: ListKey::default(),
        }
    }
}
