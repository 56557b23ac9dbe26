//! HTML as Telegram reads it, both ways.
//!
//! Known tags make entities; an unknown tag, and a `<` or `&` that starts no tag or
//! character reference, is text. A known tag left open, or closed out of order, is an
//! error.

use smallvec::SmallVec;

use super::located;
use super::span::{self, Kind, Span, link_kind, utf16_len};
use super::{ParseError, ParseErrorKind};
use crate::tl::enums;

/// An element left open.
struct Open {
    /// The tag name as written, lowercased.
    name: String,
    /// Byte offset of its `<`.
    at: usize,
    /// Where its text starts, in UTF-16 code units.
    start: usize,
    /// The formatting it makes (`None`: a tag that only groups, as a pre block's
    /// `<code>`).
    kind: Option<Kind>,
}

/// A tag as written.
struct Tag<'a> {
    closing: bool,
    name: String,
    attrs: Vec<(String, String)>,
    self_closing: bool,
    /// The whole tag in the source.
    source: &'a str,
}

impl Tag<'_> {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Tags that make formatting.
fn known(name: &str) -> bool {
    matches!(
        name,
        "b" | "strong"
            | "i"
            | "em"
            | "u"
            | "ins"
            | "s"
            | "strike"
            | "del"
            | "tg-spoiler"
            | "spoiler"
            | "span"
            | "code"
            | "pre"
            | "a"
            | "tg-emoji"
            | "blockquote"
    )
}

/// HTML → text and spans.
pub(crate) fn parse(src: &str) -> Result<(String, Vec<Span>), ParseError> {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut units = 0;
    let mut stack: Vec<Open> = Vec::new();
    let mut spans = Vec::new();
    let mut text_from = 0;
    let mut i = 0;
    let flush = |out: &mut String, units: &mut usize, from: usize, to: usize| {
        if to > from {
            let s = &src[from..to];
            out.push_str(s);
            *units += utf16_len(s);
        }
    };
    while i < b.len() {
        match b[i] {
            b'<' => {
                let Some(tag) = read_tag(src, i) else {
                    i += 1;
                    continue;
                };
                if !known(&tag.name) {
                    // Text, as written.
                    i += tag.source.len();
                    continue;
                }
                flush(&mut out, &mut units, text_from, i);
                let at = i;
                i += tag.source.len();
                text_from = i;
                if tag.closing {
                    let Some(open) = stack.pop() else {
                        return Err(ParseError {
                            position: at,
                            kind: ParseErrorKind::UnexpectedClose(tag.name),
                        });
                    };
                    if open.name != tag.name {
                        return Err(ParseError {
                            position: at,
                            kind: ParseErrorKind::Mismatched {
                                open: open.name,
                                close: tag.name,
                            },
                        });
                    }
                    if let Some(kind) = open.kind {
                        spans.push(Span {
                            start: open.start,
                            end: units,
                            kind,
                        });
                    }
                } else if !tag.self_closing {
                    let kind = opening_kind(&tag, &mut stack, units);
                    stack.push(Open {
                        name: tag.name,
                        at,
                        start: units,
                        kind,
                    });
                }
            }
            b'&' => {
                let Some((c, len)) = reference(&src[i..]) else {
                    i += 1;
                    continue;
                };
                flush(&mut out, &mut units, text_from, i);
                out.push(c);
                units += c.len_utf16();
                i += len;
                text_from = i;
            }
            _ => i += 1,
        }
    }
    flush(&mut out, &mut units, text_from, b.len());
    if let Some(open) = stack.pop() {
        return Err(ParseError {
            position: open.at,
            kind: ParseErrorKind::Unclosed(open.name),
        });
    }
    spans.retain(|s| s.end > s.start);
    span::sort(&mut spans);
    Ok((out, spans))
}

