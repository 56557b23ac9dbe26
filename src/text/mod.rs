//! Formatted text: Markdown and HTML to text with entities, and back.
//!
//! Telegram sends formatting as *entities* beside the plain text: ranges in UTF-16 code
//! units (an emoji outside the Basic Multilingual Plane counts two). This module turns
//! markup into that form ([`parse_markdown`], [`parse_html`], [`ParseMode::parse`]) and
//! entities back into markup ([`to_markdown`], [`to_html`], and
//! [`MessageText::html`] on a received message).
//!
//! | Formatting       | Markdown                         | HTML                                                        |
//! |------------------|----------------------------------|-------------------------------------------------------------|
//! | bold             | `**bold**`                       | `<b>`, `<strong>`                                           |
//! | italic           | `__italic__`                     | `<i>`, `<em>`                                               |
//! | underline        | `--underline--`                  | `<u>`, `<ins>`                                              |
//! | strikethrough    | `~~strike~~`                     | `<s>`, `<strike>`, `<del>`                                  |
//! | spoiler          | `\|\|spoiler\|\|`                | `<tg-spoiler>`, `<spoiler>`, `<span class="tg-spoiler">`    |
//! | inline code      | `` `code` ``                     | `<code>`                                                    |
//! | pre block        | ```` ```rust ```` newline … ```` ``` ```` | `<pre>`, `<pre language="rust">`, `<pre><code class="language-rust">` |
//! | link             | `[text](https://example.com)`    | `<a href="https://example.com">`                            |
//! | mention by id    | `[name](tg://user?id=123)`       | `<a href="tg://user?id=123">`                               |
//! | custom emoji     | `![👍](tg://emoji?id=5368324170671202286)` | `<tg-emoji emoji-id="5368324170671202286">`       |
//! | quote            | lines starting with `>`          | `<blockquote>`                                              |
//! | expandable quote | first line `**>`, the others `>`, last ending with `\|\|` | `<blockquote expandable>`          |
//!
//! **Markdown** reads Pyrogram's delimiters. A backslash makes the ASCII punctuation
//! after it plain text (`\*\*` is two stars); inside code and pre blocks it does so for
//! `` ` ``, `\`, and a line's leading `>` or `*`. Markup that does not close is plain
//! text (an unclosed `**`, a `[` without `](url)`): parsing Markdown never fails. The
//! delimiters pair first with next, kind by kind, so differently formatted ranges may
//! overlap (`**a __b** c__`). A pre block's fence line holds its language; the newline
//! before the closing fence is not the block's. A quote is a run of lines starting with
//! `>` (the `>` is not text); it is expandable if its first line starts with `**>` and
//! its last ends with `||`. Lines are the source's: a quote may end on a pre block's
//! opening fence line or start on its first line, and an empty pre block (which reads
//! as nothing) between two quotes on consecutive lines keeps them apart, as the
//! writer does (`` >a``` ``, newline, `` ``` ``, newline, `>b`). Unlike Pyrogram's
//! default mode, HTML tags in Markdown are text: pick [`ParseMode::Html`] for HTML.
//!
//! **HTML** reads the tags above, in any letter case; `&lt;`, `&gt;`, `&amp;`,
//! `&quot;`, `&apos;`, `&nbsp;` and numeric references. An unknown tag, and a `<` or
//! `&` that starts no tag or reference, is text as written; a `<span>` other than a
//! spoiler groups without formatting. A known tag left open or closed out of order is a
//! [`ParseError`] naming the byte where it is.
//!
//! Both ways round trip: `parse(to_markup(text, entities))` gives `text` and
//! `entities` back for the entities a flavour can write (see [`to_markdown`] for what
//! Markdown can not). Parsing takes time linear in the input.
//!
//! ```
//! use oxigram::text::{self, ParseMode};
//!
//! let (plain, entities) = text::parse_markdown("**bold** and [a link](https://example.com)");
//! assert_eq!(plain, "bold and a link");
//! assert_eq!(entities.len(), 2);
//! assert_eq!(text::to_html(&plain, &entities), "<b>bold</b> and <a href=\"https://example.com\">a link</a>");
//!
//! let (plain, entities) = ParseMode::Html.parse("<i>👍 ok</i>")?;
//! assert_eq!((plain.as_str(), text::to_markdown(&plain, &entities)), ("👍 ok", "__👍 ok__".into()));
//! # Ok::<(), text::ParseError>(())
//! ```

mod html;
mod located;
mod markdown;
mod span;
mod view;

#[cfg(test)]
mod tests;

use crate::tl::enums;

pub use view::MessageText;

/// How the text of a message sent is read: [`ClientBuilder::parse_mode`] sets it for a
/// client, and `.parse_mode(...)` on a request for that request.
///
/// The default is [`Markdown`](ParseMode::Markdown). Entities given to a request
/// explicitly are sent as they are, whatever the mode.
///
/// [`ClientBuilder::parse_mode`]: crate::ClientBuilder::parse_mode
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ParseMode {
    /// Pyrogram's Markdown ([`parse_markdown`]); never fails.
    #[default]
    Markdown,
    /// Telegram's HTML ([`parse_html`]).
    Html,
    /// The text is sent as it is.
    Disabled,
}

