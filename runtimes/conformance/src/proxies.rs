//! The proxy scenarios: a connection through each kind of proxy (SOCKS5 with and without
//! a login, SOCKS4, HTTP CONNECT with basic auth, an MTProxy with a plain, a `dd` and an
//! `ee` secret), and to the DC's `::1` listener directly and through SOCKS5, signs in,
//! pipelines requests, receives an update and closes; a proxy refusing the login, or an
//! MTProxy keyed otherwise, fails `connect` with a typed error.
//! The MTProxy is the test DC's knob; the other proxies are [`Relay`]s.

use std::time::Duration;

use oxigram_proto::proxy::{MtProxy, Proxy, ProxyError, ProxyKind};
use oxigram_proto::transport::MtProxySecret;
use oxigram_runtime::{ClientConfig, ConnectError, Connection, LinkError, Runtime};
use oxigram_testdc::TestDcConfig;
use oxigram_tl::{Deserialize, Serialize, enums, functions};

use crate::relay::{Protocol, Relay};
use crate::{BlockingLike, Env, connected, sign_in, state_request, text_of, timeout};

/// The login the guarded relays want.
const LOGIN: (&str, &str) = ("alice", "secret");

/// The MTProxy knob's 16-byte key; its secret is `ee` (fake TLS), and the test DC takes
/// plain and `dd` connections keyed with the same 16 bytes.
const KEY: [u8; 16] = *b"conformance-key!";

/// Requests pipelined through each proxy.
const REQUESTS: usize = 100;

/// A test DC serving as an MTProxy, and a relay of each kind in front of it.
pub struct ProxyEnv {
    pub env: Env,
    socks5: Relay,
    socks5_open: Relay,
    socks4: Relay,
    http: Relay,
}

impl Default for ProxyEnv {
    fn default() -> Self {
        ProxyEnv::new()
    }
}

/// One way to the DC: a name for messages, the client's configuration, and the relay
/// whose tunnels must grow (none for an MTProxy, which is the test DC itself).
struct Way<'a> {
    name: String,
    config: ClientConfig,
    relay: Option<&'a Relay>,
}

impl ProxyEnv {
    pub fn new() -> ProxyEnv {
        let env = Env::with(TestDcConfig {
            proxy_secret: Some(secret(Kind::FakeTls, KEY)),
            ..TestDcConfig::default()
        });
        ProxyEnv {
            env,
            socks5: Relay::start(Protocol::Socks5, Some(LOGIN)),
            socks5_open: Relay::start(Protocol::Socks5, None),
            socks4: Relay::start(Protocol::Socks4, None),
            http: Relay::start(Protocol::Http, Some(LOGIN)),
        }
    }

    /// The client configuration through `relay` as a proxy of `kind` logging in as `login`.
    fn through(&self, kind: ProxyKind, relay: &Relay, login: Option<(&str, &str)>) -> ClientConfig {
        let address = relay.address();
        let mut proxy = Proxy::new(kind, address.ip().to_string(), address.port());
        if let Some((user, password)) = login {
            proxy = proxy.with_credentials(user, password);
        }
        let mut config = self.env.config();
        config.proxy = Some(proxy);
        config
    }

    /// The client configuration through the test DC's MTProxy knob with `secret`.
    fn through_mtproxy(&self, secret: MtProxySecret) -> ClientConfig {
        let mut config = self.env.config();
        // The knob is every DC's own port; the header names DC 2 as `config.dc` says.
        config.mtproxy = Some(MtProxy::new("127.0.0.1", self.env.address().port(), secret));
        config
    }

    fn ways(&self) -> Vec<Way<'_>> {
        let relayed = [
            (
                "SOCKS5 with a login",
                ProxyKind::Socks5,
                &self.socks5,
                Some(LOGIN),
            ),
            ("SOCKS5", ProxyKind::Socks5, &self.socks5_open, None),
            ("SOCKS4", ProxyKind::Socks4, &self.socks4, None),
            (
                "HTTP CONNECT with basic auth",
                ProxyKind::Http,
                &self.http,
                Some(LOGIN),
            ),
        ];
        let mut ways: Vec<Way<'_>> = relayed
            .into_iter()
            .map(|(name, kind, relay, login)| Way {
                name: name.into(),
                config: self.through(kind, relay, login),
                relay: Some(relay),
            })
            .collect();
        match self.env.dc.ipv6_address(2) {
            Some(v6) => {
                let mut direct = self.env.config();
                direct.address = v6;
                ways.push(Way {
                    name: "IPv6 to ::1".into(),
                    config: direct,
                    relay: None,
                });
                let mut tunnelled = self.through(ProxyKind::Socks5, &self.socks5_open, None);
                tunnelled.address = v6;
                ways.push(Way {
                    name: "SOCKS5 to ::1".into(),
                    config: tunnelled,
                    relay: Some(&self.socks5_open),
                });
            }
            None => {
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "CI's machine has an IPv6 loopback: the test DC must listen on ::1"
                );
                eprintln!("IPv6 skipped: no IPv6 loopback");
            }
        }
        for kind in [Kind::Plain, Kind::Padded, Kind::FakeTls] {
            ways.push(Way {
                name: format!("MTProxy, {kind:?} secret"),
                config: self.through_mtproxy(secret(kind, KEY)),
                relay: None,
            });
        }
        ways
    }

    /// Configurations every one of which `connect` must refuse, each with a check of its
    /// error.
    fn refusals(&self) -> Vec<Refusal> {
        vec![
            (
                "SOCKS5, a wrong password",
                self.through(ProxyKind::Socks5, &self.socks5, Some((LOGIN.0, "wrong"))),
                |e| matches!(e, LinkError::Proxy(ProxyError::AuthFailed)),
            ),
            (
                "SOCKS5, no login where one is wanted",
                self.through(ProxyKind::Socks5, &self.socks5, None),
                |e| matches!(e, LinkError::Proxy(ProxyError::AuthRequired)),
            ),
            (
                "HTTP, a wrong password",
                self.through(ProxyKind::Http, &self.http, Some((LOGIN.0, "wrong"))),
                |e| matches!(e, LinkError::Proxy(ProxyError::AuthFailed)),
            ),
            (
                "HTTP, no login where one is wanted",
                self.through(ProxyKind::Http, &self.http, None),
                |e| matches!(e, LinkError::Proxy(ProxyError::AuthRequired)),
            ),
            (
                "MTProxy, plain secret with another key",
                self.through_mtproxy(secret(Kind::Plain, [9; 16])),
                keyed_otherwise,
            ),
            (
                "MTProxy, ee secret with another key",
                self.through_mtproxy(secret(Kind::FakeTls, [9; 16])),
                keyed_otherwise,
            ),
        ]
    }
}

