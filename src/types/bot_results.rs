//! What an inline bot answers a user's query with, as the user receives it: the
//! query's id and the results to pick from.

use super::message_media::{Document, Photo};
use crate::Client;
use crate::methods::SendInlineBotResult;
use crate::peers::PeerRef;
use crate::tl::{enums, types};

/// A bot's answer to an inline query:
/// [`Client::get_inline_bot_results`](crate::Client::get_inline_bot_results). Send one
/// of its results with [`BotResults::send`].
///
/// ```no_run
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// let answer = app.get_inline_bot_results("@wiki", "Rust").await?;
/// println!("{} results, more: {:?}", answer.results().len(), answer.next_offset());
/// if let Some(result) = answer.result("1") {
///     answer.send("me", result.id()).await?;
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct BotResults {
    raw: types::messages::BotResults,
    results: Vec<BotResult>,
    client: Client,
}

impl BotResults {
    pub(crate) fn from_raw(client: &Client, raw: enums::messages::BotResults) -> Self {
        let enums::messages::BotResults::BotResults(raw) = raw;
        let results = raw
            .results
            .iter()
            .cloned()
            .map(BotResult::from_raw)
            .collect();
        BotResults {
            raw: *raw,
            results,
            client: client.clone(),
        }
    }

    /// Sends result `result_id` of this answer to `chat`, as
    /// [`Client::send_inline_bot_result`] does with this answer's query id.
    ///
    /// ```no_run
    /// # async fn demo(client: oxigram::Client) -> oxigram::Result<()> {
    /// let results = client.get_inline_bot_results("@gif", "cats").await?;
    /// if let Some(first) = results.results().first() {
    ///     let sent = results.send("me", first.id()).await?;
    ///     assert!(sent.via_bot_id().is_some());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn send(
        &self,
        chat: impl Into<PeerRef>,
        result_id: impl Into<String>,
    ) -> SendInlineBotResult {
        self.client
            .send_inline_bot_result(chat, self.query_id(), result_id)
    }

    /// The query's id, which sending a result names.
    pub fn query_id(&self) -> i64 {
        self.raw.query_id
    }

    /// The results, in the bot's order.
    pub fn results(&self) -> &[BotResult] {
        &self.results
    }

    /// The result with this id.
    pub fn result(&self, id: &str) -> Option<&BotResult> {
        self.results.iter().find(|r| r.id() == id)
    }

    /// The offset that asks for the next results; `None` at the end.
    pub fn next_offset(&self) -> Option<&str> {
        self.raw.next_offset.as_deref().filter(|o| !o.is_empty())
    }

    /// Whether the bot asked for the results to be shown as a grid of pictures.
    pub fn is_gallery(&self) -> bool {
        self.raw.gallery
    }

    /// Seconds the answer may be cached for.
    pub fn cache_time(&self) -> i32 {
        self.raw.cache_time
    }

    /// The answer as the API sent it.
    pub fn raw(&self) -> &types::messages::BotResults {
        &self.raw
    }
}

/// One result of an inline bot's answer.
///
/// ```no_run
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// let answer = app.get_inline_bot_results("@wiki", "Rust").await?;
/// for result in answer.results() {
///     println!("[{}] {:?}: {:?}", result.kind(), result.title(), result.description());
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BotResult {
    raw: enums::BotInlineResult,
}

impl BotResult {
    fn from_raw(raw: enums::BotInlineResult) -> Self {
        BotResult { raw }
    }

    /// Its id within the answer.
    pub fn id(&self) -> &str {
        match &self.raw {
            enums::BotInlineResult::BotInlineResult(r) => &r.id,
            enums::BotInlineResult::BotInlineMediaResult(r) => &r.id,
        }
    }

    /// Its type (`article`, `photo`, `gif`, `video`, ...).
    pub fn kind(&self) -> &str {
        match &self.raw {
            enums::BotInlineResult::BotInlineResult(r) => &r.r#type,
            enums::BotInlineResult::BotInlineMediaResult(r) => &r.r#type,
        }
    }

    /// Its title, if any.
    pub fn title(&self) -> Option<&str> {
        match &self.raw {
            enums::BotInlineResult::BotInlineResult(r) => r.title.as_deref(),
            enums::BotInlineResult::BotInlineMediaResult(r) => r.title.as_deref(),
        }
    }

    /// The line under the title, if any.
    pub fn description(&self) -> Option<&str> {
        match &self.raw {
            enums::BotInlineResult::BotInlineResult(r) => r.description.as_deref(),
            enums::BotInlineResult::BotInlineMediaResult(r) => r.description.as_deref(),
        }
    }

