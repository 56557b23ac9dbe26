//! The first everyday method: sending a text message.

use oxigram_tl::{enums, functions};

use super::Client;
use crate::error::Error;
use crate::peers::PeerRef;

impl Client {
    /// Sends `text` to `chat` (named as [`Client::resolve_peer`] reads it) and returns
    /// the new message's id. The text is sent as it is, without formatting.
    pub async fn send_message(&self, chat: impl Into<PeerRef>, text: &str) -> crate::Result<i32> {
        let peer = self.resolve_peer(chat).await?;
        let seed = oxigram_runtime::os_seed()
            .map_err(|e| Error::Config(format!("no randomness for the message id: {e}")))?;
        let random_id = i64::from_le_bytes([
            seed[0], seed[1], seed[2], seed[3], seed[4], seed[5], seed[6], seed[7],
        ]);
        let updates = self
            .invoke(functions::messages::SendMessage {
                no_webpage: false,
                silent: false,
                background: false,
                clear_draft: false,
                noforwards: false,
                update_stickersets_order: false,
                invert_media: false,
                allow_paid_floodskip: false,
                peer,
                reply_to: None,
                message: text.into(),
                random_id,
                reply_markup: None,
                entities: None,
                schedule_date: None,
                schedule_repeat_period: None,
                send_as: None,
                quick_reply_shortcut: None,
                effect: None,
                allow_paid_stars: None,
                suggested_post: None,
                rich_message: None,
            })
            .await?;
        sent_id(&updates, random_id)
            .ok_or_else(|| Error::Unexpected("the answer to sendMessage names no message".into()))
    }
}

/// The id of the message sent with `random_id`, as the answer tells it.
fn sent_id(updates: &enums::Updates, random_id: i64) -> Option<i32> {
    match updates {
        enums::Updates::UpdateShortSentMessage(sent) => Some(sent.id),
        enums::Updates::Updates(u) => id_in(&u.updates, random_id),
        enums::Updates::Combined(u) => id_in(&u.updates, random_id),
        _ => None,
    }
}

fn id_in(updates: &[enums::Update], random_id: i64) -> Option<i32> {
    updates.iter().find_map(|update| match update {
        enums::Update::MessageID(u) if u.random_id == random_id => Some(u.id),
        enums::Update::NewMessage(u) => match &u.message {
            enums::Message::Message(m) => Some(m.id),
            _ => None,
        },
        _ => None,
    })
}
