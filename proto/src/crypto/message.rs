//! MTProto 2.0 message keys, and the AES key and IV each message is encrypted with.
//!
//! `msg_key` is bytes 8..24 of `SHA256(auth_key[88+x..120+x] ‖ plaintext)`, and the AES
//! key and IV come from two SHA-256s over `msg_key` and parts of the auth key, with
//! `x = 0` for messages from the client and `x = 8` for messages from the server.

use sha2::{Digest as _, Sha256};

use super::{CryptoError, ige, sha1, sha256};

/// Who sent a message: it decides which part of the auth key the derivations use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// Client to server (`x = 0`).
    Client,
    /// Server to client (`x = 8`).
    Server,
}

impl Sender {
    fn x(self) -> usize {
        match self {
            Sender::Client => 0,
            Sender::Server => 8,
        }
    }
}

/// A 2048-bit authorization key with its id and auxiliary hash.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthKey {
    key: [u8; 256],
    id: [u8; 8],
    aux_hash: [u8; 8],
}

impl AuthKey {
    /// Wraps the key bytes, computing its id (`SHA1(key)[12..20]`) and auxiliary hash
    /// (`SHA1(key)[0..8]`).
    pub fn new(key: [u8; 256]) -> Self {
        let digest = sha1(&[&key]);
        AuthKey {
            key,
            id: digest[12..20].try_into().expect("8 bytes"),
            aux_hash: digest[..8].try_into().expect("8 bytes"),
        }
    }

    /// The key bytes.
    pub fn bytes(&self) -> &[u8; 256] {
        &self.key
    }

    /// The key id as it appears on the wire (little-endian `long`).
    pub fn id(&self) -> [u8; 8] {
        self.id
    }

    /// The auxiliary hash, used by the key exchange's `new_nonce_hash` values.
    pub fn aux_hash(&self) -> [u8; 8] {
        self.aux_hash
    }
}

impl std::fmt::Debug for AuthKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The id identifies the key without revealing it.
        write!(f, "AuthKey {{ id: {:016x} }}", u64::from_le_bytes(self.id))
    }
}

/// The message key of `plaintext` (which includes its padding).
pub fn msg_key(auth_key: &AuthKey, sender: Sender, plaintext: &[u8]) -> [u8; 16] {
    msg_key_large(auth_key, sender, plaintext)[8..24]
        .try_into()
        .expect("16 bytes")
}

fn msg_key_large(auth_key: &AuthKey, sender: Sender, plaintext: &[u8]) -> [u8; 32] {
    let prefix = msg_key_prefix(auth_key, sender);
    #[cfg(target_arch = "x86_64")]
    if super::x86::message::available() {
        return super::x86::message::hash_prefixed(prefix, plaintext);
    }
    sha256(&[prefix, plaintext])
}

/// The part of the auth key hashed before a message's plaintext.
fn msg_key_prefix(auth_key: &AuthKey, sender: Sender) -> &[u8; 32] {
    let x = sender.x();
    auth_key.key[88 + x..120 + x].try_into().expect("32 bytes")
}

/// The quick acknowledgement a server sends for a message: the first 32 bits of its
/// `msg_key_large` (a little-endian `u32`) with the top bit set.
pub fn quick_ack_token(auth_key: &AuthKey, sender: Sender, plaintext: &[u8]) -> u32 {
    let large = msg_key_large(auth_key, sender, plaintext);
    u32::from_le_bytes(large[..4].try_into().expect("4 bytes")) | 0x8000_0000
}

/// The AES-256 key and IGE IV for a message with `msg_key`.
pub fn aes_key_iv(auth_key: &AuthKey, sender: Sender, msg_key: &[u8; 16]) -> ([u8; 32], [u8; 32]) {
    let x = sender.x();
    let (a, b) = key_hashes(
        msg_key,
        &auth_key.key[x..x + 36],
        &auth_key.key[40 + x..76 + x],
    );
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&a[..8]);
    key[8..24].copy_from_slice(&b[8..24]);
    key[24..].copy_from_slice(&a[24..]);
    let mut iv = [0u8; 32];
    iv[..8].copy_from_slice(&b[..8]);
    iv[8..24].copy_from_slice(&a[8..24]);
    iv[24..].copy_from_slice(&b[24..]);
    (key, iv)
}

/// `SHA256(msg_key ‖ a_part)` and `SHA256(b_part ‖ msg_key)`, the hashes the AES key and IV
/// are cut from.
fn key_hashes(msg_key: &[u8; 16], a_part: &[u8], b_part: &[u8]) -> ([u8; 32], [u8; 32]) {
    #[cfg(target_arch = "x86_64")]
    if super::x86::message::available() {
        return super::x86::message::key_hashes(msg_key, a_part, b_part);
    }
    (sha256(&[msg_key, a_part]), sha256(&[b_part, msg_key]))
}

/// Encrypts a padded plaintext in place and returns its message key.
pub fn encrypt(
    auth_key: &AuthKey,
    sender: Sender,
    plaintext: &mut [u8],
) -> Result<[u8; 16], CryptoError> {
    // Refused before hashing, not after.
    ige::check(plaintext)?;
    let msg_key = msg_key(auth_key, sender, plaintext);
    let (key, iv) = aes_key_iv(auth_key, sender, &msg_key);
    ige::encrypt(plaintext, &key, &iv)?;
    Ok(msg_key)
}

