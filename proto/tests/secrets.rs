//! Secrets stay out of `Debug`: auth keys, seeds, nonces, DH exponents, the temporary AES
//! key of the exchange, the salt secret and the MTProxy secret. Each holder is built from
//! known secret bytes and formatted with `{:?}` and `{:#?}`; no rendering of those bytes
//! may appear (hex, decimal byte lists, or 64-bit numbers read from them).

use std::fmt::Debug;
use std::time::Duration;

use oxigram_proto::connection::server::{Server, ServerConfig};
use oxigram_proto::connection::{Connection, ConnectionConfig, Now};
use oxigram_proto::crypto::message::AuthKey;
use oxigram_proto::handshake::{
    AuthKeyOutcome, ClientHandshake, ClientHandshakeConfig, InnerData, ServerHandshake,
    ServerHandshakeConfig, ServerStep, Step,
};
use oxigram_proto::random::{RandomSource, SeededRandom};
use oxigram_proto::session::{ClientSession, SaltSchedule, ServerSessionConfig, SessionConfig};
use oxigram_proto::transport::{MtProxySecret, Obfuscation};

#[path = "common/server_key.rs"]
mod server_key;

/// A generator that remembers every byte it handed out: all of them went into nonces,
/// exponents, padding or keys.
struct Recording {
    inner: SeededRandom,
    seen: Vec<u8>,
}

impl Recording {
    fn new(seed: u8) -> Self {
        Recording {
            inner: SeededRandom::new([seed; 32]),
            seen: Vec::new(),
        }
    }
}

impl RandomSource for Recording {
    fn fill(&mut self, buf: &mut [u8]) {
        self.inner.fill(buf);
        self.seen.extend_from_slice(buf);
    }
}

/// Distinct, recognisable bytes.
fn secret<const N: usize>(salt: u8) -> [u8; N] {
    std::array::from_fn(|i| (i as u8).wrapping_mul(37).wrapping_add(salt) | 0x80)
}

