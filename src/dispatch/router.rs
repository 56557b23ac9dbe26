//! Routers: named sets of handlers, made apart and included into a client, and turned
//! on and off by name while it runs (plugins).
//!
//! ```
//! use oxigram::dispatch::{HandlerResult, Router};
//! use oxigram::{CallbackQuery, Message, filters};
//!
//! async fn ban(msg: Message) -> HandlerResult {
//!     let _target = msg.command().and_then(|c| c.args.first().cloned());
//!     Ok(())
//! }
//!
//! pub fn admin() -> Router {
//!     Router::new("admin")
//!         .on_message(filters::command("ban") & filters::group, ban)
//!         .on_callback_query(filters::regex(r"^unban:(\d+)$"), |q: CallbackQuery| async move {
//!             let _id = q.matches().and_then(|m| m.get(1)).map(str::to_string);
//!             Ok(())
//!         })
//! }
//! # let _ = admin();
//! ```

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::dispatcher::DispatchError;
use super::filter::Filter;
use super::group::Entry;
use super::handler::{Handler, erase};
use super::kinds::{for_each_hook, for_each_kind};
use super::table::{Hook, Table};
use crate::Client;
use crate::types::{
    CallbackQuery, ChatJoinRequest, ChatMemberUpdated, ChosenInlineResult, DeletedMessages,
    InlineQuery, Message, RawUpdate, UserStatus,
};

/// A named set of handlers: built with the `on_*` methods, added to a client with
/// [`Client::include`], switched with [`Client::enable`] and [`Client::disable`].
pub struct Router {
    name: Arc<str>,
    switch: Arc<AtomicBool>,
    table: Table,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("name", &self.name)
            .field("handlers", &self.table.len())
            .finish()
    }
}

impl Router {
    /// An empty router called `name` (the name [`Client::enable`] and
    /// [`Client::disable`] take).
    pub fn new(name: impl Into<String>) -> Self {
        Router::with_switch(&name.into(), Arc::new(AtomicBool::new(true)))
    }

    pub(crate) fn with_switch(name: &str, switch: Arc<AtomicBool>) -> Self {
        Router {
            name: name.into(),
            switch,
            table: Table::default(),
        }
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn switch(&self) -> &Arc<AtomicBool> {
        &self.switch
    }

    pub(crate) fn table(&self) -> &Table {
        &self.table
    }

    /// Adds another router's handlers to this one (they then go by this one's name).
    pub fn merge(mut self, other: Router) -> Self {
        let (name, switch) = (self.name.clone(), self.switch.clone());
        let mut moved = other.table;
        macro_rules! rename_groups {
            ($(($field:ident, $ty:ident, $on:ident, $on_in:ident, $what:literal),)*) => {
                $(moved.groups.$field.rebind(&name, &switch);)*
            };
        }
        for_each_kind!(rename_groups);
        macro_rules! rename_hooks {
            ($(($field:ident, $ty:ident, $on:ident, $what:literal),)*) => {
                $(for hook in &mut moved.hooks.$field {
                    hook.router = name.clone();
                    hook.enabled = switch.clone();
                })*
            };
        }
        for_each_hook!(rename_hooks);
        self.table.extend(&moved);
        self
    }
}

macro_rules! router_kinds {
    ($(($field:ident, $ty:ident, $on:ident, $on_in:ident, $what:literal),)*) => {
        impl Router {
            $(
                #[doc = concat!("Handles ", $what, " that pass `filter`, in group 0.")]
                pub fn $on<F, H, M>(self, filter: F, handler: H) -> Self
                where
                    F: Filter<$ty>,
                    H: Handler<$ty, M>,
                    M: 'static,
                {
                    self.$on_in(0, filter, handler)
                }

                #[doc = concat!("Handles ", $what, " that pass `filter`, in `group` (lower groups run first).")]
                pub fn $on_in<F, H, M>(mut self, group: i32, filter: F, handler: H) -> Self
                where
                    F: Filter<$ty>,
                    H: Handler<$ty, M>,
                    M: 'static,
                {
                    let entry = Entry {
                        filter: Arc::new(filter),
                        handler: erase(handler),
                        enabled: self.switch.clone(),
                        router: self.name.clone(),
                    };
                    self.table.groups.$field.push(group, entry);
                    self
                }
            )*
        }
    };
}
for_each_kind!(router_kinds);

macro_rules! router_hooks {
    ($(($field:ident, $ty:ident, $on:ident, $what:literal),)*) => {
        impl Router {
            $(
                #[doc = concat!("Runs `handler` ", $what, ".")]
                pub fn $on<H, M>(mut self, handler: H) -> Self
                where
                    H: Handler<$ty, M>,
                    M: 'static,
                {
                    self.table.hooks.$field.push(Hook {
                        handler: erase(handler),
                        enabled: self.switch.clone(),
                        router: self.name.clone(),
                    });
                    self
                }
            )*
        }
    };
}
for_each_hook!(router_hooks);
