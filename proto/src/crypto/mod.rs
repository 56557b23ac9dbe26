//! MTProto's cryptography as pure functions: no I/O, no clock, no randomness of its own.
//!
//! - [`ige`]: AES-256-IGE, the cipher of encrypted messages and of the key exchange.
//! - [`ctr`]: AES-256-CTR, the cipher of obfuscated transports.
//! - [`dh`]: Diffie–Hellman over checked 2048-bit safe-prime groups.
//! - [`message`]: MTProto 2.0 message keys and the AES key/IV derived from them.
//! - [`factor`]: splitting the key exchange's `pq` into its two primes.
//! - [`rsa`]: Telegram's RSA keys, their fingerprints and RSA_PAD.
//! - [`srp`]: the SRP-2048 proof of a two-factor password.
//! - [`v1`]: MTProto 1.0 message keys, which only the PFS binding message still uses.
//! - [`sha1()`] and [`sha256()`] of several parts at once.

pub mod ctr;
pub mod dh;
pub mod factor;
pub mod ige;
pub mod message;
pub mod rsa;
pub mod srp;
pub mod v1;
#[cfg(target_arch = "x86_64")]
mod x86;

use sha1::Digest as _;

/// Why a crypto primitive refused its input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// Block-cipher input that is not a whole number of 16-byte blocks.
    #[error("{len} bytes is not a multiple of the 16-byte AES block")]
    UnalignedLength {
        /// The length given.
        len: usize,
    },
    /// A decrypted message whose message key does not match its content.
    #[error("message key mismatch")]
    MessageKey,
    /// An RSA key that is not a 2048-bit odd modulus with an exponent.
    #[error("invalid RSA public key")]
    RsaKey,
    /// More data than RSA_PAD can carry (144 bytes).
    #[error("RSA_PAD carries at most 144 bytes, not {len}")]
    RsaPadTooLong {
        /// The length given.
        len: usize,
    },
    /// An RSA_PAD block that does not decrypt to a consistent hash.
    #[error("RSA_PAD block fails its check")]
    RsaPad,
}

/// SHA-1 of the concatenation of `parts`.
pub fn sha1(parts: &[&[u8]]) -> [u8; 20] {
    let mut hasher = sha1::Sha1::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// SHA-256 of the concatenation of `parts`.
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = sha2::Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_of_parts_are_hashes_of_the_whole() {
        // FIPS 180 examples.
        assert_eq!(
            sha1(&[b"a", b"bc"]),
            *b"\xa9\x99\x3e\x36\x47\x06\x81\x6a\xba\x3e\x25\x71\x78\x50\xc2\x6c\x9c\xd0\xd8\x9d"
        );
        assert_eq!(
            sha256(&[b"ab", b"", b"c"]),
            *b"\xba\x78\x16\xbf\x8f\x01\xcf\xea\x41\x41\x40\xde\x5d\xae\x22\x23\
               \xb0\x03\x61\xa3\x96\x17\x7a\x9c\xb4\x10\xff\x61\xf2\x00\x15\xad"
        );
    }
}
