//! Markdown in Pyrogram's flavour, both ways.
//!
//! Parsing never fails: markup that does not close is text. The work is linear in the
//! input: each lookahead (for a closing backtick, fence or parenthesis, or the last
//! line of a quote) either leads the scan to what it found or is remembered as failed.

use super::span::{self, Kind, Span, Utf16, emoji_id, link_kind, utf16_len};
use crate::tl::enums;

/// The two-character delimiters, in the order of [`toggle`].
const TOGGLES: [u8; 5] = [b'*', b'_', b'-', b'~', b'|'];

fn toggle(i: u8) -> Kind {
    match i {
        0 => Kind::Bold,
        1 => Kind::Italic,
        2 => Kind::Underline,
        3 => Kind::Strike,
        _ => Kind::Spoiler,
    }
}

fn delimiter(kind: &Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Bold => "**",
        Kind::Italic => "__",
        Kind::Underline => "--",
        Kind::Strike => "~~",
        Kind::Spoiler => "||",
        _ => return None,
    })
}

/// What may follow a backslash inside code and pre (elsewhere any ASCII punctuation
/// may).
fn code_escapable(c: u8) -> bool {
    matches!(c, b'`' | b'\\' | b'>' | b'*')
}

/// A pre block's language: `[A-Za-z0-9_+#.-]`, as the fence line holds it.
fn is_language(s: &[u8]) -> bool {
    s.iter()
        .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'+' | b'#' | b'.' | b'-'))
}

#[derive(Debug)]
enum Tok {
    /// Source bytes `from..to`, shown as they are.
    Text {
        from: usize,
        to: usize,
    },
    /// A two-character delimiter; literal text unless paired.
    Toggle {
        kind: u8,
        from: usize,
        partner: Option<usize>,
    },
    CodeOpen,
    CodeClose,
    PreOpen {
        language: (usize, usize),
    },
    PreClose,
    /// `[` or `![`; literal text unless a `](url)` closed it, which sets `kind`.
    LinkOpen {
        from: usize,
        bang: bool,
        kind: Option<Kind>,
    },
    LinkClose {
        open: usize,
    },
    QuoteOpen {
        collapsed: bool,
    },
    QuoteClose,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Normal,
    Code,
    Pre,
}

/// A quote being read: lines up to `last_line` start with `>`; the quote ends at byte
/// `end`, where `strip` bytes (the `||` of an expandable quote) are skipped.
#[derive(Debug, Clone, Copy)]
struct Run {
    last_line: usize,
    end: usize,
    strip: usize,
}

struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    text_from: usize,
    toks: Vec<Tok>,
    mode: Mode,
    links: Vec<usize>,
    run: Option<Run>,
    /// No closing backtick (or fence) starts at or after these positions.
    no_backtick_from: usize,
    no_fence_from: usize,
    /// Scans for a link's `)` starting before this position fail.
    url_fail_until: usize,
}

/// Markdown → text and spans.
pub(crate) fn parse(src: &str) -> (String, Vec<Span>) {
    let mut parser = Parser {
        src,
        b: src.as_bytes(),
        pos: 0,
        text_from: 0,
        toks: Vec::new(),
        mode: Mode::Normal,
        links: Vec::new(),
        run: None,
        no_backtick_from: usize::MAX,
        no_fence_from: usize::MAX,
        url_fail_until: 0,
    };
    parser.tokenize();
    let mut toks = parser.toks;
    pair(&mut toks);
    emit(src, &toks)
}

