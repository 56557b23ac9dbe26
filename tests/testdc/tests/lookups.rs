//! The lookups a client's peer cache falls back to: users by phone and by self, chats and
//! channels by id, usernames of accounts and channels, and the DC list with media DCs.

mod common;

use common::{Client, user_ref};
use oxigram_proto::session::RpcError;
use oxigram_proto::transport::Kind;
use oxigram_testdc::{TestDc, TestDcConfig};
use oxigram_tl::{enums, functions, types};

const ALICE: &str = "9996621111";
const BOB: &str = "9996622222";
const CAROL: &str = "9996623333";

async fn start() -> TestDc {
    TestDc::start(TestDcConfig {
        seed: 12,
        ..TestDcConfig::default()
    })
    .await
    .unwrap()
}

async fn signed_in(dc: &TestDc, phone: &str, seed: u8) -> Client {
    let mut client = Client::connect(
        dc.address(2).unwrap(),
        2,
        dc.public_key(),
        Kind::Intermediate,
        false,
        None,
        seed,
    )
    .await;
    client.sign_in_user(phone).await.unwrap();
    client
}

fn resolved_user(resolved: enums::contacts::ResolvedPeer) -> i64 {
    let enums::contacts::ResolvedPeer::ResolvedPeer(resolved) = resolved;
    let enums::Peer::User(peer) = resolved.peer else {
        panic!("not a user: {:?}", resolved.peer);
    };
    assert_eq!(user_ref(&resolved.users[0]).0, peer.user_id);
    peer.user_id
}

#[tokio::test]
async fn phones_resolve_to_their_users_and_self_to_the_caller() {
    let dc = start().await;
    let alice = dc.create_user(ALICE, "Alice");
    let bob = dc.create_user(BOB, "Bob");
    let mut client = signed_in(&dc, ALICE, 1).await;
    let resolve = |phone: &str| functions::contacts::ResolvePhone {
        phone: phone.into(),
    };
    let found = client.invoke(&resolve("+999 662 2222")).await.unwrap();
    assert_eq!(resolved_user(found), bob);
    assert_eq!(
        client.invoke(&resolve("9996620000")).await.unwrap_err(),
        RpcError::new(400, "PHONE_NOT_OCCUPIED")
    );
    let users = client
        .invoke(&functions::users::GetUsers {
            id: vec![enums::InputUser::InputUserSelf],
        })
        .await
        .unwrap();
    assert_eq!(user_ref(&users[0]).0, alice);
}

#[tokio::test]
async fn chats_are_got_by_id_and_forbidden_to_non_members() {
    let dc = start().await;
    let alice = dc.create_user(ALICE, "Alice");
    let bob = dc.create_user(BOB, "Bob");
    dc.create_user(CAROL, "Carol");
    let group = dc.create_group(alice, "Friends", &[bob]);
    let (channel, _) = dc.create_channel(alice, "News", &[], true);
    let get = |id: Vec<i64>| functions::messages::GetChats { id };

    let mut bob_client = signed_in(&dc, BOB, 2).await;
    let enums::messages::Chats::Chats(found) =
        bob_client.invoke(&get(vec![group, group])).await.unwrap()
    else {
        panic!("a slice of chats");
    };
    assert_eq!(found.chats.len(), 1, "a repeated id is answered once");
    let enums::Chat::Chat(chat) = &found.chats[0] else {
        panic!("not a basic group: {:?}", found.chats[0]);
    };
    assert_eq!((chat.id, chat.title.as_str()), (group, "Friends"));
    assert_eq!(chat.participants_count, 2);

    let mut carol_client = signed_in(&dc, CAROL, 3).await;
    let enums::messages::Chats::Chats(found) =
        carol_client.invoke(&get(vec![group])).await.unwrap()
    else {
        panic!("a slice of chats");
    };
    assert!(
        matches!(&found.chats[0], enums::Chat::Forbidden(f) if f.id == group),
        "{:?}",
        found.chats
    );
    for wrong in [group + 1_000, channel] {
        assert_eq!(
            carol_client.invoke(&get(vec![wrong])).await.unwrap_err(),
            RpcError::new(400, "CHAT_ID_INVALID"),
            "{wrong}"
        );
    }
}

fn input_channel(channel_id: i64, access_hash: i64) -> enums::InputChannel {
    enums::InputChannel::InputChannel(types::InputChannel {
        channel_id,
        access_hash,
    })
}

