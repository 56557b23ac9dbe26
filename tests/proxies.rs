//! Clients on every runtime reach the test DC through a real third-party proxy (PyPI
//! `pproxy`, pinned in the interop venv): SOCKS5, SOCKS4 and HTTP CONNECT, with and
//! without credentials. The proxy's own log shows each tunnel to the DC, so a client that
//! went around the proxy fails the test; refusals come back typed.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use oxigram::client::ProxyError;
use oxigram::{ConnectError, Error, LinkError};
use oxigram_conformance::{BOT_TOKEN, Env};

#[macro_use]
mod support;

use support::{On, Process};

on_every_runtime!(through_each_kind_of_proxy, refused_logins_are_typed);

/// A pproxy process on 127.0.0.1 (killed when dropped), and what it logged.
struct Pproxy {
    _process: Process,
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Pproxy {
    /// Starts pproxy speaking SOCKS5, SOCKS4 and HTTP on one port, wanting `login`
    /// (`user:password`) if given. `None` when the venv lacks pproxy outside CI.
    fn start(login: Option<&str>) -> Option<Pproxy> {
        let python = support::interop_python("pproxy", |venv| {
            Command::new(venv.join("bin/python"))
                .args(["-c", "import pproxy"])
                .output()
                .is_ok_and(|o| o.status.success())
        })?;
        let mut listen = "socks5+socks4+http://127.0.0.1:0".to_owned();
        if let Some(login) = login {
            listen.push('#');
            listen.push_str(login);
        }
        // `--auth 0`: check the login on every connection (pproxy otherwise lets an
        // address that logged in once through without one).
        let mut child = Command::new(python)
            .args(["-u", "-m", "pproxy", "-l", &listen, "--auth", "0", "-v"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("pproxy starts");
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        // "Serving on ipv? 127.0.0.1:PORT by socks5,socks4,http"
        let port = loop {
            let line = lines
                .next()
                .expect("pproxy says where it listens")
                .expect("pproxy's output reads");
            if let Some(rest) = line.split("127.0.0.1:").nth(1) {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                break digits.parse().expect("a port");
            }
        };
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        let process = Process {
            child,
            name: "pproxy",
        };
        Some(Pproxy {
            _process: process,
            port,
            log,
        })
    }

    fn url(&self, scheme: &str, login: &str) -> String {
        format!("{scheme}://{login}127.0.0.1:{}", self.port)
    }

    /// The proxy by name: `localhost` resolves (through the runtime) to 127.0.0.1, or to
    /// `::1` first, where nothing listens and the next address is tried.
    fn url_by_name(&self, scheme: &str) -> String {
        format!("{scheme}://localhost:{}", self.port)
    }

    /// Tunnels the proxy opened to `to` with `protocol`, as its log says.
    fn tunnels(&self, protocol: &str, to: SocketAddr) -> usize {
        let wanted = format!("-> {to}");
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.starts_with(protocol) && l.ends_with(&wanted))
            .count()
    }
}

/// The bot signs in through `proxy` and asks who it is.
async fn bot_through(on: On, env: &Env, proxy: &str) -> Result<(), Error> {
    let client = on
        .builder(env, "bot")
        .proxy(proxy)
        .bot_token(BOT_TOKEN)
        .build()
        .await?;
    let me = client.get_me().await?;
    assert!(me.bot(), "signed in as the bot");
    client.stop().await
}

async fn through_each_kind_of_proxy(on: On, env: Arc<Env>) {
    let (Some(open), Some(guarded)) = (Pproxy::start(None), Pproxy::start(Some("alice:pw"))) else {
        return;
    };
    let home = env.dc.address(2).expect("DC 2");
    for (proxy, url, logged_as) in [
        (&open, open.url("socks5", ""), "socks5"),
        (&open, open.url("socks4", ""), "socks4"),
        (&open, open.url("http", ""), "http"),
        (&open, open.url_by_name("socks5"), "socks5"),
        (&guarded, guarded.url("socks5", "alice:pw@"), "socks5"),
        (&guarded, guarded.url("http", "alice:pw@"), "http"),
    ] {
        let before = proxy.tunnels(logged_as, home);
        if let Err(e) = bot_through(on, &env, &url).await {
            panic!("through {url}: {e}");
        }
        assert!(
            proxy.tunnels(logged_as, home) > before,
            "{url} carried no tunnel to {home}: {:?}",
            proxy.log.lock().unwrap()
        );
    }
}

async fn refused_logins_are_typed(on: On, env: Arc<Env>) {
    let Some(guarded) = Pproxy::start(Some("alice:pw")) else {
        return;
    };
    for (url, expected) in [
        (
            guarded.url("socks5", "alice:wrong@"),
            ProxyError::AuthFailed,
        ),
        // pproxy closes the connection instead of answering that no method is acceptable
        // (RFC 1928's 0xff, which would be `AuthRequired`): nothing tells why.
        (guarded.url("socks5", ""), ProxyError::Closed),
        (guarded.url("http", "alice:wrong@"), ProxyError::AuthFailed),
        (guarded.url("http", ""), ProxyError::AuthRequired),
    ] {
        match bot_through(on, &env, &url).await {
            Err(Error::Connect(ConnectError::Link(LinkError::Proxy(e)))) => {
                assert_eq!(e, expected, "{url}");
            }
            other => panic!("{url}: {other:?}"),
        }
    }
    // A URL that does not parse fails the build before any connection.
    match bot_through(on, &env, "socks5://127.0.0.1:99999").await {
        Err(Error::Config(why)) => assert!(why.contains("port"), "{why}"),
        other => panic!("{other:?}"),
    }
}
