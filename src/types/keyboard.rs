//! Keyboards: inline buttons under a message, and reply keyboards in place of the
//! user's own; built for sending and read back from a received message.

use bytes::Bytes;

use crate::tl::{enums, types};

/// A button of an inline keyboard.
///
/// ```
/// use oxigram::types::{InlineButton, InlineKeyboard};
///
/// let keyboard = InlineKeyboard::new()
///     .row([InlineButton::callback("👍", "like"), InlineButton::callback("👎", "dislike")])
///     .row([InlineButton::url("Source", "https://github.com/oxigram/oxigram")])
///     .row([InlineButton::switch_inline("Share", "oxigram")]);
/// for button in keyboard.buttons() {
///     println!("{}: {:?} {:?}", button.text(), button.data(), button.url_target());
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct InlineButton {
    text: String,
    kind: enums::InlineButtonType,
    style: Option<enums::KeyboardButtonStyle>,
}

impl InlineButton {
    /// A button that sends `data` back to the bot as a callback query (at most 64
    /// bytes, the server's limit).
    pub fn callback(text: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        Self::of(
            text,
            enums::InlineButtonType::Callback(types::InlineButtonTypeCallback {
                requires_password: false,
                data: Bytes::from(data.into()),
            }),
        )
    }

    /// A button that opens `url`.
    pub fn url(text: impl Into<String>, url: impl Into<String>) -> Self {
        Self::of(
            text,
            enums::InlineButtonType::Url(types::InlineButtonTypeUrl { url: url.into() }),
        )
    }

    /// A button that asks the user to pick a chat and starts an inline query to this
    /// bot there, with `query` typed.
    pub fn switch_inline(text: impl Into<String>, query: impl Into<String>) -> Self {
        Self::switch(text, query, false)
    }

    /// A button that starts an inline query to this bot in the current chat.
    pub fn switch_inline_current_chat(text: impl Into<String>, query: impl Into<String>) -> Self {
        Self::switch(text, query, true)
    }

    /// A button that copies `copy_text` to the clipboard.
    pub fn copy_text(text: impl Into<String>, copy_text: impl Into<String>) -> Self {
        Self::of(
            text,
            enums::InlineButtonType::Copy(types::InlineButtonTypeCopy {
                copy_text: copy_text.into(),
            }),
        )
    }

    /// A button that opens the web app at `url`.
    pub fn web_app(text: impl Into<String>, url: impl Into<String>) -> Self {
        Self::of(
            text,
            enums::InlineButtonType::WebView(types::InlineButtonTypeWebView { url: url.into() }),
        )
    }

    /// A button of any type the API has.
    pub fn of(text: impl Into<String>, kind: enums::InlineButtonType) -> Self {
        InlineButton {
            text: text.into(),
            kind,
            style: None,
        }
    }

    fn switch(text: impl Into<String>, query: impl Into<String>, same_peer: bool) -> Self {
        Self::of(
            text,
            enums::InlineButtonType::SwitchInline(types::InlineButtonTypeSwitchInline {
                same_peer,
                query: query.into(),
                peer_types: None,
            }),
        )
    }

    /// The label.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The callback data, for a callback button.
    pub fn data(&self) -> Option<&[u8]> {
        match &self.kind {
            enums::InlineButtonType::Callback(c) => Some(&c.data),
            _ => None,
        }
    }

    /// The URL, for a URL or web app button.
    pub fn url_target(&self) -> Option<&str> {
        match &self.kind {
            enums::InlineButtonType::Url(u) => Some(&u.url),
            enums::InlineButtonType::WebView(u) => Some(&u.url),
            _ => None,
        }
    }

    /// The button's type as the API has it.
    pub fn kind(&self) -> &enums::InlineButtonType {
        &self.kind
    }

    fn to_raw(&self) -> enums::KeyboardInlineButton {
        enums::KeyboardInlineButton::KeyboardInlineButton(Box::new(types::KeyboardInlineButton {
            style: self.style.clone(),
            text: self.text.clone(),
            r#type: self.kind.clone(),
        }))
    }

