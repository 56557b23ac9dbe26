//! Helpers the generated code calls for bare vectors.

use bytes::BufMut;

use crate::primitives::with_capacity;
use crate::{DecodeError, Deserialize, DeserializeBare, Reader, Serialize, SerializeBare};

/// A run of fixed-size fields gathered on the stack, so the generated encoders write it
/// with one capacity check instead of one per field. The compiler keeps the positions
/// constant and the bytes in registers.
pub(crate) struct Fixed<const N: usize> {
    bytes: [u8; N],
    at: usize,
    /// Whether the first four bytes are an absent constructor id, left out when written.
    skip_id: bool,
}

impl<const N: usize> Fixed<N> {
    #[inline(always)]
    pub(crate) fn new() -> Self {
        Fixed {
            bytes: [0; N],
            at: 0,
            skip_id: false,
        }
    }

    /// A run that starts with the constructor id when there is one (the boxed encoding):
    /// the id and the fields after it are then one write.
    #[inline(always)]
    pub(crate) fn with_id(id: Option<u32>) -> Self {
        let mut run = Self::new();
        run.put(&id.unwrap_or(0).to_le_bytes());
        run.skip_id = id.is_none();
        run
    }

    /// Appends one field's bytes.
    #[inline(always)]
    pub(crate) fn put(&mut self, v: &[u8]) {
        self.bytes[self.at..self.at + v.len()].copy_from_slice(v);
        self.at += v.len();
    }

    /// Writes the run to `buf`.
    #[inline(always)]
    pub(crate) fn write<B: BufMut>(&self, buf: &mut B) {
        debug_assert_eq!(self.at, N);
        // Two fixed-length copies rather than one of a variable length, which would be a
        // `memcpy` call.
        if self.skip_id {
            buf.put_slice(&self.bytes[4..]);
        } else {
            buf.put_slice(&self.bytes);
        }
    }
}

/// Writes `vector<T>` without its constructor id: the length, then each element.
pub(crate) fn put_bare_vec<T: Serialize, B: BufMut>(v: &[T], buf: &mut B) {
    buf.put_u32_le(len_u32(v.len()));
    for x in v {
        x.serialize(buf);
    }
}

/// Writes `vector<t>` of bare constructors: the length, then each element's fields.
pub(crate) fn put_bare_vec_of_bare<T: SerializeBare, B: BufMut>(v: &[T], buf: &mut B) {
    buf.put_u32_le(len_u32(v.len()));
    for x in v {
        x.serialize_bare(buf);
    }
}

#[inline]
fn len_u32(len: usize) -> u32 {
    // A vector longer than i32::MAX elements cannot be encoded, nor held in memory as TL.
    u32::try_from(len)
        .ok()
        .filter(|l| *l <= i32::MAX as u32)
        .expect("TL vector longer than i32::MAX")
}

/// Reads `vector<T>` without its constructor id.
pub(crate) fn get_bare_vec<T: Deserialize>(r: &mut Reader<'_>) -> Result<Vec<T>, DecodeError> {
    let len = r.vector_len(T::MIN_SIZE)?;
    let mut out = with_capacity(len);
    for _ in 0..len {
        out.push(T::deserialize(r)?);
    }
    Ok(out)
}

/// Reads `vector<t>` of bare constructors.
pub(crate) fn get_bare_vec_of_bare<T: DeserializeBare>(
    r: &mut Reader<'_>,
) -> Result<Vec<T>, DecodeError> {
    let len = r.vector_len(T::MIN_SIZE)?;
    let mut out = with_capacity(len);
    for _ in 0..len {
        out.push(T::deserialize_bare(r)?);
    }
    Ok(out)
}