/// Decrypts a message in place and checks its message key.
///
/// On a mismatch the buffer holds garbage and the message must be dropped; the error does
/// not say more, as the security guidelines ask.
pub fn decrypt(
    auth_key: &AuthKey,
    sender: Sender,
    msg_key: &[u8; 16],
    data: &mut [u8],
) -> Result<(), CryptoError> {
    let (key, iv) = aes_key_iv(auth_key, sender, msg_key);
    ige::check(data)?;
    let large = decrypt_and_hash(&key, &iv, msg_key_prefix(auth_key, sender), data);
    if large[8..24] != msg_key[..] {
        return Err(CryptoError::MessageKey);
    }
    Ok(())
}

/// Decrypts whole blocks in place and returns `SHA256(prefix ‖ plaintext)`. The hash runs
/// between the links of the decryption's serial chain rather than after it, so receiving a
/// large message costs little more than its decryption.
fn decrypt_and_hash(key: &[u8; 32], iv: &[u8; 32], prefix: &[u8; 32], data: &mut [u8]) -> [u8; 32] {
    #[cfg(target_arch = "x86_64")]
    if super::x86::message::available() {
        return super::x86::message::decrypt_and_hash(key, iv, prefix, data);
    }
    decrypt_and_hash_portable(key, iv, prefix, data)
}

/// [`decrypt_and_hash`] on the `aes` and `sha2` crates, for processors without AES-NI and
/// SHA-NI (and for comparison).
fn decrypt_and_hash_portable(
    key: &[u8; 32],
    iv: &[u8; 32],
    prefix: &[u8; 32],
    data: &mut [u8],
) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(prefix);
    ige::decrypt_with(data, key, iv, |plain| hasher.update(plain))
        .expect("whole blocks, checked by the caller");
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "x86_64")]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        #[test]
        fn the_aes_ni_sha_ni_path_matches_the_portable_one(
            key in proptest::prelude::any::<[u8; 32]>(),
            iv in proptest::prelude::any::<[u8; 32]>(),
            prefix in proptest::prelude::any::<[u8; 32]>(),
            blocks in 0usize..200,
            seed in proptest::prelude::any::<u8>(),
        ) {
            if !super::super::x86::message::available() {
                println!("skipped: no AES-NI/SHA-NI on this processor");
                return Ok(());
            }
            let data: Vec<u8> =
                (0..blocks * 16).map(|i| (i as u8).wrapping_mul(31) ^ seed).collect();
            let (mut a, mut b) = (data.clone(), data);
            let fast = super::super::x86::message::decrypt_and_hash(&key, &iv, &prefix, &mut a);
            let slow = decrypt_and_hash_portable(&key, &iv, &prefix, &mut b);
            proptest::prop_assert_eq!(a, b);
            proptest::prop_assert_eq!(fast, slow);

            // The plain hash and the key hashes against the `sha2` crate (IGE encryption is
            // compared in `ige`'s tests).
            let x86 = super::super::x86::message::hash_prefixed(&prefix, &data_of(blocks, seed, 1));
            proptest::prop_assert_eq!(x86, sha256(&[&prefix, &data_of(blocks, seed, 1)]));
            // 36-byte auth key parts made of the random inputs.
            let msg_key: [u8; 16] = key[..16].try_into().unwrap();
            let a_part = [&iv[..], &prefix[..4]].concat();
            let b_part = [&prefix[..4], &key[..]].concat();
            proptest::prop_assert_eq!(
                super::super::x86::message::key_hashes(&msg_key, &a_part, &b_part),
                (sha256(&[&msg_key, &a_part]), sha256(&[&b_part, &msg_key]))
            );
        }
    }

    /// `blocks` whole blocks of test data, plus `extra` bytes (hashes take any length).
    #[cfg(target_arch = "x86_64")]
    fn data_of(blocks: usize, seed: u8, extra: usize) -> Vec<u8> {
        (0..blocks * 16 + extra * (seed as usize % 16))
            .map(|i| (i as u8).wrapping_mul(13) ^ seed)
            .collect()
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn short_messages_take_the_same_path_results() {
        if !super::super::x86::message::available() {
            println!("skipped: no AES-NI/SHA-NI on this processor");
            return;
        }
        // Every length up to 12 blocks: the prefix-only tail, one and two padding blocks.
        for blocks in 0..=12 {
            let data = data_of(blocks, 7, 0);
            let (mut a, mut b) = (data.clone(), data);
            let fast =
                super::super::x86::message::decrypt_and_hash(&[1; 32], &[2; 32], &[3; 32], &mut a);
            let slow = decrypt_and_hash_portable(&[1; 32], &[2; 32], &[3; 32], &mut b);
            assert_eq!((a, fast), (b, slow), "{blocks} blocks");
        }
        for len in 0..200 {
            let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
            assert_eq!(
                super::super::x86::message::hash_prefixed(&[9; 32], &data),
                sha256(&[&[9; 32], &data]),
                "{len} bytes"
            );
        }
    }

    #[test]
    fn decrypt_checks_the_message_key() {
        let auth_key = AuthKey::new(std::array::from_fn(|i| (i * 7) as u8));
        let plain: Vec<u8> = (0..64).collect();
        let mut data = plain.clone();
        let key = encrypt(&auth_key, Sender::Client, &mut data).unwrap();
        let mut copy = data.clone();
        decrypt(&auth_key, Sender::Client, &key, &mut copy).unwrap();
        assert_eq!(copy, plain);

        // The wrong direction, a flipped bit, or another key all fail the same way.
        let mut copy = data.clone();
        assert_eq!(
            decrypt(&auth_key, Sender::Server, &key, &mut copy),
            Err(CryptoError::MessageKey)
        );
        let mut copy = data.clone();
        copy[40] ^= 1;
        assert_eq!(
            decrypt(&auth_key, Sender::Client, &key, &mut copy),
            Err(CryptoError::MessageKey)
        );
    }
}
