//! Against a real PostgreSQL: the URL of a database the tests may fill is read from
//! `OXIGRAM_TEST_POSTGRES`. Without it the tests say they are skipped; with `CI` set they
//! fail instead, so CI cannot pass without running them.

use std::time::Duration;

use super::*;
use crate::proto::crypto::message::AuthKey;
use crate::storage::{DcSession, PeerKind, UpdateState};

// The integration tests' helpers: one definition of where the database is.
#[path = "../../../tests/postgres/common.rs"]
mod common;

pub(crate) use common::database;

/// An account name no other test uses.
fn account(test: &str) -> String {
    common::unique(test)
}

fn config(url: &str, account: &str, holder: &str) -> PostgresConfig {
    PostgresConfig::new(url, account)
        .holder(holder)
        .lease_ttl(Duration::from_millis(600))
}

fn peer(id: i64, hash: i64, names: &[&str], phone: Option<&str>) -> PeerRecord {
    PeerRecord {
        id,
        access_hash: hash,
        kind: PeerKind::User,
        usernames: names.iter().map(|n| n.to_string()).collect(),
        phone: phone.map(str::to_owned),
        updated_at: 1,
    }
}

#[test]
fn a_session_round_trips_and_peers_follow_the_cache_rules() {
    let Some(url) = database() else { return };
    let name = account("round-trip");
    let key = AuthKey::new([9; 256]);
    {
        let storage = PostgresStorage::open(config(&url, &name, "a")).unwrap();
        assert_eq!(storage.load().unwrap(), Session::default());
        storage
            .save(Change::Home {
                dc: 2,
                test_mode: true,
            })
            .unwrap();
        storage.save(Change::ApiId(77)).unwrap();
        storage
            .save(Change::Dc(
                2,
                DcSession {
                    address: Some("127.0.0.1:4430".parse().unwrap()),
                    auth_key: Some(key.clone()),
                    authorized: true,
                },
            ))
            .unwrap();
        storage.save(Change::User(Some((555, true)))).unwrap();
        storage
            .save(Change::Updates(UpdateState {
                pts: 10,
                qts: 2,
                date: 3,
                seq: 4,
            }))
            .unwrap();
        storage.save(Change::ChannelPts(1234, 99)).unwrap();
        storage
            .save(Change::Peers(vec![peer(1, 111, &["Alice"], Some("123"))]))
            .unwrap();
        // A min record keeps the hash and the phone; the username moves on.
        storage
            .save(Change::Peers(vec![peer(1, 0, &["alice2"], None)]))
            .unwrap();
        // Visible before it is written, and after.
        assert_eq!(storage.peer_by_id(1).unwrap().unwrap().access_hash, 111);
        storage.flush().unwrap();
        storage
            .save(Change::Peers(vec![peer(2, 222, &["alice"], None)]))
            .unwrap();
        storage.flush().unwrap();
    }
    let storage = PostgresStorage::open(config(&url, &name, "b")).unwrap();
    let session = storage.load().unwrap();
    assert_eq!(
        (session.home_dc, session.test_mode, session.api_id),
        (2, true, Some(77))
    );
    assert_eq!((session.user_id, session.is_bot), (Some(555), Some(true)));
    assert_eq!(session.dcs[&2].auth_key, Some(key));
    assert_eq!(session.updates.pts, 10);
    assert_eq!(session.channels[&1234], 99);
    let one = storage.peer_by_id(1).unwrap().unwrap();
    assert_eq!((one.access_hash, one.phone.as_deref()), (111, Some("123")));
    assert_eq!(one.usernames, ["alice2"]);
    assert_eq!(storage.peer_by_username("ALICE").unwrap().unwrap().id, 2);
    assert_eq!(storage.peer_by_phone("123").unwrap().unwrap().id, 1);
    assert_eq!(storage.peers().unwrap().len(), 2);
    // Signing out clears the authorizations but keeps the keys.
    storage.save(Change::User(None)).unwrap();
    let session = storage.load().unwrap();
    assert_eq!(session.user_id, None);
    assert!(!session.dcs[&2].authorized && session.dcs[&2].auth_key.is_some());
}

