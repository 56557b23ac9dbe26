//! The dispatcher against the test DC, on tokio, async-std, smol and blocking sockets:
//! a bot reads what a user sends, its handlers answer, a conversation asks and waits
//! for the answer, a handler stops the bot, and two bots run composed in one program.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use oxigram::dispatch::HandlerResult;
use oxigram::{Message, filters};
use oxigram_conformance::Env;

#[macro_use]
mod support;

use support::{On, signed_in_bot};

on_every_runtime!(
    a_bot_answers_a_command_and_stops,
    a_conversation_asks_and_gets_the_answer,
    two_clients_composed_run_until_both_stop,
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
