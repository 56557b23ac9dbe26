//! What members may do in a group ([`ChatPermissions`]) and what an admin may do
//! ([`ChatPrivileges`]), as plain structs of flags.

use crate::tl::types;

/// What the members of a group may do (the group's defaults), or what one restricted
/// member may still do. Every flag is `false` in [`ChatPermissions::none`] (and
/// `Default`), `true` in [`ChatPermissions::all`]:
///
/// ```
/// use oxigram::types::ChatPermissions;
///
/// // Read-only, but members may still add others.
/// let muted = ChatPermissions { can_invite_users: true, ..ChatPermissions::none() };
/// assert!(!muted.can_send_messages);
/// let open = ChatPermissions { can_pin_messages: false, ..ChatPermissions::all() };
/// assert!(open.can_send_media);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ChatPermissions {
    /// Send text messages.
    pub can_send_messages: bool,
    /// Send photos, videos, audio, voice notes, round videos and files.
    pub can_send_media: bool,
    /// Send polls.
    pub can_send_polls: bool,
    /// Send stickers, GIFs and games, and use inline bots.
    pub can_send_other_messages: bool,
    /// Show link previews.
    pub can_add_web_page_previews: bool,
    /// React to messages.
    pub can_send_reactions: bool,
    /// Change the title, photo and description.
    pub can_change_info: bool,
    /// Add members.
    pub can_invite_users: bool,
    /// Pin messages.
    pub can_pin_messages: bool,
    /// Create and edit forum topics.
    pub can_manage_topics: bool,
}

impl ChatPermissions {
    /// Everything allowed.
    pub fn all() -> Self {
        ChatPermissions {
            can_send_messages: true,
            can_send_media: true,
            can_send_polls: true,
            can_send_other_messages: true,
            can_add_web_page_previews: true,
            can_send_reactions: true,
            can_change_info: true,
            can_invite_users: true,
            can_pin_messages: true,
            can_manage_topics: true,
        }
    }

    /// Nothing allowed (read only).
    pub fn none() -> Self {
        ChatPermissions::default()
    }

    /// What `banned` leaves allowed.
    pub(crate) fn from_banned(banned: &types::ChatBannedRights) -> Self {
        let b = banned;
        ChatPermissions {
            can_send_messages: !(b.send_messages || b.send_plain),
            can_send_media: !(b.send_media
                || b.send_photos
                || b.send_videos
                || b.send_audios
                || b.send_voices
                || b.send_docs
                || b.send_roundvideos),
            can_send_polls: !b.send_polls,
            can_send_other_messages: !(b.send_stickers
                || b.send_gifs
                || b.send_games
                || b.send_inline),
            can_add_web_page_previews: !b.embed_links,
            can_send_reactions: !b.send_reactions,
            can_change_info: !b.change_info,
            can_invite_users: !b.invite_users,
            can_pin_messages: !b.pin_messages,
            can_manage_topics: !b.manage_topics,
        }
    }

    /// The banned rights that leave exactly this allowed, until `until_date` (0:
    /// forever).
    pub(crate) fn to_banned(self, until_date: i32) -> types::ChatBannedRights {
        let media = !self.can_send_media;
        let other = !self.can_send_other_messages;
        types::ChatBannedRights {
            view_messages: false,
            send_messages: !self.can_send_messages,
            send_media: media,
            send_stickers: other,
            send_gifs: other,
            send_games: other,
            send_inline: other,
            embed_links: !self.can_add_web_page_previews,
            send_polls: !self.can_send_polls,
            change_info: !self.can_change_info,
            invite_users: !self.can_invite_users,
            pin_messages: !self.can_pin_messages,
            manage_topics: !self.can_manage_topics,
            send_photos: media,
            send_videos: media,
            send_roundvideos: media,
            send_audios: media,
            send_voices: media,
            send_docs: media,
            send_plain: !self.can_send_messages,
            edit_rank: false,
            send_reactions: !self.can_send_reactions,
            manage_linked_peers: false,
            until_date,
        }
    }
}

