//! The conformance suite every runtime adapter runs against the test DC: the handshake,
//! 1,000 pipelined requests, updates (an answer's among them where it was read), a
//! connection dropped mid-flight (every request still ends exactly once), keep-alive
//! pings, and a clean close; then the same through every kind of proxy and MTProxy
//! secret ([`run_proxies`]). Written once: [`run`] for the async adapters,
//! [`run_blocking`] for the blocking one.
#![allow(missing_docs)]

mod proxies;
mod relay;

pub use proxies::{ProxyEnv, run_proxies, run_proxies_blocking};
pub use relay::{Protocol, Relay};

use std::future::{Future, poll_fn};
use std::net::SocketAddr;
use std::task::Poll;
use std::time::{Duration, Instant};

use bytes::Bytes;
use oxigram_proto::connection::ConnectionError;
use oxigram_proto::crypto::message::AuthKey;
use oxigram_proto::handshake::AuthKeyOutcome;
use oxigram_proto::session::{RequestError, RpcError, ServerQuirks};
use oxigram_runtime::{
    ClientConfig, ClientEvent, ConnectError, Connection, InvokeError, InvokeOptions, LinkError,
    ReconnectPolicy, Runtime, Timer, Update,
};
use oxigram_testdc::{Faults, TestDc, TestDcConfig};
use oxigram_tl::{Deserialize, Serialize, enums, functions, types};

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
        Env::with(TestDcConfig::default())
    }

    /// A test DC whose sessions bend the protocol as `quirks` say.
    pub fn with_quirks(quirks: ServerQuirks) -> Env {
        let mut config = TestDcConfig::default();
        config.session.quirks = quirks;
        Env::with(config)
    }

    pub fn with(config: TestDcConfig) -> Env {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let dc = runtime.block_on(TestDc::start(config)).unwrap();
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
    /// Sends a raw request with a timeout of its own.
    fn invoke_raw_timeout(&self, body: Bytes, timeout: Duration) -> Result<Bytes, InvokeError>;
    /// Sends a raw request with options.
    fn invoke_raw_options(&self, body: Bytes, options: InvokeOptions)
    -> Result<Bytes, InvokeError>;
    /// Requests waiting for their answer.
    fn pending(&self) -> usize;
    /// Waits for the next client event.
    fn next_event_blocking(&self, timeout: Duration) -> Option<ClientEvent>;
    /// Closes.
    fn close_blocking(&mut self);
}

/// `messages.sendMessage` to whoever sent `pushed` (a new private message), with the
/// access hash the push carried.
fn reply_to_sender(pushed: &Update, random_id: i64) -> Bytes {
    let enums::Updates::Updates(updates) = enums::Updates::from_bytes(&pushed.body).unwrap() else {
        panic!("a new message comes as `updates`");
    };
    let enums::Update::NewMessage(new) = &updates.updates[0] else {
        panic!("a new message first");
    };
    let enums::Message::Message(message) = &new.message else {
        panic!("a message");
    };
    let Some(enums::Peer::User(from)) = &message.from_id else {
        panic!("from a user");
    };
    let access_hash = updates
        .users
        .iter()
        .find_map(|u| match u {
            enums::User::User(u) if u.id == from.user_id => u.access_hash,
            _ => None,
        })
        .expect("the sender's access hash");
    let peer = enums::InputPeer::User(types::InputPeerUser {
        user_id: from.user_id,
        access_hash,
    });
    oxigram_testdc::send_message_request(peer, "a reply", random_id)
        .to_bytes()
        .into()
}

fn text_of(update: &Update) -> String {
    oxigram_testdc::pushed_message_text(update.constructor_id, &update.body)
        .expect("an updates object carrying a new message")
}

