//! The update dispatcher: filters, handlers in groups, routers as plugins,
//! conversations, and the loop that runs them ([`Client::run`](crate::Client::run)).
//!
//! ```no_run
//! use oxigram::dispatch::{Flow, HandlerResult};
//! use oxigram::{Client, Message, filters};
//!
//! # async fn demo(app: Client) -> oxigram::Result<()> {
//! app.on_message(filters::command("start") & filters::private, |msg: Message| async move {
//!     msg.client().send_message(msg.chat().id(), "Hi! Send me anything.").await?;
//!     Ok(())
//! });
//! app.on_message_in(-1, filters::all, |msg: Message| async move {
//!     tracing::info!(chat = msg.chat().id(), "seen");
//!     Flow::Continue
//! });
//! app.run().await
//! # }
//! ```
//!
//! - [`Filter`]s decide which handler wants an update; they combine with `&`, `|`, `!`
//!   ([`filters`] has the built-ins).
//! - Handlers are async closures or functions taking the update and returning
//!   [`HandlerResult`], a [`Flow`], or `()`.
//! - Groups run lowest first; in each, the first handler whose filter passes runs.
//!   A failing or panicking handler goes to the error handlers ([`DispatchError`]).
//! - [`Router`]s are named sets of handlers, included, enabled and disabled by name.
//! - Listeners ([`Client::listen`](crate::Client::listen),
//!   [`Client::ask`](crate::Client::ask)) take matching updates before any handler.
//! - Workers: [`PoolConfig`]; per-chat order as an option; bounded queues that make the
//!   reader wait when full.

mod client;
pub mod conversation;
mod dispatcher;
pub mod filter;
pub mod filters;
mod group;
pub mod handler;
mod kinds;
mod latch;
mod listen;
mod pool;
mod router;
mod run;
mod signals;
mod table;
#[cfg(test)]
pub(crate) mod testing;

pub use conversation::{CancelHandle, ListenError, MAX_LISTENERS};
pub use dispatcher::{DispatchError, Dispatcher};
pub use filter::{BoxedFilter, Check, Filter};
pub use group::Failure;
pub use handler::{Continue, Flow, Handler, HandlerError, HandlerResult, Stop};
pub use listen::{Ask, Listen};
pub use pool::{DEFAULT_QUEUE, PoolClosed, PoolConfig, default_workers};
pub use router::Router;
pub use run::{SourceFn, UpdateSource, compose, source_fn};
pub use signals::idle;

#[cfg(test)]
mod tests;
