//! What the command and regex filters found in a message: a bot command with its
//! arguments, and capture groups.

/// A command as the command filter read it: `/start@my_bot a "b c"` has the name
/// `start`, the bot `my_bot`, the arguments `a` and `b c`, and the prefix `/`.
///
/// ```no_run
/// use oxigram::prelude::*;
///
/// # fn demo(app: Client) {
/// app.on_message(filters::command("ban"), |msg: Message| async move {
///     if let Some(command) = msg.command() {
///         let reason = command.args.join(" ");
///         msg.reply(format!("banning for: {reason}")).await?;
///     }
///     Ok(())
/// });
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The command's name, without prefix or bot (as written: not lower-cased).
    pub name: String,
    /// The bot named after `@`, if any.
    pub bot: Option<String>,
    /// The arguments, split as a shell would (quotes group words); split on whitespace
    /// if the quotes do not balance.
    pub args: Vec<String>,
    /// The prefix the command started with (`/` for bot commands).
    pub prefix: String,
}

impl Command {
    /// Reads a command from the start of `text`, after one of `prefixes` (the longest
    /// that matches); `None` if the text starts with none of them or nothing follows.
    ///
    /// ```
    /// use oxigram::types::Command;
    ///
    /// let c = Command::parse("/ban@mod_bot 42 \"for spam\"", &["/", "!"]).unwrap();
    /// assert_eq!((c.name.as_str(), c.bot.as_deref()), ("ban", Some("mod_bot")));
    /// assert_eq!(c.args, ["42", "for spam"]);
    /// assert_eq!(c.prefix, "/");
    /// ```
    pub fn parse(text: &str, prefixes: &[&str]) -> Option<Command> {
        Head::read(text, prefixes).map(Head::into_command)
    }
}

/// A command's prefix, name and bot, borrowed from the text, and the rest of the text:
/// enough to tell whether a command is wanted before its arguments are split.
pub(crate) struct Head<'t> {
    pub(crate) prefix: &'t str,
    pub(crate) name: &'t str,
    /// The bot after `@`, if one is named.
    pub(crate) bot: Option<&'t str>,
    tail: &'t str,
}

impl<'t> Head<'t> {
    /// The command at the start of `text`, after the longest of `prefixes` it starts
    /// with; `None` if it starts with none of them or no name follows.
    pub(crate) fn read<S: AsRef<str>>(text: &'t str, prefixes: &[S]) -> Option<Head<'t>> {
        let prefix = prefixes
            .iter()
            .map(AsRef::as_ref)
            .filter(|p| !p.is_empty() && text.starts_with(*p))
            .max_by_key(|p| p.len())?;
        let prefix = &text[..prefix.len()];
        let rest = &text[prefix.len()..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (head, tail) = rest.split_at(end);
        let (name, bot) = match head.split_once('@') {
            Some((name, bot)) => (name, Some(bot).filter(|b| !b.is_empty())),
            None => (head, None),
        };
        if name.is_empty() {
            return None;
        }
        Some(Head {
            prefix,
            name,
            bot,
            tail,
        })
    }

    /// The whole command, its arguments split as a shell would (on whitespace if the
    /// quotes do not balance).
    pub(crate) fn into_command(self) -> Command {
        let args = shlex::split(self.tail)
            .unwrap_or_else(|| self.tail.split_whitespace().map(str::to_string).collect());
        Command {
            name: self.name.to_string(),
            bot: self.bot.map(str::to_string),
            args,
            prefix: self.prefix.to_string(),
        }
    }
}

/// The capture groups of the regex a filter matched: group 0 is the whole match, a
/// group that took no part in the match is `None`.
///
/// ```no_run
/// use oxigram::prelude::*;
///
/// # fn demo(app: Client) {
/// app.on_message(filters::regex(r"^roll (\d+)d(\d+)$"), |msg: Message| async move {
///     if let Some(m) = msg.matches() {
///         println!("{:?} dice of {:?} sides", m.get(1), m.get(2));
///     }
/// });
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Matches(pub Vec<Option<String>>);

impl Matches {
    /// Group `i`, if it matched.
    pub fn get(&self, i: usize) -> Option<&str> {
        self.0.get(i).and_then(|g| g.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_prefix_wins_and_a_bare_prefix_is_no_command() {
        let c = Command::parse("!!stats", &["!", "!!"]).unwrap();
        assert_eq!((c.name.as_str(), c.prefix.as_str()), ("stats", "!!"));
        assert_eq!(Command::parse("/", &["/"]), None);
        assert_eq!(Command::parse("/@bot", &["/"]), None);
        assert_eq!(Command::parse("hello /start", &["/"]), None);
    }

    #[test]
    fn unbalanced_quotes_fall_back_to_whitespace() {
        let c = Command::parse("/say it's  fine", &["/"]).unwrap();
        assert_eq!(c.args, ["it's", "fine"]);
        assert_eq!(c.bot, None);
    }

    #[test]
    fn a_missing_group_reads_as_none() {
        let m = Matches(vec![Some("ab".into()), None, Some("b".into())]);
        assert_eq!(
            (m.get(0), m.get(1), m.get(2), m.get(3)),
            (Some("ab"), None, Some("b"), None)
        );
    }
}
