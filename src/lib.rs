//! oxigram: a Telegram MTProto client library and framework for user and bot accounts.
//!
//! - [`tl`]: the typed API, every type and function of the current layer.
//! - [`Connection`]: a connection to one DC on the runtime a feature picks (`tokio` by
//!   default, `async-std`, `smol`, or `blocking` sockets), with `invoke(&request)` typed
//!   end to end, updates as a stream, [`ClientEvent`]s (keys, connection, missed
//!   updates), keep-alive pings and reconnection under a [`ReconnectPolicy`].
//! - [`errors`]: RPC errors with the method that caused them, and a catalogue of the
//!   known error names as constants ([`RpcError`], [`errors::FLOOD_WAIT`]).
//! - [`proto`]: the sans-IO protocol core beneath it.
//! - [`storage`]: session strings, read and written in this library's format, Pyrogram's
//!   and Telethon's.
//!
//! ```
//! use oxigram::tl::{self, Serialize};
//!
//! let request = tl::functions::help::GetConfig {};
//! assert_eq!(request.to_bytes(), 0xc4f9186b_u32.to_le_bytes());
//! assert_eq!(tl::LAYER, 230);
//! ```
#![deny(missing_docs)]

pub use oxigram_proto as proto;
pub use oxigram_runtime::{
    ClientConfig, ClientEvent, ConnectError, Connection, InvokeError, InvokeOptions, LinkError,
    MissedUpdates, ReconnectPolicy, Runtime, Update,
};
pub use oxigram_tl as tl;

pub mod client;
mod error;
pub mod errors;
pub mod peers;
pub mod storage;

pub use client::{Client, ClientBuilder};
pub use error::{Error, Result};
pub use errors::RpcError;
pub use oxigram_runtime::{BoxFuture, Bytes};

/// The tokio runtime (feature `tokio`, the default).
#[cfg(feature = "tokio")]
pub mod tokio {
    pub use oxigram_tokio::{Tokio, connect};
}

/// The async-std runtime (feature `async-std`).
#[cfg(feature = "async-std")]
pub mod async_std {
    pub use oxigram_async_std::{AsyncStd, connect};
}

/// The smol runtime (feature `smol`).
#[cfg(feature = "smol")]
pub mod smol {
    pub use oxigram_smol::{Smol, connect};
}

/// Blocking sockets, without an async runtime (feature `blocking`): the same [`Client`]
/// built with [`ClientBuilder::blocking`], each request `.wait()`ed.
#[cfg(feature = "blocking")]
pub mod blocking {
    pub use oxigram_blocking::BlockingConnection;

    /// Blocks the thread on anything awaitable: `client.get_me().wait()?`.
    pub trait Wait: std::future::IntoFuture + Sized {
        /// Runs the future to its end on this thread.
        fn wait(self) -> Self::Output {
            futures_executor::block_on(self.into_future())
        }
    }

    impl<F: std::future::IntoFuture> Wait for F {}
}

// The README's Rust examples compile and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
