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

/// A piece of formatted text: plain text, or formatting around pieces.
#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Fmt(Kind, Vec<Node>),
}

/// A line or lines of the message: plain, or a quote.
#[derive(Debug, Clone)]
struct Block {
    quote: Option<bool>,
    nodes: Vec<Node>,
}

const PIECES: &[&str] = &[
    "a",
    "b",
    "z",
    " ",
    " ",
    "\n",
    "*",
    "_",
    "-",
    "~",
    "|",
    "`",
    "\\",
    "[",
    "]",
    "(",
    ")",
    "!",
    ">",
    "<",
    "&",
    "\"",
    "#",
    ";",
    "😀",
    "👍🏽",
    "\u{200d}",
    "👨‍👩‍👧",
    "中",
    "é",
    "e\u{301}",
    "🇺🇦",
    "𝕏",
    "\t",
    "&amp;",
    "tg://",
];

fn plain() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 1..6).prop_map(|p| p.concat())
}

fn url() -> impl Strategy<Value = String> {
    "[a-z:/._()\\\\\"&<>=?-]{1,10}"
}

fn inline() -> impl Strategy<Value = Vec<Node>> {
    let leaf = prop_oneof![
        4 => plain().prop_map(Node::Text),
        1 => plain().prop_map(|t| Node::Fmt(Kind::Code, vec![Node::Text(t)])),
        1 => ("[a-z+#]{0,4}", plain())
            .prop_map(|(l, t)| Node::Fmt(Kind::Pre(l), vec![Node::Text(t)])),
        1 => (any::<i64>(), plain())
            .prop_map(|(id, t)| Node::Fmt(Kind::CustomEmoji(id), vec![Node::Text(t)])),
    ];
    let node = leaf.prop_recursive(4, 24, 4, |inner| {
        let children = prop::collection::vec(inner, 1..4);
        prop_oneof![
            (
                prop::sample::select(vec![
                    Kind::Bold,
                    Kind::Italic,
                    Kind::Underline,
                    Kind::Strike,
                    Kind::Spoiler
                ]),
                children.clone()
            )
                .prop_map(|(k, c)| Node::Fmt(k, c)),
            (url(), children.clone()).prop_map(|(u, c)| Node::Fmt(Kind::TextUrl(u), c)),
            (any::<i64>(), children).prop_map(|(id, c)| Node::Fmt(Kind::MentionName(id), c)),
        ]
    });
    prop::collection::vec(node, 1..4)
}

fn blocks() -> impl Strategy<Value = Vec<Block>> {
    let block = (prop::option::weighted(0.3, any::<bool>()), inline())
        .prop_map(|(quote, nodes)| Block { quote, nodes });
    prop::collection::vec(block, 1..4)
}

