//! A chat in this account's chat list, with its last message.

use super::carried::Carried;
use super::chat::Chat;
use crate::Message;
use crate::tl::types;

/// One chat of the chat list ([`Client::get_dialogs`](crate::Client::get_dialogs)).
///
/// ```no_run
/// use futures_util::TryStreamExt;
/// # async fn demo(app: oxigram::Client) -> oxigram::Result<()> {
/// let mut dialogs = app.get_dialogs().limit(20);
/// while let Some(dialog) = dialogs.try_next().await? {
///     if dialog.unread_count() > 0 {
///         println!("{:?}: {} unread", dialog.chat().title(), dialog.unread_count());
///     }
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Dialog {
    chat: Chat,
    top_message: Option<Message>,
    top_message_id: i32,
    unread_count: i32,
    unread_mentions_count: i32,
    unread_mark: bool,
    pinned: bool,
    folder_id: i32,
}

impl Dialog {
    pub(crate) fn new(carried: &Carried<'_>, raw: &types::Dialog, top: Option<Message>) -> Self {
        Dialog {
            chat: carried.chat(&raw.peer),
            top_message: top,
            top_message_id: raw.top_message,
            unread_count: raw.unread_count,
            unread_mentions_count: raw.unread_mentions_count,
            unread_mark: raw.unread_mark,
            pinned: raw.pinned,
            folder_id: raw.folder_id.unwrap_or(0),
        }
    }

    /// The chat.
    pub fn chat(&self) -> &Chat {
        &self.chat
    }

    /// The last message, if the server sent it.
    pub fn top_message(&self) -> Option<&Message> {
        self.top_message.as_ref()
    }

    /// The id of the last message.
    pub fn top_message_id(&self) -> i32 {
        self.top_message_id
    }

    /// Messages not read yet.
    pub fn unread_count(&self) -> i32 {
        self.unread_count
    }

    /// Unread messages that mention this account.
    pub fn unread_mentions_count(&self) -> i32 {
        self.unread_mentions_count
    }

    /// Whether the chat was marked unread by hand.
    pub fn is_marked_unread(&self) -> bool {
        self.unread_mark
    }

    /// Whether it is pinned at the top of its list.
    pub fn is_pinned(&self) -> bool {
        self.pinned
    }

    /// The folder it is in (0: the main list, 1: the archive).
    pub fn folder_id(&self) -> i32 {
        self.folder_id
    }

    /// Whether it is archived.
    pub fn is_archived(&self) -> bool {
        self.folder_id == 1
    }
}
