//! Bots: answering callback and inline queries; pressing a bot's buttons.

use std::future::IntoFuture;

use bytes::Bytes;
use oxigram_runtime::BoxFuture;

use super::messages::{EditMessageText, Text, awaitable, input_entities};
use super::target::Target;
use crate::peers::PeerRef;
use crate::text::ParseMode;
use crate::tl::{enums, functions};
use crate::types::InlineQueryResult;
use crate::{Client, Message};

/// Answers a callback query (the progress bar on the button ends):
/// [`Client::answer_callback_query`], [`CallbackQuery::answer`](crate::CallbackQuery::answer).
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct AnswerCallbackQuery {
    client: Client,
    query_id: i64,
    text: Option<String>,
    show_alert: bool,
    url: Option<String>,
    cache_time: i32,
}

impl AnswerCallbackQuery {
    pub(crate) fn new(client: Client, query_id: i64) -> Self {
        AnswerCallbackQuery {
            client,
            query_id,
            text: None,
            show_alert: false,
            url: None,
            cache_time: 0,
        }
    }

    /// A notification shown to the user (at most 200 characters).
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Shows the text as an alert to dismiss rather than a passing notification.
    pub fn show_alert(mut self) -> Self {
        self.show_alert = true;
        self
    }

    /// A URL the user's client opens (a game, or `t.me/your_bot?start=...`).
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// How long clients may keep this answer for the same button (seconds).
    pub fn cache_time(mut self, seconds: i32) -> Self {
        self.cache_time = seconds;
        self
    }

    fn request(&self) -> functions::messages::SetBotCallbackAnswer {
        functions::messages::SetBotCallbackAnswer {
            alert: self.show_alert,
            query_id: self.query_id,
            message: self.text.clone(),
            url: self.url.clone(),
            cache_time: self.cache_time,
        }
    }

    async fn send(self) -> crate::Result<()> {
        self.client.invoke(self.request()).await?;
        Ok(())
    }
}

awaitable!(AnswerCallbackQuery => ());

/// Answers an inline query with results: [`Client::answer_inline_query`],
/// [`InlineQuery::answer`](crate::InlineQuery::answer).
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct AnswerInlineQuery {
    client: Client,
    query_id: i64,
    results: Vec<InlineQueryResult>,
    cache_time: i32,
    is_personal: bool,
    next_offset: Option<String>,
    gallery: bool,
}

impl AnswerInlineQuery {
    pub(crate) fn new(client: Client, query_id: i64, results: Vec<InlineQueryResult>) -> Self {
        AnswerInlineQuery {
            client,
            query_id,
            results,
            // The Bot API's default.
            cache_time: 300,
            is_personal: false,
            next_offset: None,
            gallery: false,
        }
    }

    /// How long the server may keep these results for the same query (seconds; 300
    /// unless set).
    pub fn cache_time(mut self, seconds: i32) -> Self {
        self.cache_time = seconds;
        self
    }

    /// Keeps the results for this user only.
    pub fn is_personal(mut self) -> Self {
        self.is_personal = true;
        self
    }

    /// The offset the client sends back for more results as the user scrolls (none:
    /// these are all).
    pub fn next_offset(mut self, offset: impl Into<String>) -> Self {
        self.next_offset = Some(offset.into());
        self
    }

    /// Shows the results as a grid of pictures rather than a list.
    pub fn gallery(mut self) -> Self {
        self.gallery = true;
        self
    }

    /// The request, each result's text read in its parse mode.
    async fn request(&self) -> crate::Result<functions::messages::SetInlineBotResults> {
        let mut results = Vec::with_capacity(self.results.len());
        for result in &self.results {
            results.push(result.to_input(&self.client).await?);
        }
        Ok(functions::messages::SetInlineBotResults {
            gallery: self.gallery,
            private: self.is_personal,
            query_id: self.query_id,
            results,
            cache_time: self.cache_time,
            next_offset: self.next_offset.clone(),
            switch_pm: None,
            switch_webview: None,
        })
    }

    async fn send(self) -> crate::Result<()> {
        let request = self.request().await?;
        self.client.invoke(request).await?;
        Ok(())
    }
}

awaitable!(AnswerInlineQuery => ());

