//! The dispatcher through the client: handlers and groups, routers, errors, listeners,
//! and `run` on every runtime.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_executor::block_on;

use super::testing::{self as t, ALICE, BOT, In};
use super::*;
use crate::types::{CallbackQuery, Message, Update};
use crate::{Client, filters};

type Log = Arc<Mutex<Vec<String>>>;

fn note(log: &Log, entry: impl Into<String>) {
    log.lock().unwrap().push(entry.into());
}

fn taken(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap())
}

/// A handler that notes `name` and the message's text, then returns `flow`.
fn noting(
    log: &Log,
    name: &'static str,
    flow: Flow,
) -> impl Fn(Message) -> futures_util::future::Ready<Flow> + Send + Sync + 'static {
    let log = log.clone();
    move |m: Message| {
        note(&log, format!("{name}:{}", m.text()));
        futures_util::future::ready(flow)
    }
}

fn feed(client: &Client, update: Update) {
    block_on(client.dispatcher().dispatch(update)).expect("not running: handled at once");
}

fn message(client: &Client, text: &str) -> Update {
    Update::Message(t::text(client, 1, text))
}

#[test]
fn groups_filters_and_flows_through_the_client() {
    let c = t::client();
    let log = Log::default();
    let l = log.clone();
    c.on_message(
        filters::command("start") & filters::private,
        move |m: Message| {
            let l = l.clone();
            async move {
                let name = m.command().map(|c| c.name.clone()).unwrap_or_default();
                note(&l, format!("start:{name}"));
                Ok(())
            }
        },
    )
    .on_message(
        filters::text & !filters::command_any(),
        noting(&log, "echo", Flow::Continue),
    )
    .on_message_in(-1, filters::all, noting(&log, "first", Flow::Continue))
    .on_message_in(
        5,
        filters::regex("stop"),
        noting(&log, "stopper", Flow::Stop),
    )
    .on_message_in(6, filters::all, noting(&log, "last", Flow::Continue))
    .on_edited_message(filters::all, noting(&log, "edited", Flow::Continue));

    feed(&c, message(&c, "/start"));
    assert_eq!(taken(&log), ["first:/start", "start:start", "last:/start"]);
    feed(&c, message(&c, "hello"));
    assert_eq!(taken(&log), ["first:hello", "echo:hello", "last:hello"]);
    feed(&c, message(&c, "please stop"));
    assert_eq!(
        taken(&log),
        [
            "first:please stop",
            "echo:please stop",
            "stopper:please stop"
        ]
    );
    feed(&c, Update::EditedMessage(t::text(&c, 2, "fixed")));
    assert_eq!(taken(&log), ["edited:fixed"]);
}

#[test]
fn each_kind_reaches_its_own_handlers() {
    let c = t::client();
    let log = Log::default();
    let (l1, l2) = (log.clone(), log.clone());
    c.on_callback_query(filters::regex(r"^like:(\d+)$"), move |q: CallbackQuery| {
        let l = l1.clone();
        async move {
            note(
                &l,
                format!("like {}", q.matches().and_then(|m| m.get(1)).unwrap_or("?")),
            );
        }
    })
    .on_inline_query(filters::all, move |q: crate::types::InlineQuery| {
        let l = l2.clone();
        async move { note(&l, format!("inline {}", q.query())) }
    })
    .on_message(filters::all, noting(&log, "message", Flow::Continue));
    feed(&c, t::callback(&c, ALICE, "like:3"));
    feed(&c, t::callback(&c, ALICE, "other"));
    feed(&c, t::inline_query(&c, "cats"));
    assert_eq!(taken(&log), ["like 3", "inline cats"]);
}

#[test]
fn routers_are_included_switched_and_replaced_by_name() {
    let c = t::client();
    let log = Log::default();
    let fun = || Router::new("fun").on_message(filters::text, noting(&log, "fun", Flow::Continue));
    c.include(fun())
        .on_message_in(1, filters::all, noting(&log, "main", Flow::Continue));
    feed(&c, message(&c, "a"));
    c.disable("fun");
    feed(&c, message(&c, "b"));
    c.enable("fun");
    feed(&c, message(&c, "c"));
    assert_eq!(
        taken(&log),
        ["fun:a", "main:a", "main:b", "fun:c", "main:c"]
    );
    // Included again: replaced, not doubled.
    c.include(fun().merge(Router::new("extra").on_message_in(
        2,
        filters::all,
        noting(&log, "extra", Flow::Continue),
    )));
    feed(&c, message(&c, "d"));
    assert_eq!(taken(&log), ["fun:d", "main:d", "extra:d"]);
    c.disable("fun");
    feed(&c, message(&c, "e"));
    assert_eq!(
        taken(&log),
        ["main:e"],
        "a merged router goes by the name it was merged into"
    );
    assert_eq!(c.dispatcher().routers(), [("fun".to_string(), false)]);
    assert!(c.dispatcher().remove("fun"));
    assert!(!c.dispatcher().enable("fun"));
}