#[tokio::test]
async fn channels_are_got_by_id_and_hash_and_resolved_by_username() {
    let dc = start().await;
    let alice = dc.create_user(ALICE, "Alice");
    dc.create_user(BOB, "Bob");
    dc.create_bot("7000010:lookups", "lookups_bot");
    let (channel, hash) = dc.create_channel(alice, "News", &[], true);
    let mut bob = signed_in(&dc, BOB, 4).await;

    let get = |hash: i64| functions::channels::GetChannels {
        id: vec![input_channel(channel, hash)],
    };
    let enums::messages::Chats::Chats(found) = bob.invoke(&get(hash)).await.unwrap() else {
        panic!("a slice of chats");
    };
    let enums::Chat::Channel(c) = &found.chats[0] else {
        panic!("not a channel: {:?}", found.chats[0]);
    };
    assert_eq!(
        (c.id, c.access_hash, c.broadcast),
        (channel, Some(hash), true)
    );
    assert!(c.left, "Bob is not a member");
    assert_eq!(
        bob.invoke(&get(hash ^ 1)).await.unwrap_err(),
        RpcError::new(400, "CHANNEL_INVALID")
    );

    let resolve = |username: &str| functions::contacts::ResolveUsername {
        username: username.into(),
        referer: None,
    };
    assert_eq!(
        bob.invoke(&resolve("news_daily")).await.unwrap_err(),
        RpcError::new(400, "USERNAME_NOT_OCCUPIED")
    );
    dc.set_channel_username(channel, "news_daily").unwrap();
    let enums::contacts::ResolvedPeer::ResolvedPeer(resolved) =
        bob.invoke(&resolve("@News_Daily")).await.unwrap();
    assert!(
        matches!(&resolved.peer, enums::Peer::Channel(p) if p.channel_id == channel),
        "{:?}",
        resolved.peer
    );
    let enums::Chat::Channel(c) = &resolved.chats[0] else {
        panic!("not a channel: {:?}", resolved.chats[0]);
    };
    assert_eq!(c.username.as_deref(), Some("news_daily"));
    assert!(resolved.users.is_empty());

    // The creator renames it; others may not, and names must be free and well formed.
    let rename = |username: &str| functions::channels::UpdateUsername {
        channel: input_channel(channel, hash),
        username: username.into(),
    };
    assert_eq!(
        bob.invoke(&rename("bobs_news")).await.unwrap_err(),
        RpcError::new(403, "CHAT_ADMIN_REQUIRED")
    );
    let mut alice_client = signed_in(&dc, ALICE, 5).await;
    for (name, error) in [
        ("ab", "USERNAME_INVALID"),
        ("1news", "USERNAME_INVALID"),
        ("lookups_bot", "USERNAME_OCCUPIED"),
        ("news_daily", "USERNAME_NOT_MODIFIED"),
    ] {
        assert_eq!(
            alice_client.invoke(&rename(name)).await.unwrap_err(),
            RpcError::new(400, error),
            "{name}"
        );
    }
    assert!(alice_client.invoke(&rename("daily_news")).await.unwrap());
    assert_eq!(
        bob.invoke(&resolve("news_daily")).await.unwrap_err(),
        RpcError::new(400, "USERNAME_NOT_OCCUPIED")
    );
    assert!(bob.invoke(&resolve("daily_news")).await.is_ok());
}

#[tokio::test]
async fn the_config_lists_every_dc_a_media_option_and_an_ipv6_one_for_each() {
    let dc = start().await;
    dc.create_user(ALICE, "Alice");
    let mut client = signed_in(&dc, ALICE, 6).await;
    let enums::Config::Config(config) =
        client.invoke(&functions::help::GetConfig {}).await.unwrap();
    for (id, address) in dc.addresses() {
        let options: Vec<(bool, String, i32)> = config
            .dc_options
            .iter()
            .map(|o| match o {
                enums::DcOption::DcOption(o) => o,
            })
            .filter(|o| o.id == *id)
            .map(|o| (o.media_only, o.ip_address.clone(), o.port))
            .collect();
        // The media-only option: a listener of its own, after the DC's address.
        let media = dc.media_address(*id).unwrap();
        assert_ne!(media, *address);
        let expected = |media: bool, at: std::net::SocketAddr| {
            (media, at.ip().to_string(), i32::from(at.port()))
        };
        // Then, with an IPv6 loopback, the DC on `::1`.
        let mut wanted = vec![expected(false, *address), expected(true, media)];
        wanted.extend(dc.ipv6_address(*id).map(|v6| expected(false, v6)));
        assert_eq!(options, wanted, "DC {id}");
    }
}
