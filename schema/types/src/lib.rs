//! The whole Telegram API ([`LAYER`] 230) and the MTProto service schema as typed Rust.
//!
//! Every constructor is a struct in [`types`], every boxed type an enum in [`enums`], and
//! every function a struct in [`functions`] whose [`RemoteCall::Return`] is the type its
//! answer decodes to. Namespaced names become modules (`messages.sendMessage` is
//! [`functions::messages::SendMessage`]). The MTProto schema lives in [`mtproto`].
//!
//! ```
//! use oxigram_tl::{Deserialize, RemoteCall, Serialize, enums, functions, types};
//!
//! let request = functions::contacts::ResolveUsername {
//!     username: "durov".into(),
//!     referer: None,
//! };
//! let bytes = request.to_bytes();
//! assert_eq!(&bytes[..4], &0x725afbbc_u32.to_le_bytes());
//! assert_eq!(functions::contacts::ResolveUsername::from_bytes(&bytes).unwrap(), request);
//!
//! // The answer's type is tied to the request.
//! fn answer_type<R: RemoteCall>(_: &R) -> &'static str { std::any::type_name::<R::Return>() }
//! assert!(answer_type(&request).ends_with("enums::contacts::ResolvedPeer"));
//!
//! let peer: enums::InputPeer = types::InputPeerUser { user_id: 1, access_hash: 2 }.into();
//! assert_eq!(enums::InputPeer::from_bytes(&peer.to_bytes()).unwrap(), peer);
//! assert_eq!(oxigram_tl::name_for_id(peer.constructor_id()), Some("inputPeerUser"));
//! ```
//!
//! # Encoding
//!
//! [`Serialize`] writes into any [`bytes::BufMut`] (a `Vec<u8>`, a `BytesMut`). Values of
//! [`types`], [`enums`] and [`functions`] are written boxed (constructor id first);
//! [`SerializeBare`] writes a constructor without its id. `flags` words are computed from the
//! fields: `flags.N?true` parameters are `bool` fields, other conditional ones `Option`s.
//! Parameters that share a bit are present together on the wire, so they are one `Option`
//! of a tuple (`views_and_forwards`), and a `true` flag sharing its bit with values is a
//! method derived from them (`types::User::bot()`): no combination of fields encodes wrong.
//!
//! # Decoding
//!
//! [`Deserialize`] reads from a [`Reader`] over a byte slice, or over shared [`bytes::Bytes`]
//! so that `bytes` values are handed out without copying. Hostile input fails with a
//! [`DecodeError`] naming the definition and parameter being read; it never panics, nests at
//! most [`MAX_DEPTH`] levels, and never reserves memory for more elements than the bytes
//! left can hold.
#![deny(missing_docs)]

mod codec;
mod error;
mod primitives;
mod raw;
mod reader;
#[cfg(feature = "reflect")]
mod reflect_support;

use bytes::{BufMut, Bytes};

pub use error::{DecodeError, DecodeErrorKind, Location};
pub use primitives::{BOOL_FALSE_ID, BOOL_TRUE_ID, VECTOR_ID, put_byte_string};
pub use raw::RawObject;
pub use reader::{MAX_DEPTH, Reader};

/// Values with a TL encoding.
pub trait Serialize {
    /// Appends the encoding of `self` to `buf`.
    fn serialize<B: BufMut>(&self, buf: &mut B);

    /// The encoding of `self` in a new vector.
    fn to_bytes(&self) -> Vec<u8> {
        let mut buf = Vec::new();
        self.serialize(&mut buf);
        buf
    }
}

/// Values that can be read back from their TL encoding.
pub trait Deserialize: Sized {
    /// The fewest bytes an encoding of this type takes; vectors use it to refuse lengths
    /// the input cannot hold.
    const MIN_SIZE: usize = 4;

    /// Reads one value.
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DecodeError>;

    /// Reads one value that must span all of `buf`.
    fn from_bytes(buf: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(buf);
        let value = Self::deserialize(&mut r)?;
        r.finish()?;
        Ok(value)
    }

    /// Like [`Deserialize::from_bytes`], with `bytes` values sharing `buf` (no copies).
    fn from_shared(buf: &Bytes) -> Result<Self, DecodeError> {
        let mut r = Reader::from_shared(buf);
        let value = Self::deserialize(&mut r)?;
        r.finish()?;
        Ok(value)
    }
}

/// A constructor or function, known by its id.
pub trait Identifiable {
    /// The id its boxed encoding starts with.
    const CONSTRUCTOR_ID: u32;
    /// Its TL name (`messages.sendMessage`).
    const NAME: &'static str;
}

/// A constructor or function written without its id (as bare types and inner fields are).
///
/// Every [`Identifiable`] `SerializeBare` type is [`Serialize`] in its boxed form.
pub trait SerializeBare {
    /// Appends the fields, preceded by `id` when one is given (the boxed encoding). The
    /// generated encoders write the id in one go with the fixed-size fields after it.
    fn serialize_fields<B: BufMut>(&self, id: Option<u32>, buf: &mut B);

    /// Appends the fields, without the id.
    #[inline]
    fn serialize_bare<B: BufMut>(&self, buf: &mut B) {
        self.serialize_fields(None, buf);
    }
}

/// A constructor or function read without its id.
///
/// Every [`Identifiable`] `DeserializeBare` type is [`Deserialize`] in its boxed form.
/// Functions implement it with the `decode-requests` feature (servers need it).
pub trait DeserializeBare: Sized {
    /// The fewest bytes the bare encoding takes.
    const MIN_SIZE: usize;
    /// Reads the fields, the id having been read already.
    fn deserialize_bare(r: &mut Reader<'_>) -> Result<Self, DecodeError>;
}

impl<T: SerializeBare + Identifiable> Serialize for T {
    #[inline]
    fn serialize<B: BufMut>(&self, buf: &mut B) {
        self.serialize_fields(Some(T::CONSTRUCTOR_ID), buf);
    }
}

impl<T: DeserializeBare + Identifiable> Deserialize for T {
    const MIN_SIZE: usize = 4 + <T as DeserializeBare>::MIN_SIZE;
    #[inline]
    fn deserialize(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match r.flags()? {
            id if id == T::CONSTRUCTOR_ID => T::deserialize_bare(r),
            id => Err(r.unexpected(id, T::NAME)),
        }
    }
}

/// A request: serialized and sent, its answer decodes to [`RemoteCall::Return`].
pub trait RemoteCall: Serialize {
    /// The type of the answer.
    type Return: Deserialize;
}

/// The TL name of a constructor or function id from either schema, for diagnostics.
pub fn name_for_id(id: u32) -> Option<&'static str> {
    let names = generated::NAMES;
    names
        .binary_search_by_key(&id, |(k, _)| *k)
        .ok()
        .map(|i| names[i].1)
}

// Fields are documented by their struct's TL definition (see `oxigram-tl-gen`).
#[allow(
    missing_docs,
    clippy::all,
    clippy::pedantic,
    non_camel_case_types,
    unused_parens,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags,
    rustdoc::bare_urls
)]
mod generated {
    /// `?` without the `Try`/`From` machinery: a plain match is less for the compiler to
    /// check and lower in the tens of thousands of places the generated decoders use it.
    macro_rules! try_read {
        ($e:expr) => {
            match $e {
                Ok(v) => v,
                Err(e) => return Err(e),
            }
        };
    }
    include!(concat!(env!("OUT_DIR"), "/generated.rs"));
}
pub use generated::*;