#[test]
fn failures_go_to_the_error_handlers_and_dispatch_goes_on() {
    let c = t::client();
    let log = Log::default();
    let errors = log.clone();
    c.on_message(filters::regex("fail"), |_: Message| async move {
        "x".parse::<i32>()?;
        Ok(())
    })
    .on_message(filters::regex("panic"), |m: Message| async move {
        assert!(m.text().is_empty(), "handler panicked on purpose");
    })
    .on_message_in(1, filters::all, noting(&log, "next group", Flow::Continue))
    .on_error(move |e: DispatchError| {
        let l = errors.clone();
        async move {
            let text = match &e.update {
                Some(Update::Message(m)) => m.text().to_string(),
                _ => String::new(),
            };
            let kind = match &*e.failure {
                Failure::Error(error)
                    if error.downcast_ref::<std::num::ParseIntError>().is_some() =>
                {
                    "parse error"
                }
                Failure::Panic(message) if message.contains("on purpose") => "panic",
                _ => "other",
            };
            note(&l, format!("error in {text:?}: {kind}"));
        }
    });
    feed(&c, message(&c, "fail"));
    feed(&c, message(&c, "panic"));
    assert_eq!(
        taken(&log),
        [
            "next group:fail",
            "error in \"fail\": parse error",
            "next group:panic",
            "error in \"panic\": panic"
        ]
    );
}

#[test]
fn listeners_come_before_handlers() {
    let c = t::client();
    let log = Log::default();
    c.on_message(filters::all, noting(&log, "handler", Flow::Continue));
    let waiting = c.listen(ALICE, filters::regex("^yes|no$"));
    let other_chat = c.listen(-1_000_000_000_000 - t::SUPERGROUP, filters::all);
    feed(&c, message(&c, "maybe"));
    feed(&c, message(&c, "yes"));
    feed(&c, message(&c, "no"));
    assert_eq!(taken(&log), ["handler:maybe", "handler:no"]);
    let answer = block_on(waiting.into_future()).expect("answered");
    assert_eq!(answer.text(), "yes");

    let cancel = other_chat.cancel_handle();
    assert!(cancel.cancel());
    assert_eq!(
        block_on(other_chat.into_future()).map(|m| m.id()),
        Err(ListenError::Cancelled)
    );

    let press = c.listen_callback(BOT, filters::all);
    feed(&c, t::callback(&c, BOT, "ok"));
    assert_eq!(
        block_on(press.into_future()).map(|q| q.data_str().map(str::to_string)),
        Ok(Some("ok".into()))
    );
}

use std::future::IntoFuture;

/// `run` on every runtime: start and stop handlers around every update, each chat's
/// updates in order with per-chat order on, and a clean end when the updates end.
#[test]
fn run_on_every_runtime_keeps_each_chats_order() {
    for name in t::RUNTIMES {
        let c = t::client_on(name);
        let log = Log::default();
        let (start, stop, seen) = (log.clone(), log.clone(), log.clone());
        let net = c.dispatcher().net().clone();
        c.workers(3).per_chat_order(true).queue_capacity(2);
        c.on_start(move |_: Client| {
            let l = start.clone();
            async move { note(&l, "start") }
        })
        .on_stop(move |_: Client| {
            let l = stop.clone();
            async move { note(&l, "stop") }
        })
        .on_message(filters::all, move |m: Message| {
            let l = seen.clone();
            let net = net.clone();
            async move {
                // Some take a turn off, so that a free worker could overtake.
                if m.id() % 3 == 0 {
                    net.sleep(Duration::from_millis(1)).await;
                }
                note(&l, format!("{} {}", m.chat().id(), m.id()));
            }
        });
        let (sender, receiver) = async_channel::bounded::<Update>(4);
        let places = [In::Private(ALICE), In::Supergroup(ALICE), In::Group(BOT)];
        let updates: Vec<Update> = (0..30)
            .map(|id| t::new_message(&c, t::raw(id, places[id as usize % 3], "x", |_| {})))
            .collect();
        let chats: Vec<i64> = updates.iter().filter_map(Update::chat_id).take(3).collect();
        let runner = c.clone();
        t::block_on_runtime(name, async move {
            let feeder = async move {
                for update in updates {
                    sender.send(update).await.expect("the reader reads");
                }
            };
            let (ran, ()) =
                futures_util::future::join(runner.run_until(Arc::new(receiver), false), feeder)
                    .await;
            ran.expect("a clean run");
        });
        let log = taken(&log);
        assert_eq!(log.first().map(String::as_str), Some("start"), "{name}");
        assert_eq!(log.last().map(String::as_str), Some("stop"), "{name}");
        assert_eq!(log.len(), 32, "{name}");
        for (i, chat) in chats.iter().enumerate() {
            let order: Vec<String> = log
                .iter()
                .filter(|e| e.starts_with(&format!("{chat} ")))
                .cloned()
                .collect();
            let expected: Vec<String> = (0..30)
                .filter(|id| id % 3 == i)
                .map(|id| format!("{chat} {id}"))
                .collect();
            assert_eq!(order, expected, "{name}: chat {chat}");
        }
        assert!(!c.dispatcher().is_running(), "{name}");
    }
}

