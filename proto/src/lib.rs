//! The sans-IO MTProto core of oxigram.
//!
//! This crate will hold the protocol as a state machine that never touches a socket, a
//! clock or the OS random number generator: crypto, the auth-key exchange, transports and
//! the encrypted session, in client and server roles. It starts from the MTProto service
//! schema, re-exported here as [`schema`].
#![deny(missing_docs)]

pub use oxigram_tl::mtproto as schema;
