//! The small Telegram the test DC serves: accounts (users and bots), private messages with
//! per-account ids, and each account's update state (pts) with the updates that advanced
//! it. Deterministic: ids and hashes come from counters and the seed.

use std::collections::{BTreeMap, HashMap};

mod changes;
mod commands;
mod file_refs;
mod history;
mod members;
mod moderation;
mod photos;
mod places_polls;
mod qts;
mod social;
mod sticker_sets;
mod tl;

use bytes::Bytes;
use oxigram_tl::{enums, types};

pub use self::changes::{ChangeError, Changed, Edit};
pub use self::commands::{Command, CommandScope, MAX_COMMAND_LISTS, MAX_COMMANDS};
pub use self::history::{PageQuery, Paged};
pub use self::members::{Invite, JoinRequest, MAX_INVITES, MAX_JOIN_REQUESTS};
pub use self::moderation::{Admin, Ban, ChatLists, MAX_ADMINS, MAX_BANS, MAX_PINNED, Moderation};
pub use self::moderation::{all_admin_rights, banned_rights, no_admin_rights, nothing_banned};
pub use self::places_polls::{
    MAX_POLL_OPTIONS, StoredMedia, StoredPoll, VoteError, option_bytes, poll_results, poll_tl,
};
pub use self::qts::MAX_QTS_LOG;
use self::qts::QtsBox;
pub use self::social::{MAX_BIO, MAX_BLOCKED, MAX_CONTACTS, SavedContact, SocialError};
pub use self::sticker_sets::{MAX_STICKER_SETS, MAX_STICKERS, StickerSet, StickerSetError};
use self::tl::message;
pub use self::tl::{chat, document_media, document_photo, emoji_reaction, reactions, user};

/// The largest part `upload.saveFilePart` takes (Telegram's limit).
pub const MAX_PART: usize = 512 << 10;
/// The most parts a file may have.
pub const MAX_PARTS: i32 = 4000;
/// The largest file a test DC keeps (it holds files in memory): room for the files
/// bench's 256 MiB.
pub const MAX_FILE: usize = 320 << 20;
/// Bytes of unfinished uploads the test DC holds, over all accounts and files: two of the
/// largest files. A part beyond it is refused (`FILE_PART_TOO_BIG`) until uploads finish.
pub const MAX_PENDING_BYTES: usize = 2 * MAX_FILE;
/// Parts of unfinished uploads held, over all accounts and files (empty parts cost
/// memory too). Beyond it, parts are refused as above.
pub const MAX_PENDING_PARTS: usize = 4 * MAX_PARTS as usize;

/// Why an uploaded file cannot be used, as Telegram names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// A part is missing: its index.
    PartMissing(i32),
    /// More parts than allowed, or a part too large.
    TooBig,
    /// The parts given do not match the file announced.
    PartsInvalid,
    /// The content's MD5 is not the one the uploader gave.
    Md5Invalid,
}

/// What an upload becomes: its type, name, and whether it is a photo.
#[derive(Debug, Clone, PartialEq)]
pub struct FileMeta {
    /// The MIME type the uploader gave.
    pub mime_type: String,
    /// The file name, if given.
    pub name: Option<String>,
    /// Sent as a photo.
    pub photo: bool,
    /// What the uploader said of it (duration, size, performer, ...) other than its
    /// name.
    pub attributes: Vec<enums::DocumentAttribute>,
    /// The MD5 of the content the uploader gave (small files), lowercase hex.
    pub md5: Option<String>,
}

/// A document stored by the server.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDocument {
    /// Its id.
    pub id: i64,
    /// The hash that must come with the id.
    pub access_hash: i64,
    /// The upload date.
    pub date: i32,
    /// The MIME type the uploader gave.
    pub mime_type: String,
    /// The file name, if given.
    pub name: Option<String>,
    /// The content.
    pub bytes: Bytes,
    /// Sent as a photo (served as one size, `x`, as uploaded: the test DC does not
    /// decode or scale images).
    pub photo: bool,
    /// What the uploader said of it, other than its name.
    pub attributes: Vec<enums::DocumentAttribute>,
    /// The file reference handed out with it now (see [`World::expire_file_references`]).
    pub file_reference: Bytes,
}

/// A chat a message is in, as the server keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeerRef {
    /// A private chat with this user.
    User(i64),
    /// A basic group.
    Chat(i64),
    /// A channel or supergroup.
    Channel(i64),
}

impl PeerRef {
    /// The TL peer.
    pub fn tl(self) -> enums::Peer {
        match self {
            PeerRef::User(user_id) => enums::Peer::User(types::PeerUser { user_id }),
            PeerRef::Chat(chat_id) => enums::Peer::Chat(types::PeerChat { chat_id }),
            PeerRef::Channel(channel_id) => enums::Peer::Channel(types::PeerChannel { channel_id }),
        }
    }

