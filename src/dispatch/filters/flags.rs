//! Filters that read one fact of a message: who sent it, whether it replies, is
//! forwarded, edited, a service message, or carries a keyboard.

use crate::dispatch::filter::{Check, Filter, impl_ops};
use crate::tl::enums;
use crate::types::Message;

/// Declares a unit filter on messages and its lower-case constant.
macro_rules! message_filter {
    ($($(#[$doc:meta])* $name:ident: $ty:ident = |$m:ident| $body:expr;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $ty;

        $(#[$doc])*
        #[allow(non_upper_case_globals)]
        pub const $name: $ty = $ty;

        impl Filter<Message> for $ty {
            fn check<'a>(&'a self, $m: &'a Message) -> Check<'a> {
                Check::Ready($body)
            }
        }

        impl_ops! { [] $ty; }
    )*};
}
pub(crate) use message_filter;

message_filter! {
    /// Replies to another message.
    reply: Reply = |m| m.reply_to_message_id().is_some();
    /// Forwarded from somewhere.
    forwarded: Forwarded = |m| m.is_forwarded();
    /// Sent by someone else.
    incoming: Incoming = |m| !m.outgoing();
    /// Sent by the signed-in account.
    outgoing: Outgoing = |m| m.outgoing();
    /// Sent by the signed-in account, from here or another of its sessions.
    me: Me = |m| m.outgoing() || m.from_user().is_some_and(|u| u.is_self());
    /// Sent by a bot.
    bot: Bot = |m| m.from_user().is_some_and(|u| u.is_bot());
    /// Mentions the signed-in account (or replies to it).
    mentioned: Mentioned = |m| m.mentioned();
    /// A service message (someone joined, the title changed, ...).
    service: Service = |m| m.is_service();
    /// Sent through an inline bot.
    via_bot: ViaBot = |m| m.via_bot_id().is_some();
    /// Edited at least once.
    edited: Edited = |m| m.edit_date().is_some();
    /// Shows a custom reply keyboard.
    reply_keyboard: ReplyKeyboard = |m| matches!(m.reply_markup(), Some(enums::ReplyMarkup::ReplyKeyboardMarkup(_)));
    /// Has inline buttons.
    inline_keyboard: InlineKeyboard = |m| matches!(m.reply_markup(), Some(enums::ReplyMarkup::ReplyInlineMarkup(_)));
}
