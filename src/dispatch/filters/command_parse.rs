//! Reading a command out of a message's text: the prefix, the name, the bot it is
//! addressed to, the arguments.

use super::words::split_args;

/// What a command line holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parsed {
    pub(crate) prefix: String,
    /// As written, without prefix or `@bot`.
    pub(crate) name: String,
    pub(crate) bot: Option<String>,
    pub(crate) args: Vec<String>,
}

/// Which commands a filter wants.
#[derive(Debug, Clone)]
pub(crate) enum Wanted {
    /// These names (lower-cased unless case-sensitive).
    Names(Vec<String>),
    /// Any name of letters, digits and underscores (what Telegram allows).
    Any,
}

/// The command `text` holds, if it starts with one of `prefixes` followed by a wanted
/// name, and is addressed to no bot or to `me` (our username, compared without regard
/// to case; unknown: no addressed command is ours).
pub(crate) fn parse(
    text: &str,
    prefixes: &[String],
    wanted: &Wanted,
    case_sensitive: bool,
    me: Option<&str>,
) -> Option<Parsed> {
    // Longer prefixes first, so that "//" wins over "/" when both are given.
    let mut ordered: Vec<&String> = prefixes.iter().collect();
    ordered.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for prefix in ordered {
        let Some(rest) = text.strip_prefix(prefix.as_str()) else {
            continue;
        };
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (token, tail) = rest.split_at(end);
        let (name, bot) = match token.split_once('@') {
            Some((name, bot)) => (name, Some(bot)),
            None => (token, None),
        };
        if name.is_empty() {
            continue;
        }
        if let Some(bot) = bot
            && !me.is_some_and(|me| me.eq_ignore_ascii_case(bot))
        {
            continue;
        }
        let known = match wanted {
            Wanted::Any => name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            Wanted::Names(names) => names.iter().any(|n| {
                if case_sensitive {
                    n == name
                } else {
                    n.to_lowercase() == name.to_lowercase()
                }
            }),
        };
        if !known {
            continue;
        }
        return Some(Parsed {
            prefix: prefix.clone(),
            name: name.to_string(),
            bot: bot.map(str::to_string),
            args: split_args(tail),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Wanted {
        Wanted::Names(list.iter().map(|s| s.to_string()).collect())
    }

    fn slash() -> Vec<String> {
        vec!["/".into()]
    }

    #[test]
    fn a_named_command_with_arguments() {
        let parsed = parse(
            "/start a \"b c\"",
            &slash(),
            &names(&["start"]),
            false,
            None,
        )
        .unwrap();
        assert_eq!(parsed.prefix, "/");
        assert_eq!(parsed.name, "start");
        assert_eq!(parsed.bot, None);
        assert_eq!(parsed.args, ["a", "b c"]);
    }

    #[test]
    fn the_name_must_end_at_white_space() {
        let wanted = names(&["start"]);
        assert!(parse("/startx", &slash(), &wanted, false, None).is_none());
        assert!(parse("/start\nline", &slash(), &wanted, false, None).is_some());
        assert!(parse("start", &slash(), &wanted, false, None).is_none());
        assert!(parse("/", &slash(), &wanted, false, None).is_none());
        assert!(parse(" /start", &slash(), &wanted, false, None).is_none());
    }

    #[test]
    fn names_ignore_case_unless_asked() {
        let wanted = names(&["start"]);
        assert_eq!(
            parse("/START", &slash(), &wanted, false, None)
                .unwrap()
                .name,
            "START"
        );
        assert!(parse("/START", &slash(), &wanted, true, None).is_none());
        assert!(parse("/start", &slash(), &names(&["Start"]), true, None).is_none());
    }

    #[test]
    fn only_commands_addressed_to_us() {
        let wanted = names(&["start"]);
        let ours = parse("/start@My_Bot x", &slash(), &wanted, false, Some("my_bot")).unwrap();
        assert_eq!(ours.bot.as_deref(), Some("My_Bot"));
        assert_eq!(ours.args, ["x"]);
        assert!(parse("/start@other_bot", &slash(), &wanted, false, Some("my_bot")).is_none());
        assert!(parse("/start@my_bot", &slash(), &wanted, false, None).is_none());
        assert!(parse("/start@", &slash(), &wanted, false, Some("my_bot")).is_none());
    }

    #[test]
    fn other_prefixes() {
        let prefixes = vec!["!".to_string(), ".".to_string(), "!!".to_string()];
        let wanted = names(&["ban"]);
        assert_eq!(
            parse("!ban 5", &prefixes, &wanted, false, None)
                .unwrap()
                .prefix,
            "!"
        );
        assert_eq!(
            parse(".ban", &prefixes, &wanted, false, None)
                .unwrap()
                .prefix,
            "."
        );
        assert_eq!(
            parse("!!ban", &prefixes, &wanted, false, None)
                .unwrap()
                .prefix,
            "!!"
        );
        assert!(parse("/ban", &prefixes, &wanted, false, None).is_none());
    }

    #[test]
    fn any_command() {
        let any = Wanted::Any;
        assert_eq!(
            parse("/do_it now", &slash(), &any, false, None)
                .unwrap()
                .name,
            "do_it"
        );
        assert!(parse("/ hello", &slash(), &any, false, None).is_none());
        assert!(parse("/a-b", &slash(), &any, false, None).is_none());
        assert!(parse("//path", &slash(), &any, false, None).is_none());
    }
}