/// Every scenario on an async runtime.
pub async fn run<R: Runtime>(runtime: R, env: &Env) {
    let limit = Duration::from_secs(60);

    // The handshake, and the first request (inside initConnection).
    let client = Connection::connect(runtime.clone(), env.config())
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

    // An answer that carries updates, asked with `queue_updates`, is queued where it was
    // read: before what the server pushed after it, however late its caller reads it.
    let options = InvokeOptions::default().queue_updates(true);
    let request = client.invoke_raw_with(reply_to_sender(&update, 1), options);
    let answer = timeout(&runtime, limit, request).await.unwrap();
    env.dc.send_message(env.user, env.bot, "after the answer");
    let queued = timeout(&runtime, limit, client.next_update())
        .await
        .unwrap();
    assert_eq!(queued.body, answer);
    let pushed = timeout(&runtime, limit, client.next_update())
        .await
        .unwrap();
    assert_eq!(text_of(&pushed), "after the answer");
    // Without it, only what was pushed is.
    let request = client.invoke_raw(reply_to_sender(&update, 2));
    timeout(&runtime, limit, request).await.unwrap();
    env.dc.send_message(env.user, env.bot, "after another");
    let pushed = timeout(&runtime, limit, client.next_update())
        .await
        .unwrap();
    assert_eq!(text_of(&pushed), "after another");

    // The server drops the connection every 100 requests: 300 requests in flight still
    // end exactly once each (here all answered: the core recovers them).
    let results = states_while_dropping(&runtime, env, &client, 100, 300).await;
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

    // A request whose future is dropped before its answer: its waiter is forgotten
    // (and the server told to drop the answer); nothing is left behind.
    env.dc.set_faults(Faults {
        delay: Duration::from_millis(300),
        ..Faults::default()
    });
    {
        let request = functions::updates::GetState {};
        let mut call = std::pin::pin!(client.invoke(&request));
        poll_fn(|cx| {
            assert!(call.as_mut().poll(cx).is_pending(), "answered at once");
            Poll::Ready(())
        })
        .await;
        // Wait until the driver holds its waiter (on a multi-threaded executor it may
        // already), then drop the future.
        timeout(
            &runtime,
            limit,
            wait_for(&runtime, || client.pending() == 1),
        )
        .await;
    }
    timeout(
        &runtime,
        limit,
        wait_for(&runtime, || client.pending() == 0),
    )
    .await;

    // A request with a timeout of its own ends with `Timeout` and leaves nothing behind.
    let late = client
        .invoke_with(
            &functions::updates::GetState {},
            InvokeOptions::timeout(Duration::from_millis(50)),
        )
        .await;
    assert_eq!(late.unwrap_err(), InvokeError::Timeout);
    assert_eq!(client.pending(), 0);
    env.dc.set_faults(Faults::default());
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

/// `count` pipelined `updates.getState` while the test DC drops the connection after
/// every `every` requests; each result as it ended.
async fn states_while_dropping<R: Runtime>(
    runtime: &R,
    env: &Env,
    client: &Connection,
    every: u32,
    count: usize,
) -> Vec<Result<enums::updates::State, InvokeError>> {
    env.dc.set_faults(Faults {
        drop_after_requests: Some(every),
        ..Faults::default()
    });
    let results = timeout(
        runtime,
        Duration::from_secs(60),
        futures_util::future::join_all(
            (0..count).map(|_| client.invoke(&functions::updates::GetState {})),
        ),
    )
    .await;
    env.dc.set_faults(Faults::default());
    results
}

/// A client connected to the test DC within a minute.
async fn connected<R: Runtime>(runtime: &R, config: ClientConfig) -> Connection {
    timeout(
        runtime,
        Duration::from_secs(60),
        Connection::connect(runtime.clone(), config),
    )
    .await
    .unwrap()
}

/// Polls `condition` every few milliseconds until it holds.
async fn wait_for<R: Runtime>(runtime: &R, condition: impl Fn() -> bool) {
    while !condition() {
        oxigram_runtime::sleep_until(runtime, Instant::now() + Duration::from_millis(5)).await;
    }
}

/// A saved key the test DC never made: it answers `-404`.
fn forgotten_key() -> AuthKeyOutcome {
    AuthKeyOutcome {
        auth_key: AuthKey::new([9; 256]),
        time_offset: 0,
        first_salt: 0,
        expires_at: None,
    }
}

/// A quick policy for the failure scenarios: four attempts, short pauses.
fn quick_policy() -> ReconnectPolicy {
    ReconnectPolicy {
        max_attempts: 4,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        ..ReconnectPolicy::default()
    }
}

fn is_key_exchange_failure(error: &LinkError) -> bool {
    matches!(error, LinkError::Protocol(ConnectionError::Handshake(_)))
}

/// What the failure scenarios expect of a client that kept failing its key exchange:
/// the key rejected first, one lost connection per attempt, then the end.
fn check_failure_events(events: &[ClientEvent]) {
    assert_eq!(
        events.first(),
        Some(&ClientEvent::AuthKeyRejected),
        "{events:?}"
    );
    let lost = events
        .iter()
        .filter(|e| matches!(e, ClientEvent::ConnectionLost(_)))
        .count();
    assert_eq!(lost as u32, quick_policy().max_attempts, "{events:?}");
    assert!(
        matches!(events.last(), Some(ClientEvent::GaveUp(why)) if is_key_exchange_failure(why)),
        "{events:?}"
    );
}

/// The failure scenarios on an async runtime: a wrong server key, a key the server
/// forgot, a key exchange that keeps failing. Each ends within a bounded time with a
/// typed error, having opened at most the policy's number of connections.
pub async fn run_failures<R: Runtime>(runtime: R, env: &Env) {
    let limit = Duration::from_secs(30);

    // A server holding another RSA key: `connect` fails at once, after one connection.
    let opened = env.dc.connections_accepted();
    let mut config = env.config();
    config.keys = vec![oxigram_proto::crypto::rsa::production_key()];
    let error = timeout(
        &runtime,
        limit,
        Connection::connect(runtime.clone(), config),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, ConnectError::Link(why) if is_key_exchange_failure(why)),
        "{error}"
    );
    assert_eq!(env.dc.connections_accepted() - opened, 1);

    // A saved key the server forgot (-404): dropped, reported, replaced by a new one,
    // and the request sent again under it.
    let mut config = env.config();
    config.auth = Some(forgotten_key());
    let client = connected(&runtime, config).await;
    let enums::Config::Config(answer) = timeout(
        &runtime,
        limit,
        client.invoke(&functions::help::GetConfig {}),
    )
    .await
    .unwrap();
    assert_eq!(answer.this_dc, 2);
    let mut events = Vec::new();
    while !matches!(events.last(), Some(ClientEvent::AuthKeyCreated(_))) {
        events.push(timeout(&runtime, limit, client.next_event()).await.unwrap());
    }
    assert!(events.contains(&ClientEvent::AuthKeyRejected), "{events:?}");
    client.close().await;

    // A forgotten key and a server whose key we do not trust: every key exchange
    // fails, the client gives up after the policy's attempts, and the waiting request
    // ends with the reason; so does every later one.
    let opened = env.dc.connections_accepted();
    let mut config = env.config();
    config.auth = Some(forgotten_key());
    config.keys = vec![oxigram_proto::crypto::rsa::production_key()];
    config.reconnect = quick_policy();
    let client = connected(&runtime, config).await;
    let error = timeout(
        &runtime,
        limit,
        client.invoke(&functions::help::GetConfig {}),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, InvokeError::GaveUp(why) if is_key_exchange_failure(why)),
        "{error}"
    );
    let mut events = Vec::new();
    while let Some(event) = timeout(&runtime, limit, client.next_event()).await {
        events.push(event);
    }
    check_failure_events(&events);
    assert_eq!(
        env.dc.connections_accepted() - opened,
        u64::from(quick_policy().max_attempts)
    );
    assert!(matches!(
        client.invoke(&functions::help::GetConfig {}).await,
        Err(InvokeError::GaveUp(_))
    ));
}

