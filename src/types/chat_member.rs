//! One member of a group or channel: who, their standing, and what they may do.

use super::carried::Carried;
use super::members::MemberStatus;
use super::permissions::{ChatPermissions, ChatPrivileges};
use super::user::User;
use crate::tl::enums;

/// A member of a group or channel, or a user banned or restricted there
/// ([`Client::get_chat_member`](crate::Client::get_chat_member),
/// [`Client::get_chat_members`](crate::Client::get_chat_members)).
///
/// ```no_run
/// # use oxigram::MemberStatus;
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// let member = app.get_chat_member("@my_group", "@alice").await?;
/// match member.status() {
///     MemberStatus::Administrator => println!("admin titled {:?}", member.custom_title()),
///     MemberStatus::Restricted => println!("restricted until {:?}", member.until_date()),
///     status => println!("{} is {status:?}", member.user().full_name()),
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct ChatMember {
    user: User,
    status: MemberStatus,
    privileges: Option<ChatPrivileges>,
    permissions: Option<ChatPermissions>,
    until_date: Option<i32>,
    joined_date: Option<i32>,
    invited_by: Option<i64>,
    promoted_by: Option<i64>,
    restricted_by: Option<i64>,
    custom_title: Option<String>,
    can_be_edited: bool,
}

impl ChatMember {
    fn plain(user: User, status: MemberStatus) -> Self {
        ChatMember {
            user,
            status,
            privileges: None,
            permissions: None,
            until_date: None,
            joined_date: None,
            invited_by: None,
            promoted_by: None,
            restricted_by: None,
            custom_title: None,
            can_be_edited: false,
        }
    }

    /// A supergroup's or channel's participant; `None` for one that is not a user.
    pub(crate) fn from_channel(
        carried: &Carried<'_>,
        participant: &enums::ChannelParticipant,
    ) -> Option<Self> {
        use enums::ChannelParticipant as P;
        let status = MemberStatus::of_channel_participant(Some(participant));
        Some(match participant {
            P::ChannelParticipant(p) => ChatMember {
                joined_date: Some(p.date),
                custom_title: p.rank.clone(),
                ..Self::plain(carried.user(p.user_id), status)
            },
            P::ChannelParticipantSelf(p) => ChatMember {
                joined_date: Some(p.date),
                invited_by: Some(p.inviter_id),
                custom_title: p.rank.clone(),
                ..Self::plain(carried.user(p.user_id), status)
            },
            P::Creator(p) => {
                let enums::ChatAdminRights::ChatAdminRights(rights) = &p.admin_rights;
                ChatMember {
                    privileges: Some(ChatPrivileges::from_admin(rights)),
                    custom_title: p.rank.clone(),
                    ..Self::plain(carried.user(p.user_id), status)
                }
            }
            P::Admin(p) => {
                let enums::ChatAdminRights::ChatAdminRights(rights) = &p.admin_rights;
                ChatMember {
                    privileges: Some(ChatPrivileges::from_admin(rights)),
                    joined_date: Some(p.date),
                    invited_by: p.inviter_id,
                    promoted_by: Some(p.promoted_by),
                    custom_title: p.rank.clone(),
                    can_be_edited: p.can_edit,
                    ..Self::plain(carried.user(p.user_id), status)
                }
            }
            P::Banned(p) => {
                let enums::Peer::User(u) = &p.peer else {
                    return None;
                };
                let enums::ChatBannedRights::ChatBannedRights(rights) = &p.banned_rights;
                ChatMember {
                    permissions: (!rights.view_messages)
                        .then(|| ChatPermissions::from_banned(rights)),
                    until_date: Some(rights.until_date).filter(|&d| d != 0),
                    joined_date: Some(p.date),
                    restricted_by: Some(p.kicked_by),
                    ..Self::plain(carried.user(u.user_id), status)
                }
            }
            P::Left(p) => {
                let enums::Peer::User(u) = &p.peer else {
                    return None;
                };
                Self::plain(carried.user(u.user_id), status)
            }
        })
    }

    /// A basic group's participant.
    pub(crate) fn from_chat(carried: &Carried<'_>, participant: &enums::ChatParticipant) -> Self {
        use enums::ChatParticipant as P;
        let status = MemberStatus::of_chat_participant(Some(participant));
        match participant {
            P::Creator(p) => ChatMember {
                privileges: Some(ChatPrivileges::all()),
                custom_title: p.rank.clone(),
                ..Self::plain(carried.user(p.user_id), status)
            },
            P::Admin(p) => ChatMember {
                // A basic group's admins have every right but adding admins.
                privileges: Some(ChatPrivileges {
                    can_promote_members: false,
                    ..ChatPrivileges::all()
                }),
                joined_date: Some(p.date),
                invited_by: Some(p.inviter_id),
                custom_title: p.rank.clone(),
                ..Self::plain(carried.user(p.user_id), status)
            },
            P::ChatParticipant(p) => ChatMember {
                joined_date: Some(p.date),
                invited_by: Some(p.inviter_id),
                custom_title: p.rank.clone(),
                ..Self::plain(carried.user(p.user_id), status)
            },
        }
    }

    /// The user.
    pub fn user(&self) -> &User {
        &self.user
    }

    /// Their standing: owner, admin, member, restricted, left or banned.
    pub fn status(&self) -> MemberStatus {
        self.status
    }

    /// An admin's (or the owner's) rights.
    pub fn privileges(&self) -> Option<&ChatPrivileges> {
        self.privileges.as_ref()
    }

    /// What a restricted member may still do.
    pub fn permissions(&self) -> Option<&ChatPermissions> {
        self.permissions.as_ref()
    }

    /// Until when (unix time) a restriction or ban lasts; `None`: forever, or none.
    pub fn until_date(&self) -> Option<i32> {
        self.until_date
    }

    /// When they joined (for a banned or restricted user: when that happened).
    pub fn joined_date(&self) -> Option<i32> {
        self.joined_date
    }

    /// Who added them, when the server says.
    pub fn invited_by(&self) -> Option<i64> {
        self.invited_by
    }

    /// Who made them an admin.
    pub fn promoted_by(&self) -> Option<i64> {
        self.promoted_by
    }

    /// Who banned or restricted them.
    pub fn restricted_by(&self) -> Option<i64> {
        self.restricted_by
    }

    /// Their title in the group, if any.
    pub fn custom_title(&self) -> Option<&str> {
        self.custom_title.as_deref()
    }

    /// Whether this account may change this admin's rights.
    pub fn can_be_edited(&self) -> bool {
        self.can_be_edited
    }
}
