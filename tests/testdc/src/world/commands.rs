//! Bots' command lists, one per scope and language, as `bots.setBotCommands` keeps them.

use std::collections::BTreeMap;

use super::{PeerRef, World};

/// Commands in one list (Telegram's limit).
pub const MAX_COMMANDS: usize = 100;
/// Lists (scope and language pairs) one bot may keep; more are refused with
/// `BOT_COMMANDS_TOO_MUCH`.
pub const MAX_COMMAND_LISTS: usize = 1_024;

/// Whom a list of commands is shown to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CommandScope {
    /// Everyone, where no narrower list applies.
    Default,
    /// Every private chat.
    Users,
    /// Every group and supergroup.
    Chats,
    /// The administrators of every group and supergroup.
    ChatAdmins,
    /// One chat.
    Peer(PeerRef),
    /// The administrators of one group.
    PeerAdmins(PeerRef),
    /// One member of one group.
    PeerUser(PeerRef, i64),
}

/// One command: its name (without `/`) and description.
pub type Command = (String, String);

/// Every bot's command lists.
#[derive(Debug, Default)]
pub struct BotCommands {
    lists: BTreeMap<(i64, CommandScope, String), Vec<Command>>,
}

impl World {
    /// Sets `bot`'s commands for `scope` and `language` (`""`: any language); an empty
    /// list deletes them. Errors are Telegram's names.
    pub fn set_bot_commands(
        &mut self,
        bot: i64,
        scope: CommandScope,
        language: &str,
        commands: Vec<Command>,
    ) -> Result<(), &'static str> {
        if commands.len() > MAX_COMMANDS {
            return Err("BOT_COMMANDS_TOO_MUCH");
        }
        for (name, description) in &commands {
            let well_formed = (1..=32).contains(&name.len())
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !well_formed {
                return Err("BOT_COMMAND_INVALID");
            }
            if !(1..=256).contains(&description.trim().chars().count()) {
                return Err("BOT_COMMAND_DESCRIPTION_INVALID");
            }
        }
        let key = (bot, scope, language.to_owned());
        let lists = &mut self.commands.lists;
        if commands.is_empty() {
            lists.remove(&key);
            return Ok(());
        }
        let kept = lists
            .range((bot, CommandScope::Default, String::new())..)
            .take_while(|((b, ..), _)| *b == bot)
            .count();
        if !lists.contains_key(&key) && kept >= MAX_COMMAND_LISTS {
            return Err("BOT_COMMANDS_TOO_MUCH");
        }
        lists.insert(key, commands);
        Ok(())
    }

    /// `bot`'s commands for exactly `scope` and `language` (empty if none are set).
    pub fn bot_commands(&self, bot: i64, scope: CommandScope, language: &str) -> &[Command] {
        self.commands
            .lists
            .get(&(bot, scope, language.to_owned()))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_kept_per_scope_and_language_and_checked() {
        let mut world = World::new(1);
        let bot = world.create_bot("1:a", "echo_bot", 2);
        let one = |name: &str| vec![(name.to_owned(), "does it".to_owned())];
        world
            .set_bot_commands(bot, CommandScope::Default, "", one("start"))
            .unwrap();
        world
            .set_bot_commands(bot, CommandScope::Users, "", one("help"))
            .unwrap();
        world
            .set_bot_commands(bot, CommandScope::Default, "de", one("hilfe"))
            .unwrap();
        assert_eq!(
            world.bot_commands(bot, CommandScope::Default, "")[0].0,
            "start"
        );
        assert_eq!(
            world.bot_commands(bot, CommandScope::Users, "")[0].0,
            "help"
        );
        assert_eq!(
            world.bot_commands(bot, CommandScope::Default, "de")[0].0,
            "hilfe"
        );
        assert!(world.bot_commands(bot, CommandScope::Chats, "").is_empty());
        assert_eq!(
            world.set_bot_commands(bot, CommandScope::Default, "", one("Start")),
            Err("BOT_COMMAND_INVALID")
        );
        world
            .set_bot_commands(bot, CommandScope::Users, "", vec![])
            .unwrap();
        assert!(world.bot_commands(bot, CommandScope::Users, "").is_empty());
        for i in 0..MAX_COMMAND_LISTS - 2 {
            world
                .set_bot_commands(bot, CommandScope::Default, &format!("l{i}"), one("a"))
                .unwrap();
        }
        assert_eq!(
            world.set_bot_commands(bot, CommandScope::Chats, "", one("a")),
            Err("BOT_COMMANDS_TOO_MUCH")
        );
    }
}
