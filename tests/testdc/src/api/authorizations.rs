//! Which account each auth key of one DC is signed in as, indexed both ways: requests
//! look an account up by key, updates find an account's keys without walking every key.

use std::collections::{BTreeSet, HashMap};

/// The sign-ins of one DC: auth key → account, and account → auth keys.
#[derive(Debug, Default, Clone)]
pub struct Authorizations {
    by_key: HashMap<u64, i64>,
    by_account: HashMap<i64, BTreeSet<u64>>,
}

impl Authorizations {
    /// The account `key` is signed in as.
    pub fn get(&self, key: &u64) -> Option<&i64> {
        self.by_key.get(key)
    }

    /// Signs `key` in as `account`; returns the account it was signed in as before.
    pub fn insert(&mut self, key: u64, account: i64) -> Option<i64> {
        let before = self.by_key.insert(key, account);
        if let Some(before) = before {
            self.forget(before, key);
        }
        self.by_account.entry(account).or_default().insert(key);
        before
    }

    /// Signs `key` out; returns the account it was signed in as.
    pub fn remove(&mut self, key: &u64) -> Option<i64> {
        let account = self.by_key.remove(key)?;
        self.forget(account, *key);
        Some(account)
    }

    /// The keys signed in as `account`.
    pub fn keys_of(&self, account: i64) -> impl Iterator<Item = u64> + '_ {
        self.by_account.get(&account).into_iter().flatten().copied()
    }

    /// How many keys are signed in.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Whether no key is signed in.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    fn forget(&mut self, account: i64, key: u64) {
        if let Some(keys) = self.by_account.get_mut(&account) {
            keys.remove(&key);
            if keys.is_empty() {
                self.by_account.remove(&account);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_directions_follow_sign_ins_and_sign_outs() {
        let mut a = Authorizations::default();
        a.insert(1, 10);
        a.insert(2, 10);
        a.insert(3, 20);
        assert_eq!(a.keys_of(10).collect::<Vec<_>>(), [1, 2]);
        // Key 2 signs in as another account: it leaves the first.
        assert_eq!(a.insert(2, 20), Some(10));
        assert_eq!(a.keys_of(10).collect::<Vec<_>>(), [1]);
        assert_eq!(a.keys_of(20).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(a.remove(&1), Some(10));
        assert_eq!(a.keys_of(10).count(), 0);
        assert_eq!(a.get(&3), Some(&20));
        assert_eq!(a.len(), 2);
    }
}
