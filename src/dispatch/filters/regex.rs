//! Regular expressions on a message's text or caption, a callback's data, or an
//! inline query; the capture groups are left on the update (`message.matches()`).

use super::super::filter::{Check, Filter, impl_ops};
use crate::types::{CallbackQuery, InlineQuery, Matches, Message};

/// Updates whose text the regex finds a match in. Made by [`regex()`] or [`try_regex`].
#[derive(Debug, Clone)]
pub struct Regex(Option<regex::Regex>);

/// Updates whose text (a message's text or caption, a callback's data, an inline query)
/// matches `pattern` (the `regex` crate's syntax; anywhere in the text unless anchored).
///
/// An invalid pattern is logged as an error and the filter passes nothing; use
/// [`try_regex`] to get the error instead.
pub fn regex(pattern: &str) -> Regex {
    match try_regex(pattern) {
        Ok(filter) => filter,
        Err(e) => {
            tracing::error!(pattern, %e, "an invalid regex filter passes nothing");
            Regex(None)
        }
    }
}

/// [`regex()`], or the pattern's error.
pub fn try_regex(pattern: &str) -> Result<Regex, regex::Error> {
    Ok(Regex(Some(regex::Regex::new(pattern)?)))
}

impl From<regex::Regex> for Regex {
    fn from(regex: regex::Regex) -> Self {
        Regex(Some(regex))
    }
}

impl Regex {
    /// The capture groups of the first match in `text`.
    fn find(&self, text: &str) -> Option<Matches> {
        let captures = self.0.as_ref()?.captures(text)?;
        Some(Matches(
            captures
                .iter()
                .map(|group| group.map(|g| g.as_str().to_string()))
                .collect(),
        ))
    }
}

impl Filter<Message> for Regex {
    fn check<'a>(&'a self, m: &'a Message) -> Check<'a> {
        Check::Ready(
            self.find(&m.text())
                .map(|found| m.set_matches(found))
                .is_some(),
        )
    }
}

impl Filter<CallbackQuery> for Regex {
    fn check<'a>(&'a self, q: &'a CallbackQuery) -> Check<'a> {
        let found = q.data_str().and_then(|data| self.find(data));
        Check::Ready(found.map(|found| q.set_matches(found)).is_some())
    }
}

impl Filter<InlineQuery> for Regex {
    fn check<'a>(&'a self, q: &'a InlineQuery) -> Check<'a> {
        Check::Ready(
            self.find(q.query())
                .map(|found| q.set_matches(found))
                .is_some(),
        )
    }
}

impl_ops! { [] Regex; }