impl Parser<'_> {
    fn flush(&mut self) {
        if self.pos > self.text_from {
            self.toks.push(Tok::Text {
                from: self.text_from,
                to: self.pos,
            });
        }
    }

    /// Skips `n` bytes that show nothing.
    fn skip(&mut self, n: usize) {
        self.pos += n;
        self.text_from = self.pos;
    }

    fn token(&mut self, tok: Tok, width: usize) {
        self.flush();
        self.toks.push(tok);
        self.skip(width);
    }

    fn line_end(&self, from: usize) -> usize {
        self.b[from..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(self.b.len(), |i| from + i)
    }

    fn tokenize(&mut self) {
        loop {
            if self.pos == 0 || self.b[self.pos - 1] == b'\n' {
                self.line_start();
            }
            if let Some(run) = self.run
                && self.pos == run.end
            {
                self.token(Tok::QuoteClose, run.strip);
                self.run = None;
            }
            if self.pos >= self.b.len() {
                break;
            }
            let limit = self.run.map_or(self.b.len(), |r| r.end);
            match self.mode {
                Mode::Normal => self.normal(limit),
                Mode::Code | Mode::Pre => self.verbatim(limit),
            }
        }
        self.flush();
        // The lookaheads make every code span and pre block close; should one not,
        // it ends with the text rather than be lost.
        match self.mode {
            Mode::Code => self.toks.push(Tok::CodeClose),
            Mode::Pre => self.toks.push(Tok::PreClose),
            Mode::Normal => {}
        }
    }

    /// At the start of a line: skips a quote's `>`, or starts a quote.
    fn line_start(&mut self) {
        let at = self.pos;
        if let Some(run) = self.run {
            if at <= run.last_line && self.b.get(at) == Some(&b'>') {
                self.flush();
                self.skip(1);
            }
            return;
        }
        let (collapsed, prefix) = if self.b.get(at) == Some(&b'>') {
            (false, 1)
        } else if self.b[at..].starts_with(b"**>") {
            (true, 3)
        } else {
            return;
        };
        // The quote is this line and those after it that start with `>`.
        let mut last = at;
        let mut last_prefix = prefix;
        loop {
            let end = self.line_end(last);
            if self.b.get(end + 1) == Some(&b'>') {
                last = end + 1;
                last_prefix = 1;
            } else {
                break;
            }
        }
        let end = self.line_end(last);
        let strip = if collapsed {
            // Expandable only if its last line ends with an unescaped `||`.
            let floor = last + last_prefix;
            if end >= floor + 2 && &self.b[end - 2..end] == b"||" && !self.escaped(end - 2, floor) {
                2
            } else {
                return;
            }
        } else {
            0
        };
        self.token(Tok::QuoteOpen { collapsed }, prefix);
        self.run = Some(Run {
            last_line: last,
            end: end - strip,
            strip,
        });
    }

    /// Whether the byte at `at` follows an odd number of backslashes (after `floor`).
    fn escaped(&self, at: usize, floor: usize) -> bool {
        let run = self.b[floor..at]
            .iter()
            .rev()
            .take_while(|&&c| c == b'\\')
            .count();
        run % 2 == 1
    }

    fn normal(&mut self, limit: usize) {
        let c = self.b[self.pos];
        let next = (self.pos + 1 < limit).then(|| self.b[self.pos + 1]);
        match c {
            b'\\' if next.is_some_and(|n| n.is_ascii_punctuation()) => {
                // The escaped character starts the next text.
                self.flush();
                self.skip(1);
                self.pos += 1;
            }
            b'*' | b'_' | b'-' | b'~' | b'|' if next == Some(c) => {
                let kind = TOGGLES.iter().position(|&t| t == c).unwrap_or(0) as u8;
                let from = self.pos;
                self.token(
                    Tok::Toggle {
                        kind,
                        from,
                        partner: None,
                    },
                    2,
                );
            }
            b'`' => self.backtick(limit),
            b'[' => {
                self.links
                    .push(self.toks.len() + usize::from(self.pos > self.text_from));
                let from = self.pos;
                self.token(
                    Tok::LinkOpen {
                        from,
                        bang: false,
                        kind: None,
                    },
                    1,
                );
            }
            b'!' if next == Some(b'[') => {
                self.links
                    .push(self.toks.len() + usize::from(self.pos > self.text_from));
                let from = self.pos;
                self.token(
                    Tok::LinkOpen {
                        from,
                        bang: true,
                        kind: None,
                    },
                    2,
                );
            }
            b']' if next == Some(b'(') && !self.links.is_empty() => {
                match self.url(self.pos + 2, limit) {
                    Some((url, after)) => self.close_link(url, after),
                    None => self.pos += 1,
                }
            }
            _ => self.pos += 1,
        }
    }

    fn close_link(&mut self, url: String, after: usize) {
        let Some(open) = self.links.pop() else {
            self.pos += 1;
            return;
        };
        // Links do not nest: brackets still open around this one are text.
        self.links.clear();
        self.flush();
        if let Some(Tok::LinkOpen { bang, kind, .. }) = self.toks.get_mut(open) {
            *kind = Some(match emoji_id(&url) {
                Some(id) if *bang => Kind::CustomEmoji(id),
                _ => link_kind(&url),
            });
        }
        self.toks.push(Tok::LinkClose { open });
        self.pos = after;
        self.text_from = after;
    }

    /// The URL of a link from `from` to its `)`, and where it ends; `None` if the line
    /// (or quote) ends first, or it is empty.
    fn url(&mut self, from: usize, limit: usize) -> Option<(String, usize)> {
        if from < self.url_fail_until {
            return None;
        }
        let mut url = String::new();
        let mut seg = from;
        let mut i = from;
        while i < limit {
            match self.b[i] {
                b'\\' if i + 1 < limit && matches!(self.b[i + 1], b')' | b'\\') => {
                    url.push_str(&self.src[seg..i]);
                    seg = i + 1;
                    i += 2;
                }
                b')' => {
                    url.push_str(&self.src[seg..i]);
                    return (!url.is_empty()).then_some((url, i + 1));
                }
                b'\n' => break,
                _ => i += 1,
            }
        }
        self.url_fail_until = i;
        None
    }

    fn backtick(&mut self, limit: usize) {
        let at = self.pos;
        if self.b[at..limit].starts_with(b"```") && self.closes(at + 3, true) {
            // The rest of the fence's line is the language, if it is one.
            let name = self.b[at + 3..limit]
                .iter()
                .take_while(|&&c| is_language(&[c]))
                .count();
            let line_end = at + 3 + name;
            // A plain quote's last line may end with the fence: the quote ends there.
            let ends_quote = line_end == limit
                && self.run.is_some_and(|r| r.strip == 0)
                && self.b.get(line_end) == Some(&b'\n');
            let (language, content) =
                if (line_end < limit || ends_quote) && self.b[line_end] == b'\n' {
                    ((at + 3, line_end), line_end + 1)
                } else {
                    ((at, at), at + 3)
                };
            self.token(Tok::PreOpen { language }, 0);
            if ends_quote && content == line_end + 1 {
                self.toks.push(Tok::QuoteClose);
                self.run = None;
            }
            self.skip(content - at);
            self.mode = Mode::Pre;
        } else if self.b[at..limit].starts_with(b"```") {
            // A fence that never closes is text, all three backticks.
            self.pos += 3;
        } else if self.closes(at + 1, false) {
            self.token(Tok::CodeOpen, 1);
            self.mode = Mode::Code;
        } else {
            self.pos += 1;
        }
    }

    /// Whether a closing backtick (`fence`: three) comes at or after `from`.
    fn closes(&mut self, from: usize, fence: bool) -> bool {
        let known_none = if fence {
            self.no_fence_from
        } else {
            self.no_backtick_from
        };
        if from >= known_none {
            return false;
        }
        let b = self.b;
        let mut i = from;
        while i < b.len() {
            match b[i] {
                b'\\' if i + 1 < b.len() && code_escapable(b[i + 1]) => i += 2,
                b'`' if !fence || b[i..].starts_with(b"```") => return true,
                _ => i += 1,
            }
        }
        if fence {
            self.no_fence_from = from;
        } else {
            self.no_backtick_from = from;
        }
        false
    }

    fn verbatim(&mut self, limit: usize) {
        let c = self.b[self.pos];
        match c {
            b'\\' if self.pos + 1 < limit && code_escapable(self.b[self.pos + 1]) => {
                self.flush();
                self.skip(1);
                self.pos += 1;
            }
            b'`' if self.mode == Mode::Code => {
                self.token(Tok::CodeClose, 1);
                self.mode = Mode::Normal;
            }
            b'`' if self.b[self.pos..limit].starts_with(b"```") => {
                self.flush();
                self.drop_newline();
                self.toks.push(Tok::PreClose);
                self.skip(3);
                self.mode = Mode::Normal;
            }
            _ => self.pos += 1,
        }
    }

    /// A closing fence stands on a line of its own: the newline before it is not the
    /// block's.
    fn drop_newline(&mut self) {
        for i in (0..self.toks.len()).rev() {
            match self.toks[i] {
                // A quote starting on the fence's line starts a line of the text.
                Tok::QuoteOpen { .. } => return,
                Tok::QuoteClose => {}
                Tok::Text { from, to } => {
                    // A quote ending on the line before ends a line of the text.
                    let ends_quote =
                        to == from + 1 && i > 0 && matches!(self.toks[i - 1], Tok::QuoteClose);
                    if to > from && self.b[to - 1] == b'\n' && !ends_quote {
                        self.toks[i] = Tok::Text { from, to: to - 1 };
                    }
                    return;
                }
                _ => return,
            }
        }
    }
}

