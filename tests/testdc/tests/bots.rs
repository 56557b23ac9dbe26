//! Keyboards, callback queries and inline queries, through real client connections: a
//! user's request waits for the bot's answer (or its timeout).

mod common;

use common::{Client, user_ref};
use oxigram_proto::session::RpcError;
use oxigram_proto::transport::Kind;
use oxigram_testdc::send_message_request as send_message;
use std::time::Duration;

use oxigram_testdc::{TestDc, TestDcConfig};
use oxigram_tl::{enums, functions, types};

const BOT_TOKEN: &str = "7000001:test-token";
const PHONE: &str = "9996621234";

/// A DC, the bot signed in (and its id), and Alice signed in.
async fn start() -> (TestDc, Client, i64, Client) {
    let dc = TestDc::start(TestDcConfig {
        seed: 11,
        ..TestDcConfig::default()
    })
    .await
    .unwrap();
    dc.create_bot(BOT_TOKEN, "echo_bot");
    dc.create_user(PHONE, "Alice");
    let address = dc.address(2).unwrap();
    let key = dc.public_key();
    let mut bot = Client::connect(address, 2, key, Kind::Intermediate, false, None, 1).await;
    let bot_id = bot.sign_in_bot(BOT_TOKEN).await;
    let mut alice = Client::connect(address, 2, key, Kind::Abridged, true, None, 2).await;
    alice.sign_in_user(PHONE).await.unwrap();
    (dc, bot, bot_id, alice)
}

/// The bot as Alice resolves it by username: the TL user and its input peer.
async fn resolve_bot(alice: &mut Client) -> (enums::User, enums::InputPeer) {
    let enums::contacts::ResolvedPeer::ResolvedPeer(resolved) = alice
        .invoke(&functions::contacts::ResolveUsername {
            username: "echo_bot".into(),
            referer: None,
        })
        .await
        .unwrap();
    let (user_id, access_hash) = user_ref(&resolved.users[0]);
    let peer = enums::InputPeer::User(types::InputPeerUser {
        user_id,
        access_hash,
    });
    (resolved.users[0].clone(), peer)
}

/// Alice writes to the bot; returns Alice's peer as the bot knows it (from the update).
async fn say_hi(
    alice: &mut Client,
    bot: &mut Client,
    to_bot: &enums::InputPeer,
) -> enums::InputPeer {
    alice
        .invoke(&send_message(to_bot.clone(), "hi", 1))
        .await
        .unwrap();
    let (_, users, _) = bot.next_updates().await;
    let alice_user = users
        .iter()
        .find(|u| !matches!(u, enums::User::User(u) if u.is_self))
        .unwrap();
    let (user_id, access_hash) = user_ref(alice_user);
    enums::InputPeer::User(types::InputPeerUser {
        user_id,
        access_hash,
    })
}

fn callback_keyboard(data: &[u8]) -> enums::ReplyMarkup {
    let button = |text: &str, data: &[u8]| {
        enums::KeyboardInlineButton::KeyboardInlineButton(Box::new(types::KeyboardInlineButton {
            style: None,
            text: text.into(),
            r#type: enums::InlineButtonType::Callback(types::InlineButtonTypeCallback {
                requires_password: false,
                data: data.to_vec().into(),
            }),
        }))
    };
    enums::ReplyMarkup::ReplyInlineMarkup(types::ReplyInlineMarkup {
        force_reply: false,
        rows: vec![enums::KeyboardInlineButtonRow::KeyboardInlineButtonRow(
            types::KeyboardInlineButtonRow {
                buttons: vec![button("Yes", data), button("Link", b"other")],
            },
        )],
    })
}

fn message_of(update: &enums::Update) -> &types::Message {
    let message = match update {
        enums::Update::NewMessage(u) => &u.message,
        enums::Update::EditMessage(u) => &u.message,
        other => panic!("not a message update: {other:?}"),
    };
    match message {
        enums::Message::Message(m) => m,
        other => panic!("not a message: {other:?}"),
    }
}

fn callback(
    peer: &enums::InputPeer,
    msg_id: i32,
    data: &[u8],
) -> functions::messages::GetBotCallbackAnswer {
    functions::messages::GetBotCallbackAnswer {
        game: false,
        peer: peer.clone(),
        msg_id,
        data: Some(data.to_vec().into()),
        password: None,
    }
}