    /// The user, for a private chat.
    pub fn user(self) -> Option<i64> {
        match self {
            PeerRef::User(id) => Some(id),
            _ => None,
        }
    }
}

/// A basic group, or (with `channel`) a channel or supergroup.
#[derive(Debug, Clone)]
pub struct Group {
    /// Its id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Who made it.
    pub creator: i64,
    /// Its members (the creator first).
    pub members: Vec<i64>,
    /// When it was made.
    pub date: i32,
    /// For a channel or supergroup: its access hash and whether only admins post.
    pub channel: Option<(i64, bool)>,
    /// A channel's public username, if any.
    pub username: Option<String>,
    /// Its photo (a document id), if it has one.
    pub photo: Option<i64>,
    /// Its description, admins, restrictions and permissions.
    pub moderation: Moderation,
}

/// Why a username cannot be taken, as Telegram names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UsernameError {
    /// Not 5 to 32 letters, digits and underscores starting with a letter
    /// (`USERNAME_INVALID`).
    #[error("USERNAME_INVALID")]
    Invalid,
    /// Another account or channel has it (`USERNAME_OCCUPIED`).
    #[error("USERNAME_OCCUPIED")]
    Occupied,
    /// The peer is not a channel or supergroup (`CHANNEL_INVALID`).
    #[error("CHANNEL_INVALID")]
    NotAChannel,
}

/// Whether `username` has Telegram's shape: 5 to 32 characters, ASCII letters, digits and
/// underscores, starting with a letter.
pub fn valid_username(username: &str) -> bool {
    (5..=32).contains(&username.len())
        && username.starts_with(|c: char| c.is_ascii_alphabetic())
        && username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A message to post.
#[derive(Debug, Clone, Default)]
pub struct Post<'a> {
    /// The sender.
    pub from: i64,
    /// The text.
    pub text: &'a str,
    /// Unix time.
    pub date: i32,
    /// An attached document.
    pub document: Option<i64>,
    /// Forwarded: the original sender and date.
    pub forwarded: Option<(i64, i32)>,
    /// A keyboard (only bots' keyboards are kept: the caller drops a user's).
    pub reply_markup: Option<enums::ReplyMarkup>,
    /// Sent through this inline bot.
    pub via_bot: Option<i64>,
    /// A service message: what happened (the text is then empty).
    pub action: Option<enums::MessageAction>,
    /// The id of the message it replies to, in the sender's box (a pin's service message
    /// names the pinned message so).
    pub reply_to: Option<i32>,
    /// The album it belongs to.
    pub grouped_id: Option<i64>,
    /// The part of the replied message quoted: its text and UTF-16 offset.
    pub quote: Option<(String, i32)>,
    /// Its media (a link preview) shown above its text.
    pub invert_media: bool,
    /// Media other than a file (a place, a contact, a poll, ...).
    pub media: Option<StoredMedia>,
    /// The text's formatting, as stored (mentions by user id).
    pub entities: Option<Vec<enums::MessageEntity>>,
}

/// Where a message went: the sender's copy, and the copies (or, in a channel, the one
/// message) other accounts must hear of.
#[derive(Debug, Clone)]
pub struct Delivered {
    /// The sender's copy (in a channel, the channel's message).
    pub sent: StoredMessage,
    /// Other accounts and their copy.
    pub others: Vec<(i64, StoredMessage)>,
}

/// One account.
#[derive(Debug, Clone)]
pub struct Account {
    /// The user id.
    pub id: i64,
    /// The hash other accounts must present with the id.
    pub access_hash: i64,
    /// First name.
    pub first_name: String,
    /// Last name, if any.
    pub last_name: Option<String>,
    /// Username, if any.
    pub username: Option<String>,
    /// Phone number (users).
    pub phone: Option<String>,
    /// Bot token (bots).
    pub token: Option<String>,
    /// The DC the account lives on.
    pub home_dc: i32,
    /// For a bot in inline mode: the placeholder its users see.
    pub inline_placeholder: Option<String>,
    /// Online until this unix time; otherwise (`None`) last seen at `last_seen`.
    pub online_until: Option<i32>,
    /// When it was last seen online.
    pub last_seen: i32,
}

impl Account {
    /// Whether it is a bot.
    pub fn is_bot(&self) -> bool {
        self.token.is_some()
    }
}

