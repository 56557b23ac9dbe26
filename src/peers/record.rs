//! What a user or chat of the API becomes in the cache: a Bot-API-style id, a kind, an
//! access hash, usernames and a phone number.

use crate::storage::{PeerKind, PeerRecord};
use crate::tl::enums;

/// Channel ids in Bot-API form are `-1000000000000 - id`.
pub const CHANNEL_ID_OFFSET: i64 = 1_000_000_000_000;

/// A Bot-API-style id split into the kind of peer and the id the API uses for it.
///
/// ```
/// use oxigram::peers::BareId;
///
/// assert_eq!(BareId::from_bot_api(-1001234567890), Some(BareId::Channel(1234567890)));
/// assert_eq!(BareId::from_bot_api(-42), Some(BareId::Chat(42)));
/// assert_eq!(BareId::Channel(1234567890).to_bot_api(), -1001234567890);
/// assert_eq!(BareId::from_bot_api(0), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BareId {
    /// A user or bot (`peerUser`); the Bot-API id is the same number.
    User(i64),
    /// A basic group (`peerChat`); the Bot-API id is `-id`.
    Chat(i64),
    /// A channel or supergroup (`peerChannel`); the Bot-API id is `-1000000000000 - id`.
    Channel(i64),
}

impl BareId {
    /// Splits a Bot-API-style id; `None` for 0 and `-1000000000000`, which name nothing.
    pub fn from_bot_api(id: i64) -> Option<BareId> {
        if id > 0 {
            Some(BareId::User(id))
        } else if id < 0 && id > -CHANNEL_ID_OFFSET {
            Some(BareId::Chat(-id))
        } else if id < -CHANNEL_ID_OFFSET {
            // No overflow: id + OFFSET is in [MIN + OFFSET, -1].
            Some(BareId::Channel(-(id + CHANNEL_ID_OFFSET)))
        } else {
            None
        }
    }

    /// The Bot-API-style id (saturating for ids no server hands out).
    pub fn to_bot_api(self) -> i64 {
        match self {
            BareId::User(id) => id,
            BareId::Chat(id) => id.saturating_neg(),
            BareId::Channel(id) => (-CHANNEL_ID_OFFSET).saturating_sub(id),
        }
    }
}

impl From<&enums::Peer> for BareId {
    fn from(peer: &enums::Peer) -> Self {
        match peer {
            enums::Peer::User(p) => BareId::User(p.user_id),
            enums::Peer::Chat(p) => BareId::Chat(p.chat_id),
            enums::Peer::Channel(p) => BareId::Channel(p.channel_id),
        }
    }
}

/// The Bot-API-style id of a `Peer`.
pub fn peer_id(peer: &enums::Peer) -> i64 {
    BareId::from(peer).to_bot_api()
}

/// The cache record of a user, written at `now` (unix seconds); `None` for `userEmpty`.
///
/// A `min` user (seen in a group without its full data) gets access hash 0, which storage
/// never lets replace a known hash.
pub fn user_record(user: &enums::User, now: i64) -> Option<PeerRecord> {
    Seen::of_user(user).map(|seen| seen.record(None, now))
}

/// The cache record of a chat or channel, written at `now` (unix seconds); `None` for
/// `chatEmpty` and for communities (which no `InputPeer` names yet).
pub fn chat_record(chat: &enums::Chat, now: i64) -> Option<PeerRecord> {
    Seen::of_chat(chat).map(|seen| seen.record(None, now))
}

/// Whether a peer of this kind needs an access hash to be named in a request.
pub(crate) fn needs_hash(kind: PeerKind) -> bool {
    !matches!(kind, PeerKind::Group)
}

/// A peer as an answer carries it, borrowed: compared with a cached record without
/// allocating, and turned into one only when it differs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seen<'a> {
    pub id: i64,
    pub access_hash: i64,
    pub kind: PeerKind,
    main: Option<&'a str>,
    more: &'a [enums::Username],
    phone: Option<&'a str>,
}