/// What an admin may do. Every flag is `false` in [`ChatPrivileges::none`] (and
/// `Default`, which demotes); [`ChatPrivileges::all`] is every right but anonymity:
///
/// ```
/// use oxigram::types::ChatPrivileges;
///
/// let moderator = ChatPrivileges {
///     can_delete_messages: true,
///     can_restrict_members: true,
///     ..ChatPrivileges::none()
/// };
/// assert!(!moderator.can_promote_members);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ChatPrivileges {
    /// See the admin log, statistics and members (any admin right implies it).
    pub can_manage_chat: bool,
    /// Change the title, photo and description.
    pub can_change_info: bool,
    /// Post in a channel.
    pub can_post_messages: bool,
    /// Edit others' posts in a channel.
    pub can_edit_messages: bool,
    /// Delete others' messages.
    pub can_delete_messages: bool,
    /// Ban, unban and restrict members.
    pub can_restrict_members: bool,
    /// Add members and make invite links.
    pub can_invite_users: bool,
    /// Pin messages.
    pub can_pin_messages: bool,
    /// Promote others with at most these rights.
    pub can_promote_members: bool,
    /// Start and manage video chats.
    pub can_manage_video_chats: bool,
    /// Manage forum topics.
    pub can_manage_topics: bool,
    /// Post as the group, not as oneself.
    pub is_anonymous: bool,
}

impl ChatPrivileges {
    /// Every right, not anonymous.
    pub fn all() -> Self {
        ChatPrivileges {
            can_manage_chat: true,
            can_change_info: true,
            can_post_messages: true,
            can_edit_messages: true,
            can_delete_messages: true,
            can_restrict_members: true,
            can_invite_users: true,
            can_pin_messages: true,
            can_promote_members: true,
            can_manage_video_chats: true,
            can_manage_topics: true,
            is_anonymous: false,
        }
    }

    /// No right: an ordinary member.
    pub fn none() -> Self {
        ChatPrivileges::default()
    }

    /// Whether no right is given (promoting with these demotes).
    pub fn is_none(&self) -> bool {
        *self == ChatPrivileges::none()
    }

    pub(crate) fn from_admin(r: &types::ChatAdminRights) -> Self {
        ChatPrivileges {
            can_manage_chat: r.other,
            can_change_info: r.change_info,
            can_post_messages: r.post_messages,
            can_edit_messages: r.edit_messages,
            can_delete_messages: r.delete_messages,
            can_restrict_members: r.ban_users,
            can_invite_users: r.invite_users,
            can_pin_messages: r.pin_messages,
            can_promote_members: r.add_admins,
            can_manage_video_chats: r.manage_call,
            can_manage_topics: r.manage_topics,
            is_anonymous: r.anonymous,
        }
    }

    pub(crate) fn to_admin(self) -> types::ChatAdminRights {
        // Any right at all lets the admin manage the chat, as Telegram has it.
        let any = !self.is_none();
        types::ChatAdminRights {
            change_info: self.can_change_info,
            post_messages: self.can_post_messages,
            edit_messages: self.can_edit_messages,
            delete_messages: self.can_delete_messages,
            ban_users: self.can_restrict_members,
            invite_users: self.can_invite_users,
            pin_messages: self.can_pin_messages,
            add_admins: self.can_promote_members,
            anonymous: self.is_anonymous,
            manage_call: self.can_manage_video_chats,
            other: self.can_manage_chat || any,
            manage_topics: self.can_manage_topics,
            post_stories: false,
            edit_stories: false,
            delete_stories: false,
            manage_direct_messages: false,
            manage_ranks: false,
            manage_linked_peers: false,
            manage_welcome_messages: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_survive_the_round_trip_through_banned_rights() {
        for p in [
            ChatPermissions::all(),
            ChatPermissions::none(),
            ChatPermissions {
                can_send_messages: true,
                can_send_polls: true,
                ..ChatPermissions::none()
            },
        ] {
            let banned = p.to_banned(7);
            assert_eq!(banned.until_date, 7);
            assert!(!banned.view_messages);
            assert_eq!(ChatPermissions::from_banned(&banned), p);
        }
        assert!(ChatPermissions::none().to_banned(0).send_messages);
    }

    #[test]
    fn privileges_survive_the_round_trip_through_admin_rights() {
        let moderator = ChatPrivileges {
            can_manage_chat: true,
            can_restrict_members: true,
            ..ChatPrivileges::none()
        };
        for p in [ChatPrivileges::all(), ChatPrivileges::none(), moderator] {
            assert_eq!(ChatPrivileges::from_admin(&p.to_admin()), p);
        }
        // Any right implies managing the chat.
        let pinner = ChatPrivileges {
            can_pin_messages: true,
            ..ChatPrivileges::none()
        };
        assert!(pinner.to_admin().other);
    }
}