#[test]
fn accounts_do_not_see_each_other() {
    let Some(url) = database() else { return };
    let (a, b) = (account("one"), account("two"));
    let first = PostgresStorage::open(config(&url, &a, "x")).unwrap();
    let second = PostgresStorage::open(config(&url, &b, "x")).unwrap();
    first
        .save(Change::Peers(vec![peer(5, 50, &["five"], None)]))
        .unwrap();
    first.save(Change::ApiId(1)).unwrap();
    first.flush().unwrap();
    assert_eq!(second.peer_by_id(5).unwrap(), None);
    assert_eq!(second.peer_by_username("five").unwrap(), None);
    assert_eq!(second.load().unwrap().api_id, None);
}

#[test]
fn a_held_lease_keeps_others_out_and_a_given_back_one_is_taken_at_once() {
    let Some(url) = database() else { return };
    let name = account("held");
    let first = PostgresStorage::open(config(&url, &name, "first")).unwrap();
    // Held past several renewals: still refused.
    std::thread::sleep(Duration::from_millis(1500));
    match PostgresStorage::open(config(&url, &name, "second")) {
        Err(StorageError::LeaseHeld { holder, expires_in }) => {
            assert_eq!(holder, "first");
            assert!(expires_in <= Duration::from_millis(600), "{expires_in:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(first.lease_lost(), None);
    let token = first.token();
    drop(first);
    // Given back: taken without waiting for the expiry, with the next token.
    let second = PostgresStorage::open(config(&url, &name, "second")).unwrap();
    assert_eq!(second.token(), token + 1);
}

#[test]
fn a_session_that_fails_to_open_after_taking_the_lease_gives_it_back() {
    let Some(url) = database() else { return };
    let name = account("open-fails");
    // A role the database lets open one connection: the lease is taken on it, and the
    // reader's connection is then refused.
    let role = format!(
        "oxigram_one_{}",
        name.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    );
    let mut admin = connect(&url).unwrap();
    schema::migrate(&mut admin).unwrap();
    admin
        .batch_execute(&format!(
            "CREATE ROLE \"{role}\" LOGIN CONNECTION LIMIT 1;
             GRANT USAGE, CREATE ON SCHEMA public TO \"{role}\";
             GRANT ALL ON ALL TABLES IN SCHEMA public TO \"{role}\";
             GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO \"{role}\";"
        ))
        .unwrap();
    let parsed: postgres::Config = url.parse().unwrap();
    let host = match &parsed.get_hosts()[0] {
        postgres::config::Host::Tcp(host) => host.clone(),
        other => panic!("the tests' database is reached over TCP, not {other:?}"),
    };
    let one = format!(
        "host={host} port={} dbname={} user={role}",
        parsed.get_ports()[0],
        parsed.get_dbname().unwrap_or("postgres"),
    );
    let refused = PostgresStorage::open(config(&one, &name, "one connection"));
    let cleanup = |admin: &mut Client| {
        admin
            .batch_execute(&format!("DROP OWNED BY \"{role}\"; DROP ROLE \"{role}\";"))
            .unwrap()
    };
    match refused {
        Err(StorageError::Database(why)) if why.contains("too many connections") => {}
        Err(other) => {
            cleanup(&mut admin);
            panic!("not the refused connection: {other:?}")
        }
        Ok(_) => {
            cleanup(&mut admin);
            panic!("a role limited to one connection opened a session")
        }
    }
    // Given back as the open failed: taken at once (the lease is 600 ms long), with the
    // next token.
    let next = PostgresStorage::open(config(&url, &name, "next"));
    cleanup(&mut admin);
    let next = next.expect("the lease was given back");
    assert_eq!(next.token(), 2);
}

#[test]
fn a_standby_takes_over_once_the_holder_is_gone() {
    let Some(url) = database() else { return };
    let name = account("standby");
    let first = PostgresStorage::open(config(&url, &name, "first")).unwrap();
    first.save(Change::ApiId(9)).unwrap();
    first.flush().unwrap();
    // The holder dies without giving the lease back: its renewals stop.
    first.lease.lose("simulated death".into(), &first.shared);
    let started = Instant::now();
    let standby = PostgresStorage::open(
        config(&url, &name, "standby").wait_for_lease(Duration::from_secs(10)),
    )
    .unwrap();
    // It waited for the rest of the lease, not for the whole wait allowed.
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(standby.load().unwrap().api_id, Some(9));
    assert_eq!(standby.token(), first.token() + 1);
}

#[test]
fn a_holder_whose_lease_was_taken_writes_nothing_and_says_so() {
    let Some(url) = database() else { return };
    let name = account("fenced");
    let first = PostgresStorage::open(config(&url, &name, "first")).unwrap();
    let (told, heard) = std::sync::mpsc::channel();
    first.on_revoked(Box::new(move |e| told.send(e.to_string()).unwrap()));
    // Another process steals the lease (as if this one had been paused past it): the
    // row says so, whatever this process believes.
    let mut conn = connect(&url).unwrap();
    conn.execute(
        "UPDATE oxigram_leases SET holder = 'thief', token = token + 1,
             expires_at = now() + interval '1 hour' WHERE account = $1",
        &[&name],
    )
    .unwrap();
    first.save(Change::ApiId(1)).unwrap();
    match first.flush() {
        Err(StorageError::WriterStopped(reason)) => assert!(reason.contains("lease"), "{reason}"),
        other => panic!("{other:?}"),
    }
    let reason = heard.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(reason.contains("lease was lost"), "{reason}");
    assert!(matches!(
        first.save(Change::ApiId(2)),
        Err(StorageError::WriterStopped(_))
    ));
    // Nothing of it reached the database.
    let row = conn
        .query_one(
            "SELECT api_id FROM oxigram_accounts WHERE account = $1",
            &[&name],
        )
        .unwrap();
    assert_eq!(row.get::<_, Option<i32>>(0), None);
    // Registered after the loss: told at once.
    let (told, heard) = std::sync::mpsc::channel();
    first.on_revoked(Box::new(move |e| told.send(e.to_string()).unwrap()));
    assert!(heard.try_recv().is_ok());
}

#[test]
fn a_renewal_refused_loses_the_lease_without_any_write() {
    let Some(url) = database() else { return };
    let name = account("renewal");
    let first = PostgresStorage::open(config(&url, &name, "first")).unwrap();
    let (told, heard) = std::sync::mpsc::channel();
    first.on_revoked(Box::new(move |e| told.send(e.to_string()).unwrap()));
    let mut conn = connect(&url).unwrap();
    conn.execute(
        "UPDATE oxigram_leases SET token = token + 1 WHERE account = $1",
        &[&name],
    )
    .unwrap();
    // The next renewal (a third of the lease away) finds another token.
    let reason = heard.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(reason.contains("another process"), "{reason}");
    assert!(first.lease_lost().is_some());
}

#[test]
fn a_newer_schema_is_refused() {
    let Some(url) = database() else { return };
    // A schema of its own, so that the version written does not disturb other tests.
    let mut conn = connect(&url).unwrap();
    let schema = format!("newer_{}", std::process::id());
    conn.batch_execute(&format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};
         CREATE TABLE {schema}.oxigram_schema (version integer NOT NULL);
         INSERT INTO {schema}.oxigram_schema VALUES ({});",
        SCHEMA_VERSION + 1
    ))
    .unwrap();
    let scoped = format!("{url} options=-csearch_path={schema}");
    let url = if url.contains("://") {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}options=-csearch_path%3D{schema}")
    } else {
        scoped
    };
    match PostgresStorage::open(config(&url, "any", "x")) {
        Err(StorageError::NewerSchema { found, known }) => {
            assert_eq!(
                (found, known),
                (i64::from(SCHEMA_VERSION) + 1, i64::from(SCHEMA_VERSION))
            );
        }
        other => panic!("{other:?}"),
    }
    conn.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .unwrap();
}

