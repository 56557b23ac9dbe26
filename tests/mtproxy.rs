//! Clients on every runtime reach the test DC through an MTProxy, with secrets of each
//! kind (plain, `dd` padded, `ee` fake TLS): the test DC's own MTProxy knob, and an MTProxy
//! server nobody here wrote (PyPI `mtprotoproxy`, pinned in the interop venv, run by
//! `tests/interop/mtprotoproxy_front.py` in front of DC 2). A wrong secret is refused.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;

use oxigram::client::SignIn;
use oxigram::client::{MtProxy, MtProxySecret, ProxySetting};
use oxigram::files::FileSource;
use oxigram::{Error, LinkError};
use oxigram_conformance::{BOT_TOKEN, Env};
use oxigram_testdc::TestDcConfig;

#[macro_use]
mod support;

use support::{On, Process};

on_every_runtime!(through_mtprotoproxy);

const KEY: &str = "0123456789abcdef0123456789abcdef";

/// One secret of each kind, as links carry them.
fn secrets() -> [MtProxySecret; 3] {
    [
        MtProxySecret::parse(KEY).unwrap(),
        MtProxySecret::parse(&format!("dd{KEY}")).unwrap(),
        // "example.com" after the key.
        MtProxySecret::parse(&format!("ee{KEY}6578616d706c652e636f6d")).unwrap(),
    ]
}

/// The bot signs in through `proxy`, asks who it is, and sends itself a file that it
/// downloads again (over a media connection, which names the DC negatively).
/// `test_mode` says whether the client calls its DCs test DCs (`dc + 10000` in headers).
async fn bot_through(
    on: On,
    env: &Env,
    proxy: impl Into<ProxySetting>,
    test_mode: bool,
) -> Result<(), Error> {
    let client = on
        .builder(env, "bot")
        .test_mode(test_mode)
        .proxy(proxy.into())
        .bot_token(BOT_TOKEN)
        .build()
        .await?;
    let me = client.get_me().await?;
    assert!(me.bot(), "signed in as the bot");
    let data: Vec<u8> = (0..70_000u32).map(|i| (i * 13 + i / 256) as u8).collect();
    let message = client
        .send_document("me", FileSource::bytes("through.bin", data.clone()))
        .await?;
    let back = client.download_media(&message).await?;
    assert!(back == data, "the file came back as sent");
    client.stop().await
}

/// The test DC's knob: each of its DCs takes MTProxy connections for `secret`. The
/// bot's DC (2) is the proxy's address; the connection's header names DC 2.
fn knob_env(secret: &MtProxySecret) -> Env {
    Env::with(TestDcConfig {
        proxy_secret: Some(secret.clone()),
        ..TestDcConfig::default()
    })
}

/// Runs `scenario` on each runtime with each kind of secret, against a test DC of its
/// own serving as an MTProxy for that secret (made outside the scenario's runtime).
fn with_each_knob(scenario: fn(On, &Env, MtProxySecret) -> Result<(), String>) {
    for on in [On::Tokio, On::AsyncStd, On::Smol, On::Blocking] {
        for secret in secrets() {
            let env = knob_env(&secret);
            if let Err(e) = scenario(on, &env, secret.clone()) {
                panic!("{on:?}, {secret:?}: {e}");
            }
        }
    }
}

#[test]
fn through_the_test_dcs_mtproxy() {
    with_each_knob(|on, env, secret| {
        let proxy = MtProxy::new("127.0.0.1", env.address().port(), secret);
        on.run(support::within(
            support::SCENARIO_LIMIT,
            bot_through(on, env, proxy, true),
        ))
        .map_err(|e| e.to_string())?;
        // Every connection named test DC 2 in its header, as an MTProxy forwards by:
        // the main one as 10002, the media one as -10002.
        let named = env.dc.header_dcs();
        match named.keys().copied().collect::<Vec<_>>()[..] {
            [-10002, 10002] => Ok(()),
            _ => Err(format!("headers named {named:?}")),
        }
    });
}