    fn from_raw(button: &enums::KeyboardInlineButton) -> Self {
        let enums::KeyboardInlineButton::KeyboardInlineButton(b) = button;
        InlineButton {
            text: b.text.clone(),
            kind: b.r#type.clone(),
            style: b.style.clone(),
        }
    }
}

/// An inline keyboard: rows of [`InlineButton`]s under a message.
///
/// ```
/// use oxigram::types::{InlineButton, InlineKeyboard};
///
/// let keyboard = InlineKeyboard::new()
///     .row([InlineButton::callback("Yes", "vote:yes"), InlineButton::callback("No", "vote:no")])
///     .row([InlineButton::url("Docs", "https://docs.rs/oxigram")]);
/// assert_eq!(keyboard.button(0, 1).and_then(|b| b.data()), Some(&b"vote:no"[..]));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InlineKeyboard {
    rows: Vec<Vec<InlineButton>>,
}

impl InlineKeyboard {
    /// An empty keyboard; add rows with [`row`](InlineKeyboard::row).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a row of buttons.
    pub fn row(mut self, buttons: impl IntoIterator<Item = InlineButton>) -> Self {
        self.rows.push(buttons.into_iter().collect());
        self
    }

    /// The rows.
    pub fn rows(&self) -> &[Vec<InlineButton>] {
        &self.rows
    }

    /// The button at `row`, `column` (both from 0).
    pub fn button(&self, row: usize, column: usize) -> Option<&InlineButton> {
        self.rows.get(row)?.get(column)
    }

    /// Every button, row by row.
    pub fn buttons(&self) -> impl Iterator<Item = &InlineButton> {
        self.rows.iter().flatten()
    }

    /// The inline keyboard of `markup`, if it is one.
    pub fn from_markup(markup: &enums::ReplyMarkup) -> Option<Self> {
        let enums::ReplyMarkup::ReplyInlineMarkup(markup) = markup else {
            return None;
        };
        let rows = markup
            .rows
            .iter()
            .map(|row| {
                let enums::KeyboardInlineButtonRow::KeyboardInlineButtonRow(row) = row;
                row.buttons.iter().map(InlineButton::from_raw).collect()
            })
            .collect();
        Some(InlineKeyboard { rows })
    }
}

impl From<InlineKeyboard> for enums::ReplyMarkup {
    fn from(keyboard: InlineKeyboard) -> Self {
        enums::ReplyMarkup::ReplyInlineMarkup(types::ReplyInlineMarkup {
            force_reply: false,
            rows: keyboard
                .rows
                .iter()
                .map(|row| {
                    enums::KeyboardInlineButtonRow::KeyboardInlineButtonRow(
                        types::KeyboardInlineButtonRow {
                            buttons: row.iter().map(InlineButton::to_raw).collect(),
                        },
                    )
                })
                .collect(),
        })
    }
}

/// A button of a reply keyboard: pressing it sends its text (or the user's phone
/// number or location, for those buttons).
///
/// ```
/// use oxigram::types::{ReplyButton, ReplyKeyboard};
///
/// let keyboard = ReplyKeyboard::new()
///     .row([ReplyButton::request_phone("Share my number")])
///     .row([ReplyButton::request_location("Share my location"), ReplyButton::text("Skip")]);
/// assert_eq!(keyboard.rows()[1][1].label(), "Skip");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyButton {
    text: String,
    kind: enums::ButtonType,
}

impl ReplyButton {
    /// A button that sends its text.
    pub fn text(text: impl Into<String>) -> Self {
        Self::of(text, enums::ButtonType::Default)
    }

    /// A button that shares the user's phone number.
    pub fn request_phone(text: impl Into<String>) -> Self {
        Self::of(text, enums::ButtonType::RequestPhone)
    }

