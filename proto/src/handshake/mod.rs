//! The auth-key exchange (MTProto 2.0 "Creating an Authorization Key") as a sans-IO state
//! machine.
//!
//! The client role takes the server's answers as TL bodies (the payloads of unencrypted
//! messages) and returns the next body to send; randomness comes from a
//! [`RandomSource`](crate::random::RandomSource) and time from the caller. At the end it
//! yields an [`AuthKeyOutcome`]: the key with its id and auxiliary hash, the server time
//! offset and the first salt.
//!
//! # Checks
//!
//! Every check of Telegram's security guidelines that applies to the exchange fails the
//! handshake with its own [`HandshakeError`] (test names in `tests/handshake_checks.rs`):
//!
//! | check | error | test |
//! | --- | --- | --- |
//! | `nonce` matches in every answer | `NonceMismatch` | `res_pq_with_another_nonce`, `dh_params_with_another_nonce`, `dh_gen_with_another_nonce` |
//! | `server_nonce` matches after `resPQ` | `ServerNonceMismatch` | `dh_params_with_another_server_nonce`, `inner_data_with_another_server_nonce`, `dh_gen_with_another_server_nonce` |
//! | `new_nonce_hash` of `dh_gen_*` matches | `NewNonceHashMismatch` | `dh_gen_ok_with_a_wrong_hash` |
//! | a known RSA fingerprint is offered | `UnknownFingerprints` | `res_pq_with_unknown_fingerprints` |
//! | `pq` is two primes in 2^24..2^32, at most 2^63, split within a step budget | `BadPq` | `res_pq_with_a_prime_pq`, `res_pq_with_a_bad_pq` |
//! | the answer's SHA-1 matches, padding < 16 | `AnswerHash` | `answer_with_a_wrong_hash`, `answer_with_too_much_padding` |
//! | `dh_prime` is a 2048-bit safe prime | `Dh(PrimeSize)`, `Dh(NotSafePrime)` | `dh_prime_of_2047_bits`, `dh_prime_not_safe` |
//! | `g` in 2..=7 with its residue condition | `Dh(Generator)`, `Dh(GeneratorResidue)` | `generator_out_of_range`, `generator_with_a_wrong_residue` |
//! | `1 < g_a < p - 1`, within `2^1984 ..= p - 2^1984` | `Dh(ValueRange)` | `g_a_of_one`, `g_a_below_the_margin`, `g_a_above_the_margin` |
//! | the server's time is taken into the offset | (outcome) | `time_offset_is_server_time_minus_now` |
//!
//! `g_b` is held to the same range: a secret `b` whose `g_b` falls outside it is drawn
//! again.

mod client;
mod derive;
#[cfg(feature = "server")]
mod server;

pub use client::{AuthKeyOutcome, ClientHandshake, ClientHandshakeConfig, InnerData, Step};
pub use derive::{new_nonce_hash, tmp_aes};
#[cfg(feature = "server")]
pub use server::{ServerHandshake, ServerHandshakeConfig, ServerStep};

use oxigram_tl::DecodeError;

use crate::crypto::CryptoError;
use crate::crypto::dh::DhError;

/// Why the key exchange failed. The server's misbehaviour and malformed answers are errors
/// of the exchange; the caller drops the connection and may start over.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HandshakeError {
    /// An answer that does not decode as the expected type.
    #[error("malformed answer: {0}")]
    Decode(#[from] DecodeError),
    /// An answer's `nonce` differs from ours.
    #[error("answer carries another nonce")]
    NonceMismatch,
    /// An answer's `server_nonce` differs from the one `resPQ` gave.
    #[error("answer carries another server_nonce")]
    ServerNonceMismatch,
    /// A `new_nonce_hash` that does not prove knowledge of our `new_nonce`.
    #[error("new_nonce_hash mismatch")]
    NewNonceHashMismatch,
    /// None of the server's RSA fingerprints belongs to a key we hold.
    #[error("no known RSA key among the server's fingerprints {0:x?}")]
    UnknownFingerprints(Vec<i64>),
    /// A `pq` longer than 8 bytes (Telegram's is below 2^63).
    #[error("pq of {0} bytes is too large")]
    PqTooLarge(usize),
    /// The server's `pq` is not a product of two primes of the expected size (or did not
    /// split within the step budget).
    #[error("bad pq: {0}")]
    BadPq(#[from] crate::crypto::factor::PqError),
    /// RSA_PAD or AES failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The server answered `server_DH_params_fail`.
    #[error("server refused the DH parameters request")]
    ServerDhParamsFail,
    /// The encrypted answer's SHA-1 or padding is wrong.
    #[error("encrypted answer fails its SHA-1 check")]
    AnswerHash,
    /// `dh_prime`, `g` or `g_a` fails a check.
    #[error(transparent)]
    Dh(#[from] DhError),
    /// The server answered `dh_gen_fail`.
    #[error("server failed the key generation")]
    DhGenFail,
    /// The server asked to retry too many times.
    #[error("server asked for more than {0} retries")]
    TooManyRetries(u32),
    /// (Server role) the client's `p`, `q` or `pq` are not the ones offered.
    #[error("p, q or pq differ from the ones offered")]
    PqMismatch,
    /// (Server role) the client asked for a key for another DC.
    #[error("key requested for DC {0}")]
    WrongDc(i32),
    /// An answer arrived after the handshake had finished or failed (API misuse).
    #[error("the handshake is over")]
    Finished,
}
