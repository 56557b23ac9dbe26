//! A bot whose session lives in PostgreSQL, against the test DC: handed over from one
//! holder to the next without an update lost or repeated, with its peers known and its
//! key never on two connections at once, and stopped at once when its lease goes to
//! another process.
//!
//! Needs a server: `OXIGRAM_TEST_POSTGRES` names a database the test may fill. Without it
//! the tests say they are skipped; with `CI` set they fail instead.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use oxigram::storage::StorageError;
use oxigram::storage::postgres::{PostgresConfig, PostgresStorage};
use oxigram::types::Update;
use oxigram::{Client, Error};
use oxigram_conformance::{BOT_TOKEN, Env};

#[allow(unused_macros)]
#[macro_use]
mod support;

#[path = "postgres/common.rs"]
mod common;

use common::database;

use support::On;

/// An account name no other run uses (the database outlives the test DC).
fn account(test: &str) -> String {
    common::unique(test)
}

fn config(url: &str, account: &str, holder: &str) -> PostgresConfig {
    PostgresConfig::new(url, account)
        .holder(holder)
        .lease_ttl(Duration::from_secs(2))
}

/// What a successor does to the lease row: a new holder and token. On a thread of its
/// own: the blocking client may not run inside the test's runtime.
fn steal_lease(url: &str, account: &str) {
    let (url, account) = (url.to_owned(), account.to_owned());
    std::thread::spawn(move || {
        let mut conn = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        conn.execute(
            "UPDATE oxigram_leases SET holder = 'successor', token = token + 1,
                 expires_at = now() + interval '1 hour' WHERE account = $1",
            &[&account],
        )
        .unwrap();
    })
    .join()
    .unwrap();
}

async fn bot(on: On, env: &Env, storage: PostgresStorage) -> Client {
    on.file_builder(env, "bot")
        .storage(storage)
        .bot_token(BOT_TOKEN)
        .build()
        .await
        .unwrap()
}

/// The texts of the next `count` new messages, by sender.
async fn read(client: &Client, count: usize) -> BTreeMap<i64, Vec<String>> {
    let mut got: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for _ in 0..count {
        let update = client.next_update().await.unwrap().expect("updates ended");
        let Update::Message(message) = update else {
            panic!("expected a new message, got {update:?}");
        };
        let sender = message.from_user().unwrap().id();
        got.entry(sender)
            .or_default()
            .push(message.text().to_string());
    }
    got
}

fn send(env: &Env, senders: &[i64], to: i64, range: std::ops::Range<usize>, tag: &str) {
    for i in range {
        for (s, &sender) in senders.iter().enumerate() {
            env.dc.send_message(sender, to, &format!("{tag} {s} {i}"));
        }
    }
}

fn merge(into: &mut BTreeMap<i64, Vec<String>>, more: BTreeMap<i64, Vec<String>>) {
    for (sender, texts) in more {
        into.entry(sender).or_default().extend(texts);
    }
}

/// Runs `scenario` on tokio with a test DC of its own and the database's URL.
fn with_database<F: Future<Output = ()> + Send>(scenario: fn(On, Arc<Env>, String) -> F) {
    let Some(url) = database() else { return };
    let env = Arc::new(Env::new());
    On::Tokio.run(support::within(
        Duration::from_secs(120),
        scenario(On::Tokio, env.clone(), url),
    ));
    drop(env);
}

#[test]
fn the_next_holder_resumes_where_the_last_stopped() {
    with_database(handover)
}

#[test]
fn a_client_whose_lease_is_taken_stops_at_once() {
    with_database(revoked)
}

