//! What a group keeps about its members beyond the list: its description, its admins
//! and their rights, members restricted or banned, the permissions every member has,
//! when each joined; and the chat lists (archive) of each account.

use std::collections::BTreeMap;

use oxigram_tl::{enums, types};

use super::{Delivered, PeerRef, Post, StoredMessage, World};

/// Restricted and banned members kept per group; beyond it the oldest entry is
/// forgotten (that member is free again).
pub const MAX_BANS: usize = 4096;
/// Admins per group, as Telegram allows (50).
pub const MAX_ADMINS: usize = 50;

/// An admin and the rights they were given.
#[derive(Debug, Clone, PartialEq)]
pub struct Admin {
    /// What they may do.
    pub rights: types::ChatAdminRights,
    /// Who promoted them.
    pub promoted_by: i64,
    /// When.
    pub date: i32,
    /// Their title, if any.
    pub rank: Option<String>,
}

/// A member restricted, or banned (`view_messages`), and until when.
#[derive(Debug, Clone, PartialEq)]
pub struct Ban {
    /// What they may not do.
    pub rights: types::ChatBannedRights,
    /// Who restricted them.
    pub kicked_by: i64,
    /// When.
    pub date: i32,
}

impl Ban {
    /// Whether the restriction still holds at `now` (`until_date` 0: forever).
    pub fn holds(&self, now: i32) -> bool {
        self.rights.until_date == 0 || self.rights.until_date > now
    }
}

/// A group's moderation state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Moderation {
    /// The description.
    pub about: String,
    /// Admins other than the creator.
    pub admins: BTreeMap<i64, Admin>,
    /// Members restricted or banned.
    pub bans: BTreeMap<i64, Ban>,
    /// What members may not do unless an admin (`None`: everything allowed).
    pub default_banned: Option<types::ChatBannedRights>,
    /// When each member joined, and who added them.
    pub joined: BTreeMap<i64, (i32, i64)>,
    /// The hash of the primary invite link.
    pub primary_invite: Option<String>,
}

/// The chat lists of every account: which chats are archived (folder 1) and pinned.
#[derive(Debug, Clone, Default)]
pub struct ChatLists {
    folders: BTreeMap<(i64, PeerRef), i32>,
    /// Each account's pinned chats, the latest pinned first.
    pinned: BTreeMap<i64, Vec<PeerRef>>,
    /// The order messages came in, across boxes (ids are per box, dates per second):
    /// (`User(owner)` or `Channel(id)`, message id) → arrival.
    arrival: BTreeMap<(PeerRef, i32), u64>,
    arrived: u64,
}

/// Chats pinned per account and folder, as Telegram allows without Premium.
pub const MAX_PINNED: usize = 5;

impl World {
    /// Stores a message sent to `to` (see `store_post`), noting when it came
    /// relative to every other message, for the chat list's order.
    pub fn post(&mut self, to: PeerRef, post: &Post<'_>) -> Delivered {
        let delivered = self.store_post(to, post);
        self.chat_lists.arrived += 1;
        let arrived = self.chat_lists.arrived;
        let copies = std::iter::once((post.from, &delivered.sent))
            .chain(delivered.others.iter().map(|(owner, m)| (*owner, m)));
        for (owner, m) in copies {
            let key = match to {
                PeerRef::Channel(_) => (to, m.id),
                _ => (PeerRef::User(owner), m.id),
            };
            self.chat_lists.arrival.insert(key, arrived);
        }
        delivered
    }

    /// When message `m` of `owner`'s chat list came, relative to the others (0 if
    /// unknown).
    pub fn arrival(&self, owner: i64, m: &StoredMessage) -> u64 {
        self.arrival_of(owner, m.peer, m.id)
    }

    /// When message `id` of `owner`'s chat with `peer` came (0 if unknown).
    pub fn arrival_of(&self, owner: i64, peer: PeerRef, id: i32) -> u64 {
        let key = match peer {
            PeerRef::Channel(_) => (peer, id),
            _ => (PeerRef::User(owner), id),
        };
        self.chat_lists.arrival.get(&key).copied().unwrap_or(0)
    }

    /// A group's moderation state, to change.
    pub fn moderation_mut(&mut self, group: i64) -> Option<&mut Moderation> {
        self.groups.get_mut(&group).map(|g| &mut g.moderation)
    }

