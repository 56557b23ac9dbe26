//! One test per security check of the client role: each feeds a server answer that breaks
//! exactly that check and expects its typed error (listed in the `handshake` module docs).

use bytes::Bytes;
use oxigram_proto::crypto::dh::{DhError, Group, TELEGRAM_PRIME};
use oxigram_proto::crypto::factor::PqError;
use oxigram_proto::crypto::message::AuthKey;
use oxigram_proto::crypto::{ige, rsa, sha1};
use oxigram_proto::handshake::{
    ClientHandshake, ClientHandshakeConfig, HandshakeError, Step, new_nonce_hash, tmp_aes,
};
use oxigram_proto::random::{RandomSource, SeededRandom};
use oxigram_tl::mtproto::{enums, functions, types};
use oxigram_tl::{Deserialize, Serialize};

const SERVER_NONCE: [u8; 16] = [0x5e; 16];
const PQ: u64 = 0x17ED48941A08F981;
const NOW: i64 = 1_700_000_000;
const SECRET_A: [u8; 256] = [0x3c; 256];

/// A client mid-exchange, and what the test (playing the server) knows of its secrets:
/// the same seed gives the test the client's nonce and new_nonce.
struct Exchange {
    client: ClientHandshake,
    random: SeededRandom,
    nonce: [u8; 16],
    new_nonce: [u8; 32],
}

impl Exchange {
    fn start() -> Self {
        let seed = [42; 32];
        let mut shadow = SeededRandom::new(seed);
        let (mut nonce, mut new_nonce) = ([0u8; 16], [0u8; 32]);
        shadow.fill(&mut nonce);
        shadow.fill(&mut new_nonce);
        let mut random = SeededRandom::new(seed);
        let config = ClientHandshakeConfig {
            keys: vec![rsa::test_key()],
            ..ClientHandshakeConfig::new(2)
        };
        let (client, _) = ClientHandshake::start(config, &mut random);
        Exchange {
            client,
            random,
            nonce,
            new_nonce,
        }
    }

    fn send(&mut self, answer: &impl Serialize) -> Result<Step, HandshakeError> {
        self.client
            .handle(&answer.to_bytes(), NOW, &mut self.random)
    }

    fn res_pq(&self) -> types::ResPQ {
        types::ResPQ {
            nonce: self.nonce,
            server_nonce: SERVER_NONCE,
            pq: Bytes::copy_from_slice(&PQ.to_be_bytes()),
            server_public_key_fingerprints: vec![0x1234, rsa::test_key().fingerprint()],
        }
    }

    /// Past resPQ: the client has sent req_DH_params.
    fn after_res_pq() -> Self {
        let mut exchange = Exchange::start();
        let answer = exchange.res_pq();
        assert!(matches!(exchange.send(&answer), Ok(Step::Send(_))));
        exchange
    }

    fn inner(&self) -> types::ServerDHInnerData {
        let group = Group::new(3, &TELEGRAM_PRIME).unwrap();
        types::ServerDHInnerData {
            nonce: self.nonce,
            server_nonce: SERVER_NONCE,
            g: 3,
            dh_prime: Bytes::copy_from_slice(&TELEGRAM_PRIME),
            g_a: Bytes::copy_from_slice(&group.public(&SECRET_A)),
            server_time: (NOW + 90) as i32,
        }
    }

    /// server_DH_params_ok around `answer` (its SHA-1 prepended) and `padding` bytes.
    fn dh_ok_raw(&self, answer: &[u8], hash: [u8; 20], padding: usize) -> types::ServerDHParamsOk {
        let mut data = hash.to_vec();
        data.extend_from_slice(answer);
        data.resize(data.len() + padding, 0xee);
        let (key, iv) = tmp_aes(&self.new_nonce, &SERVER_NONCE);
        ige::encrypt(&mut data, &key, &iv).unwrap();
        types::ServerDHParamsOk {
            nonce: self.nonce,
            server_nonce: SERVER_NONCE,
            encrypted_answer: Bytes::from(data),
        }
    }

    fn dh_ok(&self, inner: &types::ServerDHInnerData) -> types::ServerDHParamsOk {
        let answer = inner.to_bytes();
        let padding = (16 - (20 + answer.len()) % 16) % 16;
        self.dh_ok_raw(&answer, sha1(&[&answer]), padding)
    }

