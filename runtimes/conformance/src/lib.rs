//! The conformance suite every runtime adapter runs against the test DC: the handshake,
//! 1,000 pipelined requests, updates, a connection dropped mid-flight (every request still
//! ends exactly once), keep-alive pings, and a clean close. Written once: [`run`] for the
//! async adapters, [`run_blocking`] for the blocking one.
#![allow(missing_docs)]

use std::future::{Future, poll_fn};
use std::net::SocketAddr;
use std::task::Poll;
use std::time::{Duration, Instant};

use bytes::Bytes;
use oxigram_runtime::{ClientConfig, ConnectError, InvokeError, Runtime, Timer, Update};
use oxigram_testdc::{Faults, TestDc, TestDcConfig};
use oxigram_tl::{Deserialize, Serialize, enums, functions};

pub const BOT_TOKEN: &str = "7000009:conformance";
const API_ID: i32 = 4;

/// A test DC running on a tokio runtime of its own (so any executor can be tested).
pub struct Env {
    pub dc: TestDc,
    /// Runs the test DC; its tasks stop when it drops.
    _runtime: tokio::runtime::Runtime,
    pub bot: i64,
    pub user: i64,
}

impl Default for Env {
    fn default() -> Self {
        Env::new()
    }
}

impl Env {
    pub fn new() -> Env {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let dc = runtime
            .block_on(TestDc::start(TestDcConfig::default()))
            .unwrap();
        let bot = dc.create_bot(BOT_TOKEN, "conformance_bot");
        let user = dc.create_user("9996621212", "Sender");
        Env {
            dc,
            _runtime: runtime,
            bot,
            user,
        }
    }

    pub fn address(&self) -> SocketAddr {
        self.dc.address(2).unwrap()
    }

    /// A client configuration for DC 2 trusting the test DC's key.
    pub fn config(&self) -> ClientConfig {
        let mut config = ClientConfig::new(self.address(), 2, API_ID);
        config.test_dc = true;
        config.keys = vec![self.dc.public_key().clone()];
        config.ping_interval = Duration::from_millis(300);
        config
    }
}

/// The bot sign-in request the suite uses.
pub fn sign_in() -> functions::auth::ImportBotAuthorization {
    functions::auth::ImportBotAuthorization {
        flags: 0,
        api_id: API_ID,
        api_hash: "hash".into(),
        bot_auth_token: BOT_TOKEN.into(),
    }
}

/// Races `future` against `runtime`'s timer.
async fn timeout<R: Runtime, T>(
    runtime: &R,
    limit: Duration,
    future: impl Future<Output = T>,
) -> T {
    let mut future = std::pin::pin!(future);
    let mut timer = runtime.timer();
    timer.reset(Instant::now() + limit);
    poll_fn(|cx| {
        if let Poll::Ready(v) = future.as_mut().poll(cx) {
            return Poll::Ready(v);
        }
        if timer.poll_expired(cx).is_ready() {
            panic!("timed out after {limit:?}");
        }
        Poll::Pending
    })
    .await
}

/// The blocking client's surface, as the suite uses it (implemented in the blocking
/// adapter's tests, which this crate cannot depend on).
pub trait BlockingLike: Sized + Sync {
    /// Connects.
    fn connect(config: ClientConfig) -> Result<Self, ConnectError>;
    /// Sends a raw request and blocks for its answer.
    fn invoke_raw_blocking(&self, body: Bytes) -> Result<Bytes, InvokeError>;
    /// Waits for the next update.
    fn next_update_blocking(&self, timeout: Duration) -> Option<Update>;
    /// Closes.
    fn close_blocking(&mut self);
}

fn text_of(update: &Update) -> String {
    oxigram_testdc::pushed_message_text(update.constructor_id, &update.body)
        .expect("an updates object carrying a new message")
}