/// A message in one account's box.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMessage {
    /// Its id in this box.
    pub id: i32,
    /// Sent by this account.
    pub out: bool,
    /// The chat it is in (for a private chat, the other side).
    pub peer: PeerRef,
    /// Who sent it.
    pub from: i64,
    /// Unix time.
    pub date: i32,
    /// The text.
    pub text: String,
    /// The pts this message took in the box's update state.
    pub pts: i32,
    /// An attached document's id.
    pub document: Option<i64>,
    /// When it was last edited.
    pub edit_date: Option<i32>,
    /// Forwarded: the original sender and date.
    pub forwarded: Option<(i64, i32)>,
    /// The other copies of the message (a private chat's other side, a basic group's
    /// other members): owner and id.
    pub copies: Vec<(i64, i32)>,
    /// Its keyboard, if a bot sent one.
    pub reply_markup: Option<enums::ReplyMarkup>,
    /// The inline bot it was sent through.
    pub via_bot: Option<i64>,
    /// A service message's action.
    pub action: Option<enums::MessageAction>,
    /// The message it replies to, in this box.
    pub reply_to: Option<i32>,
    /// Pinned in its chat.
    pub pinned: bool,
    /// Reactions: who reacted with which emoji, oldest first (one per user).
    pub reactions: Vec<(i64, String)>,
    /// The album it belongs to.
    pub grouped_id: Option<i64>,
    /// The part of the replied message quoted: its text and UTF-16 offset.
    pub quote: Option<(String, i32)>,
    /// Its media (a link preview) shown above its text.
    pub invert_media: bool,
    /// Media other than a file (a place, a contact, a poll, ...).
    pub media: Option<StoredMedia>,
    /// The text's formatting.
    pub entities: Option<Vec<enums::MessageEntity>>,
}

#[derive(Debug, Default)]
pub(crate) struct MessageBox {
    messages: Vec<StoredMessage>,
    /// Ids are never reused, even after deletions.
    last_id: i32,
    pts: i32,
    /// What advanced pts, for `updates.getDifference`.
    log: Vec<(i32, Logged)>,
}

/// One change to a box, as `updates.getDifference` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Logged {
    /// A new message: its id.
    New(i32),
    /// An edited message: its id.
    Edit(i32),
    /// Deleted messages (their pts count is their number).
    Delete(Vec<i32>),
    /// Messages pinned (`true`) or unpinned (their pts count is their number).
    Pin(Vec<i32>, bool),
}

/// The changes to a box after some pts: new messages, and the other updates with their pts.
#[derive(Debug, Default)]
pub struct Changes {
    /// New messages (still present), oldest first.
    pub new: Vec<StoredMessage>,
    /// Edited messages with the pts of the edit.
    pub edited: Vec<(StoredMessage, i32)>,
    /// Deleted ids with the pts after the deletion.
    pub deleted: Vec<(Vec<i32>, i32)>,
    /// Pinned (`true`) or unpinned ids with the pts after the change.
    pub pinned: Vec<(Vec<i32>, bool, i32)>,
    /// The pts of the last change read (the pts asked after when none).
    pub reached: i32,
}

impl Changes {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.new.is_empty()
            && self.edited.is_empty()
            && self.deleted.is_empty()
            && self.pinned.is_empty()
    }
}

/// Accounts and their messages.
#[derive(Debug)]
pub struct World {
    accounts: BTreeMap<i64, Account>,
    boxes: BTreeMap<i64, MessageBox>,
    next_user: i64,
    secret: u64,
    /// Parts uploaded so far, by (account, file id).
    uploads: HashMap<(i64, i64), BTreeMap<i32, Bytes>>,
    /// Bytes and parts in `uploads`, for [`MAX_PENDING_BYTES`] and [`MAX_PENDING_PARTS`].
    pending: (usize, usize),
    /// The largest file kept ([`MAX_FILE`] unless a test asks for more); unfinished
    /// uploads may hold twice it.
    max_file: usize,
    documents: BTreeMap<i64, StoredDocument>,
    /// Each user's profile photos (document ids), newest first.
    profile_photos: BTreeMap<i64, Vec<i64>>,
    groups: BTreeMap<i64, Group>,
    /// The message boxes of channels (their own pts).
    channel_boxes: BTreeMap<i64, MessageBox>,
    next_group: i64,
    /// Each account's qts and the updates that advanced it.
    qts: BTreeMap<i64, QtsBox>,
    /// Invite links: hash → invite.
    invites: BTreeMap<String, Invite>,
    /// Join requests waiting for an admin, oldest first.
    join_requests: Vec<JoinRequest>,
    /// Invite links made so far (their hashes differ by it).
    invites_made: i64,
    polls: places_polls::Polls,
    /// Contacts, blocks and bios.
    social: social::Social,
    /// Bots' command lists.
    commands: commands::BotCommands,
    /// Each account's archive.
    chat_lists: ChatLists,
    sticker_sets: sticker_sets::StickerSets,
}

