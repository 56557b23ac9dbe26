//! oxigram: a Telegram MTProto client library and framework for user and bot accounts.
//!
//! Today this crate exposes the typed API ([`tl`]): every type and function of the
//! current layer, encoded and decoded exactly as Telegram does. The sans-IO protocol core,
//! the runtime adapters and the high-level client build on it.
//!
//! ```
//! use oxigram::tl::{self, Serialize};
//!
//! let request = tl::functions::help::GetConfig {};
//! assert_eq!(request.to_bytes(), 0xc4f9186b_u32.to_le_bytes());
//! assert_eq!(tl::LAYER, 230);
//! ```
#![deny(missing_docs)]

pub use oxigram_tl as tl;

// The README's Rust examples compile and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
