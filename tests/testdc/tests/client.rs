//! The proto client role against the test DC over real loopback sockets.

mod common;

use common::{Client, send_big_document, user_ref};
use oxigram_proto::session::RpcError;
use oxigram_proto::transport::Kind;
use oxigram_testdc::send_message_request as send_message;
use oxigram_testdc::{TestDc, TestDcConfig};
use oxigram_tl::{Deserialize, enums, functions, types};

const BOT_TOKEN: &str = "7000001:test-token";
const PHONE: &str = "9996621234";

async fn start() -> TestDc {
    let dc = TestDc::start(TestDcConfig {
        seed: 7,
        ..TestDcConfig::default()
    })
    .await
    .unwrap();
    dc.create_bot(BOT_TOKEN, "echo_bot");
    dc.create_user(PHONE, "Alice");
    dc
}

async fn connect(dc: &TestDc, id: i32, transport: Kind, obfuscated: bool, seed: u8) -> Client {
    Client::connect(
        dc.address(id).unwrap(),
        id as i16,
        dc.public_key(),
        transport,
        obfuscated,
        None,
        seed,
    )
    .await
}

async fn bot(dc: &TestDc, seed: u8) -> (Client, i64) {
    let mut client = connect(dc, 2, Kind::Intermediate, false, seed).await;
    let id = client.sign_in_bot(BOT_TOKEN).await;
    (client, id)
}

async fn user(dc: &TestDc, id: i32, phone: &str, seed: u8) -> Client {
    let mut client = connect(dc, id, Kind::Abridged, true, seed).await;
    let auth = client.sign_in_user(phone).await.unwrap();
    assert!(matches!(auth, enums::auth::Authorization::Authorization(_)));
    client
}

#[tokio::test]
async fn the_handshake_works_on_every_transport() {
    let dc = start().await;
    for transport in [
        Kind::Abridged,
        Kind::Intermediate,
        Kind::PaddedIntermediate,
        Kind::Full,
    ] {
        for obfuscated in [false, true] {
            let mut client = connect(&dc, 1, transport, obfuscated, 3).await;
            let enums::Config::Config(config) = client
                .invoke(&functions::help::GetConfig {})
                .await
                .unwrap_or_else(|e| panic!("{transport:?} obfuscated={obfuscated}: {e}"));
            assert_eq!(config.this_dc, 1);
            // Each DC, each for media, and (with an IPv6 loopback) each on `::1`.
            let v6 = (1..=3).filter(|&id| dc.ipv6_address(id).is_some()).count();
            assert_eq!(
                config.dc_options.len(),
                6 + v6,
                "each DC, for media, on IPv6"
            );
            assert!(client.auth.is_some());
        }
    }
}

#[tokio::test]
async fn a_bot_signs_in_and_reads_the_config() {
    let dc = start().await;
    let (mut bot, bot_id) = bot(&dc, 4).await;
    let enums::Config::Config(config) = bot.invoke(&functions::help::GetConfig {}).await.unwrap();
    let ports: Vec<i32> = config
        .dc_options
        .iter()
        .filter_map(|o| match o {
            enums::DcOption::DcOption(o) => (!o.media_only && !o.ipv6).then_some(o.port),
        })
        .collect();
    let expected: Vec<i32> = dc
        .addresses()
        .iter()
        .map(|(_, a)| i32::from(a.port()))
        .collect();
    assert_eq!(ports, expected);
    let v6_ports: Vec<i32> = config
        .dc_options
        .iter()
        .filter_map(|o| match o {
            enums::DcOption::DcOption(o) => o.ipv6.then_some((o.ip_address.clone(), o.port)),
        })
        .map(|(ip, port)| {
            assert_eq!(ip, "::1");
            port
        })
        .collect();
    let expected_v6: Vec<i32> = (1..=3)
        .filter_map(|id| dc.ipv6_address(id))
        .map(|a| i32::from(a.port()))
        .collect();
    assert_eq!(v6_ports, expected_v6);
    let me = bot
        .invoke(&functions::users::GetUsers {
            id: vec![enums::InputUser::InputUserSelf],
        })
        .await
        .unwrap();
    assert_eq!(user_ref(&me[0]).0, bot_id);
    let wrong = bot
        .invoke(&functions::auth::ImportBotAuthorization {
            flags: 0,
            api_id: common::API_ID,
            api_hash: "hash".into(),
            bot_auth_token: "1:nope".into(),
        })
        .await;
    assert_eq!(
        wrong.unwrap_err(),
        RpcError::new(400, "ACCESS_TOKEN_INVALID")
    );
    let unknown = bot.invoke(&functions::help::GetAppConfig { hash: 0 }).await;
    assert_eq!(
        unknown.unwrap_err(),
        RpcError::new(400, "METHOD_NOT_IMPLEMENTED_IN_TEST_DC")
    );
}

