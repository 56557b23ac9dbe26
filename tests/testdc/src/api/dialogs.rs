//! The chat list: `messages.getDialogs` (pinned chats first, then newest last
//! message first, paged by the offset date, id and peer of the last dialog of the page
//! before, archived chats in folder 1 apart), `messages.toggleDialogPin` and
//! `folders.editPeerFolders` (archiving).

use oxigram_tl::{Deserialize, Identifiable, enums, functions, types};

use super::profiles::notify_settings;
use super::{ApiState, Reply, Request, decode, error, me, ok};
use crate::world::{PeerRef, StoredMessage};

/// The most dialogs one `messages.getDialogs` answers with.
const MAX_DIALOGS_PAGE: usize = 100;

impl ApiState {
    /// `messages.getDialogs`.
    pub(super) fn get_dialogs(&mut self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let r = decode!(req, functions::messages::GetDialogs);
        let folder = r.folder_id.unwrap_or(0);
        // Where a dialog sorts: by its last message's date, then by when that came
        // (ids are per box), then by peer; newest first.
        let position = |m: &StoredMessage| (m.date, self.world.arrival(me, m), m.peer);
        let mut tops: Vec<StoredMessage> = self
            .world
            .dialogs(me)
            .into_iter()
            .filter(|m| self.world.folder_of(me, m.peer) == folder)
            .collect();
        tops.sort_by_key(|m| std::cmp::Reverse(position(m)));
        let total = tops.len();
        // Pinned chats lead the first page, in the order they were pinned (latest
        // first), and are left out of the pages after it.
        let pinned_peers = self.world.pinned(me, folder);
        let (mut pinned, rest): (Vec<StoredMessage>, Vec<StoredMessage>) = tops
            .into_iter()
            .partition(|m| pinned_peers.contains(&m.peer));
        pinned.sort_by_key(|m| pinned_peers.iter().position(|&p| p == m.peer));
        let first_page = r.offset_date == 0 && r.offset_id == 0;
        if !first_page || r.exclude_pinned {
            pinned.clear();
        }
        let mut tops = rest;
        if !first_page {
            // The page after the dialog at the offset. Without an offset peer that
            // resolves, the page starts at the second before the offset date.
            let peer = self.resolve_peer(me, &r.offset_peer);
            let after = |m: &StoredMessage| match peer {
                Some(peer) => {
                    let arrival = self.world.arrival_of(me, peer, r.offset_id);
                    position(m) < (r.offset_date, arrival, peer)
                }
                None => m.date < r.offset_date,
            };
            tops.retain(after);
        }
        let limit = usize::try_from(r.limit)
            .unwrap_or(0)
            .clamp(1, MAX_DIALOGS_PAGE);
        let all = tops.len() <= limit && total == tops.len() + pinned.len();
        tops.truncate(limit);
        let pinned_count = pinned.len();
        pinned.extend(tops);
        let tops = pinned;
        let dialogs = tops
            .iter()
            .enumerate()
            .map(|(i, m)| {
                enums::Dialog::Dialog(types::Dialog {
                    pinned: i < pinned_count,
                    unread_mark: false,
                    view_forum_as_messages: false,
                    peer: m.peer.tl(),
                    top_message: m.id,
                    read_inbox_max_id: m.id,
                    read_outbox_max_id: m.id,
                    unread_count: 0,
                    unread_mentions_count: 0,
                    unread_reactions_count: 0,
                    unread_poll_votes_count: 0,
                    notify_settings: notify_settings(),
                    pts: match m.peer {
                        PeerRef::Channel(id) => Some(self.world.channel_pts(id)),
                        _ => None,
                    },
                    draft: None,
                    folder_id: Some(folder).filter(|&f| f != 0),
                    ttl_period: None,
                })
            })
            .collect();
        let messages = tops.iter().map(|m| self.world.message(m, me)).collect();
        let (users, chats) = self.involved(me, tops.iter(), None);
        if all {
            ok(types::messages::Dialogs {
                dialogs,
                messages,
                chats,
                users,
            })
        } else {
            ok(types::messages::DialogsSlice {
                count: total as i32,
                dialogs,
                messages,
                chats,
                users,
            })
        }
    }

    /// `messages.toggleDialogPin`.
    pub(super) fn toggle_dialog_pin(&mut self, req: &Request<'_>) -> Reply {
        let me = me!(self, req);
        let r = decode!(req, functions::messages::ToggleDialogPin);
        let enums::InputDialogPeer::InputDialogPeer(d) = &r.peer else {
            return error(400, "PEER_ID_INVALID");
        };
        let Some(peer) = self.resolve_peer(me, &d.peer) else {
            return error(400, "PEER_ID_INVALID");
        };
        if !self.world.set_pinned(me, peer, r.pinned) {
            return error(400, "PINNED_DIALOGS_TOO_MUCH");
        }
        ok(true)
    }

    /// Answers a `folders.*` method.
    pub(super) fn folders(&mut self, req: &Request<'_>) -> Reply {
        match req.id {
            functions::folders::EditPeerFolders::CONSTRUCTOR_ID => {
                let me = me!(self, req);
                let r = decode!(req, functions::folders::EditPeerFolders);
                let mut filed = Vec::with_capacity(r.folder_peers.len());
                for enums::InputFolderPeer::InputFolderPeer(f) in &r.folder_peers {
                    let Some(peer) = self.resolve_peer(me, &f.peer) else {
                        return error(400, "PEER_ID_INVALID");
                    };
                    if !(0..=1).contains(&f.folder_id) {
                        return error(400, "FOLDER_ID_INVALID");
                    }
                    filed.push((peer, f.folder_id));
                }
                for &(peer, folder) in &filed {
                    self.world.set_folder(me, peer, folder);
                }
                let mut answer = self.chat_only(me, PeerRef::User(me), req.now);
                for &(peer, _) in &filed {
                    let (users, chats) = self.involved(me, std::iter::empty(), Some(peer));
                    answer.users.extend(users);
                    answer.chats.extend(chats);
                }
                super::unique(&mut answer.users);
                super::unique(&mut answer.chats);
                ok(answer)
            }
            _ => super::not_implemented(req.id),
        }
    }
}
