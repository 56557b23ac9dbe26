//! Updates for the dispatcher's tests, made from raw TL values as the server sends them.

use crate::Client;
use crate::tl::{enums, types};
use crate::types::{Update, testing};

/// The signed-in account in these tests.
pub(crate) const ME: i64 = 1000;
/// The user who writes to us (username `alice`).
pub(crate) const ALICE: i64 = 42;
/// A bot (username `helper_bot`).
pub(crate) const BOT: i64 = 77;
/// A supergroup (bare id; username `rustaceans`).
pub(crate) const SUPERGROUP: i64 = 9;
/// A broadcast channel (bare id).
pub(crate) const CHANNEL: i64 = 8;
/// A basic group (bare id), known by id only.
pub(crate) const GROUP: i64 = 5;

/// An offline client signed in as [`ME`], whose username is `our_bot`.
pub(crate) fn client() -> Client {
    let client = testing::client(Some(ME));
    let mut me = crate::peers::fixtures::user(ME, 1, Some("our_bot"), None);
    me.is_self = true;
    me.bot_info_version = Some(1);
    remember_users(&client, vec![enums::User::User(Box::new(me))]);
    client
}

fn remember_users(client: &Client, users: Vec<enums::User>) {
    let answer = enums::Updates::Updates(types::Updates {
        updates: Vec::new(),
        users,
        chats: Vec::new(),
        date: 0,
        seq: 0,
    });
    client.remember(&answer);
}

/// The users and chats updates carry.
pub(crate) fn peers() -> (Vec<enums::User>, Vec<enums::Chat>) {
    let alice = crate::peers::fixtures::user(ALICE, 2, Some("alice"), None);
    let mut bot = crate::peers::fixtures::user(BOT, 3, Some("helper_bot"), None);
    bot.bot_info_version = Some(1);
    let mut supergroup = crate::peers::fixtures::channel(SUPERGROUP, 4, Some("rustaceans"));
    supergroup.megagroup = true;
    supergroup.broadcast = false;
    let channel = crate::peers::fixtures::channel(CHANNEL, 5, None);
    (
        vec![
            enums::User::User(Box::new(alice)),
            enums::User::User(Box::new(bot)),
        ],
        vec![
            enums::Chat::Channel(Box::new(supergroup)),
            enums::Chat::Channel(Box::new(channel)),
        ],
    )
}

/// Where a message is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum In {
    /// The private chat with this user; from them.
    Private(i64),
    /// The supergroup, from this user.
    Supergroup(i64),
    /// The basic group, from this user.
    Group(i64),
    /// The channel, as a post.
    Channel,
}

pub(crate) fn user_peer(id: i64) -> enums::Peer {
    enums::Peer::User(types::PeerUser { user_id: id })
}

/// A raw message `id` with `text` in `place`, changed by `edit`.
pub(crate) fn raw(
    id: i32,
    place: In,
    text: &str,
    edit: impl FnOnce(&mut types::Message),
) -> enums::Message {
    let (peer, from) = match place {
        In::Private(user) => (user_peer(user), None),
        In::Supergroup(user) => (
            enums::Peer::Channel(types::PeerChannel {
                channel_id: SUPERGROUP,
            }),
            Some(user_peer(user)),
        ),
        In::Group(user) => (
            enums::Peer::Chat(types::PeerChat { chat_id: GROUP }),
            Some(user_peer(user)),
        ),
        In::Channel => (
            enums::Peer::Channel(types::PeerChannel {
                channel_id: CHANNEL,
            }),
            None,
        ),
    };
    let mut message = testing::raw_message(id, peer, from, text);
    if let enums::Message::Message(m) = &mut message {
        edit(m);
    }
    message
}

/// `raw` as a new-message update.
pub(crate) fn new_message(client: &Client, raw: enums::Message) -> Update {
    let (users, chats) = peers();
    let update = enums::Update::NewMessage(types::UpdateNewMessage {
        message: raw,
        pts: 1,
        pts_count: 1,
    });
    Update::from_raw(client, &update, &users, &chats).expect("an update")
}

/// A message `id` with `text` in `place`, changed by `edit`.
pub(crate) fn message(
    client: &Client,
    id: i32,
    place: In,
    text: &str,
    edit: impl FnOnce(&mut types::Message),
) -> crate::types::Message {
    match new_message(client, raw(id, place, text, edit)) {
        Update::Message(m) => m,
        other => panic!("not a message: {other:?}"),
    }
}

/// A plain text message from Alice in her private chat.
pub(crate) fn text(client: &Client, id: i32, text: &str) -> crate::types::Message {
    message(client, id, In::Private(ALICE), text, |_| {})
}

/// A press of a callback button with `data` under message 10 in the chat with `from`.
pub(crate) fn callback(client: &Client, from: i64, data: &str) -> Update {
    let (users, chats) = peers();
    let press = enums::Update::BotCallbackQuery(types::UpdateBotCallbackQuery {
        query_id: 1,
        user_id: from,
        peer: user_peer(from),
        msg_id: 10,
        chat_instance: 5,
        data: Some(bytes::Bytes::copy_from_slice(data.as_bytes())),
        game_short_name: None,
    });
    Update::from_raw(client, &press, &users, &chats).expect("an update")
}

/// An inline query `query` from Alice.
pub(crate) fn inline_query(client: &Client, query: &str) -> Update {
    let (users, chats) = peers();
    let raw = enums::Update::BotInlineQuery(Box::new(types::UpdateBotInlineQuery {
        query_id: 5,
        user_id: ALICE,
        query: query.into(),
        geo: None,
        peer_type: None,
        offset: String::new(),
    }));
    Update::from_raw(client, &raw, &users, &chats).expect("an update")
}

/// An offline client like [`client`], on the runtime `name` (tokio, async-std, smol,
/// blocking).
pub(crate) fn client_on(name: &str) -> Client {
    let builder = Client::builder("test")
        .api_id(1)
        .api_hash("0123456789abcdef0123456789abcdef")
        .in_memory();
    let builder = match name {
        "tokio" => builder.runtime(oxigram_tokio::Tokio),
        "async-std" => builder.runtime(oxigram_async_std::AsyncStd),
        "smol" => builder.runtime(oxigram_smol::Smol),
        _ => builder.blocking(),
    };
    let client = builder.build_offline().expect("an in-memory client opens");
    client
        .inner
        .save(crate::storage::Change::User(Some((ME, false))))
        .expect("memory storage takes the change");
    client.inner.peers.set_self_id(Some(ME));
    client
}

/// Blocks on `future` on the runtime `name`.
pub(crate) fn block_on_runtime<F: std::future::Future<Output = ()> + Send + 'static>(
    name: &str,
    future: F,
) {
    match name {
        "tokio" => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime")
            .block_on(future),
        "async-std" => async_std::task::block_on(future),
        "smol" => smol::block_on(future),
        _ => futures_executor::block_on(future),
    }
}

/// The runtimes the crate runs on.
pub(crate) const RUNTIMES: [&str; 4] = ["tokio", "async-std", "smol", "blocking"];
