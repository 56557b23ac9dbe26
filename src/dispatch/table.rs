//! Every registered handler, by kind of update and group, plus the lifecycle hooks.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::dispatcher::DispatchError;
use super::group::{FilterResults, Groups};
use super::handler::ErasedHandler;
use super::kinds::{for_each_hook, for_each_kind};
use crate::Client;
use crate::types::{
    CallbackQuery, ChatJoinRequest, ChatMemberUpdated, ChosenInlineResult, DeletedMessages,
    InlineQuery, Message, RawUpdate, UserStatus,
};

/// A lifecycle handler (start, stop, disconnect, error) and its router's switch.
pub(crate) struct Hook<T> {
    pub(crate) handler: Arc<dyn ErasedHandler<T>>,
    pub(crate) enabled: Arc<AtomicBool>,
    pub(crate) router: Arc<str>,
}

impl<T> Clone for Hook<T> {
    fn clone(&self) -> Self {
        Hook {
            handler: self.handler.clone(),
            enabled: self.enabled.clone(),
            router: self.router.clone(),
        }
    }
}

macro_rules! table {
    ($(($field:ident, $ty:ident, $on:ident, $on_in:ident, $what:literal),)*) => {
        /// Handlers by kind of update.
        #[derive(Default, Clone)]
        pub(crate) struct Groupings {
            $(pub(crate) $field: Groups<$ty>,)*
        }

        impl Groupings {
            fn extend(&mut self, other: &Groupings) {
                $(self.$field.extend(&other.$field);)*
            }

            fn remove_router(&mut self, name: &str) {
                $(self.$field.remove_router(name);)*
            }

            fn len(&self) -> usize {
                0 $(+ self.$field.len())*
            }
        }
    };
}
for_each_kind!(table);

macro_rules! hooks {
    ($(($field:ident, $ty:ident, $on:ident, $what:literal),)*) => {
        /// Lifecycle handlers, in the order they were added.
        #[derive(Default, Clone)]
        pub(crate) struct Hooks {
            $(pub(crate) $field: Vec<Hook<$ty>>,)*
        }

        impl Hooks {
            fn extend(&mut self, other: &Hooks) {
                $(self.$field.extend(other.$field.iter().cloned());)*
            }

            fn remove_router(&mut self, name: &str) {
                $(self.$field.retain(|h| &*h.router != name);)*
            }

            fn len(&self) -> usize {
                0 $(+ self.$field.len())*
            }
        }
    };
}
for_each_hook!(hooks);

/// Every handler and hook.
#[derive(Default, Clone)]
pub(crate) struct Table {
    pub(crate) groups: Groupings,
    pub(crate) hooks: Hooks,
}

impl Table {
    /// Adds what `other` holds after what this one holds.
    pub(crate) fn extend(&mut self, other: &Table) {
        self.groups.extend(&other.groups);
        self.hooks.extend(&other.hooks);
    }

    /// Drops what came with the router `name`.
    pub(crate) fn remove_router(&mut self, name: &str) {
        self.groups.remove_router(name);
        self.hooks.remove_router(name);
    }

    /// How many handlers and hooks there are.
    pub(crate) fn len(&self) -> usize {
        self.groups.len() + self.hooks.len()
    }
}

impl FilterResults for Message {
    fn forget_filter_results(&mut self) {
        self.clear_filter_results();
    }
}

impl FilterResults for CallbackQuery {
    fn forget_filter_results(&mut self) {
        self.clear_filter_results();
    }
}

impl FilterResults for InlineQuery {
    fn forget_filter_results(&mut self) {
        self.clear_filter_results();
    }
}

impl FilterResults for DeletedMessages {}
impl FilterResults for ChosenInlineResult {}
impl FilterResults for ChatMemberUpdated {}
impl FilterResults for ChatJoinRequest {}
impl FilterResults for UserStatus {}
impl FilterResults for RawUpdate {}
