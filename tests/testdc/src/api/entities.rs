//! The formatting of a message sent: checked against its text and stored as Telegram
//! stores it.

use oxigram_tl::{enums, types};

use super::ApiState;

/// The length of `text` in UTF-16 code units.
fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

impl ApiState {
    /// The entities of a message `me` sends with `text`, as stored: a mention given as
    /// an input user becomes a mention by id, of an account that exists; each entity
    /// must lie within the text. `None` for none.
    pub(super) fn stored_entities(
        &self,
        me: i64,
        text: &str,
        entities: Option<&[enums::MessageEntity]>,
    ) -> Result<Option<Vec<enums::MessageEntity>>, &'static str> {
        let Some(entities) = entities.filter(|e| !e.is_empty()) else {
            return Ok(None);
        };
        let len = utf16_len(text);
        let mut stored = Vec::with_capacity(entities.len());
        for entity in entities {
            let (offset, length) = bounds(entity).ok_or("ENTITY_BOUNDS_INVALID")?;
            let end = offset.checked_add(length).ok_or("ENTITY_BOUNDS_INVALID")?;
            if offset < 0 || length <= 0 || end as usize > len {
                return Err("ENTITY_BOUNDS_INVALID");
            }
            let entity = match entity {
                enums::MessageEntity::InputMessageEntityMentionName(m) => {
                    let user_id = match &m.user_id {
                        enums::InputUser::InputUserSelf => me,
                        enums::InputUser::InputUser(u) => u.user_id,
                        enums::InputUser::FromMessage(u) => u.user_id,
                        enums::InputUser::Empty => return Err("ENTITY_MENTION_USER_INVALID"),
                    };
                    if self.world.account(user_id).is_none() {
                        return Err("ENTITY_MENTION_USER_INVALID");
                    }
                    enums::MessageEntity::MentionName(types::MessageEntityMentionName {
                        offset,
                        length,
                        user_id,
                    })
                }
                // A mention by id is what the server sends, never what it takes.
                enums::MessageEntity::MentionName(_) => return Err("ENTITY_MENTION_USER_INVALID"),
                other => other.clone(),
            };
            stored.push(entity);
        }
        Ok(Some(stored))
    }
}

/// An entity's offset and length.
fn bounds(entity: &enums::MessageEntity) -> Option<(i32, i32)> {
    use enums::MessageEntity as E;
    Some(match entity {
        E::Unknown(e) => (e.offset, e.length),
        E::Mention(e) => (e.offset, e.length),
        E::Hashtag(e) => (e.offset, e.length),
        E::BotCommand(e) => (e.offset, e.length),
        E::Url(e) => (e.offset, e.length),
        E::Email(e) => (e.offset, e.length),
        E::Bold(e) => (e.offset, e.length),
        E::Italic(e) => (e.offset, e.length),
        E::Code(e) => (e.offset, e.length),
        E::Pre(e) => (e.offset, e.length),
        E::TextUrl(e) => (e.offset, e.length),
        E::MentionName(e) => (e.offset, e.length),
        E::InputMessageEntityMentionName(e) => (e.offset, e.length),
        E::Phone(e) => (e.offset, e.length),
        E::Cashtag(e) => (e.offset, e.length),
        E::Underline(e) => (e.offset, e.length),
        E::Strike(e) => (e.offset, e.length),
        E::BankCard(e) => (e.offset, e.length),
        E::Spoiler(e) => (e.offset, e.length),
        E::CustomEmoji(e) => (e.offset, e.length),
        E::Blockquote(e) => (e.offset, e.length),
        _ => return None,
    })
}