async fn handover(on: On, env: Arc<Env>, url: String) {
    {
        let name = account("handover");
        let first = PostgresStorage::open(config(&url, &name, "first")).unwrap();
        let first_token = first.token();
        let client = bot(on, &env, first).await;
        let bot_id = client.get_me().await.unwrap().id;
        let senders: Vec<i64> = (0..2)
            .map(|i| {
                env.dc
                    .create_user(&format!("44710000{i:02}"), &format!("Sender {i}"))
            })
            .collect();
        send(&env, &senders, bot_id, 0..1, "warm");
        read(&client, 2).await;
        let hashes: Vec<_> = {
            let mut hashes = Vec::new();
            for &sender in &senders {
                hashes.push(client.resolve_peer(sender).await.unwrap());
            }
            hashes
        };
        send(&env, &senders, bot_id, 0..10, "m");
        let mut got = read(&client, 8).await;
        while let Some(update) = client.next_buffered_update() {
            let Update::Message(message) = update else {
                panic!("{update:?}")
            };
            let sender = message.from_user().unwrap().id();
            got.entry(sender)
                .or_default()
                .push(message.text().to_string());
        }
        let read_first: usize = got.values().map(Vec::len).sum();
        client.stop().await.unwrap();
        drop(client);

        // Sent while nobody serves the account.
        send(&env, &senders, bot_id, 0..5, "away");
        // The next holder waits for the lease; the first gave it back, so at once.
        let started = Instant::now();
        let second = PostgresStorage::open(
            config(&url, &name, "second").wait_for_lease(Duration::from_secs(10)),
        )
        .unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "the lease was not given back"
        );
        assert_eq!(second.token(), first_token + 1);
        let client = bot(on, &env, second).await;
        // The peers the first cached are known: no request needed for a bare id.
        for (&sender, hash) in senders.iter().zip(&hashes) {
            assert_eq!(&client.resolve_peer(sender).await.unwrap(), hash);
        }
        merge(&mut got, read(&client, 20 - read_first + 10).await);
        let mut want: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for (s, &sender) in senders.iter().enumerate() {
            let texts = want.entry(sender).or_default();
            texts.extend((0..10).map(|i| format!("m {s} {i}")));
            texts.extend((0..5).map(|i| format!("away {s} {i}")));
        }
        assert_eq!(got, want);
        client.stop().await.unwrap();
        assert_eq!(env.dc.peak_key_connections(bot_id), 1);
    }
}

