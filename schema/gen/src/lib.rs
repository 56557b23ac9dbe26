//! Generates the Rust definitions of TL schemas for `oxigram-tl`.
//!
//! The output is one Rust source text, meant to be `include!`d by the `oxigram-tl` crate
//! (whose runtime provides the traits it implements: `Serialize`, `Deserialize`, `SerializeBare`, `DeserializeBare`,
//! `Identifiable`, `RemoteCall`, `Reader`, `RawObject`). Per schema it emits:
//!
//! - `types`: a struct per constructor, implementing `Identifiable` and the bare codecs (so the
//!   runtime's blanket impls make it `Serialize` + `Deserialize` in its boxed form);
//! - `enums`: an enum per boxed type, with `From` each constructor;
//! - `functions`: a struct per function, implementing `RemoteCall` with its return type
//!   (decoding requests, which only servers need, is behind the `decode-requests` feature).
//!
//! Conventions chosen for compile time: serialization is generic over `bytes::BufMut`
//! (compiled only where used), everything shared lives in hand-written runtime helpers,
//! and a variant is boxed only where a type contains itself.
//!
//! Flags: a `flags.N?true` parameter is a `bool` field and any other conditional parameter
//! an `Option`. When several non-`true` parameters share one bit they are present together
//! on the wire, so they become one `Option` of a tuple (`views_and_forwards`); a `true`
//! parameter sharing its bit with values carries no information of its own, so it becomes
//! a method derived from them (`User::bot()`). No field combination can encode wrongly.
#![deny(missing_docs)]

mod emit;
mod names;
mod plan;

pub use emit::{GenError, Input, generate};
