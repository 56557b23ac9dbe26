//! High-level updates straight from what the home DC pushes, in the order it arrived.
//!
//! This reads pushed updates without pts/seq sequencing: gaps are not fetched, and the
//! short forms that only a sequencer can expand (`updateShortMessage`,
//! `updateShortChatMessage`) are logged and skipped. A sequenced feed on the client
//! replaces it.

use std::collections::VecDeque;
use std::sync::Mutex;

use oxigram_tl::{Deserialize, enums};

use crate::Client;
use crate::types::Update;

/// Updates of one push not handed out yet: at most one push's worth.
pub(crate) struct RawFeed {
    client: Client,
    ready: Mutex<VecDeque<Update>>,
}

impl RawFeed {
    pub(crate) fn new(client: Client) -> Self {
        RawFeed {
            client,
            ready: Mutex::new(VecDeque::new()),
        }
    }

    fn pop(&self) -> Option<Update> {
        self.ready
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
    }

    /// The next update; `None` once the connection ended.
    pub(crate) async fn next(&self) -> crate::Result<Option<Update>> {
        loop {
            if let Some(update) = self.pop() {
                return Ok(Some(update));
            }
            let Some(pushed) = self.client.next_raw_update().await? else {
                return Ok(None);
            };
            let updates = match enums::Updates::from_bytes(&pushed.body) {
                Ok(updates) => updates,
                Err(e) => {
                    tracing::warn!(%e, constructor = pushed.constructor_id, "a pushed update did not decode");
                    continue;
                }
            };
            let made = expand(&self.client, &updates);
            self.ready
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(made);
        }
    }
}

/// The high-level updates one push holds.
pub(crate) fn expand(client: &Client, updates: &enums::Updates) -> Vec<Update> {
    let (list, users, chats): (&[enums::Update], &[enums::User], &[enums::Chat]) = match updates {
        enums::Updates::Updates(u) => (&u.updates, &u.users, &u.chats),
        enums::Updates::Combined(u) => (&u.updates, &u.users, &u.chats),
        enums::Updates::UpdateShort(u) => (std::slice::from_ref(&u.update), &[], &[]),
        other => {
            tracing::debug!(?other, "a short update needs the sequenced feed; skipped");
            return Vec::new();
        }
    };
    list.iter()
        .filter_map(|update| Update::from_raw(client, update, users, chats))
        .collect()
}
