//! Chaos: twenty accounts (ten bots, ten users homed on DCs 1 to 3) with their sessions
//! in PostgreSQL, served by three worker processes that are killed with SIGKILL at
//! random and started again, while messages keep coming. Checked at the end:
//!
//! - the test DC never saw one account's key on two connections at once;
//! - after each kill, every account the dead worker held had a new holder within the
//!   lease (plus the workers' polling and a little slack for a loaded machine);
//! - every message was handled, and none twice by one holding of a lease: a repeat
//!   comes only from a successor, for an update its predecessor took but may not have
//!   handled (the stated guarantee: at least once for handlers, exactly once for the
//!   update state).
//!
//! Its own harness: the binary is also the worker it starts (`OXIGRAM_CHAOS_WORKER`
//! set). Needs `OXIGRAM_TEST_POSTGRES` (skipped without it, failed with `CI` set).
//! `OXIGRAM_CHAOS_SECONDS` sets how long the kills go on (default 180) and
//! `OXIGRAM_CHAOS_SEED` the random choices (printed at the start, to replay a run).

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const WORKERS: usize = 3;
const BOTS: usize = 10;
const USERS: usize = 10;
const LEASE: Duration = Duration::from_secs(2);
/// How often a worker looks for accounts nobody holds.
const POLL: Duration = Duration::from_millis(100);
/// What a loaded machine may add to a takeover beyond the lease and one poll.
const SLACK: Duration = Duration::from_millis(1500);
const DEFAULT_SECONDS: u64 = 180;
const API_ID: i32 = 4;

#[path = "postgres/common.rs"]
mod common;

use common::{database, decode_addresses, encode_addresses, report};

fn main() {
    if std::env::var_os("OXIGRAM_CHAOS_WORKER").is_some() {
        worker::main();
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        println!("chaos: test");
        return;
    }
    let Some(url) = database() else {
        report(0, 1);
        return;
    };
    parent::run(&url);
    report(1, 0);
}

/// A client of the test DC, as the parent and the workers build it.
fn builder(
    name: &str,
    pem: &str,
    dcs: &[(i16, SocketAddr)],
    media: &[(i16, SocketAddr)],
) -> oxigram::client::ClientBuilder {
    let mut builder = oxigram::Client::builder(name)
        .api_id(API_ID)
        .api_hash("hash")
        .test_mode(true)
        .server_key_pem(pem)
        .runtime(oxigram::tokio::Tokio);
    for &(dc, address) in dcs {
        builder = builder.dc_address(dc, address);
    }
    for &(dc, address) in media {
        builder = builder.dc_media_address(dc, address);
    }
    builder
}

fn lease_config(
    url: &str,
    account: &str,
    holder: &str,
) -> oxigram::storage::postgres::PostgresConfig {
    oxigram::storage::postgres::PostgresConfig::new(url, account)
        .holder(holder)
        .lease_ttl(LEASE)
}

/// The worker: serves every account whose lease it can take, records each message it
/// handles, until killed.
mod worker {
    use std::collections::HashSet;
    use std::sync::{Arc, Mutex};

    use oxigram::storage::StorageError;
    use oxigram::storage::postgres::PostgresStorage;
    use oxigram::types::Update;

    use super::*;

    struct Context {
        url: String,
        holder: String,
        pem: String,
        dcs: Vec<(i16, SocketAddr)>,
        media: Vec<(i16, SocketAddr)>,
        recorder: std::sync::mpsc::SyncSender<Record>,
    }

    /// A message handled: the account, its serial, the lease's token, and where to say
    /// it is written.
    type Record = (
        String,
        i64,
        i64,
        tokio::sync::oneshot::Sender<Result<(), String>>,
    );

    fn var(name: &str) -> String {
        std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"))
    }