/// Pairs each delimiter with the next of its kind; the last one left open is text.
fn pair(toks: &mut [Tok]) {
    let mut open: [Option<usize>; 5] = [None; 5];
    for i in 0..toks.len() {
        if let Tok::Toggle { kind, .. } = toks[i] {
            let slot = &mut open[usize::from(kind)];
            match slot.take() {
                Some(o) => {
                    if let Tok::Toggle { partner, .. } = &mut toks[o] {
                        *partner = Some(i);
                    }
                    if let Tok::Toggle { partner, .. } = &mut toks[i] {
                        *partner = Some(o);
                    }
                }
                None => *slot = Some(i),
            }
        }
    }
}

fn emit(src: &str, toks: &[Tok]) -> (String, Vec<Span>) {
    let mut out = String::with_capacity(src.len());
    let mut units = 0;
    let mut starts = vec![0; toks.len()];
    let mut spans = Vec::new();
    let mut code = 0;
    let mut pre: (usize, &str) = (0, "");
    let mut quote = (0, false);
    fn text(out: &mut String, units: &mut usize, s: &str) {
        out.push_str(s);
        *units += utf16_len(s);
    }
    for (i, tok) in toks.iter().enumerate() {
        match tok {
            Tok::Text { from, to } => text(&mut out, &mut units, &src[*from..*to]),
            Tok::Toggle {
                from,
                partner: None,
                ..
            } => text(&mut out, &mut units, &src[*from..*from + 2]),
            Tok::Toggle {
                kind,
                partner: Some(p),
                ..
            } => {
                if *p > i {
                    starts[i] = units;
                } else {
                    spans.push(Span {
                        start: starts[*p],
                        end: units,
                        kind: toggle(*kind),
                    });
                }
            }
            Tok::CodeOpen => code = units,
            Tok::CodeClose => spans.push(Span {
                start: code,
                end: units,
                kind: Kind::Code,
            }),
            Tok::PreOpen { language } => pre = (units, &src[language.0..language.1]),
            Tok::PreClose => spans.push(Span {
                start: pre.0,
                end: units,
                kind: Kind::Pre(pre.1.to_owned()),
            }),
            Tok::LinkOpen {
                from,
                bang,
                kind: None,
            } => text(
                &mut out,
                &mut units,
                &src[*from..*from + 1 + usize::from(*bang)],
            ),
            Tok::LinkOpen { bang, kind, .. } => {
                if *bang && !matches!(kind, Some(Kind::CustomEmoji(_))) {
                    text(&mut out, &mut units, "!");
                }
                starts[i] = units;
            }
            Tok::LinkClose { open } => {
                if let Some(Tok::LinkOpen {
                    kind: Some(kind), ..
                }) = toks.get(*open)
                {
                    spans.push(Span {
                        start: starts[*open],
                        end: units,
                        kind: kind.clone(),
                    });
                }
            }
            Tok::QuoteOpen { collapsed } => quote = (units, *collapsed),
            Tok::QuoteClose => spans.push(Span {
                start: quote.0,
                end: units,
                kind: Kind::Blockquote { collapsed: quote.1 },
            }),
        }
    }
    spans.retain(|s| s.end > s.start);
    anchor_quotes(&out, &mut spans);
    span::sort(&mut spans);
    (out, spans)
}

