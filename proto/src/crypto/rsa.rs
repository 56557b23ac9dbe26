//! RSA as the key exchange uses it: Telegram's public keys, their fingerprints, and
//! RSA_PAD, the MTProto 2.0 encryption of `p_q_inner_data`.

use crypto_bigint::modular::{FixedMontyForm, MontyParams};
use crypto_bigint::{Odd, U2048};

use super::{CryptoError, ige, sha1, sha256};
use crate::random::RandomSource;

/// An RSA public key with the fingerprint servers name it by.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPublicKey {
    n: Odd<U2048>,
    e: U2048,
    fingerprint: i64,
}

impl std::fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "RsaPublicKey {{ fingerprint: {:#018x} }}",
            self.fingerprint as u64
        )
    }
}

impl RsaPublicKey {
    /// A key from its modulus and exponent as big-endian bytes. The modulus must be odd
    /// and 2048 bits long, as Telegram's keys are.
    pub fn new(n: &[u8], e: &[u8]) -> Result<Self, CryptoError> {
        let n = trim(n);
        let e = trim(e);
        if n.len() != 256 || e.is_empty() || e.len() > 256 {
            return Err(CryptoError::RsaKey);
        }
        let modulus = Odd::new(U2048::from_be_slice(n))
            .into_option()
            .ok_or(CryptoError::RsaKey)?;
        let mut e_padded = [0u8; 256];
        e_padded[256 - e.len()..].copy_from_slice(e);
        let mut tl = Vec::with_capacity(264 + e.len());
        oxigram_tl::put_byte_string(n, &mut tl);
        oxigram_tl::put_byte_string(e, &mut tl);
        let digest = sha1(&[&tl]);
        let fingerprint = i64::from_le_bytes(digest[12..20].try_into().expect("8 bytes"));
        Ok(RsaPublicKey {
            n: modulus,
            e: U2048::from_be_slice(&e_padded),
            fingerprint,
        })
    }

    /// The modulus, big-endian.
    pub fn modulus(&self) -> [u8; 256] {
        let mut out = [0u8; 256];
        out.copy_from_slice(self.n.as_ref().to_be_bytes().as_ref());
        out
    }

    /// The public exponent, big-endian without leading zeros.
    pub fn exponent(&self) -> Vec<u8> {
        trim(self.e.to_be_bytes().as_ref()).to_vec()
    }

    /// The fingerprint: the low 64 bits of `SHA1(n ‖ e)` in TL `bytes` encoding.
    pub fn fingerprint(&self) -> i64 {
        self.fingerprint
    }

    /// `m^e mod n` of a 256-byte big-endian number.
    fn power(&self, m: &[u8; 256]) -> [u8; 256] {
        let params = MontyParams::new_vartime(self.n);
        let m = FixedMontyForm::new(&U2048::from_be_slice(m), &params);
        // The exponent is public (65537 for every Telegram key): only its 17 bits need
        // work, not a 2048-bit constant-time ladder.
        let c = m
            .pow_bounded_exp(&self.e, self.e.bit_width_vartime())
            .retrieve();
        let mut out = [0u8; 256];
        out.copy_from_slice(c.to_be_bytes().as_ref());
        out
    }

    /// Whether a 256-byte big-endian number is below the modulus.
    fn below_modulus(&self, m: &[u8; 256]) -> bool {
        U2048::from_be_slice(m) < *self.n.as_ref()
    }
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// An RSA key pair, for the server role.
#[derive(Clone)]
pub struct RsaPrivateKey {
    public: RsaPublicKey,
    d: U2048,
}

impl std::fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "RsaPrivateKey {{ fingerprint: {:#018x} }}",
            self.public.fingerprint as u64
        )
    }
}

impl RsaPrivateKey {
    /// A key pair from its modulus, public and private exponents (big-endian).
    pub fn new(n: &[u8], e: &[u8], d: &[u8]) -> Result<Self, CryptoError> {
        let public = RsaPublicKey::new(n, e)?;
        let d = trim(d);
        if d.is_empty() || d.len() > 256 {
            return Err(CryptoError::RsaKey);
        }
        let mut padded = [0u8; 256];
        padded[256 - d.len()..].copy_from_slice(d);
        Ok(RsaPrivateKey {
            public,
            d: U2048::from_be_slice(&padded),
        })
    }

    /// A new 2048-bit key pair (public exponent 65537) drawn from a seed: a seeded test
    /// server gets the same key every run.
    #[cfg(feature = "server")]
    pub fn generate(seed: [u8; 32]) -> Self {
        use crypto_bigint::{NonZero, U1024};
        use rand_core::SeedableRng;
        let mut rng = rand_chacha::ChaCha20Rng::from_seed(seed);
        let e = U2048::from_u32(65537);
        loop {
            let p: U1024 = crypto_primes::random_prime(&mut rng, crypto_primes::Flavor::Any, 1024);
            let q: U1024 = crypto_primes::random_prime(&mut rng, crypto_primes::Flavor::Any, 1024);
            let n: U2048 = p.concatenating_mul(&q);
            if p == q || n.bit_width() != 2048 {
                continue;
            }
            let one = U1024::ONE;
            let phi: U2048 = p
                .wrapping_sub(&one)
                .concatenating_mul(&q.wrapping_sub(&one));
            let Some(phi) = NonZero::new(phi).into_option() else {
                continue;
            };
            let Some(d) = e.invert_mod(&phi).into_option() else {
                continue;
            };
            return RsaPrivateKey::new(
                n.to_be_bytes().as_ref(),
                &[1, 0, 1],
                d.to_be_bytes().as_ref(),
            )
            .expect("a 2048-bit odd modulus");
        }
    }

