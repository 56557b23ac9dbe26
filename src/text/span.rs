//! The formatting both flavours know, as ranges of UTF-16 code units, and the way to and
//! from the API's entities.

use crate::tl::{enums, types};

/// What a range of text is formatted as (a link's address and a block's language as
/// `S`: owned, or borrowed from the entities when only writing markup).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Kind<S = String> {
    // The order is the nesting order among ranges that start and end together: a
    // quote outside, code and pre innermost.
    Blockquote { collapsed: bool },
    TextUrl(S),
    MentionName(i64),
    CustomEmoji(i64),
    Bold,
    Italic,
    Underline,
    Strike,
    Spoiler,
    Code,
    Pre(S),
}

impl<S> Kind<S> {
    /// Whether nothing can be formatted inside it (in Markdown, where it is verbatim).
    pub(crate) fn is_verbatim(&self) -> bool {
        matches!(self, Kind::Code | Kind::Pre(_))
    }

    /// Whether it is written as a bracketed link.
    pub(crate) fn is_link(&self) -> bool {
        matches!(
            self,
            Kind::TextUrl(_) | Kind::MentionName(_) | Kind::CustomEmoji(_)
        )
    }
}

/// A formatted range: `[start, end)` in UTF-16 code units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span<S = String> {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: Kind<S>,
}

/// The user id of a mention written as a link (`tg://user?id=123`).
pub(crate) fn mention_id(url: &str) -> Option<i64> {
    url.strip_prefix("tg://user?id=")?.parse().ok()
}

/// The document id of a custom emoji written as a link (`tg://emoji?id=123`).
pub(crate) fn emoji_id(url: &str) -> Option<i64> {
    url.strip_prefix("tg://emoji?id=")?.parse().ok()
}

/// A link's formatting: a mention for `tg://user?id=`, a text URL otherwise.
pub(crate) fn link_kind(url: &str) -> Kind {
    match mention_id(url) {
        Some(id) => Kind::MentionName(id),
        None => Kind::TextUrl(url.to_owned()),
    }
}

fn range(offset: i32, length: i32) -> Option<(usize, usize)> {
    let start = usize::try_from(offset).ok()?;
    let length = usize::try_from(length).ok()?;
    Some((start, start.checked_add(length)?))
}

impl Span {
    /// The span of an API entity; `None` for what neither flavour writes (mentions by
    /// username, hashtags, URLs and the other kinds Telegram finds by itself) and for
    /// negative offsets or lengths.
    pub(crate) fn of(entity: &enums::MessageEntity) -> Option<Span> {
        let Span { start, end, kind } = Span::borrowed(entity)?;
        let kind = match kind {
            Kind::Blockquote { collapsed } => Kind::Blockquote { collapsed },
            Kind::TextUrl(url) => Kind::TextUrl(url.to_owned()),
            Kind::MentionName(id) => Kind::MentionName(id),
            Kind::CustomEmoji(id) => Kind::CustomEmoji(id),
            Kind::Bold => Kind::Bold,
            Kind::Italic => Kind::Italic,
            Kind::Underline => Kind::Underline,
            Kind::Strike => Kind::Strike,
            Kind::Spoiler => Kind::Spoiler,
            Kind::Code => Kind::Code,
            Kind::Pre(language) => Kind::Pre(language.to_owned()),
        };
        Some(Span { start, end, kind })
    }
}