/// Leaves out quotes that do not hold whole lines of the text: a quote starts on a line
/// of the source, which may not be one of the text (after an empty pre block's fence).
fn anchor_quotes(text: &str, spans: &mut Vec<Span>) {
    if !spans
        .iter()
        .any(|s| matches!(s.kind, Kind::Blockquote { .. }))
    {
        return;
    }
    let index = Utf16::new(text);
    let pre_starts: Vec<usize> = spans
        .iter()
        .filter(|s| matches!(s.kind, Kind::Pre(_)))
        .map(|s| s.start)
        .collect();
    spans.retain(|s| match s.kind {
        Kind::Blockquote { collapsed } => {
            let starts = s.start == 0
                || char_before(text, &index, s.start) == Some('\n')
                || pre_starts.contains(&s.start);
            let ends = s.end == index.len()
                || char_at(text, &index, s.end) == Some('\n')
                || (!collapsed && pre_starts.contains(&s.end));
            starts && ends
        }
        _ => true,
    });
}

/// Text and entities → Markdown.
pub(crate) fn unparse(text: &str, entities: &[enums::MessageEntity]) -> String {
    let index = Utf16::new(text);
    let (spans, separators) = writable(text, &index, span::spans_of(&index, entities));
    Writer::new(text, &index, spans, separators).write()
}

