//! Unencrypted messages, which carry the key exchange: `auth_key_id = 0 ‖ msg_id ‖ length
//! ‖ body`.

use bytes::{BufMut, BytesMut};

/// Why an unencrypted message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlainError {
    /// Shorter than its header, or its length field disagrees with its size.
    #[error("malformed unencrypted message")]
    Malformed,
    /// An unencrypted message where only encrypted ones may come.
    #[error("unencrypted message outside the key exchange")]
    Unexpected,
}

/// Appends an unencrypted message to `out`.
pub fn seal_plain(msg_id: i64, body: &[u8], out: &mut BytesMut) {
    out.reserve(20 + body.len());
    out.put_u64_le(0);
    out.put_i64_le(msg_id);
    out.put_u32_le(body.len() as u32);
    out.put_slice(body);
}

/// The body of an unencrypted message.
pub fn open_plain(packet: &[u8]) -> Result<&[u8], PlainError> {
    let header = packet.get(..20).ok_or(PlainError::Malformed)?;
    if header[..8] != [0; 8] {
        return Err(PlainError::Malformed);
    }
    let len = u32::from_le_bytes(header[16..20].try_into().expect("4 bytes")) as usize;
    packet
        .get(20..)
        .filter(|body| body.len() == len)
        .ok_or(PlainError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let mut out = BytesMut::new();
        seal_plain(0x1234 << 32, b"abcdefgh", &mut out);
        assert_eq!(open_plain(&out), Ok(&b"abcdefgh"[..]));
        assert_eq!(open_plain(&out[..27]), Err(PlainError::Malformed));
        assert_eq!(open_plain(&out[..12]), Err(PlainError::Malformed));
        out[0] = 1;
        assert_eq!(open_plain(&out), Err(PlainError::Malformed));
    }
}