impl World {
    /// An empty world; `seed` decides access hashes.
    pub fn new(seed: u64) -> Self {
        World {
            accounts: BTreeMap::new(),
            boxes: BTreeMap::new(),
            next_user: 1_000_000,
            secret: seed ^ 0x5851_f42d_4c95_7f2d,
            uploads: HashMap::new(),
            pending: (0, 0),
            max_file: MAX_FILE,
            documents: BTreeMap::new(),
            profile_photos: BTreeMap::new(),
            groups: BTreeMap::new(),
            channel_boxes: BTreeMap::new(),
            next_group: 500,
            qts: BTreeMap::new(),
            invites: BTreeMap::new(),
            join_requests: Vec::new(),
            invites_made: 0,
            polls: places_polls::Polls::default(),
            social: social::Social::default(),
            commands: commands::BotCommands::default(),
            chat_lists: ChatLists::default(),
            sticker_sets: sticker_sets::StickerSets::default(),
        }
    }

    fn hash_for(&self, id: i64) -> i64 {
        let mut x = (id as u64) ^ self.secret;
        x = (x ^ (x >> 31)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (x ^ (x >> 29)) as i64
    }

    fn add(&mut self, mut account: Account) -> i64 {
        self.next_user += 1;
        account.id = self.next_user;
        account.access_hash = self.hash_for(account.id);
        let id = account.id;
        self.accounts.insert(id, account);
        self.boxes.insert(id, MessageBox::default());
        id
    }

    /// Creates a user with `phone`, living on `home_dc`. Returns its id (the existing one
    /// if the phone is taken).
    pub fn create_user(&mut self, phone: &str, first_name: &str, home_dc: i32) -> i64 {
        if let Some(a) = self.by_phone(phone) {
            return a.id;
        }
        self.add(Account {
            id: 0,
            access_hash: 0,
            first_name: first_name.to_owned(),
            last_name: None,
            username: None,
            phone: Some(phone.to_owned()),
            token: None,
            home_dc,
            inline_placeholder: None,
            online_until: None,
            last_seen: 0,
        })
    }

    /// Creates a bot with `token` (`<id>:<secret>` as BotFather makes them, or any text)
    /// and `username`, living on `home_dc`. Returns its id.
    pub fn create_bot(&mut self, token: &str, username: &str, home_dc: i32) -> i64 {
        if let Some(a) = self.by_token(token) {
            return a.id;
        }
        self.add(Account {
            id: 0,
            access_hash: 0,
            first_name: username.trim_end_matches("_bot").to_owned(),
            last_name: None,
            username: Some(username.to_owned()),
            phone: None,
            token: Some(token.to_owned()),
            home_dc,
            inline_placeholder: None,
            online_until: None,
            last_seen: 0,
        })
    }

    /// Turns inline mode on for a bot (with the placeholder users see) or off.
    /// Returns whether `bot` is a bot.
    pub fn set_inline_placeholder(&mut self, bot: i64, placeholder: Option<&str>) -> bool {
        match self.accounts.get_mut(&bot).filter(|a| a.is_bot()) {
            Some(a) => {
                a.inline_placeholder = placeholder.map(str::to_owned);
                true
            }
            None => false,
        }
    }

    /// An account by id.
    pub fn account(&self, id: i64) -> Option<&Account> {
        self.accounts.get(&id)
    }

    /// An account by id, if `access_hash` is the one it was given out with.
    pub fn account_with_hash(&self, id: i64, access_hash: i64) -> Option<&Account> {
        self.accounts
            .get(&id)
            .filter(|a| a.access_hash == access_hash)
    }

    /// An account by phone.
    pub fn by_phone(&self, phone: &str) -> Option<&Account> {
        self.accounts
            .values()
            .find(|a| a.phone.as_deref() == Some(phone))
    }

    /// A bot by token.
    pub fn by_token(&self, token: &str) -> Option<&Account> {
        self.accounts
            .values()
            .find(|a| a.token.as_deref() == Some(token))
    }

    /// An account by username (case-insensitive, without `@`).
    pub fn by_username(&self, username: &str) -> Option<&Account> {
        let username = username.trim_start_matches('@');
        self.accounts.values().find(|a| {
            a.username
                .as_deref()
                .is_some_and(|u| u.eq_ignore_ascii_case(username))
        })
    }

    /// A channel or supergroup by its username (case-insensitive, without `@`).
    pub fn channel_by_username(&self, username: &str) -> Option<&Group> {
        let username = username.trim_start_matches('@');
        self.groups.values().find(|g| {
            g.username
                .as_deref()
                .is_some_and(|u| u.eq_ignore_ascii_case(username))
        })
    }

    /// Gives channel `id` the public `username`, or takes its username away (`None`).
    /// Usernames are unique over accounts and channels.
    pub fn set_channel_username(
        &mut self,
        id: i64,
        username: Option<&str>,
    ) -> Result<(), UsernameError> {
        let username = username.map(|u| u.trim_start_matches('@'));
        if let Some(u) = username {
            if !valid_username(u) {
                return Err(UsernameError::Invalid);
            }
            let taken_by_channel = self.channel_by_username(u).is_some_and(|g| g.id != id);
            if taken_by_channel || self.by_username(u).is_some() {
                return Err(UsernameError::Occupied);
            }
        }
        let group = self
            .groups
            .get_mut(&id)
            .filter(|g| g.channel.is_some())
            .ok_or(UsernameError::NotAChannel)?;
        group.username = username.map(str::to_owned);
        Ok(())
    }

    /// Stores a private message from `from` to `to` in both boxes. Returns the sender's
    /// copy and the recipient's copy.
    pub fn send(
        &mut self,
        from: i64,
        to: i64,
        text: &str,
        date: i32,
    ) -> (StoredMessage, StoredMessage) {
        self.send_with(from, to, text, date, None)
    }

    /// Like [`World::send`], with a document attached.
    pub fn send_with(
        &mut self,
        from: i64,
        to: i64,
        text: &str,
        date: i32,
        document: Option<i64>,
    ) -> (StoredMessage, StoredMessage) {
        self.deliver(from, to, text, date, document, None)
    }

    /// Stores a private message in both boxes (once when writing to oneself).
    pub fn deliver(
        &mut self,
        from: i64,
        to: i64,
        text: &str,
        date: i32,
        document: Option<i64>,
        forwarded: Option<(i64, i32)>,
    ) -> (StoredMessage, StoredMessage) {
        let post = Post {
            from,
            text,
            date,
            document,
            forwarded,
            ..Post::default()
        };
        let d = self.post(PeerRef::User(to), &post);
        let received = d
            .others
            .into_iter()
            .next()
            .map_or(d.sent.clone(), |(_, m)| m);
        (d.sent, received)
    }

    /// Stores a message sent to `to`: a private chat (both boxes), a basic group (every
    /// member's box) or a channel (its own box). The caller checked that `from` may post.
    /// ([`World::post`] also notes the order messages came in.)
    fn store_post(&mut self, to: PeerRef, post: &Post<'_>) -> Delivered {
        let template = StoredMessage {
            id: 0,
            out: false,
            peer: to,
            from: post.from,
            date: post.date,
            text: post.text.to_owned(),
            pts: 0,
            document: post.document,
            edit_date: None,
            forwarded: post.forwarded,
            copies: Vec::new(),
            reply_markup: post.reply_markup.clone(),
            via_bot: post.via_bot,
            action: post.action.clone(),
            reply_to: post.reply_to,
            pinned: false,
            reactions: Vec::new(),
            grouped_id: post.grouped_id,
            quote: post.quote.clone(),
            invert_media: post.invert_media,
            media: post.media.clone(),
            entities: post.entities.clone(),
        };
        let next_id = |b: Option<&MessageBox>| b.map_or(1, |b| b.last_id + 1);
        match to {
            PeerRef::Channel(channel) => {
                let b = self.channel_boxes.entry(channel).or_default();
                let id = b.last_id + 1;
                let sent = put(
                    b,
                    StoredMessage {
                        id,
                        out: true,
                        ..template
                    },
                );
                let others = self
                    .groups
                    .get(&channel)
                    .map(|g| g.members.clone())
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|&m| m != post.from)
                    .map(|m| {
                        (
                            m,
                            StoredMessage {
                                out: false,
                                ..sent.clone()
                            },
                        )
                    })
                    .collect();
                Delivered { sent, others }
            }
            PeerRef::User(_) | PeerRef::Chat(_) => {
                // Who gets a copy, the peer each sees, and the id each copy takes.
                let owners: Vec<(i64, PeerRef)> = match to {
                    PeerRef::User(user) if user == post.from => vec![(user, to)],
                    PeerRef::User(user) => {
                        vec![(post.from, to), (user, PeerRef::User(post.from))]
                    }
                    _ => {
                        let members = self.group(chat_id(to)).map(|g| g.members.clone());
                        members
                            .unwrap_or_default()
                            .into_iter()
                            .map(|m| (m, to))
                            .collect()
                    }
                };
                let ids: Vec<(i64, i32)> = owners
                    .iter()
                    .map(|&(owner, _)| (owner, next_id(self.boxes.get(&owner))))
                    .collect();
                let mut sent = None;
                let mut others = Vec::new();
                for (&(owner, peer), &(_, id)) in owners.iter().zip(&ids) {
                    let out = owner == post.from;
                    let reply_to = post
                        .reply_to
                        .and_then(|r| self.copy_in(post.from, r, owner));
                    let m = put(
                        self.boxes.entry(owner).or_default(),
                        StoredMessage {
                            id,
                            out,
                            peer,
                            reply_to,
                            copies: ids.iter().filter(|(o, _)| *o != owner).copied().collect(),
                            ..template.clone()
                        },
                    );
                    if out {
                        sent = Some(m);
                    } else {
                        others.push((owner, m));
                    }
                }
                // A sender outside the group (a service message of a user who left)
                // keeps no copy; the first member's copy stands for it.
                let sent = match sent {
                    Some(sent) => sent,
                    None if !others.is_empty() => others[0].1.clone(),
                    None => StoredMessage {
                        out: true,
                        ..template
                    },
                };
                Delivered { sent, others }
            }
        }
    }

