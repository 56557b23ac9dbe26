//! The everyday methods end to end against the test DC, on tokio: a user and a bot
//! talk, and every builder's answer is checked against what the other side received.

use std::collections::VecDeque;
use std::time::Duration;

use oxigram::client::SignIn;
use oxigram::tl::{Deserialize, enums, functions, types};
use oxigram::types::{InlineButton, InlineKeyboard, InlineQueryResult};
use oxigram::{ChatAction, ChatKind, Client, ClientBuilder, Error, Message, Update};
use oxigram_conformance::{BOT_TOKEN, Env};

mod cdn;
mod chats;
mod file_ids;
mod file_refs;
mod index;
mod inline_urls;
mod media;
mod messages;
mod photos;
mod previews;
mod replies;
mod text;
mod users;

const USER_PHONE: &str = "9996621212"; // the suite's user: DC 2, code 22222

fn builder(env: &Env, name: &str) -> ClientBuilder {
    let mut builder = Client::builder(name)
        .api_id(4)
        .api_hash("hash")
        .in_memory()
        .test_mode(true)
        .server_key_pem(oxigram_testdc::pem::public_key_pem(env.dc.public_key()))
        .runtime(oxigram::tokio::Tokio);
    for &(id, address) in env.dc.addresses() {
        builder = builder.dc_address(id as i16, address);
    }
    builder
}

/// The suite's bot and user, each signed in on a client of its own.
async fn bot_and_user(env: &Env) -> (Client, Client) {
    let bot = builder(env, "bot")
        .bot_token(BOT_TOKEN)
        .build()
        .await
        .unwrap();
    let user = builder(env, "user").build().await.unwrap();
    let sent = user.send_code(USER_PHONE).await.unwrap();
    let SignIn::Done(_) = user.sign_in(&sent, "22222").await.unwrap() else {
        panic!("the suite's user has no password");
    };
    (bot, user)
}

/// The updates a client receives, high-level, one at a time (a push may carry several).
struct Inbox<'c> {
    client: &'c Client,
    pending: VecDeque<Update>,
}

impl<'c> Inbox<'c> {
    fn new(client: &'c Client) -> Self {
        Inbox {
            client,
            pending: VecDeque::new(),
        }
    }
}

