//! A user or bot as handlers see it.

use super::status::Status;
use crate::storage::{PeerKind, PeerRecord};
use crate::tl::enums;

/// A user or bot account.
///
/// Built from the `user` an update carries, or else from the peer cache (which keeps no
/// names: [`first_name`](User::first_name) is then empty), or else from the id alone:
/// a user the client knows nothing about still has its id.
///
/// ```no_run
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// for user in app.get_users(["@durov", "@botfather"]).await? {
///     println!("{} (id {}, bot: {})", user.full_name(), user.id(), user.is_bot());
///     if let Some(username) = user.username() {
///         println!("https://t.me/{username}");
///     }
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    id: i64,
    access_hash: Option<i64>,
    is_bot: bool,
    is_self: bool,
    is_min: bool,
    is_contact: bool,
    is_mutual_contact: bool,
    first_name: String,
    last_name: Option<String>,
    username: Option<String>,
    phone: Option<String>,
    status: Option<Status>,
}

impl User {
    /// The user as the API describes it; `self_id` is the signed-in account's id.
    pub(crate) fn from_raw(user: &enums::User, self_id: Option<i64>) -> User {
        let user = match user {
            enums::User::User(user) => user,
            enums::User::Empty(empty) => return User::unknown(empty.id, self_id),
        };
        User {
            id: user.id,
            // A min user's hash is only good within the message it came with.
            access_hash: if user.min { None } else { user.access_hash },
            is_bot: user.bot(),
            is_self: user.is_self || Some(user.id) == self_id,
            is_min: user.min,
            is_contact: user.contact,
            is_mutual_contact: user.mutual_contact,
            first_name: user.first_name.clone().unwrap_or_default(),
            last_name: user.last_name.clone(),
            username: user.username.clone().or_else(|| {
                user.usernames.as_ref().and_then(|names| {
                    names.iter().find_map(|n| match n {
                        enums::Username::Username(n) if n.active => Some(n.username.clone()),
                        _ => None,
                    })
                })
            }),
            phone: user.phone.clone(),
            status: user.status.as_ref().map(Status::from),
        }
    }

    /// The user as the peer cache knows it: id, kind, username and phone, no names.
    pub(crate) fn from_record(record: &PeerRecord, self_id: Option<i64>) -> User {
        User {
            id: record.id,
            access_hash: (record.access_hash != 0).then_some(record.access_hash),
            is_bot: record.kind == PeerKind::Bot,
            is_self: Some(record.id) == self_id,
            is_min: false,
            is_contact: false,
            is_mutual_contact: false,
            first_name: String::new(),
            last_name: None,
            username: record.usernames.first().cloned(),
            phone: record.phone.clone(),
            status: None,
        }
    }

    /// A user known by id alone.
    pub(crate) fn unknown(id: i64, self_id: Option<i64>) -> User {
        User {
            id,
            access_hash: None,
            is_bot: false,
            is_self: Some(id) == self_id,
            is_min: false,
            is_contact: false,
            is_mutual_contact: false,
            first_name: String::new(),
            last_name: None,
            username: None,
            phone: None,
            status: None,
        }
    }

    /// The user id (the same number in the Bot API).
    pub fn id(&self) -> i64 {
        self.id
    }

    /// Whether this is a bot.
    pub fn is_bot(&self) -> bool {
        self.is_bot
    }

    /// Whether this is the signed-in account.
    pub fn is_self(&self) -> bool {
        self.is_self
    }

    /// Whether the server sent only part of the user (`min`: seen in a big group, its
    /// access hash not usable on its own).
    pub fn is_min(&self) -> bool {
        self.is_min
    }

    /// Whether this account saved the user as a contact (then the names are the ones
    /// it saved).
    pub fn is_contact(&self) -> bool {
        self.is_contact
    }

    /// Whether the user and this account saved each other as contacts.
    pub fn is_mutual_contact(&self) -> bool {
        self.is_mutual_contact
    }

    /// The first name; empty for a user known by id only, or a deleted account.
    pub fn first_name(&self) -> &str {
        &self.first_name
    }

    /// The last name, if set.
    pub fn last_name(&self) -> Option<&str> {
        self.last_name.as_deref()
    }

    /// The first and last name together.
    pub fn full_name(&self) -> String {
        match &self.last_name {
            Some(last) if !self.first_name.is_empty() => format!("{} {last}", self.first_name),
            Some(last) => last.clone(),
            None => self.first_name.clone(),
        }
    }

    /// The main username (without `@`), if any.
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    /// The phone number, if visible to us.
    pub fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }

    /// The online status the user came with, if any.
    pub fn status(&self) -> Option<Status> {
        self.status
    }

    /// The access hash, if one usable on its own is known.
    pub fn access_hash(&self) -> Option<i64> {
        self.access_hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peers::fixtures;

    #[test]
    fn a_full_user_keeps_names_username_phone_and_hash() {
        let mut raw = fixtures::user(42, 777, Some("alice"), Some("15550100"));
        raw.last_name = Some("Liddell".into());
        let user = User::from_raw(&enums::User::User(Box::new(raw)), Some(1));
        assert_eq!(user.id(), 42);
        assert_eq!(user.first_name(), "User 42");
        assert_eq!(user.full_name(), "User 42 Liddell");
        assert_eq!(user.username(), Some("alice"));
        assert_eq!(user.phone(), Some("15550100"));
        assert_eq!(user.access_hash(), Some(777));
        assert!(!user.is_bot() && !user.is_self() && !user.is_min());
    }

    #[test]
    fn a_min_bot_is_a_bot_without_a_usable_hash_and_self_is_recognised() {
        let mut raw = fixtures::user(9, 555, None, None);
        raw.min = true;
        raw.bot_info_version = Some(3);
        let user = User::from_raw(&enums::User::User(Box::new(raw)), Some(9));
        assert!(user.is_bot() && user.is_min() && user.is_self());
        assert_eq!(user.access_hash(), None);
    }

    #[test]
    fn a_cached_record_gives_kind_username_and_phone_but_no_name() {
        let record = PeerRecord {
            id: 5,
            access_hash: 66,
            kind: PeerKind::Bot,
            usernames: vec!["helper_bot".into(), "other".into()],
            phone: None,
            updated_at: 0,
        };
        let user = User::from_record(&record, None);
        assert!(user.is_bot());
        assert_eq!(user.username(), Some("helper_bot"));
        assert_eq!(user.first_name(), "");
        assert_eq!(user.access_hash(), Some(66));
    }
}
