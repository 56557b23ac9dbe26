//! AES-256-IGE, in place, with Telegram's IV convention.
//!
//! IGE chains each block to both the previous ciphertext and the previous plaintext:
//! `c[i] = E(p[i] ^ c[i-1]) ^ p[i-1]`. Telegram's 32-byte IV holds `c[-1]` in its first
//! half and `p[-1]` in its second.

use aes::cipher::consts::U16;
use aes::cipher::{
    BlockCipherDecBackend, BlockCipherDecClosure, BlockCipherDecrypt, BlockCipherEncBackend,
    BlockCipherEncClosure, BlockCipherEncrypt, BlockSizeUser, KeyInit,
};
use aes::{Aes256Dec, Aes256Enc};

use super::CryptoError;

// The chain runs inside one call into the cipher's backend: calling the cipher per block
// would pay its CPU-feature dispatch and round-key loads 65,536 times per MiB.

/// Encrypts `data` in place. Its length must be a multiple of 16.
pub fn encrypt(data: &mut [u8], key: &[u8; 32], iv: &[u8; 32]) -> Result<(), CryptoError> {
    check(data)?;
    #[cfg(target_arch = "x86_64")]
    if super::x86::message::available() {
        super::x86::message::ige_encrypt(key, iv, data);
        return Ok(());
    }
    encrypt_portable(data, key, iv);
    Ok(())
}

/// Decrypts `data` in place. Its length must be a multiple of 16.
pub fn decrypt(data: &mut [u8], key: &[u8; 32], iv: &[u8; 32]) -> Result<(), CryptoError> {
    check(data)?;
    #[cfg(target_arch = "x86_64")]
    if super::x86::message::available() {
        super::x86::message::ige_decrypt(key, iv, data);
        return Ok(());
    }
    decrypt_portable(data, key, iv);
    Ok(())
}

/// [`encrypt`] on the `aes` crate, for processors without AES-NI (and for comparison).
fn encrypt_portable(data: &mut [u8], key: &[u8; 32], iv: &[u8; 32]) {
    let (prev_cipher, prev_plain) = split(iv);
    // Encryption-only and decryption-only ciphers: each expands only the round keys it uses.
    Aes256Enc::new(key.into()).encrypt_with_backend(Encrypt {
        data,
        prev_cipher,
        prev_plain,
    });
}

/// [`decrypt`] on the `aes` crate, for processors without AES-NI (and for comparison).
fn decrypt_portable(data: &mut [u8], key: &[u8; 32], iv: &[u8; 32]) {
    let (prev_cipher, prev_plain) = split(iv);
    Aes256Dec::new(key.into()).decrypt_with_backend(Decrypt {
        data,
        prev_cipher,
        prev_plain,
    });
}

/// Decrypts `data` in place like [`decrypt`], handing the plaintext to `sink` 64 bytes at a
/// time as soon as each stretch is decrypted (and any shorter rest at the end).
///
/// IGE's chain is serial: each block waits for the last one, and the processor's other
/// units idle. Work on the plaintext placed between the links (hashing it, as MTProto's
/// message-key check does) runs in that idle time instead of after the whole chain.
pub fn decrypt_with(
    data: &mut [u8],
    key: &[u8; 32],
    iv: &[u8; 32],
    sink: impl FnMut(&[u8]),
) -> Result<(), CryptoError> {
    check(data)?;
    let (prev_cipher, prev_plain) = split(iv);
    Aes256Dec::new(key.into()).decrypt_with_backend(DecryptWith {
        data,
        prev_cipher,
        prev_plain,
        sink,
    });
    Ok(())
}

struct Encrypt<'a> {
    data: &'a mut [u8],
    prev_cipher: [u8; 16],
    prev_plain: [u8; 16],
}

impl BlockSizeUser for Encrypt<'_> {
    type BlockSize = U16;
}

impl BlockCipherEncClosure for Encrypt<'_> {
    #[inline(always)]
    fn call<B: BlockCipherEncBackend<BlockSize = U16>>(self, backend: &B) {
        let (mut prev_cipher, mut prev_plain) = (self.prev_cipher, self.prev_plain);
        for chunk in self.data.chunks_exact_mut(16) {
            let plain: [u8; 16] = chunk.try_into().expect("16-byte chunk");
            let mut block = xor(&plain, &prev_cipher).into();
            backend.encrypt_block_inplace(&mut block);
            let out = xor(&block.into(), &prev_plain);
            chunk.copy_from_slice(&out);
            prev_cipher = out;
            prev_plain = plain;
        }
    }
}

struct Decrypt<'a> {
    data: &'a mut [u8],
    prev_cipher: [u8; 16],
    prev_plain: [u8; 16],
}

impl BlockSizeUser for Decrypt<'_> {
    type BlockSize = U16;
}

impl BlockCipherDecClosure for Decrypt<'_> {
    #[inline(always)]
    fn call<B: BlockCipherDecBackend<BlockSize = U16>>(self, backend: &B) {
        decrypt_blocks(backend, self.data, &mut (self.prev_cipher, self.prev_plain));
    }
}

struct DecryptWith<'a, F> {
    data: &'a mut [u8],
    prev_cipher: [u8; 16],
    prev_plain: [u8; 16],
    sink: F,
}

impl<F> BlockSizeUser for DecryptWith<'_, F> {
    type BlockSize = U16;
}

