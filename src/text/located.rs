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

/// A message's spans with their ends in bytes: most have a few, kept inline.
pub(crate) type Spans<'a> = SmallVec<[Span<&'a str>; 8]>;

/// Places `entities` in `text`: their spans as [`span::spans_of`] makes them (clamped to
/// the text, out of surrogate pairs, empty ones dropped, outer first), borrowing
/// addresses from the entities, with `start` and `end` in **bytes**.
///
/// Bytes rather than code units: on character boundaries one follows the other in the
/// same order, so the writer orders and compares spans by bytes alone, and a span of
/// 40 bytes (not 56 with both) keeps more of a message's spans in a cache line.
///
/// The spans go into `spans` (emptied first), which the caller keeps on its stack: a
/// few hundred bytes returned by value would be copied once more.
pub(crate) fn place<'a>(
    text: &'a str,
    entities: &'a [enums::MessageEntity],
    spans: &mut Spans<'a>,
) {
    let wide = Wide::new(text);
    spans.clear();
    spans.reserve(entities.len());
    for entity in entities {
        let Some(span) = Span::borrowed(entity) else {
            continue;
        };
        let (start, _) = wide.bytes(span.start);
        let (_, end) = wide.bytes(span.end);
        if end > start {
            spans.push(Span {
                start,
                end,
                kind: span.kind,
            });
        }
    }
    // Telegram sends entities in this order already: checking is cheaper than sorting.
    if !spans.is_sorted_by(|a, b| span::order(a, b).is_le()) {
        spans.sort_by(span::order);
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

    /// Byte offsets of the character boundaries at or before and at or after code
    /// unit `unit` (clamped to the text): the same but inside a surrogate pair.
    #[inline]
    fn bytes(&self, unit: usize) -> (usize, usize) {
        let unit = unit.min(self.len);
        // The last non-ASCII character starting at or before `unit`.
        let before = self.chars.partition_point(|c| c.0 <= unit);
        let Some(&(at, byte)) = before.checked_sub(1).map(|i| &self.chars[i]) else {
            // Only ASCII before it: a byte per unit.
            return (unit, unit);
        };
        let (width, units) = widths(self.text[byte]);
        if unit == at {
            (byte, byte)
        } else if unit < at + units {
            // Inside a surrogate pair.
            (byte, byte + width)
        } else {
            let here = byte + width + (unit - at - units);
            (here, here)
        }
    }
}

/// How many bytes `bytes` starts with that are ASCII, checked eight at a time: the
/// first byte with its top bit set is found from the word's mask, without a loop over
/// its bytes.
fn ascii_prefix(bytes: &[u8]) -> usize {
    const TOP_BITS: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut skipped = 0;
    for word in words.by_ref() {
        let word = u64::from_le_bytes(word.try_into().expect("chunks of eight"));
        let wide = word & TOP_BITS;
        if wide != 0 {
            // Little-endian: the lowest set bit is in the earliest byte.
            return skipped + (wide.trailing_zeros() / 8) as usize;
        }
        skipped += 8;
    }
    skipped
        + words
            .remainder()
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(words.remainder().len())
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
    fn the_ascii_prefix_ends_at_the_first_wide_byte_wherever_it_is() {
        for len in 0..20 {
            for at in 0..=len {
                let mut text = vec![b'a'; len];
                if at < len {
                    text[at] = 0xc3;
                }
                assert_eq!(ascii_prefix(&text), at, "length {len}, wide byte at {at}");
            }
        }
    }

    #[test]
    fn a_surrogate_pair_is_never_split() {
        // "a🦊b": the fox is units 1..3, bytes 1..5.
        let entities = [bold(2, 2)];
        let mut spans = Spans::new();
        place("a🦊b", &entities, &mut spans);
        assert_eq!(spans.len(), 1);
        assert_eq!((spans[0].start, spans[0].end), (1, 6));
    }

    #[test]
    fn entities_past_the_end_are_clamped_and_empty_ones_dropped() {
        let entities = [bold(3, 100), bold(9, 2), bold(1, 0)];
        let mut spans = Spans::new();
        place("héllo", &entities, &mut spans);
        assert_eq!(spans.len(), 1);
        assert_eq!((spans[0].start, spans[0].end), (4, 6));
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
        /// The same spans, in the same order, as the full index makes, with the bytes
        /// at their ends in place of code units.
        #[test]
        fn agrees_with_the_full_index(
            text in "[a-z🦊é 👩‍💻\u{800}]{0,30}",
            entities in proptest::collection::vec(entity(), 0..6),
        ) {
            let index = Utf16::new(&text);
            let byte = |unit: usize| {
                index.boundaries().iter().find(|b| b.0 == unit).map(|b| b.1)
            };
            let expected: Vec<Option<Span>> = spans_of(&index, &entities)
                .into_iter()
                .map(|s| Some(Span { start: byte(s.start)?, end: byte(s.end)?, kind: s.kind }))
                .collect();
            let mut spans = Spans::new();
            place(&text, &entities, &mut spans);
            let placed: Vec<Option<Span>> = spans
                .iter()
                .map(|p| {
                    Some(Span {
                        start: p.start,
                        end: p.end,
                        kind: match &p.kind {
                            Kind::TextUrl(url) => Kind::TextUrl(url.to_string()),
                            Kind::Bold => Kind::Bold,
                            other => panic!("the strategy makes no {other:?}"),
                        },
                    })
                })
                .collect();
            prop_assert_eq!(placed, expected);
        }
    }
}
