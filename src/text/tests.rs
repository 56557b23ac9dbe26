//! The corpus of formatting cases (`corpus.txt`) and the round-trip properties.

use proptest::prelude::*;

use super::span::{Kind, Span, utf16_len};
use super::*;
use crate::tl::enums;

/// One entity as the corpus writes it: `kind@offset+length[=value]`.
fn entity_spec(spec: &str) -> Span {
    let (kind, rest) = spec.split_once('@').expect("kind@offset+length");
    let (range, value) = match rest.split_once('=') {
        Some((r, v)) => (r, Some(v)),
        None => (rest, None),
    };
    let (offset, length) = range.split_once('+').expect("offset+length");
    let start: usize = offset.parse().expect("offset");
    let end = start + length.parse::<usize>().expect("length");
    let value = || value.expect("a value").to_owned();
    let kind = match kind {
        "b" => Kind::Bold,
        "i" => Kind::Italic,
        "u" => Kind::Underline,
        "s" => Kind::Strike,
        "sp" => Kind::Spoiler,
        "code" => Kind::Code,
        "pre" => Kind::Pre(value()),
        "url" => Kind::TextUrl(value()),
        "user" => Kind::MentionName(value().parse().expect("user id")),
        "emoji" => Kind::CustomEmoji(value().parse().expect("emoji id")),
        "q" => Kind::Blockquote { collapsed: false },
        "qx" => Kind::Blockquote { collapsed: true },
        other => panic!("unknown entity kind {other}"),
    };
    Span { start, end, kind }
}

fn entities_of(specs: &str) -> Vec<enums::MessageEntity> {
    if specs.trim() == "-" {
        return Vec::new();
    }
    span::entities(specs.split_whitespace().map(entity_spec).collect())
}

/// `⏎` stands for a newline in the corpus.
fn lines(s: &str) -> String {
    s.replace('⏎', "\n")
}

fn canonical(mut entities: Vec<enums::MessageEntity>) -> Vec<enums::MessageEntity> {
    let mut spans: Vec<Span> = entities.iter().filter_map(Span::of).collect();
    span::sort(&mut spans);
    entities = spans.iter().map(Span::entity).collect();
    entities
}

/// Spans of one kind that touch or overlap, as one (HTML splits overlapping entities).
fn merged(entities: Vec<enums::MessageEntity>) -> Vec<enums::MessageEntity> {
    let mut spans: Vec<Span> = entities.iter().filter_map(Span::of).collect();
    spans.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.start.cmp(&b.start)));
    let mut out: Vec<Span> = Vec::new();
    for s in spans {
        match out.last_mut() {
            Some(last) if last.kind == s.kind && s.start <= last.end => {
                last.end = last.end.max(s.end);
            }
            _ => out.push(s),
        }
    }
    span::sort(&mut out);
    out.iter().map(Span::entity).collect()
}

fn check_markdown_round_trip(input: &str, case: usize) -> (String, Vec<enums::MessageEntity>) {
    let (text, entities) = parse_markdown(input);
    for e in &entities {
        let s = Span::of(e).expect("a written kind");
        assert!(
            s.start < s.end && s.end <= utf16_len(&text),
            "case {case}: {e:?} out of {text:?}"
        );
    }
    let written = to_markdown(&text, &entities);
    let again = parse_markdown(&written);
    assert_eq!(
        (&again.0, canonical(again.1.clone())),
        (&text, canonical(entities.clone())),
        "case {case}: {input:?} wrote {written:?}"
    );
    assert_eq!(
        to_markdown(&again.0, &again.1),
        written,
        "case {case}: writing is stable"
    );
    // HTML writes whatever Markdown reads.
    let html = to_html(&text, &entities);
    let back = parse_html(&html).unwrap_or_else(|e| panic!("case {case}: {html:?}: {e}"));
    assert_eq!(
        (&back.0, merged(back.1)),
        (&text, merged(entities.clone())),
        "case {case}: as HTML {html:?}"
    );
    (text, entities)
}

fn check_html_round_trip(input: &str, case: usize) -> (String, Vec<enums::MessageEntity>) {
    let (text, entities) =
        parse_html(input).unwrap_or_else(|e| panic!("case {case}: {input:?}: {e}"));
    let written = to_html(&text, &entities);
    let again =
        parse_html(&written).unwrap_or_else(|e| panic!("case {case}: wrote {written:?}: {e}"));
    assert_eq!(
        (&again.0, canonical(again.1.clone())),
        (&text, canonical(entities.clone())),
        "case {case}: {input:?} wrote {written:?}"
    );
    assert_eq!(to_html(&again.0, &again.1), written, "case {case}: stable");
    (text, entities)
}

#[test]
fn the_corpus_reads_writes_and_reads_back() {
    let corpus = include_str!("corpus.txt");
    let mut cases = 0;
    let mut expected = 0;
    let mut failed = Vec::new();
    for (n, line) in corpus.lines().enumerate() {
        let case = n + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        cases += 1;
        let checked = std::panic::catch_unwind(|| check_case(line, case));
        match checked {
            Ok(with_expectation) => expected += usize::from(with_expectation),
            Err(_) => failed.push(case),
        }
    }
    assert!(failed.is_empty(), "corpus lines failed: {failed:?}");
    assert!(cases >= 300, "{cases} cases");
    assert!(expected >= 150, "{expected} cases with expectations");
}

/// Checks one corpus line; whether it had an expectation written by hand.
fn check_case(line: &str, case: usize) -> bool {
    let mut expected = false;
    {
        let (tag, body) = line.split_once(' ').expect("a tag and a body");
        let parts: Vec<&str> = body.split(" ⟹ ").collect();
        match tag {
            "md:" | "html:" => {
                let input = lines(parts[0]);
                let (text, entities) = if tag == "md:" {
                    check_markdown_round_trip(&input, case)
                } else {
                    check_html_round_trip(&input, case)
                };
                if parts.len() >= 3 {
                    expected = true;
                    assert_eq!(text, lines(parts[1]), "line {case}: text");
                    assert_eq!(
                        canonical(entities),
                        canonical(entities_of(parts[2])),
                        "line {case}: entities"
                    );
                }
                if parts.len() == 4 {
                    let written = if tag == "md:" {
                        to_markdown(&text, &entities_of(parts[2]))
                    } else {
                        to_html(&text, &entities_of(parts[2]))
                    };
                    assert_eq!(written, lines(parts[3]), "line {case}: written");
                }
            }
            "html!" => {
                expected = true;
                let error = parse_html(&lines(parts[0])).expect_err("malformed");
                assert_eq!(error.position.to_string(), parts[1], "line {case}: {error}");
            }
            "out:" => {
                // Entities → Markdown and HTML, written by hand, and back.
                expected = true;
                let text = lines(parts[0]);
                let entities = entities_of(parts[1]);
                let markdown = to_markdown(&text, &entities);
                assert_eq!(markdown, lines(parts[2]), "line {case}: Markdown");
                let html = to_html(&text, &entities);
                assert_eq!(html, lines(parts[3]), "line {case}: HTML");
                let back = parse_markdown(&markdown);
                assert_eq!(
                    (&back.0, canonical(back.1)),
                    (&text, canonical(entities.clone()))
                );
                let back = parse_html(&html).expect("HTML written reads");
                assert_eq!((&back.0, canonical(back.1)), (&text, canonical(entities)));
            }
            other => panic!("line {case}: unknown tag {other}"),
        }
    }
    expected
}