    /// The URL it is about, if any.
    pub fn url(&self) -> Option<&str> {
        match &self.raw {
            enums::BotInlineResult::BotInlineResult(r) => r.url.as_deref(),
            enums::BotInlineResult::BotInlineMediaResult(_) => None,
        }
    }

    /// The file on the web it sends (a photo, a file, a video... given by URL, which
    /// Telegram fetches when the result is sent).
    ///
    /// ```no_run
    /// # async fn demo(client: oxigram::Client) -> oxigram::Result<()> {
    /// let results = client.get_inline_bot_results("@pic", "cats").await?;
    /// for result in results.results() {
    ///     if let Some(content) = result.content() {
    ///         println!("{} ({})", content.url(), content.mime_type());
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn content(&self) -> Option<WebDocument> {
        match &self.raw {
            enums::BotInlineResult::BotInlineResult(r) => r.content.clone().map(WebDocument),
            enums::BotInlineResult::BotInlineMediaResult(_) => None,
        }
    }

    /// The thumbnail on the web shown for it in the list of results.
    pub fn thumb(&self) -> Option<WebDocument> {
        match &self.raw {
            enums::BotInlineResult::BotInlineResult(r) => r.thumb.clone().map(WebDocument),
            enums::BotInlineResult::BotInlineMediaResult(_) => None,
        }
    }

    /// The text (or caption) sending it posts, where the result says.
    pub fn text(&self) -> Option<&str> {
        let send = match &self.raw {
            enums::BotInlineResult::BotInlineResult(r) => &r.send_message,
            enums::BotInlineResult::BotInlineMediaResult(r) => &r.send_message,
        };
        match send {
            enums::BotInlineMessage::Text(t) => Some(&t.message),
            enums::BotInlineMessage::MediaAuto(t) => Some(&t.message),
            _ => None,
        }
    }

    /// The photo of a media result already on the server.
    pub fn photo(&self) -> Option<Photo> {
        let enums::BotInlineResult::BotInlineMediaResult(r) = &self.raw else {
            return None;
        };
        let media = enums::MessageMedia::Photo(Box::new(types::MessageMediaPhoto {
            spoiler: false,
            photo: r.photo.clone(),
            ttl_seconds: None,
            video: None,
        }));
        Photo::from_media(&media)
    }

    /// The file of a media result already on the server.
    pub fn document(&self) -> Option<Document> {
        let enums::BotInlineResult::BotInlineMediaResult(r) = &self.raw else {
            return None;
        };
        let media = enums::MessageMedia::Document(Box::new(types::MessageMediaDocument {
            nopremium: false,
            spoiler: false,
            video: false,
            round: false,
            voice: false,
            document: r.document.clone(),
            alt_documents: None,
            video_cover: None,
            video_timestamp: None,
            ttl_seconds: None,
        }));
        Document::from_media(&media)
    }

    /// The result as the API sent it.
    pub fn raw(&self) -> &enums::BotInlineResult {
        &self.raw
    }
}

/// A file on the web an inline result shows or sends: [`BotResult::content`],
/// [`BotResult::thumb`].
///
/// ```no_run
/// # async fn demo(client: oxigram::Client) -> oxigram::Result<()> {
/// let results = client.get_inline_bot_results("@pic", "cats").await?;
/// for thumb in results.results().iter().filter_map(|r| r.thumb()) {
///     println!("{} {:?} {:?}", thumb.url(), thumb.size(), thumb.dimensions());
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct WebDocument(enums::WebDocument);

impl WebDocument {
    /// Its address.
    pub fn url(&self) -> &str {
        match &self.0 {
            enums::WebDocument::WebDocument(d) => &d.url,
            enums::WebDocument::NoProxy(d) => &d.url,
        }
    }

    /// Its MIME type (`image/jpeg`, `application/pdf`, ...).
    pub fn mime_type(&self) -> &str {
        match &self.0 {
            enums::WebDocument::WebDocument(d) => &d.mime_type,
            enums::WebDocument::NoProxy(d) => &d.mime_type,
        }
    }

    /// Its size in bytes, if the bot said.
    pub fn size(&self) -> Option<i32> {
        let size = match &self.0 {
            enums::WebDocument::WebDocument(d) => d.size,
            enums::WebDocument::NoProxy(d) => d.size,
        };
        (size > 0).then_some(size)
    }