/// The ways `secret` could show: for each run of 8 bytes, its hex (either case, also as
/// a list), its decimal byte list, and the 64-bit numbers it reads as.
fn renderings(secret: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for run in secret.windows(8) {
        let hex: Vec<String> = run.iter().map(|b| format!("{b:02x}")).collect();
        out.push(hex.concat());
        out.push(hex.join(","));
        out.push(
            run.iter()
                .map(|b| format!("{b:x}"))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push(run.iter().map(u8::to_string).collect::<Vec<_>>().join(","));
        let word: [u8; 8] = run.try_into().unwrap();
        for n in [u64::from_le_bytes(word), u64::from_be_bytes(word)] {
            out.push(n.to_string());
            out.push((n as i64).to_string());
            out.push(format!("{n:x}"));
        }
    }
    out
}

/// Fails on any rendering of `secret` in `text`.
fn assert_text_hidden(what: &str, text: &str, secret: &[u8]) {
    // Spacing and line breaks differ between the two forms; compare without them.
    let flat: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    for needle in renderings(secret) {
        assert!(
            !flat.contains(needle.as_str()),
            "{what} shows secret bytes ({needle}): {text}"
        );
    }
}

/// `value` formatted with `{:?}` and `{:#?}`.
fn both(value: &impl Debug) -> [String; 2] {
    [format!("{value:?}"), format!("{value:#?}")]
}

/// Formats `value` both ways and fails on any rendering of `secret`.
fn assert_hidden(what: &str, value: &impl Debug, secret: &[u8]) {
    for text in both(value) {
        assert_text_hidden(what, &text, secret);
    }
}

#[test]
fn an_auth_key_and_its_outcome_hide_the_key() {
    let bytes = secret::<256>(3);
    let key = AuthKey::new(bytes);
    assert_hidden("AuthKey", &key, &bytes);
    let outcome = AuthKeyOutcome {
        auth_key: key.clone(),
        time_offset: 5,
        first_salt: 7,
        expires_at: None,
    };
    assert_hidden("AuthKeyOutcome", &outcome, &bytes);
    let mut random = SeededRandom::new([1; 32]);
    let session = ClientSession::new(SessionConfig::default(), key, 7, 0, true, &mut random);
    assert_hidden("ClientSession", &session, &bytes);
}

#[test]
fn a_connection_config_hides_its_seed() {
    let seed = secret::<32>(11);
    let config = ConnectionConfig::new(2, seed);
    assert_hidden("ConnectionConfig", &config, &seed);
    assert_hidden("Seed", &config.seed, &seed);
    // The one way to copy a config takes a new seed.
    let other = secret::<32>(13);
    let copy = config.with_seed(other);
    assert_eq!((copy.dc, copy.transport), (config.dc, config.transport));
    assert_hidden("ConnectionConfig", &copy, &other);
    let now = Now {
        mono: std::time::Instant::now(),
        unix: Duration::from_secs(1_700_000_000),
    };
    let conn = Connection::new(ConnectionConfig::new(2, seed), None, now);
    assert_hidden("Connection", &conn, &seed);
    assert_hidden("SeededRandom", &SeededRandom::new(seed), &seed);
    // An MTProxy secret is no more printable than the seed.
    let proxy = secret::<16>(17);
    let mut config = ConnectionConfig::new(2, secret::<32>(19));
    config.obfuscation = Obfuscation::MtProxy(MtProxySecret::Plain(proxy));
    assert_hidden("ConnectionConfig", &config, &proxy);
}

#[test]
fn a_server_config_hides_its_seed_and_proxy_secret() {
    let seed = secret::<32>(19);
    let proxy = secret::<16>(23);
    let config = || ServerConfig {
        key: server_key::server_key(),
        dc: Some(2),
        seed: seed.into(),
        session: ServerSessionConfig::default(),
        proxy_secret: Some(MtProxySecret::Padded(proxy)),
        max_frame: oxigram_proto::transport::SERVER_MAX_PAYLOAD,
    };
    for secret in [&seed[..], &proxy[..]] {
        assert_hidden("ServerConfig", &config(), secret);
        assert_hidden("Server", &Server::new(config()), secret);
    }
}

#[test]
fn a_salt_schedule_hides_its_secret() {
    let bytes = secret::<32>(17);
    assert_hidden("SaltSchedule", &SaltSchedule::new(bytes), &bytes);
}

#[test]
fn both_handshakes_hide_nonces_exponents_and_keys_in_every_state() {
    let key = server_key::server_key();
    let (mut client_random, mut server_random) = (Recording::new(1), Recording::new(2));
    let config = ClientHandshakeConfig {
        keys: vec![key.public().clone()],
        inner: InnerData::Permanent { dc: 2 },
        max_retries: 5,
    };
    let (mut client, mut to_server) = ClientHandshake::start(config, &mut client_random);
    let mut server = ServerHandshake::new(ServerHandshakeConfig {
        key: key.clone(),
        dc: Some(2),
    });
    // Every state both sides go through, formatted; checked at the end against every
    // random byte drawn and the key made.
    let mut shown: Vec<(&str, String)> = Vec::new();
    let mut show = |client: &ClientHandshake, server: &ServerHandshake| {
        shown.extend(both(client).map(|t| ("ClientHandshake", t)));
        shown.extend(both(server).map(|t| ("ServerHandshake", t)));
    };
    show(&client, &server);
    let outcome = loop {
        let step = server
            .handle(&to_server, 1_700_000_000, &mut server_random)
            .unwrap();
        show(&client, &server);
        let to_client = match step {
            ServerStep::Send(body) => body,
            ServerStep::Done { answer, outcome } => {
                assert_hidden("ServerStep", &outcome, outcome.auth_key.bytes());
                answer
            }
        };
        let step = client
            .handle(&to_client, 1_700_000_000, &mut client_random)
            .unwrap();
        show(&client, &server);
        match step {
            Step::Send(body) => to_server = body,
            Step::Done(outcome) => break outcome,
        }
    };
    let key_bytes = outcome.auth_key.bytes().to_vec();
    shown.extend(both(&outcome).map(|t| ("AuthKeyOutcome", t)));
    assert!(shown.len() >= 16, "every state was seen");
    for secret in [&client_random.seen, &server_random.seen, &key_bytes] {
        for (what, text) in &shown {
            assert_text_hidden(what, text, secret);
        }
    }
}
