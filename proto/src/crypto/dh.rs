//! Diffie–Hellman over Telegram's 2048-bit safe-prime groups, with the checks the
//! security guidelines ask of every value.

use crypto_bigint::modular::{FixedMontyForm, MontyParams};
use crypto_bigint::{Odd, U2048};

/// The prime every Telegram DC sends today (and Telegram's documented sample uses). A
/// known-good prime costs no primality test.
pub const TELEGRAM_PRIME: [u8; 256] = hex256(
    "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f642477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b",
);

const fn hex256(s: &str) -> [u8; 256] {
    let s = s.as_bytes();
    let mut out = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        out[i] = (nibble(s[2 * i]) << 4) | nibble(s[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => panic!("not lowercase hex"),
    }
}

/// Why a group or value was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DhError {
    /// `dh_prime` is not between 2^2047 and 2^2048.
    #[error("dh_prime is not a 2048-bit number")]
    PrimeSize,
    /// `dh_prime` or `(dh_prime - 1) / 2` is not prime.
    #[error("dh_prime is not a safe prime")]
    NotSafePrime,
    /// `g` is not in 2..=7.
    #[error("generator {0} is not in 2..=7")]
    Generator(i32),
    /// `g` does not generate the subgroup of order `(p - 1) / 2` for this prime.
    #[error("generator {0} does not generate the prime-order subgroup")]
    GeneratorResidue(i32),
    /// A public value outside `2^1984 ..= p - 2^1984` (which also excludes `0, 1, p - 1`).
    #[error("public value out of the safe range")]
    ValueRange,
}

/// A checked group: a 2048-bit safe prime and a generator of its prime-order subgroup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    prime: Odd<U2048>,
    g: u32,
}

impl Group {
    /// Checks `dh_prime` (big-endian) and `g` as the security guidelines require.
    pub fn new(g: i32, dh_prime: &[u8]) -> Result<Self, DhError> {
        if dh_prime.len() != 256 || dh_prime[0] & 0x80 == 0 {
            return Err(DhError::PrimeSize);
        }
        let residue = |m: u32| {
            dh_prime
                .iter()
                .fold(0u32, |r, b| (r * 256 + u32::from(*b)) % m)
        };
        let ok = match g {
            2 => residue(8) == 7,
            3 => residue(3) == 2,
            4 => true,
            5 => matches!(residue(5), 1 | 4),
            6 => matches!(residue(24), 19 | 23),
            7 => matches!(residue(7), 3 | 5 | 6),
            _ => return Err(DhError::Generator(g)),
        };
        if !ok {
            return Err(DhError::GeneratorResidue(g));
        }
        let value = U2048::from_be_slice(dh_prime);
        if dh_prime != TELEGRAM_PRIME
            && !crypto_primes::is_prime(crypto_primes::Flavor::Safe, &value)
        {
            return Err(DhError::NotSafePrime);
        }
        let prime = Odd::new(value).into_option().ok_or(DhError::NotSafePrime)?;
        Ok(Group { prime, g: g as u32 })
    }

    /// The generator.
    pub fn g(&self) -> i32 {
        self.g as i32
    }

    /// The prime, big-endian.
    pub fn prime_bytes(&self) -> [u8; 256] {
        to_bytes(self.prime.as_ref())
    }

    /// Checks that a peer's public value lies in `2^1984 ..= p - 2^1984`.
    pub fn check_public(&self, value: &[u8]) -> Result<[u8; 256], DhError> {
        if value.len() > 256 {
            return Err(DhError::ValueRange);
        }
        let mut padded = [0u8; 256];
        padded[256 - value.len()..].copy_from_slice(value);
        let x = U2048::from_be_slice(&padded);
        let margin = U2048::ONE.shl_vartime(2048 - 64);
        let upper = self.prime.as_ref().wrapping_sub(&margin);
        if x < margin || x > upper {
            return Err(DhError::ValueRange);
        }
        Ok(padded)
    }

    /// `base^secret mod p`, in constant time in `secret`.
    pub fn power(&self, base: &[u8; 256], secret: &[u8; 256]) -> [u8; 256] {
        let params = MontyParams::new_vartime(self.prime);
        let base = FixedMontyForm::new(&U2048::from_be_slice(base), &params);
        to_bytes(&base.pow(&U2048::from_be_slice(secret)).retrieve())
    }

    /// `g^secret mod p`.
    pub fn public(&self, secret: &[u8; 256]) -> [u8; 256] {
        let mut g = [0u8; 256];
        g[255] = self.g as u8;
        self.power(&g, secret)
    }
}

fn to_bytes(x: &U2048) -> [u8; 256] {
    let mut out = [0u8; 256];
    out.copy_from_slice(x.to_be_bytes().as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_prime_with_g3_is_accepted() {
        let group = Group::new(3, &TELEGRAM_PRIME).unwrap();
        assert_eq!(group.prime_bytes(), TELEGRAM_PRIME);
    }

    #[test]
    fn generators_are_checked() {
        for g in [0, 1, 8, -3] {
            assert_eq!(Group::new(g, &TELEGRAM_PRIME), Err(DhError::Generator(g)));
        }
        // Telegram's prime is 3 mod 8, 2 mod 3, 3 mod 5, 11 mod 24 and 6 mod 7.
        for (g, valid) in [
            (2, false),
            (3, true),
            (4, true),
            (5, false),
            (6, false),
            (7, true),
        ] {
            let result = Group::new(g, &TELEGRAM_PRIME);
            if valid {
                assert!(result.is_ok(), "g = {g}");
            } else {
                assert_eq!(result, Err(DhError::GeneratorResidue(g)));
            }
        }
    }

    #[test]
    fn primes_are_checked() {
        let mut composite = TELEGRAM_PRIME;
        composite[255] += 6; // still 2 mod 3 and odd, no longer prime
        assert_eq!(Group::new(3, &composite), Err(DhError::NotSafePrime));
        assert_eq!(Group::new(3, &TELEGRAM_PRIME[1..]), Err(DhError::PrimeSize));
        let mut small = TELEGRAM_PRIME;
        small[0] &= 0x7f;
        assert_eq!(Group::new(3, &small), Err(DhError::PrimeSize));
    }

    #[test]
    fn public_values_are_range_checked() {
        let group = Group::new(3, &TELEGRAM_PRIME).unwrap();
        assert_eq!(group.check_public(&[1]), Err(DhError::ValueRange));
        assert_eq!(
            group.check_public(&TELEGRAM_PRIME),
            Err(DhError::ValueRange)
        );
        let mut just_below = TELEGRAM_PRIME;
        just_below[255] -= 1; // p - 1
        assert_eq!(group.check_public(&just_below), Err(DhError::ValueRange));
        let mut low = [0u8; 256];
        low[7] = 1; // 2^1984 exactly
        assert!(group.check_public(&low).is_ok());
        low[7] = 0;
        low[8] = 0xff; // just below 2^1984
        assert_eq!(group.check_public(&low), Err(DhError::ValueRange));
    }
}
