//! The sans-IO MTProto core of oxigram.
//!
//! The protocol as code that never touches a socket, a clock or the OS random number
//! generator: crypto, the auth-key exchange, transports and the encrypted session, in client
//! and server roles ([`connection`] puts them together), update sequencing ([`updates`]),
//! proxy handshakes ([`proxy`]) and the binding of temporary keys for perfect forward
//! secrecy ([`pfs`]). The MTProto service schema is re-exported as [`schema`].
#![deny(missing_docs)]
// `unsafe` lives in one module, `crypto::x86`, which says why; each of its paths has a safe
// fallback that tests compare it to.
#![deny(unsafe_code)]

pub mod connection;
pub mod crypto;
pub mod handshake;
pub mod pfs;
pub mod proxy;
pub mod random;
pub mod session;
pub mod transport;
pub mod updates;

pub use oxigram_tl::mtproto as schema;