    /// `c^d mod n` of a 256-byte block below the modulus, as 256 big-endian bytes.
    fn decrypt_block(&self, encrypted: &[u8]) -> Result<[u8; 256], CryptoError> {
        let block: [u8; 256] = encrypted.try_into().map_err(|_| CryptoError::RsaPad)?;
        if !self.public.below_modulus(&block) {
            return Err(CryptoError::RsaPad);
        }
        let params = MontyParams::new_vartime(self.public.n);
        let m = FixedMontyForm::new(&U2048::from_be_slice(&block), &params)
            .pow(&self.d)
            .retrieve();
        let mut plain = [0u8; 256];
        plain.copy_from_slice(m.to_be_bytes().as_ref());
        Ok(plain)
    }

    /// Undoes the encryption MTProto used before RSA_PAD, which clients such as Telethon
    /// still send and Telegram still accepts: `SHA1(data) ‖ data ‖ random` (255 bytes)
    /// raised to `e`. Returns the 235 bytes after the hash; the caller reads `data` from
    /// their front and checks it against the hash with [`legacy_hash_matches`].
    pub fn legacy_decrypt(&self, encrypted: &[u8]) -> Result<[u8; 255], CryptoError> {
        let plain = self.decrypt_block(encrypted)?;
        if plain[0] != 0 {
            return Err(CryptoError::RsaPad);
        }
        Ok(plain[1..].try_into().expect("255 bytes"))
    }

    /// The public half.
    pub fn public(&self) -> &RsaPublicKey {
        &self.public
    }

    /// Undoes [`rsa_pad`]: returns the 192 bytes of data and padding it carried, after
    /// checking the hash inside.
    pub fn rsa_unpad(&self, encrypted: &[u8]) -> Result<[u8; 192], CryptoError> {
        let plain = self.decrypt_block(encrypted)?;
        let mask = sha256(&[&plain[32..]]);
        let temp_key: [u8; 32] = std::array::from_fn(|i| plain[i] ^ mask[i]);
        let mut with_hash: [u8; 224] = plain[32..].try_into().expect("224 bytes");
        ige::decrypt(&mut with_hash, &temp_key, &[0; 32])?;
        let mut padded: [u8; 192] = with_hash[..192].try_into().expect("192 bytes");
        padded.reverse();
        if sha256(&[&temp_key, &padded])[..] != with_hash[192..] {
            return Err(CryptoError::RsaPad);
        }
        Ok(padded)
    }
}

/// Telegram's production key (fingerprint `0xd09d1d85de64fd85`).
pub fn production_key() -> RsaPublicKey {
    builtin(PRODUCTION_N)
}

/// Telegram's test-DC key (fingerprint `0xb25898df208d2603`).
pub fn test_key() -> RsaPublicKey {
    builtin(TEST_N)
}

fn builtin(n_hex: &str) -> RsaPublicKey {
    let n: Vec<u8> = (0..256)
        .map(|i| u8::from_str_radix(&n_hex[2 * i..2 * i + 2], 16).expect("hex"))
        .collect();
    RsaPublicKey::new(&n, &[1, 0, 1]).expect("built-in keys are valid")
}

const PRODUCTION_N: &str = "E8BB3305C0B52C6CF2AFDF7637313489E63E05268E5BADB601AF417786472E5F93B85438968E20E6729A301C0AFC121BF7151F834436F7FDA680847A66BF64ACCEC78EE21C0B316F0EDAFE2F41908DA7BD1F4A5107638EEB67040ACE472A14F90D9F7C2B7DEF99688BA3073ADB5750BB02964902A359FE745D8170E36876D4FD8A5D41B2A76CBFF9A13267EB9580B2D06D10357448D20D9DA2191CB5D8C93982961CDFDEDA629E37F1FB09A0722027696032FE61ED663DB7A37F6F263D370F69DB53A0DC0A1748BDAAFF6209D5645485E6E001D1953255757E4B8E42813347B11DA6AB500FD0ACE7E6DFA3736199CCAF9397ED0745A427DCFA6CD67BCB1ACFF3";
const TEST_N: &str = "C8C11D635691FAC091DD9489AEDCED2932AA8A0BCEFEF05FA800892D9B52ED03200865C9E97211CB2EE6C7AE96D3FB0E15AEFFD66019B44A08A240CFDD2868A85E1F54D6FA5DEAA041F6941DDF302690D61DC476385C2FA655142353CB4E4B59F6E5B6584DB76FE8B1370263246C010C93D011014113EBDF987D093F9D37C2BE48352D69A1683F8F6E6C2167983C761E3AB169FDE5DAAA12123FA1BEAB621E4DA5935E9C198F82F35EAE583A99386D8110EA6BD1ABB0F568759F62694419EA5F69847C43462ABEF858B4CB5EDC84E7B9226CD7BD7E183AA974A712C079DDE85B9DC063B8A5C08E8F859C0EE5DCD824C7807F20153361A7F63CFD2A433A1BE7F5";

