//! Edits, deletions, pins, reactions, typing and status as updates with their pts (or
//! channel pts, or qts), the differences that report them, and the update faults that
//! make a client catch up.

mod common;

use common::world::{self, World};
use common::{Client, user_ref};
use oxigram_proto::session::RpcError;
use oxigram_testdc::send_message_request as send_message;
use oxigram_testdc::{Faults, UpdateFault};
use oxigram_tl::{enums, functions, types};

const BOT_TOKEN: &str = "7000003:updates";

async fn start() -> World {
    world::start(13, BOT_TOKEN, "news_bot", ["9996621101", "9996621102"]).await
}

fn edit(peer: &enums::InputPeer, id: i32, text: &str) -> functions::messages::EditMessage {
    functions::messages::EditMessage {
        no_webpage: false,
        invert_media: false,
        peer: peer.clone(),
        id,
        message: Some(text.into()),
        media: None,
        reply_markup: None,
        entities: None,
        schedule_date: None,
        schedule_repeat_period: None,
        quick_reply_shortcut_id: None,
        rich_message: None,
    }
}

fn pin(peer: &enums::InputPeer, id: i32) -> functions::messages::UpdatePinnedMessage {
    functions::messages::UpdatePinnedMessage {
        silent: false,
        unpin: false,
        pm_oneside: false,
        peer: peer.clone(),
        id,
    }
}

async fn pts(client: &mut Client) -> i32 {
    let enums::updates::State::State(state) = client
        .invoke(&functions::updates::GetState {})
        .await
        .unwrap();
    state.pts
}

/// The id of the message a send answered with (short or full answer).
fn sent_id(answer: &enums::Updates) -> i32 {
    match answer {
        enums::Updates::UpdateShortSentMessage(s) => s.id,
        enums::Updates::Updates(u) => u
            .updates
            .iter()
            .find_map(|u| match u {
                enums::Update::MessageID(m) => Some(m.id),
                _ => None,
            })
            .unwrap(),
        other => panic!("unexpected answer {other:?}"),
    }
}

