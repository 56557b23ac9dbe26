//! Markdown reading: any input reads without panicking, hanging or allocating without
//! bound; the entities lie within the text (UTF-16 code units), and writing them back
//! reads back to the same text and the same entities, quotes and pre blocks included
//! however they meet; written as HTML, they read back to the same text.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use common::check_bounds;
use libfuzzer_sys::fuzz_target;
use oxigram::text::{parse_html, parse_markdown, to_html, to_markdown};

fuzz_target!(|input: &str| {
    let (text, entities) = parse_markdown(input);
    check_bounds(&text, &entities);
    let written = to_markdown(&text, &entities);
    let (again, again_entities) = parse_markdown(&written);
    check_bounds(&again, &again_entities);
    assert_eq!(again, text, "{input:?} wrote {written:?}");
    assert_eq!(again_entities, entities, "{input:?} wrote {written:?}");
    // HTML writes whatever Markdown reads.
    let html = to_html(&text, &entities);
    let (back, _) = parse_html(&html).expect("HTML written reads");
    assert_eq!(back, text, "{input:?} as HTML {html:?}");
});
