//! Methods bound to the values handlers get: `message.reply("hi")`,
//! `query.answer().text("done")`, `request.approve()`. Each acts on the chat the value
//! came from, with the peer it came with.

use super::bots::{AnswerCallbackQuery, AnswerInlineQuery, CallbackAnswer, EditQueryMessage};
use super::chats::HideJoinRequest;
use super::messages::{
    CopyMessage, DeleteMessages, EditMessageText, ForwardMessages, PinMessage, SendMessage,
    SendReaction,
};
use super::target::Target;
use crate::peers::PeerRef;
use crate::tl::functions;
use crate::types::{CallbackQuery, Chat, ChatJoinRequest, InlineQuery, InlineQueryResult};
use crate::{Error, Message};

impl Message {
    fn here(&self) -> Target {
        Target::Known(self.chat().clone())
    }

    /// Replies to this message in its chat.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.reply("got it").silent().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn reply(&self, text: impl Into<String>) -> SendMessage {
        SendMessage::new(self.client().clone(), self.here(), text.into()).reply_to(self.id())
    }

    /// Sends `text` to this message's chat, not as a reply.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.answer("Noted, thanks.").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn answer(&self, text: impl Into<String>) -> SendMessage {
        SendMessage::new(self.client().clone(), self.here(), text.into())
    }

    /// Replaces this message's text (this account's messages, or a bot's own).
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// let status = msg.reply("Working…").await?;
    /// status.edit_text("Done ✅").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn edit_text(&self, text: impl Into<String>) -> EditMessageText {
        EditMessageText::new(self.client().clone(), self.here(), self.id(), text.into())
    }

    /// Deletes this message (for everyone, unless
    /// [`only_for_me`](DeleteMessages::only_for_me)).
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// if msg.text().contains("spam") {
    ///     msg.delete().await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn delete(&self) -> DeleteMessages {
        DeleteMessages::new(self.client().clone(), self.here(), vec![self.id()])
    }

    /// Forwards this message to `chat`.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.forward_to("me").silent().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn forward_to(&self, chat: impl Into<PeerRef>) -> ForwardMessages {
        ForwardMessages::new(
            self.client().clone(),
            Target::named(chat),
            self.here(),
            vec![self.id()],
        )
    }

    /// Sends this message to `chat` again, without the forward header.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.copy_to("@my_channel").caption("Reposted").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn copy_to(&self, chat: impl Into<PeerRef>) -> CopyMessage {
        CopyMessage::of_message(self.client().clone(), Target::named(chat), self.clone())
    }

    /// Reacts with `emoji` (`""` removes this account's reaction).
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.react("🔥").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn react(&self, emoji: &str) -> SendReaction {
        SendReaction::new(self.client().clone(), self.here(), self.id(), emoji)
    }

    /// Pins this message.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.pin().silent().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn pin(&self) -> PinMessage {
        PinMessage::new(self.client().clone(), self.here(), self.id(), false)
    }

    /// Unpins this message.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// msg.unpin().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn unpin(&self) -> PinMessage {
        PinMessage::new(self.client().clone(), self.here(), self.id(), true)
    }

    /// Presses the callback button at `row`, `column` (from 0) of this message's
    /// inline keyboard, and returns the bot's answer.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// let answer = msg.click(0, 1).await?;
    /// if let Some(text) = answer.text {
    ///     println!("the bot says: {text}");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn click(&self, row: usize, column: usize) -> crate::Result<CallbackAnswer> {
        let keyboard = self.inline_keyboard().ok_or_else(|| {
            Error::Unsupported(format!("message {} has no inline keyboard", self.id()))
        })?;
        let button = keyboard.button(row, column).ok_or_else(|| {
            Error::Unsupported(format!(
                "message {} has no button at row {row}, column {column}",
                self.id()
            ))
        })?;
        let data = button.data().ok_or_else(|| {
            Error::Unsupported(format!(
                "the button {:?} is not a callback button",
                button.text()
            ))
        })?;
        self.click_data(data.to_vec()).await
    }

    /// Presses the callback button with `data` under this message, and returns the
    /// bot's answer.
    ///
    /// ```no_run
    /// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
    /// let answer = msg.click_data("vote:yes").await?;
    /// println!("alert: {}, text: {:?}", answer.alert, answer.text);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn click_data(&self, data: impl Into<Vec<u8>>) -> crate::Result<CallbackAnswer> {
        let client = self.client();
        let peer = self.here().resolve(client).await?;
        let answer = client
            .invoke(functions::messages::GetBotCallbackAnswer {
                game: false,
                peer,
                msg_id: self.id(),
                data: Some(bytes::Bytes::from(data.into())),
                password: None,
            })
            .await?;
        Ok(answer.into())
    }
}

impl CallbackQuery {
    /// Answers the query (needed even with nothing to say: the button shows progress
    /// until then).
    ///
    /// ```no_run
    /// # async fn demo(query: oxigram::CallbackQuery) -> oxigram::Result<()> {
    /// query.answer().text("Saved").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn answer(&self) -> AnswerCallbackQuery {
        AnswerCallbackQuery::new(self.client().clone(), self.id())
    }

    /// Replaces the text of the message whose button was pressed (in a chat or
    /// inline).
    ///
    /// ```no_run
    /// # async fn demo(query: oxigram::CallbackQuery) -> oxigram::Result<()> {
    /// if query.data_str() == Some("confirm") {
    ///     query.edit_message_text("Confirmed ✅").await?;
    ///     query.answer().await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn edit_message_text(&self, text: impl Into<String>) -> EditQueryMessage {
        let client = self.client().clone();
        match (self.chat(), self.message_id(), self.inline_message_id()) {
            (Some(chat), Some(id), _) => EditQueryMessage::in_chat(EditMessageText::new(
                client,
                Target::Known(chat.clone()),
                id,
                text.into(),
            )),
            (_, _, Some(inline)) => EditQueryMessage::inline(client, inline.clone(), text.into()),
            _ => EditQueryMessage::missing(),
        }
    }
}

impl InlineQuery {
    /// Answers the query with `results`.
    ///
    /// ```no_run
    /// # use oxigram::InlineQueryResult;
    /// # async fn demo(query: oxigram::InlineQuery) -> oxigram::Result<()> {
    /// let echo = InlineQueryResult::article("echo", "Send as is", query.query());
    /// query.answer([echo]).cache_time(10).is_personal().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn answer(
        &self,
        results: impl IntoIterator<Item = InlineQueryResult>,
    ) -> AnswerInlineQuery {
        AnswerInlineQuery::new(
            self.client().clone(),
            self.id(),
            results.into_iter().collect(),
        )
    }
}

impl ChatJoinRequest {
    fn hide(&self, approved: bool) -> HideJoinRequest {
        HideJoinRequest::new(
            self.client().clone(),
            Target::Known(self.chat().clone()),
            Target::Known(Chat::from_user(self.from_user())),
            approved,
        )
    }

    /// Lets the user in.
    ///
    /// ```no_run
    /// # async fn demo(request: oxigram::ChatJoinRequest) -> oxigram::Result<()> {
    /// if !request.from_user().is_bot() {
    ///     request.approve().await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn approve(&self) -> HideJoinRequest {
        self.hide(true)
    }

    /// Turns the request down.
    ///
    /// ```no_run
    /// # async fn demo(request: oxigram::ChatJoinRequest) -> oxigram::Result<()> {
    /// if request.bio().contains("http") {
    ///     request.decline().await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn decline(&self) -> HideJoinRequest {
        self.hide(false)
    }
}