/// What a bot answered to a button press ([`Client::request_callback_answer`]).
///
/// ```no_run
/// # async fn demo(msg: oxigram::Message) -> oxigram::Result<()> {
/// let answer = msg.click(0, 0).await?;
/// match (answer.text, answer.alert) {
///     (Some(text), true) => println!("alert: {text}"),
///     (Some(text), false) => println!("notification: {text}"),
///     (None, _) => println!("no text; url: {:?}", answer.url),
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackAnswer {
    /// The notification or alert text, if any.
    pub text: Option<String>,
    /// Whether the text is an alert.
    pub alert: bool,
    /// A URL to open, if any.
    pub url: Option<String>,
    /// How long the answer may be kept (seconds).
    pub cache_time: i32,
}

impl From<enums::messages::BotCallbackAnswer> for CallbackAnswer {
    fn from(answer: enums::messages::BotCallbackAnswer) -> Self {
        let enums::messages::BotCallbackAnswer::BotCallbackAnswer(a) = answer;
        CallbackAnswer {
            text: a.message,
            alert: a.alert,
            url: a.url,
            cache_time: a.cache_time,
        }
    }
}

/// Edits the message of a callback query, in a chat or inline:
/// [`CallbackQuery::edit_message_text`](crate::CallbackQuery::edit_message_text).
/// Returns the edited message, or `None` for an inline message (the server does not
/// send those back).
#[derive(Debug, Clone)]
#[must_use = "a request is sent when it is awaited"]
pub struct EditQueryMessage {
    target: EditTarget,
}

#[derive(Debug, Clone)]
enum EditTarget {
    Chat(EditMessageText),
    Inline {
        client: Client,
        id: enums::InputBotInlineMessageID,
        text: Text,
        reply_markup: Option<enums::ReplyMarkup>,
        no_webpage: bool,
    },
    /// A query that names no message (the server always names one).
    Missing,
}

impl EditQueryMessage {
    pub(crate) fn in_chat(edit: EditMessageText) -> Self {
        EditQueryMessage {
            target: EditTarget::Chat(edit),
        }
    }

    pub(crate) fn missing() -> Self {
        EditQueryMessage {
            target: EditTarget::Missing,
        }
    }

    pub(crate) fn inline(client: Client, id: enums::InputBotInlineMessageID, text: String) -> Self {
        EditQueryMessage {
            target: EditTarget::Inline {
                client,
                id,
                text: Text::plain(text),
                reply_markup: None,
                no_webpage: false,
            },
        }
    }

    /// Replaces the keyboard (the old one is removed otherwise).
    pub fn reply_markup(mut self, markup: impl Into<enums::ReplyMarkup>) -> Self {
        let markup = markup.into();
        self.target = match self.target {
            EditTarget::Chat(edit) => EditTarget::Chat(edit.reply_markup(markup)),
            EditTarget::Inline {
                client,
                id,
                text,
                no_webpage,
                ..
            } => EditTarget::Inline {
                client,
                id,
                text,
                reply_markup: Some(markup),
                no_webpage,
            },
            EditTarget::Missing => EditTarget::Missing,
        };
        self
    }

    /// Reads the text in this mode instead of the client's.
    pub fn parse_mode(mut self, mode: ParseMode) -> Self {
        self.target = match self.target {
            EditTarget::Chat(edit) => EditTarget::Chat(edit.parse_mode(mode)),
            EditTarget::Inline {
                client,
                id,
                mut text,
                reply_markup,
                no_webpage,
            } => {
                text.parse_mode = Some(mode);
                EditTarget::Inline {
                    client,
                    id,
                    text,
                    reply_markup,
                    no_webpage,
                }
            }
            EditTarget::Missing => EditTarget::Missing,
        };
        self
    }

    /// Shows no link preview.
    pub fn no_webpage(mut self) -> Self {
        self.target = match self.target {
            EditTarget::Chat(edit) => EditTarget::Chat(edit.no_webpage()),
            EditTarget::Inline {
                client,
                id,
                text,
                reply_markup,
                ..
            } => EditTarget::Inline {
                client,
                id,
                text,
                reply_markup,
                no_webpage: true,
            },
            EditTarget::Missing => EditTarget::Missing,
        };
        self
    }

    async fn send(self) -> crate::Result<Option<Message>> {
        match self.target {
            EditTarget::Chat(edit) => Ok(Some(edit.await?)),
            EditTarget::Inline {
                client,
                id,
                text,
                reply_markup,
                no_webpage,
            } => {
                // An inline message lives on the DC its id names.
                let dc = match &id {
                    enums::InputBotInlineMessageID::InputBotInlineMessageID(i) => i.dc_id,
                    enums::InputBotInlineMessageID::InputBotInlineMessageID64(i) => i.dc_id,
                };
                let (text, entities) = text.resolve(&client)?;
                let entities = input_entities(&client, entities.as_deref()).await?;
                let request = functions::messages::EditInlineBotMessage {
                    no_webpage,
                    invert_media: false,
                    id,
                    message: Some(text),
                    media: None,
                    reply_markup,
                    entities,
                    rich_message: None,
                };
                let mut call = client.invoke(request);
                match i16::try_from(dc) {
                    Ok(dc) => call = call.dc(dc),
                    Err(e) => {
                        tracing::warn!(dc, %e, "inline message id names no DC; editing from home")
                    }
                }
                call.await?;
                Ok(None)
            }
            EditTarget::Missing => Err(crate::Error::Unsupported(
                "the callback query names no message to edit".into(),
            )),
        }
    }
}

