//! oxigram: a Telegram MTProto client library and framework for user and bot accounts.
//!
//! - [`Client`]: one account and its session, built with [`Client::builder`]: signing in
//!   (bot token, phone code, two-step password, QR code, or `Client::start` on the
//!   terminal with feature `terminal`), every DC it needs (migrations followed,
//!   authorizations imported), requests through a [middleware](client::Middleware) chain
//!   that sleeps through flood waits, the [peer cache](peers) behind
//!   [`Client::resolve_peer`], and session strings of every library.
//! - [`methods`]: the everyday methods as awaitable builders
//!   (`client.send_message(chat, "hi").reply_to(id).await?`), returning high-level
//!   messages; the same bound to the values handlers get (`message.reply("hi")`).
//! - [`types`]: those values: [`Update`]s made of [`Message`]s, [`CallbackQuery`]s,
//!   [`InlineQuery`]s and the rest, each with its [`Chat`] and [`User`]s; keyboards
//!   ([`InlineKeyboard`]) and inline results. `use oxigram::prelude::*` brings the common
//!   names.
//! - [`storage`]: where sessions live: a SQLite file by default (locked while used), in
//!   memory, PostgreSQL for accounts served by several processes under leases (feature
//!   `postgres`), or your own [`Storage`](storage::Storage); Pyrogram's and Telethon's
//!   strings and `.session` files read and written.
//! - [`errors`]: RPC errors with the method that caused them, and a catalogue of the
//!   known error names as constants ([`RpcError`], [`errors::FLOOD_WAIT`]).
//! - [`tl`]: the typed API, every type and function of the current layer.
//! - [`Connection`]: one connection to one DC on the runtime a feature picks (`tokio` by
//!   default, `async-std`, `smol`, or `blocking` sockets), beneath the client.
//! - [`proto`]: the sans-IO protocol core beneath that.
//!
//! ```no_run
//! # async fn demo() -> oxigram::Result<()> {
//! let app = oxigram::Client::builder("echo_bot")       // ./echo_bot.session
//!     .api_id(12345)
//!     .api_hash("0123456789abcdef0123456789abcdef")
//!     .bot_token("123456:ABC-DEF")
//!     .build()
//!     .await?;
//! app.send_message("@durov", "hello").await?;
//! # Ok(())
//! # }
//! ```
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
/// An update as it came from the connection: its constructor id and TL body, before
/// decoding (what [`Client::next_raw_update`] hands out).
pub use oxigram_runtime::Update as WireUpdate;
pub use oxigram_runtime::{
    ClientConfig, ClientEvent, ConnectError, Connection, InvokeError, InvokeOptions, LinkError,
    MissedUpdates, ReconnectPolicy, Runtime,
};
pub use oxigram_tl as tl;

pub mod client;
pub mod dispatch;
mod error;
pub mod errors;
pub mod files;
pub mod methods;
pub mod peers;
pub mod storage;
pub mod text;
pub mod types;

pub use client::{Client, ClientBuilder};
pub use dispatch::filters;
pub use error::{Error, Result};
pub use errors::RpcError;
pub use methods::ChatAction;
pub use oxigram_runtime::{BoxFuture, Bytes};
pub use text::ParseMode;
pub use types::{
    CallbackQuery, Chat, ChatJoinRequest, ChatKind, ChatMemberUpdated, ChosenInlineResult,
    DeletedMessages, InlineButton, InlineKeyboard, InlineQuery, InlineQueryResult, MediaKind,
    Message, RawUpdate, ReplyButton, ReplyKeyboard, Update, User,
};
pub use types::{ChatInfo, ChatMember, ChatPermissions, ChatPrivileges, Dialog, MemberStatus};

/// What most programs need, in one import: `use oxigram::prelude::*;`.
pub mod prelude {
    pub use crate::dispatch::{Continue, Flow, HandlerResult, Router, Stop};
    pub use crate::methods::ChatAction;
    pub use crate::text::ParseMode;
    pub use crate::types::{
        CallbackQuery, Chat, ChatJoinRequest, ChatKind, ChatMemberUpdated, ChosenInlineResult,
        Command, DeletedMessages, InlineButton, InlineKeyboard, InlineQuery, InlineQueryResult,
        MediaKind, Message, ReplyButton, ReplyKeyboard, Update, User,
    };
    pub use crate::{Client, Error, Result, filters};
}

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
///
/// ```no_run
/// use oxigram::blocking::Wait;
///
/// let app = oxigram::Client::builder("bot")
///     .api_id(12345)
///     .api_hash("0123456789abcdef0123456789abcdef")
///     .bot_token("123456:ABC-DEF")
///     .blocking()
///     .build()
///     .wait()?;
/// app.send_message("me", "hello").wait()?;
/// # Ok::<(), oxigram::Error>(())
/// ```
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