#[test]
fn a_renewal_that_hangs_gives_the_lease_up_before_it_runs_out() {
    let Some(url) = database() else { return };
    let name = account("hang");
    let ttl = Duration::from_millis(600);
    let first = PostgresStorage::open(config(&url, &name, "first")).unwrap();
    let (told, heard) = std::sync::mpsc::channel();
    first.on_revoked(Box::new(move |e| told.send(e.to_string()).unwrap()));
    // Another transaction holds the lease's row: the renewal waits for it, and would
    // wait for ever.
    let mut conn = connect(&url).unwrap();
    let mut tx = conn.transaction().unwrap();
    tx.execute(
        "SELECT 1 FROM oxigram_leases WHERE account = $1 FOR UPDATE",
        &[&name],
    )
    .unwrap();
    let locked = Instant::now();
    let reason = heard.recv_timeout(Duration::from_secs(5)).unwrap();
    // Given up before the lease could have run out: at most the whole lease after the
    // last renewal, which came before the row was locked.
    assert!(locked.elapsed() < ttl, "{:?}", locked.elapsed());
    assert!(reason.contains("not renewed in time"), "{reason}");
    tx.rollback().unwrap();
}

mod queue {
    use std::future::Future;
    use std::time::Duration;

    use futures_executor::block_on;
    use oxigram_tl::{enums, types};

