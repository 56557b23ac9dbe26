//! `bots.*`: a bot's command lists per scope and language (`setBotCommands`,
//! `getBotCommands`, `resetBotCommands`), shown to users in the bot's `userFull`.

use oxigram_tl::{Deserialize, Identifiable, enums, functions, types};

use super::{ApiState, Reply, Request, decode, error, me, ok};
use crate::world::{CommandScope, PeerRef};

impl ApiState {
    /// Answers a `bots.*` method.
    pub(super) fn bot_commands(&mut self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        if !self.world.account(me).is_some_and(|a| a.is_bot()) {
            return error(400, "USER_BOT_REQUIRED");
        }
        match req.id {
            functions::bots::SetBotCommands::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::bots::SetBotCommands);
                let scope = match self.command_scope(me, &r.scope) {
                    Ok(scope) => scope,
                    Err(e) => return error(400, e),
                };
                let commands = r
                    .commands
                    .into_iter()
                    .map(|enums::BotCommand::BotCommand(c)| (c.command, c.description))
                    .collect();
                match self
                    .world
                    .set_bot_commands(me, scope, &r.lang_code, commands)
                {
                    Ok(()) => ok(true),
                    Err(e) => error(400, e),
                }
            }
            functions::bots::GetBotCommands::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::bots::GetBotCommands);
                let scope = match self.command_scope(me, &r.scope) {
                    Ok(scope) => scope,
                    Err(e) => return error(400, e),
                };
                ok(tl_commands(self.world.bot_commands(
                    me,
                    scope,
                    &r.lang_code,
                )))
            }
            functions::bots::ResetBotCommands::CONSTRUCTOR_ID => {
                let r = decode!(req, functions::bots::ResetBotCommands);
                let scope = match self.command_scope(me, &r.scope) {
                    Ok(scope) => scope,
                    Err(e) => return error(400, e),
                };
                match self
                    .world
                    .set_bot_commands(me, scope, &r.lang_code, Vec::new())
                {
                    Ok(()) => ok(true),
                    Err(e) => error(400, e),
                }
            }
            _ => super::not_implemented(req.id),
        }
    }

    /// A scope as the bot `me` names it, its peers resolved.
    fn command_scope(
        &self,
        me: i64,
        scope: &enums::BotCommandScope,
    ) -> Result<CommandScope, &'static str> {
        use enums::BotCommandScope as S;
        let peer = |input: &enums::InputPeer| self.resolve_peer(me, input).ok_or("PEER_ID_INVALID");
        Ok(match scope {
            S::Default => CommandScope::Default,
            S::Users => CommandScope::Users,
            S::Chats => CommandScope::Chats,
            S::ChatAdmins => CommandScope::ChatAdmins,
            S::Peer(p) => CommandScope::Peer(peer(&p.peer)?),
            S::PeerAdmins(p) => match peer(&p.peer)? {
                PeerRef::User(_) => return Err("PEER_ID_INVALID"),
                group => CommandScope::PeerAdmins(group),
            },
            S::PeerUser(p) => {
                let group = match peer(&p.peer)? {
                    PeerRef::User(_) => return Err("PEER_ID_INVALID"),
                    group => group,
                };
                let user = self.resolve_user(me, &p.user_id).ok_or("USER_ID_INVALID")?;
                CommandScope::PeerUser(group, user)
            }
        })
    }

    /// A bot's `botInfo` for `viewer`: the commands of its private chat with `viewer`,
    /// the narrowest list set first (that chat, then all private chats, then the
    /// default), in no particular language.
    pub(super) fn bot_info(&self, bot: i64, viewer: i64) -> enums::BotInfo {
        let scopes = [
            CommandScope::Peer(PeerRef::User(viewer)),
            CommandScope::Users,
            CommandScope::Default,
        ];
        let commands = scopes
            .into_iter()
            .map(|scope| self.world.bot_commands(bot, scope, ""))
            .find(|list| !list.is_empty())
            .unwrap_or_default();
        enums::BotInfo::BotInfo(Box::new(types::BotInfo {
            has_preview_medias: false,
            user_id: Some(bot),
            description: None,
            description_photo: None,
            description_document: None,
            commands: Some(tl_commands(commands)),
            menu_button: None,
            privacy_policy_url: None,
            app_settings: None,
            verifier_settings: None,
        }))
    }
}

fn tl_commands(commands: &[crate::world::Command]) -> Vec<enums::BotCommand> {
    commands
        .iter()
        .map(|(command, description)| {
            enums::BotCommand::BotCommand(types::BotCommand {
                ephemeral: false,
                command: command.clone(),
                description: description.clone(),
            })
        })
        .collect()
}
