//! Values for tests in this crate (the dispatcher's too): a client that never connects,
//! and raw users and messages as the server sends them.

use crate::Client;
use crate::storage::Change;
use crate::tl::{enums, types};

/// A client with an in-memory session that never connects; `self_id` is who is signed
/// in.
pub(crate) fn client(self_id: Option<i64>) -> Client {
    let client = Client::builder("test")
        .api_id(1)
        .api_hash("0123456789abcdef0123456789abcdef")
        .in_memory()
        .build_offline()
        .expect("an in-memory client opens");
    if let Some(id) = self_id {
        client
            .inner
            .save(Change::User(Some((id, false))))
            .expect("memory storage takes the change");
        client.inner.peers.set_self_id(Some(id));
    }
    client
}

/// A full user with this first name.
pub(crate) fn user(id: i64, first_name: &str) -> enums::User {
    let mut user = crate::peers::fixtures::user(id, id * 10, None, None);
    user.first_name = Some(first_name.into());
    enums::User::User(Box::new(user))
}

/// A text message `id` in `peer` from `from` (`None`: no `from_id`, as in private
/// chats and channel posts), at date 1,700,000,000.
pub(crate) fn raw_message(
    id: i32,
    peer: enums::Peer,
    from: Option<enums::Peer>,
    text: &str,
) -> enums::Message {
    enums::Message::Message(Box::new(super::message::plain(
        id,
        peer,
        from,
        1_700_000_000,
        text,
    )))
}

/// A message of the private chat with user `from`, as the dispatcher's tests need one.
pub(crate) fn private_message(client: &Client, id: i32, from: i64, text: &str) -> super::Message {
    let raw = raw_message(
        id,
        enums::Peer::User(types::PeerUser { user_id: from }),
        None,
        text,
    );
    let users = [user(from, "Tester")];
    super::Message::new(&super::carried::Carried::new(client, &users, &[]), raw)
        .expect("a message, not messageEmpty")
}

/// A reply header naming message `id`.
pub(crate) fn reply_header(id: i32) -> types::MessageReplyHeader {
    super::message::reply_header_to(id)
}

/// A forward header from a hidden sender at `date`.
pub(crate) fn forward_header(date: i32) -> types::MessageFwdHeader {
    types::MessageFwdHeader {
        imported: false,
        saved_out: false,
        from_id: None,
        from_name: Some("hidden".into()),
        date,
        channel_post: None,
        post_author: None,
        saved_from_peer_and_saved_from_msg_id: None,
        saved_from_id: None,
        saved_from_name: None,
        saved_date: None,
        psa_type: None,
    }
}

/// Banned rights: reading taken away (`view_messages`) or not.
pub(crate) fn banned_rights(view_messages: bool) -> enums::ChatBannedRights {
    enums::ChatBannedRights::ChatBannedRights(types::ChatBannedRights {
        view_messages,
        send_messages: true,
        send_media: false,
        send_stickers: false,
        send_gifs: false,
        send_games: false,
        send_inline: false,
        embed_links: false,
        send_polls: false,
        change_info: false,
        invite_users: false,
        pin_messages: false,
        manage_topics: false,
        send_photos: false,
        send_videos: false,
        send_roundvideos: false,
        send_audios: false,
        send_voices: false,
        send_docs: false,
        send_plain: false,
        edit_rank: false,
        send_reactions: false,
        manage_linked_peers: false,
        until_date: 0,
    })
}