impl<F: FnMut(&[u8])> BlockCipherDecClosure for DecryptWith<'_, F> {
    #[inline(always)]
    fn call<B: BlockCipherDecBackend<BlockSize = U16>>(mut self, backend: &B) {
        let mut prev = (self.prev_cipher, self.prev_plain);
        for stretch in self.data.chunks_mut(64) {
            decrypt_blocks(backend, stretch, &mut prev);
            (self.sink)(stretch);
        }
    }
}

/// Decrypts whole blocks in place, carrying the chain's (previous ciphertext, previous
/// plaintext) in `prev`.
#[inline(always)]
fn decrypt_blocks<B: BlockCipherDecBackend<BlockSize = U16>>(
    backend: &B,
    data: &mut [u8],
    prev: &mut ([u8; 16], [u8; 16]),
) {
    let (mut prev_cipher, mut prev_plain) = *prev;
    for chunk in data.chunks_exact_mut(16) {
        let encrypted: [u8; 16] = chunk.try_into().expect("16-byte chunk");
        let mut block = xor(&encrypted, &prev_plain).into();
        backend.decrypt_block_inplace(&mut block);
        let out = xor(&block.into(), &prev_cipher);
        chunk.copy_from_slice(&out);
        prev_cipher = encrypted;
        prev_plain = out;
    }
    *prev = (prev_cipher, prev_plain);
}

/// Refuses input that is not whole 16-byte blocks.
pub(super) fn check(data: &[u8]) -> Result<(), CryptoError> {
    if data.len().is_multiple_of(16) {
        Ok(())
    } else {
        Err(CryptoError::UnalignedLength { len: data.len() })
    }
}

/// The IV's two halves.
fn split(iv: &[u8; 32]) -> ([u8; 16], [u8; 16]) {
    let (a, b) = iv.split_at(16);
    (
        a.try_into().expect("16 bytes"),
        b.try_into().expect("16 bytes"),
    )
}

/// Byte-wise XOR, which compiles to one vector instruction (a `u128` XOR would move the
/// block between general and vector registers around every AES call).
#[inline(always)]
fn xor(a: &[u8; 16], b: &[u8; 16]) -> [u8; 16] {
    std::array::from_fn(|i| a[i] ^ b[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decrypt_inverts_encrypt() {
        let key = [7u8; 32];
        let iv: [u8; 32] = std::array::from_fn(|i| i as u8);
        let original: Vec<u8> = (0..4096u32).map(|i| (i * 31 % 251) as u8).collect();
        let mut data = original.clone();
        encrypt(&mut data, &key, &iv).unwrap();
        assert_ne!(data, original);
        decrypt(&mut data, &key, &iv).unwrap();
        assert_eq!(data, original);
    }

    #[test]
    fn decrypt_with_hands_over_the_plaintext_in_order() {
        let key = [9u8; 32];
        let iv: [u8; 32] = std::array::from_fn(|i| (i * 3) as u8);
        for len in [0usize, 16, 48, 64, 80, 1024, 1040] {
            let original: Vec<u8> = (0..len as u32).map(|i| (i * 17 % 253) as u8).collect();
            let mut data = original.clone();
            encrypt(&mut data, &key, &iv).unwrap();
            let mut seen = Vec::new();
            let mut pieces = Vec::new();
            decrypt_with(&mut data, &key, &iv, |p| {
                seen.extend_from_slice(p);
                pieces.push(p.len());
            })
            .unwrap();
            assert_eq!(data, original);
            assert_eq!(seen, original);
            // Whole 64-byte stretches, then the rest.
            assert!(pieces.iter().rev().skip(1).all(|&n| n == 64), "{pieces:?}");
            assert_eq!(pieces.len(), len.div_ceil(64), "{pieces:?}");
        }
        assert_eq!(
            decrypt_with(&mut [0u8; 20], &key, &iv, |_| {}),
            Err(CryptoError::UnalignedLength { len: 20 })
        );
    }

    #[test]
    fn the_dispatching_and_the_portable_paths_agree() {
        // On x86-64 with AES-NI `encrypt`/`decrypt` run `crypto::x86`; this compares them
        // with the `aes` crate path (elsewhere the two are the same code).
        for len in (0..40).map(|n| n * 16).chain([4096, 16 * 1000]) {
            let key: [u8; 32] = std::array::from_fn(|i| (i * 5 + len) as u8);
            let iv: [u8; 32] = std::array::from_fn(|i| (i * 11 + 3) as u8);
            let original: Vec<u8> = (0..len).map(|i| (i * 7 % 256) as u8).collect();
            let (mut a, mut b) = (original.clone(), original.clone());
            encrypt(&mut a, &key, &iv).unwrap();
            encrypt_portable(&mut b, &key, &iv);
            assert_eq!(a, b, "encrypt, {len} bytes");
            decrypt(&mut a, &key, &iv).unwrap();
            decrypt_portable(&mut b, &key, &iv);
            assert_eq!((&a, &b), (&original, &original), "decrypt, {len} bytes");
        }
    }

    #[test]
    fn refuses_partial_blocks() {
        let mut data = [0u8; 17];
        assert_eq!(
            encrypt(&mut data, &[0; 32], &[0; 32]),
            Err(CryptoError::UnalignedLength { len: 17 })
        );
        assert_eq!(
            decrypt(&mut data[..15], &[0; 32], &[0; 32]),
            Err(CryptoError::UnalignedLength { len: 15 })
        );
    }
}