awaitable!(EditQueryMessage => Option<Message>);

impl Client {
    /// Answers callback query `query_id`.
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client, query_id: i64) -> oxigram::Result<()> {
    /// app.answer_callback_query(query_id)
    ///     .text("Only admins can do that")
    ///     .show_alert()
    ///     .cache_time(60)
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn answer_callback_query(&self, query_id: i64) -> AnswerCallbackQuery {
        AnswerCallbackQuery::new(self.clone(), query_id)
    }

    /// Answers inline query `query_id` with `results`. Their texts and captions are
    /// read in the client's parse mode unless a result sets another
    /// ([`InlineQueryResult::parse_mode`]) or gives its entities.
    ///
    /// ```no_run
    /// # use oxigram::InlineQueryResult;
    /// # async fn demo(app: oxigram::Client, query_id: i64) -> oxigram::Result<()> {
    /// let results = (1..=3).map(|n| {
    ///     InlineQueryResult::article(n.to_string(), format!("Option {n}"), format!("I pick {n}"))
    /// });
    /// app.answer_inline_query(query_id, results)
    ///     .cache_time(0)
    ///     .next_offset("3")
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn answer_inline_query(
        &self,
        query_id: i64,
        results: impl IntoIterator<Item = InlineQueryResult>,
    ) -> AnswerInlineQuery {
        AnswerInlineQuery::new(self.clone(), query_id, results.into_iter().collect())
    }

    /// Presses the callback button with `data` under message `id` of `chat`, and
    /// returns the bot's answer (user accounts; bots can not press buttons).
    ///
    /// ```no_run
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let answer = app.request_callback_answer("@some_bot", 42, "vote:yes").await?;
    /// println!("{:?}", answer.text);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn request_callback_answer(
        &self,
        chat: impl Into<PeerRef>,
        id: i32,
        data: impl Into<Vec<u8>>,
    ) -> crate::Result<CallbackAnswer> {
        let peer = Target::named(chat).resolve(self).await?;
        let answer = self
            .invoke(functions::messages::GetBotCallbackAnswer {
                game: false,
                peer,
                msg_id: id,
                data: Some(Bytes::from(data.into())),
                password: None,
            })
            .await?;
        Ok(answer.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::testing;

    #[test]
    fn a_callback_answer_carries_text_alert_url_and_cache_time() {
        let client = testing::client(Some(1));
        let request = client
            .answer_callback_query(44)
            .text("done")
            .show_alert()
            .url("https://t.me/bot?start=x")
            .cache_time(30)
            .request();
        assert_eq!(request.query_id, 44);
        assert!(request.alert);
        assert_eq!(request.message.as_deref(), Some("done"));
        assert_eq!(request.url.as_deref(), Some("https://t.me/bot?start=x"));
        assert_eq!(request.cache_time, 30);
        let bare = client.answer_callback_query(45).request();
        assert!(!bare.alert && bare.message.is_none() && bare.cache_time == 0);
    }

    #[test]
    fn an_inline_answer_carries_its_results_and_options() {
        let client = testing::client(Some(1));
        let results = [
            InlineQueryResult::article("1", "One", "first"),
            InlineQueryResult::article("2", "Two", "second"),
        ];
        let request = futures_executor::block_on(
            client
                .answer_inline_query(9, results)
                .cache_time(0)
                .is_personal()
                .next_offset("2")
                .request(),
        )
        .unwrap();
        assert_eq!((request.query_id, request.cache_time), (9, 0));
        assert!(request.private && !request.gallery);
        assert_eq!(request.next_offset.as_deref(), Some("2"));
        let ids: Vec<&str> = request
            .results
            .iter()
            .map(|r| match r {
                enums::InputBotInlineResult::InputBotInlineResult(r) => r.id.as_str(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(ids, ["1", "2"]);
        let bare = futures_executor::block_on(client.answer_inline_query(9, []).request());
        assert_eq!(bare.unwrap().cache_time, 300);
    }
}
