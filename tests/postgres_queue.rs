//! A busy bot on worker processes: the lease holder (this process) reads the bot's
//! updates and queues them in PostgreSQL; four worker processes take them with per-chat
//! order. 50,000 messages from 50 users: each handled once, each user's in the order
//! sent, and the first of each answered by a worker through a client of its own. It also
//! prints the rate through the queue (one measured run, not asserted).
//!
//! Its own harness: the binary is also the worker (`OXIGRAM_QUEUE_WORKER` set). Needs
//! `OXIGRAM_TEST_POSTGRES` (skipped without it, failed with `CI` set);
//! `OXIGRAM_QUEUE_MESSAGES` and `OXIGRAM_QUEUE_WORKERS` change the load (0 workers:
//! the holder handles everything itself, the single-process baseline of
//! `benches/postgres_queue.sh`).

use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use oxigram::storage::postgres::queue::{ConsumerConfig, QueueConsumer, QueueProducer};
use oxigram::storage::postgres::{PostgresConfig, PostgresStorage};
use oxigram::tl::enums;
use oxigram::types::Update;

#[path = "postgres/common.rs"]
mod common;

use common::{database, report};

const SENDERS: usize = 50;
const DEFAULT_MESSAGES: usize = 50_000;
const DEFAULT_WORKERS: usize = 4;

fn main() {
    if std::env::var_os("OXIGRAM_QUEUE_WORKER").is_some() {
        worker();
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        println!("busy_bot: test");
        return;
    }
    let Some(url) = database() else {
        report(0, 1);
        return;
    };
    let number =
        |name, default| std::env::var(name).map_or(default, |v: String| v.parse().unwrap());
    busy_bot(
        &url,
        number("OXIGRAM_QUEUE_MESSAGES", DEFAULT_MESSAGES),
        number("OXIGRAM_QUEUE_WORKERS", DEFAULT_WORKERS),
    );
    report(1, 0);
}

/// A message's text as the API sent it, if the update is a new incoming message (the
/// bot's own answers come back as updates too).
fn text_of(update: &enums::Update) -> Option<&str> {
    match update {
        enums::Update::NewMessage(u) => match &u.message {
            enums::Message::Message(m) if !m.out => Some(&m.message),
            _ => None,
        },
        _ => None,
    }
}