fn answer(query_id: i64, text: &str) -> functions::messages::SetBotCallbackAnswer {
    functions::messages::SetBotCallbackAnswer {
        alert: true,
        query_id,
        message: Some(text.into()),
        url: None,
        cache_time: 5,
    }
}

#[tokio::test]
async fn keyboards_are_kept_and_callback_queries_wait_for_the_bot() {
    let (dc, mut bot, bot_id, mut alice) = start().await;
    let (_, to_bot) = resolve_bot(&mut alice).await;
    let to_alice = say_hi(&mut alice, &mut bot, &to_bot).await;

    // The bot's inline keyboard reaches Alice as sent.
    let keyboard = callback_keyboard(b"yes");
    let mut with_keyboard = send_message(to_alice.clone(), "Agree?", 2);
    with_keyboard.reply_markup = Some(keyboard.clone());
    bot.invoke(&with_keyboard).await.unwrap();
    let shown = alice.next_one().await;
    let shown = message_of(&shown).clone();
    assert_eq!(shown.reply_markup, Some(keyboard));

    // A user's keyboard is ignored, as Telegram does.
    let mut from_user = send_message(to_bot.clone(), "my buttons", 3);
    from_user.reply_markup = Some(callback_keyboard(b"mine"));
    alice.invoke(&from_user).await.unwrap();
    let got = bot.next_one().await;
    assert_eq!(message_of(&got).reply_markup, None);

    // Wrong data, a wrong message.
    let wrong = alice.invoke(&callback(&to_bot, shown.id, b"nope")).await;
    assert_eq!(wrong.unwrap_err(), RpcError::new(400, "DATA_INVALID"));
    let missing = alice.invoke(&callback(&to_bot, 999, b"yes")).await;
    assert_eq!(
        missing.unwrap_err(),
        RpcError::new(400, "MESSAGE_ID_INVALID")
    );

    // Pressed: the bot hears of it, and Alice's request waits for its answer.
    let pressed = alice.start(&callback(&to_bot, shown.id, b"yes")).await;
    let enums::Update::BotCallbackQuery(query) = bot.next_one().await else {
        panic!("not a callback query");
    };
    let alice_id = match &to_alice {
        enums::InputPeer::User(u) => u.user_id,
        _ => unreachable!(),
    };
    assert_eq!(query.user_id, alice_id);
    assert_eq!(
        query.peer,
        enums::Peer::User(types::PeerUser { user_id: alice_id })
    );
    assert_eq!(query.data.as_deref(), Some(&b"yes"[..]));
    // The bot's copy of the message, which in its box has another id than Alice's.
    let bot_copy = dc
        .received(alice_id)
        .iter()
        .find(|m| m.text == "Agree?")
        .and_then(|m| m.copies.first().copied());
    assert_eq!(bot_copy, Some((bot_id, query.msg_id)));
    assert!(bot.invoke(&answer(query.query_id, "Done")).await.unwrap());
    let enums::messages::BotCallbackAnswer::BotCallbackAnswer(got) = alice
        .answer::<functions::messages::GetBotCallbackAnswer>(pressed)
        .await
        .unwrap();
    assert_eq!(
        (got.alert, got.message.as_deref(), got.cache_time),
        (true, Some("Done"), 5)
    );
    let again = bot.invoke(&answer(query.query_id, "twice")).await;
    assert_eq!(again.unwrap_err(), RpcError::new(400, "QUERY_ID_INVALID"));

    // The same chat gives the same chat_instance.
    let pressed = alice.start(&callback(&to_bot, shown.id, b"yes")).await;
    let enums::Update::BotCallbackQuery(second) = bot.next_one().await else {
        panic!("not a callback query");
    };
    assert_eq!(second.chat_instance, query.chat_instance);
    assert_ne!(second.query_id, query.query_id);
    // Before the deadline (10 s by default) the query still waits for the bot.
    dc.expire_queries_after(Duration::from_secs(9));
    assert!(
        bot.invoke(&answer(second.query_id, "in time"))
            .await
            .unwrap()
    );
    let enums::messages::BotCallbackAnswer::BotCallbackAnswer(got) = alice
        .answer::<functions::messages::GetBotCallbackAnswer>(pressed)
        .await
        .unwrap();
    assert_eq!(got.message.as_deref(), Some("in time"));
    // The bot does not answer: once the server's clock passes the deadline, Alice gets
    // BOT_RESPONSE_TIMEOUT and the bot's late answer is refused.
    let pressed = alice.start(&callback(&to_bot, shown.id, b"yes")).await;
    let enums::Update::BotCallbackQuery(third) = bot.next_one().await else {
        panic!("not a callback query");
    };
    dc.expire_queries_after(Duration::from_secs(11));
    let late = alice
        .answer::<functions::messages::GetBotCallbackAnswer>(pressed)
        .await;
    assert_eq!(
        late.unwrap_err(),
        RpcError::new(400, "BOT_RESPONSE_TIMEOUT")
    );
    let refused = bot.invoke(&answer(third.query_id, "late")).await;
    assert_eq!(refused.unwrap_err(), RpcError::new(400, "QUERY_ID_INVALID"));

    // The bot edits the text and takes the keyboard away (an edit without one).
    let edited = bot
        .invoke(&functions::messages::EditMessage {
            no_webpage: false,
            invert_media: false,
            peer: to_alice.clone(),
            id: query.msg_id,
            message: Some("Agreed".into()),
            media: None,
            reply_markup: None,
            entities: None,
            schedule_date: None,
            schedule_repeat_period: None,
            quick_reply_shortcut_id: None,
            rich_message: None,
        })
        .await;
    let edited = edited.unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(edited, enums::Updates::Updates(_)));
    let update = alice.next_one().await;
    let enums::Update::EditMessage(edit) = &update else {
        panic!("not an edit: {update:?}");
    };
    let m = message_of(&update);
    assert_eq!(
        (m.id, m.message.as_str(), &m.reply_markup),
        (shown.id, "Agreed", &None)
    );
    assert_eq!(edit.pts, dc_pts_of_alice(&mut alice).await);
    let pressed_gone = alice.invoke(&callback(&to_bot, shown.id, b"yes")).await;
    assert_eq!(
        pressed_gone.unwrap_err(),
        RpcError::new(400, "DATA_INVALID")
    );
}

