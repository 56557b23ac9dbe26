//! Values both roles derive from the nonces and the new key.

use crate::crypto::message::AuthKey;
use crate::crypto::sha1;

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