/// Resolves the bot by username as `client`, returning its input peer.
async fn resolve_bot(client: &mut Client) -> enums::InputPeer {
    let enums::contacts::ResolvedPeer::ResolvedPeer(resolved) = client
        .invoke(&functions::contacts::ResolveUsername {
            username: "echo_bot".into(),
            referer: None,
        })
        .await
        .unwrap();
    let (user_id, access_hash) = user_ref(&resolved.users[0]);
    enums::InputPeer::User(types::InputPeerUser {
        user_id,
        access_hash,
    })
}

fn new_message_text(id: u32, body: &[u8]) -> String {
    oxigram_testdc::pushed_message_text(id, body).expect("an Updates object with a new message")
}

#[tokio::test]
async fn a_message_reaches_the_other_account_as_an_update() {
    let dc = start().await;
    let (mut bot, bot_id) = bot(&dc, 5).await;
    let mut alice = user(&dc, 2, PHONE, 6).await;
    let peer = resolve_bot(&mut alice).await;
    let sent = alice
        .invoke(&send_message(peer, "hello bot", 1))
        .await
        .unwrap();
    assert!(matches!(sent, enums::Updates::UpdateShortSentMessage(_)));
    let (id, body) = bot.next_update().await;
    assert_eq!(new_message_text(id, &body), "hello bot");
    assert_eq!(dc.received(bot_id).len(), 1);
}

#[tokio::test]
async fn get_difference_returns_what_was_missed_while_away() {
    let dc = start().await;
    let (mut bot, bot_id) = bot(&dc, 7).await;
    let enums::updates::State::State(state) =
        bot.invoke(&functions::updates::GetState {}).await.unwrap();
    // The bot goes away; its key stays signed in.
    let saved = bot.restart(8).await;
    drop(bot);
    let mut alice = user(&dc, 2, PHONE, 9).await;
    let peer = resolve_bot(&mut alice).await;
    alice
        .invoke(&send_message(peer, "while you were out", 2))
        .await
        .unwrap();
    let mut bot = saved;
    let difference = bot
        .invoke(&functions::updates::GetDifference {
            pts: state.pts,
            pts_limit: None,
            pts_total_limit: None,
            date: state.date,
            qts: 0,
            qts_limit: None,
        })
        .await
        .unwrap();
    let enums::updates::Difference::Difference(difference) = difference else {
        panic!("no difference: {difference:?}");
    };
    let enums::Message::Message(m) = &difference.new_messages[0] else {
        panic!("not a message");
    };
    assert_eq!(m.message, "while you were out");
    assert_eq!(dc.received(bot_id).len(), 1);
}

#[tokio::test]
async fn phone_migrate_then_authorization_moves_to_another_dc() {
    let dc = start().await;
    // A test number on DC 1, asked on DC 2.
    let phone = "9996612345";
    dc.create_user(phone, "Bob");
    let mut on_two = connect(&dc, 2, Kind::Intermediate, false, 10).await;
    let err = on_two.send_code(phone).await.unwrap_err();
    assert_eq!(err, RpcError::new(303, "PHONE_MIGRATE_1"));
    let mut on_one = user(&dc, err.value.unwrap() as i32, phone, 11).await;
    let enums::auth::ExportedAuthorization::ExportedAuthorization(exported) = on_one
        .invoke(&functions::auth::ExportAuthorization { dc_id: 2 })
        .await
        .unwrap();
    let imported = on_two
        .invoke(&functions::auth::ImportAuthorization {
            id: exported.id,
            bytes: exported.bytes,
        })
        .await
        .unwrap();
    let enums::auth::Authorization::Authorization(auth) = imported else {
        panic!("sign-up required");
    };
    let me = on_two
        .invoke(&functions::users::GetUsers {
            id: vec![enums::InputUser::InputUserSelf],
        })
        .await
        .unwrap();
    assert_eq!(user_ref(&me[0]).0, user_ref(&auth.user).0);
}