/// Alice's pts now, by `updates.getState`.
async fn dc_pts_of_alice(alice: &mut Client) -> i32 {
    let enums::updates::State::State(state) = alice
        .invoke(&functions::updates::GetState {})
        .await
        .unwrap();
    state.pts
}

fn article(id: &str, text: &str) -> enums::InputBotInlineResult {
    enums::InputBotInlineResult::InputBotInlineResult(Box::new(types::InputBotInlineResult {
        id: id.into(),
        r#type: "article".into(),
        title: Some(format!("Result {id}")),
        description: None,
        url: None,
        thumb: None,
        content: None,
        send_message: enums::InputBotInlineMessage::Text(Box::new(
            types::InputBotInlineMessageText {
                no_webpage: false,
                invert_media: false,
                message: text.into(),
                entities: None,
                reply_markup: Some(callback_keyboard(b"inline")),
            },
        )),
    }))
}

fn inline_query(
    bot: &enums::User,
    peer: enums::InputPeer,
    query: &str,
) -> functions::messages::GetInlineBotResults {
    let (user_id, access_hash) = user_ref(bot);
    functions::messages::GetInlineBotResults {
        bot: enums::InputUser::InputUser(types::InputUser {
            user_id,
            access_hash,
        }),
        peer,
        geo_point: None,
        query: query.into(),
        offset: String::new(),
    }
}