/// A configuration `connect` must refuse: its name and a check of the error.
type Refusal = (&'static str, ClientConfig, fn(&LinkError) -> bool);

/// The kinds of MTProxy secret.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Plain,
    Padded,
    FakeTls,
}

fn secret(kind: Kind, key: [u8; 16]) -> MtProxySecret {
    match kind {
        Kind::Plain => MtProxySecret::Plain(key),
        Kind::Padded => MtProxySecret::Padded(key),
        Kind::FakeTls => MtProxySecret::FakeTls {
            key,
            domain: "example.com".into(),
        },
    }
}

/// What an MTProxy keyed otherwise does: it reads noise and closes, or (fake TLS) the
/// hello's digest does not verify and it closes.
fn keyed_otherwise(error: &LinkError) -> bool {
    matches!(
        error,
        LinkError::Closed | LinkError::Protocol(_) | LinkError::Io(..)
    )
}

fn check_refusal(name: &str, result: Result<(), ConnectError>, expected: fn(&LinkError) -> bool) {
    match result {
        Err(ConnectError::Link(why)) if expected(&why) => {}
        other => panic!("{name}: connect gave {other:?}"),
    }
}

/// Every proxy scenario on an async runtime.
pub async fn run_proxies<R: Runtime>(runtime: R, envs: &ProxyEnv) {
    let limit = Duration::from_secs(60);
    let env = &envs.env;
    for way in envs.ways() {
        let before = way.relay.map(Relay::tunnels);
        let client = connected(&runtime, way.config).await;
        let enums::Config::Config(config) = timeout(
            &runtime,
            limit,
            client.invoke(&functions::help::GetConfig {}),
        )
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", way.name));
        assert_eq!(config.this_dc, 2, "{}", way.name);
        timeout(&runtime, limit, client.invoke(&sign_in()))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", way.name));
        let states = timeout(
            &runtime,
            limit,
            futures_util::future::join_all(
                (0..REQUESTS).map(|_| client.invoke(&functions::updates::GetState {})),
            ),
        )
        .await;
        assert!(states.iter().all(|s| s.is_ok()), "{}", way.name);
        env.dc.send_message(env.user, env.bot, &way.name);
        let update = timeout(&runtime, limit, client.next_update())
            .await
            .unwrap_or_else(|| panic!("{}: no update", way.name));
        assert_eq!(text_of(&update), way.name);
        client.close().await;
        if let (Some(relay), Some(before)) = (way.relay, before) {
            assert!(
                relay.tunnels() > before,
                "{}: not through the relay",
                way.name
            );
        }
    }
    for (name, config, expected) in envs.refusals() {
        let result = timeout(
            &runtime,
            limit,
            Connection::connect(runtime.clone(), config),
        )
        .await;
        check_refusal(name, result.map(drop), expected);
    }
}

/// Every proxy scenario on the blocking client.
pub fn run_proxies_blocking<C: BlockingLike>(envs: &ProxyEnv) {
    let env = &envs.env;
    for way in envs.ways() {
        let before = way.relay.map(Relay::tunnels);
        let mut client = C::connect(way.config).unwrap_or_else(|e| panic!("{}: {e}", way.name));
        let answer = client
            .invoke_raw_blocking(functions::help::GetConfig {}.to_bytes().into())
            .unwrap_or_else(|e| panic!("{}: {e}", way.name));
        let enums::Config::Config(config) = enums::Config::from_bytes(&answer).unwrap();
        assert_eq!(config.this_dc, 2, "{}", way.name);
        client
            .invoke_raw_blocking(sign_in().to_bytes().into())
            .unwrap_or_else(|e| panic!("{}: {e}", way.name));
        std::thread::scope(|scope| {
            for _ in 0..10 {
                scope.spawn(|| {
                    for _ in 0..REQUESTS / 10 {
                        assert!(client.invoke_raw_blocking(state_request()).is_ok());
                    }
                });
            }
        });
        env.dc.send_message(env.user, env.bot, &way.name);
        let update = client
            .next_update_blocking(Duration::from_secs(30))
            .unwrap_or_else(|| panic!("{}: no update", way.name));
        assert_eq!(text_of(&update), way.name);
        client.close_blocking();
        if let (Some(relay), Some(before)) = (way.relay, before) {
            assert!(
                relay.tunnels() > before,
                "{}: not through the relay",
                way.name
            );
        }
    }
    for (name, config, expected) in envs.refusals() {
        check_refusal(name, C::connect(config).map(drop), expected);
    }
}