/// The failure scenarios on the blocking client.
pub fn run_failures_blocking<C: BlockingLike>(env: &Env) {
    let opened = env.dc.connections_accepted();
    let mut config = env.config();
    config.keys = vec![oxigram_proto::crypto::rsa::production_key()];
    let error = C::connect(config).err().expect("connects with a wrong key");
    assert!(
        matches!(&error, ConnectError::Link(why) if is_key_exchange_failure(why)),
        "{error}"
    );
    assert_eq!(env.dc.connections_accepted() - opened, 1);

    let mut config = env.config();
    config.auth = Some(forgotten_key());
    let mut client = C::connect(config).unwrap();
    let answer = client.invoke_raw_blocking(functions::help::GetConfig {}.to_bytes().into());
    let enums::Config::Config(answer) = enums::Config::from_bytes(&answer.unwrap()).unwrap();
    assert_eq!(answer.this_dc, 2);
    let mut events = Vec::new();
    while !matches!(events.last(), Some(ClientEvent::AuthKeyCreated(_))) {
        events.push(client.next_event_blocking(Duration::from_secs(30)).unwrap());
    }
    assert!(events.contains(&ClientEvent::AuthKeyRejected), "{events:?}");
    client.close_blocking();

    let opened = env.dc.connections_accepted();
    let mut config = env.config();
    config.auth = Some(forgotten_key());
    config.keys = vec![oxigram_proto::crypto::rsa::production_key()];
    config.reconnect = quick_policy();
    let client = C::connect(config).unwrap();
    let error = client
        .invoke_raw_blocking(functions::help::GetConfig {}.to_bytes().into())
        .unwrap_err();
    assert!(
        matches!(&error, InvokeError::GaveUp(why) if is_key_exchange_failure(why)),
        "{error}"
    );
    let mut events = Vec::new();
    while let Some(event) = client.next_event_blocking(Duration::from_secs(30)) {
        events.push(event);
    }
    check_failure_events(&events);
    assert_eq!(
        env.dc.connections_accepted() - opened,
        u64::from(quick_policy().max_attempts)
    );
}

