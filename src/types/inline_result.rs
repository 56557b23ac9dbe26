//! Results a bot answers an inline query with.

use crate::tl::{enums, types};

/// One result of an answer to an inline query; the user picks one and it is sent.
///
/// ```
/// use oxigram::types::{InlineButton, InlineKeyboard, InlineQueryResult};
///
/// let result = InlineQueryResult::article("1", "Greeting", "Hello there!")
///     .description("sends a greeting")
///     .reply_markup(InlineKeyboard::new().row([InlineButton::callback("Wave", "wave")]));
/// assert_eq!(result.id(), "1");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct InlineQueryResult {
    id: String,
    kind: &'static str,
    title: Option<String>,
    description: Option<String>,
    url: Option<String>,
    text: String,
    // Where formatted text will put its entities.
    entities: Option<Vec<enums::MessageEntity>>,
    no_webpage: bool,
    reply_markup: Option<enums::ReplyMarkup>,
    /// A photo or document already on the server, sent with `text` as its caption.
    file: Option<CachedFile>,
}

/// The file of a cached result.
#[derive(Debug, Clone, PartialEq)]
enum CachedFile {
    Photo(enums::InputPhoto),
    Document(enums::InputDocument),
}

impl InlineQueryResult {
    /// An article: a title in the list of results, sending `text` when picked.
    pub fn article(
        id: impl Into<String>,
        title: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        InlineQueryResult {
            id: id.into(),
            kind: "article",
            title: Some(title.into()),
            description: None,
            url: None,
            text: text.into(),
            entities: None,
            no_webpage: false,
            reply_markup: None,
            file: None,
        }
    }

    /// A photo already on the server (one a message holds), sent when picked; its
    /// caption from [`caption`](Self::caption).
    ///
    /// ```no_run
    /// # fn demo(message: oxigram::Message) {
    /// use oxigram::types::InlineQueryResult;
    /// if let Some(photo) = message.photo() {
    ///     let result = InlineQueryResult::cached_photo("p1", &photo).caption("this one");
    ///     # let _ = result;
    /// }
    /// # }
    /// ```
    pub fn cached_photo(id: impl Into<String>, photo: &super::Photo) -> Self {
        let raw = photo.raw();
        InlineQueryResult {
            kind: "photo",
            title: None,
            file: Some(CachedFile::Photo(enums::InputPhoto::InputPhoto(
                types::InputPhoto {
                    id: raw.id,
                    access_hash: raw.access_hash,
                    file_reference: raw.file_reference.clone(),
                },
            ))),
            ..InlineQueryResult::article(id, "", "")
        }
    }

    /// A file already on the server (a document, video, audio... a message holds),
    /// listed under `title` and sent when picked.
    pub fn cached_document(
        id: impl Into<String>,
        title: impl Into<String>,
        document: &super::Document,
    ) -> Self {
        let raw = document.raw();
        InlineQueryResult {
            kind: "file",
            title: Some(title.into()),
            file: Some(CachedFile::Document(enums::InputDocument::InputDocument(
                types::InputDocument {
                    id: raw.id,
                    access_hash: raw.access_hash,
                    file_reference: raw.file_reference.clone(),
                },
            ))),
            ..InlineQueryResult::article(id, "", "")
        }
    }

    /// The caption of a cached photo or document (the text of an article).
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.text = caption.into();
        self
    }

    /// The line under the title.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The URL the result is about.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Formatting of the text, as entities (UTF-16 offsets).
    pub fn entities(mut self, entities: Vec<enums::MessageEntity>) -> Self {
        self.entities = Some(entities);
        self
    }

    /// Sends the text without a link preview.
    pub fn no_webpage(mut self) -> Self {
        self.no_webpage = true;
        self
    }

    /// A keyboard under the message sent.
    pub fn reply_markup(mut self, markup: impl Into<enums::ReplyMarkup>) -> Self {
        self.reply_markup = Some(markup.into());
        self
    }

    /// The result's id (unique within one answer).
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl From<InlineQueryResult> for enums::InputBotInlineResult {
    fn from(result: InlineQueryResult) -> Self {
        if let Some(file) = result.file {
            let send_message = enums::InputBotInlineMessage::MediaAuto(Box::new(
                types::InputBotInlineMessageMediaAuto {
                    invert_media: false,
                    message: result.text,
                    entities: result.entities,
                    reply_markup: result.reply_markup,
                },
            ));
            return match file {
                CachedFile::Photo(photo) => {
                    enums::InputBotInlineResult::Photo(Box::new(types::InputBotInlineResultPhoto {
                        id: result.id,
                        r#type: result.kind.into(),
                        photo,
                        send_message,
                    }))
                }
                CachedFile::Document(document) => enums::InputBotInlineResult::Document(Box::new(
                    types::InputBotInlineResultDocument {
                        id: result.id,
                        r#type: result.kind.into(),
                        title: result.title,
                        description: result.description,
                        document,
                        send_message,
                    },
                )),
            };
        }
        enums::InputBotInlineResult::InputBotInlineResult(Box::new(types::InputBotInlineResult {
            id: result.id,
            r#type: result.kind.into(),
            title: result.title,
            description: result.description,
            url: result.url,
            thumb: None,
            content: None,
            send_message: enums::InputBotInlineMessage::Text(Box::new(
                types::InputBotInlineMessageText {
                    no_webpage: result.no_webpage,
                    invert_media: false,
                    message: result.text,
                    entities: result.entities,
                    reply_markup: result.reply_markup,
                },
            )),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_sends_its_text_with_its_keyboard() {
        let keyboard = crate::types::InlineKeyboard::new()
            .row([crate::types::InlineButton::callback("ok", "k")]);
        let result = InlineQueryResult::article("a1", "Title", "body")
            .description("desc")
            .no_webpage()
            .reply_markup(keyboard);
        let enums::InputBotInlineResult::InputBotInlineResult(raw) = result.into() else {
            panic!("an article is a plain inputBotInlineResult");
        };
        assert_eq!((raw.id.as_str(), raw.r#type.as_str()), ("a1", "article"));
        assert_eq!(
            (raw.title.as_deref(), raw.description.as_deref()),
            (Some("Title"), Some("desc"))
        );
        let enums::InputBotInlineMessage::Text(text) = &raw.send_message else {
            panic!("{:?}", raw.send_message);
        };
        assert_eq!(text.message, "body");
        assert!(text.no_webpage);
        assert!(matches!(
            text.reply_markup,
            Some(enums::ReplyMarkup::ReplyInlineMarkup(_))
        ));
    }
}
