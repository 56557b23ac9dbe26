//! A key share that reads as an honest X25519 public key. No key agreement follows (the
//! TLS is a disguise), so only its look matters; but half of all random strings are not
//! the x-coordinate of a point on Curve25519, and an observer who checks would see a
//! client that cannot be a browser. So the share is drawn as a random point on the curve
//! multiplied by its cofactor 8 (three doublings), which is what every public key is.

use crypto_bigint::modular::{FixedMontyForm, MontyParams};
use crypto_bigint::{Odd, U256};

use crate::crypto::sha256;
use crate::random::RandomSource;

/// The field's prime, 2^255 - 19.
const P: U256 =
    U256::from_be_hex("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed");

/// The curve's `A` in `y^2 = x^3 + A x^2 + x`.
const A: u64 = 486_662;

type Fe = FixedMontyForm<{ U256::LIMBS }>;

struct Field {
    params: MontyParams<U256>,
}

impl Field {
    fn new() -> Field {
        Field {
            params: MontyParams::new_vartime(Odd::new(P).expect("2^255 - 19 is odd")),
        }
    }

    /// `x` (little-endian, as X25519 writes coordinates) reduced into the field.
    fn element(&self, le: &[u8; 32]) -> Fe {
        let mut x = U256::from_le_slice(le);
        if x >= P {
            x = x.wrapping_sub(&P);
        }
        FixedMontyForm::new(&x, &self.params)
    }

    fn small(&self, n: u64) -> Fe {
        FixedMontyForm::new(&U256::from_u64(n), &self.params)
    }

    /// `x^3 + A x^2 + x`: a square exactly when `x` is on the curve.
    fn y_squared(&self, x: &Fe) -> Fe {
        let x2 = x.square();
        x2 * x + self.small(A) * x2 + x
    }

    /// Euler's criterion: `v` is a non-zero square modulo `P`.
    fn is_square(&self, v: &Fe) -> bool {
        let half = P.wrapping_sub(&U256::ONE).shr_vartime(1);
        v.pow(&half) == self.small(1)
    }

    /// The x-coordinate of twice the point at `x` (the Montgomery doubling formula
    /// `(x^2 - 1)^2 / 4y^2`); `None` at a point of order two, whose double is infinity.
    fn double(&self, x: &Fe) -> Option<Fe> {
        let numerator = (x.square() - self.small(1)).square();
        let denominator = self.small(4) * self.y_squared(x);
        Some(numerator * denominator.invert().into_option()?)
    }
}

/// Whether the little-endian `x` (below 2^255) is the x-coordinate of a point on
/// Curve25519 other than one of order at most two. (What an observer would check.)
#[cfg(test)]
fn on_curve(x: &[u8; 32]) -> bool {
    let field = Field::new();
    x[31] & 0x80 == 0 && field.is_square(&field.y_squared(&field.element(x)))
}

/// A random X25519 public key's worth of bytes (little-endian, below 2^255).
///
/// One draw of 32 bytes seeds it; each candidate is `SHA-256(seed ‖ attempt)` (attempt
/// as 4 bytes little-endian) with its top bit cleared, so that even a source that
/// always gives the same bytes cannot keep it drawing for ever.
pub(super) fn key_share(random: &mut dyn RandomSource) -> [u8; 32] {
    let field = Field::new();
    let mut seed = [0u8; 32];
    random.fill(&mut seed);
    for attempt in 0u32.. {
        let mut drawn = sha256(&[&seed, &attempt.to_le_bytes()]);
        drawn[31] &= 0x7f;
        let x = field.element(&drawn);
        // About half of the draws are on the curve.
        if !field.is_square(&field.y_squared(&x)) {
            continue;
        }
        let Some(x8) = field
            .double(&x)
            .and_then(|x2| field.double(&x2))
            .and_then(|x4| field.double(&x4))
        else {
            continue;
        };
        let mut share = [0u8; 32];
        share.copy_from_slice(&x8.retrieve().to_le_bytes());
        return share;
    }
    unreachable!("2^32 candidates, each on the curve with probability 1/2")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;

    fn hex32(text: &str) -> [u8; 32] {
        let bytes: Vec<u8> = (0..64)
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect();
        bytes.try_into().unwrap()
    }

    #[test]
    fn published_public_keys_are_on_the_curve_and_most_noise_is_not() {
        // RFC 7748, section 6.1: Alice's and Bob's public keys, and the base point (9).
        for key in [
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
            "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
            "0900000000000000000000000000000000000000000000000000000000000000",
        ] {
            assert!(on_curve(&hex32(key)), "{key}");
        }
        // x = 2 gives 8 + 4A + 2 = 1946658, which is not a square modulo 2^255 - 19.
        let mut two = [0u8; 32];
        two[0] = 2;
        assert!(!on_curve(&two));
        // Random strings: about half are on the curve, never (nearly) all.
        let mut random = SeededRandom::new([8; 32]);
        let on = (0..400)
            .filter(|_| {
                let mut x = [0u8; 32];
                random.fill(&mut x);
                x[31] &= 0x7f;
                on_curve(&x)
            })
            .count();
        assert!(
            (140..260).contains(&on),
            "{on} of 400 random strings on the curve"
        );
    }

    #[test]
    fn every_share_is_on_the_curve_and_they_differ() {
        let mut random = SeededRandom::new([4; 32]);
        let shares: Vec<[u8; 32]> = (0..200).map(|_| key_share(&mut random)).collect();
        for share in &shares {
            assert!(on_curve(share), "{share:02x?}");
        }
        let mut distinct = shares.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), shares.len());
    }
}
