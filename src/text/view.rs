//! The text of a received message, with its formatting.

use std::fmt;
use std::ops::Deref;

use crate::tl::enums;

/// The text (or caption) of a message with its entities: [`Message::text`] and
/// [`Message::caption`].
///
/// It reads as a `&str` (it derefs to one, compares with strings, and displays as the
/// plain text), and writes the formatting back as markup with [`html`](Self::html) and
/// [`markdown`](Self::markdown).
///
/// ```no_run
/// # fn demo(message: oxigram::Message) {
/// let text = message.text();
/// if text == "ping" || text.starts_with("/start") {
///     println!("{text} as HTML: {}", text.html());
/// }
/// let owned: String = text.into();
/// # }
/// ```
///
/// [`Message::text`]: crate::Message::text
/// [`Message::caption`]: crate::Message::caption
#[derive(Default)]
pub struct MessageText<'a> {
    text: &'a str,
    entities: &'a [enums::MessageEntity],
}

impl<'a> MessageText<'a> {
    /// The view of `text` formatted by `entities` (UTF-16 offsets).
    ///
    /// ```
    /// use oxigram::text::{MessageText, parse_html};
    ///
    /// let (text, entities) = parse_html("<i>hello</i> world")?;
    /// let view = MessageText::new(&text, &entities);
    /// assert_eq!(view, "hello world");
    /// assert_eq!(view.entities().len(), 1);
    /// # Ok::<(), oxigram::text::ParseError>(())
    /// ```
    pub fn new(text: &'a str, entities: &'a [enums::MessageEntity]) -> Self {
        MessageText { text, entities }
    }

    /// The plain text, borrowed from the message.
    ///
    /// ```no_run
    /// # fn demo(message: &oxigram::Message) -> Option<&str> {
    /// // The `&str` lives as long as the message, not as long as the view.
    /// let first_word = message.text().as_str().split_whitespace().next();
    /// first_word
    /// # }
    /// ```
    pub fn as_str(&self) -> &'a str {
        self.text
    }

    /// The entities of the text, as the API sent them.
    ///
    /// ```no_run
    /// # fn demo(message: &oxigram::Message) {
    /// use oxigram::tl::enums::MessageEntity;
    ///
    /// let links = message
    ///     .text()
    ///     .entities()
    ///     .iter()
    ///     .filter(|e| matches!(e, MessageEntity::Url(_) | MessageEntity::TextUrl(_)))
    ///     .count();
    /// println!("{links} links");
    /// # }
    /// ```
    pub fn entities(&self) -> &'a [enums::MessageEntity] {
        self.entities
    }

    /// The text as HTML ([`to_html`](super::to_html)).
    ///
    /// ```
    /// use oxigram::text::{MessageText, parse_markdown};
    ///
    /// let (text, entities) = parse_markdown("**hi** there");
    /// assert_eq!(MessageText::new(&text, &entities).html(), "<b>hi</b> there");
    /// ```
    pub fn html(&self) -> String {
        super::to_html(self.text, self.entities)
    }

    /// The text as Markdown ([`to_markdown`](super::to_markdown)).
    ///
    /// ```
    /// use oxigram::text::{MessageText, parse_html};
    ///
    /// let (text, entities) = parse_html("<b>hi</b> there")?;
    /// assert_eq!(MessageText::new(&text, &entities).markdown(), "**hi** there");
    /// # Ok::<(), oxigram::text::ParseError>(())
    /// ```
    pub fn markdown(&self) -> String {
        super::to_markdown(self.text, self.entities)
    }
}

impl Deref for MessageText<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        self.text
    }
}

impl AsRef<str> for MessageText<'_> {
    fn as_ref(&self) -> &str {
        self.text
    }
}

impl PartialEq for MessageText<'_> {
    /// Compares the plain texts.
    fn eq(&self, other: &MessageText<'_>) -> bool {
        self.text == other.text
    }
}

impl PartialEq<str> for MessageText<'_> {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for MessageText<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl PartialEq<String> for MessageText<'_> {
    fn eq(&self, other: &String) -> bool {
        self.text == other
    }
}

impl PartialEq<MessageText<'_>> for str {
    fn eq(&self, other: &MessageText<'_>) -> bool {
        self == other.text
    }
}

impl PartialEq<MessageText<'_>> for &str {
    fn eq(&self, other: &MessageText<'_>) -> bool {
        *self == other.text
    }
}

impl fmt::Display for MessageText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)
    }
}

impl fmt::Debug for MessageText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.text, f)
    }
}

impl From<MessageText<'_>> for String {
    fn from(text: MessageText<'_>) -> String {
        text.text.to_owned()
    }
}