    /// Past server_DH_params_ok: returns the auth key the client derived (found the way
    /// the server would, from its g_b and our secret a).
    fn after_dh_params() -> (Self, AuthKey) {
        let mut exchange = Exchange::after_res_pq();
        let answer = exchange.dh_ok(&exchange.inner());
        let Ok(Step::Send(body)) = exchange.send(&answer) else {
            panic!("expected set_client_DH_params")
        };
        let key = exchange.auth_key_from(&body);
        (exchange, key)
    }

    fn auth_key_from(&self, set_client_dh_params: &[u8]) -> AuthKey {
        let request = functions::SetClientDHParams::from_bytes(set_client_dh_params).unwrap();
        let mut data = request.encrypted_data.to_vec();
        let (key, iv) = tmp_aes(&self.new_nonce, &SERVER_NONCE);
        ige::decrypt(&mut data, &key, &iv).unwrap();
        let mut reader = oxigram_tl::Reader::new(&data[20..]);
        let enums::ClientDHInnerData::ClientDHInnerData(inner) =
            enums::ClientDHInnerData::deserialize(&mut reader).unwrap();
        assert_eq!(sha1(&[&data[20..20 + reader.position()]]), data[..20]);
        let group = Group::new(3, &TELEGRAM_PRIME).unwrap();
        let g_b = group.check_public(&inner.g_b).unwrap();
        AuthKey::new(group.power(&g_b, &SECRET_A))
    }

    fn gen_ok(&self, key: &AuthKey) -> types::DhGenOk {
        types::DhGenOk {
            nonce: self.nonce,
            server_nonce: SERVER_NONCE,
            new_nonce_hash1: new_nonce_hash(&self.new_nonce, 1, key),
        }
    }
}

fn fails_with(result: Result<Step, HandshakeError>, expected: HandshakeError) {
    assert_eq!(result.unwrap_err(), expected);
}

/// Answers req_DH_params with valid server_DH_inner_data changed by `change`.
fn with_inner(change: impl FnOnce(&mut types::ServerDHInnerData), expected: HandshakeError) {
    let mut exchange = Exchange::after_res_pq();
    let mut inner = exchange.inner();
    change(&mut inner);
    let answer = exchange.dh_ok(&inner);
    fails_with(exchange.send(&answer), expected);
}

#[test]
fn a_valid_exchange_completes() {
    let (mut exchange, key) = Exchange::after_dh_params();
    let answer = exchange.gen_ok(&key);
    let Ok(Step::Done(outcome)) = exchange.send(&answer) else {
        panic!("expected the key")
    };
    assert_eq!(outcome.auth_key, key);
    let salt: [u8; 8] = std::array::from_fn(|i| exchange.new_nonce[i] ^ SERVER_NONCE[i]);
    assert_eq!(outcome.first_salt, i64::from_le_bytes(salt));
    fails_with(exchange.send(&answer), HandshakeError::Finished);
}

#[test]
fn time_offset_is_server_time_minus_now() {
    let (mut exchange, key) = Exchange::after_dh_params();
    let answer = exchange.gen_ok(&key);
    let Ok(Step::Done(outcome)) = exchange.send(&answer) else {
        panic!("expected the key")
    };
    assert_eq!(outcome.time_offset, 90);
}

#[test]
fn res_pq_with_another_nonce() {
    let mut exchange = Exchange::start();
    let answer = types::ResPQ {
        nonce: [0; 16],
        ..exchange.res_pq()
    };
    fails_with(exchange.send(&answer), HandshakeError::NonceMismatch);
}

#[test]
fn res_pq_with_unknown_fingerprints() {
    let mut exchange = Exchange::start();
    let answer = types::ResPQ {
        server_public_key_fingerprints: vec![1, 2],
        ..exchange.res_pq()
    };
    fails_with(
        exchange.send(&answer),
        HandshakeError::UnknownFingerprints(vec![1, 2]),
    );
}

#[test]
fn res_pq_with_a_prime_pq() {
    let mut exchange = Exchange::start();
    let prime = 4_294_967_291u64;
    let answer = types::ResPQ {
        pq: Bytes::copy_from_slice(&prime.to_be_bytes()),
        ..exchange.res_pq()
    };
    fails_with(
        exchange.send(&answer),
        HandshakeError::BadPq(PqError::NotComposite(prime)),
    );
}