impl ParseMode {
    /// Reads `text` in this mode: the plain text and its entities (none for
    /// [`Disabled`](ParseMode::Disabled)).
    ///
    /// ```
    /// use oxigram::text::ParseMode;
    ///
    /// let (text, entities) = ParseMode::Markdown.parse("__hi__")?;
    /// assert_eq!((text.as_str(), entities.len()), ("hi", 1));
    /// assert!(ParseMode::Html.parse("<b>open").is_err());
    /// # Ok::<(), oxigram::text::ParseError>(())
    /// ```
    pub fn parse(self, text: &str) -> Result<(String, Vec<enums::MessageEntity>), ParseError> {
        match self {
            ParseMode::Markdown => Ok(parse_markdown(text)),
            ParseMode::Html => parse_html(text),
            ParseMode::Disabled => Ok((text.to_owned(), Vec::new())),
        }
    }
}

/// HTML that can not be read: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("HTML at byte {position}: {kind}")]
pub struct ParseError {
    /// The byte offset in the input of the tag at fault.
    pub position: usize,
    /// What is wrong there.
    pub kind: ParseErrorKind,
}

/// What is wrong with HTML that can not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// A tag opened here is never closed.
    #[error("<{0}> is not closed")]
    Unclosed(String),
    /// A closing tag with nothing open.
    #[error("</{0}> closes nothing")]
    UnexpectedClose(String),
    /// A closing tag that is not the innermost open one's.
    #[error("</{close}> found where </{open}> was expected")]
    Mismatched {
        /// The tag open innermost.
        open: String,
        /// The tag closed.
        close: String,
    },
}

/// Reads Markdown (Pyrogram's flavour, see the [module docs](self)): the plain text
/// and its entities, with UTF-16 offsets. Never fails: what does not close is text.
///
/// ```
/// let (text, entities) = oxigram::text::parse_markdown("a **b** \\*c\\*");
/// assert_eq!(text, "a b *c*");
/// assert_eq!(entities.len(), 1);
/// ```
pub fn parse_markdown(markdown: &str) -> (String, Vec<enums::MessageEntity>) {
    let (text, spans) = markdown::parse(markdown);
    (text, span::entities(spans))
}

/// Reads HTML (see the [module docs](self)): the plain text and its entities, with
/// UTF-16 offsets.
///
/// ```
/// let (text, entities) = oxigram::text::parse_html("<b>1 &lt; 2</b>")?;
/// assert_eq!((text.as_str(), entities.len()), ("1 < 2", 1));
/// # Ok::<(), oxigram::text::ParseError>(())
/// ```
pub fn parse_html(html: &str) -> Result<(String, Vec<enums::MessageEntity>), ParseError> {
    let (text, spans) = html::parse(html)?;
    Ok((text, span::entities(spans)))
}

/// Writes `text` with `entities` (UTF-16 offsets, as the API sends them) as Markdown
/// that [`parse_markdown`] reads back to the same.
///
/// Entities found by Telegram itself (mentions by username, hashtags, URLs, ...) are
/// text. What Markdown can not write is left out: formatting inside code or a pre
/// block (cut at its edges), a link overlapping another, a quote that does not hold
/// whole lines, one on the line after another where nothing can set them apart (both
/// inside one code span or pre block), a pre block's language outside
/// `[A-Za-z0-9_+#.-]`. Elsewhere quotes on consecutive lines are kept apart by an empty
/// pre block. Offsets out of the text are clamped, and those inside a surrogate pair
/// moved out of it.
///
/// ```
/// use oxigram::text;
///
/// let (plain, entities) = text::parse_html("<u>1*2</u> <a href=\"tg://user?id=42\">Ann</a>")?;
/// assert_eq!(text::to_markdown(&plain, &entities), "--1*2-- [Ann](tg://user?id=42)");
/// # Ok::<(), text::ParseError>(())
/// ```
pub fn to_markdown(text: &str, entities: &[enums::MessageEntity]) -> String {
    markdown::unparse(text, entities)
}

/// Writes `text` with `entities` (UTF-16 offsets) as HTML that [`parse_html`] reads
/// back to the same. Overlapping entities are closed and opened again where they
/// cross, which reads back as two entities. A code entity that starts where a pre block
/// starts is left out: its `<code>` would read as the block's own tag, and the block is
/// monospace already.
///
/// ```
/// use oxigram::text;
///
/// let (plain, entities) = text::parse_markdown("**a < b**");
/// assert_eq!(text::to_html(&plain, &entities), "<b>a &lt; b</b>");
/// ```
pub fn to_html(text: &str, entities: &[enums::MessageEntity]) -> String {
    html::unparse(text, entities)
}