    /// The id in `other`'s box of the message `id` of `owner`'s box (the same message
    /// when `other` is `owner`).
    pub fn copy_in(&self, owner: i64, id: i32, other: i64) -> Option<i32> {
        if owner == other {
            return self.get(owner, id).map(|m| m.id);
        }
        let m = self.get(owner, id)?;
        m.copies.iter().find(|(o, _)| *o == other).map(|(_, i)| *i)
    }

    /// Creates a basic group (`channel: None`) or a channel (`Some(broadcast)`); the
    /// creator is its first member. Returns its id.
    pub fn create_group(
        &mut self,
        creator: i64,
        title: &str,
        members: &[i64],
        date: i32,
        channel: Option<bool>,
    ) -> i64 {
        self.next_group += 1;
        let id = self.next_group;
        let mut all = vec![creator];
        all.extend(members.iter().copied().filter(|&m| m != creator));
        all.dedup();
        let channel = channel.map(|broadcast| (self.hash_for(id ^ 0x0c4a_0000), broadcast));
        self.groups.insert(
            id,
            Group {
                id,
                title: title.to_owned(),
                creator,
                members: all,
                date,
                channel,
                username: None,
                photo: None,
                moderation: Moderation::default(),
            },
        );
        if channel.is_some() {
            self.channel_boxes.insert(id, MessageBox::default());
        }
        id
    }

