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
    let x = sender.x();
    sha256(&[&auth_key.key[88 + x..120 + x], plaintext])
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
    let a = sha256(&[msg_key, &auth_key.key[x..x + 36]]);
    let b = sha256(&[&auth_key.key[40 + x..76 + x], msg_key]);
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

/// Encrypts a padded plaintext in place and returns its message key.
pub fn encrypt(
    auth_key: &AuthKey,
    sender: Sender,
    plaintext: &mut [u8],
) -> Result<[u8; 16], CryptoError> {
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
    // The check's hash runs between the links of the decryption's serial chain rather than
    // after it: receiving a large message costs little more than its decryption.
    let x = sender.x();
    let mut hasher = Sha256::new();
    hasher.update(&auth_key.key[88 + x..120 + x]);
    ige::decrypt_with(data, &key, &iv, |plain| hasher.update(plain))?;
    if hasher.finalize()[8..24] != msg_key[..] {
        return Err(CryptoError::MessageKey);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