#[tokio::test]
async fn inline_queries_are_answered_by_the_bot_and_chosen_results_sent() {
    let (dc, mut bot, bot_id, mut alice) = start().await;
    let (bot_user, to_bot) = resolve_bot(&mut alice).await;
    let disabled = alice
        .invoke(&inline_query(&bot_user, to_bot.clone(), "cats"))
        .await;
    assert_eq!(
        disabled.unwrap_err(),
        RpcError::new(400, "BOT_INLINE_DISABLED")
    );

    assert!(dc.set_bot_inline(bot_id, Some("Search cats…")));
    let (bot_user, to_bot) = resolve_bot(&mut alice).await;
    let enums::User::User(shown) = &bot_user else {
        panic!("empty user");
    };
    assert_eq!(
        shown.bot_inline_placeholder.as_deref(),
        Some("Search cats…")
    );

    let asked = alice
        .start(&inline_query(&bot_user, to_bot.clone(), "cats"))
        .await;
    let enums::Update::BotInlineQuery(query) = bot.next_one().await else {
        panic!("not an inline query");
    };
    assert_eq!(query.query, "cats");
    assert_eq!(query.peer_type, Some(enums::InlineQueryPeerType::SameBotPM));
    let set = |results, query_id| functions::messages::SetInlineBotResults {
        gallery: false,
        private: false,
        query_id,
        results,
        cache_time: 0,
        next_offset: Some("10".into()),
        switch_pm: None,
        switch_webview: None,
    };
    let duplicate = bot
        .invoke(&set(
            vec![article("1", "a"), article("1", "b")],
            query.query_id,
        ))
        .await;
    assert_eq!(
        duplicate.unwrap_err(),
        RpcError::new(400, "RESULT_ID_DUPLICATE")
    );
    let results = vec![article("1", "a cat"), article("2", "two cats")];
    assert!(bot.invoke(&set(results, query.query_id)).await.unwrap());
    let enums::messages::BotResults::BotResults(got) = alice
        .answer::<functions::messages::GetInlineBotResults>(asked)
        .await
        .unwrap();
    assert_eq!(got.query_id, query.query_id);
    assert_eq!(got.next_offset.as_deref(), Some("10"));
    let ids: Vec<&str> = got
        .results
        .iter()
        .map(|r| match r {
            enums::BotInlineResult::BotInlineResult(r) => r.id.as_str(),
            _ => "media",
        })
        .collect();
    assert_eq!(ids, ["1", "2"]);

    // Alice sends result 2 to her saved messages: it goes out via the bot, with the
    // result's keyboard, and the bot hears which result was chosen.
    let send = |id: &str, query_id| functions::messages::SendInlineBotResult {
        silent: false,
        background: false,
        clear_draft: false,
        hide_via: false,
        peer: enums::InputPeer::InputPeerSelf,
        reply_to: None,
        random_id: 77,
        query_id,
        id: id.into(),
        schedule_date: None,
        send_as: None,
        quick_reply_shortcut: None,
        allow_paid_stars: None,
    };
    let unknown = alice.invoke(&send("9", query.query_id)).await;
    assert_eq!(
        unknown.unwrap_err(),
        RpcError::new(400, "RESULT_ID_INVALID")
    );
    let wrong_query = alice.invoke(&send("2", query.query_id ^ 1)).await;
    assert_eq!(
        wrong_query.unwrap_err(),
        RpcError::new(400, "QUERY_ID_INVALID")
    );
    let enums::Updates::Updates(sent) = alice.invoke(&send("2", query.query_id)).await.unwrap()
    else {
        panic!("another Updates");
    };
    let m = message_of(&sent.updates[1]);
    assert_eq!(
        (m.message.as_str(), m.via_bot_id),
        ("two cats", Some(bot_id))
    );
    assert_eq!(m.reply_markup, Some(callback_keyboard(b"inline")));
    let enums::Update::BotInlineSend(chosen) = bot.next_one().await else {
        panic!("not a chosen result");
    };
    assert_eq!((chosen.id.as_str(), chosen.query.as_str()), ("2", "cats"));

    // Answers to queries nobody asked are refused.
    let stray = bot.invoke(&set(vec![], 12345)).await;
    assert_eq!(stray.unwrap_err(), RpcError::new(400, "QUERY_ID_INVALID"));
}

/// A photo result by URL, shown by a thumbnail, sending `caption` (with `entities`).
fn photo_by_url(
    id: &str,
    url: &str,
    mime_type: &str,
    caption: &str,
    entities: Option<Vec<enums::MessageEntity>>,
) -> enums::InputBotInlineResult {
    let web = |url: &str, mime_type: &str, attributes| {
        enums::InputWebDocument::InputWebDocument(types::InputWebDocument {
            url: url.into(),
            size: 0,
            mime_type: mime_type.into(),
            attributes,
        })
    };
    let size =
        enums::DocumentAttribute::ImageSize(types::DocumentAttributeImageSize { w: 64, h: 48 });
    enums::InputBotInlineResult::InputBotInlineResult(Box::new(types::InputBotInlineResult {
        id: id.into(),
        r#type: "photo".into(),
        title: None,
        description: None,
        url: None,
        thumb: Some(web("https://example.com/t.jpg", "image/jpeg", vec![])),
        content: Some(web(url, mime_type, vec![size])),
        send_message: enums::InputBotInlineMessage::MediaAuto(Box::new(
            types::InputBotInlineMessageMediaAuto {
                invert_media: false,
                message: caption.into(),
                entities,
                reply_markup: None,
            },
        )),
    }))
}