/// The next high-level update (ten seconds at most: a missing update fails the test
/// rather than hanging it).
async fn next_update(inbox: &mut Inbox<'_>) -> Update {
    let client = inbox.client;
    let wait = async {
        while inbox.pending.is_empty() {
            let pushed = client
                .next_raw_update()
                .await
                .unwrap()
                .expect("connection open");
            let Ok(updates) = enums::Updates::from_bytes(&pushed.body) else {
                continue;
            };
            let (list, users, chats) = match &updates {
                enums::Updates::Updates(u) => (u.updates.clone(), u.users.clone(), u.chats.clone()),
                enums::Updates::UpdateShort(u) => (vec![u.update.clone()], vec![], vec![]),
                _ => continue,
            };
            inbox.pending.extend(
                list.iter()
                    .filter_map(|u| Update::from_raw(client, u, &users, &chats)),
            );
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .expect("an update within ten seconds");
    inbox.pending.pop_front().expect("waited for one")
}

async fn next_message(inbox: &mut Inbox<'_>) -> Message {
    match next_update(inbox).await {
        Update::Message(m) => m,
        other => panic!("expected a new message, got {other:?}"),
    }
}

fn run(scenario: impl Future<Output = ()> + Send) {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(scenario);
}

#[test]
fn a_sent_message_comes_back_high_level_and_the_other_side_replies() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        let sent = user
            .send_message("@conformance_bot", "hello bot")
            .await
            .unwrap();
        assert_eq!(sent.text(), "hello bot");
        assert_eq!(sent.chat().id(), env.bot);
        assert!(sent.outgoing());
        assert_eq!(sent.from_user().map(|u| u.id()), Some(env.user));

        let got = next_message(&mut bot_in).await;
        assert_eq!(got.text(), "hello bot");
        assert_eq!(got.from_user().map(|u| u.id()), Some(env.user));
        assert_eq!(
            got.from_user().map(|u| u.first_name().to_string()),
            Some("Sender".into())
        );
        assert!(!got.outgoing() && got.chat().is_private());

        let reply = got.reply("hello human").silent().await.unwrap();
        assert_eq!(
            (reply.text().as_str(), reply.chat().id()),
            ("hello human", env.user)
        );
        let seen = next_message(&mut user_in).await;
        assert_eq!(seen.text(), "hello human");
        assert_eq!(
            seen.from_user().map(|u| (u.id(), u.is_bot())),
            Some((env.bot, true))
        );
        assert_eq!(env.dc.received(env.bot).len(), 1);
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_message_is_edited_with_a_keyboard_then_deleted() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        user.send_message("@conformance_bot", "/start")
            .await
            .unwrap();
        let start = next_message(&mut bot_in).await;
        let menu = start.answer("pick one").await.unwrap();
        let shown = next_message(&mut user_in).await;
        assert_eq!(shown.text(), "pick one");

        let keyboard = InlineKeyboard::new().row([InlineButton::callback("Again", "again")]);
        let edited = menu
            .edit_text("picked")
            .reply_markup(keyboard)
            .await
            .unwrap();
        assert_eq!((edited.id(), edited.text().as_str()), (menu.id(), "picked"));
        assert!(edited.edit_date().is_some());
        let Update::EditedMessage(seen) = next_update(&mut user_in).await else {
            panic!("the user sees the edit");
        };
        assert_eq!((seen.id(), seen.text().as_str()), (shown.id(), "picked"));
        let buttons = seen
            .inline_keyboard()
            .expect("the keyboard came with the edit");
        assert_eq!(
            buttons.button(0, 0).and_then(InlineButton::data),
            Some(&b"again"[..])
        );

        // Editing someone else's message fails with the server's error.
        let refused = bot
            .edit_message_text(env.user, start.id(), "no")
            .await
            .unwrap_err();
        assert!(matches!(refused, Error::Rpc(_)), "{refused}");

        let deleted = menu.delete().await.unwrap();
        assert_eq!(deleted, 1);
        let Update::DeletedMessages(gone) = next_update(&mut user_in).await else {
            panic!("the user sees the deletion");
        };
        assert_eq!(gone.ids(), [shown.id()]);
        assert!(gone.chat().is_none());
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn messages_are_forwarded_with_the_header_and_copied_without() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        let first = bot.send_message(env.user, "one").await;
        // The bot has never met the user: it can not name them yet.
        assert!(matches!(first, Err(Error::Peer(_))), "{first:?}");
        user.send_message("@conformance_bot", "one").await.unwrap();
        user.send_message("@conformance_bot", "two").await.unwrap();
        let one = next_message(&mut bot_in).await;
        let two = next_message(&mut bot_in).await;

        // Back to the user, in the order asked.
        let forwarded = bot
            .forward_messages(env.user, env.user, [two.id(), one.id()])
            .await
            .unwrap();
        let texts: Vec<&str> = forwarded.iter().map(|m| m.text().as_str()).collect();
        assert_eq!(texts, ["two", "one"]);
        assert!(forwarded.iter().all(Message::is_forwarded));
        for expected in ["two", "one"] {
            let seen = next_message(&mut user_in).await;
            assert_eq!(seen.text(), expected);
            assert!(seen.is_forwarded());
        }

        let copy = one.copy_to(env.user).await.unwrap();
        assert_eq!(copy.text(), "one");
        assert!(!copy.is_forwarded());
        let seen = next_message(&mut user_in).await;
        assert_eq!((seen.text().as_str(), seen.is_forwarded()), ("one", false));

        // By id: the message is fetched first, and a new caption replaces its text.
        let by_id = bot
            .copy_message(env.user, env.user, two.id())
            .caption("two, again")
            .await
            .unwrap();
        assert_eq!(by_id.text(), "two, again");
        assert_eq!(next_message(&mut user_in).await.text(), "two, again");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

/// The first update `client` receives that `pick` takes, skipping others (service
/// messages and raw updates come in between on some paths).
async fn until<T>(inbox: &mut Inbox<'_>, mut pick: impl FnMut(Update) -> Option<T>) -> T {
    loop {
        if let Some(found) = pick(next_update(inbox).await) {
            return found;
        }
    }
}

/// The bot as the user's client names it in `messages.getInlineBotResults`.
async fn bot_as_input_user(user: &Client) -> enums::InputUser {
    match user.resolve_peer("@conformance_bot").await.unwrap() {
        enums::InputPeer::User(u) => enums::InputUser::InputUser(types::InputUser {
            user_id: u.user_id,
            access_hash: u.access_hash,
        }),
        other => panic!("the bot resolves to {other:?}"),
    }
}

#[test]
fn a_button_press_is_answered_and_its_message_edited() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        user.send_message("@conformance_bot", "/vote")
            .await
            .unwrap();
        let asked = next_message(&mut bot_in).await;
        let keyboard = InlineKeyboard::new()
            .row([
                InlineButton::callback("Yes", "vote:yes"),
                InlineButton::callback("No", "vote:no"),
            ])
            .row([InlineButton::url("Rules", "https://example.com/rules")]);
        asked.reply("Agree?").reply_markup(keyboard).await.unwrap();
        let shown = next_message(&mut user_in).await;
        assert_eq!(
            shown.inline_keyboard().map(|k| k.buttons().count()),
            Some(3)
        );

        // A URL button is not pressed through the server.
        let url = shown.click(1, 0).await.unwrap_err();
        assert!(matches!(url, Error::Unsupported(_)), "{url}");
        assert!(matches!(
            shown.click(5, 0).await,
            Err(Error::Unsupported(_))
        ));

        // The press waits for the bot's answer.
        let pressing = shown.clone();
        let press = tokio::spawn(async move { pressing.click(0, 1).await });
        let query = until(&mut bot_in, |u| match u {
            Update::CallbackQuery(q) => Some(q),
            _ => None,
        })
        .await;
        assert_eq!(query.data_str(), Some("vote:no"));
        assert_eq!(query.from_user().id(), env.user);
        assert_eq!(query.chat().map(|c| c.id()), Some(env.user));
        query
            .answer()
            .text("Noted")
            .show_alert()
            .cache_time(5)
            .await
            .unwrap();
        let answer = press.await.unwrap().unwrap();
        assert_eq!(answer.text.as_deref(), Some("Noted"));
        assert!(answer.alert);
        assert_eq!(answer.cache_time, 5);

        // The bot edits the message pressed, keyboard and all.
        let edited = query
            .edit_message_text("Voted: no")
            .await
            .unwrap()
            .expect("a message in a chat comes back");
        assert_eq!(edited.text(), "Voted: no");
        assert!(edited.inline_keyboard().is_none());
        let Update::EditedMessage(seen) = next_update(&mut user_in).await else {
            panic!("the user sees the edit");
        };
        assert_eq!((seen.id(), seen.text().as_str()), (shown.id(), "Voted: no"));
        // Its buttons are gone: pressing by data is refused by the server.
        let gone = seen.click_data("vote:no").await.unwrap_err();
        assert!(gone.is("DATA_INVALID"), "{gone}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn an_inline_query_is_answered_with_articles_and_the_pick_reported() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let mut bot_in = Inbox::new(&bot);
        assert!(env.dc.set_bot_inline(env.bot, Some("Search…")));
        let bot_user = bot_as_input_user(&user).await;
        let asker = user.clone();
        let asking = tokio::spawn(async move {
            asker
                .invoke(functions::messages::GetInlineBotResults {
                    bot: bot_user,
                    peer: enums::InputPeer::InputPeerSelf,
                    geo_point: None,
                    query: "cats".into(),
                    offset: String::new(),
                })
                .await
        });
        let query = until(&mut bot_in, |u| match u {
            Update::InlineQuery(q) => Some(q),
            _ => None,
        })
        .await;
        assert_eq!((query.query(), query.offset()), ("cats", ""));
        assert_eq!(query.from_user().id(), env.user);
        let results = [
            InlineQueryResult::article("1", "One cat", "a cat"),
            InlineQueryResult::article("2", "Two cats", "two cats")
                .description("twice the cats")
                .reply_markup(InlineKeyboard::new().row([InlineButton::callback("Pet", "pet")])),
        ];
        query
            .answer(results)
            .cache_time(0)
            .next_offset("2")
            .await
            .unwrap();
        let enums::messages::BotResults::BotResults(got) = asking.await.unwrap().unwrap();
        assert_eq!(got.next_offset.as_deref(), Some("2"));
        let titles: Vec<Option<&str>> = got
            .results
            .iter()
            .map(|r| match r {
                enums::BotInlineResult::BotInlineResult(r) => r.title.as_deref(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(titles, [Some("One cat"), Some("Two cats")]);

        user.invoke(functions::messages::SendInlineBotResult {
            silent: false,
            background: false,
            clear_draft: false,
            hide_via: false,
            peer: enums::InputPeer::InputPeerSelf,
            reply_to: None,
            random_id: 77,
            query_id: got.query_id,
            id: "2".into(),
            schedule_date: None,
            send_as: None,
            quick_reply_shortcut: None,
            allow_paid_stars: None,
        })
        .await
        .unwrap();
        let chosen = until(&mut bot_in, |u| match u {
            Update::ChosenInlineResult(c) => Some(c),
            _ => None,
        })
        .await;
        assert_eq!((chosen.result_id(), chosen.query()), ("2", "cats"));
        assert_eq!(chosen.from_user().id(), env.user);
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn reactions_pins_and_chat_actions_reach_the_other_side() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        user.send_message("@conformance_bot", "react to this")
            .await
            .unwrap();
        let got = next_message(&mut bot_in).await;
        let mine = got.reply("reacting").await.unwrap();
        let seen = next_message(&mut user_in).await;

        seen.react("👍").big().await.unwrap();
        let reacted = until(&mut bot_in, |u| match u {
            Update::Raw(raw) => match raw.update {
                enums::Update::BotMessageReaction(r) => Some(r),
                _ => None,
            },
            _ => None,
        })
        .await;
        assert_eq!(reacted.msg_id, mine.id());
        assert!(matches!(
            &reacted.new_reactions[..],
            [enums::Reaction::Emoji(e)] if e.emoticon == "👍"
        ));
        let refused = seen
            .react("not an emoji at all, far too long to be one")
            .await;
        assert!(refused.is_err());

        mine.pin().await.unwrap();
        let pinned = until(&mut user_in, |u| match u {
            Update::Raw(raw) => match raw.update {
                enums::Update::PinnedMessages(p) => Some(p),
                _ => None,
            },
            _ => None,
        })
        .await;
        assert!(pinned.pinned);
        assert_eq!(pinned.messages, [seen.id()]);
        mine.unpin().await.unwrap();
        let unpinned = until(&mut user_in, |u| match u {
            Update::Raw(raw) => match raw.update {
                enums::Update::PinnedMessages(p) => Some(p),
                _ => None,
            },
            _ => None,
        })
        .await;
        assert!(!unpinned.pinned);

        bot.send_chat_action(env.user, ChatAction::Typing)
            .await
            .unwrap();
        let typing = until(&mut user_in, |u| match u {
            Update::Raw(raw) => match raw.update {
                enums::Update::UserTyping(t) => Some(t),
                _ => None,
            },
            _ => None,
        })
        .await;
        assert_eq!(typing.user_id, env.bot);
        assert_eq!(
            typing.action,
            enums::SendMessageAction::SendMessageTypingAction
        );
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_join_request_is_approved_by_the_bot() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (mut bot_in, mut user_in) = (Inbox::new(&bot), Inbox::new(&user));
        let (channel, _) = env.dc.create_channel(env.bot, "lounge", &[], false);
        env.dc.set_channel_username(channel, "lounge").unwrap();
        let lounge = bot.resolve_peer("@lounge").await.unwrap();
        let enums::ExportedChatInvite::ChatInviteExported(invite) = bot
            .invoke(functions::messages::ExportChatInvite {
                legacy_revoke_permanent: false,
                request_needed: true,
                peer: lounge,
                expire_date: None,
                usage_limit: None,
                title: None,
                subscription_pricing: None,
            })
            .await
            .unwrap()
        else {
            panic!("another invite");
        };
        let hash = invite.link.rsplit('+').next().unwrap().to_owned();
        let asked = user
            .invoke(functions::messages::ImportChatInvite { hash })
            .await
            .unwrap_err();
        assert!(asked.is("INVITE_REQUEST_SENT"), "{asked}");

        let request = until(&mut bot_in, |u| match u {
            Update::ChatJoinRequest(r) => Some(r),
            _ => None,
        })
        .await;
        assert_eq!(request.from_user().id(), env.user);
        assert_eq!(request.chat().id(), -1_000_000_000_000 - channel);
        assert_eq!(request.invite_link(), Some(invite.link.as_str()));
        request.approve().await.unwrap();
        // The user is told of the chat, then sees their own joining, as a service
        // message. (The bot's view of it comes in the answer to its approval, which
        // the update stream, not this method, hands to handlers.)
        let joined = until(&mut user_in, |u| match u {
            Update::Message(m) if m.is_service() => Some(m),
            _ => None,
        })
        .await;
        assert_eq!(
            joined.action(),
            Some(&enums::MessageAction::ChatJoinedByRequest)
        );
        assert_eq!(joined.chat().id(), request.chat().id());
        assert_eq!(joined.chat().title(), Some("lounge"));
        assert_eq!(joined.from_user().map(|u| u.id()), Some(env.user));
        // Answered once: a second answer finds no request.
        let again = request.decline().await.unwrap_err();
        assert!(again.is("HIDE_REQUESTER_MISSING"), "{again}");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}

#[test]
fn a_channel_post_comes_back_with_its_channel_and_is_deleted_by_channel() {
    let env = Env::new();
    run(async {
        let (bot, user) = bot_and_user(&env).await;
        let (channel, _) = env.dc.create_channel(env.bot, "news", &[env.user], true);
        env.dc.set_channel_username(channel, "daily_news").unwrap();
        let mut user_in = Inbox::new(&user);
        let post = bot.send_message("@daily_news", "first post").await.unwrap();
        let id = -1_000_000_000_000 - channel;
        assert_eq!((post.text().as_str(), post.chat().id()), ("first post", id));
        assert_eq!(post.chat().kind(), ChatKind::Channel);
        assert_eq!(post.chat().title(), Some("news"));
        let seen = until(&mut user_in, |u| match u {
            Update::Message(m) => Some(m),
            _ => None,
        })
        .await;
        assert_eq!((seen.id(), seen.text().as_str()), (post.id(), "first post"));
        assert_eq!(seen.chat().kind(), ChatKind::Channel);

        // The user may not post there.
        let refused = user
            .send_message("@daily_news", "me too")
            .await
            .unwrap_err();
        assert!(refused.is("CHAT_ADMIN_REQUIRED"), "{refused}");

        assert_eq!(post.delete().await.unwrap(), 1);
        let gone = until(&mut user_in, |u| match u {
            Update::DeletedMessages(d) => Some(d),
            _ => None,
        })
        .await;
        assert_eq!(gone.ids(), [post.id()]);
        assert_eq!(gone.chat().map(|c| c.id()), Some(id));
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}
