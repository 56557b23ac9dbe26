//! `Object`: a serialized value whose type is known only at run time.

use bytes::{BufMut, Bytes};

use crate::{DecodeError, DecodeErrorKind, Deserialize, Reader, RemoteCall, Serialize};

/// An already-serialized TL value (the schema's `Object`, and a generic `!X` query).
///
/// It is written out verbatim. Read as the last parameter of a definition (`rpc_result`'s
/// `result`, `invokeWithLayer`'s `query`) it takes every byte left; inside `message` it
/// takes the `bytes` count the message gives. Used as a function, it sends a request
/// serialized elsewhere and returns the raw answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawObject(pub Bytes);

impl RawObject {
    /// The constructor id the value starts with, if it has four bytes.
    pub fn constructor_id(&self) -> Option<u32> {
        self.0.first_chunk::<4>().map(|id| u32::from_le_bytes(*id))
    }

    /// Reads exactly `len` bytes, as a length field before the object says.
    pub fn read_sized(r: &mut Reader<'_>, len: i32) -> Result<Self, DecodeError> {
        let Ok(len) = usize::try_from(len) else {
            return Err(r.error(DecodeErrorKind::InvalidLength(i64::from(len))));
        };
        r.take_bytes(len).map(RawObject)
    }
}

impl Serialize for RawObject {
    fn serialize<B: BufMut>(&self, buf: &mut B) {
        buf.put_slice(&self.0);
    }
}

impl Deserialize for RawObject {
    const MIN_SIZE: usize = 0;
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(RawObject(r.rest()))
    }
}

impl RemoteCall for RawObject {
    type Return = RawObject;
}
