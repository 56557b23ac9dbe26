//! A press of an inline keyboard's callback button.

use std::sync::OnceLock;

use bytes::Bytes;

use super::carried::Carried;
use super::chat::Chat;
use super::command::Matches;
use super::user::User;
use crate::Client;
use crate::tl::{enums, types};

/// Someone pressed a callback button of a message the bot sent (or of an inline
/// message sent through it). Answer it with [`CallbackQuery::answer`], even with
/// nothing to say: the client shows a progress bar until then.
///
/// ```no_run
/// use oxigram::prelude::*;
///
/// # fn demo(app: Client) {
/// app.on_callback_query(filters::regex(r"^vote:(\w+)$"), |query: CallbackQuery| async move {
///     let choice = query.matches().and_then(|m| m.get(1)).unwrap_or("?").to_owned();
///     println!("{} voted {choice}", query.from_user().first_name());
///     query.answer().text(format!("You voted {choice}")).await?;
///     Ok(())
/// });
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct CallbackQuery {
    id: i64,
    from_user: User,
    chat: Option<Chat>,
    message_id: Option<i32>,
    inline_message_id: Option<enums::InputBotInlineMessageID>,
    chat_instance: i64,
    data: Option<Bytes>,
    game_short_name: Option<String>,
    client: Client,
    matches: OnceLock<Matches>,
}

impl CallbackQuery {
    /// A press on a message in a chat (`updateBotCallbackQuery`).
    pub(crate) fn in_chat(carried: &Carried<'_>, update: &types::UpdateBotCallbackQuery) -> Self {
        CallbackQuery {
            id: update.query_id,
            from_user: carried.user(update.user_id),
            chat: Some(carried.chat(&update.peer)),
            message_id: Some(update.msg_id),
            inline_message_id: None,
            chat_instance: update.chat_instance,
            data: update.data.clone(),
            game_short_name: update.game_short_name.clone(),
            client: carried.client.clone(),
            matches: OnceLock::new(),
        }
    }

    /// A press on an inline message (`updateInlineBotCallbackQuery`).
    pub(crate) fn inline(
        carried: &Carried<'_>,
        update: &types::UpdateInlineBotCallbackQuery,
    ) -> Self {
        CallbackQuery {
            id: update.query_id,
            from_user: carried.user(update.user_id),
            chat: None,
            message_id: None,
            inline_message_id: Some(update.msg_id.clone()),
            chat_instance: update.chat_instance,
            data: update.data.clone(),
            game_short_name: update.game_short_name.clone(),
            client: carried.client.clone(),
            matches: OnceLock::new(),
        }
    }

    /// The query id, to answer it with.
    pub fn id(&self) -> i64 {
        self.id
    }

    /// Who pressed the button.
    pub fn from_user(&self) -> &User {
        &self.from_user
    }

    /// The chat of the message, unless the message is an inline one.
    pub fn chat(&self) -> Option<&Chat> {
        self.chat.as_ref()
    }

    /// The id of the message whose button was pressed, unless it is an inline one.
    pub fn message_id(&self) -> Option<i32> {
        self.message_id
    }

    /// The id of the inline message whose button was pressed.
    pub fn inline_message_id(&self) -> Option<&enums::InputBotInlineMessageID> {
        self.inline_message_id.as_ref()
    }

    /// A global id of the chat the message is in (for games' high scores).
    pub fn chat_instance(&self) -> i64 {
        self.chat_instance
    }

    /// The button's data.
    pub fn data(&self) -> Option<&[u8]> {
        self.data.as_deref()
    }

    /// The button's data as text; `None` if there is none or it is not UTF-8.
    pub fn data_str(&self) -> Option<&str> {
        // Buttons may carry any bytes: data that is not text is simply no text (the
        // bytes stay readable through `data`).
        std::str::from_utf8(self.data()?).ok()
    }

    /// The short name of the game, for a game's play button.
    pub fn game_short_name(&self) -> Option<&str> {
        self.game_short_name.as_deref()
    }

    /// The client it came from.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The capture groups of the regex filter that matched, if one did.
    pub fn matches(&self) -> Option<&Matches> {
        self.matches.get()
    }

    /// Records the regex filter's capture groups (the first match is kept).
    #[allow(dead_code)] // called by the dispatcher's filters
    pub(crate) fn set_matches(&self, matches: Matches) {
        if let Err(dropped) = self.matches.set(matches) {
            tracing::trace!(?dropped, "matches were already recorded for this query");
        }
    }

    /// Forgets what filters recorded, before the filters of another handler run.
    #[allow(dead_code)] // called by the dispatcher's filters
    pub(crate) fn clear_filter_results(&mut self) {
        self.matches = OnceLock::new();
    }
}
