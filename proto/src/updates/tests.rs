//! The sequencer's rules one at a time, plus property and robustness tests.

use std::time::{Duration, Instant};

use oxigram_tl::{enums, types};
use proptest::prelude::*;

use super::*;

const SELF: i64 = 1;

fn started(pts: i32, qts: i32, seq: i32) -> (Sequencer, Instant) {
    started_with(SequencerConfig::default(), pts, qts, seq)
}

/// A sequencer that has its state (from getState) and the self id.
fn started_with(config: SequencerConfig, pts: i32, qts: i32, seq: i32) -> (Sequencer, Instant) {
    let now = Instant::now();
    let mut s = Sequencer::new(config, None, now);
    s.set_self_id(SELF);
    let fetch = s.poll_fetch().expect("getState");
    assert_eq!(fetch.request, FetchRequest::GetState);
    let state = types::updates::State {
        pts,
        qts,
        date: 1,
        seq,
        unread_count: 0,
    };
    s.handle_fetched(now, fetch.id, Ok(Fetched::State(state)));
    assert!(s.poll_fetch().is_none());
    (s, now)
}

fn delete(pts: i32, count: i32) -> enums::Update {
    types::UpdateDeleteMessages {
        messages: vec![pts],
        pts,
        pts_count: count,
    }
    .into()
}

fn stopped(qts: i32) -> enums::Update {
    types::UpdateBotStopped {
        user_id: i64::from(qts),
        date: 0,
        stopped: true,
        qts,
    }
    .into()
}

fn channel_message(channel_id: i64, id: i32, pts: i32) -> enums::Update {
    types::UpdateNewChannelMessage {
        message: types::MessageEmpty {
            id,
            peer_id: Some(types::PeerChannel { channel_id }.into()),
        }
        .into(),
        pts,
        pts_count: 1,
    }
    .into()
}

fn short(update: enums::Update) -> enums::Updates {
    enums::Updates::UpdateShort(Box::new(types::UpdateShort { update, date: 5 }))
}

fn container(updates: Vec<enums::Update>, seq: i32) -> enums::Updates {
    enums::Updates::Updates(types::Updates {
        updates,
        users: vec![types::UserEmpty { id: 77 }.into()],
        chats: vec![],
        date: 9,
        seq,
    })
}

/// The pts (or qts) of everything delivered, in order.
fn delivered(s: &mut Sequencer) -> Vec<i32> {
    delivered_of(std::iter::from_fn(|| s.poll_batch()).collect())
}

/// The pts (or qts) of the updates of `batches`, in order.
fn delivered_of(batches: Vec<crate::updates::Batch>) -> Vec<i32> {
    let mut out = Vec::new();
    for batch in batches {
        for update in batch.updates {
            out.push(match update {
                enums::Update::DeleteMessages(u) => u.pts,
                enums::Update::BotStopped(u) => u.qts,
                enums::Update::NewChannelMessage(u) => match u.message {
                    enums::Message::Empty(m) => m.id,
                    other => panic!("unexpected {other:?}"),
                },
                enums::Update::NewMessage(u) => match u.message {
                    enums::Message::Empty(m) => m.id,
                    enums::Message::Message(m) => m.id,
                    other => panic!("unexpected {other:?}"),
                },
                other => panic!("unexpected {other:?}"),
            });
        }
    }
    out
}

fn state_of(pts: i32, qts: i32, date: i32, seq: i32) -> enums::updates::State {
    types::updates::State {
        pts,
        qts,
        date,
        seq,
        unread_count: 0,
    }
    .into()
}

#[test]
fn in_order_updates_apply_and_duplicates_are_dropped() {
    let (mut s, now) = started(10, 0, 1);
    s.handle_updates(now, short(delete(11, 1)));
    s.handle_updates(now, short(delete(13, 2)));
    s.handle_updates(now, short(delete(13, 2)));
    s.handle_updates(now, short(delete(12, 1)));
    assert_eq!(delivered(&mut s), vec![11, 13]);
    assert_eq!(s.state().unwrap().pts, 13);
    assert!(s.poll_fetch().is_none());
}