/// A worker: takes batches in per-chat order and records each message it handled (a
/// repeat would show as a second row). It answers the first message of each chat
/// through a client of its own: the bot signed in again on a key of its own, without
/// updates, so the holder's key stays the holder's.
fn worker() {
    let var = |name| std::env::var(name).unwrap();
    let (url, account, name) = (
        var("OXIGRAM_TEST_POSTGRES"),
        var("OXIGRAM_QUEUE_ACCOUNT"),
        var("OXIGRAM_QUEUE_WORKER"),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut builder = bot_builder(&name, &var("OXIGRAM_QUEUE_KEY"))
        .in_memory()
        .no_updates(true);
    for (dc, address) in common::decode_addresses(&var("OXIGRAM_QUEUE_DCS")) {
        builder = builder.dc_address(dc, address);
    }
    let client = runtime.block_on(builder.build()).unwrap();
    let consumer = QueueConsumer::open(
        &url,
        &account,
        ConsumerConfig {
            batch: 64,
            per_chat: true,
        },
    )
    .unwrap();
    // Its own thread: the blocking client may not run inside the runtime.
    let (records, recorded) = std::sync::mpsc::sync_channel::<(Vec<i64>, Vec<String>)>(1);
    let (written, wrote) = std::sync::mpsc::sync_channel::<()>(1);
    std::thread::spawn(move || {
        let mut conn = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        for (chats, texts) in recorded {
            conn.execute(
                "INSERT INTO oxigram_queue_handled (account, chat, text, worker)
                 SELECT $1, *, $4 FROM unnest($2::bigint[], $3::text[])",
                &[&account, &chats, &texts, &name],
            )
            .unwrap();
            written.send(()).unwrap();
        }
    });
    runtime.block_on(async {
        loop {
            let taken = consumer.take().await.unwrap();
            // Each chat's messages one after the other, the chats side by side.
            let mut by_chat: Vec<(i64, Vec<&oxigram::types::RawUpdate>)> = Vec::new();
            for queued in &taken {
                let Some(chat) = queued.chat else { continue };
                match by_chat.iter_mut().find(|(c, _)| *c == chat) {
                    Some((_, updates)) => updates.push(&queued.update),
                    None => by_chat.push((chat, vec![&queued.update])),
                }
            }
            let handled =
                futures_util::future::join_all(by_chat.into_iter().map(|(chat, updates)| {
                    let client = &client;
                    async move {
                        let mut texts = Vec::new();
                        for raw in updates {
                            let Some(text) = text_of(&raw.update) else {
                                continue;
                            };
                            if text.ends_with(" 0")
                                && let Some(Update::Message(message)) =
                                    Update::from_raw(client, &raw.update, &raw.users, &raw.chats)
                            {
                                message.reply(format!("seen {text}")).await.unwrap();
                            }
                            handler_work().await;
                            texts.push((chat, text.to_owned()));
                        }
                        texts
                    }
                }))
                .await;
            let (chats, texts) = handled.into_iter().flatten().unzip();
            records.send((chats, texts)).unwrap();
            wrote.recv().unwrap();
            consumer.done().await.unwrap();
        }
    });
}

/// What a handler spends on each message besides the queue: `OXIGRAM_QUEUE_HANDLER_MS`
/// of waiting (as on a request of its own), none by default.
async fn handler_work() {
    let ms: u64 = std::env::var("OXIGRAM_QUEUE_HANDLER_MS").map_or(0, |v| v.parse().unwrap());
    if ms > 0 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}

/// The bot's client of the test DC, without its session.
fn bot_builder(name: &str, pem: &str) -> oxigram::client::ClientBuilder {
    oxigram::Client::builder(name)
        .api_id(4)
        .api_hash("hash")
        .test_mode(true)
        .server_key_pem(pem)
        .runtime(oxigram::tokio::Tokio)
        .bot_token(oxigram_conformance::BOT_TOKEN)
}

fn busy_bot(url: &str, messages: usize, workers: usize) {
    let env = oxigram_conformance::Env::new();
    let account = common::unique("busy");
    let mut conn = postgres::Client::connect(url, postgres::NoTls).unwrap();
    conn.batch_execute(
        "CREATE TABLE IF NOT EXISTS oxigram_queue_handled (
             id bigserial PRIMARY KEY, account text NOT NULL, chat bigint NOT NULL,
             text text NOT NULL, worker text NOT NULL)",
    )
    .unwrap();
    let pem = oxigram_testdc::pem::public_key_pem(env.dc.public_key());
    let dcs: Vec<_> = env
        .dc
        .addresses()
        .iter()
        .map(|&(id, address)| (id as i16, address))
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // The holder: the bot, its session under the lease, its updates into the queue.
    let (client, bot_id) = runtime.block_on(async {
        let config = PostgresConfig::new(url, &account).holder("holder");
        let storage = tokio::task::spawn_blocking(move || PostgresStorage::open(config))
            .await
            .unwrap()
            .unwrap();
        let mut builder = bot_builder("busy", &pem).storage(storage);
        for &(id, address) in env.dc.addresses() {
            builder = builder.dc_address(id as i16, address);
        }
        let client = builder.build().await.unwrap();
        let id = client.get_me().await.unwrap().id;
        (client, id)
    });
    // With no workers, the holder's own dispatcher handles every message (per-chat
    // order, its default workers): the single-process baseline the rates are compared
    // with. The handled list is kept in memory.
    let alone: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let holder = if workers == 0 {
        let handled = alone.clone();
        client.per_chat_order(true).on_message(
            oxigram::dispatch::filters::incoming,
            move |message: oxigram::types::Message| {
                let handled = handled.clone();
                async move {
                    handler_work().await;
                    handled
                        .lock()
                        .unwrap()
                        .push((message.chat().id(), message.text().to_owned()));
                    Ok(())
                }
            },
        );
        let client = client.clone();
        runtime.spawn(async move { client.run().await.unwrap() })
    } else {
        let producer = QueueProducer::open(url, &account).unwrap();
        let client = client.clone();
        runtime.spawn(async move {
            while let Some(raws) = client.next_ordered_raw_updates(256).await.unwrap() {
                let with_chats: Vec<_> = raws
                    .into_iter()
                    .map(|raw| {
                        let chat = Update::from_raw(&client, &raw.update, &raw.users, &raw.chats)
                            .and_then(|u| u.chat_id());
                        (raw, chat)
                    })
                    .collect();
                producer.push_all(&with_chats).await.unwrap();
            }
        })
    };
    let children: Vec<Child> = (0..workers)
        .map(|i| {
            Command::new(std::env::current_exe().unwrap())
                .env("OXIGRAM_QUEUE_WORKER", format!("worker-{i}"))
                .env("OXIGRAM_QUEUE_ACCOUNT", &account)
                .env("OXIGRAM_TEST_POSTGRES", url)
                .env("OXIGRAM_QUEUE_KEY", &pem)
                .env("OXIGRAM_QUEUE_DCS", common::encode_addresses(&dcs))
                .spawn()
                .unwrap()
        })
        .collect();

    let senders: Vec<i64> = (0..SENDERS)
        .map(|i| env.dc.create_user(&format!("4473{i:06}"), "Sender"))
        .collect();
    let started = Instant::now();
    for n in 0..messages / SENDERS {
        for (s, &sender) in senders.iter().enumerate() {
            env.dc.send_message(sender, bot_id, &format!("{s} {n}"));
        }
    }
    let total = messages / SENDERS * SENDERS;
    if workers > 0 {
        let waiting: i64 = conn
            .query_one(
                "SELECT count(*) FROM oxigram_update_queue WHERE account = $1",
                &[&account],
            )
            .unwrap()
            .get(0);
        println!(
            "busy bot: all sent after {:.1} s, {waiting} queued then",
            started.elapsed().as_secs_f64()
        );
    }
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let done = if workers == 0 {
            alone.lock().unwrap().len()
        } else {
            let done: i64 = conn
                .query_one(
                    "SELECT count(*) FROM oxigram_queue_handled WHERE account = $1",
                    &[&account],
                )
                .unwrap()
                .get(0);
            done as usize
        };
        if done >= total {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{done} of {total} handled in 10 minutes"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let elapsed = started.elapsed();
    for mut child in children {
        child.kill().unwrap();
        child.wait().unwrap();
    }
    runtime.block_on(client.stop()).unwrap();
    runtime.block_on(holder).unwrap();

    // Each once, and each sender's in the order sent.
    let handled: Vec<(i64, String)> = if workers == 0 {
        std::mem::take(&mut *alone.lock().unwrap())
    } else {
        conn.query(
            "SELECT chat, text FROM oxigram_queue_handled WHERE account = $1 ORDER BY id",
            &[&account],
        )
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect()
    };
    assert_eq!(handled.len(), total, "handled more than once");
    let mut next = std::collections::HashMap::<i64, usize>::new();
    for (chat, text) in handled {
        let (s, n) = text.split_once(' ').unwrap();
        let (s, n): (usize, usize) = (s.parse().unwrap(), n.parse().unwrap());
        assert_eq!(chat, senders[s], "{text} queued under another chat");
        let expected = next.entry(chat).or_default();
        assert_eq!(n, *expected, "chat {chat}: {text} handled out of order");
        *expected += 1;
    }
    assert!(next.values().all(|&n| n == total / SENDERS));
    if workers > 0 {
        // Each first message answered once, by a worker through its own client.
        for (s, &sender) in senders.iter().enumerate() {
            let answers = env
                .dc
                .received(sender)
                .iter()
                .filter(|m| m.from == bot_id && m.text == format!("seen {s} 0"))
                .count();
            assert_eq!(answers, 1, "sender {s}");
        }
    }
    let path = match workers {
        0 => "handled by the holder alone".to_owned(),
        n => format!("through the queue to {n} workers"),
    };
    println!(
        "busy bot: {total} messages {path} in {:.1} s ({:.0} per second, one measured run)",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
}