impl<'a> Seen<'a> {
    pub fn of_user(user: &'a enums::User) -> Option<Seen<'a>> {
        let enums::User::User(user) = user else {
            return None;
        };
        Some(Seen {
            id: user.id,
            access_hash: if user.min {
                0
            } else {
                user.access_hash.unwrap_or(0)
            },
            kind: if user.bot() {
                PeerKind::Bot
            } else {
                PeerKind::User
            },
            main: user.username.as_deref(),
            more: user.usernames.as_deref().unwrap_or_default(),
            phone: user.phone.as_deref(),
        })
    }

    pub fn of_chat(chat: &'a enums::Chat) -> Option<Seen<'a>> {
        let channel_kind = |megagroup: bool| {
            if megagroup {
                PeerKind::Supergroup
            } else {
                PeerKind::Channel
            }
        };
        let group = |id: i64| Seen {
            id: BareId::Chat(id).to_bot_api(),
            access_hash: 0,
            kind: PeerKind::Group,
            main: None,
            more: &[],
            phone: None,
        };
        match chat {
            enums::Chat::Chat(c) => Some(group(c.id)),
            enums::Chat::Forbidden(c) => Some(group(c.id)),
            enums::Chat::Channel(c) => Some(Seen {
                id: BareId::Channel(c.id).to_bot_api(),
                access_hash: if c.min { 0 } else { c.access_hash.unwrap_or(0) },
                kind: channel_kind(c.megagroup),
                main: c.username.as_deref(),
                more: c.usernames.as_deref().unwrap_or_default(),
                phone: None,
            }),
            enums::Chat::ChannelForbidden(c) => Some(Seen {
                id: BareId::Channel(c.id).to_bot_api(),
                access_hash: c.access_hash,
                kind: channel_kind(c.megagroup),
                main: None,
                more: &[],
                phone: None,
            }),
            enums::Chat::Empty(_) => None,
            enums::Chat::CommunityForbidden(_) | enums::Chat::Community(_) => {
                tracing::trace!("a community is not cached: no InputPeer names one");
                None
            }
        }
    }

    /// A 64-bit digest of the form seen (hash, kind, names as written, phone as
    /// written), to recognise a peer seen again without reading its cached record.
    ///
    /// Equal digests are taken as equal forms. The fold is not keyed: someone who crafts
    /// a rename that collides with their own previous form keeps their old username in
    /// the cache until it is refreshed (half the username expiry), which is what a peer
    /// not seen for a while gets anyway.
    #[inline]
    pub fn fingerprint(&self) -> u64 {
        // The lengths (plus one, 0 for none; a length past 20 bits, which no name or
        // phone has, only weakens the digest) are mixed before the bytes: xored into a
        // block of bytes, they could cancel a change of the bytes.
        let len = |text: Option<&str>| text.map_or(0, |t| (t.len() as u64 + 1) & 0xf_ffff);
        let head = self.kind as u64
            | (self.more.len() as u64 & 0xffff) << 8
            | len(self.main) << 24
            | len(self.phone) << 44;
        // Names and phone in two independent folds, which the CPU runs side by side; a
        // username or phone of up to 16 bytes costs one multiply.
        let mut names = Fold(0);
        names.block(self.access_hash as u64, head);
        if let Some(main) = self.main {
            names.bytes(main.as_bytes());
        }
        for enums::Username::Username(u) in self.more {
            names.block(u.username.len() as u64, u64::from(u.active));
            names.bytes(u.username.as_bytes());
        }
        let mut phone = Fold(0);
        if let Some(digits) = self.phone {
            phone.bytes(digits.as_bytes());
        }
        names.0 ^ phone.0.rotate_left(32)
    }

    /// The usernames, the main one first, then the other active ones.
    fn names(&self) -> impl Iterator<Item = &'a str> + 'a {
        let main = self.main;
        self.main
            .into_iter()
            .chain(self.more.iter().filter_map(move |u| {
                let enums::Username::Username(u) = u;
                let repeat = main.is_some_and(|m| m.eq_ignore_ascii_case(&u.username));
                (u.active && !repeat).then_some(u.username.as_str())
            }))
    }

    fn phone_digits(&self) -> Option<impl Iterator<Item = char> + 'a> {
        let phone = self.phone?;
        phone
            .chars()
            .any(|c| c.is_ascii_digit())
            .then(|| phone.chars().filter(char::is_ascii_digit))
    }

    /// The hash to keep: a `min` peer (hash 0 where one is needed) keeps the known one.
    fn merged_hash(&self, old: Option<&PeerRecord>) -> i64 {
        match old {
            Some(old) if self.access_hash == 0 && needs_hash(self.kind) => old.access_hash,
            _ => self.access_hash,
        }
    }

    /// Whether merging this into `old` would change nothing but `updated_at`.
    pub fn same_as(&self, old: &PeerRecord) -> bool {
        if old.id != self.id
            || old.kind != self.kind
            || old.access_hash != self.merged_hash(Some(old))
        {
            return false;
        }
        let mut names = self.names();
        for stored in &old.usernames {
            match names.next() {
                Some(name) if stored.eq_ignore_ascii_case(name) => {}
                _ => return false,
            }
        }
        if names.next().is_some() {
            return false;
        }
        match self.phone_digits() {
            // No phone in the answer keeps the stored one.
            None => true,
            Some(digits) => old.phone.as_deref().is_some_and(|p| p.chars().eq(digits)),
        }
    }

    /// The record to store, merged into `old` the way storage merges (the `min` rule, a
    /// missing phone keeps the known one).
    pub fn record(&self, old: Option<&PeerRecord>, now: i64) -> PeerRecord {
        PeerRecord {
            id: self.id,
            access_hash: self.merged_hash(old),
            kind: self.kind,
            usernames: self.names().map(str::to_ascii_lowercase).collect(),
            phone: match self.phone_digits() {
                Some(digits) => Some(digits.collect()),
                None => old.and_then(|o| o.phone.clone()),
            },
            updated_at: now,
        }
    }
}

/// A fold of 16-byte blocks, one 64×64→128-bit multiply each (folded back to 64 bits):
/// a few cycles per peer, which is what the peer cache can spend on top of decoding it.
struct Fold(u64);

const KEY_A: u64 = 0x243f_6a88_85a3_08d3;
/// Every byte has its top bit set: no text of ASCII bytes and padding zeros cancels it
/// (a zero factor would forget the block).
const KEY_B: u64 = 0x9399_8aae_83f0_f3c4;

impl Fold {
    fn block(&mut self, a: u64, b: u64) {
        let product = u128::from(self.0 ^ a ^ KEY_A) * u128::from(b ^ KEY_B);
        self.0 = (product as u64) ^ (product >> 64) as u64;
    }