#[tokio::test]
async fn a_ten_mib_file_goes_up_in_parts_and_comes_back_identical() {
    let dc = start().await;
    let (mut bot, _) = bot(&dc, 12).await;
    let mut alice = user(&dc, 2, PHONE, 13).await;
    let peer = resolve_bot(&mut alice).await;
    let mut x = 0x1234_5678_u32;
    let content: Vec<u8> = (0..10 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    let sent = send_big_document(&mut alice, peer, 77, &content, "the file", 3).await;
    assert!(matches!(sent, enums::Updates::Updates(_)));
    // The bot sees the document in its update and downloads it.
    let (_, body) = bot.next_update().await;
    let enums::Updates::Updates(updates) = enums::Updates::from_bytes(&body).unwrap() else {
        panic!("another Updates");
    };
    let enums::Update::NewMessage(new) = &updates.updates[0] else {
        panic!("not a new message");
    };
    let enums::Message::Message(message) = &new.message else {
        panic!("not a message");
    };
    let Some(enums::MessageMedia::Document(media)) = &message.media else {
        panic!("no document");
    };
    let Some(enums::Document::Document(document)) = &media.document else {
        panic!("empty document");
    };
    assert_eq!(document.size, content.len() as i64);
    let mut downloaded = Vec::new();
    while downloaded.len() < content.len() {
        let enums::upload::File::File(file) = bot
            .invoke(&functions::upload::GetFile {
                precise: false,
                cdn_supported: false,
                location: enums::InputFileLocation::InputDocumentFileLocation(
                    types::InputDocumentFileLocation {
                        id: document.id,
                        access_hash: document.access_hash,
                        file_reference: document.file_reference.clone(),
                        thumb_size: String::new(),
                    },
                ),
                offset: downloaded.len() as i64,
                limit: 512 << 10,
            })
            .await
            .unwrap()
        else {
            panic!("a CDN redirect");
        };
        assert!(!file.bytes.is_empty());
        downloaded.extend_from_slice(&file.bytes);
    }
    assert!(downloaded == content, "the download differs");
}

#[tokio::test]
async fn messages_are_listed_edited_forwarded_and_deleted() {
    let dc = start().await;
    let (mut bot, _) = bot(&dc, 14).await;
    let mut alice = user(&dc, 2, PHONE, 15).await;
    let enums::updates::State::State(bot_state) =
        bot.invoke(&functions::updates::GetState {}).await.unwrap();
    let peer = resolve_bot(&mut alice).await;
    let first = alice
        .invoke(&send_message(peer.clone(), "first", 10))
        .await
        .unwrap();
    let enums::Updates::UpdateShortSentMessage(first) = first else {
        panic!("another answer");
    };
    alice
        .invoke(&send_message(peer.clone(), "second", 11))
        .await
        .unwrap();
    // Edited: the bot's copy changes too.
    alice
        .invoke(&functions::messages::EditMessage {
            no_webpage: false,
            invert_media: false,
            peer: peer.clone(),
            id: first.id,
            message: Some("first, edited".into()),
            media: None,
            reply_markup: None,
            entities: None,
            schedule_date: None,
            schedule_repeat_period: None,
            quick_reply_shortcut_id: None,
            rich_message: None,
        })
        .await
        .unwrap();
    // Forwarded to oneself (Saved Messages).
    let forwarded = alice
        .invoke(&functions::messages::ForwardMessages {
            silent: false,
            background: false,
            with_my_score: false,
            drop_author: false,
            drop_media_captions: false,
            noforwards: false,
            allow_paid_floodskip: false,
            from_peer: peer.clone(),
            from_ephemeral: false,
            id: vec![first.id],
            random_id: vec![12],
            to_peer: enums::InputPeer::InputPeerSelf,
            top_msg_id: None,
            reply_to: None,
            schedule_date: None,
            schedule_repeat_period: None,
            send_as: None,
            quick_reply_shortcut: None,
            effect: None,
            video_timestamp: None,
            allow_paid_stars: None,
            suggested_post: None,
        })
        .await
        .unwrap();
    assert!(matches!(forwarded, enums::Updates::Updates(_)));
    let enums::messages::Messages::Messages(got) = alice
        .invoke(&functions::messages::GetMessages {
            id: vec![enums::InputMessage::ID(types::InputMessageID {
                id: first.id,
            })],
        })
        .await
        .unwrap()
    else {
        panic!("another Messages");
    };
    let enums::Message::Message(m) = &got.messages[0] else {
        panic!("not a message");
    };
    assert_eq!(
        (m.message.as_str(), m.edit_date.is_some()),
        ("first, edited", true)
    );
    let enums::messages::Dialogs::Dialogs(dialogs) = alice
        .invoke(&functions::messages::GetDialogs {
            exclude_pinned: false,
            folder_id: None,
            offset_date: 0,
            offset_id: 0,
            offset_peer: enums::InputPeer::Empty,
            limit: 10,
            hash: 0,
        })
        .await
        .unwrap()
    else {
        panic!("another Dialogs");
    };
    assert_eq!(dialogs.dialogs.len(), 2, "the bot and Saved Messages");
    // Deleted for both sides.
    let enums::messages::AffectedMessages::AffectedMessages(affected) = alice
        .invoke(&functions::messages::DeleteMessages {
            revoke: true,
            id: vec![first.id],
        })
        .await
        .unwrap();
    assert_eq!(affected.pts_count, 1);
    // The bot's difference: the one message left, and the deletion (the edit of the
    // message since deleted is not reported).
    let enums::updates::Difference::Difference(difference) = bot
        .invoke(&functions::updates::GetDifference {
            pts: bot_state.pts,
            pts_limit: None,
            pts_total_limit: None,
            date: bot_state.date,
            qts: 0,
            qts_limit: None,
        })
        .await
        .unwrap()
    else {
        panic!("no difference");
    };
    assert_eq!(difference.new_messages.len(), 1);
    assert_eq!(difference.other_updates.len(), 1);
    assert!(matches!(
        difference.other_updates[0],
        enums::Update::DeleteMessages(_)
    ));
    let enums::users::UserFull::UserFull(full) = alice
        .invoke(&functions::users::GetFullUser {
            id: enums::InputUser::InputUserSelf,
        })
        .await
        .unwrap();
    assert_eq!(full.users.len(), 1);
}

#[tokio::test]
async fn two_step_verification_takes_the_srp_proof() {
    use oxigram_proto::random::SeededRandom;

    let dc = start().await;
    let phone = "9996627777";
    let carol = dc.create_user(phone, "Carol");
    dc.set_password(carol, "correct horse");
    let mut client = connect(&dc, 2, Kind::Intermediate, false, 16).await;
    let needed = client.sign_in_user(phone).await.unwrap_err();
    assert_eq!(needed, RpcError::new(401, "SESSION_PASSWORD_NEEDED"));
    let mut random = SeededRandom::new([3; 32]);
    let wrong = client.check_password("wrong horse", &mut random).await;
    assert_eq!(
        wrong.unwrap_err(),
        RpcError::new(400, "PASSWORD_HASH_INVALID")
    );
    let enums::auth::Authorization::Authorization(auth) = client
        .check_password("correct horse", &mut random)
        .await
        .unwrap()
    else {
        panic!("sign-up required");
    };
    assert_eq!(user_ref(&auth.user).0, carol);
}

fn only_update(body: &[u8]) -> enums::Update {
    let enums::Updates::Updates(updates) = enums::Updates::from_bytes(body).unwrap() else {
        panic!("another Updates");
    };
    updates.updates.into_iter().next().expect("an update")
}

#[tokio::test]
async fn groups_and_channels_carry_messages_to_members() {
    let dc = start().await;
    let (mut bot, _) = bot(&dc, 17).await;
    let mut alice = user(&dc, 2, PHONE, 18).await;
    let enums::InputPeer::User(bot_peer) = resolve_bot(&mut alice).await else {
        panic!("not a user");
    };
    let bot_user = enums::InputUser::InputUser(types::InputUser {
        user_id: bot_peer.user_id,
        access_hash: bot_peer.access_hash,
    });
    // A basic group with the bot.
    let enums::messages::InvitedUsers::InvitedUsers(invited) = alice
        .invoke(&functions::messages::CreateChat {
            users: vec![bot_user.clone()],
            title: "team".into(),
            ttl_period: None,
        })
        .await
        .unwrap();
    let enums::Updates::Updates(created) = invited.updates else {
        panic!("another Updates");
    };
    let enums::Chat::Chat(chat) = &created.chats[0] else {
        panic!("not a basic group");
    };
    assert_eq!((chat.title.as_str(), chat.participants_count), ("team", 2));
    bot.next_update().await; // the bot hears of the group
    let to_chat = enums::InputPeer::Chat(types::InputPeerChat { chat_id: chat.id });
    alice
        .invoke(&send_message(to_chat, "hello team", 20))
        .await
        .unwrap();
    let (_, body) = bot.next_update().await;
    let enums::Update::NewMessage(new) = only_update(&body) else {
        panic!("not a new message");
    };
    let enums::Message::Message(m) = &new.message else {
        panic!("not a message");
    };
    assert_eq!(m.message, "hello team");
    assert_eq!(
        m.peer_id,
        enums::Peer::Chat(types::PeerChat { chat_id: chat.id })
    );

    // A broadcast channel: alice posts, the bot (a subscriber) reads and may not post.
    let enums::Updates::Updates(made) = alice
        .invoke(&functions::channels::CreateChannel {
            broadcast: true,
            megagroup: false,
            for_import: false,
            forum: false,
            title: "news".into(),
            about: String::new(),
            geo_point_and_address: None,
            ttl_period: None,
        })
        .await
        .unwrap()
    else {
        panic!("another Updates");
    };
    let enums::Chat::Channel(channel) = &made.chats[0] else {
        panic!("not a channel");
    };
    let input_channel = enums::InputChannel::InputChannel(types::InputChannel {
        channel_id: channel.id,
        access_hash: channel.access_hash.unwrap(),
    });
    alice
        .invoke(&functions::channels::InviteToChannel {
            channel: input_channel.clone(),
            users: vec![bot_user],
        })
        .await
        .unwrap();
    // The bot hears of the channel, then of its own membership (a bot's qts update).
    for _ in 0..2 {
        let (_, body) = bot.next_update().await;
        assert!(
            matches!(
                only_update(&body),
                enums::Update::Channel(_) | enums::Update::ChannelParticipant(_)
            ),
            "the invitation's updates"
        );
    }
    let to_channel = enums::InputPeer::Channel(types::InputPeerChannel {
        channel_id: channel.id,
        access_hash: channel.access_hash.unwrap(),
    });
    alice
        .invoke(&send_message(to_channel.clone(), "first post", 21))
        .await
        .unwrap();
    let (_, body) = bot.next_update().await;
    let enums::Update::NewChannelMessage(post) = only_update(&body) else {
        panic!("not a channel message");
    };
    assert_eq!(post.pts, 1);
    let refused = bot.invoke(&send_message(to_channel, "me too", 22)).await;
    assert_eq!(
        refused.unwrap_err(),
        RpcError::new(403, "CHAT_ADMIN_REQUIRED")
    );
    alice
        .invoke(&send_message(
            enums::InputPeer::Channel(types::InputPeerChannel {
                channel_id: channel.id,
                access_hash: channel.access_hash.unwrap(),
            }),
            "second post",
            23,
        ))
        .await
        .unwrap();
    let difference = bot
        .invoke(&functions::updates::GetChannelDifference {
            force: false,
            channel: input_channel,
            filter: enums::ChannelMessagesFilter::Empty,
            pts: 1,
            limit: 100,
        })
        .await
        .unwrap();
    let enums::updates::ChannelDifference::ChannelDifference(difference) = difference else {
        panic!("no difference: {difference:?}");
    };
    assert_eq!((difference.pts, difference.r#final), (2, true));
    let enums::Message::Message(m) = &difference.new_messages[0] else {
        panic!("not a message");
    };
    assert_eq!(m.message, "second post");
}
