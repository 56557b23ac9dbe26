//! The dispatcher against the test DC, on tokio, async-std, smol and blocking sockets:
//! a bot reads what a user sends, its handlers answer, a conversation asks and waits
//! for the answer, a handler stops the bot, and two bots run composed in one program.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use oxigram::dispatch::HandlerResult;
use oxigram::storage::{Change, MemoryStorage, PeerRecord, Session, Storage, StorageError};
use oxigram::{Message, filters};
use oxigram_conformance::{BOT_TOKEN, Env};

#[macro_use]
mod support;

use support::{On, signed_in_bot};

on_every_runtime!(
    a_bot_answers_a_command_and_stops,
    a_conversation_asks_and_gets_the_answer,
    two_clients_composed_run_until_both_stop,
    a_handler_still_running_holds_the_saved_update_state_back,
);

/// Waits on a thread of its own (never on the runtime under test) until `user` has
/// received a message with `text`; at most a minute, in small steps.
fn wait_for_message(env: &Env, user: i64, text: &str) -> bool {
    (0..6000).any(|_| {
        let found = env.dc.received(user).iter().any(|m| m.text == text);
        if !found {
            std::thread::sleep(Duration::from_millis(10));
        }
        found
    })
}

async fn a_bot_answers_a_command_and_stops(on: On, env: Arc<Env>) {
    let bot = signed_in_bot(on, &env).await;
    bot.on_message(
        filters::command("start") & filters::private,
        |msg: Message| async move {
            let args = msg.command().map(|c| c.args.join("|")).unwrap_or_default();
            msg.client()
                .send_message(msg.chat().id(), format!("Hi! {args}"))
                .await?;
            Ok(())
        },
    )
    .on_message(filters::command("quit"), |msg: Message| async move {
        msg.client().stop().await?;
        HandlerResult::Ok(())
    });
    // Sent before the bot reads: the connection keeps pushed updates until read.
    env.dc.send_message(env.user, env.bot, "/start a \"b c\"");
    env.dc.send_message(env.user, env.bot, "/quit");
    bot.run().await.expect("a clean run");
    assert!(
        env.dc
            .received(env.user)
            .iter()
            .any(|m| m.text == "Hi! a|b c")
    );
}

async fn a_conversation_asks_and_gets_the_answer(on: On, env: Arc<Env>) {
    let bot = signed_in_bot(on, &env).await;
    // Per-chat order: the answer is taken before the queue, or the asking handler
    // would wait for an update queued behind itself.
    bot.per_chat_order(true).workers(2);
    let handled: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = handled.clone();
    bot.on_message(filters::command("name"), |msg: Message| async move {
        let answer = msg
            .ask("What is your name?")
            .timeout(Duration::from_secs(60))
            .await?;
        msg.client()
            .send_message(msg.chat().id(), format!("Hello, {}!", answer.text()))
            .await?;
        msg.client().stop().await?;
        Ok(())
    })
    .on_message(filters::all, move |msg: Message| {
        let seen = seen.clone();
        async move { seen.lock().unwrap().push(msg.text().to_string()) }
    });
    let user = env.user;
    let bot_id = env.bot;
    let answering = {
        let env = env.clone();
        std::thread::spawn(move || {
            let asked = wait_for_message(&env, user, "What is your name?");
            if asked {
                env.dc.send_message(user, bot_id, "Ada");
            }
            asked
        })
    };
    env.dc.send_message(user, bot_id, "/name");
    bot.run().await.expect("a clean run");
    assert!(
        answering.join().expect("the answering thread"),
        "the question came"
    );
    assert!(
        env.dc
            .received(user)
            .iter()
            .any(|m| m.text == "Hello, Ada!")
    );
    // A listener took the answer first: no handler saw it.
    assert!(
        handled.lock().unwrap().is_empty(),
        "{:?}",
        handled.lock().unwrap()
    );
}

