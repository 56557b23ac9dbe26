//! Group membership beyond creating groups: members leaving or removed, invite links,
//! and join requests waiting for an admin.

use oxigram_tl::{enums, types};

use super::{PeerRef, World};

/// Invite links kept, over all groups. Beyond it the oldest is forgotten (it then reads
/// as `INVITE_HASH_EXPIRED`).
pub const MAX_INVITES: usize = 4096;
/// Join requests waiting, over all groups. Beyond it the oldest is forgotten (as if its
/// user had withdrawn it).
pub const MAX_JOIN_REQUESTS: usize = 4096;

/// An invite link to a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    /// The hash (the link is `https://t.me/+<hash>`).
    pub hash: String,
    /// The group it leads to.
    pub group: i64,
    /// Who made it.
    pub admin: i64,
    /// When.
    pub date: i32,
    /// Whether joining needs an admin's approval.
    pub request_needed: bool,
    /// When it stops working, if ever.
    pub expire_date: Option<i32>,
    /// How many may join through it, if limited.
    pub usage_limit: Option<i32>,
    /// How many joined through it.
    pub usage: i32,
    /// Its name, as admins see it.
    pub title: Option<String>,
    /// The group's primary link.
    pub permanent: bool,
    /// Revoked: it no longer lets anyone in.
    pub revoked: bool,
}

impl Invite {
    /// Whether it still lets users in at `now`.
    pub fn usable(&self, now: i32) -> bool {
        !self.revoked
            && self.expire_date.is_none_or(|e| e > now)
            && self.usage_limit.is_none_or(|l| self.usage < l)
    }
}

/// A user waiting for an admin to let them into a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRequest {
    /// The group.
    pub group: i64,
    /// Who asks.
    pub user: i64,
    /// When.
    pub date: i32,
    /// Through which invite.
    pub hash: String,
}

impl World {
    /// Marks `id` online until `now + online_for`, or offline since `now`. Returns the
    /// status others now see (`None` for a bot or an unknown account).
    pub fn set_online(
        &mut self,
        id: i64,
        online: bool,
        now: i32,
        online_for: i32,
    ) -> Option<enums::UserStatus> {
        let a = self.accounts.get_mut(&id).filter(|a| !a.is_bot())?;
        if online {
            let expires = now.saturating_add(online_for);
            a.online_until = Some(expires);
            Some(enums::UserStatus::Online(types::UserStatusOnline {
                expires,
            }))
        } else {
            a.online_until = None;
            a.last_seen = now;
            Some(enums::UserStatus::Offline(types::UserStatusOffline {
                was_online: now,
            }))
        }
    }

    /// The accounts that share a chat with `id`: its private chats' other sides and the
    /// members of its groups.
    pub fn shares_chat_with(&self, id: i64) -> Vec<i64> {
        let mut out: Vec<i64> = self
            .boxes
            .get(&id)
            .map(|b| {
                b.messages
                    .iter()
                    .filter_map(|m| match m.peer {
                        PeerRef::User(u) => Some(u),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        for g in self.groups_of(id) {
            out.extend(g.members.iter().copied());
        }
        out.sort_unstable();
        out.dedup();
        out.retain(|&u| u != id);
        out
    }

    /// Removes `user` from a group; whether they were a member.
    pub fn remove_member(&mut self, group: i64, user: i64) -> bool {
        let Some(g) = self.groups.get_mut(&group) else {
            return false;
        };
        let before = g.members.len();
        g.members.retain(|&m| m != user);
        g.members.len() != before
    }

    /// Makes a new invite link to `group`.
    pub fn export_invite(
        &mut self,
        group: i64,
        admin: i64,
        request_needed: bool,
        date: i32,
    ) -> Invite {
        self.invites_made += 1;
        let n = self.invites_made;
        let hash = format!(
            "{:016x}",
            self.hash_for(group ^ (n << 20) ^ 0x1e_0000) as u64
        );
        if self.invites.len() >= MAX_INVITES {
            let oldest = self
                .invites
                .values()
                .min_by_key(|i| i.date)
                .map(|i| i.hash.clone());
            if let Some(oldest) = oldest {
                self.invites.remove(&oldest);
            }
        }
        let invite = Invite {
            hash: hash.clone(),
            group,
            admin,
            date,
            request_needed,
            expire_date: None,
            usage_limit: None,
            usage: 0,
            title: None,
            permanent: false,
            revoked: false,
        };
        self.invites.insert(hash, invite.clone());
        invite
    }

    /// An invite by hash.
    pub fn invite(&self, hash: &str) -> Option<&Invite> {
        self.invites.get(hash)
    }

    /// An invite by hash, to change.
    pub fn invite_mut(&mut self, hash: &str) -> Option<&mut Invite> {
        self.invites.get_mut(hash)
    }

    /// Records `user`'s request to join through `invite` (once per user and group).
    /// Returns whether it is new.
    pub fn request_join(&mut self, invite: &Invite, user: i64, date: i32) -> bool {
        if self
            .join_requests
            .iter()
            .any(|r| r.group == invite.group && r.user == user)
        {
            return false;
        }
        if self.join_requests.len() >= MAX_JOIN_REQUESTS {
            self.join_requests.remove(0);
        }
        self.join_requests.push(JoinRequest {
            group: invite.group,
            user,
            date,
            hash: invite.hash.clone(),
        });
        true
    }

    /// The requests waiting to join `group`, oldest first.
    pub fn join_requests(&self, group: i64) -> Vec<&JoinRequest> {
        self.join_requests
            .iter()
            .filter(|r| r.group == group)
            .collect()
    }

    /// Takes `user`'s request to join `group` away (approved or declined).
    pub fn take_join_request(&mut self, group: i64, user: i64) -> Option<JoinRequest> {
        let at = self
            .join_requests
            .iter()
            .position(|r| r.group == group && r.user == user)?;
        Some(self.join_requests.remove(at))
    }
}
