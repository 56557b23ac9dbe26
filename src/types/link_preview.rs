//! How a message's link preview is shown, as Bot API's `LinkPreviewOptions`.

/// How a text message's link preview is shown:
///
/// ```no_run
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// use oxigram::types::LinkPreviewOptions;
/// app.send_message("me", "read https://example.com/a and https://example.com/b")
///     .link_preview_options(
///         LinkPreviewOptions::new()
///             .url("https://example.com/b")
///             .prefer_large_media()
///             .show_above_text(),
///     )
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkPreviewOptions {
    pub(crate) is_disabled: bool,
    pub(crate) url: Option<String>,
    pub(crate) prefer_small_media: bool,
    pub(crate) prefer_large_media: bool,
    pub(crate) show_above_text: bool,
}

impl LinkPreviewOptions {
    /// The server's choice: a preview of the first link, if it makes one.
    pub fn new() -> Self {
        LinkPreviewOptions::default()
    }

    /// No preview.
    pub fn disabled() -> Self {
        LinkPreviewOptions {
            is_disabled: true,
            ..LinkPreviewOptions::default()
        }
    }

    /// The preview of this URL rather than of the first link in the text.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// The page's media shown small.
    pub fn prefer_small_media(mut self) -> Self {
        self.prefer_small_media = true;
        self.prefer_large_media = false;
        self
    }

    /// The page's media shown large.
    pub fn prefer_large_media(mut self) -> Self {
        self.prefer_large_media = true;
        self.prefer_small_media = false;
        self
    }

    /// The preview above the text rather than under it.
    pub fn show_above_text(mut self) -> Self {
        self.show_above_text = true;
        self
    }

    /// Whether the preview must be asked for as media (a URL or a size chosen), and
    /// for which URL: the one given, else the first link in `text`.
    pub(crate) fn requested_url(&self, text: &str) -> Option<String> {
        if self.is_disabled
            || (self.url.is_none() && !self.prefer_small_media && !self.prefer_large_media)
        {
            return None;
        }
        self.url.clone().or_else(|| first_url(text))
    }
}

/// The first `http://` or `https://` link in `text`, up to the next white space.
fn first_url(text: &str) -> Option<String> {
    let start = ["http://", "https://"]
        .iter()
        .filter_map(|scheme| text.find(scheme))
        .min()?;
    let end = text[start..]
        .find(char::is_whitespace)
        .map_or(text.len(), |e| start + e);
    Some(text[start..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_url_is_the_one_given_or_the_first_link() {
        let text = "see https://b.example/x then http://a.example";
        let plain = LinkPreviewOptions::new();
        assert_eq!(plain.requested_url(text), None, "the server's choice");
        let large = LinkPreviewOptions::new().prefer_large_media();
        assert_eq!(
            large.requested_url(text).as_deref(),
            Some("https://b.example/x")
        );
        let given = LinkPreviewOptions::new().url("https://c.example");
        assert_eq!(
            given.requested_url(text).as_deref(),
            Some("https://c.example")
        );
        assert_eq!(large.requested_url("no links here"), None);
        assert_eq!(
            LinkPreviewOptions::disabled()
                .url("https://c.example")
                .requested_url(text),
            None
        );
    }
}