    /// A group by id.
    pub fn group(&self, id: i64) -> Option<&Group> {
        self.groups.get(&id)
    }

    /// Adds members to a group; returns those added.
    pub fn add_members(&mut self, id: i64, users: &[i64]) -> Vec<i64> {
        let Some(g) = self.groups.get_mut(&id) else {
            return Vec::new();
        };
        let mut added = Vec::new();
        for &u in users {
            if !g.members.contains(&u) {
                g.members.push(u);
                added.push(u);
            }
        }
        added
    }

    /// A channel's pts.
    pub fn channel_pts(&self, id: i64) -> i32 {
        self.channel_boxes.get(&id).map_or(0, |b| b.pts)
    }

    /// The groups an account is in.
    pub fn groups_of(&self, user: i64) -> Vec<&Group> {
        self.groups
            .values()
            .filter(|g| g.members.contains(&user))
            .collect()
    }

    /// An account's chats: each peer with the newest message, newest first (channels it
    /// is in with their newest post).
    pub fn dialogs(&self, owner: i64) -> Vec<StoredMessage> {
        let mut top: BTreeMap<PeerRef, StoredMessage> = BTreeMap::new();
        for m in self
            .boxes
            .get(&owner)
            .map(|b| &b.messages[..])
            .unwrap_or_default()
        {
            top.insert(m.peer, m.clone());
        }
        for g in self.groups_of(owner) {
            if let Some(last) = self
                .channel_boxes
                .get(&g.id)
                .and_then(|b| b.messages.last())
            {
                top.insert(
                    last.peer,
                    StoredMessage {
                        out: last.from == owner,
                        ..last.clone()
                    },
                );
            }
        }
        let mut dialogs: Vec<StoredMessage> = top.into_values().collect();
        dialogs.sort_by_key(|m| std::cmp::Reverse(m.id));
        dialogs
    }

    /// Keeps files of up to `bytes` from now on (the big-file tests; the test DC holds
    /// them in memory).
    pub fn set_max_file(&mut self, bytes: usize) {
        self.max_file = bytes;
    }

    /// Stores one part of a file an account is uploading.
    pub fn save_part(
        &mut self,
        owner: i64,
        file_id: i64,
        part: i32,
        bytes: Bytes,
    ) -> Result<(), FileError> {
        if !(0..MAX_PARTS).contains(&part) || bytes.len() > MAX_PART {
            return Err(FileError::TooBig);
        }
        let parts = self.uploads.get(&(owner, file_id));
        let held: usize = parts.map_or(0, |p| p.values().map(Bytes::len).sum());
        if held + bytes.len() > self.max_file {
            return Err(FileError::TooBig);
        }
        let replaced = parts.and_then(|p| p.get(&part)).map(Bytes::len);
        let pending = (
            self.pending.0 - replaced.unwrap_or(0) + bytes.len(),
            self.pending.1 + usize::from(replaced.is_none()),
        );
        if pending.0 > 2 * self.max_file || pending.1 > MAX_PENDING_PARTS {
            tracing::debug!(?pending, "unfinished uploads at their bound");
            return Err(FileError::TooBig);
        }
        self.pending = pending;
        self.uploads
            .entry((owner, file_id))
            .or_default()
            .insert(part, bytes);
        Ok(())
    }

