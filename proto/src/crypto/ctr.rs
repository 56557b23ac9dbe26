//! AES-256-CTR with a 128-bit big-endian counter, as obfuscated transports use it: one
//! keystream per direction for the whole connection.

use aes::Aes256;
use ctr::cipher::{KeyIvInit, StreamCipher};

/// An AES-256-CTR keystream; successive calls continue where the last one stopped.
pub struct AesCtr(ctr::Ctr128BE<Aes256>);

impl AesCtr {
    /// A keystream starting at counter `iv`.
    pub fn new(key: &[u8; 32], iv: &[u8; 16]) -> Self {
        AesCtr(ctr::Ctr128BE::new(key.into(), iv.into()))
    }

    /// Encrypts or decrypts `data` in place (the two are the same operation).
    pub fn apply(&mut self, data: &mut [u8]) {
        self.0.apply_keystream(data);
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

    fn hex32(s: &str) -> [u8; 32] {
        std::array::from_fn(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
    }
}
