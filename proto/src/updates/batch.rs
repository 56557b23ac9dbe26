//! What the sequencer hands out: updates in order, with the users and chats they mention.

use std::sync::Arc;

use oxigram_tl::enums;

use super::StateChange;

/// Updates ready for the application, in order within each box, each exactly once, with
/// the users and chats of the containers or differences they came in.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Batch {
    /// The updates. New messages fetched by a difference come out as `updateNewMessage` or
    /// `updateNewChannelMessage` with `pts` and `pts_count` 0 (a difference does not say
    /// them); secret messages as `updateNewEncryptedMessage` with `qts` 0.
    pub updates: Vec<enums::Update>,
    /// Users the updates mention.
    pub users: Vec<enums::User>,
    /// Chats the updates mention.
    pub chats: Vec<enums::Chat>,
    /// The state to save once these updates are handled (after the last of them is
    /// handed on, not before): it covers them and every batch before. Saved earlier, a
    /// restart would skip updates not handled yet; never saved, it only costs a refetch.
    pub state: Vec<StateChange>,
}

/// The users and chats of one container or difference, shared by the updates it held.
#[derive(Debug, Default)]
pub(crate) struct Entities {
    pub users: Vec<enums::User>,
    pub chats: Vec<enums::Chat>,
}

impl Entities {
    pub fn shared(users: Vec<enums::User>, chats: Vec<enums::Chat>) -> Arc<Self> {
        Arc::new(Self { users, chats })
    }
}

/// Collects one batch; the entities of each source are copied in once.
#[derive(Debug, Default)]
pub(crate) struct BatchBuilder {
    updates: Vec<enums::Update>,
    sources: Vec<Arc<Entities>>,
}

impl BatchBuilder {
    pub fn push(&mut self, update: enums::Update, entities: &Arc<Entities>) {
        self.updates.push(update);
        let empty = entities.users.is_empty() && entities.chats.is_empty();
        if !empty && !self.sources.iter().any(|s| Arc::ptr_eq(s, entities)) {
            self.sources.push(Arc::clone(entities));
        }
    }

    pub fn finish(self) -> Option<Batch> {
        if self.updates.is_empty() {
            return None;
        }
        let mut batch = Batch {
            updates: self.updates,
            ..Batch::default()
        };
        for source in &self.sources {
            batch.users.extend(source.users.iter().cloned());
            batch.chats.extend(source.chats.iter().cloned());
        }
        Some(batch)
    }
}
