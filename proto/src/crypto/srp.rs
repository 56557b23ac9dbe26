//! The SRP-2048 proof of a two-factor password (`account.getPassword` →
//! `inputCheckPasswordSRP`), as Telegram's `passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512
//! iter100000SHA256ModPow` defines it.
//!
//! The secret `a` comes from our own random source, never from the server.

use crypto_bigint::modular::{FixedMontyForm, MontyParams};
use crypto_bigint::{Odd, U2048, U4096};
use sha2::Sha512;

use super::dh::{DhError, Group};
use super::sha256;
use crate::random::RandomSource;

/// PBKDF2 iterations the algorithm prescribes.
pub const ITERATIONS: u32 = 100_000;

/// The server's half: what `account.password` carries.
#[derive(Debug, Clone, Copy)]
pub struct SrpServer<'a> {
    /// `salt1` of the algorithm.
    pub salt1: &'a [u8],
    /// `salt2` of the algorithm.
    pub salt2: &'a [u8],
    /// The generator.
    pub g: i32,
    /// The 2048-bit safe prime, big-endian.
    pub p: &'a [u8],
    /// The server's public value `srp_B`.
    pub g_b: &'a [u8],
}

/// The proof to send: `A` and `M1` of `inputCheckPasswordSRP`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrpProof {
    /// Our public value `g^a mod p`, 256 bytes.
    pub a: [u8; 256],
    /// The password proof.
    pub m1: [u8; 32],
}

/// `SH(data, salt) = SHA256(salt ‖ data ‖ salt)`.
fn salted(data: &[u8], salt: &[u8]) -> [u8; 32] {
    sha256(&[salt, data, salt])
}

/// The password hash `x` (PH2): two salted SHA-256s around PBKDF2-HMAC-SHA512.
pub fn password_hash(password: &[u8], salt1: &[u8], salt2: &[u8]) -> [u8; 32] {
    let ph1 = salted(&salted(password, salt1), salt2);
    let mut stretched = [0u8; 64];
    pbkdf2::pbkdf2_hmac::<Sha512>(&ph1, salt1, ITERATIONS, &mut stretched);
    salted(&stretched, salt2)
}

/// Computes the proof for `password`, drawing the secret `a` from `random` (again while
/// `g^a` falls outside the safe range).
pub fn prove(
    password: &[u8],
    server: &SrpServer<'_>,
    random: &mut dyn RandomSource,
) -> Result<SrpProof, DhError> {
    let group = Group::new(server.g, server.p)?;
    let g_b = padded(server.g_b).ok_or(DhError::ValueRange)?;
    let p = group.prime_bytes();
    let g_padded = g_bytes(server.g);

    let x = widen::<32>(&password_hash(password, server.salt1, server.salt2));
    let (secret, g_a) = loop {
        let mut secret = [0u8; 256];
        random.fill(&mut secret);
        let g_a = group.public(&secret);
        if group.check_public(&g_a).is_ok() {
            break (secret, g_a);
        }
    };
    let u = widen::<32>(&sha256(&[&g_a, &g_b]));
    let k = multiplier(&p, &g_padded);

    let params = monty_params(&p);
    let monty = |bytes: &[u8; 256]| FixedMontyForm::new(&U2048::from_be_slice(bytes), &params);
    let v = monty(&g_padded).pow(&U2048::from_be_slice(&x));
    let t = monty(&g_b) - monty(&k) * v;
    // t is g^b, the server's half without the password: it must be a proper group element.
    group.check_public(t.retrieve().to_be_bytes().as_ref())?;
    // a + u·x is at most 2049 bits: a 4096-bit exponent holds it exactly.
    let exponent = wide(&secret).wrapping_add(&wide(&u).wrapping_mul(&wide(&x)));
    let s_a = t.pow(&exponent).retrieve();
    let k_a = sha256(&[s_a.to_be_bytes().as_ref()]);
    let m1 = proof_hash(
        &p,
        &g_padded,
        (server.salt1, server.salt2),
        &g_a,
        &g_b,
        &k_a,
    );
    Ok(SrpProof { a: g_a, m1 })
}

/// `g` as a 256-byte big-endian number.
fn g_bytes(g: i32) -> [u8; 256] {
    let mut out = [0u8; 256];
    out[255] = g as u8;
    out
}

/// The multiplier `k = H(p ‖ g)`.
fn multiplier(p: &[u8; 256], g: &[u8; 256]) -> [u8; 256] {
    widen::<32>(&sha256(&[p, g]))
}

/// Montgomery parameters for a prime the group already checked.
fn monty_params(p: &[u8; 256]) -> MontyParams<U2048> {
    MontyParams::new_vartime(Odd::new(U2048::from_be_slice(p)).expect("checked prime"))
}

/// `M1 = H(H(p) xor H(g) ‖ H(salt1) ‖ H(salt2) ‖ A ‖ B ‖ K)`, which both sides compute.
fn proof_hash(
    p: &[u8; 256],
    g: &[u8; 256],
    (salt1, salt2): (&[u8], &[u8]),
    a: &[u8; 256],
    b: &[u8; 256],
    k: &[u8; 32],
) -> [u8; 32] {
    let (hp, hg) = (sha256(&[p]), sha256(&[g]));
    let hp_xor_hg: [u8; 32] = std::array::from_fn(|i| hp[i] ^ hg[i]);
    sha256(&[&hp_xor_hg, &sha256(&[salt1]), &sha256(&[salt2]), a, b, k])
}