/// The text and well-formed entities of blocks: no formatting inside its own kind or
/// a link inside a link (those are left out), quotes on whole lines (one on the line
/// after another is written with an empty pre block between).
fn flatten(blocks: &[Block]) -> (String, Vec<enums::MessageEntity>) {
    fn walk(nodes: &[Node], text: &mut String, spans: &mut Vec<Span>, active: &mut Vec<Kind>) {
        for node in nodes {
            match node {
                Node::Text(t) => text.push_str(t),
                Node::Fmt(kind, children) => {
                    let start = utf16_len(text);
                    let clash = active
                        .iter()
                        .any(|a| a == kind || (a.is_link() && kind.is_link()));
                    active.push(kind.clone());
                    walk(children, text, spans, active);
                    active.pop();
                    if !clash {
                        spans.push(Span {
                            start,
                            end: utf16_len(text),
                            kind: kind.clone(),
                        });
                    }
                }
            }
        }
    }
    let mut text = String::new();
    let mut spans = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        let start = utf16_len(&text);
        walk(&block.nodes, &mut text, &mut spans, &mut Vec::new());
        if let Some(collapsed) = block.quote {
            spans.push(Span {
                start,
                end: utf16_len(&text),
                kind: Kind::Blockquote { collapsed },
            });
        }
    }
    (text, span::entities(spans))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn entities_written_as_markdown_read_back(blocks in blocks()) {
        let (text, entities) = flatten(&blocks);
        let markdown = to_markdown(&text, &entities);
        let (back, again) = parse_markdown(&markdown);
        prop_assert_eq!(&back, &text, "{:?}", markdown);
        prop_assert_eq!(canonical(again), canonical(entities), "{:?}", markdown);
    }

    #[test]
    fn entities_written_as_html_read_back(blocks in blocks()) {
        let (text, entities) = flatten(&blocks);
        let html = to_html(&text, &entities);
        let (back, again) = parse_html(&html).map_err(|e| TestCaseError::fail(format!("{html:?}: {e}")))?;
        prop_assert_eq!(&back, &text, "{:?}", html);
        prop_assert_eq!(canonical(again), canonical(entities), "{:?}", html);
    }

    #[test]
    fn any_markdown_reads_within_bounds_and_round_trips(
        input in prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|p| p.concat())
    ) {
        let (text, entities) = parse_markdown(&input);
        let len = utf16_len(&text);
        for e in &entities {
            let s = Span::of(e).expect("a written kind");
            prop_assert!(s.start < s.end && s.end <= len);
        }
        let written = to_markdown(&text, &entities);
        let (back, again) = parse_markdown(&written);
        prop_assert_eq!(&back, &text, "{:?} wrote {:?}", input, written);
        prop_assert_eq!(canonical(again), canonical(entities), "{:?} wrote {:?}", input, written);
    }

    #[test]
    fn any_html_reads_or_fails_without_panicking(
        input in prop::collection::vec(
            prop::sample::select(&[
                "<b>", "</b>", "<i>", "</i>", "<code>", "</code>", "<pre>", "</pre>",
                "<a href=\"u\">", "</a>", "<blockquote>", "</blockquote>", "&lt;", "&#128512;",
                "&", "<", ">", "a", "😀", "\n", "<x>", "<pre><code class=\"language-r\">",
            ][..]),
            0..30,
        ).prop_map(|p| p.concat())
    ) {
        if let Ok((text, entities)) = parse_html(&input) {
            let len = utf16_len(&text);
            for e in &entities {
                let s = Span::of(e).expect("a written kind");
                prop_assert!(s.start < s.end && s.end <= len);
            }
            let written = to_html(&text, &entities);
            let (back, again) = parse_html(&written).map_err(|e| TestCaseError::fail(format!("{written:?}: {e}")))?;
            prop_assert_eq!(&back, &text);
            // A code span starting where a pre block starts is not written (its
            // `<code>` would read as the block's own tag; the block is monospace
            // already), as `to_html` documents.
            let pre_starts: Vec<usize> = entities
                .iter()
                .filter_map(Span::of)
                .filter(|s| matches!(s.kind, Kind::Pre(_)))
                .map(|s| s.start)
                .collect();
            let writable: Vec<_> = entities
                .into_iter()
                .filter(|e| {
                    Span::of(e).is_none_or(|s| !(s.kind == Kind::Code && pre_starts.contains(&s.start)))
                })
                .collect();
            prop_assert_eq!(merged(again), merged(writable));
        }
    }
}

#[test]
fn entities_out_of_the_text_or_inside_a_surrogate_pair_are_clamped() {
    let bold = |offset, length| {
        enums::MessageEntity::Bold(crate::tl::types::MessageEntityBold { offset, length })
    };
    // "😀x": the emoji is two code units.
    assert_eq!(to_html("😀x", &[bold(1, 1)]), "<b>😀</b>x");
    assert_eq!(to_html("😀x", &[bold(2, 100)]), "😀<b>x</b>");
    assert_eq!(
        to_html("😀x", &[bold(-1, 2), bold(5, 1), bold(0, 0)]),
        "😀x"
    );
    assert_eq!(to_markdown("😀x", &[bold(0, 1)]), "**😀**x");
    assert_eq!(to_markdown("", &[bold(0, 3)]), "");
    // Entities Telegram finds by itself are text.
    let url = enums::MessageEntity::Url(crate::tl::types::MessageEntityUrl {
        offset: 0,
        length: 3,
    });
    assert_eq!(to_html("a.b", std::slice::from_ref(&url)), "a.b");
    assert_eq!(to_markdown("a.b", &[url]), "a.b");
}

#[test]
fn what_markdown_can_not_write_is_left_out() {
    let (text, entities) =
        parse_html("<code>a<b>b</b></code> <a href=\"u\"><a href=\"v\">x</a></a>")
            .expect("well formed");
    assert_eq!(text, "ab x");
    assert_eq!(to_markdown(&text, &entities), "`ab` [x](u)");
    // A quote must hold whole lines.
    let (text, entities) = parse_html("a<blockquote>b</blockquote>").expect("well formed");
    assert_eq!(to_markdown(&text, &entities), "ab");
}

