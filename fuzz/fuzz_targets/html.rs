//! HTML reading: any input reads or fails with a position, without panicking, hanging
//! or allocating without bound; a successful read's entities lie within the text
//! (UTF-16 code units), and writing them back reads back to the same text.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use common::check_bounds;
use libfuzzer_sys::fuzz_target;
use oxigram::text::{parse_html, to_html, to_markdown};

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