/// The char at code unit `unit` of `text` (a boundary).
fn char_at(text: &str, index: &Utf16, unit: usize) -> Option<char> {
    let bounds = index.boundaries();
    let i = bounds.binary_search_by_key(&unit, |&(u, _)| u).ok()?;
    text[bounds[i].1..].chars().next()
}

fn char_before(text: &str, index: &Utf16, unit: usize) -> Option<char> {
    let bounds = index.boundaries();
    let i = bounds.binary_search_by_key(&unit, |&(u, _)| u).ok()?;
    let (_, byte) = *bounds.get(i.checked_sub(1)?)?;
    text[byte..].chars().next()
}

/// Where an empty pre block (`` ``` `` newline `` ``` ``) sets a quote apart from the one
/// on the line before: its opening fence ends the first quote's last line, its closing
/// one starts the next line (unquoted), or it stands on a line of its own before the
/// second quote, whose `>` comes before the closing fence.
#[derive(Debug, Default)]
struct Separators {
    /// Ends of quotes, sorted.
    after: Vec<usize>,
    /// Starts of quotes, sorted.
    before: Vec<usize>,
    /// Where a quote ends on an empty line and the next starts on it, sorted: the
    /// first's last line ends with an opening fence, a line of its own closes that block
    /// and opens another, the second's `>` comes before that block's closing fence.
    between: Vec<usize>,
}

