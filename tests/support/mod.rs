//! What the client suites share: a client on each runtime against a test DC of its own,
//! and signed-in accounts.

#![allow(dead_code)] // each suite uses part of it

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::Arc;
use std::time::Duration;

use oxigram::client::SignIn;
use oxigram::{Client, ClientBuilder};
use oxigram_conformance::{BOT_TOKEN, Env};

pub const API_ID: i32 = 4;

/// The longest a scenario may take: one that waits for something that never comes fails
/// instead of hanging the suite.
pub const SCENARIO_LIMIT: Duration = Duration::from_secs(180);

/// Runs `future`, failing the test if it has not finished after `limit` (a thread keeps
/// the time, so this works on every runtime).
pub async fn within<T>(limit: Duration, future: impl Future<Output = T>) -> T {
    let (expired, expiry) = futures_channel::oneshot::channel::<()>();
    std::thread::spawn(move || {
        std::thread::sleep(limit);
        // Refused only when the future finished first and dropped the receiver.
        match expired.send(()) {
            Ok(()) | Err(()) => {}
        }
    });
    let future = std::pin::pin!(future);
    match futures_util::future::select(future, expiry).await {
        futures_util::future::Either::Left((value, _)) => value,
        futures_util::future::Either::Right(_) => panic!("did not finish within {limit:?}"),
    }
}

/// How a scenario's client runs.
#[derive(Clone, Copy, Debug)]
pub enum On {
    Tokio,
    AsyncStd,
    Smol,
    Blocking,
}

impl On {
    /// A client of the test DC with its session in memory.
    pub fn builder(self, env: &Env, name: &str) -> ClientBuilder {
        self.file_builder(env, name).in_memory()
    }

    /// A client of the test DC with its session in a file (`name.session` in the
    /// working directory, which the caller sets).
    pub fn file_builder(self, env: &Env, name: &str) -> ClientBuilder {
        let mut builder = Client::builder(name)
            .api_id(API_ID)
            .api_hash("hash")
            .test_mode(true)
            .server_key_pem(oxigram_testdc::pem::public_key_pem(env.dc.public_key()));
        for &(id, address) in env.dc.addresses() {
            builder = builder.dc_address(id as i16, address);
            if let Some(media) = env.dc.media_address(id) {
                builder = builder.dc_media_address(id as i16, media);
            }
        }
        self.with_runtime(builder)
    }

    pub fn with_runtime(self, builder: ClientBuilder) -> ClientBuilder {
        match self {
            On::Tokio => builder.runtime(oxigram::tokio::Tokio),
            On::AsyncStd => builder.runtime(oxigram::async_std::AsyncStd),
            On::Smol => builder.runtime(oxigram::smol::Smol),
            On::Blocking => builder.blocking(),
        }
    }

    /// Runs a scenario with a test DC of its own (started outside the scenario's
    /// runtime: the test DC runs on a tokio runtime of its own).
    pub fn scenario<F: Future<Output = ()> + Send>(self, scenario: fn(On, Arc<Env>) -> F) {
        let env = Arc::new(Env::new());
        self.run(within(SCENARIO_LIMIT, scenario(self, env.clone())));
        // The last handle drops here, outside any runtime.
        drop(env);
    }

    pub fn run<T>(self, scenario: impl Future<Output = T> + Send) -> T {
        match self {
            On::Tokio => tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap()
                .block_on(scenario),
            On::AsyncStd => async_std::task::block_on(scenario),
            On::Smol => smol::block_on(scenario),
            On::Blocking => futures_executor::block_on(scenario),
        }
    }
}

/// A test for every runtime.
macro_rules! on_every_runtime {
    ($($scenario:ident),* $(,)?) => {
        mod tokio_runtime { $( #[test] fn $scenario() { crate::support::On::Tokio.scenario(super::$scenario) } )* }
        mod async_std_runtime { $( #[test] fn $scenario() { crate::support::On::AsyncStd.scenario(super::$scenario) } )* }
        mod smol_runtime { $( #[test] fn $scenario() { crate::support::On::Smol.scenario(super::$scenario) } )* }
        mod blocking_runtime { $( #[test] fn $scenario() { crate::support::On::Blocking.scenario(super::$scenario) } )* }
    };
}

/// The suite's bot, signed in by its token on a client of its own (session in memory).
pub async fn signed_in_bot(on: On, env: &Env) -> Client {
    on.builder(env, "bot")
        .bot_token(BOT_TOKEN)
        .build()
        .await
        .unwrap()
}

/// A user with an account (and a password, if given) signed in on a client of its own.
/// A test number `99966XYYYY` lives on DC X, and its code is X five times.
pub async fn signed_in_user(
    on: On,
    env: &Env,
    phone: &str,
    password: Option<&str>,
) -> (Client, i64) {
    let id = env.dc.create_user(phone, "Someone");
    if let Some(password) = password {
        env.dc.set_password(id, password);
    }
    let client = on.builder(env, phone).build().await.unwrap();
    let sent = client.send_code(phone).await.unwrap();
    let code = phone[5..6].repeat(5);
    match client.sign_in(&sent, &code).await.unwrap() {
        SignIn::Done(_) => {}
        SignIn::PasswordRequired { .. } => {
            client.check_password(password.unwrap()).await.unwrap();
        }
        other => panic!("{other:?}"),
    }
    (client, id)
}

/// The interop venv's Python, if `usable` finds in the venv what a test needs (`what`
/// says it); in CI it must be there (tests/interop/run.sh makes the venv).
pub fn interop_python(what: &str, usable: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    let venv = std::env::var_os("OXIGRAM_INTEROP_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/interop-venv"));
    if usable(&venv) {
        return Some(venv.join("bin/python"));
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI must have the interop venv with {what} at {} (tests/interop/run.sh makes it)",
        venv.display()
    );
    eprintln!("skipped: no {what} in the venv at {}", venv.display());
    None
}

/// A helper process (a proxy a test talks through), killed and reaped when dropped.
pub struct Process {
    pub child: Child,
    pub name: &'static str,
}

impl Drop for Process {
    fn drop(&mut self) {
        // Already gone only if it crashed, which the test saw as refused connections.
        if let Err(e) = self.child.kill() {
            eprintln!("{}: {e}", self.name);
        }
        if let Err(e) = self.child.wait() {
            eprintln!("{}: {e}", self.name);
        }
    }
}
