//! What the formatting targets (`markdown`, `html`) share.

use oxigram::tl::enums;

/// Each entity's range must be non-empty and within the text, in UTF-16 code units.
pub fn check_bounds(text: &str, entities: &[enums::MessageEntity]) {
    let len: usize = text.chars().map(char::len_utf16).sum();
    for entity in entities {
        let (offset, length) = match entity {
            enums::MessageEntity::Bold(e) => (e.offset, e.length),
            enums::MessageEntity::Italic(e) => (e.offset, e.length),
            enums::MessageEntity::Underline(e) => (e.offset, e.length),
            enums::MessageEntity::Strike(e) => (e.offset, e.length),
            enums::MessageEntity::Spoiler(e) => (e.offset, e.length),
            enums::MessageEntity::Code(e) => (e.offset, e.length),
            enums::MessageEntity::Pre(e) => (e.offset, e.length),
            enums::MessageEntity::TextUrl(e) => (e.offset, e.length),
            enums::MessageEntity::MentionName(e) => (e.offset, e.length),
            enums::MessageEntity::CustomEmoji(e) => (e.offset, e.length),
            enums::MessageEntity::Blockquote(e) => (e.offset, e.length),
            other => panic!("an entity no markup writes: {other:?}"),
        };
        let start = usize::try_from(offset).expect("offset >= 0");
        let length = usize::try_from(length).expect("length >= 0");
        assert!(
            length > 0 && start + length <= len,
            "{entity:?} out of {text:?}"
        );
    }
}
