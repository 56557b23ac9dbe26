//! The client role against the server role, in memory.

use oxigram_proto::crypto::rsa::RsaPrivateKey;
use oxigram_proto::handshake::{
    AuthKeyOutcome, ClientHandshake, ClientHandshakeConfig, HandshakeError, InnerData,
    ServerHandshake, ServerHandshakeConfig, ServerStep, Step,
};
use oxigram_proto::random::SeededRandom;
use proptest::prelude::*;

#[path = "common/server_key.rs"]
mod server_key;

use server_key::server_key;

fn seeds(seed: u64) -> (SeededRandom, SeededRandom) {
    let mut a = [0u8; 32];
    a[..8].copy_from_slice(&seed.to_le_bytes());
    let mut b = a;
    b[31] = 1;
    (SeededRandom::new(a), SeededRandom::new(b))
}

/// Runs one exchange, passing every server message through `tamper` (which may change
/// it) before the client sees it. Returns both outcomes, or the first error.
fn exchange(
    key: &RsaPrivateKey,
    seed: u64,
    tamper: impl FnMut(usize, Vec<u8>) -> Vec<u8>,
) -> Result<(AuthKeyOutcome, AuthKeyOutcome), HandshakeError> {
    exchange_with(key, seed, InnerData::Permanent { dc: 2 }, tamper)
}

/// [`exchange`] with the client sending `inner`.
fn exchange_with(
    key: &RsaPrivateKey,
    seed: u64,
    inner: InnerData,
    mut tamper: impl FnMut(usize, Vec<u8>) -> Vec<u8>,
) -> Result<(AuthKeyOutcome, AuthKeyOutcome), HandshakeError> {
    let (mut client_random, mut server_random) = seeds(seed);
    let config = ClientHandshakeConfig {
        keys: vec![key.public().clone()],
        inner,
        max_retries: 5,
    };
    let (mut client, mut to_server) = ClientHandshake::start(config, &mut client_random);
    let mut server = ServerHandshake::new(ServerHandshakeConfig {
        key: key.clone(),
        dc: Some(2),
    });
    let (client_now, server_now) = (1_700_000_000, 1_700_000_042);
    for round in 0.. {
        let (to_client, server_outcome) =
            match server.handle(&to_server, server_now, &mut server_random)? {
                ServerStep::Send(body) => (body, None),
                ServerStep::Done { answer, outcome } => (answer, Some(outcome)),
            };
        let to_client = tamper(round, to_client);
        match client.handle(&to_client, client_now, &mut client_random)? {
            Step::Send(body) => to_server = body,
            Step::Done(outcome) => {
                let server_outcome = server_outcome.expect("the client finished before the server");
                return Ok((*outcome, *server_outcome));
            }
        }
    }
    unreachable!()
}

#[test]
fn client_and_server_agree_for_1000_seeds() {
    let key = server_key();
    // Each exchange costs five 2048-bit exponentiations: spread the seeds over the cores.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    std::thread::scope(|scope| {
        for t in 0..threads {
            let key = &key;
            scope.spawn(move || {
                for seed in (0..1000).filter(|s| s % threads == t) {
                    let (client, server) = exchange(key, seed, |_, m| m)
                        .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
                    assert_eq!(client.auth_key, server.auth_key, "seed {seed}");
                    assert_eq!(client.first_salt, server.first_salt, "seed {seed}");
                    assert_eq!(client.time_offset, 42, "seed {seed}");
                }
            });
        }
    });
}

#[test]
fn temporary_keys_go_through_the_same_exchange() {
    let key = server_key();
    let temporary = InnerData::Temporary {
        dc: 2,
        expires_in: 86_400,
    };
    let (client, server) = exchange_with(&key, 7, temporary, |_, m| m).unwrap();
    assert_eq!(client.auth_key, server.auth_key);
    assert_eq!(client.expires_at, Some(1_700_000_042 + 86_400));
    assert_eq!(server.expires_at, client.expires_at);

    // The legacy inner data (no DC) is still understood, and gives a permanent key.
    let (client, server) = exchange_with(&key, 8, InnerData::Legacy, |_, m| m).unwrap();
    assert_eq!(client.auth_key, server.auth_key);
    assert_eq!(client.expires_at, None);

    // A key for another DC is refused by the server.
    let wrong = exchange_with(&key, 9, InnerData::Permanent { dc: 4 }, |_, m| m);
    assert_eq!(wrong.unwrap_err(), HandshakeError::WrongDc(4));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Flipped, truncated or duplicated server bytes: the client fails with a typed error
    /// (never a panic, never a key the server does not share).
    #[test]
    fn tampered_server_bytes_fail_cleanly(
        seed in 0u64..1000,
        round in 0usize..3,
        at in any::<prop::sample::Index>(),
        kind in 0u8..3,
        mask in 1u8..=255,
    ) {
        let key = server_key();
        let result = exchange(&key, seed, |r, mut message| {
            if r == round {
                let i = at.index(message.len());
                match kind {
                    0 => message[i] ^= mask,
                    1 => message.truncate(i),
                    _ => message.extend_from_within(i..),
                }
            }
            message
        });
        match result {
            Err(_) => {}
            // A change the TL encoding ignores (bits of an unused flags word, say) may
            // leave the exchange intact, but then both sides still agree.
            Ok((client, server)) => prop_assert_eq!(client.auth_key, server.auth_key),
        }
    }
}