    /// Its width and height, for a picture or video whose bot said.
    pub fn dimensions(&self) -> Option<(i32, i32)> {
        self.attributes().iter().find_map(|a| match a {
            enums::DocumentAttribute::ImageSize(s) => Some((s.w, s.h)),
            enums::DocumentAttribute::Video(v) => Some((v.w, v.h)),
            _ => None,
        })
    }

    fn attributes(&self) -> &[enums::DocumentAttribute] {
        match &self.0 {
            enums::WebDocument::WebDocument(d) => &d.attributes,
            enums::WebDocument::NoProxy(d) => &d.attributes,
        }
    }

    /// The file as the API sent it.
    pub fn raw(&self) -> &enums::WebDocument {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::testing;

    fn media_result(media: enums::MessageMedia) -> enums::BotInlineResult {
        let (photo, document) = match media {
            enums::MessageMedia::Photo(p) => (p.photo, None),
            enums::MessageMedia::Document(d) => (None, d.document),
            _ => (None, None),
        };
        enums::BotInlineResult::BotInlineMediaResult(Box::new(types::BotInlineMediaResult {
            id: "m".into(),
            r#type: "file".into(),
            photo,
            document,
            title: None,
            description: Some("a file".into()),
            send_message: enums::BotInlineMessage::MediaAuto(Box::new(
                types::BotInlineMessageMediaAuto {
                    invert_media: false,
                    message: "caption".into(),
                    entities: None,
                    reply_markup: None,
                },
            )),
        }))
    }

    #[test]
    fn a_result_by_url_shows_its_content_and_thumbnail() {
        let content = enums::WebDocument::WebDocument(types::WebDocument {
            url: "https://e.com/p.jpg".into(),
            access_hash: 5,
            size: 0,
            mime_type: "image/jpeg".into(),
            attributes: vec![enums::DocumentAttribute::ImageSize(
                types::DocumentAttributeImageSize { w: 4, h: 3 },
            )],
        });
        let thumb = enums::WebDocument::NoProxy(types::WebDocumentNoProxy {
            url: "https://e.com/t.jpg".into(),
            size: 99,
            mime_type: "image/jpeg".into(),
            attributes: vec![],
        });
        let result = BotResult::from_raw(enums::BotInlineResult::BotInlineResult(Box::new(
            types::BotInlineResult {
                id: "p".into(),
                r#type: "photo".into(),
                title: None,
                description: None,
                url: None,
                thumb: Some(thumb),
                content: Some(content),
                send_message: enums::BotInlineMessage::MediaAuto(Box::new(
                    types::BotInlineMessageMediaAuto {
                        invert_media: false,
                        message: "cap".into(),
                        entities: None,
                        reply_markup: None,
                    },
                )),
            },
        )));
        let content = result.content().expect("a content");
        assert_eq!(
            (content.url(), content.mime_type()),
            ("https://e.com/p.jpg", "image/jpeg")
        );
        assert_eq!((content.size(), content.dimensions()), (None, Some((4, 3))));
        let thumb = result.thumb().expect("a thumbnail");
        assert_eq!(
            (thumb.url(), thumb.size(), thumb.dimensions()),
            ("https://e.com/t.jpg", Some(99), None)
        );
        assert!(result.photo().is_none() && result.document().is_none());
        assert_eq!(result.text(), Some("cap"));
    }

    #[test]
    fn media_results_carry_their_file_and_the_answer_its_offset() {
        let document = crate::types::media::tests::document(vec![]);
        let raw = enums::messages::BotResults::BotResults(Box::new(types::messages::BotResults {
            gallery: true,
            query_id: 77,
            next_offset: Some(String::new()),
            switch_pm: None,
            switch_webview: None,
            results: vec![media_result(document)],
            cache_time: 30,
            users: vec![],
        }));
        let answer = BotResults::from_raw(&testing::client(Some(1)), raw);
        assert_eq!((answer.query_id(), answer.cache_time()), (77, 30));
        assert!(answer.is_gallery());
        assert_eq!(answer.next_offset(), None, "an empty offset is the end");
        let result = answer.result("m").expect("listed");
        assert_eq!((result.kind(), result.text()), ("file", Some("caption")));
        assert_eq!(result.description(), Some("a file"));
        assert_eq!((result.title(), result.url()), (None, None));
        assert_eq!(result.document().map(|d| d.id()), Some(1));
        assert!(result.photo().is_none());
        assert!(answer.result("other").is_none());
    }
}