    pub fn main() {
        let holder = var("OXIGRAM_CHAOS_WORKER");
        let url = var("OXIGRAM_TEST_POSTGRES");
        let run = var("OXIGRAM_CHAOS_RUN");
        let accounts: Vec<String> = var("OXIGRAM_CHAOS_ACCOUNTS")
            .split(',')
            .map(str::to_owned)
            .collect();
        let context = Arc::new(Context {
            recorder: recorder(url.clone(), run, holder.clone()),
            url: url.clone(),
            holder,
            pem: var("OXIGRAM_CHAOS_KEY"),
            dcs: decode_addresses(&var("OXIGRAM_CHAOS_DCS")),
            media: decode_addresses(&var("OXIGRAM_CHAOS_MEDIA")),
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let (free, mut frees) = tokio::sync::mpsc::channel::<String>(256);
            watch_free(url, accounts, free);
            let serving: Arc<Mutex<HashSet<String>>> = Arc::default();
            while let Some(name) = frees.recv().await {
                if !serving.lock().unwrap().insert(name.clone()) {
                    continue;
                }
                let (context, serving) = (context.clone(), serving.clone());
                tokio::spawn(async move {
                    if let Err(e) = serve(&name, &context).await {
                        eprintln!("{}: {name}: {e}", context.holder);
                    }
                    serving.lock().unwrap().remove(&name);
                });
            }
        });
    }

    /// Names the accounts whose lease has run out, every [`POLL`].
    fn watch_free(url: String, accounts: Vec<String>, free: tokio::sync::mpsc::Sender<String>) {
        std::thread::spawn(move || {
            let mut conn = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            loop {
                let rows = conn
                    .query(
                        "SELECT account FROM oxigram_leases
                         WHERE account = ANY($1) AND expires_at <= now()",
                        &[&accounts],
                    )
                    .unwrap();
                for row in rows {
                    if free.blocking_send(row.get(0)).is_err() {
                        return;
                    }
                }
                std::thread::sleep(POLL);
            }
        });
    }

    /// Writes what the handlers handled, one row each, and says when it is written.
    fn recorder(url: String, run: String, holder: String) -> std::sync::mpsc::SyncSender<Record> {
        let (records, received) = std::sync::mpsc::sync_channel::<Record>(64);
        std::thread::spawn(move || {
            let mut conn = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            for (account, serial, token, done) in received {
                let written = conn
                    .execute(
                        "INSERT INTO oxigram_chaos_handled (run, account, serial, token, holder)
                         VALUES ($1, $2, $3, $4, $5)",
                        &[&run, &account, &serial, &token, &holder],
                    )
                    .map(drop)
                    .map_err(|e| e.to_string());
                if done.send(written).is_err() {
                    return;
                }
            }
        });
        records
    }

    async fn serve(name: &str, context: &Context) -> Result<(), String> {
        let config = lease_config(&context.url, name, &context.holder);
        let opened = tokio::task::spawn_blocking(move || PostgresStorage::open(config))
            .await
            .map_err(|e| e.to_string())?;
        let storage = match opened {
            Ok(storage) => storage,
            // Another worker was quicker.
            Err(StorageError::LeaseHeld { .. }) => return Ok(()),
            Err(e) => return Err(e.to_string()),
        };
        let token = storage.token();
        let client = builder(name, &context.pem, &context.dcs, &context.media)
            .storage(storage)
            .build()
            .await
            .map_err(|e| e.to_string())?;
        loop {
            let update = client.next_update().await.map_err(|e| e.to_string())?;
            let Some(update) = update else { return Ok(()) };
            let Update::Message(message) = update else {
                continue;
            };
            let Some(serial) = message
                .text()
                .strip_prefix('c')
                .and_then(|s| s.parse().ok())
            else {
                continue;
            };
            // Handled once it is written; only then is the next update asked for.
            let (done, written) = tokio::sync::oneshot::channel();
            context
                .recorder
                .send((name.to_owned(), serial, token, done))
                .map_err(|e| e.to_string())?;
            written.await.map_err(|e| e.to_string())??;
        }
    }
}

/// The parent: sets the accounts up, runs and kills the workers, sends the messages,
/// checks the outcome.
mod parent {
    use std::collections::BTreeSet;
    use std::thread::JoinHandle;

    use oxigram::client::SignIn;
    use oxigram::storage::postgres::PostgresStorage;
    use oxigram_conformance::Env;

    use super::*;

    /// splitmix64: the random choices, replayable from the seed.
    struct Random(u64);

    impl Random {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    struct Setup {
        url: String,
        run: String,
        pem: String,
        dcs: Vec<(i16, SocketAddr)>,
        media: Vec<(i16, SocketAddr)>,
        /// Account names and user ids.
        accounts: Vec<(String, i64)>,
    }

    fn sql(url: &str) -> postgres::Client {
        postgres::Client::connect(url, postgres::NoTls).unwrap()
    }