    /// Records that `users` joined `group` at `date`, added by `actor`, and forgets
    /// the admin entries and restrictions of users who are no longer members.
    pub fn note_joined(&mut self, group: i64, users: &[i64], actor: i64, date: i32) {
        if let Some(m) = self.moderation_mut(group) {
            for &u in users {
                m.joined.insert(u, (date, actor));
            }
        }
    }

    /// Renames a group.
    pub fn set_title(&mut self, group: i64, title: &str) {
        if let Some(g) = self.groups.get_mut(&group) {
            g.title = title.to_owned();
        }
    }

    /// Records `user`'s leaving `group` (their admin rights go; a ban stays).
    pub fn note_left(&mut self, group: i64, user: i64) {
        if let Some(m) = self.moderation_mut(group) {
            m.joined.remove(&user);
            m.admins.remove(&user);
        }
    }

    /// Restricts or bans `user` in `group` (`None` lifts it).
    pub fn set_ban(&mut self, group: i64, user: i64, ban: Option<Ban>) {
        let Some(m) = self.moderation_mut(group) else {
            return;
        };
        match ban {
            None => {
                m.bans.remove(&user);
            }
            Some(ban) => {
                if m.bans.len() >= MAX_BANS && !m.bans.contains_key(&user) {
                    let oldest = m.bans.iter().min_by_key(|(_, b)| b.date).map(|(u, _)| *u);
                    if let Some(oldest) = oldest {
                        m.bans.remove(&oldest);
                    }
                }
                m.bans.insert(user, ban);
            }
        }
    }

    /// The folder `owner` filed `peer` in (0: the main list).
    pub fn folder_of(&self, owner: i64, peer: PeerRef) -> i32 {
        self.chat_lists
            .folders
            .get(&(owner, peer))
            .copied()
            .unwrap_or(0)
    }

