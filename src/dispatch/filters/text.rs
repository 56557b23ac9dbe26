//! Filters on a message's text.

use super::flags::message_filter;
use crate::dispatch::filter::{Check, Filter, impl_ops};
use crate::types::Message;

message_filter! {
    /// A text message (a link preview may come with it): some text, and no media it
    /// would be the caption of.
    text: Text = |m| !m.text().is_empty() && m.caption().is_none();
    /// Media with a caption.
    caption: Caption = |m| m.caption().is_some();
}
