//! The list of update kinds handlers can be registered for, given to a macro so that
//! the handler table, routers and the client's `on_*` methods stay in step.

/// Calls `$mac!` with one `(field, Type, on_kind, on_kind_in, "what")` per kind.
macro_rules! for_each_kind {
    ($mac:ident) => {
        $mac! {
            (message, Message, on_message, on_message_in, "new messages"),
            (edited_message, Message, on_edited_message, on_edited_message_in, "edited messages"),
            (deleted_messages, DeletedMessages, on_deleted_messages, on_deleted_messages_in, "deletions of messages"),
            (callback_query, CallbackQuery, on_callback_query, on_callback_query_in, "presses of callback buttons"),
            (inline_query, InlineQuery, on_inline_query, on_inline_query_in, "inline queries"),
            (chosen_inline_result, ChosenInlineResult, on_chosen_inline_result, on_chosen_inline_result_in, "chosen inline results"),
            (chat_member, ChatMemberUpdated, on_chat_member, on_chat_member_in, "membership changes"),
            (chat_join_request, ChatJoinRequest, on_chat_join_request, on_chat_join_request_in, "requests to join a chat"),
            (user_status, UserStatus, on_user_status, on_user_status_in, "changes of users' online status"),
            (raw, RawUpdate, on_raw, on_raw_in, "updates without a high-level form"),
        }
    };
}
pub(crate) use for_each_kind;

/// Calls `$mac!` with one `(field, Type, on_hook, "when")` per lifecycle hook.
macro_rules! for_each_hook {
    ($mac:ident) => {
        $mac! {
            (start, Client, on_start, "when [`Client::run`](crate::Client::run) starts, before the first update"),
            (stop, Client, on_stop, "when [`Client::run`](crate::Client::run) stops, after the last update was handled and before the connections close"),
            (disconnect, Client, on_disconnect, "when the connection to the home DC is lost ([`Dispatcher::disconnected`](crate::dispatch::Dispatcher::disconnected))"),
            (error, DispatchError, on_error, "when a handler or filter fails or panics (without one, failures are logged)"),
        }
    };
}
pub(crate) use for_each_hook;