async fn two_clients_composed_run_until_both_stop(on: On, env: Arc<Env>) {
    let first = signed_in_bot(on, &env).await;
    let second_id = env.dc.create_bot("7000010:second", "second_bot");
    let second = on
        .builder(&env, "second")
        .bot_token("7000010:second")
        .build()
        .await
        .unwrap();
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    for (name, bot) in [("first", &first), ("second", &second)] {
        let seen = seen.clone();
        bot.on_message(filters::command("quit"), move |msg: Message| {
            let seen = seen.clone();
            async move {
                seen.lock().unwrap().push(name.to_string());
                msg.client().stop().await?;
                HandlerResult::Ok(())
            }
        });
    }
    env.dc.send_message(env.user, env.bot, "/quit");
    env.dc.send_message(env.user, second_id, "/quit");
    oxigram::dispatch::compose([first, second])
        .await
        .expect("both ran cleanly");
    let mut seen = seen.lock().unwrap().clone();
    seen.sort();
    assert_eq!(
        seen,
        ["first", "second"],
        "each bot handled its own message"
    );
}

/// A memory session the test reads while the bot writes it.
struct Shared(Arc<MemoryStorage>);

impl Storage for Shared {
    fn load(&self) -> Result<Session, StorageError> {
        self.0.load()
    }
    fn save(&self, change: Change) -> Result<(), StorageError> {
        self.0.save(change)
    }
    fn flush(&self) -> Result<(), StorageError> {
        self.0.flush()
    }
    fn peer_by_id(&self, id: i64) -> Result<Option<PeerRecord>, StorageError> {
        self.0.peer_by_id(id)
    }
    fn peer_by_username(&self, name: &str) -> Result<Option<PeerRecord>, StorageError> {
        self.0.peer_by_username(name)
    }
    fn peer_by_phone(&self, phone: &str) -> Result<Option<PeerRecord>, StorageError> {
        self.0.peer_by_phone(phone)
    }
}

/// While one handler still runs, the state saved does not cover its update, however
/// many later updates the other workers handled meanwhile: a process killed then gets
/// that update again after a restart. Once it returns, the state covers everything.
async fn a_handler_still_running_holds_the_saved_update_state_back(on: On, env: Arc<Env>) {
    let session = Arc::new(MemoryStorage::new());
    let bot = on
        .builder(&env, "held")
        .bot_token(BOT_TOKEN)
        .storage(Shared(session.clone()))
        .build()
        .await
        .unwrap();
    // Two workers taking from one queue: "slow" holds one, the other handles the rest.
    bot.per_chat_order(false).workers(2);
    let (release, released) = futures_channel::oneshot::channel::<()>();
    let released = Arc::new(Mutex::new(Some(released)));
    let release = Arc::new(Mutex::new(Some(release)));
    let handled: Arc<Mutex<Vec<String>>> = Arc::default();
    // The saved pts when "check" ran, and the pts of its own message.
    let at_check: Arc<Mutex<Option<i32>>> = Arc::default();
    let (seen, saved) = (handled.clone(), at_check.clone());
    let store = session.clone();
    bot.on_message(filters::text, move |msg: Message| {
        let (released, release) = (released.clone(), release.clone());
        let (seen, saved, store) = (seen.clone(), saved.clone(), store.clone());
        async move {
            match msg.text().as_str() {
                "slow" => {
                    let wait = released.lock().unwrap().take().expect("one slow message");
                    wait.await.expect("released by check");
                    msg.client().stop().await?;
                }
                "check" => {
                    // Everything before it but "slow" was handled by this worker.
                    let pts = store.load().expect("memory").updates.pts;
                    *saved.lock().unwrap() = Some(pts);
                    let go = release.lock().unwrap().take().expect("one check message");
                    go.send(()).expect("slow waits");
                }
                other => seen.lock().unwrap().push(other.to_string()),
            }
            HandlerResult::Ok(())
        }
    });
    for text in ["slow", "a", "b", "c", "check"] {
        env.dc.send_message(env.user, env.bot, text);
    }
    bot.run().await.expect("a clean run");
    assert_eq!(*handled.lock().unwrap(), ["a", "b", "c"]);
    let at_check = at_check.lock().unwrap().expect("check ran");
    let after = session.load().unwrap().updates.pts;
    // Five messages, one pts each: none of them is covered while "slow" runs (before,
    // the state covered all but the last read when "check" ran).
    assert!(
        after - at_check >= 5,
        "saved pts {at_check} while slow ran, {after} after the run"
    );
}