impl<'a> Span<&'a str> {
    /// [`Span::of`] borrowing the entity's address or language.
    // Inlined: returned through memory from another unit, the span was stored in
    // pieces and read back whole, which stalls the load.
    #[inline]
    pub(crate) fn borrowed(entity: &'a enums::MessageEntity) -> Option<Span<&'a str>> {
        use enums::MessageEntity as E;
        let (offset, length, kind) = match entity {
            E::Bold(e) => (e.offset, e.length, Kind::Bold),
            E::Italic(e) => (e.offset, e.length, Kind::Italic),
            E::Underline(e) => (e.offset, e.length, Kind::Underline),
            E::Strike(e) => (e.offset, e.length, Kind::Strike),
            E::Spoiler(e) => (e.offset, e.length, Kind::Spoiler),
            E::Code(e) => (e.offset, e.length, Kind::Code),
            E::Pre(e) => (e.offset, e.length, Kind::Pre(e.language.as_str())),
            E::TextUrl(e) => (e.offset, e.length, Kind::TextUrl(e.url.as_str())),
            E::MentionName(e) => (e.offset, e.length, Kind::MentionName(e.user_id)),
            E::InputMessageEntityMentionName(e) => match &e.user_id {
                enums::InputUser::InputUser(u) => {
                    (e.offset, e.length, Kind::MentionName(u.user_id))
                }
                enums::InputUser::FromMessage(u) => {
                    (e.offset, e.length, Kind::MentionName(u.user_id))
                }
                _ => return None,
            },
            E::CustomEmoji(e) => (e.offset, e.length, Kind::CustomEmoji(e.document_id)),
            E::Blockquote(e) => (
                e.offset,
                e.length,
                Kind::Blockquote {
                    collapsed: e.collapsed,
                },
            ),
            _ => return None,
        };
        let (start, end) = range(offset, length)?;
        Some(Span { start, end, kind })
    }
}

impl Span {
    /// The API entity (a mention names the user by id; a request needs the input
    /// form, which the send path makes).
    pub(crate) fn entity(&self) -> enums::MessageEntity {
        use enums::MessageEntity as E;
        let offset = i32::try_from(self.start).unwrap_or(i32::MAX);
        let length = i32::try_from(self.end - self.start).unwrap_or(i32::MAX);
        match &self.kind {
            Kind::Bold => E::Bold(types::MessageEntityBold { offset, length }),
            Kind::Italic => E::Italic(types::MessageEntityItalic { offset, length }),
            Kind::Underline => E::Underline(types::MessageEntityUnderline { offset, length }),
            Kind::Strike => E::Strike(types::MessageEntityStrike { offset, length }),
            Kind::Spoiler => E::Spoiler(types::MessageEntitySpoiler { offset, length }),
            Kind::Code => E::Code(types::MessageEntityCode { offset, length }),
            Kind::Pre(language) => E::Pre(types::MessageEntityPre {
                offset,
                length,
                language: language.clone(),
            }),
            Kind::TextUrl(url) => E::TextUrl(types::MessageEntityTextUrl {
                offset,
                length,
                url: url.clone(),
            }),
            Kind::MentionName(user_id) => E::MentionName(types::MessageEntityMentionName {
                offset,
                length,
                user_id: *user_id,
            }),
            Kind::CustomEmoji(document_id) => E::CustomEmoji(types::MessageEntityCustomEmoji {
                offset,
                length,
                document_id: *document_id,
            }),
            Kind::Blockquote { collapsed } => E::Blockquote(types::MessageEntityBlockquote {
                collapsed: *collapsed,
                offset,
                length,
            }),
        }
    }
}

/// Entities of spans, in a fixed order: by start, longer first, then by kind.
pub(crate) fn entities(mut spans: Vec<Span>) -> Vec<enums::MessageEntity> {
    spans.retain(|s| s.end > s.start);
    sort(&mut spans);
    spans.iter().map(Span::entity).collect()
}

/// Sorts spans outer first: by start, longer first, then by kind.
pub(crate) fn sort<S: Ord>(spans: &mut [Span<S>]) {
    // Telegram sends entities in this order already: checking is cheaper than sorting.
    if !spans.is_sorted_by(|a, b| order(a, b).is_le()) {
        spans.sort_by(order);
    }
}

/// The order of [`sort`]: by start, longer first, then by kind.
pub(crate) fn order<S: Ord>(a: &Span<S>, b: &Span<S>) -> std::cmp::Ordering {
    a.start
        .cmp(&b.start)
        .then(b.end.cmp(&a.end))
        .then_with(|| a.kind.cmp(&b.kind))
}

/// UTF-16 positions of a text: where each character starts, in bytes and code units.
pub(crate) struct Utf16 {
    /// `(utf16 offset, byte offset)` of each character, and of the end.
    starts: Vec<(usize, usize)>,
}

impl Utf16 {
    pub(crate) fn new(text: &str) -> Utf16 {
        let mut starts = Vec::with_capacity(text.len() + 1);
        let mut unit = 0;
        for (byte, c) in text.char_indices() {
            starts.push((unit, byte));
            unit += c.len_utf16();
        }
        starts.push((unit, text.len()));
        Utf16 { starts }
    }

    /// The text's length in code units.
    pub(crate) fn len(&self) -> usize {
        self.starts.last().map_or(0, |&(unit, _)| unit)
    }

    /// The character boundaries: `(utf16 offset, byte offset)`, the end included.
    pub(crate) fn boundaries(&self) -> &[(usize, usize)] {
        &self.starts
    }

    /// The boundary at or before code unit `unit` (inside a surrogate pair: the pair's
    /// start), clamped to the text.
    pub(crate) fn floor(&self, unit: usize) -> usize {
        match self.starts.binary_search_by_key(&unit, |&(u, _)| u) {
            Ok(_) => unit,
            Err(0) => 0,
            Err(i) => self.starts[i - 1].0,
        }
    }

    /// The boundary at or after code unit `unit`, clamped to the text.
    pub(crate) fn ceil(&self, unit: usize) -> usize {
        match self.starts.binary_search_by_key(&unit, |&(u, _)| u) {
            Ok(_) => unit,
            Err(i) => self.starts.get(i).map_or(self.len(), |&(u, _)| u),
        }
    }
}

/// The spans of `entities` that a flavour can write, clamped to the text and moved out
/// of surrogate pairs (a start rounds down, an end up); empty ones dropped.
pub(crate) fn spans_of(index: &Utf16, entities: &[enums::MessageEntity]) -> Vec<Span> {
    let len = index.len();
    let mut spans: Vec<Span> = entities
        .iter()
        .filter_map(Span::of)
        .filter_map(|mut s| {
            s.start = index.floor(s.start.min(len));
            s.end = index.ceil(s.end.min(len));
            (s.end > s.start).then_some(s)
        })
        .collect();
    sort(&mut spans);
    spans
}

/// The length of `text` in UTF-16 code units.
pub(crate) fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}