#[test]
fn a_user_moves_to_its_home_dc_through_the_test_dcs_mtproxy() {
    // A number homed on DC 1 asks DC 2 (where the proxy is) for its code: PHONE_MIGRATE
    // sends the client to DC 1, through the same proxy, which only the header names.
    const PHONE: &str = "9996613579";
    with_each_knob(|on, env, secret| {
        let user = env.dc.create_user(PHONE, "Traveller");
        let proxy = MtProxy::new("127.0.0.1", env.address().port(), secret);
        let signed_in = on.run(support::within(support::SCENARIO_LIMIT, async {
            let client = on.builder(env, "traveller").proxy(proxy).build().await?;
            let sent = client.send_code(PHONE).await?;
            let outcome = client.sign_in(&sent, "11111").await?;
            assert!(matches!(outcome, SignIn::Done(_)), "{outcome:?}");
            let me = client.get_me().await?;
            client.stop().await?;
            Ok::<_, Error>((me.id, client.home_dc()))
        }));
        match signed_in {
            Ok((id, 1)) if id == user => {}
            other => return Err(format!("signed in as {other:?}")),
        }
        let named = env.dc.header_dcs();
        match named.get(&10001) {
            Some(_) => Ok(()),
            None => Err(format!("no header named DC 1: {named:?}")),
        }
    });
}

#[test]
fn wrong_secrets_are_refused() {
    with_each_knob(|on, env, secret| {
        let wrong = match secret {
            MtProxySecret::Plain(_) => MtProxySecret::Plain([9; 16]),
            MtProxySecret::Padded(_) => MtProxySecret::Padded([9; 16]),
            MtProxySecret::FakeTls { domain, .. } => MtProxySecret::FakeTls {
                key: [9; 16],
                domain,
            },
        };
        let proxy = MtProxy::new("127.0.0.1", env.address().port(), wrong);
        match on.run(support::within(
            support::SCENARIO_LIMIT,
            bot_through(on, env, proxy, true),
        )) {
            // A server keyed otherwise reads noise and closes, or the fake-TLS hello's
            // digest does not verify.
            Err(Error::Connect(oxigram::ConnectError::Link(
                LinkError::Closed | LinkError::Protocol(_) | LinkError::Io(..),
            ))) => Ok(()),
            other => Err(format!("a wrong key gave {other:?}")),
        }
    });
}

/// mtprotoproxy in front of the test DC's DC 2 (killed when dropped).
struct Front {
    _process: Process,
    port: u16,
}

impl Front {
    fn start(env: &Env, secret: &str, domain: Option<&str>) -> Option<Front> {
        let python = support::interop_python("mtprotoproxy", |venv| {
            venv.join("bin/mtprotoproxy.py").is_file()
        })?;
        let script =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop/mtprotoproxy_front.py");
        let mut command = Command::new(python);
        command
            .arg("-u")
            .arg(script)
            .arg(env.address().port().to_string())
            .arg(secret);
        if let Some(domain) = domain {
            command.arg(domain);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("mtprotoproxy starts");
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let port = loop {
            let line = lines
                .next()
                .expect("mtprotoproxy says where it listens")
                .expect("its output reads");
            if let Some(port) = line.strip_prefix("listening on ") {
                break port.parse().expect("a port");
            }
        };
        // Keep draining what it prints, so that it never blocks on a full pipe.
        std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
        let process = Process {
            child,
            name: "mtprotoproxy",
        };
        Some(Front {
            _process: process,
            port,
        })
    }
}

async fn through_mtprotoproxy(on: On, env: Arc<Env>) {
    // mtprotoproxy takes its users' 16-byte keys and accepts every kind of connection
    // for them: plain, `dd` and (with its TLS domain) `ee`.
    let Some(front) = Front::start(&env, KEY, Some("example.com")) else {
        return;
    };
    for secret in secrets() {
        let proxy = MtProxy::new("127.0.0.1", front.port, secret.clone());
        // Not in test mode: mtprotoproxy forwards to production DCs only (headers naming
        // 1..5, negative for media), and it is told that DC 2 is the test DC.
        if let Err(e) = bot_through(on, &env, proxy, false).await {
            panic!("mtprotoproxy with {secret:?}: {e}");
        }
    }
}