#[test]
fn res_pq_with_a_bad_pq() {
    // A square, a small factor, three primes, and a product above 2^63: each a typed
    // failure of the exchange rather than a key built on a wrong split.
    let square = 2_147_483_647u64 * 2_147_483_647;
    let small = 3 * 2_147_483_647u64;
    let three = 1_000_003u64 * 1_000_033 * 1_000_037;
    let wide = 4_294_967_291u64 * 4_294_967_279;
    for (pq, expected) in [
        (square, Some(PqError::Square(square))),
        (
            small,
            Some(PqError::FactorOutOfRange {
                pq: small,
                factor: 3,
            }),
        ),
        (three, None),
        (wide, Some(PqError::TooLarge(wide))),
    ] {
        let mut exchange = Exchange::start();
        let answer = types::ResPQ {
            pq: Bytes::copy_from_slice(&pq.to_be_bytes()),
            ..exchange.res_pq()
        };
        match (exchange.send(&answer), expected) {
            (Err(HandshakeError::BadPq(e)), Some(expected)) => assert_eq!(e, expected),
            (Err(HandshakeError::BadPq(_)), None) => {}
            (other, _) => panic!("pq {pq}: {other:?}"),
        }
    }
}

#[test]
fn dh_params_with_another_nonce() {
    let mut exchange = Exchange::after_res_pq();
    let answer = types::ServerDHParamsOk {
        nonce: [1; 16],
        ..exchange.dh_ok(&exchange.inner())
    };
    fails_with(exchange.send(&answer), HandshakeError::NonceMismatch);
}

#[test]
fn dh_params_with_another_server_nonce() {
    let mut exchange = Exchange::after_res_pq();
    let answer = types::ServerDHParamsOk {
        server_nonce: [1; 16],
        ..exchange.dh_ok(&exchange.inner())
    };
    fails_with(exchange.send(&answer), HandshakeError::ServerNonceMismatch);
}

#[test]
fn inner_data_with_another_server_nonce() {
    with_inner(
        |i| i.server_nonce = [2; 16],
        HandshakeError::ServerNonceMismatch,
    );
}

#[test]
fn inner_data_with_another_nonce() {
    with_inner(|i| i.nonce = [2; 16], HandshakeError::NonceMismatch);
}

#[test]
fn answer_with_a_wrong_hash() {
    let mut exchange = Exchange::after_res_pq();
    let inner = exchange.inner().to_bytes();
    let mut hash = sha1(&[&inner]);
    hash[19] ^= 1;
    let padding = (16 - (20 + inner.len()) % 16) % 16;
    let answer = exchange.dh_ok_raw(&inner, hash, padding);
    fails_with(exchange.send(&answer), HandshakeError::AnswerHash);
}

#[test]
fn answer_with_too_much_padding() {
    let mut exchange = Exchange::after_res_pq();
    let inner = exchange.inner().to_bytes();
    let padding = (16 - (20 + inner.len()) % 16) % 16 + 16;
    let answer = exchange.dh_ok_raw(&inner, sha1(&[&inner]), padding);
    fails_with(exchange.send(&answer), HandshakeError::AnswerHash);
}

#[test]
fn dh_prime_of_2047_bits() {
    let mut prime = TELEGRAM_PRIME;
    prime[0] &= 0x7f;
    with_inner(
        |i| i.dh_prime = Bytes::copy_from_slice(&prime),
        HandshakeError::Dh(DhError::PrimeSize),
    );
}

#[test]
fn dh_prime_not_safe() {
    let mut prime = TELEGRAM_PRIME;
    prime[255] += 6; // keeps g = 3's residue condition, but is composite
    with_inner(
        |i| i.dh_prime = Bytes::copy_from_slice(&prime),
        HandshakeError::Dh(DhError::NotSafePrime),
    );
}

#[test]
fn generator_out_of_range() {
    with_inner(|i| i.g = 9, HandshakeError::Dh(DhError::Generator(9)));
}

#[test]
fn generator_with_a_wrong_residue() {
    // Telegram's prime is 3 mod 8: 2 does not generate the prime-order subgroup.
    with_inner(
        |i| i.g = 2,
        HandshakeError::Dh(DhError::GeneratorResidue(2)),
    );
}

fn with_g_a(g_a: &[u8]) {
    with_inner(
        |i| i.g_a = Bytes::copy_from_slice(g_a),
        HandshakeError::Dh(DhError::ValueRange),
    );
}

#[test]
fn g_a_of_one() {
    with_g_a(&[1]);
}