    /// Signs every account in once, its session written to PostgreSQL, then gives its
    /// lease back.
    fn sign_in_accounts(env: &Env, setup: &mut Setup) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            for i in 0..BOTS + USERS {
                let name = format!("chaos-{}-{i}", setup.run);
                let config = lease_config(&setup.url, &name, "setup");
                let storage = tokio::task::spawn_blocking(move || PostgresStorage::open(config))
                    .await
                    .unwrap()
                    .unwrap();
                let builder = builder(&name, &setup.pem, &setup.dcs, &setup.media).storage(storage);
                let client = if i < BOTS {
                    let token = format!("{}:chaos{i}", 7_100_000 + i);
                    env.dc.create_bot(&token, &format!("chaos{i}_bot"));
                    builder.bot_token(token).build().await.unwrap()
                } else {
                    // Homed on DCs 1 to 3: signing in follows the phone's DC.
                    let dc = 1 + i % 3;
                    let phone = format!("99966{dc}{i:04}");
                    env.dc.create_user(&phone, "Chaos");
                    let client = builder.build().await.unwrap();
                    let sent = client.send_code(&phone).await.unwrap();
                    match client
                        .sign_in(&sent, &dc.to_string().repeat(5))
                        .await
                        .unwrap()
                    {
                        SignIn::Done(_) => {}
                        other => panic!("{other:?}"),
                    }
                    client
                };
                let id = client.get_me().await.unwrap().id;
                client.stop().await.unwrap();
                drop(client);
                setup.accounts.push((name, id));
            }
        });
    }

    fn spawn_worker(setup: &Setup, holder: &str) -> Child {
        let names: Vec<&str> = setup.accounts.iter().map(|(n, _)| n.as_str()).collect();
        Command::new(std::env::current_exe().unwrap())
            .env("OXIGRAM_CHAOS_WORKER", holder)
            .env("OXIGRAM_TEST_POSTGRES", &setup.url)
            .env("OXIGRAM_CHAOS_RUN", &setup.run)
            .env("OXIGRAM_CHAOS_ACCOUNTS", names.join(","))
            .env("OXIGRAM_CHAOS_KEY", &setup.pem)
            .env("OXIGRAM_CHAOS_DCS", encode_addresses(&setup.dcs))
            .env("OXIGRAM_CHAOS_MEDIA", encode_addresses(&setup.media))
            .spawn()
            .unwrap()
    }

    /// How long until every account `dead` held has another holder.
    fn takeover(
        url: String,
        dead: String,
        killed: Instant,
    ) -> JoinHandle<Result<Duration, String>> {
        std::thread::spawn(move || {
            let mut conn = sql(&url);
            let held: Vec<String> = conn
                .query(
                    "SELECT account FROM oxigram_leases WHERE holder = $1",
                    &[&dead],
                )
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            loop {
                let still = conn
                    .query(
                        "SELECT account FROM oxigram_leases
                         WHERE account = ANY($1) AND holder = $2",
                        &[&held, &dead],
                    )
                    .unwrap();
                if still.is_empty() {
                    return Ok(killed.elapsed());
                }
                if killed.elapsed() > Duration::from_secs(30) {
                    return Err(format!(
                        "{} accounts of {dead} not taken over in 30 s",
                        still.len()
                    ));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    }

    pub fn run(url: &str) {
        let seed = std::env::var("OXIGRAM_CHAOS_SEED").map_or_else(
            |_| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            },
            |s| s.parse().unwrap(),
        );
        let seconds: u64 =
            std::env::var("OXIGRAM_CHAOS_SECONDS").map_or(DEFAULT_SECONDS, |s| s.parse().unwrap());
        println!("chaos: seed {seed}, {seconds} s of kills");
        let mut random = Random(seed);
        let env = Env::new();
        let mut setup = Setup {
            url: url.to_owned(),
            run: format!("{}-{seed:x}", std::process::id()),
            pem: oxigram_testdc::pem::public_key_pem(env.dc.public_key()),
            dcs: env
                .dc
                .addresses()
                .iter()
                .map(|&(id, a)| (id as i16, a))
                .collect(),
            media: env
                .dc
                .addresses()
                .iter()
                .filter_map(|&(id, _)| Some((id as i16, env.dc.media_address(id)?)))
                .collect(),
            accounts: Vec::new(),
        };
        sql(url)
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS oxigram_chaos_handled (
                     run text NOT NULL, account text NOT NULL, serial bigint NOT NULL,
                     token bigint NOT NULL, holder text NOT NULL)",
            )
            .unwrap();
        sign_in_accounts(&env, &mut setup);
        let senders: Vec<i64> = (0..2)
            .map(|i| env.dc.create_user(&format!("44720000{i:02}"), "Sender"))
            .collect();

        let mut generation = 0;
        let mut holder = |slot: usize| {
            generation += 1;
            format!("{}-w{slot}-g{generation}", setup.run)
        };
        let mut workers: Vec<(String, Child)> = (0..WORKERS)
            .map(|slot| {
                let h = holder(slot);
                let child = spawn_worker(&setup, &h);
                (h, child)
            })
            .collect();
        let mut expected: BTreeMap<i64, usize> = BTreeMap::new();
        let mut takeovers = Vec::new();
        let started = Instant::now();
        let mut next_kill = started + Duration::from_millis(2000 + random.below(3000));
        let mut serial = 0i64;
        while started.elapsed() < Duration::from_secs(seconds) {
            let account = random.below(setup.accounts.len() as u64) as usize;
            let sender = senders[random.below(senders.len() as u64) as usize];
            env.dc
                .send_message(sender, setup.accounts[account].1, &format!("c{serial}"));
            expected.insert(serial, account);
            serial += 1;
            if Instant::now() >= next_kill {
                let slot = random.below(WORKERS as u64) as usize;
                let (dead, mut child) = std::mem::replace(&mut workers[slot], {
                    let h = holder(slot);
                    // Started before the kill below: a supervisor restarts at once, and
                    // the new one must still wait for the dead one's leases.
                    let child = spawn_worker(&setup, &h);
                    (h, child)
                });
                child.kill().unwrap();
                let killed = Instant::now();
                child.wait().unwrap();
                takeovers.push(takeover(url.to_owned(), dead, killed));
                next_kill = killed + Duration::from_millis(2000 + random.below(3000));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        println!("chaos: {serial} messages sent, {} kills", takeovers.len());

        // Everything sent is handled, sooner or later.
        let mut conn = sql(url);
        let deadline = Instant::now() + Duration::from_secs(120);
        let handled = loop {
            let rows = conn
                .query(
                    "SELECT serial, account, token FROM oxigram_chaos_handled WHERE run = $1",
                    &[&setup.run],
                )
                .unwrap();
            let handled: Vec<(i64, String, i64)> = rows
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect();
            let distinct: BTreeSet<i64> = handled.iter().map(|h| h.0).collect();
            if distinct.len() == expected.len() {
                break handled;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {} messages handled after the kills stopped",
                distinct.len(),
                expected.len()
            );
            std::thread::sleep(Duration::from_millis(200));
        };
        // Every kill's successors are in before the workers go: a kill in the last
        // moments may leave accounts with nothing more to handle, which only a live
        // worker can take over.
        let mut longest = Duration::ZERO;
        for takeover in takeovers {
            longest = longest.max(takeover.join().unwrap().unwrap());
        }
        for (_, mut child) in workers {
            child.kill().unwrap();
            child.wait().unwrap();
        }

        // Each by the account it was sent to, and twice only across holders.
        let mut seen: HashMap<(i64, i64), usize> = HashMap::new();
        let mut repeats = 0;
        for (serial, account, token) in &handled {
            let want = &setup.accounts[expected[serial]].0;
            assert_eq!(
                account, want,
                "message {serial} handled by the wrong account"
            );
            let times = seen.entry((*serial, *token)).or_default();
            *times += 1;
            assert_eq!(
                *times, 1,
                "message {serial} handled twice under token {token}"
            );
        }
        repeats += handled.len() - expected.len();
        println!(
            "chaos: {} handlings of {} messages ({repeats} repeated after a kill); \
             slowest takeover {longest:?} (lease {LEASE:?})",
            handled.len(),
            expected.len()
        );
        assert!(
            longest <= LEASE + POLL + SLACK,
            "an account waited {longest:?} for a new holder"
        );
        for (name, id) in &setup.accounts {
            assert_eq!(
                env.dc.peak_key_connections(*id),
                1,
                "{name}'s key was on two connections at once"
            );
        }
    }
}