/// The error the rule-bending test DCs answer with.
fn refused() -> RpcError {
    RpcError::new(400, "INPUT_REQUEST_INVALID")
}

/// Test DCs that bend the rules as other servers do, one per quirk.
pub struct QuirkEnvs {
    container_first: Env,
    container_error: Env,
    state_error: Env,
}

impl Default for QuirkEnvs {
    fn default() -> Self {
        QuirkEnvs::new()
    }
}

impl QuirkEnvs {
    pub fn new() -> QuirkEnvs {
        let mut first = ServerQuirks::default();
        first.first_msg_id_names_container = true;
        let mut container = ServerQuirks::default();
        container.answer_containers_with_error = Some(refused());
        let mut state = ServerQuirks::default();
        state.answer_state_requests_with_error = Some(refused());
        QuirkEnvs {
            container_first: Env::with_quirks(first),
            container_error: Env::with_quirks(container),
            state_error: Env::with_quirks(state),
        }
    }
}

/// The rule-bending servers of the hardening work, each on a test DC of its own: every
/// request still ends exactly once, with its real answer or the server's real error.
pub async fn run_quirks<R: Runtime>(runtime: R, envs: &QuirkEnvs) {
    let limit = Duration::from_secs(60);
    let refused = refused();

    // `new_session_created` names the container: a user's first requests, pipelined
    // into one container, run once each, so the code sent is the one that signs in.
    let env = &envs.container_first;
    let client = connected(&runtime, env.config()).await;
    let send_code = send_code("9996621212");
    let (sent, states) = timeout(
        &runtime,
        limit,
        futures_util::future::join(
            client.invoke(&send_code),
            futures_util::future::join_all(
                (0..5).map(|_| client.invoke(&functions::help::GetConfig {})),
            ),
        ),
    )
    .await;
    assert!(states.iter().all(|s| s.is_ok()), "{states:?}");
    let enums::auth::SentCode::SentCode(sent) = sent.unwrap() else {
        panic!("unexpected answer to sendCode");
    };
    timeout(
        &runtime,
        limit,
        client.invoke(&sign_in_user("9996621212", sent)),
    )
    .await
    .expect("the code sent is the one that signs in");
    client.close().await;

    // Containers answered with an error addressed to the container: each request in
    // one ends at once with that error; none waits for a generic failure.
    let env = &envs.container_error;
    let client = connected(&runtime, env.config()).await;
    let results = timeout(
        &runtime,
        limit,
        futures_util::future::join_all(
            (0..20).map(|_| client.invoke(&functions::help::GetConfig {})),
        ),
    )
    .await;
    for result in &results {
        match result {
            Ok(_) => {}
            Err(InvokeError::Rpc(e)) => assert_eq!(e, &refused),
            Err(other) => panic!("not the server's error: {other}"),
        }
    }
    assert!(
        results.iter().any(|r| r.is_err()),
        "no request travelled in a container"
    );
    client.close().await;

    // State requests answered with an error: requests in flight when the connection
    // drops end once each, answered or with the server's refusal.
    let env = &envs.state_error;
    let client = connected(&runtime, env.config()).await;
    timeout(&runtime, limit, client.invoke(&sign_in()))
        .await
        .unwrap();
    let results = states_while_dropping(&runtime, env, &client, 30, 100).await;
    for result in &results {
        match result {
            Ok(_) => {}
            Err(InvokeError::Request(RequestError::StateRefused(e))) => assert_eq!(e, &refused),
            Err(other) => panic!("not the server's error: {other}"),
        }
    }
    client.close().await;
}