async fn revoked(on: On, env: Arc<Env>, url: String) {
    {
        let name = account("revoked");
        let storage = PostgresStorage::open(config(&url, &name, "holder")).unwrap();
        let client = bot(on, &env, storage).await;
        client.get_me().await.unwrap();
        assert!(env.dc.connection_count() > 0);
        // Another process takes the lease, as it may once this one has been paused
        // past the lease: the renewal (within a third of it) finds out.
        steal_lease(&url, &name);
        let deadline = Instant::now() + Duration::from_secs(10);
        while env.dc.connection_count() > 0 {
            assert!(Instant::now() < deadline, "the client kept its connections");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        match client.get_me().await {
            Err(Error::Storage(StorageError::LeaseLost(reason))) => {
                assert!(reason.contains("another process"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        match client.next_update().await {
            Err(Error::Storage(StorageError::LeaseLost(_))) => {}
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn the_cli_moves_a_session_file_into_postgresql_once() {
    use oxigram::proto::crypto::message::AuthKey;
    use oxigram::storage::{
        Change, DcSession, PeerKind, PeerRecord, SqliteStorage, Storage, UpdateState,
    };
    let Some(url) = database() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("moved.session");
    let peers: Vec<PeerRecord> = (1..=2500)
        .map(|id| PeerRecord {
            id,
            access_hash: id * 7,
            kind: PeerKind::User,
            usernames: vec![format!("user{id}")],
            phone: None,
            updated_at: 5,
        })
        .collect();
    {
        let sqlite = SqliteStorage::open(&file).unwrap();
        sqlite
            .save(Change::Home {
                dc: 2,
                test_mode: true,
            })
            .unwrap();
        sqlite.save(Change::ApiId(42)).unwrap();
        sqlite
            .save(Change::Dc(
                2,
                DcSession {
                    address: Some("127.0.0.1:4430".parse().unwrap()),
                    auth_key: Some(AuthKey::new([3; 256])),
                    authorized: true,
                },
            ))
            .unwrap();
        sqlite.save(Change::User(Some((777, false)))).unwrap();
        sqlite
            .save(Change::Updates(UpdateState {
                pts: 31,
                qts: 1,
                date: 2,
                seq: 3,
            }))
            .unwrap();
        sqlite.save(Change::ChannelPts(99, 12)).unwrap();
        sqlite.save(Change::Peers(peers.clone())).unwrap();
        sqlite.flush().unwrap();
    }
    let name = account("migrated");
    let bin = env!("CARGO_BIN_EXE_oxigram");
    let migrate = || {
        std::process::Command::new(bin)
            .args([
                "session",
                "migrate",
                "--postgres",
                &url,
                "--account",
                &name,
                "--json",
            ])
            .arg(&file)
            .output()
            .unwrap()
    };
    let output = migrate();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["peers"], 2500);
    assert_eq!(report["user_id"], 777);

    let expected = SqliteStorage::open(&file).unwrap().load().unwrap();
    let storage = PostgresStorage::open(config(&url, &name, "reader")).unwrap();
    assert_eq!(storage.load().unwrap(), expected);
    assert_eq!(storage.peers().unwrap(), peers);
    assert_eq!(
        storage
            .peer_by_username("user2500")
            .unwrap()
            .unwrap()
            .access_hash,
        17500
    );
    // The operator's view: held by the reader, with its token, then free.
    let lease = |url: &str| {
        let output = std::process::Command::new(bin)
            .args(["session", "leases", "--json", "--postgres", url])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let all: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        all.as_array()
            .unwrap()
            .iter()
            .find(|l| l["account"] == name.as_str())
            .cloned()
            .unwrap()
    };
    let held = lease(&url);
    assert_eq!(held["holder"], "reader");
    assert_eq!(held["held"], true);
    assert_eq!(held["token"], storage.token());
    assert!(held["expires_in_ms"].as_u64().unwrap() <= 2000);
    assert_eq!(held["queued"], 0);
    // An update queued for workers shows as the queue's depth.
    let producer = oxigram::storage::postgres::queue::QueueProducer::open(&url, &name).unwrap();
    let update = oxigram::types::RawUpdate {
        update: oxigram::tl::enums::Update::UserStatus(oxigram::tl::types::UpdateUserStatus {
            user_id: 1,
            status: oxigram::tl::enums::UserStatus::Empty,
        }),
        users: vec![],
        chats: vec![],
    };
    assert!(futures_executor::block_on(producer.push(&update, Some(1))).unwrap());
    assert_eq!(lease(&url)["queued"], 1);
    drop(storage);
    let free = lease(&url);
    assert_eq!(free["held"], false);
    assert_eq!(free["expires_in_ms"], serde_json::Value::Null);

    // A second time the account holds a session: refused, nothing overwritten.
    let again = migrate();
    assert_eq!(again.status.code(), Some(1));
    let message = String::from_utf8_lossy(&again.stderr);
    assert!(message.contains("holds a session already"), "{message}");
}

/// What the lease prevents, and that the test DC sees it: two clients sharing a session
/// (here a string, no lease) carry one key on two connections at once.
#[test]
fn two_clients_on_one_session_are_seen_by_the_test_dc() {
    let env = Arc::new(Env::new());
    On::Tokio.run(support::within(Duration::from_secs(60), async {
        let first = On::Tokio
            .builder(&env, "first")
            .bot_token(BOT_TOKEN)
            .build()
            .await
            .unwrap();
        let bot_id = first.get_me().await.unwrap().id;
        assert_eq!(env.dc.peak_key_connections(bot_id), 1);
        let string = first
            .export_session_string(oxigram::storage::SessionFormat::Oxigram)
            .unwrap();
        let second = On::Tokio
            .builder(&env, "second")
            .session_string(string)
            .build()
            .await
            .unwrap();
        second.get_me().await.unwrap();
        first.get_me().await.unwrap();
        assert_eq!(env.dc.peak_key_connections(bot_id), 2);
        second.stop().await.unwrap();
        first.stop().await.unwrap();
    }));
    drop(env);
}
