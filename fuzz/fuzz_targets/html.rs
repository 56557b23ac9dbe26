//! HTML reading: any input reads or fails with a position, without panicking, hanging
//! or allocating without bound; a successful read's entities lie within the text
//! (UTF-16 code units), and writing them back reads back to the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxigram::text::{parse_html, to_html, to_markdown};
use oxigram::tl::enums;

fuzz_target!(|input: &str| {
    let (text, entities) = match parse_html(input) {
        Ok(read) => read,
        Err(e) => {
            assert!(e.position < input.len().max(1), "{input:?}: {e}");
            return;
        }
    };
    check_bounds(&text, &entities);
    let written = to_html(&text, &entities);
    let (again, again_entities) = parse_html(&written).expect("HTML written reads");
    assert_eq!(again, text, "{input:?} wrote {written:?}");
    check_bounds(&again, &again_entities);
    // Markdown writes what it can of it, without losing text.
    let markdown = to_markdown(&text, &entities);
    assert_eq!(
        oxigram::text::parse_markdown(&markdown).0,
        text,
        "{input:?} as {markdown:?}"
    );
});

/// Each entity's range must be non-empty and within the text, in UTF-16 code units.
fn check_bounds(text: &str, entities: &[enums::MessageEntity]) {
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