    /// Turns an upload of `parts` parts into a document.
    pub fn finish_upload(
        &mut self,
        owner: i64,
        file_id: i64,
        parts: i32,
        meta: FileMeta,
        date: i32,
    ) -> Result<i64, FileError> {
        let uploaded = self
            .uploads
            .get(&(owner, file_id))
            .ok_or(FileError::PartMissing(0))?;
        if parts <= 0 || parts > MAX_PARTS {
            return Err(FileError::PartsInvalid);
        }
        if let Some(missing) = (0..parts).find(|p| !uploaded.contains_key(p)) {
            return Err(FileError::PartMissing(missing));
        }
        if uploaded.len() != parts as usize {
            return Err(FileError::PartsInvalid);
        }
        let uploaded = self
            .uploads
            .remove(&(owner, file_id))
            .expect("checked above");
        self.pending.0 -= uploaded.values().map(Bytes::len).sum::<usize>();
        self.pending.1 -= uploaded.len();
        let mut content = Vec::with_capacity(uploaded.values().map(|p| p.len()).sum());
        for part in uploaded.values() {
            content.extend_from_slice(part);
        }
        if let Some(expected) = meta.md5.as_deref().filter(|m| !m.is_empty()) {
            use md5::Digest;
            let digest = md5::Md5::digest(&content);
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            if !hex.eq_ignore_ascii_case(expected) {
                return Err(FileError::Md5Invalid);
            }
        }
        let id = self.next_user * 1_000 + self.documents.len() as i64 + 1;
        let document = StoredDocument {
            id,
            access_hash: self.hash_for(id ^ 0x00d0_c000),
            date,
            mime_type: meta.mime_type,
            name: meta.name,
            bytes: content.into(),
            photo: meta.photo,
            attributes: meta.attributes,
            file_reference: file_refs::FIRST,
        };
        self.documents.insert(id, document);
        Ok(id)
    }

    /// A document by its id alone (for the server's own use).
    pub fn document_by_id(&self, id: i64) -> Option<&StoredDocument> {
        self.documents.get(&id)
    }

    /// A document, if `access_hash` matches.
    pub fn document(&self, id: i64, access_hash: i64) -> Option<&StoredDocument> {
        self.documents
            .get(&id)
            .filter(|d| d.access_hash == access_hash)
    }

    /// The update state of an account's box.
    pub fn pts(&self, id: i64) -> i32 {
        self.boxes.get(&id).map_or(0, |b| b.pts)
    }

    /// An account's messages with `peer`, newest first (a channel's own, for channels).
    pub fn history(&self, id: i64, peer: PeerRef) -> Vec<StoredMessage> {
        let b = match peer {
            PeerRef::Channel(channel) => self.channel_boxes.get(&channel),
            _ => self.boxes.get(&id),
        };
        b.map(|b| {
            b.messages
                .iter()
                .rev()
                .filter(|m| m.peer == peer)
                .cloned()
                .collect()
        })
        .unwrap_or_default()
    }

    /// Every message an account received, oldest first.
    pub fn received(&self, id: i64) -> Vec<StoredMessage> {
        self.boxes
            .get(&id)
            .map(|b| b.messages.iter().filter(|m| !m.out).cloned().collect())
            .unwrap_or_default()
    }

    /// The TL `message` of a stored message in `owner`'s box, with its media.
    pub fn message(&self, m: &StoredMessage, owner: i64) -> enums::Message {
        let media = match &m.media {
            Some(media) => Some(self.media(media, owner)),
            None => m
                .document
                .and_then(|id| self.documents.get(&id))
                .map(document_media),
        };
        message(m, owner, media)
    }

    /// The TL `user` for `id` as `viewer` sees it.
    pub fn user(&self, id: i64, viewer: i64) -> Option<enums::User> {
        let a = self.accounts.get(&id)?;
        let mut tl = user(a, id == viewer);
        if let (enums::User::User(u), Some(photo)) = (&mut tl, self.profile_photos(id).first()) {
            u.photo = Some(tl::profile_photo(*photo));
        }
        Some(tl)
    }
}

/// Stores `m` as the next message of box `b`, advancing its pts.
fn put(b: &mut MessageBox, m: StoredMessage) -> StoredMessage {
    b.pts += 1;
    b.last_id = m.id;
    let m = StoredMessage { pts: b.pts, ..m };
    b.log.push((b.pts, Logged::New(m.id)));
    b.messages.push(m.clone());
    m
}

