//! Inline bots from the user's side: asking one for results, and sending a result.

use std::future::IntoFuture;

use oxigram_runtime::BoxFuture;

use super::messages::awaitable;
use super::random_id;
use super::sent::one_message;
use super::target::Target;
use super::users::resolve_user;
use crate::peers::PeerRef;
use crate::tl::functions;
use crate::types::BotResults;
use crate::{Client, Message};

/// Asks an inline bot for results: [`Client::get_inline_bot_results`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct GetInlineBotResults {
    client: Client,
    bot: PeerRef,
    query: String,
    offset: String,
    chat: PeerRef,
}

impl GetInlineBotResults {
    /// Asks for the results from this offset on (a previous answer's
    /// [`next_offset`](BotResults::next_offset)).
    pub fn offset(mut self, offset: impl Into<String>) -> Self {
        self.offset = offset.into();
        self
    }

    /// The chat the query is typed in (the bot is told its kind); this account's
    /// saved messages unless set.
    pub fn chat(mut self, chat: impl Into<PeerRef>) -> Self {
        self.chat = chat.into();
        self
    }

    async fn send(self) -> crate::Result<BotResults> {
        let bot = resolve_user(&self.client, self.bot).await?;
        let peer = Target::named(self.chat).resolve(&self.client).await?;
        let answer = self
            .client
            .invoke(functions::messages::GetInlineBotResults {
                bot,
                peer,
                geo_point: None,
                query: self.query,
                offset: self.offset,
            })
            .await?;
        Ok(BotResults::from_raw(&self.client, answer))
    }
}

awaitable!(GetInlineBotResults => BotResults);

/// Sends a result of an inline bot's answer: [`Client::send_inline_bot_result`].
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct SendInlineBotResult {
    client: Client,
    chat: Target,
    query_id: i64,
    result_id: String,
    reply_to: Option<i32>,
    silent: bool,
    hide_via: bool,
}

impl SendInlineBotResult {
    /// Replies to message `id` of the same chat.
    pub fn reply_to(mut self, id: i32) -> Self {
        self.reply_to = Some(id);
        self
    }

    /// Sends without a notification sound.
    pub fn silent(mut self) -> Self {
        self.silent = true;
        self
    }

    /// Leaves out "via @bot" (only some bots' results, like games', allow it).
    pub fn hide_via(mut self) -> Self {
        self.hide_via = true;
        self
    }

    async fn send(self) -> crate::Result<Message> {
        let peer = self.chat.resolve(&self.client).await?;
        let random_id = random_id()?;
        let reply_to = super::messages::reply_to(self.reply_to);
        let updates = self
            .client
            .invoke(functions::messages::SendInlineBotResult {
                silent: self.silent,
                background: false,
                clear_draft: false,
                hide_via: self.hide_via,
                peer,
                reply_to,
                random_id,
                query_id: self.query_id,
                id: self.result_id,
                schedule_date: None,
                send_as: None,
                quick_reply_shortcut: None,
                allow_paid_stars: None,
            })
            .await?;
        one_message(
            &self.client,
            &updates,
            Some(random_id),
            None,
            "messages.sendInlineBotResult",
        )
    }
}

awaitable!(SendInlineBotResult => Message);

impl Client {
    /// Asks inline bot `bot` for results to `query`, as typing `@bot query` in a chat
    /// does (user accounts).
    ///
    /// ```no_run
    /// # async fn demo(client: oxigram::Client) -> oxigram::Result<()> {
    /// let results = client.get_inline_bot_results("@gif", "cats").await?;
    /// if let Some(first) = results.results().first() {
    ///     client
    ///         .send_inline_bot_result("me", results.query_id(), first.id())
    ///         .await?;
    ///     // The same, bound to the answer:
    ///     results.send("me", first.id()).silent().await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_inline_bot_results(
        &self,
        bot: impl Into<PeerRef>,
        query: impl Into<String>,
    ) -> GetInlineBotResults {
        GetInlineBotResults {
            client: self.clone(),
            bot: bot.into(),
            query: query.into(),
            offset: String::new(),
            chat: PeerRef::Me,
        }
    }

    /// Sends result `result_id` of the answer to inline query `query_id` (from
    /// [`get_inline_bot_results`](Client::get_inline_bot_results)) to `chat`.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let results = app.get_inline_bot_results("@gif", "cats").await?;
    /// if let Some(first) = results.results().first() {
    ///     app.send_inline_bot_result("@alice", results.query_id(), first.id())
    ///         .hide_via()
    ///         .silent()
    ///         .await?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn send_inline_bot_result(
        &self,
        chat: impl Into<PeerRef>,
        query_id: i64,
        result_id: impl Into<String>,
    ) -> SendInlineBotResult {
        SendInlineBotResult {
            client: self.clone(),
            chat: Target::named(chat),
            query_id,
            result_id: result_id.into(),
            reply_to: None,
            silent: false,
            hide_via: false,
        }
    }
}
