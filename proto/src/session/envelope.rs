//! The MTProto 2.0 envelope: `auth_key_id ‖ msg_key ‖ AES-IGE(salt ‖ session_id ‖ msg_id ‖
//! seq_no ‖ length ‖ body ‖ padding)`, and the checks the security guidelines ask of every
//! incoming one.

use bytes::{BufMut, Bytes, BytesMut};

#[cfg(not(fuzzing))]
use crate::crypto::message;
use crate::crypto::message::{AuthKey, Sender};
use crate::random::RandomSource;

/// Fewest padding bytes MTProto 2.0 allows.
pub const MIN_PADDING: usize = 12;
/// Most padding bytes MTProto 2.0 allows.
pub const MAX_PADDING: usize = 1024;

/// The decrypted fields of one encrypted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inner {
    /// The server salt.
    pub salt: i64,
    /// The session id.
    pub session_id: i64,
    /// The message id.
    pub msg_id: i64,
    /// The sequence number.
    pub seq_no: i32,
    /// The message body (a TL object).
    pub body: Bytes,
}

/// Why an incoming envelope was dropped. Per the security guidelines every failure after
/// the key id looks the same to a peer; these kinds are for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// Shorter than a key id, a message key and two blocks, or not whole blocks.
    #[error("envelope of {0} bytes has no valid length")]
    Length(usize),
    /// Encrypted with another key.
    #[error("envelope for another auth key")]
    AuthKeyId,
    /// The message key does not match the content.
    #[error("message key mismatch")]
    MessageKey,
    /// The inner length is not a multiple of 4 or leaves padding outside 12..=1024.
    #[error("inner length {0} is invalid")]
    InnerLength(u32),
}

/// Encrypts `body` (whole 4-byte words) into an envelope, with 12..=1024 random padding
/// bytes that bring the plaintext to whole 16-byte blocks.
pub fn seal(
    auth_key: &AuthKey,
    sender: Sender,
    fields: (i64, i64, i64, i32),
    body: &[u8],
    random: &mut dyn RandomSource,
) -> Vec<u8> {
    let mut out = BytesMut::new();
    seal_into(auth_key, sender, fields, &[body], random, &mut out);
    out.to_vec()
}

/// Like [`seal`], appending the envelope to `out`, with the body given in parts (so that
/// a container can be sealed without first being copied into one buffer).
pub fn seal_into(
    auth_key: &AuthKey,
    sender: Sender,
    fields: (i64, i64, i64, i32),
    body: &[&[u8]],
    random: &mut dyn RandomSource,
    out: &mut BytesMut,
) {
    let (salt, session_id, msg_id, seq_no) = fields;
    let body_len: usize = body.iter().map(|part| part.len()).sum();
    let unpadded = 32 + body_len;
    let padding = MIN_PADDING + (16 - (unpadded + MIN_PADDING) % 16) % 16;
    let at = out.len();
    out.reserve(24 + unpadded + padding);
    out.put_slice(&auth_key.id());
    out.put_bytes(0, 16);
    out.put_i64_le(salt);
    out.put_i64_le(session_id);
    out.put_i64_le(msg_id);
    out.put_i32_le(seq_no);
    out.put_u32_le(body_len as u32);
    for part in body {
        out.put_slice(part);
    }
    let end = out.len() + padding;
    out.resize(end, 0);
    random.fill(&mut out[end - padding..]);
    let msg_key = protect(auth_key, sender, &mut out[at + 24..]);
    out[at + 8..at + 24].copy_from_slice(&msg_key);
}

/// Encrypts a padded plaintext in place and returns its message key.
#[cfg(not(fuzzing))]
fn protect(auth_key: &AuthKey, sender: Sender, plain: &mut [u8]) -> [u8; 16] {
    message::encrypt(auth_key, sender, plain).expect("whole blocks")
}

/// Checks a message key and decrypts in place.
#[cfg(not(fuzzing))]
fn unprotect(
    auth_key: &AuthKey,
    sender: Sender,
    msg_key: &[u8; 16],
    data: &mut [u8],
) -> Result<(), EnvelopeError> {
    message::decrypt(auth_key, sender, msg_key, data).map_err(|_| EnvelopeError::MessageKey)
}

// Fuzzing builds only (cargo-fuzz sets `--cfg fuzzing`): messages travel in the clear with
// a zero message key, so fuzzed bytes reach the session's parsing instead of failing the
// message key check, as rustls does with its fuzzing crypto provider.
#[cfg(fuzzing)]
fn protect(_: &AuthKey, _: Sender, _: &mut [u8]) -> [u8; 16] {
    [0; 16]
}

#[cfg(fuzzing)]
fn unprotect(_: &AuthKey, _: Sender, _: &[u8; 16], _: &mut [u8]) -> Result<(), EnvelopeError> {
    Ok(())
}

/// Checks and decrypts an envelope sent by `sender`.
pub fn open(auth_key: &AuthKey, sender: Sender, packet: &[u8]) -> Result<Inner, EnvelopeError> {
    open_owned(auth_key, sender, BytesMut::from(packet))
}

/// Like [`open`], decrypting in place: the body shares the packet's buffer.
pub fn open_owned(
    auth_key: &AuthKey,
    sender: Sender,
    mut packet: BytesMut,
) -> Result<Inner, EnvelopeError> {
    let len = packet.len();
    if len < 24 + 32 || !(len - 24).is_multiple_of(16) {
        return Err(EnvelopeError::Length(len));
    }
    if packet[..8] != auth_key.id() {
        return Err(EnvelopeError::AuthKeyId);
    }
    let msg_key: [u8; 16] = packet[8..24].try_into().expect("16 bytes");
    unprotect(auth_key, sender, &msg_key, &mut packet[24..])?;
    let plain = &packet[24..];
    let word = |at: usize| u32::from_le_bytes(plain[at..at + 4].try_into().expect("4 bytes"));
    let long = |at: usize| i64::from_le_bytes(plain[at..at + 8].try_into().expect("8 bytes"));
    let body_len = word(28);
    let padding = (plain.len() - 32).checked_sub(body_len as usize);
    if !body_len.is_multiple_of(4)
        || !padding.is_some_and(|p| (MIN_PADDING..=MAX_PADDING).contains(&p))
    {
        return Err(EnvelopeError::InnerLength(body_len));
    }
    let (salt, session_id, msg_id, seq_no) = (long(0), long(8), long(16), word(24) as i32);
    let body = packet.freeze().slice(24 + 32..24 + 32 + body_len as usize);
    Ok(Inner {
        salt,
        session_id,
        msg_id,
        seq_no,
        body,
    })
}