#[tokio::test]
async fn group_edits_and_deletions_reach_every_member_with_their_pts() {
    let mut w = start().await;
    let chat_id = w.dc.create_group(w.alice_id, "team", &[w.bob_id]);
    let peer = enums::InputPeer::Chat(types::InputPeerChat { chat_id });
    let answer = w
        .alice
        .invoke(&send_message(peer.clone(), "draft", 1))
        .await
        .unwrap();
    let id = sent_id(&answer);
    let enums::Update::NewMessage(first) = w.bob.next_one().await else {
        panic!("not a new message");
    };
    let bob_pts = pts(&mut w.bob).await;
    assert_eq!(first.pts, bob_pts);

    w.alice.invoke(&edit(&peer, id, "final")).await.unwrap();
    let enums::Update::EditMessage(edited) = w.bob.next_one().await else {
        panic!("not an edit");
    };
    assert_eq!((edited.pts, edited.pts_count), (bob_pts + 1, 1));
    let enums::Message::Message(m) = &edited.message else {
        panic!("not a message");
    };
    assert_eq!(m.message, "final");
    let not_author = w.bob.invoke(&edit(&peer, m.id, "mine")).await;
    assert_eq!(
        not_author.unwrap_err(),
        RpcError::new(400, "MESSAGE_AUTHOR_REQUIRED")
    );
    let unchanged = w.alice.invoke(&edit(&peer, id, "final")).await;
    assert_eq!(
        unchanged.unwrap_err(),
        RpcError::new(400, "MESSAGE_NOT_MODIFIED")
    );

    // Pinned for everyone: the pin and its service message, each with a pts.
    let pinned = w.alice.invoke(&pin(&peer, id)).await.unwrap();
    let enums::Updates::Updates(pinned) = pinned else {
        panic!("another Updates");
    };
    assert!(matches!(
        pinned.updates[0],
        enums::Update::PinnedMessages(_)
    ));
    let (bob_saw, _, _) = w.bob.next_updates().await;
    let enums::Update::PinnedMessages(p) = &bob_saw[0] else {
        panic!("not a pin: {bob_saw:?}");
    };
    assert_eq!(
        (p.pinned, &p.messages[..], p.pts),
        (true, &[m.id][..], bob_pts + 2)
    );
    let enums::Update::NewMessage(service) = &bob_saw[1] else {
        panic!("no service message: {bob_saw:?}");
    };
    assert_eq!(service.pts, bob_pts + 3);

    let enums::messages::AffectedMessages::AffectedMessages(affected) = w
        .alice
        .invoke(&functions::messages::DeleteMessages {
            revoke: true,
            id: vec![id],
        })
        .await
        .unwrap();
    assert_eq!(affected.pts_count, 1);
    let enums::Update::DeleteMessages(deleted) = w.bob.next_one().await else {
        panic!("not a deletion");
    };
    assert_eq!(
        (&deleted.messages[..], deleted.pts),
        (&[m.id][..], bob_pts + 4)
    );

    // Bob, had he missed it all, catches up: the pin and the deletion in other_updates
    // (the edit of a message since deleted is not reported), the service message new.
    let difference = w
        .bob
        .invoke(&functions::updates::GetDifference {
            pts: bob_pts,
            pts_limit: None,
            pts_total_limit: None,
            date: 0,
            qts: 0,
            qts_limit: None,
        })
        .await
        .unwrap();
    let enums::updates::Difference::Difference(d) = difference else {
        panic!("no difference: {difference:?}");
    };
    assert_eq!(d.new_messages.len(), 1);
    let kinds: Vec<i32> = d
        .other_updates
        .iter()
        .map(|u| match u {
            enums::Update::PinnedMessages(p) => p.pts,
            enums::Update::DeleteMessages(p) => p.pts,
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(kinds, [bob_pts + 2, bob_pts + 4]);
    let enums::updates::State::State(state) = d.state;
    assert_eq!(state.pts, bob_pts + 4);
}

#[tokio::test]
async fn channel_edits_deletions_and_pins_take_channel_pts() {
    let mut w = start().await;
    let (channel_id, access_hash) = w.dc.create_channel(w.alice_id, "board", &[w.bob_id], false);
    let peer = enums::InputPeer::Channel(types::InputPeerChannel {
        channel_id,
        access_hash,
    });
    let channel = enums::InputChannel::InputChannel(types::InputChannel {
        channel_id,
        access_hash,
    });
    let one = sent_id(
        &w.alice
            .invoke(&send_message(peer.clone(), "one", 1))
            .await
            .unwrap(),
    );
    let two = sent_id(
        &w.alice
            .invoke(&send_message(peer.clone(), "two", 2))
            .await
            .unwrap(),
    );
    for expected in [1, 2] {
        let enums::Update::NewChannelMessage(m) = w.bob.next_one().await else {
            panic!("not a channel message");
        };
        assert_eq!(m.pts, expected);
    }
    w.alice
        .invoke(&edit(&peer, one, "one, edited"))
        .await
        .unwrap();
    let enums::Update::EditChannelMessage(edited) = w.bob.next_one().await else {
        panic!("not a channel edit");
    };
    assert_eq!(edited.pts, 3);
    let forbidden = w
        .bob
        .invoke(&functions::channels::DeleteMessages {
            channel: channel.clone(),
            id: vec![two],
        })
        .await;
    assert_eq!(
        forbidden.unwrap_err(),
        RpcError::new(403, "MESSAGE_DELETE_FORBIDDEN")
    );
    let enums::messages::AffectedMessages::AffectedMessages(affected) = w
        .alice
        .invoke(&functions::channels::DeleteMessages {
            channel: channel.clone(),
            id: vec![two, 999],
        })
        .await
        .unwrap();
    assert_eq!((affected.pts, affected.pts_count), (4, 1));
    let enums::Update::DeleteChannelMessages(deleted) = w.bob.next_one().await else {
        panic!("not a channel deletion");
    };
    assert_eq!((&deleted.messages[..], deleted.pts), (&[two][..], 4));
    let refused = w.bob.invoke(&pin(&peer, one)).await;
    assert_eq!(
        refused.unwrap_err(),
        RpcError::new(403, "CHAT_ADMIN_REQUIRED")
    );
    w.alice.invoke(&pin(&peer, one)).await.unwrap();
    let (bob_saw, _, _) = w.bob.next_updates().await;
    let enums::Update::PinnedChannelMessages(p) = &bob_saw[0] else {
        panic!("not a channel pin: {bob_saw:?}");
    };
    assert_eq!((p.channel_id, p.pts), (channel_id, 5));
    let enums::Update::NewChannelMessage(service) = &bob_saw[1] else {
        panic!("no service message: {bob_saw:?}");
    };
    assert_eq!(service.pts, 6);

    // The channel difference after pts 2, two changes at a time, then the rest.
    let diff = |pts, limit| functions::updates::GetChannelDifference {
        force: false,
        channel: channel.clone(),
        filter: enums::ChannelMessagesFilter::Empty,
        pts,
        limit,
    };
    let first = w.bob.invoke(&diff(2, 2)).await.unwrap();
    let enums::updates::ChannelDifference::ChannelDifference(first) = first else {
        panic!("no difference: {first:?}");
    };
    assert_eq!((first.pts, first.r#final), (4, false));
    assert!(matches!(
        first.other_updates[0],
        enums::Update::EditChannelMessage(_)
    ));
    assert!(matches!(
        first.other_updates[1],
        enums::Update::DeleteChannelMessages(_)
    ));
    let rest = w.bob.invoke(&diff(first.pts, 100)).await.unwrap();
    let enums::updates::ChannelDifference::ChannelDifference(rest) = rest else {
        panic!("no difference: {rest:?}");
    };
    assert_eq!(
        (rest.pts, rest.r#final, rest.new_messages.len()),
        (6, true, 1)
    );
    assert!(matches!(
        rest.other_updates[0],
        enums::Update::PinnedChannelMessages(_)
    ));
    let done = w.bob.invoke(&diff(6, 100)).await.unwrap();
    assert!(
        matches!(done, enums::updates::ChannelDifference::Empty(_)),
        "{done:?}"
    );
}

#[tokio::test]
async fn typing_status_and_reactions_reach_who_shares_the_chat() {
    let mut w = start().await;
    // Bob writes to Alice and to the bot: they share private chats.
    w.dc.send_message(w.bob_id, w.alice_id, "hi Alice");
    w.dc.send_message(w.bob_id, w.bot_id, "hi bot");
    let (news, users, _) = w.alice.next_updates().await;
    let enums::Update::NewMessage(hi) = &news[0] else {
        panic!("not a message");
    };
    let (user_id, access_hash) = users
        .iter()
        .map(user_ref)
        .find(|(id, _)| *id == w.bob_id)
        .unwrap();
    let to_bob = enums::InputPeer::User(types::InputPeerUser {
        user_id,
        access_hash,
    });
    let (_, bot_users, _) = w.bot.next_updates().await;
    let (user_id, access_hash) = bot_users
        .iter()
        .map(user_ref)
        .find(|(id, _)| *id == w.bob_id)
        .unwrap();
    let bot_to_bob = enums::InputPeer::User(types::InputPeerUser {
        user_id,
        access_hash,
    });

    assert!(
        w.alice
            .invoke(&functions::messages::SetTyping {
                peer: to_bob.clone(),
                top_msg_id: None,
                action: enums::SendMessageAction::SendMessageTypingAction,
            })
            .await
            .unwrap()
    );
    let enums::Update::UserTyping(typing) = w.bob.next_one().await else {
        panic!("not typing");
    };
    assert_eq!(typing.user_id, w.alice_id);

    assert!(
        w.bob
            .invoke(&functions::account::UpdateStatus { offline: false })
            .await
            .unwrap()
    );
    let enums::Update::UserStatus(status) = w.alice.next_one().await else {
        panic!("not a status");
    };
    assert_eq!(status.user_id, w.bob_id);
    assert!(matches!(status.status, enums::UserStatus::Online(_)));

    // Alice reacts to Bob's message: both see the count, Alice's marked as hers.
    let react = |peer: &enums::InputPeer, msg_id, emoji: &str| functions::messages::SendReaction {
        big: false,
        add_to_recent: false,
        peer: peer.clone(),
        msg_id,
        reaction: Some(vec![enums::Reaction::Emoji(types::ReactionEmoji {
            emoticon: emoji.into(),
        })]),
    };
    let enums::Message::Message(hi) = &hi.message else {
        panic!("not a message");
    };
    let enums::Updates::Updates(mine) = w.alice.invoke(&react(&to_bob, hi.id, "👍")).await.unwrap()
    else {
        panic!("another Updates");
    };
    let enums::Update::MessageReactions(seen) = &mine.updates[0] else {
        panic!("not reactions");
    };
    let enums::MessageReactions::MessageReactions(r) = &seen.reactions;
    let enums::ReactionCount::ReactionCount(count) = &r.results[0];
    assert_eq!((count.count, count.chosen_order), (1, Some(0)));
    let enums::Update::MessageReactions(theirs) = w.bob.next_one().await else {
        panic!("not reactions");
    };
    let enums::MessageReactions::MessageReactions(r) = &theirs.reactions;
    let enums::ReactionCount::ReactionCount(count) = &r.results[0];
    assert_eq!((count.count, count.chosen_order), (1, None));
    let bad = w.alice.invoke(&react(&to_bob, 999, "👍")).await;
    assert_eq!(bad.unwrap_err(), RpcError::new(400, "MESSAGE_ID_INVALID"));

    // Bob reacts to the bot's answer: the bot gets its qts-counted update.
    let answer = w
        .bot
        .invoke(&send_message(bot_to_bob, "hello Bob", 9))
        .await
        .unwrap();
    let bot_msg = sent_id(&answer);
    let enums::Update::NewMessage(got) = w.bob.next_one().await else {
        panic!("not a message");
    };
    let enums::Message::Message(got) = &got.message else {
        panic!("not a message");
    };
    let bot_peer = {
        let enums::contacts::ResolvedPeer::ResolvedPeer(r) = w
            .bob
            .invoke(&functions::contacts::ResolveUsername {
                username: "news_bot".into(),
                referer: None,
            })
            .await
            .unwrap();
        let (user_id, access_hash) = user_ref(&r.users[0]);
        enums::InputPeer::User(types::InputPeerUser {
            user_id,
            access_hash,
        })
    };
    w.bob.invoke(&react(&bot_peer, got.id, "🔥")).await.unwrap();
    let enums::Update::BotMessageReaction(reaction) = w.bot.next_one().await else {
        panic!("not a bot reaction");
    };
    assert_eq!((reaction.msg_id, reaction.qts), (bot_msg, 1));
    assert!(reaction.old_reactions.is_empty());
    assert_eq!(reaction.new_reactions.len(), 1);
}

#[tokio::test]
async fn dropped_updates_are_recovered_with_get_difference() {
    let mut w = start().await;
    let before = pts(&mut w.bot).await;
    let mut faults = Faults {
        update_seed: 5,
        ..Faults::default()
    };
    faults.update_faults.insert(
        w.bot_id,
        UpdateFault {
            drop_probability: 1.0,
            reorder_window: 0,
        },
    );
    w.dc.set_faults(faults);
    for text in ["one", "two", "three"] {
        w.dc.send_message(w.alice_id, w.bot_id, text);
    }
    assert_eq!(w.dc.updates_dropped(), 3);
    let difference = w
        .bot
        .invoke(&functions::updates::GetDifference {
            pts: before,
            pts_limit: None,
            pts_total_limit: None,
            date: 0,
            qts: 0,
            qts_limit: None,
        })
        .await
        .unwrap();
    let enums::updates::Difference::Difference(d) = difference else {
        panic!("no difference: {difference:?}");
    };
    let texts: Vec<&str> = d
        .new_messages
        .iter()
        .map(|m| match m {
            enums::Message::Message(m) => m.message.as_str(),
            _ => "",
        })
        .collect();
    assert_eq!(texts, ["one", "two", "three"]);
}

/// The pts of the messages the bot is pushed when `alice` sends `count` under a
/// reorder window of `window` with `seed`, in the order they arrive.
async fn arrival_order(seed: u64, window: usize, count: usize) -> Vec<i32> {
    let mut w = start().await;
    let mut faults = Faults {
        update_seed: seed,
        ..Faults::default()
    };
    faults.update_faults.insert(
        w.bot_id,
        UpdateFault {
            drop_probability: 0.0,
            reorder_window: window,
        },
    );
    w.dc.set_faults(faults);
    for i in 0..count {
        w.dc.send_message(w.alice_id, w.bot_id, &format!("m{i}"));
    }
    let mut order = Vec::new();
    for _ in 0..count {
        let enums::Update::NewMessage(m) = w.bot.next_one().await else {
            panic!("not a message");
        };
        order.push(m.pts);
    }
    order
}

#[tokio::test]
async fn reordered_updates_arrive_shuffled_the_same_way_for_the_same_seed() {
    let first = arrival_order(21, 4, 8).await;
    let mut sorted = first.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        (1..=8).collect::<Vec<_>>(),
        "each update exactly once"
    );
    assert_ne!(first, sorted, "shuffled");
    // Within each window of four, then the next window.
    assert!(first[..4].iter().all(|&p| p <= 4));
    assert_eq!(
        arrival_order(21, 4, 8).await,
        first,
        "deterministic from the seed"
    );
}
