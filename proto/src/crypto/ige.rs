//! AES-256-IGE, in place, with Telegram's IV convention.
//!
//! IGE chains each block to both the previous ciphertext and the previous plaintext:
//! `c[i] = E(p[i] ^ c[i-1]) ^ p[i-1]`. Telegram's 32-byte IV holds `c[-1]` in its first
//! half and `p[-1]` in its second.

use aes::Aes256;
use aes::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};

use super::CryptoError;

/// Encrypts `data` in place. Its length must be a multiple of 16.
pub fn encrypt(data: &mut [u8], key: &[u8; 32], iv: &[u8; 32]) -> Result<(), CryptoError> {
    check(data)?;
    let cipher = Aes256::new(key.into());
    let (mut prev_cipher, mut prev_plain) = split(iv);
    for chunk in data.chunks_exact_mut(16) {
        let plain = u128::from_ne_bytes(chunk.try_into().expect("16-byte chunk"));
        let mut block = (plain ^ prev_cipher).to_ne_bytes().into();
        cipher.encrypt_block(&mut block);
        let out = u128::from_ne_bytes(block.into()) ^ prev_plain;
        chunk.copy_from_slice(&out.to_ne_bytes());
        prev_cipher = out;
        prev_plain = plain;
    }
    Ok(())
}

/// Decrypts `data` in place. Its length must be a multiple of 16.
pub fn decrypt(data: &mut [u8], key: &[u8; 32], iv: &[u8; 32]) -> Result<(), CryptoError> {
    check(data)?;
    let cipher = Aes256::new(key.into());
    let (mut prev_cipher, mut prev_plain) = split(iv);
    for chunk in data.chunks_exact_mut(16) {
        let encrypted = u128::from_ne_bytes(chunk.try_into().expect("16-byte chunk"));
        let mut block = (encrypted ^ prev_plain).to_ne_bytes().into();
        cipher.decrypt_block(&mut block);
        let out = u128::from_ne_bytes(block.into()) ^ prev_cipher;
        chunk.copy_from_slice(&out.to_ne_bytes());
        prev_cipher = encrypted;
        prev_plain = out;
    }
    Ok(())
}

fn check(data: &[u8]) -> Result<(), CryptoError> {
    if data.len().is_multiple_of(16) {
        Ok(())
    } else {
        Err(CryptoError::UnalignedLength { len: data.len() })
    }
}

/// The IV's two halves as native-endian words (XOR does not care about byte order).
fn split(iv: &[u8; 32]) -> (u128, u128) {
    let (a, b) = iv.split_at(16);
    (
        u128::from_ne_bytes(a.try_into().expect("16 bytes")),
        u128::from_ne_bytes(b.try_into().expect("16 bytes")),
    )
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