/// The most data RSA_PAD carries.
pub const RSA_PAD_MAX_DATA: usize = 144;

/// RSA_PAD: pads `data` (at most 144 bytes) with random bytes, hides it under a random
/// AES key, and encrypts the result with `key`, as MTProto 2.0's `req_DH_params` requires.
///
/// Randomness is drawn as one block of 224 bytes: the padding takes what it needs from
/// the front and `temp_key` is its last 32 bytes; each retry (when the block would not be
/// below the modulus) draws a fresh 32-byte `temp_key`.
pub fn rsa_pad(
    data: &[u8],
    key: &RsaPublicKey,
    random: &mut dyn RandomSource,
) -> Result<[u8; 256], CryptoError> {
    if data.len() > RSA_PAD_MAX_DATA {
        return Err(CryptoError::RsaPadTooLong { len: data.len() });
    }
    let mut drawn = [0u8; 224];
    random.fill(&mut drawn);
    let mut padded = [0u8; 192];
    padded[..data.len()].copy_from_slice(data);
    padded[data.len()..].copy_from_slice(&drawn[..192 - data.len()]);
    let mut temp_key: [u8; 32] = drawn[192..].try_into().expect("32 bytes");
    loop {
        let mut with_hash = [0u8; 224];
        with_hash[..192].copy_from_slice(&padded);
        with_hash[..192].reverse();
        with_hash[192..].copy_from_slice(&sha256(&[&temp_key, &padded]));
        ige::encrypt(&mut with_hash, &temp_key, &[0; 32])?;
        let mask = sha256(&[&with_hash]);
        let mut block = [0u8; 256];
        for (out, (k, m)) in block[..32].iter_mut().zip(temp_key.iter().zip(mask)) {
            *out = k ^ m;
        }
        block[32..].copy_from_slice(&with_hash);
        if key.below_modulus(&block) {
            return Ok(key.power(&block));
        }
        random.fill(&mut temp_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_fingerprints() {
        assert_eq!(production_key().fingerprint() as u64, 0xd09d1d85de64fd85);
        assert_eq!(test_key().fingerprint() as u64, 0xb25898df208d2603);
    }

    #[test]
    fn refuses_bad_keys_and_long_data() {
        assert_eq!(
            RsaPublicKey::new(&[0xff; 128], &[1, 0, 1]),
            Err(CryptoError::RsaKey)
        );
        assert_eq!(
            RsaPublicKey::new(&[0xfe; 256], &[1, 0, 1]),
            Err(CryptoError::RsaKey)
        );
        let mut random = crate::random::SeededRandom::new([0; 32]);
        assert_eq!(
            rsa_pad(&[0; 145], &test_key(), &mut random),
            Err(CryptoError::RsaPadTooLong { len: 145 })
        );
    }
}

/// Whether the legacy block's leading SHA-1 is the hash of `data` (which follows it).
pub fn legacy_hash_matches(block: &[u8; 255], data_len: usize) -> bool {
    data_len <= 235 && sha1(&[&block[20..20 + data_len]])[..] == block[..20]
}

#[cfg(all(test, feature = "server"))]
mod generate_tests {
    use super::*;
    use crate::random::SeededRandom;

    #[test]
    fn a_generated_key_pads_and_unpads() {
        let key = RsaPrivateKey::generate([7; 32]);
        assert_eq!(
            key.public().fingerprint(),
            RsaPrivateKey::generate([7; 32]).public().fingerprint()
        );
        let data = [0x5a; 144];
        let mut random = SeededRandom::new([1; 32]);
        let padded = rsa_pad(&data, key.public(), &mut random).unwrap();
        assert_eq!(&key.rsa_unpad(&padded).unwrap()[..144], &data[..]);
    }

    #[test]
    fn the_legacy_scheme_decrypts_and_checks_its_hash() {
        let key = RsaPrivateKey::generate([8; 32]);
        let data = [0x42u8; 96];
        let mut block = [0x17u8; 256];
        block[0] = 0;
        block[1..21].copy_from_slice(&sha1(&[&data]));
        block[21..117].copy_from_slice(&data);
        let encrypted = key.public().power(&block);
        let plain = key.legacy_decrypt(&encrypted).unwrap();
        assert!(legacy_hash_matches(&plain, 96));
        assert!(!legacy_hash_matches(&plain, 95));
        assert!(!legacy_hash_matches(&plain, 236));
        // RSA_PAD blocks do not pass for legacy ones, nor the reverse.
        assert!(key.rsa_unpad(&encrypted).is_err());
    }
}
