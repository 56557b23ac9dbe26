//! Members joining and leaving, invite links and join requests, and the qts-counted
//! updates bots get for them, through real client connections.

mod common;

use common::world::{self, World};
use common::{Client, user_ref};
use oxigram_proto::session::RpcError;
use oxigram_tl::{enums, functions, types};

const BOT_TOKEN: &str = "7000002:members";

async fn start() -> World {
    world::start(12, BOT_TOKEN, "guard_bot", ["9996621001", "9996621002"]).await
}

/// `user`'s input form, with the access hash found among `users`.
fn input_user(users: &[enums::User], user: i64) -> enums::InputUser {
    let (user_id, access_hash) = users
        .iter()
        .map(user_ref)
        .find(|(id, _)| *id == user)
        .expect("the user is among those sent");
    enums::InputUser::InputUser(types::InputUser {
        user_id,
        access_hash,
    })
}

/// The action of a service message in a new-message update.
fn action(update: &enums::Update) -> &enums::MessageAction {
    let message = match update {
        enums::Update::NewMessage(u) => &u.message,
        enums::Update::NewChannelMessage(u) => &u.message,
        other => panic!("not a new message: {other:?}"),
    };
    match message {
        enums::Message::Service(m) => &m.action,
        other => panic!("not a service message: {other:?}"),
    }
}

async fn qts(client: &mut Client) -> i32 {
    let enums::updates::State::State(state) = client
        .invoke(&functions::updates::GetState {})
        .await
        .unwrap();
    state.qts
}

#[tokio::test]
async fn basic_group_members_come_and_go_with_service_messages_and_qts() {
    let mut w = start().await;
    let chat_id = w.dc.create_group(w.alice_id, "club", &[w.bot_id]);
    assert_eq!(qts(&mut w.bot).await, 0);
    // Alice learns Bob's access hash the way clients do: from an update about him.
    w.dc.send_message(w.bob_id, w.alice_id, "hello");
    let (_, users, _) = w.alice.next_updates().await;
    let bob = input_user(&users, w.bob_id);

    let enums::messages::InvitedUsers::InvitedUsers(invited) = w
        .alice
        .invoke(&functions::messages::AddChatUser {
            chat_id,
            user_id: bob.clone(),
            fwd_limit: 0,
        })
        .await
        .unwrap();
    let enums::Updates::Updates(added) = &invited.updates else {
        panic!("another Updates");
    };
    let added_users = enums::MessageAction::ChatAddUser(types::MessageActionChatAddUser {
        users: vec![w.bob_id],
    });
    assert_eq!(action(&added.updates[0]), &added_users);
    assert_eq!(action(&w.bob.next_one().await), &added_users);
    assert_eq!(action(&w.bot.next_one().await), &added_users);
    let enums::Update::ChatParticipant(joined) = w.bot.next_one().await else {
        panic!("not a participant update");
    };
    assert_eq!(
        (joined.chat_id, joined.user_id, joined.qts),
        (chat_id, w.bob_id, 1)
    );
    assert!(joined.prev_participant.is_none() && joined.new_participant.is_some());
    let again = w
        .alice
        .invoke(&functions::messages::AddChatUser {
            chat_id,
            user_id: bob.clone(),
            fwd_limit: 0,
        })
        .await;
    assert_eq!(
        again.unwrap_err(),
        RpcError::new(400, "USER_ALREADY_PARTICIPANT")
    );

    // Bob leaves on his own.
    let remove = |user_id| functions::messages::DeleteChatUser {
        revoke_history: false,
        chat_id,
        user_id,
    };
    let left = w.bob.invoke(&remove(enums::InputUser::InputUserSelf)).await;
    assert!(left.is_ok(), "{left:?}");
    let removed = enums::MessageAction::ChatDeleteUser(types::MessageActionChatDeleteUser {
        user_id: w.bob_id,
    });
    assert_eq!(action(&w.alice.next_one().await), &removed);
    assert_eq!(action(&w.bot.next_one().await), &removed);
    let enums::Update::ChatParticipant(left) = w.bot.next_one().await else {
        panic!("not a participant update");
    };
    assert_eq!((left.user_id, left.qts), (w.bob_id, 2));
    assert!(left.prev_participant.is_some() && left.new_participant.is_none());
    let gone = w.bob.invoke(&remove(enums::InputUser::InputUserSelf)).await;
    assert_eq!(gone.unwrap_err(), RpcError::new(400, "CHAT_ID_INVALID"));

    // The bot, away, catches up: both participant updates come back after qts 0, one
    // after qts 1, and the state carries the qts.
    assert_eq!(qts(&mut w.bot).await, 2);
    for (after, expected) in [(0, vec![1, 2]), (1, vec![2])] {
        let difference = w
            .bot
            .invoke(&functions::updates::GetDifference {
                pts: 1_000,
                pts_limit: None,
                pts_total_limit: None,
                date: 0,
                qts: after,
                qts_limit: None,
            })
            .await
            .unwrap();
        let enums::updates::Difference::Difference(d) = difference else {
            panic!("no difference: {difference:?}");
        };
        let got: Vec<i32> = d
            .other_updates
            .iter()
            .filter_map(|u| match u {
                enums::Update::ChatParticipant(p) => Some(p.qts),
                _ => None,
            })
            .collect();
        assert_eq!(got, expected);
        let enums::updates::State::State(state) = d.state;
        assert_eq!(state.qts, 2);
    }
}