    /// `owner`'s pinned chats in `folder`, the latest pinned first.
    pub fn pinned(&self, owner: i64, folder: i32) -> Vec<PeerRef> {
        self.chat_lists
            .pinned
            .get(&owner)
            .map(|p| {
                p.iter()
                    .copied()
                    .filter(|&peer| self.folder_of(owner, peer) == folder)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Pins or unpins `peer` in `owner`'s chat list; `false` if the folder already
    /// holds [`MAX_PINNED`] pinned chats.
    pub fn set_pinned(&mut self, owner: i64, peer: PeerRef, pinned: bool) -> bool {
        let folder = self.folder_of(owner, peer);
        if pinned
            && !self.pinned(owner, folder).contains(&peer)
            && self.pinned(owner, folder).len() >= MAX_PINNED
        {
            return false;
        }
        let list = self.chat_lists.pinned.entry(owner).or_default();
        list.retain(|&p| p != peer);
        if pinned {
            list.insert(0, peer);
        }
        true
    }

    /// Files `peer` in `folder` (0 or 1) of `owner`'s chat list.
    pub fn set_folder(&mut self, owner: i64, peer: PeerRef, folder: i32) {
        if folder == 0 {
            self.chat_lists.folders.remove(&(owner, peer));
        } else {
            self.chat_lists.folders.insert((owner, peer), folder);
        }
    }
}

/// Every admin right.
pub fn all_admin_rights() -> types::ChatAdminRights {
    types::ChatAdminRights {
        change_info: true,
        post_messages: true,
        edit_messages: true,
        delete_messages: true,
        ban_users: true,
        invite_users: true,
        pin_messages: true,
        add_admins: true,
        anonymous: false,
        manage_call: true,
        other: true,
        manage_topics: true,
        post_stories: true,
        edit_stories: true,
        delete_stories: true,
        manage_direct_messages: true,
        manage_ranks: true,
        manage_linked_peers: true,
        manage_welcome_messages: true,
    }
}

/// No admin right (a demotion).
pub fn no_admin_rights() -> types::ChatAdminRights {
    types::ChatAdminRights {
        change_info: false,
        post_messages: false,
        edit_messages: false,
        delete_messages: false,
        ban_users: false,
        invite_users: false,
        pin_messages: false,
        add_admins: false,
        anonymous: false,
        manage_call: false,
        other: false,
        manage_topics: false,
        post_stories: false,
        edit_stories: false,
        delete_stories: false,
        manage_direct_messages: false,
        manage_ranks: false,
        manage_linked_peers: false,
        manage_welcome_messages: false,
    }
}

/// Banned rights with nothing banned, forever.
pub fn nothing_banned() -> types::ChatBannedRights {
    types::ChatBannedRights {
        view_messages: false,
        send_messages: false,
        send_media: false,
        send_stickers: false,
        send_gifs: false,
        send_games: false,
        send_inline: false,
        embed_links: false,
        send_polls: false,
        change_info: false,
        invite_users: false,
        pin_messages: false,
        manage_topics: false,
        send_photos: false,
        send_videos: false,
        send_roundvideos: false,
        send_audios: false,
        send_voices: false,
        send_docs: false,
        send_plain: false,
        edit_rank: false,
        send_reactions: false,
        manage_linked_peers: false,
        until_date: 0,
    }
}

/// The TL banned rights.
pub fn banned_rights(rights: &types::ChatBannedRights) -> enums::ChatBannedRights {
    enums::ChatBannedRights::ChatBannedRights(rights.clone())
}

/// The admin rights `viewer` has in `g`, as its chat object tells them.
pub(super) fn admin_rights_of(g: &super::Group, viewer: i64) -> Option<enums::ChatAdminRights> {
    let rights = if g.creator == viewer {
        all_admin_rights()
    } else {
        g.moderation.admins.get(&viewer)?.rights.clone()
    };
    Some(enums::ChatAdminRights::ChatAdminRights(rights))
}

/// The restrictions `viewer` is under in `g`.
pub(super) fn banned_of(g: &super::Group, viewer: i64) -> Option<enums::ChatBannedRights> {
    g.moderation
        .bans
        .get(&viewer)
        .map(|b| banned_rights(&b.rights))
}

/// What `g`'s members may not do.
pub(super) fn default_banned(g: &super::Group) -> Option<enums::ChatBannedRights> {
    g.moderation.default_banned.as_ref().map(banned_rights)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ban(date: i32, until_date: i32) -> Ban {
        Ban {
            rights: types::ChatBannedRights {
                view_messages: true,
                until_date,
                ..nothing_banned()
            },
            kicked_by: 1,
            date,
        }
    }

    #[test]
    fn bans_end_when_they_say_and_are_bounded_per_group() {
        assert!(ban(0, 0).holds(i32::MAX));
        assert!(ban(0, 100).holds(99));
        assert!(!ban(0, 100).holds(100));
        let mut world = World::new(1);
        let owner = world.create_user("9996610001", "Owner", 1);
        let group = world.create_group(owner, "g", &[], 0, Some(false));
        for user in 0..(MAX_BANS as i64 + 10) {
            world.set_ban(group, 10_000 + user, Some(ban(user as i32, 0)));
        }
        let bans = &world.group(group).unwrap().moderation.bans;
        assert_eq!(bans.len(), MAX_BANS);
        // The oldest went first.
        assert!(!bans.contains_key(&10_000) && bans.contains_key(&(10_000 + MAX_BANS as i64)));
        world.set_ban(group, 10_020, None);
        assert!(
            !world
                .group(group)
                .unwrap()
                .moderation
                .bans
                .contains_key(&10_020)
        );
    }

    #[test]
    fn pins_are_per_folder_latest_first_and_limited() {
        let mut world = World::new(1);
        let owner = world.create_user("9996610001", "Owner", 1);
        for peer in 1..=MAX_PINNED as i64 {
            assert!(world.set_pinned(owner, PeerRef::User(peer), true));
        }
        assert!(!world.set_pinned(owner, PeerRef::User(99), true));
        // Pinning again what is pinned is no new pin.
        assert!(world.set_pinned(owner, PeerRef::User(1), true));
        assert_eq!(world.pinned(owner, 0)[0], PeerRef::User(1));
        // Archived, a chat's pin counts in the archive.
        world.set_folder(owner, PeerRef::User(2), 1);
        assert_eq!(world.pinned(owner, 1), [PeerRef::User(2)]);
        assert!(world.set_pinned(owner, PeerRef::User(99), true));
        assert!(world.set_pinned(owner, PeerRef::User(99), false));
        assert_eq!(world.pinned(owner, 0).len(), MAX_PINNED - 1);
    }
}
