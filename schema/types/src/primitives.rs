//! TL encodings of the built-in types.

use bytes::{BufMut, Bytes};

use crate::{DecodeError, Deserialize, Reader, Serialize};

/// Constructor id of the boxed `Vector t`.
pub const VECTOR_ID: u32 = 0x1cb5c415;
/// Constructor id of `boolTrue`.
pub const BOOL_TRUE_ID: u32 = 0x997275b5;
/// Constructor id of `boolFalse`.
pub const BOOL_FALSE_ID: u32 = 0xbc799737;

/// Vectors preallocate at most this many bytes up front; past it they grow as elements
/// actually decode, so a hostile length costs no more memory than its input.
const PREALLOCATE_BYTES: usize = 64 * 1024;

macro_rules! fixed {
    ($ty:ty, $size:expr, $put:ident, $read:ident) => {
        impl Serialize for $ty {
            #[inline]
            fn serialize<B: BufMut>(&self, buf: &mut B) {
                buf.$put(*self);
            }
        }
        impl Deserialize for $ty {
            const MIN_SIZE: usize = $size;
            #[inline]
            fn deserialize(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
                r.$read()
            }
        }
    };
}

fixed!(i32, 4, put_i32_le, int);
fixed!(u32, 4, put_u32_le, flags);
fixed!(i64, 8, put_i64_le, long);
fixed!(f64, 8, put_f64_le, double);

impl<const N: usize> Serialize for [u8; N] {
    #[inline]
    fn serialize<B: BufMut>(&self, buf: &mut B) {
        buf.put_slice(self);
    }
}

impl<const N: usize> Deserialize for [u8; N] {
    const MIN_SIZE: usize = N;
    #[inline]
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.raw()
    }
}

impl Serialize for bool {
    #[inline]
    fn serialize<B: BufMut>(&self, buf: &mut B) {
        buf.put_u32_le(if *self { BOOL_TRUE_ID } else { BOOL_FALSE_ID });
    }
}

impl Deserialize for bool {
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match r.flags()? {
            BOOL_TRUE_ID => Ok(true),
            BOOL_FALSE_ID => Ok(false),
            id => Err(r.unexpected(id, "Bool")),
        }
    }
}

/// Writes a TL byte string: a 1-byte length (or 254 and a 3-byte length), the data, and
/// zero padding to a multiple of 4.
///
/// # Panics
///
/// If `data` is 16 MiB or longer, which TL cannot express. Telegram's own limits (1 MiB
/// messages, 512 KiB file parts) are far below it.
#[inline(always)]
pub fn put_byte_string<B: BufMut>(data: &[u8], buf: &mut B) {
    let len = data.len();
    if len < 16 {
        put_short_byte_string(data, buf);
        return;
    }
    let header = if len < 254 {
        buf.put_u8(len as u8);
        1
    } else {
        assert!(
            len < 1 << 24,
            "a TL byte string holds at most 16 MiB - 1, not {len} bytes"
        );
        buf.put_u32_le(((len as u32) << 8) | 254);
        4
    };
    buf.put_slice(data);
    // Fixed-size writes: a variable-length fill would be a `memset` call for 0..=3 bytes.
    match (header + len) % 4 {
        1 => {
            buf.put_u16(0);
            buf.put_u8(0);
        }
        2 => buf.put_u16(0),
        3 => buf.put_u8(0),
        _ => {}
    }
}

