//! What accounts keep about each other: saved contacts (under the names the owner gave
//! them), blocked users, and their own profile (names, bio).

use std::collections::BTreeMap;

use oxigram_tl::enums;

use super::{PeerRef, World};

/// Contacts one account may save (Telegram's order of magnitude); more are refused
/// with `CONTACTS_TOO_MUCH`.
pub const MAX_CONTACTS: usize = 5_000;
/// Users one account may block; more are refused with `BLOCKED_TOO_MUCH`.
pub const MAX_BLOCKED: usize = 5_000;
/// Characters of a bio (Telegram's limit for accounts without Premium).
pub const MAX_BIO: usize = 70;
/// Characters of a first or last name (Telegram's limit).
pub const MAX_NAME: usize = 64;

/// A contact as its owner saved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedContact {
    /// The user saved.
    pub user: i64,
    /// The first name the owner gave.
    pub first_name: String,
    /// The last name the owner gave (empty for none).
    pub last_name: String,
    /// The owner knows the phone (saved by number).
    pub by_phone: bool,
    /// The owner lets this contact see the owner's phone.
    pub shares_phone: bool,
}

/// Why a contact or block was refused, as Telegram names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SocialError {
    /// The owner's list is full.
    #[error("{0}")]
    TooMany(&'static str),
    /// The user is the owner (`CONTACT_ID_INVALID`).
    #[error("CONTACT_ID_INVALID")]
    Oneself,
    /// An empty or too long first name (`FIRSTNAME_INVALID`).
    #[error("FIRSTNAME_INVALID")]
    FirstName,
    /// A too long last name (`LASTNAME_INVALID`).
    #[error("LASTNAME_INVALID")]
    LastName,
    /// A too long bio (`ABOUT_TOO_LONG`).
    #[error("ABOUT_TOO_LONG")]
    About,
    /// No such account (`USER_ID_INVALID`).
    #[error("USER_ID_INVALID")]
    NoAccount,
}

/// Contacts, blocks and bios of every account.
#[derive(Debug, Default)]
pub struct Social {
    contacts: BTreeMap<i64, Vec<SavedContact>>,
    /// Blocked users with the date of the block, oldest first.
    blocked: BTreeMap<i64, Vec<(i64, i32)>>,
    bios: BTreeMap<i64, String>,
}