#[test]
fn a_gap_filled_in_time_needs_no_fetch() {
    let (mut s, now) = started(10, 0, 1);
    s.handle_updates(now, short(delete(13, 1)));
    s.handle_updates(now, short(delete(12, 1)));
    assert!(delivered(&mut s).is_empty());
    let deadline = s.poll_timeout().unwrap();
    assert_eq!(deadline, now + Duration::from_millis(500));
    s.handle_updates(now, short(delete(11, 1)));
    assert_eq!(delivered(&mut s), vec![11, 12, 13]);
    s.handle_timeout(deadline);
    assert!(s.poll_fetch().is_none());
}

#[test]
fn a_gap_left_open_fetches_the_difference_then_applies_what_was_held() {
    let (mut s, now) = started(10, 3, 1);
    s.handle_updates(now, short(delete(14, 1)));
    s.handle_updates(now, short(delete(16, 1)));
    let later = now + Duration::from_millis(500);
    s.handle_timeout(later);
    let fetch = s.poll_fetch().unwrap();
    assert_eq!(
        fetch.request,
        FetchRequest::GetDifference {
            pts: 10,
            qts: 3,
            date: 1
        }
    );
    // Pushed while the difference is in flight: held.
    s.handle_updates(later, short(delete(15, 1)));
    assert!(delivered(&mut s).is_empty());
    let message: enums::Message = types::MessageEmpty {
        id: 12,
        peer_id: Some(types::PeerUser { user_id: 77 }.into()),
    }
    .into();
    let difference = types::updates::Difference {
        new_messages: vec![message],
        new_encrypted_messages: vec![],
        other_updates: vec![delete(13, 1)],
        chats: vec![],
        users: vec![types::UserEmpty { id: 77 }.into()],
        state: state_of(13, 3, 20, 4),
    };
    s.handle_fetched(
        later,
        fetch.id,
        Ok(Fetched::Difference(enums::updates::Difference::Difference(
            Box::new(difference),
        ))),
    );
    let batch = s.poll_batch().unwrap();
    assert_eq!(batch.users, vec![types::UserEmpty { id: 77 }.into()]);
    match &batch.updates[0] {
        enums::Update::NewMessage(u) => assert_eq!((u.pts, u.pts_count), (0, 0)),
        other => panic!("{other:?}"),
    }
    let ids: Vec<i32> = std::iter::once(batch)
        .chain(std::iter::from_fn(|| s.poll_batch()))
        .flat_map(|b| b.updates)
        .map(|u| match u {
            enums::Update::NewMessage(u) => match u.message {
                enums::Message::Empty(m) => m.id,
                other => panic!("{other:?}"),
            },
            enums::Update::DeleteMessages(u) => u.pts,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids, vec![12, 13, 14, 15, 16]);
    assert_eq!(
        s.state().unwrap(),
        UpdateState {
            pts: 16,
            qts: 3,
            date: 20,
            seq: 4
        }
    );
}

#[test]
fn a_slice_is_followed_by_another_fetch_and_too_long_moves_pts() {
    let (mut s, now) = started(10, 0, 1);
    s.handle_missed(now);
    let first = s.poll_fetch().unwrap();
    let slice = types::updates::DifferenceSlice {
        new_messages: vec![],
        new_encrypted_messages: vec![],
        other_updates: vec![delete(11, 1)],
        chats: vec![],
        users: vec![],
        intermediate_state: state_of(11, 0, 1, 1),
    };
    s.handle_fetched(
        now,
        first.id,
        Ok(Fetched::Difference(enums::updates::Difference::Slice(
            Box::new(slice),
        ))),
    );
    assert_eq!(delivered(&mut s), vec![11]);
    let second = s.poll_fetch().unwrap();
    assert_eq!(
        second.request,
        FetchRequest::GetDifference {
            pts: 11,
            qts: 0,
            date: 1
        }
    );
    let too_long = types::updates::DifferenceTooLong { pts: 500 };
    s.handle_fetched(now, second.id, Ok(Fetched::Difference(too_long.into())));
    let third = s.poll_fetch().unwrap();
    assert_eq!(
        third.request,
        FetchRequest::GetDifference {
            pts: 500,
            qts: 0,
            date: 1
        }
    );
    let empty = types::updates::DifferenceEmpty { date: 30, seq: 2 };
    s.handle_fetched(now, third.id, Ok(Fetched::Difference(empty.into())));
    assert!(s.poll_fetch().is_none());
    assert_eq!(
        s.state().unwrap(),
        UpdateState {
            pts: 500,
            qts: 0,
            date: 30,
            seq: 2
        }
    );
}

#[test]
fn qts_is_its_own_sequence() {
    let (mut s, now) = started(10, 40, 1);
    s.handle_updates(now, short(stopped(42)));
    s.handle_updates(now, short(delete(11, 1)));
    s.handle_updates(now, short(stopped(41)));
    s.handle_updates(now, short(stopped(41)));
    assert_eq!(delivered(&mut s), vec![11, 41, 42]);
    assert_eq!(s.state().unwrap().qts, 42);
}

#[test]
fn seq_gaps_hold_containers_and_old_containers_are_ignored() {
    let (mut s, now) = started(10, 0, 5);
    s.handle_updates(now, container(vec![delete(12, 1)], 7));
    assert!(delivered(&mut s).is_empty());
    s.handle_updates(now, container(vec![delete(11, 1)], 6));
    assert_eq!(delivered(&mut s), vec![11, 12]);
    assert_eq!(s.state().unwrap().seq, 7);
    assert_eq!(s.state().unwrap().date, 9);
    // Seen already (seq 6 <= 7): ignored as a whole.
    s.handle_updates(now, container(vec![delete(13, 1)], 6));
    assert!(delivered(&mut s).is_empty());
    // updatesCombined covering 8..9.
    let combined = types::UpdatesCombined {
        updates: vec![delete(13, 1)],
        users: vec![],
        chats: vec![],
        date: 10,
        seq_start: 8,
        seq: 9,
    };
    s.handle_updates(now, enums::Updates::Combined(combined));
    assert_eq!(delivered(&mut s), vec![13]);
    assert_eq!(s.state().unwrap().seq, 9);
    // A seq gap never filled ends in a difference.
    s.handle_updates(now, container(vec![], 11));
    s.handle_timeout(now + Duration::from_millis(500));
    assert!(matches!(
        s.poll_fetch().unwrap().request,
        FetchRequest::GetDifference { pts: 13, .. }
    ));
}

#[test]
fn short_forms_come_out_as_new_messages() {
    let (mut s, now) = started(10, 0, 1);
    let sent = types::UpdateShortMessage {
        out: true,
        mentioned: false,
        media_unread: false,
        silent: false,
        id: 5,
        user_id: 300,
        message: "hello".into(),
        pts: 11,
        pts_count: 1,
        date: 3,
        fwd_from: None,
        via_bot_id: None,
        reply_to: None,
        entities: None,
        ttl_period: None,
    };
    s.handle_updates(now, enums::Updates::UpdateShortMessage(Box::new(sent)));
    let chat = types::UpdateShortChatMessage {
        out: false,
        mentioned: false,
        media_unread: false,
        silent: false,
        id: 6,
        from_id: 301,
        chat_id: 900,
        message: "group".into(),
        pts: 12,
        pts_count: 1,
        date: 4,
        fwd_from: None,
        via_bot_id: None,
        reply_to: None,
        entities: None,
        ttl_period: None,
    };
    s.handle_updates(now, enums::Updates::UpdateShortChatMessage(Box::new(chat)));
    let answer = types::UpdateShortSentMessage {
        out: true,
        id: 7,
        pts: 13,
        pts_count: 1,
        date: 5,
        media: None,
        entities: None,
        ttl_period: None,
    };
    s.handle_sent(
        now,
        answer,
        types::PeerUser { user_id: 300 }.into(),
        "again".into(),
    );
    let updates: Vec<enums::Update> = std::iter::from_fn(|| s.poll_batch())
        .flat_map(|b| b.updates)
        .collect();
    let messages: Vec<types::Message> = updates
        .into_iter()
        .map(|u| match u {
            enums::Update::NewMessage(u) => match u.message {
                enums::Message::Message(m) => *m,
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(messages.len(), 3);
    assert_eq!(
        messages[0].from_id,
        Some(types::PeerUser { user_id: SELF }.into())
    );
    assert_eq!(messages[0].peer_id, types::PeerUser { user_id: 300 }.into());
    assert!(messages[0].out);
    assert_eq!(
        messages[1].from_id,
        Some(types::PeerUser { user_id: 301 }.into())
    );
    assert_eq!(messages[1].peer_id, types::PeerChat { chat_id: 900 }.into());
    assert_eq!(messages[2].message, "again");
    assert_eq!(s.state().unwrap().pts, 13);
}

#[test]
fn channel_gaps_fetch_the_channel_difference_until_final() {
    let (mut s, now) = started(10, 0, 1);
    s.add_channel(50, 100);
    s.handle_updates(now, short(channel_message(50, 1, 101)));
    s.handle_updates(now, short(channel_message(50, 5, 105)));
    assert_eq!(delivered(&mut s), vec![1]);
    s.handle_timeout(now + Duration::from_millis(500));
    let fetch = s.poll_fetch().unwrap();
    assert_eq!(
        fetch.request,
        FetchRequest::GetChannelDifference {
            channel: 50,
            pts: 101,
            limit: 100
        }
    );
    let message = |id: i32| -> enums::Message {
        types::MessageEmpty {
            id,
            peer_id: Some(types::PeerChannel { channel_id: 50 }.into()),
        }
        .into()
    };
    let part = types::updates::ChannelDifference {
        r#final: false,
        pts: 102,
        timeout: None,
        new_messages: vec![message(2)],
        other_updates: vec![],
        chats: vec![],
        users: vec![],
    };
    s.handle_fetched(now, fetch.id, Ok(Fetched::ChannelDifference(part.into())));
    assert_eq!(delivered(&mut s), vec![2]);
    let next = s.poll_fetch().unwrap();
    assert!(matches!(
        next.request,
        FetchRequest::GetChannelDifference { pts: 102, .. }
    ));
    let rest = types::updates::ChannelDifference {
        r#final: true,
        pts: 104,
        timeout: None,
        new_messages: vec![message(3), message(4)],
        other_updates: vec![],
        chats: vec![],
        users: vec![],
    };
    s.handle_fetched(now, next.id, Ok(Fetched::ChannelDifference(rest.into())));
    // The held pts 105 follows.
    assert_eq!(delivered(&mut s), vec![3, 4, 5]);
    assert_eq!(s.channel_pts(50), Some(105));
    assert!(s.poll_fetch().is_none());
}

#[test]
fn channel_too_long_fetches_and_its_too_long_answer_delivers_the_latest_messages() {
    let (mut s, now) = started(10, 0, 1);
    s.add_channel(60, 10);
    // Nothing new: no fetch.
    let nothing = types::UpdateChannelTooLong {
        channel_id: 60,
        pts: Some(10),
    };
    s.handle_updates(now, short(nothing.into()));
    assert!(s.poll_fetch().is_none());
    let more = types::UpdateChannelTooLong {
        channel_id: 60,
        pts: None,
    };
    s.handle_updates(now, short(more.into()));
    let fetch = s.poll_fetch().unwrap();
    let message = |id: i32| -> enums::Message {
        types::MessageEmpty {
            id,
            peer_id: Some(types::PeerChannel { channel_id: 60 }.into()),
        }
        .into()
    };
    let dialog = types::Dialog {
        pinned: false,
        unread_mark: false,
        view_forum_as_messages: false,
        peer: types::PeerChannel { channel_id: 60 }.into(),
        top_message: 90,
        read_inbox_max_id: 0,
        read_outbox_max_id: 0,
        unread_count: 0,
        unread_mentions_count: 0,
        unread_reactions_count: 0,
        unread_poll_votes_count: 0,
        notify_settings: types::PeerNotifySettings {
            show_previews: None,
            silent: None,
            mute_until: None,
            ios_sound: None,
            android_sound: None,
            other_sound: None,
            stories_muted: None,
            stories_hide_sender: None,
            stories_ios_sound: None,
            stories_android_sound: None,
            stories_other_sound: None,
        }
        .into(),
        pts: Some(400),
        draft: None,
        folder_id: None,
        ttl_period: None,
    };
    let too_long = types::updates::ChannelDifferenceTooLong {
        r#final: true,
        timeout: None,
        dialog: dialog.into(),
        messages: vec![message(90), message(88), message(89)],
        chats: vec![],
        users: vec![],
    };
    s.handle_fetched(
        now,
        fetch.id,
        Ok(Fetched::ChannelDifference(
            enums::updates::ChannelDifference::TooLong(Box::new(too_long)),
        )),
    );
    let batch = s.poll_batch().expect("the too-long answer's messages");
    let changes = batch.state.clone();
    assert_eq!(delivered_of(vec![batch]), vec![88, 89, 90]);
    assert_eq!(s.channel_pts(60), Some(400));
    assert!(
        changes.contains(&StateChange::Channel(60, 400)),
        "{changes:?}"
    );
}

#[test]
fn updates_during_a_difference_are_held_up_to_the_bound() {
    let config = SequencerConfig {
        max_pending: 3,
        ..SequencerConfig::default()
    };
    let (mut s, now) = started_with(config, 10, 0, 1);
    s.handle_missed(now);
    let fetch = s.poll_fetch().unwrap();
    for pts in 11..=12 {
        s.handle_updates(now, short(delete(pts, 1)));
    }
    assert_eq!(s.account.common.len(), 2);
    for pts in 13..=15 {
        s.handle_updates(now, short(delete(pts, 1)));
    }
    // Beyond the bound the held updates went; the difference answers for them.
    assert!(s.account.common.len() <= 3);
    let empty = types::updates::DifferenceEmpty { date: 2, seq: 1 };
    s.handle_fetched(now, fetch.id, Ok(Fetched::Difference(empty.into())));
    let out = delivered(&mut s);
    // Whatever was kept applies in order; nothing is delivered twice or out of order.
    assert!(out.windows(2).all(|w| w[0] < w[1]), "{out:?}");
    assert!(out.len() < 5, "{out:?}");
}

#[test]
fn an_inaccessible_channel_is_forgotten_and_other_failures_retry() {
    let (mut s, now) = started(10, 0, 1);
    s.add_channel(70, 1);
    s.add_channel(71, 1);
    while s.poll_state().is_some() {}
    for channel in [70, 71] {
        let too_long = types::UpdateChannelTooLong {
            channel_id: channel,
            pts: None,
        };
        s.handle_updates(now, short(too_long.into()));
    }
    let first = s.poll_fetch().unwrap();
    let second = s.poll_fetch().unwrap();
    let private = FetchFailed::Rpc {
        code: 400,
        name: "CHANNEL_PRIVATE".into(),
    };
    s.handle_fetched(now, first.id, Err(private));
    assert_eq!(s.channel_pts(70), None);
    assert_eq!(s.poll_state(), Some(StateChange::ChannelRemoved(70)));
    s.handle_fetched(now, second.id, Err(FetchFailed::Transport("reset".into())));
    assert!(s.poll_fetch().is_none());
    let retry = s.poll_timeout().unwrap();
    assert_eq!(retry, now + Duration::from_secs(1));
    s.handle_timeout(retry);
    let again = s.poll_fetch().unwrap();
    assert!(matches!(
        again.request,
        FetchRequest::GetChannelDifference { channel: 71, .. }
    ));
    // A flood wait longer than our own delay is honoured.
    s.handle_fetched(
        retry,
        again.id,
        Err(FetchFailed::Rpc {
            code: 420,
            name: "FLOOD_WAIT_30".into(),
        }),
    );
    assert_eq!(s.poll_timeout(), Some(retry + Duration::from_secs(30)));
}

#[test]
fn an_unanswered_fetch_is_given_up_and_its_late_answer_ignored() {
    let (mut s, now) = started(10, 0, 1);
    s.handle_missed(now);
    let lost = s.poll_fetch().unwrap();
    let timeout = now + Duration::from_secs(60);
    assert_eq!(s.poll_timeout(), Some(timeout));
    s.handle_timeout(timeout);
    s.handle_timeout(timeout + Duration::from_secs(1));
    let retry = s.poll_fetch().unwrap();
    assert_ne!(retry.id, lost.id);
    let stale = types::updates::DifferenceTooLong { pts: 999 };
    s.handle_fetched(timeout, lost.id, Ok(Fetched::Difference(stale.into())));
    assert_eq!(s.state().unwrap().pts, 10);
}

#[test]
fn state_is_offered_only_once_the_batches_are_taken() {
    let (mut s, now) = started(10, 0, 1);
    assert!(matches!(s.poll_state(), Some(StateChange::Account(_))));
    s.handle_updates(now, short(delete(11, 1)));
    s.handle_updates(now, short(delete(12, 1)));
    assert_eq!(s.poll_state(), None, "the batches carry their state");
    let first = s.poll_batch().unwrap();
    assert!(
        matches!(
            first.state.as_slice(),
            [StateChange::Account(UpdateState { pts: 11, .. })]
        ),
        "the first batch's state covers it and not the second: {:?}",
        first.state
    );
    let second = s.poll_batch().unwrap();
    assert!(matches!(
        second.state.as_slice(),
        [StateChange::Account(UpdateState { pts: 12, .. })]
    ));
    assert_eq!(s.poll_state(), None, "nothing moved without a batch");
}

#[test]
fn saved_state_is_caught_up_unless_told_otherwise() {
    let now = Instant::now();
    let saved = SavedState {
        account: UpdateState {
            pts: 5,
            qts: 6,
            date: 7,
            seq: 8,
        },
        channels: vec![(40, 3)],
    };
    let mut s = Sequencer::new(SequencerConfig::default(), Some(saved.clone()), now);
    assert_eq!(
        s.poll_fetch().unwrap().request,
        FetchRequest::GetDifference {
            pts: 5,
            qts: 6,
            date: 7
        }
    );
    assert_eq!(s.channel_pts(40), Some(3));
    let fresh = SequencerConfig {
        catch_up: false,
        ..SequencerConfig::default()
    };
    let mut s = Sequencer::new(fresh, Some(saved), now);
    assert_eq!(s.poll_fetch().unwrap().request, FetchRequest::GetState);
    assert_eq!(s.channel_pts(40), None);
}

#[test]
fn quiet_for_too_long_fetches_the_difference() {
    let (mut s, now) = started(10, 0, 1);
    let idle = s.poll_timeout().unwrap();
    assert_eq!(idle, now + Duration::from_secs(15 * 60));
    s.handle_timeout(idle);
    assert!(matches!(
        s.poll_fetch().unwrap().request,
        FetchRequest::GetDifference { .. }
    ));
}

#[test]
fn batches_not_taken_stop_intake_and_are_refetched() {
    let config = SequencerConfig {
        max_ready: 2,
        ..SequencerConfig::default()
    };
    let (mut s, now) = started_with(config, 10, 0, 1);
    for pts in 11..=13 {
        s.handle_updates(now, short(delete(pts, 1)));
    }
    // Two batches wait; the third push was dropped and no fetch is handed out yet.
    assert!(s.poll_fetch().is_none());
    assert_eq!(delivered(&mut s), vec![11, 12]);
    let fetch = s.poll_fetch().unwrap();
    assert!(matches!(
        fetch.request,
        FetchRequest::GetDifference { pts: 12, .. }
    ));
}

#[test]
fn an_unknown_channel_is_followed_from_its_first_update() {
    let (mut s, now) = started(10, 0, 1);
    s.handle_updates(now, short(channel_message(80, 1, 31)));
    assert_eq!(delivered(&mut s), vec![1]);
    assert_eq!(s.channel_pts(80), Some(31));
    s.handle_updates(now, short(channel_message(80, 2, 31)));
    assert!(delivered(&mut s).is_empty());
}

#[test]
fn the_channel_bound_holds() {
    let config = SequencerConfig {
        max_channels: 10,
        ..SequencerConfig::default()
    };
    let (mut s, now) = started_with(config, 10, 0, 1);
    for channel in 0..100 {
        s.handle_updates(now, short(channel_message(channel, 1, 5)));
    }
    assert_eq!(delivered(&mut s).len(), 100);
    assert!(s.channels.len() <= 10);
}

proptest! {
    /// Any arrival order of a contiguous run of updates, with duplicates, comes out whole
    /// and in order, without a fetch.
    #[test]
    fn any_order_with_duplicates_comes_out_in_order(
        order in Just((11..=60).collect::<Vec<i32>>()).prop_shuffle(),
        dups in proptest::collection::vec(11..=60i32, 0..20),
    ) {
        let (mut s, now) = started(10, 0, 1);
        for pts in order.iter().chain(&dups) {
            s.handle_updates(now, short(delete(*pts, 1)));
        }
        prop_assert_eq!(delivered(&mut s), (11..=60).collect::<Vec<_>>());
        prop_assert!(s.poll_fetch().is_none());
    }

    /// The same for a channel, in containers of mixed sizes.
    #[test]
    fn channel_updates_in_any_order_come_out_in_order(
        order in Just((1..=40).collect::<Vec<i32>>()).prop_shuffle(),
        split in 1usize..5,
    ) {
        let (mut s, now) = started(10, 0, 1);
        s.add_channel(5, 0);
        for chunk in order.chunks(split) {
            let updates = chunk.iter().map(|&p| channel_message(5, p, p)).collect();
            s.handle_updates(now, container(updates, 0));
        }
        prop_assert_eq!(delivered(&mut s), (1..=40).collect::<Vec<_>>());
    }
}

/// Arbitrary numbers in every counter, from pushes and answers alike.
#[derive(Debug, Clone)]
enum Op {
    Push(u8, i32, i32, i32, i64),
    Answer(u8, i32, i32, i32),
    Fail(i32),
    Timeout(u32),
    Missed,
}

fn op() -> impl Strategy<Value = Op> {
    let num = prop_oneof![
        any::<i32>(),
        Just(i32::MAX),
        Just(i32::MIN),
        Just(0),
        -3..30i32
    ];
    prop_oneof![
        (any::<u8>(), num.clone(), num.clone(), num.clone(), 0..4i64)
            .prop_map(|(k, a, b, c, ch)| Op::Push(k, a, b, c, ch)),
        (any::<u8>(), num.clone(), num.clone(), num.clone())
            .prop_map(|(k, a, b, c)| Op::Answer(k, a, b, c)),
        num.prop_map(Op::Fail),
        (0..2_000_000u32).prop_map(Op::Timeout),
        Just(Op::Missed),
    ]
}

fn push(kind: u8, a: i32, b: i32, c: i32, channel: i64) -> enums::Updates {
    let update = match kind % 6 {
        0 => delete(a, b),
        1 => stopped(a),
        2 => types::UpdateDeleteChannelMessages {
            channel_id: channel,
            messages: vec![],
            pts: a,
            pts_count: b,
        }
        .into(),
        3 => types::UpdateChannelTooLong {
            channel_id: channel,
            pts: Some(a),
        }
        .into(),
        4 => channel_message(channel, a, b),
        _ => types::UpdateReadChannelInbox {
            folder_id: None,
            channel_id: channel,
            max_id: a,
            still_unread_count: b,
            pts: c,
        }
        .into(),
    };
    match kind / 6 % 6 {
        0 => short(update),
        1 => container(vec![update.clone(), update], c),
        2 => enums::Updates::Combined(types::UpdatesCombined {
            updates: vec![update],
            users: vec![],
            chats: vec![],
            date: a,
            seq_start: b,
            seq: c,
        }),
        3 => enums::Updates::TooLong,
        4 => enums::Updates::UpdateShortSentMessage(Box::new(types::UpdateShortSentMessage {
            out: true,
            id: a,
            pts: b,
            pts_count: c,
            date: 0,
            media: None,
            entities: None,
            ttl_period: None,
        })),
        _ => enums::Updates::UpdateShortChatMessage(Box::new(types::UpdateShortChatMessage {
            out: false,
            mentioned: false,
            media_unread: false,
            silent: false,
            id: a,
            from_id: 1,
            chat_id: 2,
            message: String::new(),
            pts: b,
            pts_count: c,
            date: 0,
            fwd_from: None,
            via_bot_id: None,
            reply_to: None,
            entities: None,
            ttl_period: None,
        })),
    }
}

fn answer(kind: u8, a: i32, b: i32, c: i32) -> Fetched {
    match kind % 7 {
        0 => Fetched::State(types::updates::State {
            pts: a,
            qts: b,
            date: c,
            seq: a,
            unread_count: 0,
        }),
        1 => Fetched::Difference(types::updates::DifferenceTooLong { pts: a }.into()),
        2 => Fetched::Difference(enums::updates::Difference::Slice(Box::new(
            types::updates::DifferenceSlice {
                new_messages: vec![],
                new_encrypted_messages: vec![],
                other_updates: vec![delete(a, b), channel_message(1, a, c)],
                chats: vec![],
                users: vec![],
                intermediate_state: state_of(a, b, c, a),
            },
        ))),
        3 => Fetched::Difference(types::updates::DifferenceEmpty { date: a, seq: b }.into()),
        4 => Fetched::ChannelDifference(
            types::updates::ChannelDifferenceEmpty {
                r#final: kind.is_multiple_of(2),
                pts: a,
                timeout: Some(b),
            }
            .into(),
        ),
        5 => Fetched::ChannelDifference(
            types::updates::ChannelDifference {
                r#final: kind.is_multiple_of(2),
                pts: a,
                timeout: None,
                new_messages: vec![],
                other_updates: vec![delete(b, c), channel_message(2, b, c)],
                chats: vec![],
                users: vec![],
            }
            .into(),
        ),
        _ => Fetched::Difference(enums::updates::Difference::Difference(Box::new(
            types::updates::Difference {
                new_messages: vec![],
                new_encrypted_messages: vec![],
                other_updates: vec![
                    types::UpdateChannelTooLong {
                        channel_id: 3,
                        pts: Some(c),
                    }
                    .into(),
                ],
                chats: vec![],
                users: vec![],
                state: state_of(a, b, c, b),
            },
        ))),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever the server sends, in whatever order, the sequencer neither panics nor
    /// hangs, and its queues stay within their bounds.
    #[test]
    fn hostile_input_never_panics(ops in proptest::collection::vec(op(), 0..80), catch_up in any::<bool>()) {
        let config = SequencerConfig {
            max_pending: 8,
            max_channels: 3,
            max_ready: 16,
            catch_up,
            ..SequencerConfig::default()
        };
        let base = Instant::now();
        let mut now = base;
        let saved = SavedState { account: UpdateState::default(), channels: vec![(1, i32::MAX), (2, i32::MIN)] };
        let mut s = Sequencer::new(config, Some(saved), now);
        let mut pending = Vec::new();
        for op in ops {
            match op {
                Op::Push(k, a, b, c, ch) => s.handle_updates(now, push(k, a, b, c, ch)),
                Op::Answer(k, a, b, c) => {
                    if let Some(id) = pending.pop() {
                        s.handle_fetched(now, id, Ok(answer(k, a, b, c)));
                    }
                }
                Op::Fail(code) => {
                    if let Some(id) = pending.pop() {
                        let name = format!("FLOOD_WAIT_{}", code.unsigned_abs());
                        s.handle_fetched(now, id, Err(FetchFailed::Rpc { code, name }));
                    }
                }
                Op::Timeout(ms) => {
                    now += Duration::from_millis(u64::from(ms));
                    s.handle_timeout(now);
                }
                Op::Missed => s.handle_missed(now),
            }
            // Every poll ends.
            for _ in 0..1_000 {
                match s.poll_fetch() {
                    Some(fetch) => pending.push(fetch.id),
                    None => break,
                }
            }
            prop_assert!(s.poll_fetch().is_none() || pending.len() >= 1_000);
            if now.duration_since(base).as_millis().is_multiple_of(3) {
                while s.poll_batch().is_some() {}
                while s.poll_state().is_some() {}
            }
            prop_assert!(s.ready_len() <= 16 + 1);
            prop_assert!(s.account.common.len() <= 8 && s.account.qts.len() <= 8);
            prop_assert!(s.channels.len() <= 3);
            let _next = s.poll_timeout();
        }
    }
}