/// Inputs the `markdown` fuzz target found, where quotes meet pre blocks (or an empty
/// one that reads as nothing sets two quotes apart): each reads, writes and reads back
/// to the same text and entities.
#[test]
fn quotes_meeting_pre_blocks_round_trip() {
    let inputs = [
        // A newline lost where a quote starts on a closing fence's line.
        "``>```\\^\\<`````\n`````\n``````\n>\0````````\n``````````\n>\0````````\n``````````>",
        // Quotes read inside pre blocks and code spans.
        "\n>>\u{e}\n\n[`\n\n>&>``_\n>\n[\n>>&>``_\n>\n[\n>`\u{1e}``[`>`\u{1e}``[`````````\n\n>&>```````````````````````",
        // Two quotes on consecutive lines, an empty pre block between.
        ">>\n```\n>````",
        ">_```\n````\n>>`",
        "`\n>```_```\n````\n>>`",
        // A quote starting a pre block on the line after another.
        ">|\n```\n>*```",
        "_!`\n>`_\n```\n>` ```",
        // One ending on a fence's line, the next on the block's first line.
        ">>```\n``````\n>>```",
        ">[```\n**>[```||",
        // One ending on a fence's line, the next further into the block or after it.
        "> ```\n\n>b```",
        ">>```\n\n>```[",
        ">``` \n``````\n>```>",
        // An expandable quote ending where a pre block starts.
        "**>y```||\n```",
        "**>``````_```y\n>||\n```",
        // Both on one empty line.
        ">\n>```\n**>```\n>||",
        "```\n>```\n>```\n```||```\n>```\n>||",
    ];
    for (case, input) in inputs.into_iter().enumerate() {
        let (_, entities) = check_markdown_round_trip(input, case);
        assert!(
            entities
                .iter()
                .any(|e| matches!(e, enums::MessageEntity::Blockquote(_))),
            "case {case}: a quote"
        );
    }
    // The regressions kept for the fuzz target.
    for input in [
        include_str!("../../fuzz/regressions/markdown/quote-after-empty-pre"),
        include_str!("../../fuzz/regressions/markdown/quote-after-pre"),
        include_str!("../../fuzz/regressions/markdown/quote-from-fence"),
        include_str!("../../fuzz/regressions/markdown/newline-lost-at-fence"),
        include_str!("../../fuzz/regressions/markdown/quote-inside-pre"),
        include_str!("../../fuzz/regressions/markdown/quotes-apart"),
        include_str!("../../fuzz/regressions/markdown/quotes-on-an-empty-line"),
    ] {
        check_markdown_round_trip(input, 0);
    }
}

#[test]
fn quotes_on_consecutive_lines_are_set_apart_by_an_empty_pre_block() {
    let quote = |offset, length, collapsed| {
        enums::MessageEntity::Blockquote(crate::tl::types::MessageEntityBlockquote {
            collapsed,
            offset,
            length,
        })
    };
    let two = [quote(0, 1, false), quote(2, 1, false)];
    assert_eq!(to_markdown("a\nb", &two), ">a```\n```\n>b");
    assert_eq!(
        parse_markdown(">a```\n```\n>b"),
        ("a\nb".to_owned(), two.to_vec())
    );
    // After an expandable quote, whose line ends with `||`, the block stands alone.
    let two = [quote(0, 1, true), quote(2, 1, false)];
    assert_eq!(to_markdown("a\nb", &two), "**>a||\n```\n>```b");
    assert_eq!(parse_markdown("**>a||\n```\n>```b").1, two.to_vec());
    // Inside a pre block nothing sets them apart: the second is left out.
    let pre = enums::MessageEntity::Pre(crate::tl::types::MessageEntityPre {
        offset: 0,
        length: 3,
        language: String::new(),
    });
    let written = to_markdown(
        "a\nb",
        &[pre.clone(), quote(0, 1, false), quote(2, 1, false)],
    );
    assert_eq!(written, ">```\n>a\nb\n```");
    assert_eq!(parse_markdown(&written).1, vec![pre, quote(0, 1, false)]);
}

#[test]
fn parse_modes_read_their_flavour() {
    let (text, entities) = ParseMode::Markdown
        .parse("**a** <b>b</b>")
        .expect("never fails");
    assert_eq!((text.as_str(), entities.len()), ("a <b>b</b>", 1));
    let (text, entities) = ParseMode::Html
        .parse("**a** <b>b</b>")
        .expect("well formed");
    assert_eq!((text.as_str(), entities.len()), ("**a** b", 1));
    let (text, entities) = ParseMode::Disabled
        .parse("**a** <b>b</b>")
        .expect("never fails");
    assert_eq!((text.as_str(), entities.len()), ("**a** <b>b</b>", 0));
    assert_eq!(ParseMode::default(), ParseMode::Markdown);
    let error = ParseMode::Html.parse("x<b>").expect_err("unclosed");
    assert_eq!(error.position, 1);
    assert_eq!(error.to_string(), "HTML at byte 1: <b> is not closed");
}

#[test]
fn long_unclosed_markup_reads_in_linear_time() {
    // Each of these would rescan the rest of the text per delimiter if lookaheads were
    // not remembered: 200,000 of them take a moment only if they are.
    for unit in ["`", "```", "](", "[", "**>", ">\n", "**", "![", "\\"] {
        let input = unit.repeat(200_000 / unit.len());
        let (text, entities) = parse_markdown(&input);
        assert!(text.len() <= input.len());
        assert!(entities.len() <= input.len());
    }
    let input = "<b>".repeat(50_000);
    assert!(parse_html(&input).is_err());
}
