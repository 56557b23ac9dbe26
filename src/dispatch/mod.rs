//! The update dispatcher: filters, handlers in groups, routers, conversations, and the
//! loop that runs them.

pub mod conversation;
pub mod filter;
pub mod filters;
mod group;
pub mod handler;
mod pool;

pub use conversation::{CancelHandle, ListenError, MAX_LISTENERS};
pub use filter::{BoxedFilter, Check, Filter};
pub use group::Failure;
pub use handler::{Continue, Flow, Handler, HandlerError, HandlerResult, Stop};
pub use pool::{DEFAULT_QUEUE, PoolClosed, PoolConfig, default_workers};
