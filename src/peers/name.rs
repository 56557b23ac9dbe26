//! [`PeerRef`]: a peer as a user names it.

use std::fmt;
use std::str::FromStr;

use super::PeerError;
use super::record::CHANNEL_ID_OFFSET;

/// A peer as a user names it: `"me"`, a Bot-API id, a username, a link or a phone number.
///
/// Text is read by [`PeerRef::parse`] (also [`FromStr`]); `From<&str>` and `From<String>`
/// keep text that names nothing as [`PeerRef::Unparsable`], so that methods can take
/// `impl Into<PeerRef>` and report [`PeerError::Unparsable`] when they resolve it.
///
/// | written | read as |
/// |---|---|
/// | `me`, `self` (any case) | [`PeerRef::Me`] |
/// | `777000`, `-1001234567890` (an `i64`, or text of one) | [`PeerRef::Id`] |
/// | `@durov`, `durov` | [`PeerRef::Username`] (lower case, without `@`) |
/// | `t.me/durov`, `https://t.me/durov/42`, `telegram.me/…`, `telegram.dog/…`, `durov.t.me` | [`PeerRef::Username`] |
/// | `tg://resolve?domain=durov` | [`PeerRef::Username`] |
/// | `t.me/c/1234567890/42` (a private channel's message link) | [`PeerRef::Id`] `-1001234567890` |
/// | `tg://user?id=42` | [`PeerRef::Id`] |
/// | `+1 555 010-99`, `t.me/+15550109`, `tg://resolve?phone=15550109` | [`PeerRef::Phone`] (digits only) |
///
/// Digits alone are an id, never a phone number: write a phone number with `+` (or with
/// spaces, dashes or parentheses) to have it read as one.
///
/// ```
/// use oxigram::peers::PeerRef;
///
/// assert_eq!(PeerRef::from("https://t.me/Durov"), PeerRef::Username("durov".into()));
/// assert_eq!(PeerRef::from("-1001234567890"), PeerRef::Id(-1001234567890));
/// assert_eq!(PeerRef::from("+44 20 7946-0958"), PeerRef::Phone("442079460958".into()));
/// assert_eq!(PeerRef::from(42), PeerRef::Id(42));
/// assert!("t.me/joinchat/AAAA".parse::<PeerRef>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PeerRef {
    /// The signed-in account itself (`inputPeerSelf`).
    Me,
    /// A Bot-API-style id: users positive, basic groups `-id`, channels
    /// `-1000000000000 - id`.
    Id(i64),
    /// A username, lower case, without `@`.
    Username(String),
    /// A phone number, digits only.
    Phone(String),
    /// Text that names no peer, kept as written; resolving it fails with
    /// [`PeerError::Unparsable`].
    Unparsable(String),
}

/// Shortest and longest usernames accepted (Fragment sells 4-letter ones; 32 is the
/// server's limit). Three is allowed too: a few old accounts have them.
const USERNAME_LEN: std::ops::RangeInclusive<usize> = 3..=32;
/// Digits in a phone number: E.164 allows 15; a little more for prefixes people type.
const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 4..=18;

