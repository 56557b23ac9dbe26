//! The chat list, newest last message first, as a paged stream.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use oxigram_runtime::BoxFuture;

use super::pages::{Page, Pager, Pages};
use crate::tl::{enums, functions};
use crate::types::Dialog;
use crate::types::carried::Carried;
use crate::{Client, Error, Message};

/// The most dialogs one `messages.getDialogs` answers with.
const PAGE_SIZE: usize = 100;

/// Where a chat list listing stands: after the dialog with this last message.
struct DialogsPager {
    client: Client,
    folder: Option<i32>,
    offset_date: i32,
    offset_id: i32,
    offset_peer: enums::InputPeer,
}

impl Pager for DialogsPager {
    type Item = Dialog;

    fn next_page(mut self, want: usize) -> BoxFuture<'static, crate::Result<Page<Self>>> {
        Box::pin(async move {
            let answer = self
                .client
                .invoke(functions::messages::GetDialogs {
                    exclude_pinned: false,
                    folder_id: self.folder,
                    offset_date: self.offset_date,
                    offset_id: self.offset_id,
                    offset_peer: self.offset_peer.clone(),
                    limit: i32::try_from(want).unwrap_or(i32::MAX),
                    hash: 0,
                })
                .await?;
            let (list, messages, users, chats, slice) = match &answer {
                enums::messages::Dialogs::Dialogs(d) => {
                    (&d.dialogs, &d.messages, &d.users, &d.chats, false)
                }
                enums::messages::Dialogs::Slice(d) => {
                    (&d.dialogs, &d.messages, &d.users, &d.chats, true)
                }
                enums::messages::Dialogs::NotModified(_) => {
                    return Err(Error::Unexpected(
                        "messages.getDialogs answered \"not modified\" to hash 0".into(),
                    ));
                }
            };
            let carried = Carried::new(&self.client, users, chats);
            let tops: Vec<Message> = messages
                .iter()
                .filter_map(|m| Message::new(&carried, m.clone()))
                .collect();
            let items: Vec<Dialog> = list
                .iter()
                .filter_map(|d| match d {
                    enums::Dialog::Dialog(d) => Some(d),
                    _ => None,
                })
                .map(|d| {
                    let chat = carried.chat(&d.peer);
                    let top = tops
                        .iter()
                        .find(|m| m.id() == d.top_message && m.chat().id() == chat.id())
                        .cloned();
                    Dialog::new(&carried, d, top)
                })
                .collect();
            // The next page starts after the last dialog: its last message's date and
            // id, and its peer.
            let mut more = slice;
            match items.last() {
                Some(last) => match (last.top_message(), last.chat().input_peer()) {
                    (Some(top), Some(peer)) => {
                        self.offset_date = top.date();
                        self.offset_id = top.id();
                        self.offset_peer = peer;
                    }
                    _ => more = false,
                },
                None => more = false,
            }
            Ok(Page {
                pager: self,
                items,
                more,
            })
        })
    }
}

/// The chat list, a page at a time: [`Client::get_dialogs`]. A `Stream` of
/// `Result<Dialog>`.
#[must_use = "a stream does nothing until polled"]
pub struct GetDialogs {
    pages: Pages<DialogsPager>,
}

impl GetDialogs {
    /// Yields at most `limit` dialogs.
    pub fn limit(mut self, limit: usize) -> Self {
        self.pages.set_limit(limit);
        self
    }

    /// Lists the archived chats instead (set before the first item is read).
    pub fn archived(mut self) -> Self {
        if let Some(pager) = self.pages.pager_mut() {
            pager.folder = Some(1);
        }
        self
    }
}

impl Stream for GetDialogs {
    type Item = crate::Result<Dialog>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.pages).poll_next(cx)
    }
}

impl std::fmt::Debug for GetDialogs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GetDialogs").finish_non_exhaustive()
    }
}

impl Client {
    /// This account's chats, the one with the newest message first, as a stream
    /// (archived chats apart: [`archived`](GetDialogs::archived)).
    ///
    /// ```no_run
    /// # use futures_util::TryStreamExt;
    /// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
    /// let mut dialogs = app.get_dialogs().limit(50);
    /// while let Some(dialog) = dialogs.try_next().await? {
    ///     println!("{:?} ({} unread)", dialog.chat().title(), dialog.unread_count());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_dialogs(&self) -> GetDialogs {
        let pager = DialogsPager {
            client: self.clone(),
            folder: None,
            offset_date: 0,
            offset_id: 0,
            offset_peer: enums::InputPeer::Empty,
        };
        GetDialogs {
            pages: Pages::new(pager, PAGE_SIZE),
        }
    }
}