/// The group id of a group peer (0 for a private chat).
fn chat_id(peer: PeerRef) -> i64 {
    match peer {
        PeerRef::Chat(id) | PeerRef::Channel(id) => id,
        PeerRef::User(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_file_is_kept_only_if_its_md5_matches() {
        let mut world = World::new(1);
        let meta = |md5: &str| FileMeta {
            mime_type: "text/plain".into(),
            name: Some("abc.txt".into()),
            photo: false,
            attributes: Vec::new(),
            md5: Some(md5.into()),
        };
        // RFC 1321: MD5("abc").
        let right = "900150983cd24fb0d6963f7d28e17f72";
        world
            .save_part(7, 1, 0, Bytes::from_static(b"abc"))
            .unwrap();
        let wrong = right.replace('9', "8");
        assert_eq!(
            world.finish_upload(7, 1, 1, meta(&wrong), 0),
            Err(FileError::Md5Invalid)
        );
        world
            .save_part(7, 2, 0, Bytes::from_static(b"abc"))
            .unwrap();
        let id = world.finish_upload(7, 2, 1, meta(right), 0).unwrap();
        assert_eq!(&world.document_by_id(id).unwrap().bytes[..], b"abc");
    }

    #[test]
    fn unfinished_uploads_are_bounded_over_all_files_and_freed_when_finished() {
        let mut world = World::new(1);
        let bot = world.create_bot("123:abc", "echo_bot", 2);
        let part = Bytes::from(vec![7; MAX_PART]);
        // Files of 64 parts (32 MiB), each under the per-file limit, on ever new ids.
        let mut refused = None;
        for file in 0..64 {
            for p in 0..64 {
                if world.save_part(bot, file, p, part.clone()).is_err() {
                    refused.get_or_insert((file, p));
                }
            }
        }
        let files_held = (MAX_PENDING_BYTES / (64 * MAX_PART)) as i64;
        assert!(files_held < 64);
        assert_eq!(refused, Some((files_held, 0)));
        assert_eq!(world.pending.0, MAX_PENDING_BYTES);
        // Empty parts count too.
        let mut parts = 0;
        loop {
            let part = (parts % 4000) as i32;
            match world.save_part(bot, 1_000 + parts / 4000, part, Bytes::new()) {
                Ok(()) => parts += 1,
                Err(e) => {
                    assert_eq!(e, FileError::TooBig);
                    break;
                }
            }
        }
        assert_eq!(world.pending.1, MAX_PENDING_PARTS);
        // Finishing a file frees its share.
        let meta = FileMeta {
            mime_type: "application/octet-stream".into(),
            name: None,
            photo: false,
            attributes: Vec::new(),
            md5: None,
        };
        world.finish_upload(bot, 0, 64, meta, 1).unwrap();
        assert_eq!(world.pending.0, MAX_PENDING_BYTES - 64 * MAX_PART);
        assert!(world.save_part(bot, 9_999, 0, part).is_ok());
    }

    #[test]
    fn messages_get_ids_and_pts_per_box() {
        let mut world = World::new(1);
        let alice = world.create_user("9996611111", "Alice", 1);
        let bot = world.create_bot("123:abc", "echo_bot", 2);
        assert_eq!(world.create_user("9996611111", "Again", 1), alice);
        world.send(alice, bot, "hi", 10);
        let (sent, got) = world.send(bot, alice, "hi back", 11);
        assert_eq!((sent.id, sent.pts, sent.out), (2, 2, true));
        assert_eq!((got.id, got.pts, got.out), (2, 2, false));
        let changes = world.changes_after(alice, 1);
        assert_eq!(changes.new, vec![got.clone()]);
        let edit = |text| Edit {
            text: Some(text),
            document: None,
            ..Edit::default()
        };
        let to_alice = PeerRef::User(alice);
        let edited = world
            .edit(bot, to_alice, sent.id, &edit("edited"), 12)
            .unwrap();
        assert_eq!(edited.len(), 2);
        assert_eq!(world.get(alice, got.id).unwrap().text, "edited");
        let not_mine = world.edit(alice, PeerRef::User(bot), got.id, &edit("no"), 13);
        assert_eq!(not_mine.unwrap_err(), ChangeError::NotAuthor);
        let same = world.edit(bot, to_alice, sent.id, &edit("edited"), 13);
        assert_eq!(same.unwrap_err(), ChangeError::NotModified);
        let deleted = world.delete(bot, &[sent.id], true);
        assert_eq!(deleted.len(), 2);
        assert!(world.get(alice, got.id).is_none());
        let changes = world.changes_after(alice, 2);
        // The edit of a message since deleted is not reported.
        assert_eq!((changes.edited.len(), changes.deleted.len()), (0, 1));
        assert_eq!(world.received(bot).len(), 1);
        let hash = world.account(bot).unwrap().access_hash;
        assert!(world.account_with_hash(bot, hash).is_some());
        assert!(world.account_with_hash(bot, hash ^ 1).is_none());
        assert_eq!(world.by_username("@ECHO_bot").unwrap().id, bot);
    }
}