/// The spans Markdown can write, from sorted spans: code and pre do not overlap and hold
/// nothing (what crosses into them is cut at their edges), links do not overlap, quotes
/// hold whole lines (or end on a pre block's opening fence, or start on its first line)
/// and do not share a line; and the empty pre blocks that set quotes apart.
fn writable(text: &str, index: &Utf16, spans: Vec<Span>) -> (Vec<Span>, Separators) {
    let mut separators = Separators::default();
    // Code and pre: the first of overlapping ones is kept.
    let mut verbatim: Vec<(usize, usize)> = Vec::new();
    let mut pre_starts: Vec<usize> = Vec::new();
    for s in spans.iter().filter(|s| s.kind.is_verbatim()) {
        if verbatim.last().is_none_or(|&(_, end)| s.start >= end) {
            verbatim.push((s.start, s.end));
            if matches!(s.kind, Kind::Pre(_)) {
                pre_starts.push(s.start);
            }
        }
    }
    let inside = |p: usize| {
        let i = verbatim.partition_point(|&(start, _)| start < p);
        i > 0 && verbatim[i - 1].1 > p
    };
    let line_start = |p: usize| p == 0 || char_before(text, index, p) == Some('\n');
    let line_end = |p: usize| p == index.len() || char_at(text, index, p) == Some('\n');
    let mut kept: Vec<Span> = Vec::with_capacity(spans.len());
    let mut link_end = 0;
    let mut last_verbatim = None;
    // The end of the last quote kept, and whether it is expandable.
    let mut quote: Option<(usize, bool)> = None;
    for mut s in spans {
        match &s.kind {
            Kind::Code | Kind::Pre(_) => {
                if verbatim.binary_search(&(s.start, s.end)).is_err()
                    || last_verbatim == Some(s.start)
                {
                    continue;
                }
                last_verbatim = Some(s.start);
            }
            Kind::Blockquote { collapsed } => {
                // A pre block's content starts a line of the source, as its opening
                // fence ends one (but an expandable quote's `||` must end its line).
                let starts = line_start(s.start) || pre_starts.contains(&s.start);
                let ends = line_end(s.end) || (!collapsed && pre_starts.contains(&s.end));
                if !starts || !ends {
                    continue;
                }
                if let Some((end, expandable)) = quote {
                    // Where the one before ends on a fence's line, one may start on the
                    // block's first line.
                    let after_fence = s.start == end && !expandable && pre_starts.contains(&end);
                    if s.start < end {
                        continue;
                    }
                    if s.start == end && !after_fence {
                        // Both on the empty line at `end`: the first ends on it (before
                        // a fence), the second starts there (before another).
                        if expandable || inside(end) {
                            continue;
                        }
                        separators.between.push(end);
                    }
                    // On the line after another quote, a quote reads as more of it
                    // unless it is expandable (starting `**>`), starts a pre block (the
                    // fence's line between is not quoted), or is set apart by an empty
                    // pre block: at the end of a plain quote, or else at its own start
                    // (neither inside code or a pre block).
                    let next_line = s.start == end + 1 || after_fence;
                    let fence_between = pre_starts.contains(&s.start) && s.start > end;
                    if next_line && !collapsed && !fence_between {
                        if !expandable && !inside(end) {
                            separators.after.push(end);
                        } else if s.start == end + 1 && !inside(s.start) {
                            separators.before.push(s.start);
                        } else {
                            continue;
                        }
                    }
                }
                quote = Some((s.end, *collapsed));
            }
            kind => {
                if let Some(v) = verbatim.iter().find(|&&(a, b)| a < s.start && s.start < b) {
                    s.start = v.1;
                }
                if let Some(v) = verbatim.iter().find(|&&(a, b)| a < s.end && s.end < b) {
                    s.end = v.0;
                }
                if s.end <= s.start || inside(s.start) && inside(s.end.saturating_sub(1)) {
                    continue;
                }
                if kind.is_link() {
                    if let Kind::TextUrl(url) = kind
                        && url.contains('\n')
                    {
                        continue;
                    }
                    if s.start < link_end {
                        continue;
                    }
                    link_end = s.end;
                }
            }
        }
        kept.push(s);
    }
    span::sort(&mut kept);
    (kept, separators)
}

struct Writer<'t> {
    text: &'t str,
    index: &'t Utf16,
    /// Sorted outer first.
    opening: Vec<Span>,
    /// Sorted by end, inner first.
    closing: Vec<Span>,
    quotes: Vec<Span>,
    separators: Separators,
    bounds: Vec<usize>,
    out: String,
}