/// (Server role) what a server keeps to check proofs of one password: the verifier
/// `v = g^x mod p` and the algorithm's parameters.
#[cfg(feature = "server")]
#[derive(Clone)]
pub struct SrpVerifier {
    group: Group,
    g: i32,
    salt1: Vec<u8>,
    salt2: Vec<u8>,
    v: [u8; 256],
}

#[cfg(feature = "server")]
impl std::fmt::Debug for SrpVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SrpVerifier { .. }")
    }
}

#[cfg(feature = "server")]
impl SrpVerifier {
    /// The verifier of `password` with these salts, in the group `(g, p)`.
    pub fn new(
        password: &[u8],
        salt1: &[u8],
        salt2: &[u8],
        g: i32,
        p: &[u8],
    ) -> Result<Self, DhError> {
        let group = Group::new(g, p)?;
        let x = widen::<32>(&password_hash(password, salt1, salt2));
        let v = group.power(&g_bytes(g), &x);
        Ok(SrpVerifier {
            group,
            g,
            salt1: salt1.to_vec(),
            salt2: salt2.to_vec(),
            v,
        })
    }

    /// The salts and group a client needs (`account.password`'s algorithm).
    pub fn parameters(&self) -> (&[u8], &[u8], i32, [u8; 256]) {
        (&self.salt1, &self.salt2, self.g, self.group.prime_bytes())
    }

    /// The server's public value `B = k·v + g^b mod p` for a secret `b`.
    pub fn challenge(&self, b: &[u8; 256]) -> [u8; 256] {
        let p = self.group.prime_bytes();
        let g = g_bytes(self.g);
        let k = multiplier(&p, &g);
        let params = monty_params(&p);
        let monty = |bytes: &[u8; 256]| FixedMontyForm::new(&U2048::from_be_slice(bytes), &params);
        let g_b = monty(&g).pow(&U2048::from_be_slice(b));
        let out = (monty(&k) * monty(&self.v) + g_b).retrieve();
        let mut bytes = [0u8; 256];
        bytes.copy_from_slice(out.to_be_bytes().as_ref());
        bytes
    }

    /// Whether `(A, M1)` proves the password, for the challenge made from `b`.
    pub fn verify(&self, b: &[u8; 256], a: &[u8], m1: &[u8]) -> bool {
        let Some(a) = padded(a) else {
            return false;
        };
        if self.group.check_public(&a).is_err() || m1.len() != 32 {
            return false;
        }
        let g_b = self.challenge(b);
        let p = self.group.prime_bytes();
        let g = g_bytes(self.g);
        let u = widen::<32>(&sha256(&[&a, &g_b]));
        let params = monty_params(&p);
        let monty = |bytes: &[u8; 256]| FixedMontyForm::new(&U2048::from_be_slice(bytes), &params);
        // S = (A · v^u)^b
        let base = monty(&a) * monty(&self.v).pow(&U2048::from_be_slice(&u));
        let s = base.pow(&U2048::from_be_slice(b)).retrieve();
        let k = sha256(&[s.to_be_bytes().as_ref()]);
        let expected = proof_hash(&p, &g, (&self.salt1, &self.salt2), &a, &g_b, &k);
        // Compared without an early exit, so the time taken says nothing of the match.
        expected
            .iter()
            .zip(m1)
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
    }
}

/// `srp_B` as a 256-byte big-endian number (it may come shorter).
fn padded(value: &[u8]) -> Option<[u8; 256]> {
    let mut out = [0u8; 256];
    out.get_mut(256usize.checked_sub(value.len())?..)?
        .copy_from_slice(value);
    Some(out)
}

/// A 32-byte hash as a 256-byte big-endian number.
fn widen<const N: usize>(bytes: &[u8; N]) -> [u8; 256] {
    let mut out = [0u8; 256];
    out[256 - N..].copy_from_slice(bytes);
    out
}

fn wide(bytes: &[u8; 256]) -> U4096 {
    let mut out = [0u8; 512];
    out[256..].copy_from_slice(bytes);
    U4096::from_be_slice(&out)
}

#[cfg(all(test, feature = "server"))]
mod verifier_tests {
    use super::*;
    use crate::crypto::dh::TELEGRAM_PRIME;
    use crate::random::SeededRandom;

    #[test]
    fn a_proof_of_the_right_password_verifies() {
        let verifier =
            SrpVerifier::new(b"hunter2", &[1; 40], &[2; 16], 3, &TELEGRAM_PRIME).unwrap();
        let b = [0x5a; 256];
        let g_b = verifier.challenge(&b);
        let (salt1, salt2, g, p) = verifier.parameters();
        let server = SrpServer {
            salt1,
            salt2,
            g,
            p: &p,
            g_b: &g_b,
        };
        let mut random = SeededRandom::new([9; 32]);
        let proof = prove(b"hunter2", &server, &mut random).unwrap();
        assert!(verifier.verify(&b, &proof.a, &proof.m1));
        let wrong = prove(b"hunter3", &server, &mut random).unwrap();
        assert!(!verifier.verify(&b, &wrong.a, &wrong.m1));
        assert!(!verifier.verify(&b, &[1], &proof.m1));
        assert!(!verifier.verify(&b, &proof.a, &proof.m1[..31]));
    }
}