impl PeerRef {
    /// Reads what a user wrote (see the [type docs](PeerRef) for the forms).
    pub fn parse(text: &str) -> Result<PeerRef, PeerError> {
        let unparsable = || PeerError::Unparsable(text.to_string());
        let t = text.trim();
        if t.eq_ignore_ascii_case("me") || t.eq_ignore_ascii_case("self") {
            return Ok(PeerRef::Me);
        }
        // `i64::from_str` takes a leading `+`, which here starts a phone number.
        if let Some(id) = t.parse::<i64>().ok().filter(|_| !t.starts_with('+')) {
            return if id == 0 || id == -CHANNEL_ID_OFFSET {
                Err(unparsable())
            } else {
                Ok(PeerRef::Id(id))
            };
        }
        if let Some(phone) = phone(t) {
            return Ok(PeerRef::Phone(phone));
        }
        if let Some(rest) = strip_prefix_ignore_case(t, "tg://") {
            return deep_link(rest).ok_or_else(unparsable);
        }
        if let Some(path) = web_link(t) {
            return link_path(path).ok_or_else(unparsable);
        }
        username(t.strip_prefix('@').unwrap_or(t))
            .map(PeerRef::Username)
            .ok_or_else(unparsable)
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// A valid username, lower-cased.
fn username(name: &str) -> Option<String> {
    let ok = USERNAME_LEN.contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then(|| name.to_ascii_lowercase())
}

/// A phone number as people write it: at least a `+` or a separator, so that bare digits
/// stay ids.
fn phone(text: &str) -> Option<String> {
    let body = text.strip_prefix('+');
    let separated = text.contains([' ', '-', '(', ')']);
    if body.is_none() && !separated {
        return None;
    }
    let body = body.unwrap_or(text);
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'))
    {
        return None;
    }
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    PHONE_DIGITS.contains(&digits.len()).then_some(digits)
}

/// The path after the host of a `t.me`-style link, or a `username.t.me` subdomain as a
/// path; `None` if `text` is no such link.
fn web_link(text: &str) -> Option<&str> {
    let mut rest = text;
    for scheme in ["https://", "http://"] {
        if let Some(r) = strip_prefix_ignore_case(rest, scheme) {
            rest = r;
            break;
        }
    }
    rest = strip_prefix_ignore_case(rest, "www.").unwrap_or(rest);
    for host in ["t.me/", "telegram.me/", "telegram.dog/"] {
        if let Some(path) = strip_prefix_ignore_case(rest, host) {
            return Some(path);
        }
    }
    // `username.t.me`: the subdomain is the path's first segment.
    let host = rest.split(['/', '?']).next()?;
    let sub = host.len().checked_sub(".t.me".len())?;
    let suffix = host.get(sub..)?;
    (sub > 0 && suffix.eq_ignore_ascii_case(".t.me")).then(|| rest.get(..sub))?
}

/// First path segments of `t.me` links that name no peer (invites, sticker sets, proxies,
/// …), though they read as usernames.
const NOT_PEERS: &[&str] = &[
    "joinchat",
    "addstickers",
    "addemoji",
    "addlist",
    "addtheme",
    "share",
    "proxy",
    "socks",
    "login",
    "setlanguage",
    "invoice",
    "giftcode",
    "contact",
    "confirmphone",
    "nft",
];

/// `username[/…][?…]`, `s/username`, `c/<channel id>[/…]` or `+<phone>`.
fn link_path(path: &str) -> Option<PeerRef> {
    let path = path.split(['?', '#']).next()?;
    let mut segments = path.split('/');
    let first = segments.next()?;
    if first == "c" {
        let id: i64 = segments.next()?.parse().ok()?;
        if id <= 0 {
            return None;
        }
        return (-CHANNEL_ID_OFFSET).checked_sub(id).map(PeerRef::Id);
    }
    // A channel's preview page and its boost link name the channel.
    if first == "s" || first == "boost" {
        return username(segments.next()?).map(PeerRef::Username);
    }
    if NOT_PEERS.contains(&first.to_ascii_lowercase().as_str()) {
        return None;
    }
    if let Some(number) = first.strip_prefix('+') {
        // `t.me/+<digits>` is a phone link; `t.me/+<hash>` an invite, which names no
        // peer until it is joined.
        return phone(&format!("+{number}")).map(PeerRef::Phone);
    }
    username(first).map(PeerRef::Username)
}

/// `resolve?domain=…`, `resolve?phone=…`, `user?id=…` (after `tg://`).
fn deep_link(rest: &str) -> Option<PeerRef> {
    let (action, query) = rest.split_once('?')?;
    let param = |key: &str| {
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    };
    if action.eq_ignore_ascii_case("resolve") {
        if let Some(domain) = param("domain") {
            return username(domain).map(PeerRef::Username);
        }
        return phone(&format!("+{}", param("phone")?)).map(PeerRef::Phone);
    }
    if action.eq_ignore_ascii_case("user") {
        let id: i64 = param("id")?.parse().ok()?;
        return (id > 0).then_some(PeerRef::Id(id));
    }
    None
}

impl FromStr for PeerRef {
    type Err = PeerError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PeerRef::parse(s)
    }
}

impl From<i64> for PeerRef {
    fn from(id: i64) -> Self {
        PeerRef::Id(id)
    }
}

impl From<&str> for PeerRef {
    fn from(text: &str) -> Self {
        PeerRef::parse(text).unwrap_or_else(|_| PeerRef::Unparsable(text.to_string()))
    }
}

impl From<&String> for PeerRef {
    fn from(text: &String) -> Self {
        PeerRef::from(text.as_str())
    }
}

impl From<String> for PeerRef {
    fn from(text: String) -> Self {
        match PeerRef::parse(&text) {
            Ok(peer) => peer,
            Err(_) => PeerRef::Unparsable(text),
        }
    }
}

impl fmt::Display for PeerRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeerRef::Me => f.write_str("me"),
            PeerRef::Id(id) => write!(f, "{id}"),
            PeerRef::Username(name) => write!(f, "@{name}"),
            PeerRef::Phone(phone) => write!(f, "+{phone}"),
            PeerRef::Unparsable(text) => write!(f, "{text:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> PeerRef {
        PeerRef::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn user(name: &str) -> PeerRef {
        PeerRef::Username(name.into())
    }

    #[test]
    fn me_and_ids() {
        assert_eq!(parse("me"), PeerRef::Me);
        assert_eq!(parse(" SELF "), PeerRef::Me);
        assert_eq!(parse("777000"), PeerRef::Id(777_000));
        assert_eq!(parse("-1001234567890"), PeerRef::Id(-1_001_234_567_890));
        assert_eq!(parse("-42"), PeerRef::Id(-42));
        assert_eq!(PeerRef::from(-5_i64), PeerRef::Id(-5));
    }

    #[test]
    fn usernames_and_links() {
        for text in [
            "durov",
            "@Durov",
            "t.me/durov",
            "T.ME/durov/",
            "https://t.me/durov",
            "http://www.t.me/durov/42?single",
            "https://telegram.me/durov",
            "telegram.dog/durov#x",
            "https://durov.t.me",
            "durov.t.me/12",
            "tg://resolve?domain=durov",
            "tg://resolve?domain=durov&post=4",
            "https://t.me/s/durov",
        ] {
            assert_eq!(parse(text), user("durov"), "{text}");
        }
        assert_eq!(parse("@Bot_Name_bot"), user("bot_name_bot"));
    }

    #[test]
    fn channel_message_links_and_user_deep_links_are_ids() {
        assert_eq!(
            parse("https://t.me/c/1234567890/17"),
            PeerRef::Id(-1_001_234_567_890)
        );
        assert_eq!(parse("tg://user?id=42"), PeerRef::Id(42));
    }

    #[test]
    fn phones() {
        for text in [
            "+15550109",
            "+1 555 0109",
            "+1-555-0109",
            "+1 (555) 0109",
            "1 555 0109",
            "t.me/+15550109",
            "tg://resolve?phone=15550109",
        ] {
            assert_eq!(parse(text), PeerRef::Phone("15550109".into()), "{text}");
        }
    }

    #[test]
    fn nonsense_is_a_typed_error_and_kept_by_from() {
        for text in [
            "",
            " ",
            "0",
            "-1000000000000",
            "@",
            "ab",
            "1abc",
            "héllo",
            "durov!",
            "a".repeat(33).as_str(),
            "t.me/joinchat/AAAAAE",
            "https://t.me/addstickers/Animals",
            "t.me/+AbCdEf",
            "t.me/c/abc",
            "t.me/",
            "https://example.com/durov",
            "tg://resolve",
            "tg://resolve?domain=",
            "tg://user?id=-5",
            "tg://msg?to=1",
            "+",
            "+12",
            "+1 555 0109 x",
            "99999999999999999999",
        ] {
            assert_eq!(
                PeerRef::parse(text),
                Err(PeerError::Unparsable(text.to_string())),
                "{text:?}"
            );
            assert_eq!(PeerRef::from(text), PeerRef::Unparsable(text.to_string()));
        }
        assert_eq!(
            PeerRef::from(String::from("@@x")),
            PeerRef::Unparsable("@@x".into())
        );
    }

    #[test]
    fn display_names_the_peer_the_way_it_parses_back() {
        for peer in [
            PeerRef::Me,
            PeerRef::Id(-1_001_234_567_890),
            user("durov"),
            PeerRef::Phone("15550109".into()),
        ] {
            assert_eq!(parse(&peer.to_string()), peer);
        }
    }
}