/// A handler stops the client: what was queued is handled, a waiting listener ends
/// with `Stopped`, the stop handlers run, and `run` returns.
#[test]
fn stop_from_a_handler_on_every_runtime() {
    for name in t::RUNTIMES {
        let c = t::client_on(name);
        let log = Log::default();
        let (seen, stopped) = (log.clone(), log.clone());
        c.workers(1);
        c.on_message(filters::command("quit"), |m: Message| async move {
            m.client().stop().await?;
            Ok(Flow::Stop)
        })
        .on_message(filters::all, move |m: Message| {
            let l = seen.clone();
            async move { note(&l, m.text()) }
        })
        .on_stop(move |_: Client| {
            let l = stopped.clone();
            async move { note(&l, "stop") }
        });
        let pending = c.listen(-1_000_000_000_000 - t::CHANNEL, filters::all);
        let (sender, receiver) = async_channel::unbounded::<Update>();
        for text in ["one", "/quit", "two"] {
            sender.try_send(message(&c, text)).expect("unbounded");
        }
        let runner = c.clone();
        let keep_open = sender.clone();
        t::block_on_runtime(name, async move {
            runner
                .run_until(Arc::new(receiver), false)
                .await
                .expect("a clean run");
            drop(keep_open);
        });
        assert_eq!(
            block_on(pending.into_future()).map(|m| m.id()),
            Err(ListenError::Stopped),
            "{name}"
        );
        let log = taken(&log);
        assert_eq!(log.first().map(String::as_str), Some("one"), "{name}");
        assert_eq!(log.last().map(String::as_str), Some("stop"), "{name}");
        drop(sender);
    }
}

/// A conversation timing out on every runtime's timers, with the dispatcher running.
#[test]
fn listen_times_out_on_every_runtime() {
    for name in t::RUNTIMES {
        let c = t::client_on(name);
        let listener = c.clone();
        t::block_on_runtime(name, async move {
            let short = Duration::from_millis(5);
            let outcome = listener.listen(ALICE, filters::text).timeout(short).await;
            assert_eq!(outcome.map(|m| m.id()), Err(ListenError::Timeout(short)));
        });
    }
}

#[test]
fn a_second_run_is_refused_while_one_runs() {
    let c = t::client();
    let (sender, receiver) = async_channel::unbounded::<Update>();
    let runner = c.clone();
    t::block_on_runtime("tokio", async move {
        let first = runner.clone();
        let running = tokio::spawn(async move { first.run_until(Arc::new(receiver), false).await });
        while !runner.dispatcher().is_running() {
            tokio::task::yield_now().await;
        }
        let (_again, nothing) = async_channel::unbounded::<Update>();
        let second = runner.run_until(Arc::new(nothing), false).await;
        assert!(matches!(second, Err(crate::Error::Config(_))));
        drop(sender);
        running.await.expect("joined").expect("a clean run");
    });
}

#[test]
fn lifecycle_hooks_and_their_failures() {
    let c = t::client();
    let log = Log::default();
    let (down, errors) = (log.clone(), log.clone());
    c.on_disconnect(move |_: Client| {
        let l = down.clone();
        async move { note(&l, "disconnected") }
    })
    .on_disconnect(|_: Client| async move { Err::<(), _>(HandlerError::msg("no network")) })
    .on_error(move |e: DispatchError| {
        let l = errors.clone();
        async move { note(&l, format!("{} / update: {}", e, e.update.is_some())) }
    });
    block_on(c.dispatcher().disconnected(&c));
    assert_eq!(
        taken(&log),
        ["disconnected", "handler failed: no network / update: false"]
    );
    c.include(Router::new("plugin").on_disconnect(|c: Client| async move {
        // Signed in: this panics.
        assert!(c.user_id().is_none(), "plugin hook");
    }));
    block_on(c.dispatcher().disconnected(&c));
    assert_eq!(
        taken(&log),
        [
            "disconnected",
            "handler failed: no network / update: false",
            "handler panicked: plugin hook (router \"plugin\") / update: false"
        ]
    );
}
