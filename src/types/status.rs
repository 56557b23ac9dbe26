//! When a user was last seen, as far as their privacy settings let us know.

use crate::tl::enums;

/// A user's online status (`UserStatus` in the API).
///
/// ```no_run
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// use oxigram::types::Status;
///
/// let alice = app.get_users(["@alice"]).await?;
/// match alice.first().and_then(|u| u.status()) {
///     Some(Status::Online { .. }) => println!("online"),
///     Some(Status::Offline { was_online }) => println!("last seen at {was_online}"),
///     Some(Status::Recently) => println!("seen recently"),
///     _ => println!("not seen lately"),
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// Online until `expires` (unix time).
    Online {
        /// When the status runs out unless renewed.
        expires: i32,
    },
    /// Offline since `was_online` (unix time).
    Offline {
        /// The last time they were online.
        was_online: i32,
    },
    /// Seen recently (the exact time hidden).
    Recently,
    /// Seen within the last week.
    LastWeek,
    /// Seen within the last month.
    LastMonth,
    /// Not seen for a long time, or never shown.
    LongAgo,
}

impl From<&enums::UserStatus> for Status {
    fn from(status: &enums::UserStatus) -> Self {
        match status {
            enums::UserStatus::Online(s) => Status::Online { expires: s.expires },
            enums::UserStatus::Offline(s) => Status::Offline {
                was_online: s.was_online,
            },
            enums::UserStatus::Recently(_) => Status::Recently,
            enums::UserStatus::LastWeek(_) => Status::LastWeek,
            enums::UserStatus::LastMonth(_) => Status::LastMonth,
            enums::UserStatus::Empty => Status::LongAgo,
        }
    }
}

/// A user's status changed (`updateUserStatus`).
///
/// ```no_run
/// use oxigram::prelude::*;
/// use oxigram::types::{Status, UserStatus};
///
/// # fn demo(app: Client) {
/// app.on_user_status(filters::all, |update: UserStatus| async move {
///     if let Status::Online { .. } = update.status() {
///         println!("{} came online", update.user_id());
///     }
/// });
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserStatus {
    user_id: i64,
    status: Status,
}

impl UserStatus {
    pub(crate) fn new(user_id: i64, status: &enums::UserStatus) -> Self {
        UserStatus {
            user_id,
            status: status.into(),
        }
    }

    /// Whose status it is.
    pub fn user_id(&self) -> i64 {
        self.user_id
    }

    /// The new status.
    pub fn status(&self) -> Status {
        self.status
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tl::types;

    #[test]
    fn each_status_constructor_maps_to_its_own_kind() {
        let online = enums::UserStatus::Online(types::UserStatusOnline { expires: 1700 });
        assert_eq!(Status::from(&online), Status::Online { expires: 1700 });
        let offline = enums::UserStatus::Offline(types::UserStatusOffline { was_online: 99 });
        assert_eq!(Status::from(&offline), Status::Offline { was_online: 99 });
        let week = enums::UserStatus::LastWeek(types::UserStatusLastWeek { by_me: false });
        assert_eq!(Status::from(&week), Status::LastWeek);
        assert_eq!(Status::from(&enums::UserStatus::Empty), Status::LongAgo);
        let update = UserStatus::new(7, &online);
        assert_eq!(
            (update.user_id(), update.status()),
            (7, Status::Online { expires: 1700 })
        );
    }
}
