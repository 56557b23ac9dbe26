//! Markdown reading: any input reads without panicking, hanging or allocating without
//! bound; the entities lie within the text (UTF-16 code units), and writing them back
//! reads back to the same text and entities.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oxigram::text::{parse_html, parse_markdown, to_html, to_markdown};
use oxigram::tl::enums;

fuzz_target!(|input: &str| {
    let (text, entities) = parse_markdown(input);
    check_bounds(&text, &entities);
    let written = to_markdown(&text, &entities);
    let (again, again_entities) = parse_markdown(&written);
    assert_eq!(again, text, "{input:?} wrote {written:?}");
    assert_eq!(again_entities, entities, "{input:?} wrote {written:?}");
    // HTML writes whatever Markdown reads.
    let html = to_html(&text, &entities);
    let (back, _) = parse_html(&html).expect("HTML written reads");
    assert_eq!(back, text, "{input:?} as HTML {html:?}");
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
        assert!(length > 0 && start + length <= len, "{entity:?} out of {text:?}");
    }
}
