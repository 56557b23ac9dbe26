//! Changing stored messages: edits, deletions, pins and reactions, each advancing the pts
//! of every box it touches (an account's box, or a channel's own), and reading the changes
//! back for `updates.getDifference` / `updates.getChannelDifference`.

use std::collections::BTreeMap;

use oxigram_tl::enums;

use super::{Changes, Logged, MessageBox, PeerRef, StoredMessage, World};

/// Why a message cannot be changed, as Telegram names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChangeError {
    /// No such message (`MESSAGE_ID_INVALID`).
    #[error("MESSAGE_ID_INVALID")]
    NoMessage,
    /// Only its author may edit it (`MESSAGE_AUTHOR_REQUIRED`).
    #[error("MESSAGE_AUTHOR_REQUIRED")]
    NotAuthor,
    /// The edit changes nothing (`MESSAGE_NOT_MODIFIED`).
    #[error("MESSAGE_NOT_MODIFIED")]
    NotModified,
    /// A service message cannot be edited (`MESSAGE_EDIT_TIME_EXPIRED` is what Telegram
    /// answers for messages it will not edit).
    #[error("MESSAGE_EDIT_TIME_EXPIRED")]
    NotEditable,
}

/// What an edit changes: `None` keeps the old value.
#[derive(Debug, Clone, Default)]
pub struct Edit<'a> {
    /// The new text.
    pub text: Option<&'a str>,
    /// The new keyboard (`Some(None)` removes it).
    pub reply_markup: Option<Option<enums::ReplyMarkup>>,
    /// A new file in place of the message's.
    pub document: Option<i64>,
    /// The new text's formatting (replaced with the text).
    pub entities: Option<Vec<enums::MessageEntity>>,
}

/// The copies a reaction changed (each with its owner) and the reactor's reaction
/// before.
pub type Reacted = (Vec<(i64, StoredMessage)>, Option<String>);

/// One changed copy: the box's owner (for a channel, the account that made the change),
/// the message as it is now, and the pts the change took in that box.
pub type Changed = (i64, StoredMessage, i32);

impl World {
    /// One message of an account's box.
    pub fn get(&self, owner: i64, id: i32) -> Option<StoredMessage> {
        self.boxes
            .get(&owner)?
            .messages
            .iter()
            .find(|m| m.id == id)
            .cloned()
    }

    /// A message of `peer` as `owner` sees it: in `owner`'s box, or a channel's own.
    pub fn message_in(&self, owner: i64, peer: PeerRef, id: i32) -> Option<StoredMessage> {
        let m = match peer {
            PeerRef::Channel(c) => self
                .channel_boxes
                .get(&c)?
                .messages
                .iter()
                .find(|m| m.id == id)
                .map(|m| StoredMessage {
                    out: m.from == owner,
                    ..m.clone()
                }),
            _ => self.get(owner, id),
        };
        m.filter(|m| m.peer == peer)
    }

    fn box_of(&mut self, owner: i64, peer: PeerRef) -> Option<&mut MessageBox> {
        match peer {
            PeerRef::Channel(c) => self.channel_boxes.get_mut(&c),
            _ => self.boxes.get_mut(&owner),
        }
    }

    /// Every copy of message `id` of `owner`'s box of `peer`: (box owner, id). A channel
    /// message has one copy, named by `owner`.
    fn copies(&self, owner: i64, peer: PeerRef, id: i32) -> Option<Vec<(i64, i32)>> {
        let m = self.message_in(owner, peer, id)?;
        Some(std::iter::once((owner, id)).chain(m.copies).collect())
    }

    /// Edits message `id` of `peer` as `editor` (its author) and every copy of it.
    pub fn edit(
        &mut self,
        editor: i64,
        peer: PeerRef,
        id: i32,
        edit: &Edit<'_>,
        date: i32,
    ) -> Result<Vec<Changed>, ChangeError> {
        let mine = self
            .message_in(editor, peer, id)
            .ok_or(ChangeError::NoMessage)?;
        if mine.action.is_some() {
            return Err(ChangeError::NotEditable);
        }
        if mine.from != editor {
            return Err(ChangeError::NotAuthor);
        }
        let text_same = edit
            .text
            .is_none_or(|t| t == mine.text && edit.entities == mine.entities);
        let markup_same = edit
            .reply_markup
            .as_ref()
            .is_none_or(|k| *k == mine.reply_markup);
        let document_same = edit.document.is_none_or(|d| Some(d) == mine.document);
        if text_same && markup_same && document_same {
            return Err(ChangeError::NotModified);
        }
        let copies = self.copies(editor, peer, id).unwrap_or_default();
        let mut changed = Vec::new();
        for (owner, box_id) in copies {
            let Some(b) = self.box_of(owner, peer) else {
                continue;
            };
            let Some(m) = b.messages.iter_mut().find(|m| m.id == box_id) else {
                continue;
            };
            if let Some(text) = edit.text {
                m.text = text.to_owned();
                m.entities = edit.entities.clone();
            }
            if let Some(markup) = &edit.reply_markup {
                m.reply_markup = markup.clone();
            }
            if let Some(document) = edit.document {
                // A file replaces whatever media the message had.
                m.document = Some(document);
                m.media = None;
            }
            m.edit_date = Some(date);
            let m = m.clone();
            b.pts += 1;
            b.log.push((b.pts, Logged::Edit(box_id)));
            changed.push((owner, m, b.pts));
        }
        Ok(changed)
    }