/// The formatting an opening tag makes; a `<code>` opening a pre block gives the block
/// its language instead.
fn opening_kind(tag: &Tag<'_>, stack: &mut [Open], units: usize) -> Option<Kind> {
    Some(match tag.name.as_str() {
        "b" | "strong" => Kind::Bold,
        "i" | "em" => Kind::Italic,
        "u" | "ins" => Kind::Underline,
        "s" | "strike" | "del" => Kind::Strike,
        "tg-spoiler" | "spoiler" => Kind::Spoiler,
        "span" => match tag.attr("class") {
            Some("tg-spoiler") => Kind::Spoiler,
            _ => return None,
        },
        "code" => {
            if let Some(Open {
                kind: Some(Kind::Pre(language)),
                start,
                ..
            }) = stack.last_mut()
                && *start == units
            {
                if let Some(class) = tag.attr("class")
                    && let Some(l) = class.strip_prefix("language-")
                {
                    *language = l.to_owned();
                }
                return None;
            }
            Kind::Code
        }
        "pre" => Kind::Pre(tag.attr("language").unwrap_or_default().to_owned()),
        "a" => link_kind(tag.attr("href").filter(|h| !h.is_empty())?),
        "tg-emoji" => Kind::CustomEmoji(tag.attr("emoji-id")?.trim().parse().ok()?),
        "blockquote" => Kind::Blockquote {
            collapsed: tag.attr("expandable").is_some(),
        },
        _ => return None,
    })
}

/// The tag starting at byte `at` (a `<`), if one does.
fn read_tag(src: &str, at: usize) -> Option<Tag<'_>> {
    let b = src.as_bytes();
    let mut i = at + 1;
    let closing = b.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_from = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
        i += 1;
    }
    if i == name_from || !b[name_from].is_ascii_alphabetic() {
        return None;
    }
    let name = src[name_from..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        match b.get(i)? {
            b'>' => {
                i += 1;
                break;
            }
            b'/' if b.get(i + 1) == Some(&b'>') && !closing => {
                self_closing = true;
                i += 2;
                break;
            }
            _ if closing => return None,
            _ => {}
        }
        let attr_from = i;
        while i < b.len()
            && !matches!(b[i], b'=' | b'>' | b'/' | b'"' | b'\'')
            && !b[i].is_ascii_whitespace()
        {
            i += 1;
        }
        if i == attr_from {
            return None;
        }
        let attr = src[attr_from..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = if b.get(i) == Some(&b'=') {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            match *b.get(i)? {
                q @ (b'"' | b'\'') => {
                    let from = i + 1;
                    let len = b[from..].iter().position(|&c| c == q)?;
                    i = from + len + 1;
                    unescape(&src[from..from + len])
                }
                _ => {
                    let from = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    unescape(&src[from..i])
                }
            }
        } else {
            String::new()
        };
        attrs.push((attr, value));
    }
    Some(Tag {
        closing,
        name,
        attrs,
        self_closing,
        source: &src[at..i],
    })
}