#[tokio::test]
async fn join_requests_wait_for_an_admin_and_links_let_members_in() {
    let mut w = start().await;
    let (channel_id, access_hash) =
        w.dc.create_channel(w.alice_id, "lounge", &[w.bot_id], false);
    let peer = enums::InputPeer::Channel(types::InputPeerChannel {
        channel_id,
        access_hash,
    });
    let export = |request_needed| functions::messages::ExportChatInvite {
        legacy_revoke_permanent: false,
        request_needed,
        peer: peer.clone(),
        expire_date: None,
        usage_limit: None,
        title: None,
        subscription_pricing: None,
    };
    let enums::ExportedChatInvite::ChatInviteExported(invite) =
        w.alice.invoke(&export(true)).await.unwrap()
    else {
        panic!("another invite");
    };
    assert!(invite.request_needed);
    let hash = invite.link.rsplit('+').next().unwrap().to_owned();

    let checked = w
        .bob
        .invoke(&functions::messages::CheckChatInvite { hash: hash.clone() })
        .await
        .unwrap();
    let enums::ChatInvite::ChatInvite(seen) = checked else {
        panic!("not an invite: {checked:?}");
    };
    assert!(seen.request_needed && seen.megagroup);
    assert_eq!(
        (seen.title.as_str(), seen.participants_count),
        ("lounge", 2)
    );

    let import = |hash: &str| functions::messages::ImportChatInvite { hash: hash.into() };
    let sent = w.bob.invoke(&import(&hash)).await;
    assert_eq!(sent.unwrap_err(), RpcError::new(400, "INVITE_REQUEST_SENT"));
    let enums::Update::BotChatInviteRequester(request) = w.bot.next_one().await else {
        panic!("not a join request");
    };
    assert_eq!((request.user_id, request.qts), (w.bob_id, 1));
    let (updates, users, _) = w.alice.next_updates().await;
    let enums::Update::PendingJoinRequests(pending) = &updates[0] else {
        panic!("not pending requests: {updates:?}");
    };
    assert_eq!(
        (pending.requests_pending, &pending.recent_requesters[..]),
        (1, &[w.bob_id][..])
    );
    let bogus = w.bob.invoke(&import("0000000000000000")).await;
    assert_eq!(
        bogus.unwrap_err(),
        RpcError::new(400, "INVITE_HASH_EXPIRED")
    );

    // Alice approves: Bob is in, told by the service message; the bot sees him join.
    let hide = |approved| functions::messages::HideChatJoinRequest {
        approved,
        peer: peer.clone(),
        user_id: input_user(&users, w.bob_id),
    };
    let enums::Updates::Updates(approved) = w.alice.invoke(&hide(true)).await.unwrap() else {
        panic!("another Updates");
    };
    let joined = enums::MessageAction::ChatJoinedByRequest;
    assert_eq!(action(&approved.updates[0]), &joined);
    let enums::Update::PendingJoinRequests(none_left) = w.alice.next_one().await else {
        panic!("not pending requests");
    };
    assert_eq!(none_left.requests_pending, 0);
    let (bob_saw, _, _) = w.bob.next_updates().await;
    assert!(
        matches!(bob_saw[0], enums::Update::Channel(_)),
        "{bob_saw:?}"
    );
    assert_eq!(action(&bob_saw[1]), &joined);
    assert_eq!(action(&w.bot.next_one().await), &joined);
    let enums::Update::ChannelParticipant(member) = w.bot.next_one().await else {
        panic!("not a participant update");
    };
    assert_eq!((member.user_id, member.qts), (w.bob_id, 2));
    let twice = w.alice.invoke(&hide(true)).await;
    assert_eq!(
        twice.unwrap_err(),
        RpcError::new(400, "HIDE_REQUESTER_MISSING")
    );

    // Bob leaves; his membership ends in the bot's view too.
    let channel = enums::InputChannel::InputChannel(types::InputChannel {
        channel_id,
        access_hash,
    });
    w.bob
        .invoke(&functions::channels::LeaveChannel {
            channel: channel.clone(),
        })
        .await
        .unwrap();
    let left = enums::MessageAction::ChatDeleteUser(types::MessageActionChatDeleteUser {
        user_id: w.bob_id,
    });
    assert_eq!(action(&w.alice.next_one().await), &left);
    assert_eq!(action(&w.bot.next_one().await), &left);
    let enums::Update::ChannelParticipant(gone) = w.bot.next_one().await else {
        panic!("not a participant update");
    };
    assert!(matches!(
        gone.new_participant,
        Some(enums::ChannelParticipant::Left(_))
    ));
    assert_eq!(gone.qts, 3);

    // A link without approval lets Bob straight back in, by link.
    let enums::ExportedChatInvite::ChatInviteExported(open) =
        w.alice.invoke(&export(false)).await.unwrap()
    else {
        panic!("another invite");
    };
    let enums::messages::ChatInviteJoinResult::Ok(joined) =
        w.bob.invoke(&import(&open.link)).await.unwrap()
    else {
        panic!("not joined");
    };
    let enums::Updates::Updates(joined) = joined.updates else {
        panic!("another Updates");
    };
    let by_link = enums::MessageAction::ChatJoinedByLink(types::MessageActionChatJoinedByLink {
        inviter_id: w.alice_id,
    });
    assert_eq!(action(&joined.updates[0]), &by_link);
    let again = w.bob.invoke(&import(&open.link)).await;
    assert_eq!(
        again.unwrap_err(),
        RpcError::new(400, "USER_ALREADY_PARTICIPANT")
    );

    // Alice bans Bob.
    let (_, users, _) = w.alice.next_updates().await;
    let bob_peer = {
        let (user_id, access_hash) = users
            .iter()
            .map(user_ref)
            .find(|(id, _)| *id == w.bob_id)
            .unwrap();
        enums::InputPeer::User(types::InputPeerUser {
            user_id,
            access_hash,
        })
    };
    let mut rights = types::ChatBannedRights {
        view_messages: true,
        send_messages: false,
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
    };
    let ban = |rights: &types::ChatBannedRights| functions::channels::EditBanned {
        channel: channel.clone(),
        participant: bob_peer.clone(),
        banned_rights: enums::ChatBannedRights::ChatBannedRights(rights.clone()),
    };
    let not_admin = w
        .bob
        .invoke(&functions::channels::EditBanned {
            channel: channel.clone(),
            participant: enums::InputPeer::InputPeerSelf,
            banned_rights: enums::ChatBannedRights::ChatBannedRights(rights.clone()),
        })
        .await;
    assert_eq!(
        not_admin.unwrap_err(),
        RpcError::new(403, "CHAT_ADMIN_REQUIRED")
    );
    w.alice.invoke(&ban(&rights)).await.unwrap();
    // The bot: the join by link, then the ban.
    let mut kicked = None;
    for _ in 0..4 {
        if let enums::Update::ChannelParticipant(p) = w.bot.next_one().await
            && p.new_participant
                .as_ref()
                .is_some_and(|n| matches!(n, enums::ChannelParticipant::Banned(_)))
        {
            kicked = Some(p);
            break;
        }
    }
    let kicked = kicked.expect("the bot hears of the ban");
    assert_eq!((kicked.actor_id, kicked.user_id), (w.alice_id, w.bob_id));
    rights.view_messages = false;
    let gone = w.alice.invoke(&ban(&rights)).await;
    assert!(
        gone.is_ok(),
        "a restriction short of a ban changes nothing: {gone:?}"
    );
}