/// Every scenario on an async runtime.
pub async fn run<R: Runtime>(runtime: R, env: &Env) {
    use oxigram_runtime::Client;
    let limit = Duration::from_secs(60);

    // The handshake, and the first request (inside initConnection).
    let client = Client::connect(runtime.clone(), env.config())
        .await
        .unwrap();
    let enums::Config::Config(config) = timeout(
        &runtime,
        limit,
        client.invoke(&functions::help::GetConfig {}),
    )
    .await
    .unwrap();
    assert_eq!(config.this_dc, 2);
    timeout(&runtime, limit, client.invoke(&sign_in()))
        .await
        .unwrap();

    // 1,000 pipelined requests, each answered.
    let states = timeout(
        &runtime,
        limit,
        futures_util::future::join_all(
            (0..1000).map(|_| client.invoke(&functions::updates::GetState {})),
        ),
    )
    .await;
    assert!(states.iter().all(|s| s.is_ok()));

    // Updates arrive.
    env.dc.send_message(env.user, env.bot, "update for you");
    let update = timeout(&runtime, limit, client.next_update())
        .await
        .unwrap();
    assert_eq!(text_of(&update), "update for you");

    // The server drops the connection every 100 requests: 300 requests in flight still
    // end exactly once each (here all answered: the core recovers them).
    env.dc.set_faults(Faults {
        drop_after_requests: Some(100),
        ..Faults::default()
    });
    let results = timeout(
        &runtime,
        limit,
        futures_util::future::join_all(
            (0..300).map(|_| client.invoke(&functions::updates::GetState {})),
        ),
    )
    .await;
    env.dc.set_faults(Faults::default());
    assert_eq!(results.len(), 300);
    assert!(
        results.iter().all(|r| r.is_ok()),
        "{:?}",
        results.iter().find(|r| r.is_err())
    );

    // Keep-alive pings go out on an idle connection.
    let before = env.dc.keepalives();
    oxigram_runtime::sleep_until(&runtime, Instant::now() + Duration::from_millis(900)).await;
    assert!(env.dc.keepalives() > before, "no keep-alive ping");
    assert!(
        client
            .invoke(&functions::updates::GetState {})
            .await
            .is_ok()
    );

    // A clean close: nothing more goes through.
    client.close().await;
    assert_eq!(
        client
            .invoke(&functions::updates::GetState {})
            .await
            .unwrap_err(),
        InvokeError::Closed
    );
}

/// Every scenario on the blocking client.
pub fn run_blocking<C: BlockingLike>(env: &Env) {
    let client = C::connect(env.config()).unwrap();
    let answer = client.invoke_raw_blocking(functions::help::GetConfig {}.to_bytes().into());
    let enums::Config::Config(config) = enums::Config::from_bytes(&answer.unwrap()).unwrap();
    assert_eq!(config.this_dc, 2);
    client
        .invoke_raw_blocking(sign_in().to_bytes().into())
        .unwrap();

    // 1,000 requests pipelined from 50 threads.
    std::thread::scope(|scope| {
        for _ in 0..50 {
            scope.spawn(|| {
                for _ in 0..20 {
                    assert!(client.invoke_raw_blocking(state_request()).is_ok());
                }
            });
        }
    });

    env.dc.send_message(env.user, env.bot, "update for you");
    let update = client
        .next_update_blocking(Duration::from_secs(30))
        .unwrap();
    assert_eq!(text_of(&update), "update for you");

    env.dc.set_faults(Faults {
        drop_after_requests: Some(100),
        ..Faults::default()
    });
    let ok = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..6)
            .map(|_| {
                scope.spawn(|| {
                    (0..50)
                        .filter(|_| client.invoke_raw_blocking(state_request()).is_ok())
                        .count()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap())
            .sum::<usize>()
    });
    env.dc.set_faults(Faults::default());
    assert_eq!(ok, 300);

    let before = env.dc.keepalives();
    std::thread::sleep(Duration::from_millis(900));
    assert!(env.dc.keepalives() > before, "no keep-alive ping");

    let mut client = client;
    client.close_blocking();
    assert_eq!(
        client.invoke_raw_blocking(state_request()).unwrap_err(),
        InvokeError::Closed
    );
}

fn state_request() -> Bytes {
    functions::updates::GetState {}.to_bytes().into()
}