    /// The bytes, whose length the caller has folded in already: with it known, the zero
    /// padding of a short string and the overlap of the last block of a long one are
    /// unambiguous, so that `"ab" + "c"` and `"a" + "bc"` differ.
    fn bytes(&mut self, bytes: &[u8]) {
        let len = bytes.len();
        if len > 16 {
            let mut blocks = bytes.chunks_exact(16);
            for block in &mut blocks {
                self.block(le(block), le(&block[8..]));
            }
            if !blocks.remainder().is_empty() {
                // The last 16 bytes, overlapping the blocks before them.
                let last = &bytes[len - 16..];
                self.block(le(last), le(&last[8..]));
            }
        } else if len > 8 {
            // The first and the last 8 bytes, overlapping.
            self.block(le(bytes), le(&bytes[len - 8..]));
        } else {
            self.block(le(bytes), 0);
        }
    }
}

/// The first 8 bytes (fewer padded with zeros), little-endian.
fn le(bytes: &[u8]) -> u64 {
    let mut word = [0; 8];
    let n = bytes.len().min(8);
    word[..n].copy_from_slice(&bytes[..n]);
    u64::from_le_bytes(word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peers::fixtures::{channel, user};
    use crate::tl::types;

    #[test]
    fn ids_follow_the_bot_api() {
        assert_eq!(BareId::from_bot_api(777), Some(BareId::User(777)));
        assert_eq!(
            BareId::from_bot_api(-999_999_999_999),
            Some(BareId::Chat(999_999_999_999))
        );
        assert_eq!(
            BareId::from_bot_api(-1_000_000_000_001),
            Some(BareId::Channel(1))
        );
        assert_eq!(BareId::from_bot_api(-1_000_000_000_000), None);
        assert_eq!(
            BareId::from_bot_api(i64::MIN),
            Some(BareId::Channel(9_223_371_036_854_775_808))
        );
        assert_eq!(BareId::Chat(5).to_bot_api(), -5);
        assert_eq!(BareId::Channel(i64::MAX).to_bot_api(), i64::MIN);
        let peer: enums::Peer = types::PeerChannel {
            channel_id: 1_234_567_890,
        }
        .into();
        assert_eq!(peer_id(&peer), -1_001_234_567_890);
    }

    #[test]
    fn a_user_becomes_a_record_with_names_lowercased_and_main_first() {
        let mut u = user(10, 99, Some("Alice"), Some("+1 (555) 010-99"));
        u.usernames = Some(vec![
            types::Username {
                editable: true,
                active: true,
                deletable: false,
                expired: false,
                username: "alice".into(),
            }
            .into(),
            types::Username {
                editable: false,
                active: false,
                deletable: false,
                expired: false,
                username: "Hidden".into(),
            }
            .into(),
            types::Username {
                editable: false,
                active: true,
                deletable: false,
                expired: false,
                username: "AliceCollectible".into(),
            }
            .into(),
        ]);
        let record = user_record(&u.into(), 1000).unwrap();
        assert_eq!(
            record,
            PeerRecord {
                id: 10,
                access_hash: 99,
                kind: PeerKind::User,
                usernames: vec!["alice".into(), "alicecollectible".into()],
                phone: Some("155501099".into()),
                updated_at: 1000,
            }
        );
    }

    #[test]
    fn bots_min_users_and_empty_users() {
        let mut bot = user(11, 5, Some("helper_bot"), None);
        bot.bot_info_version = Some(1);
        assert_eq!(user_record(&bot.into(), 0).unwrap().kind, PeerKind::Bot);
        let mut min = user(12, 5, None, None);
        min.min = true;
        assert_eq!(user_record(&min.into(), 0).unwrap().access_hash, 0);
        let empty: enums::User = types::UserEmpty { id: 13 }.into();
        assert_eq!(user_record(&empty, 0), None);
    }

    #[test]
    fn chats_channels_and_forbidden_ones() {
        let group: enums::Chat = types::ChatForbidden {
            id: 7,
            title: "g".into(),
        }
        .into();
        let record = chat_record(&group, 0).unwrap();
        assert_eq!(
            (record.id, record.kind, record.access_hash),
            (-7, PeerKind::Group, 0)
        );

        let gone: enums::Chat = types::ChannelForbidden {
            broadcast: false,
            megagroup: true,
            monoforum: false,
            id: 8,
            access_hash: 88,
            title: "s".into(),
            until_date: None,
        }
        .into();
        let record = chat_record(&gone, 0).unwrap();
        assert_eq!(
            (record.id, record.kind, record.access_hash),
            (-1_000_000_000_008, PeerKind::Supergroup, 88)
        );

        let mut news = channel(9, 99, Some("News"));
        assert_eq!(
            chat_record(&news.clone().into(), 0).unwrap().kind,
            PeerKind::Channel
        );
        news.min = true;
        let record = chat_record(&news.into(), 0).unwrap();
        assert_eq!(
            (record.access_hash, record.usernames),
            (0, vec!["news".to_string()])
        );

        let empty: enums::Chat = types::ChatEmpty { id: 1 }.into();
        assert_eq!(chat_record(&empty, 0), None);
    }

    #[test]
    fn the_fingerprint_changes_with_every_field() {
        let base = user(10, 99, Some("alice"), Some("1555"));
        let print = |u: &types::User| Seen::of_user(&u.clone().into()).unwrap().fingerprint();
        let mut prints = vec![print(&base)];
        let mut changed = base.clone();
        changed.access_hash = Some(98);
        prints.push(print(&changed));
        let mut changed = base.clone();
        changed.username = Some("alicf".into());
        prints.push(print(&changed));
        let mut changed = base.clone();
        changed.phone = Some("1556".into());
        prints.push(print(&changed));
        let mut changed = base.clone();
        changed.phone = None;
        prints.push(print(&changed));
        let mut changed = base.clone();
        changed.bot_info_version = Some(1);
        prints.push(print(&changed));
        let mut changed = base.clone();
        changed.username = Some("alice_is_a_longer_name".into());
        prints.push(print(&changed));
        let mut sorted = prints.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), prints.len(), "{prints:x?}");
        assert_eq!(print(&base), prints[0], "the same form, the same print");
    }

