//! Results a bot answers an inline query with.

use crate::Client;
use crate::methods::messages::Text;
use crate::text::ParseMode;
use crate::tl::{enums, types};

/// The MIME type of thumbnails and of photos given by URL (Telegram takes JPEG for both).
const JPEG: &str = "image/jpeg";

/// One result of an answer to an inline query; the user picks one and it is sent.
///
/// Its text (an article's message, a file's caption) is read in the client's parse mode
/// ([`ClientBuilder::parse_mode`](crate::ClientBuilder::parse_mode), Markdown unless
/// set) when the answer is sent, as [`Client::send_message`] reads its text;
/// [`parse_mode`](Self::parse_mode) picks another for one result, and
/// [`entities`](Self::entities) given explicitly are sent as they are.
///
/// ```
/// use oxigram::types::{InlineButton, InlineKeyboard, InlineQueryResult};
///
/// let result = InlineQueryResult::article("1", "Greeting", "**Hello** there!")
///     .description("sends a greeting")
///     .reply_markup(InlineKeyboard::new().row([InlineButton::callback("Wave", "wave")]));
/// assert_eq!(result.id(), "1");
///
/// let photo = InlineQueryResult::photo(
///     "2",
///     "https://example.com/cat.jpg",
///     "https://example.com/cat-small.jpg",
/// )
/// .dimensions(640, 480)
/// .caption("a __cat__");
/// assert_eq!(photo.id(), "2");
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
    parse_mode: Option<ParseMode>,
    no_webpage: bool,
    reply_markup: Option<enums::ReplyMarkup>,
    thumb_url: Option<String>,
    /// What is sent when picked, besides `text`.
    content: Content,
}

/// What a result sends besides its text.
#[derive(Debug, Clone, PartialEq)]
enum Content {
    /// Nothing: an article sends its text.
    Text,
    /// A photo already on the server, sent with `text` as its caption.
    Photo(enums::InputPhoto),
    /// A document already on the server, sent with `text` as its caption.
    Document(enums::InputDocument),
    /// A file on the web, which Telegram fetches when the result is sent.
    Web(WebContent),
}

/// A file given by URL, and what is known of it.
#[derive(Debug, Clone, PartialEq)]
struct WebContent {
    url: String,
    mime_type: String,
    size: i32,
    dimensions: Option<(i32, i32)>,
    duration: Option<i32>,
}

