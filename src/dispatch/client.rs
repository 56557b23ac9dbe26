//! The dispatcher's methods on [`Client`]: handlers, routers, workers.

use super::dispatcher::{DispatchError, Dispatcher};
use super::filter::Filter;
use super::handler::Handler;
use super::kinds::{for_each_hook, for_each_kind};
use super::router::Router;
use crate::Client;
use crate::types::{
    CallbackQuery, ChatJoinRequest, ChatMemberUpdated, ChosenInlineResult, DeletedMessages,
    InlineQuery, Message, RawUpdate, UserStatus,
};

impl Client {
    /// The update dispatcher: where handlers live (also reachable through the `on_*`
    /// methods here), and where updates can be fed by hand.
    pub fn dispatcher(&self) -> &Dispatcher {
        &self.inner.dispatcher
    }

    /// Adds `router`'s handlers (after those there are; a router of the same name is
    /// replaced), enabled.
    pub fn include(&self, router: Router) -> &Self {
        self.dispatcher().include(router);
        self
    }

    /// Turns the router `name` back on (logged if there is none).
    pub fn enable(&self, name: &str) -> &Self {
        if !self.dispatcher().enable(name) {
            tracing::warn!(name, "no router of this name to enable");
        }
        self
    }

    /// Turns the router `name` off: its handlers are skipped until it is enabled
    /// (logged if there is none).
    pub fn disable(&self, name: &str) -> &Self {
        if !self.dispatcher().disable(name) {
            tracing::warn!(name, "no router of this name to disable");
        }
        self
    }

    /// Handles updates with `n` workers (at least 1) from the next [`Client::run`] on;
    /// by default the cores plus four, at most 32.
    pub fn workers(&self, n: usize) -> &Self {
        self.dispatcher().edit_config(|c| c.workers = n.max(1));
        self
    }

    /// Whether each chat's updates are handled one at a time, in the order they came
    /// (other chats in parallel); off by default.
    pub fn per_chat_order(&self, on: bool) -> &Self {
        self.dispatcher().edit_config(|c| c.per_chat = on);
        self
    }

    /// How many updates wait per worker queue before reading waits (backpressure);
    /// [`DEFAULT_QUEUE`](super::DEFAULT_QUEUE) by default.
    pub fn queue_capacity(&self, n: usize) -> &Self {
        self.dispatcher().edit_config(|c| c.queue = n.max(1));
        self
    }
}

macro_rules! client_kinds {
    ($(($field:ident, $ty:ident, $on:ident, $on_in:ident, $what:literal),)*) => {
        impl Client {
            $(
                #[doc = concat!("Handles ", $what, " that pass `filter`, in group 0.")]
                pub fn $on<F, H, M>(&self, filter: F, handler: H) -> &Self
                where
                    F: Filter<$ty>,
                    H: Handler<$ty, M>,
                    M: 'static,
                {
                    self.$on_in(0, filter, handler)
                }

                #[doc = concat!("Handles ", $what, " that pass `filter`, in `group` (lower groups run first).")]
                pub fn $on_in<F, H, M>(&self, group: i32, filter: F, handler: H) -> &Self
                where
                    F: Filter<$ty>,
                    H: Handler<$ty, M>,
                    M: 'static,
                {
                    self.dispatcher().add_own(|r| r.$on_in(group, filter, handler));
                    self
                }
            )*
        }
    };
}
for_each_kind!(client_kinds);

macro_rules! client_hooks {
    ($(($field:ident, $ty:ident, $on:ident, $what:literal),)*) => {
        impl Client {
            $(
                #[doc = concat!("Runs `handler` ", $what, ".")]
                pub fn $on<H, M>(&self, handler: H) -> &Self
                where
                    H: Handler<$ty, M>,
                    M: 'static,
                {
                    self.dispatcher().add_own(|r| r.$on(handler));
                    self
                }
            )*
        }
    };
}
for_each_hook!(client_hooks);