/// An attribute value with its character references read.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        match reference(&rest[amp..]) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[amp + len..];
            }
            None => {
                out.push('&');
                rest = &rest[amp + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character reference at the start of `s` (`&lt;`, `&#60;`, `&#x3c;`) and its
/// length; `None` if it is not one this reads.
fn reference(s: &str) -> Option<(char, usize)> {
    let end = s.as_bytes().iter().take(12).position(|&c| c == b';')?;
    let body = &s[1..end];
    let c = match body {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => {
            let number = body.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code).filter(|&c| c != '\0')?
        }
    };
    Some((c, end + 1))
}

/// Text and entities → HTML. Overlapping entities are closed and opened again where
/// they cross, so the tags nest.
pub(crate) fn unparse(text: &str, entities: &[enums::MessageEntity]) -> String {
    // Span ends in bytes from here on (see `located::place`).
    let mut placed = located::Spans::new();
    located::place(text, entities, &mut placed);
    // A code opening where a pre block opens would read as the block's own tag.
    if placed.iter().any(|s| matches!(s.kind, Kind::Pre(_))) {
        let pre_starts: SmallVec<[usize; 4]> = placed
            .iter()
            .filter(|s| matches!(s.kind, Kind::Pre(_)))
            .map(|s| s.start)
            .collect();
        placed.retain(|s| !(s.kind == Kind::Code && pre_starts.contains(&s.start)));
    }
    // A slice: indexing it needs no check of where the spans are kept.
    let spans: &[Span<&str>] = &placed;
    // The text, a few escapes, and the tags with their addresses: one allocation.
    let tags: usize = spans
        .iter()
        .map(|s| match &s.kind {
            Kind::TextUrl(url) => 16 + url.len(),
            Kind::Pre(language) => 40 + language.len(),
            _ => 32,
        })
        .sum();
    let mut out = String::with_capacity(text.len() + text.len() / 8 + tags);
    // Most texts have nothing to escape: one search over the whole text then spares a
    // search per piece.
    let plain = memchr::memchr3(b'<', b'>', b'&', text.as_bytes()).is_none();
    let piece = |out: &mut String, s: &str| {
        if plain {
            out.push_str(s);
        } else {
            escape(out, s, false);
        }
    };
    // Spans nearly always nest; the general writer is for those that cross.
    if write_nested(&mut out, text, spans, &piece).is_none() {
        out.clear();
        write_crossing(&mut out, text, spans, &piece);
    }
    out
}

/// Writes `spans` (in [`span::order`], ends in bytes) when each closes before the one
/// it opened inside: a stack, closed up to each span's start. `None` at the first span
/// that crosses another, with `out` part-written.
fn write_nested(
    out: &mut String,
    text: &str,
    spans: &[Span<&str>],
    piece: &impl Fn(&mut String, &str),
) -> Option<()> {
    let mut stack: SmallVec<[&Span<&str>; 8]> = SmallVec::new();
    let mut byte = 0;
    for span in spans {
        while let Some(top) = stack.last().filter(|top| top.end <= span.start) {
            piece(out, &text[byte..top.end]);
            byte = top.end;
            close_tag(out, &top.kind);
            stack.pop();
        }
        if stack.last().is_some_and(|top| span.end > top.end) {
            return None;
        }
        piece(out, &text[byte..span.start]);
        byte = span.start;
        open_tag(out, &span.kind);
        stack.push(span);
    }
    while let Some(top) = stack.pop() {
        piece(out, &text[byte..top.end]);
        byte = top.end;
        close_tag(out, &top.kind);
    }
    piece(out, &text[byte..]);
    Some(())
}

/// Writes any `spans` (in [`span::order`], ends in bytes): where two cross, the inner
/// one is closed and opened again, so the tags nest.
fn write_crossing(
    out: &mut String,
    text: &str,
    spans: &[Span<&str>],
    piece: &impl Fn(&mut String, &str),
) {
    // The spans open at `byte`, outermost first.
    let mut stack: SmallVec<[usize; 8]> = SmallVec::new();
    let mut next = 0;
    let mut byte = 0;
    // The next place a span starts or an open one ends, in order.
    loop {
        let start = spans.get(next).map_or(usize::MAX, |s| s.start);
        let end = stack
            .iter()
            .map(|&s| spans[s].end)
            .min()
            .unwrap_or(usize::MAX);
        let at = start.min(end);
        if at == usize::MAX {
            break;
        }
        // The text up to here (spans start and end on character boundaries).
        piece(out, &text[byte..at]);
        byte = at;
        if end == at {
            // Close what ends here; what was opened inside it and goes on is reopened.
            let ending = stack.iter().filter(|&&s| spans[s].end == at).count();
            let mut reopen: SmallVec<[usize; 8]> = SmallVec::new();
            let mut closed = 0;
            while closed < ending {
                let Some(s) = stack.pop() else { break };
                close_tag(out, &spans[s].kind);
                if spans[s].end == at {
                    closed += 1;
                } else {
                    reopen.push(s);
                }
            }
            for s in reopen.into_iter().rev() {
                open_tag(out, &spans[s].kind);
                stack.push(s);
            }
        }
        while spans.get(next).is_some_and(|s| s.start == at) {
            open_tag(out, &spans[next].kind);
            stack.push(next);
            next += 1;
        }
    }
    piece(out, &text[byte..]);
    while let Some(s) = stack.pop() {
        close_tag(out, &spans[s].kind);
    }
}

fn escape(out: &mut String, s: &str, attribute: bool) {
    // The characters to escape are ASCII, so each is a character boundary: the text
    // between them is copied a run at a time.
    let mut from = 0;
    let bytes = s.as_bytes();
    loop {
        let rest = &bytes[from..];
        let next = match memchr::memchr3(b'<', b'>', b'&', rest) {
            // A quote matters only in an attribute, and only before the next of the
            // others (addresses rarely hold any: two searches beat a loop per byte).
            found if attribute => {
                match memchr::memchr(b'"', &rest[..found.unwrap_or(rest.len())]) {
                    None => found,
                    quote => quote,
                }
            }
            found => found,
        };
        let Some(at) = next.map(|i| from + i) else {
            break;
        };
        out.push_str(&s[from..at]);
        out.push_str(match bytes[at] {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            _ => "&quot;",
        });
        from = at + 1;
    }
    out.push_str(&s[from..]);
}

#[inline]
fn open_tag<S: AsRef<str>>(out: &mut String, kind: &Kind<S>) {
    match kind {
        Kind::Bold => out.push_str("<b>"),
        Kind::Italic => out.push_str("<i>"),
        Kind::Underline => out.push_str("<u>"),
        Kind::Strike => out.push_str("<s>"),
        Kind::Spoiler => out.push_str("<tg-spoiler>"),
        Kind::Code => out.push_str("<code>"),
        Kind::Pre(language) if language.as_ref().is_empty() => out.push_str("<pre>"),
        Kind::Pre(language) => {
            out.push_str("<pre><code class=\"language-");
            escape(out, language.as_ref(), true);
            out.push_str("\">");
        }
        Kind::TextUrl(url) => {
            out.push_str("<a href=\"");
            escape(out, url.as_ref(), true);
            out.push_str("\">");
        }
        Kind::MentionName(id) => {
            out.push_str("<a href=\"tg://user?id=");
            out.push_str(&id.to_string());
            out.push_str("\">");
        }
        Kind::CustomEmoji(id) => {
            out.push_str("<tg-emoji emoji-id=\"");
            out.push_str(&id.to_string());
            out.push_str("\">");
        }
        Kind::Blockquote { collapsed: false } => out.push_str("<blockquote>"),
        Kind::Blockquote { collapsed: true } => out.push_str("<blockquote expandable>"),
    }
}

#[inline]
fn close_tag<S: AsRef<str>>(out: &mut String, kind: &Kind<S>) {
    // A `push_str` per arm: each copies a string of known length in a few moves, where
    // one `push_str` of the matched string would call `memcpy` for every tag.
    match kind {
        Kind::Bold => out.push_str("</b>"),
        Kind::Italic => out.push_str("</i>"),
        Kind::Underline => out.push_str("</u>"),
        Kind::Strike => out.push_str("</s>"),
        Kind::Spoiler => out.push_str("</tg-spoiler>"),
        Kind::Code => out.push_str("</code>"),
        Kind::Pre(language) if language.as_ref().is_empty() => out.push_str("</pre>"),
        Kind::Pre(_) => out.push_str("</code></pre>"),
        Kind::TextUrl(_) | Kind::MentionName(_) => out.push_str("</a>"),
        Kind::CustomEmoji(_) => out.push_str("</tg-emoji>"),
        Kind::Blockquote { .. } => out.push_str("</blockquote>"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::located::{Spans, place};
    use crate::tl::types;
    use proptest::prelude::*;

    fn entity() -> impl Strategy<Value = enums::MessageEntity> {
        (0i32..30, 0i32..30, 0u8..4).prop_map(|(offset, length, kind)| match kind {
            0 => enums::MessageEntity::Bold(types::MessageEntityBold { offset, length }),
            1 => enums::MessageEntity::Italic(types::MessageEntityItalic { offset, length }),
            2 => enums::MessageEntity::TextUrl(types::MessageEntityTextUrl {
                offset,
                length,
                url: "https://example.com/?a=1&b=\"2\"".into(),
            }),
            _ => enums::MessageEntity::Code(types::MessageEntityCode { offset, length }),
        })
    }

    fn both(text: &str, entities: &[enums::MessageEntity]) -> (Option<String>, String) {
        let mut spans = Spans::new();
        place(text, entities, &mut spans);
        let piece = |out: &mut String, s: &str| escape(out, s, false);
        let mut nested = String::new();
        let nested = write_nested(&mut nested, text, &spans, &piece).map(|()| nested);
        let mut crossing = String::new();
        write_crossing(&mut crossing, text, &spans, &piece);
        (nested, crossing)
    }

    #[test]
    fn crossing_spans_are_left_to_the_general_writer() {
        let entities = [
            enums::MessageEntity::Bold(types::MessageEntityBold {
                offset: 0,
                length: 4,
            }),
            enums::MessageEntity::Italic(types::MessageEntityItalic {
                offset: 2,
                length: 4,
            }),
        ];
        let (nested, crossing) = both("abcdefgh", &entities);
        assert_eq!(nested, None);
        assert_eq!(crossing, "<b>ab<i>cd</i></b><i>ef</i>gh");
        assert_eq!(unparse("abcdefgh", &entities), crossing);
    }

    proptest! {
        /// Where no spans cross, the nested writer writes what the general one does.
        #[test]
        fn the_nested_writer_agrees_with_the_general_one(
            text in "[a-z<&🦊é ]{0,30}",
            entities in proptest::collection::vec(entity(), 0..6),
        ) {
            let (nested, crossing) = both(&text, &entities);
            if let Some(nested) = nested {
                prop_assert_eq!(nested, crossing);
            }
        }
    }
}
