//! Entities placed in a text without indexing every character: what the HTML writer
//! needs, which only visits the places where entities start and end.
//!
//! [`Utf16`](super::span::Utf16) keeps the position of every character, which the
//! Markdown writer uses to look around each span; writing HTML needs only the byte
//! offsets of each entity's ends. Those follow from the positions of the text's
//! non-ASCII characters alone (between two of them a byte is a code unit), found in one
//! pass that skips ASCII a word at a time: an ASCII text needs no index at all.

use smallvec::SmallVec;

use super::span::{self, Span};
use crate::tl::enums;

/// A span borrowing from its entity, with its ends in bytes.
#[derive(Debug, Clone)]
pub(crate) struct Placed<'a> {
    pub(crate) span: Span<&'a str>,
    /// Byte offsets of `span.start` and `span.end`.
    pub(crate) bytes: (usize, usize),
}

/// A message's spans: most have a few, kept inline.
pub(crate) type Spans<'a> = SmallVec<[Placed<'a>; 8]>;

/// The spans of some entities, and the byte offsets of their ends.
pub(crate) struct Located<'a> {
    /// As [`span::spans_of`] makes them: clamped to the text, out of surrogate pairs,
    /// empty ones dropped, outer first.
    pub(crate) spans: Spans<'a>,
}

impl<'a> Located<'a> {
    /// Places `entities` in `text`.
    pub(crate) fn new(text: &'a str, entities: &'a [enums::MessageEntity]) -> Located<'a> {
        let wide = Wide::new(text);
        let mut spans: Spans = entities
            .iter()
            .filter_map(Span::borrowed)
            .filter_map(|mut span| {
                let (start, _) = wide.place(span.start);
                let (_, end) = wide.place(span.end);
                span.start = start.0;
                span.end = end.0;
                (span.end > span.start).then_some(Placed {
                    span,
                    bytes: (start.1, end.1),
                })
            })
            .collect();
        let order = |a: &Placed, b: &Placed| span::order(&a.span, &b.span);
        // Telegram sends entities in this order already: checking is cheaper than sorting.
        if !spans.is_sorted_by(|a, b| order(a, b).is_le()) {
            spans.sort_by(order);
        }
        Located { spans }
    }
}

/// The non-ASCII characters of a text.
struct Wide<'a> {
    text: &'a [u8],
    /// `(utf16 offset, byte offset)` of each, in order.
    chars: SmallVec<[(usize, usize); 8]>,
    /// The text's length in code units.
    len: usize,
}

/// A character's length in bytes and in UTF-16 code units, from its first byte (a
/// `str` is valid UTF-8: only four-byte characters take two units).
fn widths(lead: u8) -> (usize, usize) {
    match lead {
        0x00..=0x7f => (1, 1),
        0x80..=0xdf => (2, 1),
        0xe0..=0xef => (3, 1),
        _ => (4, 2),
    }
}

impl<'a> Wide<'a> {
    fn new(text: &'a str) -> Wide<'a> {
        let bytes = text.as_bytes();
        let mut chars = SmallVec::new();
        let (mut unit, mut byte) = (0, 0);
        loop {
            let ascii = ascii_prefix(&bytes[byte..]);
            unit += ascii;
            byte += ascii;
            let Some(&lead) = bytes.get(byte) else {
                break;
            };
            let (width, units) = widths(lead);
            chars.push((unit, byte));
            unit += units;
            byte += width;
        }
        Wide {
            text: bytes,
            chars,
            len: unit,
        }
    }

    /// `(utf16 offset, byte offset)` of the character boundaries at or before and at
    /// or after `unit` (clamped to the text): the same but inside a surrogate pair.
    fn place(&self, unit: usize) -> ((usize, usize), (usize, usize)) {
        let unit = unit.min(self.len);
        // The last non-ASCII character starting at or before `unit`.
        let before = self.chars.partition_point(|c| c.0 <= unit);
        let Some(&(at, byte)) = before.checked_sub(1).map(|i| &self.chars[i]) else {
            // Only ASCII before it: a byte per unit.
            return ((unit, unit), (unit, unit));
        };
        let (width, units) = widths(self.text[byte]);
        if unit == at {
            ((at, byte), (at, byte))
        } else if unit < at + units {
            // Inside a surrogate pair.
            ((at, byte), (at + units, byte + width))
        } else {
            let here = (unit, byte + width + (unit - at - units));
            (here, here)
        }
    }
}

/// How many bytes `bytes` starts with that are ASCII, checked 16 at a time.
fn ascii_prefix(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(16);
    let mut skipped = 0;
    for chunk in chunks.by_ref() {
        if !chunk.is_ascii() {
            break;
        }
        skipped += 16;
    }
    skipped
        + bytes[skipped..]
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(bytes.len() - skipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::span::{Kind, Utf16, spans_of};
    use crate::tl::types;
    use proptest::prelude::*;

    fn bold(offset: i32, length: i32) -> enums::MessageEntity {
        enums::MessageEntity::Bold(types::MessageEntityBold { offset, length })
    }

    #[test]
    fn a_surrogate_pair_is_never_split() {
        // "a🦊b": the fox is units 1..3, bytes 1..5.
        let entities = [bold(2, 2)];
        let located = Located::new("a🦊b", &entities);
        assert_eq!(located.spans.len(), 1);
        let placed = &located.spans[0];
        assert_eq!((placed.span.start, placed.span.end), (1, 4));
        assert_eq!(placed.bytes, (1, 6));
    }

    #[test]
    fn entities_past_the_end_are_clamped_and_empty_ones_dropped() {
        let entities = [bold(3, 100), bold(9, 2), bold(1, 0)];
        let located = Located::new("héllo", &entities);
        assert_eq!(located.spans.len(), 1);
        let placed = &located.spans[0];
        assert_eq!((placed.span.start, placed.span.end), (3, 5));
        assert_eq!(placed.bytes, (4, 6));
    }

    fn entity() -> impl Strategy<Value = enums::MessageEntity> {
        (0i32..40, 0i32..40, any::<bool>()).prop_map(|(offset, length, url)| {
            if url {
                enums::MessageEntity::TextUrl(types::MessageEntityTextUrl {
                    offset,
                    length,
                    url: "https://example.com".into(),
                })
            } else {
                bold(offset, length)
            }
        })
    }

    proptest! {
        /// The same spans as the full index makes, and the same bytes at their ends.
        #[test]
        fn agrees_with_the_full_index(
            text in "[a-z🦊é 👩‍💻\u{800}]{0,30}",
            entities in proptest::collection::vec(entity(), 0..6),
        ) {
            let index = Utf16::new(&text);
            let expected = spans_of(&index, &entities);
            let located = Located::new(&text, &entities);
            let owned: Vec<Span> = located
                .spans
                .iter()
                .map(|p| Span {
                    start: p.span.start,
                    end: p.span.end,
                    kind: match &p.span.kind {
                        Kind::TextUrl(url) => Kind::TextUrl(url.to_string()),
                        Kind::Bold => Kind::Bold,
                        other => panic!("the strategy makes no {other:?}"),
                    },
                })
                .collect();
            prop_assert_eq!(&owned, &expected);
            let byte = |unit: usize| {
                index.boundaries().iter().find(|b| b.0 == unit).map(|b| b.1)
            };
            let bytes: Vec<_> = expected
                .iter()
                .map(|s| Some((byte(s.start)?, byte(s.end)?)))
                .collect();
            let located_bytes: Vec<_> = located
                .spans
                .iter()
                .map(|p| Some(p.bytes))
                .collect();
            prop_assert_eq!(located_bytes, bytes);
        }
    }
}