    /// A button that shares the user's location.
    pub fn request_location(text: impl Into<String>) -> Self {
        Self::of(text, enums::ButtonType::RequestGeoLocation)
    }

    /// A button of any type the API has.
    pub fn of(text: impl Into<String>, kind: enums::ButtonType) -> Self {
        ReplyButton {
            text: text.into(),
            kind,
        }
    }

    /// The label.
    pub fn label(&self) -> &str {
        &self.text
    }

    /// The button's type as the API has it.
    pub fn kind(&self) -> &enums::ButtonType {
        &self.kind
    }
}

/// A reply keyboard, shown in place of the user's own.
///
/// ```no_run
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// use oxigram::types::{ReplyButton, ReplyKeyboard};
///
/// let menu = ReplyKeyboard::new()
///     .row([ReplyButton::text("Menu"), ReplyButton::text("Help")])
///     .resize()
///     .one_time()
///     .placeholder("Pick one");
/// app.send_message("@alice", "What next?").reply_markup(menu).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReplyKeyboard {
    rows: Vec<Vec<ReplyButton>>,
    resize: bool,
    one_time: bool,
    selective: bool,
    persistent: bool,
    placeholder: Option<String>,
}

impl ReplyKeyboard {
    /// An empty keyboard; add rows with [`row`](ReplyKeyboard::row).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a row of buttons.
    pub fn row(mut self, buttons: impl IntoIterator<Item = ReplyButton>) -> Self {
        self.rows.push(buttons.into_iter().collect());
        self
    }

    /// Fits the keyboard's height to its buttons.
    pub fn resize(mut self) -> Self {
        self.resize = true;
        self
    }

    /// Hides the keyboard once a button is pressed.
    pub fn one_time(mut self) -> Self {
        self.one_time = true;
        self
    }

    /// Shows the keyboard only to the users mentioned or replied to.
    pub fn selective(mut self) -> Self {
        self.selective = true;
        self
    }

    /// Keeps the keyboard shown even when the user hides it.
    pub fn persistent(mut self) -> Self {
        self.persistent = true;
        self
    }

    /// The placeholder shown in the input field.
    pub fn placeholder(mut self, text: impl Into<String>) -> Self {
        self.placeholder = Some(text.into());
        self
    }

    /// The rows.
    pub fn rows(&self) -> &[Vec<ReplyButton>] {
        &self.rows
    }

    /// The reply keyboard of `markup`, if it is one.
    pub fn from_markup(markup: &enums::ReplyMarkup) -> Option<Self> {
        let enums::ReplyMarkup::ReplyKeyboardMarkup(m) = markup else {
            return None;
        };
        let rows = m
            .rows
            .iter()
            .map(|row| {
                let enums::KeyboardButtonRow::KeyboardButtonRow(row) = row;
                row.buttons
                    .iter()
                    .map(|b| {
                        let enums::KeyboardButton::KeyboardButton(b) = b;
                        ReplyButton::of(b.text.clone(), b.r#type.clone())
                    })
                    .collect()
            })
            .collect();
        Some(ReplyKeyboard {
            rows,
            resize: m.resize,
            one_time: m.single_use,
            selective: m.selective,
            persistent: m.persistent,
            placeholder: m.placeholder.clone(),
        })
    }
}

impl From<ReplyKeyboard> for enums::ReplyMarkup {
    fn from(keyboard: ReplyKeyboard) -> Self {
        enums::ReplyMarkup::ReplyKeyboardMarkup(types::ReplyKeyboardMarkup {
            resize: keyboard.resize,
            single_use: keyboard.one_time,
            selective: keyboard.selective,
            persistent: keyboard.persistent,
            force_reply: false,
            rows: keyboard
                .rows
                .into_iter()
                .map(|row| {
                    enums::KeyboardButtonRow::KeyboardButtonRow(types::KeyboardButtonRow {
                        buttons: row
                            .into_iter()
                            .map(|b| {
                                enums::KeyboardButton::KeyboardButton(Box::new(
                                    types::KeyboardButton {
                                        style: None,
                                        text: b.text,
                                        r#type: b.kind,
                                    },
                                ))
                            })
                            .collect(),
                    })
                })
                .collect(),
            placeholder: keyboard.placeholder,
        })
    }
}

/// Removes the reply keyboard shown.
///
/// ```no_run
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// use oxigram::types::RemoveKeyboard;
///
/// app.send_message("@alice", "Thanks!")
///     .reply_markup(RemoveKeyboard::default())
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RemoveKeyboard {
    /// Only for the users mentioned or replied to.
    pub selective: bool,
}

impl From<RemoveKeyboard> for enums::ReplyMarkup {
    fn from(remove: RemoveKeyboard) -> Self {
        enums::ReplyMarkup::ReplyKeyboardHide(types::ReplyKeyboardHide {
            selective: remove.selective,
        })
    }
}

/// Opens a reply to the message in the user's client, as if they had pressed Reply.
///
/// ```no_run
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// use oxigram::types::ForceReply;
///
/// let ask = ForceReply {
///     placeholder: Some("Your name".into()),
///     ..ForceReply::default()
/// };
/// app.send_message("@alice", "What should I call you?").reply_markup(ask).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ForceReply {
    /// Only for the users mentioned or replied to.
    pub selective: bool,
    /// The placeholder shown in the input field.
    pub placeholder: Option<String>,
}