impl WebContent {
    fn new(url: impl Into<String>, mime_type: impl Into<String>) -> Self {
        WebContent {
            url: url.into(),
            mime_type: mime_type.into(),
            size: 0,
            dimensions: None,
            duration: None,
        }
    }
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
            parse_mode: None,
            no_webpage: false,
            reply_markup: None,
            thumb_url: None,
            content: Content::Text,
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
            content: Content::Photo(enums::InputPhoto::InputPhoto(types::InputPhoto {
                id: raw.id,
                access_hash: raw.access_hash,
                file_reference: raw.file_reference.clone(),
            })),
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
            content: Content::Document(enums::InputDocument::InputDocument(types::InputDocument {
                id: raw.id,
                access_hash: raw.access_hash,
                file_reference: raw.file_reference.clone(),
            })),
            ..InlineQueryResult::article(id, "", "")
        }
    }

    /// A JPEG photo on the web, shown by its thumbnail `thumb_url` and sent when picked
    /// (Telegram fetches `photo_url` then); its caption from [`caption`](Self::caption).
    ///
    /// ```no_run
    /// # async fn demo(query: oxigram::InlineQuery) -> oxigram::Result<()> {
    /// use oxigram::types::InlineQueryResult;
    /// let cat = InlineQueryResult::photo(
    ///     "cat",
    ///     "https://example.com/cat.jpg",
    ///     "https://example.com/cat-thumb.jpg",
    /// )
    /// .dimensions(800, 600)
    /// .caption("**the** cat");
    /// query.answer([cat]).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn photo(
        id: impl Into<String>,
        photo_url: impl Into<String>,
        thumb_url: impl Into<String>,
    ) -> Self {
        InlineQueryResult {
            kind: "photo",
            title: None,
            thumb_url: Some(thumb_url.into()),
            content: Content::Web(WebContent::new(photo_url, JPEG)),
            ..InlineQueryResult::article(id, "", "")
        }
    }

    /// A file on the web (Telegram takes `application/pdf` and `application/zip`),
    /// listed under `title` and sent when picked (Telegram fetches `document_url` then).
    ///
    /// ```
    /// use oxigram::types::InlineQueryResult;
    /// let manual = InlineQueryResult::document(
    ///     "m",
    ///     "The manual",
    ///     "https://example.com/manual.pdf",
    ///     "application/pdf",
    /// )
    /// .description("42 pages")
    /// .thumb_url("https://example.com/cover.jpg");
    /// assert_eq!(manual.id(), "m");
    /// ```
    pub fn document(
        id: impl Into<String>,
        title: impl Into<String>,
        document_url: impl Into<String>,
        mime_type: impl Into<String>,
    ) -> Self {
        InlineQueryResult {
            kind: "file",
            title: Some(title.into()),
            content: Content::Web(WebContent::new(document_url, mime_type)),
            ..InlineQueryResult::article(id, "", "")
        }
    }

    /// A video on the web (`video/mp4`, or `text/html` for a page that embeds a
    /// player), listed under `title` with the thumbnail `thumb_url`.
    pub fn video(
        id: impl Into<String>,
        title: impl Into<String>,
        video_url: impl Into<String>,
        mime_type: impl Into<String>,
        thumb_url: impl Into<String>,
    ) -> Self {
        InlineQueryResult {
            kind: "video",
            title: Some(title.into()),
            thumb_url: Some(thumb_url.into()),
            content: Content::Web(WebContent::new(video_url, mime_type)),
            ..InlineQueryResult::article(id, "", "")
        }
    }

    /// An MP3 file on the web, listed (and sent) under `title`.
    pub fn audio(
        id: impl Into<String>,
        title: impl Into<String>,
        audio_url: impl Into<String>,
    ) -> Self {
        InlineQueryResult {
            kind: "audio",
            title: Some(title.into()),
            content: Content::Web(WebContent::new(audio_url, "audio/mpeg")),
            ..InlineQueryResult::article(id, "", "")
        }
    }

    /// An animated GIF on the web, shown by its thumbnail `thumb_url`.
    pub fn gif(
        id: impl Into<String>,
        gif_url: impl Into<String>,
        thumb_url: impl Into<String>,
    ) -> Self {
        InlineQueryResult {
            kind: "gif",
            title: None,
            thumb_url: Some(thumb_url.into()),
            content: Content::Web(WebContent::new(gif_url, "image/gif")),
            ..InlineQueryResult::article(id, "", "")
        }
    }

    /// The caption of a photo or file (the text of an article), read in the parse mode.
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.text = caption.into();
        self
    }

    /// The title in the list of results.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
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

    /// The picture shown beside an article or a file given by URL (a JPEG on the web);
    /// files already on the server show their own.
    pub fn thumb_url(mut self, url: impl Into<String>) -> Self {
        self.thumb_url = Some(url.into());
        self
    }

    /// The width and height of a photo, video or GIF given by URL.
    pub fn dimensions(mut self, width: i32, height: i32) -> Self {
        if let Content::Web(web) = &mut self.content {
            web.dimensions = Some((width, height));
        }
        self
    }

    /// The length of a video or audio given by URL, in seconds.
    pub fn duration(mut self, seconds: i32) -> Self {
        if let Content::Web(web) = &mut self.content {
            web.duration = Some(seconds);
        }
        self
    }

    /// The size in bytes of a file given by URL.
    pub fn file_size(mut self, bytes: i32) -> Self {
        if let Content::Web(web) = &mut self.content {
            web.size = bytes;
        }
        self
    }

    /// Formatting of the text, as entities (UTF-16 offsets); sent as they are, the text
    /// then not read in any parse mode.
    pub fn entities(mut self, entities: Vec<enums::MessageEntity>) -> Self {
        self.entities = Some(entities);
        self
    }

    /// Reads the text in this mode instead of the client's.
    ///
    /// ```
    /// use oxigram::text::ParseMode;
    /// use oxigram::types::InlineQueryResult;
    /// let result = InlineQueryResult::article("h", "Bold", "<b>bold</b>").parse_mode(ParseMode::Html);
    /// # let _ = result;
    /// ```
    pub fn parse_mode(mut self, mode: ParseMode) -> Self {
        self.parse_mode = Some(mode);
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

    /// The result as an answer sends it: its text read in its parse mode (the client's
    /// unless set), mentions made input users.
    pub(crate) async fn to_input(
        &self,
        client: &Client,
    ) -> crate::Result<enums::InputBotInlineResult> {
        let text = Text {
            text: self.text.clone(),
            entities: self.entities.clone(),
            parse_mode: self.parse_mode,
        }
        .for_request(client)
        .await?;
        Ok(self.clone().with_text(text.text, text.entities))
    }

    /// The result with `message` and `entities` as its text, as resolved.
    fn with_text(
        self,
        message: String,
        entities: Option<Vec<enums::MessageEntity>>,
    ) -> enums::InputBotInlineResult {
        let media_message = |message, entities, reply_markup| {
            enums::InputBotInlineMessage::MediaAuto(Box::new(
                types::InputBotInlineMessageMediaAuto {
                    invert_media: false,
                    message,
                    entities,
                    reply_markup,
                },
            ))
        };
        match self.content {
            Content::Photo(photo) => {
                enums::InputBotInlineResult::Photo(Box::new(types::InputBotInlineResultPhoto {
                    id: self.id,
                    r#type: self.kind.into(),
                    photo,
                    send_message: media_message(message, entities, self.reply_markup),
                }))
            }
            Content::Document(document) => enums::InputBotInlineResult::Document(Box::new(
                types::InputBotInlineResultDocument {
                    id: self.id,
                    r#type: self.kind.into(),
                    title: self.title,
                    description: self.description,
                    document,
                    send_message: media_message(message, entities, self.reply_markup),
                },
            )),
            Content::Web(web) => {
                let content = web_document(self.kind, &web, self.title.as_deref());
                enums::InputBotInlineResult::InputBotInlineResult(Box::new(
                    types::InputBotInlineResult {
                        id: self.id,
                        r#type: self.kind.into(),
                        title: self.title,
                        description: self.description,
                        url: self.url,
                        thumb: self.thumb_url.map(thumb),
                        content: Some(content),
                        send_message: media_message(message, entities, self.reply_markup),
                    },
                ))
            }
            Content::Text => enums::InputBotInlineResult::InputBotInlineResult(Box::new(
                types::InputBotInlineResult {
                    id: self.id,
                    r#type: self.kind.into(),
                    title: self.title,
                    description: self.description,
                    url: self.url,
                    thumb: self.thumb_url.map(thumb),
                    content: None,
                    send_message: enums::InputBotInlineMessage::Text(Box::new(
                        types::InputBotInlineMessageText {
                            no_webpage: self.no_webpage,
                            invert_media: false,
                            message,
                            entities,
                            reply_markup: self.reply_markup,
                        },
                    )),
                },
            )),
        }
    }
}

