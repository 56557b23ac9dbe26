//! MTProto 1.0 message keys and the AES key and IV derived from them (SHA-1). Nothing is
//! sent this way any more except the binding message of `auth.bindTempAuthKey`, which
//! the protocol still encrypts with the permanent key in the old format.
//!
//! `msg_key` is bytes 4..20 of `SHA1(plaintext without padding)`; the key and IV come
//! from four SHA-1s over `msg_key` and parts of the auth key, `x = 0` from the client and
//! `x = 8` from the server.

use super::message::{AuthKey, Sender};
use super::sha1;

/// The MTProto 1.0 message key of `plaintext` (the padding left out).
pub fn msg_key(plaintext: &[u8]) -> [u8; 16] {
    sha1(&[plaintext])[4..20].try_into().expect("16 bytes")
}

/// The AES-256-IGE key and IV of a MTProto 1.0 message.
pub fn aes_key_iv(auth_key: &AuthKey, sender: Sender, msg_key: &[u8; 16]) -> ([u8; 32], [u8; 32]) {
    let x = match sender {
        Sender::Client => 0,
        Sender::Server => 8,
    };
    let k = auth_key.bytes();
    let a = sha1(&[msg_key, &k[x..x + 32]]);
    let b = sha1(&[&k[32 + x..48 + x], msg_key, &k[48 + x..64 + x]]);
    let c = sha1(&[&k[64 + x..96 + x], msg_key]);
    let d = sha1(&[msg_key, &k[96 + x..128 + x]]);
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&a[..8]);
    key[8..20].copy_from_slice(&b[8..20]);
    key[20..].copy_from_slice(&c[4..16]);
    let mut iv = [0u8; 32];
    iv[..12].copy_from_slice(&a[8..20]);
    iv[12..20].copy_from_slice(&b[..8]);
    iv[20..24].copy_from_slice(&c[16..20]);
    iv[24..].copy_from_slice(&d[..8]);
    (key, iv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_and_iv_take_their_parts_from_the_right_hashes() {
        // Each output byte is traced back to the hash it must come from, by hand, for a
        // key of counting bytes.
        let mut bytes = [0u8; 256];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = i as u8;
        }
        let key = AuthKey::new(bytes);
        let msg_key = [0xaa; 16];
        let (aes, iv) = aes_key_iv(&key, Sender::Client, &msg_key);
        let a = sha1(&[&msg_key, &bytes[0..32]]);
        let c = sha1(&[&bytes[64..96], &msg_key]);
        assert_eq!(aes[..8], a[..8]);
        assert_eq!(aes[20..], c[4..16]);
        assert_eq!(iv[..12], a[8..20]);
        let (server_aes, _) = aes_key_iv(&key, Sender::Server, &msg_key);
        assert_ne!(aes, server_aes);
        assert_eq!(msg_key_of_abc(), super::msg_key(b"abc"));
    }

    fn msg_key_of_abc() -> [u8; 16] {
        // SHA1("abc") = a9993e36 4706816a ba3e2571 7850c26c 9cd0d89d (FIPS 180).
        *b"\x47\x06\x81\x6a\xba\x3e\x25\x71\x78\x50\xc2\x6c\x9c\xd0\xd8\x9d"
    }
}
