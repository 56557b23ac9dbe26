//! AES-256-CTR with a 128-bit big-endian counter, as obfuscated transports use it: one
//! keystream per direction for the whole connection.
//!
//! On x86-64 processors with VAES the keystream comes from `x86::ctr` (sixteen blocks per
//! step, nearly three times the rate); elsewhere from the `ctr` crate. Both give the same
//! bytes; the tests below compare them.

use aes::Aes256;
use ctr::cipher::{KeyIvInit, StreamCipher};

/// An AES-256-CTR keystream; successive calls continue where the last one stopped.
pub struct AesCtr(Backend);

enum Backend {
    Portable(Box<ctr::Ctr128BE<Aes256>>),
    #[cfg(target_arch = "x86_64")]
    Vaes(Box<Wide>),
}

/// The VAES keystream's state: round keys, the next block's counter, and the unused rest
/// of the last block started.
#[cfg(target_arch = "x86_64")]
struct Wide {
    keys: super::x86::RoundKeys,
    counter: u128,
    partial: [u8; 16],
    /// How many bytes of `partial` are used; 16 when none is left.
    used: usize,
}

impl AesCtr {
    /// A keystream starting at counter `iv`, on the fastest implementation this processor
    /// runs.
    pub fn new(key: &[u8; 32], iv: &[u8; 16]) -> Self {
        #[cfg(target_arch = "x86_64")]
        if super::x86::ctr::available() {
            return AesCtr(Backend::Vaes(Box::new(Wide {
                keys: super::x86::RoundKeys::new(key),
                counter: u128::from_be_bytes(*iv),
                partial: [0; 16],
                used: 16,
            })));
        }
        Self::portable(key, iv)
    }

    /// The same keystream from the portable implementation only (the `ctr` crate over
    /// `aes`), for comparisons.
    pub fn portable(key: &[u8; 32], iv: &[u8; 16]) -> Self {
        AesCtr(Backend::Portable(Box::new(ctr::Ctr128BE::new(
            key.into(),
            iv.into(),
        ))))
    }

    /// Whether this keystream runs on the VAES implementation.
    pub fn is_vectorised(&self) -> bool {
        !matches!(self.0, Backend::Portable(_))
    }

    /// Encrypts or decrypts `data` in place (the two are the same operation).
    pub fn apply(&mut self, data: &mut [u8]) {
        match &mut self.0 {
            Backend::Portable(c) => c.apply_keystream(data),
            #[cfg(target_arch = "x86_64")]
            Backend::Vaes(w) => w.apply(data),
        }
    }
}

#[cfg(target_arch = "x86_64")]
impl Wide {
    fn apply(&mut self, mut data: &mut [u8]) {
        use super::x86::ctr::{STEP_BYTES, xor_steps};
        // The rest of the block the last call stopped in.
        let rest = (16 - self.used).min(data.len());
        for (d, k) in data[..rest].iter_mut().zip(&self.partial[self.used..]) {
            *d ^= k;
        }
        self.used += rest;
        data = &mut data[rest..];
        // Whole steps in place.
        let whole = data.len() - data.len() % STEP_BYTES;
        let (steps, tail) = data.split_at_mut(whole);
        xor_steps(&self.keys, self.counter, steps);
        self.counter = self.counter.wrapping_add((whole / 16) as u128);
        if tail.is_empty() {
            return;
        }
        // The tail through one step's keystream; the block it ends inside is kept.
        let mut ks = [0u8; STEP_BYTES];
        xor_steps(&self.keys, self.counter, &mut ks);
        for (d, k) in tail.iter_mut().zip(&ks) {
            *d ^= k;
        }
        let started = tail.len().div_ceil(16);
        self.counter = self.counter.wrapping_add(started as u128);
        let last = (started - 1) * 16;
        self.partial.copy_from_slice(&ks[last..last + 16]);
        self.used = tail.len() - last;
    }
}

impl std::fmt::Debug for AesCtr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.write_str("AesCtr { .. }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nist_sp800_38a_f5_5() {
        // NIST SP 800-38A, F.5.5 CTR-AES256.Encrypt, first block.
        let key: [u8; 32] =
            hex32("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
        let iv: [u8; 16] =
            hex32("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff00000000000000000000000000000000")[..16]
                .try_into()
                .unwrap();
        let mut block = *b"\x6b\xc1\xbe\xe2\x2e\x40\x9f\x96\xe9\x3d\x7e\x11\x73\x93\x17\x2a";
        AesCtr::new(&key, &iv).apply(&mut block);
        assert_eq!(
            block,
            *b"\x60\x1e\xc3\x13\x77\x57\x89\xa5\xb7\xa7\xf5\x04\xbb\xf3\xd2\x28"
        );
    }

    #[test]
    fn nist_on_both_implementations() {
        // NIST SP 800-38A, F.5.5, all four blocks, through each implementation.
        let key = hex32("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
        let iv: [u8; 16] =
            hex32(&("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff".to_owned() + &"0".repeat(32)))[..16]
                .try_into()
                .unwrap();
        let plain = hex_vec(
            "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51\
             30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
        );
        let cipher = hex_vec(
            "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5\
             2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6",
        );
        for mut ctr in [AesCtr::new(&key, &iv), AesCtr::portable(&key, &iv)] {
            let mut data = plain.clone();
            ctr.apply(&mut data);
            assert_eq!(data, cipher);
        }
    }

    #[test]
    fn the_vectorised_keystream_is_used_where_the_processor_has_it() {
        #[cfg(target_arch = "x86_64")]
        assert_eq!(
            AesCtr::new(&[0; 32], &[0; 16]).is_vectorised(),
            super::super::x86::ctr::available()
        );
        if !AesCtr::new(&[0; 32], &[0; 16]).is_vectorised() {
            println!("skipped: no VAES on this processor, only the portable keystream runs");
        }
    }

    /// Counters just before a carry into the high 64 bits, and before wrapping 128 bits.
    fn edge_ivs() -> Vec<[u8; 16]> {
        [u64::MAX as u128 - 3, u128::MAX - 20, 0, (1u128 << 64) - 16]
            .into_iter()
            .map(u128::to_be_bytes)
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn both_implementations_give_the_same_bytes(
            key in proptest::prelude::any::<[u8; 32]>(),
            iv in proptest::prelude::any::<[u8; 16]>(),
            edge in 0usize..8,
            data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2000),
            cuts in proptest::collection::vec(0usize..2000, 0..6),
        ) {
            let iv = edge_ivs().get(edge).copied().unwrap_or(iv);
            let mut fast = AesCtr::new(&key, &iv);
            let mut slow = AesCtr::portable(&key, &iv);
            let (mut a, mut b) = (data.clone(), data);
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(a.len())).collect();
            cuts.push(0);
            cuts.push(a.len());
            cuts.sort_unstable();
            for w in cuts.windows(2) {
                fast.apply(&mut a[w[0]..w[1]]);
                slow.apply(&mut b[w[0]..w[1]]);
            }
            proptest::prop_assert_eq!(a, b);
        }
    }

    fn hex_vec(s: &str) -> Vec<u8> {
        (0..s.len() / 2)
            .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
            .collect()
    }

    fn hex32(s: &str) -> [u8; 32] {
        std::array::from_fn(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
    }
}
