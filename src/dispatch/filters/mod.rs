//! Built-in filters, and [`create`]/[`create_async`] for your own.
//!
//! Filters combine with `&`, `|` and `!`:
//! `filters::command("start") & filters::private`, `filters::text & !filters::command_any()`.
//! One module per family; everything is re-exported here.

mod command_parse;
mod custom;
mod peer_set;
mod words;

pub use custom::{All, Custom, CustomAsync, all, create, create_async};
pub use peer_set::{PeerKey, PeerSet};
pub use words::split_args;