#[tokio::test]
async fn inline_results_by_url_are_shown_as_web_documents_and_not_fetched() {
    let (dc, mut bot, bot_id, mut alice) = start().await;
    assert!(dc.set_bot_inline(bot_id, Some("Search…")));
    let (bot_user, to_bot) = resolve_bot(&mut alice).await;
    let asked = alice
        .start(&inline_query(&bot_user, to_bot.clone(), "pics"))
        .await;
    let enums::Update::BotInlineQuery(query) = bot.next_one().await else {
        panic!("not an inline query");
    };
    let set = |results| functions::messages::SetInlineBotResults {
        gallery: true,
        private: false,
        query_id: query.query_id,
        results,
        cache_time: 0,
        next_offset: None,
        switch_pm: None,
        switch_webview: None,
    };
    let bold =
        |offset, length| enums::MessageEntity::Bold(types::MessageEntityBold { offset, length });
    // Refused answers leave the query open.
    for (result, refused) in [
        (
            photo_by_url("p", "file:///etc/passwd", "image/jpeg", "", None),
            "WEBDOCUMENT_URL_INVALID",
        ),
        (
            photo_by_url("p", "https:///p.jpg", "image/jpeg", "", None),
            "WEBDOCUMENT_URL_INVALID",
        ),
        (
            photo_by_url("p", "https://example.com/p.jpg", "jpeg", "", None),
            "WEBDOCUMENT_MIME_INVALID",
        ),
        (
            photo_by_url(
                "p",
                "https://example.com/p.jpg",
                "image/jpeg",
                "ab",
                Some(vec![bold(1, 5)]),
            ),
            "ENTITY_BOUNDS_INVALID",
        ),
    ] {
        let answer = bot.invoke(&set(vec![result])).await;
        assert_eq!(answer.unwrap_err(), RpcError::new(400, refused));
    }
    let mut article = article("a", "so bold");
    if let enums::InputBotInlineResult::InputBotInlineResult(a) = &mut article
        && let enums::InputBotInlineMessage::Text(t) = &mut a.send_message
    {
        t.entities = Some(vec![bold(3, 4)]);
    }
    let photo = photo_by_url(
        "p",
        "https://example.com/p.jpg",
        "image/jpeg",
        "a cat",
        Some(vec![bold(2, 3)]),
    );
    assert!(bot.invoke(&set(vec![photo, article])).await.unwrap());
    let enums::messages::BotResults::BotResults(got) = alice
        .answer::<functions::messages::GetInlineBotResults>(asked)
        .await
        .unwrap();
    let enums::BotInlineResult::BotInlineResult(shown) = &got.results[0] else {
        panic!("{:?}", got.results[0]);
    };
    let Some(enums::WebDocument::NoProxy(content)) = &shown.content else {
        panic!("{:?}", shown.content);
    };
    assert_eq!(
        (content.url.as_str(), content.mime_type.as_str()),
        ("https://example.com/p.jpg", "image/jpeg")
    );
    assert_eq!(content.attributes.len(), 1);
    let Some(enums::WebDocument::NoProxy(thumb)) = &shown.thumb else {
        panic!("{:?}", shown.thumb);
    };
    assert_eq!(thumb.url, "https://example.com/t.jpg");

    let send = |id: &str, random_id| functions::messages::SendInlineBotResult {
        silent: false,
        background: false,
        clear_draft: false,
        hide_via: false,
        peer: enums::InputPeer::InputPeerSelf,
        reply_to: None,
        random_id,
        query_id: query.query_id,
        id: id.into(),
        schedule_date: None,
        send_as: None,
        quick_reply_shortcut: None,
        allow_paid_stars: None,
    };
    // Telegram would fetch the photo now; the test DC has no network.
    let fetched = alice.invoke(&send("p", 1)).await;
    assert_eq!(
        fetched.unwrap_err(),
        RpcError::new(400, "WEBPAGE_CURL_FAILED")
    );
    let enums::Updates::Updates(sent) = alice.invoke(&send("a", 2)).await.unwrap() else {
        panic!("another Updates");
    };
    let m = message_of(&sent.updates[1]);
    assert_eq!(
        (m.message.as_str(), m.entities.as_deref()),
        ("so bold", Some(&[bold(3, 4)][..]))
    );
}
