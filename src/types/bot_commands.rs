//! A bot's commands and whom they are shown to.

use crate::peers::PeerRef;
use crate::tl::{enums, types};

/// A command a bot lists for its users: `/start`, with what it does.
///
/// ```
/// use oxigram::types::BotCommand;
///
/// let help = BotCommand::new("help", "What this bot can do");
/// assert_eq!((help.command(), help.description()), ("help", "What this bot can do"));
/// # async fn demo(bot: oxigram::Client, help: BotCommand) -> oxigram::Result<()> {
/// bot.set_bot_commands([BotCommand::new("start", "Say hello"), help]).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BotCommand {
    command: String,
    description: String,
}

impl BotCommand {
    /// The command `command` (without `/`: 1 to 32 lowercase letters, digits and
    /// underscores) described as `description` (1 to 256 characters).
    ///
    /// ```
    /// let start = oxigram::types::BotCommand::new("start", "Say hello");
    /// assert_eq!((start.command(), start.description()), ("start", "Say hello"));
    /// ```
    pub fn new(command: impl Into<String>, description: impl Into<String>) -> Self {
        BotCommand {
            command: command.into(),
            description: description.into(),
        }
    }

    /// The command, without `/`.
    pub fn command(&self) -> &str {
        &self.command
    }

    /// What it does.
    pub fn description(&self) -> &str {
        &self.description
    }
}

impl From<&enums::BotCommand> for BotCommand {
    fn from(raw: &enums::BotCommand) -> Self {
        let enums::BotCommand::BotCommand(c) = raw;
        BotCommand::new(c.command.clone(), c.description.clone())
    }
}

impl From<BotCommand> for enums::BotCommand {
    fn from(command: BotCommand) -> Self {
        enums::BotCommand::BotCommand(types::BotCommand {
            ephemeral: false,
            command: command.command,
            description: command.description,
        })
    }
}

/// Whom a list of commands is for. Telegram shows a user the narrowest list set
/// (one member of a chat, the chat's administrators, the chat, all chats of its kind,
/// then the default) in the user's language, else in no particular language.
///
/// ```no_run
/// # use oxigram::types::{BotCommand, BotCommandScope};
/// # async fn demo(bot: oxigram::Client) -> oxigram::Result<()> {
/// // Admins of one group see /ban besides the commands everyone sees.
/// bot.set_bot_commands([BotCommand::new("ban", "Ban the user replied to")])
///     .scope(BotCommandScope::ChatAdministrators("@my_group".into()))
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BotCommandScope {
    /// Everyone, where no narrower list applies.
    #[default]
    Default,
    /// Every private chat.
    AllPrivateChats,
    /// Every group and supergroup.
    AllGroupChats,
    /// The administrators of every group and supergroup.
    AllChatAdministrators,
    /// One chat.
    Chat(PeerRef),
    /// The administrators of one group or supergroup.
    ChatAdministrators(PeerRef),
    /// One member (the second peer) of one group or supergroup (the first).
    ChatMember(PeerRef, PeerRef),
}