    #[test]
    fn the_fingerprint_sees_every_byte_and_the_length() {
        let print = |name: &str, phone: Option<&str>| {
            let u: enums::User = user(10, 99, Some(name), phone).into();
            Seen::of_user(&u).unwrap().fingerprint()
        };
        let mut prints = Vec::new();
        for len in 0..40 {
            let name = "a".repeat(len);
            prints.push(print(&name, None));
            // One byte changed, at every place.
            for at in 0..len {
                let mut changed = name.clone().into_bytes();
                changed[at] = b'b';
                prints.push(print(&String::from_utf8(changed).unwrap(), None));
            }
        }
        // A name's bytes moved to the phone.
        prints.push(print("abc", Some("")));
        prints.push(print("ab", Some("c")));
        prints.push(print("", Some("abc")));
        let mut sorted = prints.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), prints.len());
    }

    #[test]
    fn same_as_sees_every_field_but_the_time() {
        let u: enums::User = user(10, 99, Some("Alice"), Some("+1 555")).into();
        let old = user_record(&u, 5).unwrap();
        let seen = Seen::of_user(&u).unwrap();
        assert!(seen.same_as(&old));
        let mut changed = old.clone();
        changed.usernames.push("more".into());
        assert!(!seen.same_as(&changed));
        let mut changed = old.clone();
        changed.phone = Some("1556".into());
        assert!(!seen.same_as(&changed));
        let mut changed = old.clone();
        changed.access_hash = 98;
        assert!(!seen.same_as(&changed));

        // A min sighting without a phone changes nothing known.
        let mut min = user(10, 0, Some("alice"), None);
        min.min = true;
        let min: enums::User = min.into();
        assert!(Seen::of_user(&min).unwrap().same_as(&old));
        let merged = Seen::of_user(&min).unwrap().record(Some(&old), 9);
        assert_eq!(
            (merged.access_hash, merged.phone),
            (99, Some("1555".into()))
        );
    }
}
