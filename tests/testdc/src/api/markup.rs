//! Keyboards (`reply_markup`) as Telegram keeps them: only bots' keyboards are stored (a
//! user's `reply_markup` is ignored), input-only button types become what clients see,
//! and keyboards beyond Telegram's limits are refused.

use oxigram_tl::{enums, types};

use super::ApiState;

/// Buttons a keyboard may have over all its rows (Telegram's limit is 100).
pub const MAX_BUTTONS: usize = 100;
/// Bytes of a callback button's data (Telegram's limit).
pub const MAX_CALLBACK_DATA: usize = 64;

impl ApiState {
    /// The keyboard to store for a message `sender` sends with `markup`: `None` for a
    /// user's (Telegram ignores it), the keyboard with input-only buttons resolved for a
    /// bot's, or the RPC error for one beyond the limits.
    pub(super) fn stored_markup(
        &self,
        sender: i64,
        markup: Option<&enums::ReplyMarkup>,
    ) -> Result<Option<enums::ReplyMarkup>, &'static str> {
        let Some(markup) = markup else {
            return Ok(None);
        };
        if !self.world.account(sender).is_some_and(|a| a.is_bot()) {
            return Ok(None);
        }
        let buttons = match markup {
            enums::ReplyMarkup::ReplyKeyboardMarkup(k) => k
                .rows
                .iter()
                .map(|enums::KeyboardButtonRow::KeyboardButtonRow(r)| r.buttons.len())
                .sum(),
            enums::ReplyMarkup::ReplyInlineMarkup(k) => k
                .rows
                .iter()
                .map(|enums::KeyboardInlineButtonRow::KeyboardInlineButtonRow(r)| r.buttons.len())
                .sum(),
            _ => 0,
        };
        if buttons > MAX_BUTTONS {
            return Err("REPLY_MARKUP_TOO_LONG");
        }
        let enums::ReplyMarkup::ReplyInlineMarkup(inline) = markup else {
            return Ok(Some(markup.clone()));
        };
        let mut rows = Vec::with_capacity(inline.rows.len());
        for enums::KeyboardInlineButtonRow::KeyboardInlineButtonRow(row) in &inline.rows {
            let mut buttons = Vec::with_capacity(row.buttons.len());
            for enums::KeyboardInlineButton::KeyboardInlineButton(b) in &row.buttons {
                let r#type = self.stored_button(sender, &b.r#type)?;
                buttons.push(enums::KeyboardInlineButton::KeyboardInlineButton(Box::new(
                    types::KeyboardInlineButton {
                        style: b.style.clone(),
                        text: b.text.clone(),
                        r#type,
                    },
                )));
            }
            rows.push(enums::KeyboardInlineButtonRow::KeyboardInlineButtonRow(
                types::KeyboardInlineButtonRow { buttons },
            ));
        }
        Ok(Some(enums::ReplyMarkup::ReplyInlineMarkup(
            types::ReplyInlineMarkup {
                force_reply: inline.force_reply,
                rows,
            },
        )))
    }

    /// An inline button's type as stored: the input-only kinds resolved.
    fn stored_button(
        &self,
        sender: i64,
        button: &enums::InlineButtonType,
    ) -> Result<enums::InlineButtonType, &'static str> {
        Ok(match button {
            enums::InlineButtonType::Callback(c) if c.data.len() > MAX_CALLBACK_DATA => {
                return Err("BUTTON_DATA_INVALID");
            }
            enums::InlineButtonType::InputInlineButtonTypeUserProfile(p) => {
                let user_id = self
                    .resolve_user(sender, &p.user_id)
                    .ok_or("BUTTON_USER_INVALID")?;
                enums::InlineButtonType::UserProfile(types::InlineButtonTypeUserProfile { user_id })
            }
            enums::InlineButtonType::InputInlineButtonTypeUrlAuth(u) => {
                enums::InlineButtonType::UrlAuth(types::InlineButtonTypeUrlAuth {
                    fwd_text: u.fwd_text.clone(),
                    url: u.url.clone(),
                    button_id: 0,
                })
            }
            other => other.clone(),
        })
    }
}

/// Whether a stored keyboard has a callback button carrying `data`.
pub(super) fn has_callback(markup: Option<&enums::ReplyMarkup>, data: &[u8]) -> bool {
    let Some(enums::ReplyMarkup::ReplyInlineMarkup(k)) = markup else {
        return false;
    };
    k.rows
        .iter()
        .flat_map(|enums::KeyboardInlineButtonRow::KeyboardInlineButtonRow(r)| &r.buttons)
        .any(|enums::KeyboardInlineButton::KeyboardInlineButton(b)| {
            matches!(&b.r#type, enums::InlineButtonType::Callback(c) if c.data == data)
        })
}
