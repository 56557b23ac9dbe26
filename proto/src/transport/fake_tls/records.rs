//! TLS records around the obfuscated stream once the hellos are done: `0x17 0x03 0x03`,
//! a big-endian `u16` length and that many bytes.

use bytes::{Buf, BytesMut};

use super::FakeTlsError;

/// Record types.
pub(super) const CHANGE_CIPHER_SPEC: u8 = 0x14;
pub(super) const HANDSHAKE: u8 = 0x16;
pub(super) const APPLICATION_DATA: u8 = 0x17;

/// The most a record sent carries: TLS's plaintext limit (2^14).
pub(super) const MAX_SENT: usize = 1 << 14;

/// The most a record received may carry: TLS 1.3's ciphertext limit (2^14 + 256). Each
/// record is held until it is complete, so this bounds what a peer can make us hold.
pub(super) const MAX_RECEIVED: usize = (1 << 14) + 256;

/// The ChangeCipherSpec record a TLS 1.3 client sends before its first encrypted one.
pub(super) const CHANGE_CIPHER_SPEC_RECORD: [u8; 6] = [CHANGE_CIPHER_SPEC, 0x03, 0x03, 0, 1, 1];

/// Appends `data` to `out` as application-data records of at most [`MAX_SENT`] bytes.
pub(super) fn wrap(data: &[u8], out: &mut BytesMut) {
    for chunk in data.chunks(MAX_SENT) {
        out.extend_from_slice(&[APPLICATION_DATA, 0x03, 0x03]);
        out.extend_from_slice(&(chunk.len() as u16).to_be_bytes());
        out.extend_from_slice(chunk);
    }
}

/// Moves the payload of the record at the front of `input` to the end of `payload`:
/// `false` until a whole record arrived. ChangeCipherSpec records (a single `1`) are
/// skipped, as TLS 1.3 peers do; any other record type is an error.
pub(super) fn unwrap(input: &mut BytesMut, payload: &mut BytesMut) -> Result<bool, FakeTlsError> {
    let Some(&[kind, major, minor, hi, lo]) = input.first_chunk::<5>() else {
        return Ok(false);
    };
    if [major, minor] != [0x03, 0x03] {
        return Err(FakeTlsError::UnexpectedRecord(kind));
    }
    let len = usize::from(u16::from_be_bytes([hi, lo]));
    if len > MAX_RECEIVED {
        return Err(FakeTlsError::RecordTooLarge(len));
    }
    let Some(body) = input.get(5..5 + len) else {
        return Ok(false);
    };
    match kind {
        APPLICATION_DATA => payload.extend_from_slice(body),
        CHANGE_CIPHER_SPEC if body == [1] => {}
        _ => return Err(FakeTlsError::UnexpectedRecord(kind)),
    }
    input.advance(5 + len);
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_data_is_split_at_the_record_limit() {
        let data: Vec<u8> = (0..40_000u32).map(|i| i as u8).collect();
        let mut wire = BytesMut::new();
        wrap(&data, &mut wire);
        // 16384 + 16384 + 7232, each behind 5 bytes of header.
        assert_eq!(&wire[..5], &[0x17, 0x03, 0x03, 0x40, 0x00]);
        assert_eq!(&wire[16389..16394], &[0x17, 0x03, 0x03, 0x40, 0x00]);
        assert_eq!(&wire[32778..32783], &[0x17, 0x03, 0x03, 0x1c, 0x40]);
        assert_eq!(wire.len(), 40_000 + 15);
        let mut out = BytesMut::new();
        while unwrap(&mut wire, &mut out).unwrap() {}
        assert!(wire.is_empty());
        assert_eq!(&out[..], &data[..]);
    }

    #[test]
    fn partial_records_wait_and_bad_ones_fail() {
        let mut out = BytesMut::new();
        let mut wire = BytesMut::from(&[0x14, 0x03, 0x03, 0, 1, 1, 0x17, 0x03, 0x03, 0, 3, 9][..]);
        assert!(unwrap(&mut wire, &mut out).unwrap());
        assert!(!unwrap(&mut wire, &mut out).unwrap());
        wire.extend_from_slice(&[8, 7]);
        assert!(unwrap(&mut wire, &mut out).unwrap());
        assert_eq!(&out[..], &[9, 8, 7]);

        let refused = |bytes: &[u8]| unwrap(&mut BytesMut::from(bytes), &mut BytesMut::new());
        // An alert, a handshake record, a TLS 1.0 version, a ChangeCipherSpec with
        // another body, and a record over the limit (announced, not yet sent).
        assert_eq!(
            refused(&[0x15, 3, 3, 0, 2, 2, 40]),
            Err(FakeTlsError::UnexpectedRecord(0x15))
        );
        assert_eq!(
            refused(&[0x16, 3, 3, 0, 1, 0]),
            Err(FakeTlsError::UnexpectedRecord(0x16))
        );
        assert_eq!(
            refused(&[0x17, 3, 1, 0, 1, 0]),
            Err(FakeTlsError::UnexpectedRecord(0x17))
        );
        assert_eq!(
            refused(&[0x14, 3, 3, 0, 1, 2]),
            Err(FakeTlsError::UnexpectedRecord(0x14))
        );
        assert_eq!(
            refused(&[0x17, 3, 3, 0x41, 0x01]),
            Err(FakeTlsError::RecordTooLarge(0x4101))
        );
        // The largest accepted length is merely waited for.
        assert_eq!(refused(&[0x17, 3, 3, 0x41, 0x00]), Ok(false));
    }
}