/// A byte string under 16 bytes (names, usernames, codes: most strings of an answer) as
/// one or two whole-word writes of its length, data and padding. The general path's
/// length byte, `memcpy` call and padding writes cost more than such short data.
#[inline(always)]
fn put_short_byte_string<B: BufMut>(data: &[u8], buf: &mut B) {
    let len = data.len();
    debug_assert!(len < 16);
    // Little-endian words of the data from byte `at`, read from whole windows so no
    // byte-by-byte loop (or `memcpy` call) is needed.
    let word = |at: usize| u64::from_le_bytes(data[at..at + 8].try_into().expect("8 bytes"));
    let half = |at: usize| u32::from_le_bytes(data[at..at + 4].try_into().expect("4 bytes"));
    match len {
        // 1 + len <= 4: one u32.
        0..=3 => {
            let byte = |i: usize| u32::from(data.get(i).copied().unwrap_or(0));
            buf.put_u32_le(len as u32 | byte(0) << 8 | byte(1) << 16 | byte(2) << 24);
        }
        // 5..=8 bytes with the length: one u64. Bytes 0..4 come from the first window,
        // bytes 4..len from the last one, shifted down past what the first one covered.
        4..=7 => {
            let tail = u64::from(half(len - 4)) >> (8 * (8 - len));
            buf.put_u64_le(len as u64 | u64::from(half(0)) << 8 | tail << 40);
        }
        // 9..=16 bytes with the length: a u64 of the length and bytes 0..7, then the
        // bytes 7..len (the last window shifted down) as a u32 or a u64.
        _ => {
            buf.put_u64_le(len as u64 | word(0) << 8);
            let tail = word(len - 8) >> (8 * (15 - len));
            if len < 12 {
                buf.put_u32_le(tail as u32);
            } else {
                buf.put_u64_le(tail);
            }
        }
    }
}

impl Serialize for Bytes {
    #[inline]
    fn serialize<B: BufMut>(&self, buf: &mut B) {
        put_byte_string(self, buf);
    }
}

impl Deserialize for Bytes {
    #[inline]
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.bytes()
    }
}

impl Serialize for String {
    #[inline]
    fn serialize<B: BufMut>(&self, buf: &mut B) {
        put_byte_string(self.as_bytes(), buf);
    }
}

impl Deserialize for String {
    #[inline]
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.string()
    }
}

impl<T: Serialize> Serialize for Vec<T> {
    fn serialize<B: BufMut>(&self, buf: &mut B) {
        buf.put_u32_le(VECTOR_ID);
        crate::codec::put_bare_vec(self, buf);
    }
}

impl<T: Deserialize> Deserialize for Vec<T> {
    const MIN_SIZE: usize = 8;
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match r.flags()? {
            VECTOR_ID => crate::codec::get_bare_vec(r),
            id => Err(r.unexpected(id, "Vector")),
        }
    }
}

/// An empty vector with room for up to `len` elements, bounded by [`PREALLOCATE_BYTES`].
pub(crate) fn with_capacity<T>(len: usize) -> Vec<T> {
    Vec::with_capacity(len.min(PREALLOCATE_BYTES / size_of::<T>().max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// TL's byte string as the spec words it, one step at a time.
    fn reference(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        if data.len() < 254 {
            out.push(data.len() as u8);
        } else {
            out.push(254);
            out.extend_from_slice(&(data.len() as u32).to_le_bytes()[..3]);
        }
        out.extend_from_slice(data);
        while out.len() % 4 != 0 {
            out.push(0);
        }
        out
    }

    #[test]
    fn every_length_encodes_as_the_spec_says_and_reads_back() {
        for len in 0..600usize {
            // Distinct non-zero bytes, so a misplaced or dropped byte shows.
            let data: Vec<u8> = (0..len).map(|i| (i % 251 + 1) as u8).collect();
            for prefix in [0usize, 1, 3] {
                // After other bytes too, as strings follow other fields.
                let mut out = vec![0xaa; prefix];
                put_byte_string(&data, &mut out);
                assert_eq!(&out[prefix..], reference(&data), "length {len}");
                let mut bytes = bytes::BytesMut::new();
                put_byte_string(&data, &mut bytes);
                assert_eq!(&bytes[..], reference(&data), "length {len} into BytesMut");
            }
            let encoded = reference(&data);
            let mut r = Reader::new(&encoded);
            assert_eq!(r.bytes().unwrap(), data, "length {len}");
        }
    }
}