impl World {
    /// `owner`'s contacts, in the order saved.
    pub fn contacts(&self, owner: i64) -> &[SavedContact] {
        self.social
            .contacts
            .get(&owner)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// `owner`'s contact `user`, if saved.
    pub fn contact(&self, owner: i64, user: i64) -> Option<&SavedContact> {
        self.contacts(owner).iter().find(|c| c.user == user)
    }

    /// Saves (or renames) `contact` in `owner`'s contacts.
    pub fn save_contact(&mut self, owner: i64, contact: SavedContact) -> Result<(), SocialError> {
        if contact.user == owner {
            return Err(SocialError::Oneself);
        }
        check_names(&contact.first_name, Some(&contact.last_name))?;
        let list = self.social.contacts.entry(owner).or_default();
        match list.iter().position(|c| c.user == contact.user) {
            Some(at) => {
                let by_phone = list[at].by_phone || contact.by_phone;
                list[at] = SavedContact {
                    by_phone,
                    ..contact
                };
            }
            None if list.len() >= MAX_CONTACTS => {
                return Err(SocialError::TooMany("CONTACTS_TOO_MUCH"));
            }
            None => list.push(contact),
        }
        Ok(())
    }

    /// Removes `users` from `owner`'s contacts; returns those that were there.
    pub fn delete_contacts(&mut self, owner: i64, users: &[i64]) -> Vec<i64> {
        let Some(list) = self.social.contacts.get_mut(&owner) else {
            return Vec::new();
        };
        let removed = list
            .iter()
            .filter(|c| users.contains(&c.user))
            .map(|c| c.user)
            .collect();
        list.retain(|c| !users.contains(&c.user));
        removed
    }

    /// Blocks (`true`) or unblocks `user` for `owner` at `date`. Returns whether that
    /// changed anything.
    pub fn set_blocked(
        &mut self,
        owner: i64,
        user: i64,
        blocked: bool,
        date: i32,
    ) -> Result<bool, SocialError> {
        if user == owner {
            return Err(SocialError::Oneself);
        }
        let list = self.social.blocked.entry(owner).or_default();
        let at = list.iter().position(|&(u, _)| u == user);
        Ok(match (at, blocked) {
            (Some(_), true) | (None, false) => false,
            (Some(at), false) => {
                list.remove(at);
                true
            }
            (None, true) if list.len() >= MAX_BLOCKED => {
                return Err(SocialError::TooMany("BLOCKED_TOO_MUCH"));
            }
            (None, true) => {
                list.push((user, date));
                true
            }
        })
    }

    /// The users `owner` blocked, with the date of each block, oldest first.
    pub fn blocked(&self, owner: i64) -> &[(i64, i32)] {
        self.social
            .blocked
            .get(&owner)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Whether `owner` blocked `user`.
    pub fn is_blocked(&self, owner: i64, user: i64) -> bool {
        self.social
            .blocked
            .get(&owner)
            .is_some_and(|l| l.iter().any(|&(u, _)| u == user))
    }

    /// Why `from` may not write to `to`: `YOU_BLOCKED_USER` when `from` blocked the
    /// other side of a private chat, `USER_IS_BLOCKED` when the other side blocked
    /// `from`.
    pub fn block_refusal(&self, from: i64, to: PeerRef) -> Option<&'static str> {
        let user = to.user().filter(|&u| u != from)?;
        if self.is_blocked(from, user) {
            Some("YOU_BLOCKED_USER")
        } else if self.is_blocked(user, from) {
            Some("USER_IS_BLOCKED")
        } else {
            None
        }
    }

    /// Changes an account's profile: the names and bio given (a `None` keeps the old
    /// one; an empty last name or bio removes it).
    pub fn update_profile(
        &mut self,
        id: i64,
        first_name: Option<&str>,
        last_name: Option<&str>,
        about: Option<&str>,
    ) -> Result<(), SocialError> {
        first_name.map_or(Ok(()), check_first_name)?;
        last_name.map_or(Ok(()), check_last_name)?;
        if about.is_some_and(|a| a.chars().count() > MAX_BIO) {
            return Err(SocialError::About);
        }
        let Some(account) = self.accounts.get_mut(&id) else {
            return Err(SocialError::NoAccount);
        };
        if let Some(first) = first_name {
            account.first_name = first.trim().to_owned();
        }
        if let Some(last) = last_name {
            let last = last.trim();
            account.last_name = (!last.is_empty()).then(|| last.to_owned());
        }
        match about.map(str::trim) {
            Some("") => {
                self.social.bios.remove(&id);
            }
            Some(bio) => {
                self.social.bios.insert(id, bio.to_owned());
            }
            None => {}
        }
        Ok(())
    }

    /// An account's bio, if set.
    pub fn bio(&self, id: i64) -> Option<&str> {
        self.social.bios.get(&id).map(String::as_str)
    }

    /// Who saved `user` as a contact.
    pub fn contact_of(&self, user: i64) -> Vec<i64> {
        self.social
            .contacts
            .iter()
            .filter(|(_, list)| list.iter().any(|c| c.user == user))
            .map(|(&owner, _)| owner)
            .collect()
    }

    /// The TL `user` for `id` as `viewer` sees it, with what `viewer`'s contacts say:
    /// the names `viewer` saved, the contact flags, and the phone when `viewer` knows it
    /// or `id` shares it with `viewer`.
    pub fn user_as_contact(&self, id: i64, viewer: i64) -> Option<enums::User> {
        let mut user = self.user(id, viewer)?;
        let enums::User::User(u) = &mut user else {
            return Some(user);
        };
        let theirs = self.contact(id, viewer);
        if let Some(mine) = self.contact(viewer, id) {
            u.contact = true;
            u.mutual_contact = theirs.is_some();
            u.first_name = Some(mine.first_name.clone());
            u.last_name = (!mine.last_name.is_empty()).then(|| mine.last_name.clone());
            if mine.by_phone {
                u.phone = self.account(id).and_then(|a| a.phone.clone());
            }
        }
        if theirs.is_some_and(|c| c.shares_phone) {
            u.phone = self.account(id).and_then(|a| a.phone.clone());
        }
        Some(user)
    }
}

fn check_names(first: &str, last: Option<&str>) -> Result<(), SocialError> {
    check_first_name(first)?;
    last.map_or(Ok(()), check_last_name)
}

fn check_first_name(first: &str) -> Result<(), SocialError> {
    let first = first.trim();
    if first.is_empty() || first.chars().count() > MAX_NAME {
        return Err(SocialError::FirstName);
    }
    Ok(())
}

/// A last name may be empty (none).
fn check_last_name(last: &str) -> Result<(), SocialError> {
    if last.trim().chars().count() > MAX_NAME {
        return Err(SocialError::LastName);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_are_renamed_in_place_blocks_refuse_both_ways_and_lists_are_bounded() {
        let mut world = World::new(1);
        let alice = world.create_user("9996611111", "Alice", 1);
        let bob = world.create_user("9996611112", "Bob", 1);
        let saved = |first: &str| SavedContact {
            user: bob,
            first_name: first.into(),
            last_name: String::new(),
            by_phone: false,
            shares_phone: false,
        };
        world.save_contact(alice, saved("Bobby")).unwrap();
        world.save_contact(alice, saved("Robert")).unwrap();
        assert_eq!(world.contacts(alice).len(), 1);
        let enums::User::User(seen) = world.user_as_contact(bob, alice).unwrap() else {
            panic!("a full user");
        };
        assert_eq!(seen.first_name.as_deref(), Some("Robert"));
        assert!(seen.contact && !seen.mutual_contact && seen.phone.is_none());
        assert_eq!(
            world.save_contact(alice, saved("")),
            Err(SocialError::FirstName)
        );

        assert_eq!(world.set_blocked(alice, bob, true, 5), Ok(true));
        assert_eq!(world.set_blocked(alice, bob, true, 6), Ok(false));
        assert_eq!(
            world.block_refusal(alice, PeerRef::User(bob)),
            Some("YOU_BLOCKED_USER")
        );
        assert_eq!(
            world.block_refusal(bob, PeerRef::User(alice)),
            Some("USER_IS_BLOCKED")
        );
        assert_eq!(world.set_blocked(alice, bob, false, 7), Ok(true));
        assert_eq!(world.block_refusal(bob, PeerRef::User(alice)), None);

        for user in 0..MAX_BLOCKED as i64 {
            world.set_blocked(alice, 10 + user, true, 8).unwrap();
        }
        assert_eq!(
            world.set_blocked(alice, bob, true, 9),
            Err(SocialError::TooMany("BLOCKED_TOO_MUCH"))
        );
    }
}