impl<'t> Writer<'t> {
    fn new(text: &'t str, index: &'t Utf16, spans: Vec<Span>, separators: Separators) -> Self {
        let (quotes, opening): (Vec<Span>, Vec<Span>) = spans
            .into_iter()
            .partition(|s| matches!(s.kind, Kind::Blockquote { .. }));
        let mut closing = opening.clone();
        closing.sort_by(|a, b| {
            a.end
                .cmp(&b.end)
                .then(b.start.cmp(&a.start))
                .then_with(|| b.kind.cmp(&a.kind))
        });
        let mut bounds: Vec<usize> = opening
            .iter()
            .chain(&quotes)
            .flat_map(|s| [s.start, s.end])
            .collect();
        bounds.sort_unstable();
        bounds.dedup();
        Writer {
            separators,
            text,
            index,
            opening,
            closing,
            quotes,
            bounds,
            out: String::with_capacity(text.len() + text.len() / 8 + 16),
        }
    }

    fn is_bound(&self, p: usize) -> bool {
        self.bounds.binary_search(&p).is_ok()
    }

    fn write(mut self) -> String {
        let mut open_i = 0;
        let mut close_i = 0;
        let mut quote_i = 0;
        let mut verbatim = false;
        let mut prev: Option<char> = None;
        let bounds: Vec<(usize, usize)> = self.index.boundaries().to_vec();
        for (k, &(p, byte)) in bounds.iter().enumerate() {
            while self.quotes.get(quote_i).is_some_and(|q| q.end < p) {
                quote_i += 1;
            }
            let quote = self.quotes.get(quote_i).filter(|q| q.start <= p).map(|q| {
                (
                    q.start,
                    q.end,
                    matches!(q.kind, Kind::Blockquote { collapsed: true }),
                )
            });
            let line_start = p == 0 || prev == Some('\n');
            // A quote starting where a pre block does starts on the line after the
            // fence if the fence's line can not be its first: right after another
            // quote (the unquoted fence line sets the two apart), or where another
            // block closes (a quote starting on a closing fence's line keeps the
            // newline before it).
            let pre_opens_here = self.opening[open_i..]
                .iter()
                .take_while(|s| s.start == p)
                .any(|s| matches!(s.kind, Kind::Pre(_)));
            let pre_closes_here = self.closing[close_i..]
                .iter()
                .take_while(|s| s.end == p)
                .any(|s| matches!(s.kind, Kind::Pre(_)));
            let after_quote = quote_i > 0 && self.quotes[quote_i - 1].end + 1 >= p;
            let starts_in_pre = quote.is_some_and(|(start, _, _)| {
                start == p && pre_opens_here && (after_quote || pre_closes_here || !line_start)
            });
            // The quote going on after here: this one, or one starting here as the
            // one before ends on a pre block's fence line.
            let on = match quote {
                Some((_, end, _)) if end == p => self
                    .quotes
                    .get(quote_i + 1)
                    .filter(|q| q.start == p)
                    .map(|q| {
                        (
                            q.start,
                            q.end,
                            matches!(q.kind, Kind::Blockquote { collapsed: true }),
                        )
                    }),
                other => other,
            };
            let on_starts_in_pre = (on != quote && pre_opens_here) || starts_in_pre;
            let separate_before = self.separators.before.binary_search(&p).is_ok();
            let separate_after = self.separators.after.binary_search(&p).is_ok();
            if line_start
                && !starts_in_pre
                && !separate_before
                && let Some((start, _, collapsed)) = quote
            {
                self.out
                    .push_str(if collapsed && p == start { "**>" } else { ">" });
            }
            let bars = quote.is_some_and(|(_, end, collapsed)| collapsed && end == p);
            // The line a closing fence stands on is the quote's if the quote goes on to
            // here; the line after an opening fence, if it goes on after here.
            let quoted_close = quote.is_some_and(|(start, end, _)| start <= p && p <= end)
                && !starts_in_pre
                && !separate_before;
            let quoted_on =
                on.filter(|&(start, end, _)| start <= p && p < end)
                    .map(|(start, _, collapsed)| {
                        if collapsed && start == p && (on_starts_in_pre || !line_start) {
                            "**>"
                        } else {
                            ">"
                        }
                    });
            while let Some(s) = self.closing.get(close_i).filter(|s| s.end == p) {
                let s = s.clone();
                close_i += 1;
                self.close(&s, quoted_close);
                if s.kind.is_verbatim() {
                    verbatim = false;
                }
            }
            if self.separators.between.binary_search(&p).is_ok() {
                let next = self.quotes.get(quote_i + 1);
                let collapsed =
                    next.is_some_and(|q| matches!(q.kind, Kind::Blockquote { collapsed: true }));
                self.out.push_str("```\n``````\n");
                self.out.push_str(if collapsed { "**>" } else { ">" });
                self.out.push_str("```");
            }
            if separate_after {
                self.out.push_str("```\n```");
            }
            if separate_before {
                self.out.push_str("```\n>```");
            }
            let mut pre_opens = false;
            while let Some(s) = self.opening.get(open_i).filter(|s| s.start == p) {
                let s = s.clone();
                open_i += 1;
                // An expandable quote ending where a pre block starts ends on the
                // line after the fence, with the block's first character, a newline.
                self.open(&s, if bars { Some(">") } else { quoted_on });
                if s.kind.is_verbatim() {
                    verbatim = true;
                    pre_opens |= matches!(s.kind, Kind::Pre(_));
                }
            }
            if bars {
                self.out.push_str("||");
            }
            if k + 1 == bounds.len() {
                break;
            }
            let Some(c) = self.text[byte..].chars().next() else {
                break;
            };
            let end = p + c.len_utf16();
            let next = self.text[byte + c.len_utf8()..].chars().next();
            let source_line_start = line_start || pre_opens;
            self.char(c, p, end, prev, next, verbatim, source_line_start);
            prev = Some(c);
        }
        self.out
    }