#[test]
fn g_a_below_the_margin() {
    let mut g_a = [0xffu8; 256];
    g_a[..8].fill(0); // 2^1984 - 1
    with_g_a(&g_a);
}

#[test]
fn g_a_above_the_margin() {
    // p - 2^1984 + 1: one above the highest value allowed.
    let mut g_a = TELEGRAM_PRIME;
    g_a[7] -= 1;
    g_a[255] += 1;
    with_g_a(&g_a);
    let mut p_minus_one = TELEGRAM_PRIME;
    p_minus_one[255] -= 1;
    with_g_a(&p_minus_one);
    with_g_a(&TELEGRAM_PRIME);
}

#[test]
fn dh_gen_with_another_nonce() {
    let (mut exchange, key) = Exchange::after_dh_params();
    let answer = types::DhGenOk {
        nonce: [3; 16],
        ..exchange.gen_ok(&key)
    };
    fails_with(exchange.send(&answer), HandshakeError::NonceMismatch);
}

#[test]
fn dh_gen_with_another_server_nonce() {
    let (mut exchange, key) = Exchange::after_dh_params();
    let answer = types::DhGenOk {
        server_nonce: [3; 16],
        ..exchange.gen_ok(&key)
    };
    fails_with(exchange.send(&answer), HandshakeError::ServerNonceMismatch);
}

#[test]
fn dh_gen_ok_with_a_wrong_hash() {
    let (mut exchange, key) = Exchange::after_dh_params();
    let mut answer = exchange.gen_ok(&key);
    answer.new_nonce_hash1[0] ^= 1;
    fails_with(exchange.send(&answer), HandshakeError::NewNonceHashMismatch);
}

#[test]
fn dh_gen_retry_then_ok() {
    let (mut exchange, key) = Exchange::after_dh_params();
    let retry = types::DhGenRetry {
        nonce: exchange.nonce,
        server_nonce: SERVER_NONCE,
        new_nonce_hash2: new_nonce_hash(&exchange.new_nonce, 2, &key),
    };
    let Ok(Step::Send(body)) = exchange.send(&retry) else {
        panic!("expected a new set_client_DH_params")
    };
    let request = functions::SetClientDHParams::from_bytes(&body).unwrap();
    let mut data = request.encrypted_data.to_vec();
    let (k, iv) = tmp_aes(&exchange.new_nonce, &SERVER_NONCE);
    ige::decrypt(&mut data, &k, &iv).unwrap();
    let inner =
        enums::ClientDHInnerData::deserialize(&mut oxigram_tl::Reader::new(&data[20..])).unwrap();
    let enums::ClientDHInnerData::ClientDHInnerData(inner) = inner;
    assert_eq!(inner.retry_id, i64::from_le_bytes(key.aux_hash()));

    let new_key = exchange.auth_key_from(&body);
    assert_ne!(new_key, key);
    let answer = exchange.gen_ok(&new_key);
    let Ok(Step::Done(outcome)) = exchange.send(&answer) else {
        panic!("expected the key")
    };
    assert_eq!(outcome.auth_key, new_key);
}

#[test]
fn dh_gen_fail_fails() {
    let (mut exchange, key) = Exchange::after_dh_params();
    let answer = types::DhGenFail {
        nonce: exchange.nonce,
        server_nonce: SERVER_NONCE,
        new_nonce_hash3: new_nonce_hash(&exchange.new_nonce, 3, &key),
    };
    fails_with(exchange.send(&answer), HandshakeError::DhGenFail);
}

#[test]
fn server_dh_params_fail_is_reported_only_when_proven() {
    let mut exchange = Exchange::after_res_pq();
    let digest = sha1(&[&exchange.new_nonce]);
    let mut answer = types::ServerDHParamsFail {
        nonce: exchange.nonce,
        server_nonce: SERVER_NONCE,
        new_nonce_hash: digest[4..].try_into().unwrap(),
    };
    fails_with(exchange.send(&answer), HandshakeError::ServerDhParamsFail);

    let mut exchange = Exchange::after_res_pq();
    answer.new_nonce_hash[0] ^= 1;
    fails_with(exchange.send(&answer), HandshakeError::NewNonceHashMismatch);
}

#[test]
fn an_answer_of_the_wrong_type_is_a_decode_error() {
    let mut exchange = Exchange::start();
    let answer = exchange.inner();
    assert!(matches!(
        exchange.send(&answer),
        Err(HandshakeError::Decode(_))
    ));
}