    /// Deletes messages of `owner`'s box (and, with `revoke`, the other copies of those
    /// it may revoke: any in a private chat, its own or as the group's creator in a
    /// group). Returns per box touched: (owner, ids deleted, new pts).
    pub fn delete(&mut self, owner: i64, ids: &[i32], revoke: bool) -> Vec<(i64, Vec<i32>, i32)> {
        let mut per_box: BTreeMap<i64, Vec<i32>> = BTreeMap::new();
        for &id in ids {
            let Some(m) = self.get(owner, id) else {
                continue;
            };
            per_box.entry(owner).or_default().push(id);
            let may_revoke = match m.peer {
                PeerRef::Chat(g) => {
                    m.from == owner || self.group(g).is_some_and(|g| g.creator == owner)
                }
                _ => true,
            };
            if revoke && may_revoke {
                for (other, other_id) in m.copies {
                    per_box.entry(other).or_default().push(other_id);
                }
            }
        }
        let mut out = Vec::new();
        for (box_owner, mut ids) in per_box {
            ids.sort_unstable();
            ids.dedup();
            let Some(b) = self.boxes.get_mut(&box_owner) else {
                continue;
            };
            b.messages.retain(|m| !ids.contains(&m.id));
            b.pts += ids.len() as i32;
            b.log.push((b.pts, Logged::Delete(ids.clone())));
            out.push((box_owner, ids, b.pts));
        }
        out
    }

    /// Deletes channel messages (those that exist); returns the ids deleted and the
    /// channel's new pts, or `None` when none existed.
    pub fn delete_channel(&mut self, channel: i64, ids: &[i32]) -> Option<(Vec<i32>, i32)> {
        let b = self.channel_boxes.get_mut(&channel)?;
        let mut gone: Vec<i32> = ids
            .iter()
            .copied()
            .filter(|id| b.messages.iter().any(|m| m.id == *id))
            .collect();
        gone.sort_unstable();
        gone.dedup();
        if gone.is_empty() {
            return None;
        }
        b.messages.retain(|m| !gone.contains(&m.id));
        b.pts += gone.len() as i32;
        b.log.push((b.pts, Logged::Delete(gone.clone())));
        Some((gone, b.pts))
    }

    /// Pins or unpins message `id` of `peer` for everyone (only in `owner`'s box with
    /// `one_side`, in a private chat). Returns the copies changed with their new pts.
    pub fn pin(
        &mut self,
        owner: i64,
        peer: PeerRef,
        id: i32,
        pinned: bool,
        one_side: bool,
    ) -> Result<Vec<Changed>, ChangeError> {
        let mut copies = self.copies(owner, peer, id).ok_or(ChangeError::NoMessage)?;
        if one_side && matches!(peer, PeerRef::User(_)) {
            copies.truncate(1);
        }
        let mut changed = Vec::new();
        for (box_owner, box_id) in copies {
            let Some(b) = self.box_of(box_owner, peer) else {
                continue;
            };
            let Some(m) = b.messages.iter_mut().find(|m| m.id == box_id) else {
                continue;
            };
            m.pinned = pinned;
            let m = m.clone();
            b.pts += 1;
            b.log.push((b.pts, Logged::Pin(vec![box_id], pinned)));
            changed.push((box_owner, m, b.pts));
        }
        Ok(changed)
    }

    /// Sets `user`'s reaction (`None`: takes it away) on message `id` of `peer`, on
    /// every copy. Returns the copies as they are now, with their owners (for a channel,
    /// `owner`), and the user's reaction before.
    pub fn react(
        &mut self,
        owner: i64,
        peer: PeerRef,
        id: i32,
        emoji: Option<&str>,
    ) -> Result<Reacted, ChangeError> {
        let copies = self.copies(owner, peer, id).ok_or(ChangeError::NoMessage)?;
        let mut before = None;
        let mut out = Vec::new();
        for (box_owner, box_id) in copies {
            let Some(b) = self.box_of(box_owner, peer) else {
                continue;
            };
            let Some(m) = b.messages.iter_mut().find(|m| m.id == box_id) else {
                continue;
            };
            if let Some(at) = m.reactions.iter().position(|(u, _)| *u == owner) {
                before = Some(m.reactions.remove(at).1);
            }
            if let Some(emoji) = emoji {
                m.reactions.push((owner, emoji.to_owned()));
            }
            out.push((box_owner, m.clone()));
        }
        Ok((out, before))
    }

    /// What changed in an account's box after `pts`.
    pub fn changes_after(&self, owner: i64, pts: i32) -> Changes {
        self.boxes
            .get(&owner)
            .map(|b| box_changes(b, pts, usize::MAX))
            .unwrap_or_default()
    }

    /// What changed in a channel after `pts`: at most `limit` changes, oldest first.
    pub fn channel_changes(&self, channel: i64, pts: i32, limit: usize) -> Changes {
        self.channel_boxes
            .get(&channel)
            .map(|b| box_changes(b, pts, limit))
            .unwrap_or_default()
    }
}

/// The first `limit` changes of box `b` after `pts`.
fn box_changes(b: &MessageBox, pts: i32, limit: usize) -> Changes {
    let mut changes = Changes {
        reached: pts,
        ..Changes::default()
    };
    let find = |id: &i32| b.messages.iter().find(|m| m.id == *id);
    for (at, logged) in b.log.iter().filter(|(at, _)| *at > pts).take(limit) {
        changes.reached = *at;
        match logged {
            Logged::New(id) => changes.new.extend(find(id).cloned()),
            Logged::Edit(id) => {
                // The edit of a message since deleted is not reported.
                if let Some(m) = find(id) {
                    changes.edited.push((m.clone(), *at));
                }
            }
            Logged::Delete(ids) => changes.deleted.push((ids.clone(), *at)),
            Logged::Pin(ids, pinned) => changes.pinned.push((ids.clone(), *pinned, *at)),
        }
    }
    changes
}