    #[allow(clippy::too_many_arguments)]
    fn char(
        &mut self,
        c: char,
        p: usize,
        end: usize,
        prev: Option<char>,
        next: Option<char>,
        verbatim: bool,
        line_start: bool,
    ) {
        let escape = if verbatim {
            matches!(c, '`' | '\\') || (line_start && matches!(c, '>' | '*'))
        } else {
            match c {
                '\\' | '`' | '[' | ']' => true,
                '>' | '*' if line_start => true,
                '*' | '_' | '-' | '~' | '|' => {
                    // Beside a delimiter or the same character, it could be read as
                    // one.
                    self.is_bound(p) || self.is_bound(end) || prev == Some(c) || next == Some(c)
                }
                '!' => self.is_bound(end),
                _ => false,
            }
        };
        if escape {
            self.out.push('\\');
        }
        self.out.push(c);
    }

    fn open(&mut self, s: &Span, quoted: Option<&str>) {
        if let Some(d) = delimiter(&s.kind) {
            self.out.push_str(d);
            return;
        }
        match &s.kind {
            Kind::Code => self.out.push('`'),
            Kind::Pre(language) => {
                self.out.push_str("```");
                if is_language(language.as_bytes()) {
                    self.out.push_str(language);
                }
                self.out.push('\n');
                if let Some(prefix) = quoted {
                    self.out.push_str(prefix);
                }
            }
            Kind::CustomEmoji(_) => self.out.push_str("!["),
            Kind::TextUrl(_) | Kind::MentionName(_) => self.out.push('['),
            _ => {}
        }
    }

    fn close(&mut self, s: &Span, quoted: bool) {
        if let Some(d) = delimiter(&s.kind) {
            self.out.push_str(d);
            return;
        }
        match &s.kind {
            Kind::Code => self.out.push('`'),
            Kind::Pre(_) => {
                self.out.push('\n');
                if quoted {
                    self.out.push('>');
                }
                self.out.push_str("```");
            }
            Kind::TextUrl(url) => {
                self.out.push_str("](");
                for c in url.chars() {
                    if matches!(c, ')' | '\\') {
                        self.out.push('\\');
                    }
                    self.out.push(c);
                }
                self.out.push(')');
            }
            Kind::MentionName(id) => {
                self.out.push_str("](tg://user?id=");
                self.out.push_str(&id.to_string());
                self.out.push(')');
            }
            Kind::CustomEmoji(id) => {
                self.out.push_str("](tg://emoji?id=");
                self.out.push_str(&id.to_string());
                self.out.push(')');
            }
            _ => {}
        }
    }
}