impl From<ForceReply> for enums::ReplyMarkup {
    fn from(force: ForceReply) -> Self {
        enums::ReplyMarkup::ReplyKeyboardForceReply(types::ReplyKeyboardForceReply {
            single_use: false,
            selective: force.selective,
            placeholder: force.placeholder,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tl::{Deserialize, Serialize};

    #[test]
    fn an_inline_keyboard_survives_the_wire_and_reads_back() {
        let keyboard = InlineKeyboard::new()
            .row([
                InlineButton::callback("Yes", "y"),
                InlineButton::url("Site", "https://example.com"),
            ])
            .row([InlineButton::switch_inline_current_chat("Search", "cats")]);
        let markup = enums::ReplyMarkup::from(keyboard.clone());
        let decoded = enums::ReplyMarkup::from_bytes(&markup.to_bytes()).unwrap();
        let back = InlineKeyboard::from_markup(&decoded).unwrap();
        assert_eq!(back, keyboard);
        assert_eq!(
            back.button(0, 0).and_then(InlineButton::data),
            Some(&b"y"[..])
        );
        assert_eq!(
            back.button(0, 1).and_then(InlineButton::url_target),
            Some("https://example.com")
        );
        assert_eq!(back.button(1, 0).map(InlineButton::text), Some("Search"));
        assert!(back.button(1, 1).is_none());
        assert_eq!(back.buttons().count(), 3);
        assert!(ReplyKeyboard::from_markup(&decoded).is_none());
    }

    #[test]
    fn a_reply_keyboard_keeps_its_options() {
        let keyboard = ReplyKeyboard::new()
            .row([
                ReplyButton::text("Menu"),
                ReplyButton::request_phone("Share phone"),
            ])
            .resize()
            .one_time()
            .placeholder("pick one");
        let markup = enums::ReplyMarkup::from(keyboard.clone());
        let enums::ReplyMarkup::ReplyKeyboardMarkup(raw) = &markup else {
            panic!("{markup:?}");
        };
        assert!(raw.resize && raw.single_use && !raw.selective && !raw.persistent);
        assert_eq!(ReplyKeyboard::from_markup(&markup), Some(keyboard));
        assert!(InlineKeyboard::from_markup(&markup).is_none());
        assert!(matches!(
            enums::ReplyMarkup::from(RemoveKeyboard { selective: true }),
            enums::ReplyMarkup::ReplyKeyboardHide(h) if h.selective
        ));
    }
}