    use super::{account, database};
    use crate::storage::postgres::queue::{ConsumerConfig, QueueConsumer, QueueProducer};
    use crate::types::RawUpdate;

    fn status(user: i64, was_online: i32) -> RawUpdate {
        RawUpdate {
            update: enums::Update::UserStatus(types::UpdateUserStatus {
                user_id: user,
                status: enums::UserStatus::Offline(types::UserStatusOffline { was_online }),
            }),
            users: vec![crate::types::testing::user(user, "Ann")],
            chats: vec![],
        }
    }

    fn was_online(update: &RawUpdate) -> i32 {
        match &update.update {
            enums::Update::UserStatus(u) => match &u.status {
                enums::UserStatus::Offline(o) => o.was_online,
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }

    fn per_chat(batch: usize) -> ConsumerConfig {
        ConsumerConfig {
            batch,
            per_chat: true,
        }
    }

    #[test]
    fn updates_come_back_whole_and_a_repeat_is_dropped_while_queued() {
        let Some(url) = database() else { return };
        let name = account("queue-whole");
        let producer = QueueProducer::open(&url, &name).unwrap();
        let update = status(7, 100);
        assert!(block_on(producer.push(&update, Some(7))).unwrap());
        // The same update again (a successor queueing what its predecessor had).
        assert!(!block_on(producer.push(&update, Some(7))).unwrap());
        assert_eq!(block_on(producer.depth()).unwrap().0, 1);
        let consumer = QueueConsumer::open(&url, &name, per_chat(10)).unwrap();
        let taken = block_on(consumer.take()).unwrap();
        assert_eq!(taken.len(), 1);
        assert_eq!(taken[0].chat, Some(7));
        assert_eq!(was_online(&taken[0].update), 100);
        assert_eq!(taken[0].update.users, update.users);
        block_on(consumer.done()).unwrap();
        assert_eq!(block_on(producer.depth()).unwrap().0, 0);
    }

    #[test]
    fn a_chat_held_by_one_worker_is_taken_by_no_other_until_done() {
        let Some(url) = database() else { return };
        let name = account("queue-order");
        let producer = QueueProducer::open(&url, &name).unwrap();
        for (chat, n) in [(1, 1), (1, 2), (2, 3)] {
            block_on(producer.push(&status(chat, n), Some(chat))).unwrap();
        }
        let numbers = |taken: Vec<crate::storage::postgres::queue::Queued>| -> Vec<i32> {
            taken.iter().map(|q| was_online(&q.update)).collect()
        };
        // A batch of 4 takes one chat at a time: the oldest first, whole.
        let first = QueueConsumer::open(&url, &name, per_chat(4)).unwrap();
        assert_eq!(numbers(block_on(first.take()).unwrap()), [1, 2]);
        let second = QueueConsumer::open(&url, &name, per_chat(4)).unwrap();
        assert_eq!(numbers(block_on(second.take()).unwrap()), [3]);
        block_on(second.done()).unwrap();
        // More for chat 1 while the first holds it: nobody else takes it.
        block_on(producer.push(&status(1, 4), Some(1))).unwrap();
        let (got, third_took) = std::sync::mpsc::channel();
        let waiting = std::thread::spawn({
            let (url, name) = (url.clone(), name.clone());
            move || {
                let third = QueueConsumer::open(&url, &name, per_chat(4)).unwrap();
                let taken = block_on(third.take()).unwrap();
                got.send(
                    taken
                        .iter()
                        .map(|q| was_online(&q.update))
                        .collect::<Vec<_>>(),
                )
                .unwrap();
                block_on(third.done()).unwrap();
            }
        });
        assert!(third_took.recv_timeout(Duration::from_millis(300)).is_err());
        block_on(first.done()).unwrap();
        assert_eq!(
            third_took.recv_timeout(Duration::from_secs(5)).unwrap(),
            [4]
        );
        waiting.join().unwrap();
    }

    /// A `take` raced against something else and dropped (a shutdown signal won, say)
    /// stops waiting: the consumer can be dropped, and the rows queued afterwards go to
    /// the next taker. Before, the consumer's thread went on looking at the empty queue
    /// for ever, and dropping the consumer waited for it.
    #[test]
    fn a_take_given_up_leaves_the_consumer_free_to_close() {
        let Some(url) = database() else { return };
        let name = account("queue-given-up");
        let consumer = QueueConsumer::open(&url, &name, per_chat(10)).unwrap();
        {
            let mut take = std::pin::pin!(consumer.take());
            let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
            assert!(
                take.as_mut().poll(&mut cx).is_pending(),
                "the queue is empty"
            );
        }
        let (closed, was_closed) = std::sync::mpsc::channel();
        let closing = std::thread::spawn(move || {
            drop(consumer);
            closed.send(()).unwrap();
        });
        // A generous bound: the wait looks at the caller every `IDLE_POLL`.
        was_closed
            .recv_timeout(Duration::from_secs(10))
            .expect("the consumer closed");
        closing.join().unwrap();
        let producer = QueueProducer::open(&url, &name).unwrap();
        block_on(producer.push(&status(3, 30), Some(3))).unwrap();
        let next = QueueConsumer::open(&url, &name, per_chat(10)).unwrap();
        assert_eq!(was_online(&block_on(next.take()).unwrap()[0].update), 30);
        block_on(next.done()).unwrap();
    }

    /// Producers and workers announce the account's queue on `CHANNEL` when rows go in
    /// and when a worker's are done (releasing the chats it held), so that waiting
    /// workers look at once; nothing is announced for a repeat that was dropped.
    #[test]
    fn queued_and_done_rows_are_announced_to_waiting_workers() {
        use postgres::fallible_iterator::FallibleIterator;

        let Some(url) = database() else { return };
        let name = account("queue-news");
        let mut listener = crate::storage::postgres::connect(&url).unwrap();
        listener
            .batch_execute(&format!(
                "LISTEN {}",
                crate::storage::postgres::queue::CHANNEL
            ))
            .unwrap();
        // How many times `name` is announced: waiting up to `first` for the first
        // announcement, then until half a second passes without another (the other
        // tests' accounts are announced on the same channel, and pass by).
        let heard = |listener: &mut postgres::Client, first: Duration| -> usize {
            let mut news = listener.notifications();
            let mut times = 0;
            let mut until = std::time::Instant::now() + first;
            loop {
                let left = until.saturating_duration_since(std::time::Instant::now());
                if left.is_zero() {
                    return times;
                }
                match news.timeout_iter(left).next().unwrap() {
                    Some(n) if n.payload() == name => {
                        times += 1;
                        until = std::time::Instant::now() + Duration::from_millis(500);
                    }
                    Some(_) => {}
                    None => return times,
                }
            }
        };
        // Long enough on a loaded machine for what is expected; what is not expected
        // would come as soon.
        let (expected, unexpected) = (Duration::from_secs(10), Duration::from_secs(1));
        let producer = QueueProducer::open(&url, &name).unwrap();
        let update = status(4, 40);
        assert!(block_on(producer.push(&update, Some(4))).unwrap());
        assert_eq!(heard(&mut listener, expected), 1);
        assert!(!block_on(producer.push(&update, Some(4))).unwrap());
        assert_eq!(
            heard(&mut listener, unexpected),
            0,
            "a dropped repeat is not news"
        );
        let batch = [(status(4, 41), Some(4)), (status(5, 50), Some(5))];
        assert_eq!(block_on(producer.push_all(&batch)).unwrap(), 2);
        assert_eq!(
            heard(&mut listener, expected),
            1,
            "one announcement a batch"
        );
        let consumer = QueueConsumer::open(&url, &name, per_chat(10)).unwrap();
        assert_eq!(block_on(consumer.take()).unwrap().len(), 3);
        assert_eq!(heard(&mut listener, unexpected), 0, "taking is not news");
        block_on(consumer.done()).unwrap();
        assert_eq!(heard(&mut listener, expected), 1);
    }

    /// The looks stay ordered index scans that stop at the batch's end when the
    /// statistics say the queue's table is nearly empty (as after a vacuum of an
    /// emptied queue), so a burst of rows cannot make each look read them all, per chat.
    #[test]
    fn looks_walk_the_indexes_whatever_the_statistics_say() {
        use crate::storage::postgres::queue::{LOOK_PLANS, TAKE_ANY, TAKE_PER_CHAT};

        let Some(url) = database() else { return };
        let name = account("queue-plans");
        // Opening the producer creates the tables.
        let _producer = QueueProducer::open(&url, &name).unwrap();
        let mut conn = crate::storage::postgres::connect(&url).unwrap();
        // Setting statistics takes a superuser (as the throwaway server's user is).
        let superuser: bool = conn
            .query_one(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
                &[],
            )
            .unwrap()
            .get(0);
        if !superuser {
            eprintln!("skipped: the test database's user cannot set statistics");
            return;
        }
        conn.batch_execute(LOOK_PLANS).unwrap();
        let mut tx = conn.transaction().unwrap();
        // Statistics as an emptied queue leaves them; undone with the transaction.
        tx.execute(
            "UPDATE pg_class SET reltuples = 2, relpages = 7000
             WHERE relname LIKE 'oxigram_update_queue%' AND relkind IN ('r', 'i')",
            &[],
        )
        .unwrap();
        let (batch, chats) = (64i64, 16i64);
        let looks: [(&str, &[&(dyn postgres::types::ToSql + Sync)]); 2] = [
            (TAKE_PER_CHAT, &[&name, &batch, &chats]),
            (TAKE_ANY, &[&name, &batch]),
        ];
        for (look, params) in looks {
            let plan: Vec<String> = tx
                .query(&format!("EXPLAIN {look}"), params)
                .unwrap()
                .iter()
                .map(|row| row.get(0))
                .collect();
            let plan = plan.join("\n");
            for slow in ["Seq Scan", "Bitmap", "Sort"] {
                assert!(!plan.contains(slow), "{slow} in the plan:\n{plan}");
            }
        }
    }

    #[test]
    fn what_a_dead_worker_took_goes_to_another() {
        let Some(url) = database() else { return };
        let name = account("queue-dead");
        let producer = QueueProducer::open(&url, &name).unwrap();
        block_on(producer.push(&status(5, 9), Some(5))).unwrap();
        let doomed = QueueConsumer::open(&url, &name, per_chat(10)).unwrap();
        assert_eq!(block_on(doomed.take()).unwrap().len(), 1);
        // Gone without marking it done: its transaction goes, and the row is free.
        drop(doomed);
        let other = QueueConsumer::open(&url, &name, per_chat(10)).unwrap();
        let taken = block_on(other.take()).unwrap();
        assert_eq!(was_online(&taken[0].update), 9);
        block_on(other.done()).unwrap();
    }
}
