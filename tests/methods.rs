//! The everyday methods end to end against the test DC, on tokio: a user and a bot
//! talk, and every builder's answer is checked against what the other side received.

use std::time::Duration;

use oxigram::client::SignIn;
use oxigram::tl::{Deserialize, enums};
use oxigram::types::{InlineButton, InlineKeyboard};
use oxigram::{Client, ClientBuilder, Error, Message, Update};
use oxigram_conformance::{BOT_TOKEN, Env};

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

/// The next high-level update `client` receives (ten seconds at most: a missing
/// update fails the test rather than hanging it).
async fn next_update(client: &Client) -> Update {
    let wait = async {
        loop {
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
            if let Some(update) = list
                .iter()
                .find_map(|u| Update::from_raw(client, u, &users, &chats))
            {
                return update;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .expect("an update within ten seconds")
}

async fn next_message(client: &Client) -> Message {
    match next_update(client).await {
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
        let sent = user
            .send_message("@conformance_bot", "hello bot")
            .await
            .unwrap();
        assert_eq!(sent.text(), "hello bot");
        assert_eq!(sent.chat().id(), env.bot);
        assert!(sent.outgoing());
        assert_eq!(sent.from_user().map(|u| u.id()), Some(env.user));

        let got = next_message(&bot).await;
        assert_eq!((got.id(), got.text()), (sent.id(), "hello bot"));
        assert_eq!(got.from_user().map(|u| u.id()), Some(env.user));
        assert_eq!(
            got.from_user().map(|u| u.first_name().to_string()),
            Some("Sender".into())
        );
        assert!(!got.outgoing() && got.chat().is_private());

        let reply = got.reply("hello human").silent().await.unwrap();
        assert_eq!((reply.text(), reply.chat().id()), ("hello human", env.user));
        let seen = next_message(&user).await;
        assert_eq!((seen.id(), seen.text()), (reply.id(), "hello human"));
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
        user.send_message("@conformance_bot", "/start")
            .await
            .unwrap();
        let start = next_message(&bot).await;
        let menu = start.answer("pick one").await.unwrap();
        let shown = next_message(&user).await;
        assert_eq!(shown.id(), menu.id());

        let keyboard = InlineKeyboard::new().row([InlineButton::callback("Again", "again")]);
        let edited = menu
            .edit_text("picked")
            .reply_markup(keyboard)
            .await
            .unwrap();
        assert_eq!((edited.id(), edited.text()), (menu.id(), "picked"));
        assert!(edited.edit_date().is_some());
        let Update::EditedMessage(seen) = next_update(&user).await else {
            panic!("the user sees the edit");
        };
        assert_eq!((seen.id(), seen.text()), (menu.id(), "picked"));

        // Editing someone else's message fails with the server's error.
        let refused = bot
            .edit_message_text(env.user, start.id(), "no")
            .await
            .unwrap_err();
        assert!(matches!(refused, Error::Rpc(_)), "{refused}");

        let deleted = menu.delete().await.unwrap();
        assert_eq!(deleted, 1);
        let Update::DeletedMessages(gone) = next_update(&user).await else {
            panic!("the user sees the deletion");
        };
        assert_eq!(gone.ids(), [menu.id()]);
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
        let first = bot.send_message(env.user, "one").await;
        // The bot has never met the user: it can not name them yet.
        assert!(matches!(first, Err(Error::Peer(_))), "{first:?}");
        user.send_message("@conformance_bot", "one").await.unwrap();
        user.send_message("@conformance_bot", "two").await.unwrap();
        let one = next_message(&bot).await;
        let two = next_message(&bot).await;

        // Back to the user, in the order asked.
        let forwarded = bot
            .forward_messages(env.user, env.user, [two.id(), one.id()])
            .await
            .unwrap();
        let texts: Vec<&str> = forwarded.iter().map(Message::text).collect();
        assert_eq!(texts, ["two", "one"]);
        assert!(forwarded.iter().all(Message::is_forwarded));
        for expected in ["two", "one"] {
            let seen = next_message(&user).await;
            assert_eq!(seen.text(), expected);
            assert!(seen.is_forwarded());
        }

        let copy = one.copy_to(env.user).await.unwrap();
        assert_eq!(copy.text(), "one");
        assert!(!copy.is_forwarded());
        let seen = next_message(&user).await;
        assert_eq!(
            (seen.id(), seen.text(), seen.is_forwarded()),
            (copy.id(), "one", false)
        );

        // By id: the message is fetched first, and a new caption replaces its text.
        let by_id = bot
            .copy_message(env.user, env.user, two.id())
            .caption("two, again")
            .await
            .unwrap();
        assert_eq!(by_id.text(), "two, again");
        assert_eq!(next_message(&user).await.text(), "two, again");
        user.stop().await.unwrap();
        bot.stop().await.unwrap();
    });
}