fn send_code(phone: &str) -> functions::auth::SendCode {
    functions::auth::SendCode {
        phone_number: phone.into(),
        api_id: API_ID,
        api_hash: "hash".into(),
        settings: enums::CodeSettings::CodeSettings(oxigram_tl::types::CodeSettings {
            allow_flashcall: false,
            current_number: false,
            allow_app_hash: false,
            allow_missed_call: false,
            allow_firebase: false,
            unknown_number: false,
            logout_tokens: None,
            token_and_app_sandbox: None,
        }),
    }
}

/// Signs a test number in with its code (the DC digit five times).
fn sign_in_user(phone: &str, sent: oxigram_tl::types::auth::SentCode) -> functions::auth::SignIn {
    let digit = &phone[5..6];
    functions::auth::SignIn {
        phone_number: phone.into(),
        phone_code_hash: sent.phone_code_hash,
        phone_code: Some(digit.repeat(5)),
        email_verification: None,
    }
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

    // An answer that carries updates, asked with `queue_updates`, is queued where it was
    // read (see `run`).
    let options = InvokeOptions::default().queue_updates(true);
    let answer = client
        .invoke_raw_options(reply_to_sender(&update, 1), options)
        .unwrap();
    env.dc.send_message(env.user, env.bot, "after the answer");
    let wait = Duration::from_secs(30);
    assert_eq!(client.next_update_blocking(wait).unwrap().body, answer);
    let pushed = client.next_update_blocking(wait).unwrap();
    assert_eq!(text_of(&pushed), "after the answer");
    client
        .invoke_raw_blocking(reply_to_sender(&update, 2))
        .unwrap();
    env.dc.send_message(env.user, env.bot, "after another");
    let pushed = client.next_update_blocking(wait).unwrap();
    assert_eq!(text_of(&pushed), "after another");

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

    // A request with a timeout of its own ends with `Timeout` and leaves nothing behind.
    env.dc.set_faults(Faults {
        delay: Duration::from_millis(300),
        ..Faults::default()
    });
    assert_eq!(
        client
            .invoke_raw_timeout(state_request(), Duration::from_millis(50))
            .unwrap_err(),
        InvokeError::Timeout
    );
    assert_eq!(client.pending(), 0);
    env.dc.set_faults(Faults::default());

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
