//! Values both roles derive from the nonces and the new key.

use oxigram_tl::{Deserialize, Reader, Serialize};

use super::HandshakeError;
use crate::crypto::message::AuthKey;
use crate::crypto::{ige, sha1};
use crate::random::RandomSource;

/// The temporary AES key and IV that protect the DH exchange, derived from the nonces.
pub fn tmp_aes(new_nonce: &[u8; 32], server_nonce: &[u8; 16]) -> ([u8; 32], [u8; 32]) {
    let ns = sha1(&[new_nonce, server_nonce]);
    let sn = sha1(&[server_nonce, new_nonce]);
    let nn = sha1(&[new_nonce, new_nonce]);
    let mut key = [0u8; 32];
    key[..20].copy_from_slice(&ns);
    key[20..].copy_from_slice(&sn[..12]);
    let mut iv = [0u8; 32];
    iv[..8].copy_from_slice(&sn[12..]);
    iv[8..28].copy_from_slice(&nn);
    iv[28..].copy_from_slice(&new_nonce[..4]);
    (key, iv)
}

/// `new_nonce_hashN`: the last 16 bytes of `SHA1(new_nonce ‖ N ‖ aux_hash)`.
pub fn new_nonce_hash(new_nonce: &[u8; 32], n: u8, auth_key: &AuthKey) -> [u8; 16] {
    let digest = sha1(&[new_nonce, &[n], &auth_key.aux_hash()]);
    digest[4..].try_into().expect("16 bytes")
}

/// The DH stage's encrypted envelope: `SHA1(value) ‖ value ‖ 0..15 random bytes`,
/// AES-256-IGE with the temporary key. Both roles seal what they send this way.
pub(crate) fn seal(
    value: &impl Serialize,
    (key, iv): &([u8; 32], [u8; 32]),
    random: &mut dyn RandomSource,
) -> Result<Vec<u8>, HandshakeError> {
    let body = value.to_bytes();
    let mut data = sha1(&[&body]).to_vec();
    data.extend_from_slice(&body);
    let start = data.len();
    data.resize(start.next_multiple_of(16), 0);
    random.fill(&mut data[start..]);
    ige::encrypt(&mut data, key, iv)?;
    Ok(data)
}

/// Opens what [`seal`] made, checking the SHA-1 and that fewer than 16 padding bytes follow.
pub(crate) fn open<T: Deserialize>(
    encrypted: &[u8],
    (key, iv): &([u8; 32], [u8; 32]),
) -> Result<T, HandshakeError> {
    let mut data = encrypted.to_vec();
    if data.len() < 20 + 4 {
        return Err(HandshakeError::AnswerHash);
    }
    ige::decrypt(&mut data, key, iv).map_err(|_| HandshakeError::AnswerHash)?;
    let (hash, body) = data.split_at(20);
    let mut reader = Reader::new(body);
    let value = T::deserialize(&mut reader)?;
    let used = reader.position();
    if body.len() - used >= 16 || sha1(&[&body[..used]])[..] != *hash {
        return Err(HandshakeError::AnswerHash);
    }
    Ok(value)
}

/// `p`, `q` and `pq` as the exchange sends them: big-endian, without leading zeros.
pub(crate) fn be_bytes(n: u64) -> Vec<u8> {
    let bytes = n.to_be_bytes();
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(7);
    bytes[start..].to_vec()
}

/// Both roles check every answer's nonces against the ones agreed so far.
pub(crate) fn check_nonces(
    nonce: [u8; 16],
    server_nonce: [u8; 16],
    expected_nonce: [u8; 16],
    expected_server_nonce: [u8; 16],
) -> Result<(), HandshakeError> {
    if nonce != expected_nonce {
        return Err(HandshakeError::NonceMismatch);
    }
    if server_nonce != expected_server_nonce {
        return Err(HandshakeError::ServerNonceMismatch);
    }
    Ok(())
}
