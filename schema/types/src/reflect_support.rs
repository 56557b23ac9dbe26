//! Entry points over every generated item, used by the `reflect` tables.

use crate::{DecodeError, Deserialize, Serialize};

/// One constructor or function with a uniform round-trip entry point.
#[derive(Debug, Clone, Copy)]
pub struct Item {
    /// `"api"` or `"mtproto"`.
    pub schema: &'static str,
    /// The TL name.
    pub name: &'static str,
    /// The constructor id.
    pub id: u32,
    /// A function rather than a constructor.
    pub function: bool,
    /// Decodes the boxed bytes, re-encodes them, and decodes the re-encoding.
    pub roundtrip: fn(&[u8]) -> Result<Roundtrip, DecodeError>,
}

/// What [`Item::roundtrip`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roundtrip {
    /// The re-encoding of the decoded value.
    pub reencoded: Vec<u8>,
    /// Whether decoding the re-encoding gave a value equal to the first.
    pub equal: bool,
}

/// One boxed type with a uniform decode entry point.
#[derive(Debug, Clone, Copy)]
pub struct BoxedType {
    /// `"api"` or `"mtproto"`.
    pub schema: &'static str,
    /// The TL type name.
    pub name: &'static str,
    /// Decodes a whole value of the type from the bytes.
    pub decode: fn(&[u8]) -> Result<(), DecodeError>,
}

pub(crate) fn roundtrip<T: Serialize + Deserialize + PartialEq>(
    buf: &[u8],
) -> Result<Roundtrip, DecodeError> {
    let value = T::from_bytes(buf)?;
    let reencoded = value.to_bytes();
    let again = T::from_bytes(&reencoded)?;
    Ok(Roundtrip {
        equal: again == value,
        reencoded,
    })
}

pub(crate) fn decode_boxed<T: Deserialize>(buf: &[u8]) -> Result<(), DecodeError> {
    T::from_bytes(buf).map(drop)
}