/// A thumbnail on the web.
fn thumb(url: String) -> enums::InputWebDocument {
    enums::InputWebDocument::InputWebDocument(types::InputWebDocument {
        url,
        size: 0,
        mime_type: JPEG.into(),
        attributes: Vec::new(),
    })
}

/// A file on the web as a result of type `kind` sends it, with the attributes Telegram
/// reads for that kind (an audio's title is the result's).
fn web_document(kind: &str, web: &WebContent, title: Option<&str>) -> enums::InputWebDocument {
    let mut attributes = Vec::new();
    match kind {
        "video" if web.dimensions.is_some() || web.duration.is_some() => {
            let (w, h) = web.dimensions.unwrap_or_default();
            attributes.push(enums::DocumentAttribute::Video(
                types::DocumentAttributeVideo {
                    round_message: false,
                    supports_streaming: false,
                    nosound: false,
                    duration: f64::from(web.duration.unwrap_or_default()),
                    w,
                    h,
                    preload_prefix_size: None,
                    video_start_ts: None,
                    video_codec: None,
                },
            ));
        }
        "audio" => attributes.push(enums::DocumentAttribute::Audio(
            types::DocumentAttributeAudio {
                voice: false,
                duration: web.duration.unwrap_or_default(),
                title: title.map(str::to_owned),
                performer: None,
                waveform: None,
            },
        )),
        _ => {
            if let Some((w, h)) = web.dimensions {
                attributes.push(enums::DocumentAttribute::ImageSize(
                    types::DocumentAttributeImageSize { w, h },
                ));
            }
        }
    }
    enums::InputWebDocument::InputWebDocument(types::InputWebDocument {
        url: web.url.clone(),
        size: web.size,
        mime_type: web.mime_type.clone(),
        attributes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::testing;

    fn input(result: &InlineQueryResult) -> enums::InputBotInlineResult {
        futures_executor::block_on(result.to_input(&testing::client(Some(1)))).unwrap()
    }

    fn bold(offset: i32, length: i32) -> enums::MessageEntity {
        enums::MessageEntity::Bold(types::MessageEntityBold { offset, length })
    }

    #[test]
    fn an_article_sends_its_text_with_its_keyboard() {
        let keyboard = crate::types::InlineKeyboard::new()
            .row([crate::types::InlineButton::callback("ok", "k")]);
        let result = InlineQueryResult::article("a1", "Title", "body")
            .description("desc")
            .no_webpage()
            .reply_markup(keyboard);
        let enums::InputBotInlineResult::InputBotInlineResult(raw) = input(&result) else {
            panic!("an article is a plain inputBotInlineResult");
        };
        assert_eq!((raw.id.as_str(), raw.r#type.as_str()), ("a1", "article"));
        assert_eq!(
            (raw.title.as_deref(), raw.description.as_deref()),
            (Some("Title"), Some("desc"))
        );
        assert!(raw.thumb.is_none() && raw.content.is_none());
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

    /// The text of a result sent (an article's text, a caption) and its entities.
    fn sent_text(raw: &enums::InputBotInlineResult) -> (&str, Option<&[enums::MessageEntity]>) {
        let message = match raw {
            enums::InputBotInlineResult::InputBotInlineResult(r) => &r.send_message,
            enums::InputBotInlineResult::Photo(r) => &r.send_message,
            enums::InputBotInlineResult::Document(r) => &r.send_message,
            other => panic!("{other:?}"),
        };
        match message {
            enums::InputBotInlineMessage::Text(t) => (&t.message, t.entities.as_deref()),
            enums::InputBotInlineMessage::MediaAuto(t) => (&t.message, t.entities.as_deref()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn texts_and_captions_are_read_in_the_parse_mode_and_explicit_entities_win() {
        let article = input(&InlineQueryResult::article("a", "A", "**hi** there"));
        assert_eq!(sent_text(&article), ("hi there", Some(&[bold(0, 2)][..])));
        let html =
            InlineQueryResult::article("h", "H", "<b>hi</b> **x**").parse_mode(ParseMode::Html);
        assert_eq!(
            sent_text(&input(&html)),
            ("hi **x**", Some(&[bold(0, 2)][..]))
        );
        let raw =
            InlineQueryResult::article("r", "R", "**as typed**").parse_mode(ParseMode::Disabled);
        assert_eq!(sent_text(&input(&raw)), ("**as typed**", None));
        let explicit = InlineQueryResult::article("e", "E", "**kept**").entities(vec![bold(2, 4)]);
        assert_eq!(
            sent_text(&input(&explicit)),
            ("**kept**", Some(&[bold(2, 4)][..]))
        );
        let photo = InlineQueryResult::photo("p", "https://e.com/p.jpg", "https://e.com/t.jpg")
            .caption("a **cat**");
        assert_eq!(
            sent_text(&input(&photo)),
            ("a cat", Some(&[bold(2, 3)][..]))
        );
        let file = InlineQueryResult::document("d", "D", "https://e.com/d.pdf", "application/pdf")
            .caption("**pdf**");
        assert_eq!(sent_text(&input(&file)), ("pdf", Some(&[bold(0, 3)][..])));
        let bare = InlineQueryResult::photo("p", "https://e.com/p.jpg", "https://e.com/t.jpg");
        assert_eq!(sent_text(&input(&bare)), ("", None));
    }

    fn web(raw: &enums::InputBotInlineResult) -> &types::InputBotInlineResult {
        match raw {
            enums::InputBotInlineResult::InputBotInlineResult(r) => r,
            other => panic!("a result by URL is a plain inputBotInlineResult: {other:?}"),
        }
    }

    fn document(web: &Option<enums::InputWebDocument>) -> &types::InputWebDocument {
        let Some(enums::InputWebDocument::InputWebDocument(d)) = web else {
            panic!("no web document");
        };
        d
    }

    #[test]
    fn results_by_url_carry_their_content_and_thumbnail_as_web_documents() {
        let photo = input(
            &InlineQueryResult::photo("p", "https://e.com/p.jpg", "https://e.com/t.jpg")
                .title("Cat")
                .dimensions(640, 480)
                .file_size(1234),
        );
        let photo = web(&photo);
        assert_eq!(
            (photo.r#type.as_str(), photo.title.as_deref()),
            ("photo", Some("Cat"))
        );
        let content = document(&photo.content);
        assert_eq!(
            (
                content.url.as_str(),
                content.mime_type.as_str(),
                content.size
            ),
            ("https://e.com/p.jpg", "image/jpeg", 1234)
        );
        assert_eq!(
            content.attributes,
            [enums::DocumentAttribute::ImageSize(
                types::DocumentAttributeImageSize { w: 640, h: 480 }
            )]
        );
        let thumb = document(&photo.thumb);
        assert_eq!(
            (thumb.url.as_str(), thumb.mime_type.as_str()),
            ("https://e.com/t.jpg", "image/jpeg")
        );
        assert!(matches!(
            photo.send_message,
            enums::InputBotInlineMessage::MediaAuto(_)
        ));

        let file = input(
            &InlineQueryResult::document("d", "Manual", "https://e.com/d.pdf", "application/pdf")
                .description("42 pages"),
        );
        let file = web(&file);
        assert_eq!(file.r#type, "file");
        assert_eq!(
            (file.title.as_deref(), file.description.as_deref()),
            (Some("Manual"), Some("42 pages"))
        );
        let content = document(&file.content);
        assert_eq!(
            (content.url.as_str(), content.mime_type.as_str()),
            ("https://e.com/d.pdf", "application/pdf")
        );
        assert!(content.attributes.is_empty() && file.thumb.is_none());

        let video = input(
            &InlineQueryResult::video(
                "v",
                "Clip",
                "https://e.com/v.mp4",
                "video/mp4",
                "https://e.com/v.jpg",
            )
            .dimensions(320, 240)
            .duration(9),
        );
        let video = document(&web(&video).content).attributes.clone();
        let [enums::DocumentAttribute::Video(v)] = &video[..] else {
            panic!("{video:?}");
        };
        assert_eq!((v.w, v.h, v.duration), (320, 240, 9.0));

        let audio =
            input(&InlineQueryResult::audio("a", "Song", "https://e.com/a.mp3").duration(60));
        let audio = web(&audio);
        let content = document(&audio.content);
        assert_eq!(
            (audio.r#type.as_str(), content.mime_type.as_str()),
            ("audio", "audio/mpeg")
        );
        let [enums::DocumentAttribute::Audio(a)] = &content.attributes[..] else {
            panic!("{:?}", content.attributes);
        };
        assert_eq!((a.duration, a.title.as_deref()), (60, Some("Song")));

        let gif = input(&InlineQueryResult::gif(
            "g",
            "https://e.com/g.gif",
            "https://e.com/g.jpg",
        ));
        let gif = web(&gif);
        assert_eq!(
            (
                gif.r#type.as_str(),
                document(&gif.content).mime_type.as_str()
            ),
            ("gif", "image/gif")
        );
        assert_eq!(document(&gif.thumb).url, "https://e.com/g.jpg");

        // An article may show a thumbnail; it still sends its text.
        let article =
            input(&InlineQueryResult::article("t", "T", "text").thumb_url("https://e.com/a.jpg"));
        let article = web(&article);
        assert!(article.content.is_none());
        assert_eq!(document(&article.thumb).url, "https://e.com/a.jpg");
        assert!(matches!(
            article.send_message,
            enums::InputBotInlineMessage::Text(_)
        ));
    }
}
