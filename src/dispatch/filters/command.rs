//! Bot commands: `/start`, `/ban@my_bot 42 "for spam"`, with other prefixes if asked.
//! The command found is left on the message (`message.command()`), its arguments split
//! as a shell would.

use crate::Client;
use crate::dispatch::filter::{Check, Filter, impl_ops};
use crate::types::command::Head;
use crate::types::{Command, Message};

/// Messages that start with a command. Made by [`command`], [`commands`] or
/// [`command_any`].
#[derive(Debug, Clone)]
pub struct Commands {
    /// `None`: any name of letters, digits and underscores.
    names: Option<Vec<String>>,
    prefixes: Vec<String>,
    case_sensitive: bool,
}

/// Messages that start with the command `name` (`/name`, or `/name@our_bot`; a command
/// addressed to another bot is not ours). Names are compared without regard to case.
pub fn command(name: &str) -> Commands {
    commands([name])
}

/// Messages that start with any of these commands.
pub fn commands<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Commands {
    Commands {
        names: Some(names.into_iter().map(Into::into).collect()),
        prefixes: vec!["/".into()],
        case_sensitive: false,
    }
}

/// Messages that start with any command (a name of letters, digits and underscores).
pub fn command_any() -> Commands {
    Commands {
        names: None,
        ..commands(Vec::<String>::new())
    }
}

impl Commands {
    /// Commands start with one of these instead of `/` (the longest that fits wins).
    pub fn prefixes<S: Into<String>>(mut self, prefixes: impl IntoIterator<Item = S>) -> Self {
        self.prefixes = prefixes.into_iter().map(Into::into).collect();
        self
    }

    /// Whether names must match in case too (by default they need not).
    pub fn case_sensitive(mut self, yes: bool) -> Self {
        self.case_sensitive = yes;
        self
    }

    /// The command `text` holds if this filter wants it, addressed to no bot or to us.
    /// The name is looked at before the arguments are split: most messages a command
    /// filter sees are not its command.
    fn find(&self, text: &str, client: &Client) -> Option<Command> {
        let head = Head::read(text, &self.prefixes)?;
        let name = head.name;
        let wanted = match &self.names {
            None => name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            Some(names) if self.case_sensitive => names.iter().any(|n| n == name),
            Some(names) => names.iter().any(|n| same_name(n, name)),
        };
        if !wanted {
            return None;
        }
        if let Some(bot) = head.bot
            && !own_usernames(client)
                .iter()
                .any(|me| me.eq_ignore_ascii_case(bot))
        {
            return None;
        }
        Some(head.into_command())
    }
}

/// Whether two command names are the same but for case (without allocating when both
/// are ASCII, as command names almost always are).
fn same_name(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

/// The signed-in account's usernames, as the peer cache knows them (empty if it knows
/// none: then no command addressed to a bot is taken as ours).
fn own_usernames(client: &Client) -> Vec<String> {
    let peers = &client.inner.peers;
    let Some(id) = peers.self_id() else {
        return Vec::new();
    };
    match peers.get(id) {
        Ok(Some(record)) => record.usernames,
        Ok(None) => Vec::new(),
        Err(e) => {
            tracing::warn!(%e, "the peer cache could not say our username");
            Vec::new()
        }
    }
}

impl Filter<Message> for Commands {
    fn check<'a>(&'a self, m: &'a Message) -> Check<'a> {
        let found = self.find(&m.text(), m.client());
        Check::Ready(found.map(|command| m.set_command(command)).is_some())
    }
}

impl_ops! { [] Commands; }
