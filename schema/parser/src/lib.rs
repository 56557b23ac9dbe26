//! A parser for the TL (Type Language) schema files Telegram publishes.
//!
//! [`parse`] turns the text of a `.tl` file into a [`Schema`]: one [`Definition`] per
//! constructor or function, each with its parameters, flags and result type. Every explicit
//! constructor id is checked against the CRC32 of the definition's normalised text (see
//! [`normalised`]), so a typo in a schema fails loudly with its line instead of producing a
//! type that silently speaks a different wire format. Definitions without an explicit id get
//! the computed one.
//!
//! ```
//! let schema = oxigram_tl_parser::parse(
//!     "// LAYER 7\ninputPeerUser#dde8a54c user_id:long access_hash:long = InputPeer;",
//! )
//! .unwrap();
//! assert_eq!(schema.layer, Some(7));
//! assert_eq!(schema.definitions[0].id, 0xdde8a54c);
//! ```
#![deny(missing_docs)]

mod model;
mod parse;

pub use model::{Category, Definition, Flag, Param, ParamKind, TypeRef};
pub use parse::{ParseError, Schema, UNVERIFIED_MARK, normalised, parse};

#[cfg(feature = "dynamic")]
pub mod dynamic;
