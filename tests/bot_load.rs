//! The bot under load: 100 users send a bot messages while the test DC drops and reorders
//! the pushes to it and closes its connections, and the bot is stopped and started again
//! from its session file in mid-stream. Its handler must see every message exactly once,
//! each user's in the order sent.
//!
//! 10,000 messages on tokio; 1,000 on the other runtimes, which run the same code paths
//! above the socket.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use oxigram::dispatch::HandlerResult;
use oxigram::{Client, Message, filters};
use oxigram_conformance::{BOT_TOKEN, Env};
use oxigram_testdc::{Faults, UpdateFault};

#[macro_use]
mod support;

use support::On;

on_every_runtime!(every_message_is_handled_once_through_drops_disconnects_and_a_restart);

const USERS: usize = 100;

/// The load's messages (the closing one is not of them).
const LOAD: &str = r"^from \d+ number \d+$";

/// What the handler saw: per sender, the message numbers in the order handled.
#[derive(Default)]
struct Seen {
    by_sender: HashMap<i64, Vec<usize>>,
    handled: usize,
}

async fn every_message_is_handled_once_through_drops_disconnects_and_a_restart(
    on: On,
    env: Arc<Env>,
) {
    let per_user = if matches!(on, On::Tokio) { 100 } else { 10 };
    let total = USERS * per_user;
    let dir = tempfile::tempdir().unwrap();
    let senders: Vec<i64> = (0..USERS)
        .map(|i| {
            env.dc
                .create_user(&format!("4471{i:06}"), &format!("Load {i}"))
        })
        .collect();
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let (progress, handled) = async_channel::unbounded::<usize>();

    let start_bot = || async {
        let bot = on
            .file_builder(&env, "loaded")
            .workdir(dir.path())
            .bot_token(BOT_TOKEN)
            .build()
            .await
            .unwrap();
        bot.workers(4).per_chat_order(true);
        let (seen, progress) = (seen.clone(), progress.clone());
        bot.on_message(
            filters::regex(LOAD) & filters::private,
            move |msg: Message| {
                let (seen, progress) = (seen.clone(), progress.clone());
                async move {
                    let number: usize = msg
                        .text()
                        .rsplit(' ')
                        .next()
                        .and_then(|n| n.parse().ok())
                        .expect("the load's own text");
                    let sender = msg.from_user().expect("a private message").id();
                    let handled = {
                        let mut seen = seen.lock().unwrap();
                        seen.by_sender.entry(sender).or_default().push(number);
                        seen.handled += 1;
                        seen.handled
                    };
                    progress.send(handled).await?;
                    // A bot makes requests too: with the fault below, each connection
                    // carries two, so the bot keeps reconnecting under the stream.
                    if number.is_multiple_of(5) {
                        msg.client().get_me().await?;
                    }
                    HandlerResult::Ok(())
                }
            },
        );
        bot
    };
    // Runs `bot` until it has handled `until` messages in all, then stops it.
    let run_until = |bot: Client, until: usize| {
        let handled = handled.clone();
        async move {
            let stopper = async {
                while handled.recv().await.expect("the handler's channel") < until {}
                bot.stop().await.unwrap();
            };
            let (ran, ()) = futures_util::future::join(bot.run(), stopper).await;
            ran.expect("a clean run");
        }
    };

    let bot = start_bot().await;
    // Pushes to the bot are dropped and reordered, and every connection closes after two
    // requests (the bot's own, and its fetches of what was dropped).
    let mut faults = Faults {
        update_seed: 11,
        drop_after_requests: Some(2),
        ..Faults::default()
    };
    faults.update_faults.insert(
        env.bot,
        UpdateFault {
            drop_probability: 0.05,
            reorder_window: 6,
        },
    );
    env.dc.set_faults(faults);
    let accepted_before = env.dc.connections_accepted();
    let stop_at = total / 4;
    // The bot signed in first: its session's state is from before any message.
    // The first half is queued before it runs; the second streams in from when
    // the first run has handled an eighth, while the bot stops, is away and starts again.
    let sender = {
        let (env, senders, seen) = (env.clone(), senders.clone(), seen.clone());
        std::thread::spawn(move || {
            let send = |i: usize| {
                for &from in &senders {
                    env.dc
                        .send_message(from, env.bot, &format!("from {from} number {i}"));
                }
            };
            (0..per_user / 2).for_each(send);
            // Waits on this thread of its own, never on the runtime under test.
            while seen.lock().unwrap().handled < stop_at / 2 {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            (per_user / 2..per_user).for_each(send);
            // Updates still held back for reordering go out now, and one more message
            // shows the bot the gap if the last ones were dropped (a real client would
            // notice with its next update or its periodic check).
            env.dc.set_faults(Faults::default());
            env.dc.send_message(senders[0], env.bot, "that was all");
        })
    };

    run_until(bot, stop_at).await;

    let bot = start_bot().await;
    run_until(bot, total).await;
    sender.join().expect("the sender thread");

    let seen = seen.lock().unwrap();
    assert_eq!(seen.handled, total, "every message handled exactly once");
    for &from in &senders {
        let numbers = &seen.by_sender[&from];
        assert_eq!(
            numbers,
            &(0..per_user).collect::<Vec<_>>(),
            "the messages of {from}, each once and in order"
        );
    }
    assert!(env.dc.updates_dropped() > 0, "no push was dropped");
    assert!(
        env.dc.connections_accepted() > accepted_before + 10,
        "the connections were not closed and opened again"
    );
}
